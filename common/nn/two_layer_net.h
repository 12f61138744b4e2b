/* two_layer_net.h - the book's ch05/two_layer_net.py: TwoLayerNet built from layers (5.7).
 *
 *   params   W1 (input, hidden), b1 (hidden), W2 (hidden, output), b2 (output)
 *   layers   Affine1 -> Relu1 -> Affine2, then SoftmaxWithLoss (the last layer)
 *
 * W1 = weight_init_std * np.random.randn(input_size, hidden_size), then W2 the same way,
 * drawn from rng in that order, biases zeros: after random_seed(rng, s) the weights are
 * np.random.seed(s)'s to the last bit. The methods are the Net's (net.h): predict, loss,
 * accuracy, gradient (backprop) and numerical_gradient, with the book's names for the
 * parameters and layers. (Chapter 4's sigmoid TwoLayerNet is nn/network.h.)
 * The caller owns the Net: free it with net_free.
 */
#ifndef DLFS_TWO_LAYER_NET_H
#define DLFS_TWO_LAYER_NET_H

#include <stddef.h>

#include "nn/net.h"
#include "numpy/random.h"

Net *two_layer_net_new(size_t input_size, size_t hidden_size, size_t output_size,
                       double weight_init_std, Random *rng);

#endif
