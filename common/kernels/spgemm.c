/* spgemm.c - see spgemm.h. */
#include "kernels/spgemm.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/clones.h"
#include "kernels/gemm.h"
#include "sys/checked.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* realloc that dies like xmalloc (n * size checked for overflow). */
static void *grow(void *p, size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        die("out of memory: %zu items of %zu bytes", n, size);
    void *q = realloc(p, n * size > 0 ? n * size : 1);
    if (!q)
        die("out of memory allocating %zu bytes", n * size);
    return q;
}

static void reserve(Csr *a, size_t rows, size_t nnz)
{
    if (rows + 1 > a->rows_cap) {
        a->start = grow(a->start, rows + 1, sizeof *a->start);
        a->rows_cap = rows + 1;
    }
    if (nnz > a->nnz_cap) {
        a->idx = grow(a->idx, nnz, sizeof *a->idx);
        a->val = grow(a->val, nnz, sizeof *a->val);
        a->nnz_cap = nnz;
    }
}

/* Whether all of x[0..8) are zeros (0.0 or -0.0): their bits, sign left out, OR'd together.
 * The compiler turns this into a few vector instructions; MNIST rows are mostly such runs. */
static inline int all_zero8(const double *x)
{
    uint64_t any = 0;
    for (int u = 0; u < 8; u++) {
        uint64_t b;
        memcpy(&b, x + u, sizeof b);
        any |= b << 1;
    }
    return any == 0;
}

/* A row's non-zero entries written to idx, val; returns how many. Each entry is written,
 * and kept (the count advances) only when it is not zero. */
static size_t row_nonzeros_plain(uint32_t *restrict idx, double *restrict val, const double *r,
                                 size_t cols)
{
    size_t p = 0, k = 0;
    for (; k + 8 <= cols; k += 8) {
        if (all_zero8(r + k))
            continue;
        for (size_t u = k; u < k + 8; u++) {
            idx[p] = (uint32_t)u;
            val[p] = r[u];
            p += r[u] != 0.0;
        }
    }
    for (; k < cols; k++) {
        idx[p] = (uint32_t)k;
        val[p] = r[k];
        p += r[k] != 0.0;
    }
    return p;
}

#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target)
#define HAVE_AVX512_COMPRESS 1
#include <immintrin.h>
/* The same with AVX-512's compress: 8 values compared with 0 at once (unordered counts as
 * "not equal", as C's != does for NaN) and the non-zero ones, with their columns, stored
 * contiguously. The same entries in the same order as the plain loop. */
__attribute__((target("avx512f")))
static size_t row_nonzeros_avx512(uint32_t *restrict idx, double *restrict val, const double *r,
                                  size_t cols)
{
    size_t p = 0, k = 0;
    const __m512d zero = _mm512_setzero_pd();
    __m512i col = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512i eight = _mm512_set1_epi32(8);
    for (; k + 8 <= cols; k += 8, col = _mm512_add_epi32(col, eight)) {
        const __m512d v = _mm512_loadu_pd(r + k);
        const __mmask8 m = _mm512_cmp_pd_mask(v, zero, _CMP_NEQ_UQ);
        if (!m)
            continue;
        _mm512_mask_compressstoreu_pd(val + p, m, v);
        _mm512_mask_compressstoreu_epi32(idx + p, (__mmask16)m, col);
        p += (size_t)__builtin_popcount(m);
    }
    for (; k < cols; k++) {             /* the last fewer than 8 */
        idx[p] = (uint32_t)k;
        val[p] = r[k];
        p += r[k] != 0.0;
    }
    return p;
}
#endif
#endif

static size_t row_nonzeros(uint32_t *restrict idx, double *restrict val, const double *r,
                           size_t cols)
{
#ifdef HAVE_AVX512_COMPRESS
    if (__builtin_cpu_supports("avx512f"))
        return row_nonzeros_avx512(idx, val, r, cols);
#endif
    return row_nonzeros_plain(idx, val, r, cols);
}

