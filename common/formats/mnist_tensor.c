/* mnist_tensor.c - see mnist_tensor.h. */
#include "formats/mnist_tensor.h"

#include <assert.h>

float mnist_pixel_f32(unsigned char k)
{
    return (float)k / 255.0f;
}

static const unsigned char *image(const MnistBytes *b, size_t first, const size_t *idx, size_t i)
{
    const size_t item = b->rows * b->cols, at = idx ? idx[i] : first + i;
    assert(at < b->count && "mnist_images_nchw: image index out of range");
    return b->pixels + at * item;
}

void mnist_images_nchw(Tensor *x, const MnistBytes *b, size_t first, const size_t *idx, size_t n)
{
    double scale[256];
    for (int k = 0; k < 256; k++)
        scale[k] = (double)mnist_pixel_f32((unsigned char)k);
    tensor_reshape(x, TENSOR_SHAPE4(n, 1, b->rows, b->cols));
    const size_t item = b->rows * b->cols;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = image(b, first, idx, i);
        for (size_t j = 0; j < item; j++)
            x->data[i * item + j] = scale[p[j]];
    }
}

void mnist_images_nchw_f32(float *x, const MnistBytes *b, size_t first, const size_t *idx,
                           size_t n)
{
    float scale[256];
    for (int k = 0; k < 256; k++)
        scale[k] = mnist_pixel_f32((unsigned char)k);
    const size_t item = b->rows * b->cols;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = image(b, first, idx, i);
        for (size_t j = 0; j < item; j++)
            x[i * item + j] = scale[p[j]];
    }
}
