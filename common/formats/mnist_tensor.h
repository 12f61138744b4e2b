/* mnist_tensor.h - MNIST images as the (N, 1, 28, 28) tensors of the book's chapters 7 and 8:
 * load_mnist(flatten=False, normalize=True).
 *
 * The book's normalized pixels are float32 (x.astype(np.float32) / 255.0), and its
 * convolutions compute in float64 on those float32 values (im2col copies them into a
 * float64 array). So each pixel here is the float32 value / 255.0f, stored as a double:
 * the same numbers the book's networks see (not the double value / 255.0 of mnist.h).
 */
#ifndef DLFS_MNIST_TENSOR_H
#define DLFS_MNIST_TENSOR_H

#include <stddef.h>

#include "formats/mnist.h"
#include "numpy/tensor.h"

/* x (n, 1, rows, cols) = images first .. first + n - 1 (x[first:first+n]), or images
 * idx[0 .. n-1] when idx is not NULL (x[batch_mask]); x's storage grows as needed. */
void mnist_images_tensor(Tensor *x, const MnistBytes *b, size_t first, const size_t *idx,
                         size_t n);

#endif
