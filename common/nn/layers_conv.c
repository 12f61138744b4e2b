/* layers_conv.c - the book's Convolution and Pooling layers (common/layers.py, book 7.4),
 * declared in layers.h.
 *
 * Convolution computes the book's numbers, bit for bit the sums it writes:
 *     col = im2col(x)                          (N*OH*OW, C*FH*FW)
 *     out = np.dot(col, W.reshape(FN, -1).T) + b,  reshaped to (N, FN, OH, OW)
 *     db = np.sum(dout, axis=0)                row after row, as NumPy sums along axis 0
 *     dW = np.dot(col.T, dout)                 reshaped to (FN, C, FH, FW)
 *     dx = col2im(np.dot(dout, W.reshape(FN, -1)))
 * but image by image rather than on the whole batch at once: each image's im2col matrix,
 * made in the transposed layout col.T (util.h's im2col_t_rows: 25 x 576 for MNIST, 115 KB),
 * stays in the cache of the thread that uses it, and the product is taken as W . col.T,
 * which writes (FN, OH*OW) straight into the image's place in out, so the book's transposes
 * become no copies at all. Every output is the same sum in
 * the same order (a . b = b . a term by term, and gemm's accumulate continues dW's sum from
 * one image to the next), so the bits are those of the one-product version. Measured on
 * SimpleConvNet (batch 100, perf, one thread), that one-product version spent ~20% of the
 * CPU writing and reading its 11.5 MB col and 13.8 MB product and reordering them; this one
 * ~10%. Backward takes im2col again from x (627 KB) instead of keeping col.
 * At stride 1 (on CPUs with AVX2 and FMA) the products skip im2col altogether, forward,
 * dW (the layer's and the fused block's) and dx: kernels/conv_direct.h reads each row of
 * col.T where it already lies, in the (padded) image, with the same sums in the same order,
 * and dx comes without the dcol matrix and col2im, each pixel's sums added in col2im's order. Measured on SimpleConvNet (2 threads, DLFS_PROFILE=1): the fused
 * forward 4.6 -> 1.9 ms a batch, its backward 4.7 -> 1.8 ms (with the bias, Relu and the
 * pooling in one pass, and Adam in vectors: the Trainer's step 22 -> 13 ms).
 * Threads: the images of a batch are shared among them (each image one thread's, with its
 * own scratch), dW's columns k too (each column's sums over all images one thread's, which
 * makes only its own rows of col.T; in the direct fused backward, dW's rows f instead), and
 * the products inside run on one thread each; the bits are the same for any number of
 * threads.
 *
 * Pooling takes the max of each pool_h x pool_w window of each channel, directly rather than
 * through im2col (the same numbers without the copy), remembering the first maximum of each
 * window, as np.argmax does; backward sends each gradient there, adding in the order col2im
 * adds, so overlapping windows give NumPy's bits too. pad pads with zeros, as im2col does
 * (the book's Pooling computes its output size without pad, so only pad = 0 runs there).
 *
 * Convolution -> Relu -> Pooling(2x2, stride 2), the book's block, also runs as one step
 * (conv_relu_pool_forward, and conv_relu_pool_backward when the convolution is the first
 * layer; net.c picks them): each image's convolution, Relu and pooling one after another
 * in the thread's cache, and backward each image's pooling and Relu gradient straight into
 * dW and db, instead of four passes over (N, FN, OH, OW) tensors of 14 MB. Each layer keeps
 * the state its own backward reads, and every number is computed by the same operations in
 * the same order as in the three layers (tests/test_conv.c compares the bits). Measured on
 * SimpleConvNet (batch 100, one thread): the training iteration 0.039 -> 0.026 s.
 *
 * The caches (the scratch, Pooling's arg_max) belong to the layer and grow only for a larger
 * batch or more threads.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/clones.h"
#include "kernels/conv_direct.h"
#include "kernels/gemm.h"
#include "kernels/parallel.h"
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
    double *scratch;            /* per thread: one image's col (P x K), then its dcol */
    size_t scratch_cap;
    Tensor dW, db;
} Convolution;

static int thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

static int thread_count(void)
{
#ifdef _OPENMP
    return omp_get_num_threads();
#else
    return 1;
#endif
}

/* Room for `per_thread` doubles for each thread the kernels may use. */
static double *scratch(Convolution *conv, size_t per_thread)
{
    const size_t need = per_thread * (size_t)parallel_threads();
    if (need > conv->scratch_cap) {
        free(conv->scratch);
        conv->scratch = xcalloc(need, sizeof(double));
        conv->scratch_cap = need;
    }
    return conv->scratch;
}

