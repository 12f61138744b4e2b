/* functions.h - the book's common/functions.py: activations, softmax and losses.
 *
 * Activations (book 3.2, 3.5): scalar functions take and return one value; apply them
 * to a whole array with matrix_apply(&out, &x, sigmoid), as NumPy broadcasts them.
 * softmax works per row, so a (N, M) batch gives N distributions.
 *
 * Losses (book 4.2).
 *
 * y holds the network's outputs, one row per example: a 1-D array of n values
 * is a (1, n) matrix, which is exactly the book's y.reshape(1, y.size).
 * Sums go through np_sum (npsum.h) in NumPy's element order, so the results
 * match the book's printed digits to the last one:
 *   t one-hot at 2, y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
 *     sum_squared_error 0.097500000000000031, cross_entropy_error 0.51082545709933802
 *   the same t, 0.6 moved to index 7
 *     sum_squared_error 0.59750000000000003, cross_entropy_error 2.3025840929945458
 * (NumPy 1.24 on a CPU with AVX-512F prints 2.3025840929945454 for the last
 * one: its vectorized np.log is 1 ulp away from the C library's log, which the
 * book's run and this code use.)
 *
 * cross_entropy_error is the book's final version (common/functions.py):
 * one-hot labels are turned into class indices with argmax, and the loss is
 * -sum_i log(y[i, t_i] + 1e-7) / N. The book's first version,
 * -np.sum(t * np.log(y + delta)), gives the same digits for one example.
 * A slip found in readers' notes writes `t = y.reshape(1, t.size)` (t made
 * from y) in the 1-D branch: argmax then picks the network's own top guess, so
 * the loss ignores the label - 0.51082545709933802 for both book examples
 * instead of 2.3025840929945458 for the wrong guess. In this API that bug is
 * cross_entropy_error(&y, &y) (tests/test_loss.c checks it).
 */
#ifndef DLFS_FUNCTIONS_H
#define DLFS_FUNCTIONS_H

#include <stddef.h>

#include "numpy/matrix.h"

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

/* ---- losses (book 4.2) ---- */
/* 0.5 * np.sum((y - t)**2); y and t have one shape (N, M). (book 4.2.1) */
double sum_squared_error(const Matrix *y, const Matrix *t);
/* y (N, C) probabilities, t (N, C) one-hot labels (argmax of each row is the
 * class): -sum_i log(y[i, t_i] + 1e-7) / N. (book 4.2.2, 4.2.4) */
double cross_entropy_error(const Matrix *y, const Matrix *t);
/* The same loss with labels as class indices: y (N, C), t has N entries in [0, C). */
double cross_entropy_error_labels(const Matrix *y, const size_t *t);

#endif
