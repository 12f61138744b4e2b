/* ch06_overfit_dropout - Dropout against overfitting (book chapter 6, section 6.4.3:
 * overfit_dropout.py, figure 6-23).
 *
 * As the book's script: x_train[:300], network = MultiLayerNetExtend(784, [100] * 6, 10,
 * use_dropout=..., dropout_ration=0.2) (ReLU, He's weights) made after
 * np.random.seed(--seed), and trainer = Trainer(network, x_train, t_train, x_test, t_test,
 * epochs=301, mini_batch_size=100, optimizer='sgd', optimizer_param={'lr': 0.01},
 * verbose=True); trainer.train() prints what the book's Trainer prints:
 *     train loss:2.3196...
 *     === epoch:1, train acc:0.07, test acc:0.0842 ===
 *     ...
 *     =============== Final Test Accuracy ===============
 *     test acc:0.6617
 * The Dropout masks come from the same np.random stream as the mini-batches, in the book's
 * order. It runs twice, each the book's script after np.random.seed(N): use_dropout=False
 * (figure 6-23, left: the train accuracy reaches 1.0, overfitting) and True (right: train and
 * test accuracy stay close). --dropout 0 or 1 runs only one, --dropout-ratio X sets the
 * ratio. The accuracies per epoch go to <out>/ch06_overfit_dropout_{off,on}.dat.
 *
 * Run: build/bin/ch06_overfit_dropout [--epochs N] [--dropout 0|1] [--dropout-ratio X]
 *        [--seed N] [--threads N] [--data DIR] [--out DIR]
 * Uses: nn/multi_layer_net_extend.h, nn/trainer.h, formats/mnist_tensor.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/datafile.h"
#include "formats/mnist_tensor.h"
#include "kernels/parallel.h"
#include "nn/multi_layer_net_extend.h"
#include "nn/trainer.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define BOOK_EPOCHS 301

typedef struct {
    Tensor x_train, x_test;
    size_t *t_train, *t_test;
} Data;

/* One run of the book's script; returns the seconds its training took. */
static double run(const Data *d, int use_dropout, double dropout_ratio, size_t epochs,
                  uint32_t seed, const char *out, const char *file)
{
    char err[ERR_LEN];
    Random rng;
    random_seed(&rng, seed);
    const size_t hidden_size_list[] = { 100, 100, 100, 100, 100, 100 };
    const MultiLayerNetConfig cfg = {
        .input_size = 784, .hidden_size_list = hidden_size_list, .hidden_layer_num = 6,
        .output_size = 10, .activation = "relu", .weight_init = "relu",
        .use_dropout = use_dropout, .dropout_ration = dropout_ratio, .rng = &rng,
    };
    Net *network = multi_layer_net_extend_new(&cfg, err);
    if (!network)
        die("%s", err);
    TrainerConfig tc = {
        .network = network, .x_train = &d->x_train, .t_train = d->t_train,
        .x_test = &d->x_test, .t_test = d->t_test, .epochs = epochs, .mini_batch_size = 100,
        .optimizer = "sgd", .optimizer_param = { .lr = 0.01 }, .verbose = 1, .rng = &rng,
    };
    Trainer trainer;
    if (trainer_init(&trainer, &tc, err) != 0)
        die("%s", err);
    const double t0 = progress_now();
    trainer_train(&trainer);
    const double seconds = progress_now() - t0;

    double *x = xcalloc(trainer.n_acc, sizeof(double));
    for (size_t e = 0; e < trainer.n_acc; e++)
        x[e] = (double)e;
    datafile_write_or_die(out, file, use_dropout ? "train and test accuracy per epoch, Dropout"
                                                 : "train and test accuracy per epoch, no Dropout",
                          "epoch train_acc test_acc", trainer.n_acc, 3,
                          (const double *const[]){ x, trainer.train_acc_list,
                                                   trainer.test_acc_list });
    free(x);
    trainer_free(&trainer);
    net_free(network);
    return seconds;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *epochs = "301", *seed_opt = "0",
               *threads = "0", *dropout = NULL, *ratio = "0.2";
    const Option opts[] = {
        { "epochs", "N", "Trainer's epochs, 1..10000 (default 301, the book's)", &epochs },
        { "dropout", "0|1", "one run, use_dropout False (0) or True (1) (default: both)",
          &dropout },
        { "dropout-ratio", "X", "dropout_ration, 0..1 (default 0.2, the book's)", &ratio },
        { "seed", "N", "np.random.seed(N) before each run (default 0)", &seed_opt },
        { "threads", "N", "threads for the matrix products, 0 = all cores (default 0)", &threads },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "Overfitting 300 MNIST images without and with Dropout\n(book 6.4.3, "
                  "overfit_dropout.py); data for figure 6-23.",
                  opts, sizeof opts / sizeof opts[0]);
    const size_t max_epochs = (size_t)parse_long_option("--epochs", epochs, 1, 10000);
    const double dropout_ratio = parse_double_option("--dropout-ratio", ratio, 0.0, 1.0);
    const uint32_t seed = (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));
    const int only = dropout ? (int)parse_long_option("--dropout", dropout, 0, 1) : -1;

    char err[ERR_LEN];
    Data d;
    if (load_mnist_tensor(data, MNIST_TRAIN, 0, 300, &d.x_train, &d.t_train, err) != 0 ||
        load_mnist_tensor(data, MNIST_TEST, 0, 0, &d.x_test, &d.t_test, err) != 0)
        die("%s", err);

    double seconds = 0.0;
    char r[PY_REPR_LEN];
    for (int use_dropout = 0; use_dropout <= 1; use_dropout++) {
        if (only >= 0 && use_dropout != only)
            continue;
        printf("# use_dropout = %s, dropout_ratio = %s%s\n", use_dropout ? "True" : "False",
               py_float_repr(dropout_ratio, r),
               use_dropout ? " (figure 6-23, right; the book's script)" : " (figure 6-23, left)");
        seconds += run(&d, use_dropout, dropout_ratio, max_epochs, seed, out,
                       use_dropout ? "ch06_overfit_dropout_on.dat" : "ch06_overfit_dropout_off.dat");
    }
    printf("data for figure 6-23: %s/ch06_overfit_dropout_{off,on}.dat\n", out);
    if (max_epochs < BOOK_EPOCHS)
        printf("# this run: %zu of the book's %d epochs in %.1f s; the book's: "
               "make run-ch06_overfit_dropout FULL=1 (about %.0f s)\n", max_epochs,
               BOOK_EPOCHS, seconds, seconds * BOOK_EPOCHS / (double)max_epochs);
    tensor_free(&d.x_train), tensor_free(&d.x_test);
    free(d.t_train), free(d.t_test);
    free(default_data), free(default_out);
    return 0;
}
