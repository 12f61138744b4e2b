/* mnist_batch.c - see mnist_batch.h. */
#include "formats/mnist_batch.h"

#include <assert.h>

double mnist_pixel_float32(unsigned char p)
{
    const float v = (float)p / 255.0f;      /* x.astype(np.float32); x /= 255.0 */
    return (double)v;
}

/* Versions for AVX-512, AVX2 and the baseline, picked at run time where the compiler can
 * make them: the conversion and the float32 division vectorize, and a vector division is
 * correctly rounded like the scalar one, so every version gives the same values. */
#if defined(__x86_64__) && defined(__linux__) && defined(__has_attribute)
#if __has_attribute(target_clones)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
static void convert_row(double *restrict dst, const unsigned char *restrict src, size_t n,
                        int normalize)
{
    const float scale = normalize ? 255.0f : 1.0f;
    size_t j = 0;
    for (; j + 16 <= n; j += 16)          /* a constant count: the loop becomes vector code */
        for (size_t u = 0; u < 16; u++)
            dst[j + u] = (double)((float)src[j + u] / scale);
    for (; j < n; j++)
        dst[j] = (double)((float)src[j] / scale);
}

void mnist_batch(Tensor *x, const MnistBytes *b, size_t first, const size_t *idx, size_t n,
                 int flatten, int normalize)
{
    const size_t D = b->rows * b->cols;
    if (flatten)
        tensor_reshape(x, TENSOR_SHAPE2(n, D));
    else
        tensor_reshape(x, TENSOR_SHAPE4(n, 1, b->rows, b->cols));
    for (size_t i = 0; i < n; i++) {
        const size_t k = idx ? idx[i] : first + i;
        assert(k < b->count && "mnist_batch: image index out of range");
        convert_row(x->data + i * D, b->pixels + k * D, D, normalize);
    }
}