/* The shapes of one forward: x (N, C, H, W) -> (N, FN, OH, OW); P = OH*OW, K = C*FH*FW. */
typedef struct {
    size_t N, FN, FH, FW, OH, OW, P, K, chw[3], image;
} ConvShape;

static ConvShape conv_shape(const Convolution *conv, const Tensor *x)
{
    ConvShape s = { .N = x->shape[0], .FN = conv->W->shape[0], .FH = conv->W->shape[2],
                    .FW = conv->W->shape[3] };
    s.OH = conv_output_size(x->shape[2], s.FH, conv->stride, conv->pad);
    s.OW = conv_output_size(x->shape[3], s.FW, conv->stride, conv->pad);
    s.P = s.OH * s.OW;
    s.K = x->shape[1] * s.FH * s.FW;
    for (int i = 0; i < 3; i++)
        s.chw[i] = x->shape[i + 1];
    s.image = x->shape[1] * x->shape[2] * x->shape[3];
    return s;
}

/* At stride 1 (and on a CPU with its kernels) the products skip im2col: conv_direct.h. */
static int direct(const Convolution *conv)
{
    return conv->stride == 1 && conv_direct_available();
}

/* The doubles of one padded image: (C, H + 2 pad, W + 2 pad); 0 without pad. */
static size_t padded_size(const Convolution *conv, const ConvShape *s)
{
    if (conv->pad == 0)
        return 0;
    return s->chw[0] * (s->chw[1] + 2 * conv->pad) * (s->chw[2] + 2 * conv->pad);
}

/* The image conv_direct reads for x's image img: img itself, or with pad > 0 a copy in buf
 * (padded_size doubles) with pad zeros around each channel, as im2col pads. Its height and
 * width go to *H, *W. */
static const double *padded_image(const Convolution *conv, const ConvShape *s,
                                  const double *img, double *buf, size_t *H, size_t *W)
{
    *H = s->chw[1] + 2 * conv->pad;
    *W = s->chw[2] + 2 * conv->pad;
    if (conv->pad == 0)
        return img;
    conv_direct_pad(buf, img, s->chw[0], s->chw[1], s->chw[2], conv->pad);
    return buf;
}

/* One image's convolution output yn (FN, P), without the bias: W . col.T, by conv_direct
 * or by im2col into colT (P*K doubles) and gemm; pad_buf has padded_size doubles. */
static void conv_image(const Convolution *conv, const ConvShape *s, const double *img,
                       double *yn, double *colT, double *pad_buf)
{
    const double *W = conv->W->data;
    if (direct(conv)) {
        size_t H, Wd;
        const double *im = padded_image(conv, s, img, pad_buf, &H, &Wd);
        conv_direct_forward(yn, W, s->FN, im, s->chw[0], H, Wd, s->FH, s->FW);
        return;
    }
    /* col = im2col(x, FH, FW, stride, pad): this image's rows, laid out as col.T */
    im2col_t_rows(colT, img, s->chw, s->FH, s->FW, conv->stride, conv->pad, 0, s->K);
    /* np.dot(col, col_W) with col_W = W.reshape(FN, -1).T, computed as W . col.T, which is
     * its transpose(0, 3, 1, 2) (the same sums, in the same order) */
    gemm_f64(GEMM_N, GEMM_N, s->FN, s->P, s->K, W, s->K, colT, s->P, yn, s->P, 0);
}

static void convolution_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    (void)train;
    Convolution *conv = (Convolution *)l;
    assert(x->ndim == 4 && x->shape[1] == conv->W->shape[1] &&
           "Convolution: x must be (N, C, H, W) with W's C");
    const ConvShape s = conv_shape(conv, x);
    assert(s.P > 0 && "Convolution: the filter is larger than the padded input");
    tensor_reshape(out, TENSOR_SHAPE4(s.N, s.FN, s.OH, s.OW));
    const size_t per_thread = (direct(conv) ? 0 : s.P * s.K) + padded_size(conv, &s);
    double *buf = scratch(conv, per_thread), *y = out->data;
    const double *b = conv->b->data;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < s.N; n++) {
        double *own = buf + (size_t)thread_id() * per_thread;
        double *yn = y + n * s.FN * s.P;
        conv_image(conv, &s, x->data + n * s.image, yn, own, own);
        for (size_t f = 0; f < s.FN; f++)                  /* + self.b */
            for (size_t p = 0; p < s.P; p++)
                yn[f * s.P + p] += b[f];
    }
    conv->x = x;
}

