/* ch08_misclassified_mnist - the test images DeepConvNet gets wrong
 * (book chapter 8, section 8.1.1: ch08/misclassified_mnist.py).
 *
 * The book's script loads deep_convnet_params.pkl, classifies the 10,000 test images in
 * batches of 100 (the test accuracy, 0.9935 with the book's file as first published), then
 * walks the test set for the images whose inference is not their label and shows the first
 * 20 of them (the book's figure of misrecognized digits), printing
 *     {view index: (label, inference), ...}
 *     {1: (6, 0), 2: (3, 5), 3: (3, 5), ...}
 * as Python prints its dict. With the 2016 file the first three are test images 445, 449
 * and 450; a last line names the test image of each view (not in the book).
 * The figure: <out>/ch08_misclassified_mnist.pgm (the 20 digits stacked, 28 x 560) and
 * ch08_misclassified_mnist.dat (view, test index, label, inference), drawn by
 * plots/fig8-2.gp as the book's 4 x 5 grid, each digit titled "label -> inference".
 *
 * Weights as ch08_deep_convnet: --weights FILE, else data/deep_convnet_params.pkl, else
 * data/weights/deep_convnet.npz, else a hint and exit 77 (after writing the figure's data
 * with no digits, which plots/fig8-2.gp draws as an empty grid saying so).
 * predict is DeepConvNetF's float64 path (the Net's bits), or with --layers the Net's layers.
 * Run: build/bin/ch08_misclassified_mnist [--weights FILE] [--threads N] [--layers] [--data DIR]
 *        [--out DIR]
 * Uses: nn/deep_convnet.h, formats/weights.h, formats/mnist_batch.h, formats/datafile.h,
 *       sys/atomic.h, numpy/npprint.h, sys/cli.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/datafile.h"
#include "formats/mnist_batch.h"
#include "formats/weights.h"
#include "kernels/parallel.h"
#include "nn/deep_convnet.h"
#include "numpy/npprint.h"
#include "sys/atomic.h"
#include "sys/checked.h"
#include "sys/find_file.h"
#include "sys/cli.h"
#include "sys/paths.h"

#define EXIT_SKIPPED 77
#define MAX_VIEW 20

static const char *const weight_candidates[] = {
    "data/deep_convnet_params.pkl",     /* a reader's copy of the book's file */
    "data/weights/deep_convnet.npz",    /* ours, trained by ch08_train_deepnet */
};

/* for i in range(x_test.shape[0] / batch_size): y = predict(tx); classified_ids.append(argmax)
 * predict: DeepConvNetF's float64 path (the Net's bits, faster), or the Net's layers. */
static void classify(Net *network, DeepConvNetF *fast, const MnistBytes *test,
                     size_t batch_size, size_t *ids)
{
    Tensor tx = { 0 }, scores = { 0 };
    for (size_t i = 0; i + batch_size <= test->count; i += batch_size) {
        mnist_batch(&tx, test, i, NULL, batch_size, 0, 1);
        const Tensor *y = &scores;
        if (fast) {
            tensor_reshape(&scores, TENSOR_SHAPE2(batch_size, 10));
            deep_convnet_f_predict_f64(fast, scores.data, tx.data, batch_size);
        } else
            y = net_predict(network, &tx, 0);
        const size_t C = y->shape[1];
        for (size_t r = 0; r < batch_size; r++) {
            size_t best = 0;
            for (size_t j = 1; j < C; j++)
                if (y->data[r * C + j] > y->data[r * C + best])
                    best = j;
            ids[i + r] = best;
        }
    }
    tensor_free(&tx);
    tensor_free(&scores);
}

/* The figure's data: the digits stacked in one binary PGM (28 x 560, unused views black) and
 * one row per view. */
