/* test_layers.c - the book's layers (common/layers.py, book 5.5-5.6) and kernels/spgemm.h.
 *
 * Each layer's backward is checked against the numerical gradient of L = sum(out * dout)
 * for a random dout (so dL/dx is exactly what backward(dout) must return), on random
 * shapes, including N-D input to Affine. Central differences with h = 1e-4 on values of
 * order 1 agree with the exact derivative to ~1e-8; a wrong backward is off by far more.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/spgemm.h"
#include "nn/functions.h"
#include "nn/layer_util.h"
#include "nn/layers.h"
#include "numpy/random.h"
#include "numpy/tensor.h"

#define GRAD_TOL 1e-6

static void fill_randn(Random *r, Tensor *t, double scale)
{
    random_randn_fill(r, t->data, t->size);
    for (size_t i = 0; i < t->size; i++)
        t->data[i] *= scale;
}

/* L(x) = sum(layer(x) * dout), the scalar whose gradient backward(dout) computes. */
typedef struct {
    Layer *layer;
    const Tensor *x, *dout;
    Tensor out;
} Probe;

static double probe_loss(Probe *p)
{
    layer_forward(p->layer, &p->out, p->x, 1);
    cr_assert_eq(p->out.size, p->dout->size);
    double s = 0.0;
    for (size_t i = 0; i < p->out.size; i++)
        s += p->out.data[i] * p->dout->data[i];
    return s;
}

/* max |numerical d L / d v - analytic| over the entries of v (perturbed in place). */
static double max_grad_error(Probe *p, Tensor *v, const Tensor *analytic)
{
    cr_assert_eq(v->size, analytic->size);
    double worst = 0.0;
    const double h = 1e-4;
    for (size_t i = 0; i < v->size; i++) {
        const double keep = v->data[i];
        v->data[i] = keep + h;
        const double f1 = probe_loss(p);
        v->data[i] = keep - h;
        const double f2 = probe_loss(p);
        v->data[i] = keep;
        const double num = (f1 - f2) / (2 * h);
        worst = fmax(worst, fabs(num - analytic->data[i]));
    }
    return worst;
}

/* forward, backward(dout); checks dx against the numerical gradient; returns dx. */
static Tensor check_dx(Layer *layer, Tensor *x, const Tensor *dout)
{
    Probe p = { layer, x, dout, { 0 } };
    Tensor dx = { 0 };
    probe_loss(&p);
    layer_backward(layer, &dx, dout);
    cr_assert(tensor_same_shape(&dx, x), "dx has x's shape");
    Tensor analytic = { 0 };
    tensor_copy(&analytic, &dx);
    const double err = max_grad_error(&p, x, &analytic);
    cr_expect_lt(err, GRAD_TOL, "%s: dx off by %g", layer->ops->type, err);
    tensor_free(&analytic);
    tensor_free(&p.out);
    return dx;
}

/* ---- Relu ------------------------------------------------------------------------------ */

/* Book 5.5.1: x = np.array([[1.0, -0.5], [-2.0, 3.0]]); mask = (x <= 0) is
 * [[False  True] [ True False]]. */
Test(layers, relu_mask_is_the_books)
{
    Tensor x = tensor_new(TENSOR_SHAPE2(2, 2)), out = { 0 }, dx = { 0 };
    memcpy(x.data, (double[]){ 1.0, -0.5, -2.0, 3.0 }, sizeof(double[4]));
    Layer *relu = relu_new();
    layer_forward(relu, &out, &x, 0);
    size_t mask_size;
    const unsigned char *mask = relu_mask(relu, &mask_size);
    cr_assert_eq(mask_size, 4);
    const unsigned char want_mask[] = { 0, 1, 1, 0 };
    const double want_out[] = { 1.0, 0.0, 0.0, 3.0 };
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(mask[i], want_mask[i]);
        cr_expect_eq(out.data[i], want_out[i]);
    }
    Tensor dout = tensor_new(TENSOR_SHAPE2(2, 2));
    memcpy(dout.data, (double[]){ 5, 6, 7, 8 }, sizeof(double[4]));
    layer_backward(relu, &dx, &dout);
    const double want_dx[] = { 5, 0, 0, 8 };
    for (int i = 0; i < 4; i++)
        cr_expect_eq(dx.data[i], want_dx[i]);
    layer_free(relu);
    tensor_free(&x), tensor_free(&out), tensor_free(&dx), tensor_free(&dout);
}

