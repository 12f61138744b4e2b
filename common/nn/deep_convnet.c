/* deep_convnet.c - see deep_convnet.h. */
#include "nn/deep_convnet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/gemm.h"
#include "kernels/parallel.h"
#include "nn/layers.h"
#include "sys/checked.h"

/* The book's conv_param_1 .. conv_param_6: filter_num and pad (filter_size 3, stride 1);
 * a 2x2 pooling of stride 2 follows the second, fourth and sixth. */
enum { FILTER = 3, NCONV = 6, HIDDEN = 50, OUTPUT = 10, SIDE = 28 };
static const size_t filter_num[NCONV] = { 16, 16, 32, 32, 64, 64 };
static const size_t conv_pad[NCONV] = { 1, 1, 1, 2, 1, 1 };
/* Connections per neuron of each weight's layer (the book's pre_node_nums). */
static const double pre_node_nums[8] = { 1 * 3 * 3, 16 * 3 * 3, 16 * 3 * 3, 32 * 3 * 3,
                                         32 * 3 * 3, 64 * 3 * 3, 64 * 4 * 4, HIDDEN };
#define FEATURES (64 * 4 * 4)

int deep_convnet_param_shape(size_t i, const char **name, size_t shape[4])
{
    static const char *const names[DEEP_CONVNET_NPARAMS] = {
        "W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4",
        "W5", "b5", "W6", "b6", "W7", "b7", "W8", "b8",
    };
    *name = names[i];
    const size_t layer = i / 2;
    const size_t out = layer < NCONV ? filter_num[layer] : layer == NCONV ? HIDDEN : OUTPUT;
    if (i % 2) {                                              /* b: (out,) */
        shape[0] = out;
        return 1;
    }
    if (layer < NCONV) {                                      /* W: (FN, C, 3, 3) */
        shape[0] = out;
        shape[1] = layer == 0 ? 1 : filter_num[layer - 1];
        shape[2] = shape[3] = FILTER;
        return 4;
    }
    shape[0] = layer == NCONV ? FEATURES : HIDDEN;            /* W7 (1024, 50), W8 (50, 10) */
    shape[1] = out;
    return 2;
}

Net *deep_convnet_new(Random *rng)
{
    Net *net = net_new();
    Tensor *W[8], *b[8];
    for (size_t i = 0; i < 8; i++) {
        const char *name;
        size_t shape[4];
        int ndim = deep_convnet_param_shape(2 * i, &name, shape);
        W[i] = net_param(net, name, ndim, shape);
        /* params['Wi'] = weight_init_scales[i] * np.random.randn(*shape) */
        const double weight_init_scale = sqrt(2.0 / pre_node_nums[i]);
        random_randn_fill(rng, W[i]->data, W[i]->size);
        for (size_t k = 0; k < W[i]->size; k++)
            W[i]->data[k] = weight_init_scale * W[i]->data[k];
        ndim = deep_convnet_param_shape(2 * i + 1, &name, shape);
        b[i] = net_param(net, name, ndim, shape);             /* np.zeros(filter_num) */
    }
    char name[16];
    size_t relu = 0;
    for (size_t c = 0; c < NCONV; c++) {
        snprintf(name, sizeof name, "Conv%zu", c + 1);
        net_add(net, name, convolution_new(W[c], b[c], 1, conv_pad[c]));
        snprintf(name, sizeof name, "Relu%zu", ++relu);
        net_add(net, name, relu_new());
        if (c % 2 == 1) {
            snprintf(name, sizeof name, "Pool%zu", c / 2 + 1);
            net_add(net, name, pooling_new(2, 2, 2, 0));
        }
    }
    net_add(net, "Affine1", affine_new(W[6], b[6]));
    snprintf(name, sizeof name, "Relu%zu", ++relu);
    net_add(net, name, relu_new());
    net_add(net, "Dropout1", dropout_new(0.5, rng));
    net_add(net, "Affine2", affine_new(W[7], b[7]));
    net_add(net, "Dropout2", dropout_new(0.5, rng));
    return net;
}

/* ---- float32 / float16 inference ----------------------------------------------------- */

/* Per image, on one thread: im2col columns, two activation buffers, the image as float. */
enum {
    COL_MAX = 16 * 9 * 28 * 28,     /* the largest columns: Conv2 (C*9, OH*OW) = (144, 784) */
    ACT_MAX = 16 * 28 * 28,         /* the largest activation: Conv1/Conv2 (16, 28, 28) */
    THREAD_FLOATS = COL_MAX + 2 * ACT_MAX + SIDE * SIDE,
};

struct DeepConvNetF {
    DeepConvNetStorage storage;
    size_t size[DEEP_CONVNET_NPARAMS];
    float *f32[DEEP_CONVNET_NPARAMS];   /* float32 storage */
    half *f16[DEEP_CONVNET_NPARAMS];    /* float16 storage */
    float *expanded;                    /* float16: the float32 copy used by one call */
    float *w[DEEP_CONVNET_NPARAMS];     /* the float32 values the arithmetic reads */
    float *scratch;                     /* THREAD_FLOATS per thread */
    int scratch_threads;
    float *feat, *hidden;               /* (BATCH, 1024) and (BATCH, 50) */
    size_t param_values, work_bytes;
};

