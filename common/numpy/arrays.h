/* arrays.h - named n-dimensional arrays, as weight files hold them.
 *
 * The readers of the book's sample_weight.pkl (pickle.h) and of NumPy .npz
 * files (npz.h) both return an ArrayList: each array converted to double,
 * in C (row-major) order, with its name ("W1", "b1", ...) and shape.
 * Ownership: the list owns every array's data; free it with arraylist_free.
 */
#ifndef DLFS_ARRAYS_H
#define DLFS_ARRAYS_H

#include <stddef.h>

#define ARRAY_MAX_NDIM 8
#define ARRAY_NAME_LEN 64

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

/* Append an array (takes ownership of data). Names must be unique; returns the new entry. */
NamedArray *arraylist_add(ArrayList *l, const char *name, int ndim, const size_t *shape,
                          double *data);
/* The array called name, or NULL. */
const NamedArray *arraylist_find(const ArrayList *l, const char *name);
/* Free every array and the list itself; leaves an empty list. */
void arraylist_free(ArrayList *l);

#endif
