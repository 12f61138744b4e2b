/* ch06_weight_init_compare - three initial weights, the same network and data: std 0.01,
 * Xavier and He (book chapter 6, section 6.2.4: weight_init_compare.py, figure 6-15).
 *
 * Three networks MultiLayerNet(784, [100, 100, 100, 100], 10) with ReLU, made one after the
 * other from np.random.seed(--seed) with weight_init_std 0.01, 'sigmoid' (Xavier) and 'relu'
 * (He), all updated by one SGD(lr=0.01). Every iteration draws one mini-batch of 128 training
 * images (np.random.choice) and each network takes a step on it: grads = network.gradient,
 * optimizer.update, then the loss on the batch recorded. Every 100 iterations it prints the
 * three losses as the book's script does:
 *     ===========iteration:0===========
 *     std=0.01:2.3024418455538433
 * With std 0.01 the signal dies in the deep layers and the loss stays at 2.30; He learns
 * fastest. The losses per iteration go to <out>/ch06_weight_init_compare.dat, smoothed as the
 * book's smooth_curve (plots/fig6-15.gp). The book's schedule is 2000 iterations (--iters).
 *
 * Run: build/bin/ch06_weight_init_compare [--iters N] [--seed N] [--threads N]
 *        [--data DIR] [--out DIR]
 * Uses: nn/multi_layer_net.h, nn/optimizer.h, formats/mnist_tensor.h, nn/smooth_curve.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/datafile.h"
#include "formats/mnist_tensor.h"
#include "kernels/parallel.h"
#include "nn/multi_layer_net.h"
#include "nn/optimizer.h"
#include "nn/smooth_curve.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define NOPT 3
#define BOOK_ITERATIONS 2000

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *iters = "2000", *seed_opt = "0",
               *threads = "0";
    const Option opts[] = {
        { "iters", "N", "max_iterations, 1..100000 (default 2000, the book's)", &iters },
        { "seed", "N", "np.random.seed(N) before the networks are made (default 0)", &seed_opt },
        { "threads", "N", "threads for the matrix products, 0 = all cores (default 0)", &threads },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "Initial weights std 0.01, Xavier and He training a 5-layer network on MNIST\n"
                  "(book 6.2.4, weight_init_compare.py); data for figure 6-15.",
                  opts, sizeof opts / sizeof opts[0]);
    const size_t max_iterations = (size_t)parse_long_option("--iters", iters, 1, 100000);
    const uint32_t seed = (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));

    /* (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True) */
    char err[ERR_LEN];
    Tensor x_train;
    size_t *t_train;
    if (load_mnist_tensor(data, MNIST_TRAIN, 0, 0, &x_train, &t_train, err) != 0)
        die("%s", err);
    const size_t train_size = x_train.shape[0], batch_size = 128, row = x_train.size / train_size;

    Random rng;
    random_seed(&rng, seed);
    /* weight_init_types = {'std=0.01': 0.01, 'Xavier': 'sigmoid', 'He': 'relu'} */
    const char *names[NOPT] = { "std=0.01", "Xavier", "He" };
    const char *weight_type[NOPT] = { NULL, "sigmoid", "relu" };
    Optimizer *optimizer = optimizer_new("SGD", &(OptimizerParams){ .lr = 0.01 });
    Net *networks[NOPT];
    double *train_loss[NOPT];
    const size_t hidden_size_list[] = { 100, 100, 100, 100 };
    for (int k = 0; k < NOPT; k++) {
        const MultiLayerNetConfig cfg = {
            .input_size = 784, .hidden_size_list = hidden_size_list, .hidden_layer_num = 4,
            .output_size = 10, .activation = "relu", .weight_init = weight_type[k], .weight_init_std = 0.01,
            .rng = &rng,
        };
        networks[k] = multi_layer_net_new(&cfg, err);
        if (!networks[k])
            die("%s", err);
        train_loss[k] = xcalloc(max_iterations, sizeof(double));
    }

    Tensor x_batch = tensor_new(TENSOR_SHAPE2(batch_size, row));
    size_t *batch_mask = xcalloc(batch_size, sizeof(size_t));
    size_t *t_batch = xcalloc(batch_size, sizeof(size_t));
    char repr[PY_REPR_LEN];
    Progress bar;
    progress_start(&bar, max_iterations);
    const double t0 = progress_now();
    for (size_t i = 0; i < max_iterations; i++) {
        random_choice(&rng, train_size, batch_mask, batch_size);
        for (size_t j = 0; j < batch_size; j++) {       /* x_batch = x_train[batch_mask] */
            memcpy(x_batch.data + j * row, x_train.data + batch_mask[j] * row,
                   row * sizeof(double));
            t_batch[j] = t_train[batch_mask[j]];
        }
        for (int k = 0; k < NOPT; k++) {
            net_gradient(networks[k], &x_batch, t_batch);
            optimizer_update(optimizer, net_params(networks[k]), net_param_count(networks[k]));
            train_loss[k][i] = net_loss(networks[k], &x_batch, t_batch, 0);
        }
        if (i % 100 == 0) {
            /* the book computes the same loss again: network.loss(x_batch, t_batch) */
            printf("%s===========iteration:%zu===========\n", progress_prefix(&bar), i);
            for (int k = 0; k < NOPT; k++)
                printf("%s:%s\n", names[k], py_float_repr(train_loss[k][i], repr));
        }
        progress_update(&bar, i + 1);
    }
    const double seconds = progress_now() - t0;
    progress_end(&bar);

    /* figure 6-15: smooth_curve(train_loss[key]) per iteration */
    write_smoothed_losses(out, "ch06_weight_init_compare.dat",
                          "smooth_curve(train loss) per iteration (figure 6-15)",
                          "iteration std=0.01 Xavier He", train_loss, NOPT, max_iterations);
    printf("data for figure 6-15: %s/ch06_weight_init_compare.dat\n", out);
    if (max_iterations < BOOK_ITERATIONS)
        printf("# this run: %zu of the book's %d iterations in %.1f s; the book's: "
               "make run-ch06_weight_init_compare FULL=1 (about %.0f s)\n",
               max_iterations, BOOK_ITERATIONS, seconds,
               seconds * BOOK_ITERATIONS / (double)max_iterations);

    for (int k = 0; k < NOPT; k++) {
        net_free(networks[k]);
        free(train_loss[k]);
    }
    optimizer_free(optimizer);
    free(batch_mask), free(t_batch), free(t_train);
    tensor_free(&x_batch);
    tensor_free(&x_train);
    free(default_data), free(default_out);
    return 0;
}
