/* test_deep_convnet.c - the book's DeepConvNet (nn/deep_convnet.h, book 8.1) and its programs
 * ch08_deep_convnet and ch08_misclassified_mnist.
 *
 * Expected values were printed by the book's own code (ch08/deep_convnet.py on NumPy 1.24.2
 * with OpenBLAS, np.random.seed(0) before it, and the book's deep_convnet_params.pkl as in
 * ../shared/data/book2016 and book2022). Losses agree to about 12 significant digits, not
 * all 17: OpenBLAS sums the products of im2col's matrix in another order than gemm.h's
 * k = 0, 1, ... (one rounding per step), so the last bits differ; counts of right answers are
 * exact. Tests that need a book file skip with a message when it is absent.
 *
 * Timings (2 cores): the full 10,000-image inferences are separate tests (ch08_full_*) so
 * that the fast tests stay fast; each takes one inference, ~176 GFLOP in float64.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/mnist_batch.h"
#include "formats/weights.h"
#include "kernels/parallel.h"
#include "nn/deep_convnet.h"
#include "nn/layers.h"
#include "run.h"

#define BOOK2016 DLFS_SOURCE_DIR "/../shared/data/book2016/ch08_deep_convnet_params.pkl"
#define BOOK2022 DLFS_SOURCE_DIR "/../shared/data/book2022/ch08_deep_convnet_params.pkl"
#define MNIST_DIR DLFS_SOURCE_DIR "/data/mnist"
/* Losses: the digits that survive a different summation order (see above). */
#define LOSS_TOL 1e-11

static void need(const char *path)
{
    if (access(path, R_OK) != 0)
        cr_skip_test("the book's deep_convnet_params.pkl is not at %s", path);
}

static Net *book_net(Random *rng, const char *path)
{
    char err[ERR_LEN];
    Net *net = deep_convnet_new(rng);
    ArrayList arrays;
    cr_assert_eq(weights_load_arrays(path, &arrays, err), 0, "%s", err);
    cr_assert_eq(net_load_arrays(net, &arrays, path, err), 0, "%s", err);
    arraylist_free(&arrays);
    return net;
}

/* x_test[:n], t_test[:n] as the book's load_mnist(flatten=False) gives them. */
static void test_batch(Tensor *x, size_t *t, size_t n)
{
    char err[ERR_LEN];
    MnistBytes test;
    cr_assert_eq(load_mnist_bytes(MNIST_DIR, MNIST_TEST, &test, err), 0, "%s", err);
    mnist_batch(x, &test, 0, NULL, n, 0, 1);
    for (size_t i = 0; i < n; i++)
        t[i] = test.labels[i];
    mnist_bytes_free(&test);
}

static void expect_close(double got, double want, double rel, const char *what)
{
    cr_expect(fabs(got - want) <= rel * fabs(want), "%s: got %.17g, the book's code %.17g", what,
              got, want);
}

