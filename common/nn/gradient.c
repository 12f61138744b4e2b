/* gradient.c - see gradient.h. */
#include "nn/gradient.h"

#include <assert.h>
#include <string.h>

static const double h = 1e-4;   /* 0.0001 */

double numerical_diff(ScalarFn f, void *ctx, double x)
{
    return (f(x + h, ctx) - f(x - h, ctx)) / (2 * h);
}

void numerical_gradient(Matrix *grad, MatrixFn f, void *ctx, Matrix *x)
{
    assert(grad->rows == x->rows && grad->cols == x->cols && "numerical_gradient: grad shape");
    assert(grad->data != x->data && "numerical_gradient: grad aliases x");
    const size_t n = matrix_size(x);
    for (size_t idx = 0; idx < n; idx++) {
        const double tmp_val = x->data[idx];
        x->data[idx] = tmp_val + h;
        const double fxh1 = f(x, ctx);     /* f(x+h) */
        x->data[idx] = tmp_val - h;
        const double fxh2 = f(x, ctx);     /* f(x-h) */
        grad->data[idx] = (fxh1 - fxh2) / (2 * h);
        x->data[idx] = tmp_val;            /* restore the saved value */
    }
}

void gradient_descent(Matrix *x, MatrixFn f, void *ctx, double lr, int step_num, Matrix *path)
{
    assert(step_num >= 0 && "gradient_descent: negative step_num");
    const size_t n = matrix_size(x);
    assert((!path || (path->rows == (size_t)step_num && path->cols == n)) &&
           "gradient_descent: path is not (step_num, x.size)");
    Matrix grad = matrix_new(x->rows, x->cols);
    for (int i = 0; i < step_num; i++) {
        if (path)
            memcpy(path->data + (size_t)i * n, x->data, n * sizeof *x->data);
        numerical_gradient(&grad, f, ctx, x);
        for (size_t k = 0; k < n; k++)
            x->data[k] -= lr * grad.data[k];
    }
    matrix_free(&grad);
}
