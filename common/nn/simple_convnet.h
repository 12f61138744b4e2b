/* simple_convnet.h - the book's ch07/simple_convnet.py: SimpleConvNet (book 7.5).
 *
 *   conv - relu - pool - affine - relu - affine - softmax
 *
 * as a Net (net.h) with the book's parameter and layer names:
 *   W1 (filter_num, C, filter_size, filter_size), b1 (filter_num)    Conv1 (stride, pad)
 *                                                                    Relu1
 *                                                                    Pool1 (2x2, stride 2)
 *   W2 (filter_num * (OH/2) * (OW/2), hidden_size), b2 (hidden_size) Affine1
 *                                                                    Relu2
 *   W3 (hidden_size, output_size), b3 (output_size)                  Affine2
 *                                                                    SoftmaxWithLoss
 * with OH = OW = (H - filter_size + 2*pad) / stride + 1 (24 for MNIST: W2 is (4320, 100)).
 * The W are weight_init_std * np.random.randn(...) drawn from rng in that order (W1, W2,
 * W3), the b zeros, as the book's __init__: after np.random.seed(s) and random_seed(&rng,
 * s) they are the same numbers. With rng NULL every parameter stays zero (for loading).
 * The book's load_params / save_params are net_load_arrays / net_to_arrays (net.h) on the
 * arrays of a pickle or .npz; accuracy is net_accuracy(net, x, t, 100).
 */
#ifndef DLFS_SIMPLE_CONVNET_H
#define DLFS_SIMPLE_CONVNET_H

#include <stddef.h>

#include "nn/net.h"
#include "numpy/random.h"

typedef struct {
    size_t input_dim[3];            /* (C, H, W) = (1, 28, 28) */
    size_t filter_num, filter_size, pad, stride;    /* 30, 5, 0, 1 */
    size_t hidden_size, output_size;                /* 100, 10 */
    double weight_init_std;                         /* 0.01 */
} SimpleConvNetParams;

/* The book's defaults, shown above. */
SimpleConvNetParams simple_convnet_defaults(void);
/* The network (free with net_free). The filter must fit the (padded) input and the pooling
 * must leave at least one value (asserts: a programmer's error). */
Net *simple_convnet_new(const SimpleConvNetParams *p, Random *rng);

#endif
