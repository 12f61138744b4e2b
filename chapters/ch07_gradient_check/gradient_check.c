/* ch07_gradient_check - backpropagation through Convolution and Pooling checked against the
 * numerical gradient (book chapter 7, section 7.5: ch07/gradient_check.py).
 *
 * network = SimpleConvNet(input_dim=(1, 10, 10), conv 10 filters 3x3, hidden_size=10,
 * output_size=10, weight_init_std=0.01); X = np.random.rand(100).reshape((1, 1, 10, 10));
 * T = [[1]] (one image of class 1); grad_num = network.numerical_gradient(X, T);
 * grad = network.gradient(X, T); then for each parameter the mean |grad_num - grad|:
 *     W1 1.0900369309226311e-06
 *     ...
 * --seed N is np.random.seed(N) before the book's script (default 0): the weights and X are
 * NumPy's numbers. The book seeds nothing. The differences are rounding errors of the central
 * difference (h = 1e-4), so their leading digits agree with NumPy's and the last ones follow
 * the summation order of the products (README.md).
 * Run: build/bin/ch07_gradient_check [--seed N]
 * Uses: nn/simple_convnet.h (nn/net.h), numpy/random.h, numpy/npsum.h, numpy/npprint.h,
 *       sys/cli.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/simple_convnet.h"
#include "numpy/npprint.h"
#include "numpy/npsum.h"
#include "numpy/random.h"
#include "sys/cli.h"
#include "sys/checked.h"

int main(int argc, char **argv)
{
    const char *seed_opt = "0";
    const Option opts[] = {
        { "seed", "N", "np.random.seed for the weights and X (default 0)", &seed_opt },
    };
    parse_options(argc, argv, "Gradient check of SimpleConvNet (book 7.5, gradient_check.py).",
                  opts, sizeof opts / sizeof opts[0]);
    Random rng;
    random_seed(&rng, (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L));

    SimpleConvNetParams p = simple_convnet_defaults();
    p.input_dim[1] = p.input_dim[2] = 10;
    p.filter_num = 10, p.filter_size = 3, p.pad = 0, p.stride = 1;
    p.hidden_size = 10, p.output_size = 10, p.weight_init_std = 0.01;
    Net *network = simple_convnet_new(&p, &rng);

    /* X = np.random.rand(100).reshape((1, 1, 10, 10)); T = np.array([1]).reshape((1, 1)) */
    Tensor X = tensor_new(TENSOR_SHAPE4(1, 1, 10, 10));
    for (size_t i = 0; i < X.size; i++)
        X.data[i] = random_rand(&rng);
    const size_t T[1] = { 1 };

    const size_t n = net_param_count(network);
    Tensor *grad_num = xcalloc(n, sizeof *grad_num);
    net_numerical_gradient(network, &X, T, grad_num);
    net_gradient(network, &X, T);
    const Param *grad = net_params(network);

    /* for key, val in grad_num.items(): print(key, np.abs(grad_num[key] - grad[key]).mean()) */
    char repr[PY_REPR_LEN];
    for (size_t k = 0; k < n; k++) {
        const size_t size = grad_num[k].size;
        double *diff = xcalloc(size, sizeof *diff);
        for (size_t i = 0; i < size; i++)
            diff[i] = fabs(grad_num[k].data[i] - grad[k].grad->data[i]);
        /* .mean(): np.add.reduce in NumPy's pairwise order, divided by the count */
        printf("%s %s\n", grad[k].name, py_float_repr(np_sum(diff, size) / (double)size, repr));
        free(diff);
    }

    for (size_t k = 0; k < n; k++)
        tensor_free(&grad_num[k]);
    free(grad_num);
    tensor_free(&X);
    net_free(network);
    return 0;
}
