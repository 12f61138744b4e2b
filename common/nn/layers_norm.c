/* layers_norm.c - the two layers of the book's chapter 6 (common/layers.py): Dropout (6.4.3)
 * and BatchNormalization (6.3). See layers.h and layer.h for the contract.
 *
 * Each operation is the book's NumPy expression in the book's order, element by element:
 * a mean over axis 0 of a C-ordered (N, D) array is NumPy's row-after-row sum (no pairwise
 * summation runs across rows), then one division by N, so the results are NumPy's doubles.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "nn/layers.h"
#include "sys/checked.h"   /* xcalloc */

/* ---- Dropout ------------------------------------------------------------------------ */

typedef struct {
    Layer base;
    double dropout_ratio;
    Random *rng;
    Tensor mask;          /* the book's self.mask: 1.0 (kept) or 0.0, x's shape */
} Dropout;

/* train: mask = np.random.rand(*x.shape) > dropout_ratio; out = x * mask.
 * test:  out = x * (1.0 - dropout_ratio). */
static void dropout_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    Dropout *d = (Dropout *)l;
    tensor_reshape(out, x->ndim, x->shape);
    if (train) {
        tensor_reshape(&d->mask, x->ndim, x->shape);
        for (size_t i = 0; i < x->size; i++) {
            d->mask.data[i] = random_rand(d->rng) > d->dropout_ratio ? 1.0 : 0.0;
            out->data[i] = x->data[i] * d->mask.data[i];
        }
    } else {
        const double keep = 1.0 - d->dropout_ratio;
        for (size_t i = 0; i < x->size; i++)
            out->data[i] = x->data[i] * keep;
    }
}

/* dx = dout * self.mask (the mask of the last training forward). */
static void dropout_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    Dropout *d = (Dropout *)l;
    if (!dx)
        return;
    assert(d->mask.size == dout->size &&
           "Dropout backward: needs a training forward of the same shape first");
    tensor_reshape(dx, dout->ndim, dout->shape);
    for (size_t i = 0; i < dout->size; i++)
        dx->data[i] = dout->data[i] * d->mask.data[i];
}

static void dropout_free(Layer *l)
{
    Dropout *d = (Dropout *)l;
    tensor_free(&d->mask);
    free(d);
}

static const LayerOps DROPOUT_OPS = {
    .type = "Dropout",
    .forward = dropout_forward,
    .backward = dropout_backward,
    .params = NULL,
    .free = dropout_free,
};

Layer *dropout_new(double dropout_ratio, Random *rng)
{
    Dropout *d = xcalloc(1, sizeof *d);
    d->base.ops = &DROPOUT_OPS;
    d->dropout_ratio = dropout_ratio;
    d->rng = rng;
    return &d->base;
}

/* ---- BatchNormalization --------------------------------------------------------------- */

typedef struct {
    Layer base;
    Tensor *gamma, *beta;            /* (D), the network's */
    double momentum;
    Tensor running_mean, running_var;/* (D), zeros on the first forward (the book's None) */
    size_t batch_size;
    Tensor xc, xn;                   /* (N, D): x - mu and xc / std of the last training forward */
    Tensor std;                      /* (D): np.sqrt(var + 10e-7) */
    Tensor mu, var;                  /* (D), scratch */
    Tensor test_std;                 /* (D): np.sqrt(running_var + 10e-7) */
    Tensor dgamma, dbeta;            /* (D) */
    Tensor dxc;                      /* (N, D), backward's scratch */
} BatchNormalization;

/* out[j] = sum over rows i of a[i][j] (np.sum(a, axis=0): row after row), then / div. */
static void mean_axis0(double *out, const double *a, size_t n, size_t d, double div)
{
    for (size_t j = 0; j < d; j++)
        out[j] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            out[j] += a[i * d + j];
    if (div != 1.0)
        for (size_t j = 0; j < d; j++)
            out[j] /= div;
}