/* db and dW through im2col and gemm (any stride), as the book writes them. */
static void backward_im2col(Convolution *conv, const ConvShape *s, const double *g)
{
    double *buf = scratch(conv, 2 * s->P * s->K), *db = conv->db.data, *dW = conv->dW.data;

    /* dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN): row (n, p) holds dout[n][:][p].
     * self.db = np.sum(dout, axis=0): row after row, i.e. over n, then p (each filter's
     * sum one thread's) */
    PARALLEL_FOR_LARGE(s->N * s->FN * s->P)
    for (size_t f = 0; f < s->FN; f++) {
        double acc = 0.0;
        for (size_t n = 0; n < s->N; n++) {
            const double *gf = g + (n * s->FN + f) * s->P;
            for (size_t p = 0; p < s->P; p++)
                acc += gf[p];
        }
        db[f] = acc;
    }
    /* self.dW = np.dot(self.col.T, dout): each dW[f][k] sums over the rows (n, p) in order,
     * image after image (gemm's accumulate continues the sum). Threads share the columns k
     * of col (the rows of col.T), each making only its own rows of each image's im2col. */
#ifdef _OPENMP
#pragma omp parallel
#endif
    {
        const size_t t = (size_t)thread_id(), nt = (size_t)thread_count();
        const size_t k0 = s->K * t / nt, k1 = s->K * (t + 1) / nt;
        double *colT = buf + t * 2 * s->P * s->K;
        for (size_t n = 0; k0 < k1 && n < s->N; n++) {
            im2col_t_rows(colT, conv->x->data + n * s->image, s->chw, s->FH, s->FW,
                          conv->stride, conv->pad, k0, k1);
            gemm_f64(GEMM_N, GEMM_T, s->FN, k1 - k0, s->P, g + n * s->FN * s->P, s->P, colT,
                     s->P, dW + k0, s->K, n > 0);
        }
    }
}

static void backward_direct(Convolution *conv, const ConvShape *s, const double *g,
                            const size_t *arg, const unsigned char *mask);

/* dx at stride 1 with conv_direct, image by image: each thread turns W over (wt, K x FN)
 * and lays each of its images' dout out with zeros around it (conv_direct.h's dpad). */
static void dx_direct(Convolution *conv, const ConvShape *s, double *dx, const double *g)
{
    const size_t C = s->chw[0], H = s->chw[1], Wd = s->chw[2];
    const size_t PH = H + s->FH - 1, PW = Wd + s->FW - 1;
    const long r0 = (long)s->FH - 1 - (long)conv->pad, c0 = (long)s->FW - 1 - (long)conv->pad;
    const size_t per_thread = s->K * s->FN + s->FN * PH * PW;
    double *buf = scratch(conv, per_thread);
    const double *W = conv->W->data;
#ifdef _OPENMP
#pragma omp parallel
#endif
    {
        double *wt = buf + (size_t)thread_id() * per_thread, *dpad = wt + s->K * s->FN;
        for (size_t f = 0; f < s->FN; f++)
            for (size_t k = 0; k < s->K; k++)
                wt[k * s->FN + f] = W[f * s->K + k];
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
        for (size_t n = 0; n < s->N; n++) {
            memset(dpad, 0, s->FN * PH * PW * sizeof *dpad);
            for (size_t f = 0; f < s->FN; f++)
                for (size_t oh = 0; oh < s->OH; oh++) {
                    const long r = (long)oh + r0;
                    if (r < 0 || r >= (long)PH)
                        continue;
                    const double *src = g + ((n * s->FN + f) * s->OH + oh) * s->OW;
                    double *dst = dpad + (f * PH + (size_t)r) * PW;
                    for (size_t ow = 0; ow < s->OW; ow++) {
                        const long q = (long)ow + c0;
                        if (q >= 0 && q < (long)PW)
                            dst[q] = src[ow];
                    }
                }
            conv_direct_dx(dx + n * s->image, wt, s->FN, dpad, C, H, Wd, s->FH, s->FW);
        }
    }
}

