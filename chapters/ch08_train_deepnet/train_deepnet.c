/* ch08_train_deepnet - training DeepConvNet (book chapter 8, section 8.1.1:
 * ch08/train_deepnet.py with common/trainer.py).
 *
 * The book's schedule: network = DeepConvNet() (He initial weights), then the Trainer with
 * epochs=20, mini_batch_size=100, optimizer='Adam', optimizer_param={'lr': 0.001},
 * evaluate_sample_num_per_epoch=1000: 20 * 60000 / 100 = 12000 iterations, each
 *     batch_mask = np.random.choice(60000, 100); grads = network.gradient(x_batch, t_batch)
 *     optimizer.update(params, grads); loss = network.loss(x_batch, t_batch)   (train mode)
 *     print("train loss:" + str(loss))
 * and at iterations 0, 600, 1200, ... the accuracy (test mode) on the first 1000 training and
 * 1000 test images, "=== epoch:1, train acc:0.16, test acc:0.14 ===", then at the end
 *     =============== Final Test Accuracy ===============
 *     test acc:0.99...
 * on all 10,000 test images; network.save_params(...) with --save. The random numbers (the
 * initial weights, the batches, the Dropout masks) are np.random's after
 * np.random.seed(--seed), drawn in the book's order, so the first losses are the book's
 * code's to about 12 digits (the sums of the products run in another order).
 *
 * A short run: --iters N stops after N iterations of that schedule and measures the final
 * accuracy on the first 1000 test images only; it ends with a line "# ..." giving the
 * command of the full schedule, the measured time per iteration and the projected time.
 * make run runs such a short run (chapter.mk's RUNARGS_; FULLARGS_ is the full one).
 * On a terminal a progress bar shows iterations per second and the time left.
 *
 * Unlike the book's Trainer, which holds x_train as 60000 float32 images, the images stay
 * bytes (47 MB) and each batch is converted when drawn (the same values).
 * Run: build/bin/ch08_train_deepnet [--epochs N] [--iters N] [--batch N] [--lr X] [--seed N]
 *        [--threads N] [--save FILE] [--data DIR]
 * Uses: nn/deep_convnet.h (net.h), nn/optimizer.h, formats/mnist_batch.h, formats/npz.h,
 *       numpy/random.h, numpy/npprint.h, sys/progress.h, sys/cli.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/mnist_batch.h"
#include "formats/npz.h"
#include "kernels/parallel.h"
#include "nn/deep_convnet.h"
#include "nn/optimizer.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/atomic.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define EVALUATE_SAMPLE_NUM 1000     /* the book's evaluate_sample_num_per_epoch */

typedef struct {
    size_t epochs, iters, batch_size;
    double lr;
    uint32_t seed;
    int threads;
    const char *save, *data;
} Settings;

static Settings parse_settings(int argc, char **argv, const char *data)
{
    const char *epochs = "20", *iters = NULL, *batch = "100", *lr = "0.001", *seed = "0",
               *threads = "0", *save = NULL;
    const Option opts[] = {
        { "epochs", "N", "epochs, 1..1000 (default 20, the book's)", &epochs },
        { "iters", "N", "stop after N iterations, 1..10000000 (a short run; default: all "
                        "epochs * 60000 / batch)", &iters },
        { "batch", "N", "mini-batch size, 1..60000 (default 100)", &batch },
        { "lr", "X", "Adam's learning rate, 0..10 (default 0.001)", &lr },
        { "seed", "N", "np.random.seed for the weights, batches and masks (default 0)", &seed },
        { "threads", "N", "threads, 0..256 (default 0: all cores)", &threads },
        { "save", "FILE", "write the trained parameters to FILE (.npz; the book's "
                          "save_params)", &save },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
    };
    parse_options(argc, argv, "Training DeepConvNet with Adam (book 8.1.1, train_deepnet.py).",
                  opts, sizeof opts / sizeof opts[0]);
    return (Settings){
        .epochs = (size_t)parse_long_option("--epochs", epochs, 1, 1000),
        .iters = iters ? (size_t)parse_long_option("--iters", iters, 1, 10000000) : 0,
        .batch_size = (size_t)parse_long_option("--batch", batch, 1, 60000),
        .lr = parse_double_option("--lr", lr, 0.0, 10.0),
        .seed = (uint32_t)parse_long_option("--seed", seed, 0, 4294967295L),
        .threads = (int)parse_long_option("--threads", threads, 0, 256),
        .save = save,
        .data = data,
    };
}

/* network.accuracy(x[:n], t[:n]): int(n / 100) batches of 100 in test mode, over n; predict
 * by DeepConvNetF's float64 path, which reads the net's current parameters in place and gives
 * net_predict's bits, faster. */
static double accuracy(DeepConvNetF *fast, const MnistBytes *set, size_t n)
{
    const size_t batch_size = 100;
    Tensor tx = { 0 };
    double y[100 * 10];
    size_t acc = 0;
    for (size_t i = 0; i + batch_size <= n; i += batch_size) {
        mnist_batch(&tx, set, i, NULL, batch_size, 0, 1);
        deep_convnet_f_predict_f64(fast, y, tx.data, batch_size);
        for (size_t r = 0; r < batch_size; r++) {
            size_t best = 0;
            for (size_t j = 1; j < 10; j++)
                best = y[r * 10 + j] > y[r * 10 + best] ? j : best;
            acc += best == set->labels[i + r];
        }
    }
    tensor_free(&tx);
    return (double)acc / (double)n;
}

