/* mnist.h - the MNIST handwritten digits, as the book's dataset/mnist.py load_mnist gives them.
 *
 * The four files in data/mnist/ are IDX files, gzip-compressed (a plain, uncompressed file
 * works too: zlib's gzread reads both). load_mnist reads one split, the training set
 * (train-*, 60000 images) or the test set (t10k-*, 10000 images):
 *   x (N, 784)  pixels 0..255, or exactly value / 255.0 when normalize (the book: 0.0~1.0)
 *   t (N, 10)   one-hot rows when one_hot_label, else (N, 1) holding the class 0..9
 * The book's flatten=False only reshapes x to (N, 1, 28, 28); the data stay (N, 784) here,
 * row i being image i row by row, and a chapter prints the shape it wants.
 * (The book's normalized pixels are float32; here they are double, like every other array.)
 *
 * Loaders validate before they allocate: magic numbers (2051 images, 2049 labels), image
 * size 1..MNIST_MAX_SIDE per side, 1..MNIST_MAX_COUNT items, at most MNIST_MAX_BYTES of
 * pixels, a file holding exactly what its header claims (no more, no less), as many labels
 * as images, labels 0..9. The data are read in growing chunks, so memory follows what the
 * file really holds, never what its header claims. Errors go to err (ERR_LEN) as one line
 * naming the file; nothing is printed and nothing exits. Only regular files are read: a FIFO,
 * a device or a directory is refused by name ("is a FIFO, not an IDX file"), never opened.
 * Memory bound: a reader holds at most twice the bytes it has read and checked against the
 * header (the buffer doubles from 1 MiB), never more than the header's size, at most
 * MNIST_MAX_BYTES + 16 bytes per file.
 * Ownership: a loaded MnistSet owns x and t; free it with mnist_free.
 */
#ifndef DLFS_MNIST_H
#define DLFS_MNIST_H

#include <stddef.h>

#include "sys/checked.h"
#include "numpy/matrix.h"

#define MNIST_IMAGE_MAGIC 2051                  /* 0x00000803: unsigned bytes, 3 dimensions */
#define MNIST_LABEL_MAGIC 2049                  /* 0x00000801: unsigned bytes, 1 dimension */
#define MNIST_MAX_SIDE    1024                  /* rows and cols of an image (MNIST: 28) */
#define MNIST_MAX_COUNT   1000000               /* images or labels in a file (MNIST: 60000) */
#define MNIST_MAX_BYTES   ((size_t)64 << 20)    /* pixel bytes in a file (MNIST: 47040000) */

typedef enum { MNIST_TRAIN, MNIST_TEST } MnistSplit;

typedef struct {
    Matrix x;                   /* (N, rows * cols) pixels */
    Matrix t;                   /* (N, 10) one-hot, or (N, 1) class index */
    size_t rows, cols;          /* image size, 28 x 28 for MNIST */
} MnistSet;

/* Read "<dir>/<split>-{images-idx3,labels-idx1}-ubyte.gz" (or the name without .gz when
 * only that exists) into *out. Returns 0, or -1 with err set and *out left empty. */
int load_mnist(const char *dir, MnistSplit split, int normalize, int one_hot_label,
               MnistSet *out, char err[ERR_LEN]);
/* Free x and t; leaves an empty set. */
void mnist_free(MnistSet *s);

/* The same split as raw bytes, for programs that convert images batch by batch: 8 times
 * less memory than doubles (the training set is 47 MB instead of 376 MB) and no time spent
 * converting images that are never used. Validated exactly as load_mnist validates. */
typedef struct {
    size_t count;               /* N images and labels */
    size_t rows, cols;          /* image size, 28 x 28 for MNIST */
    unsigned char *pixels;      /* N * rows * cols bytes, image i at pixels + i * rows * cols */
    unsigned char *labels;      /* N labels 0..9 */
    unsigned char *raw[2];      /* the file contents pixels and labels point into (owned) */
} MnistBytes;

/* Read one split's two files into *out. Returns 0, or -1 with err set and *out empty. */
int load_mnist_bytes(const char *dir, MnistSplit split, MnistBytes *out, char err[ERR_LEN]);
void mnist_bytes_free(MnistBytes *b);
/* x (n, rows * cols), allocated by the caller, = images first .. first + n - 1 (x[first:first+n]),
 * or images idx[0 .. n-1] when idx is not NULL (x[batch_mask]); value / 255.0 when normalize. */
void mnist_images(Matrix *x, const MnistBytes *b, size_t first, const size_t *idx, int normalize);

/* Parse a whole uncompressed IDX file of len bytes (name is used in messages).
 * images: *x becomes (N, rows * cols), and *rows, *cols the image size (either may be NULL);
 * labels: *t becomes (N, 10) or (N, 1). Return 0, or -1 with err set and nothing allocated. */
int mnist_parse_images(const unsigned char *buf, size_t len, const char *name, int normalize,
                       Matrix *x, size_t *rows, size_t *cols, char err[ERR_LEN]);
int mnist_parse_labels(const unsigned char *buf, size_t len, const char *name,
                       int one_hot_label, Matrix *t, char err[ERR_LEN]);

#endif