static void convolution_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    Convolution *conv = (Convolution *)l;
    const Tensor *x = conv->x;
    assert(x && "Convolution: backward before forward");
    const ConvShape s = conv_shape(conv, x);
    assert(dout->ndim == 4 && dout->shape[0] == s.N && dout->shape[1] == s.FN &&
           dout->shape[2] == s.OH && dout->shape[3] == s.OW &&
           "Convolution: dout is not the shape forward returned");
    const double *g = dout->data;
    if (direct(conv))
        backward_direct(conv, &s, g, NULL, NULL);
    else
        backward_im2col(conv, &s, g);
    if (!dx)
        return;
    /* dcol = np.dot(dout, self.col_W.T); dx = col2im(dcol, self.x.shape, ...), with dcol
     * computed as its transpose W.T . dout (the same sums over the filters f, in order) */
    tensor_reshape(dx, 4, x->shape);
    const double *W = conv->W->data;
    if (direct(conv)) {
        dx_direct(conv, &s, dx->data, g);
        return;
    }
    double *buf = scratch(conv, 2 * s.P * s.K);
    FOR_EACH_IMAGE
    for (size_t n = 0; n < s.N; n++) {
        double *dcolT = buf + (size_t)thread_id() * 2 * s.P * s.K + s.P * s.K;
        gemm_f64(GEMM_T, GEMM_N, s.K, s.P, s.FN, W, s.K, g + n * s.FN * s.P, s.P, dcolT, s.P,
                 0);
        col2im_t_one(dx->data + n * s.image, dcolT, s.chw, s.FH, s.FW, conv->stride,
                     conv->pad);
    }
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
    free(conv->scratch);
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
 * over one row of the book's im2col: padding counts as 0, and a NaN wins (the first one),
 * as in NumPy. The update test !(v <= best) is v > best or v NaN; best NaN stays. */
#define POOL_TAKE(v, k)                                                                    \
    do {                                                                                   \
        if ((k) == 0 || (!((v) <= best) && best == best)) {                                \
            best = (v);                                                                    \
            arg = (k);                                                                     \
        }                                                                                  \
    } while (0)

static void pool_window(const Pooling *pool, const double *img, size_t H, size_t W, size_t oh,
                        size_t ow, double *max_out, size_t *arg_out)
{
    double best = 0.0;
    size_t arg = 0;
    const size_t ph = pool->pool_h, pw = pool->pool_w;
    if (pool->pad == 0) {           /* every window lies inside the image */
        const double *win = img + oh * pool->stride * W + ow * pool->stride;
        for (size_t y = 0, k = 0; y < ph; y++)
            for (size_t x = 0; x < pw; x++, k++)
                POOL_TAKE(win[y * W + x], k);
    } else {
        const long i0 = (long)(oh * pool->stride) - (long)pool->pad;
        const long j0 = (long)(ow * pool->stride) - (long)pool->pad;
        for (size_t y = 0, k = 0; y < ph; y++)
            for (size_t x = 0; x < pw; x++, k++) {
                const long i = i0 + (long)y, j = j0 + (long)x;
                const double v = i < 0 || i >= (long)H || j < 0 || j >= (long)W
                                     ? 0.0 : img[(size_t)i * W + (size_t)j];
                POOL_TAKE(v, k);
            }
    }
    *max_out = best;
    *arg_out = arg;
}

/* pad = 0: a whole output row at once, window element k for every window in turn, with
 * selects instead of branches (the same comparisons as pool_window, the same results). */
static void pool_row(const Pooling *pool, const double *img, size_t W, size_t oh, size_t OW,
                     double *best, size_t *arg)
{
    const size_t s = pool->stride, pw = pool->pool_w;
    const double *top = img + oh * s * W;
    for (size_t ow = 0; ow < OW; ow++) {
        best[ow] = top[ow * s];
        arg[ow] = 0;
    }
    for (size_t y = 0, k = 0; y < pool->pool_h; y++)
        for (size_t x = 0; x < pw; x++, k++) {
            if (k == 0)
                continue;
            const double *src = top + y * W + x;
            for (size_t ow = 0; ow < OW; ow++) {
                const double v = src[ow * s], b = best[ow];
                const int take = !(v <= b) & (b == b);
                best[ow] = take ? v : b;
                arg[ow] = take ? k : arg[ow];
            }
        }
}

/* The book's pooling (2 x 2, stride 2, pad 0): each window's four values taken in turn in
 * registers, the same comparisons as pool_row, without its per-window arrays. */
