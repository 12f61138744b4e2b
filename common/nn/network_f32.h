/* network_f32.h - the book's predict in float32, as NumPy computes chapter 3 (book 3.6).
 *
 * sample_weight.pkl holds float32 arrays and load_mnist(normalize=True) gives float32 pixels
 * (x.astype(float32) / 255.0), so every np.dot, sigmoid and softmax of the book's
 * neuralnet_mnist.py runs in float32 arithmetic. NetworkF is such a network: W[i] and b[i]
 * as floats, and network_f32_count_correct is the book's inference loop over MNIST bytes:
 *   x = pixel / 255.0f (float32 division)
 *   a1 = np.dot(x, W1) + b1, z1 = sigmoid(a1) = 1 / (1 + exp(-a1)), ...,
 *   y = softmax(an) = exp(a - max) / np.sum(exp(a - max)) (NumPy's pairwise sum order),
 *   p = np.argmax(y) (the first maximum), compared with the label.
 * Each element of a product is summed in the plain order 0 + x[0]W[0] + x[1]W[1] + ...
 * (the zero pixels left out, which changes no bit), one rounding per step (no FMA), the
 * order kernels/gemm.h keeps; exp is kernels/exp_f32.h's (the correctly rounded float but
 * for rare 1-ulp cases; NumPy's SIMD expf has its own few-ulp errors). NumPy's BLAS sums in
 * another order (with FMA), so the last bits of y may differ; the count of right answers is
 * the book's (9352), one by one and batched.
 *
 * Speed: the first layer works on the non-zero pixels only (MNIST is 81% zeros), the others
 * through gemm_f32 in batches; images (or batches) are spread over the threads of
 * kernels/parallel.h, each computed by one thread, so any thread count gives the same bits.
 */
#ifndef DLFS_NETWORK_F32_H
#define DLFS_NETWORK_F32_H

#include <stddef.h>

#include "nn/network.h"

typedef struct {
    size_t nlayers;
    size_t sizes[NETWORK_MAX_LAYERS + 1];   /* sizes[0] inputs, ..., sizes[nlayers] outputs */
    float *W[NETWORK_MAX_LAYERS];           /* (sizes[i], sizes[i+1]), row-major, owned */
    float *b[NETWORK_MAX_LAYERS];           /* sizes[i+1] values, owned */
} NetworkF;

/* 1 when every parameter of net is exactly a float32 value (as when read from the book's
 * float32 sample_weight.pkl), so the float32 network holds the file's very numbers. */
int network_is_float32(const Network *net);
/* out = net's parameters as floats (rounded when net is not float32). Free with
 * network_f32_free. */
void network_f32_from(NetworkF *out, const Network *net);
void network_f32_free(NetworkF *net);

/* The book's loop `for i in range(0, len(x), batch_size)` over n images of net's input size
 * (bytes 0..255, image i at pixels + i * sizes[0]): the number whose argmax prediction equals
 * labels[i]. batch 1 is the book's one image at a time. */
size_t network_f32_count_correct(const NetworkF *net, const unsigned char *pixels,
                                 const unsigned char *labels, size_t n, size_t batch);

/* y (n, outputs), caller-allocated = predict(x) for n images as above (one thread). */
void network_f32_predict(const NetworkF *net, const unsigned char *pixels, size_t n, float *y);

#endif
