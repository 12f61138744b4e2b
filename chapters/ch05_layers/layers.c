/* ch05_layers - the activation and Affine layers at work on the book's small arrays
 * (book 5.5 and 5.6, common/layers.py).
 *
 * 5.5.1  Relu: the book's x = [[1.0, -0.5], [-2.0, 3.0]] and its mask = (x <= 0),
 *        [[False  True] [ True False]]; then forward (the masked entries set to 0) and
 *        backward (dout blocked where the mask is True).
 * 5.5.2  Sigmoid on the same x: forward y = 1 / (1 + exp(-x)), backward dout * (1 - y) * y.
 * 5.6.1  Affine: X = np.random.rand(2), W = np.random.rand(2, 3), B = np.random.rand(3)
 *        (np.random.seed(--seed)), their shapes (2,) (2, 3) (3,) and Y = np.dot(X, W) + B,
 *        computed by the Affine layer on X as a batch of one.
 * 5.6.2  the batch version: X_dot_W + B adds B to every row, and the bias gradient sums
 *        dY over the batch, dB = np.sum(dY, axis=0) = array([5, 7, 9]). The book's arrays
 *        are ints and print as the interpreter shows them (array([...])); here the Affine
 *        layer computes them (X = [[0], [10]], W = [[1, 1, 1]] make X_dot_W) in float64.
 * Lines starting with "#" name the book's statement; the rest is NumPy's print().
 *
 * Run: build/bin/ch05_layers [--seed N]
 * Uses: nn/layers.h, numpy/tensor.h, numpy/npprint.h, numpy/random.h, sys/cli.h
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/layers.h"
#include "numpy/npprint.h"
#include "numpy/random.h"
#include "numpy/tensor.h"
#include "sys/checked.h"
#include "sys/cli.h"

static void print_tensor(const Tensor *t)
{
    if (t->ndim == 1)
        np_print_vector(stdout, t->data, t->size);
    else {
        const Matrix m = tensor_as_matrix(t);
        np_print_matrix(stdout, &m);
    }
}

/* print(mask) for a (rows, cols) array of booleans given as 1.0 / 0.0 */
static void print_bool_matrix(const unsigned char *mask, size_t rows, size_t cols)
{
    for (size_t i = 0; i < rows; i++) {
        printf("%s", i == 0 ? "[[" : " [");
        for (size_t j = 0; j < cols; j++)
            printf("%s%5s", j ? " " : "", mask[i * cols + j] ? "True" : "False");
        printf("%s", i + 1 == rows ? "]]\n" : "]\n");
    }
}

/* The interpreter's repr of an integer array, (n,) or (rows, cols): array([[ 1,  2,  3], ...]) */
static void print_int_repr(const Tensor *t)
{
    const size_t rows = t->ndim == 1 ? 1 : t->shape[0], cols = t->size / (rows ? rows : 1);
    int width = 1;
    char buf[32];
    for (size_t k = 0; k < t->size; k++) {
        const int w = snprintf(buf, sizeof buf, "%ld", (long)t->data[k]);
        width = w > width ? w : width;
    }
    printf("array(%s", t->ndim == 1 ? "[" : "[[");
    for (size_t i = 0; i < rows; i++) {
        if (i)
            printf("],\n       [");
        for (size_t j = 0; j < cols; j++)
            printf("%s%*ld", j ? ", " : "", width, (long)t->data[i * cols + j]);
    }
    printf("%s)\n", t->ndim == 1 ? "]" : "]]");
}

static void print_shape(const char *name, const Tensor *t)
{
    char buf[96];
    printf("# %s.shape\n%s\n", name, tensor_shape_str(t, buf, sizeof buf));
}

static Tensor tensor_of(int ndim, const size_t *shape, const double *values)
{
    Tensor t = tensor_new(ndim, shape);
    memcpy(t.data, values, t.size * sizeof(double));
    return t;
}