static void pool_row_2x2(const double *img, size_t W, size_t oh, size_t OW, double *best,
                         size_t *arg)
{
    const double *top = img + 2 * oh * W, *bot = top + W;
    for (size_t ow = 0; ow < OW; ow++) {
        const double v[4] = { top[2 * ow], top[2 * ow + 1], bot[2 * ow], bot[2 * ow + 1] };
        double b = v[0];
        size_t a = 0;
        for (size_t k = 1; k < 4; k++) {
            const int take = !(v[k] <= b) & (b == b);
            b = take ? v[k] : b;
            a = take ? k : a;
        }
        best[ow] = b;
        arg[ow] = a;
    }
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
    const int book_2x2 = pool->pool_h == 2 && pool->pool_w == 2 && pool->stride == 2 &&
                         pool->pad == 0;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < N; n++)
        for (size_t c = 0; c < C; c++) {
            const double *img = in + (n * C + c) * H * W;
            const size_t o = (n * C + c) * OH * OW;
            for (size_t oh = 0; oh < OH; oh++) {
                if (book_2x2) {
                    pool_row_2x2(img, W, oh, OW, &y[o + oh * OW], &arg[o + oh * OW]);
                    continue;
                }
                if (pool->pad == 0) {
                    pool_row(pool, img, W, oh, OW, &y[o + oh * OW], &arg[o + oh * OW]);
                    continue;
                }
                for (size_t ow = 0; ow < OW; ow++)
                    pool_window(pool, img, H, W, oh, ow, &y[o + oh * OW + ow],
                                &arg[o + oh * OW + ow]);
            }
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

/* ---- Convolution -> Relu -> Pooling, image by image ---------------------------------- */

/* The fused forward's elementwise steps, in vectors of 4 doubles (GCC's and Clang's vector
 * types), with a version per x86-64 vector extension (kernels/clones.h): the baseline -O2
 * build leaves these loops scalar, where they took a fifth of the training step. Each lane
 * does the scalar code's one add and comparisons, so every version gives the same bits. */
typedef long long v4l __attribute__((vector_size(32)));
typedef long long v4lu __attribute__((vector_size(32), aligned(8), may_alias));
typedef signed char v4c __attribute__((vector_size(4)));
typedef signed char v32c __attribute__((vector_size(32)));

/* + self.b, then Relu.forward: self.mask = (x <= 0); out[self.mask] = 0, on the values
 * y[0 .. n-1] of one channel whose bias is b (in place), one at a time. */
static INLINE_IN_CLONES void relu_bias_scalar(double *y, unsigned char *mask, double b,
                                              size_t n)
{
    for (size_t q = 0; q < n; q++) {
        const double v = y[q] + b;
        const int m = v <= 0.0;
        mask[q] = (unsigned char)m;
        y[q] = m ? 0.0 : v;
    }
}

/* The same on four values in a vector, Relu's output to *out; the mask's bytes are the low
 * bytes of the comparison's lanes (one shuffle; a lane-by-lane conversion compiled to eight
 * scalar moves per four values). */
static INLINE_IN_CLONES void relu_bias_vec(v4d *out, const double *y, unsigned char *mask,
                                           double b)
{
    const v4d v = *(const v4du *)y + b;
    const v4l m = v <= 0.0;                     /* -1 where x <= 0 */
    const v32c c = (v32c)m;
    const v4c bytes = __builtin_shufflevector(c, c, 0, 8, 16, 24) & 1;
    memcpy(mask, &bytes, 4);
    *out = (v4d)((v4l)v & ~m);                  /* 0.0 where masked, v elsewhere */
}

/* The bias, Relu and Pooling(2 x 2, stride 2) on one image's FN channels of the
 * convolution's output yn (CH x CW each; OH x OW windows): Relu's mask to mask, the maxima
 * and their places to best and arg. Four windows at a time straight from the vectors, so
 * Relu's output is not written back there; the last windows (OW % 4), and a last odd row
 * or column that no window reads, go through Relu in place and pool_row_2x2. Every value
 * gets the same operations in the same order as in relu_forward then pooling_forward. */
VECTOR_CLONES
static void relu_pool_image_2x2(double *yn, unsigned char *mask, const double *bias, size_t FN,
                                size_t CH, size_t CW, size_t OH, size_t OW, double *best,
                                size_t *arg)
{
    const size_t wide = OW / 4 * 8;             /* the columns the vector part takes */
    for (size_t f = 0; f < FN; f++, yn += CH * CW, mask += CH * CW) {
        const double b = bias[f];
        for (size_t oh = 0; oh < OH; oh++, best += OW, arg += OW) {
            double *top = yn + 2 * oh * CW, *bot = top + CW;
            unsigned char *mt = mask + 2 * oh * CW, *mb = mt + CW;
            for (size_t c = 0; c < wide; c += 8) {
                v4d t0, t1, u0, u1;
                relu_bias_vec(&t0, top + c, mt + c, b);
                relu_bias_vec(&t1, top + c + 4, mt + c + 4, b);
                relu_bias_vec(&u0, bot + c, mb + c, b);
                relu_bias_vec(&u1, bot + c + 4, mb + c + 4, b);
                /* window w's values k = 0..3: top[2w], top[2w+1], bot[2w], bot[2w+1] */
                const v4d v1 = __builtin_shufflevector(t0, t1, 1, 3, 5, 7);
                const v4d v2 = __builtin_shufflevector(u0, u1, 0, 2, 4, 6);
                const v4d v3 = __builtin_shufflevector(u0, u1, 1, 3, 5, 7);
                v4d m = __builtin_shufflevector(t0, t1, 0, 2, 4, 6);
                v4l a = { 0, 0, 0, 0 }, take;
                /* take where !(v <= m) and m is not NaN, for k = 1, 2, 3 in turn */
#define POOL_STEP(v, k)                                                                    \
    take = ~((v) <= m) & (m == m);                                                         \
    m = (v4d)(((v4l)(v) & take) | ((v4l)m & ~take));                                       \
    a = ((k) & take) | (a & ~take);
                POOL_STEP(v1, 1)
                POOL_STEP(v2, 2)
                POOL_STEP(v3, 3)
#undef POOL_STEP
                *(v4du *)(best + c / 2) = m;
                *(v4lu *)(arg + c / 2) = a;
            }
            if (wide < CW) {
                relu_bias_scalar(top + wide, mt + wide, b, CW - wide);
                relu_bias_scalar(bot + wide, mb + wide, b, CW - wide);
            }
            if (wide / 2 < OW)          /* the last windows, from column wide on */
                pool_row_2x2(yn + wide, CW, oh, OW - wide / 2, best + wide / 2,
                             arg + wide / 2);
        }
        for (size_t r = 2 * OH; r < CH; r++)    /* a last odd row */
            relu_bias_scalar(yn + r * CW, mask + r * CW, b, CW);
    }
}

int conv_relu_pool_forward(Layer *c, Layer *relu, Layer *p, Tensor *out, const Tensor *x,
                           int train)
{
    (void)train;
    if (c->ops != &CONVOLUTION_OPS || strcmp(relu->ops->type, "Relu") != 0 ||
        p->ops != &POOLING_OPS)
        return 0;
    Convolution *conv = (Convolution *)c;
    Pooling *pool = (Pooling *)p;
    if (pool->pool_h != 2 || pool->pool_w != 2 || pool->stride != 2 || pool->pad != 0 ||
        x->ndim != 4 || x->shape[1] != conv->W->shape[1])
        return 0;
    const ConvShape s = conv_shape(conv, x);
    if (s.P == 0 || s.OH < 2 || s.OW < 2)
        return 0;
    const size_t OH = conv_output_size(s.OH, 2, 2, 0), OW = conv_output_size(s.OW, 2, 2, 0);
    /* Pooling's state, as its forward leaves it for x = the convolution's output */
    const size_t conv_out[4] = { s.N, s.FN, s.OH, s.OW };
    for (int i = 0; i < 4; i++)
        pool->x_shape[i] = conv_out[i];
    tensor_reshape(out, TENSOR_SHAPE4(s.N, s.FN, OH, OW));
    if (out->size > pool->arg_cap) {
        free(pool->arg_max);
        pool->arg_max = xcalloc(out->size, sizeof *pool->arg_max);
        pool->arg_cap = out->size;
    }
    unsigned char *mask = relu_mask_reserve(relu, s.N * s.FN * s.P);
    const size_t per_thread = (direct(conv) ? 0 : s.P * s.K) + padded_size(conv, &s) +
                              s.FN * s.P;
    double *buf = scratch(conv, per_thread), *y = out->data;
    size_t *arg = pool->arg_max;
    const double *b = conv->b->data;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < s.N; n++) {
        double *own = buf + (size_t)thread_id() * per_thread, *yn = own + per_thread - s.FN * s.P;
        /* Convolution.forward for this image, as convolution_forward computes it */
        conv_image(conv, &s, x->data + n * s.image, yn, own, own);
        /* + self.b, Relu.forward and Pooling.forward on this image's FN channels */
        relu_pool_image_2x2(yn, mask + n * s.FN * s.P, b, s.FN, s.OH, s.OW, OH, OW,
                            y + n * s.FN * OH * OW, arg + n * s.FN * OH * OW);
    }
    conv->x = x;
    return 1;
}

