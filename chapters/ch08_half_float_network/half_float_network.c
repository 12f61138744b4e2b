/* ch08_half_float_network - DeepConvNet in 16-bit floats (book chapter 8, section 8.3.4:
 * ch08/half_float_network.py).
 *
 * The book's script measures the test accuracy of the trained DeepConvNet (10,000 images),
 * then rounds every parameter and the images to float16 (param[...] = param.astype(np.float16),
 * x_test.astype(np.float16)) and measures it again:
 *     caluculate accuracy (float64) ...
 *     0.9935
 *     caluculate accuracy (float16) ...
 *     0.9935
 * (its spelling). NumPy keeps computing in float64 there: the params stay float64 arrays
 * holding float16 values, so the products are float64. This program does exactly that
 * (numpy/half.h rounds as astype(np.float16)), then goes beyond the book with the same
 * network really stored in 16 and 32 bits (nn/deep_convnet.h's DeepConvNetF):
 *   float16 storage, float32 arithmetic: weights and images kept as float16 (2 bytes), each
 *       expanded to float32 where it is used, products by gemm_f32;
 *   float32 throughout: weights and images as float32, gemm_f32.
 * It prints the accuracy of each, its time for the 10,000 images, and its memory: the
 * parameters, the images, and the scratch space inference used. The float64 rows run
 * DeepConvNetF's float64 path, which gives the Net's layers' very bits (tested) without
 * their 370 MiB of im2col matrices for a batch of 100.
 *
 * Weights as ch08_deep_convnet: --weights FILE, else data/deep_convnet_params.pkl, else
 * data/weights/deep_convnet.npz, else a hint and exit 77.
 * Run: build/bin/ch08_half_float_network [--weights FILE] [--count N] [--threads N] [--data DIR]
 * Uses: nn/deep_convnet.h, numpy/half.h, formats/weights.h, formats/mnist_batch.h,
 *       sys/progress.h (the clock), numpy/npprint.h, sys/cli.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "formats/mnist_batch.h"
#include "formats/weights.h"
#include "kernels/parallel.h"
#include "nn/deep_convnet.h"
#include "numpy/half.h"
#include "numpy/npprint.h"
#include "sys/checked.h"
#include "sys/find_file.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define EXIT_SKIPPED 77
#define MIB (1024.0 * 1024.0)

static const char *const weight_candidates[] = {
    "data/deep_convnet_params.pkl",     /* a reader's copy of the book's file */
    "data/weights/deep_convnet.npz",    /* ours, trained by ch08_train_deepnet */
};

static size_t argmax_row(const double *y, size_t n)
{
    size_t best = 0;
    for (size_t j = 1; j < n; j++)
        best = y[j] > y[best] ? j : best;
    return best;
}

static size_t argmax_row_f(const float *y, size_t n)
{
    size_t best = 0;
    for (size_t j = 1; j < n; j++)
        best = y[j] > y[best] ? j : best;
    return best;
}

/* network.accuracy(x_test, t_test): batches of 100, test mode, computed in float64 by
 * DeepConvNetF's fast path, which reads the params in place and gives the Net's bits. */
static size_t accuracy_f64(DeepConvNetF *net, const Tensor *x, const unsigned char *t)
{
    const size_t batch_size = 100, N = x->shape[0], item = x->size / N;
    double y[100 * 10];
    size_t acc = 0;
    for (size_t i = 0; i < N; i += batch_size) {
        const size_t n = N - i < batch_size ? N - i : batch_size;
        deep_convnet_f_predict_f64(net, y, x->data + i * item, n);
        for (size_t r = 0; r < n; r++)
            acc += argmax_row(y + r * 10, 10) == t[i + r];
    }
    return acc;
}

static size_t count_right_f(const float *y, const unsigned char *t, size_t n)
{
    size_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += argmax_row_f(y + i * 10, 10) == t[i];
    return acc;
}

