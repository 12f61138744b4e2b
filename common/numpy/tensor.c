/* tensor.c - see tensor.h. */
#include "numpy/tensor.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/checked.h"

/* Product of the shape; dies on overflow (a programmer's or a hostile file's absurd shape). */
static size_t shape_size(int ndim, const size_t *shape)
{
    assert(ndim >= 1 && ndim <= TENSOR_MAX_NDIM && "tensor: ndim out of range");
    size_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] && n > SIZE_MAX / sizeof(double) / shape[i])
            die("tensor: shape too large to allocate");
        n *= shape[i];
    }
    return n;
}

static void set_shape(int *ndim_out, size_t *shape_out, int ndim, const size_t *shape)
{
    *ndim_out = ndim;
    for (int i = 0; i < TENSOR_MAX_NDIM; i++)
        shape_out[i] = i < ndim ? shape[i] : 1;
}

Tensor tensor_new(int ndim, const size_t *shape)
{
    Tensor t = { 0 };
    set_shape(&t.ndim, t.shape, ndim, shape);
    t.size = shape_size(ndim, shape);
    t.cap = t.size ? t.size : 1;
    t.data = xcalloc(t.cap, sizeof(double));
    return t;
}

void tensor_reshape(Tensor *t, int ndim, const size_t *shape)
{
    const size_t size = shape_size(ndim, shape);
    if (size > t->cap) {
        if (t->data && t->cap == 0)
            die("tensor_reshape: a borrowed view cannot grow");
        free(t->data);
        t->data = xmalloc(size * sizeof(double));
        t->cap = size;
    }
    set_shape(&t->ndim, t->shape, ndim, shape);
    t->size = size;
}

void tensor_copy(Tensor *dst, const Tensor *src)
{
    assert(dst != src);
    tensor_reshape(dst, src->ndim, src->shape);
    if (src->size)
        memcpy(dst->data, src->data, src->size * sizeof(double));
}

Tensor tensor_view(double *data, int ndim, const size_t *shape)
{
    Tensor t = { 0 };
    set_shape(&t.ndim, t.shape, ndim, shape);
    t.size = shape_size(ndim, shape);
    t.data = data;
    return t;
}

void tensor_zero(Tensor *t)
{
    if (t->size)
        memset(t->data, 0, t->size * sizeof(double));
}

void tensor_free(Tensor *t)
{
    if (t->cap)
        free(t->data);
    *t = (Tensor){ 0 };
}

int tensor_same_shape(const Tensor *a, const Tensor *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return 0;
    return 1;
}

Matrix tensor_as_matrix(const Tensor *t)
{
    const size_t n = t->shape[0];
    return (Matrix){ n, n ? t->size / n : 0, t->data };
}

char *tensor_shape_str(const Tensor *t, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < t->ndim && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? ", " : "", t->shape[i]);
    if (used < len)
        snprintf(buf + used, len - used, t->ndim == 1 ? ",)" : ")");
    return buf;
}

TensorF tensorf_new(int ndim, const size_t *shape)
{
    TensorF t = { 0 };
    set_shape(&t.ndim, t.shape, ndim, shape);
    t.size = shape_size(ndim, shape);
    t.cap = t.size ? t.size : 1;
    t.data = xcalloc(t.cap, sizeof(float));
    return t;
}

void tensorf_reshape(TensorF *t, int ndim, const size_t *shape)
{
    const size_t size = shape_size(ndim, shape);
    if (size > t->cap) {
        if (t->data && t->cap == 0)
            die("tensorf_reshape: a borrowed view cannot grow");
        free(t->data);
        t->data = xmalloc(size * sizeof(float));
        t->cap = size;
    }
    set_shape(&t->ndim, t->shape, ndim, shape);
    t->size = size;
}

void tensorf_free(TensorF *t)
{
    if (t->cap)
        free(t->data);
    *t = (TensorF){ 0 };
}
