/* optimizer.h - the book's common/optimizer.py: SGD, Momentum, Nesterov, AdaGrad,
 * RMSprop, Adam (book 6.1).
 *
 * An optimizer updates an array of Param (layer.h: value and grad by name, as the book's
 * params and grads dicts) in place: optimizer_update(opt, params, n) is the book's
 * optimizer.update(params, grads). Its state (the book's self.v, self.h, self.m) is made
 * on the first update, one tensor per parameter, as the book makes it lazily. The same
 * Param array (same order, same shapes) must be passed on every update.
 *
 * Hyperparameters keep the book's names and defaults:
 *   SGD(lr=0.01)  Momentum(lr=0.01, momentum=0.9)  Nesterov(lr=0.01, momentum=0.9)
 *   AdaGrad(lr=0.01)  RMSprop(lr=0.01, decay_rate=0.99)
 *   Adam(lr=0.001, beta1=0.9, beta2=0.999)
 * and each update is computed with the book's operations in the book's order (so the
 * digits are NumPy's): AdaGrad and RMSprop divide by sqrt(h) + 1e-7, Adam uses
 * lr_t = lr * sqrt(1 - beta2**iter) / (1 - beta1**iter) and m += (1 - beta1) * (g - m).
 */
#ifndef DLFS_OPTIMIZER_H
#define DLFS_OPTIMIZER_H

#include <stddef.h>

#include "nn/layer.h"

typedef struct Optimizer Optimizer;

typedef struct {
    double lr;          /* every optimizer */
    double momentum;    /* Momentum, Nesterov */
    double decay_rate;  /* RMSprop */
    double beta1, beta2;/* Adam */
} OptimizerParams;

/* The book's defaults for the optimizer called name ("SGD", "Momentum", "Nesterov",
 * "AdaGrad", "RMSprop", "Adam"; case-insensitive as the Trainer's dict). Returns 0, or -1
 * for an unknown name. */
int optimizer_defaults(const char *name, OptimizerParams *out);
/* A new optimizer, or NULL for an unknown name. */
Optimizer *optimizer_new(const char *name, const OptimizerParams *p);
void optimizer_update(Optimizer *opt, Param *params, size_t n);
const char *optimizer_name(const Optimizer *opt);   /* "Adam" */
void optimizer_free(Optimizer *opt);

#endif
