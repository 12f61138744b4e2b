/* spgemm.c - see spgemm.h. */
#include "kernels/spgemm.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

size_t csr_from_dense(Csr *out, const double *x, size_t rows, size_t cols)
{
    assert(cols <= UINT32_MAX && "csr_from_dense: too many columns");
    /* room for every entry plus one: each is written, and kept (p advances) only when it is
     * not zero, so only the first nnz + 1 slots are ever touched */
    reserve(out, rows, rows * cols + 1);
    out->rows = rows, out->cols = cols;
    size_t p = 0;
    for (size_t i = 0; i < rows; i++) {
        const double *r = x + i * cols;
        out->start[i] = p;
        size_t k = 0;
        for (; k + 8 <= cols; k += 8) {
            if (all_zero8(r + k))
                continue;
            for (size_t u = k; u < k + 8; u++) {
                out->idx[p] = (uint32_t)u;
                out->val[p] = r[u];
                p += r[u] != 0.0;
            }
        }
        for (; k < cols; k++) {
            out->idx[p] = (uint32_t)k;
            out->val[p] = r[k];
            p += r[k] != 0.0;
        }
    }
    out->start[rows] = p;
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

/* Where the compiler can make versions of a function for several x86-64 vector extensions,
 * picked at run time (GCC and Clang on Linux), the row kernel gets one for AVX-512, one for
 * AVX2 and the baseline. Only + and * run on each element, in the same order in every
 * version, with FMA off (-ffp-contract=off), so every version gives the same bits. */
#if !defined(SPGEMM_CLONES) && defined(__x86_64__) && defined(__linux__) && \
    defined(__has_attribute)
#if __has_attribute(target_clones)
#define SPGEMM_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef SPGEMM_CLONES
#define SPGEMM_CLONES
#endif
#if defined(__GNUC__)
#define INLINE_IN_CLONES inline __attribute__((always_inline))
#else
#define INLINE_IN_CLONES inline
#endif

#define BLOCK 32    /* the widest block of output columns kept in registers */

/* o[0..width) = sum over p < n of v[p] * B[row idx[p]][0..width), each summed in order
 * from 0.0; width is a constant at each call, so the sums stay in vector registers. */
static INLINE_IN_CLONES void dot_block(double *restrict o, const double *restrict v,
                                       const uint32_t *restrict idx, size_t n,
                                       const double *restrict B, size_t ldb, const size_t width)
{
    double acc[BLOCK] = { 0.0 };
    for (size_t p = 0; p < n; p++) {
        const double vp = v[p];
        const double *restrict b = B + (size_t)idx[p] * ldb;
#pragma GCC unroll 32
        for (size_t j = 0; j < width; j++)
            acc[j] += vp * b[j];
    }
#pragma GCC unroll 32
    for (size_t j = 0; j < width; j++)
        o[j] = acc[j];
}

/* Rows r0 .. r1-1 of C = A . B (+ bias), in column blocks of 32, 16, 8, 2 and 1. */
SPGEMM_CLONES
static void rows_plain(const Csr *A, const double *B, size_t ldb, size_t N, double *C,
                       size_t ldc, const double *bias, size_t r0, size_t r1)
{
    for (size_t r = r0; r < r1; r++) {
        const size_t p = A->start[r], n = A->start[r + 1] - p;
        const double *v = A->val + p;
        const uint32_t *idx = A->idx + p;
        double *o = C + r * ldc;
        size_t j = 0;
        for (; j + 32 <= N; j += 32)
            dot_block(o + j, v, idx, n, B + j, ldb, 32);
        for (; j + 16 <= N; j += 16)
            dot_block(o + j, v, idx, n, B + j, ldb, 16);
        for (; j + 8 <= N; j += 8)
            dot_block(o + j, v, idx, n, B + j, ldb, 8);
        for (; j + 2 <= N; j += 2)
            dot_block(o + j, v, idx, n, B + j, ldb, 2);
        for (; j < N; j++)
            dot_block(o + j, v, idx, n, B + j, ldb, 1);
        if (bias)
            for (j = 0; j < N; j++)
                o[j] += bias[j];
    }
}

/* The same with each step fused (one rounding), for a gemm_f64 built with GEMM_FUSED = 1. */
static void rows_fused(const Csr *A, const double *B, size_t ldb, size_t N, double *C,
                       size_t ldc, const double *bias, size_t r0, size_t r1)
{
    for (size_t r = r0; r < r1; r++) {
        double *o = C + r * ldc;
        for (size_t j = 0; j < N; j++) {
            double acc = 0.0;
            for (size_t p = A->start[r]; p < A->start[r + 1]; p++)
                acc = fma(A->val[p], B[(size_t)A->idx[p] * ldb + j], acc);
            o[j] = bias ? acc + bias[j] : acc;
        }
    }
}

void csr_gemm_f64(const Csr *A, const double *B, size_t ldb, size_t N, double *C, size_t ldc,
                  const double *bias)
{
    const size_t M = A->rows, nnz = A->start[M];
    void (*rows)(const Csr *, const double *, size_t, size_t, double *, size_t,
                 const double *, size_t, size_t) = GEMM_FUSED ? rows_fused : rows_plain;
#ifdef _OPENMP
    /* one block of rows per thread: each C[i][j] is summed by one thread, in one order */
    if (nnz * N >= ((size_t)1 << 18) && M > 1 && omp_get_max_threads() > 1) {
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
