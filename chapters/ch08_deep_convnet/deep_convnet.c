/* ch08_deep_convnet - the deep network of chapter 8 and its test accuracy
 * (book chapter 8, sections 8.1.1-8.1.2: ch08/deep_convnet.py with deep_convnet_params.pkl).
 *
 * 8.1.1  network = DeepConvNet(): six 3x3 convolutions (16, 16, 32, 32, 64, 64 filters) with
 *        Relu, a 2x2 pooling after every second one, Affine 50, Relu, Dropout, Affine 10,
 *        Dropout, SoftmaxWithLoss; the program prints its parameters and their shapes.
 * 8.1.2  network.load_params("deep_convnet_params.pkl"), then the accuracy on the 10,000 test
 *        images in batches of --batch (the book's accuracy(x, t, batch_size=100)):
 *            test accuracy:0.9935      with the book's file as first published (2016)
 *            test accuracy:0.9797      with the file in the book's repository today (2022)
 *
 * Weights: --weights FILE (.pkl or .npz); else a reader's copy of the book's file at
 * data/deep_convnet_params.pkl; else ours, data/weights/deep_convnet.npz (trained by
 * ch08_train_deepnet); with none it says where to get one and exits 77 (skipped in make run).
 * predict runs DeepConvNetF's float64 path (each image through all the layers in the
 * caches; the same bits as the Net's layers, tested); --layers runs the Net layer by layer.
 * Run: build/bin/ch08_deep_convnet [--weights FILE] [--count N] [--batch N] [--threads N]
 *        [--layers] [--data DIR]
 * Uses: nn/deep_convnet.h (nn/net.h, layers.h), formats/weights.h, formats/mnist_batch.h,
 *       numpy/npprint.h, kernels/parallel.h, sys/cli.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "formats/mnist_batch.h"
#include "formats/weights.h"
#include "kernels/parallel.h"
#include "nn/deep_convnet.h"
#include "numpy/npprint.h"
#include "sys/checked.h"
#include "sys/find_file.h"
#include "sys/cli.h"
#include "sys/paths.h"

#define EXIT_SKIPPED 77     /* make run reports it as skipped */

static const char *const weight_candidates[] = {
    "data/deep_convnet_params.pkl",     /* a reader's copy of the book's file */
    "data/weights/deep_convnet.npz",    /* ours, trained by ch08_train_deepnet */
};

/* The book's accuracy(): for each batch, y = predict(tx, train_flg=False), np.argmax(y,
 * axis=1), count the matches with tt. The images are converted from bytes batch by batch.
 * predict is the fast float64 path (the same bits), or with --layers the Net's layers. */
