/* gemm_portable.c - the micro-kernel for any CPU: a 4 x 4 tile of C in plain C.
 * See gemm_internal.h for what a micro-kernel computes, and gemm.c for where it sits.
 * fma() is C99's fused multiply-add (one rounding), as the contract's GEMM_FUSED = 1 says;
 * on a CPU without FMA instructions the C library computes it exactly, slowly. */
#include <math.h>

#include "kernels/gemm_internal.h"

#define MR GEMM_PORTABLE_MR
#define NR GEMM_PORTABLE_NR

#define PORTABLE_KERNEL(NAME, T, FMA)                                                        \
    void NAME(size_t kc, const T *a, size_t lda, const T *b, T *c, size_t ldc, int load)    \
    {                                                                                        \
        T acc[MR][NR];                                                                       \
        for (size_t i = 0; i < MR; i++)                                                      \
            for (size_t j = 0; j < NR; j++)                                                  \
                acc[i][j] = load ? c[i * ldc + j] : (T)0;                                    \
        for (size_t k = 0; k < kc; k++, b += NR)                                             \
            for (size_t i = 0; i < MR; i++) {                                                \
                const T aik = lda ? a[i * lda + k] : a[k * MR + i];                          \
                for (size_t j = 0; j < NR; j++)                                              \
                    acc[i][j] = FMA(aik, b[j], acc[i][j]);                                   \
            }                                                                                \
        for (size_t i = 0; i < MR; i++)                                                      \
            for (size_t j = 0; j < NR; j++)                                                  \
                c[i * ldc + j] = acc[i][j];                                                  \
    }

PORTABLE_KERNEL(gemm_kernel_f64_portable, double, fma)
PORTABLE_KERNEL(gemm_kernel_f32_portable, float, fmaf)
