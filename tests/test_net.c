/* test_net.c - the network skeleton (nn/net.h): the book's TwoLayerNet / MultiLayerNet
 * shape of params, ordered layers and last layer, on a small random network.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "nn/functions.h"
#include "nn/layers.h"
#include "nn/net.h"
#include "numpy/arrays.h"
#include "numpy/npsum.h"
#include "numpy/random.h"
#include "sys/checked.h"

/* Affine1 Relu1 Affine2 (+ SoftmaxWithLoss): sizes D-H-C, weights 0.5 * randn. */
static Net *small_net(Random *r, size_t D, size_t H, size_t C)
{
    Net *net = net_new();
    Tensor *W1 = net_param(net, "W1", TENSOR_SHAPE2(D, H));
    Tensor *b1 = net_param(net, "b1", 1, (size_t[]){ H });
    Tensor *W2 = net_param(net, "W2", TENSOR_SHAPE2(H, C));
    Tensor *b2 = net_param(net, "b2", 1, (size_t[]){ C });
    Tensor *all[] = { W1, b1, W2, b2 };
    for (int i = 0; i < 4; i++) {
        random_randn_fill(r, all[i]->data, all[i]->size);
        for (size_t k = 0; k < all[i]->size; k++)
            all[i]->data[k] *= 0.5;
    }
    net_add(net, "Affine1", affine_new(W1, b1));
    net_add(net, "Relu1", relu_new());
    net_add(net, "Affine2", affine_new(W2, b2));
    return net;
}

typedef struct {
    Tensor x;
    size_t t[8];
    size_t N;
} Batch;

static Batch random_batch(Random *r, size_t N, size_t D, size_t C)
{
    Batch b = { tensor_new(TENSOR_SHAPE2(N, D)), { 0 }, N };
    random_randn_fill(r, b.x.data, b.x.size);
    for (size_t i = 0; i < N; i++)
        b.t[i] = random_randint(r, C);
    return b;
}

Test(net, params_are_named_in_order_with_the_layers_gradients)
{
    Random r;
    random_seed(&r, 1);
    Net *net = small_net(&r, 5, 4, 3);
    cr_assert_eq(net_param_count(net), 4);
    const char *names[] = { "W1", "b1", "W2", "b2" };
    for (int i = 0; i < 4; i++) {
        cr_expect_str_eq(net_params(net)[i].name, names[i]);
        cr_expect_not_null(net_params(net)[i].grad, "%s has a gradient", names[i]);
    }
    cr_expect_eq(net_find_param(net, "W2"), &net_params(net)[2]);
    cr_expect_null(net_find_param(net, "W3"));
    net_free(net);
}

/* predict = Affine2(Relu(Affine1(x))), by hand; loss = cross_entropy_error(softmax(.)) */
Test(net, predict_and_loss_are_the_layers_in_order)
{
    Random r;
    random_seed(&r, 2);
    const size_t N = 3, D = 5, H = 4, C = 3;
    Net *net = small_net(&r, D, H, C);
    Batch b = random_batch(&r, N, D, C);
    const Tensor *W1 = net_find_param(net, "W1")->value, *b1 = net_find_param(net, "b1")->value;
    const Tensor *W2 = net_find_param(net, "W2")->value, *b2 = net_find_param(net, "b2")->value;
    Matrix y = matrix_new(N, C);
    for (size_t i = 0; i < N; i++) {
        double z[4];
        for (size_t j = 0; j < H; j++) {
            double a = 0.0;
            for (size_t k = 0; k < D; k++)
                a = fma(b.x.data[i * D + k], W1->data[k * H + j], a);   /* GEMM_FUSED */
            a += b1->data[j];
            z[j] = a > 0 ? a : 0.0;
        }
        for (size_t j = 0; j < C; j++) {
            double a = 0.0;
            for (size_t k = 0; k < H; k++)
                a = fma(z[k], W2->data[k * C + j], a);
            MAT_AT(&y, i, j) = a + b2->data[j];
        }
    }
    const Tensor *scores = net_predict(net, &b.x, 0);
    cr_assert_eq(scores->shape[0], N);
    cr_assert_eq(scores->shape[1], C);
    for (size_t i = 0; i < N * C; i++)
        cr_expect_eq(scores->data[i], y.data[i]);
    softmax(&y, &y);
    cr_expect_eq(net_loss(net, &b.x, b.t, 0), cross_entropy_error_labels(&y, b.t));
    matrix_free(&y);
    tensor_free(&b.x);
    net_free(net);
}