Test(layers, relu_backward_matches_numerical_gradient)
{
    Random r;
    random_seed(&r, 1);
    for (int trial = 0; trial < 4; trial++) {
        const size_t shape[] = { 1 + (size_t)random_randint(&r, 4), 2 + (size_t)random_randint(&r, 3),
                                 3, 2 };
        const int ndim = 1 + trial;                       /* 1-D to 4-D */
        Tensor x = tensor_new(ndim, shape), dout = tensor_new(ndim, shape);
        fill_randn(&r, &x, 1.0);
        for (size_t i = 0; i < x.size; i++)               /* keep away from the kink at 0 */
            x.data[i] += x.data[i] > 0 ? 0.01 : -0.01;
        fill_randn(&r, &dout, 1.0);
        Layer *relu = relu_new();
        Tensor dx = check_dx(relu, &x, &dout);
        layer_free(relu);
        tensor_free(&x), tensor_free(&dout), tensor_free(&dx);
    }
}

Test(layers, sigmoid_backward_matches_numerical_gradient)
{
    Random r;
    random_seed(&r, 2);
    Tensor x = tensor_new(TENSOR_SHAPE4(2, 3, 2, 2)), dout = tensor_new(TENSOR_SHAPE4(2, 3, 2, 2));
    fill_randn(&r, &x, 2.0);
    fill_randn(&r, &dout, 1.0);
    Layer *s = sigmoid_new();
    Tensor dx = check_dx(s, &x, &dout);
    /* the book's formula, to the bit: dout * (1.0 - y) * y with y = sigmoid(x) */
    for (size_t i = 0; i < x.size; i++) {
        const double y = sigmoid(x.data[i]);
        cr_expect_eq(dx.data[i], dout.data[i] * (1.0 - y) * y);
    }
    layer_free(s);
    tensor_free(&x), tensor_free(&dout), tensor_free(&dx);
}

/* ---- Affine ------------------------------------------------------------------------------ */

static void check_affine(Random *r, int ndim, const size_t *xshape, size_t M, double zeros)
{
    Tensor x = tensor_new(ndim, xshape);
    const size_t N = xshape[0], D = x.size / N;
    Tensor W = tensor_new(TENSOR_SHAPE2(D, M)), b = tensor_new(1, (size_t[]){ M });
    Tensor dout = tensor_new(TENSOR_SHAPE2(N, M));
    fill_randn(r, &x, 1.0);
    for (size_t i = 0; i < x.size; i++)           /* a fraction `zeros` of x is 0 */
        if (random_rand(r) < zeros)
            x.data[i] = 0.0;
    fill_randn(r, &W, 0.5), fill_randn(r, &b, 0.5), fill_randn(r, &dout, 1.0);
    Layer *affine = affine_new(&W, &b);
    Tensor dx = check_dx(affine, &x, &dout);      /* dx with x's original shape */

    /* dW and db against the numerical gradient too */
    Tensor dW = { 0 }, db = { 0 };
    tensor_copy(&dW, affine_dW(affine));
    tensor_copy(&db, affine_db(affine));
    Probe p = { affine, &x, &dout, { 0 } };
    cr_expect_lt(max_grad_error(&p, &W, &dW), GRAD_TOL, "Affine: dW");
    cr_expect_lt(max_grad_error(&p, &b, &db), GRAD_TOL, "Affine: db");

    /* and to the bit what the dense reference gives, whichever path (sparse or dense) ran */
    Tensor out = { 0 };
    layer_forward(affine, &out, &x, 1);
    Tensor dx2 = { 0 };
    layer_backward(affine, &dx2, &dout);
    double *ref = calloc(N * M > D * M ? N * M : D * M, sizeof(double));
    gemm_f64_ref(GEMM_N, GEMM_N, N, M, D, x.data, D, W.data, M, ref, M, 0);
    for (size_t i = 0; i < N * M; i++)
        cr_expect_eq(out.data[i], ref[i] + b.data[i % M], "x.W + b element %zu", i);
    gemm_f64_ref(GEMM_T, GEMM_N, D, M, N, x.data, D, dout.data, M, ref, M, 0);
    for (size_t i = 0; i < D * M; i++)
        cr_expect_eq(affine_dW(affine)->data[i], ref[i], "x.T.dout element %zu", i);
    for (size_t j = 0; j < M; j++) {              /* np.sum(dout, axis=0), rows in order */
        double s = dout.data[j];
        for (size_t i = 1; i < N; i++)
            s += dout.data[i * M + j];
        cr_expect_eq(affine_db(affine)->data[j], s);
    }
    free(ref);
    layer_free(affine);
    tensor_free(&x), tensor_free(&W), tensor_free(&b), tensor_free(&dout), tensor_free(&dx);
    tensor_free(&dx2), tensor_free(&dW), tensor_free(&db), tensor_free(&out), tensor_free(&p.out);
}

