/* batch.h - x_batch = x_train[batch_mask]; t_batch = t_train[batch_mask] (the book's mini-batch
 * step, chapters 4-8), for Tensors of any rank.
 */
#ifndef DLFS_BATCH_H
#define DLFS_BATCH_H

#include <stddef.h>

#include "numpy/tensor.h"

/* x_batch takes x's shape with n rows (its storage grows only when too small), row i being
 * x's row mask[i]; t_batch[i] = t[mask[i]] (t_batch: n values, the caller's). */
void take_batch(Tensor *x_batch, size_t *t_batch, const Tensor *x, const size_t *t,
                const size_t *mask, size_t n);

#endif
