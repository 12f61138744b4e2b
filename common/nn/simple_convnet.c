/* simple_convnet.c - see simple_convnet.h. */
#include "nn/simple_convnet.h"

#include <assert.h>

#include "nn/layers.h"
#include "nn/util.h"

SimpleConvNetParams simple_convnet_defaults(void)
{
    return (SimpleConvNetParams){
        .input_dim = { 1, 28, 28 },
        .filter_num = 30, .filter_size = 5, .pad = 0, .stride = 1,
        .hidden_size = 100, .output_size = 10,
        .weight_init_std = 0.01,
    };
}

/* params[name] = weight_init_std * np.random.randn(*shape) (rng NULL: zeros) */
static Tensor *weight(Net *net, const char *name, int ndim, const size_t *shape, double std,
                      Random *rng)
{
    Tensor *W = net_param(net, name, ndim, shape);
    if (rng)
        for (size_t i = 0; i < W->size; i++)
            W->data[i] = std * random_randn(rng);
    return W;
}

Net *simple_convnet_new(const SimpleConvNetParams *p, Random *rng)
{
    const size_t C = p->input_dim[0], FN = p->filter_num, FS = p->filter_size;
    const size_t conv_h = conv_output_size(p->input_dim[1], FS, p->stride, p->pad);
    const size_t conv_w = conv_output_size(p->input_dim[2], FS, p->stride, p->pad);
    /* the book's int(filter_num * (conv_output_size/2) * (conv_output_size/2)) for an even
     * output size, which is what Pool1 (2x2, stride 2) leaves for any size */
    const size_t pool_output_size = FN * (conv_h / 2) * (conv_w / 2);
    assert(pool_output_size > 0 && "SimpleConvNet: the input is too small for the filter and the pooling");
    const double std = p->weight_init_std;

    Net *net = net_new();
    Tensor *W1 = weight(net, "W1", TENSOR_SHAPE4(FN, C, FS, FS), std, rng);
    Tensor *b1 = net_param(net, "b1", 1, (const size_t[]){ FN });
    Tensor *W2 = weight(net, "W2", TENSOR_SHAPE2(pool_output_size, p->hidden_size), std, rng);
    Tensor *b2 = net_param(net, "b2", 1, (const size_t[]){ p->hidden_size });
    Tensor *W3 = weight(net, "W3", TENSOR_SHAPE2(p->hidden_size, p->output_size), std, rng);
    Tensor *b3 = net_param(net, "b3", 1, (const size_t[]){ p->output_size });

    net_add(net, "Conv1", convolution_new(W1, b1, p->stride, p->pad));
    net_add(net, "Relu1", relu_new());
    net_add(net, "Pool1", pooling_new(2, 2, 2, 0));
    net_add(net, "Affine1", affine_new(W2, b2));
    net_add(net, "Relu2", relu_new());
    net_add(net, "Affine2", affine_new(W3, b3));
    return net;
}
