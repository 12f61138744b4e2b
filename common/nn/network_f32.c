/* network_f32.c - see network_f32.h. */
#include "nn/network_f32.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/clones.h"
#include "kernels/exp_f32.h"
#include "kernels/gemm.h"
#include "sys/checked.h"

#ifdef _OPENMP
#define OMP(directive) _Pragma(#directive)
#else
#define OMP(directive)
#endif

/* Versions for AVX-512, AVX2 and the baseline, picked at run time: kernels/clones.h. */

/* Batches of at least this many rows take gemm_f32 for the dense layers; smaller ones (one
 * image at a time) the row kernel below. Both sum in the same order: the same bits. */
#define GEMM_MIN_ROWS ((size_t)-1)

int network_is_float32(const Network *net)
{
    for (size_t i = 0; i < net->nlayers; i++)
        for (int m = 0; m < 2; m++) {
            const Matrix *a = m ? &net->b[i] : &net->W[i];
            for (size_t k = 0; k < matrix_size(a); k++)
                if ((double)(float)a->data[k] != a->data[k])
                    return 0;
        }
    return 1;
}

/* Rows of W[i] (and of the layer outputs) are stored PAD-aligned, the extra columns zero:
 * the row kernel then runs in whole blocks of 16 (50 columns as 64). The padding is never
 * read as an input (each layer sums over its real inputs only) and never printed. */
#define PAD 16
static size_t padded(size_t n) { return (n + PAD - 1) / PAD * PAD; }

void network_f32_from(NetworkF *out, const Network *net)
{
    memset(out, 0, sizeof *out);
    out->nlayers = net->nlayers;
    out->sizes[0] = net->W[0].rows;
    for (size_t i = 0; i < net->nlayers; i++) {
        const size_t in = net->W[i].rows, o = net->W[i].cols, ld = padded(o);
        out->sizes[i + 1] = o;
        out->W[i] = xcalloc(in * ld, sizeof(float));
        out->b[i] = xcalloc(ld, sizeof(float));
        for (size_t k = 0; k < in; k++)
            for (size_t j = 0; j < o; j++)
                out->W[i][k * ld + j] = (float)net->W[i].data[k * o + j];
        for (size_t k = 0; k < o; k++)
            out->b[i][k] = (float)net->b[i].data[k];
    }
}

void network_f32_free(NetworkF *net)
{
    for (size_t i = 0; i < net->nlayers; i++) {
        free(net->W[i]);
        free(net->b[i]);
    }
    memset(net, 0, sizeof *net);
}

/* ---- the products ---------------------------------------------------------------------- */

/* 8 floats, the compiler's vector type (GCC and Clang): one AVX2 register (half an AVX-512
 * one), two SSE2 ones. Each lane is one IEEE float multiply or add, the same as the scalar
 * code. Not 16: GCC's AVX2 version of a 64-byte vector type kept it in memory, moving
 * halves through the stack (measured: predict 10,000 images on one AVX2 core took 0.15 s;
 * with 32-byte vectors 0.027 s). */
typedef float v8f __attribute__((vector_size(32)));
typedef float v8fu __attribute__((vector_size(32), aligned(4), may_alias));   /* unaligned */
#define BLOCK 8     /* the widest block of output columns kept in registers: 8 x 8 */

/* o[0..8 nv) = sum over p < n of v[p] * B[row p][0..8 nv), row p being idx[p] (the
 * non-zero pixels) or p when idx is NULL; each element summed in order from 0.0f. */
static INLINE_IN_CLONES void dot_block(float *restrict o, const float *restrict v,
                                       const uint32_t *restrict idx, size_t n,
                                       const float *restrict B, size_t ldb, const size_t nv)
{
    v8f acc[BLOCK];
#pragma GCC unroll 8
    for (size_t u = 0; u < nv; u++)
        acc[u] = (v8f){ 0 };
    for (size_t p = 0; p < n; p++) {
        const float vp = v[p];
        const v8fu *b = (const v8fu *)(B + (idx ? idx[p] : p) * ldb);
#pragma GCC unroll 8
        for (size_t u = 0; u < nv; u++)
            acc[u] += vp * b[u];
    }
#pragma GCC unroll 8
    for (size_t u = 0; u < nv; u++)
        *(v8fu *)(o + 8 * u) = acc[u];
}

