/* bench_deep_convnet - DeepConvNet (book 8.1) timed in C, for `make bench`.
 *
 * Usage: bench_deep_convnet MNIST_DIR [WEIGHTS] [ITERS]
 * Prints, like tests/bench/deep_convnet_numpy.py:
 *   inference_seconds=<net_predict (float64, test mode) over the 10,000 test images, batches
 *                      of 100> accuracy=<fraction right>   (WEIGHTS if given, else He init)
 *   inference_fast_seconds=<the same by deep_convnet_f_predict_f64 (the same bits)>
 *   inference_f32_seconds=<the same with DeepConvNetF in float32> accuracy_f32=<...>
 *   train_iter_seconds=<median of ITERS iterations of the book's train_step: choice,
 *                       gradient, Adam update, loss> gflops=<its multiply-adds x 2 / time>
 * Threads: all cores (OMP_NUM_THREADS to change).
 */
#include <stdio.h>
#include <stdlib.h>

#include "formats/mnist_batch.h"
#include "formats/weights.h"
#include "nn/deep_convnet.h"
#include "nn/optimizer.h"
#include "sys/checked.h"
#include "sys/progress.h"

/* Multiply-adds of one image's forward pass: the six convolutions and two Affine layers. */
static double forward_macs(void)
{
    static const double conv[6][4] = {   /* OH*OW, FN, C*9 */
        { 784, 16, 9 }, { 784, 16, 144 }, { 196, 32, 144 },
        { 256, 32, 288 }, { 64, 64, 288 }, { 64, 64, 576 },
    };
    double m = 1024.0 * 50 + 50 * 10;
    for (int i = 0; i < 6; i++)
        m += conv[i][0] * conv[i][1] * conv[i][2];
    return m;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage: bench_deep_convnet MNIST_DIR [WEIGHTS] [ITERS]");
    const char *weights = argc > 2 && argv[2][0] ? argv[2] : NULL;
    const int iters = argc > 3 ? atoi(argv[3]) : 5;
    char err[ERR_LEN];
    MnistBytes test, train;
    if (load_mnist_bytes(argv[1], MNIST_TEST, &test, err) != 0 ||
        load_mnist_bytes(argv[1], MNIST_TRAIN, &train, err) != 0)
        die("%s", err);
    Random rng;
    random_seed(&rng, 0);
    Net *net = deep_convnet_new(&rng);
    if (weights) {
        ArrayList arrays;
        if (weights_load_arrays(weights, &arrays, err) != 0 ||
            net_load_arrays(net, &arrays, weights, err) != 0)
            die("%s", err);
        arraylist_free(&arrays);
    }

    /* inference, float64, batches of 100 */
    Tensor x = { 0 };
    size_t right = 0;
    double t0 = progress_now();
    for (size_t i = 0; i < 10000; i += 100) {
        mnist_batch(&x, &test, i, NULL, 100, 0, 1);
        const Tensor *y = net_predict(net, &x, 0);
        for (size_t r = 0; r < 100; r++) {
            size_t best = 0;
            for (size_t j = 1; j < 10; j++)
                best = y->data[r * 10 + j] > y->data[r * 10 + best] ? j : best;
            right += best == test.labels[i + r];
        }
    }
    printf("inference_seconds=%.3f accuracy=%g (the Net's layers)\n", progress_now() - t0,
           right / 10000.0);

    /* inference, float64 fast path (the same bits) */
    double *yd = xcalloc(100 * 10, sizeof *yd);
    char err0[ERR_LEN];
    DeepConvNetF *fd = deep_convnet_f_new(net_params(net), net_param_count(net),
                                          DEEP_CONVNET_FLOAT64, err0);
    if (!fd)
        die("%s", err0);
    right = 0;
    t0 = progress_now();
    for (size_t i = 0; i < 10000; i += 100) {
        mnist_batch(&x, &test, i, NULL, 100, 0, 1);
        deep_convnet_f_predict_f64(fd, yd, x.data, 100);
        for (size_t r = 0; r < 100; r++) {
            size_t best = 0;
            for (size_t j = 1; j < 10; j++)
                best = yd[r * 10 + j] > yd[r * 10 + best] ? j : best;
            right += best == test.labels[i + r];
        }
    }
    printf("inference_fast_seconds=%.3f accuracy_fast=%g (float64 fast path)\n",
           progress_now() - t0, right / 10000.0);
    deep_convnet_f_free(fd);
    free(yd);

    /* inference, float32 */
    float *xf = xcalloc(10000 * 784, sizeof *xf), *yf = xcalloc(10000 * 10, sizeof *yf);
    for (size_t i = 0; i < 10000 * 784; i++)
        xf[i] = (float)mnist_pixel_float32(test.pixels[i]);
    DeepConvNetF *f = deep_convnet_f_new(net_params(net), net_param_count(net),
                                         DEEP_CONVNET_FLOAT32, err);
    if (!f)
        die("%s", err);
    t0 = progress_now();
    deep_convnet_f_predict(f, yf, xf, 10000);
    const double tf = progress_now() - t0;
    right = 0;
    for (size_t i = 0; i < 10000; i++) {
        size_t best = 0;
        for (size_t j = 1; j < 10; j++)
            best = yf[i * 10 + j] > yf[i * 10 + best] ? j : best;
        right += best == test.labels[i];
    }
    printf("inference_f32_seconds=%.3f accuracy_f32=%g\n", tf, right / 10000.0);

    /* training iterations: the book's Trainer.train_step */
    OptimizerParams op;
    optimizer_defaults("Adam", &op);
    Optimizer *adam = optimizer_new("Adam", &op);
    size_t mask[100], t[100];
    double *times = xcalloc((size_t)(iters > 0 ? iters : 1), sizeof *times), loss = 0;
    for (int it = 0; it < iters; it++) {
        t0 = progress_now();
        random_choice(&rng, 60000, mask, 100);
        mnist_batch(&x, &train, 0, mask, 100, 0, 1);
        for (int k = 0; k < 100; k++)
            t[k] = train.labels[mask[k]];
        net_gradient(net, &x, t);
        optimizer_update(adam, net_params(net), net_param_count(net));
        loss = net_loss(net, &x, t, 1);
        times[it] = progress_now() - t0;
    }
    qsort(times, (size_t)iters, sizeof *times, cmp_double);
    const double med = iters > 0 ? times[iters / 2] : 0.0;
    /* forward (gradient) + backward (about 2 forwards) + forward (loss) = 4 forwards */
    printf("train_iter_seconds=%.3f gflops=%.1f loss=%g\n", med,
           med > 0 ? 4.0 * 100 * forward_macs() * 2 / med / 1e9 : 0.0, loss);

    free(times), free(xf), free(yf);
    optimizer_free(adam);
    deep_convnet_f_free(f);
    tensor_free(&x);
    net_free(net);
    mnist_bytes_free(&test), mnist_bytes_free(&train);
    return 0;
}
