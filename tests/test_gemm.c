/* test_gemm.c - the fast matrix product (kernels/gemm.h) gives the reference's bits.
 *
 * For every CPU path this machine runs (portable C, AVX2, AVX-512: forced one by one with
 * gemm_force_isa), float64 and float32, all four transpose cases, accumulate 0 and 1, and
 * leading dimensions wider than the rows: shapes on both sides of every block edge of that
 * path (the mr x nr micro-tile, kc, mc, nc) are computed by gemm_* and by gemm_*_ref and
 * compared bit for bit, with the padding beyond each row left untouched. Then the same bits
 * for 1, 2, 3 and 16 threads, and a few products worked out by hand (the book's 3.3.2, and
 * one step that shows the multiply-add is fused, GEMM_FUSED = 1).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/gemm_internal.h"
#include "kernels/parallel.h"

/* Values with full mantissas of both signs (xorshift), so a different order or a
 * different rounding of any step would change the last bits. */
static uint64_t rng = 88172645463325252u;
static double next_value(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(int64_t)(rng >> 11) / (double)(1ull << 52) - 1.0;
}

typedef struct { size_t M, N, K; } Shape;

#define SENTINEL 12345.0

/* One product both ways, type T (double or float); returns the number of differing words. */
#define CHECK_FN(NAME, T, FAST, REF)                                                         \
    static size_t NAME(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, size_t pad, \
                       int accumulate)                                                       \
    {                                                                                        \
        const size_t ar = ta == GEMM_N ? M : K, ac = ta == GEMM_N ? K : M;                   \
        const size_t br = tb == GEMM_N ? K : N, bc = tb == GEMM_N ? N : K;                   \
        const size_t lda = ac + pad, ldb = bc + pad, ldc = N + pad;                          \
        T *A = malloc((ar * lda + 1) * sizeof *A), *B = malloc((br * ldb + 1) * sizeof *B);  \
        T *C1 = malloc((M * ldc + 1) * sizeof *C1), *C2 = malloc((M * ldc + 1) * sizeof *C2); \
        cr_assert(A && B && C1 && C2);                                                       \
        for (size_t i = 0; i < ar * lda; i++)                                                \
            A[i] = (T)next_value();                                                          \
        for (size_t i = 0; i < br * ldb; i++)                                                \
            B[i] = (T)next_value();                                                          \
        for (size_t i = 0; i < M; i++)                                                       \
            for (size_t j = 0; j < ldc; j++)                                                 \
                C1[i * ldc + j] = j < N ? (T)next_value() : (T)SENTINEL;                     \
        memcpy(C2, C1, (M * ldc + 1) * sizeof *C1);                                          \
        REF(ta, tb, M, N, K, A, lda, B, ldb, C1, ldc, accumulate);                           \
        FAST(ta, tb, M, N, K, A, lda, B, ldb, C2, ldc, accumulate);                          \
        size_t bad = 0;                                                                      \
        for (size_t i = 0; i < M * ldc; i++)                                                 \
            bad += memcmp(&C1[i], &C2[i], sizeof *C1) != 0;                                  \
        for (size_t i = 0; i < M; i++)                                                       \
            for (size_t j = N; j < ldc; j++)                                                 \
                bad += C2[i * ldc + j] != (T)SENTINEL;                                       \
        free(A);                                                                             \
        free(B);                                                                             \
        free(C1);                                                                            \
        free(C2);                                                                            \
        return bad;                                                                          \
    }

CHECK_FN(check_f64, double, gemm_f64, gemm_f64_ref)
CHECK_FN(check_f32, float, gemm_f32, gemm_f32_ref)

/* Every transpose case, accumulate 0 and 1, tight and padded leading dimensions. */
static void check_all_cases(int f32, Shape s, const char *isa)
{
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (int acc = 0; acc < 2; acc++) {
                const size_t pad = (size_t)((ta + tb + acc) % 2) * 3;
                const size_t bad =
                    f32 ? check_f32((GemmTrans)ta, (GemmTrans)tb, s.M, s.N, s.K, pad, acc)
                        : check_f64((GemmTrans)ta, (GemmTrans)tb, s.M, s.N, s.K, pad, acc);
                cr_expect_eq(bad, 0,
                             "%s %s: (%zu x %zu x %zu) ta=%d tb=%d accumulate=%d pad=%zu: "
                             "%zu values differ from the reference",
                             isa, f32 ? "float32" : "float64", s.M, s.N, s.K, ta, tb, acc,
                             pad, bad);
            }
}

/* Shapes on both sides of each block edge of the path in use (b), including nr/2 (where
 * the half-width kernel takes the last columns). */