/* o[0..M) = v . B + bias (B has M columns, M a multiple of PAD = 16), 64 columns at a time. */
VECTOR_CLONES
static void row_times(float *o, const float *v, const uint32_t *idx, size_t n, const float *B,
                      size_t M, const float *bias)
{
    for (size_t j = 0; j < M; j += 8 * BLOCK) {
        switch ((M - j) / 8) {      /* M - j is a multiple of 16 */
        case 2: dot_block(o + j, v, idx, n, B + j, M, 2); break;
        case 4: dot_block(o + j, v, idx, n, B + j, M, 4); break;
        case 6: dot_block(o + j, v, idx, n, B + j, M, 6); break;
        default: dot_block(o + j, v, idx, n, B + j, M, 8); break;
        }
    }
    for (size_t j = 0; j < M; j++)
        o[j] += bias[j];
}

/* a = 1 / (1 + exp(-a)) in float32, as NumPy evaluates the book's sigmoid on float32. */
VECTOR_CLONES
static void sigmoid_f32(float *a, size_t n)
{
    size_t k = 0;
    for (; k + 16 <= n; k += 16) {      /* blocks of 16 (GCC's -O2 vectorizes fixed blocks) */
#pragma GCC unroll 16
        for (size_t u = 0; u < 16; u++)
            a[k + u] = 1.0f / (1.0f + exp_f32(-a[k + u]));
    }
    for (; k < n; k++)
        a[k] = 1.0f / (1.0f + exp_f32(-a[k]));
}

/* np.sum of n float32 values as NumPy adds them (pairwise: eight partial sums for 8..128
 * values, then the rest one by one; fewer than 8 in order). */
static float numpy_sum_f32(const float *e, size_t n)
{
    if (n < 8) {
        float s = 0.0f;     /* NumPy starts from -0.0 for n == 0; 0 for the sums here */
        for (size_t j = 0; j < n; j++)
            s = j ? s + e[j] : e[0];
        return s;
    }
    if (n > 128) {          /* halves, as NumPy's pairwise_sum recursion splits them */
        size_t half = n / 2;
        half -= half % 8;
        return numpy_sum_f32(e, half) + numpy_sum_f32(e + half, n - half);
    }
    float r[8];
    for (int u = 0; u < 8; u++)
        r[u] = e[u];
    size_t j = 8;
    for (; j + 8 <= n; j += 8)
        for (int u = 0; u < 8; u++)
            r[u] += e[j + u];
    float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; j < n; j++)
        s += e[j];
    return s;
}

/* y = softmax(a) for one row of n values: exp(a - max) / np.sum(exp(a - max)). */
static void softmax_f32(float *a, size_t n)
{
    float m = a[0];
    for (size_t j = 1; j < n; j++)
        m = a[j] > m ? a[j] : m;
    for (size_t j = 0; j < n; j++)
        a[j] = exp_f32(a[j] - m);
    const float s = numpy_sum_f32(a, n);
    for (size_t j = 0; j < n; j++)
        a[j] = a[j] / s;
}

/* ---- a pass ------------------------------------------------------------------------------ */

typedef struct {
    size_t batch;
    float *a[NETWORK_MAX_LAYERS];   /* (batch, sizes[i+1]): a1 then z1 in place, ..., y */
    uint32_t *col;                  /* the non-zero pixels of one image */
    float *val;
    float scale[256];               /* pixel value v as the book's float32 v / 255.0 */
} WorkF;

static WorkF *work_new(const NetworkF *net, size_t batch)
{
    WorkF *w = xcalloc(1, sizeof *w);
    w->batch = batch;
    for (size_t i = 0; i < net->nlayers; i++)
        w->a[i] = xcalloc(batch * padded(net->sizes[i + 1]), sizeof(float));
    w->col = xcalloc(net->sizes[0], sizeof *w->col);
    w->val = xcalloc(net->sizes[0], sizeof *w->val);
    for (int v = 0; v < 256; v++)
        w->scale[v] = (float)v / 255.0f;
    return w;
}

static void work_free(WorkF *w, const NetworkF *net)
{
    for (size_t i = 0; i < net->nlayers; i++)
        free(w->a[i]);
    free(w->col);
    free(w->val);
    free(w);
}

