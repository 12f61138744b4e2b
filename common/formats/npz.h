/* npz.h - NumPy .npz weight files (np.savez / np.savez_compressed), read and written.
 *
 * An .npz is a ZIP archive holding one .npy file per array: "W1.npy", "b1.npy", ...
 * Reading accepts what NumPy writes: ZIP entries stored or deflated (zip64 records
 * and extra fields included), .npy format versions 1.0, 2.0 and 3.0, float64 or
 * float32 in either byte order, C or Fortran order, any shape up to ARRAY_MAX_NDIM
 * axes (0-d scalars too). Every array becomes doubles in C order in an ArrayList
 * (arrays.h) named by its entry name minus ".npy". Before allocating, the reader
 * checks the ZIP records against the file length, sizes against NPZ_MAX_BYTES and
 * shapes for overflow; it then verifies each entry's CRC-32 and refuses NaN or Inf
 * values. Errors come back as one line naming the file and the problem, e.g.
 * "w.npz: entry W2.npy: CRC mismatch (directory says 0x1a2b3c4d, data has 0x...)".
 *
 * Memory bound: the reader never holds more than what it has checked. It reads the file
 * piece by piece: the tail (at most 64 KiB, for the end-of-central-directory record), the
 * central directory (at most NPZ_MAX_DIRECTORY), then the first bytes of every entry (at
 * most 10 KiB inflated, the .npy header), so every name and shape, their total against
 * ARRAYS_MAX_VALUES and the caller's ArrayCheck are known before any entry is inflated.
 * Then one entry at a time: its .npy bytes (declared and checked: at most NPZ_MAX_BYTES)
 * and the arrays accepted (at most ARRAYS_MAX_VALUES values, 32 MiB as doubles). A zip bomb
 * whose shapes don't chain costs a few kilobytes; a 1.5 GB file without an end record, 64 KiB.
 *
 * Writing produces float64 .npy 1.0 entries (at most ARRAYS_MAX_VALUES values in all) byte-identical to NumPy 1.24's np.save,
 * inside a plain ZIP (no zip64 needed below NPZ_MAX_BYTES), stored like np.savez or
 * deflated like np.savez_compressed; np.load reads it back exactly. The file is
 * written beside path and renamed into place (atomic.h), so an interrupted run
 * leaves the previous file intact.
 */
#ifndef DLFS_NPZ_H
#define DLFS_NPZ_H

#include <stddef.h>

#include "formats/bytes.h"
#include "numpy/arrays.h"
#include "sys/checked.h"

/* .npy bytes per file, all entries together: the values (ARRAYS_MAX_VALUES float64) and
 * 8 MiB of headers */
#define NPZ_MAX_BYTES     (ARRAYS_MAX_VALUES * 8 + ((size_t)8 << 20))
#define NPZ_MAX_ARRAYS    4096          /* entries per file */
#define NPZ_MAX_DIRECTORY (4 << 20)     /* central directory bytes (np.savez: ~100 per entry) */

/* Read the .npz at path into out, which must be an empty list ({0}). Returns 0, or -1
 * with err set and out left empty. On success the caller frees out with arraylist_free. */
int npz_load(const char *path, ArrayList *out, char err[ERR_LEN]);

/* The same from any source (bytes.h), calling check (when not NULL) with every entry's name
 * and shape, read from the .npy headers, before any entry is inflated or converted. */
int npz_read_checked(const ByteSource *src, ArrayCheck check, void *ctx, ArrayList *out,
                     char err[ERR_LEN]);

/* The names and shapes of the .npz at path, from its .npy headers only (a few hundred bytes
 * per entry; nothing is inflated beyond them). *infos (free()) gets *count of them. Returns 0,
 * or -1 with err set and *infos NULL. */
int npz_list(const char *path, ArrayInfo **infos, size_t *count, char err[ERR_LEN]);

/* The same from len bytes in memory (for tests and fuzzing); name_for_errors starts
 * every message. buf is only read and may be freed afterwards. */
int npz_parse(const unsigned char *buf, size_t len, const char *name_for_errors,
              ArrayList *out, char err[ERR_LEN]);

/* Write every array of arrays to path as float64 .npy entries, in list order, stored
 * (compress 0) or deflated (compress 1). Refuses NaN/Inf values. Returns 0, or -1 with
 * err set and any previous file at path untouched. */
int npz_save(const char *path, const ArrayList *arrays, int compress, char err[ERR_LEN]);

#endif
