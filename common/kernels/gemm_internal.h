/* gemm_internal.h - the inside of gemm.c, for its micro-kernel files, its tests and its
 * benchmark. Programs use gemm.h only.
 *
 *   GemmIsa, gemm_force_isa     choose the CPU path (portable C, AVX2+FMA, AVX-512) instead
 *                               of the best one this CPU has; gemm_isa_name says which is in use
 *   gemm_threads_used           how many threads the last product ran on
 *   GemmBlocking                the block sizes of the path in use (mr x nr micro-tile, mc, kc,
 *                               nc cache blocks), so tests can aim at every block edge
 *   gemm_kernel_*               the micro-kernels: C tile (mr x nr) = [C +] a-sliver . b-sliver
 */
#ifndef DLFS_GEMM_INTERNAL_H
#define DLFS_GEMM_INTERNAL_H

#include <stddef.h>

typedef enum { GEMM_ISA_AUTO = 0, GEMM_ISA_PORTABLE, GEMM_ISA_AVX2, GEMM_ISA_AVX512 } GemmIsa;

/* Use `isa` from now on (GEMM_ISA_AUTO: the best this CPU has, the default). Returns 0, or -1
 * when this CPU (or this build) lacks it; the path in use is then unchanged. Not to be
 * called while a product runs. */
int gemm_force_isa(GemmIsa isa);
/* "portable", "avx2" or "avx512": the path gemm_f64 / gemm_f32 use now. */
const char *gemm_isa_name(void);

typedef struct {
    size_t mr, nr;      /* micro-tile: the kernel keeps mr x nr sums of C in registers */
    size_t mc, kc, nc;  /* cache blocks: A (mc x kc) packed per thread, B (kc x nc) */
} GemmBlocking;
GemmBlocking gemm_blocking_f64(void);
GemmBlocking gemm_blocking_f32(void);
/* How many threads the last product (gemm_f64 or gemm_f32) ran on. */
int gemm_threads_used(void);

/* A micro-kernel: for the mr x nr tile c (row stride ldc, row-major),
 *   acc[i][j] = load ? c[i*ldc + j] : 0;  acc[i][j] = fma(A(i, k), b[k*nr + j], acc[i][j])
 *   for k = 0 .. kc-1 in order;  c[i*ldc + j] = acc[i][j].
 * b is a packed sliver of B (kc rows of nr). With lda = 0, a is a packed sliver of A (kc
 * columns of mr values): A(i, k) = a[k*mr + i]; otherwise a is A itself, rows lda apart:
 * A(i, k) = a[i*lda + k] (used when A would be packed only to be read a few times). */
typedef void GemmKernelF64(size_t kc, const double *a, size_t lda, const double *b, double *c,
                           size_t ldc, int load);
typedef void GemmKernelF32(size_t kc, const float *a, size_t lda, const float *b, float *c,
                           size_t ldc, int load);

/* The largest micro-tile of any path (for the edge-tile buffer). */
#define GEMM_MAX_MR 12
#define GEMM_MAX_NR 32

/* gemm_portable.c: 4 x 4 tiles in plain C with fma() (any CPU). */
GemmKernelF64 gemm_kernel_f64_portable;
GemmKernelF32 gemm_kernel_f32_portable;
#define GEMM_PORTABLE_MR 4
#define GEMM_PORTABLE_NR 4

/* gemm_x86.c: AVX2+FMA (6 x 8 doubles, 6 x 16 floats) and AVX-512 (12 x 16 doubles,
 * 12 x 32 floats); gemm_x86_has_* say whether this CPU runs them (0 off x86). */
int gemm_x86_has_avx2(void);
int gemm_x86_has_avx512(void);
GemmKernelF64 gemm_kernel_f64_avx2, gemm_kernel_f64_avx512;
GemmKernelF32 gemm_kernel_f32_avx2, gemm_kernel_f32_avx512;
/* Half-width kernels (mr x nr/2) for the last nr/2 or fewer columns: same sums, half the
 * work on an edge that would otherwise multiply padding. b is still packed nr wide. */
GemmKernelF64 gemm_kernel_f64_avx2_half, gemm_kernel_f64_avx512_half;
GemmKernelF32 gemm_kernel_f32_avx2_half, gemm_kernel_f32_avx512_half;

#endif
