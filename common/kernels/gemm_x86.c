/* gemm_x86.c - the micro-kernels for x86 CPUs with AVX2+FMA and with AVX-512, written with
 * intrinsics in functions compiled for those instruction sets only (target attributes), so
 * the rest of the program stays portable and gemm.c picks a kernel at run time.
 * See gemm_internal.h for what a micro-kernel computes, and gemm.c for where it sits.
 *
 *   AVX-512: 12 rows x 2 vectors: 12 x 16 doubles or 12 x 32 floats, 24 accumulators of 32
 *            registers; per k: 2 loads of B, 12 broadcasts of A, 24 fused multiply-adds.
 *   AVX2:     6 rows x 2 vectors:  6 x 8 doubles or 6 x 16 floats, 12 accumulators of 16.
 * Each accumulator sums its k terms in order with one rounding per step, as the reference.
 */
#include "kernels/gemm_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

int gemm_x86_has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int gemm_x86_has_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

/* The kernel, written once: ROWS(X) lists the rows 0 .. mr-1, and V, W (lanes per vector),
 * VZERO, VLOAD, VSTORE, VSET1 and VFMA name the vector type and its intrinsics. Each row i
 * has two accumulators ci_0, ci_1 (columns 0 .. W-1 and W .. 2W-1). */
#define DECL(i) V c##i##_0, c##i##_1;
#define LOADC(i) c##i##_0 = VLOAD(c + (i) * ldc); c##i##_1 = VLOAD(c + (i) * ldc + W);
#define ZEROC(i) c##i##_0 = VZERO(); c##i##_1 = VZERO();
#define STEP(i)                                                                             \
    {                                                                                       \
        const V ai = VSET1(a[i]);                                                           \
        c##i##_0 = VFMA(ai, b0, c##i##_0);                                                  \
        c##i##_1 = VFMA(ai, b1, c##i##_1);                                                  \
    }
#define STOREC(i) VSTORE(c + (i) * ldc, c##i##_0); VSTORE(c + (i) * ldc + W, c##i##_1);

#define KERNEL(NAME, TARGET, T, MR, ROWS)                                                   \
    __attribute__((target(TARGET))) void NAME(size_t kc, const T *a, const T *b, T *c,     \
                                              size_t ldc, int load)                         \
    {                                                                                       \
        ROWS(DECL)                                                                          \
        if (load) {                                                                         \
            ROWS(LOADC)                                                                     \
        } else {                                                                            \
            ROWS(ZEROC)                                                                     \
        }                                                                                   \
        for (size_t k = 0; k < kc; k++, a += (MR), b += 2 * W) {                            \
            const V b0 = VLOAD(b), b1 = VLOAD(b + W);                                       \
            ROWS(STEP)                                                                      \
        }                                                                                   \
        ROWS(STOREC)                                                                        \
    }

#define ROWS6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define ROWS12(X) ROWS6(X) X(6) X(7) X(8) X(9) X(10) X(11)

/* AVX-512, double: 12 x 16. */
#define V __m512d
#define W 8
#define VZERO _mm512_setzero_pd
#define VLOAD _mm512_loadu_pd
#define VSTORE _mm512_storeu_pd
#define VSET1 _mm512_set1_pd
#define VFMA _mm512_fmadd_pd
KERNEL(gemm_kernel_f64_avx512, "avx512f", double, 12, ROWS12)
#undef V
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA

/* AVX-512, float: 12 x 32. */
#define V __m512
#define W 16
#define VZERO _mm512_setzero_ps
#define VLOAD _mm512_loadu_ps
#define VSTORE _mm512_storeu_ps
#define VSET1 _mm512_set1_ps
#define VFMA _mm512_fmadd_ps
KERNEL(gemm_kernel_f32_avx512, "avx512f", float, 12, ROWS12)
#undef V
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA

/* AVX2 + FMA, double: 6 x 8. */
#define V __m256d
#define W 4
#define VZERO _mm256_setzero_pd
#define VLOAD _mm256_loadu_pd
#define VSTORE _mm256_storeu_pd
#define VSET1 _mm256_set1_pd
#define VFMA _mm256_fmadd_pd
KERNEL(gemm_kernel_f64_avx2, "avx2,fma", double, 6, ROWS6)
#undef V
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA

/* AVX2 + FMA, float: 6 x 16. */
#define V __m256
#define W 8
#define VZERO _mm256_setzero_ps
#define VLOAD _mm256_loadu_ps
#define VSTORE _mm256_storeu_ps
#define VSET1 _mm256_set1_ps
#define VFMA _mm256_fmadd_ps
KERNEL(gemm_kernel_f32_avx2, "avx2,fma", float, 6, ROWS6)

#else /* not x86: only the portable kernel runs; these are never called. */

#include <stdlib.h>

int gemm_x86_has_avx2(void) { return 0; }
int gemm_x86_has_avx512(void) { return 0; }
void gemm_kernel_f64_avx2(size_t kc, const double *a, const double *b, double *c, size_t ldc,
                          int load)
{
    (void)kc, (void)a, (void)b, (void)c, (void)ldc, (void)load;
    abort();
}
void gemm_kernel_f64_avx512(size_t kc, const double *a, const double *b, double *c,
                            size_t ldc, int load)
{
    (void)kc, (void)a, (void)b, (void)c, (void)ldc, (void)load;
    abort();
}
void gemm_kernel_f32_avx2(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                          int load)
{
    (void)kc, (void)a, (void)b, (void)c, (void)ldc, (void)load;
    abort();
}
void gemm_kernel_f32_avx512(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                            int load)
{
    (void)kc, (void)a, (void)b, (void)c, (void)ldc, (void)load;
    abort();
}

#endif
