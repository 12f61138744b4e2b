/* test_layers_norm.c - the book's Dropout (6.4.3) and BatchNormalization (6.3).
 *
 * Forward and backward against NumPy 1.24 running the book's common/layers.py on the same
 * numbers (exact: the same operations in the same order), and backward against central
 * differences of L = sum(out * w) for a fixed w, so dL/dout = w. The numerical check
 * exercises the whole of BatchNormalization's backward: a batch of 6 rows, not the book's
 * single sample (whose normalised values are all 0).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "nn/layers.h"
#include "numpy/random.h"
#include "numpy/tensor.h"

static const double X[12] = { 0.1, -0.5, 2.0, 1.5, 0.25, -1.0, -0.75, 0.5, 0.3, 0.2, 1.0, 0.9 };
static const double DOUT[12] = { 0.3, -0.1, 0.2, 0.5, 0.4, -0.6, -0.2, 0.1, 0.7, 0.05, -0.3, 0.25 };

static void expect_values(const char *what, const double *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(got[i], want[i], "%s[%zu]: %.17g, NumPy %.17g", what, i, got[i], want[i]);
}

Test(ch06_batch_norm, forward_backward_match_numpy)
{
    Tensor gamma = tensor_new(1, (size_t[]){ 3 }), beta = tensor_new(1, (size_t[]){ 3 });
    memcpy(gamma.data, (double[]){ 1.0, 0.5, 2.0 }, sizeof(double[3]));
    memcpy(beta.data, (double[]){ 0.0, 0.1, -0.2 }, sizeof(double[3]));
    Layer *bn = batch_normalization_new(&gamma, &beta, 0.9);
    Tensor x = tensor_new(TENSOR_SHAPE2(4, 3)), dout = tensor_new(TENSOR_SHAPE2(4, 3));
    memcpy(x.data, X, sizeof X);
    memcpy(dout.data, DOUT, sizeof DOUT);
    Tensor out = { 0 }, dx = { 0 };
    layer_forward(bn, &out, &x, 1);
    cr_assert(tensor_same_shape(&out, &x));
    expect_values("out", out.data, (const double[]){
        -0.20206695794207777, -0.6505540690019955, 2.4781900178446867, 1.5388176027896692,
        0.04226507161523112, -3.062892777696045, -1.2590325841006382, 0.2732047851543067,
        -0.6617568996283945, -0.07771806074695298, 0.7350842122324577, 0.446459659479752 }, 12);
    layer_backward(bn, &dx, &dout);
    cr_assert(tensor_same_shape(&dx, &x));
    expect_values("dx", dx.data, (const double[]){
        0.2310773515708015, -0.1995316255669238, -0.531266022083972, -0.03798894695283783,
        0.3399432804011221, -0.6708772450512396, -0.07631036370710412, 0.08868078378419633,
        1.15045392881752, -0.1167780409108596, -0.22909243861839465, 0.0516893383176914 }, 12);
    Param p[LAYER_MAX_PARAMS];
    cr_assert_eq(layer_params(bn, p), 2);
    cr_expect(p[0].value == &gamma && p[1].value == &beta, "gamma then beta, as the book");
    expect_values("dgamma", p[0].grad->data, (const double[]){
        0.9567093277949912, -0.24248669921602925, 1.045879377658313 }, 3);
    expect_values("dbeta", p[1].grad->data, (const double[]){
        0.6500000000000001, 0.10000000000000003, 0.55 }, 3);
    /* test mode uses running_mean = 0.1 * mu and running_var = 0.1 * var (one step of
     * momentum 0.9 from the zeros made on the first forward) */
    Tensor x2 = tensor_view(x.data, TENSOR_SHAPE2(2, 3));
    layer_forward(bn, &out, &x2, 0);
    expect_values("test out", out.data, (const double[]){
        0.2900019651219564, -1.45185409484742, 11.160339848470116, 5.795124014894687,
        0.7389987449371729, -6.362035239144459 }, 6);
    /* a test forward leaves the training caches alone: backward still gives the same dx */
    Tensor dx2 = { 0 };
    layer_backward(bn, &dx2, &dout);
    expect_values("dx after a test forward", dx2.data, dx.data, 12);
    layer_free(bn);
    Tensor *ts[] = { &gamma, &beta, &x, &dout, &out, &dx, &dx2 };
    for (size_t i = 0; i < 7; i++)
        tensor_free(ts[i]);
}

/* L = sum(layer(x) * w) */
static double weighted_sum(Layer *l, Tensor *out, const Tensor *x, const Tensor *w)
{
    layer_forward(l, out, x, 1);
    double s = 0.0;
    for (size_t i = 0; i < out->size; i++)
        s += out->data[i] * w->data[i];
    return s;
}

/* |numerical - analytic| <= 1e-7 * (1 + |analytic|) for every entry of v's gradient g. */
static void check_numerical(Layer *l, Tensor *x, const Tensor *w, Tensor *v, const double *g,
                            const char *what, Random *reseed, uint32_t seed)
{
    Tensor out = { 0 };
    const double h = 1e-5;
    for (size_t i = 0; i < v->size; i++) {
        const double keep = v->data[i];
        v->data[i] = keep + h;
        if (reseed)
            random_seed(reseed, seed);
        const double f1 = weighted_sum(l, &out, x, w);
        v->data[i] = keep - h;
        if (reseed)
            random_seed(reseed, seed);
        const double f2 = weighted_sum(l, &out, x, w);
        v->data[i] = keep;
        const double num = (f1 - f2) / (2 * h);
        cr_expect(fabs(num - g[i]) <= 1e-7 * (1 + fabs(g[i])),
                  "%s[%zu]: backward %.12g, numerical %.12g", what, i, g[i], num);
    }
    tensor_free(&out);
}

