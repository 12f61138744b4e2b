/* test_network.c - common/nn/network.c: the book's TwoLayerNet (4.5) and its weight files.
 *
 * Reference values come from NumPy 1.24 running the book's TwoLayerNet (the same formulas as
 * tests/bench/train_numpy.py) after np.random.seed(0); randn is bit for bit NumPy's, so the
 * initial weights compare exactly, and products agree to the last digit or two. Whole
 * passes are compared with matrix_dot and nn/functions.h bit for bit. Training on MNIST uses
 * the committed data/mnist (skipped when absent); the book's sample_weight.pkl is read from
 * ../shared/data (skipped when absent).
 */
#include "nn/network.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/functions.h"
#include "sys/checked.h"
#include "formats/mnist.h"
#include "formats/npz.h"
#include "run.h"

#define MNIST_DIR DLFS_SOURCE_DIR "/data/mnist"
#define BOOK_WEIGHTS DLFS_SOURCE_DIR "/../shared/data/sample_weight.pkl"

/* ---- helpers ------------------------------------------------------------------------- */

/* A network of the given sizes, np.random.seed(seed) and weight_init_std std. */
static Network make_network(const size_t *sizes, size_t nsizes, uint32_t seed, double std)
{
    Random r;
    random_seed(&r, seed);
    Network net;
    network_init(&net, sizes, nsizes, std, &r);
    return net;
}

/* rows x cols values in [0, 1), about a third of them exactly 0 (like pixels). */
static Matrix random_inputs(size_t rows, size_t cols, uint32_t seed)
{
    Random r;
    random_seed(&r, seed);
    Matrix x = matrix_new(rows, cols);
    for (size_t k = 0; k < matrix_size(&x); k++) {
        const double v = random_rand(&r);
        x.data[k] = v < 0.33 ? 0.0 : v;
    }
    return x;
}

static int same_bits(const Matrix *a, const Matrix *b)
{
    return a->rows == b->rows && a->cols == b->cols &&
           memcmp(a->data, b->data, matrix_size(a) * sizeof(double)) == 0;
}

static int same_networks(const Network *a, const Network *b)
{
    if (a->nlayers != b->nlayers)
        return 0;
    for (size_t i = 0; i < a->nlayers; i++)
        if (!same_bits(&a->W[i], &b->W[i]) || !same_bits(&a->b[i], &b->b[i]))
            return 0;
    return 1;
}

/* |a - b| / (|a| + |b|) over all elements (norms), the usual gradient-check measure. */
static double relative_error(const Matrix *a, const Matrix *b)
{
    double diff = 0.0, na = 0.0, nb = 0.0;
    for (size_t k = 0; k < matrix_size(a); k++) {
        diff += (a->data[k] - b->data[k]) * (a->data[k] - b->data[k]);
        na += a->data[k] * a->data[k];
        nb += b->data[k] * b->data[k];
    }
    return sqrt(diff) / (sqrt(na) + sqrt(nb));
}

static void expect_close(const double *got, const double *want, size_t n, double rel,
                         const char *what)
{
    for (size_t k = 0; k < n; k++)
        cr_expect(fabs(got[k] - want[k]) <= rel * fabs(want[k]),
                  "%s[%zu] = %.17g, NumPy gives %.17g", what, k, got[k], want[k]);
}

/* Writes arrays to <dir>/name.npz and returns network_load's result, err filled. */
static int load_arrays(const ArrayList *arrays, const char *dir, const char *name, char *err,
                       char *path, size_t path_len)
{
    snprintf(path, path_len, "%s/%s.npz", dir, name);
    char save_err[ERR_LEN];
    cr_assert_eq(npz_save(path, arrays, 0, save_err), 0, "%s", save_err);
    Network net;
    int rc = network_load(&net, path, err);
    if (rc == 0)
        network_free(&net);
    return rc;
}

/* An array of the given 1-D or 2-D shape, filled with 0.5. */
static void add_array(ArrayList *l, const char *name, size_t rows, size_t cols)
{
    size_t shape[2] = { rows, cols };
    const size_t n = rows * (cols ? cols : 1);
    double *data = xcalloc(n, sizeof *data);
    for (size_t k = 0; k < n; k++)
        data[k] = 0.5;
    arraylist_add(l, name, cols ? 2 : 1, shape, data);
}

