/* layers_conv.c - the book's Convolution and Pooling layers (common/layers.py, book 7.4),
 * declared in layers.h.
 *
 * Convolution is the book's: col = im2col(x) (N*OH*OW, C*FH*FW), then one product with the
 * filters seen as rows, col . W.reshape(FN, -1).T, through gemm_f64 (threaded, the same bits
 * for any number of threads), then + b while reordering (N*OH*OW, FN) to (N, FN, OH, OW).
 * Backward reorders dout back to (N*OH*OW, FN) and computes, as the book,
 *     db = np.sum(dout, axis=0)          summed row after row, as NumPy does along axis 0
 *     dW = dout.T . col                  (FN, C*FH*FW), the book's (col.T . dout).T
 *     dx = col2im(dout . W.reshape(FN, -1))
 * Pooling takes the max of each pool_h x pool_w window of each channel, directly rather than
 * through im2col (the same numbers without the copy), remembering the first maximum of each
 * window, as np.argmax does; backward sends each gradient there, adding in the order col2im
 * adds, so overlapping windows give NumPy's bits too. pad pads with zeros, as im2col does
 * (the book's Pooling computes its output size without pad, so only pad = 0 runs there).
 *
 * The caches (col, the product, dcol; Pooling's arg_max) belong to the layer and grow only
 * for a larger batch. The reorderings and the pooling run over the batch in parallel, one
 * image per thread.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "kernels/gemm.h"
#include "nn/layers.h"
#include "nn/util.h"
#include "sys/checked.h"

#ifdef _OPENMP
#define FOR_EACH_IMAGE _Pragma("omp parallel for schedule(static)")
#else
#define FOR_EACH_IMAGE
#endif

/* ---- Convolution ---------------------------------------------------------------------- */

typedef struct {
    Layer base;
    Tensor *W, *b;              /* the network's (FN, C, FH, FW) and (FN) */
    size_t stride, pad;
    const Tensor *x;            /* the book's self.x */
    Tensor col;                 /* self.col: im2col(x), (N*OH*OW, C*FH*FW) */
    Tensor prod;                /* col . W.T (N*OH*OW, FN); in backward, dout reordered */
    Tensor dcol;                /* dout . W, (N*OH*OW, C*FH*FW) */
    Tensor dW, db;
} Convolution;

static void convolution_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    (void)train;
    Convolution *conv = (Convolution *)l;
    const size_t FN = conv->W->shape[0], C = conv->W->shape[1], FH = conv->W->shape[2],
                 FW = conv->W->shape[3];
    assert(x->ndim == 4 && x->shape[1] == C && "Convolution: x must be (N, C, H, W) with W's C");
    const size_t N = x->shape[0];
    const size_t OH = conv_output_size(x->shape[2], FH, conv->stride, conv->pad);
    const size_t OW = conv_output_size(x->shape[3], FW, conv->stride, conv->pad);
    const size_t P = OH * OW, K = C * FH * FW;

    im2col(&conv->col, x, FH, FW, conv->stride, conv->pad);
    tensor_reshape(&conv->prod, TENSOR_SHAPE2(N * P, FN));
    /* out = np.dot(col, col_W) with col_W = W.reshape(FN, -1).T */
    gemm_f64(GEMM_N, GEMM_T, N * P, FN, K, conv->col.data, K, conv->W->data, K,
             conv->prod.data, FN, 0);
    /* out = (out + b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2) */
    tensor_reshape(out, TENSOR_SHAPE4(N, FN, OH, OW));
    const double *prod = conv->prod.data, *b = conv->b->data;
    double *y = out->data;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < N; n++)
        for (size_t f = 0; f < FN; f++)
            for (size_t p = 0; p < P; p++)
                y[(n * FN + f) * P + p] = prod[(n * P + p) * FN + f] + b[f];
    conv->x = x;
}

