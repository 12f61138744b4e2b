/* deep_convnet.h - the book's ch08/deep_convnet.py: DeepConvNet, 99.35% on MNIST (book 8.1).
 *
 *   x (N, 1, 28, 28)
 *   Conv1 16x3x3 pad 1 - Relu1 - Conv2 16x3x3 pad 1 - Relu2 - Pool1 2x2    -> (N, 16, 14, 14)
 *   Conv3 32x3x3 pad 1 - Relu3 - Conv4 32x3x3 pad 2 - Relu4 - Pool2 2x2    -> (N, 32, 8, 8)
 *   Conv5 64x3x3 pad 1 - Relu5 - Conv6 64x3x3 pad 1 - Relu6 - Pool3 2x2    -> (N, 64, 4, 4)
 *   Affine1 1024 -> 50 - Relu7 - Dropout1 0.5 - Affine2 50 -> 10 - Dropout2 0.5
 *   SoftmaxWithLoss
 *
 * Parameters W1..W6 (the filters, (16, 1, 3, 3) .. (64, 64, 3, 3)), W7 (1024, 50), W8 (50, 10)
 * and b1..b8, made in that order (W1, b1, W2, b2, ...) as the book's self.params. He
 * initialisation as the book: Wi = sqrt(2 / pre_node_nums[i]) * np.random.randn(shape) with
 * pre_node_nums = 1*3*3, 16*3*3, 16*3*3, 32*3*3, 32*3*3, 64*3*3, 64*4*4, 50, drawn from rng
 * in the book's order (W1 .. W8), biases zeros. The two Dropout layers draw their masks
 * from the same rng (the book's single np.random), so after random_seed(rng, s) the
 * weights and every mask are those of np.random.seed(s) before the book's code.
 * The layer names are Conv1..Conv6, Relu1..Relu7, Pool1..Pool3, Affine1, Affine2,
 * Dropout1, Dropout2 (the book keeps a list; these follow SimpleConvNet's names).
 * The network is a Net (net.h): net_predict, net_loss, net_accuracy (batches of 100 in the
 * book), net_gradient, net_load_arrays (the book's load_params), net_to_arrays.
 *
 * Beyond the book (8.3.4, half_float_network.py): DeepConvNetF is the same network for
 * inference only in float32 arithmetic, with its weights (and the images it is given)
 * stored either as float32 or as float16 (numpy/half.h); or in float64, where it gives
 * net_predict's very bits, faster (the fast path of inference; the Net is its reference). Each image goes through the six
 * convolutions on one thread (images spread over the threads, so the result is the same
 * bits for any number), each convolution being one gemm_f32 (kernels/gemm.h) of the
 * filters (FN, C*9) by the image's columns (C*9, OH*OW) (im2col transposed, so the output
 * is already (FN, OH, OW)); the Affine layers are one gemm_f32 per batch. float16 weights
 * are expanded to float32 once per call, layer by layer, into a scratch copy.
 */
#ifndef DLFS_DEEP_CONVNET_H
#define DLFS_DEEP_CONVNET_H

#include <stddef.h>

#include "nn/layer.h"
#include "nn/net.h"
#include "numpy/half.h"
#include "numpy/random.h"

#define DEEP_CONVNET_NPARAMS 16         /* W1, b1, ..., W8, b8 */

/* DeepConvNet() with the book's default arguments (input_dim=(1, 28, 28), the six
 * conv_params, hidden_size=50, output_size=10). rng draws the He initial weights now and
 * the Dropout masks later; it must outlive the net. Free with net_free. */
Net *deep_convnet_new(Random *rng);

/* The expected shape of parameter i (0 = W1, 1 = b1, ..., 15 = b8): its name, ndim and
 * shape, e.g. "W4", 4, { 32, 32, 3, 3 }. Returns ndim. */
int deep_convnet_param_shape(size_t i, const char **name, size_t shape[4]);

/* ---- float32 / float16 inference ----------------------------------------------------- */

typedef enum {
    DEEP_CONVNET_FLOAT32,       /* weights stored as float, float arithmetic */
    DEEP_CONVNET_FLOAT16,       /* weights stored as float16, float arithmetic */
    DEEP_CONVNET_FLOAT64,       /* the params' own float64 values, read in place (no copy;
                                 * they must outlive it), float64 arithmetic */
} DeepConvNetStorage;

typedef struct DeepConvNetF DeepConvNetF;

/* A copy of a DeepConvNet's parameters (params[0..n), e.g. net_params(net), found by
 * name W1..b8 and checked against the shapes above), rounded to float32 or float16 as
 * astype(np.float32 / np.float16) does. Returns NULL with err (ERR_LEN) set when a
 * parameter is missing or has another shape. */
DeepConvNetF *deep_convnet_f_new(const Param *params, size_t n, DeepConvNetStorage storage,
                                 char *err);
void deep_convnet_f_free(DeepConvNetF *net);

/* y (n, 10) = predict(x, train_flg=False) for x (n, 1, 28, 28): float32 images, or float16
 * images (x_test.astype(np.float16)) for the _half variant, DEEP_CONVNET_F_BATCH images at a
 * time (the book's batch_size=100). Not for two threads at once on one net (its scratch). */
#define DEEP_CONVNET_F_BATCH 100
void deep_convnet_f_predict(DeepConvNetF *net, float *y, const float *x, size_t n);
void deep_convnet_f_predict_half(DeepConvNetF *net, float *y, const half *x, size_t n);
/* The float64 net (DEEP_CONVNET_FLOAT64): y (n, 10) for x (n, 1, 28, 28), exactly the bits of
 * net_predict(net, x, 0) with the same parameters (every sum in gemm.h's order, every step
 * the book's layer's), a few times faster: each image stays in the caches through all six
 * convolutions instead of the batch's im2col matrices going through memory. */
void deep_convnet_f_predict_f64(DeepConvNetF *net, double *y, const double *x, size_t n);

/* Bytes of the stored parameters (123,552 values: 8, 4 or 2 bytes each), and the largest
 * scratch space a predict call has used so far (per-thread columns and activations, the
 * batch's features, and for float16 the float32 copy of the weights). */
size_t deep_convnet_f_param_bytes(const DeepConvNetF *net);
size_t deep_convnet_f_work_bytes(const DeepConvNetF *net);

#endif