static void print_row(const char *storage, const char *arithmetic, size_t right, size_t n,
                      double seconds, size_t param_bytes, size_t image_bytes, size_t work_bytes)
{
    char repr[PY_REPR_LEN];
    printf("%-8s %-10s  %-8s %7.2f s  %7.1f KiB  %6.1f MiB  %6.1f MiB\n", storage, arithmetic,
           py_float_repr((double)right / (double)n, repr), seconds, param_bytes / 1024.0,
           image_bytes / MIB, work_bytes / MIB);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist");
    const char *data = default_data, *weights_opt = NULL, *threads_opt = "0", *count_opt = "10000";
    const Option opts[] = {
        { "weights", "FILE", "weights, .pkl or .npz (default data/deep_convnet_params.pkl, "
                             "then data/weights/deep_convnet.npz)", &weights_opt },
        { "count", "N", "test images, the first N, 1..10000 (default 10000, the book's "
                        "sampled)", &count_opt },
        { "threads", "N", "threads, 0..256 (default 0: all cores)", &threads_opt },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
    };
    parse_options(argc, argv, "DeepConvNet with float16 weights (book 8.3.4), and in float32.",
                  opts, sizeof opts / sizeof opts[0]);
    parallel_set_threads((int)parse_long_option("--threads", threads_opt, 0, 256));
    const size_t count = (size_t)parse_long_option("--count", count_opt, 1, 10000);
    char err[ERR_LEN];

    /* (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False); x_test[:sampled] */
    MnistBytes test;
    if (load_mnist_bytes(data, MNIST_TEST, &test, err) != 0)
        die("%s", err);
    if (test.rows != 28 || test.cols != 28)
        die("%s: test images are %zux%zu; DeepConvNet needs 28x28", data, test.rows, test.cols);
    const size_t sampled = test.count < count ? test.count : count, item = 28 * 28;

    /* network = DeepConvNet(); network.load_params("deep_convnet_params.pkl") */
    char *weights = find_first_file(weights_opt, weight_candidates,
                                    sizeof weight_candidates / sizeof weight_candidates[0]);
    if (!weights) {
        fprintf(stderr, "%s: no weights: put the book's deep_convnet_params.pkl (ch08/ in "
                "github.com/oreilly-japan/deep-learning-from-scratch) in data/, train ours with "
                "ch08_train_deepnet --save data/weights/deep_convnet.npz, or pass --weights "
                "FILE\n", progname());
        mnist_bytes_free(&test);
        free(default_data);
        return EXIT_SKIPPED;
    }
    Random rng;
    random_seed(&rng, 0);
    Net *network = deep_convnet_new(&rng);
    ArrayList arrays;
    if (weights_load_arrays(weights, &arrays, err) != 0 ||
        net_load_arrays(network, &arrays, weights, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    /* the 16- and 32-bit copies, made from the trained float64 values */
    DeepConvNetF *net16 = deep_convnet_f_new(net_params(network), net_param_count(network),
                                             DEEP_CONVNET_FLOAT16, err);
    DeepConvNetF *net32 = deep_convnet_f_new(net_params(network), net_param_count(network),
                                             DEEP_CONVNET_FLOAT32, err);
    DeepConvNetF *net64 = deep_convnet_f_new(net_params(network), net_param_count(network),
                                             DEEP_CONVNET_FLOAT64, err);
    if (!net16 || !net32 || !net64)
        die("%s: %s", weights, err);
    size_t param_values = 0;
    for (size_t i = 0; i < net_param_count(network); i++)
        param_values += net_params(network)[i].value->size;

    Tensor x_test = { 0 };
    mnist_batch(&x_test, &test, 0, NULL, sampled, 0, 1);
    char repr[PY_REPR_LEN];

    printf("caluculate accuracy (float64) ... \n");
    double t0 = progress_now();
    const size_t right64 = accuracy_f64(net64, &x_test, test.labels);
    const double sec64 = progress_now() - t0;
    printf("%s\n", py_float_repr((double)right64 / (double)sampled, repr));

    /* x_test = x_test.astype(np.float16); param[...] = param.astype(np.float16): float16
     * values, still float64 arrays (x_test's float32 pixels round once, to float16) */
    for (size_t i = 0; i < x_test.size; i++)
        x_test.data[i] = half_to_double(half_from_float((float)x_test.data[i]));
    for (size_t i = 0; i < net_param_count(network); i++) {
        Tensor *p = net_params(network)[i].value;
        for (size_t k = 0; k < p->size; k++)
            p->data[k] = half_round(p->data[k]);
    }
    printf("caluculate accuracy (float16) ... \n");
    t0 = progress_now();
    const size_t right16_64 = accuracy_f64(net64, &x_test, test.labels);  /* reads them in place */
    const double sec16_64 = progress_now() - t0;
    printf("%s\n", py_float_repr((double)right16_64 / (double)sampled, repr));

    /* beyond the book: the same network really stored in 16 and 32 bits */
    float *xf = xcalloc(sampled * item, sizeof *xf), *y = xcalloc(sampled * 10, sizeof *y);
    half *xh = xcalloc(sampled * item, sizeof *xh);
    for (size_t i = 0; i < sampled * item; i++)                 /* the float32 x_test */
        xf[i] = (float)mnist_pixel_float32(test.pixels[i]);
    half_from_floats(xh, xf, sampled * item);               /* x_test.astype(np.float16) */
    t0 = progress_now();
    deep_convnet_f_predict_half(net16, y, xh, sampled);
    const double sec16 = progress_now() - t0;
    const size_t right16 = count_right_f(y, test.labels, sampled);
    t0 = progress_now();
    deep_convnet_f_predict(net32, y, xf, sampled);
    const double sec32 = progress_now() - t0;
    const size_t right32 = count_right_f(y, test.labels, sampled);

    printf("# beyond the book: %zu test images, %d threads; memory: parameters, images, "
           "scratch\n", sampled, parallel_threads());
    printf("storage  arithmetic  accuracy     time   parameters     images    scratch\n");
    print_row("float64", "float64", right64, sampled, sec64, param_values * sizeof(double),
              x_test.size * sizeof(double), deep_convnet_f_work_bytes(net64));
    print_row("float16", "float64", right16_64, sampled, sec16_64, param_values * sizeof(double),
              x_test.size * sizeof(double), deep_convnet_f_work_bytes(net64));
    print_row("float16", "float32", right16, sampled, sec16, deep_convnet_f_param_bytes(net16),
              sampled * item * sizeof(half), deep_convnet_f_work_bytes(net16));
    print_row("float32", "float32", right32, sampled, sec32, deep_convnet_f_param_bytes(net32),
              sampled * item * sizeof(float), deep_convnet_f_work_bytes(net32));
    printf("# row 2 is the book's: float16 values held in float64 arrays. Scratch: each image on "
           "one thread, in the caches (the Net's layers keep a batch's im2col matrices)\n");

    free(xf), free(y), free(xh);
    deep_convnet_f_free(net16);
    deep_convnet_f_free(net32);
    deep_convnet_f_free(net64);
    tensor_free(&x_test);
    net_free(network);
    mnist_bytes_free(&test);
    free(weights);
    free(default_data);
    return 0;
}
