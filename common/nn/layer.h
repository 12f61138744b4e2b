/* layer.h - what every layer of the book's common/layers.py has in common (chapter 5 on).
 *
 * The book's layers are classes with forward(x) and backward(dout) that keep what the
 * backward pass needs (Relu's self.mask, Affine's self.x). In C a layer is a struct whose
 * first member is a Layer, which points at its LayerOps; layers.h declares the concrete
 * ones (Relu, Sigmoid, Affine, ..., named as the book's classes) and their constructors.
 *
 * Ownership and lifetimes:
 * - forward writes into `out`, a tensor the caller owns (reshaped to the output shape);
 *   the layer may keep a pointer to `x`, which must stay unchanged until backward.
 * - backward writes dx (the caller's tensor, given x's shape) and the layer's own
 *   parameter gradients (the book's self.dW, self.db). dx may be NULL when nobody needs
 *   it (the first layer): the layer then skips computing it.
 * - Parameters (W, b) belong to the network that built the layer (the book's
 *   self.params dict); the layer holds pointers to them and owns its gradients.
 * - A layer allocates its caches on the first forward and grows them only for a larger
 *   batch, so a training loop allocates nothing after its first step.
 * - layer_free(l) releases what the layer owns and the layer itself.
 *
 * `train` is the book's train_flg: Dropout and BatchNormalization behave differently
 * when training; the other layers ignore it.
 */
#ifndef DLFS_LAYER_H
#define DLFS_LAYER_H

#include <stddef.h>

#include "numpy/tensor.h"

#define LAYER_MAX_PARAMS 4
#define PARAM_NAME_LEN 16

/* One learnable array with its gradient: the book's params['W1'] and grads['W1']. */
typedef struct {
    char name[PARAM_NAME_LEN];   /* "W1", "b1", "gamma1", ... (set by the network) */
    Tensor *value;
    Tensor *grad;
} Param;

typedef struct Layer Layer;

typedef struct {
    const char *type;                                        /* "Affine", the class name */
    void (*forward)(Layer *l, Tensor *out, const Tensor *x, int train);
    void (*backward)(Layer *l, Tensor *dx, const Tensor *dout);
    /* Writes the layer's parameters (value and grad, names left empty) to out, returns
     * how many (0 for Relu); at most LAYER_MAX_PARAMS. NULL = none. */
    size_t (*params)(Layer *l, Param *out);
    void (*free)(Layer *l);
} LayerOps;

struct Layer {
    const LayerOps *ops;
};

static inline void layer_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    l->ops->forward(l, out, x, train);
}
static inline void layer_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    l->ops->backward(l, dx, dout);
}
static inline size_t layer_params(Layer *l, Param *out)
{
    return l->ops->params ? l->ops->params(l, out) : 0;
}
static inline void layer_free(Layer *l)
{
    if (l)
        l->ops->free(l);
}

#endif
