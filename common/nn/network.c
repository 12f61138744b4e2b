/* network.c - see network.h. */
#include "nn/network.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/clones.h"
#include "nn/functions.h"
#include "sys/checked.h"

#ifdef _OPENMP
#define OMP(directive) _Pragma(#directive)
#else
#define OMP(directive)
#endif
/* Loops over at least this many rows (images, or rows of a gradient) may be spread over the
 * threads (kernels/parallel.h); each row is computed whole by one thread, in the same order
 * as on one thread, so any thread count gives the same bits. Fewer rows: one thread (a
 * parallel region costs a few microseconds). */
#define PAR_MIN_ROWS 16

#ifdef _OPENMP
#include <omp.h>
#endif

/* Whether a loop of a training step runs faster on the threads, measured as it runs. A step
 * of batch 100 takes about 100 us, a parallel region a few us on an idle machine but a
 * scheduler time slice (milliseconds) when other programs keep the cores busy and a thread
 * waits to run. So each loop (one Adapt per call site) times itself: it takes the mode
 * (threads or one thread) with the lower running average per row, tries the other one now
 * and then (a trial's time replaces that mode's average; trials come less often each time
 * they lose, down to every 1024th call), and runs on one thread inside another parallel
 * region. The mode never changes a bit of the results. DLFS_ALWAYS_THREADS=1 in the
 * environment skips the measuring and always takes the threads (tests/test_threads.c, which
 * checks that the threads give the same bits, sets it). */
typedef struct {
    double per_row[2];      /* running average of seconds per row: [0] one thread, [1] all */
    unsigned calls, retry;  /* calls so far; the other mode is tried every `retry` calls */
    int mode, trying;
} Adapt;

static int always_threads(void)
{
    static int cached = -1;         /* read once, before any parallel region */
    if (cached < 0) {
        const char *e = getenv("DLFS_ALWAYS_THREADS");
        cached = e && strcmp(e, "1") == 0;
    }
    return cached;
}

static int adapt_begin(Adapt *a, size_t rows, double *t0)
{
#ifdef _OPENMP
    if (rows < PAR_MIN_ROWS || omp_in_parallel() || omp_get_max_threads() < 2)
        return 0;
    if (always_threads())
        return a->mode = 1, a->trying = 0, 1;
    const int best = a->per_row[1] < a->per_row[0] ? 1 : 0;
    if (a->retry == 0)
        a->retry = 16;
    a->trying = ++a->calls % a->retry == 0 || a->per_row[!best] == 0.0;
    a->mode = a->trying ? !best : best;
    *t0 = omp_get_wtime();
    return a->mode;
#else
    (void)a, (void)rows, (void)t0;
    return 0;
#endif
}

static void adapt_end(Adapt *a, size_t rows, double t0)
{
#ifdef _OPENMP
    if (rows < PAR_MIN_ROWS || omp_in_parallel() || omp_get_max_threads() < 2 ||
        always_threads())
        return;
    const double per_row = (omp_get_wtime() - t0) / (double)rows;
    double *avg = &a->per_row[a->mode];
    const int was_best = a->per_row[a->mode] <= a->per_row[!a->mode];
    *avg = *avg == 0.0 || a->trying ? per_row : 0.875 * *avg + 0.125 * per_row;
    if (a->trying)      /* a losing trial makes the next one rarer; a winning one, sooner */
        a->retry = *avg < a->per_row[!a->mode] || was_best ? 16
                   : (a->retry < 1024 ? 2 * a->retry : 1024);
#else
    (void)a, (void)rows, (void)t0;
#endif
}
#include "nn/gradient.h"
#include "formats/weights.h"

/* What network_from_arrays checks, on names and shapes alone (an ArrayCheck, so that
 * network_load refuses a weight file whose shapes don't chain from its headers, before its
 * data are read): W1, b1, ... Wn, bn and nothing else, Wi 2-D, bi 1-D, the shapes chained. */
