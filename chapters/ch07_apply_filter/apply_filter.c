/* ch07_apply_filter - what the learned filters respond to: each of the first 16 filters
 * convolved with an image (book chapter 7, section 7.6.1: ch07/apply_filter.py).
 *
 * network.load_params(FILE); for i in range(16): Convolution(W1[i], b=0).forward(img), as
 * the book's script does, on an MNIST test digit (--image N, default 0: a 7) instead of the
 * book's lena_gray.png: a 28 x 28 image gives 24 x 24 responses. A filter that learned an
 * edge lights up along the strokes of that orientation (figure 7-24's "after" filters at
 * work). The image, the 16 filters and the 16 responses (each scaled to its own range, as
 * imshow does) go to <out>/ch07_apply_filter_{image,filters,out}.dat (plots/fig7-apply_filter.gp);
 * the program prints each response's range.
 * Parameters: --params FILE (.pkl or .npz); else data/params.pkl; else
 * data/weights/simple_convnet.npz; with none it exits 77.
 * Run: build/bin/ch07_apply_filter [--params FILE] [--image N] [--data DIR] [--out DIR]
 * Uses: nn/layers.h (Convolution), nn/simple_convnet.h, formats/mnist_batch.h,
 *       formats/weights.h, formats/image_grid.h, sys/find_file.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/image_grid.h"
#include "formats/mnist.h"
#include "formats/mnist_batch.h"
#include "formats/weights.h"
#include "nn/layers.h"
#include "nn/simple_convnet.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/find_file.h"
#include "sys/paths.h"

#define EXIT_SKIPPED 77
#define SHOW_NUM 16

static const char *const params_candidates[] = {
    "data/params.pkl",                 /* a reader's copy of the book's ch07/params.pkl */
    "data/weights/simple_convnet.npz", /* ours, trained by ch07_train_convnet */
};

static void write_grid(const char *out, const char *name, const char *title, const double *t,
                       size_t n, size_t h, size_t w, size_t nx)
{
    char err[ERR_LEN];
    if (image_grid_write(out, name, title, t, n, h, w, nx, 1, err) != 0)
        die("%s", err);
}

int main(int argc, char **argv)
{
    char *default_data = project_path("data/mnist"), *default_out = project_path("build/plots");
    const char *data = default_data, *out = default_out, *params_opt = NULL, *image = "0";
    const Option opts[] = {
        { "params", "FILE", "learned parameters, .pkl or .npz (default data/params.pkl, then "
                            "data/weights/simple_convnet.npz)", &params_opt },
        { "image", "N", "which test image, 0..9999 (default 0: a 7)", &image },
        { "data", "DIR", "MNIST directory (default <project>/data/mnist)", &data },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "The learned first-layer filters applied to an MNIST digit "
                  "(book 7.6.1, apply_filter.py).", opts, sizeof opts / sizeof opts[0]);
    const size_t index = (size_t)parse_long_option("--image", image, 0, 9999);
    char err[ERR_LEN];
    MnistBytes test;
    if (load_mnist_bytes(data, MNIST_TEST, &test, err) != 0)
        die("%s", err);
    if (index >= test.count)
        die("--image: %zu: the test set holds %zu images", index, test.count);
    char *params = find_first_file(params_opt, params_candidates,
                                   sizeof params_candidates / sizeof params_candidates[0]);
    if (!params) {
        fprintf(stderr, "%s: no parameters: put the book's params.pkl (ch07/ in "
                "github.com/oreilly-japan/deep-learning-from-scratch) in data/, or pass "
                "--params FILE\n", progname());
        mnist_bytes_free(&test);
        free(default_data), free(default_out);
        return EXIT_SKIPPED;
    }

    /* network = SimpleConvNet(...); network.load_params("params.pkl") */
    const SimpleConvNetParams p = simple_convnet_defaults();
    Net *network = simple_convnet_new(&p, NULL);
    ArrayList arrays = { 0 };
    if (weights_load(params, &arrays, err) != 0 ||
        net_load_arrays(network, &arrays, params, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    const Tensor *W1 = net_find_param(network, "W1")->value;
    const size_t FS = W1->shape[2], K = W1->shape[1] * FS * FS;
    printf("# 7.6.1 the first %d learned filters applied to test image %zu (label %d)\n"
           "params: %s\n", SHOW_NUM, index, test.labels[index], params);

    /* img = x_test[index].reshape(1, 1, 28, 28) */
    Tensor img = { 0 }, w = tensor_new(TENSOR_SHAPE4(1, W1->shape[1], FS, FS)), y = { 0 };
    Tensor b = tensor_new(1, (const size_t[]){ 1 });        /* b = 0 */
    mnist_batch(&img, &test, index, NULL, 1, 0, 1);
    const size_t OH = img.shape[2] - FS + 1, OW = img.shape[3] - FS + 1;
    double *outs = xcalloc(SHOW_NUM * OH * OW, sizeof *outs);
    for (size_t i = 0; i < SHOW_NUM; i++) {
        for (size_t k = 0; k < K; k++)                       /* w = W1[i].reshape(1, ...) */
            w.data[k] = W1->data[i * K + k];
        Layer *conv_layer = convolution_new(&w, &b, 1, 0);  /* Convolution(w, b) */
        layer_forward(conv_layer, &y, &img, 0);              /* out = conv_layer.forward(img) */
        double lo = y.data[0], hi = y.data[0];
        for (size_t k = 0; k < y.size; k++) {
            outs[i * OH * OW + k] = y.data[k];
            lo = fmin(lo, y.data[k]);
            hi = fmax(hi, y.data[k]);
        }
        printf("filter %2zu: %zu x %zu response in [%8.4f, %8.4f]\n", i, OH, OW, lo, hi);
        layer_free(conv_layer);
    }
    write_grid(out, "ch07_apply_filter_image.dat", "the input image", img.data, 1,
               img.shape[2], img.shape[3], 1);
    write_grid(out, "ch07_apply_filter_filters.dat", "the first 16 learned filters", W1->data,
               SHOW_NUM, FS, FS, 4);
    write_grid(out, "ch07_apply_filter_out.dat", "each filter applied to the image", outs,
               SHOW_NUM, OH, OW, 4);
    printf("data for the figure: %s/ch07_apply_filter_{image,filters,out}.dat\n", out);

    free(outs);
    tensor_free(&img), tensor_free(&w), tensor_free(&y), tensor_free(&b);
    net_free(network);
    mnist_bytes_free(&test);
    free(params), free(default_data), free(default_out);
    return 0;
}
