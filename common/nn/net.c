/* net.c - see net.h. */
#include "nn/net.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gradient.h"
#include "numpy/npsum.h"
#include "sys/checked.h"
#include "sys/progress.h"

#define LAYER_NAME_LEN 32

struct Net {
    size_t nlayers, nparams;
    Layer *layers[NET_MAX_LAYERS];                  /* self.layers, in order */
    char layer_names[NET_MAX_LAYERS][LAYER_NAME_LEN];
    Tensor outs[NET_MAX_LAYERS];                    /* layer i's output */
    Tensor dxs[NET_MAX_LAYERS + 1];                 /* d loss / d (layer i's input); [n]: scores */
    Param params[NET_MAX_PARAMS];                   /* self.params (value owned) and grads */
    SoftmaxWithLoss *last_layer;
    double weight_decay_lambda;
    double *squares;                                /* W ** 2 for the weight decay term */
    size_t squares_cap;
    size_t *pred;                                   /* np.argmax(y, axis=1) of a batch */
    size_t pred_cap;
    int profile;                                    /* DLFS_PROFILE set: time each layer */
    double seconds[NET_MAX_LAYERS][2];              /* forward, backward */
    size_t calls[NET_MAX_LAYERS][2];
    size_t fused[NET_MAX_LAYERS];                   /* forward took the next ones along */
};

Net *net_new(void)
{
    Net *net = xcalloc(1, sizeof *net);
    net->last_layer = softmax_with_loss_new();
    const char *profile = getenv("DLFS_PROFILE");
    net->profile = profile && *profile && strcmp(profile, "0") != 0;
    return net;
}

/* DLFS_PROFILE's table, on stderr: where the time of the layers went. */
static void print_profile(const Net *net)
{
    double total = 0.0;
    for (size_t i = 0; i < net->nlayers; i++)
        total += net->seconds[i][0] + net->seconds[i][1];
    if (total <= 0.0)
        return;
    fprintf(stderr, "DLFS_PROFILE: %-18s %10s %8s %10s %8s %6s\n", "layer", "forward s", "calls",
            "backward s", "calls", "share");
    for (size_t i = 0; i < net->nlayers; i++) {
        char name[LAYER_NAME_LEN + 16];
        snprintf(name, sizeof name, net->fused[i] ? "%s (+%zu)" : "%s", net->layer_names[i],
                 net->fused[i]);          /* its forward ran the next fused[i] layers too */
        fprintf(stderr, "DLFS_PROFILE: %-18s %10.3f %8zu %10.3f %8zu %5.1f%%\n", name,
                net->seconds[i][0], net->calls[i][0], net->seconds[i][1], net->calls[i][1],
                100.0 * (net->seconds[i][0] + net->seconds[i][1]) / total);
    }
    fprintf(stderr, "DLFS_PROFILE: %-18s %10.3f s in all layers\n", "total", total);
}

void net_free(Net *net)
{
    if (!net)
        return;
    if (net->profile)
        print_profile(net);
    for (size_t i = 0; i < net->nlayers; i++) {
        layer_free(net->layers[i]);
        tensor_free(&net->outs[i]);
    }
    for (size_t i = 0; i <= net->nlayers; i++)
        tensor_free(&net->dxs[i]);
    for (size_t i = 0; i < net->nparams; i++) {
        tensor_free(net->params[i].value);
        free(net->params[i].value);
    }
    softmax_with_loss_free(net->last_layer);
    free(net->squares);
    free(net->pred);
    free(net);
}

Tensor *net_param(Net *net, const char *name, int ndim, const size_t *shape)
{
    assert(net->nparams < NET_MAX_PARAMS && "net_param: too many parameters");
    assert(strlen(name) < PARAM_NAME_LEN && !net_find_param(net, name) &&
           "net_param: name too long or already used");
    Param *p = &net->params[net->nparams++];
    memset(p, 0, sizeof *p);
    strcpy(p->name, name);
    p->value = xmalloc(sizeof *p->value);
    *p->value = tensor_new(ndim, shape);
    return p->value;
}

void net_add(Net *net, const char *name, Layer *layer)
{
    assert(net->nlayers < NET_MAX_LAYERS && strlen(name) < LAYER_NAME_LEN &&
           "net_add: too many layers or name too long");
    const size_t i = net->nlayers++;
    net->layers[i] = layer;
    strcpy(net->layer_names[i], name);
    /* the layer's gradients become the grads of the net's parameters it uses */
    Param lp[LAYER_MAX_PARAMS];
    const size_t n = layer_params(layer, lp);
    assert(n <= LAYER_MAX_PARAMS && "net_add: a layer lists too many parameters");
    for (size_t k = 0; k < n; k++) {
        size_t j = 0;
        while (j < net->nparams && net->params[j].value != lp[k].value)
            j++;
        assert(j < net->nparams && "net_add: the layer uses a tensor not made by net_param");
        net->params[j].grad = lp[k].grad;
    }
}

