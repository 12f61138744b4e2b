/* ch06_batch_norm_test - learning with and without Batch Normalization, for 16 scales of the
 * initial weights (book chapter 6, section 6.3.2: batch_norm_test.py, figures 6-18, 6-19).
 *
 * As the book's script: x_train[:1000]; for each w of weight_scale_list =
 * np.logspace(0, -4, num=16), two networks MultiLayerNetExtend(784, [100] * 5, 10,
 * weight_init_std=w), the first with use_batchnorm=True, both trained by SGD(lr=0.01) on the
 * same mini-batches of 100 (np.random.choice); at every epoch (i % 10 == 0) the accuracy of
 * each on the 1000 training images, printed as the book prints it (without, then with):
 *     ============== 1/16 ==============
 *     epoch:0 | 0.097 - 0.117
 * for max_epochs = 20 epochs. The generator is seeded once (np.random.seed(--seed)) before
 * the 16 trials, as the book's script runs them one after the other. Figure 6-18 is the
 * fourth trial (w = 0.29286445646252374) as the book shows it; figure 6-19 all 16. The
 * accuracies go to <out>/ch06_batch_norm_test.dat (one row per trial and epoch).
 *
 * Run: build/bin/ch06_batch_norm_test [--epochs N] [--trials N] [--seed N] [--threads N]
 *        [--data DIR] [--out DIR]
 * Uses: nn/multi_layer_net_extend.h, nn/optimizer.h, nn/batch.h, formats/mnist_tensor.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/datafile.h"
#include "formats/mnist_tensor.h"
#include "kernels/parallel.h"
#include "nn/batch.h"
#include "nn/multi_layer_net_extend.h"
#include "nn/optimizer.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define TRIALS 16
#define BOOK_EPOCHS 20

static Net *make_network(double weight_init_std, int use_batchnorm, Random *rng)
{
    char err[ERR_LEN];
    const size_t hidden_size_list[] = { 100, 100, 100, 100, 100 };
    const MultiLayerNetConfig cfg = {
        .input_size = 784, .hidden_size_list = hidden_size_list, .hidden_layer_num = 5,
        .output_size = 10, .activation = "relu", .weight_init = NULL,
        .weight_init_std = weight_init_std, .use_batchnorm = use_batchnorm, .rng = rng,
    };
    Net *net = multi_layer_net_extend_new(&cfg, err);
    if (!net)
        die("%s", err);
    return net;
}

/* __train(weight_init_std): train_acc_list and bn_train_acc_list, max_epochs values each. */
static void train(double weight_init_std, const Tensor *x_train, const size_t *t_train,
                  size_t max_epochs, Random *rng, double *train_acc_list,
                  double *bn_train_acc_list, Progress *bar, size_t *done)
{
    Net *bn_network = make_network(weight_init_std, 1, rng);
    Net *network = make_network(weight_init_std, 0, rng);
    Optimizer *optimizer = optimizer_new("SGD", &(OptimizerParams){ .lr = 0.01 });
    const size_t train_size = x_train->shape[0], batch_size = 100;
    const double iter_per_epoch = fmax((double)train_size / (double)batch_size, 1.0);
    size_t epoch_cnt = 0, batch_mask[100], t_batch[100];
    Tensor x_batch = { 0 };
    Net *both[2] = { bn_network, network };
    char r1[PY_REPR_LEN], r2[PY_REPR_LEN];
    for (size_t i = 0;; i++) {
        random_choice(rng, train_size, batch_mask, batch_size);
        take_batch(&x_batch, t_batch, x_train, t_train, batch_mask, batch_size);
        for (int k = 0; k < 2; k++) {                    /* for _network in (bn_network, network) */
            net_gradient(both[k], &x_batch, t_batch);
            optimizer_update(optimizer, net_params(both[k]), net_param_count(both[k]));
        }
        if (fmod((double)i, iter_per_epoch) == 0.0) {
            const double train_acc = net_accuracy(network, x_train, t_train, 1000);
            const double bn_train_acc = net_accuracy(bn_network, x_train, t_train, 1000);
            train_acc_list[epoch_cnt] = train_acc;
            bn_train_acc_list[epoch_cnt] = bn_train_acc;
            printf("%sepoch:%zu | %s - %s\n", progress_prefix(bar), epoch_cnt,
                   py_float_repr(train_acc, r1), py_float_repr(bn_train_acc, r2));
            epoch_cnt++;
            progress_update(bar, ++*done);
            if (epoch_cnt >= max_epochs)
                break;
        }
    }
    tensor_free(&x_batch);
    optimizer_free(optimizer);
    net_free(bn_network);
    net_free(network);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *epochs = "20", *trials_opt = "16",
               *seed_opt = "0", *threads = "0";
    const Option opts[] = {
        { "epochs", "N", "max_epochs, 1..1000 (default 20, the book's)", &epochs },
        { "trials", "N", "the first N of the 16 weight scales, 1..16 (default 16)", &trials_opt },
        { "seed", "N", "np.random.seed(N) before the trials (default 0)", &seed_opt },
        { "threads", "N", "threads for the matrix products, 0 = all cores (default 0)", &threads },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "Training with and without Batch Normalization for 16 initial weight scales\n"
                  "(book 6.3.2, batch_norm_test.py); data for figures 6-18 and 6-19.",
                  opts, sizeof opts / sizeof opts[0]);
    const size_t max_epochs = (size_t)parse_long_option("--epochs", epochs, 1, 1000);
    const size_t trials = (size_t)parse_long_option("--trials", trials_opt, 1, TRIALS);
    const uint32_t seed = (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));

    char err[ERR_LEN];
    Tensor x_train;
    size_t *t_train;
    if (load_mnist_tensor(data, MNIST_TRAIN, 0, 1000, &x_train, &t_train, err) != 0)
        die("%s", err);

    /* weight_scale_list = np.logspace(0, -4, num=16): 10 ** np.linspace(0, -4, 16) */
    double weight_scale_list[TRIALS];
    const double step = -4.0 / (TRIALS - 1);
    for (int i = 0; i < TRIALS; i++)
        weight_scale_list[i] = pow(10.0, i == TRIALS - 1 ? -4.0 : i * step);

    Random rng;
    random_seed(&rng, seed);
    const size_t rows = trials * max_epochs;
    double *trial = xcalloc(rows, sizeof(double)), *scale = xcalloc(rows, sizeof(double));
    double *epoch = xcalloc(rows, sizeof(double)), *acc = xcalloc(rows, sizeof(double));
    double *bn_acc = xcalloc(rows, sizeof(double));
    Progress bar;
    progress_start(&bar, rows);
    size_t done = 0;
    const double t0 = progress_now();
    for (size_t i = 0; i < trials; i++) {
        printf("%s============== %zu/16 ==============\n", progress_prefix(&bar), i + 1);
        train(weight_scale_list[i], &x_train, t_train, max_epochs, &rng, acc + i * max_epochs,
              bn_acc + i * max_epochs, &bar, &done);
        for (size_t e = 0; e < max_epochs; e++) {
            trial[i * max_epochs + e] = (double)(i + 1);
            scale[i * max_epochs + e] = weight_scale_list[i];
            epoch[i * max_epochs + e] = (double)e;
        }
    }
    const double seconds = progress_now() - t0;
    progress_end(&bar);
    datafile_write_or_die(out, "ch06_batch_norm_test.dat",
                          "train accuracy per epoch without and with Batch Normalization "
                          "(figures 6-18, 6-19)", "trial weight_scale epoch train_acc bn_train_acc",
                          rows, 5, (const double *const[]){ trial, scale, epoch, acc, bn_acc });
    printf("data for figures 6-18 and 6-19: %s/ch06_batch_norm_test.dat\n", out);
    if (max_epochs < BOOK_EPOCHS || trials < TRIALS)
        printf("# this run: %zu of the book's 16 trials of %d epochs, %zu epochs each, in %.1f s; "
               "the book's: make run-ch06_batch_norm_test FULL=1 (about %.0f s)\n", trials,
               BOOK_EPOCHS, max_epochs, seconds,
               seconds * (TRIALS * BOOK_EPOCHS) / (double)(trials * max_epochs));
    free(trial), free(scale), free(epoch), free(acc), free(bn_acc);
    tensor_free(&x_train);
    free(t_train);
    free(default_data), free(default_out);
    return 0;
}