Test(layers, affine_backward_matches_numerical_gradient_2d)
{
    Random r;
    random_seed(&r, 3);
    check_affine(&r, TENSOR_SHAPE2(4, 7), 5, 0.0);        /* dense path */
    check_affine(&r, TENSOR_SHAPE2(1, 3), 1, 0.0);
    check_affine(&r, TENSOR_SHAPE2(6, 40), 37, 0.8);      /* mostly zeros: sparse path */
}

Test(layers, affine_takes_nd_input_flattened_as_the_book)
{
    Random r;
    random_seed(&r, 4);
    check_affine(&r, TENSOR_SHAPE4(3, 2, 3, 2), 4, 0.0);  /* (N, C, H, W) -> (N, 12) */
    check_affine(&r, 3, (const size_t[]){ 2, 5, 3 }, 6, 0.9);
}

/* The book's 5.6.2 batch Affine: X_dot_W = [[0, 0, 0], [10, 10, 10]], B = [1, 2, 3]
 * gives [[1 2 3] [11 12 13]]; dY = [[1, 2, 3], [4, 5, 6]] gives dB = [5 7 9]. */
Test(layers, affine_bias_is_the_books)
{
    Tensor x = tensor_new(TENSOR_SHAPE2(2, 1)), W = tensor_new(TENSOR_SHAPE2(1, 3));
    Tensor b = tensor_new(1, (size_t[]){ 3 }), out = { 0 }, dY = tensor_new(TENSOR_SHAPE2(2, 3));
    x.data[1] = 10.0;
    W.data[0] = W.data[1] = W.data[2] = 1.0;
    memcpy(b.data, (double[]){ 1, 2, 3 }, sizeof(double[3]));
    memcpy(dY.data, (double[]){ 1, 2, 3, 4, 5, 6 }, sizeof(double[6]));
    Layer *affine = affine_new(&W, &b);
    layer_forward(affine, &out, &x, 0);
    const double want[] = { 1, 2, 3, 11, 12, 13 };
    for (int i = 0; i < 6; i++)
        cr_expect_eq(out.data[i], want[i]);
    layer_backward(affine, NULL, &dY);                    /* dx not wanted: NULL */
    const double want_db[] = { 5, 7, 9 };
    for (int i = 0; i < 3; i++)
        cr_expect_eq(affine_db(affine)->data[i], want_db[i]);
    layer_free(affine);
    tensor_free(&x), tensor_free(&W), tensor_free(&b), tensor_free(&out), tensor_free(&dY);
}

/* ---- SoftmaxWithLoss ----------------------------------------------------------------- */

Test(layers, softmax_with_loss_index_and_onehot_labels_agree)
{
    Random r;
    random_seed(&r, 5);
    const size_t N = 4, C = 10, t[] = { 3, 0, 9, 3 };
    Tensor x = tensor_new(TENSOR_SHAPE2(N, C)), onehot = tensor_new(TENSOR_SHAPE2(N, C));
    fill_randn(&r, &x, 0.5);                /* y ~ 0.1, as an untrained network's */
    for (size_t i = 0; i < N; i++)
        onehot.data[i * C + t[i]] = 1.0;
    SoftmaxWithLoss *a = softmax_with_loss_new(), *b = softmax_with_loss_new();
    const double la = softmax_with_loss_forward(a, &x, LABELS_INDEX(t));
    const double lb = softmax_with_loss_forward(b, &x, LABELS_ONEHOT(&onehot));
    cr_expect_eq(la, lb, "loss: %.17g vs %.17g", la, lb);
    Tensor dxa = { 0 }, dxb = { 0 };
    softmax_with_loss_backward(a, &dxa);
    softmax_with_loss_backward(b, &dxb);
    cr_assert(tensor_same_shape(&dxa, &x) && tensor_same_shape(&dxb, &x));
    cr_expect(memcmp(dxa.data, dxb.data, N * C * sizeof(double)) == 0, "dx bits differ");
    /* dx = (y - t) / N against the numerical gradient of the loss; the loss's log(y + 1e-7)
     * moves it by ~1e-7 / y ~ 1e-6 relative (y ~ 0.1), so the bound is 1e-6 */
    const double h = 1e-4;
    for (size_t i = 0; i < N * C; i++) {
        const double keep = x.data[i];
        x.data[i] = keep + h;
        const double f1 = softmax_with_loss_forward(a, &x, LABELS_INDEX(t));
        x.data[i] = keep - h;
        const double f2 = softmax_with_loss_forward(a, &x, LABELS_INDEX(t));
        x.data[i] = keep;
        cr_expect_lt(fabs((f1 - f2) / (2 * h) - dxa.data[i]), 1e-6, "dx[%zu]: %g", i, fabs((f1 - f2) / (2 * h) - dxa.data[i]));
    }
    /* the loss is cross_entropy_error(softmax(x), t) */
    Matrix xm = tensor_as_matrix(&x), y = matrix_new(N, C);
    softmax(&y, &xm);
    cr_expect_eq(la, cross_entropy_error_labels(&y, t));
    softmax_with_loss_forward(a, &x, LABELS_INDEX(t));
    cr_expect(memcmp(softmax_with_loss_y(a)->data, y.data, N * C * sizeof(double)) == 0);
    matrix_free(&y);
    softmax_with_loss_free(a), softmax_with_loss_free(b);
    tensor_free(&x), tensor_free(&onehot), tensor_free(&dxa), tensor_free(&dxb);
}