Test(net, accuracy_counts_argmax_hits_in_batches)
{
    Random r;
    random_seed(&r, 3);
    const size_t N = 7, D = 4, C = 3;
    Net *net = small_net(&r, D, 6, C);
    Batch b = random_batch(&r, N, D, C);
    const Tensor *scores = net_predict(net, &b.x, 0);
    size_t pred[7];
    Matrix sm = tensor_as_matrix(scores);
    matrix_argmax_rows(pred, &sm);
    size_t t[7], want = 0;
    for (size_t i = 0; i < N; i++) {           /* labels right for rows 0, 2, 4, 6 */
        t[i] = i % 2 ? (pred[i] + 1) % C : pred[i];
        want += i % 2 == 0;
    }
    for (size_t batch = 1; batch <= 8; batch++) {
        cr_expect_eq(net_count_correct(net, &b.x, t, batch), want, "batch %zu", batch);
        cr_expect_eq(net_accuracy(net, &b.x, t, batch), (double)want / 7.0);
    }
    tensor_free(&b.x);
    net_free(net);
}

/* gradient() by backprop against numerical_gradient(), as the book's gradient_check.py */
Test(net, gradient_matches_numerical_gradient)
{
    Random r;
    random_seed(&r, 4);
    const size_t N = 5, D = 6, C = 4;
    Net *net = small_net(&r, D, 5, C);
    Batch b = random_batch(&r, N, D, C);
    const size_t n = net_param_count(net);
    Tensor num[4] = { { 0 } };
    net_numerical_gradient(net, &b.x, b.t, num);
    const double loss = net_gradient(net, &b.x, b.t);
    cr_expect_eq(loss, net_loss(net, &b.x, b.t, 1));
    for (size_t i = 0; i < n; i++) {
        const Param *p = &net_params(net)[i];
        cr_assert(tensor_same_shape(&num[i], p->value));
        for (size_t k = 0; k < p->value->size; k++)
            cr_expect_lt(fabs(num[i].data[k] - p->grad->data[k]), 1e-6, "%s[%zu]: %g vs %g",
                         p->name, k, num[i].data[k], p->grad->data[k]);
        tensor_free(&num[i]);
    }
    tensor_free(&b.x);
    net_free(net);
}

/* MultiLayerNet's weight decay: loss + 0.5 * lambda * sum(W**2) over W1, W2; dW + lambda W */
Test(net, weight_decay_adds_the_books_term)
{
    Random r;
    random_seed(&r, 5);
    const size_t N = 4, D = 3, C = 3;
    Net *net = small_net(&r, D, 4, C);
    Batch b = random_batch(&r, N, D, C);
    const double lambda = 0.1;
    const double plain = net_loss(net, &b.x, b.t, 1);
    net_gradient(net, &b.x, b.t);
    Tensor dW1 = { 0 }, db1 = { 0 };
    tensor_copy(&dW1, net_find_param(net, "W1")->grad);
    tensor_copy(&db1, net_find_param(net, "b1")->grad);
    net_set_weight_decay(net, lambda);
    double decay = 0.0;
    for (int i = 1; i <= 2; i++) {
        const Tensor *W = net_find_param(net, i == 1 ? "W1" : "W2")->value;
        double sq[16];
        for (size_t k = 0; k < W->size; k++)
            sq[k] = W->data[k] * W->data[k];
        decay += 0.5 * lambda * np_sum(sq, W->size);
    }
    cr_expect_eq(net_loss(net, &b.x, b.t, 1), plain + decay);
    cr_expect_eq(net_gradient(net, &b.x, b.t), plain + decay);
    const Tensor *W1 = net_find_param(net, "W1")->value;
    for (size_t k = 0; k < W1->size; k++)
        cr_expect_eq(net_find_param(net, "W1")->grad->data[k], dW1.data[k] + lambda * W1->data[k]);
    for (size_t k = 0; k < db1.size; k++)     /* biases have no decay */
        cr_expect_eq(net_find_param(net, "b1")->grad->data[k], db1.data[k]);
    /* and the numerical gradient sees the same term */
    Tensor num[4] = { { 0 } };
    net_numerical_gradient(net, &b.x, b.t, num);
    for (size_t k = 0; k < W1->size; k++)
        cr_expect_lt(fabs(num[0].data[k] - net_find_param(net, "W1")->grad->data[k]), 1e-6);
    for (int i = 0; i < 4; i++)
        tensor_free(&num[i]);
    tensor_free(&dW1), tensor_free(&db1), tensor_free(&b.x);
    net_free(net);
}