/* params W1, b1, ..., W8, b8 with the book's shapes; He init = np.random.seed(0); DeepConvNet() */
Test(deep_convnet, params_and_he_init_match_numpy)
{
    Random rng;
    random_seed(&rng, 0);
    Net *net = deep_convnet_new(&rng);
    cr_assert_eq(net_param_count(net), DEEP_CONVNET_NPARAMS);
    static const char *const shapes[] = {
        "(16, 1, 3, 3)", "(16,)", "(16, 16, 3, 3)", "(16,)", "(32, 16, 3, 3)", "(32,)",
        "(32, 32, 3, 3)", "(32,)", "(64, 32, 3, 3)", "(64,)", "(64, 64, 3, 3)", "(64,)",
        "(1024, 50)", "(50,)", "(50, 10)", "(10,)",
    };
    size_t total = 0;
    char buf[96], name[8];
    for (size_t i = 0; i < DEEP_CONVNET_NPARAMS; i++) {
        const Param *p = &net_params(net)[i];
        snprintf(name, sizeof name, "%c%zu", i % 2 ? 'b' : 'W', i / 2 + 1);
        cr_expect_str_eq(p->name, name);
        cr_expect_str_eq(tensor_shape_str(p->value, buf, sizeof buf), shapes[i], "%s", name);
        total += p->value->size;
        if (i % 2)
            for (size_t k = 0; k < p->value->size; k++)
                cr_expect_eq(p->value->data[k], 0.0, "%s starts as zeros", name);
    }
    cr_expect_eq(total, 123552);
    /* the first, second and last value of W1, W4, W7, W8: bit for bit */
    static const struct { const char *name; double first, second, last; } want[] = {
        { "W1", 0.8315822508011819, 0.1886359170514279, 0.2993566901953637 },
        { "W4", -0.006232161575354123, -0.083280063997857, 0.09855081551442635 },
        { "W7", 0.035412285704615874, -0.026745167428441474, 0.09172805573693522 },
        { "W8", 0.07850338104025233, -0.08094167488001046, -0.135222186882731 },
    };
    for (size_t i = 0; i < 4; i++) {
        const Tensor *W = net_find_param(net, want[i].name)->value;
        cr_expect_eq(W->data[0], want[i].first, "%s[0] = %.17g", want[i].name, W->data[0]);
        cr_expect_eq(W->data[1], want[i].second, "%s[1] = %.17g", want[i].name, W->data[1]);
        cr_expect_eq(W->data[W->size - 1], want[i].last, "%s[-1]", want[i].name);
    }
    const Tensor *W6 = net_find_param(net, "W6")->value;
    double sum = 0.0;
    for (size_t k = 0; k < W6->size; k++)
        sum += W6->data[k];
    expect_close(sum, -6.007193440024201, 1e-12, "W6.sum()");   /* NumPy sums pairwise */
    net_free(net);
}

/* One batch through the book's layer list, one layer at a time, with the shapes of the
 * book's docstring; the Net's predict is exactly that chain. */
Test(deep_convnet, shapes_through_the_network_for_one_batch)
{
    Random rng;
    random_seed(&rng, 0);
    Net *net = deep_convnet_new(&rng);
    Tensor *p[DEEP_CONVNET_NPARAMS];
    for (size_t i = 0; i < DEEP_CONVNET_NPARAMS; i++)
        p[i] = net_params(net)[i].value;
    Layer *layers[] = {
        convolution_new(p[0], p[1], 1, 1), relu_new(), convolution_new(p[2], p[3], 1, 1),
        relu_new(), pooling_new(2, 2, 2, 0), convolution_new(p[4], p[5], 1, 1), relu_new(),
        convolution_new(p[6], p[7], 1, 2), relu_new(), pooling_new(2, 2, 2, 0),
        convolution_new(p[8], p[9], 1, 1), relu_new(), convolution_new(p[10], p[11], 1, 1),
        relu_new(), pooling_new(2, 2, 2, 0), affine_new(p[12], p[13]), relu_new(),
        dropout_new(0.5, &rng), affine_new(p[14], p[15]), dropout_new(0.5, &rng),
    };
    static const char *const shapes[] = {
        "(100, 16, 28, 28)", "(100, 16, 28, 28)", "(100, 16, 28, 28)", "(100, 16, 28, 28)",
        "(100, 16, 14, 14)", "(100, 32, 14, 14)", "(100, 32, 14, 14)", "(100, 32, 16, 16)",
        "(100, 32, 16, 16)", "(100, 32, 8, 8)", "(100, 64, 8, 8)", "(100, 64, 8, 8)",
        "(100, 64, 8, 8)", "(100, 64, 8, 8)", "(100, 64, 4, 4)", "(100, 50)", "(100, 50)",
        "(100, 50)", "(100, 10)", "(100, 10)",
    };
    enum { NL = sizeof layers / sizeof layers[0] };
    Tensor x = { 0 }, out[NL];
    memset(out, 0, sizeof out);
    size_t t[100];
    test_batch(&x, t, 100);
    char buf[96];
    cr_expect_str_eq(tensor_shape_str(&x, buf, sizeof buf), "(100, 1, 28, 28)");
    const Tensor *in = &x;
    for (size_t i = 0; i < NL; i++) {
        layer_forward(layers[i], &out[i], in, 0);
        cr_expect_str_eq(tensor_shape_str(&out[i], buf, sizeof buf), shapes[i],
                         "layer %zu (%s)", i, layers[i]->ops->type);
        in = &out[i];
    }
    const Tensor *y = net_predict(net, &x, 0);
    cr_assert(tensor_same_shape(y, &out[NL - 1]));
    cr_expect_eq(memcmp(y->data, out[NL - 1].data, y->size * sizeof(double)), 0,
                 "net_predict is the book's layer list");
    for (size_t i = 0; i < NL; i++) {
        layer_free(layers[i]);
        tensor_free(&out[i]);
    }
    tensor_free(&x);
    net_free(net);
}