/* ---- kernels/spgemm.h ---------------------------------------------------------------- */

Test(spgemm, same_bits_as_the_dense_reference)
{
    Random r;
    random_seed(&r, 6);
    const size_t shapes[][3] = { { 1, 1, 1 }, { 3, 5, 7 }, { 17, 33, 50 }, { 100, 784, 50 },
                                 { 64, 9, 65 }, { 5, 0, 3 },
                                 { 100, 50, 10 }, { 30, 20, 130 },
                                 /* several K blocks: SimpleConvNet's Affine1, and a narrow one */
                                 { 100, 4320, 100 }, { 7, 3000, 33 } };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t M = shapes[s][0], K = shapes[s][1], N = shapes[s][2];
        double *A = calloc(M * K + 1, sizeof(double)), *B = calloc(K * N + 1, sizeof(double));
        double *C = calloc(M * N + 1, sizeof(double)), *ref = calloc(M * N + 1, sizeof(double));
        double *bias = calloc(N + 1, sizeof(double));
        random_randn_fill(&r, B, K * N);
        random_randn_fill(&r, bias, N);
        size_t nz = 0;
        for (size_t i = 0; i < M * K; i++) {
            A[i] = random_rand(&r) < 0.8 ? 0.0 : random_randn(&r);
            if (i % 7 == 3)
                A[i] = -0.0;                       /* -0.0 counts as zero */
            nz += A[i] != 0.0;
        }
        Csr a = { 0 }, aT = { 0 };
        cr_expect_eq(csr_from_dense(&a, A, M, K), nz);
        csr_gemm_f64(&a, B, N, N, C, N, bias);
        gemm_f64_ref(GEMM_N, GEMM_N, M, N, K, A, K, B, N, ref, N, 0);
        for (size_t i = 0; i < M * N; i++)
            cr_expect_eq(C[i], ref[i] + bias[i % N], "A.B + bias (%zu, %zu, %zu) [%zu]", M, K, N, i);
        /* A.T . D for D (M, N): the product Affine's dW needs */
        double *Dm = calloc(M * N + 1, sizeof(double)), *C2 = calloc(K * N + 1, sizeof(double));
        double *ref2 = calloc(K * N + 1, sizeof(double));
        random_randn_fill(&r, Dm, M * N);
        csr_transpose(&aT, &a);
        csr_gemm_f64(&aT, Dm, N, N, C2, N, NULL);
        gemm_f64_ref(GEMM_T, GEMM_N, K, N, M, A, K, Dm, N, ref2, N, 0);
        for (size_t i = 0; i < K * N; i++)
            cr_expect_eq(C2[i], ref2[i], "A.T.D (%zu, %zu, %zu) [%zu]", M, K, N, i);
        csr_free(&a), csr_free(&aT);
        free(A), free(B), free(C), free(ref), free(bias), free(Dm), free(C2), free(ref2);
    }
}

Test(layer_util, sum_axis0_adds_rows_in_order)
{
    const double x[] = { 1e16, 1, -1e16, 1, 1, 2 };   /* (3, 2) */
    double out[2];
    sum_axis0(out, x, 3, 2);
    cr_expect_eq(out[0], (1e16 + -1e16) + 1);
    cr_expect_eq(out[1], (1.0 + 1.0) + 2.0);
}
