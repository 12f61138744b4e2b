/* ch06_weight_init_activation_histogram - what the initial weights do to the activations of
 * five hidden layers (book chapter 6, section 6.2.2-6.2.3: weight_init_activation_histogram.py,
 * figures 6-10, 6-11, 6-13 and 6-14).
 *
 * As the book's script: input_data = np.random.randn(1000, 100); five layers of 100 nodes,
 * each w = np.random.randn(100, 100) * scale, a = np.dot(x, w), z = activation(a), the next
 * layer taking z. The book edits the script to try each initial value; here each is a run:
 *     figure 6-10  scale 1,                 sigmoid   activations stick to 0 and 1
 *     figure 6-11  scale 0.01,              sigmoid   all near 0.5: no expressive power
 *     figure 6-13  Xavier sqrt(1 / 100),    sigmoid   spread out in every layer
 *     figure 6-14  0.01, Xavier and He sqrt(2 / 100), with ReLU
 * By default all six run, each from np.random.seed(--seed), so each is the book's script
 * with that line uncommented, after np.random.seed(N). --scale and --activation run one.
 * For each layer it prints the mean and standard deviation of its activations (a.mean(),
 * a.std(), the numbers the histograms show) and writes the histograms the book draws,
 * plt.hist(a.flatten(), 30, range=(0, 1)), to <out>/ch06_weight_init_<run>.dat.
 *
 * Run: build/bin/ch06_weight_init_activation_histogram [--scale 1|0.01|xavier|he]
 *        [--activation sigmoid|relu|tanh] [--seed N] [--out DIR]
 * Uses: kernels/gemm.h, numpy/random.h, numpy/npsum.h, nn/functions.h, formats/datafile.h
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/datafile.h"
#include "kernels/gemm.h"
#include "nn/functions.h"
#include "numpy/npsum.h"
#include "numpy/random.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "sys/paths.h"

#define N_DATA 1000
#define NODE_NUM 100
#define HIDDEN_LAYER_SIZE 5
#define BINS 30

static double ReLU(double x) { return relu(x); }
static double tanh_(double x) { return tanh(x); }

typedef struct {
    const char *file;        /* ch06_weight_init_<file>.dat */
    const char *scale;       /* "1", "0.01", "xavier", "he" */
    const char *activation;  /* "sigmoid", "relu", "tanh" */
} Run;

/* The six runs of figures 6-10, 6-11, 6-13 and 6-14. */
static const Run RUNS[] = {
    { "std1_sigmoid", "1", "sigmoid" },
    { "std0.01_sigmoid", "0.01", "sigmoid" },
    { "xavier_sigmoid", "xavier", "sigmoid" },
    { "std0.01_relu", "0.01", "relu" },
    { "xavier_relu", "xavier", "relu" },
    { "he_relu", "he", "relu" },
};

/* np.histogram(a, BINS, range=(0, 1))[0]: edges np.linspace(0, 1, BINS + 1), values
 * outside [0, 1] left out, the last bin closed; NumPy's index computation and its
 * corrections against the edges. */
static void histogram(const double *a, size_t n, double *counts)
{
    double edges[BINS + 1];
    for (int i = 0; i <= BINS; i++)
        edges[i] = i * (1.0 / BINS);
    edges[BINS] = 1.0;
    for (int i = 0; i < BINS; i++)
        counts[i] = 0;
    for (size_t k = 0; k < n; k++) {
        const double v = a[k];
        if (!(v >= 0.0 && v <= 1.0))
            continue;
        long i = (long)((v - 0.0) * (BINS / 1.0));
        if (i == BINS)
            i--;
        if (v < edges[i])
            i--;
        else if (v >= edges[i + 1] && i != BINS - 1)
            i++;
        counts[i]++;
    }
}

/* a.mean() and a.std() as NumPy computes them (pairwise sums). */
static void mean_std(const double *a, size_t n, double *mean, double *std)
{
    *mean = np_sum(a, n) / (double)n;
    double *sq = xcalloc(n, sizeof *sq);
    for (size_t i = 0; i < n; i++)
        sq[i] = (a[i] - *mean) * (a[i] - *mean);
    *std = sqrt(np_sum(sq, n) / (double)n);
    free(sq);
}

