/* weights.h - a weight file, whichever format it is in: named arrays, nothing more.
 *
 * The book ships its trained parameters as pickles (ch03 sample_weight.pkl, ch07 params.pkl,
 * ch08 deep_convnet_params.pkl: protocols 2 to 4, FRAME, MEMOIZE, STACK_GLOBAL included);
 * our programs save NumPy .npz files. weights_load tells them apart by their first bytes
 * (0x80 PROTO: a pickle; "PK": a ZIP archive), not by the file name, and returns the arrays
 * by name (W1, b1, ...) as doubles in C order (arrays.h). What the arrays mean (a network's
 * layers) is for the caller: nn/network.h builds the chapter 3-4 network from them.
 *
 * Refused with one line in err naming the file: anything but a regular file ("is a FIFO, not
 * a weight file", "is a directory, ..."), an empty file, a file in neither format, and every
 * defect pickle.h and npz.h list. Memory bound: at most ARRAYS_MAX_VALUES values (32 MiB as
 * doubles) in all, and the reader holds at most what it has checked (pickle.h, npz.h), so a
 * hostile file of any size costs at most a few tens of MiB, usually a few KiB.
 */
#ifndef DLFS_WEIGHTS_H
#define DLFS_WEIGHTS_H

#include "numpy/arrays.h"
#include "sys/checked.h"

/* Read the weight file at path into *out (which it makes empty first). Returns 0 with *out
 * owning the arrays (arraylist_free), or -1 with err set and *out empty. */
int weights_load(const char *path, ArrayList *out, char err[ERR_LEN]);

/* The same under the name the ch08 branch's stopgap weights.h gave it (its callers keep
 * compiling when the branches merge). */
int weights_load_arrays(const char *path, ArrayList *out, char err[ERR_LEN]);

/* The same, with check (may be NULL) called with every array's name and shape, from the
 * headers, before any value is read or inflated: a caller whose arrays must fit together
 * (a network's shapes chain) refuses a hostile file at the cost of its headers. */
int weights_load_checked(const char *path, ArrayCheck check, void *ctx, ArrayList *out,
                         char err[ERR_LEN]);

#endif
