/* ch05_train_neuralnet - training TwoLayerNet by backpropagation (book 5.7.4,
 * ch05/train_neuralnet.py with ch05/two_layer_net.py).
 *
 * The loop of chapter 4 again, now on a network built from layers: Affine1 -> Relu1 ->
 * Affine2 -> SoftmaxWithLoss (common/nn/two_layer_net.h, on nn/net.h), whose gradient is
 * one forward and one backward pass through the layers.
 *
 *   network = TwoLayerNet(784, 50, 10): W1, W2 = 0.01 * randn (np.random.seed(--seed))
 *   --iters times (10000): a mini-batch of 100 images drawn with replacement
 *   (np.random.choice), grad = network.gradient(x_batch, t_batch), params -= 0.1 * grad,
 *   loss = network.loss(x_batch, t_batch) after the update (train_loss_list);
 *   once per epoch (i % iter_per_epoch == 0, 600 iterations) the accuracy on all 60000
 *   training and 10000 test images, printed as the book's print(train_acc, test_acc):
 *       0.10748333333333333 0.1064
 * The pixels are the book's float32 ones (formats/mnist_batch.h). The learning curve
 * (figure 5-acc, like 4-12) goes to <out>/ch05_train_neuralnet_acc.dat and the losses to
 * _loss.dat. On a terminal a progress bar shows iterations per second and the time left.
 *
 * --save FILE   the trained W1, b1, W2, b2 as .npz (np.load reads it), written atomically
 * --time        a last line "seconds S test_acc A train_acc B" (the training loop with its
 *               evaluations, data loading excluded), for make bench
 *
 * Run: build/bin/ch05_train_neuralnet [--iters N] [--seed N] [--threads N] [--save FILE]
 *        [--time] [--data DIR] [--out DIR]
 * Uses: nn/two_layer_net.h, nn/net.h, formats/mnist_batch.h, numpy/random.h, formats/npz.h,
 *       formats/datafile.h, numpy/npprint.h, sys/progress.h, kernels/parallel.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/datafile.h"
#include "formats/mnist.h"
#include "formats/mnist_batch.h"
#include "formats/npz.h"
#include "kernels/parallel.h"
#include "nn/net.h"
#include "nn/two_layer_net.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/atomic.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define BOOK_ITERS 10000
#define EVAL_CHUNK 100      /* images made into doubles at a time for the accuracy */
#define EVAL_BATCH 100      /* rows predicted together */

typedef struct {
    MnistBytes images;      /* the pixels stay bytes; batches are made when needed */
    size_t *t;              /* labels as class indices */
} Split;

/* load_mnist(normalize=True, one_hot_label=True): labels as indices (the book's one-hot t
 * only enters through argmax, in cross_entropy_error and accuracy). */
static Split load_split(const char *dir, MnistSplit which)
{
    char err[ERR_LEN];
    Split s;
    if (load_mnist_bytes(dir, which, &s.images, err) != 0)
        die("%s", err);
    s.t = xcalloc(s.images.count, sizeof *s.t);
    for (size_t i = 0; i < s.images.count; i++)
        s.t[i] = s.images.labels[i];
    return s;
}

static void split_free(Split *s)
{
    mnist_bytes_free(&s->images);
    free(s->t);
}

/* network.accuracy(x, t) over a whole split, EVAL_CHUNK images at a time. */
static double accuracy(Net *network, const Split *s, Tensor *chunk)
{
    size_t correct = 0;
    for (size_t i = 0; i < s->images.count; i += EVAL_CHUNK) {
        const size_t n = s->images.count - i < EVAL_CHUNK ? s->images.count - i : EVAL_CHUNK;
        mnist_batch(chunk, &s->images, i, NULL, n, 1, 1);
        correct += net_count_correct(network, chunk, s->t + i, EVAL_BATCH);
    }
    return (double)correct / (double)s->images.count;    /* np.sum(y == t) / float(N) */
}

/* The learning curve (figure 5-acc) and the losses, for plots/fig5-acc.gp. */
static void write_figures(const char *out, const double *loss, size_t iters,
                          const double *train_acc, const double *test_acc, size_t epochs)
{
    const size_t n = iters > epochs ? iters : epochs;
    double *index = xcalloc(n + 1, sizeof *index);
    for (size_t i = 0; i < n; i++)
        index[i] = (double)i;
    datafile_write_or_die(out, "ch05_train_neuralnet_loss.dat", "training loss per iteration",
                          "iteration loss", iters, 2, (const double *const[]){ index, loss });
    datafile_write_or_die(out, "ch05_train_neuralnet_acc.dat",
                          "train and test accuracy per epoch (figure 5-acc, like 4-12)",
                          "epoch train_acc test_acc", epochs, 3,
                          (const double *const[]){ index, train_acc, test_acc });
    printf("data for figure 5-acc: %s/ch05_train_neuralnet_{acc,loss}.dat\n", out);
    free(index);
}

typedef struct {
    size_t iters_num;
    uint32_t seed;
    const char *data, *out, *save;
    int time;
} Settings;

