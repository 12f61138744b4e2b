/* test_gradient.c - numerical differentiation and gradient descent (book 4.3, 4.4).
 *
 * Expected values are the book's printouts, checked with NumPy 1.24.2 running the
 * book's code; where Python prints a full repr (16-17 digits) the C result must be
 * the same double, since it does the same operations in the same order.
 * Exact equality needs -ffp-contract=off (the Makefile sets it).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nn/functions.h"
#include "nn/gradient.h"
#include "numpy/matrix.h"
#include "numpy/npsum.h"

/* ---- numerical_diff (book 4.3.2, 4.3.3) ---------------------------------- */

/* y = 0.01x^2 + 0.1x; Python's x**2 is pow(x, 2), which is x*x exactly. */
static double function_1(double x, void *ctx)
{
    (void)ctx;
    return 0.01 * (x * x) + 0.1 * x;
}

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

Test(gradient, numerical_diff_of_function_1_matches_book)
{
    /* True values 0.2 and 0.3: the book shows the error of the central difference. */
    cr_expect(numerical_diff(function_1, NULL, 5) == 0.1999999999990898,
              "got %.17g", numerical_diff(function_1, NULL, 5));
    cr_expect(numerical_diff(function_1, NULL, 10) == 0.2999999999986347,
              "got %.17g", numerical_diff(function_1, NULL, 10));
}

Test(gradient, partial_derivatives_match_book)
{
    cr_expect(numerical_diff(function_tmp1, NULL, 3.0) == 6.00000000000378,
              "got %.17g", numerical_diff(function_tmp1, NULL, 3.0));
    cr_expect(numerical_diff(function_tmp2, NULL, 4.0) == 7.999999999999119,
              "got %.17g", numerical_diff(function_tmp2, NULL, 4.0));
}

/* ---- numerical_gradient (book 4.4) --------------------------------------- */

/* np.sum(x**2) for any shape; counts its calls when ctx is not NULL. */
static double function_2(const Matrix *x, void *ctx)
{
    double sq[16];
    const size_t n = matrix_size(x);
    cr_assert_leq(n, 16);
    for (size_t i = 0; i < n; i++)
        sq[i] = x->data[i] * x->data[i];
    if (ctx)
        ++*(int *)ctx;
    return np_sum(sq, n);
}

static void expect_gradient(double x0, double x1, double g0, double g1)
{
    Matrix x = matrix_from(1, 2, (const double[]){ x0, x1 }), grad = matrix_new(1, 2);
    numerical_gradient(&grad, function_2, NULL, &x);
    cr_expect(grad.data[0] == g0 && grad.data[1] == g1, "at (%g, %g): got [%.17g %.17g]",
              x0, x1, grad.data[0], grad.data[1]);
    matrix_free(&x), matrix_free(&grad);
}

Test(gradient, numerical_gradient_of_function_2_matches_book)
{
    /* NumPy prints these [6. 8.], [0. 4.], [6. 0.]; the full values are NumPy's repr. */
    expect_gradient(3.0, 4.0, 6.00000000000378, 7.999999999999119);
    expect_gradient(0.0, 2.0, 0.0, 4.000000000004);
    expect_gradient(3.0, 0.0, 6.000000000012662, 0.0);
}

Test(gradient, numerical_gradient_restores_x_bit_for_bit)
{
    /* 1e-5 + 1e-4 - 1e-4 is not 1e-5, and 0.125 + 1e-4 - 1e-4 is not 0.125:
     * restoring by subtracting h again would change them. */
    volatile double h = 1e-4;
    cr_assert((1e-5 + h) - h != 1e-5 && (0.125 + h) - h != 0.125);
    const double x0[6] = { 1e-5, 0.125, -3.0, 0.0, 2.5, 7.0 };
    Matrix x = matrix_from(2, 3, x0), grad = matrix_new(2, 3);
    int calls = 0;
    numerical_gradient(&grad, function_2, &calls, &x);
    cr_expect(memcmp(x.data, x0, sizeof x0) == 0, "x changed");
    cr_expect_eq(calls, 12, "f is called twice per element of a (2, 3) x");
    /* Every element of a 2-D x is differentiated: d/dx of x^2 is about 2x. */
    for (size_t i = 0; i < 6; i++)
        cr_expect(fabs(grad.data[i] - 2 * x0[i]) < 1e-9, "element %zu: %g", i, grad.data[i]);
    matrix_free(&x), matrix_free(&grad);
}

/* ---- gradient_descent (book 4.4.1) ---------------------------------------- */

static void expect_printed(const char *fmt, double got, const char *book)
{
    char buf[40];
    snprintf(buf, sizeof buf, fmt, got);
    cr_expect_str_eq(buf, book, "got %s (%.17g), the book prints %s", buf, got, book);
}

static Matrix descend(double lr, int step_num)
{
    Matrix x = matrix_from(1, 2, (const double[]){ -3.0, 4.0 });  /* init_x */
    gradient_descent(&x, function_2, NULL, lr, step_num, NULL);
    return x;
}

Test(gradient, gradient_descent_matches_book)
{
    Matrix x = descend(0.1, 100);           /* book: [-6.11110793e-10  8.14814391e-10] */
    expect_printed("%.8e", x.data[0], "-6.11110793e-10");
    expect_printed("%.8e", x.data[1], "8.14814391e-10");
    /* NumPy 1.24.2 running the book's code, full repr: the same doubles. */
    cr_expect(x.data[0] == -6.111107928998789e-10 && x.data[1] == 8.148143905314271e-10);
    matrix_free(&x);
}

