/* gemm.c - see gemm.h: the matrix product, plain (the reference) and fast.
 *
 * Contents: the reference loops; the CPU paths and their block sizes; the per-thread
 * packing buffers; how the output is split among threads; the blocked product
 * (gemm_driver.h, once per element type); the entry points gemm_f64 and gemm_f32.
 *
 * Why blocking. C = A.B does M*N*K multiply-adds on only M*K + K*N + M*N numbers, so every
 * number can be used many times; the triple loop instead fetches A and B from memory again
 * and again, and a core waits on memory instead of computing. The fast path is organised,
 * as in BLIS (Van Zee and van de Geijn, 2015) and GotoBLAS, so that each level of the cache
 * holds the piece that is reused there:
 *
 *   for jc: nc columns of B and C                 (B panel kc x nc lives in L3)
 *     for pc: kc of the K terms, in order         k = pc .. pc+kc-1
 *       pack op(B)[pc.., jc..] (kc x nc) into slivers of nr columns
 *       for ic: mc rows of A and C
 *         pack op(A)[ic.., pc..] (mc x kc) into slivers of mr rows   (lives in L2)
 *         for jr: one B sliver (kc x nr)                             (lives in L1)
 *           for ir: one A sliver (mr x kc)
 *             micro-kernel: the mr x nr tile of C += A sliver . B sliver
 *
 * The micro-kernel keeps its mr x nr sums in vector registers (AVX-512: 12 x 16 doubles in
 * 24 registers of 8) and, per k, loads nr values of B and broadcasts mr values of A: each
 * number loaded feeds several multiply-adds, so the core's two FMA units stay busy. Packing
 * copies the blocks into the order the kernel reads them (contiguous, aligned, zero-padded
 * at the edges), which also makes the four transpose cases the same to the kernel.
 * Packing costs about as much as a kernel call that uses the packed data once or twice, so
 * when few kernel calls read each sliver it does not pay: A, when not transposed and C is
 * at most 64 slivers of B wide (x . W with 50 outputs, chapter 7's im2col products; on
 * this machine reading A's rows in place measured faster even for 1024^3), and B, when
 * not transposed and C is at most 5 slivers of A high (a thread's share of a batch of 100),
 * are then read in place; only a last, partial sliver is packed (zero-padded). The last
 * nr/2 or fewer columns of C go to a half-width kernel (mr x nr/2), so N = 50 or 100 does
 * not multiply much padding.
 * Threads: C is cut into tm x tn rectangles of whole micro-tiles, tm and tn chosen so the
 * slowest thread has the least work (its share plus packing its rows of A and columns of
 * B); each thread runs the loops above on its rectangle. Below 2^17 multiply-adds a product
 * stays on one thread.
 * Sizes: kc x nr (one B sliver) about half of the 48 KiB L1; mc x kc (the A block) about
 * half of the 2 MiB L2; nc x kc (the B panel) in the L3.
 *
 * Same bits, always. Every C[i][j] is one accumulator: it starts at 0 (or C[i][j] when
 * accumulating), then takes fma(a, b, acc) for k = 0, 1, ..., K-1 in order. When K is longer
 * than kc the sum so far is stored in C and reloaded for the next kc terms (a double
 * stored and reloaded is the same double). Edge tiles run the same kernel on a copy padded
 * with zeros. Threads split C into rectangles, each computed whole by one thread, so which
 * thread computes an element, and which path (portable, AVX2, AVX-512) does, changes
 * nothing: tests/test_gemm.c checks all of it against the reference, bit for bit.
 * Fused multiply-add (GEMM_FUSED = 1): one rounding per step, as fast CPUs compute and as
 * OpenBLAS does; the reference uses C's fma() so it agrees.
 *
 * Not reentrant: one product at a time per process (each thread of a product uses its own
 * slot of one buffer pool). A call from inside an OpenMP parallel region runs on one
 * thread with buffers of its own.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm.h"
#include "kernels/gemm_internal.h"
#include "kernels/parallel.h"

const int GEMM_FUSED = 1;

/* ---- the reference: the contract as three loops ---------------------------------------- */

