/* ch04_two_layer_net - learning: mini-batch training of a two-layer network on MNIST
 * (book chapter 4, section 4.5: two_layer_net.py and train_neuralnet.py; and the gradient
 * check of 5.7.3, gradient_check.py).
 *
 * 4.5.1  network = TwoLayerNet(784, 50, 10): W1, W2 = weight_init_std * randn (NumPy's
 *        generator, np.random.seed(--seed)), b1, b2 zeros. --hidden 50,100 makes it
 *        784-50-100-10, the shapes of the book's sample_weight.pkl.
 * 4.5.2  --iters times: a mini-batch of --batch images drawn with replacement
 *        (np.random.choice), grad = network.gradient(x_batch, t_batch) (backpropagation, as
 *        the book's code does), params -= lr * grad, and the loss after the update recorded.
 * 4.5.3  once per epoch (i % iter_per_epoch == 0, iter_per_epoch = max(train_size /
 *        batch_size, 1), so from iteration 0) the accuracy on all 60000 training and 10000
 *        test images, printed as the book prints it:
 *            train acc, test acc | 0.09915, 0.1009
 *        The data of figures 4-11 (loss per iteration) and 4-12 (accuracy per epoch) go to
 *        <out>/ch04_two_layer_net_loss.dat and _acc.dat (plots/fig4-11.gp, fig4-12.gp).
 * On a terminal a progress bar shows iterations per second and the time left.
 * Checked before anything is trained: the images are 28x28, --save and --out can be
 * written, and --hidden with --batch needs at most 1 GiB (TRAIN_MAX_BYTES) for the network,
 * its gradient and the scratch space (with --save, at most a weight file's 4,194,304
 * parameters), so a bad value costs a line on stderr, not an hour or the machine's memory.
 *
 * --numerical       train with network.numerical_gradient instead (the line the book leaves
 *                   commented out): seconds per iteration instead of a fraction of a ms.
 * --gradient-check  numerical and backprop gradients on the first 3 training images, the
 *                   mean |difference| per parameter ("W1:1.9457494543429524e-10"); exit 1
 *                   if one is not below 1e-6 (README.md: why not the book's ~1e-10).
 * --save FILE       the trained parameters as .npz (W1, b1, ...; np.load reads it), written
 *                   atomically (a run killed while saving leaves the previous FILE).
 * --time            a last line "seconds S test_acc A train_acc B" (the training loop, data
 *                   loading excluded), as tests/bench/train_numpy.py prints.
 *
 * Run: build/bin/ch04_two_layer_net [--iters N] [--batch N] [--lr X] [--hidden 50[,100]]
 *        [--seed N] [--numerical] [--gradient-check] [--save FILE] [--data DIR] [--out DIR]
 * Uses: common/nn/network.h, formats/mnist.h, numpy/random.h, formats/npz.h,
 *       formats/datafile.h, numpy/npprint.h, sys/cli.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sys/atomic.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "formats/datafile.h"
#include "formats/mnist.h"
#include "nn/network.h"
#include "numpy/npprint.h"
#include "formats/npz.h"
#include "sys/paths.h"
#include "sys/progress.h"
#include "numpy/random.h"

#define MAX_LAYER_SIZE 10000
/* The memory a training may take for the network, its gradient and the scratch space of a
 * mini-batch (the MNIST data, about 150 MB as sparse rows, come on top): --hidden and
 * --batch are refused, before anything is allocated, when they would need more. */
#define TRAIN_MAX_BYTES ((double)(1u << 30))
/* The book prints differences of 1e-10 and below; here W2 and b2 differ by ~1e-7 because the
 * loss takes log(y + 1e-7), a term the backward pass (y - t) / batch_num leaves out. A wrong
 * backward pass differs by 1e-4 and more. */
#define GRADIENT_CHECK_BOUND 1e-6

/* --hidden "50" or "50,100" -> sizes = { 784, 50, 100, 10 }; returns the number of sizes. */
static size_t parse_hidden(const char *text, size_t input, size_t output, size_t *sizes)
{
    size_t n = 0;
    sizes[n++] = input;
    const char *p = text;
    for (;;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || *p == '-' || *p == '+' || *p == ' ' || v < 1 || v > MAX_LAYER_SIZE ||
            n == NETWORK_MAX_LAYERS || (*end != ',' && *end != '\0'))
            die("--hidden: '%s' is not a list of 1 to %d layer sizes in [1, %d] such as 50 "
                "or 50,100 (see --help)", text, NETWORK_MAX_LAYERS - 1, MAX_LAYER_SIZE);
        sizes[n++] = (size_t)v;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    sizes[n++] = output;
    return n;
}