Test(gradient, learning_rate_too_large_diverges_like_book)
{
    Matrix x = descend(10.0, 100);          /* book: [-2.58983747e+13 -1.29524862e+12] */
    expect_printed("%.8e", x.data[0], "-2.58983747e+13");
    expect_printed("%.8e", x.data[1], "-1.29524862e+12");
    cr_expect(x.data[0] == -25898374737328.363 && x.data[1] == -1295248616896.5398);
    matrix_free(&x);
}

Test(gradient, learning_rate_too_small_barely_moves_like_book)
{
    Matrix x = descend(1e-10, 100);         /* book: [-2.99999994  3.99999992] */
    expect_printed("%.8f", x.data[0], "-2.99999994");
    expect_printed("%.8f", x.data[1], "3.99999992");
    cr_expect(x.data[0] == -2.999999939999995 && x.data[1] == 3.9999999199999934);
    matrix_free(&x);
}

Test(gradient, path_records_x_before_each_step)
{
    /* gradient_method.py: lr = 0.1, step_num = 20; x_history rows from NumPy 1.24.2. */
    Matrix x = matrix_from(1, 2, (const double[]){ -3.0, 4.0 }), path = matrix_new(20, 2);
    gradient_descent(&x, function_2, NULL, 0.1, 20, &path);
    cr_expect(MAT_AT(&path, 0, 0) == -3.0 && MAT_AT(&path, 0, 1) == 4.0);
    cr_expect(MAT_AT(&path, 1, 0) == -2.399999999999622 && MAT_AT(&path, 1, 1) == 3.200000000000088);
    cr_expect(MAT_AT(&path, 2, 0) == -1.9199999999982538 && MAT_AT(&path, 2, 1) == 2.5599999999976717);
    cr_expect(MAT_AT(&path, 19, 0) == -0.04323455642272084 &&
              MAT_AT(&path, 19, 1) == 0.057646075230234024);
    cr_expect(x.data[0] == -0.03458764513817675 && x.data[1] == 0.04611686018418694);
    Matrix same = descend(0.1, 20);         /* recording the path does not change x */
    cr_expect(same.data[0] == x.data[0] && same.data[1] == x.data[1]);
    matrix_free(&x), matrix_free(&path), matrix_free(&same);
}

Test(gradient, zero_steps_leave_x_alone)
{
    Matrix x = descend(0.1, 0);
    cr_expect(x.data[0] == -3.0 && x.data[1] == 4.0);
    matrix_free(&x);
}

/* ---- simpleNet (book 4.4.2): numerical against analytic gradient ---------- */

typedef struct {
    const Matrix *x;    /* (1, 2) input */
    const Matrix *t;    /* (1, 3) one-hot label */
} SimpleNetBatch;

/* net.loss(x, t) as a function of W (2, 3): softmax(x . W), cross_entropy_error. */
static double simple_net_loss(const Matrix *W, void *ctx)
{
    const SimpleNetBatch *b = ctx;
    Matrix z = matrix_new(1, 3);
    matrix_dot(&z, b->x, W);
    softmax(&z, &z);
    const double loss = cross_entropy_error(&z, b->t);
    matrix_free(&z);
    return loss;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Like np.random.rand: uniform in [0, 1). */
static double rand01(uint64_t *state) { return (double)(splitmix64(state) >> 11) * 0x1p-53; }

Test(gradient, simple_net_numerical_gradient_matches_analytic)
{
    for (uint64_t seed = 1; seed <= 20; seed++) {
        uint64_t s = seed;
        Matrix x = matrix_new(1, 2), W = matrix_new(2, 3), t = matrix_new(1, 3);
        for (size_t i = 0; i < 2; i++)
            x.data[i] = rand01(&s);
        for (size_t i = 0; i < 6; i++)
            W.data[i] = rand01(&s);
        t.data[2] = 1.0;                    /* t = np.array([0, 0, 1]) */
        SimpleNetBatch batch = { &x, &t };

        Matrix dW = matrix_new(2, 3);
        numerical_gradient(&dW, simple_net_loss, &batch, &W);

        /* Analytic: dL/dW = x^T (softmax(x W) - t). The 1e-7 inside the log scales
         * the loss's true gradient by y2 / (y2 + 1e-7): a relative 1e-7 / y2, under
         * 1e-6 while y2 > 0.1 (checked; 2e-7..5e-7 for these seeds). With that factor
         * applied, only the central difference's error is left: O(h^2), about 1e-10. */
        Matrix y = matrix_new(1, 3);
        matrix_dot(&y, &x, &W);
        softmax(&y, &y);
        cr_assert_gt(y.data[2], 0.1);
        const double delta_factor = y.data[2] / (y.data[2] + 1e-7);
        double worst = 0.0, worst_exact = 0.0, largest = 0.0;
        for (size_t i = 0; i < 2; i++)
            for (size_t j = 0; j < 3; j++) {
                const double analytic = x.data[i] * (y.data[j] - t.data[j]);
                worst = fmax(worst, fabs(MAT_AT(&dW, i, j) - analytic));
                worst_exact = fmax(worst_exact, fabs(MAT_AT(&dW, i, j) - delta_factor * analytic));
                largest = fmax(largest, fabs(analytic));
            }
        cr_expect_leq(worst, 1e-6 * largest, "seed %llu: error %g, largest entry %g",
                      (unsigned long long)seed, worst, largest);
        cr_expect_leq(worst_exact, 1e-8 * largest, "seed %llu: error %g against the exact gradient",
                      (unsigned long long)seed, worst_exact);
        matrix_free(&x), matrix_free(&W), matrix_free(&t), matrix_free(&dW), matrix_free(&y);
    }
}