size_t count_nonzero(const double *x, size_t n)
{
    size_t count = 0;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) reduction(+ : count) if (n >= ((size_t)1 << 16))
#endif
    for (size_t i = 0; i < n; i++)
        count += x[i] != 0.0;
    return count;
}

size_t csr_from_dense(Csr *out, const double *x, size_t rows, size_t cols)
{
    assert(cols <= UINT32_MAX && "csr_from_dense: too many columns");
    /* room for every entry plus one: row i is first written from slot i * cols on (so rows
     * can be done in parallel), then moved down to close the gaps */
    reserve(out, rows, rows * cols + 1);
    out->rows = rows, out->cols = cols;
    size_t *count = out->start + 1;             /* row i's count, in start[i + 1] */
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (rows * cols >= ((size_t)1 << 22))
#endif
    for (size_t i = 0; i < rows; i++)
        count[i] = row_nonzeros(out->idx + i * cols, out->val + i * cols, x + i * cols, cols);
    size_t p = 0;
    out->start[0] = 0;
    for (size_t i = 0; i < rows; i++) {
        const size_t n = count[i];
        if (p != i * cols) {
            memmove(out->idx + p, out->idx + i * cols, n * sizeof *out->idx);
            memmove(out->val + p, out->val + i * cols, n * sizeof *out->val);
        }
        p += n;
        out->start[i + 1] = p;
    }
    return p;
}

void csr_transpose(Csr *out, const Csr *a)
{
    assert(out != a && a->rows <= UINT32_MAX && "csr_transpose: out is a, or too many rows");
    const size_t nnz = a->start[a->rows];
    reserve(out, a->cols, nnz);
    out->rows = a->cols, out->cols = a->rows;
    memset(out->start, 0, (a->cols + 1) * sizeof *out->start);
    for (size_t p = 0; p < nnz; p++)                      /* count per column */
        out->start[a->idx[p] + 1]++;
    for (size_t k = 0; k < a->cols; k++)
        out->start[k + 1] += out->start[k];
    for (size_t i = 0; i < a->rows; i++)                  /* fill, rows in order */
        for (size_t p = a->start[i]; p < a->start[i + 1]; p++) {
            const size_t q = out->start[a->idx[p]]++;
            out->idx[q] = (uint32_t)i;
            out->val[q] = a->val[p];
        }
    for (size_t k = a->cols; k > 0; k--)                  /* starts shifted back */
        out->start[k] = out->start[k - 1];
    out->start[0] = 0;
}

void csr_free(Csr *a)
{
    free(a->start);
    free(a->idx);
    free(a->val);
    memset(a, 0, sizeof *a);
}

/* ---- the product ------------------------------------------------------------------------ */

/* The row kernel has a version per vector extension (kernels/clones.h). Only + and * (or
 * one fma, when gemm.h is GEMM_FUSED) run on each element, in the same order in every
 * version, with contraction off (-ffp-contract=off), so every version gives the same bits. */

#define BLOCK 64    /* the widest block of output columns kept in registers (8 AVX-512 ones) */

/* o[0..width) = sum over p < n of v[p] * B[row idx[p]][0..width), each summed in order
 * from 0.0. width is a constant at each call, so the loops unroll and the sums stay in
 * vector registers: one pass over the non-zero entries updates up to 64 columns, with that
 * many independent sums in flight (a pass per narrow block would wait on each add). */
static INLINE_IN_CLONES void dot_block(double *restrict o, const double *restrict v,
                                       const uint32_t *restrict idx, size_t n,
                                       const double *restrict B, size_t ldb, const size_t width,
                                       const int fused)
{
    double acc[BLOCK] = { 0.0 };
    for (size_t p = 0; p < n; p++) {
        const double vp = v[p];
        const double *restrict b = B + (size_t)idx[p] * ldb;
#pragma GCC unroll 64
        for (size_t j = 0; j < width; j++)
            acc[j] = fused ? fma(vp, b[j], acc[j]) : acc[j] + vp * b[j];
    }
#pragma GCC unroll 64
    for (size_t j = 0; j < width; j++)
        o[j] = acc[j];
}

