/* ch03_mnist - handwritten digit recognition with the book's trained network
 * (book chapter 3, sections 3.6.1-3.6.3).
 *
 * 3.6.1  load_mnist(normalize, flatten): the shapes the book prints (training and test set;
 *        the training set is read, validated and freed: inference needs only the test set),
 *        the first test image
 *        (label 7) as a terminal preview and as <out>/mnist_digit.pgm (drawn by
 *        plots/mnist_digit.gp, the book's img_show)
 * 3.6.2  inference one image at a time with sample_weight.pkl: Accuracy:0.9352
 * 3.6.3  the same in batches of --batch images (default 100): Accuracy:0.9352; and the book's
 *        two small demos: np.argmax(x, axis=1) -> [1 2 1 0], y == t -> [ True  True False  True]
 *
 * Weights: --weights FILE (.pkl or .npz); else the reader's copy data/sample_weight.pkl;
 * else the project's own trained weights data/weights/ (see data/weights/README.md).
 * Arithmetic: as the book's NumPy computes it. sample_weight.pkl and the normalized pixels
 * are float32, so the inference runs in float32 (nn/network_f32.h); float64 weights (ours,
 * .npz) run in float64 (nn/network.h). --threads N spreads the images over N threads
 * (default: all cores); each image is computed by one thread, so N changes no digit.
 * Run: build/bin/ch03_mnist [--weights FILE] [--batch N] [--threads N] [--data DIR] [--out DIR]
 * Uses: common/formats/mnist.h, nn/network.h, nn/network_f32.h, kernels/parallel.h,
 *       sys/atomic.h, sys/cli.h, numpy/npprint.h
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sys/atomic.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "formats/mnist.h"
#include "kernels/parallel.h"
#include "nn/network.h"
#include "nn/network_f32.h"
#include "numpy/npprint.h"
#include "sys/paths.h"

/* make run shows a chapter that exits with this status as skipped. */
#define EXIT_SKIPPED 77

static const char *const weight_candidates[] = {
    "data/sample_weight.pkl",          /* a reader's copy of the book's file */
    "data/weights/sample_network.npz", /* ours, trained by ch04_two_layer_net */
};

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* --weights, else the first candidate that exists in the project (none when the program runs
 * outside it), else NULL. Returns a malloc'd path. */
static char *find_weights(const char *given)
{
    if (given)
        return xstrdup(given);
    const size_t n = project_found() ? sizeof weight_candidates / sizeof weight_candidates[0] : 0;
    for (size_t i = 0; i < n; i++) {
        char *p = project_path(weight_candidates[i]);
        if (file_exists(p))
            return p;
        free(p);
    }
    return NULL;
}

/* 3.6.3: what np.argmax(y, axis=1) and np.sum(p == t) do in count_correct's batched loop */
static void argmax_and_compare(void)
{
    printf("# 3.6.3 np.argmax and ==\n"
           "x = np.array([[0.1, 0.8, 0.1], [0.3, 0.1, 0.6], [0.2, 0.5, 0.3], [0.8, 0.1, 0.1]])\n"
           "y = np.argmax(x, axis=1)\nprint(y)\n");
    Matrix x = matrix_from(4, 3, (const double[]){ 0.1, 0.8, 0.1, 0.3, 0.1, 0.6,
                                                   0.2, 0.5, 0.3, 0.8, 0.1, 0.1 });
    size_t p[4];
    matrix_argmax_rows(p, &x);
    long y[4];
    for (int i = 0; i < 4; i++)
        y[i] = (long)p[i];
    np_print_int_vector(stdout, y, 4);
    matrix_free(&x);

    printf("y = np.array([1, 2, 1, 0]); t = np.array([1, 2, 0, 0])\nprint(y==t)\n");
    const long t[4] = { 1, 2, 0, 0 };
    bool same[4];
    long count = 0;
    for (int i = 0; i < 4; i++)
        count += same[i] = y[i] == t[i];
    np_print_bool_vector(stdout, same, 4);
    printf("np.sum(y==t)\n%ld\n", count);
}

/* img_show: a 28 x 28 preview in the terminal, two characters per pixel. */
static void print_preview(const unsigned char *img, size_t rows, size_t cols)
{
    static const char shades[] = " .:-=+*#%@";
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            int level = (img[r * cols + c] * 9 + 127) / 255;
            putchar(shades[level]);
            putchar(shades[level]);
        }
        putchar('\n');
    }
}

/* The image as a binary PGM (P5), written atomically; gnuplot reads it (plots/mnist_digit.gp). */
static void write_pgm(const char *dir, const unsigned char *img, size_t rows, size_t cols)
{
    char err[ERR_LEN], *path = path_join(dir, "mnist_digit.pgm");
    AtomicFile a;
    if (make_dirs(dir, err) != 0 || atomic_open(&a, path, err) != 0)
        die("%s", err);
    fprintf(a.f, "P5\n%zu %zu\n255\n", cols, rows);
    fwrite(img, 1, rows * cols, a.f);
    if (atomic_commit(&a, err) != 0)
        die("%s", err);
    printf("img_show: wrote %s\n", path);
    free(path);
}

/* The book's inference loop: x[i:i+batch_size] through predict, np.argmax, compare with t.
 * Pixels are normalized (get_data's normalize=True) one batch at a time. float64 weights. */