/* Dropout through the network: train mode draws masks from the seeded stream in the book's
 * order (the loss matches np.random.seed(0) before the book's code, twice, with different
 * masks); test mode scales by 0.5 and draws nothing. */
Test(deep_convnet, dropout_train_and_test_mode_match_numpy)
{
    need(BOOK2016);
    Random rng;
    random_seed(&rng, 0);
    Net *net = book_net(&rng, BOOK2016);
    Tensor x = { 0 };
    size_t t[100];
    test_batch(&x, t, 100);
    expect_close(net_loss(net, &x, t, 1), 0.8796573528350105, LOSS_TOL, "loss(train) 1");
    expect_close(net_loss(net, &x, t, 1), 0.8976239345259721, LOSS_TOL, "loss(train) 2");
    const Random before = rng;
    expect_close(net_loss(net, &x, t, 0), 0.08000237458430132, LOSS_TOL, "loss(test)");
    cr_expect_eq(memcmp(&before, &rng, sizeof rng), 0, "test mode draws no random numbers");
    const double y0[10] = { -11.77177813, -7.05877101, -7.29875391, -9.2007179, -8.41360743,
                            -11.34427273, -10.54089353, 3.00417658, -8.4835185, -8.05011876 };
    const Tensor *y = net_predict(net, &x, 0);
    for (size_t j = 0; j < 10; j++)       /* printed with 8 decimals */
        cr_expect(fabs(y->data[j] - y0[j]) < 5e-8, "y[0][%zu] = %.10f, book %.8f", j,
                  y->data[j], y0[j]);
    tensor_free(&x);
    net_free(net);
}

/* Without a book file: train-mode outputs change from call to call, test-mode ones do not. */
Test(deep_convnet, dropout_masks_change_only_when_training)
{
    Random rng;
    random_seed(&rng, 3);
    Net *net = deep_convnet_new(&rng);
    Tensor x = { 0 };
    size_t t[10];
    test_batch(&x, t, 10);
    Tensor a = { 0 }, b = { 0 };
    tensor_copy(&a, net_predict(net, &x, 0));
    tensor_copy(&b, net_predict(net, &x, 0));
    cr_expect_eq(memcmp(a.data, b.data, a.size * sizeof(double)), 0);
    tensor_copy(&a, net_predict(net, &x, 1));
    tensor_copy(&b, net_predict(net, &x, 1));
    cr_expect_neq(memcmp(a.data, b.data, a.size * sizeof(double)), 0, "new masks each call");
    size_t zeros = 0;               /* Dropout2 zeroes about half of the 100 scores */
    for (size_t i = 0; i < a.size; i++)
        zeros += a.data[i] == 0.0;
    cr_expect(zeros >= 30 && zeros <= 70, "%zu of 100 scores dropped", zeros);
    tensor_free(&a);
    tensor_free(&b);
    tensor_free(&x);
    net_free(net);
}

/* The float32 and float16-storage paths agree with the float64 network on the first 500
 * test images (the book's file: 497 right in all three), and keep their sizes. */