static void save_network(const Net *network, const char *path)
{
    char err[ERR_LEN];
    ArrayList arrays;
    net_to_arrays(network, &arrays);
    if (npz_save(path, &arrays, 0, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    printf("Saved Network Parameters! (%s)\n", path);
}

static void load_split(const char *dir, MnistSplit split, MnistBytes *out)
{
    char err[ERR_LEN];
    if (load_mnist_bytes(dir, split, out, err) != 0)
        die("%s", err);
    if (out->rows != 28 || out->cols != 28)
        die("%s: images of %zux%zu; DeepConvNet needs 28x28", dir, out->rows, out->cols);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist");
    const Settings s = parse_settings(argc, argv, default_data);
    parallel_set_threads(s.threads);
    char err[ERR_LEN], repr[2][PY_REPR_LEN];
    if (s.save && atomic_probe(s.save, err) != 0)      /* fail now, not after the training */
        die("%s", err);

    /* (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False) */
    MnistBytes train, test;
    load_split(s.data, MNIST_TRAIN, &train);
    load_split(s.data, MNIST_TEST, &test);

    /* network = DeepConvNet(); trainer = Trainer(..., optimizer='Adam', lr=0.001, ...) */
    Random rng;
    random_seed(&rng, s.seed);
    Net *network = deep_convnet_new(&rng);
    OptimizerParams op;
    optimizer_defaults("Adam", &op);
    op.lr = s.lr;
    Optimizer *optimizer = optimizer_new("Adam", &op);
    DeepConvNetF *fast = deep_convnet_f_new(net_params(network), net_param_count(network),
                                            DEEP_CONVNET_FLOAT64, err);
    if (!fast)
        die("%s", err);
    const size_t train_size = train.count, batch_size = s.batch_size;
    const double iter_per_epoch = fmax((double)train_size / (double)batch_size, 1.0);
    const size_t max_iter = (size_t)((double)s.epochs * iter_per_epoch);
    const size_t iters = s.iters && s.iters < max_iter ? s.iters : max_iter;
    const int short_run = iters < max_iter;
    /* x_train[:1000], x_test[:1000] (all of a smaller set, as NumPy's slice gives) */
    const size_t evaluate_train =
        train.count < EVALUATE_SAMPLE_NUM ? train.count : EVALUATE_SAMPLE_NUM;
    const size_t evaluate_test = test.count < EVALUATE_SAMPLE_NUM ? test.count : EVALUATE_SAMPLE_NUM;

    Tensor x_batch = { 0 };
    size_t *batch_mask = xcalloc(batch_size, sizeof *batch_mask);
    size_t *t_batch = xcalloc(batch_size, sizeof *t_batch);
    size_t current_epoch = 0;
    double step_seconds = 0.0, eval_seconds = 0.0;
    Progress bar;
    progress_start(&bar, iters);
    for (size_t i = 0; i < iters; i++) {            /* trainer.train(): train_step() ... */
        const double t0 = progress_now();
        random_choice(&rng, train_size, batch_mask, batch_size);
        mnist_batch(&x_batch, &train, 0, batch_mask, batch_size, 0, 1);  /* x_train[mask] */
        for (size_t k = 0; k < batch_size; k++)
            t_batch[k] = train.labels[batch_mask[k]];
        net_gradient(network, &x_batch, t_batch);
        optimizer_update(optimizer, net_params(network), net_param_count(network));
        const double loss = net_loss(network, &x_batch, t_batch, 1);
        step_seconds += progress_now() - t0;
        printf("%strain loss:%s\n", progress_prefix(&bar), py_float_repr(loss, repr[0]));

        if (fmod((double)i, iter_per_epoch) == 0.0) {
            const double t1 = progress_now();
            const double train_acc = accuracy(fast, &train, evaluate_train);
            const double test_acc = accuracy(fast, &test, evaluate_test);
            eval_seconds = progress_now() - t1;
            printf("%s=== epoch:%zu, train acc:%s, test acc:%s ===\n", progress_prefix(&bar),
                   ++current_epoch, py_float_repr(train_acc, repr[0]),
                   py_float_repr(test_acc, repr[1]));
        }
        fflush(stdout);
        progress_update(&bar, i + 1);
    }
    progress_end(&bar);

    const size_t final_count = short_run ? evaluate_test : test.count;
    const double t2 = progress_now();
    const double test_acc = accuracy(fast, &test, final_count);
    const double final_seconds = progress_now() - t2;
    printf("=============== Final Test Accuracy ===============\n");
    if (short_run)
        printf("# a short run: %zu of %zu iterations; test acc on the first %zu test images\n",
               iters, max_iter, final_count);
    printf("test acc:%s\n", py_float_repr(test_acc, repr[0]));
    if (s.save)
        save_network(network, s.save);         /* network.save_params(...) */

    if (short_run) {
        /* the whole schedule: its steps, one evaluation per epoch, and the final accuracy on
         * 10 times the images of this run's */
        const double per_iter = step_seconds / (double)iters;
        const double projected = per_iter * (double)max_iter +
                                 eval_seconds * (double)s.epochs + final_seconds * 10.0;
        printf("# full schedule: %s --epochs %zu --save data/weights/deep_convnet.npz\n"
               "#   %zu iterations at %.3f s each here (%d threads): about %.0f min in all\n",
               "build/bin/ch08_train_deepnet", s.epochs, max_iter, per_iter,
               parallel_threads(), projected / 60.0);
    }

    optimizer_free(optimizer);
    deep_convnet_f_free(fast);
    net_free(network);
    tensor_free(&x_batch);
    free(batch_mask), free(t_batch);
    mnist_bytes_free(&train), mnist_bytes_free(&test);
    free(default_data);
    return 0;
}
