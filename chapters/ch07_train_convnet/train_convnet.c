/* ch07_train_convnet - training SimpleConvNet on MNIST (book chapter 7, section 7.5:
 * ch07/train_convnet.py with common/trainer.py's Trainer).
 *
 * network = SimpleConvNet(input_dim=(1, 28, 28), conv 30 filters 5x5, hidden_size=100,
 * output_size=10, weight_init_std=0.01), then Trainer(epochs=20, mini_batch_size=100,
 * optimizer='Adam', optimizer_param={'lr': 0.001}, evaluate_sample_num_per_epoch=1000):
 * max_iter = 20 * 600 steps, each on a mini-batch drawn with np.random.choice, grads =
 * network.gradient, Adam's update, then the loss on the same batch, printed as the book:
 *     train loss:2.2998218830685753
 * and at iterations 0, 600, 1200, ... the accuracy on the first 1000 training and test images:
 *     === epoch:1, train acc:0.257, test acc:0.226 ===
 * then the accuracy on all 10,000 test images:
 *     =============== Final Test Accuracy ===============
 *     test acc:0.9887
 * --seed N (default 0) is np.random.seed(N) before the script: the weights and the batches
 * are NumPy's numbers (the book seeds nothing). The figure data (train and test accuracy per
 * epoch, as train_convnet.py plots them) go to <out>/ch07_train_convnet_acc.dat
 * (plots/fig7-train_acc.gp). On a terminal a progress bar shows the time left.
 * --train-size N / --test-size N train and test on x_train[:N] / x_test[:N] (the book's
 * commented-out "data reduction" lines), for short runs. --save FILE writes the parameters
 * as .npz (np.load reads them; ch07_simple_convnet --params FILE too), atomically.
 * Run: build/bin/ch07_train_convnet [--epochs N] [--batch N] [--lr X] [--evaluate N]
 *        [--train-size N] [--test-size N] [--seed N] [--threads N] [--save FILE]
 *        [--quiet] [--data DIR] [--out DIR]
 * Uses: nn/simple_convnet.h (nn/net.h), nn/optimizer.h, formats/mnist_batch.h,
 *       formats/npz.h, formats/datafile.h, numpy/random.h, numpy/npprint.h, sys/progress.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/datafile.h"
#include "formats/mnist.h"
#include "formats/mnist_batch.h"
#include "formats/npz.h"
#include "kernels/parallel.h"
#include "nn/optimizer.h"
#include "nn/simple_convnet.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/atomic.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

/* Images converted to a tensor at a time when measuring accuracy. */
#define CHUNK 1000

typedef struct {
    size_t epochs, batch_size, evaluate, train_size, test_size;
    double lr;
    uint32_t seed;
    int quiet;
    const char *data, *out, *save;
} Settings;

static Settings parse_settings(int argc, char **argv, const char *data, const char *out)
{
    const char *epochs = "20", *batch = "100", *lr = "0.001", *evaluate = "1000", *seed = "0",
               *train_size = "60000", *test_size = "10000", *threads = "0", *save = NULL,
               *quiet = NULL;
    const Option opts[] = {
        { "epochs", "N", "epochs, 1..1000 (default 20, the book's max_epochs)", &epochs },
        { "batch", "N", "mini-batch size, 1..60000 (default 100)", &batch },
        { "lr", "X", "Adam's learning rate, 0..10 (default 0.001)", &lr },
        { "evaluate", "N", "images evaluated per epoch, 0 = all (default 1000)", &evaluate },
        { "train-size", "N", "train on x_train[:N], 1..60000 (default 60000)", &train_size },
        { "test-size", "N", "test on x_test[:N], 1..10000 (default 10000)", &test_size },
        { "seed", "N", "np.random.seed for the weights and batches (default 0)", &seed },
        { "threads", "N", "threads, 0..256 (default 0: all cores)", &threads },
        { "save", "FILE", "write the trained parameters to FILE (.npz)", &save },
        { "quiet", NULL, "print the epoch lines only, not every train loss", &quiet },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "Training SimpleConvNet on MNIST with Adam (book 7.5).", opts,
                  sizeof opts / sizeof opts[0]);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));
    return (Settings){
        .epochs = (size_t)parse_long_option("--epochs", epochs, 1, 1000),
        .batch_size = (size_t)parse_long_option("--batch", batch, 1, 60000),
        .lr = parse_double_option("--lr", lr, 0.0, 10.0),
        .evaluate = (size_t)parse_long_option("--evaluate", evaluate, 0, 60000),
        .train_size = (size_t)parse_long_option("--train-size", train_size, 1, 60000),
        .test_size = (size_t)parse_long_option("--test-size", test_size, 1, 10000),
        .seed = (uint32_t)parse_long_option("--seed", seed, 0, 4294967295L),
        .quiet = quiet != NULL, .data = data, .out = out, .save = save,
    };
}