static void need_mnist(void)
{
    if (access(MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) != 0 &&
        access(MNIST_DIR "/train-images-idx3-ubyte", R_OK) != 0)
        cr_skip_test("MNIST is not in %s (make data)", MNIST_DIR);
}

/* ---- TwoLayerNet.__init__ ---------------------------------------------------------- */

Test(network, init_draws_numpys_weights_after_seed_0)
{
    const size_t sizes[] = { 784, 50, 10 };
    Network net = make_network(sizes, 3, 0, 0.01);
    cr_assert_eq(net.nlayers, 2);
    cr_expect_eq(net.W[0].rows, 784);
    cr_expect_eq(net.W[0].cols, 50);
    cr_expect_eq(net.b[1].cols, 10);
    /* np.random.seed(0); TwoLayerNet(784, 50, 10):
     * W1[0,0], W1[0,1], W1[783,49], W2[0,0], W2[49,9] */
    cr_expect_eq(MAT_AT(&net.W[0], 0, 0), 0.017640523459676642);
    cr_expect_eq(MAT_AT(&net.W[0], 0, 1), 0.004001572083672233);
    cr_expect_eq(MAT_AT(&net.W[0], 783, 49), 0.005614098061418553);
    cr_expect_eq(MAT_AT(&net.W[1], 0, 0), -0.015266704709224746);
    cr_expect_eq(MAT_AT(&net.W[1], 49, 9), 0.01851193678572857);
    for (size_t j = 0; j < 50; j++)
        cr_expect_eq(net.b[0].data[j], 0.0, "b1 = np.zeros(50)");
    cr_expect_eq(network_param_count(&net), 39760);
    network_free(&net);
}

Test(network, init_with_two_hidden_layers_draws_in_book_order)
{
    const size_t sizes[] = { 784, 50, 100, 10 };
    Network net = make_network(sizes, 4, 0, 0.01);
    cr_assert_eq(net.nlayers, 3);
    cr_expect_eq(MAT_AT(&net.W[0], 0, 0), 0.017640523459676642, "W1 first, as before");
    cr_expect_eq(MAT_AT(&net.W[2], 0, 0), 0.0007022006537287698);   /* W3 after W1, W2 */
    cr_expect_eq(MAT_AT(&net.W[2], 99, 9), -0.010881794542688839);
    network_free(&net);
}

/* ---- predict, loss, gradient against NumPy and matrix_dot -------------------------- */

/* The tiny network of the references: np.random.seed(0); TwoLayerNet(4, 3, 2,
 * weight_init_std=1.0); x has zeros; t = [1, 0, 1]. */
static const double tiny_x[12] = { 0.0, 0.5, 1.0, 0.0, 0.25, 0.0, 0.75, 1.0, 1.0, 1.0, 0.0, 0.5 };
static const size_t tiny_t[3] = { 1, 0, 1 };

Test(network, gradient_matches_the_books_two_layer_net)
{
    const size_t sizes[] = { 4, 3, 2 };
    Network net = make_network(sizes, 3, 0, 1.0), grad;
    network_zeros_like(&grad, &net);
    Matrix x = matrix_from(3, 4, tiny_x);
    SparseRows xs = { 0 };
    sparse_rows_from(&xs, &x);
    NetworkWork *w = network_work_new(&net, 3);

    /* NumPy: net.loss(x, t), net.gradient(x, t); products summed in another order may
     * differ in the last digit, hence 1e-14. */
    const double loss = network_loss(&net, &xs, tiny_t, w);
    cr_expect(fabs(loss - 1.2153884925256115) <= 1e-14 * 1.2153884925256115, "loss %.17g", loss);
    network_gradient(&grad, &net, &xs, tiny_t, w);
    const double dW1[12] = { 0.0017597874835595943, 0.0022823909789337128, 0.10553227738887783,
                             0.010898647961970848, 0.00562625666400071, 0.1583122875321295,
                             0.013758488323614242, 0.005332857406427169, 0.09399681378927364,
                             -0.0022835691014659876, 0.00019278371487207796, 0.04467189414637809 };
    const double db1[3] = { 0.015518275807173836, 0.007615248385360882, 0.19952909117815146 };
    const double dW2[6] = { 0.4821836928179215, -0.4821836928179215, 0.42036590839864385,
                            -0.42036590839864385, 0.25425116525206154, -0.25425116525206154 };
    const double db2[2] = { 0.5085825229521463, -0.5085825229521463 };
    expect_close(grad.W[0].data, dW1, 12, 1e-14, "dW1");
    expect_close(grad.b[0].data, db1, 3, 1e-14, "db1");
    expect_close(grad.W[1].data, dW2, 6, 1e-14, "dW2");
    expect_close(grad.b[1].data, db2, 2, 1e-14, "db2");

    network_work_free(w);
    sparse_rows_free(&xs);
    matrix_free(&x);
    network_free(&grad);
    network_free(&net);
}

