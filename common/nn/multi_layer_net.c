/* multi_layer_net.c - the book's MultiLayerNet: see multi_layer_net.h. */
#include "nn/multi_layer_net.h"

Net *multi_layer_net_new(const MultiLayerNetConfig *cfg, char *err)
{
    MultiLayerNetConfig plain = *cfg;
    plain.use_dropout = 0;
    plain.use_batchnorm = 0;
    return multi_layer_net_extend_new(&plain, err);
}