Test(net, to_arrays_and_load_arrays_round_trip)
{
    Random r;
    random_seed(&r, 6);
    Net *a = small_net(&r, 5, 4, 3), *b = small_net(&r, 5, 4, 3);
    ArrayList arrays;
    net_to_arrays(a, &arrays);
    cr_assert_eq(arrays.count, 4);
    cr_expect_str_eq(arrays.items[1].name, "b1");
    cr_expect_eq(arrays.items[1].ndim, 1);
    char err[ERR_LEN];
    cr_assert_eq(net_load_arrays(b, &arrays, "a.npz", err), 0, "%s", err);
    for (size_t i = 0; i < 4; i++) {
        const Tensor *va = net_params(a)[i].value, *vb = net_params(b)[i].value;
        cr_expect(memcmp(va->data, vb->data, va->size * sizeof(double)) == 0);
    }
    arraylist_free(&arrays);
    net_free(a), net_free(b);
}

/* Errors name the file and the array; the net is left unchanged. */
static void expect_load_error(void (*spoil)(ArrayList *), const char *want)
{
    Random r;
    random_seed(&r, 7);
    Net *a = small_net(&r, 5, 4, 3), *b = small_net(&r, 5, 4, 3);
    ArrayList arrays;
    net_to_arrays(a, &arrays);
    spoil(&arrays);
    ArrayList before;
    net_to_arrays(b, &before);
    char err[ERR_LEN] = "";
    cr_expect_eq(net_load_arrays(b, &arrays, "w.npz", err), -1);
    cr_expect_str_eq(err, want);
    for (size_t i = 0; i < 4; i++)
        cr_expect(memcmp(net_params(b)[i].value->data, before.items[i].data,
                         before.items[i].size * sizeof(double)) == 0, "net changed");
    arraylist_free(&arrays), arraylist_free(&before);
    net_free(a), net_free(b);
}

static void drop_b2(ArrayList *l) { strcpy(l->items[3].name, "b9"); }
static void transpose_W2(ArrayList *l)
{
    l->items[2].shape[0] = 3, l->items[2].shape[1] = 4;
}
static void flatten_b1(ArrayList *l)
{
    l->items[1].ndim = 2, l->items[1].shape[0] = 1, l->items[1].shape[1] = 4;
}
static void add_extra(ArrayList *l)
{
    double *d = xcalloc(1, sizeof *d);
    arraylist_add(l, "gamma1", 1, (size_t[]){ 1 }, d);
}

Test(net, load_arrays_missing_array)
{
    expect_load_error(drop_b2, "w.npz: no array 'b2' (the network's parameter)");
}
Test(net, load_arrays_wrong_shape)
{
    expect_load_error(transpose_W2, "w.npz: array 'W2' has shape (3, 4), the network needs (4, 3)");
}
Test(net, load_arrays_wrong_rank)
{
    expect_load_error(flatten_b1, "w.npz: array 'b1' has shape (1, 4), the network needs (4,)");
}
Test(net, load_arrays_extra_array)
{
    expect_load_error(add_extra, "w.npz: array 'gamma1' is not a parameter of this network");
}

/* caches grow for a larger batch and serve a smaller one again */
Test(net, batches_of_different_sizes_reuse_the_caches)
{
    Random r;
    random_seed(&r, 8);
    Net *net = small_net(&r, 4, 3, 2);
    Batch big = random_batch(&r, 8, 4, 2), small = random_batch(&r, 2, 4, 2);
    const double l_small = net_loss(net, &small.x, small.t, 0);
    net_gradient(net, &big.x, big.t);
    cr_expect_eq(net_loss(net, &small.x, small.t, 0), l_small);
    tensor_free(&big.x), tensor_free(&small.x);
    net_free(net);
}