/* dot_block for a width known only at run time (1 .. 64): one constant-width copy each. */
#define W1_(w) case w: dot_block(o, v, idx, n, B, ldb, w, fused); break;
#define W8_(w) W1_(w + 1) W1_(w + 2) W1_(w + 3) W1_(w + 4) W1_(w + 5) W1_(w + 6) W1_(w + 7) W1_(w + 8)
static INLINE_IN_CLONES void dot_width(double *restrict o, const double *restrict v,
                                       const uint32_t *restrict idx, size_t n,
                                       const double *restrict B, size_t ldb, size_t width,
                                       const int fused)
{
    switch (width) {
        W8_(0) W8_(8) W8_(16) W8_(24) W8_(32) W8_(40) W8_(48) W8_(56)
    default:
        break;
    }
}
#undef W8_
#undef W1_

/* Rows r0 .. r1-1 of C = A . B (+ bias): blocks of 64 columns, then the rest in one pass.
 * fused: each step is one fma (GEMM_FUSED), else a multiply then an add. */
static INLINE_IN_CLONES void rows_block(const Csr *A, const double *B, size_t ldb, size_t N,
                                        double *C, size_t ldc, const double *bias, size_t r0,
                                        size_t r1, const int fused)
{
    for (size_t r = r0; r < r1; r++) {
        const size_t p = A->start[r], n = A->start[r + 1] - p;
        const double *v = A->val + p;
        const uint32_t *idx = A->idx + p;
        double *o = C + r * ldc;
        size_t j = 0;
        for (; j + BLOCK < N; j += BLOCK)
            dot_block(o + j, v, idx, n, B + j, ldb, BLOCK, fused);
        dot_width(o + j, v, idx, n, B + j, ldb, N - j, fused);
        if (bias)
            for (j = 0; j < N; j++)
                o[j] += bias[j];
    }
}

VECTOR_CLONES
static void rows_plain(const Csr *A, const double *B, size_t ldb, size_t N, double *C,
                       size_t ldc, const double *bias, size_t r0, size_t r1)
{
    rows_block(A, B, ldb, N, C, ldc, bias, r0, r1, 0);
}

/* The fused version needs the FMA instructions to be fast (elsewhere fma() is a library
 * call, exact but slow): its clones are for CPUs with AVX-512 and with FMA (picked by feature, not CPU model). */
FMA_CLONES
static void rows_fused(const Csr *A, const double *B, size_t ldb, size_t N, double *C,
                       size_t ldc, const double *bias, size_t r0, size_t r1)
{
    rows_block(A, B, ldb, N, C, ldc, bias, r0, r1, 1);
}

void csr_gemm_f64(const Csr *A, const double *B, size_t ldb, size_t N, double *C, size_t ldc,
                  const double *bias)
{
    const size_t M = A->rows, nnz = A->start[M];
    void (*rows)(const Csr *, const double *, size_t, size_t, double *, size_t,
                 const double *, size_t, size_t) = GEMM_FUSED ? rows_fused : rows_plain;
#ifdef _OPENMP
    /* one block of rows per thread: each C[i][j] is summed by one thread, in one order.
     * Only for products of 4M terms and more: a mini-batch's (100 images: 750k) is done
     * before the threads would be woken, and on a machine with more threads than free
     * cores a wake-up can cost a scheduler time slice. */
    if (nnz * N >= ((size_t)1 << 22) && M > 1 && omp_get_max_threads() > 1) {
#pragma omp parallel
        {
            const size_t t = (size_t)omp_get_thread_num(), T = (size_t)omp_get_num_threads();
            rows(A, B, ldb, N, C, ldc, bias, M * t / T, M * (t + 1) / T);
        }
        return;
    }
#endif
    (void)nnz;
    rows(A, B, ldb, N, C, ldc, bias, 0, M);
}
