/* deep_convnet.c - see deep_convnet.h. */
#include "nn/deep_convnet.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/conv_direct.h"
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

/* ---- inference one image at a time: float64, float32, float16 storage ------------------ */

/* Per image, on one thread: im2col columns, two activation buffers, the image itself. */
enum {
    COL_MAX = 16 * 9 * 28 * 28,     /* the largest columns: Conv2 (C*9, OH*OW) = (144, 784) */
    ACT_MAX = 16 * 28 * 28,         /* the largest activation: Conv1/Conv2 (16, 28, 28) */
    THREAD_VALUES = COL_MAX + 2 * ACT_MAX + SIDE * SIDE,
};

#define T float
#define SFX(name) name##_f32
#include "nn/deep_convnet_kernels.h"
#undef T
#undef SFX
#define T double
#define SFX(name) name##_f64
#define DEEP_CONV_DIRECT            /* the convolutions through conv_direct where it runs */
#include "nn/deep_convnet_kernels.h"
#undef DEEP_CONV_DIRECT
#undef T
#undef SFX

struct DeepConvNetF {
    DeepConvNetStorage storage;
    size_t size[DEEP_CONVNET_NPARAMS];
    const double *f64[DEEP_CONVNET_NPARAMS]; /* float64: the params' own values, in place */
    float *f32[DEEP_CONVNET_NPARAMS];   /* float32 storage */
    half *f16[DEEP_CONVNET_NPARAMS];    /* float16 storage */
    float *expanded;                    /* float16: the float32 copy used by one call */
    float *w[DEEP_CONVNET_NPARAMS];     /* the float32 values the arithmetic reads */
    void *scratch;                      /* THREAD_VALUES per thread */
    int scratch_threads;
    void *feat, *hidden;                /* (BATCH, 1024) and (BATCH, 50) */
    size_t param_values, work_bytes;
};

static size_t value_bytes(const DeepConvNetF *net)
{
    return net->storage == DEEP_CONVNET_FLOAT64 ? sizeof(double) : sizeof(float);
}

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
        if (storage == DEEP_CONVNET_FLOAT64) {              /* read in place */
            net->f64[i] = v->data;
        } else if (storage == DEEP_CONVNET_FLOAT32) {       /* param.astype(np.float32) */
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
    return net->param_values *
           (net->storage == DEEP_CONVNET_FLOAT16 ? sizeof(half) : value_bytes(net));
}

size_t deep_convnet_f_work_bytes(const DeepConvNetF *net)
{
    return net->work_bytes;
}

/* Scratch for this many threads, the batch buffers, and float16's expanded weights. */
static void prepare(DeepConvNetF *net, int threads)
{
    const size_t vb = value_bytes(net);
    if (net->scratch_threads < threads) {
        free(net->scratch);
        net->scratch = xcalloc((size_t)threads * THREAD_VALUES, vb);
        net->scratch_threads = threads;
    }
    if (!net->feat) {
        net->feat = xcalloc((size_t)DEEP_CONVNET_F_BATCH * FEATURES, vb);
        net->hidden = xcalloc((size_t)DEEP_CONVNET_F_BATCH * HIDDEN, vb);
    }
    size_t bytes = ((size_t)net->scratch_threads * THREAD_VALUES +
                    (size_t)DEEP_CONVNET_F_BATCH * (FEATURES + HIDDEN)) * vb;
    if (net->storage == DEEP_CONVNET_FLOAT16) {
        if (!net->expanded)
            net->expanded = xcalloc(net->param_values, sizeof(float));
        bytes += net->param_values * sizeof(float);
        float *at = net->expanded;      /* exact: every half is a float */
        for (size_t i = 0; i < DEEP_CONVNET_NPARAMS; i++) {
            half_to_floats(at, net->f16[i], net->size[i]);
            net->w[i] = at;
            at += net->size[i];
        }
    }
    if (bytes > net->work_bytes)
        net->work_bytes = bytes;
}

/* Where image i of the batch comes from. */
typedef struct {
    const float *xf;
    const half *xh;
    const double *xd;
} Images;

static const float *image_f32(void *ctx, size_t i, float *spare)
{
    const Images *im = ctx;
    if (im->xf)
        return im->xf + i * SIDE * SIDE;
    half_to_floats(spare, im->xh + i * SIDE * SIDE, SIDE * SIDE);   /* a float16 image */
    return spare;
}

static const double *image_f64(void *ctx, size_t i, double *spare)
{
    (void)spare;
    return ((const Images *)ctx)->xd + i * SIDE * SIDE;
}

static void predict(DeepConvNetF *net, void *y, Images im, size_t n)
{
    const int threads = parallel_threads();
    prepare(net, threads);
    for (size_t first = 0; first < n; first += DEEP_CONVNET_F_BATCH) {
        const size_t nb = n - first < DEEP_CONVNET_F_BATCH ? n - first : DEEP_CONVNET_F_BATCH;
        const size_t skip = first * SIDE * SIDE;
        Images batch = { im.xf ? im.xf + skip : NULL, im.xh ? im.xh + skip : NULL,
                         im.xd ? im.xd + skip : NULL };
        if (net->storage == DEEP_CONVNET_FLOAT64)
            predict_batch_f64(net->f64, (double *)y + first * OUTPUT, nb, net->scratch,
                              THREAD_VALUES, net->feat, net->hidden, threads, image_f64, &batch);
        else
            predict_batch_f32((const float *const *)net->w, (float *)y + first * OUTPUT, nb,
                              net->scratch, THREAD_VALUES, net->feat, net->hidden, threads,
                              image_f32, &batch);
    }
}

void deep_convnet_f_predict(DeepConvNetF *net, float *y, const float *x, size_t n)
{
    assert(net->storage != DEEP_CONVNET_FLOAT64 && "deep_convnet_f_predict: a float32 net");
    predict(net, y, (Images){ x, NULL, NULL }, n);
}

void deep_convnet_f_predict_half(DeepConvNetF *net, float *y, const half *x, size_t n)
{
    assert(net->storage != DEEP_CONVNET_FLOAT64 && "deep_convnet_f_predict_half: a float32 net");
    predict(net, y, (Images){ NULL, x, NULL }, n);
}

void deep_convnet_f_predict_f64(DeepConvNetF *net, double *y, const double *x, size_t n)
{
    assert(net->storage == DEEP_CONVNET_FLOAT64 && "deep_convnet_f_predict_f64: a float64 net");
    predict(net, y, (Images){ NULL, NULL, x }, n);
}