static size_t edge_shapes(GemmBlocking b, Shape *out)
{
    const size_t mr = b.mr, nr = b.nr, kc = b.kc, mc = b.mc, nc = b.nc;
    const Shape list[] = {
        { 1, 1, 1 },           { 2, 3, 4 },           { mr, nr, 1 },
        { mr - 1, nr + 1, 7 }, { mr + 1, nr - 1, 5 }, { 2 * mr + 1, 3 * nr - 1, 9 },
        { 3, 2, kc - 1 },      { mr, nr, kc },        { mr + 2, 5, kc + 1 },
        { 7, nr + 3, 2 * kc + 5 },
        { mc - 1, 3, 2 },      { mc, nr + 1, 3 },     { mc + 1, 2, kc + 2 },
        { 2 * mc + mr + 1, 1, 2 },
        { 2, nc - 1, 3 },      { 3, nc, 2 },          { 2, nc + 1, kc + 1 },
        { mr, nr / 2, 3 },     { 2 * mr, nr + nr / 2, kc + 1 },
        { mr + 1, nr / 2 + 1, 4 }, { mr - 1, nr / 2 - 1, 6 },
        { 37, 29, 61 },
    };
    memcpy(out, list, sizeof list);
    return sizeof list / sizeof list[0];
}

static void check_isa(GemmIsa isa, const char *name)
{
    if (gemm_force_isa(isa) != 0) {
        cr_log_info("gemm: this CPU has no %s: that path is not tested here", name);
        return;
    }
    cr_assert_str_eq(gemm_isa_name(), name);
    parallel_set_threads(1);
    Shape s[32];
    for (int f32 = 0; f32 < 2; f32++) {
        const size_t n = edge_shapes(f32 ? gemm_blocking_f32() : gemm_blocking_f64(), s);
        for (size_t i = 0; i < n; i++)
            check_all_cases(f32, s[i], name);
    }
    gemm_force_isa(GEMM_ISA_AUTO);
}

Test(gemm, portable_gives_the_reference_bits) { check_isa(GEMM_ISA_PORTABLE, "portable"); }
Test(gemm, avx2_gives_the_reference_bits) { check_isa(GEMM_ISA_AVX2, "avx2"); }
Test(gemm, avx512_gives_the_reference_bits) { check_isa(GEMM_ISA_AVX512, "avx512"); }

/* The book's shapes (chapter 4's batch of 100 through 784 -> 50, its backward products, a
 * slice of chapter 7's im2col) on 1, 2, 3 and 16 threads: the reference's bits each time,
 * and the larger ones really use several threads. */
Test(gemm, same_bits_for_1_2_3_and_16_threads)
{
    const Shape shapes[] = { { 100, 50, 784 }, { 784, 50, 100 }, { 100, 784, 50 },
                             { 1200, 30, 25 }, { 100, 100, 432 }, { 50, 100, 9 } };
    const GemmTrans ta[] = { GEMM_N, GEMM_T, GEMM_N, GEMM_N, GEMM_N, GEMM_N };
    const GemmTrans tb[] = { GEMM_N, GEMM_N, GEMM_T, GEMM_N, GEMM_N, GEMM_T };
    const int threads[] = { 1, 2, 3, 16 };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int f32 = 0; f32 < 2; f32++)
            for (size_t t = 0; t < 4; t++) {
                parallel_set_threads(threads[t]);
                const Shape sh = shapes[s];
                const size_t bad =
                    f32 ? check_f32(ta[s], tb[s], sh.M, sh.N, sh.K, 0, (int)(s % 2))
                        : check_f64(ta[s], tb[s], sh.M, sh.N, sh.K, 0, (int)(s % 2));
                cr_expect_eq(bad, 0, "(%zu x %zu x %zu) %s on %d threads: %zu values differ",
                             sh.M, sh.N, sh.K, f32 ? "float32" : "float64", threads[t], bad);
                if (threads[t] > 1 && (double)sh.M * sh.N * sh.K >= 1e6)
                    cr_expect_gt(gemm_threads_used(), 1, "(%zu x %zu x %zu) on %d threads "
                                 "ran on %d", sh.M, sh.N, sh.K, threads[t], gemm_threads_used());
            }
    parallel_set_threads(0);
}

/* Book 3.3.2: np.dot([[1,2],[3,4]], [[5,6],[7,8]]) = [[19,22],[43,50]]; and the same
 * matrices read transposed: A.T . B = [[26,30],[38,44]], A . B.T = [[17,23],[39,53]],
 * A.T . B.T = [[23,31],[34,46]]; accumulating adds to C. */