/* x (N, D), or (N, C, H, W) seen as (N, C*H*W) as the book's x.reshape(N, -1). */
static void batch_norm_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    BatchNormalization *bn = (BatchNormalization *)l;
    const size_t N = x->shape[0], D = x->size / N;
    assert(bn->gamma->size == D && bn->beta->size == D &&
           "BatchNormalization: x's features per sample differ from gamma's size");
    if (bn->running_mean.size == 0) {             /* self.running_mean = np.zeros(D) */
        bn->running_mean = tensor_new(1, (size_t[]){ D });
        bn->running_var = tensor_new(1, (size_t[]){ D });
    }
    tensor_reshape(out, x->ndim, x->shape);
    const size_t shape2[2] = { N, D };
    const double *g = bn->gamma->data, *b = bn->beta->data;
    double *rm = bn->running_mean.data, *rv = bn->running_var.data;
    if (train) {
        tensor_reshape(&bn->mu, 1, &D);
        tensor_reshape(&bn->var, 1, &D);
        tensor_reshape(&bn->std, 1, &D);
        tensor_reshape(&bn->xc, 2, shape2);
        tensor_reshape(&bn->xn, 2, shape2);
        double *mu = bn->mu.data, *var = bn->var.data, *std = bn->std.data;
        double *xc = bn->xc.data, *xn = bn->xn.data;
        mean_axis0(mu, x->data, N, D, (double)N);             /* mu = x.mean(axis=0) */
        for (size_t i = 0; i < N * D; i++)                     /* xc = x - mu */
            xc[i] = x->data[i] - mu[i % D];
        for (size_t i = 0; i < N * D; i++)                     /* xc**2, kept in xn for now */
            xn[i] = xc[i] * xc[i];
        mean_axis0(var, xn, N, D, (double)N);                 /* var = np.mean(xc**2, axis=0) */
        for (size_t j = 0; j < D; j++)
            std[j] = sqrt(var[j] + 10e-7);
        for (size_t i = 0; i < N * D; i++)                     /* xn = xc / std */
            xn[i] = xc[i] / std[i % D];
        bn->batch_size = N;
        for (size_t j = 0; j < D; j++) {
            rm[j] = bn->momentum * rm[j] + (1 - bn->momentum) * mu[j];
            rv[j] = bn->momentum * rv[j] + (1 - bn->momentum) * var[j];
        }
        for (size_t i = 0; i < N * D; i++)                     /* out = gamma * xn + beta */
            out->data[i] = g[i % D] * xn[i] + b[i % D];
    } else {
        /* xc = x - running_mean; xn = xc / np.sqrt(running_var + 10e-7); the caches of the
         * last training forward are left as they are, as the book's are */
        tensor_reshape(&bn->test_std, 1, &D);
        for (size_t j = 0; j < D; j++)
            bn->test_std.data[j] = sqrt(rv[j] + 10e-7);
        for (size_t i = 0; i < N * D; i++) {
            const double xc = x->data[i] - rm[i % D];
            const double xn = xc / bn->test_std.data[i % D];
            out->data[i] = g[i % D] * xn + b[i % D];
        }
    }
}

static void batch_norm_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    BatchNormalization *bn = (BatchNormalization *)l;
    const size_t N = bn->batch_size, D = bn->gamma->size;
    assert(N > 0 && dout->size == N * D &&
           "BatchNormalization backward: needs a training forward of the same shape first");
    const double *g = bn->gamma->data, *std = bn->std.data;
    const double *xc = bn->xc.data, *xn = bn->xn.data, *d = dout->data;
    const size_t shape2[2] = { N, D };
    tensor_reshape(&bn->dxc, 2, shape2);
    double *dxc = bn->dxc.data;
    double *dbeta = bn->dbeta.data, *dgamma = bn->dgamma.data;
    double *dstd = bn->mu.data, *dmu = bn->var.data;           /* scratch (D) */

    mean_axis0(dbeta, d, N, D, 1.0);                           /* dbeta = dout.sum(axis=0) */
    for (size_t j = 0; j < D; j++)                             /* dgamma = np.sum(xn * dout, 0) */
        dgamma[j] = 0.0, dstd[j] = 0.0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++) {
            const size_t k = i * D + j;
            dgamma[j] += xn[k] * d[k];
            const double dxn = g[j] * d[k];                    /* dxn = gamma * dout */
            dxc[k] = dxn / std[j];                             /* dxc = dxn / std */
            dstd[j] += (dxn * xc[k]) / (std[j] * std[j]);      /* np.sum((dxn*xc)/(std*std), 0) */
        }
    for (size_t j = 0; j < D; j++)
        dstd[j] = -dstd[j];
    /* dvar = 0.5 * dstd / std; dxc += (2.0 / batch_size) * xc * dvar */
    const double two_n = 2.0 / (double)N;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++) {
            const double dvar = 0.5 * dstd[j] / std[j];
            dxc[i * D + j] += two_n * xc[i * D + j] * dvar;
        }
    mean_axis0(dmu, dxc, N, D, 1.0);                           /* dmu = np.sum(dxc, axis=0) */
    if (dx) {
        tensor_reshape(dx, dout->ndim, dout->shape);           /* dx.reshape(*input_shape) */
        for (size_t i = 0; i < N * D; i++)                     /* dx = dxc - dmu / batch_size */
            dx->data[i] = dxc[i] - dmu[i % D] / (double)N;
    }
}

static size_t batch_norm_params(Layer *l, Param *out)
{
    BatchNormalization *bn = (BatchNormalization *)l;
    out[0] = (Param){ .value = bn->gamma, .grad = &bn->dgamma };
    out[1] = (Param){ .value = bn->beta, .grad = &bn->dbeta };
    return 2;
}

static void batch_norm_free(Layer *l)
{
    BatchNormalization *bn = (BatchNormalization *)l;
    Tensor *ts[] = { &bn->running_mean, &bn->running_var, &bn->xc, &bn->xn, &bn->std,
                     &bn->mu, &bn->var, &bn->test_std, &bn->dgamma, &bn->dbeta, &bn->dxc };
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        tensor_free(ts[i]);
    free(bn);
}

static const LayerOps BATCH_NORM_OPS = {
    .type = "BatchNormalization",
    .forward = batch_norm_forward,
    .backward = batch_norm_backward,
    .params = batch_norm_params,
    .free = batch_norm_free,
};

Layer *batch_normalization_new(Tensor *gamma, Tensor *beta, double momentum)
{
    BatchNormalization *bn = xcalloc(1, sizeof *bn);
    bn->base.ops = &BATCH_NORM_OPS;
    bn->gamma = gamma;
    bn->beta = beta;
    bn->momentum = momentum;
    bn->dgamma = tensor_new(gamma->ndim, gamma->shape);
    bn->dbeta = tensor_new(beta->ndim, beta->shape);
    return &bn->base;
}