static size_t count_correct_f64(const Network *network, const MnistBytes *test,
                                size_t batch_size)
{
    Matrix x_batch = matrix_new(batch_size, test->rows * test->cols);
    Matrix y_batch = matrix_new(batch_size, network_output_size(network));
    NetworkWork *work = network_work_new(network, batch_size);   /* predict's a1, z1, ... */
    size_t *p = xcalloc(batch_size, sizeof *p), accuracy_cnt = 0;
    for (size_t i = 0; i < test->count; i += batch_size) {
        const size_t n = test->count - i < batch_size ? test->count - i : batch_size;
        x_batch.rows = y_batch.rows = n;
        mnist_images(&x_batch, test, i, NULL, 1);       /* x_batch = x[i:i+batch_size] */
        network_predict_work(network, &x_batch, &y_batch, work);  /* y_batch = predict(...) */
        matrix_argmax_rows(p, &y_batch);                /* p = np.argmax(y_batch, axis=1) */
        for (size_t j = 0; j < n; j++)
            accuracy_cnt += p[j] == test->labels[i + j];
    }
    free(p);
    network_work_free(work);
    matrix_free(&x_batch);
    matrix_free(&y_batch);
    return accuracy_cnt;
}

/* The same loop in float32 (the book's sample_weight.pkl): network_f32_count_correct runs
 *   for i in range(0, len(x), batch_size):
 *       y_batch = predict(network, x[i:i+batch_size]); p = np.argmax(y_batch, axis=1)
 *       accuracy_cnt += np.sum(p == t[i:i+batch_size])
 * with the batches spread over the threads. */
static size_t count_correct(const Network *network, const NetworkF *network32,
                            const MnistBytes *test, size_t batch_size)
{
    if (!network32)
        return count_correct_f64(network, test, batch_size);
    return network_f32_count_correct(network32, test->pixels, test->labels, test->count,
                                     batch_size);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *weights_opt = NULL, *batch_opt = "100",
               *threads_opt = "0";
    const Option opts[] = {
        { "weights", "FILE", "weights, .pkl or .npz (default data/sample_weight.pkl, "
                             "then data/weights/sample_network.npz)", &weights_opt },
        { "batch", "N", "batch size of the batched inference, 1..10000 (default 100)", &batch_opt },
        { "threads", "N", "threads, 0..256 (default 0: all cores; the digits do not change)",
          &threads_opt },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for mnist_digit.pgm (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "MNIST inference with the book's trained network (book 3.6).",
                  opts, sizeof opts / sizeof opts[0]);
    data = path_option_or_die("--data", "DIR", data, default_data);
    out = path_option_or_die("--out", "DIR", out, default_out);
    const size_t batch_size = (size_t)parse_long_option("--batch", batch_opt, 1, 10000);
    parallel_set_threads((int)parse_long_option("--threads", threads_opt, 0, 256));
    char err[ERR_LEN];

    /* 3.6.1: load_mnist(flatten=True, normalize=False); img = x_test[0] */
    MnistBytes test;
    if (load_mnist_bytes(data, MNIST_TEST, &test, err) != 0)
        die("%s", err);
    MnistBytes train;
    if (load_mnist_bytes(data, MNIST_TRAIN, &train, err) != 0)
        die("%s", err);
    printf("x_train.shape = (%zu, %zu)\nt_train.shape = (%zu,)\n", train.count,
           train.rows * train.cols, train.count);
    mnist_bytes_free(&train);
    printf("x_test.shape = (%zu, %zu)\nt_test.shape = (%zu,)\n", test.count,
           test.rows * test.cols, test.count);
    printf("label = %d\nimg.shape = (%zu,) -> reshape -> (%zu, %zu)\n", test.labels[0],
           test.rows * test.cols, test.rows, test.cols);
    print_preview(test.pixels, test.rows, test.cols);
    write_pgm(out, test.pixels, test.rows, test.cols);

    /* 3.6.2: network = init_network(), reading the weight file */
    char *weights = find_weights(weights_opt);
    if (!weights) {
        fprintf(stderr, "%s: no weights: put the book's sample_weight.pkl (ch03/ in "
                "github.com/oreilly-japan/deep-learning-from-scratch) in data/, or pass "
                "--weights FILE\n", progname());
        mnist_bytes_free(&test);
        free(default_data);
        free(default_out);
        return EXIT_SKIPPED;
    }
    Network network;
    if (network_load(&network, weights, err) != 0)
        die("%s", err);
    if (network_input_size(&network) != test.rows * test.cols || network_output_size(&network) != 10)
        die("%s: the network maps %zu inputs to %zu classes; MNIST needs %zu to 10", weights,
            network_input_size(&network), network_output_size(&network), test.rows * test.cols);
    printf("weights: %s\n", weights);
    char repr[PY_REPR_LEN];
    NetworkF network32;         /* the book's float32 arrays, when the file holds float32 */
    const int is32 = network_is_float32(&network);
    if (is32)
        network_f32_from(&network32, &network);

    /* for i in range(len(x)): y = predict(network, x[i]); p = np.argmax(y) ... */
    size_t accuracy_cnt = count_correct(&network, is32 ? &network32 : NULL, &test, 1);
    printf("# 3.6.2 one image at a time\nAccuracy:%s\n",
           py_float_repr((double)accuracy_cnt / test.count, repr));

    /* 3.6.3: for i in range(0, len(x), batch_size): ... */
    accuracy_cnt = count_correct(&network, is32 ? &network32 : NULL, &test, batch_size);
    printf("# 3.6.3 batch_size = %zu\nAccuracy:%s\n", batch_size,
           py_float_repr((double)accuracy_cnt / test.count, repr));
    argmax_and_compare();

    if (is32)
        network_f32_free(&network32);
    network_free(&network);
    mnist_bytes_free(&test);
    free(weights);
    free(default_data);
    free(default_out);
    return 0;
}