static int check_network_shapes(const ArrayInfo *a, size_t count, const char *file, void *ctx,
                                char *err)
{
    (void)ctx;
    const ArrayInfo *W[NETWORK_MAX_LAYERS], *b[NETWORK_MAX_LAYERS];
    size_t n = 0;
    for (;; n++) {
        char wname[24], bname[24];
        snprintf(wname, sizeof wname, "W%zu", n + 1);
        snprintf(bname, sizeof bname, "b%zu", n + 1);
        const ArrayInfo *w = NULL, *bias = NULL;
        for (size_t i = 0; i < count; i++) {
            w = !w && strcmp(a[i].name, wname) == 0 ? &a[i] : w;
            bias = !bias && strcmp(a[i].name, bname) == 0 ? &a[i] : bias;
        }
        if (!w)
            break;
        if (n == NETWORK_MAX_LAYERS)
            return set_error(err, "%s: more than %d layers", file, NETWORK_MAX_LAYERS);
        if (!bias)
            return set_error(err, "%s: W%zu has no bias b%zu", file, n + 1, n + 1);
        W[n] = w, b[n] = bias;
    }
    if (n == 0)
        return set_error(err, "%s: no array named W1 (expected W1, b1, W2, b2, ...)", file);
    if (count != 2 * n)
        return set_error(err, "%s: expected exactly W1..W%zu and b1..b%zu, found %zu arrays",
                         file, n, n, count);
    for (size_t i = 0; i < n; i++) {
        if (W[i]->ndim != 2 || b[i]->ndim != 1)
            return set_error(err, "%s: W%zu must be 2-D and b%zu 1-D (they are %d-D and %d-D)",
                             file, i + 1, i + 1, W[i]->ndim, b[i]->ndim);
        if (W[i]->shape[0] == 0 || W[i]->shape[1] == 0)
            return set_error(err, "%s: W%zu is empty", file, i + 1);
        if (b[i]->shape[0] != W[i]->shape[1])
            return set_error(err, "%s: shapes don't chain: W%zu is (%zu, %zu) but b%zu is (%zu,)",
                             file, i + 1, W[i]->shape[0], W[i]->shape[1], i + 1, b[i]->shape[0]);
        if (i > 0 && W[i]->shape[0] != W[i - 1]->shape[1])
            return set_error(err,
                             "%s: shapes don't chain: W%zu is (%zu, %zu) but W%zu is (%zu, %zu)",
                             file, i, W[i - 1]->shape[0], W[i - 1]->shape[1], i + 1,
                             W[i]->shape[0], W[i]->shape[1]);
    }
    return 0;
}

int network_from_arrays(Network *net, const ArrayList *arrays, const char *file, char *err)
{
    memset(net, 0, sizeof *net);
    ArrayInfo *info = calloc(arrays->count ? arrays->count : 1, sizeof *info);
    if (!info)
        return set_error(err, "%s: out of memory", file);
    for (size_t i = 0; i < arrays->count; i++) {
        const NamedArray *a = &arrays->items[i];
        memcpy(info[i].name, a->name, sizeof info[i].name);
        info[i].ndim = a->ndim;
        memcpy(info[i].shape, a->shape, sizeof info[i].shape);
        info[i].size = a->size;
    }
    const int rc = check_network_shapes(info, arrays->count, file, NULL, err);
    free(info);
    if (rc != 0)
        return -1;
    size_t n = 0;
    for (char name[24];; n++) {     /* checked: W1, b1, ... are there and chain */
        snprintf(name, sizeof name, "W%zu", n + 1);
        const NamedArray *W = arraylist_find(arrays, name);
        if (!W)
            break;
        snprintf(name, sizeof name, "b%zu", n + 1);
        const NamedArray *b = arraylist_find(arrays, name);
        net->W[n] = matrix_from(W->shape[0], W->shape[1], W->data);
        net->b[n] = matrix_from(1, b->shape[0], b->data);
    }
    net->nlayers = n;
    return 0;
}

int network_load(Network *net, const char *path, char *err)
{
    memset(net, 0, sizeof *net);
    ArrayList arrays;
    int rc = weights_load_checked(path, check_network_shapes, NULL, &arrays, err);
    if (rc == 0)
        rc = network_from_arrays(net, &arrays, path, err);
    arraylist_free(&arrays);
    return rc;
}

void network_to_arrays(const Network *net, ArrayList *out)
{
    *out = (ArrayList){ 0, NULL };
    char name[24];
    for (size_t i = 0; i < net->nlayers; i++) {
        const Matrix *W = &net->W[i], *b = &net->b[i];
        size_t wshape[2] = { W->rows, W->cols }, bshape[1] = { b->cols };
        snprintf(name, sizeof name, "W%zu", i + 1);
        if (!arraylist_add(out, name, 2, wshape,
                           memcpy(xcalloc(matrix_size(W), sizeof(double)), W->data,
                                  matrix_size(W) * sizeof(double))))
            die("out of memory copying the network's arrays");
        snprintf(name, sizeof name, "b%zu", i + 1);
        if (!arraylist_add(out, name, 1, bshape, memcpy(xcalloc(b->cols, sizeof(double)),
                                                        b->data, b->cols * sizeof(double))))
            die("out of memory copying the network's arrays");
    }
}