static void convolution_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    Convolution *conv = (Convolution *)l;
    const size_t FN = conv->W->shape[0], C = conv->W->shape[1], FH = conv->W->shape[2],
                 FW = conv->W->shape[3];
    const Tensor *x = conv->x;
    assert(x && "Convolution: backward before forward");
    const size_t N = dout->shape[0], P = dout->shape[2] * dout->shape[3], K = C * FH * FW;
    assert(dout->ndim == 4 && dout->shape[1] == FN && N * P * K == conv->col.size &&
           "Convolution: dout is not the shape forward returned");

    /* dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN) */
    tensor_reshape(&conv->prod, TENSOR_SHAPE2(N * P, FN));
    double *d = conv->prod.data;
    const double *g = dout->data;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < N; n++)
        for (size_t f = 0; f < FN; f++)
            for (size_t p = 0; p < P; p++)
                d[(n * P + p) * FN + f] = g[(n * FN + f) * P + p];

    /* self.db = np.sum(dout, axis=0) */
    double *db = conv->db.data;
    for (size_t f = 0; f < FN; f++)
        db[f] = 0.0;
    for (size_t i = 0; i < N * P; i++)
        for (size_t f = 0; f < FN; f++)
            db[f] += d[i * FN + f];
    /* self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW) */
    gemm_f64(GEMM_T, GEMM_N, FN, K, N * P, d, FN, conv->col.data, K, conv->dW.data, K, 0);
    if (!dx)
        return;
    /* dcol = np.dot(dout, self.col_W.T); dx = col2im(dcol, self.x.shape, ...) */
    tensor_reshape(&conv->dcol, TENSOR_SHAPE2(N * P, K));
    gemm_f64(GEMM_N, GEMM_N, N * P, K, FN, d, FN, conv->W->data, K, conv->dcol.data, K, 0);
    col2im(dx, &conv->dcol, x->shape, FH, FW, conv->stride, conv->pad);
}

static size_t convolution_params(Layer *l, Param *out)
{
    Convolution *conv = (Convolution *)l;
    out[0] = (Param){ .value = conv->W, .grad = &conv->dW };
    out[1] = (Param){ .value = conv->b, .grad = &conv->db };
    return 2;
}

static void convolution_free(Layer *l)
{
    Convolution *conv = (Convolution *)l;
    tensor_free(&conv->col);
    tensor_free(&conv->prod);
    tensor_free(&conv->dcol);
    tensor_free(&conv->dW);
    tensor_free(&conv->db);
    free(conv);
}

static const LayerOps CONVOLUTION_OPS = {
    .type = "Convolution",
    .forward = convolution_forward,
    .backward = convolution_backward,
    .params = convolution_params,
    .free = convolution_free,
};

Layer *convolution_new(Tensor *W, Tensor *b, size_t stride, size_t pad)
{
    assert(W->ndim == 4 && b->size == W->shape[0] && "Convolution: W (FN, C, FH, FW), b (FN)");
    assert(stride >= 1 && "Convolution: stride must be at least 1");
    Convolution *conv = xcalloc(1, sizeof *conv);
    conv->base.ops = &CONVOLUTION_OPS;
    conv->W = W;
    conv->b = b;
    conv->stride = stride;
    conv->pad = pad;
    conv->dW = tensor_new(W->ndim, W->shape);
    conv->db = tensor_new(b->ndim, b->shape);
    return &conv->base;
}

/* ---- Pooling -------------------------------------------------------------------------- */

typedef struct {
    Layer base;
    size_t pool_h, pool_w, stride, pad;
    size_t x_shape[4];          /* the shape of the last forward's x */
    size_t *arg_max;            /* per output (n, c, oh, ow): y*pool_w + x of the maximum */
    size_t arg_cap;
} Pooling;

/* The window's maximum and the index of its first occurrence, as np.max and np.argmax
 * over one row of the book's im2col (padding is 0; a NaN wins, as in NumPy). */
static void pool_window(const Pooling *pool, const double *img, size_t H, size_t W, size_t oh,
                        size_t ow, double *max_out, size_t *arg_out)
{
    double best = 0.0;
    size_t arg = 0;
    const long i0 = (long)(oh * pool->stride) - (long)pool->pad;
    const long j0 = (long)(ow * pool->stride) - (long)pool->pad;
    for (size_t y = 0, k = 0; y < pool->pool_h; y++)
        for (size_t x = 0; x < pool->pool_w; x++, k++) {
            const long i = i0 + (long)y, j = j0 + (long)x;
            const double v =
                i < 0 || i >= (long)H || j < 0 || j >= (long)W ? 0.0 : img[(size_t)i * W + (size_t)j];
            if (k == 0 || (!isnan(best) && (v > best || isnan(v)))) {
                best = v;
                arg = k;
            }
        }
    *max_out = best;
    *arg_out = arg;
}

