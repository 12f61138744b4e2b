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
 * Uses: nn/simple_convnet.h (nn/net.h, layers.h), formats/mnist_batch.h, formats/pickle.h,
 *       formats/npz.h, numpy/npprint.h, sys/cli.h, kernels/parallel.h
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/mnist.h"
#include "formats/mnist_batch.h"
#include "formats/npz.h"
#include "formats/pickle.h"
#include "kernels/parallel.h"
#include "nn/simple_convnet.h"
#include "numpy/npprint.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"

/* make run shows a chapter that exits with this status as skipped. */
#define EXIT_SKIPPED 77

static const char *const params_candidates[] = {
    "data/params.pkl",                 /* a reader's copy of the book's ch07/params.pkl */
    "data/weights/simple_convnet.npz", /* ours, trained by ch07_train_convnet */
};

/* --params, else the first candidate that exists, else NULL. Returns a malloc'd path. */
static char *find_params(const char *given)
{
    if (given)
        return xstrdup(given);
    for (size_t i = 0; i < sizeof params_candidates / sizeof params_candidates[0]; i++) {
        char *p = project_path(params_candidates[i]);
        struct stat st;
        if (stat(p, &st) == 0)
            return p;
        free(p);
    }
    return NULL;
}

/* The named arrays of a pickle or an .npz, told apart by their first bytes. */
static int load_arrays(const char *path, ArrayList *arrays, char *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return set_error(err, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return set_error(err, "%s: is a directory, not a parameter file", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return set_error(err, "%s: cannot open: %s", path, strerror(errno));
    unsigned char magic[2] = { 0, 0 };
    const size_t got = fread(magic, 1, 2, f);
    fclose(f);
    if (got == 0)
        return set_error(err, "%s: empty file, not a parameter file (.pkl or .npz)", path);
    if (got == 2 && magic[0] == 'P' && magic[1] == 'K')
        return npz_load(path, arrays, err);
    if (magic[0] == 0x80)
        return pickle_load_arrays(path, arrays, err);
    return set_error(err, "%s: neither a pickle (.pkl) nor a NumPy .npz file", path);
}

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
    char *params = find_params(params_opt);
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
    if (load_arrays(params, &arrays, err) != 0 ||
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
