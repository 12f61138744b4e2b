/* matrix.c - see matrix.h. */
#include "numpy/matrix.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sys/checked.h"
#include "numpy/npsum.h"

Matrix matrix_new(size_t rows, size_t cols)
{
    Matrix m = { rows, cols, xcalloc(rows, cols * sizeof(double)) };
    assert((cols == 0 || rows <= (size_t)-1 / cols) && "matrix_new: size overflows");
    return m;
}

Matrix matrix_from(size_t rows, size_t cols, const double *values)
{
    Matrix m = matrix_new(rows, cols);
    if (rows != 0 && cols != 0)
        memcpy(m.data, values, rows * cols * sizeof(double));
    return m;
}

Matrix matrix_copy(const Matrix *m)
{
    return matrix_from(m->rows, m->cols, m->data);
}

void matrix_free(Matrix *m)
{
    free(m->data);
    *m = (Matrix){ 0, 0, NULL };
}

size_t matrix_size(const Matrix *m) { return m->rows * m->cols; }

void matrix_dot(Matrix *out, const Matrix *a, const Matrix *b)
{
    assert(a->cols == b->rows && "matrix_dot: inner dimensions differ");
    assert(out->rows == a->rows && out->cols == b->cols && "matrix_dot: output shape");
    assert(out->data != a->data && out->data != b->data && "matrix_dot: output aliases input");
    const size_t N = a->rows, K = a->cols, M = b->cols;
    /* i-k-j order: the inner loop runs along contiguous rows of b and out, and the
     * compiler vectorizes it (restrict: out does not alias b). */
    for (size_t i = 0; i < N; i++) {
        double *restrict o = out->data + i * M;
        for (size_t j = 0; j < M; j++)
            o[j] = 0.0;
        for (size_t k = 0; k < K; k++) {
            const double aik = a->data[i * K + k];
            if (aik == 0.0)
                continue;   /* most MNIST pixels are 0; exact while b is finite */
            const double *restrict bk = b->data + k * M;
            for (size_t j = 0; j < M; j++)
                o[j] += aik * bk[j];
        }
    }
}

void matrix_add_bias(Matrix *out, const Matrix *b)
{
    assert(b->rows == 1 && b->cols == out->cols && "matrix_add_bias: bias shape");
    for (size_t i = 0; i < out->rows; i++) {
        double *o = out->data + i * out->cols;
        for (size_t j = 0; j < out->cols; j++)
            o[j] += b->data[j];
    }
}

void matrix_apply(Matrix *out, const Matrix *in, double (*f)(double))
{
    assert(out->rows == in->rows && out->cols == in->cols && "matrix_apply: shapes differ");
    const size_t n = matrix_size(in);
    for (size_t i = 0; i < n; i++)
        out->data[i] = f(in->data[i]);
}

void matrix_argmax_rows(size_t *out, const Matrix *m)
{
    for (size_t i = 0; i < m->rows; i++) {
        const double *r = m->data + i * m->cols;
        size_t best = 0;
        for (size_t j = 1; j < m->cols; j++)
            if (r[j] > r[best])
                best = j;
        out[i] = best;
    }
}

double matrix_sum(const Matrix *m)
{
    return np_sum(m->data, matrix_size(m));
}
