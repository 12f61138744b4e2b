/* gemm.c - see gemm.h. For now every entry point is the reference loop; the packed,
 * vectorized, threaded kernels replace gemm_f64 and gemm_f32 (issue: compute core). */
#include "kernels/gemm.h"

const int GEMM_FUSED = 0;

#define GEMM_REF(NAME, T)                                                                  \
    void NAME(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, const T *A,       \
              size_t lda, const T *B, size_t ldb, T *C, size_t ldc, int accumulate)       \
    {                                                                                      \
        for (size_t i = 0; i < M; i++)                                                     \
            for (size_t j = 0; j < N; j++) {                                               \
                T acc = accumulate ? C[i * ldc + j] : (T)0;                                \
                for (size_t k = 0; k < K; k++) {                                           \
                    const T a = ta == GEMM_N ? A[i * lda + k] : A[k * lda + i];            \
                    const T b = tb == GEMM_N ? B[k * ldb + j] : B[j * ldb + k];            \
                    acc += a * b;                                                          \
                }                                                                          \
                C[i * ldc + j] = acc;                                                      \
            }                                                                              \
    }

GEMM_REF(gemm_f64_ref, double)
GEMM_REF(gemm_f32_ref, float)

void gemm_f64(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, const double *A,
              size_t lda, const double *B, size_t ldb, double *C, size_t ldc, int accumulate)
{
    gemm_f64_ref(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

void gemm_f32(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, const float *A,
              size_t lda, const float *B, size_t ldb, float *C, size_t ldc, int accumulate)
{
    gemm_f32_ref(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}
