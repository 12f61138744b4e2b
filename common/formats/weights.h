/* weights.h - a weight file, whichever format it is in: the book's pickle (.pkl) or NumPy's
 * .npz, told apart by its first bytes (0x80 opens a pickle, "PK" a ZIP), never by its name.
 *
 * It returns the named arrays (arrays.h) and nothing more; nn/ turns them into a network
 * (net_load_arrays, the book's load_params). Errors are one line naming the file: a
 * missing file, a directory, an empty file, neither format, or what pickle.h or npz.h
 * refuse.
 */
#ifndef DLFS_WEIGHTS_H
#define DLFS_WEIGHTS_H

#include "numpy/arrays.h"
#include "sys/checked.h"

/* Reads path into *out (empty on entry). Returns 0, or -1 with err set and *out empty. */
int weights_load_arrays(const char *path, ArrayList *out, char err[ERR_LEN]);

#endif
