/* pickle.h - read the book's sample_weight.pkl: a pickled dict of NumPy arrays.
 *
 * Chapter 3 (neuralnet_mnist.py) loads its trained weights with Python's
 * pickle.load. This reads the same kind of file in C: a dict whose keys are
 * strings and whose values are NumPy float32 ('f4') or float64 ('f8') arrays,
 * pickled with protocol 2 to 5 by NumPy 1.x or 2.x (Python 2 pickles too).
 *
 * It is a small pickle virtual machine that never calls anything. The only
 * globals it knows are the ones NumPy writes to rebuild an array, accepted only
 * in the shapes NumPy uses them: numpy.core.multiarray._reconstruct (NumPy 2:
 * numpy._core...), numpy.ndarray, numpy.dtype, numpy.core.numeric._frombuffer
 * (protocol 5) and _codecs.encode (how Python 3 writes bytes at protocol 2).
 * Any other global ("os.system"), an unknown opcode, a truncated stream, a shape
 * that disagrees with its data, nesting deeper than PICKLE_MAX_DEPTH, NaN or Inf
 * values... are refused with one line naming the file and the problem.
 *
 * Each array is converted to double in C (row-major) order; Fortran-order
 * arrays (the book's W1, W2, W3 are) are reordered. The ArrayList keeps the
 * dict's order and its keys as names.
 *
 * Memory bound: the reader never holds more than max(twice the bytes it has parsed, the
 * bytes a length field it has checked asks for), at most PICKLE_MAX_FILE (33 MiB), plus the
 * arrays it accepted, at most ARRAYS_MAX_VALUES values (32 MiB as doubles). A file is read
 * as the parser needs it (64 KiB first), so a hostile opcode at byte 2 of an 800 MB file
 * costs 64 KiB; an array check (arrays.h) sees every name and shape before any value is
 * converted.
 */
#ifndef DLFS_PICKLE_H
#define DLFS_PICKLE_H

#include <stddef.h>

#include "formats/bytes.h"
#include "numpy/arrays.h"
#include "sys/checked.h"

/* The arrays' bytes (ARRAYS_MAX_VALUES float64) and 1 MiB for the rest of the pickle. */
#define PICKLE_MAX_FILE   (ARRAYS_MAX_VALUES * 8 + ((size_t)1 << 20))
#define PICKLE_FIRST_READ ((size_t)1 << 16)   /* bytes read before the parser asks for more */
#define PICKLE_MAX_DEPTH 32                /* MARKs open at once, and containers nested */

/* Read the pickle file at path (a regular file) into *out, one array per dict key.
 * On success *out owns the arrays (free with arraylist_free); on error *out is empty. */
int pickle_load_arrays(const char *path, ArrayList *out, char err[ERR_LEN]);

/* The same from any source (bytes.h: a file, read as needed, or a buffer), calling check
 * (when not NULL) with every array's name and shape before any value is converted. */
int pickle_read_checked(const ByteSource *src, ArrayCheck check, void *ctx, ArrayList *out,
                        char err[ERR_LEN]);

/* The same for a pickle in memory: buf holds len bytes (not kept); messages start with
 * name_for_errors. */
int pickle_parse_arrays(const unsigned char *buf, size_t len, const char *name_for_errors,
                        ArrayList *out, char err[ERR_LEN]);

#endif
