/* mnist_tensor.h - load_mnist(normalize=True) as the book's chapter 6 scripts see it: the
 * images as a Tensor (N, 784) of the book's float32 pixels, the labels as class indices.
 *
 * The book's load_mnist makes the pixels float32 and divides by 255.0 in float32, so the
 * networks of chapters 5-8 multiply float64 weights by float32(p / 255) widened to double.
 * These tensors hold exactly those values, (double)((float)p / 255.0f), so a seeded run's
 * losses agree with NumPy's to the last digits. first/count select x[first:first+count]
 * (count 0: to the end), as the scripts' x_train[:300]; as a Python slice it stops at the
 * end of the data (a small MNIST copy of 100 images gives 100).
 */
#ifndef DLFS_MNIST_TENSOR_H
#define DLFS_MNIST_TENSOR_H

#include <stddef.h>

#include "formats/mnist.h"
#include "numpy/tensor.h"

/* x (n, rows * cols) and t (n labels, malloc'd), both the caller's to free; n = x->shape[0].
 * Returns 0, or -1 with err (ERR_LEN) set: the loader's message, or first beyond the file. */
int load_mnist_tensor(const char *dir, MnistSplit split, size_t first, size_t count,
                      Tensor *x, size_t **t, char *err);

#endif
