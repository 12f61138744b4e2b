/* gradient.h - numerical differentiation and gradient descent (book 4.3, 4.4).
 *
 * The book passes Python lambdas; here a function is a pointer plus a context
 * pointer that is handed back on every call (the lambda's captured variables,
 * e.g. a network and its batch). h = 1e-4 and the central difference
 * (f(x+h) - f(x-h)) / (2*h) are the book's; the operations run in the book's
 * order, so results match its printed digits:
 *   numerical_diff(function_1, 5) = 0.1999999999990898
 *   numerical_gradient(function_2, [3.0, 4.0]) = [6.00000000000378 7.999999999999119]
 *   gradient_descent(function_2, [-3.0, 4.0], lr=0.1, 100 steps) = [-6.11110793e-10 8.14814391e-10]
 */
#ifndef DLFS_GRADIENT_H
#define DLFS_GRADIENT_H

#include "numpy/matrix.h"

typedef double (*ScalarFn)(double x, void *ctx);
typedef double (*MatrixFn)(const Matrix *x, void *ctx);

/* df/dx at x by the central difference with h = 1e-4. (book 4.3.1) */
double numerical_diff(ScalarFn f, void *ctx, double x);

/* grad (same shape as x) = df/dx for every element of x, any shape, in row-major
 * order (common/gradient.py's nditer version). x is perturbed IN PLACE, one
 * element at a time, and f sees the whole perturbed x (so f may also reach x
 * through ctx, like the book's f = lambda W: net.loss(x, t)); each element is
 * restored to its saved value, so x is bit for bit unchanged on return.
 * grad must not alias x. (book 4.4) */
void numerical_gradient(Matrix *grad, MatrixFn f, void *ctx, Matrix *x);

/* Gradient descent: step_num times x -= lr * numerical_gradient(f, x). x holds
 * init_x and is updated in place. If path is not NULL it is (step_num, x.size)
 * and row i receives x before step i (gradient_method.py's x_history). (book 4.4.1) */
void gradient_descent(Matrix *x, MatrixFn f, void *ctx, double lr, int step_num, Matrix *path);

#endif
