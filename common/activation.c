/* activation.c - see activation.h. */
#include "activation.h"

#include <assert.h>
#include <math.h>

#include "npsum.h"

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
