/* bench_convnet - time one training iteration of SimpleConvNet (batch 100, Adam, the book's
 * train_convnet.py step) and the test-set inference, as tests/bench/convnet_numpy.py times
 * the book's code; with --layers, the time of each layer's forward and backward too.
 *
 * Usage: bench_convnet MNIST_DIR [--iters N] [--threads N] [--layers]
 * Prints "iter_seconds=<median of N iterations> accuracy_seconds=<10,000 test images>
 * test_acc=<after the N iterations> cpu_per_iter=<process CPU seconds per iteration>".
 * Part of `make bench` (tests/bench/run.sh); not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats/mnist.h"
#include "formats/mnist_batch.h"
#include "kernels/parallel.h"
#include "nn/optimizer.h"
#include "nn/simple_convnet.h"
#include "numpy/random.h"
#include "sys/checked.h"

static double now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Each layer's forward and backward on one batch, timed one by one (one thread or many). */
static void time_layers(const Tensor *x)
{
    Random rng;
    random_seed(&rng, 0);
    const SimpleConvNetParams p = simple_convnet_defaults();
    SimpleConvNetParams q = p;
    (void)q;
    Net *net = simple_convnet_new(&p, &rng);
    size_t t[100] = { 0 };
    net_gradient(net, x, t);           /* sizes the caches */
    const int reps = 10;
    double t0 = now(CLOCK_MONOTONIC);
    for (int r = 0; r < reps; r++)
        net_predict(net, x, 1);
    const double fwd = (now(CLOCK_MONOTONIC) - t0) / reps;
    t0 = now(CLOCK_MONOTONIC);
    for (int r = 0; r < reps; r++)
        net_gradient(net, x, t);
    const double grad = (now(CLOCK_MONOTONIC) - t0) / reps;
    printf("predict (train mode) %.2f ms, gradient (forward + backward) %.2f ms\n", 1e3 * fwd,
           1e3 * grad);
    net_free(net);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    if (argc < 2)
        die("usage: bench_convnet MNIST_DIR [--iters N] [--threads N] [--layers]");
    size_t iters = 20;
    int layers = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
            iters = (size_t)parse_long_option("--iters", argv[++i], 1, 100000);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            parallel_set_threads((int)parse_long_option("--threads", argv[++i], 0, 256));
        else if (strcmp(argv[i], "--layers") == 0)
            layers = 1;
        else
            die("%s: unknown option", argv[i]);
    }
    char err[ERR_LEN];
    MnistBytes train, test;
    if (load_mnist_bytes(argv[1], MNIST_TRAIN, &train, err) != 0 ||
        load_mnist_bytes(argv[1], MNIST_TEST, &test, err) != 0)
        die("%s", err);

    Random rng;
    random_seed(&rng, 0);
    const SimpleConvNetParams p = simple_convnet_defaults();
    Net *net = simple_convnet_new(&p, &rng);
    OptimizerParams op;
    optimizer_defaults("Adam", &op);
    Optimizer *adam = optimizer_new("Adam", &op);
    Tensor x = { 0 };
    size_t mask[100], t[100];
    double *times = xcalloc(iters, sizeof *times);
    const double cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i <= iters; i++) {               /* iteration 0 warms up */
        const double t0 = now(CLOCK_MONOTONIC);
        random_choice(&rng, train.count, mask, 100);
        mnist_batch(&x, &train, 0, mask, 100, 0, 1);
        for (size_t j = 0; j < 100; j++)
            t[j] = train.labels[mask[j]];
        net_gradient(net, &x, t);
        optimizer_update(adam, net_params(net), net_param_count(net));
        if (i > 0)
            times[i - 1] = now(CLOCK_MONOTONIC) - t0;
    }
    const double cpu = (now(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / (double)(iters + 1);
    qsort(times, iters, sizeof *times, cmp_double);
    if (layers)
        time_layers(&x);

    Tensor x_test = { 0 };
    size_t *t_test = xcalloc(test.count, sizeof *t_test);
    mnist_batch(&x_test, &test, 0, NULL, test.count, 0, 1);
    for (size_t j = 0; j < test.count; j++)
        t_test[j] = test.labels[j];
    const double a0 = now(CLOCK_MONOTONIC);
    const double acc = net_accuracy(net, &x_test, t_test, 100);
    const double acc_seconds = now(CLOCK_MONOTONIC) - a0;
    printf("iter_seconds=%.4f accuracy_seconds=%.3f test_acc=%g cpu_per_iter=%.4f threads=%d\n",
           times[iters / 2], acc_seconds, acc, cpu, parallel_threads());

    free(times), free(t_test);
    tensor_free(&x), tensor_free(&x_test);
    optimizer_free(adam);
    net_free(net);
    mnist_bytes_free(&train), mnist_bytes_free(&test);
    return 0;
}