void network_free(Network *net)
{
    for (size_t i = 0; i < NETWORK_MAX_LAYERS; i++) {
        matrix_free(&net->W[i]);
        matrix_free(&net->b[i]);
    }
    net->nlayers = 0;
}

size_t network_input_size(const Network *net) { return net->W[0].rows; }
size_t network_output_size(const Network *net) { return net->W[net->nlayers - 1].cols; }

/* Rows of x evaluated together by network_predict and network_accuracy: their layer
 * outputs stay in the L1 cache (measured: 100 rows 10% faster than 500). */
#define EVAL_BATCH 100

/* ---- sparse rows ------------------------------------------------------------------------ */

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

/* Room for rows + 1 starts and exactly nnz entries in s (at least), keeping what is there. */
static void sparse_reserve(SparseRows *s, size_t rows, size_t nnz)
{
    if (rows + 1 > s->rows_cap) {
        s->start = grow(s->start, rows + 1, sizeof *s->start);
        s->rows_cap = rows + 1;
    }
    if (nnz > s->nnz_cap || !s->col) {      /* never NULL, even for all-zero rows */
        s->col = grow(s->col, nnz ? nnz : 1, sizeof *s->col);
        s->val = grow(s->val, nnz ? nnz : 1, sizeof *s->val);
        s->nnz_cap = nnz ? nnz : 1;
    }
}

void sparse_rows_append(SparseRows *out, const Matrix *x)
{
    assert(x->cols <= UINT32_MAX && "sparse_rows_append: too many columns");
    assert((out->rows == 0 || out->cols == x->cols) && "sparse_rows_append: widths differ");
    const size_t r0 = out->rows, rows = r0 + x->rows;
    sparse_reserve(out, rows, 0);
    size_t p = r0 ? out->start[r0] : 0;
    out->rows = rows, out->cols = x->cols;
    for (size_t i = 0; i < x->rows; i++) {
        const double *r = x->data + i * x->cols;
        if (p + x->cols > out->nnz_cap)                 /* room for a dense row, and more */
            sparse_reserve(out, rows, out->nnz_cap + out->nnz_cap / 2 + x->cols);
        out->start[r0 + i] = p;
        for (size_t k = 0; k < x->cols; k++) {
            out->col[p] = (uint32_t)k;
            out->val[p] = r[k];
            p += r[k] != 0.0;
        }
    }
    out->start[rows] = p;
}

void sparse_rows_from(SparseRows *out, const Matrix *x)
{
    out->rows = 0;
    sparse_rows_append(out, x);
}

void sparse_rows_take(SparseRows *out, const SparseRows *x, const size_t *mask, size_t n)
{
    assert(out != x && "sparse_rows_take: out is x");
    size_t nnz = 0;
    for (size_t i = 0; i < n; i++) {
        assert(mask[i] < x->rows && "sparse_rows_take: row index out of range");
        nnz += x->start[mask[i] + 1] - x->start[mask[i]];
    }
    sparse_reserve(out, n, nnz);
    out->rows = n, out->cols = x->cols;
#if defined(__GNUC__)
    for (size_t i = 0; i < n; i++) {    /* ask for all the rows at once: they are far apart */
        __builtin_prefetch(x->col + x->start[mask[i]]);
        __builtin_prefetch(x->val + x->start[mask[i]]);
    }
#endif
    size_t p = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t from = x->start[mask[i]], len = x->start[mask[i] + 1] - from;
        out->start[i] = p;
        memcpy(out->col + p, x->col + from, len * sizeof *out->col);
        memcpy(out->val + p, x->val + from, len * sizeof *out->val);
        p += len;
    }
    out->start[n] = p;
}

void sparse_rows_free(SparseRows *s)
{
    free(s->start);
    free(s->col);
    free(s->val);
    memset(s, 0, sizeof *s);
}

/* ---- the products ------------------------------------------------------------------------ */

/* The products have a version per vector extension (kernels/clones.h); the helpers below
 * are compiled into each version. */

/* v4d, v4du: 4 doubles (kernels/clones.h) */
#define VEC 4           /* doubles per vector */
#define BLOCK_VECS 8    /* the widest block of output columns kept in registers: 8 x 4 */

/* o[0..4 nv + tail) = sum over p < n of v[p] * B[row p][...], row p being idx[p] or p when
 * idx is NULL; every element summed in order from 0.0. All the columns of a block go in one
 * pass over the rows (nv vectors and tail < 4 single columns, each its own chain of adds),
 * so the additions of different columns overlap instead of waiting for each other. nv is a
 * constant at each call; tail is loop-invariant (the branches on it always go one way). */