void net_set_weight_decay(Net *net, double weight_decay_lambda)
{
    net->weight_decay_lambda = weight_decay_lambda;
}

size_t net_param_count(const Net *net) { return net->nparams; }
Param *net_params(Net *net) { return net->params; }

Param *net_find_param(Net *net, const char *name)
{
    for (size_t i = 0; i < net->nparams; i++)
        if (strcmp(net->params[i].name, name) == 0)
            return &net->params[i];
    return NULL;
}

/* ---- predict, loss, accuracy --------------------------------------------------------- */

const Tensor *net_predict(Net *net, const Tensor *x, int train)
{
    assert(net->nlayers > 0 && "net_predict: no layers");
    const Tensor *in = x;
    for (size_t i = 0; i < net->nlayers; i++) {     /* for layer in self.layers.values() */
        const double t0 = net->profile ? progress_now() : 0.0;
        /* Convolution, Relu, Pooling: the three forwards at once, image by image (the same
         * results; the profile counts their time as the Convolution's) */
        size_t last = i;
        if (i + 2 < net->nlayers &&
            conv_relu_pool_forward(net->layers[i], net->layers[i + 1], net->layers[i + 2],
                                   &net->outs[i + 2], in, train))
            last = i + 2;
        else
            layer_forward(net->layers[i], &net->outs[i], in, train);   /* x = layer.forward(x) */
        if (net->profile) {
            net->seconds[i][0] += progress_now() - t0;
            net->calls[i][0]++;
            net->fused[i] = last - i;
        }
        in = &net->outs[last];
        i = last;
    }
    return in;
}

/* 0.5 * lambda * np.sum(W ** 2), added over the W parameters in their order. */
static double weight_decay(Net *net)
{
    double decay = 0.0;
    for (size_t i = 0; i < net->nparams; i++) {
        const Tensor *W = net->params[i].value;
        if (net->params[i].name[0] != 'W')
            continue;
        if (W->size > net->squares_cap) {
            free(net->squares);
            net->squares = xcalloc(W->size, sizeof *net->squares);
            net->squares_cap = W->size;
        }
        for (size_t k = 0; k < W->size; k++)
            net->squares[k] = W->data[k] * W->data[k];
        decay += 0.5 * net->weight_decay_lambda * np_sum(net->squares, W->size);
    }
    return decay;
}

double net_loss(Net *net, const Tensor *x, const size_t *t, int train)
{
    const Tensor *y = net_predict(net, x, train);
    const double loss = softmax_with_loss_forward(net->last_layer, y, LABELS_INDEX(t));
    return net->weight_decay_lambda > 0.0 ? loss + weight_decay(net) : loss;
}

size_t net_count_correct(Net *net, const Tensor *x, const size_t *t, size_t batch)
{
    assert(batch > 0 && "net_count_correct: batch is 0");
    const size_t N = x->shape[0], row = N ? x->size / N : 0;
    size_t correct = 0;
    for (size_t i = 0; i < N; i += batch) {
        const size_t n = N - i < batch ? N - i : batch;
        size_t shape[TENSOR_MAX_NDIM];
        memcpy(shape, x->shape, sizeof shape);
        shape[0] = n;
        const Tensor xb = tensor_view(x->data + i * row, x->ndim, shape);   /* x[i:i+batch] */
        const Tensor *y = net_predict(net, &xb, 0);
        if (n > net->pred_cap) {
            free(net->pred);
            net->pred = xcalloc(n, sizeof *net->pred);
            net->pred_cap = n;
        }
        const Matrix ym = tensor_as_matrix(y);
        matrix_argmax_rows(net->pred, &ym);             /* y = np.argmax(y, axis=1) */
        for (size_t j = 0; j < n; j++)
            correct += net->pred[j] == t[i + j];        /* np.sum(y == t) */
    }
    return correct;
}

double net_accuracy(Net *net, const Tensor *x, const size_t *t, size_t batch)
{
    assert(x->shape[0] > 0 && "net_accuracy: no rows");
    return (double)net_count_correct(net, x, t, batch) / (double)x->shape[0];
}

/* ---- gradients --------------------------------------------------------------------------- */