#define GEMM_REF(NAME, T, FMA)                                                             \
    void NAME(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, const T *A,       \
              size_t lda, const T *B, size_t ldb, T *C, size_t ldc, int accumulate)       \
    {                                                                                      \
        for (size_t i = 0; i < M; i++)                                                     \
            for (size_t j = 0; j < N; j++) {                                               \
                T acc = accumulate ? C[i * ldc + j] : (T)0;                                \
                for (size_t k = 0; k < K; k++) {                                           \
                    const T a = ta == GEMM_N ? A[i * lda + k] : A[k * lda + i];            \
                    const T b = tb == GEMM_N ? B[k * ldb + j] : B[j * ldb + k];            \
                    acc = FMA(a, b, acc);                 /* acc + a*b, one rounding */    \
                }                                                                          \
                C[i * ldc + j] = acc;                                                      \
            }                                                                              \
    }

GEMM_REF(gemm_f64_ref, double, fma)
GEMM_REF(gemm_f32_ref, float, fmaf)

/* ---- the CPU paths and their block sizes ----------------------------------------------- */

typedef struct {
    const char *name;
    GemmBlocking b;     /* mr, nr, mc, kc, nc */
    GemmKernelF64 *kernel;
    GemmKernelF64 *half;        /* mr x nr/2, or NULL */
} CfgF64;
typedef struct {
    const char *name;
    GemmBlocking b;
    GemmKernelF32 *kernel;
    GemmKernelF32 *half;
} CfgF32;

/* mc a multiple of mr, nc of nr. AVX2 machines often have 256 KiB of L2: smaller mc. */
static const CfgF64 cfg_f64[] = {
    [GEMM_ISA_PORTABLE] = { "portable", { 4, 4, 256, 256, 4096 }, gemm_kernel_f64_portable,
                            NULL },
    [GEMM_ISA_AVX2] = { "avx2", { 6, 8, 72, 256, 4096 }, gemm_kernel_f64_avx2,
                        gemm_kernel_f64_avx2_half },
    [GEMM_ISA_AVX512] = { "avx512", { 12, 16, 480, 256, 4096 }, gemm_kernel_f64_avx512,
                          gemm_kernel_f64_avx512_half },
};
static const CfgF32 cfg_f32[] = {
    [GEMM_ISA_PORTABLE] = { "portable", { 4, 4, 256, 256, 4096 }, gemm_kernel_f32_portable,
                            NULL },
    [GEMM_ISA_AVX2] = { "avx2", { 6, 16, 144, 256, 4096 }, gemm_kernel_f32_avx2,
                        gemm_kernel_f32_avx2_half },
    [GEMM_ISA_AVX512] = { "avx512", { 12, 32, 960, 256, 4096 }, gemm_kernel_f32_avx512,
                          gemm_kernel_f32_avx512_half },
};

static GemmIsa isa_in_use = GEMM_ISA_AUTO;     /* chosen at the first product */

static int isa_available(GemmIsa isa)
{
    switch (isa) {
    case GEMM_ISA_PORTABLE: return 1;
    case GEMM_ISA_AVX2: return gemm_x86_has_avx2();
    case GEMM_ISA_AVX512: return gemm_x86_has_avx512();
    default: return 0;
    }
}

static GemmIsa best_isa(void)
{
    return isa_available(GEMM_ISA_AVX512) ? GEMM_ISA_AVX512
           : isa_available(GEMM_ISA_AVX2) ? GEMM_ISA_AVX2
                                          : GEMM_ISA_PORTABLE;
}

static GemmIsa current_isa(void)
{
    if (isa_in_use == GEMM_ISA_AUTO)
        isa_in_use = best_isa();
    return isa_in_use;
}

int gemm_force_isa(GemmIsa isa)
{
    if (isa == GEMM_ISA_AUTO) {
        isa_in_use = best_isa();
        return 0;
    }
    if (!isa_available(isa))
        return -1;
    isa_in_use = isa;
    return 0;
}

const char *gemm_isa_name(void) { return cfg_f64[current_isa()].name; }
GemmBlocking gemm_blocking_f64(void) { return cfg_f64[current_isa()].b; }
GemmBlocking gemm_blocking_f32(void) { return cfg_f32[current_isa()].b; }
static const CfgF64 *config_f64(void) { return &cfg_f64[current_isa()]; }
static const CfgF32 *config_f32(void) { return &cfg_f32[current_isa()]; }