static INLINE_IN_CLONES void dot_block(double *restrict o, const double *restrict v,
                                       const uint32_t *restrict idx, size_t n,
                                       const double *restrict B, size_t ldb, const size_t nv,
                                       size_t tail)
{
    v4d acc[BLOCK_VECS];
    double t[VEC - 1] = { 0.0, 0.0, 0.0 };
#pragma GCC unroll 8
    for (size_t u = 0; u < nv; u++)
        acc[u] = (v4d){ 0.0 };
    for (size_t p = 0; p < n; p++) {
        const double vp = v[p];
        const double *restrict b = B + (idx ? idx[p] : p) * ldb;
#pragma GCC unroll 8
        for (size_t u = 0; u < nv; u++)
            acc[u] += vp * ((const v4du *)b)[u];
#pragma GCC unroll 3
        for (size_t u = 0; u < VEC - 1; u++)
            if (u < tail)
                t[u] += vp * b[VEC * nv + u];
    }
#pragma GCC unroll 8
    for (size_t u = 0; u < nv; u++)
        *(v4du *)(o + VEC * u) = acc[u];
#pragma GCC unroll 3
    for (size_t u = 0; u < VEC - 1; u++)
        if (u < tail)
            o[VEC * nv + u] = t[u];
}

/* o[0..M) = v . B (+ bias): dot_block over blocks of up to 32 columns. */
static INLINE_IN_CLONES void row_times(double *o, const double *v, const uint32_t *idx,
                                       size_t n, const Matrix *B, const Matrix *bias)
{
    const size_t M = B->cols;
    for (size_t j = 0; j < M; j += VEC * BLOCK_VECS) {
        const size_t w = M - j < VEC * BLOCK_VECS ? M - j : VEC * BLOCK_VECS;
        const size_t tail = w % VEC;
        double *oj = o + j;
        const double *Bj = B->data + j;
        switch (w / VEC) {
        case 0: dot_block(oj, v, idx, n, Bj, M, 0, tail); break;
        case 1: dot_block(oj, v, idx, n, Bj, M, 1, tail); break;
        case 2: dot_block(oj, v, idx, n, Bj, M, 2, tail); break;
        case 3: dot_block(oj, v, idx, n, Bj, M, 3, tail); break;
        case 4: dot_block(oj, v, idx, n, Bj, M, 4, tail); break;
        case 5: dot_block(oj, v, idx, n, Bj, M, 5, tail); break;
        case 6: dot_block(oj, v, idx, n, Bj, M, 6, tail); break;
        case 7: dot_block(oj, v, idx, n, Bj, M, 7, tail); break;
        default: dot_block(oj, v, idx, n, Bj, M, 8, tail); break;
        }
    }
    if (bias)
        for (size_t j = 0; j < M; j++)
            o[j] += bias->data[j];
}

/* Row r of out = row r of in (or of the sparse x) . B (+ bias): one version per CPU kind. */
VECTOR_CLONES
static void dense_row(double *o, const double *in, size_t K, const Matrix *B, const Matrix *bias)
{
    row_times(o, in, NULL, K, B, bias);
}

VECTOR_CLONES
static void sparse_row(double *o, const SparseRows *x, size_t r, const Matrix *B,
                       const Matrix *bias)
{
    const size_t p = x->start[r];
    row_times(o, x->val + p, x->col + p, x->start[r + 1] - p, B, bias);
}

/* out (N, M) = in (N, K) . B (K, M) (+ bias (1, M) unless NULL): np.dot(z, W) + b.
 * Rows over the threads. */
static void dense_dot(Matrix *out, const Matrix *in, const Matrix *B, const Matrix *bias)
{
    assert(in->cols == B->rows && out->rows == in->rows && out->cols == B->cols &&
           "dense_dot: shapes");
    static Adapt adapt;
    const size_t N = in->rows;
    double t0 = 0.0;
    const int threads = adapt_begin(&adapt, N, &t0);
    OMP(omp parallel for schedule(static) if (threads))
    for (size_t r = 0; r < N; r++)
        dense_row(out->data + r * out->cols, in->data + r * in->cols, in->cols, B, bias);
    adapt_end(&adapt, N, t0);
}

