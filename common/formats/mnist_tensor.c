/* mnist_tensor.c - MNIST as Tensors of the book's float32 pixels: see mnist_tensor.h. */
#include "formats/mnist_tensor.h"

#include <stdlib.h>

#include "sys/checked.h"

int load_mnist_tensor(const char *dir, MnistSplit split, size_t first, size_t count,
                      Tensor *x, size_t **t, char *err)
{
    MnistBytes b;
    if (load_mnist_bytes(dir, split, &b, err) != 0)
        return -1;
    if (first >= b.count) {
        set_error(err, "%s/%s: holds %zu images, none from index %zu", dir,
                  split == MNIST_TRAIN ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte",
                  b.count, first);
        mnist_bytes_free(&b);
        return -1;
    }
    if (!count || count > b.count - first)      /* x[first:first+count] stops at the end */
        count = b.count - first;
    const size_t item = b.rows * b.cols;
    float pixel[256];                         /* astype(np.float32); /= 255.0 in float32 */
    for (int p = 0; p < 256; p++)
        pixel[p] = (float)p / 255.0f;
    *x = tensor_new(TENSOR_SHAPE2(count, item));
    *t = xcalloc(count, sizeof **t);
    const unsigned char *src = b.pixels + first * item;
    for (size_t i = 0; i < count * item; i++)
        x->data[i] = (double)pixel[src[i]];
    for (size_t i = 0; i < count; i++)
        (*t)[i] = b.labels[first + i];
    mnist_bytes_free(&b);
    return 0;
}
