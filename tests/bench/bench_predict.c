/* bench_predict - time ch03_mnist's predict step alone: 10,000 test images through the
 * book's network (sample_weight.pkl), batched (100) and one at a time, one thread.
 *
 * Usage: bench_predict MNIST_DIR WEIGHTS
 * Prints "predict_seconds=<best of 5, batched> one_by_one_seconds=<best of 3> correct=<n>".
 * Part of `make bench` (tests/bench/run.sh); not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sys/checked.h"
#include "formats/mnist.h"
#include "nn/network.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double best_time(const Network *net, const MnistSet *set, const size_t *t, size_t batch,
                        int rounds, size_t *correct)
{
    double best = 1e30;
    for (int r = 0; r < rounds; r++) {
        double t0 = now();
        *correct = network_count_correct(net, &set->x, t, batch);
        double s = now() - t0;
        best = s < best ? s : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    if (argc != 3)
        die("usage: bench_predict MNIST_DIR WEIGHTS");
    char err[ERR_LEN];
    MnistSet set;
    Network net;
    if (load_mnist(argv[1], MNIST_TEST, 1, 0, &set, err) != 0 ||
        network_load(&net, argv[2], err) != 0)
        die("%s", err);
    size_t *t = xcalloc(set.t.rows, sizeof *t);
    for (size_t i = 0; i < set.t.rows; i++)
        t[i] = (size_t)set.t.data[i];
    size_t correct_batched, correct_single;
    double batched = best_time(&net, &set, t, 100, 5, &correct_batched);
    double single = best_time(&net, &set, t, 1, 3, &correct_single);
    printf("predict_seconds=%.4f one_by_one_seconds=%.4f correct=%zu\n", batched, single,
           correct_batched);
    if (correct_batched != correct_single)
        die("batched and one-by-one predictions disagree (%zu vs %zu)", correct_batched,
            correct_single);
    free(t);
    network_free(&net);
    mnist_free(&set);
    return 0;
}
