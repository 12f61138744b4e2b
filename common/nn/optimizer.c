/* optimizer.c - the book's common/optimizer.py (book 6.1): see optimizer.h.
 *
 * Every update is written with the book's NumPy operations in the book's order, one
 * element at a time, so each value is rounded as NumPy rounds it:
 *     params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
 * is p - ((lr * g) / (sqrt(h) + 1e-7)), never p - lr * (g / ...).
 */
#include "nn/optimizer.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "kernels/clones.h"
#include "kernels/parallel.h"
#include "sys/checked.h"

typedef enum { OPT_SGD, OPT_MOMENTUM, OPT_NESTEROV, OPT_ADAGRAD, OPT_RMSPROP, OPT_ADAM } Kind;

static const struct {
    const char *name;
    Kind kind;
    OptimizerParams defaults;
} KINDS[] = {
    { "SGD", OPT_SGD, { .lr = 0.01 } },
    { "Momentum", OPT_MOMENTUM, { .lr = 0.01, .momentum = 0.9 } },
    { "Nesterov", OPT_NESTEROV, { .lr = 0.01, .momentum = 0.9 } },
    { "AdaGrad", OPT_ADAGRAD, { .lr = 0.01 } },
    { "RMSprop", OPT_RMSPROP, { .lr = 0.01, .decay_rate = 0.99 } },
    { "Adam", OPT_ADAM, { .lr = 0.001, .beta1 = 0.9, .beta2 = 0.999 } },
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])

struct Optimizer {
    size_t k;                 /* index into KINDS */
    OptimizerParams p;
    long iter;                /* Adam's self.iter */
    size_t n;                 /* parameters the state was made for (0: not yet, the book's None) */
    Tensor *v;                /* Momentum, Nesterov: self.v; Adam: self.v */
    Tensor *h;                /* AdaGrad, RMSprop: self.h; Adam: self.m */
};

static int find_kind(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < NKINDS; i++)
        if (strcasecmp(name, KINDS[i].name) == 0)
            return (int)i;
    return -1;
}

int optimizer_defaults(const char *name, OptimizerParams *out)
{
    const int k = find_kind(name);
    if (k < 0)
        return -1;
    *out = KINDS[k].defaults;
    return 0;
}

Optimizer *optimizer_new(const char *name, const OptimizerParams *p)
{
    const int k = find_kind(name);
    if (k < 0)
        return NULL;
    Optimizer *opt = xcalloc(1, sizeof *opt);
    opt->k = (size_t)k;
    opt->p = p ? *p : KINDS[k].defaults;
    return opt;
}

const char *optimizer_name(const Optimizer *opt)
{
    return KINDS[opt->k].name;
}

/* np.zeros_like for every parameter: the state the book makes on the first update. */
static Tensor *zeros_like_all(const Param *params, size_t n)
{
    Tensor *t = xcalloc(n, sizeof *t);
    for (size_t i = 0; i < n; i++)
        t[i] = tensor_new(params[i].value->ndim, params[i].value->shape);
    return t;
}

static void free_all(Tensor *t, size_t n)
{
    if (!t)
        return;
    for (size_t i = 0; i < n; i++)
        tensor_free(&t[i]);
    free(t);
}

static void make_state(Optimizer *opt, const Param *params, size_t n)
{
    const Kind kind = KINDS[opt->k].kind;
    opt->n = n;
    if (kind == OPT_MOMENTUM || kind == OPT_NESTEROV || kind == OPT_ADAM)
        opt->v = zeros_like_all(params, n);
    if (kind == OPT_ADAGRAD || kind == OPT_RMSPROP || kind == OPT_ADAM)
        opt->h = zeros_like_all(params, n);
}

/* Adam's step on n elements, four at a time in vectors (kernels/clones.h: one version per
 * x86-64 vector extension; sqrt and / are exact in every lane, as in the scalar tail):
 *     self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
 *     self.v[key] += (1 - self.beta2) * (grads[key]**2 - self.v[key])
 *     params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)
 * Scalar, this loop was 5-8% of SimpleConvNet's training step. */
#define ADAM_BLOCK 1024

