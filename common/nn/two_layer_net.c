/* two_layer_net.c - see two_layer_net.h. */
#include "nn/two_layer_net.h"

#include "nn/layers.h"

static void init_weight(Tensor *W, double weight_init_std, Random *rng)
{
    random_randn_fill(rng, W->data, W->size);               /* np.random.randn(rows, cols) */
    for (size_t k = 0; k < W->size; k++)
        W->data[k] = weight_init_std * W->data[k];
}

Net *two_layer_net_new(size_t input_size, size_t hidden_size, size_t output_size,
                       double weight_init_std, Random *rng)
{
    Net *net = net_new();
    /* self.params: the weights, then zeros for the biases */
    Tensor *W1 = net_param(net, "W1", TENSOR_SHAPE2(input_size, hidden_size));
    init_weight(W1, weight_init_std, rng);
    Tensor *b1 = net_param(net, "b1", 1, (const size_t[]){ hidden_size });
    Tensor *W2 = net_param(net, "W2", TENSOR_SHAPE2(hidden_size, output_size));
    init_weight(W2, weight_init_std, rng);
    Tensor *b2 = net_param(net, "b2", 1, (const size_t[]){ output_size });

    /* self.layers = OrderedDict(); self.lastLayer = SoftmaxWithLoss() (made by net_new) */
    net_add(net, "Affine1", affine_new(W1, b1));
    net_add(net, "Relu1", relu_new());
    net_add(net, "Affine2", affine_new(W2, b2));
    return net;
}
