/* gemm.h - the one matrix product behind every large product of the book (np.dot).
 *
 * C (M, N) = op(A) (M, K) . op(B) (K, N), where op(X) is X or its transpose X.T, all
 * row-major with leading dimensions lda, ldb, ldc (the distance between rows, in
 * elements). With accumulate != 0 the product is added to C (C += ...), as the book's
 * backward passes add gradients. Used by Affine (x . W, dout . W.T, x.T . dout) and,
 * from chapter 7, by Convolution through im2col.
 *
 *   op(A) = A:   A is (M, K), row i at A + i*lda        op(A) = A.T: A is (K, M)
 *   op(B) = B:   B is (K, N), row k at B + k*ldb        op(B) = B.T: B is (N, K)
 *
 * Summation order (the contract every implementation keeps, so results are the same bits
 * whatever the implementation, CPU or number of threads): each C[i][j] is computed by one
 * thread as acc = (accumulate ? C[i][j] : 0), then acc += op(A)[i][k] * op(B)[k][j] for
 * k = 0, 1, ..., K-1 in that order. Whether that step is fused (one rounding, FMA) or not
 * is stated below by GEMM_FUSED; the reference and the fast kernels agree on it.
 *
 * gemm_f64_ref and gemm_f32_ref are the plain triple loops that define the result; the
 * fast gemm_f64 / gemm_f32 (packed, vectorized, threaded) must give the same bits, and
 * tests/test_gemm.c checks that on many shapes.
 * C must not overlap A or B.
 */
#ifndef DLFS_GEMM_H
#define DLFS_GEMM_H

#include <stddef.h>

typedef enum { GEMM_N = 0, GEMM_T = 1 } GemmTrans;

/* 1 when each step acc += a * b is a fused multiply-add (one rounding), 0 when it is a
 * multiply then an add (two roundings, as NumPy's plain loops). */
extern const int GEMM_FUSED;

void gemm_f64(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K,
              const double *A, size_t lda, const double *B, size_t ldb,
              double *C, size_t ldc, int accumulate);
void gemm_f32(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K,
              const float *A, size_t lda, const float *B, size_t ldb,
              float *C, size_t ldc, int accumulate);

/* The reference: plain loops in the contract's order, one thread. */
void gemm_f64_ref(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K,
                  const double *A, size_t lda, const double *B, size_t ldb,
                  double *C, size_t ldc, int accumulate);
void gemm_f32_ref(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K,
                  const float *A, size_t lda, const float *B, size_t ldb,
                  float *C, size_t ldc, int accumulate);

#endif