DeepConvNetF *deep_convnet_f_new(const Param *params, size_t n, DeepConvNetStorage storage,
                                 char *err)
{
    DeepConvNetF *net = xcalloc(1, sizeof *net);
    net->storage = storage;
    for (size_t i = 0; i < DEEP_CONVNET_NPARAMS; i++) {
        const char *name;
        size_t shape[4];
        const int ndim = deep_convnet_param_shape(i, &name, shape);
        const Tensor *v = NULL;
        for (size_t k = 0; k < n && !v; k++)
            if (strcmp(params[k].name, name) == 0)
                v = params[k].value;
        int same = v && v->ndim == ndim;
        for (int d = 0; same && d < ndim; d++)
            same = v->shape[d] == shape[d];
        if (!same) {
            set_error(err, "DeepConvNet: parameter %s is %s", name,
                      v ? "not of the book's shape" : "missing");
            deep_convnet_f_free(net);
            return NULL;
        }
        net->size[i] = v->size;
        net->param_values += v->size;
        if (storage == DEEP_CONVNET_FLOAT32) {              /* param.astype(np.float32) */
            net->f32[i] = xcalloc(v->size, sizeof(float));
            for (size_t k = 0; k < v->size; k++)
                net->f32[i][k] = (float)v->data[k];
            net->w[i] = net->f32[i];
        } else {                                            /* param.astype(np.float16) */
            net->f16[i] = xcalloc(v->size, sizeof(half));
            half_from_doubles(net->f16[i], v->data, v->size);
        }
    }
    return net;
}

void deep_convnet_f_free(DeepConvNetF *net)
{
    if (!net)
        return;
    for (size_t i = 0; i < DEEP_CONVNET_NPARAMS; i++) {
        free(net->f32[i]);
        free(net->f16[i]);
    }
    free(net->expanded);
    free(net->scratch);
    free(net->feat);
    free(net->hidden);
    free(net);
}

size_t deep_convnet_f_param_bytes(const DeepConvNetF *net)
{
    return net->param_values * (net->storage == DEEP_CONVNET_FLOAT32 ? sizeof(float)
                                                                     : sizeof(half));
}

size_t deep_convnet_f_work_bytes(const DeepConvNetF *net)
{
    return net->work_bytes;
}

/* Scratch for this many threads, the batch buffers, and float16's expanded weights. */
static void prepare(DeepConvNetF *net, int threads)
{
    if (net->scratch_threads < threads) {
        free(net->scratch);
        net->scratch = xcalloc((size_t)threads * THREAD_FLOATS, sizeof(float));
        net->scratch_threads = threads;
    }
    if (!net->feat) {
        net->feat = xcalloc((size_t)DEEP_CONVNET_F_BATCH * FEATURES, sizeof(float));
        net->hidden = xcalloc((size_t)DEEP_CONVNET_F_BATCH * HIDDEN, sizeof(float));
    }
    size_t bytes = ((size_t)net->scratch_threads * THREAD_FLOATS +
                    (size_t)DEEP_CONVNET_F_BATCH * (FEATURES + HIDDEN)) * sizeof(float);
    if (net->storage == DEEP_CONVNET_FLOAT16) {
        if (!net->expanded)
            net->expanded = xcalloc(net->param_values, sizeof(float));
        bytes += net->param_values * sizeof(float);
    }
    if (bytes > net->work_bytes)
        net->work_bytes = bytes;
}

/* float16 weights to the float32 copy the arithmetic reads (exact: every half is a float). */
static void expand_weights(DeepConvNetF *net)
{
    float *at = net->expanded;
    for (size_t i = 0; i < DEEP_CONVNET_NPARAMS; i++) {
        half_to_floats(at, net->f16[i], net->size[i]);
        net->w[i] = at;
        at += net->size[i];
    }
}

/* Convolution (3x3, stride 1, pad) then Relu on one image x (C, H, W) -> out (FN, OH, OW):
 * col (C*9, OH*OW) holds im2col's columns transposed, row (c, ky, kx), column (oy, ox), so
 * out = W (FN, C*9) . col is already in (FN, OH, OW) order; then + b and max(0, .). */