/* One image's dout for the Convolution, for nf of its filters: Pooling.backward (each
 * window's gradient to its maximum, added to a zero: the windows do not overlap) then
 * Relu.backward (0 where the mask is set), into dc, which holds the convolution's output
 * (nf x CH x CW) with (f, q) at dc[f*fs + q*qs] and is zero on entry. */
static void pool_relu_backward_image(double *restrict dc, size_t fs, size_t qs,
                                     const double *restrict g, const size_t *restrict arg,
                                     const unsigned char *restrict mask, size_t nf, size_t CH,
                                     size_t CW, size_t OH, size_t OW)
{
    for (size_t f = 0; f < nf; f++) {
        double *d = dc + f * fs;
        const unsigned char *m = mask + f * CH * CW;
        for (size_t oh = 0; oh < OH; oh++)
            for (size_t ow = 0; ow < OW; ow++) {
                const size_t o = (f * OH + oh) * OW + ow, a = arg[o];
                const size_t q = (2 * oh + a / 2) * CW + 2 * ow + a % 2;
                const double v = 0.0 + g[o];    /* img = 0; img[...] += dout (so -0 -> +0) */
                /* m[q] ? 0.0 : v without a branch (the mask is as often set as not) */
                uint64_t bits;
                memcpy(&bits, &v, sizeof bits);
                bits &= (uint64_t)m[q] - 1;
                memcpy(&d[q * qs], &bits, sizeof bits);
            }
    }
}

