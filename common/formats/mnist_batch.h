/* mnist_batch.h - batches of MNIST images as tensors, with the book's float32 pixels.
 *
 * The book's load_mnist(normalize=True) turns the pixels into float32 and divides by 255.0
 * in float32: pixel 1 is 0.003921568859368563 (float32(1/255)), not the float64
 * 0.00392156862745098. Its networks' weights are float64, so np.dot(x, W) widens each
 * float32 pixel to float64, exactly. mnist_batch gives those widened values, so a network
 * trained here sees the same inputs as the book's.
 *
 * The images stay bytes (formats/mnist.h's MnistBytes, 47 MB for the training set); a
 * batch is made when it is needed, as x_train[batch_mask] or x_train[i:i+n].
 */
#ifndef DLFS_MNIST_BATCH_H
#define DLFS_MNIST_BATCH_H

#include <stddef.h>

#include "formats/mnist.h"
#include "numpy/tensor.h"

/* The value of pixel byte p after the book's normalize: (float)p / 255.0f as a double. */
double mnist_pixel_float32(unsigned char p);

/* x = images idx[0..n) (idx not NULL: x_train[batch_mask]) or first .. first+n-1 (idx NULL),
 * reshaped to (n, rows*cols) when flatten, else (n, 1, rows, cols) (the book's
 * flatten=False); normalized as the book's load_mnist when normalize, else 0..255.
 * x's storage grows as needed (tensor.h). Indices must be < b->count. */
void mnist_batch(Tensor *x, const MnistBytes *b, size_t first, const size_t *idx, size_t n,
                 int flatten, int normalize);

#endif
