/* clones.h - one version of a function per x86-64 vector extension, picked at run time.
 *
 * VECTOR_CLONES before a function makes GCC and Clang (on Linux, x86-64) compile it three
 * times, for AVX-512, AVX2 and the baseline SSE2, and call the one the CPU at hand runs.
 * The kernels that use it do only + and * (or comparisons and selects) per element, in the
 * same order in every version, with FMA off (-ffp-contract=off), so every version gives the
 * same bits (measured: the same trained weights, byte for byte, from each). -DVECTOR_CLONES=
 * builds the one baseline version. Helpers called from such a function are INLINE_IN_CLONES,
 * so that each version gets its own copy instead of calling the baseline one.
 * FMA_CLONES is the same for kernels whose every step is one fma() (gemm.h's GEMM_FUSED):
 * versions for AVX-512 and for FMA, where fma() is one instruction (elsewhere a slow, exact
 * library call).
 */
#ifndef DLFS_CLONES_H
#define DLFS_CLONES_H

#if !defined(VECTOR_CLONES) && defined(__x86_64__) && defined(__linux__) && \
    defined(__has_attribute)
#if __has_attribute(target_clones)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define FMA_CLONES __attribute__((target_clones("avx512f", "fma", "default")))
#endif
#endif
#ifndef VECTOR_CLONES
#define VECTOR_CLONES
#endif
#ifndef FMA_CLONES
#define FMA_CLONES
#endif

/* The vector type such kernels use: 4 doubles (GCC and Clang), one AVX2 register (half an
 * AVX-512 one), two SSE2 ones; each lane is one IEEE multiply or add, as in scalar code; v4du
 * is the same for loads and stores at any double's address. Not 8: GCC's AVX2 version of a
 * 64-byte vector type kept it in memory, moving halves through the stack (measured: chapter
 * 4's training 4x slower on an AVX2 machine than with 32-byte vectors). */
typedef double v4d __attribute__((vector_size(32)));
typedef double v4du __attribute__((vector_size(32), aligned(8), may_alias));

#if defined(__GNUC__)
#define INLINE_IN_CLONES inline __attribute__((always_inline))
#else
#define INLINE_IN_CLONES inline
#endif

#endif
