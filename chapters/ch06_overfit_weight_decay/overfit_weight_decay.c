/* ch06_overfit_weight_decay - overfitting 300 images, and weight decay against it (book
 * chapter 6, sections 6.4.1-6.4.2: overfit_weight_decay.py, figures 6-20 and 6-21).
 *
 * As the book's script: x_train[:300], network = MultiLayerNet(784, [100] * 6, 10,
 * weight_decay_lambda=...) (ReLU, He's weights) made after np.random.seed(--seed),
 * SGD(lr=0.01), mini-batches of 100 (np.random.choice), and at every epoch
 * (i % iter_per_epoch == 0, iter_per_epoch = 3) the accuracy on the 300 training images and
 * on all 10000 test images, printed as the book prints it:
 *     epoch:0, train acc:0.10333333333333333, test acc:0.1002
 * until max_epochs = 201 epochs have been measured. It runs twice, each run the book's script
 * after np.random.seed(N): weight_decay_lambda = 0 (figure 6-20: train accuracy reaches 1.0,
 * test accuracy stays far below: overfitting) and 0.1, the script's value (figure 6-21: the
 * gap narrows). --weight-decay X runs only X. The accuracies per epoch go to
 * <out>/ch06_overfit_weight_decay_<lambda>.dat.
 *
 * Run: build/bin/ch06_overfit_weight_decay [--epochs N] [--weight-decay X] [--seed N]
 *        [--threads N] [--data DIR] [--out DIR]
 * Uses: nn/multi_layer_net.h, nn/optimizer.h, nn/batch.h, formats/mnist_tensor.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/datafile.h"
#include "formats/mnist_tensor.h"
#include "kernels/parallel.h"
#include "nn/batch.h"
#include "nn/multi_layer_net.h"
#include "nn/optimizer.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"
#include "sys/progress.h"

#define BOOK_EPOCHS 201

typedef struct {
    Tensor x_train, x_test;
    size_t *t_train, *t_test;
} Data;

/* One run of the book's script with weight_decay_lambda; returns the seconds it took. */
static double run(const Data *d, double weight_decay_lambda, size_t max_epochs, uint32_t seed,
                  const char *out, const char *file)
{
    char err[ERR_LEN], r1[PY_REPR_LEN], r2[PY_REPR_LEN];
    Random rng;
    random_seed(&rng, seed);
    const size_t hidden_size_list[] = { 100, 100, 100, 100, 100, 100 };
    const MultiLayerNetConfig cfg = {
        .input_size = 784, .hidden_size_list = hidden_size_list, .hidden_layer_num = 6,
        .output_size = 10, .activation = "relu", .weight_init = "relu",
        .weight_decay_lambda = weight_decay_lambda, .rng = &rng,
    };
    Net *network = multi_layer_net_new(&cfg, err);
    if (!network)
        die("%s", err);
    Optimizer *optimizer = optimizer_new("SGD", &(OptimizerParams){ .lr = 0.01 });

    const size_t train_size = d->x_train.shape[0], batch_size = 100;
    double *train_acc_list = xcalloc(max_epochs, sizeof(double));
    double *test_acc_list = xcalloc(max_epochs, sizeof(double));
    const double iter_per_epoch = fmax((double)train_size / (double)batch_size, 1.0);
    size_t epoch_cnt = 0, batch_mask[100], t_batch[100];
    Tensor x_batch = { 0 };

    Progress bar;
    progress_start(&bar, max_epochs);
    const double t0 = progress_now();
    for (size_t i = 0;; i++) {
        random_choice(&rng, train_size, batch_mask, batch_size);
        take_batch(&x_batch, t_batch, &d->x_train, d->t_train, batch_mask, batch_size);
        net_gradient(network, &x_batch, t_batch);
        optimizer_update(optimizer, net_params(network), net_param_count(network));
        if (fmod((double)i, iter_per_epoch) == 0.0) {
            const double train_acc = net_accuracy(network, &d->x_train, d->t_train, 1000);
            const double test_acc = net_accuracy(network, &d->x_test, d->t_test, 1000);
            train_acc_list[epoch_cnt] = train_acc;
            test_acc_list[epoch_cnt] = test_acc;
            printf("%sepoch:%zu, train acc:%s, test acc:%s\n", progress_prefix(&bar), epoch_cnt,
                   py_float_repr(train_acc, r1), py_float_repr(test_acc, r2));
            epoch_cnt++;
            progress_update(&bar, epoch_cnt);
            if (epoch_cnt >= max_epochs)
                break;
        }
    }
    const double seconds = progress_now() - t0;
    progress_end(&bar);

    double *x = xcalloc(max_epochs, sizeof(double));
    for (size_t e = 0; e < max_epochs; e++)
        x[e] = (double)e;
    char title[128];
    snprintf(title, sizeof title, "train and test accuracy per epoch, weight_decay_lambda = %g",
             weight_decay_lambda);
    datafile_write_or_die(out, file, title, "epoch train_acc test_acc", max_epochs, 3,
                          (const double *const[]){ x, train_acc_list, test_acc_list });
    free(x), free(train_acc_list), free(test_acc_list);
    tensor_free(&x_batch);
    optimizer_free(optimizer);
    net_free(network);
    return seconds;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *epochs = "201", *seed_opt = "0",
               *threads = "0", *decay = NULL;
    const Option opts[] = {
        { "epochs", "N", "max_epochs, 1..10000 (default 201, the book's)", &epochs },
        { "weight-decay", "X", "one run with weight_decay_lambda X, 0..10 (default: 0, then 0.1)",
          &decay },
        { "seed", "N", "np.random.seed(N) before each run (default 0)", &seed_opt },
        { "threads", "N", "threads for the matrix products, 0 = all cores (default 0)", &threads },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "Overfitting 300 MNIST images without and with weight decay\n(book 6.4.1-6.4.2, "
                  "overfit_weight_decay.py); data for figures 6-20 and 6-21.",
                  opts, sizeof opts / sizeof opts[0]);
    const size_t max_epochs = (size_t)parse_long_option("--epochs", epochs, 1, 10000);
    const uint32_t seed = (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));
    const double one = decay ? parse_double_option("--weight-decay", decay, 0.0, 10.0) : 0.0;

    /* (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True); x_train[:300] */
    char err[ERR_LEN];
    Data d;
    if (load_mnist_tensor(data, MNIST_TRAIN, 0, 300, &d.x_train, &d.t_train, err) != 0 ||
        load_mnist_tensor(data, MNIST_TEST, 0, 0, &d.x_test, &d.t_test, err) != 0)
        die("%s", err);

    double seconds = 0.0;
    if (decay) {
        printf("# weight_decay_lambda = %s\n", py_float_repr(one, (char[PY_REPR_LEN]){ 0 }));
        seconds += run(&d, one, max_epochs, seed, out, "ch06_overfit_weight_decay_one.dat");
        printf("data: %s/ch06_overfit_weight_decay_one.dat\n", out);
    } else {
        printf("# weight_decay_lambda = 0 (figure 6-20)\n");
        seconds += run(&d, 0.0, max_epochs, seed, out, "ch06_overfit_weight_decay_0.dat");
        printf("# weight_decay_lambda = 0.1 (figure 6-21; the book's script)\n");
        seconds += run(&d, 0.1, max_epochs, seed, out, "ch06_overfit_weight_decay_0.1.dat");
        printf("data for figures 6-20 and 6-21: %s/ch06_overfit_weight_decay_{0,0.1}.dat\n", out);
    }
    if (max_epochs < BOOK_EPOCHS)
        printf("# this run: %zu of the book's %d epochs in %.1f s; the book's: "
               "make run-ch06_overfit_weight_decay FULL=1 (about %.0f s)\n", max_epochs,
               BOOK_EPOCHS, seconds, seconds * BOOK_EPOCHS / (double)max_epochs);
    tensor_free(&d.x_train), tensor_free(&d.x_test);
    free(d.t_train), free(d.t_test);
    free(default_data), free(default_out);
    return 0;
}