/* Small weights keep every y near 1/3, where the 1e-7 that the loss adds inside its log
 * moves the numerical gradient by a relative 1e-7 / y (about 3e-7) away from backprop's. */
static void expect_gradients_agree(const size_t *sizes, size_t nsizes)
{
    Network net = make_network(sizes, nsizes, 1, 0.1), num, bp;
    network_zeros_like(&num, &net);
    network_zeros_like(&bp, &net);
    Matrix x = random_inputs(4, sizes[0], 2);
    SparseRows xs = { 0 };
    sparse_rows_from(&xs, &x);
    const size_t t[4] = { 0, 2, 1, 2 };
    NetworkWork *w = network_work_new(&net, 4);
    network_numerical_gradient(&num, &net, &xs, t, w);
    network_gradient(&bp, &net, &xs, t, w);
    for (size_t i = 0; i < net.nlayers; i++) {
        const double eW = relative_error(&bp.W[i], &num.W[i]);
        const double eb = relative_error(&bp.b[i], &num.b[i]);
        cr_expect(eW < 1e-6, "W%zu: relative error %g", i + 1, eW);
        cr_expect(eb < 1e-6, "b%zu: relative error %g", i + 1, eb);
        cr_expect(matrix_sum(&bp.W[i]) != 0.0, "W%zu's gradient is not all zeros", i + 1);
    }
    network_work_free(w);
    sparse_rows_free(&xs);
    matrix_free(&x);
    network_free(&num);
    network_free(&bp);
    network_free(&net);
}

Test(network, backprop_agrees_with_numerical_gradient_one_hidden_layer)
{
    expect_gradients_agree((const size_t[]){ 6, 5, 3 }, 3);
}

Test(network, backprop_agrees_with_numerical_gradient_two_hidden_layers)
{
    expect_gradients_agree((const size_t[]){ 6, 5, 4, 3 }, 4);
}

Test(network, numerical_gradient_leaves_the_parameters_as_they_were)
{
    const size_t sizes[] = { 5, 4, 3 };
    Network net = make_network(sizes, 3, 3, 0.5), before, grad;
    network_zeros_like(&before, &net);
    network_zeros_like(&grad, &net);
    for (size_t i = 0; i < net.nlayers; i++) {
        memcpy(before.W[i].data, net.W[i].data, matrix_size(&net.W[i]) * sizeof(double));
        memcpy(before.b[i].data, net.b[i].data, matrix_size(&net.b[i]) * sizeof(double));
    }
    Matrix x = random_inputs(2, 5, 4);
    SparseRows xs = { 0 };
    sparse_rows_from(&xs, &x);
    NetworkWork *w = network_work_new(&net, 2);
    network_numerical_gradient(&grad, &net, &xs, (const size_t[]){ 1, 2 }, w);
    cr_expect(same_networks(&net, &before), "every W and b restored bit for bit");
    network_work_free(w);
    sparse_rows_free(&xs);
    matrix_free(&x);
    network_free(&grad);
    network_free(&before);
    network_free(&net);
}

/* predict written with matrix_dot, matrix_add_bias, sigmoid and softmax, as ch03 first did. */
static Matrix reference_predict(const Network *net, const Matrix *x)
{
    Matrix z = matrix_copy(x);
    for (size_t i = 0; i < net->nlayers; i++) {
        Matrix a = matrix_new(x->rows, net->W[i].cols);
        matrix_dot(&a, &z, &net->W[i]);
        matrix_add_bias(&a, &net->b[i]);
        if (i + 1 < net->nlayers)
            matrix_apply(&a, &a, sigmoid);
        else
            softmax(&a, &a);
        matrix_free(&z);
        z = a;
    }
    return z;
}

