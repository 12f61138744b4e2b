/* arrays.h - named n-dimensional arrays, as weight files hold them.
 *
 * The readers of the book's sample_weight.pkl (pickle.h) and of NumPy .npz
 * files (npz.h) both return an ArrayList: each array converted to double,
 * in C (row-major) order, with its name ("W1", "b1", ...) and shape.
 * Ownership: the list owns every array's data; free it with arraylist_free.
 *
 * The bound every weight reader enforces: a file may hold at most ARRAYS_MAX_VALUES values
 * in all its arrays (32 MiB as doubles; the book's largest file, ch07's params.pkl, holds
 * 433,000). An ArrayCheck lets a caller refuse a file from its arrays' names and shapes,
 * which the readers know before they read or inflate any data.
 */
#ifndef DLFS_ARRAYS_H
#define DLFS_ARRAYS_H

#include <stddef.h>

#define ARRAY_MAX_NDIM 8
#define ARRAY_NAME_LEN 64
#define ARRAYS_MAX_VALUES ((size_t)1 << 22)   /* values per weight file: 32 MiB as doubles */

typedef struct {
    char name[ARRAY_NAME_LEN];
    int ndim;                        /* 0 (a scalar) .. ARRAY_MAX_NDIM */
    size_t shape[ARRAY_MAX_NDIM];
    size_t size;                     /* product of shape (1 when ndim == 0) */
    double *data;                    /* size values, C order, owned by the list */
} NamedArray;

typedef struct {
    size_t count;
    NamedArray *items;               /* count arrays, owned */
} ArrayList;

/* An array's name and shape without its data (what a reader knows from the headers). */
typedef struct {
    char name[ARRAY_NAME_LEN];
    int ndim;
    size_t shape[ARRAY_MAX_NDIM];
    size_t size;                     /* product of shape */
} ArrayInfo;

/* Called by a reader with every array's name and shape, in file order, before any data is
 * read: returns 0 to go on, or -1 with err (ERR_LEN bytes, starting with file) to refuse. */
typedef int (*ArrayCheck)(const ArrayInfo *arrays, size_t count, const char *file, void *ctx,
                          char *err);

/* Append an array (takes ownership of data). Names must be unique; returns the new entry, or
 * NULL when memory runs out (data is then freed and the list unchanged): a reader reports
 * that as its error, so nothing here exits. */
NamedArray *arraylist_add(ArrayList *l, const char *name, int ndim, const size_t *shape,
                          double *data);
/* The array called name, or NULL. */
const NamedArray *arraylist_find(const ArrayList *l, const char *name);
/* Free every array and the list itself; leaves an empty list. */
void arraylist_free(ArrayList *l);

#endif