/* predict(x) for n <= w->batch images at pixels; returns y (n, outputs) inside w. */
static const float *forward(const NetworkF *net, const unsigned char *pixels, size_t n,
                            WorkF *w)
{
    assert(n <= w->batch && "network_f32: batch larger than the work");
    const size_t K = net->sizes[0], L = net->nlayers;
    /* a1 = np.dot(x, W1) + b1, image by image over its non-zero pixels */
    const size_t ld1 = padded(net->sizes[1]);
    for (size_t r = 0; r < n; r++) {
        const unsigned char *img = pixels + r * K;
        size_t nnz = 0, k = 0;
        for (; k + 8 <= K; k += 8) {            /* eight pixels at a time: most are all 0 */
            uint64_t eight;
            memcpy(&eight, img + k, 8);
            if (!eight)
                continue;
            for (size_t u = k; u < k + 8; u++) {
                w->col[nnz] = (uint32_t)u;
                w->val[nnz] = w->scale[img[u]];
                nnz += img[u] != 0;
            }
        }
        for (; k < K; k++) {
            w->col[nnz] = (uint32_t)k;
            w->val[nnz] = w->scale[img[k]];
            nnz += img[k] != 0;
        }
        row_times(w->a[0] + r * ld1, w->val, w->col, nnz, net->W[0], ld1, net->b[0]);
    }
    for (size_t i = 0; i < L; i++) {
        const size_t M = net->sizes[i + 1], ld = padded(M);
        if (i > 0) {                            /* a = np.dot(z, W) + b */
            const size_t Kin = net->sizes[i], ldin = padded(Kin);
            if (n >= GEMM_MIN_ROWS) {
                gemm_f32(GEMM_N, GEMM_N, n, ld, Kin, w->a[i - 1], ldin, net->W[i], ld, w->a[i],
                         ld, 0);
                for (size_t r = 0; r < n; r++)
                    for (size_t j = 0; j < M; j++)
                        w->a[i][r * ld + j] += net->b[i][j];
            } else
                for (size_t r = 0; r < n; r++)
                    row_times(w->a[i] + r * ld, w->a[i - 1] + r * ldin, NULL, Kin, net->W[i], ld,
                              net->b[i]);
        }
        for (size_t r = 0; r < n; r++) {
            if (i + 1 < L)
                sigmoid_f32(w->a[i] + r * ld, M);       /* z = sigmoid(a) */
            else
                softmax_f32(w->a[i] + r * ld, M);       /* y = softmax(a) */
        }
    }
    return w->a[L - 1];
}

void network_f32_predict(const NetworkF *net, const unsigned char *pixels, size_t n, float *y)
{
    if (n == 0)
        return;
    WorkF *w = work_new(net, n);
    const size_t M = net->sizes[net->nlayers], ld = padded(M);
    const float *out = forward(net, pixels, n, w);
    for (size_t r = 0; r < n; r++)
        memcpy(y + r * M, out + r * ld, M * sizeof(float));
    work_free(w, net);
}

size_t network_f32_count_correct(const NetworkF *net, const unsigned char *pixels,
                                 const unsigned char *labels, size_t n, size_t batch)
{
    assert(batch > 0 && "network_f32_count_correct: batch is 0");
    if (n == 0)
        return 0;
    batch = batch < n ? batch : n;
    const size_t K = net->sizes[0], M = net->sizes[net->nlayers], ld = padded(M),
                 batches = (n + batch - 1) / batch;
    size_t accuracy_cnt = 0;
    /* Each batch is computed whole by one thread: the same bits for any thread count. The
     * batches are handed out in small groups as threads come free, so a thread that has to
     * wait for a core (a loaded machine) holds up no one. */
    const size_t group = batches >= 4096 ? 32 : 1;
    OMP(omp parallel reduction(+ : accuracy_cnt) if (batches > 1))
    {
        WorkF *w = work_new(net, batch);
        OMP(omp for schedule(dynamic, group))
        for (size_t b = 0; b < batches; b++) {
            const size_t i = b * batch, rows = n - i < batch ? n - i : batch;
            const float *y = forward(net, pixels + i * K, rows, w);   /* predict(x[i:i+batch]) */
            for (size_t r = 0; r < rows; r++) {
                size_t p = 0;                                         /* np.argmax(y, axis=1) */
                for (size_t j = 1; j < M; j++)
                    p = y[r * ld + j] > y[r * ld + p] ? j : p;
                accuracy_cnt += p == labels[i + r];
            }
        }
        work_free(w, net);
    }
    return accuracy_cnt;
}
