/* ch06_batch_norm_gradient_check - backpropagation through Batch Normalization against the
 * numerical gradient (book chapter 6, section 6.3: batch_norm_gradient_check.py).
 *
 * As the book's script: network = MultiLayerNetExtend(784, [100, 100], 10,
 * use_batchnorm=True) (ReLU, He's weights, from np.random.seed(--seed)), then on
 * x_batch = x_train[:1] both network.gradient and network.numerical_gradient, and for each
 * parameter, in the book's order (W1 b1 gamma1 beta1 W2 b2 gamma2 beta2 W3 b3), the mean
 * |difference|, printed as the book prints it:
 *     W1:0.0
 *     ...
 *     b3:1.7990357854824612e-07
 * With one sample every normalised value is 0 (x - mean(x) = 0), so nothing flows back
 * through the Batch Normalization layers and almost every difference is exactly 0.0; only
 * W3 and b3 see the + 1e-7 of the loss's log, which the numerical gradient sees and
 * backpropagation does not (ch04_two_layer_net's README).
 * Beyond the book, the same check on a real batch (--batch N images, default 3; 2..100): there every
 * gradient is non-zero, and a wrong backward pass would show as differences of 1e-4 and more.
 * The program exits 1 if a mean |difference| of the batch check is not below 1e-5.
 *
 * Run: build/bin/ch06_batch_norm_gradient_check [--batch N] [--hidden N] [--seed N] [--threads N]
 *        [--data DIR]
 * Uses: nn/multi_layer_net_extend.h, nn/net.h, formats/mnist_tensor.h, numpy/npsum.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/mnist_tensor.h"
#include "kernels/parallel.h"
#include "nn/multi_layer_net_extend.h"
#include "numpy/npprint.h"
#include "numpy/npsum.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"

#define BOUND 1e-5   /* right: up to 2e-6 (fewer units, larger gradients); wrong: 1e-2 */

/* The book's grad_numerical.keys(): W1 b1 gamma1 beta1 W2 b2 gamma2 beta2 W3 b3. */
static const char *const KEYS[] = { "W1", "b1", "gamma1", "beta1", "W2", "b2",
                                    "gamma2", "beta2", "W3", "b3" };
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

/* Prints key:np.average(np.abs(grad_backprop[key] - grad_numerical[key])) for every key;
 * returns the largest. */
static double gradient_check(Net *network, const Tensor *x_batch, const size_t *t_batch)
{
    const size_t n = net_param_count(network);
    Param *params = net_params(network);
    Tensor *grad_backprop = xcalloc(n, sizeof(Tensor)), *grad_numerical = xcalloc(n, sizeof(Tensor));
    net_gradient(network, x_batch, t_batch);
    for (size_t i = 0; i < n; i++)
        tensor_copy(&grad_backprop[i], params[i].grad);
    net_numerical_gradient(network, x_batch, t_batch, grad_numerical);

    double worst = 0.0;
    char repr[PY_REPR_LEN];
    for (size_t k = 0; k < NKEYS; k++) {
        const size_t i = (size_t)(net_find_param(network, KEYS[k]) - params);
        const size_t size = params[i].value->size;
        double *diff = xcalloc(size, sizeof *diff);
        for (size_t j = 0; j < size; j++)
            diff[j] = fabs(grad_backprop[i].data[j] - grad_numerical[i].data[j]);
        const double avg = np_sum(diff, size) / (double)size;      /* np.average */
        printf("%s:%s\n", KEYS[k], py_float_repr(avg, repr));
        worst = fmax(worst, avg);
        free(diff);
    }
    for (size_t i = 0; i < n; i++) {
        tensor_free(&grad_backprop[i]);
        tensor_free(&grad_numerical[i]);
    }
    free(grad_backprop);
    free(grad_numerical);
    return worst;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    char *default_data = project_path("data/mnist");
    const char *data = default_data, *seed_opt = "0", *batch_opt = "3", *threads = "0",
               *hidden_opt = "100";
    const Option opts[] = {
        { "batch", "N", "images of the check beyond the book's, 2..100 (default 3)", &batch_opt },
        { "hidden", "N", "units of each of the 2 hidden layers, 1..1000 (default 100, the book's)",
          &hidden_opt },
        { "seed", "N", "np.random.seed(N) before the network is made (default 0)", &seed_opt },
        { "threads", "N", "threads for the matrix products, 0 = all cores (default 0)", &threads },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
    };
    parse_options(argc, argv,
                  "Gradient check of MultiLayerNetExtend with Batch Normalization\n(book 6.3, "
                  "batch_norm_gradient_check.py), then the same on a real batch.",
                  opts, sizeof opts / sizeof opts[0]);
    const size_t batch = (size_t)parse_long_option("--batch", batch_opt, 2, 100);
    const size_t hidden = (size_t)parse_long_option("--hidden", hidden_opt, 1, 1000);
    const uint32_t seed = (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L);
    parallel_set_threads((int)parse_long_option("--threads", threads, 0, 256));

    char err[ERR_LEN];
    Tensor x_train;
    size_t *t_train;
    if (load_mnist_tensor(data, MNIST_TRAIN, 0, batch, &x_train, &t_train, err) != 0)
        die("%s", err);
    if (x_train.shape[0] < batch)
        die("%s: holds %zu training images, --batch asks for %zu", data, x_train.shape[0], batch);

    Random rng;
    random_seed(&rng, seed);
    const size_t hidden_size_list[] = { hidden, hidden };
    const MultiLayerNetConfig cfg = {
        .input_size = 784, .hidden_size_list = hidden_size_list, .hidden_layer_num = 2,
        .output_size = 10, .activation = "relu", .weight_init = "relu", .use_batchnorm = 1,
        .rng = &rng,
    };
    Net *network = multi_layer_net_extend_new(&cfg, err);
    if (!network)
        die("%s", err);

    /* x_batch = x_train[:1]; t_batch = t_train[:1] */
    Tensor x_batch = tensor_view(x_train.data, TENSOR_SHAPE2(1, 784));
    gradient_check(network, &x_batch, t_train);

    printf("# beyond the book: the same network on x_train[:%zu], where Batch Normalization's "
           "backward pass matters\n", batch);
    const double worst = gradient_check(network, &x_train, t_train);
    printf(worst < BOUND ? "gradient check passed: every mean |difference| is below %g\n"
                         : "gradient check FAILED: a mean |difference| is not below %g\n",
           BOUND);

    net_free(network);
    tensor_free(&x_train);
    free(t_train);
    free(default_data);
    return worst < BOUND ? 0 : 1;
}
