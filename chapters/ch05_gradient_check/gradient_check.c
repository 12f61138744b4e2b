/* ch05_gradient_check - backpropagation checked against the numerical gradient (book 5.7.3,
 * ch05/gradient_check.py).
 *
 * network = TwoLayerNet(784, 50, 10) (common/nn/two_layer_net.h, np.random.seed(--seed));
 * on the first 3 training images (the book's float32 pixels) it computes
 * grad_numerical = network.numerical_gradient(x_batch, t_batch) (central differences,
 * h = 1e-4, on all 39,760 parameters) and grad_backprop = network.gradient(x_batch, t_batch),
 * and prints the mean absolute difference per parameter as the book does:
 *     W1:2.6417497566686813e-10 ... (print(key + ":" + str(diff)))
 * The differences are small (1e-10 .. 1e-7): the backward pass is right. The book's own
 * printout (W1:1.79e-06 ... with an unseeded network) and the reasons the digits are not
 * NumPy's to the last one are in README.md.
 *
 * Run: build/bin/ch05_gradient_check [--seed N] [--data DIR]
 * Uses: nn/two_layer_net.h, nn/net.h, formats/mnist_batch.h, numpy/npsum.h, numpy/npprint.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/mnist.h"
#include "formats/mnist_batch.h"
#include "nn/net.h"
#include "nn/two_layer_net.h"
#include "numpy/npprint.h"
#include "numpy/npsum.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist");
    const char *seed = "0", *data = default_data;
    const Option opts[] = {
        { "seed", "N", "np.random.seed for the network's weights (default 0)", &seed },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
    };
    parse_options(argc, argv, "Backprop gradients against numerical ones (book 5.7.3).", opts,
                  sizeof opts / sizeof opts[0]);
    Random rng;
    random_seed(&rng, (uint32_t)parse_long_option("--seed", seed, 0, 4294967295L));

    /* (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True) */
    char err[ERR_LEN];
    MnistBytes train;
    if (load_mnist_bytes(data, MNIST_TRAIN, &train, err) != 0)
        die("%s", err);

    Net *network = two_layer_net_new(784, 50, 10, 0.01, &rng);

    /* x_batch = x_train[:3]; t_batch = t_train[:3] */
    Tensor x_batch = { 0 };
    mnist_batch(&x_batch, &train, 0, NULL, 3, 1, 1);
    const size_t t_batch[3] = { train.labels[0], train.labels[1], train.labels[2] };

    const size_t n = net_param_count(network);
    Tensor *grad_numerical = xcalloc(n, sizeof *grad_numerical);
    net_numerical_gradient(network, &x_batch, t_batch, grad_numerical);
    net_gradient(network, &x_batch, t_batch);       /* grad_backprop, in net_params() */

    char repr[PY_REPR_LEN];
    for (size_t i = 0; i < n; i++) {                /* for key in grad_numerical.keys() */
        const Param *p = &net_params(network)[i];
        const Tensor *num = &grad_numerical[i];
        double *diff = xcalloc(num->size, sizeof *diff);
        for (size_t k = 0; k < num->size; k++)      /* np.abs(grad_backprop - grad_numerical) */
            diff[k] = fabs(p->grad->data[k] - num->data[k]);
        const double avg = np_sum(diff, num->size) / (double)num->size;   /* np.average */
        printf("%s:%s\n", p->name, py_float_repr(avg, repr));
        free(diff);
        tensor_free(&grad_numerical[i]);
    }

    free(grad_numerical);
    tensor_free(&x_batch);
    net_free(network);
    mnist_bytes_free(&train);
    free(default_data);
    return 0;
}