/* A real batch, (6, 2, 1, 2) images seen as (6, 4): dx, dgamma, dbeta by central differences. */
Test(ch06_batch_norm, backward_matches_numerical_gradient)
{
    Random r;
    random_seed(&r, 7);
    Tensor gamma = tensor_new(1, (size_t[]){ 4 }), beta = tensor_new(1, (size_t[]){ 4 });
    Tensor x = tensor_new(TENSOR_SHAPE4(6, 2, 1, 2)), w = tensor_new(TENSOR_SHAPE4(6, 2, 1, 2));
    random_randn_fill(&r, gamma.data, 4);
    random_randn_fill(&r, beta.data, 4);
    random_randn_fill(&r, x.data, x.size);
    random_randn_fill(&r, w.data, w.size);
    for (size_t i = 0; i < x.size; i++)
        x.data[i] = 3.0 * x.data[i] + 1.0;
    Layer *bn = batch_normalization_new(&gamma, &beta, 0.9);
    Tensor out = { 0 }, dx = { 0 };
    layer_forward(bn, &out, &x, 1);
    cr_assert_eq(out.ndim, 4, "out keeps x's shape (N, C, H, W)");
    layer_backward(bn, &dx, &w);
    cr_assert(tensor_same_shape(&dx, &x));
    Param p[LAYER_MAX_PARAMS];
    layer_params(bn, p);
    Tensor dgamma = { 0 }, dbeta = { 0 };
    tensor_copy(&dgamma, p[0].grad);
    tensor_copy(&dbeta, p[1].grad);
    double dx_norm = 0.0;
    for (size_t i = 0; i < dx.size; i++)
        dx_norm += fabs(dx.data[i]);
    cr_expect_gt(dx_norm, 0.1, "a real batch has a non-zero dx");
    check_numerical(bn, &x, &w, &x, dx.data, "dx", NULL, 0);
    check_numerical(bn, &x, &w, &gamma, dgamma.data, "dgamma", NULL, 0);
    check_numerical(bn, &x, &w, &beta, dbeta.data, "dbeta", NULL, 0);
    layer_free(bn);
    Tensor *ts[] = { &gamma, &beta, &x, &w, &out, &dx, &dgamma, &dbeta };
    for (size_t i = 0; i < 8; i++)
        tensor_free(ts[i]);
}

/* np.random.seed(0); Dropout(0.5): rand(2, 3) = [0.549 0.715 0.603 0.545 0.424 0.646], so
 * only the fifth value is dropped; test mode scales by 1 - 0.5; backward is dout * mask. */
Test(ch06_dropout, mask_from_numpy_stream)
{
    Random r;
    random_seed(&r, 0);
    Layer *d = dropout_new(0.5, &r);
    Tensor x = tensor_new(TENSOR_SHAPE2(2, 3)), out = { 0 }, dx = { 0 };
    memcpy(x.data, (double[]){ 1.0, -2.0, 3.0, 4.0, 5.0, -6.0 }, sizeof(double[6]));
    layer_forward(d, &out, &x, 1);
    expect_values("train out", out.data, (const double[]){ 1.0, -2.0, 3.0, 4.0, 0.0, -6.0 }, 6);
    Tensor ones = tensor_new(TENSOR_SHAPE2(2, 3));
    for (size_t i = 0; i < 6; i++)
        ones.data[i] = 1.0;
    layer_backward(d, &dx, &ones);
    expect_values("dx", dx.data, (const double[]){ 1.0, 1.0, 1.0, 1.0, 0.0, 1.0 }, 6);
    layer_forward(d, &out, &x, 0);
    expect_values("test out", out.data, (const double[]){ 0.5, -1.0, 1.5, 2.0, 2.5, -3.0 }, 6);
    /* the test pass draws nothing: the next rand() is NumPy's 7th, 0.4375872112626925 */
    cr_expect_eq(random_rand(&r), 0.4375872112626925);
    layer_free(d);
    tensor_free(&x), tensor_free(&out), tensor_free(&dx), tensor_free(&ones);
}

/* With the same mask each time (the generator reseeded before every forward), dx matches
 * the central differences of sum(Dropout(x) * w). */
Test(ch06_dropout, backward_matches_numerical_gradient)
{
    Random r, data;
    random_seed(&data, 3);
    Tensor x = tensor_new(TENSOR_SHAPE2(5, 4)), w = tensor_new(TENSOR_SHAPE2(5, 4));
    random_randn_fill(&data, x.data, x.size);
    random_randn_fill(&data, w.data, w.size);
    Layer *d = dropout_new(0.3, &r);
    random_seed(&r, 11);
    Tensor out = { 0 }, dx = { 0 };
    layer_forward(d, &out, &x, 1);
    layer_backward(d, &dx, &w);
    size_t dropped = 0;
    for (size_t i = 0; i < dx.size; i++)
        dropped += dx.data[i] == 0.0;
    cr_expect(dropped > 0 && dropped < dx.size, "some but not all dropped: %zu", dropped);
    check_numerical(d, &x, &w, &x, dx.data, "dx", &r, 11);
    layer_free(d);
    tensor_free(&x), tensor_free(&w), tensor_free(&out), tensor_free(&dx);
}