static void pooling_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    (void)train;
    Pooling *pool = (Pooling *)l;
    assert(x->ndim == 4 && "Pooling: x must be (N, C, H, W)");
    const size_t N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
    const size_t OH = conv_output_size(H, pool->pool_h, pool->stride, pool->pad);
    const size_t OW = conv_output_size(W, pool->pool_w, pool->stride, pool->pad);
    assert(OH >= 1 && OW >= 1 && "Pooling: the window is larger than the padded input");
    tensor_reshape(out, TENSOR_SHAPE4(N, C, OH, OW));
    if (out->size > pool->arg_cap) {
        free(pool->arg_max);
        pool->arg_max = xcalloc(out->size, sizeof *pool->arg_max);
        pool->arg_cap = out->size;
    }
    for (int i = 0; i < 4; i++)
        pool->x_shape[i] = x->shape[i];
    const double *in = x->data;
    double *y = out->data;
    size_t *arg = pool->arg_max;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < N; n++)
        for (size_t c = 0; c < C; c++) {
            const double *img = in + (n * C + c) * H * W;
            const size_t o = (n * C + c) * OH * OW;
            for (size_t oh = 0; oh < OH; oh++)
                for (size_t ow = 0; ow < OW; ow++)
                    pool_window(pool, img, H, W, oh, ow, &y[o + oh * OW + ow],
                                &arg[o + oh * OW + ow]);
        }
}

static void pooling_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    Pooling *pool = (Pooling *)l;
    if (!dx)
        return;
    const size_t N = pool->x_shape[0], C = pool->x_shape[1], H = pool->x_shape[2],
                 W = pool->x_shape[3];
    const size_t OH = conv_output_size(H, pool->pool_h, pool->stride, pool->pad);
    const size_t OW = conv_output_size(W, pool->pool_w, pool->stride, pool->pad);
    assert(dout->ndim == 4 && dout->shape[0] == N && dout->shape[1] == C &&
           dout->shape[2] == OH && dout->shape[3] == OW &&
           "Pooling: dout is not the shape forward returned");
    tensor_reshape(dx, 4, pool->x_shape);
    const double *g = dout->data;
    const size_t *arg = pool->arg_max;
    double *d = dx->data;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < N; n++)
        for (size_t c = 0; c < C; c++) {
            double *img = d + (n * C + c) * H * W;
            const size_t o = (n * C + c) * OH * OW;
            for (size_t k = 0; k < H * W; k++)
                img[k] = 0.0;
            /* windows in reverse order: col2im's order of addition (see util.c) */
            for (size_t oh = OH; oh-- > 0;)
                for (size_t ow = OW; ow-- > 0;) {
                    const size_t a = arg[o + oh * OW + ow];
                    const long i = (long)(oh * pool->stride + a / pool->pool_w) - (long)pool->pad;
                    const long j = (long)(ow * pool->stride + a % pool->pool_w) - (long)pool->pad;
                    if (i >= 0 && i < (long)H && j >= 0 && j < (long)W)
                        img[(size_t)i * W + (size_t)j] += g[o + oh * OW + ow];
                }
        }
}

static void pooling_free(Layer *l)
{
    Pooling *pool = (Pooling *)l;
    free(pool->arg_max);
    free(pool);
}

static const LayerOps POOLING_OPS = {
    .type = "Pooling",
    .forward = pooling_forward,
    .backward = pooling_backward,
    .params = NULL,
    .free = pooling_free,
};

Layer *pooling_new(size_t pool_h, size_t pool_w, size_t stride, size_t pad)
{
    assert(pool_h >= 1 && pool_w >= 1 && stride >= 1 && "Pooling: empty window or stride 0");
    Pooling *pool = xcalloc(1, sizeof *pool);
    pool->base.ops = &POOLING_OPS;
    pool->pool_h = pool_h;
    pool->pool_w = pool_w;
    pool->stride = stride;
    pool->pad = pad;
    return &pool->base;
}
