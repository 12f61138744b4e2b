/* functions.c - see functions.h. */
#include "nn/functions.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "sys/checked.h"
#include "numpy/npsum.h"

double step_function(double x) { return x > 0.0 ? 1.0 : 0.0; }
double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
double relu(double x) { return x > 0.0 ? x : 0.0; }
double identity_function(double x) { return x; }

/* exp(a - c) / sum, row by row; c = 0 gives the naive softmax. */
static void softmax_rows(Matrix *out, const Matrix *a, int subtract_max)
{
    assert(out->rows == a->rows && out->cols == a->cols && "softmax: shapes differ");
    for (size_t i = 0; i < a->rows; i++) {
        const double *x = a->data + i * a->cols;
        double *y = out->data + i * a->cols;
        double c = 0.0;
        if (subtract_max) {
            c = x[0];
            for (size_t j = 1; j < a->cols; j++)
                c = x[j] > c ? x[j] : c;
        }
        for (size_t j = 0; j < a->cols; j++)
            y[j] = exp(x[j] - c);
        const double sum = np_sum(y, a->cols);
        for (size_t j = 0; j < a->cols; j++)
            y[j] /= sum;
    }
}

void softmax_naive(Matrix *out, const Matrix *a) { softmax_rows(out, a, 0); }
void softmax(Matrix *out, const Matrix *a) { softmax_rows(out, a, 1); }

/* ---- losses ---- */

double sum_squared_error(const Matrix *y, const Matrix *t)
{
    assert(y->rows == t->rows && y->cols == t->cols && "sum_squared_error: shapes differ");
    const size_t n = matrix_size(y);
    double *sq = xmalloc((n ? n : 1) * sizeof *sq);    /* (y - t)**2, as NumPy builds it */
    for (size_t i = 0; i < n; i++) {
        const double d = y->data[i] - t->data[i];
        sq[i] = d * d;
    }
    const double loss = 0.5 * np_sum(sq, n);
    free(sq);
    return loss;
}

double cross_entropy_error_labels(const Matrix *y, const size_t *t)
{
    const size_t batch_size = y->rows;
    assert(batch_size > 0 && "cross_entropy_error: empty batch");
    double *logs = xmalloc(batch_size * sizeof *logs);  /* np.log(y[np.arange(N), t] + 1e-7) */
    for (size_t i = 0; i < batch_size; i++) {
        assert(t[i] < y->cols && "cross_entropy_error: label out of range");
        logs[i] = log(MAT_AT(y, i, t[i]) + 1e-7);
    }
    const double loss = -np_sum(logs, batch_size) / (double)batch_size;
    free(logs);
    return loss;
}

double cross_entropy_error(const Matrix *y, const Matrix *t)
{
    assert(y->rows == t->rows && y->cols == t->cols && "cross_entropy_error: shapes differ");
    size_t *labels = xmalloc((y->rows ? y->rows : 1) * sizeof *labels);
    matrix_argmax_rows(labels, t);      /* t = t.argmax(axis=1) */
    const double loss = cross_entropy_error_labels(y, labels);
    free(labels);
    return loss;
}
