/* bench_predict - time ch03_mnist's predict step alone: 10,000 test images through the
 * book's network (sample_weight.pkl), batched (100) and one at a time.
 *
 * Usage: bench_predict MNIST_DIR WEIGHTS [THREADS]   (THREADS: 0 = all cores, the default)
 * Prints "predict_seconds=<best of 7, batched> one_by_one_seconds=<best of 3> correct=<n>
 * arithmetic=<float32|float64> threads=<n>". As ch03_mnist: float32 weights (the book's)
 * run the float32 path (nn/network_f32.h), others float64 (nn/network.h); the images are
 * the bytes load_mnist_bytes gives, normalized inside the timed loop as the book's loop
 * sees them already normalized (float64: converted before timing).
 * Part of `make bench` (tests/bench/run.sh); not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sys/checked.h"
#include "formats/mnist.h"
#include "kernels/parallel.h"
#include "nn/network.h"
#include "nn/network_f32.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
    const Network *net;
    const NetworkF *net32;      /* NULL: float64 */
    const MnistBytes *bytes;
    const Matrix *x;            /* float64 only */
    const size_t *t;
} Setup;

static size_t count(const Setup *s, size_t batch)
{
    if (s->net32)
        return network_f32_count_correct(s->net32, s->bytes->pixels, s->bytes->labels,
                                          s->bytes->count, batch);
    return network_count_correct(s->net, s->x, s->t, batch);
}

static double best_time(const Setup *s, size_t batch, int rounds, size_t *correct)
{
    double best = 1e30;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        *correct = count(s, batch);
        double sec = now() - t0;
        best = sec < best ? sec : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    if (argc != 3 && argc != 4)
        die("usage: bench_predict MNIST_DIR WEIGHTS [THREADS]");
    parallel_set_threads(argc == 4 ? (int)parse_long_option("THREADS", argv[3], 0, 256) : 0);
    char err[ERR_LEN];
    MnistBytes bytes;
    Network net;
    if (load_mnist_bytes(argv[1], MNIST_TEST, &bytes, err) != 0 ||
        network_load(&net, argv[2], err) != 0)
        die("%s", err);
    NetworkF net32;
    const int is32 = network_is_float32(&net);
    Matrix x = { 0, 0, NULL };
    size_t *t = xcalloc(bytes.count, sizeof *t);
    for (size_t i = 0; i < bytes.count; i++)
        t[i] = bytes.labels[i];
    if (is32)
        network_f32_from(&net32, &net);
    else {
        x = matrix_new(bytes.count, bytes.rows * bytes.cols);
        mnist_images(&x, &bytes, 0, NULL, 1);
    }
    const Setup s = { &net, is32 ? &net32 : NULL, &bytes, &x, t };
    size_t correct_batched, correct_single;
    double batched = best_time(&s, 100, 7, &correct_batched);
    double single = best_time(&s, 1, 3, &correct_single);
    printf("predict_seconds=%.4f one_by_one_seconds=%.4f correct=%zu arithmetic=%s threads=%d\n",
           batched, single, correct_batched, is32 ? "float32" : "float64", parallel_threads());
    if (correct_batched != correct_single)
        die("batched and one-by-one predictions disagree (%zu vs %zu)", correct_batched,
            correct_single);
    free(t);
    matrix_free(&x);
    if (is32)
        network_f32_free(&net32);
    network_free(&net);
    mnist_bytes_free(&bytes);
    return 0;
}