Test(gemm, book_3_3_2_by_hand)
{
    const double A[] = { 1, 2, 3, 4 }, B[] = { 5, 6, 7, 8 };
    const double want[4][4] = { { 19, 22, 43, 50 }, { 17, 23, 39, 53 },
                                { 26, 30, 38, 44 }, { 23, 31, 34, 46 } };
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            double C[4] = { 100, 100, 100, 100 };
            float Cf[4];
            const float Af[] = { 1, 2, 3, 4 }, Bf[] = { 5, 6, 7, 8 };
            gemm_f64((GemmTrans)ta, (GemmTrans)tb, 2, 2, 2, A, 2, B, 2, C, 2, 0);
            gemm_f32((GemmTrans)ta, (GemmTrans)tb, 2, 2, 2, Af, 2, Bf, 2, Cf, 2, 0);
            for (int i = 0; i < 4; i++) {
                cr_expect_eq(C[i], want[ta * 2 + tb][i], "ta=%d tb=%d C[%d] = %g", ta, tb, i,
                             C[i]);
                cr_expect_eq(Cf[i], (float)want[ta * 2 + tb][i]);
            }
            gemm_f64((GemmTrans)ta, (GemmTrans)tb, 2, 2, 2, A, 2, B, 2, C, 2, 1);
            for (int i = 0; i < 4; i++)
                cr_expect_eq(C[i], 2 * want[ta * 2 + tb][i]);
        }
}

/* A (1 x 3) . B (3 x 2) by hand, with row strides wider than the rows (lda = 5, ldb = 4,
 * ldc = 3): [1 2 3] . [[1 0] [0 1] [1 1]] = [4 5]; the padding is not touched. */
Test(gemm, leading_dimensions_by_hand)
{
    const double A[] = { 1, 2, 3, -1, -1 };
    const double B[] = { 1, 0, -1, -1, 0, 1, -1, -1, 1, 1, -1, -1 };
    double C[3] = { 0, 0, 7 };
    gemm_f64(GEMM_N, GEMM_N, 1, 2, 3, A, 5, B, 4, C, 3, 0);
    cr_expect_eq(C[0], 4);
    cr_expect_eq(C[1], 5);
    cr_expect_eq(C[2], 7);
}

/* GEMM_FUSED = 1: acc = fma(a, b, acc), one rounding. With a = 1 + 2^-30, b = 1 - 2^-30 and
 * C = -1 accumulated, a*b - 1 = -2^-60 exactly; a multiply then an add would round a*b to 1
 * first and give 0. */
Test(gemm, multiply_add_is_fused)
{
    cr_assert_eq(GEMM_FUSED, 1);
    const double a = 1 + ldexp(1, -30), b = 1 - ldexp(1, -30);
    double C = -1;
    gemm_f64(GEMM_N, GEMM_N, 1, 1, 1, &a, 1, &b, 1, &C, 1, 1);
    cr_expect_eq(C, -ldexp(1, -60), "C = %a", C);
    const float af = 1 + ldexpf(1, -14), bf = 1 - ldexpf(1, -14);
    float Cf = -1;
    gemm_f32(GEMM_N, GEMM_N, 1, 1, 1, &af, 1, &bf, 1, &Cf, 1, 1);
    cr_expect_eq(Cf, -ldexpf(1, -28), "C = %a", (double)Cf);
}

/* Empty products: K = 0 gives C = 0 (an empty sum), or leaves C when accumulating;
 * M = 0 or N = 0 touches nothing. */
Test(gemm, empty_products)
{
    const double A[1] = { 3 }, B[1] = { 4 };
    double C[4] = { 1, 2, 3, 4 };
    gemm_f64(GEMM_N, GEMM_N, 2, 2, 0, A, 1, B, 2, C, 2, 1);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(C[i], i + 1);
    gemm_f64(GEMM_N, GEMM_N, 0, 2, 1, A, 1, B, 2, C, 2, 0);
    gemm_f64(GEMM_N, GEMM_N, 2, 0, 1, A, 1, B, 2, C, 2, 0);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(C[i], i + 1);
    gemm_f64(GEMM_T, GEMM_T, 2, 2, 0, A, 2, B, 1, C, 2, 0);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(C[i], 0);
    float Cf[2] = { 5, 6 };
    const float Af[1] = { 1 }, Bf[1] = { 1 };
    gemm_f32(GEMM_N, GEMM_N, 1, 2, 0, Af, 1, Bf, 2, Cf, 2, 0);
    cr_expect(Cf[0] == 0 && Cf[1] == 0);
}