/* out (N, M) = x (N, K) . B (K, M) (+ bias) for x as sparse rows: each output row is the sum
 * of the B rows that x's non-zero entries pick, in column order (so exactly what matrix_dot,
 * which skips zeros too, gives). Used for np.dot(x, W1) and np.dot(x.T, dy), whose x.T rows
 * are pixels. Rows over the threads. */
static void sparse_dot(Matrix *out, const SparseRows *x, const Matrix *B, const Matrix *bias)
{
    assert(x->cols == B->rows && out->rows == x->rows && out->cols == B->cols &&
           "sparse_dot: shapes");
    static Adapt adapt;
    const size_t N = x->rows;
    double t0 = 0.0;
    const int threads = adapt_begin(&adapt, N, &t0);
    OMP(omp parallel for schedule(static) if (threads))
    for (size_t r = 0; r < N; r++)
        sparse_row(out->data + r * out->cols, x, r, B, bias);
    adapt_end(&adapt, N, t0);
}

/* y[0..n) += a * x[0..n), in blocks the compiler vectorizes. */
static INLINE_IN_CLONES void axpy(double *restrict y, double a, const double *restrict x,
                                  size_t n)
{
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
#pragma GCC unroll 16
        for (size_t u = 0; u < 16; u++)
            y[j + u] += a * x[j + u];
    }
    for (; j + 2 <= n; j += 2) {
#pragma GCC unroll 2
        for (size_t u = 0; u < 2; u++)
            y[j + u] += a * x[j + u];
    }
    for (; j < n; j++)
        y[j] += a * x[j];
}

/* a = sigmoid(a) for n values, exactly nn/functions.h's 1.0 / (1.0 + exp(-a)): the C
 * library's exp one value at a time, then the divisions, which vectorize. */
VECTOR_CLONES
static void sigmoid_in_place(double *a, size_t n)
{
    for (size_t k = 0; k < n; k++)
        a[k] = exp(-a[k]);
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
#pragma GCC unroll 8
        for (size_t u = 0; u < 8; u++)
            a[k + u] = 1.0 / (1.0 + a[k + u]);
    }
    for (; k < n; k++)
        a[k] = 1.0 / (1.0 + a[k]);
}

/* out (cols, rows) = m^T */
static void transpose(Matrix *out, const Matrix *m)
{
    assert(out->rows == m->cols && out->cols == m->rows && "transpose: shape");
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++)
            MAT_AT(out, j, i) = MAT_AT(m, i, j);
}

/* ---- scratch space ------------------------------------------------------------------------ */

struct NetworkWork {
    size_t batch, nlayers;
    size_t sizes[NETWORK_MAX_LAYERS + 1];   /* the shapes this work was made for */
    Matrix z[NETWORK_MAX_LAYERS];   /* (batch, n_i+1): z1 = sigmoid(a1), ..., the last is y */
    Matrix delta[2];                /* (batch, widest): dy, and the one of the layer below */
    Matrix T;                       /* (widest, max(batch, widest)): a transposed z or W */
    SparseRows xT;                  /* x^T of a sparse batch, for np.dot(x.T, dy) */
    SparseRows chunk;               /* a chunk of a dense x (network_predict) */
};

NetworkWork *network_work_new(const Network *net, size_t batch)
{
    assert(net->nlayers > 0 && batch > 0 && "network_work_new: empty network or batch");
    NetworkWork *w = xcalloc(1, sizeof *w);
    w->batch = batch;
    w->nlayers = net->nlayers;
    size_t widest = 0;
    w->sizes[0] = net->W[0].rows;
    for (size_t i = 0; i < net->nlayers; i++) {
        w->sizes[i + 1] = net->W[i].cols;
        widest = net->W[i].cols > widest ? net->W[i].cols : widest;
        if (i > 0)
            widest = net->W[i].rows > widest ? net->W[i].rows : widest;
        w->z[i] = matrix_new(batch, net->W[i].cols);
    }
    w->delta[0] = matrix_new(batch, widest);
    w->delta[1] = matrix_new(batch, widest);
    w->T = matrix_new(widest, batch > widest ? batch : widest);
    return w;
}

void network_work_free(NetworkWork *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nlayers; i++)
        matrix_free(&w->z[i]);
    matrix_free(&w->delta[0]);
    matrix_free(&w->delta[1]);
    matrix_free(&w->T);
    sparse_rows_free(&w->xT);
    sparse_rows_free(&w->chunk);
    free(w);
}