/* One split as bytes, cut to its first n images (x[:n]); converted batch by batch later. */
static void load_split(const char *dir, MnistSplit split, size_t n, MnistBytes *set)
{
    char err[ERR_LEN];
    if (load_mnist_bytes(dir, split, set, err) != 0)
        die("%s", err);
    if (set->count > n)
        set->count = n;
}

/* network.accuracy(x[:n], t[:n]) with the book's batch_size=100: the full batches only,
 * divided by n (as the book's loop over int(n / batch_size) batches). */
static double accuracy(Net *network, const MnistBytes *set, size_t n, Tensor *x)
{
    const size_t full = n / 100 * 100;
    size_t correct = 0, t[CHUNK];
    for (size_t i = 0; i < full; i += CHUNK) {
        const size_t m = full - i < CHUNK ? full - i : CHUNK;
        mnist_batch(x, set, i, NULL, m, 0, 1);
        for (size_t j = 0; j < m; j++)
            t[j] = set->labels[i + j];
        correct += net_count_correct(network, x, t, 100);
    }
    return (double)correct / (double)n;
}

typedef struct {
    double *train_loss_list, *train_acc_list, *test_acc_list;
    size_t max_iter, n_acc;
    double seconds, final_test_acc;
} History;

/* The book's Trainer.train(): train_step max_iter times, then the final test accuracy. */
static History train(Net *network, const Settings *s, const MnistBytes *train_set,
                     const MnistBytes *test_set, Random *rng)
{
    const size_t train_size = train_set->count, batch_size = s->batch_size;
    const double iter_per_epoch = fmax((double)train_size / (double)batch_size, 1.0);
    History h = { .max_iter = (size_t)((double)s->epochs * iter_per_epoch) };
    h.train_loss_list = xcalloc(h.max_iter + 1, sizeof(double));
    h.train_acc_list = xcalloc(h.max_iter + 1, sizeof(double));
    h.test_acc_list = xcalloc(h.max_iter + 1, sizeof(double));
    const size_t eval_train = s->evaluate && s->evaluate < train_size ? s->evaluate : train_size;
    const size_t eval_test =
        s->evaluate && s->evaluate < test_set->count ? s->evaluate : test_set->count;

    OptimizerParams op;
    optimizer_defaults("Adam", &op);
    op.lr = s->lr;                                     /* optimizer_param={'lr': 0.001} */
    Optimizer *optimizer = optimizer_new("Adam", &op);
    Tensor x_batch = { 0 }, x_eval = { 0 };
    size_t *batch_mask = xcalloc(batch_size, sizeof(size_t));
    size_t *t_batch = xcalloc(batch_size, sizeof(size_t));
    char repr[3][PY_REPR_LEN];

    Progress bar;
    progress_start(&bar, h.max_iter);
    const double t0 = progress_now();
    for (size_t i = 0; i < h.max_iter; i++) {          /* train_step() */
        random_choice(rng, train_size, batch_mask, batch_size);
        mnist_batch(&x_batch, train_set, 0, batch_mask, batch_size, 0, 1);
        for (size_t j = 0; j < batch_size; j++)
            t_batch[j] = train_set->labels[batch_mask[j]];

        net_gradient(network, &x_batch, t_batch);     /* grads = network.gradient(...) */
        optimizer_update(optimizer, net_params(network), net_param_count(network));
        const double loss = net_loss(network, &x_batch, t_batch, 1);
        h.train_loss_list[i] = loss;
        if (!s->quiet)
            printf("%strain loss:%s\n", progress_prefix(&bar), py_float_repr(loss, repr[0]));

        if (fmod((double)i, iter_per_epoch) == 0.0) {  /* current_iter % iter_per_epoch == 0 */
            const double train_acc = accuracy(network, train_set, eval_train, &x_eval);
            const double test_acc = accuracy(network, test_set, eval_test, &x_eval);
            h.train_acc_list[h.n_acc] = train_acc;
            h.test_acc_list[h.n_acc++] = test_acc;
            printf("%s=== epoch:%zu, train acc:%s, test acc:%s ===\n", progress_prefix(&bar),
                   h.n_acc, py_float_repr(train_acc, repr[1]), py_float_repr(test_acc, repr[2]));
        }
        progress_update(&bar, i + 1);
    }
    h.seconds = progress_now() - t0;
    progress_end(&bar);

    h.final_test_acc = accuracy(network, test_set, test_set->count, &x_eval);
    printf("=============== Final Test Accuracy ===============\n");
    printf("test acc:%s\n", py_float_repr(h.final_test_acc, repr[0]));

    optimizer_free(optimizer);
    tensor_free(&x_batch), tensor_free(&x_eval);
    free(batch_mask), free(t_batch);
    return h;
}