Test(network, predict_gives_matrix_dots_digits)
{
    const size_t shapes[2][4] = { { 30, 7, 5, 0 }, { 30, 9, 6, 4 } };
    for (int s = 0; s < 2; s++) {
        const size_t nsizes = shapes[s][3] ? 4 : 3;
        Network net = make_network(shapes[s], nsizes, 5, 0.7);
        for (size_t i = 0; i < net.nlayers; i++)            /* biases that are not zero */
            for (size_t j = 0; j < net.b[i].cols; j++)
                net.b[i].data[j] = 0.1 * (double)j - 0.2;
        Matrix x = random_inputs(250, 30, 6);               /* more rows than one chunk */
        Matrix want = reference_predict(&net, &x);
        Matrix y = matrix_new(250, network_output_size(&net));
        network_predict(&net, &x, &y);
        cr_expect(same_bits(&y, &want), "network %d: predict differs from matrix_dot's", s);
        matrix_free(&y);
        matrix_free(&want);
        matrix_free(&x);
        network_free(&net);
    }
}

Test(network, accuracy_and_count_correct_agree_with_argmax)
{
    const size_t sizes[] = { 30, 8, 4 };
    Network net = make_network(sizes, 3, 7, 1.0);
    Matrix x = random_inputs(333, 30, 8);
    Matrix y = reference_predict(&net, &x);
    size_t *p = xcalloc(333, sizeof *p), *t = xcalloc(333, sizeof *t), want = 0;
    matrix_argmax_rows(p, &y);
    for (size_t i = 0; i < 333; i++) {
        t[i] = (i * 7) % 4;
        want += p[i] == t[i];
    }
    cr_assert(want > 0 && want < 333, "a test that can fail: %zu right", want);
    const size_t batches[] = { 1, 7, 100, 1000 };
    for (size_t b = 0; b < 4; b++)
        cr_expect_eq(network_count_correct(&net, &x, t, batches[b]), want, "batch %zu",
                     batches[b]);
    SparseRows xs = { 0 };
    sparse_rows_from(&xs, &x);
    cr_expect_eq(network_accuracy(&net, &xs, t), (double)want / 333.0);
    sparse_rows_free(&xs);
    free(p);
    free(t);
    matrix_free(&y);
    matrix_free(&x);
    network_free(&net);
}

Test(network, update_is_params_minus_lr_times_grad)
{
    const size_t sizes[] = { 3, 2, 2 };
    Network net = make_network(sizes, 3, 9, 1.0), grad = make_network(sizes, 3, 10, 1.0);
    for (size_t j = 0; j < 2; j++)
        grad.b[0].data[j] = 0.25 * (double)(j + 1);
    const double w0 = net.W[0].data[5], g0 = grad.W[0].data[5], b0 = net.b[0].data[1];
    network_update(&net, &grad, 0.1);
    cr_expect_eq(net.W[0].data[5], w0 - 0.1 * g0);
    cr_expect_eq(net.b[0].data[1], b0 - 0.1 * 0.5);
    network_free(&grad);
    network_free(&net);
}

/* ---- sparse rows ------------------------------------------------------------------------ */

Test(network, sparse_rows_keep_the_non_zero_entries_in_order)
{
    const double v[8] = { 0.0, 1.5, 0.0, -2.0, 0.0, 0.0, 0.0, 3.0 };
    Matrix x = matrix_from(2, 4, v);
    SparseRows s = { 0 }, b = { 0 };
    sparse_rows_from(&s, &x);
    cr_assert_eq(s.rows, 2);
    cr_assert_eq(s.cols, 4);
    cr_assert_eq(s.start[1], 2);
    cr_assert_eq(s.start[2], 3);
    cr_expect(s.col[0] == 1 && s.val[0] == 1.5 && s.col[1] == 3 && s.val[1] == -2.0);
    cr_expect(s.col[2] == 3 && s.val[2] == 3.0);

    /* x[[1, 1, 0]]: repeated rows, as np.random.choice draws them; then a smaller take
     * reusing the storage */
    sparse_rows_take(&b, &s, (const size_t[]){ 1, 1, 0 }, 3);
    cr_assert_eq(b.rows, 3);
    cr_expect(b.start[0] == 0 && b.start[1] == 1 && b.start[2] == 2 && b.start[3] == 4);
    cr_expect(b.val[0] == 3.0 && b.val[1] == 3.0 && b.col[2] == 1 && b.val[3] == -2.0);
    sparse_rows_take(&b, &s, (const size_t[]){ 0 }, 1);
    cr_expect(b.rows == 1 && b.start[1] == 2 && b.val[1] == -2.0);
    sparse_rows_free(&b);
    sparse_rows_free(&s);
    matrix_free(&x);
}