static void run(const Run *r, uint32_t seed, const char *out)
{
    double (*activation)(double) = strcmp(r->activation, "relu") == 0   ? ReLU
                                   : strcmp(r->activation, "tanh") == 0 ? tanh_
                                                                        : sigmoid;
    double scale;
    if (strcmp(r->scale, "xavier") == 0)
        scale = sqrt(1.0 / NODE_NUM);
    else if (strcmp(r->scale, "he") == 0)
        scale = sqrt(2.0 / NODE_NUM);
    else
        scale = strtod(r->scale, NULL);
    printf("# w = np.random.randn(%d, %d) * %s, z = %s(a)\n", NODE_NUM, NODE_NUM,
           strcmp(r->scale, "xavier") == 0 ? "np.sqrt(1.0 / node_num)"
           : strcmp(r->scale, "he") == 0   ? "np.sqrt(2.0 / node_num)"
                                           : r->scale,
           r->activation);

    Random rng;
    random_seed(&rng, seed);
    double *x = xcalloc(N_DATA * NODE_NUM, sizeof *x);
    double *w = xcalloc(NODE_NUM * NODE_NUM, sizeof *w);
    double *a = xcalloc(N_DATA * NODE_NUM, sizeof *a);
    double *activations[HIDDEN_LAYER_SIZE];
    random_randn_fill(&rng, x, N_DATA * NODE_NUM);      /* input_data = np.random.randn(1000, 100) */
    for (int i = 0; i < HIDDEN_LAYER_SIZE; i++) {
        const double *in = i == 0 ? x : activations[i - 1];
        random_randn_fill(&rng, w, NODE_NUM * NODE_NUM);
        for (size_t k = 0; k < NODE_NUM * NODE_NUM; k++)
            w[k] = w[k] * scale;
        gemm_f64(GEMM_N, GEMM_N, N_DATA, NODE_NUM, NODE_NUM, in, NODE_NUM, w, NODE_NUM, a,
                 NODE_NUM, 0);                            /* a = np.dot(x, w) */
        activations[i] = xcalloc(N_DATA * NODE_NUM, sizeof(double));
        for (size_t k = 0; k < N_DATA * NODE_NUM; k++)
            activations[i][k] = activation(a[k]);
    }

    double center[BINS], counts[HIDDEN_LAYER_SIZE][BINS];
    const double *cols[1 + HIDDEN_LAYER_SIZE] = { center };
    for (int b = 0; b < BINS; b++)
        center[b] = (b + 0.5) / BINS;
    for (int i = 0; i < HIDDEN_LAYER_SIZE; i++) {
        double mean, std;
        mean_std(activations[i], N_DATA * NODE_NUM, &mean, &std);
        printf("%d-layer: mean %.10g std %.10g\n", i + 1, mean, std);
        histogram(activations[i], N_DATA * NODE_NUM, counts[i]);
        cols[1 + i] = counts[i];
    }
    char name[96], title[160];
    snprintf(name, sizeof name, "ch06_weight_init_%s.dat", r->file);
    snprintf(title, sizeof title, "histograms of the 5 layers' activations, scale %s, %s",
             r->scale, r->activation);
    datafile_write_or_die(out, name, title, "bin_center layer1 layer2 layer3 layer4 layer5",
                          BINS, 1 + HIDDEN_LAYER_SIZE, cols);
    for (int i = 0; i < HIDDEN_LAYER_SIZE; i++)
        free(activations[i]);
    free(x), free(w), free(a);
}

int main(int argc, char **argv)
{
    char *default_out = project_path("build/plots");
    const char *out = default_out, *seed_opt = "0", *scale = NULL, *activation = NULL;
    const Option opts[] = {
        { "scale", "S", "one run: 1, 0.01, xavier or he (default: the six runs of the figures)",
          &scale },
        { "activation", "F", "with --scale: sigmoid, relu or tanh (default sigmoid)", &activation },
        { "seed", "N", "np.random.seed(N) before each run, 0..4294967295 (default 0)", &seed_opt },
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "Activation histograms of five layers for several initial weights\n(book "
                  "6.2.2-6.2.3, weight_init_activation_histogram.py); figures 6-10, 6-11, 6-13, "
                  "6-14.", opts, sizeof opts / sizeof opts[0]);
    const uint32_t seed = (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L);
    if (activation && !scale)
        die("--activation: needs --scale too (see --help)");
    if (scale) {
        if (strcmp(scale, "1") && strcmp(scale, "0.01") && strcasecmp(scale, "xavier") &&
            strcasecmp(scale, "he"))
            die("--scale: '%s' is not 1, 0.01, xavier or he (see --help)", scale);
        if (!activation)
            activation = "sigmoid";
        if (strcmp(activation, "sigmoid") && strcmp(activation, "relu") &&
            strcmp(activation, "tanh"))
            die("--activation: '%s' is not sigmoid, relu or tanh (see --help)", activation);
        char file[64];
        char lower[16];
        snprintf(lower, sizeof lower, "%s", scale);
        for (char *p = lower; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        snprintf(file, sizeof file, "%s%s_%s", strcmp(lower, "xavier") && strcmp(lower, "he")
                                                   ? "std" : "", lower, activation);
        const Run one = { file, lower, activation };
        run(&one, seed, out);
    } else {
        for (size_t i = 0; i < sizeof RUNS / sizeof RUNS[0]; i++)
            run(&RUNS[i], seed, out);
    }
    printf("data for figures 6-10, 6-11, 6-13, 6-14: %s/ch06_weight_init_*.dat\n", out);
    free(default_out);
    return 0;
}
