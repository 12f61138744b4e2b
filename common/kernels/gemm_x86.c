/* gemm_x86.c - the micro-kernels for x86 CPUs with AVX2+FMA and with AVX-512, written with
 * intrinsics in functions compiled for those instruction sets only (target attributes), so
 * the rest of the program stays portable and gemm.c picks a kernel at run time.
 * See gemm_internal.h for what a micro-kernel computes, and gemm.c for where it sits.
 *
 *   AVX-512: 12 rows x 2 vectors: 12 x 16 doubles or 12 x 32 floats, 24 accumulators of 32
 *            registers; per k: 2 loads of B, 12 broadcasts of A, 24 fused multiply-adds.
 *   AVX2:     6 rows x 2 vectors:  6 x 8 doubles or 6 x 16 floats, 12 accumulators of 16.
 *   *_half:  the same rows, one vector wide, for the last W or fewer columns of C.
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

/* The kernel, written once: ROWS(X) lists the rows 0 .. mr-1, and E (the element type), V,
 * W (lanes per vector),
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
/* With lda != 0, A is not packed: row i of the sliver is a_i[0 .. kc-1] = a + i*lda. */
#define ROWPTR(i) const E *a##i = a + (i) * lda;
#define STEPR(i)                                                                            \
    {                                                                                       \
        const V ai = VSET1(a##i[k]);                                                        \
        c##i##_0 = VFMA(ai, b0, c##i##_0);                                                  \
        c##i##_1 = VFMA(ai, b1, c##i##_1);                                                  \
    }

/* The tile of C is read or written only after the kc steps: ask for its lines now. */
#define PREFETCHC(i)                                                                        \
    _mm_prefetch((const char *)(c + (i) * ldc), _MM_HINT_T0);                               \
    _mm_prefetch((const char *)(c + (i) * ldc + 2 * W) - 1, _MM_HINT_T0);

#define KERNEL(NAME, TARGET, T, MR, ROWS)                                                   \
    __attribute__((target(TARGET))) void NAME(size_t kc, const T *a, size_t lda, const T *b,\
                                              T *c, size_t ldc, int load)                   \
    {                                                                                       \
        ROWS(DECL)                                                                          \
        ROWS(PREFETCHC)                                                                     \
        if (load) {                                                                         \
            ROWS(LOADC)                                                                     \
        } else {                                                                            \
            ROWS(ZEROC)                                                                     \
        }                                                                                   \
        if (lda == 0)                                                                       \
            for (size_t k = 0; k < kc; k++, a += (MR), b += 2 * W) {                        \
                const V b0 = VLOAD(b), b1 = VLOAD(b + W);                                   \
                ROWS(STEP)                                                                  \
            }                                                                               \
        else {                                                                              \
            ROWS(ROWPTR)                                                                    \
            for (size_t k = 0; k < kc; k++, b += 2 * W) {                                   \
                const V b0 = VLOAD(b), b1 = VLOAD(b + W);                                   \
                ROWS(STEPR)                                                                 \
            }                                                                               \
        }                                                                                   \
        ROWS(STOREC)                                                                        \
    }

/* The same for a tile only W columns wide (one vector per row), for the last columns of C
 * when W or fewer are left: it reads the first W of each packed B row of 2W values. */
#define DECL1(i) V c##i##_0;
#define LOADC1(i) c##i##_0 = VLOAD(c + (i) * ldc);
#define ZEROC1(i) c##i##_0 = VZERO();
#define STEP1(i) c##i##_0 = VFMA(VSET1(a[i]), b0, c##i##_0);
#define STOREC1(i) VSTORE(c + (i) * ldc, c##i##_0);
#define STEPR1(i) c##i##_0 = VFMA(VSET1(a##i[k]), b0, c##i##_0);

#define KERNEL_HALF(NAME, TARGET, T, MR, ROWS)                                              \
    __attribute__((target(TARGET))) void NAME(size_t kc, const T *a, size_t lda, const T *b,\
                                              T *c, size_t ldc, int load)                   \
    {                                                                                       \
        ROWS(DECL1)                                                                         \
        if (load) {                                                                         \
            ROWS(LOADC1)                                                                    \
        } else {                                                                            \
            ROWS(ZEROC1)                                                                    \
        }                                                                                   \
        if (lda == 0)                                                                       \
            for (size_t k = 0; k < kc; k++, a += (MR), b += 2 * W) {                        \
                const V b0 = VLOAD(b);                                                      \
                ROWS(STEP1)                                                                 \
            }                                                                               \
        else {                                                                              \
            ROWS(ROWPTR)                                                                    \
            for (size_t k = 0; k < kc; k++, b += 2 * W) {                                   \
                const V b0 = VLOAD(b);                                                      \
                ROWS(STEPR1)                                                                \
            }                                                                               \
        }                                                                                   \
        ROWS(STOREC1)                                                                       \
    }

#define ROWS6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define ROWS12(X) ROWS6(X) X(6) X(7) X(8) X(9) X(10) X(11)

/* AVX-512, double: 12 x 16. */
#define E double
#define V __m512d
#define W 8
#define VZERO _mm512_setzero_pd
#define VLOAD _mm512_loadu_pd
#define VSTORE _mm512_storeu_pd
#define VSET1 _mm512_set1_pd
#define VFMA _mm512_fmadd_pd
KERNEL(gemm_kernel_f64_avx512, "avx512f", double, 12, ROWS12)
KERNEL_HALF(gemm_kernel_f64_avx512_half, "avx512f", double, 12, ROWS12)
#undef E
#undef V
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA

/* AVX-512, float: 12 x 32. */
#define E float
#define V __m512
#define W 16
#define VZERO _mm512_setzero_ps
#define VLOAD _mm512_loadu_ps
#define VSTORE _mm512_storeu_ps
#define VSET1 _mm512_set1_ps
#define VFMA _mm512_fmadd_ps
KERNEL(gemm_kernel_f32_avx512, "avx512f", float, 12, ROWS12)
KERNEL_HALF(gemm_kernel_f32_avx512_half, "avx512f", float, 12, ROWS12)
#undef E
#undef V
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA

/* AVX2 + FMA, double: 6 x 8. */
#define E double
#define V __m256d
#define W 4
#define VZERO _mm256_setzero_pd
#define VLOAD _mm256_loadu_pd
#define VSTORE _mm256_storeu_pd
#define VSET1 _mm256_set1_pd
#define VFMA _mm256_fmadd_pd
KERNEL(gemm_kernel_f64_avx2, "avx2,fma", double, 6, ROWS6)
KERNEL_HALF(gemm_kernel_f64_avx2_half, "avx2,fma", double, 6, ROWS6)
#undef E
#undef V
#undef W
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA

/* AVX2 + FMA, float: 6 x 16. */
#define E float
#define V __m256
#define W 8
#define VZERO _mm256_setzero_ps
#define VLOAD _mm256_loadu_ps
#define VSTORE _mm256_storeu_ps
#define VSET1 _mm256_set1_ps
#define VFMA _mm256_fmadd_ps
KERNEL(gemm_kernel_f32_avx2, "avx2,fma", float, 6, ROWS6)
KERNEL_HALF(gemm_kernel_f32_avx2_half, "avx2,fma", float, 6, ROWS6)

#else /* not x86: only the portable kernel runs; these are never called. */

#include <stdlib.h>

#define NEVER(NAME, T)                                                                      \
    void NAME(size_t kc, const T *a, size_t lda, const T *b, T *c, size_t ldc, int load)    \
    {                                                                                       \
        (void)kc, (void)a, (void)lda, (void)b, (void)c, (void)ldc, (void)load;              \
        abort();                                                                            \
    }
NEVER(gemm_kernel_f64_avx2, double)
NEVER(gemm_kernel_f64_avx2_half, double)
NEVER(gemm_kernel_f64_avx512, double)
NEVER(gemm_kernel_f64_avx512_half, double)
NEVER(gemm_kernel_f32_avx2, float)
NEVER(gemm_kernel_f32_avx2_half, float)
NEVER(gemm_kernel_f32_avx512, float)
NEVER(gemm_kernel_f32_avx512_half, float)

int gemm_x86_has_avx2(void) { return 0; }
int gemm_x86_has_avx512(void) { return 0; }

#endif