double net_gradient(Net *net, const Tensor *x, const size_t *t)
{
    const double loss = net_loss(net, x, t, 1);             /* forward */
    const size_t n = net->nlayers;
    softmax_with_loss_backward(net->last_layer, &net->dxs[n]);   /* dout = 1 */
    for (size_t i = n; i-- > 0;) {                          /* layers reversed */
        const double t0 = net->profile ? progress_now() : 0.0;
        /* Pooling, Relu, Convolution as the first layers: the three at once (the same
         * gradients; the profile counts their time as the Convolution's) */
        size_t first = i;
        if (i == 2 && conv_relu_pool_backward(net->layers[0], net->layers[1], net->layers[2],
                                              &net->dxs[3]))
            first = 0;
        else
            layer_backward(net->layers[i], i ? &net->dxs[i] : NULL, &net->dxs[i + 1]);
        if (net->profile) {
            net->seconds[first][1] += progress_now() - t0;
            net->calls[first][1]++;
        }
        i = first;
    }
    if (net->weight_decay_lambda > 0.0)                      /* dW + lambda * W */
        for (size_t i = 0; i < net->nparams; i++) {
            Param *p = &net->params[i];
            if (p->name[0] != 'W')
                continue;
            assert(p->grad && p->grad->size == p->value->size && "net_gradient: no gradient");
            for (size_t k = 0; k < p->value->size; k++)
                p->grad->data[k] += net->weight_decay_lambda * p->value->data[k];
        }
    return loss;
}

typedef struct {
    Net *net;
    const Tensor *x;
    const size_t *t;
} LossContext;

/* the book's loss_W = lambda W: self.loss(x, t): W is perturbed in place, inside the net */
static double loss_W(const Matrix *W, void *ctx)
{
    const LossContext *c = ctx;
    (void)W;
    return net_loss(c->net, c->x, c->t, 1);
}

void net_numerical_gradient(Net *net, const Tensor *x, const size_t *t, Tensor *grads)
{
    LossContext ctx = { net, x, t };
    for (size_t i = 0; i < net->nparams; i++) {
        Tensor *v = net->params[i].value;
        tensor_reshape(&grads[i], v->ndim, v->shape);
        Matrix vm = { 1, v->size, v->data }, gm = { 1, v->size, grads[i].data };
        numerical_gradient(&gm, loss_W, &ctx, &vm);
    }
}

/* ---- named arrays ------------------------------------------------------------------------ */

static void shape_str(char *buf, size_t len, int ndim, const size_t *shape)
{
    size_t used = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? ", " : "", shape[i]);
    if (used < len)
        snprintf(buf + used, len - used, ndim == 1 ? ",)" : ")");
}

int net_load_arrays(Net *net, const ArrayList *arrays, const char *file, char *err)
{
    char want[96], got[96];
    for (size_t i = 0; i < net->nparams; i++) {             /* check everything first */
        const Param *p = &net->params[i];
        const NamedArray *a = arraylist_find(arrays, p->name);
        if (!a)
            return set_error(err, "%s: no array '%s' (the network's parameter)", file, p->name);
        int same = a->ndim == p->value->ndim;
        for (int d = 0; same && d < a->ndim; d++)
            same = a->shape[d] == p->value->shape[d];
        if (!same) {
            shape_str(want, sizeof want, p->value->ndim, p->value->shape);
            shape_str(got, sizeof got, a->ndim, a->shape);
            return set_error(err, "%s: array '%s' has shape %s, the network needs %s", file,
                             p->name, got, want);
        }
    }
    for (size_t i = 0; i < arrays->count; i++)
        if (!net_find_param(net, arrays->items[i].name))
            return set_error(err, "%s: array '%s' is not a parameter of this network", file,
                             arrays->items[i].name);
    for (size_t i = 0; i < net->nparams; i++) {             /* then copy */
        const Param *p = &net->params[i];
        const NamedArray *a = arraylist_find(arrays, p->name);
        if (p->value->size)
            memcpy(p->value->data, a->data, p->value->size * sizeof(double));
    }
    return 0;
}

void net_to_arrays(const Net *net, ArrayList *out)
{
    *out = (ArrayList){ 0, NULL };
    for (size_t i = 0; i < net->nparams; i++) {
        const Tensor *v = net->params[i].value;
        double *data = xcalloc(v->size ? v->size : 1, sizeof *data);
        if (v->size)
            memcpy(data, v->data, v->size * sizeof *data);
        arraylist_add(out, net->params[i].name, v->ndim, v->shape, data);
    }
}
