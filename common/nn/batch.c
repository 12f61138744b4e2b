/* batch.c - the book's x_train[batch_mask]: see batch.h. */
#include "nn/batch.h"

#include <assert.h>
#include <string.h>

void take_batch(Tensor *x_batch, size_t *t_batch, const Tensor *x, const size_t *t,
                const size_t *mask, size_t n)
{
    size_t shape[TENSOR_MAX_NDIM];
    memcpy(shape, x->shape, sizeof shape);
    shape[0] = n;
    tensor_reshape(x_batch, x->ndim, shape);
    const size_t row = x->size / x->shape[0];
    for (size_t i = 0; i < n; i++) {
        assert(mask[i] < x->shape[0] && "take_batch: index out of range");
        memcpy(x_batch->data + i * row, x->data + mask[i] * row, row * sizeof(double));
        t_batch[i] = t[mask[i]];
    }
}