static void conv_relu(float *out, const float *x, size_t C, size_t H, size_t W, const float *Wt,
                      const float *b, size_t FN, size_t pad, float *col, size_t *OH, size_t *OW)
{
    const size_t oh = H + 2 * pad - FILTER + 1, ow = W + 2 * pad - FILTER + 1, n = oh * ow;
    for (size_t c = 0; c < C; c++)
        for (size_t ky = 0; ky < FILTER; ky++)
            for (size_t kx = 0; kx < FILTER; kx++) {
                float *row = col + ((c * FILTER + ky) * FILTER + kx) * n;
                for (size_t oy = 0; oy < oh; oy++) {
                    const size_t iy = oy + ky;                  /* + pad in padded coordinates */
                    for (size_t ox = 0; ox < ow; ox++) {
                        const size_t ix = ox + kx;
                        row[oy * ow + ox] = iy < pad || iy >= H + pad || ix < pad || ix >= W + pad
                                                ? 0.0f
                                                : x[(c * H + iy - pad) * W + ix - pad];
                    }
                }
            }
    gemm_f32(GEMM_N, GEMM_N, FN, n, C * FILTER * FILTER, Wt, C * FILTER * FILTER, col, n, out, n,
             0);
    for (size_t f = 0; f < FN; f++)
        for (size_t p = 0; p < n; p++) {
            const float v = out[f * n + p] + b[f];
            out[f * n + p] = v > 0.0f ? v : 0.0f;
        }
    *OH = oh;
    *OW = ow;
}

/* Pooling 2x2, stride 2: x (C, H, W) -> out (C, H/2, W/2), the max of each window. */
static void pool(float *out, const float *x, size_t C, size_t H, size_t W)
{
    const size_t oh = H / 2, ow = W / 2;
    for (size_t c = 0; c < C; c++)
        for (size_t oy = 0; oy < oh; oy++)
            for (size_t ox = 0; ox < ow; ox++) {
                const float *p = x + (c * H + 2 * oy) * W + 2 * ox;
                float m = p[0];
                m = p[1] > m ? p[1] : m;
                m = p[W] > m ? p[W] : m;
                m = p[W + 1] > m ? p[W + 1] : m;
                out[(c * oh + oy) * ow + ox] = m;
            }
}

/* The six convolutions and three poolings of one image (1, 28, 28) -> feat (1024). */
static void image_features(const DeepConvNetF *net, float *feat, const float *x, float *scratch)
{
    float *col = scratch, *a = col + COL_MAX, *b = a + ACT_MAX;
    const float *in = x;
    size_t C = 1, H = SIDE, W = SIDE;
    for (size_t c = 0; c < NCONV; c++) {
        size_t OH, OW;
        conv_relu(a, in, C, H, W, net->w[2 * c], net->w[2 * c + 1], filter_num[c], conv_pad[c],
                  col, &OH, &OW);
        C = filter_num[c], H = OH, W = OW;
        if (c % 2 == 1) {
            pool(c == NCONV - 1 ? feat : b, a, C, H, W);
            H /= 2, W /= 2;
            in = b;
        } else {                    /* the next convolution reads a; write into b */
            float *t = a;
            a = b, b = t;
            in = b;
        }
    }
}

/* Affine x (n, D) . W (D, M) + b, then Relu when relu, then Dropout's test-time
 * x * (1 - 0.5). */
static void affine(float *out, const float *x, size_t n, size_t D, size_t M, const float *W,
                   const float *b, int relu)
{
    gemm_f32(GEMM_N, GEMM_N, n, M, D, x, D, W, M, out, M, 0);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < M; j++) {
            float v = out[i * M + j] + b[j];
            if (relu)
                v = v > 0.0f ? v : 0.0f;
            out[i * M + j] = v * (1.0f - 0.5f);
        }
}

static void predict(DeepConvNetF *net, float *y, const float *xf, const half *xh, size_t n)
{
    const int threads = parallel_threads();
    prepare(net, threads);
    if (net->storage == DEEP_CONVNET_FLOAT16)
        expand_weights(net);
    const size_t item = SIDE * SIDE;
    for (size_t first = 0; first < n; first += DEEP_CONVNET_F_BATCH) {
        const size_t nb = n - first < DEEP_CONVNET_F_BATCH ? n - first : DEEP_CONVNET_F_BATCH;
        /* Each image on one thread, start to end: the same bits for any number of threads. */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
        for (long i = 0; i < (long)nb; i++) {
#ifdef _OPENMP
            float *scratch = net->scratch + (size_t)omp_get_thread_num() * THREAD_FLOATS;
#else
            float *scratch = net->scratch;
#endif
            const float *x = xf ? xf + (first + (size_t)i) * item : NULL;
            if (!x) {                               /* a float16 image, read as float32 */
                float *img = scratch + COL_MAX + 2 * ACT_MAX;
                half_to_floats(img, xh + (first + (size_t)i) * item, item);
                x = img;
            }
            image_features(net, net->feat + (size_t)i * FEATURES, x, scratch);
        }
        affine(net->hidden, net->feat, nb, FEATURES, HIDDEN, net->w[12], net->w[13], 1);
        affine(y + first * OUTPUT, net->hidden, nb, HIDDEN, OUTPUT, net->w[14], net->w[15], 0);
    }
}

void deep_convnet_f_predict(DeepConvNetF *net, float *y, const float *x, size_t n)
{
    predict(net, y, x, NULL, n);
}

void deep_convnet_f_predict_half(DeepConvNetF *net, float *y, const half *x, size_t n)
{
    predict(net, y, NULL, x, n);
}
