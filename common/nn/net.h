/* net.h - what the book's network classes share (chapter 5 on): self.params, the ordered
 * self.layers, self.last_layer, and predict, loss, accuracy, gradient, numerical_gradient.
 *
 * TwoLayerNet (5.7), MultiLayerNet and MultiLayerNetExtend (6), SimpleConvNet (7) and
 * DeepConvNet (8) are each a constructor that adds named parameters and layers to a Net,
 * in the book's order:
 *
 *     Net *net = net_new();
 *     Tensor *W1 = net_param(net, "W1", TENSOR_SHAPE2(784, 50));   filled by the caller
 *     Tensor *b1 = net_param(net, "b1", 1, (size_t[]){ 50 });
 *     net_add(net, "Affine1", affine_new(W1, b1));
 *     net_add(net, "Relu1", relu_new());
 *     ...                                                  the last layer is SoftmaxWithLoss
 *
 * Ownership: the Net owns its parameters (zeros when made), its layers (net_add takes
 * them) and the tensors between layers, which are kept for the largest batch seen, so a
 * training loop allocates nothing after its first step. net_free releases it all.
 *
 * Gradients: net_gradient runs forward (train mode) and backward and leaves each
 * parameter's gradient in its Param's grad (the book's grads dict, same names). With
 * weight_decay_lambda > 0 (MultiLayerNet), loss adds 0.5 * lambda * sum(W**2) over the
 * parameters whose name starts with "W", and their gradients add lambda * W, as the book.
 * Labels are class indices (the book's t after argmax when one-hot).
 *
 * Profile: with DLFS_PROFILE=1 in the environment, every layer's forward and backward are
 * timed, and net_free prints a table of the seconds and calls per layer to stderr (where a
 * program's time goes, layer by layer; the results are unchanged).
 */
#ifndef DLFS_NET_H
#define DLFS_NET_H

#include <stddef.h>

#include "nn/layer.h"
#include "nn/layers.h"
#include "numpy/arrays.h"
#include "numpy/tensor.h"

#define NET_MAX_LAYERS 64
#define NET_MAX_PARAMS 64

typedef struct Net Net;

Net    *net_new(void);
void    net_free(Net *net);
/* A new parameter called name (zeros of shape), owned by the net; the pointer stays valid. */
Tensor *net_param(Net *net, const char *name, int ndim, const size_t *shape);
/* Appends layer (the net takes it) under name ("Affine1", "Relu1", as the book's keys). */
void    net_add(Net *net, const char *name, Layer *layer);
void    net_set_weight_decay(Net *net, double weight_decay_lambda);

/* The parameters and their gradients by name, in the order they were made. */
size_t  net_param_count(const Net *net);
Param  *net_params(Net *net);                           /* net_param_count entries */
Param  *net_find_param(Net *net, const char *name);     /* or NULL */

/* predict(x, train_flg): the scores before SoftmaxWithLoss, owned by the net (valid until
 * the next call). x (N, ...) as the first layer takes it. */
const Tensor *net_predict(Net *net, const Tensor *x, int train);
/* loss(x, t): last_layer.forward(predict(x, train), t) plus the weight decay term. */
double  net_loss(Net *net, const Tensor *x, const size_t *t, int train);
/* accuracy(x, t): the fraction of the N rows whose argmax score is t, predicting (test
 * mode) batch rows at a time (the book's SimpleConvNet.accuracy(..., batch_size=100)). */
double  net_accuracy(Net *net, const Tensor *x, const size_t *t, size_t batch);
/* The number of those rows (net_accuracy's numerator), for callers that add up the counts
 * of several chunks of a data set too large to hold as one dense tensor. */
size_t  net_count_correct(Net *net, const Tensor *x, const size_t *t, size_t batch);
/* gradient(x, t): loss(train) then backward; returns the loss, grads in net_params(). */
double  net_gradient(Net *net, const Tensor *x, const size_t *t);
/* numerical_gradient(x, t): central differences (gradient.h, h = 1e-4) of the loss in
 * train mode for every parameter, written into grads[i] (param i's shape, made by the
 * caller or grown here). Each parameter is perturbed in place and restored. */
void    net_numerical_gradient(Net *net, const Tensor *x, const size_t *t, Tensor *grads);

/* Copies named arrays into the parameters of the same names (the book's load_params),
 * checking that every parameter is present with its exact shape and that no other array
 * is (a file for another network). file names the source in the error. Returns 0, or -1 with err (ERR_LEN) set and the net unchanged. */
int     net_load_arrays(Net *net, const ArrayList *arrays, const char *file, char *err);
/* The parameters as named arrays (the book's save_params), for npz_save. */
void    net_to_arrays(const Net *net, ArrayList *out);

#endif
