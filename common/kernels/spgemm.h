/* spgemm.h - matrix products whose left operand is mostly zeros (MNIST pixels are 81% 0).
 *
 * Affine's np.dot(x, W) and np.dot(x.T, dout) with x a batch of images spend four fifths
 * of a dense product multiplying by zero. Here the left operand is kept as compressed
 * rows (CSR: row i's non-zero entries are idx[p], val[p] for p in [start[i], start[i+1]),
 * columns ascending) and only its non-zero entries are multiplied.
 *
 * Same bits as gemm.h: each C[i][j] is summed by one thread as acc = 0, then
 * acc += A[i][k] * B[k][j] for the non-zero A[i][k], k ascending - the contract's order
 * with the zero terms left out. A term 0 * B[k][j] adds +0 or -0 to acc, which changes
 * nothing unless B[k][j] is inf or nan, so for finite B the result is gemm_f64_ref's to
 * the last bit (tests/test_layers.c checks it). When gemm.h says GEMM_FUSED, each step
 * here is fused too (fma), so the two still agree.
 *
 * Ownership: a Csr owns its arrays; the *_from / *_transpose calls reuse and grow them,
 * so start from Csr a = { 0 } and release with csr_free.
 */
#ifndef DLFS_SPGEMM_H
#define DLFS_SPGEMM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t rows, cols;
    size_t *start;          /* rows + 1 offsets into idx and val */
    uint32_t *idx;          /* the column of each non-zero entry */
    double *val;            /* its value */
    size_t rows_cap, nnz_cap;
} Csr;

/* out = x (rows, cols), dense row-major, keeping the entries that are not 0.0 (nor -0.0).
 * Returns the number of non-zero entries. */
size_t csr_from_dense(Csr *out, const double *x, size_t rows, size_t cols);
/* How many of x[0..n) are not 0.0 (nor -0.0). */
size_t count_nonzero(const double *x, size_t n);
/* out = a.T as compressed rows (a row per column of a), entries in a's row order. */
void   csr_transpose(Csr *out, const Csr *a);
void   csr_free(Csr *a);

/* C (M, N) = A (M, K) . B (K, N) + bias (N, or NULL), A as compressed rows, B and C
 * row-major with leading dimensions ldb and ldc: np.dot(x, W) + b with the bias added
 * after the sum, as NumPy adds it. Threaded over rows (kernels/parallel.h). */
void   csr_gemm_f64(const Csr *A, const double *B, size_t ldb, size_t N, double *C, size_t ldc,
                    const double *bias);

#endif