VECTOR_CLONES
static void adam_block(double *restrict p, const double *restrict g, double *restrict m,
                       double *restrict v, size_t n, double beta1, double beta2, double lr_t)
{
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const v4d gj = *(const v4du *)(g + j);
        v4d mj = *(const v4du *)(m + j), vj = *(const v4du *)(v + j), s;
        mj += (1 - beta1) * (gj - mj);
        vj += (1 - beta2) * (gj * gj - vj);
        for (int l = 0; l < 4; l++)
            s[l] = sqrt(vj[l]);
        *(v4du *)(p + j) -= lr_t * mj / (s + 1e-7);
        *(v4du *)(m + j) = mj;
        *(v4du *)(v + j) = vj;
    }
    for (; j < n; j++) {
        m[j] += (1 - beta1) * (g[j] - m[j]);
        v[j] += (1 - beta2) * (g[j] * g[j] - v[j]);
        p[j] -= lr_t * m[j] / (sqrt(v[j]) + 1e-7);
    }
}

void optimizer_update(Optimizer *opt, Param *params, size_t n)
{
    const Kind kind = KINDS[opt->k].kind;
    if (kind != OPT_SGD && opt->n == 0)
        make_state(opt, params, n);
    assert((kind == OPT_SGD || opt->n == n) && "optimizer_update: a different Param array");
    const double lr = opt->p.lr, momentum = opt->p.momentum, decay_rate = opt->p.decay_rate;
    const double beta1 = opt->p.beta1, beta2 = opt->p.beta2;
    double lr_t = 0.0;
    if (kind == OPT_ADAM) {
        opt->iter++;
        lr_t = lr * sqrt(1.0 - pow(beta2, (double)opt->iter)) /
               (1.0 - pow(beta1, (double)opt->iter));
    }
    for (size_t i = 0; i < n; i++) {
        double *p = params[i].value->data;
        const double *g = params[i].grad->data;
        const size_t size = params[i].value->size;
        assert(params[i].grad->size == size && "optimizer_update: grad and value differ in size");
        assert((kind == OPT_SGD || (opt->v ? opt->v : opt->h)[i].size == size) &&
               "optimizer_update: a parameter changed size");
        double *v = opt->v ? opt->v[i].data : NULL;
        double *h = opt->h ? opt->h[i].data : NULL;
        switch (kind) {
        case OPT_SGD:            /* params[key] -= self.lr * grads[key] */
            PARALLEL_FOR_LARGE(size)
            for (size_t j = 0; j < size; j++)
                p[j] -= lr * g[j];
            break;
        case OPT_MOMENTUM:       /* v = momentum*v - lr*grad; params += v */
            PARALLEL_FOR_LARGE(size)
            for (size_t j = 0; j < size; j++) {
                v[j] = momentum * v[j] - lr * g[j];
                p[j] += v[j];
            }
            break;
        case OPT_NESTEROV:
            PARALLEL_FOR_LARGE(size)
            for (size_t j = 0; j < size; j++) {
                p[j] += momentum * momentum * v[j];
                p[j] -= (1 + momentum) * lr * g[j];
                v[j] *= momentum;
                v[j] -= lr * g[j];
            }
            break;
        case OPT_ADAGRAD:        /* h += g*g; params -= lr*g / (sqrt(h) + 1e-7) */
            PARALLEL_FOR_LARGE(size)
            for (size_t j = 0; j < size; j++) {
                h[j] += g[j] * g[j];
                p[j] -= lr * g[j] / (sqrt(h[j]) + 1e-7);
            }
            break;
        case OPT_RMSPROP:        /* h *= decay; h += (1 - decay)*g*g; as AdaGrad */
            PARALLEL_FOR_LARGE(size)
            for (size_t j = 0; j < size; j++) {
                h[j] *= decay_rate;
                h[j] += (1 - decay_rate) * g[j] * g[j];
                p[j] -= lr * g[j] / (sqrt(h[j]) + 1e-7);
            }
            break;
        case OPT_ADAM:           /* m (kept in h) and v: the book's running moments */
            PARALLEL_FOR_LARGE(size)
            for (size_t j = 0; j < size; j += ADAM_BLOCK)
                adam_block(p + j, g + j, h + j, v + j,
                           size - j < ADAM_BLOCK ? size - j : ADAM_BLOCK, beta1, beta2, lr_t);
            break;
        }
    }
}

void optimizer_free(Optimizer *opt)
{
    if (!opt)
        return;
    free_all(opt->v, opt->n);
    free_all(opt->h, opt->n);
    free(opt);
}