/* db[f] += sum over q of dct[q*ldd + f] for f < nf, each sum in order of q (the book's
 * np.sum(dout, axis=0) continued image after image), four filters side by side in each of
 * NV vectors (independent sums, so the additions overlap). */
static INLINE_IN_CLONES void column_sums(const int NV, double *db, const double *dct, size_t P,
                                         size_t ldd, size_t nf)
{
    v4d acc[4];
    for (int v = 0; v < NV; v++)
        for (size_t l = 0; l < 4; l++)
            acc[v][l] = 4 * (size_t)v + l < nf ? db[4 * v + l] : 0.0;
    for (size_t q = 0; q < P; q++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[v] += *(const v4du *)(dct + q * ldd + 4 * v);
    for (int v = 0; v < NV; v++)
        for (size_t l = 0; l < 4 && 4 * (size_t)v + l < nf; l++)
            db[4 * v + l] = acc[v][l];
}

VECTOR_CLONES
static void add_column_sums(double *db, const double *dct, size_t P, size_t ldd, size_t nf)
{
    for (size_t f = 0; f < nf; f += 16) {
        const size_t n = nf - f < 16 ? nf - f : 16;
        switch ((n + 3) / 4) {
        case 4: column_sums(4, db + f, dct + f, P, ldd, n); break;
        case 3: column_sums(3, db + f, dct + f, P, ldd, n); break;
        case 2: column_sums(2, db + f, dct + f, P, ldd, n); break;
        default: column_sums(1, db + f, dct + f, P, ldd, n); break;
        }
    }
}

/* db and dW at stride 1 with conv_direct: threads share the filters, in groups of 8
 * (conv_direct_dw's tiles), so each makes only its own filters' dout, transposed (P x ldd),
 * then their db sums and dW rows. dout is g (N, FN, OH, OW) itself when arg is NULL (the
 * Convolution alone), or (conv_relu_pool_backward) Pooling's and Relu's backward of g, the
 * pooled gradient, through arg and mask. */
static void backward_direct(Convolution *conv, const ConvShape *s, const double *g,
                            const size_t *arg, const unsigned char *mask)
{
    const size_t OH = s->OH / 2, OW = s->OW / 2, groups = (s->FN + 7) / 8;
    const size_t ld_max = (s->FN + 3) / 4 * 4, pad_size = padded_size(conv, s);
    const size_t per_thread = (s->P + s->K) * ld_max + pad_size;
    double *buf = scratch(conv, per_thread), *db = conv->db.data, *dW = conv->dW.data;
    const double *x = conv->x->data;
#ifdef _OPENMP
#pragma omp parallel
#endif
    {
        const size_t t = (size_t)thread_id(), nt = (size_t)thread_count();
        const size_t f0 = 8 * (groups * t / nt), f1_ = 8 * (groups * (t + 1) / nt);
        const size_t f1 = f1_ < s->FN ? f1_ : s->FN, nf = f1 > f0 ? f1 - f0 : 0;
        const size_t ldd = (nf + 3) / 4 * 4;
        double *dct = buf + t * per_thread, *dwt = dct + s->P * ld_max;
        double *pad_buf = dwt + s->K * ld_max;
        for (size_t f = f0; f < f1; f++)
            db[f] = 0.0;
        for (size_t n = 0; n < s->N && nf > 0; n++) {
            if (!arg) {             /* dout.transpose(0, 2, 3, 1): row p, then filter */
                const double *gn = g + (n * s->FN + f0) * s->P;
                for (size_t q = 0; q < s->P; q++) {
                    for (size_t f = 0; f < nf; f++)
                        dct[q * ldd + f] = gn[f * s->P + q];
                    for (size_t f = nf; f < ldd; f++)
                        dct[q * ldd + f] = 0.0;
                }
            } else {
                memset(dct, 0, s->P * ldd * sizeof *dct);
                const size_t o = (n * s->FN + f0) * OH * OW;
                pool_relu_backward_image(dct, 1, ldd, g + o, arg + o,
                                         mask + (n * s->FN + f0) * s->P, nf, s->OH, s->OW, OH,
                                         OW);
            }
            /* self.db = np.sum(dout, axis=0): over n, then p, as convolution_backward */
            add_column_sums(db + f0, dct, s->P, ldd, nf);
            size_t H, Wd;
            const double *im = padded_image(conv, s, x + n * s->image, pad_buf, &H, &Wd);
            conv_direct_dw(dwt, nf, dct, ldd, im, s->chw[0], H, Wd, s->FH, s->FW, n > 0);
        }
        for (size_t f = 0; f < nf && s->N > 0; f++)    /* dW's rows f0 .. f1-1 */
            for (size_t k = 0; k < s->K; k++)
                dW[(f0 + f) * s->K + k] = dwt[k * ldd + f];
    }
}

int conv_relu_pool_backward(Layer *c, Layer *relu, Layer *p, const Tensor *dout)
{
    if (c->ops != &CONVOLUTION_OPS || strcmp(relu->ops->type, "Relu") != 0 ||
        p->ops != &POOLING_OPS)
        return 0;
    Convolution *conv = (Convolution *)c;
    Pooling *pool = (Pooling *)p;
    const Tensor *x = conv->x;
    if (!x || pool->pool_h != 2 || pool->pool_w != 2 || pool->stride != 2 || pool->pad != 0)
        return 0;
    const ConvShape s = conv_shape(conv, x);
    size_t mask_size;
    const unsigned char *mask = relu_mask(relu, &mask_size);
    const size_t OH = s.OH / 2, OW = s.OW / 2;
    if (pool->x_shape[0] != s.N || pool->x_shape[1] != s.FN || pool->x_shape[2] != s.OH ||
        pool->x_shape[3] != s.OW || mask_size != s.N * s.FN * s.P || dout->ndim != 4 ||
        dout->shape[0] != s.N || dout->shape[1] != s.FN || dout->shape[2] != OH ||
        dout->shape[3] != OW)
        return 0;
    const double *g = dout->data;
    const size_t *arg = pool->arg_max;
    if (direct(conv)) {
        backward_direct(conv, &s, g, arg, mask);
        return 1;
    }
    const size_t per_thread = s.P * s.K + s.FN * s.P;
    double *buf = scratch(conv, per_thread), *db = conv->db.data, *dW = conv->dW.data;
    /* Each thread makes every image's dout (cheap: a zeroed image and a scatter), then takes
     * its share of db's filters (each sum over n, then p, as convolution_backward) and of
     * dW's columns k (the same products as there). */
#ifdef _OPENMP
#pragma omp parallel
#endif
    {
        const size_t t = (size_t)thread_id(), nt = (size_t)thread_count();
        const size_t k0 = s.K * t / nt, k1 = s.K * (t + 1) / nt;
        const size_t f0 = s.FN * t / nt, f1 = s.FN * (t + 1) / nt;
        double *colT = buf + t * per_thread, *dc = colT + s.P * s.K;
        for (size_t f = f0; f < f1; f++)
            db[f] = 0.0;
        for (size_t n = 0; n < s.N && (k0 < k1 || f0 < f1); n++) {
            memset(dc, 0, s.FN * s.P * sizeof *dc);
            pool_relu_backward_image(dc, s.P, 1, g + n * s.FN * OH * OW,
                                     arg + n * s.FN * OH * OW, mask + n * s.FN * s.P, s.FN,
                                     s.OH, s.OW, OH, OW);
            for (size_t f = f0; f < f1; f++) {
                double acc = db[f];
                for (size_t q = 0; q < s.P; q++)
                    acc += dc[f * s.P + q];
                db[f] = acc;
            }
            if (k0 < k1) {
                im2col_t_rows(colT, x->data + n * s.image, s.chw, s.FH, s.FW, conv->stride,
                              conv->pad, k0, k1);
                gemm_f64(GEMM_N, GEMM_T, s.FN, k1 - k0, s.P, dc, s.P, colT, s.P, dW + k0, s.K,
                         n > 0);
            }
        }
    }
    return 1;
}