/* network.save_params: np.savez(path, W1=..., b1=..., ...), written atomically. */
static void save_params(const Net *network, const char *path)
{
    char err[ERR_LEN];
    ArrayList arrays;
    net_to_arrays(network, &arrays);
    if (npz_save(path, &arrays, 0, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    printf("Saved Network Parameters! (%s)\n", path);
}

/* The accuracy per epoch that train_convnet.py plots (plt.plot(x, trainer.train_acc_list)). */
static void write_figure(const char *out, const History *h)
{
    double *epoch = xcalloc(h->n_acc + 1, sizeof *epoch);
    for (size_t i = 0; i < h->n_acc; i++)
        epoch[i] = (double)i;
    datafile_write_or_die(out, "ch07_train_convnet_acc.dat",
                          "train and test accuracy per epoch (train_convnet.py's figure)",
                          "epoch train_acc test_acc", h->n_acc, 3,
                          (const double *const[]){ epoch, h->train_acc_list, h->test_acc_list });
    printf("data for the accuracy figure: %s/ch07_train_convnet_acc.dat\n", out);
    free(epoch);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const Settings s = parse_settings(argc, argv, default_data, default_out);
    char err[ERR_LEN];
    if (s.save && atomic_probe(s.save, err) != 0)     /* fail now, not after the training */
        die("%s", err);

    /* (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False) */
    MnistBytes train_set, test_set;
    load_split(s.data, MNIST_TRAIN, s.train_size, &train_set);
    load_split(s.data, MNIST_TEST, s.test_size, &test_set);

    /* np.random.seed(seed); network = SimpleConvNet(...) */
    Random rng;
    random_seed(&rng, s.seed);
    const SimpleConvNetParams p = simple_convnet_defaults();
    Net *network = simple_convnet_new(&p, &rng);

    History h = train(network, &s, &train_set, &test_set, &rng);
    if (s.save)
        save_params(network, s.save);
    write_figure(s.out, &h);
    const double per_iter = h.max_iter ? h.seconds / (double)h.max_iter : 0.0;
    if (s.epochs != 20 || train_set.count != 60000 || test_set.count != 10000)
        printf("# %zu iterations in %.1f s (%.1f ms each); the book's schedule (12000 iterations): "
               "build/bin/ch07_train_convnet, about %.0f s at this speed\n", h.max_iter,
               h.seconds, 1e3 * per_iter, 12000 * per_iter);
    else
        printf("# %zu iterations in %.1f s (%.1f ms each)\n", h.max_iter, h.seconds,
               1e3 * per_iter);

    free(h.train_loss_list), free(h.train_acc_list), free(h.test_acc_list);
    net_free(network);
    mnist_bytes_free(&train_set), mnist_bytes_free(&test_set);
    free(default_data), free(default_out);
    return 0;
}
