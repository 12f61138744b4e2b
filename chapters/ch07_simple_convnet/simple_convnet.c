/* ch07_simple_convnet - SimpleConvNet with trained parameters: the test accuracy
 * (book chapter 7, section 7.5: ch07/simple_convnet.py).
 *
 * network = SimpleConvNet(): conv (30 filters 5x5) - relu - pool (2x2) - affine (100) -
 * relu - affine (10) - softmax; network.load_params(FILE); then the accuracy on the 10,000
 * MNIST test images as the book computes it, network.accuracy(x_test, t_test) in batches of
 * 100, printed as the book's Trainer prints its final accuracy:
 *     test acc:0.989
 * The book's ch07/params.pkl as first published (2016) gives 0.989, the one in its
 * repository today (replaced in 2022) 0.96.
 *
 * Parameters: --params FILE (.pkl as the book saves it, or .npz); else the reader's copy
 * data/params.pkl; else our own, data/weights/simple_convnet.npz (data/weights/README.md).
 * Run: build/bin/ch07_simple_convnet [--params FILE] [--data DIR] [--threads N]
 * Uses: nn/simple_convnet.h (nn/net.h, layers.h), formats/mnist_batch.h, formats/weights.h,
 *       numpy/npprint.h, sys/cli.h, sys/find_file.h, kernels/parallel.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/mnist.h"
#include "formats/mnist_batch.h"
#include "formats/weights.h"
#include "kernels/parallel.h"
#include "nn/simple_convnet.h"
#include "numpy/npprint.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/find_file.h"
#include "sys/paths.h"

/* make run shows a chapter that exits with this status as skipped. */
#define EXIT_SKIPPED 77

static const char *const params_candidates[] = {
    "data/params.pkl",                 /* a reader's copy of the book's ch07/params.pkl */
    "data/weights/simple_convnet.npz", /* ours, trained by ch07_train_convnet */
};

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist");
    const char *data = default_data, *params_opt = NULL, *threads = "0";
    const Option opts[] = {
        { "params", "FILE", "trained parameters, .pkl or .npz (default data/params.pkl, then "
                            "data/weights/simple_convnet.npz)", &params_opt },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "threads", "N", "threads, 0..256 (default 0: all cores)", &threads },
    };
    parse_options(argc, argv, "SimpleConvNet's test accuracy with trained parameters (book 7.5).",
                  opts, sizeof opts / sizeof opts[0]);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));
    char err[ERR_LEN];

    /* (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False) */
    MnistBytes test;
    if (load_mnist_bytes(data, MNIST_TEST, &test, err) != 0)
        die("%s", err);
    char *params = find_first_file(params_opt, params_candidates,
                                   sizeof params_candidates / sizeof params_candidates[0]);
    if (!params) {
        fprintf(stderr, "%s: no parameters: put the book's params.pkl (ch07/ in "
                "github.com/oreilly-japan/deep-learning-from-scratch) in data/, or pass "
                "--params FILE\n", progname());
        mnist_bytes_free(&test);
        free(default_data);
        return EXIT_SKIPPED;
    }

    /* network = SimpleConvNet(); network.load_params(params) */
    const SimpleConvNetParams p = simple_convnet_defaults();
    Net *network = simple_convnet_new(&p, NULL);
    ArrayList arrays = { 0 };
    if (weights_load(params, &arrays, err) != 0 ||
        net_load_arrays(network, &arrays, params, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    printf("# 7.5 SimpleConvNet: load_params(\"%s\"), accuracy on the %zu test images\n",
           params, test.count);

    Tensor x_test = { 0 };
    mnist_batch(&x_test, &test, 0, NULL, test.count, 0, 1);
    size_t *t_test = xcalloc(test.count, sizeof *t_test);
    for (size_t i = 0; i < test.count; i++)
        t_test[i] = test.labels[i];
    char repr[PY_REPR_LEN];
    printf("test acc:%s\n", py_float_repr(net_accuracy(network, &x_test, t_test, 100), repr));

    net_free(network);
    tensor_free(&x_test);
    free(t_test);
    mnist_bytes_free(&test);
    free(params);
    free(default_data);
    return 0;
}