/* 5.5.1 and 5.5.2 */
static void activation_layers(void)
{
    Tensor x = tensor_of(TENSOR_SHAPE2(2, 2), (const double[]){ 1.0, -0.5, -2.0, 3.0 });
    Tensor dout = tensor_of(TENSOR_SHAPE2(2, 2), (const double[]){ 1, 1, 1, 1 });
    Tensor out = { 0 }, dx = { 0 };
    printf("# 5.5.1 x = np.array([[1.0, -0.5], [-2.0, 3.0]]); print(x)\n");
    print_tensor(&x);
    Layer *relu = relu_new();
    layer_forward(relu, &out, &x, 0);
    printf("# mask = (x <= 0); print(mask)\n");
    size_t mask_size;
    const unsigned char *mask = relu_mask(relu, &mask_size);
    print_bool_matrix(mask, x.shape[0], mask_size / x.shape[0]);
    printf("# relu = Relu(); relu.forward(x)\n");
    print_tensor(&out);
    layer_backward(relu, &dx, &dout);
    printf("# relu.backward(np.ones_like(x))\n");
    print_tensor(&dx);

    Layer *sigmoid = sigmoid_new();
    layer_forward(sigmoid, &out, &x, 0);
    printf("# 5.5.2 sigmoid = Sigmoid(); sigmoid.forward(x)\n");
    print_tensor(&out);
    layer_backward(sigmoid, &dx, &dout);
    printf("# sigmoid.backward(np.ones_like(x))  (dout * (1.0 - y) * y)\n");
    print_tensor(&dx);

    layer_free(relu), layer_free(sigmoid);
    tensor_free(&x), tensor_free(&dout), tensor_free(&out), tensor_free(&dx);
}

/* 5.6.1: Y = np.dot(X, W) + B with random X, W, B */
static void affine_shapes(Random *rng)
{
    Tensor X = tensor_new(1, (const size_t[]){ 2 }), W = tensor_new(TENSOR_SHAPE2(2, 3));
    Tensor B = tensor_new(1, (const size_t[]){ 3 });
    for (size_t k = 0; k < X.size; k++)       /* np.random.rand(2), then (2, 3), then (3) */
        X.data[k] = random_rand(rng);
    for (size_t k = 0; k < W.size; k++)
        W.data[k] = random_rand(rng);
    for (size_t k = 0; k < B.size; k++)
        B.data[k] = random_rand(rng);
    printf("# 5.6.1 X = np.random.rand(2); W = np.random.rand(2,3); B = np.random.rand(3)\n");
    print_shape("X", &X), print_shape("W", &W), print_shape("B", &B);
    Layer *affine = affine_new(&W, &B);
    Tensor X1 = tensor_view(X.data, TENSOR_SHAPE2(1, 2)), Y = { 0 };
    layer_forward(affine, &Y, &X1, 0);        /* X as a batch of one: (1, 2) -> (1, 3) */
    printf("# Y = np.dot(X, W) + B; print(Y)\n");
    np_print_vector(stdout, Y.data, Y.size);
    layer_free(affine);
    tensor_free(&X), tensor_free(&W), tensor_free(&B), tensor_free(&Y);
}

/* 5.6.2: the bias of a batch, forward and backward */
static void affine_batch(void)
{
    Tensor X = tensor_of(TENSOR_SHAPE2(2, 1), (const double[]){ 0, 10 });
    Tensor W = tensor_of(TENSOR_SHAPE2(1, 3), (const double[]){ 1, 1, 1 });
    Tensor B = tensor_of(1, (const size_t[]){ 3 }, (const double[]){ 1, 2, 3 });
    Tensor zero_b = tensor_new(1, (const size_t[]){ 3 }), X_dot_W = { 0 }, Y = { 0 };
    Layer *dot = affine_new(&W, &zero_b), *affine = affine_new(&W, &B);
    layer_forward(dot, &X_dot_W, &X, 0);
    printf("# 5.6.2 X_dot_W = np.array([[0, 0, 0], [10, 10, 10]]); B = np.array([1, 2, 3])\n");
    printf("# X_dot_W\n");
    print_int_repr(&X_dot_W);
    layer_forward(affine, &Y, &X, 0);
    printf("# X_dot_W + B\n");
    print_int_repr(&Y);
    Tensor dY = tensor_of(TENSOR_SHAPE2(2, 3), (const double[]){ 1, 2, 3, 4, 5, 6 });
    printf("# dY = np.array([[1, 2, 3,], [4, 5, 6]])\n# dY\n");
    print_int_repr(&dY);
    layer_backward(affine, NULL, &dY);
    printf("# dB = np.sum(dY, axis=0)\n# dB\n");
    print_int_repr(affine_db(affine));
    layer_free(dot), layer_free(affine);
    tensor_free(&X), tensor_free(&W), tensor_free(&B), tensor_free(&zero_b);
    tensor_free(&X_dot_W), tensor_free(&Y), tensor_free(&dY);
}

int main(int argc, char **argv)
{
    const char *seed = "0";
    const Option opts[] = {
        { "seed", "N", "np.random.seed for 5.6.1's X, W, B (default 0)", &seed },
    };
    parse_options(argc, argv, "Relu, Sigmoid and Affine on the book's arrays (book 5.5, 5.6).",
                  opts, 1);
    Random rng;
    random_seed(&rng, (uint32_t)parse_long_option("--seed", seed, 0, 4294967295L));
    activation_layers();
    affine_shapes(&rng);
    affine_batch();
    return 0;
}
