/* bytes.h - what every reader of outside files shares: opening, reading, decoding bytes.
 *
 * The readers (pickle.h, npz.h, mnist.h, weights.h) take their bytes from a ByteSource:
 * a regular file read piece by piece with pread (never the whole file at once unless a
 * reader has checked it needs all of it), or a buffer in memory (tests, fuzzing). Opening
 * refuses anything but a regular file with the right words ("is a FIFO", "is a directory",
 * "is a character device"...), without blocking on a FIFO.
 *
 * Then the decoding helpers both weight readers need: little- and big-endian fields,
 * printable excerpts of untrusted names, shapes printed as Python prints a tuple, float32 and
 * float64 elements in either byte order, and the copy of an array's elements into doubles in
 * C order (from C or Fortran order) that refuses NaN and Inf.
 * Errors: one line in err (ERR_LEN) naming the file; nothing here prints or exits.
 */
#ifndef DLFS_BYTES_H
#define DLFS_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "sys/checked.h"

/* ---- where the bytes come from ------------------------------------------------------ */

typedef struct {
    const char *name;           /* the path, or the name given for a buffer: starts messages */
    int fd;                     /* an open regular file, or -1 for a buffer */
    const unsigned char *mem;   /* the buffer (fd == -1) */
    uint64_t size;              /* the file's or the buffer's length in bytes */
} ByteSource;

/* Open path for reading, refusing anything but a regular file: "<path>: is a FIFO, not
 * <what>" (what: "a weight file", "an IDX file"...), the same for directories, devices and
 * sockets; "<path>: cannot open: <reason>" otherwise. A FIFO is never opened for reading
 * (that could block). Returns 0 with *src ready (close it with byte_source_close), or -1. */
int byte_source_open(ByteSource *src, const char *path, const char *what, char err[ERR_LEN]);
/* A buffer of len bytes as a source (nothing is copied, nothing to close). */
ByteSource byte_source_memory(const unsigned char *buf, size_t len, const char *name);
void byte_source_close(ByteSource *src);
/* Copy n bytes at offset off into dst. Returns 0, or -1 with err when the source is shorter
 * (the file shrank) or the read fails. */
int byte_source_read(const ByteSource *src, uint64_t off, void *dst, size_t n,
                     char err[ERR_LEN]);

/* A descriptor of a regular file, for readers that hand it to another library (zlib's
 * gzdopen): the same checks and messages as byte_source_open. Returns the fd or -1. */
int open_regular_file(const char *path, const char *what, char err[ERR_LEN]);

/* ---- fields ------------------------------------------------------------------------- */

uint32_t get_le16(const unsigned char *p);
uint32_t get_le32(const unsigned char *p);
uint64_t get_le64(const unsigned char *p);
uint32_t get_be32(const unsigned char *p);
void put_le16(unsigned char *p, uint32_t v);
void put_le32(unsigned char *p, uint32_t v);
int host_is_big_endian(void);

/* ---- text for messages -------------------------------------------------------------- */

/* s (n bytes, any content) as one printable line in dst (cap bytes, cap >= 8): bytes outside
 * 0x20..0x7e become '?', and a text too long for dst is cut and ends with "...". Returns dst. */
char *printable(char *dst, size_t cap, const unsigned char *s, size_t n);
/* A shape as Python prints the tuple: (), (50,), (784, 50). Returns dst. */
char *format_shape(char *dst, size_t cap, int ndim, const uint64_t *shape);
enum { SHAPE_TEXT_LEN = 8 * 24 + 4 };   /* room for any shape of up to 8 axes */

/* ---- elements ----------------------------------------------------------------------- */

/* One float32 (itemsize 4) or float64 (8) element, little- or big-endian, as a double
 * (exact: every float32 is a double). */
double get_float(const unsigned char *p, int itemsize, int big_endian);

/* out[0 .. count) = the elements of raw in C (row-major) order, as doubles. raw holds count
 * elements of itemsize bytes in C order, or in Fortran (column-major) order when fortran is
 * set; shape has ndim axes whose product is count. Returns 0, or -1 at the first element that
 * is NaN or +-Inf, with *bad its index in C order and *value the element. */
int elements_to_doubles(double *out, const unsigned char *raw, int ndim, const size_t *shape,
                        size_t count, int itemsize, int big_endian, int fortran, size_t *bad,
                        double *value);

#endif
