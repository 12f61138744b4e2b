/* layer_util.h - small helpers every layer file uses (layers.c, layers_norm.c, layers_conv.c).
 *
 * Not part of the book; these are the bits of bookkeeping its NumPy code gets for free.
 */
#ifndef DLFS_LAYER_UTIL_H
#define DLFS_LAYER_UTIL_H

#include <stddef.h>

#include "nn/layer.h"
#include "numpy/tensor.h"

/* A zeroed layer struct of `size` bytes (the concrete type, whose first member is a Layer)
 * with its ops set: `Relu *r = layer_alloc(sizeof *r, &relu_ops);`. Never NULL. */
void *layer_alloc(size_t size, const LayerOps *ops);

/* cache takes like's shape, growing its storage only when it is too small (contents are
 * then undefined): the "grow my cache for the largest batch" step of every forward. */
void layer_cache_like(Tensor *cache, const Tensor *like);

/* out[0..M) = np.sum(x, axis=0) for x (N, M) row-major: out[j] = x[0][j] + x[1][j] + ...
 * added row after row, the order NumPy uses for a reduction over the outer axis. */
void sum_axis0(double *out, const double *x, size_t N, size_t M);

/* One {value, grad} pair for a layer's params op. */
static inline Param layer_param(Tensor *value, Tensor *grad)
{
    return (Param){ .name = { 0 }, .value = value, .grad = grad };
}

#endif
