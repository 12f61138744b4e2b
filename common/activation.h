/* activation.h - the activation functions of chapter 3 and softmax.
 *
 * Scalar functions take and return one value; apply them to a whole array
 * with matrix_apply(&out, &x, sigmoid), as NumPy broadcasts them.
 * softmax works per row, so a (N, M) batch gives N distributions.
 */
#ifndef DLFS_ACTIVATION_H
#define DLFS_ACTIVATION_H

#include "matrix.h"

double step_function(double x);     /* 1 if x > 0 else 0 (book 3.2.2) */
double sigmoid(double x);           /* 1 / (1 + exp(-x)) (book 3.2.4) */
double relu(double x);              /* max(0, x) (book 3.2.7) */
double identity_function(double x); /* x (book 3.4.2, output layer of regression) */

/* out (N, M) = exp(a) / sum(exp(a)) per row, exactly as the book first writes it:
 * overflows to nan for large inputs such as [1010, 1000, 990] (book 3.5.2). */
void softmax_naive(Matrix *out, const Matrix *a);
/* out (N, M) = exp(a - max) / sum(exp(a - max)) per row: the overflow-safe softmax
 * (book 3.5.2). out may be a. */
void softmax(Matrix *out, const Matrix *a);

#endif
