/* ch07_visualize_filter - the first layer's filters before and after learning
 * (book chapter 7, section 7.6.1, figure 7-24: ch07/visualize_filter.py).
 *
 * network = SimpleConvNet(): its W1, 30 filters of 1 x 5 x 5, drawn at random
 * (0.01 * np.random.randn, np.random.seed(--seed)), then network.load_params(FILE): the
 * learned ones. filter_show draws each filter as a 5 x 5 image in grey (gray_r: large
 * values dark), 8 to a row, each scaled to its own range as imshow does: the random filters
 * are noise, the learned ones edges and blobs (the book's 7.6.1). The two grids go to
 * <out>/ch07_visualize_filter_{before,after}.dat (plots/fig7-24.gp); the program prints the
 * range and spread of each W1.
 * Parameters: --params FILE (.pkl or .npz); else data/params.pkl (the reader's copy of the
 * book's file); else data/weights/simple_convnet.npz (ours); with none it writes the random
 * filters only and exits 77 (the figure then says so).
 * Run: build/bin/ch07_visualize_filter [--params FILE] [--seed N] [--out DIR]
 * Uses: nn/simple_convnet.h, formats/weights.h, formats/image_grid.h, sys/find_file.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/image_grid.h"
#include "formats/weights.h"
#include "nn/simple_convnet.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/find_file.h"
#include "sys/paths.h"

#define EXIT_SKIPPED 77

static const char *const params_candidates[] = {
    "data/params.pkl",                 /* a reader's copy of the book's ch07/params.pkl */
    "data/weights/simple_convnet.npz", /* ours, trained by ch07_train_convnet */
};

/* filter_show(filters, nx=8): the grid as a data file, and one line on the values. */
static void filter_show(const Tensor *W1, const char *out, const char *name, const char *what)
{
    double lo = W1->data[0], hi = W1->data[0], sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < W1->size; i++) {
        lo = fmin(lo, W1->data[i]);
        hi = fmax(hi, W1->data[i]);
        sum += W1->data[i];
    }
    const double mean = sum / (double)W1->size;
    for (size_t i = 0; i < W1->size; i++)
        sq += (W1->data[i] - mean) * (W1->data[i] - mean);
    printf("%s: W1 values in [%.4f, %.4f], std %.4f\n", what, lo, hi, sqrt(sq / (double)W1->size));
    char err[ERR_LEN];
    /* W1 (30, 1, 5, 5): filters[i, 0] is a 5 x 5 image */
    if (image_grid_write(out, name, what, W1->data, W1->shape[0], W1->shape[2], W1->shape[3],
                         8, 1, err) != 0)
        die("%s", err);
}

int main(int argc, char **argv)
{
    char *default_out = project_path("build/plots");
    const char *out = default_out, *params_opt = NULL, *seed = "0";
    const Option opts[] = {
        { "params", "FILE", "learned parameters, .pkl or .npz (default data/params.pkl, then "
                            "data/weights/simple_convnet.npz)", &params_opt },
        { "seed", "N", "np.random.seed for the random filters (default 0)", &seed },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "The first layer's filters before and after learning (book 7.6.1, "
                  "figure 7-24).", opts, sizeof opts / sizeof opts[0]);
    Random rng;
    random_seed(&rng, (uint32_t)parse_long_option("--seed", seed, 0, 4294967295L));
    printf("# 7.6.1 the 30 filters of the first layer (W1: 30 x 1 x 5 x 5)\n");

    /* network = SimpleConvNet(); filter_show(network.params['W1']) */
    const SimpleConvNetParams p = simple_convnet_defaults();
    Net *network = simple_convnet_new(&p, &rng);
    filter_show(net_find_param(network, "W1")->value, out, "ch07_visualize_filter_before.dat",
                "before learning (random, np.random.seed)");

    char *params = find_first_file(params_opt, params_candidates,
                                   sizeof params_candidates / sizeof params_candidates[0]);
    if (!params) {
        fprintf(stderr, "%s: no parameters for the learned filters: put the book's params.pkl "
                "(ch07/ in github.com/oreilly-japan/deep-learning-from-scratch) in data/, train "
                "ours with ch07_train_convnet --save data/weights/simple_convnet.npz, or pass "
                "--params FILE\n", progname());
        net_free(network);
        free(default_out);
        return EXIT_SKIPPED;
    }

    /* network.load_params("params.pkl"); filter_show(network.params['W1']) */
    char err[ERR_LEN];
    ArrayList arrays = { 0 };
    if (weights_load(params, &arrays, err) != 0 ||
        net_load_arrays(network, &arrays, params, err) != 0)
        die("%s", err);
    arraylist_free(&arrays);
    printf("params: %s\n", params);
    filter_show(net_find_param(network, "W1")->value, out, "ch07_visualize_filter_after.dat",
                "after learning");
    printf("data for figure 7-24: %s/ch07_visualize_filter_{before,after}.dat\n", out);

    net_free(network);
    free(params);
    free(default_out);
    return 0;
}
