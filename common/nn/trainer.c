/* trainer.c - the book's common/trainer.py: see trainer.h.
 *
 * The book's iter_per_epoch = max(train_size / mini_batch_size, 1) is a float (Python's
 * true division), and an epoch ends when current_iter % iter_per_epoch == 0: with 60000
 * images and batches of 128 that is every 468.75 iterations, i.e. only at 0, 1875, ...
 * Both are kept as the book has them (fmod on doubles); Trainer.iter_per_epoch shows the
 * value rounded down.
 */
#include "nn/trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numpy/npprint.h"
#include "sys/checked.h"

/* max(train_size / mini_batch_size, 1), as a double */
static double iter_per_epoch(const TrainerConfig *cfg)
{
    return fmax((double)cfg->x_train->shape[0] / (double)cfg->mini_batch_size, 1.0);
}

int trainer_init(Trainer *tr, const TrainerConfig *cfg, char *err)
{
    memset(tr, 0, sizeof *tr);
    if (cfg->mini_batch_size == 0)
        return set_error(err, "Trainer: mini_batch_size must be at least 1");
    if (cfg->x_train->shape[0] == 0 || cfg->x_test->shape[0] == 0)
        return set_error(err, "Trainer: no training or no test data");
    tr->opt = optimizer_new(cfg->optimizer, &cfg->optimizer_param);
    if (!tr->opt)
        return set_error(err, "Trainer: unknown optimizer '%s' (SGD, Momentum, Nesterov, "
                         "AdaGrad, RMSprop or Adam)", cfg->optimizer ? cfg->optimizer : "(null)");
    tr->cfg = *cfg;
    const double ipe = iter_per_epoch(cfg);
    tr->iter_per_epoch = (size_t)ipe;
    tr->max_iter = (size_t)((double)cfg->epochs * ipe);      /* int(epochs * iter_per_epoch) */
    size_t evaluations = 0;
    for (size_t i = 0; i < tr->max_iter; i++)
        evaluations += fmod((double)i, ipe) == 0.0;
    tr->train_loss_list = xcalloc(tr->max_iter + 1, sizeof(double));
    tr->train_acc_list = xcalloc(evaluations + 1, sizeof(double));
    tr->test_acc_list = xcalloc(evaluations + 1, sizeof(double));
    size_t shape[TENSOR_MAX_NDIM];
    memcpy(shape, cfg->x_train->shape, sizeof shape);
    shape[0] = cfg->mini_batch_size;
    tr->x_batch = tensor_new(cfg->x_train->ndim, shape);
    tr->batch_mask = xcalloc(cfg->mini_batch_size, sizeof(size_t));
    tr->t_batch = xcalloc(cfg->mini_batch_size, sizeof(size_t));
    return 0;
}

/* x[:n] (all of x when n is 0 or more than x holds), sharing x's data. */
static Tensor first_rows(const Tensor *x, size_t n)
{
    size_t shape[TENSOR_MAX_NDIM];
    memcpy(shape, x->shape, sizeof shape);
    if (n > 0 && n < shape[0])
        shape[0] = n;
    return tensor_view(x->data, x->ndim, shape);
}

#define ACCURACY_BATCH 100

void trainer_train_step(Trainer *tr)
{
    const TrainerConfig *c = &tr->cfg;
    const size_t train_size = c->x_train->shape[0], batch_size = c->mini_batch_size;
    const size_t row = c->x_train->size / train_size;
    /* batch_mask = np.random.choice(self.train_size, self.batch_size) */
    random_choice(c->rng, train_size, tr->batch_mask, batch_size);
    for (size_t i = 0; i < batch_size; i++) {   /* x_batch = x_train[batch_mask], t_batch */
        memcpy(tr->x_batch.data + i * row, c->x_train->data + tr->batch_mask[i] * row,
               row * sizeof(double));
        tr->t_batch[i] = c->t_train[tr->batch_mask[i]];
    }
    net_gradient(c->network, &tr->x_batch, tr->t_batch);
    optimizer_update(tr->opt, net_params(c->network), net_param_count(c->network));

    /* loss = self.network.loss(x_batch, t_batch): the networks' default train_flg=False */
    const double loss = net_loss(c->network, &tr->x_batch, tr->t_batch, 0);
    tr->train_loss_list[tr->n_loss++] = loss;
    char r1[PY_REPR_LEN], r2[PY_REPR_LEN];
    if (c->verbose)
        printf("train loss:%s\n", py_float_repr(loss, r1));

    if (fmod((double)tr->current_iter, iter_per_epoch(c)) == 0.0) {
        tr->current_epoch++;
        const size_t t = c->evaluate_sample_num_per_epoch;
        Tensor x_train_sample = first_rows(c->x_train, t), x_test_sample = first_rows(c->x_test, t);
        const double train_acc = net_accuracy(c->network, &x_train_sample, c->t_train,
                                              ACCURACY_BATCH);
        const double test_acc = net_accuracy(c->network, &x_test_sample, c->t_test,
                                             ACCURACY_BATCH);
        tr->train_acc_list[tr->n_acc] = train_acc;
        tr->test_acc_list[tr->n_acc++] = test_acc;
        if (c->verbose)
            printf("=== epoch:%zu, train acc:%s, test acc:%s ===\n", tr->current_epoch,
                   py_float_repr(train_acc, r1), py_float_repr(test_acc, r2));
    }
    tr->current_iter++;
    if (c->on_step)
        c->on_step(tr->current_iter, tr->max_iter, c->ctx);
}

void trainer_train(Trainer *tr)
{
    for (size_t i = 0; i < tr->max_iter; i++)
        trainer_train_step(tr);
    tr->final_test_acc = net_accuracy(tr->cfg.network, tr->cfg.x_test, tr->cfg.t_test,
                                      ACCURACY_BATCH);
    char r[PY_REPR_LEN];
    if (tr->cfg.verbose) {
        printf("=============== Final Test Accuracy ===============\n");
        printf("test acc:%s\n", py_float_repr(tr->final_test_acc, r));
    }
}

void trainer_free(Trainer *tr)
{
    optimizer_free(tr->opt);
    free(tr->train_loss_list);
    free(tr->train_acc_list);
    free(tr->test_acc_list);
    tensor_free(&tr->x_batch);
    free(tr->batch_mask);
    free(tr->t_batch);
    memset(tr, 0, sizeof *tr);
}
