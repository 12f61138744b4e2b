/* ch06_hyperparameter_optimization - random search for the learning rate and the weight
 * decay, judged on validation data (book chapter 6, section 6.5.3:
 * hyperparameter_optimization.py, figure 6-24).
 *
 * As the book's script, after np.random.seed(--seed): x_train[:500], shuffled
 * (shuffle_dataset: np.random.permutation), the first 20% (100 images) kept as validation
 * data, the other 400 for training. Then optimization_trial = 100 times:
 *     weight_decay = 10 ** np.random.uniform(-8, -4); lr = 10 ** np.random.uniform(-6, -2)
 * and a MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=weight_decay) trained by the
 * book's Trainer (epochs=50, mini_batch_size=100, SGD(lr)) with the validation data as its
 * test data, printing the last validation accuracy as the book does:
 *     val acc:0.14 | lr:1.2086e-05, weight decay:4.2e-07
 * then the 20 best trials by last validation accuracy (a stable sort, best first):
 *     =========== Hyper-Parameter Optimization Result ===========
 *     Best-1(val acc:0.83) | lr:0.0092..., weight decay:3.8e-07
 * Figure 6-24 draws the validation (solid) and training (dashed) accuracy per epoch of the
 * best 20: <out>/ch06_hyperparameter_optimization.dat.
 *
 * Run: build/bin/ch06_hyperparameter_optimization [--trials N] [--epochs N] [--seed N]
 *        [--threads N] [--data DIR] [--out DIR]
 * Uses: nn/multi_layer_net.h, nn/trainer.h, formats/mnist_tensor.h, numpy/random.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/datafile.h"
#include "formats/mnist_tensor.h"
#include "kernels/parallel.h"
#include "nn/batch.h"
#include "nn/multi_layer_net.h"
#include "nn/trainer.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define BOOK_TRIALS 100
#define GRAPH_DRAW_NUM 20

typedef struct {
    double lr, weight_decay;
    double *val_acc_list, *train_acc_list;     /* one per epoch */
    size_t n;
} Result;

/* shuffle_dataset(x, t): permutation = np.random.permutation(N) (arange(N) shuffled as
 * RandomState.shuffle does: for i = N-1 .. 1, swap with j = a masked draw in [0, i]). */
static void shuffle_dataset(Tensor *x, size_t *t, Random *rng)
{
    const size_t N = x->shape[0], row = x->size / N;
    size_t *permutation = xcalloc(N, sizeof *permutation);
    for (size_t i = 0; i < N; i++)
        permutation[i] = i;
    for (size_t i = N - 1; i >= 1; i--) {
        const size_t j = random_randint(rng, i + 1);   /* random_interval(i) */
        const size_t tmp = permutation[i];
        permutation[i] = permutation[j];
        permutation[j] = tmp;
    }
    Tensor shuffled = { 0 };
    size_t *t_shuffled = xcalloc(N, sizeof *t_shuffled);
    take_batch(&shuffled, t_shuffled, x, t, permutation, N);   /* x[permutation, :] */
    memcpy(x->data, shuffled.data, N * row * sizeof(double));
    memcpy(t, t_shuffled, N * sizeof *t);
    tensor_free(&shuffled);
    free(t_shuffled);
    free(permutation);
}

/* __train(lr, weight_decay, epocs=50): fills r's accuracy lists. */
static void train(Result *r, const Tensor *x_train, const size_t *t_train, const Tensor *x_val,
                  const size_t *t_val, size_t epochs, Random *rng)
{
    char err[ERR_LEN];
    const size_t hidden_size_list[] = { 100, 100, 100, 100, 100, 100 };
    const MultiLayerNetConfig cfg = {
        .input_size = 784, .hidden_size_list = hidden_size_list, .hidden_layer_num = 6,
        .output_size = 10, .activation = "relu", .weight_init = "relu",
        .weight_decay_lambda = r->weight_decay, .rng = rng,
    };
    Net *network = multi_layer_net_new(&cfg, err);
    if (!network)
        die("%s", err);
    TrainerConfig tc = {
        .network = network, .x_train = x_train, .t_train = t_train, .x_test = x_val,
        .t_test = t_val, .epochs = epochs, .mini_batch_size = 100, .optimizer = "sgd",
        .optimizer_param = { .lr = r->lr }, .verbose = 0, .rng = rng,
    };
    Trainer trainer;
    if (trainer_init(&trainer, &tc, err) != 0)
        die("%s", err);
    trainer_train(&trainer);
    r->n = trainer.n_acc;
    r->val_acc_list = xcalloc(r->n, sizeof(double));
    r->train_acc_list = xcalloc(r->n, sizeof(double));
    memcpy(r->val_acc_list, trainer.test_acc_list, r->n * sizeof(double));
    memcpy(r->train_acc_list, trainer.train_acc_list, r->n * sizeof(double));
    trainer_free(&trainer);
    net_free(network);
}

/* sorted(..., key=lambda x: x[1][-1], reverse=True): by last val acc, best first; equal ones
 * keep their order (Python's sort is stable, also reversed). */