static Settings parse_settings(int argc, char **argv, const char *data, const char *out)
{
    const char *iters = "10000", *seed = "0", *threads = "0", *save = NULL, *timing = NULL;
    const Option opts[] = {
        { "iters", "N", "iterations, 0..10000000 (default 10000, the book's iters_num)", &iters },
        { "seed", "N", "np.random.seed for the weights and batches (default 0)", &seed },
        { "threads", "N", "threads for the products, 0 = all cores (default 0)", &threads },
        { "save", "FILE", "write the trained W1, b1, W2, b2 to FILE (.npz)", &save },
        { "time", NULL, "print \"seconds S test_acc A train_acc B\" at the end", &timing },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "TwoLayerNet (Affine, Relu, Affine, SoftmaxWithLoss) trained by "
                  "backpropagation on MNIST (book 5.7.4).", opts, sizeof opts / sizeof opts[0]);
    Settings s = {
        .iters_num = (size_t)parse_long_option("--iters", iters, 0, 10000000),
        .seed = (uint32_t)parse_long_option("--seed", seed, 0, 4294967295L),
        .data = data, .out = out, .save = save, .time = timing != NULL,
    };
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));
    return s;
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const Settings s = parse_settings(argc, argv, default_data, default_out);
    char err[ERR_LEN];
    if (s.save && atomic_probe(s.save, err) != 0)    /* fail now, not after the training */
        die("%s", err);

    /* (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True) */
    Split train = load_split(s.data, MNIST_TRAIN), test = load_split(s.data, MNIST_TEST);

    Random rng;
    random_seed(&rng, s.seed);                        /* np.random.seed(seed) */
    Net *network = two_layer_net_new(784, 50, 10, 0.01, &rng);

    const size_t iters_num = s.iters_num, train_size = train.images.count, batch_size = 100;
    const double learning_rate = 0.1;
    double *train_loss_list = xcalloc(iters_num + 1, sizeof(double));
    double *train_acc_list = xcalloc(iters_num + 1, sizeof(double));
    double *test_acc_list = xcalloc(iters_num + 1, sizeof(double));
    size_t epochs = 0;
    const double iter_per_epoch = fmax((double)train_size / (double)batch_size, 1.0);

    size_t batch_mask[100], t_batch[100];
    Tensor x_batch = { 0 }, chunk = { 0 };
    char repr[2][PY_REPR_LEN];
    Progress bar;
    progress_start(&bar, iters_num);
    const double t0 = progress_now();
    for (size_t i = 0; i < iters_num; i++) {
        random_choice(&rng, train_size, batch_mask, batch_size);
        mnist_batch(&x_batch, &train.images, 0, batch_mask, batch_size, 1, 1);  /* x_train[batch_mask] */
        for (size_t k = 0; k < batch_size; k++)
            t_batch[k] = train.t[batch_mask[k]];

        net_gradient(network, &x_batch, t_batch);    /* grad = network.gradient(x_batch, t_batch) */
        for (size_t p = 0; p < net_param_count(network); p++) {
            const Param *param = &net_params(network)[p];   /* params[key] -= lr * grad[key] */
            for (size_t k = 0; k < param->value->size; k++)
                param->value->data[k] -= learning_rate * param->grad->data[k];
        }

        train_loss_list[i] = net_loss(network, &x_batch, t_batch, 0);

        if (fmod((double)i, iter_per_epoch) == 0.0) {
            const double train_acc = accuracy(network, &train, &chunk);
            const double test_acc = accuracy(network, &test, &chunk);
            train_acc_list[epochs] = train_acc;
            test_acc_list[epochs++] = test_acc;
            printf("%s%s %s\n", progress_prefix(&bar), py_float_repr(train_acc, repr[0]),
                   py_float_repr(test_acc, repr[1]));       /* print(train_acc, test_acc) */
            fflush(stdout);
        }
        progress_update(&bar, i + 1);
    }
    const double seconds = progress_now() - t0;
    progress_end(&bar);

    write_figures(s.out, train_loss_list, iters_num, train_acc_list, test_acc_list, epochs);
    if (s.save) {
        ArrayList arrays;
        net_to_arrays(network, &arrays);              /* the book's save_params, as .npz */
        if (npz_save(s.save, &arrays, 0, err) != 0)
            die("%s", err);
        arraylist_free(&arrays);
        printf("saved: %s\n", s.save);
    }
    if (s.time)
        printf("seconds %.3f test_acc %s train_acc %s\n", seconds,
               py_float_repr(epochs ? test_acc_list[epochs - 1] : 0.0, repr[0]),
               py_float_repr(epochs ? train_acc_list[epochs - 1] : 0.0, repr[1]));
    if (iters_num < BOOK_ITERS)
        printf("# the book's schedule (10,000 iterations, 17 lines): build/bin/ch05_train_neuralnet "
               "(about 6 s)\n");

    net_free(network);
    tensor_free(&x_batch), tensor_free(&chunk);
    free(train_loss_list), free(train_acc_list), free(test_acc_list);
    split_free(&train), split_free(&test);
    free(default_data), free(default_out);
    return 0;
}