/* ---- packing buffers: one pair per thread, allocated once, grown when too small -------- */

#define GEMM_MAX_THREADS 256

typedef struct {
    void *a, *b;                /* packed A block, packed B panel (64-byte aligned) */
    size_t a_bytes, b_bytes;
} Buffers;
static Buffers pool[GEMM_MAX_THREADS];
/* For products called from inside a caller's parallel region (a layer giving each thread
 * its own images): slot t belongs to that region's thread t, which alone uses and grows it
 * (one such region at a time, as in every program here). Kept, not allocated per call: a
 * packing buffer is over malloc's mmap threshold, and mapping it afresh every call cost
 * DeepConvNet's training a page fault per 4 KiB touched. */
static Buffers nested[GEMM_MAX_THREADS];

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

static void *aligned_bytes(size_t n)
{
    return aligned_alloc(64, round_up(n ? n : 1, 64));
}

static void pool_free(void)
{
    for (int t = 0; t < GEMM_MAX_THREADS; t++) {
        free(pool[t].a);
        free(pool[t].b);
        pool[t] = (Buffers){ 0 };
        free(nested[t].a);
        free(nested[t].b);
        nested[t] = (Buffers){ 0 };
    }
}

static int grow(void **p, size_t *have, size_t need)
{
    if (*have >= need)
        return 0;
    free(*p);
    *p = aligned_bytes(need);
    *have = *p ? need : 0;
    return *p ? 0 : -1;
}

/* pool_free runs at exit (so valgrind sees no leak); 0, or -1 if atexit refused. */
static int hook_pool_free(void)
{
    static int hooked;
    int rc = 0;
#ifdef _OPENMP
#pragma omp critical(gemm_pool_hook)
#endif
    if (!hooked) {
        rc = atexit(pool_free);
        hooked = rc == 0;
    }
    return rc;
}

/* The calling thread's nested buffers (see nested), grown to a_bytes and b_bytes. */
static Buffers *nested_reserve(int id, size_t a_bytes, size_t b_bytes)
{
    if (id < 0 || id >= GEMM_MAX_THREADS)
        return NULL;
    Buffers *own = &nested[id];
    if ((own->a_bytes < a_bytes || own->b_bytes < b_bytes) &&
        (hook_pool_free() != 0 || grow(&own->a, &own->a_bytes, a_bytes) != 0 ||
         grow(&own->b, &own->b_bytes, b_bytes) != 0))
        return NULL;
    return own;
}

/* Buffers for threads 0 .. n-1, freed at exit. */
static int pool_reserve(int n, size_t a_bytes, size_t b_bytes)
{
    if (hook_pool_free() != 0)
        return -1;
    for (int t = 0; t < n; t++)
        if (grow(&pool[t].a, &pool[t].a_bytes, a_bytes) != 0 ||
            grow(&pool[t].b, &pool[t].b_bytes, b_bytes) != 0)
            return -1;
    return 0;
}

static int threads_used;         /* by the last product */
int gemm_threads_used(void) { return threads_used; }

#ifdef _OPENMP
static int in_parallel(void) { return omp_in_parallel(); }
static int thread_num(void) { return omp_get_thread_num(); }
static int team_size(void) { return omp_get_num_threads(); }
#else
static int in_parallel(void) { return 0; }
static int thread_num(void) { return 0; }
static int team_size(void) { return 1; }
#endif

/* ---- the thread split ----------------------------------------------------------------- */

/* Below this many multiply-adds a product runs on one thread: waking a second thread costs
 * more than it gains. Measured on 2 cores (best of 3000 calls, float64): 32^3 takes 1.8 us on
 * one thread and 2.7 us on two; 48^3 4.0 and 3.4 us; 64^3 10 and 6.4 us. 2^17 leaves a
 * margin for a busy machine, where waking a thread costs more. */
#define GEMM_PARALLEL_MIN (1u << 17)
/* In the split's cost, packing one element of A or B counts as this many multiply-adds. */
#define GEMM_PACK_COST 16