/* ---- training on MNIST ------------------------------------------------------------------ */

/* 300 iterations on the first 1000 training images, batches of 50, lr 0.5: the losses. */
static double *train_on_slice(Network *net, uint32_t seed)
{
    char err[ERR_LEN];
    MnistSet set;
    cr_assert_eq(load_mnist(MNIST_DIR, MNIST_TRAIN, 1, 0, &set, err), 0, "%s", err);
    const Matrix slice = { 1000, set.x.cols, set.x.data };     /* x_train[:1000] */
    SparseRows x = { 0 }, x_batch = { 0 };
    sparse_rows_from(&x, &slice);
    size_t t[1000], mask[50], t_batch[50];
    for (size_t i = 0; i < 1000; i++)
        t[i] = (size_t)set.t.data[i];
    mnist_free(&set);

    Random rng;
    random_seed(&rng, seed);
    const size_t sizes[] = { 784, 50, 10 };
    network_init(net, sizes, 3, 0.01, &rng);
    Network grad;
    network_zeros_like(&grad, net);
    NetworkWork *w = network_work_new(net, 50);
    double *loss = xcalloc(300, sizeof *loss);
    for (size_t i = 0; i < 300; i++) {
        random_choice(&rng, 1000, mask, 50);
        sparse_rows_take(&x_batch, &x, mask, 50);
        for (size_t j = 0; j < 50; j++)
            t_batch[j] = t[mask[j]];
        network_gradient(&grad, net, &x_batch, t_batch, w);
        network_update(net, &grad, 0.5);
        loss[i] = network_loss(net, &x_batch, t_batch, w);
    }
    network_work_free(w);
    network_free(&grad);
    sparse_rows_free(&x_batch);
    sparse_rows_free(&x);
    return loss;
}

Test(network, seeded_training_lowers_the_loss_and_repeats_bit_for_bit)
{
    need_mnist();
    Network a, b;
    double *loss_a = train_on_slice(&a, 42), *loss_b = train_on_slice(&b, 42);
    double last = 0.0;
    for (size_t i = 280; i < 300; i++)
        last += loss_a[i] / 20.0;
    cr_expect(loss_a[0] > 2.0, "starts near log(10) = 2.3: %g", loss_a[0]);
    cr_expect(last < 0.25 * loss_a[0], "the last 20 losses average %g, the first is %g", last,
              loss_a[0]);                            /* measured: 0.25 after 2.20 */
    cr_expect(memcmp(loss_a, loss_b, 300 * sizeof(double)) == 0, "the losses repeat exactly");
    cr_expect(same_networks(&a, &b), "the trained parameters repeat exactly");
    free(loss_a);
    free(loss_b);
    network_free(&a);
    network_free(&b);
}

/* ---- weight files -------------------------------------------------------------------- */

Test(network, npz_round_trip_keeps_every_bit)
{
    const size_t sizes[] = { 20, 6, 5, 3 };
    Network net = make_network(sizes, 4, 11, 0.3), back;
    net.b[1].data[2] = -0.125;
    char *dir = make_temp_dir(), path[1024], err[ERR_LEN];
    snprintf(path, sizeof path, "%s/w.npz", dir);
    ArrayList arrays;
    network_to_arrays(&net, &arrays);
    cr_assert_eq(arrays.count, 6);
    cr_expect_str_eq(arrays.items[4].name, "W3");
    cr_expect(arrays.items[3].ndim == 1 && arrays.items[3].shape[0] == 5, "b2 is 1-D (5,)");
    cr_assert_eq(npz_save(path, &arrays, 0, err), 0, "%s", err);
    arraylist_free(&arrays);
    cr_assert_eq(network_load(&back, path, err), 0, "%s", err);
    cr_expect(same_networks(&net, &back), "loaded back bit for bit");
    network_free(&back);
    network_free(&net);
    remove_temp_dir(dir);
}

