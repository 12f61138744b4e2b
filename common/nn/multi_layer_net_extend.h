/* multi_layer_net_extend.h - the book's common/multi_layer_net_extend.py: a fully connected
 * network with Weight Decay, Dropout and Batch Normalization (book 6.3, 6.4), built as a Net
 * (net.h).
 *
 * MultiLayerNetExtend(input_size, hidden_size_list, output_size, activation='relu',
 * weight_init_std='relu', weight_decay_lambda=0, use_dropout=False, dropout_ration=0.5,
 * use_batchnorm=False) makes, as the book does:
 *   parameters  W1 b1 ... W{L} b{L} (L = hidden layers + 1), then gamma1 beta1 ... for each
 *               hidden layer when use_batchnorm (ones and zeros);
 *               W{i} = scale * np.random.randn(n{i-1}, n{i}) drawn from rng in that order,
 *               scale = weight_init_std, or sqrt(2 / n{i-1}) for 'relu'/'he',
 *               sqrt(1 / n{i-1}) for 'sigmoid'/'xavier' (case-insensitive);
 *   layers      Affine1 [BatchNorm1] Activation_function1 [Dropout1] ... Affine{L}, then
 *               SoftmaxWithLoss; Dropout draws its masks from rng (np.random.rand).
 * loss adds 0.5 * weight_decay_lambda * sum(W**2) over every W, gradient adds lambda * W
 * (net_set_weight_decay). net_loss(..., train) is the book's loss(x, t, train_flg).
 * The book's default for weight_init_std is 'relu': set weight_init = "relu" for it.
 */
#ifndef DLFS_MULTI_LAYER_NET_EXTEND_H
#define DLFS_MULTI_LAYER_NET_EXTEND_H

#include <stddef.h>

#include "nn/net.h"
#include "numpy/random.h"

typedef struct {
    size_t input_size;                  /* 784 for MNIST */
    const size_t *hidden_size_list;     /* e.g. { 100, 100, 100 } */
    size_t hidden_layer_num;            /* entries of hidden_size_list, 1 .. NET_MAX_LAYERS/4 */
    size_t output_size;                 /* 10 */
    const char *activation;             /* "relu" or "sigmoid"; NULL = "relu" */
    /* "relu"/"he" or "sigmoid"/"xavier", or NULL to use the number weight_init_std */
    const char *weight_init;
    double weight_init_std;
    double weight_decay_lambda;
    int use_dropout;
    double dropout_ration;              /* the book's spelling; its default is 0.5 */
    int use_batchnorm;
    Random *rng;                        /* np.random: the weights, then the Dropout masks */
} MultiLayerNetConfig;

/* A new network (net_free it), or NULL with err (ERR_LEN) for an unknown activation or
 * weight_init name, or a bad size. */
Net *multi_layer_net_extend_new(const MultiLayerNetConfig *cfg, char *err);

#endif
