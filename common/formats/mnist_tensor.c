/* mnist_tensor.c - see mnist_tensor.h. */
#include "formats/mnist_tensor.h"

#include <assert.h>

void mnist_images_tensor(Tensor *x, const MnistBytes *b, size_t first, const size_t *idx,
                         size_t n)
{
    const size_t pixels = b->rows * b->cols;
    assert((idx || first + n <= b->count) && "mnist_images_tensor: images out of range");
    tensor_reshape(x, TENSOR_SHAPE4(n, 1, b->rows, b->cols));
    /* float32 division, exactly: a double quotient rounded to float is the correctly
     * rounded float quotient (double has more than twice float's precision) */
    float table[256];
    for (int v = 0; v < 256; v++)
        table[v] = (float)((double)v / 255.0);
    for (size_t i = 0; i < n; i++) {
        const size_t k = idx ? idx[i] : first + i;
        assert(k < b->count && "mnist_images_tensor: image index out of range");
        const unsigned char *src = b->pixels + k * pixels;
        double *dst = x->data + i * pixels;
        for (size_t p = 0; p < pixels; p++)
            dst[p] = (double)table[src[p]];
    }
}