Test(deep_convnet, float32_and_float16_paths)
{
    need(BOOK2016);
    Random rng;
    random_seed(&rng, 0);
    Net *net = book_net(&rng, BOOK2016);
    enum { N = 500 };
    Tensor x = { 0 };
    size_t *t = calloc(N, sizeof *t);
    test_batch(&x, t, N);
    float *xf = calloc(N * 784, sizeof *xf), *y = calloc(N * 10, sizeof *y);
    half *xh = calloc(N * 784, sizeof *xh);
    for (size_t i = 0; i < x.size; i++)
        xf[i] = (float)x.data[i];
    half_from_floats(xh, xf, N * 784);
    char err[ERR_LEN];
    for (int s = 0; s < 2; s++) {
        DeepConvNetF *f = deep_convnet_f_new(net_params(net), net_param_count(net),
                                             s ? DEEP_CONVNET_FLOAT16 : DEEP_CONVNET_FLOAT32, err);
        cr_assert(f, "%s", err);
        if (s)
            deep_convnet_f_predict_half(f, y, xh, N);
        else
            deep_convnet_f_predict(f, y, xf, N);
        size_t right = 0;
        for (size_t i = 0; i < N; i++) {
            size_t best = 0;
            for (size_t j = 1; j < 10; j++)
                best = y[i * 10 + j] > y[i * 10 + best] ? j : best;
            right += best == t[i];
        }
        cr_expect_eq(right, 497, "%s: %zu of 500", s ? "float16" : "float32", right);
        cr_expect_eq(deep_convnet_f_param_bytes(f), 123552 * (s ? 2 : 4));
        cr_expect(deep_convnet_f_work_bytes(f) > 0);
        deep_convnet_f_free(f);
    }
    /* a missing parameter is refused */
    cr_expect_null(deep_convnet_f_new(net_params(net), 3, DEEP_CONVNET_FLOAT32, err));
    cr_expect_str_eq(err, "DeepConvNet: parameter b2 is missing");
    free(t), free(xf), free(y), free(xh);
    tensor_free(&x);
    net_free(net);
}

/* The float64 fast path is net_predict to the last bit (both threads and one). */
Test(deep_convnet, float64_fast_path_gives_net_predicts_bits)
{
    Random rng;
    random_seed(&rng, 5);
    Net *net = deep_convnet_new(&rng);
    for (size_t i = 0; i < DEEP_CONVNET_NPARAMS; i += 2)     /* biases too, not just zeros */
        for (size_t k = 0; k < net_params(net)[i + 1].value->size; k++)
            net_params(net)[i + 1].value->data[k] = 0.01 * (double)k - 0.1;
    enum { N = 150 };                  /* a batch of 100 and one of 50 */
    Tensor x = { 0 };
    size_t t[N];
    test_batch(&x, t, N);
    char err[ERR_LEN];
    DeepConvNetF *f = deep_convnet_f_new(net_params(net), net_param_count(net),
                                         DEEP_CONVNET_FLOAT64, err);
    cr_assert(f, "%s", err);
    double *y = calloc(N * 10, sizeof *y);
    for (int threads = 1; threads <= 2; threads++) {
        parallel_set_threads(threads);
        memset(y, 0, N * 10 * sizeof *y);
        deep_convnet_f_predict_f64(f, y, x.data, N);
        for (size_t b = 0; b < N; b += 100) {
            const size_t n = N - b < 100 ? N - b : 100;
            const Tensor tx = tensor_view(x.data + b * 784, TENSOR_SHAPE4(n, 1, 28, 28));
            const Tensor *ref = net_predict(net, &tx, 0);
            cr_expect_eq(memcmp(ref->data, y + b * 10, n * 10 * sizeof *y), 0,
                         "images %zu..: not the Net's bits (%d threads)", b, threads);
        }
    }
    parallel_set_threads(0);
    cr_expect_eq(deep_convnet_f_param_bytes(f), 123552 * 8);
    free(y);
    deep_convnet_f_free(f);
    tensor_free(&x);
    net_free(net);
}

static void expect_accuracy(const char *weights, const char *count, const char *want)
{
    need(weights);
    char args[1024], line[64];
    snprintf(args, sizeof args, "--weights %s --count %s", weights, count);
    char *out = run_ok("ch08_deep_convnet", args);
    snprintf(line, sizeof line, "\ntest accuracy:%s\n", want);
    cr_expect(strstr(out, line), "--count %s with %s: want %s in:\n%s", count, weights, line, out);
    free(out);
}

/* The first 500 test images: 497 right with the 2016 file, 491 with the 2022 one (NumPy). */
Test(ch08_deep_convnet, first_500_test_images)
{
    expect_accuracy(BOOK2016, "500", "0.994");
    expect_accuracy(BOOK2022, "500", "0.982");
}