static void check_work(const NetworkWork *w, const Network *net, const SparseRows *x)
{
    assert(w->nlayers == net->nlayers && w->sizes[0] == net->W[0].rows &&
           "network: work made for another network");
    for (size_t i = 0; i < net->nlayers; i++)
        assert(w->sizes[i + 1] == net->W[i].cols && "network: work made for another network");
    assert(x->cols == net->W[0].rows && "network: x has the wrong width");
    assert(x->rows > 0 && x->rows <= w->batch && "network: x has more rows than the work");
    (void)w, (void)net, (void)x;
}

/* A matrix of the first `rows` rows and `cols` columns' worth of m's storage. */
static Matrix scratch(const Matrix *m, size_t rows, size_t cols)
{
    assert(rows * cols <= matrix_size(m) && "scratch: too small");
    return (Matrix){ rows, cols, m->data };
}

/* xT = x^T as sparse rows (one per column of x), entries in x's row order. */
static void sparse_transpose(SparseRows *xT, const SparseRows *x)
{
    const size_t nnz = x->start[x->rows] - x->start[0];
    sparse_reserve(xT, x->cols, nnz);
    xT->rows = x->cols, xT->cols = x->rows;
    memset(xT->start, 0, (x->cols + 1) * sizeof *xT->start);
    for (size_t p = x->start[0]; p < x->start[x->rows]; p++)   /* count per column */
        xT->start[x->col[p] + 1]++;
    for (size_t k = 0; k < x->cols; k++)
        xT->start[k + 1] += xT->start[k];
    for (size_t i = 0; i < x->rows; i++)                       /* fill, rows in order */
        for (size_t p = x->start[i]; p < x->start[i + 1]; p++) {
            const size_t q = xT->start[x->col[p]]++;
            xT->col[q] = (uint32_t)i;
            xT->val[q] = x->val[p];
        }
    for (size_t k = x->cols; k > 0; k--)                       /* starts shifted back */
        xT->start[k] = xT->start[k - 1];
    xT->start[0] = 0;
}

/* ---- predict --------------------------------------------------------------------------------- */

/* Row r of the book's predict: a1 = np.dot(x, W1) + b1, z1 = sigmoid(a1), ..., y =
 * softmax(an), into row r of w->z[0], ..., w->z[n-1]. */
static void forward_row(const Network *net, const SparseRows *x, size_t r, NetworkWork *w)
{
    const size_t n = net->nlayers;
    for (size_t i = 0; i < n; i++) {
        const size_t M = net->W[i].cols, K = net->W[i].rows;
        double *a = w->z[i].data + r * M;
        if (i == 0)
            sparse_row(a, x, r, &net->W[0], &net->b[0]);       /* a1 = np.dot(x, W1) + b1 */
        else
            dense_row(a, w->z[i - 1].data + r * K, K, &net->W[i], &net->b[i]);
        if (i + 1 < n)
            sigmoid_in_place(a, M);                             /* z = sigmoid(a) */
        else {
            Matrix y = { 1, M, a };                             /* y = softmax(a) */
            softmax(&y, &y);
        }
    }
}

/* The book's predict for x (N rows, N <= w->batch), kept in w->z (z1, z2, ..., y), the rows
 * spread over the threads. Returns y (N, out), a view into w. */
static Matrix forward(const Network *net, const SparseRows *x, NetworkWork *w)
{
    check_work(w, net, x);
    static Adapt adapt;
    const size_t N = x->rows;
    double t0 = 0.0;
    const int threads = adapt_begin(&adapt, N, &t0);
    OMP(omp parallel for schedule(static) if (threads))
    for (size_t r = 0; r < N; r++)
        forward_row(net, x, r, w);
    adapt_end(&adapt, N, t0);
    return scratch(&w->z[net->nlayers - 1], N, net->W[net->nlayers - 1].cols);
}

/* Calls visit(y, first row, ctx) for x (dense) in chunks of at most w->batch rows. */
static void predict_chunks(const Network *net, const Matrix *x, NetworkWork *w,
                           void (*visit)(const Matrix *y, size_t row, void *ctx), void *ctx)
{
    for (size_t i = 0; i < x->rows; i += w->batch) {
        const size_t n = x->rows - i < w->batch ? x->rows - i : w->batch;
        const Matrix x_batch = { n, x->cols, x->data + i * x->cols };   /* rows i..i+n */
        sparse_rows_from(&w->chunk, &x_batch);
        const Matrix y = forward(net, &w->chunk, w);
        visit(&y, i, ctx);
    }
}

static void copy_rows(const Matrix *y, size_t row, void *ctx)
{
    Matrix *out = ctx;
    memcpy(out->data + row * out->cols, y->data, matrix_size(y) * sizeof(double));
}