static size_t count_correct(Net *network, DeepConvNetF *fast, const MnistBytes *test,
                            size_t count, size_t batch_size)
{
    Tensor tx = { 0 }, scores = { 0 };
    size_t acc = 0;
    for (size_t i = 0; i < count; i += batch_size) {
        const size_t n = count - i < batch_size ? count - i : batch_size;
        mnist_batch(&tx, test, i, NULL, n, 0, 1);           /* tx = x[i*batch_size:...] */
        const Tensor *y = &scores;
        if (fast) {
            tensor_reshape(&scores, TENSOR_SHAPE2(n, 10));
            deep_convnet_f_predict_f64(fast, scores.data, tx.data, n);
        } else
            y = net_predict(network, &tx, 0);
        for (size_t r = 0; r < n; r++) {
            size_t best = 0;                                 /* np.argmax: the first maximum */
            for (size_t j = 1; j < y->shape[1]; j++)
                if (y->data[r * y->shape[1] + j] > y->data[r * y->shape[1] + best])
                    best = j;
            acc += best == test->labels[i + r];
        }
    }
    tensor_free(&tx);
    tensor_free(&scores);
    return acc;
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist");
    const char *data = default_data, *weights_opt = NULL, *count_opt = "10000",
               *batch_opt = "100", *threads_opt = "0", *layers = NULL;
    const Option opts[] = {
        { "weights", "FILE", "weights, .pkl or .npz (default data/deep_convnet_params.pkl, "
                             "then data/weights/deep_convnet.npz)", &weights_opt },
        { "count", "N", "test images to classify, the first N, 1..10000 (default 10000)",
          &count_opt },
        { "batch", "N", "batch size, 1..10000 (default 100, the book's)", &batch_opt },
        { "threads", "N", "threads, 0..256 (default 0: all cores)", &threads_opt },
        { "layers", NULL, "predict through the Net's layers, as the book (slower; the same "
                          "bits as the default fast path)", &layers },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
    };
    parse_options(argc, argv, "DeepConvNet's test accuracy with trained weights (book 8.1).",
                  opts, sizeof opts / sizeof opts[0]);
    const size_t count = (size_t)parse_long_option("--count", count_opt, 1, 10000);
    const size_t batch_size = (size_t)parse_long_option("--batch", batch_opt, 1, 10000);
    parallel_set_threads((int)parse_long_option("--threads", threads_opt, 0, 256));
    char err[ERR_LEN];

    /* (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False) */
    MnistBytes test;
    if (load_mnist_bytes(data, MNIST_TEST, &test, err) != 0)
        die("%s", err);
    if (test.rows != 28 || test.cols != 28 || test.count < count)
        die("%s: %zu test images of %zux%zu; DeepConvNet needs %zu of 28x28", data, test.count,
            test.rows, test.cols, count);

    /* 8.1.1: network = DeepConvNet() */
    Random rng;
    random_seed(&rng, 0);
    Net *network = deep_convnet_new(&rng);
    printf("# 8.1.1 DeepConvNet: conv-relu-conv-relu-pool x 3, affine-relu-dropout-affine-"
           "dropout-softmax\n");
    size_t total = 0;
    char shape[96];
    for (size_t i = 0; i < net_param_count(network); i++) {
        const Param *p = &net_params(network)[i];
        printf("%s%s %s", i % 2 ? "  " : "", p->name, tensor_shape_str(p->value, shape, sizeof shape));
        if (i % 2)
            putchar('\n');
        total += p->value->size;
    }
    printf("parameters: %zu\n", total);

    /* 8.1.2: network.load_params("deep_convnet_params.pkl") */
    char *weights = find_first_file(weights_opt, weight_candidates,
                                    sizeof weight_candidates / sizeof weight_candidates[0]);
    if (!weights) {
        fprintf(stderr, "%s: no weights: put the book's deep_convnet_params.pkl (ch08/ in "
                "github.com/oreilly-japan/deep-learning-from-scratch) in data/, train ours with "
                "ch08_train_deepnet --save data/weights/deep_convnet.npz, or pass --weights "
                "FILE\n", progname());
        net_free(network);
        mnist_bytes_free(&test);
        free(default_data);
        return EXIT_SKIPPED;
    }
    ArrayList arrays;
    if (weights_load_arrays(weights, &arrays, err) != 0 ||
        net_load_arrays(network, &arrays, weights, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    printf("weights: %s\n", weights);

    DeepConvNetF *fast = NULL;
    if (!layers && !(fast = deep_convnet_f_new(net_params(network), net_param_count(network),
                                               DEEP_CONVNET_FLOAT64, err)))
        die("%s: %s", weights, err);
    const size_t acc = count_correct(network, fast, &test, count, batch_size);
    deep_convnet_f_free(fast);
    char repr[PY_REPR_LEN];
    printf("# 8.1.2 test accuracy, %zu images in batches of %zu\n", count, batch_size);
    printf("test accuracy:%s\n", py_float_repr((double)acc / (double)count, repr));

    net_free(network);
    mnist_bytes_free(&test);
    free(weights);
    free(default_data);
    return 0;
}