/* The full 10,000-image runs (each about 176 GFLOP in float64) are checked in the plain
 * build; under the sanitizers (several times slower) they skip, the fast tests above still
 * run the same code. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
static void full_run(void)
{
#ifdef SANITIZED
    cr_skip_test("the full 10,000-image runs are checked in the plain build (make test)");
#endif
}

/* The book's 99.35% (2016 file) and today's file's 97.97%: all 10,000 images. */
Test(ch08_full, deep_convnet_book2016_gives_0_9935, .timeout = 600)
{
    full_run();
    expect_accuracy(BOOK2016, "10000", "0.9935");
}

Test(ch08_full, deep_convnet_book2022_gives_0_9797, .timeout = 600)
{
    full_run();
    expect_accuracy(BOOK2022, "10000", "0.9797");
}

/* Our own DeepConvNet (data/weights/README.md): the file committed, byte for byte, and its
 * test accuracy as the README states it. */
#define OURS DLFS_SOURCE_DIR "/data/weights/deep_convnet.npz"
Test(ch08_deep_convnet, our_weights_are_the_committed_file)
{
    expect_file_sha256(OURS, "4497622667d3da6c4d8fc8111a21ea285239f70021d63c5fba218225e039b431");
}

Test(ch08_full, our_weights_give_0_9938, .timeout = 600)
{
    full_run();
    expect_accuracy(OURS, "10000", "0.9938");
}

/* half_float_network.py: 0.9935 before and after rounding to float16, and in the 16- and
 * 32-bit networks beyond the book. */
static void expect_half_float(const char *count, const char *acc)
{
    need(BOOK2016);
    char args[1024], want[256], row[64];
    snprintf(args, sizeof args, "--weights %s --count %s", BOOK2016, count);
    char *out = run_ok("ch08_half_float_network", args);
    snprintf(want, sizeof want, "caluculate accuracy (float64) ... \n%s\ncaluculate accuracy "
             "(float16) ... \n%s\n", acc, acc);
    cr_expect(strncmp(out, want, strlen(want)) == 0, "the book's lines:\n%s", out);
    const char *rows[] = { "float64  float64 ", "float16  float64 ", "float16  float32 ",
                           "float32  float32 " };
    for (size_t i = 0; i < 4; i++) {
        snprintf(row, sizeof row, "\n%s    %s ", rows[i], acc);
        cr_expect(strstr(out, row), "row '%s' with %s:\n%s", rows[i], acc, out);
    }
    free(out);
}

Test(ch08_half_float_network, first_500_test_images)
{
    expect_half_float("500", "0.994");
}

Test(ch08_full, half_float_network_book2016, .timeout = 600)
{
    full_run();
    expect_half_float("10000", "0.9935");
}

/* misclassified_mnist.py with the 2016 file: the whole printout (accuracy 0.9935, the dict
 * of the first 20 mistakes: test images 445 (6 read as 0), 449 and 450 (3 read as 5), ...)
 * and the figure's data. */
Test(ch08_full, misclassified_mnist_book2016, .timeout = 600)
{
    full_run();
    need(BOOK2016);
    char *dir = make_temp_dir(), args[1024];
    snprintf(args, sizeof args, "--weights %s --out %s", BOOK2016, dir);
    RunResult r = run_program("ch08_misclassified_mnist", args);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_empty(r.err);
    char *got = replace_all(r.out, dir, "OUT"), path[1024];
    r.out = NULL;
    snprintf(path, sizeof path, "%s/tests/golden/ch08_misclassified_mnist.out", DLFS_SOURCE_DIR);
    char *want = read_text_file(path);
    cr_assert(want, "missing %s", path);
    cr_expect_str_eq(got, want);
    cr_expect(strstr(got, "test accuracy:0.9935\n"));
    cr_expect(strstr(got, "{1: (6, 0), 2: (3, 5), 3: (3, 5), "), "the book's first three");
    cr_expect(strstr(got, "# test images: 445 449 450 "), "test images 445, 449, 450");
    size_t len;
    snprintf(path, sizeof path, "%s/ch08_misclassified_mnist.pgm", dir);
    unsigned char *pgm = read_binary_file(path, &len);
    cr_expect_eq(len, 14 + 20 * 784);
    cr_expect_eq(memcmp(pgm, "P5\n28 560\n255\n", 14), 0);
    free(pgm);
    snprintf(path, sizeof path, "%s/ch08_misclassified_mnist.dat", dir);
    char *dat = read_text_file(path);
    cr_assert(dat, "no %s", path);
    cr_expect(strstr(dat, "\n1 445 6 0\n2 449 3 5\n3 450 3 5\n"), "%s", dat);
    free(dat);
    free(got);
    free(want);
    run_result_free(&r);
    remove_temp_dir(dir);
}

