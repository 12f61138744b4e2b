/* layers.h - the book's common/layers.py in C: each class a constructor, forward, backward.
 *
 * Every layer is a Layer (layer.h): layer_forward(l, &out, &x, train) and
 * layer_backward(l, &dx, &dout), with what backward needs kept in the layer as the book
 * keeps self.mask, self.x, self.col. Shapes are the book's; N is the batch:
 *
 *   Relu, Sigmoid         any shape -> the same shape                       (book 5.5)
 *   Affine(W, b)          x (N, ...) flattened to (N, D), W (D, M), b (M) -> (N, M);
 *                         backward: dx with x's original shape, dW = x.T . dout,
 *                         db = np.sum(dout, axis=0)                         (book 5.6)
 *   Dropout(ratio)        train: x * mask with mask = rand(x.shape) > ratio;
 *                         test: x * (1 - ratio)                             (book 6.4.3)
 *   BatchNormalization    x (N, D), or (N, C, H, W) seen as (N, C*H*W); gamma, beta (D);
 *                         running mean and variance kept in the layer     (book 6.3)
 *   Convolution(W, b)     x (N, C, H, W), W (FN, C, FH, FW), b (FN) -> (N, FN, OH, OW),
 *                         OH = 1 + (H + 2*pad - FH) / stride, by im2col and one GEMM (7.4)
 *   Pooling               max over pool_h x pool_w windows, per channel; backward sends
 *                         each gradient to the first maximum of its window (np.argmax) (7.4)
 *
 * Parameters (W, b, gamma, beta) are tensors owned by the network that builds the layer
 * (net.h; the book's self.params); the layer keeps pointers to them, reads them in
 * forward and writes its gradients (its own tensors, the book's self.dW, self.db) in
 * backward. layer_params() lists them as {value, grad} pairs in the book's order
 * (W then b; gamma then beta).
 *
 * SoftmaxWithLoss is the last layer and has its own calls: its forward takes labels
 * and returns the loss, its backward starts from dout = 1.
 * Products go through kernels/gemm.h, so they are threaded and the same bits for any
 * number of threads.
 */
#ifndef DLFS_LAYERS_H
#define DLFS_LAYERS_H

#include <stddef.h>

#include "nn/layer.h"
#include "numpy/random.h"
#include "numpy/tensor.h"

/* ---- the layers of chapter 5 ------------------------------------------------------- */

Layer *relu_new(void);
Layer *sigmoid_new(void);
/* W (D, M) and b (M) belong to the caller and must outlive the layer. */
Layer *affine_new(Tensor *W, Tensor *b);

/* The book's self.mask, self.out, self.x for programs that show them (ch05_layers). */
/* The mask of the last forward, x's size (*size) bytes in x's order: 1 where x <= 0 (the
 * book's True), else 0. Owned by the layer. */
const unsigned char *relu_mask(const Layer *relu, size_t *size);
const Tensor *affine_dW(const Layer *affine);
const Tensor *affine_db(const Layer *affine);

/* Labels for SoftmaxWithLoss, as the book accepts both: class indices (t is N values in
 * [0, C)) or one-hot rows (a (N, C) tensor). Exactly one of the two is set. */
typedef struct {
    const size_t *index;
    const Tensor *onehot;
} Labels;
#define LABELS_INDEX(t) ((Labels){ .index = (t), .onehot = NULL })
#define LABELS_ONEHOT(t) ((Labels){ .index = NULL, .onehot = (t) })

typedef struct SoftmaxWithLoss SoftmaxWithLoss;
SoftmaxWithLoss *softmax_with_loss_new(void);
/* y = softmax(x) kept, returns cross_entropy_error(y, t) (functions.h; the book's 1e-7). */
double softmax_with_loss_forward(SoftmaxWithLoss *l, const Tensor *x, Labels t);
/* dx = (y - t) / batch_size (dout = 1, as the book's backward(dout=1)); dx takes x's shape. */
void   softmax_with_loss_backward(SoftmaxWithLoss *l, Tensor *dx);
const Tensor *softmax_with_loss_y(const SoftmaxWithLoss *l);
void   softmax_with_loss_free(SoftmaxWithLoss *l);

/* ---- chapter 6 ----------------------------------------------------------------------- */

/* The book's Dropout(dropout_ratio=0.5); the mask is drawn from rng (its np.random.rand). */
Layer *dropout_new(double dropout_ratio, Random *rng);
/* BatchNormalization(gamma, beta, momentum=0.9): running_mean and running_var start as
 * zeros of gamma's size on the first forward, as the book's None. */
Layer *batch_normalization_new(Tensor *gamma, Tensor *beta, double momentum);

/* ---- chapter 7 ----------------------------------------------------------------------- */

/* Convolution(W, b, stride=1, pad=0): W (FN, C, FH, FW), b (FN), owned by the caller. */
Layer *convolution_new(Tensor *W, Tensor *b, size_t stride, size_t pad);
/* Pooling(pool_h, pool_w, stride=1, pad=0) (the book's networks use 2, 2, stride 2). */
Layer *pooling_new(size_t pool_h, size_t pool_w, size_t stride, size_t pad);

/* Convolution -> Relu -> Pooling(2, 2, stride 2) forward, image by image (layers_conv.c):
 * out is Pooling's output and each layer keeps what its backward needs (Convolution's x,
 * Relu's mask, Pooling's arg_max), bit for bit as the three forwards one after another, but
 * each image's convolution stays in its thread's cache instead of going through the two
 * (N, FN, OH, OW) tensors between the layers (Relu and Pooling took 29% of SimpleConvNet's
 * training, passes over 14 MB). Returns 1, or 0 when the three are not such a sequence
 * (other layers, another pooling window): then the caller runs them one by one. net.c uses
 * it; tests/test_conv.c checks it against the three forwards. */
int conv_relu_pool_forward(Layer *conv, Layer *relu, Layer *pool, Tensor *out, const Tensor *x,
                           int train);
/* The backward of the same three when the Convolution is the network's first layer (no dx
 * wanted): Pooling's and Relu's backward image by image, each image's gradient going
 * straight into Convolution's dW and db, bit for bit as the three backwards one after
 * another. Returns 1, or 0 when they are not such a sequence or forward did not run (then
 * the caller runs them one by one). */
int conv_relu_pool_backward(Layer *conv, Layer *relu, Layer *pool, const Tensor *dout);
/* Relu's mask, grown to size bytes and set as the last forward's (for the fused forward). */
unsigned char *relu_mask_reserve(Layer *relu, size_t size);

#endif