/* load_mnist(normalize=True, one_hot_label=False): the images as sparse rows (network.h;
 * the dense copy is dropped) and the labels as indices. */
static void load_split(const char *dir, MnistSplit split, SparseRows *x, size_t **t)
{
    char err[ERR_LEN];
    MnistBytes set;
    if (load_mnist_bytes(dir, split, &set, err) != 0)
        die("%s", err);
    if (set.rows != 28 || set.cols != 28) {
        const size_t rows = set.rows, cols = set.cols;
        mnist_bytes_free(&set);
        die("%s: the images are %zux%zu, the network needs 28x28 (784 inputs, as MNIST)", dir,
            rows, cols);
    }
    /* normalize=True, a thousand images at a time: the dense doubles of the whole training
     * set (376 MB) are never made, only its non-zero pixels are kept */
    Matrix chunk = matrix_new(1000, set.rows * set.cols);
    for (size_t i = 0; i < set.count; i += chunk.rows) {
        chunk.rows = set.count - i < 1000 ? set.count - i : 1000;
        mnist_images(&chunk, &set, i, NULL, 1);
        sparse_rows_append(x, &chunk);
    }
    *t = xcalloc(set.count, sizeof **t);
    for (size_t i = 0; i < set.count; i++)
        (*t)[i] = set.labels[i];
    matrix_free(&chunk);
    mnist_bytes_free(&set);
}

/* x_batch = x_train[batch_mask]; t_batch = t_train[batch_mask] */
static void take_batch(SparseRows *x_batch, size_t *t_batch, const SparseRows *x,
                       const size_t *t, const size_t *batch_mask, size_t batch_size)
{
    sparse_rows_take(x_batch, x, batch_mask, batch_size);
    for (size_t i = 0; i < batch_size; i++)
        t_batch[i] = t[batch_mask[i]];
}

/* gradient_check.py: mean |backprop - numerical| per parameter on 3 training images. */
static int gradient_check(Network *network, const SparseRows *x_train, const size_t *t_train)
{
    SparseRows x_batch = { 0 };
    sparse_rows_take(&x_batch, x_train, (const size_t[]){ 0, 1, 2 }, 3);   /* x_train[:3] */
    NetworkWork *w = network_work_new(network, 3);
    Network grad_numerical, grad_backprop;
    network_zeros_like(&grad_numerical, network);
    network_zeros_like(&grad_backprop, network);
    network_numerical_gradient(&grad_numerical, network, &x_batch, t_train, w);
    network_gradient(&grad_backprop, network, &x_batch, t_train, w);
    int bad = 0;
    char repr[PY_REPR_LEN];
    for (size_t i = 0; i < network->nlayers; i++)
        for (int b = 0; b < 2; b++) {       /* W then b, as the book's params dict */
            const Matrix *num = b ? &grad_numerical.b[i] : &grad_numerical.W[i];
            const Matrix *bp = b ? &grad_backprop.b[i] : &grad_backprop.W[i];
            Matrix diff = matrix_new(num->rows, num->cols);       /* np.abs(bp - num) */
            for (size_t k = 0; k < matrix_size(num); k++)
                diff.data[k] = fabs(bp->data[k] - num->data[k]);
            const double avg = matrix_sum(&diff) / (double)matrix_size(&diff);   /* np.average */
            printf("%s%zu:%s\n", b ? "b" : "W", i + 1, py_float_repr(avg, repr));
            bad += !(avg < GRADIENT_CHECK_BOUND);
            matrix_free(&diff);
        }
    printf(bad ? "gradient check FAILED: a mean |difference| is not below %g\n"
               : "gradient check passed: every mean |difference| is below %g\n",
           GRADIENT_CHECK_BOUND);
    network_free(&grad_numerical);
    network_free(&grad_backprop);
    network_work_free(w);
    sparse_rows_free(&x_batch);
    return bad ? 1 : 0;
}

/* Figures 4-11 (train_loss_list per iteration) and 4-12 (train_acc_list, test_acc_list per
 * epoch) as data files for plots/fig4-11.gp and fig4-12.gp. */
static void write_figures(const char *out, const double *loss, size_t iters,
                          const double *train_acc, const double *test_acc, size_t epochs)
{
    const size_t n = iters > epochs ? iters : epochs;
    double *index = xcalloc(n + 1, sizeof *index);
    for (size_t i = 0; i < n; i++)
        index[i] = (double)i;
    datafile_write_or_die(out, "ch04_two_layer_net_loss.dat",
                          "training loss per iteration (figure 4-11)", "iteration loss", iters, 2,
                          (const double *const[]){ index, loss });
    datafile_write_or_die(out, "ch04_two_layer_net_acc.dat",
                          "train and test accuracy per epoch (figure 4-12)",
                          "epoch train_acc test_acc", epochs, 3,
                          (const double *const[]){ index, train_acc, test_acc });
    printf("data for figures 4-11 and 4-12: %s/ch04_two_layer_net_{loss,acc}.dat\n", out);
    free(index);
}

