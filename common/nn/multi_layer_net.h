/* multi_layer_net.h - the book's common/multi_layer_net.py: a fully connected network of any
 * depth with Weight Decay (book 6.1.8, 6.2, 6.4.2), built as a Net (net.h).
 *
 * MultiLayerNet(input_size, hidden_size_list, output_size, activation='relu',
 * weight_init_std='relu', weight_decay_lambda=0): parameters W1 b1 ... W{L} b{L}, layers
 * Affine1 Activation_function1 ... Affine{L} and SoftmaxWithLoss, weights drawn as
 * multi_layer_net_extend.h describes. It is MultiLayerNetExtend without Dropout and Batch
 * Normalization (use_dropout and use_batchnorm of cfg are ignored), as in the book, where
 * the two classes make the same parameters and layers from the same random numbers.
 */
#ifndef DLFS_MULTI_LAYER_NET_H
#define DLFS_MULTI_LAYER_NET_H

#include "nn/multi_layer_net_extend.h"

/* A new network (net_free it), or NULL with err (ERR_LEN) for bad settings. */
Net *multi_layer_net_new(const MultiLayerNetConfig *cfg, char *err);

#endif
