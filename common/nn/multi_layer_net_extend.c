/* multi_layer_net_extend.c - the book's MultiLayerNetExtend: see multi_layer_net_extend.h. */
#include "nn/multi_layer_net_extend.h"

#include <math.h>
#include <stdio.h>
#include <strings.h>

#include "nn/layers.h"
#include "sys/checked.h"

#define MAX_UNITS 100000

/* The scale of W{idx}'s randn: weight_init_std, or He's / Xavier's for the names. */
static int init_scale(const MultiLayerNetConfig *cfg, size_t fan_in, double *scale, char *err)
{
    const char *w = cfg->weight_init;
    if (!w)
        *scale = cfg->weight_init_std;
    else if (strcasecmp(w, "relu") == 0 || strcasecmp(w, "he") == 0)
        *scale = sqrt(2.0 / (double)fan_in);      /* np.sqrt(2.0 / all_size_list[idx - 1]) */
    else if (strcasecmp(w, "sigmoid") == 0 || strcasecmp(w, "xavier") == 0)
        *scale = sqrt(1.0 / (double)fan_in);
    else
        return set_error(err, "MultiLayerNet: weight_init_std '%s' is not a number, 'relu', "
                         "'he', 'sigmoid' or 'xavier'", w);
    return 0;
}

Net *multi_layer_net_extend_new(const MultiLayerNetConfig *cfg, char *err)
{
    const char *activation = cfg->activation ? cfg->activation : "relu";
    const int sigmoid = strcasecmp(activation, "sigmoid") == 0;
    if (!sigmoid && strcasecmp(activation, "relu") != 0) {
        set_error(err, "MultiLayerNet: activation '%s' is not 'relu' or 'sigmoid'", activation);
        return NULL;
    }
    const size_t hidden = cfg->hidden_layer_num;
    if (hidden > NET_MAX_LAYERS / 4 - 1) {
        set_error(err, "MultiLayerNet: %zu hidden layers, at most %d", hidden,
                  NET_MAX_LAYERS / 4 - 1);
        return NULL;
    }
    size_t sizes[NET_MAX_LAYERS];                 /* all_size_list */
    sizes[0] = cfg->input_size;
    for (size_t i = 0; i < hidden; i++)
        sizes[i + 1] = cfg->hidden_size_list[i];
    sizes[hidden + 1] = cfg->output_size;
    for (size_t i = 0; i < hidden + 2; i++)
        if (sizes[i] < 1 || sizes[i] > MAX_UNITS) {
            set_error(err, "MultiLayerNet: layer size %zu is not in [1, %d]", sizes[i], MAX_UNITS);
            return NULL;
        }
    double scales[NET_MAX_LAYERS];
    for (size_t idx = 1; idx <= hidden + 1; idx++)
        if (init_scale(cfg, sizes[idx - 1], &scales[idx], err) != 0)
            return NULL;

    Net *net = net_new();
    /* __init_weight: W{idx} = scale * np.random.randn(n{idx-1}, n{idx}), b{idx} = zeros */
    Tensor *W[NET_MAX_LAYERS], *b[NET_MAX_LAYERS];
    char name[PARAM_NAME_LEN], lname[32];          /* a parameter's name, a layer's */
    for (size_t idx = 1; idx <= hidden + 1; idx++) {
        snprintf(name, sizeof name, "W%zu", idx);
        W[idx] = net_param(net, name, TENSOR_SHAPE2(sizes[idx - 1], sizes[idx]));
        random_randn_fill(cfg->rng, W[idx]->data, W[idx]->size);
        for (size_t k = 0; k < W[idx]->size; k++)
            W[idx]->data[k] = scales[idx] * W[idx]->data[k];
        snprintf(name, sizeof name, "b%zu", idx);
        b[idx] = net_param(net, name, 1, &sizes[idx]);
    }
    /* the layers, in the book's OrderedDict order */
    for (size_t idx = 1; idx <= hidden; idx++) {
        snprintf(lname, sizeof lname, "Affine%zu", idx);
        net_add(net, lname, affine_new(W[idx], b[idx]));
        if (cfg->use_batchnorm) {
            snprintf(name, sizeof name, "gamma%zu", idx);
            Tensor *gamma = net_param(net, name, 1, &sizes[idx]);
            for (size_t k = 0; k < gamma->size; k++)
                gamma->data[k] = 1.0;                         /* np.ones */
            snprintf(name, sizeof name, "beta%zu", idx);
            Tensor *beta = net_param(net, name, 1, &sizes[idx]);
            snprintf(lname, sizeof lname, "BatchNorm%zu", idx);
            net_add(net, lname, batch_normalization_new(gamma, beta, 0.9));
        }
        snprintf(lname, sizeof lname, "Activation_function%zu", idx);
        net_add(net, lname, sigmoid ? sigmoid_new() : relu_new());
        if (cfg->use_dropout) {
            snprintf(lname, sizeof lname, "Dropout%zu", idx);
            net_add(net, lname, dropout_new(cfg->dropout_ration, cfg->rng));
        }
    }
    snprintf(lname, sizeof lname, "Affine%zu", hidden + 1);
    net_add(net, lname, affine_new(W[hidden + 1], b[hidden + 1]));
    net_set_weight_decay(net, cfg->weight_decay_lambda);
    return net;
}
