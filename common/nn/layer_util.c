/* layer_util.c - see layer_util.h. */
#include "nn/layer_util.h"

#include <string.h>

#include "sys/checked.h"

void *layer_alloc(size_t size, const LayerOps *ops)
{
    Layer *l = xcalloc(1, size);
    l->ops = ops;
    return l;
}

void layer_cache_like(Tensor *cache, const Tensor *like)
{
    tensor_reshape(cache, like->ndim, like->shape);
}

void sum_axis0(double *out, const double *x, size_t N, size_t M)
{
    if (N == 0) {
        memset(out, 0, M * sizeof *out);
        return;
    }
    memcpy(out, x, M * sizeof *out);
    for (size_t i = 1; i < N; i++)
        for (size_t j = 0; j < M; j++)
            out[j] += x[i * M + j];
}