void network_predict_work(const Network *net, const Matrix *x, Matrix *y, NetworkWork *w)
{
    assert(x->cols == network_input_size(net) && "network_predict: x has the wrong width");
    assert(y->rows == x->rows && y->cols == network_output_size(net) && "network_predict: y shape");
    predict_chunks(net, x, w, copy_rows, y);
}

void network_predict(const Network *net, const Matrix *x, Matrix *y)
{
    if (x->rows == 0)
        return;
    NetworkWork *w = network_work_new(net, x->rows < EVAL_BATCH ? x->rows : EVAL_BATCH);
    network_predict_work(net, x, y, w);
    network_work_free(w);
}

typedef struct {
    const size_t *t;
    size_t *p;          /* argmax of each row of a chunk */
    size_t correct;
} Counter;

static void count_rows(const Matrix *y, size_t row, void *ctx)
{
    Counter *c = ctx;
    matrix_argmax_rows(c->p, y);                     /* p = np.argmax(y_batch, axis=1) */
    for (size_t j = 0; j < y->rows; j++)
        c->correct += c->p[j] == c->t[row + j];      /* np.sum(p == t[i:i+batch_size]) */
}

size_t network_count_correct(const Network *net, const Matrix *x, const size_t *t, size_t batch)
{
    assert(batch > 0 && "network_count_correct: batch is 0");
    if (x->rows == 0)
        return 0;
    batch = batch < x->rows ? batch : x->rows;
    NetworkWork *w = network_work_new(net, batch);
    Counter c = { t, xcalloc(batch, sizeof(size_t)), 0 };
    predict_chunks(net, x, w, count_rows, &c);
    free(c.p);
    network_work_free(w);
    return c.correct;
}

/* ---- training ---------------------------------------------------------------------------- */

void network_init(Network *net, const size_t *sizes, size_t nsizes, double weight_init_std,
                  Random *rng)
{
    assert(nsizes >= 2 && nsizes <= NETWORK_MAX_LAYERS + 1 && "network_init: layer count");
    memset(net, 0, sizeof *net);
    net->nlayers = nsizes - 1;
    for (size_t i = 0; i < net->nlayers; i++) {
        assert(sizes[i] > 0 && sizes[i + 1] > 0 && "network_init: a layer of size 0");
        Matrix *W = &net->W[i];
        *W = matrix_new(sizes[i], sizes[i + 1]);
        random_randn_fill(rng, W->data, matrix_size(W));    /* np.random.randn(n_i, n_i+1) */
        for (size_t k = 0; k < matrix_size(W); k++)
            W->data[k] = weight_init_std * W->data[k];
        net->b[i] = matrix_new(1, sizes[i + 1]);             /* np.zeros(n_i+1) */
    }
}

void network_zeros_like(Network *out, const Network *net)
{
    memset(out, 0, sizeof *out);
    out->nlayers = net->nlayers;
    for (size_t i = 0; i < net->nlayers; i++) {
        out->W[i] = matrix_new(net->W[i].rows, net->W[i].cols);
        out->b[i] = matrix_new(1, net->b[i].cols);
    }
}

size_t network_param_count(const Network *net)
{
    size_t n = 0;
    for (size_t i = 0; i < net->nlayers; i++)
        n += matrix_size(&net->W[i]) + matrix_size(&net->b[i]);
    return n;
}

static void check_same_shapes(const Network *a, const Network *b)
{
    assert(a->nlayers == b->nlayers && "network: gradients have another layer count");
    for (size_t i = 0; i < a->nlayers; i++)
        assert(a->W[i].rows == b->W[i].rows && a->W[i].cols == b->W[i].cols &&
               a->b[i].cols == b->b[i].cols && "network: gradients have other shapes");
    (void)a, (void)b;
}

double network_loss(const Network *net, const SparseRows *x, const size_t *t, NetworkWork *w)
{
    const Matrix y = forward(net, x, w);
    return cross_entropy_error_labels(&y, t);
}