static void expect_refused(const ArrayList *arrays, const char *name, const char *problem)
{
    char *dir = make_temp_dir(), path[1024], err[ERR_LEN] = "", want[ERR_LEN + 1100];
    cr_expect_eq(load_arrays(arrays, dir, name, err, path, sizeof path), -1, "%s accepted",
                 name);
    snprintf(want, sizeof want, "%s: %s", path, problem);
    cr_expect_str_eq(err, want);
    cr_expect(!strchr(err, '\n'), "one line");
    remove_temp_dir(dir);
}

Test(network, load_refuses_a_missing_bias)
{
    ArrayList l = { 0, NULL };
    add_array(&l, "W1", 4, 3);
    add_array(&l, "b1", 3, 0);
    add_array(&l, "W2", 3, 2);
    expect_refused(&l, "no_b2", "W2 has no bias b2");
    arraylist_free(&l);
}

Test(network, load_refuses_a_file_without_W1)
{
    ArrayList l = { 0, NULL };
    add_array(&l, "w1", 4, 3);
    expect_refused(&l, "no_W1", "no array named W1 (expected W1, b1, W2, b2, ...)");
    arraylist_free(&l);
}

Test(network, load_refuses_shapes_that_dont_chain)
{
    ArrayList l = { 0, NULL };
    add_array(&l, "W1", 4, 3);
    add_array(&l, "b1", 3, 0);
    add_array(&l, "W2", 5, 2);
    add_array(&l, "b2", 2, 0);
    expect_refused(&l, "chain", "shapes don't chain: W1 is (4, 3) but W2 is (5, 2)");
    arraylist_free(&l);
}

Test(network, load_refuses_a_bias_of_the_wrong_size)
{
    ArrayList l = { 0, NULL };
    add_array(&l, "W1", 4, 3);
    add_array(&l, "b1", 2, 0);
    expect_refused(&l, "bias", "shapes don't chain: W1 is (4, 3) but b1 is (2,)");
    arraylist_free(&l);
}

Test(network, load_refuses_arrays_it_does_not_know)
{
    ArrayList l = { 0, NULL };
    add_array(&l, "W1", 4, 3);
    add_array(&l, "b1", 3, 0);
    add_array(&l, "W3", 3, 2);
    expect_refused(&l, "extra", "expected exactly W1..W1 and b1..b1, found 3 arrays");
    arraylist_free(&l);
}

Test(network, load_refuses_a_file_that_is_neither_pkl_nor_npz)
{
    char *dir = make_temp_dir(), path[1024], err[ERR_LEN], want[1200];
    snprintf(path, sizeof path, "%s/w.txt", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("W1 = [[1, 2]]\n", f);
    fclose(f);
    Network net;
    cr_expect_eq(network_load(&net, path, err), -1);
    snprintf(want, sizeof want, "%s: neither a pickle (.pkl) nor a NumPy .npz file", path);
    cr_expect_str_eq(err, want);
    remove_temp_dir(dir);
}

/* The book's sample_weight.pkl through the fast products: its 0.9352 (book 3.6.3). */
Test(network, book_weights_still_score_9352)
{
    if (access(BOOK_WEIGHTS, R_OK) != 0)
        cr_skip_test("the book's sample_weight.pkl is not at %s", BOOK_WEIGHTS);
    need_mnist();
    char err[ERR_LEN];
    Network net;
    cr_assert_eq(network_load(&net, BOOK_WEIGHTS, err), 0, "%s", err);
    MnistSet set;
    cr_assert_eq(load_mnist(MNIST_DIR, MNIST_TEST, 1, 0, &set, err), 0, "%s", err);
    size_t *t = xcalloc(set.t.rows, sizeof *t);
    for (size_t i = 0; i < set.t.rows; i++)
        t[i] = (size_t)set.t.data[i];
    cr_expect_eq(network_count_correct(&net, &set.x, t, 100), 9352);
    SparseRows x = { 0 };
    sparse_rows_from(&x, &set.x);
    cr_expect_eq(network_accuracy(&net, &x, t), 0.9352);
    sparse_rows_free(&x);
    free(t);
    mnist_free(&set);
    network_free(&net);
}