static int by_val_acc(const void *a, const void *b)
{
    const Result *ra = *(const Result *const *)a, *rb = *(const Result *const *)b;
    const double va = ra->val_acc_list[ra->n - 1], vb = rb->val_acc_list[rb->n - 1];
    if (va != vb)
        return va > vb ? -1 : 1;
    return ra < rb ? -1 : ra > rb;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *trials_opt = "100", *epochs_opt = "50",
               *seed_opt = "0", *threads = "0";
    const Option opts[] = {
        { "trials", "N", "optimization_trial, 1..10000 (default 100, the book's)", &trials_opt },
        { "epochs", "N", "epochs of each training, 1..1000 (default 50, the book's)", &epochs_opt },
        { "seed", "N", "np.random.seed(N) before the data are shuffled (default 0)", &seed_opt },
        { "threads", "N", "threads for the matrix products, 0 = all cores (default 0)", &threads },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "Random search of learning rate and weight decay on validation data\n(book "
                  "6.5.3, hyperparameter_optimization.py); data for figure 6-24.",
                  opts, sizeof opts / sizeof opts[0]);
    const size_t optimization_trial = (size_t)parse_long_option("--trials", trials_opt, 1, 10000);
    const size_t epochs = (size_t)parse_long_option("--epochs", epochs_opt, 1, 1000);
    const uint32_t seed = (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));

    char err[ERR_LEN];
    Tensor x_all;
    size_t *t_all;
    if (load_mnist_tensor(data, MNIST_TRAIN, 0, 500, &x_all, &t_all, err) != 0)
        die("%s", err);
    Random rng;
    random_seed(&rng, seed);
    /* validation_num = int(x_train.shape[0] * 0.20); shuffle_dataset(x_train, t_train) */
    const size_t N = x_all.shape[0], validation_num = (size_t)((double)N * 0.20);
    const size_t row = x_all.size / N;
    if (validation_num == 0 || validation_num == N)
        die("%s: %zu training images are too few to keep 20%% for validation", data, N);
    shuffle_dataset(&x_all, t_all, &rng);
    Tensor x_val = tensor_view(x_all.data, TENSOR_SHAPE2(validation_num, row));
    Tensor x_train = tensor_view(x_all.data + validation_num * row,
                                 TENSOR_SHAPE2(N - validation_num, row));
    const size_t *t_val = t_all, *t_train = t_all + validation_num;

    Result *results = xcalloc(optimization_trial, sizeof *results);
    char r1[PY_REPR_LEN], r2[PY_REPR_LEN], r3[PY_REPR_LEN];
    Progress bar;
    progress_start(&bar, optimization_trial);
    const double t0 = progress_now();
    for (size_t k = 0; k < optimization_trial; k++) {
        Result *r = &results[k];
        r->weight_decay = pow(10.0, -8.0 + (-4.0 - -8.0) * random_rand(&rng));
        r->lr = pow(10.0, -6.0 + (-2.0 - -6.0) * random_rand(&rng));
        train(r, &x_train, t_train, &x_val, t_val, epochs, &rng);
        printf("%sval acc:%s | lr:%s, weight decay:%s\n", progress_prefix(&bar),
               py_float_repr(r->val_acc_list[r->n - 1], r1), py_float_repr(r->lr, r2),
               py_float_repr(r->weight_decay, r3));
        progress_update(&bar, k + 1);
    }
    const double seconds = progress_now() - t0;
    progress_end(&bar);

    printf("=========== Hyper-Parameter Optimization Result ===========\n");
    Result **sorted = xcalloc(optimization_trial, sizeof *sorted);
    for (size_t k = 0; k < optimization_trial; k++)
        sorted[k] = &results[k];
    qsort(sorted, optimization_trial, sizeof *sorted, by_val_acc);
    const size_t shown = optimization_trial < GRAPH_DRAW_NUM ? optimization_trial : GRAPH_DRAW_NUM;
    const size_t n = results[0].n;
    double *cols_data[1 + 2 * GRAPH_DRAW_NUM];
    double *x = xcalloc(n, sizeof(double));
    for (size_t e = 0; e < n; e++)
        x[e] = (double)e;
    cols_data[0] = x;
    for (size_t i = 0; i < shown; i++) {
        const Result *r = sorted[i];
        printf("Best-%zu(val acc:%s) | lr:%s, weight decay:%s\n", i + 1,
               py_float_repr(r->val_acc_list[r->n - 1], r1), py_float_repr(r->lr, r2),
               py_float_repr(r->weight_decay, r3));
        cols_data[1 + 2 * i] = r->val_acc_list;
        cols_data[2 + 2 * i] = r->train_acc_list;
    }
    char columns[1024] = "epoch";
    for (size_t i = 0; i < shown; i++) {
        char c[48];
        snprintf(c, sizeof c, " best%zu_val best%zu_train", i + 1, i + 1);
        strcat(columns, c);
    }
    datafile_write_or_die(out, "ch06_hyperparameter_optimization.dat",
                          "validation and training accuracy per epoch of the best trials "
                          "(figure 6-24)", columns, n, 1 + 2 * shown,
                          (const double *const *)cols_data);
    printf("data for figure 6-24: %s/ch06_hyperparameter_optimization.dat\n", out);
    if (optimization_trial < BOOK_TRIALS)
        printf("# this run: %zu of the book's %d trials in %.1f s; the book's: "
               "make run-ch06_hyperparameter_optimization FULL=1 (about %.0f s)\n",
               optimization_trial, BOOK_TRIALS, seconds,
               seconds * BOOK_TRIALS / (double)optimization_trial);
    for (size_t k = 0; k < optimization_trial; k++)
        free(results[k].val_acc_list), free(results[k].train_acc_list);
    free(results), free(sorted), free(x);
    tensor_free(&x_all);
    free(t_all);
    free(default_data), free(default_out);
    return 0;
}
