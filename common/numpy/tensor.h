/* tensor.h - an N-D array of doubles (up to 4-D), row-major, like a NumPy float64 array.
 *
 * Chapter 5 on, the book's layers pass arrays of any rank: x (N, 784) into Affine,
 * (N, C, H, W) images into Convolution and Pooling (chapter 7). A Tensor is that
 * array: shape[0] is the batch N, and shape[ndim-1] varies fastest, as in NumPy's
 * C order. A Matrix (matrix.h) is the 2-D case; tensor_as_matrix views a tensor as
 * (shape[0], size / shape[0]), which is the book's x.reshape(x.shape[0], -1).
 *
 * Ownership: a Tensor owns `data` (cap values). tensor_new allocates; tensor_reshape
 * changes the shape and grows the storage only when cap is too small, so a layer that
 * keeps its output tensor allocates once for the largest batch and a training loop
 * allocates nothing. Start from `Tensor t = { 0 }` or tensor_new; release with
 * tensor_free. A tensor made with tensor_view borrows its data (cap 0) and is never
 * freed or grown.
 *
 * TensorF is the same with float (NumPy float32), for the paths that compute in
 * float32 (chapter 3's inference, chapter 8's half-precision network).
 */
#ifndef DLFS_TENSOR_H
#define DLFS_TENSOR_H

#include <stddef.h>

#include "numpy/matrix.h"

#define TENSOR_MAX_NDIM 4

typedef struct {
    int ndim;                          /* 1 .. TENSOR_MAX_NDIM */
    size_t shape[TENSOR_MAX_NDIM];     /* unused dimensions are 1 */
    size_t size;                       /* product of shape */
    size_t cap;                        /* values allocated (0: borrowed data) */
    double *data;
} Tensor;

typedef struct {
    int ndim;
    size_t shape[TENSOR_MAX_NDIM];
    size_t size;
    size_t cap;
    float *data;
} TensorF;

/* Shapes: tensor_new(&t, 2, (size_t[]){ N, 784 }); the TENSOR_SHAPE macros spell it shorter. */
#define TENSOR_SHAPE2(a, b) 2, (const size_t[]){ (a), (b) }
#define TENSOR_SHAPE4(a, b, c, d) 4, (const size_t[]){ (a), (b), (c), (d) }

Tensor tensor_new(int ndim, const size_t *shape);            /* zeros */
/* t takes the shape; its storage grows (contents then undefined) only if cap < size.
 * Dies with a message if t is a borrowed view that would have to grow. */
void   tensor_reshape(Tensor *t, int ndim, const size_t *shape);
/* dst = src (shape and values); dst's storage grows if needed. */
void   tensor_copy(Tensor *dst, const Tensor *src);
/* A tensor over someone else's data (nothing is copied; do not free). */
Tensor tensor_view(double *data, int ndim, const size_t *shape);
void   tensor_zero(Tensor *t);
void   tensor_free(Tensor *t);                               /* leaves { 0 } */
/* Same shape (ndim and every dimension)? */
int    tensor_same_shape(const Tensor *a, const Tensor *b);
/* The tensor as (shape[0], size / shape[0]) rows, sharing its data (x.reshape(N, -1)). */
Matrix tensor_as_matrix(const Tensor *t);
/* "(100, 1, 28, 28)", for messages; buf of at least 96 bytes. Returns buf. */
char  *tensor_shape_str(const Tensor *t, char *buf, size_t len);

TensorF tensorf_new(int ndim, const size_t *shape);
void    tensorf_reshape(TensorF *t, int ndim, const size_t *shape);
void    tensorf_free(TensorF *t);

#endif