/* np.savez(path, W1=..., b1=..., ...), written atomically. */
static void save_network(const Network *network, const char *path)
{
    char err[ERR_LEN];
    ArrayList arrays;
    network_to_arrays(network, &arrays);
    if (npz_save(path, &arrays, 0, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    printf("saved: %s\n", path);
}

typedef struct {
    size_t iters_num, batch_size, sizes[NETWORK_MAX_LAYERS + 1], nsizes;
    double learning_rate, weight_init_std;
    uint32_t seed;
    const char *data, *out, *save;
    int numerical, gradient_check, time;
} Settings;

/* The options, checked: a bad value is one line on stderr and exit status 1. */
static Settings parse_settings(int argc, char **argv, const char *data, const char *out)
{
    const char *iters = "10000", *batch = "100", *lr = "0.1", *hidden = "50", *std = "0.01",
               *seed = "0", *save = NULL, *numerical = NULL, *check = NULL, *timing = NULL;
    const Option opts[] = {
        { "iters", "N", "iterations, 0..10000000 (default 10000, the book's iters_num)", &iters },
        { "batch", "N", "mini-batch size, 1..60000 (default 100)", &batch },
        { "lr", "X", "learning rate, 0..100 (default 0.1)", &lr },
        { "hidden", "LIST", "hidden layer sizes, e.g. 50 or 50,100 (default 50)", &hidden },
        { "weight-init-std", "X", "scale of the initial weights, 0..100 (default 0.01)", &std },
        { "seed", "N", "np.random.seed for the weights and batches (default 0)", &seed },
        { "numerical", NULL, "train with the numerical gradient (slow: use a small --iters)",
          &numerical },
        { "gradient-check", NULL, "compare numerical and backprop gradients, then exit", &check },
        { "save", "FILE", "write the trained parameters to FILE (.npz)", &save },
        { "time", NULL, "print \"seconds S test_acc A train_acc B\" at the end", &timing },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "Mini-batch training of TwoLayerNet on MNIST (book 4.5).", opts,
                  sizeof opts / sizeof opts[0]);
    Settings s = {
        .iters_num = (size_t)parse_long_option("--iters", iters, 0, 10000000),
        .batch_size = (size_t)parse_long_option("--batch", batch, 1, 60000),
        .learning_rate = parse_double_option("--lr", lr, 0.0, 100.0),
        .weight_init_std = parse_double_option("--weight-init-std", std, 0.0, 100.0),
        .seed = (uint32_t)parse_long_option("--seed", seed, 0, 4294967295L),
        .data = data, .out = out, .save = save,
        .numerical = numerical != NULL, .gradient_check = check != NULL, .time = timing != NULL,
    };
    s.nsizes = parse_hidden(hidden, 784, 10, s.sizes);
    return s;
}

/* --hidden and --batch: the memory network_init, network_zeros_like and network_work_new
 * will take, counted before they allocate it (the book's sizes take a few MB). */
static void check_training_memory(const Settings *s)
{
    char hidden[NETWORK_MAX_LAYERS * 8 + 1] = "";
    for (size_t i = 1; i + 1 < s->nsizes; i++)
        snprintf(hidden + strlen(hidden), sizeof hidden - strlen(hidden), "%s%zu",
                 i > 1 ? "," : "", s->sizes[i]);
    double params = 0, activations = 0, widest = 0;
    for (size_t i = 0; i + 1 < s->nsizes; i++) {
        params += (double)s->sizes[i] * (double)s->sizes[i + 1] + (double)s->sizes[i + 1];
        activations += (double)s->sizes[i + 1];
        widest = fmax(widest, (double)s->sizes[i + 1]);
    }
    const double rows = (double)s->batch_size;
    const double bytes = 8 * (2 * params + rows * (activations + 2 * widest) +
                              widest * fmax(rows, widest));
    if (bytes > TRAIN_MAX_BYTES)
        die("--hidden: '%s' with --batch %zu needs %.0f MiB for the parameters, gradients and "
            "scratch space, more than the %.0f MiB bound", hidden, s->batch_size,
            ceil(bytes / (1 << 20)), TRAIN_MAX_BYTES / (1 << 20));
    if (s->save && params > (double)ARRAYS_MAX_VALUES)
        die("--hidden: '%s' has %.0f parameters, more than the %zu a weight file may hold "
            "(--save)", hidden, params, ARRAYS_MAX_VALUES);
}

/* train_neuralnet.py: the book's loop, on network, with the batches drawn from rng. */
static void train(Network *network, const Settings *s, const SparseRows *x_train,
                  const size_t *t_train, const SparseRows *x_test, const size_t *t_test,
                  Random *rng)
{
    const size_t iters_num = s->iters_num, train_size = x_train->rows;
    const size_t batch_size = s->batch_size;
    const double learning_rate = s->learning_rate;
    double *train_loss_list = xcalloc(iters_num + 1, sizeof(double));
    double *train_acc_list = xcalloc(iters_num + 1, sizeof(double));
    double *test_acc_list = xcalloc(iters_num + 1, sizeof(double));
    size_t epochs = 0;
    const double iter_per_epoch = fmax((double)train_size / (double)batch_size, 1.0);

    SparseRows x_batch = { 0 };
    size_t *batch_mask = xcalloc(batch_size, sizeof(size_t));
    size_t *t_batch = xcalloc(batch_size, sizeof(size_t));
    Network grad;
    network_zeros_like(&grad, network);
    NetworkWork *work = network_work_new(network, batch_size);
    char repr[2][PY_REPR_LEN];

    Progress bar;
    progress_start(&bar, iters_num);
    const double t0 = progress_now();
    for (size_t i = 0; i < iters_num; i++) {
        random_choice(rng, train_size, batch_mask, batch_size);
        take_batch(&x_batch, t_batch, x_train, t_train, batch_mask, batch_size);

        if (s->numerical)
            network_numerical_gradient(&grad, network, &x_batch, t_batch, work);
        else
            network_gradient(&grad, network, &x_batch, t_batch, work);
        network_update(network, &grad, learning_rate);    /* params[key] -= lr * grad[key] */

        train_loss_list[i] = network_loss(network, &x_batch, t_batch, work);

        if (fmod((double)i, iter_per_epoch) == 0.0) {
            const double train_acc = network_accuracy(network, x_train, t_train);
            const double test_acc = network_accuracy(network, x_test, t_test);
            train_acc_list[epochs] = train_acc;
            test_acc_list[epochs++] = test_acc;
            printf("%strain acc, test acc | %s, %s\n", progress_prefix(&bar),
                   py_float_repr(train_acc, repr[0]), py_float_repr(test_acc, repr[1]));
        }
        progress_update(&bar, i + 1);
    }
    const double seconds = progress_now() - t0;
    progress_end(&bar);

    write_figures(s->out, train_loss_list, iters_num, train_acc_list, test_acc_list, epochs);
    if (s->time)
        printf("seconds %.3f test_acc %s train_acc %s\n", seconds,
               py_float_repr(epochs ? test_acc_list[epochs - 1] : 0.0, repr[0]),
               py_float_repr(epochs ? train_acc_list[epochs - 1] : 0.0, repr[1]));

    network_work_free(work);
    network_free(&grad);
    sparse_rows_free(&x_batch);
    free(t_batch), free(batch_mask);
    free(train_loss_list), free(train_acc_list), free(test_acc_list);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const Settings s = parse_settings(argc, argv, default_data, default_out);
    char err[ERR_LEN];
    check_training_memory(&s);
    if (s.save && atomic_probe(s.save, err) != 0)    /* fail now, not after the training */
        die("%s", err);
    if (!s.gradient_check) {                        /* the figure data too */
        char *probe = path_join(s.out, "ch04_two_layer_net_loss.dat");
        if (make_dirs(s.out, err) != 0 || atomic_probe(probe, err) != 0)
            die("%s", err);
        free(probe);
    }

    /* (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True) */
    SparseRows x_train = { 0 }, x_test = { 0 };
    size_t *t_train, *t_test;
    load_split(s.data, MNIST_TRAIN, &x_train, &t_train);
    load_split(s.data, MNIST_TEST, &x_test, &t_test);

    /* np.random.seed(seed); network = TwoLayerNet(input_size=784, hidden_size=50, ...) */
    Random rng;
    random_seed(&rng, s.seed);
    Network network;
    network_init(&network, s.sizes, s.nsizes, s.weight_init_std, &rng);

    int status = 0;
    if (s.gradient_check)
        status = gradient_check(&network, &x_train, t_train);
    else {
        train(&network, &s, &x_train, t_train, &x_test, t_test, &rng);
        if (s.save)
            save_network(&network, s.save);
    }

    network_free(&network);
    sparse_rows_free(&x_train), sparse_rows_free(&x_test);
    free(t_train), free(t_test), free(default_data), free(default_out);
    return status;
}
