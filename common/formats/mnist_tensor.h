/* mnist_tensor.h - MNIST images as the convolutional networks take them (chapters 7, 8):
 * load_mnist(flatten=False) gives x of shape (N, 1, 28, 28).
 *
 * The pixels are the book's normalized float32 values, float32(k) / float32(255) (its
 * mnist.py: astype(np.float32) then /= 255.0), here held in a double (exact) or a float. The
 * book's networks then multiply them with float64 weights, so NumPy computes in float64 from
 * these very values. (mnist_images in mnist.h gives k / 255.0 in double, which differs in the
 * last bits.) The images come from MnistBytes (mnist.h), converted batch by batch.
 */
#ifndef DLFS_MNIST_TENSOR_H
#define DLFS_MNIST_TENSOR_H

#include <stddef.h>

#include "formats/mnist.h"
#include "numpy/tensor.h"

/* float32(k) / 255.0f for every byte value k: the book's normalized pixel. */
float mnist_pixel_f32(unsigned char k);

/* x becomes (n, 1, rows, cols) = images first .. first + n - 1 (x_test[first:first+n]), or
 * images idx[0 .. n-1] when idx is not NULL (x_train[batch_mask]); storage grows if needed. */
void mnist_images_nchw(Tensor *x, const MnistBytes *b, size_t first, const size_t *idx, size_t n);
/* The same into x (n * rows * cols floats, the caller's). */
void mnist_images_nchw_f32(float *x, const MnistBytes *b, size_t first, const size_t *idx,
                           size_t n);

#endif
