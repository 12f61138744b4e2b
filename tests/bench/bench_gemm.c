/* bench_gemm - GFLOP/s of the fast matrix product (kernels/gemm.h) on the book's shapes.
 *
 * Usage: bench_gemm [--isa portable|avx2|avx512] [--seconds S]
 * Prints one line per shape, thread count (1, 2) and type (float64, float32):
 *   shape=<name> threads=<n> dtype=<float64|float32> gflops=<best of the runs>
 * Each measurement repeats the product for about S seconds (default 0.3) after one warm-up
 * call and keeps the fastest call. Part of `make bench` (tests/bench/run.sh, beside
 * tests/bench/gemm_numpy.py, which times NumPy on the same shapes); not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/gemm.h"
#include "kernels/gemm_internal.h"
#include "kernels/parallel.h"
#include "sys/checked.h"

typedef struct {
    const char *name;   /* as gemm_numpy.py names it */
    GemmTrans ta, tb;
    size_t M, N, K;
} Shape;

/* Chapter 4's Affine at batch 100 (x . W, and its backward x.T . dy and dy . W.T),
 * chapter 7's im2col products, and the square 1024. */
static const Shape shapes[] = {
    { "x.W(100x784.784x50)", GEMM_N, GEMM_N, 100, 50, 784 },
    { "x.T.dy(784x100.100x50)", GEMM_T, GEMM_N, 784, 50, 100 },
    { "dy.W.T(100x50.50x784)", GEMM_N, GEMM_T, 100, 784, 50 },
    { "im2col(57600x25.25x30)", GEMM_N, GEMM_N, 57600, 30, 25 },
    { "im2col(100x4320.4320x100)", GEMM_N, GEMM_N, 100, 100, 4320 },
    /* SimpleConvNet's first Affine backward (x.T . dout, dout . W.T) */
    { "x.T.dy(4320x100.100x100)", GEMM_T, GEMM_N, 4320, 100, 100 },
    { "dy.W.T(100x100.100x4320)", GEMM_N, GEMM_T, 100, 4320, 100 },
    { "square(1024)", GEMM_N, GEMM_N, 1024, 1024, 1024 },
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#define TIME_FN(NAME, T, GEMM)                                                               \
    static double NAME(const Shape *s, double seconds)                                      \
    {                                                                                        \
        const size_t ar = s->ta == GEMM_N ? s->M : s->K, ac = s->ta == GEMM_N ? s->K : s->M; \
        const size_t br = s->tb == GEMM_N ? s->K : s->N, bc = s->tb == GEMM_N ? s->N : s->K; \
        T *A = xmalloc(ar * ac * sizeof *A), *B = xmalloc(br * bc * sizeof *B);              \
        T *C = xmalloc(s->M * s->N * sizeof *C);                                             \
        for (size_t i = 0; i < ar * ac; i++)                                                 \
            A[i] = (T)((double)(i % 1013) / 1013.0 - 0.5);                                   \
        for (size_t i = 0; i < br * bc; i++)                                                 \
            B[i] = (T)((double)(i % 997) / 997.0 - 0.5);                                     \
        GEMM(s->ta, s->tb, s->M, s->N, s->K, A, ac, B, bc, C, s->N, 0);                      \
        double best = 1e30, start = now();                                                   \
        int calls = 0;                                                                       \
        do {                                                                                 \
            const double t0 = now();                                                         \
            GEMM(s->ta, s->tb, s->M, s->N, s->K, A, ac, B, bc, C, s->N, 0);                  \
            const double t = now() - t0;                                                     \
            best = t < best ? t : best;                                                      \
            calls++;                                                                         \
        } while (now() - start < seconds || calls < 3);                                      \
        free(A);                                                                             \
        free(B);                                                                             \
        free(C);                                                                             \
        return 2.0 * (double)s->M * (double)s->N * (double)s->K / best * 1e-9;               \
    }

TIME_FN(time_f64, double, gemm_f64)
TIME_FN(time_f32, float, gemm_f32)

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    double seconds = 0.3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--isa") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            const GemmIsa isa = strcmp(v, "portable") == 0 ? GEMM_ISA_PORTABLE
                                : strcmp(v, "avx2") == 0   ? GEMM_ISA_AVX2
                                : strcmp(v, "avx512") == 0 ? GEMM_ISA_AVX512
                                                           : GEMM_ISA_AUTO;
            if (isa == GEMM_ISA_AUTO)
                die("--isa: '%s' is not portable, avx2 or avx512", v);
            if (gemm_force_isa(isa) != 0)
                die("--isa: this CPU cannot run %s", v);
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = atof(argv[++i]);
            if (!(seconds > 0 && seconds < 100))
                die("--seconds: '%s' is not a number of seconds in (0, 100)", argv[i]);
        } else {
            die("%s: unknown option (usage: bench_gemm [--isa portable|avx2|avx512] "
                "[--seconds S])", argv[i]);
        }
    }
    printf("isa=%s\n", gemm_isa_name());
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int threads = 1; threads <= 2; threads++)
            for (int f32 = 0; f32 < 2; f32++) {
                parallel_set_threads(threads);
                const double g = f32 ? time_f32(&shapes[s], seconds)
                                     : time_f64(&shapes[s], seconds);
                printf("shape=%s threads=%d dtype=%s gflops=%.2f\n", shapes[s].name, threads,
                       f32 ? "float32" : "float64", g);
                fflush(stdout);
            }
    return 0;
}