static void write_figure(const char *out, const MnistBytes *test, const size_t *index,
                         const size_t *label, const size_t *inference, size_t views)
{
    char err[ERR_LEN], *path = path_join(out, "ch08_misclassified_mnist.pgm");
    const size_t item = test->rows * test->cols;
    AtomicFile a;
    if (make_dirs(out, err) != 0 || atomic_open(&a, path, err) != 0)
        die("%s", err);
    fprintf(a.f, "P5\n%zu %zu\n255\n", test->cols, test->rows * MAX_VIEW);
    unsigned char *pixels = xcalloc(MAX_VIEW, item);
    for (size_t v = 0; v < views; v++)
        memcpy(pixels + v * item, test->pixels + index[v] * item, item);
    fwrite(pixels, 1, MAX_VIEW * item, a.f);
    if (atomic_commit(&a, err) != 0)
        die("%s", err);
    double cols[4][MAX_VIEW];
    for (size_t v = 0; v < views; v++) {
        cols[0][v] = (double)(v + 1);
        cols[1][v] = (double)index[v];
        cols[2][v] = (double)label[v];
        cols[3][v] = (double)inference[v];
    }
    datafile_write_or_die(out, "ch08_misclassified_mnist.dat",
                          "the first misclassified test images (the book's figure 8-2)",
                          "view test_index label inference", views, 4,
                          (const double *const[]){ cols[0], cols[1], cols[2], cols[3] });
    printf("data for figure 8-2: %s/ch08_misclassified_mnist.{pgm,dat}\n", out);
    free(pixels);
    free(path);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *weights_opt = NULL, *threads_opt = "0",
               *layers = NULL;
    const Option opts[] = {
        { "weights", "FILE", "weights, .pkl or .npz (default data/deep_convnet_params.pkl, "
                             "then data/weights/deep_convnet.npz)", &weights_opt },
        { "threads", "N", "threads, 0..256 (default 0: all cores)", &threads_opt },
        { "layers", NULL, "predict through the Net's layers, as the book (slower; the same "
                          "bits as the default fast path)", &layers },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "The test images DeepConvNet misclassifies (book 8.1.1).", opts,
                  sizeof opts / sizeof opts[0]);
    parallel_set_threads((int)parse_long_option("--threads", threads_opt, 0, 256));
    char err[ERR_LEN];

    /* (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False) */
    MnistBytes test;
    if (load_mnist_bytes(data, MNIST_TEST, &test, err) != 0)
        die("%s", err);
    if (test.rows != 28 || test.cols != 28)
        die("%s: test images are %zux%zu; DeepConvNet needs 28x28", data, test.rows, test.cols);

    /* network = DeepConvNet(); network.load_params("deep_convnet_params.pkl") */
    char *weights = find_first_file(weights_opt, weight_candidates,
                                    sizeof weight_candidates / sizeof weight_candidates[0]);
    if (!weights) {
        write_figure(out, &test, NULL, NULL, NULL, 0);   /* an empty grid, so make plots runs */
        fprintf(stderr, "%s: no weights: put the book's deep_convnet_params.pkl (ch08/ in "
                "github.com/oreilly-japan/deep-learning-from-scratch) in data/, train ours with "
                "ch08_train_deepnet --save data/weights/deep_convnet.npz, or pass --weights "
                "FILE\n", progname());
        mnist_bytes_free(&test);
        free(default_data), free(default_out);
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

    printf("calculating test accuracy ... \n");
    const size_t batch_size = 100;
    size_t *classified_ids = xcalloc(test.count, sizeof *classified_ids);
    DeepConvNetF *fast = NULL;
    if (!layers && !(fast = deep_convnet_f_new(net_params(network), net_param_count(network),
                                               DEEP_CONVNET_FLOAT64, err)))
        die("%s: %s", weights, err);
    classify(network, fast, &test, batch_size, classified_ids);
    deep_convnet_f_free(fast);
    const size_t evaluated = test.count / batch_size * batch_size;   /* int(N / batch_size) batches */
    size_t acc = 0;
    for (size_t i = 0; i < evaluated; i++)
        acc += classified_ids[i] == test.labels[i];
    char repr[PY_REPR_LEN];
    printf("test accuracy:%s\n", py_float_repr((double)acc / (double)test.count, repr));

    /* for i, val in enumerate(classified_ids == t_test): if not val: ... up to max_view */
    size_t index[MAX_VIEW], label[MAX_VIEW], inference[MAX_VIEW], views = 0;
    for (size_t i = 0; i < evaluated && views < MAX_VIEW; i++)
        if (classified_ids[i] != test.labels[i]) {
            index[views] = i;
            label[views] = test.labels[i];
            inference[views++] = classified_ids[i];
        }
    printf("======= misclassified result =======\n");
    printf("{view index: (label, inference), ...}\n{");
    for (size_t v = 0; v < views; v++)
        printf("%s%zu: (%zu, %zu)", v ? ", " : "", v + 1, label[v], inference[v]);
    printf("}\n# test images:");
    for (size_t v = 0; v < views; v++)
        printf(" %zu", index[v]);
    printf("\n");
    write_figure(out, &test, index, label, inference, views);

    free(classified_ids);
    net_free(network);
    mnist_bytes_free(&test);
    free(weights);
    free(default_data), free(default_out);
    return 0;
}
