/* trainer.h - the book's common/trainer.py: mini-batch training with an optimizer,
 * accuracy once per epoch (chapters 6-8).
 *
 * Trainer(network, x_train, t_train, x_test, t_test, epochs=20, mini_batch_size=100,
 * optimizer='SGD', optimizer_param={'lr': 0.01}, evaluate_sample_num_per_epoch=None,
 * verbose=True). Each step draws batch_mask = np.random.choice(train_size, batch_size)
 * from rng, takes grads = network.gradient(x_batch, t_batch), updates, and records
 * loss = network.loss(x_batch, t_batch) after the update. At every
 * iter_per_epoch = max(train_size / mini_batch_size, 1) iterations (from iteration 0) it
 * measures train and test accuracy (on the first evaluate_sample_num_per_epoch images
 * when that is not 0). When verbose it prints what the book prints:
 *     train loss:2.2995872813...
 *     === epoch:1, train acc:0.114, test acc:0.1135 ===
 *     =============== Final Test Accuracy ===============
 *     test acc:0.9876
 * with Python's str() of each float (npprint.h).
 * Owns the optimizer and the lists it fills; the network and data stay the caller's.
 */
#ifndef DLFS_TRAINER_H
#define DLFS_TRAINER_H

#include <stddef.h>

#include "nn/net.h"
#include "nn/optimizer.h"
#include "numpy/random.h"
#include "numpy/tensor.h"

typedef struct {
    Net *network;
    const Tensor *x_train, *x_test;     /* (N, ...) */
    const size_t *t_train, *t_test;     /* class indices */
    size_t epochs, mini_batch_size;
    const char *optimizer;              /* "SGD", "Adam", ... */
    OptimizerParams optimizer_param;    /* optimizer_defaults() then the caller's changes */
    size_t evaluate_sample_num_per_epoch;   /* 0 = all (the book's None) */
    int verbose;
    Random *rng;                        /* np.random's state: the batch masks */
    /* Called after every step (progress bar), may be NULL. */
    void (*on_step)(size_t iter, size_t max_iter, void *ctx);
    void *ctx;
} TrainerConfig;

typedef struct {
    TrainerConfig cfg;
    Optimizer *opt;
    size_t max_iter, iter_per_epoch, current_iter, current_epoch;
    double *train_loss_list;            /* max_iter values */
    double *train_acc_list, *test_acc_list;   /* one per epoch evaluated */
    size_t n_loss, n_acc;
    double final_test_acc;
    /* working storage of train_step, made once: x_batch, batch_mask, t_batch */
    Tensor x_batch;
    size_t *batch_mask, *t_batch;
} Trainer;

/* Returns 0, or -1 with err (ERR_LEN) for an unknown optimizer name. */
int  trainer_init(Trainer *tr, const TrainerConfig *cfg, char *err);
void trainer_train_step(Trainer *tr);
/* max_iter steps, then the final test accuracy on all of x_test. */
void trainer_train(Trainer *tr);
void trainer_free(Trainer *tr);

#endif