typedef struct {
    int threads;        /* threads to start (tm * tn, at most parallel_threads()) */
    int tm, tn;         /* C is cut into tm bands of rows times tn bands of columns */
    size_t mt, nt;      /* micro-tiles of C: rows of mr, columns of nr */
    size_t cols;        /* the widest share, in columns (sizes the B buffer) */
} Split;

/* Choose tm x tn shares of C for the threads available: the least work for the slowest
 * thread (its share of C times K, plus packing its rows of A and its columns of B). Both
 * directions count, so a (100 x 50) or a (57600 x 30) output still uses both cores. */
static Split split_threads(size_t M, size_t N, size_t K, const GemmBlocking *bl)
{
    Split sp = { 1, 1, 1, (M + bl->mr - 1) / bl->mr, (N + bl->nr - 1) / bl->nr, N };
    int avail = parallel_threads();
    if (avail > GEMM_MAX_THREADS)
        avail = GEMM_MAX_THREADS;
    if (avail <= 1 || (double)M * (double)N * (double)K < GEMM_PARALLEL_MIN)
        return sp;
    double best = -1;
    for (int tm = 1; tm <= avail && (size_t)tm <= sp.mt; tm++) {
        int tn = avail / tm;
        if ((size_t)tn > sp.nt)
            tn = (int)sp.nt;
        const double rows = (double)((sp.mt + tm - 1) / tm * bl->mr);
        const double cols = (double)((sp.nt + tn - 1) / tn * bl->nr);
        const double cost = rows * cols + GEMM_PACK_COST * (rows + cols);
        if (best < 0 || cost < best) {
            best = cost;
            sp.tm = tm;
            sp.tn = tn;
        }
    }
    sp.threads = sp.tm * sp.tn;
    sp.cols = (sp.nt + sp.tn - 1) / sp.tn * bl->nr;
    return sp;
}

/* Share s (0 .. tm*tn-1): rows i0 .. i1-1, columns j0 .. j1-1 of C, whole micro-tiles. */
static void share(const Split *sp, int s, size_t M, size_t N, const GemmBlocking *bl,
                  size_t *i0, size_t *i1, size_t *j0, size_t *j1)
{
    const size_t r = (size_t)(s / sp->tn), q = (size_t)(s % sp->tn);
    const size_t tm = (size_t)sp->tm, tn = (size_t)sp->tn;
    *i0 = sp->mt * r / tm * bl->mr;
    *i1 = sp->mt * (r + 1) / tm * bl->mr;
    *j0 = sp->nt * q / tn * bl->nr;
    *j1 = sp->nt * (q + 1) / tn * bl->nr;
    if (*i1 > M)
        *i1 = M;
    if (*j1 > N)
        *j1 = N;
}

/* ---- the blocked product, once per element type ---------------------------------------- */

/* A is read unpacked when a thread's share of C is at most this many B slivers wide, B when
 * it is at most this many A slivers high. Measured on one core (AVX-512, float64, GFLOP/s):
 * A in place, (100 x 4320) . (4320 x 100) 44 -> 54, (100 x 784) . (784 x 200) 58 -> 66,
 * 600^3 59 -> 66, 1024^3 54 -> 56 (so A is read in place up to 64 slivers, packed beyond
 * or when transposed); B in place, (48 x 784) . (784 x 50) 51 -> 62. */
#define GEMM_DIRECT_MAX_TILES 64
#define GEMM_DIRECT_B_MAX_TILES 5

#define T double
#define SFX(name) name##_f64
#define REF gemm_f64_ref
#define CFG_T CfgF64
#include "kernels/gemm_driver.h"
#undef T
#undef SFX
#undef REF
#undef CFG_T

#define T float
#define SFX(name) name##_f32
#define REF gemm_f32_ref
#define CFG_T CfgF32
#include "kernels/gemm_driver.h"
#undef T
#undef SFX
#undef REF
#undef CFG_T

void gemm_f64(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, const double *A,
              size_t lda, const double *B, size_t ldb, double *C, size_t ldc, int accumulate)
{
    product_f64(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

void gemm_f32(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, const float *A,
              size_t lda, const float *B, size_t ldb, float *C, size_t ldc, int accumulate)
{
    product_f32(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}
