/* ch04_gradients - loss functions, numerical differentiation, gradients and gradient descent
 * (book chapter 4, sections 4.2-4.4.1).
 *
 * 4.2.1  sum_squared_error for t = 2 and the book's two y: 0.097500000000000031, 0.59750000000000003
 * 4.2.2  cross_entropy_error for the same: 0.51082545709933802, 2.3025840929945458
 * 4.2.3  load_mnist, x_train.shape and t_train.shape; batch_mask = np.random.choice(60000, 10)
 * 4.2.4  the mini-batch cross-entropy, with one-hot labels and with class indices (the same loss),
 *        of an untrained network y = softmax(np.dot(x_batch, W)), W = 0.01 * np.random.randn(784, 10)
 * 4.3.1  the bad example's h = 10e-50 is lost to rounding (np.float32(1e-50) is 0.0);
 *        forward against central difference with h = 1e-4
 * 4.3.2  numerical_diff(function_1, 5) = 0.1999999999990898, (function_1, 10) = 0.2999999999986347;
 *        function_1 and its tangents at x = 5 and x = 10 (figures 4-6, 4-7)
 * 4.3.3  the partial derivatives of function_2 at (3, 4): 6.00000000000378, 7.999999999999119
 * 4.4    numerical_gradient(function_2, ...) at (3, 4), (0, 2), (3, 0): [6. 8.] [0. 4.] [6. 0.];
 *        the field of -grad function_2 on np.arange(-2, 2.5, 0.25)^2 (figure 4-9)
 * 4.4.1  gradient_descent from (-3, 4), lr = 0.1, 10.0 and 1e-10; the lr = 0.1, 20-step path
 *        (figure 4-10)
 * Python floats print as Python does (shortest repr); np.float64 scalars print as the book's
 * NumPy did, with 17 significant digits (%.17g). Arrays print as NumPy 1.24's print().
 * Figure data go to <out>/ch04_function_1.dat, ch04_gradient_field.dat and
 * ch04_gradient_descent.dat, drawn by plots/fig4-6.gp, fig4-7.gp, fig4-9.gp, fig4-10.gp.
 *
 * Run: build/bin/ch04_gradients [--seed N] [--data DIR] [--out DIR]
 * Uses: common/nn/functions.h, nn/gradient.h, formats/mnist.h, numpy/random.h, numpy/arange.h,
 *       formats/datafile.h, numpy/npprint.h, sys/cli.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/functions.h"
#include "numpy/arange.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "formats/datafile.h"
#include "nn/gradient.h"
#include "numpy/matrix.h"
#include "formats/mnist.h"
#include "numpy/npprint.h"
#include "sys/paths.h"
#include "numpy/random.h"

/* The book's t (the answer is "2") and its two y (4.2.1). */
static const double t_book[10] = { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
static const double y_right[10] = { 0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0 };
static const double y_wrong[10] = { 0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0 };

/* 0.01*x**2 + 0.1*x (x**2 is x*x exactly, as Python computes it) */
static double function_1(double x, void *ctx)
{
    (void)ctx;
    return 0.01 * (x * x) + 0.1 * x;
}

/* function_2 with x1 = 4 fixed, and with x0 = 3 fixed */
static double function_tmp1(double x0, void *ctx)
{
    (void)ctx;
    return x0 * x0 + 4.0 * 4.0;
}

static double function_tmp2(double x1, void *ctx)
{
    (void)ctx;
    return 3.0 * 3.0 + x1 * x1;
}

/* x[0]**2 + x[1]**2, x of shape (2,) */
static double function_2(const Matrix *x, void *ctx)
{
    (void)ctx;
    return x->data[0] * x->data[0] + x->data[1] * x->data[1];
}

/* "expr = value": a Python float, shortest repr (print(0.1) is 0.1) */
static void print_float(const char *expr, double v)
{
    char repr[PY_REPR_LEN];
    printf("%s = %s\n", expr, py_float_repr(v, repr));
}

/* "expr = value": an np.float64 scalar as the book's NumPy printed it, 17 significant digits */
static void print_float64(const char *expr, double v)
{
    char repr[PY_REPR_LEN];
    printf("%s = %s\n", expr, np_float64_repr_book(v, repr));
}

/* "name = [v0, v1, ...]": a Python list of floats */
static void print_list(const char *name, const double *v, size_t n)
{
    char repr[PY_REPR_LEN];
    printf("%s = [", name);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", py_float_repr(v[i], repr));
    printf("]\n");
}

static void print_array(const char *expr, const double *v, size_t n)
{
    printf("%s = ", expr);
    np_print_vector(stdout, v, n);
}

/* 4.2.1, 4.2.2: the two losses for a right and a wrong guess */
static void loss_examples(void)
{
    const double *ys[2] = { y_right, y_wrong };
    Matrix t = matrix_from(1, 10, t_book);
    printf("# 4.2.1 sum of squared errors; the answer is \"2\": t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]\n");
    for (int i = 0; i < 2; i++) {
        Matrix y = matrix_from(1, 10, ys[i]);
        print_list("y", ys[i], 10);
        print_float64("sum_squared_error(np.array(y), np.array(t))", sum_squared_error(&y, &t));
        matrix_free(&y);
    }
    printf("# 4.2.2 cross entropy error (delta = 1e-7), the same t and y\n");
    for (int i = 0; i < 2; i++) {
        Matrix y = matrix_from(1, 10, ys[i]);
        print_list("y", ys[i], 10);
        print_float64("cross_entropy_error(np.array(y), np.array(t))", cross_entropy_error(&y, &t));
        matrix_free(&y);
    }
    matrix_free(&t);
}

/* 4.2.3, 4.2.4: a mini-batch of 10 training images and its cross-entropy */
static void mini_batch(const char *data_dir, Random *r)
{
    char err[ERR_LEN];
    MnistBytes train;   /* kept as bytes: only the 10 chosen images become doubles */
    if (load_mnist_bytes(data_dir, MNIST_TRAIN, &train, err) != 0)
        die("%s", err);
    const size_t pixels = train.rows * train.cols;
    printf("# 4.2.3 mini-batch: (x_train, t_train), _ = load_mnist(normalize=True, one_hot_label=True)\n");
    printf("x_train.shape = (%zu, %zu)\nt_train.shape = (%zu, %d)\n", train.count, pixels,
           train.count, 10);

    enum { batch_size = 10, classes = 10 };
    size_t batch_mask[batch_size];
    random_choice(r, train.count, batch_mask, batch_size);
    long shown[batch_size], labels_shown[batch_size];
    Matrix x_batch = matrix_new(batch_size, pixels), t_batch = matrix_new(batch_size, classes);
    mnist_images(&x_batch, &train, 0, batch_mask, 1);        /* x_batch = x_train[batch_mask] */
    for (size_t i = 0; i < batch_size; i++) {
        MAT_AT(&t_batch, i, train.labels[batch_mask[i]]) = 1.0;   /* t_train[batch_mask], one-hot */
        shown[i] = (long)batch_mask[i];
    }
    printf("batch_mask = np.random.choice(%zu, %d) = ", train.count, batch_size);
    np_print_int_vector(stdout, shown, batch_size);

    printf("# 4.2.4 its cross entropy error for an untrained network:\n"
           "# y = softmax(np.dot(x_batch, W)), W = 0.01 * np.random.randn(%zu, %d)\n",
           pixels, classes);
    Matrix W = matrix_new(pixels, classes), y = matrix_new(batch_size, classes);
    random_randn_fill(r, W.data, matrix_size(&W));
    for (size_t i = 0; i < matrix_size(&W); i++)
        W.data[i] *= 0.01;
    matrix_dot(&y, &x_batch, &W);
    softmax(&y, &y);
    size_t labels[batch_size];
    matrix_argmax_rows(labels, &t_batch);
    for (size_t i = 0; i < batch_size; i++)
        labels_shown[i] = (long)labels[i];
    printf("t_batch.argmax(axis=1) = ");
    np_print_int_vector(stdout, labels_shown, batch_size);
    print_float64("cross_entropy_error(y, t_batch)", cross_entropy_error(&y, &t_batch));
    print_float64("cross_entropy_error(y, t_batch.argmax(axis=1))",
                  cross_entropy_error_labels(&y, labels));

    matrix_free(&W), matrix_free(&y), matrix_free(&x_batch), matrix_free(&t_batch);
    mnist_bytes_free(&train);
}

/* 4.3.1: the bad example's h = 10e-50 vanishes; the book's h = 1e-4 and a central difference */
static void rounding_pitfall(void)
{
    printf("# 4.3.1 numerical differentiation: h = 10e-50 is lost to rounding\n");
    const float h_float32 = (float)1e-50;
    print_float("np.float32(1e-50)", h_float32);
    const double h_bad = 10e-50, h = 1e-4;
    print_float("(function_1(5 + 10e-50) - function_1(5)) / 10e-50",
                (function_1(5 + h_bad, NULL) - function_1(5, NULL)) / h_bad);
    const double forward = (function_1(5 + h, NULL) - function_1(5, NULL)) / h;
    const double central = (function_1(5 + h, NULL) - function_1(5 - h, NULL)) / (2 * h);
    print_float("(function_1(5 + 1e-4) - function_1(5)) / 1e-4", forward);
    print_float("(function_1(5 + 1e-4) - function_1(5 - 1e-4)) / (2 * 1e-4)", central);
    printf("# the true derivative is 0.2: the forward difference is off by %.1e, the central "
           "one by %.1e\n", fabs(forward - 0.2), fabs(central - 0.2));
}

/* 4.3.2: numerical_diff of function_1; data for figures 4-6 and 4-7 */
static void derivative_examples(const char *out)
{
    printf("# 4.3.2 function_1(x) = 0.01*x**2 + 0.1*x\n");
    const double d5 = numerical_diff(function_1, NULL, 5), d10 = numerical_diff(function_1, NULL, 10);
    print_float("numerical_diff(function_1, 5)", d5);
    print_float("numerical_diff(function_1, 10)", d10);

    /* tangent_line(f, x): d = numerical_diff(f, x); y = f(x) - d*x; lambda t: d*t + y */
    const double y5 = function_1(5, NULL) - d5 * 5, y10 = function_1(10, NULL) - d10 * 10;
    Matrix x = arange(0.0, 20.0, 0.1);
    Matrix y = matrix_new(1, x.cols), tf5 = matrix_new(1, x.cols), tf10 = matrix_new(1, x.cols);
    for (size_t i = 0; i < x.cols; i++) {
        y.data[i] = function_1(x.data[i], NULL);
        tf5.data[i] = d5 * x.data[i] + y5;
        tf10.data[i] = d10 * x.data[i] + y10;
    }
    const double *cols[] = { x.data, y.data, tf5.data, tf10.data };
    datafile_write_or_die(out, "ch04_function_1.dat",
                          "function_1 and its tangents at x = 5 and x = 10 on np.arange(0.0, 20.0, 0.1) "
                          "(figures 4-6, 4-7)",
                          "x function_1(x) tangent_at_5(x) tangent_at_10(x)", x.cols, 4, cols);
    printf("x = np.arange(0.0, 20.0, 0.1): %zu points; data for figures 4-6 and 4-7 in "
           "%s/ch04_function_1.dat\n", x.cols, out);
    matrix_free(&x), matrix_free(&y), matrix_free(&tf5), matrix_free(&tf10);

    printf("# 4.3.3 partial derivatives of function_2(x) = x[0]**2 + x[1]**2 at x0 = 3, x1 = 4\n");
    print_float("numerical_diff(function_tmp1, 3.0)", numerical_diff(function_tmp1, NULL, 3.0));
    print_float("numerical_diff(function_tmp2, 4.0)", numerical_diff(function_tmp2, NULL, 4.0));
}

/* 4.4: gradients of function_2 at three points; the field of -grad for figure 4-9 */
static void gradient_examples(const char *out)
{
    printf("# 4.4 gradient\n");
    const double points[3][2] = { { 3.0, 4.0 }, { 0.0, 2.0 }, { 3.0, 0.0 } };
    Matrix grad = matrix_new(1, 2);
    for (int i = 0; i < 3; i++) {
        Matrix x = matrix_from(1, 2, points[i]);
        numerical_gradient(&grad, function_2, NULL, &x);
        char expr[80];
        snprintf(expr, sizeof expr, "numerical_gradient(function_2, np.array([%.1f, %.1f]))",
                 points[i][0], points[i][1]);
        print_array(expr, grad.data, 2);
        matrix_free(&x);
    }

    /* X, Y = np.meshgrid(x0, x1) flattened: x0 varies fastest */
    Matrix x0 = arange(-2, 2.5, 0.25);
    const size_t n = x0.cols * x0.cols;
    Matrix X = matrix_new(1, n), Y = matrix_new(1, n), U = matrix_new(1, n), V = matrix_new(1, n);
    for (size_t k = 0; k < n; k++) {
        Matrix x = matrix_from(1, 2, (const double[]){ x0.data[k % x0.cols], x0.data[k / x0.cols] });
        numerical_gradient(&grad, function_2, NULL, &x);
        X.data[k] = x.data[0], Y.data[k] = x.data[1];
        U.data[k] = -grad.data[0], V.data[k] = -grad.data[1];
        matrix_free(&x);
    }
    const double *cols[] = { X.data, Y.data, U.data, V.data };
    datafile_write_or_die(out, "ch04_gradient_field.dat",
                          "-numerical_gradient(function_2) on the grid np.arange(-2, 2.5, 0.25)^2 "
                          "(figure 4-9)",
                          "x0 x1 -grad0 -grad1", n, 4, cols);
    printf("x0 = x1 = np.arange(-2, 2.5, 0.25): %zu arrows of -grad; data for figure 4-9 in "
           "%s/ch04_gradient_field.dat\n", n, out);
    matrix_free(&x0), matrix_free(&X), matrix_free(&Y), matrix_free(&U), matrix_free(&V);
    matrix_free(&grad);
}

/* 4.4.1: gradient descent from (-3, 4) with three learning rates; the path for figure 4-10 */
static void gradient_descent_examples(const char *out)
{
    printf("# 4.4.1 gradient descent, init_x = np.array([-3.0, 4.0])\n");
    const double init_x[2] = { -3.0, 4.0 };
    const double lrs[3] = { 0.1, 10.0, 1e-10 };
    for (int i = 0; i < 3; i++) {
        Matrix x = matrix_from(1, 2, init_x);
        gradient_descent(&x, function_2, NULL, lrs[i], 100, NULL);
        char expr[80], lr[PY_REPR_LEN];
        snprintf(expr, sizeof expr, "gradient_descent(function_2, init_x, lr=%s, step_num=100)",
                 py_float_repr(lrs[i], lr));
        print_array(expr, x.data, 2);
        matrix_free(&x);
    }

    enum { step_num = 20 };
    Matrix x = matrix_from(1, 2, init_x), x_history = matrix_new(step_num, 2);
    gradient_descent(&x, function_2, NULL, 0.1, step_num, &x_history);
    double x0s[step_num], x1s[step_num];
    for (size_t i = 0; i < step_num; i++)
        x0s[i] = MAT_AT(&x_history, i, 0), x1s[i] = MAT_AT(&x_history, i, 1);
    const double *cols[] = { x0s, x1s };
    datafile_write_or_die(out, "ch04_gradient_descent.dat",
                          "x_history of gradient_descent(function_2, [-3.0, 4.0], lr=0.1, "
                          "step_num=20) (figure 4-10)",
                          "x0 x1", step_num, 2, cols);
    printf("lr=0.1, step_num=%d: x_history for figure 4-10 in %s/ch04_gradient_descent.dat\n",
           step_num, out);
    matrix_free(&x), matrix_free(&x_history);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *seed_opt = "0";
    const Option opts[] = {
        { "seed", "N", "np.random.seed(N) before choosing the mini-batch, 0..4294967295 (default 0)",
          &seed_opt },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "Loss functions, numerical differentiation, gradients, gradient descent "
                  "(book 4.2-4.4.1);\ndata for figures 4-6, 4-7, 4-9 and 4-10.",
                  opts, sizeof opts / sizeof opts[0]);
    data = path_option_or_die("--data", "DIR", data, default_data);
    out = path_option_or_die("--out", "DIR", out, default_out);
    Random r;
    random_seed(&r, (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L));

    loss_examples();                  /* 4.2.1, 4.2.2 */
    mini_batch(data, &r);             /* 4.2.3, 4.2.4 */
    rounding_pitfall();               /* 4.3.1 */
    derivative_examples(out);         /* 4.3.2, 4.3.3 */
    gradient_examples(out);           /* 4.4 */
    gradient_descent_examples(out);   /* 4.4.1 */

    free(default_data);
    free(default_out);
    return 0;
}