/* Without a weight file: a hint and exit 77 (make run: skipped), as ch03_mnist. */
Test(ch08_deep_convnet, no_weights_exits_77)
{
    if (access(DLFS_SOURCE_DIR "/data/deep_convnet_params.pkl", F_OK) == 0 ||
        access(DLFS_SOURCE_DIR "/data/weights/deep_convnet.npz", F_OK) == 0)
        cr_skip_test("a DeepConvNet weight file is present in data/");
    RunResult r = run_program("ch08_deep_convnet", "");
    cr_expect_eq(r.status, 77, "status %d", r.status);
    cr_expect(strstr(r.err, "no weights"), "%s", r.err);
    run_result_free(&r);
}

/* Weights of another network: one line naming the file and the array. */
Test(ch08_deep_convnet, weights_of_another_network)
{
    const char *ch07 = DLFS_SOURCE_DIR "/../shared/data/book2016/ch07_params.pkl";
    if (access(ch07, R_OK) != 0)
        cr_skip_test("the book's ch07 params.pkl is not at %s", ch07);
    char args[1024], want[1024];
    snprintf(args, sizeof args, "--weights %s", ch07);
    RunResult r = run_program("ch08_deep_convnet", args);
    cr_expect_eq(r.status, 1);
    snprintf(want, sizeof want, "ch08_deep_convnet: %s: array 'W1' has shape (30, 1, 5, 5), "
             "the network needs (16, 1, 3, 3)\n", ch07);
    cr_expect_str_eq(r.err, want);
    run_result_free(&r);
}

/* train_deepnet.py from np.random.seed(0): the same batches, masks and Adam steps, so the
 * book's code's losses (to 12 digits), its epoch line and its accuracy after two steps. */
Test(ch08_train_deepnet, first_iterations_match_numpy)
{
    char *out = run_ok("ch08_train_deepnet", "--iters 2");
    const double want[2] = { 2.390914956575889, 2.2863040535505914 };
    const char *p = out;
    for (size_t i = 0; i < 2; i++) {
        p = strstr(p, "train loss:");
        cr_assert(p, "loss %zu missing:\n%s", i + 1, out);
        p += strlen("train loss:");
        expect_close(strtod(p, NULL), want[i], LOSS_TOL, "train loss");
    }
    cr_expect(strstr(out, "\n=== epoch:1, train acc:0.16, test acc:0.14 ===\n"), "%s", out);
    cr_expect(strstr(out, "\ntest acc:0.177\n"), "accuracy on the first 1000: %s", out);
    cr_expect(strstr(out, "\n# full schedule: build/bin/ch08_train_deepnet --epochs 20 "), "%s",
              out);
    free(out);
}

/* --save writes the parameters as .npz; ch08_deep_convnet reads them back. */
Test(ch08_train_deepnet, save_and_load)
{
    char *dir = make_temp_dir(), args[1024];
    snprintf(args, sizeof args, "--iters 1 --batch 10 --save %s/w.npz", dir);
    char *out = run_ok("ch08_train_deepnet", args);
    cr_expect(strstr(out, "Saved Network Parameters!"), "%s", out);
    free(out);
    snprintf(args, sizeof args, "--weights %s/w.npz --count 100", dir);
    out = run_ok("ch08_deep_convnet", args);
    cr_expect(strstr(out, "\ntest accuracy:"), "%s", out);
    free(out);
    remove_temp_dir(dir);
}
