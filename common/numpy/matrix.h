/* matrix.h - a row-major matrix of doubles, like a 2-D NumPy float64 array.
 *
 * Ownership: only matrix_new, matrix_from and matrix_copy allocate; pair each
 * with matrix_free. Compute functions write into an output the caller owns,
 * output first (matrix_dot(&out, &a, &b)); inputs are const. Shape mismatches
 * are programmer errors and fail an assert with a message.
 * A 1-D array of n values is kept as a (1, n) matrix.
 */
#ifndef DLFS_MATRIX_H
#define DLFS_MATRIX_H

#include <stddef.h>

typedef struct {
    size_t rows, cols;
    double *data;               /* rows * cols values, row i at data + i * cols */
} Matrix;

/* Element (i, j). */
#define MAT_AT(m, i, j) ((m)->data[(size_t)(i) * (m)->cols + (size_t)(j)])

Matrix matrix_new(size_t rows, size_t cols);                        /* zeros */
Matrix matrix_from(size_t rows, size_t cols, const double *values); /* copies rows*cols values */
Matrix matrix_copy(const Matrix *m);
void   matrix_free(Matrix *m);                                      /* leaves an empty matrix */
size_t matrix_size(const Matrix *m);                                /* rows * cols */

/* out (N, M) = a (N, K) . b (K, M); out must not alias a or b. Zeros in a are skipped
 * (most MNIST pixels are 0), which gives NumPy's result whenever b is finite. */
void matrix_dot(Matrix *out, const Matrix *a, const Matrix *b);
/* out (N, M) += b (1, M), added to every row (NumPy broadcasting). */
void matrix_add_bias(Matrix *out, const Matrix *b);
/* out = f(in) elementwise; out and in have one shape and may be the same matrix. */
void matrix_apply(Matrix *out, const Matrix *in, double (*f)(double));
/* out[i] = index of the largest value in row i (the first one on ties), out has N entries. */
void matrix_argmax_rows(size_t *out, const Matrix *m);
/* Sum of all elements, added in np.sum's order (npsum.h), so the digits match NumPy's. */
double matrix_sum(const Matrix *m);

#endif