double network_accuracy(const Network *net, const SparseRows *x, const size_t *t)
{
    assert(x->rows > 0 && "network_accuracy: no rows");
    const size_t batch = x->rows < EVAL_BATCH ? x->rows : EVAL_BATCH;
    const size_t chunks = (x->rows + batch - 1) / batch;
    size_t correct = 0;
    /* Chunks of `batch` rows over the threads, each with its own scratch space. */
    OMP(omp parallel reduction(+ : correct) if (chunks > 1))
    {
        NetworkWork *w = network_work_new(net, batch);
        size_t *p = xcalloc(batch, sizeof *p);
        OMP(omp for schedule(dynamic, 4))     /* a thread kept waiting does fewer chunks */
        for (size_t c = 0; c < chunks; c++) {
            const size_t i = c * batch;
            SparseRows rows = *x;   /* rows i .. i + batch of x */
            rows.rows = x->rows - i < batch ? x->rows - i : batch;
            rows.start = x->start + i;
            const Matrix y = forward(net, &rows, w);
            matrix_argmax_rows(p, &y);                   /* y = np.argmax(y, axis=1) */
            for (size_t j = 0; j < rows.rows; j++)
                correct += p[j] == t[i + j];             /* np.sum(y == t) */
        }
        free(p);
        network_work_free(w);
    }
    return (double)correct / (double)x->rows;        /* / float(x.shape[0]) */
}

/* The book's loss_W = lambda W: self.loss(x, t): the perturbed W is one of net's own. */
typedef struct {
    const Network *net;
    const SparseRows *x;
    const size_t *t;
    NetworkWork *w;
} LossContext;

static double loss_W(const Matrix *W, void *ctx)
{
    const LossContext *c = ctx;
    (void)W;
    return network_loss(c->net, c->x, c->t, c->w);
}

void network_numerical_gradient(Network *grads, Network *net, const SparseRows *x,
                                const size_t *t, NetworkWork *w)
{
    check_same_shapes(grads, net);
    LossContext ctx = { net, x, t, w };
    for (size_t i = 0; i < net->nlayers; i++) {
        numerical_gradient(&grads->W[i], loss_W, &ctx, &net->W[i]);
        numerical_gradient(&grads->b[i], loss_W, &ctx, &net->b[i]);
    }
}

void network_gradient(Network *grads, const Network *net, const SparseRows *x, const size_t *t,
                      NetworkWork *w)
{
    check_same_shapes(grads, net);
    const size_t N = x->rows, n = net->nlayers;
    const Matrix y = forward(net, x, w);
    sparse_transpose(&w->xT, x);                              /* x.T, for dW1 */

    /* dy = (y - t) / batch_num, t one-hot */
    Matrix dy = scratch(&w->delta[0], N, y.cols);
    for (size_t r = 0; r < N; r++)
        for (size_t j = 0; j < y.cols; j++)
            MAT_AT(&dy, r, j) = (MAT_AT(&y, r, j) - (j == t[r] ? 1.0 : 0.0)) / (double)N;

    for (size_t i = n; i-- > 0;) {
        if (i == 0) {
            sparse_dot(&grads->W[0], &w->xT, &dy, NULL);    /* dW1 = np.dot(x.T, dy) */
        } else {
            const Matrix z = scratch(&w->z[i - 1], N, net->W[i].rows);
            Matrix zT = scratch(&w->T, z.cols, N);           /* dW = np.dot(z.T, dy) */
            transpose(&zT, &z);
            dense_dot(&grads->W[i], &zT, &dy, NULL);
        }
        double *db = grads->b[i].data;                       /* db = np.sum(dy, axis=0) */
        memcpy(db, dy.data, dy.cols * sizeof *db);
        for (size_t r = 1; r < N; r++)
            for (size_t j = 0; j < dy.cols; j++)
                db[j] += MAT_AT(&dy, r, j);
        if (i == 0)
            break;
        /* da = np.dot(dy, W.T); dy = sigmoid_grad(a) * da, where sigmoid(a) is z */
        const Matrix *W = &net->W[i];
        const Matrix z = scratch(&w->z[i - 1], N, W->rows);
        Matrix WT = scratch(&w->T, W->cols, W->rows);
        transpose(&WT, W);
        Matrix da = scratch(&w->delta[(n - i) % 2], N, W->rows);
        dense_dot(&da, &dy, &WT, NULL);
        for (size_t k = 0; k < matrix_size(&da); k++)
            da.data[k] = (1.0 - z.data[k]) * z.data[k] * da.data[k];
        dy = da;
    }
}

/* p -= lr * g for n values: p + (-lr) * g, which is bit for bit p - lr * g. */
VECTOR_CLONES
static void sgd_step(double *p, const double *g, size_t n, double lr)
{
    axpy(p, -lr, g, n);
}

void network_update(Network *net, const Network *grads, double lr)
{
    check_same_shapes(grads, net);
    for (size_t i = 0; i < net->nlayers; i++) {
        sgd_step(net->W[i].data, grads->W[i].data, matrix_size(&net->W[i]), lr);
        sgd_step(net->b[i].data, grads->b[i].data, matrix_size(&net->b[i]), lr);
    }
}
