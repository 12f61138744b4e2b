/* test_conv.c - im2col and col2im (the book's common/util.py) and the Convolution and
 * Pooling layers (common/layers.py, book 7.4).
 *
 * im2col/col2im against small cases worked by hand (and checked with the book's util.py
 * in NumPy), with stride and pad other than the defaults; col2im against a literal
 * transcription of the book's loops, bit for bit. The layers' backward passes against
 * central differences of L = sum(out * R) for a fixed random R (so dout = R), computed
 * here; and the same bits for 1 and 2 threads.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/conv_direct.h"
#include "kernels/gemm.h"
#include "kernels/parallel.h"
#include "nn/layers.h"
#include "nn/util.h"
#include "numpy/random.h"
#include "numpy/tensor.h"

static Tensor tensor_from(int ndim, const size_t *shape, const double *values)
{
    Tensor t = tensor_new(ndim, shape);
    memcpy(t.data, values, t.size * sizeof(double));
    return t;
}

static Tensor tensor_arange1(int ndim, const size_t *shape)   /* 1, 2, 3, ... */
{
    Tensor t = tensor_new(ndim, shape);
    for (size_t i = 0; i < t.size; i++)
        t.data[i] = (double)(i + 1);
    return t;
}

static Tensor tensor_randn(int ndim, const size_t *shape, Random *rng)
{
    Tensor t = tensor_new(ndim, shape);
    random_randn_fill(rng, t.data, t.size);
    return t;
}

static void expect_values(const Tensor *t, size_t rows, size_t cols, const double *want)
{
    cr_assert_eq(t->size, rows * cols, "size %zu, want %zu", t->size, rows * cols);
    for (size_t i = 0; i < rows * cols; i++)
        cr_expect(t->data[i] == want[i], "element %zu (row %zu, col %zu): got %g, want %g", i,
                  i / cols, i % cols, t->data[i], want[i]);
}

/* ---- im2col ---------------------------------------------------------------------------- */

Test(util, conv_output_size)
{
    cr_expect_eq(conv_output_size(28, 5, 1, 0), 24);     /* SimpleConvNet's conv */
    cr_expect_eq(conv_output_size(24, 2, 2, 0), 12);     /* its pooling */
    cr_expect_eq(conv_output_size(7, 3, 2, 1), 4);       /* (7 + 2 - 3) // 2 + 1 */
    cr_expect_eq(conv_output_size(4, 3, 2, 0), 1);       /* floor, as the book's // */
    cr_expect_eq(conv_output_size(2, 5, 1, 1), 0);       /* no window fits */
}

Test(util, im2col_3x3_filter_2x2)
{
    /* x = [[1 2 3] [4 5 6] [7 8 9]]: the four 2x2 windows, one per row */
    Tensor x = tensor_arange1(TENSOR_SHAPE4(1, 1, 3, 3)), col = { 0 };
    im2col(&col, &x, 2, 2, 1, 0);
    cr_expect(col.ndim == 2 && col.shape[0] == 4 && col.shape[1] == 4);
    expect_values(&col, 4, 4, (const double[]){ 1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9 });
    tensor_free(&x), tensor_free(&col);
}

Test(util, im2col_stride_2_pad_1)
{
    /* padded to 5x5 with a zero border; 2x2 windows at padded rows/cols 0 and 2 */
    Tensor x = tensor_arange1(TENSOR_SHAPE4(1, 1, 3, 3)), col = { 0 };
    im2col(&col, &x, 2, 2, 2, 1);
    expect_values(&col, 4, 4, (const double[]){ 0, 0, 0, 1, 0, 0, 2, 3, 0, 4, 0, 7, 5, 6, 8, 9 });
    tensor_free(&x), tensor_free(&col);
}

Test(util, im2col_batch_and_channels)
{
    /* x (2, 2, 2, 3) = 1..24; filter 2x2: OH 1, OW 2; columns are (c, y, x) */
    Tensor x = tensor_arange1(TENSOR_SHAPE4(2, 2, 2, 3)), col = { 0 };
    im2col(&col, &x, 2, 2, 1, 0);
    expect_values(&col, 4, 8,
                  (const double[]){ 1, 2, 4, 5, 7, 8, 10, 11,
                                    2, 3, 5, 6, 8, 9, 11, 12,
                                    13, 14, 16, 17, 19, 20, 22, 23,
                                    14, 15, 17, 18, 20, 21, 23, 24 });
    tensor_free(&x), tensor_free(&col);
}

Test(util, im2col_stride_3_pad_2_rectangular)
{
    /* x (1, 1, 2, 4) = [[1 2 3 4] [5 6 7 8]], filter 3x2, stride 3, pad 2: padded 6x8,
     * OH = (2 + 4 - 3) // 3 + 1 = 2, OW = (4 + 4 - 2) // 3 + 1 = 3. Window (oh, ow) starts at
     * padded (3*oh, 3*ow); x sits at padded rows 2..3, columns 2..5. */
    Tensor x = tensor_arange1(TENSOR_SHAPE4(1, 1, 2, 4)), col = { 0 };
    im2col(&col, &x, 3, 2, 3, 2);
    expect_values(&col, 6, 6,
                  (const double[]){ 0, 0, 0, 0, 0, 0,      /* rows 0-2, cols 0-1 */
                                    0, 0, 0, 0, 2, 3,      /* rows 0-2, cols 3-4 */
                                    0, 0, 0, 0, 0, 0,      /* rows 0-2, cols 6-7 */
                                    0, 0, 0, 0, 0, 0,      /* rows 3-5, cols 0-1 */
                                    6, 7, 0, 0, 0, 0,      /* rows 3-5, cols 3-4 */
                                    0, 0, 0, 0, 0, 0 });   /* rows 3-5, cols 6-7 */
    tensor_free(&x), tensor_free(&col);
}

/* ---- col2im ---------------------------------------------------------------------------- */

Test(util, col2im_adds_overlapping_windows)
{
    /* col = 1..16 as the four 2x2 windows of a 3x3 image: pixel (1, 1) is in all four */
    Tensor col = tensor_arange1(TENSOR_SHAPE2(4, 4)), img = { 0 };
    col2im(&img, &col, (const size_t[]){ 1, 1, 3, 3 }, 2, 2, 1, 0);
    cr_expect(img.ndim == 4 && img.shape[2] == 3 && img.shape[3] == 3);
    expect_values(&img, 3, 3, (const double[]){ 1, 7, 6, 12, 34, 22, 11, 27, 16 });
    tensor_free(&col), tensor_free(&img);
}

Test(util, col2im_counts_windows_with_pad)
{
    /* col of ones: each pixel gets the number of windows covering it */
    Tensor col = tensor_new(TENSOR_SHAPE2(9, 9)), img = { 0 };
    for (size_t i = 0; i < col.size; i++)
        col.data[i] = 1.0;
    col2im(&img, &col, (const size_t[]){ 1, 1, 3, 3 }, 3, 3, 1, 1);   /* 3x3, pad 1: OH 3 */
    expect_values(&img, 3, 3, (const double[]){ 4, 6, 4, 6, 9, 6, 4, 6, 4 });
    tensor_free(&col);
    col = tensor_new(TENSOR_SHAPE2(4, 4));
    for (size_t i = 0; i < col.size; i++)
        col.data[i] = 1.0;
    col2im(&img, &col, (const size_t[]){ 1, 1, 3, 3 }, 2, 2, 2, 1);   /* no overlap */
    expect_values(&img, 3, 3, (const double[]){ 1, 1, 1, 1, 1, 1, 1, 1, 1 });
    tensor_free(&col), tensor_free(&img);
}

Test(util, col2im_undoes_im2col_without_overlap)
{
    Random rng;
    random_seed(&rng, 1);
    Tensor x = tensor_randn(TENSOR_SHAPE4(3, 2, 6, 4), &rng), col = { 0 }, img = { 0 };
    im2col(&col, &x, 2, 2, 2, 0);
    col2im(&img, &col, x.shape, 2, 2, 2, 0);
    cr_expect(memcmp(img.data, x.data, x.size * sizeof(double)) == 0);
    tensor_free(&x), tensor_free(&col), tensor_free(&img);
}

/* The book's col2im, line by line: img (N, C, H + 2*pad + stride - 1, ...) of zeros, then
 * for y, for x: img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]. */
static void book_col2im(Tensor *out, const Tensor *col, const size_t s[4], size_t fh,
                        size_t fw, size_t stride, size_t pad)
{
    const size_t N = s[0], C = s[1], H = s[2], W = s[3];
    const size_t oh_n = (H + 2 * pad - fh) / stride + 1, ow_n = (W + 2 * pad - fw) / stride + 1;
    const size_t PH = H + 2 * pad + stride - 1, PW = W + 2 * pad + stride - 1;
    Tensor img = tensor_new(TENSOR_SHAPE4(N, C, PH, PW));
    for (size_t y = 0; y < fh; y++)
        for (size_t x = 0; x < fw; x++)
            for (size_t n = 0; n < N; n++)
                for (size_t c = 0; c < C; c++)
                    for (size_t oh = 0; oh < oh_n; oh++)
                        for (size_t ow = 0; ow < ow_n; ow++) {
                            /* col.reshape(N, out_h, out_w, C, fh, fw)[n, oh, ow, c, y, x] */
                            const double v =
                                col->data[((((n * oh_n + oh) * ow_n + ow) * C + c) * fh + y) * fw + x];
                            img.data[((n * C + c) * PH + y + stride * oh) * PW + x + stride * ow] += v;
                        }
    tensor_reshape(out, 4, s);
    for (size_t n = 0; n < N; n++)
        for (size_t c = 0; c < C; c++)
            for (size_t i = 0; i < H; i++)
                for (size_t j = 0; j < W; j++)
                    out->data[((n * C + c) * H + i) * W + j] =
                        img.data[((n * C + c) * PH + i + pad) * PW + j + pad];
    tensor_free(&img);
}

Test(util, col2im_same_bits_as_the_books_loops)
{
    const size_t cases[][6] = {   /* H, W, fh, fw, stride, pad */
        { 5, 5, 3, 3, 1, 0 }, { 7, 6, 3, 3, 1, 1 }, { 7, 7, 3, 2, 2, 1 }, { 6, 5, 4, 4, 1, 2 },
        { 3, 3, 2, 2, 2, 3 },   /* pad larger than the filter: whole windows in the padding */
    };
    Random rng;
    random_seed(&rng, 2);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const size_t *c = cases[k];
        const size_t shape[4] = { 2, 3, c[0], c[1] };
        const size_t rows = 2 * conv_output_size(c[0], c[2], c[4], c[5]) *
                            conv_output_size(c[1], c[3], c[4], c[5]);
        Tensor col = tensor_randn(TENSOR_SHAPE2(rows, 3 * c[2] * c[3]), &rng);
        for (size_t i = 0; i < col.size; i++)     /* magnitudes apart: the order shows */
            col.data[i] *= pow(10.0, (double)(i % 7) * 3.0 - 9.0);
        Tensor ours = { 0 }, book = { 0 };
        col2im(&ours, &col, shape, c[2], c[3], c[4], c[5]);
        book_col2im(&book, &col, shape, c[2], c[3], c[4], c[5]);
        cr_expect(memcmp(ours.data, book.data, book.size * sizeof(double)) == 0,
                  "case %zu: col2im differs from the book's order", k);
        tensor_free(&col), tensor_free(&ours), tensor_free(&book);
    }
}

/* <im2col(x), c> = <x, col2im(c)>: col2im is im2col's adjoint, for any stride and pad. */
Test(util, col2im_is_the_adjoint_of_im2col)
{
    const size_t cases[][6] = { { 5, 4, 3, 2, 1, 0 }, { 6, 7, 3, 3, 2, 1 }, { 4, 4, 2, 3, 3, 2 },
                                { 3, 4, 2, 2, 2, 3 } };
    Random rng;
    random_seed(&rng, 3);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const size_t *c = cases[k];
        Tensor x = tensor_randn(TENSOR_SHAPE4(2, 2, c[0], c[1]), &rng), col = { 0 }, img = { 0 };
        im2col(&col, &x, c[2], c[3], c[4], c[5]);
        Tensor r = tensor_randn(col.ndim, col.shape, &rng);
        col2im(&img, &r, x.shape, c[2], c[3], c[4], c[5]);
        double lhs = 0.0, rhs = 0.0;
        for (size_t i = 0; i < col.size; i++)
            lhs += col.data[i] * r.data[i];
        for (size_t i = 0; i < x.size; i++)
            rhs += x.data[i] * img.data[i];
        cr_expect(fabs(lhs - rhs) < 1e-12 * (1.0 + fabs(lhs)), "case %zu: %.17g vs %.17g", k,
                  lhs, rhs);
        tensor_free(&x), tensor_free(&col), tensor_free(&img), tensor_free(&r);
    }
}

/* The transposed layout of one image: im2col_t_rows is col.T (any row range), and
 * col2im_t_one gives col2im's bits on the transpose. */
static const size_t T_CASES[][6] = {   /* H, W, fh, fw, stride, pad */
    { 5, 5, 3, 3, 1, 0 }, { 7, 6, 3, 3, 1, 1 }, { 7, 7, 3, 2, 2, 1 }, { 6, 5, 4, 4, 1, 2 },
    { 3, 3, 2, 2, 2, 3 }, { 9, 8, 5, 5, 3, 2 }, { 28, 28, 5, 5, 1, 0 },
};

Test(util, im2col_t_rows_is_the_transpose_of_im2col)
{
    Random rng;
    random_seed(&rng, 4);
    for (size_t k = 0; k < sizeof T_CASES / sizeof T_CASES[0]; k++) {
        const size_t *c = T_CASES[k];
        Tensor x = tensor_randn(TENSOR_SHAPE4(1, 3, c[0], c[1]), &rng), col = { 0 };
        im2col(&col, &x, c[2], c[3], c[4], c[5]);
        const size_t P = col.shape[0], K = col.shape[1], chw[3] = { 3, c[0], c[1] };
        double *colT = calloc(P * K, sizeof *colT);
        cr_assert(colT);
        /* three row ranges, as threads share them: [0, K/3), [K/3, K-1), [K-1, K) */
        const size_t cut[4] = { 0, K / 3, K - 1, K };
        for (int r = 0; r < 3; r++)
            im2col_t_rows(colT + cut[r] * P, x.data, chw, c[2], c[3], c[4], c[5], cut[r],
                          cut[r + 1]);
        for (size_t p = 0; p < P; p++)
            for (size_t q = 0; q < K; q++)
                cr_expect(colT[q * P + p] == col.data[p * K + q],
                          "case %zu: colT[%zu][%zu] = %g, col[%zu][%zu] = %g", k, q, p,
                          colT[q * P + p], p, q, col.data[p * K + q]);
        free(colT);
        tensor_free(&x), tensor_free(&col);
    }
}

Test(util, col2im_t_one_same_bits_as_col2im)
{
    Random rng;
    random_seed(&rng, 5);
    for (size_t k = 0; k < sizeof T_CASES / sizeof T_CASES[0]; k++) {
        const size_t *c = T_CASES[k];
        const size_t shape[4] = { 1, 3, c[0], c[1] }, chw[3] = { 3, c[0], c[1] };
        const size_t P = conv_output_size(c[0], c[2], c[4], c[5]) *
                         conv_output_size(c[1], c[3], c[4], c[5]), K = 3 * c[2] * c[3];
        Tensor col = tensor_randn(TENSOR_SHAPE2(P, K), &rng), img = { 0 };
        for (size_t i = 0; i < col.size; i++)     /* magnitudes apart: the order shows */
            col.data[i] *= pow(10.0, (double)(i % 7) * 3.0 - 9.0);
        double *colT = malloc(P * K * sizeof *colT), *ours = malloc(3 * c[0] * c[1] * 8);
        cr_assert(colT && ours);
        for (size_t p = 0; p < P; p++)
            for (size_t q = 0; q < K; q++)
                colT[q * P + p] = col.data[p * K + q];
        col2im(&img, &col, shape, c[2], c[3], c[4], c[5]);
        col2im_t_one(ours, colT, chw, c[2], c[3], c[4], c[5]);
        cr_expect(memcmp(ours, img.data, img.size * sizeof(double)) == 0,
                  "case %zu: col2im_t_one differs from col2im", k);
        free(colT), free(ours);
        tensor_free(&col), tensor_free(&img);
    }
}

/* ---- numerical gradients of the layers --------------------------------------------------- */

typedef struct {
    Layer *layer;
    const Tensor *x, *R;
    Tensor out;
} Probe;

/* L = sum(layer.forward(x) * R) */
static double probe_loss(Probe *p)
{
    layer_forward(p->layer, &p->out, p->x, 1);
    cr_assert_eq(p->out.size, p->R->size);
    double L = 0.0;
    for (size_t i = 0; i < p->out.size; i++)
        L += p->out.data[i] * p->R->data[i];
    return L;
}

/* Central differences of L for every element of v (perturbed in place, restored), against
 * the analytic gradient g; the relative error must stay below tol. */
static void expect_gradient(Probe *p, Tensor *v, const Tensor *g, const char *what, double tol)
{
    const double h = 1e-5;
    cr_assert_eq(v->size, g->size, "%s: gradient has %zu values, not %zu", what, g->size, v->size);
    double worst = 0.0;
    for (size_t i = 0; i < v->size; i++) {
        const double keep = v->data[i];
        v->data[i] = keep + h;
        const double f1 = probe_loss(p);
        v->data[i] = keep - h;
        const double f2 = probe_loss(p);
        v->data[i] = keep;
        const double num = (f1 - f2) / (2 * h);
        const double err = fabs(num - g->data[i]) / fmax(1.0, fabs(num));
        worst = fmax(worst, err);
        cr_expect(err < tol, "%s[%zu]: backward %.12g, numerical %.12g", what, i, g->data[i], num);
    }
    cr_log_info("%s: worst relative error %.3g", what, worst);
}

/* Forward then backward with dout = R; returns dx (caller frees). */
static Tensor run_backward(Probe *p)
{
    probe_loss(p);
    Tensor dx = { 0 };
    layer_backward(p->layer, &dx, p->R);
    cr_assert(tensor_same_shape(&dx, p->x), "dx does not have x's shape");
    return dx;
}

static void check_convolution(size_t N, size_t C, size_t H, size_t W, size_t FN, size_t FH,
                              size_t FW, size_t stride, size_t pad, uint32_t seed)
{
    Random rng;
    random_seed(&rng, seed);
    Tensor x = tensor_randn(TENSOR_SHAPE4(N, C, H, W), &rng);
    Tensor Wt = tensor_randn(TENSOR_SHAPE4(FN, C, FH, FW), &rng);
    Tensor b = tensor_randn(1, (const size_t[]){ FN }, &rng);
    Layer *conv = convolution_new(&Wt, &b, stride, pad);
    const size_t OH = conv_output_size(H, FH, stride, pad), OW = conv_output_size(W, FW, stride, pad);
    Tensor R = tensor_randn(TENSOR_SHAPE4(N, FN, OH, OW), &rng);
    Probe p = { conv, &x, &R, { 0 } };
    Tensor dx = run_backward(&p);
    cr_expect(p.out.ndim == 4 && p.out.shape[0] == N && p.out.shape[1] == FN &&
              p.out.shape[2] == OH && p.out.shape[3] == OW, "out shape");
    Param params[LAYER_MAX_PARAMS];
    cr_assert_eq(layer_params(conv, params), 2);
    cr_assert(params[0].value == &Wt && params[1].value == &b, "params are W then b");
    Tensor dW = { 0 }, db = { 0 };
    tensor_copy(&dW, params[0].grad);
    tensor_copy(&db, params[1].grad);
    expect_gradient(&p, &x, &dx, "dx", 1e-7);
    expect_gradient(&p, &Wt, &dW, "dW", 1e-7);
    expect_gradient(&p, &b, &db, "db", 1e-7);

    /* dx = NULL: the first layer's case; dW and db are the same */
    probe_loss(&p);
    layer_backward(conv, NULL, &R);
    cr_expect(memcmp(params[0].grad->data, dW.data, dW.size * sizeof(double)) == 0);
    cr_expect(memcmp(params[1].grad->data, db.data, db.size * sizeof(double)) == 0);

    layer_free(conv);
    tensor_free(&x), tensor_free(&Wt), tensor_free(&b), tensor_free(&R), tensor_free(&p.out);
    tensor_free(&dx), tensor_free(&dW), tensor_free(&db);
}

Test(convolution, forward_by_hand)
{
    /* x = [[1 2 3] [4 5 6] [7 8 9]], W = [[1 0] [0 -1]], b = 10: x[i][j] - x[i+1][j+1] + 10 */
    Tensor x = tensor_arange1(TENSOR_SHAPE4(1, 1, 3, 3));
    Tensor W = tensor_from(TENSOR_SHAPE4(1, 1, 2, 2), (const double[]){ 1, 0, 0, -1 });
    Tensor b = tensor_from(1, (const size_t[]){ 1 }, (const double[]){ 10 });
    Layer *conv = convolution_new(&W, &b, 1, 0);
    Tensor out = { 0 };
    layer_forward(conv, &out, &x, 0);
    expect_values(&out, 2, 2, (const double[]){ 6, 6, 6, 6 });
    /* two filters, stride 2, pad 1: the second filter sums its window */
    layer_free(conv);
    tensor_free(&W), tensor_free(&b);
    W = tensor_from(TENSOR_SHAPE4(2, 1, 2, 2), (const double[]){ 1, 0, 0, -1, 1, 1, 1, 1 });
    b = tensor_from(1, (const size_t[]){ 2 }, (const double[]){ 0, 0.5 });
    conv = convolution_new(&W, &b, 2, 1);
    layer_forward(conv, &out, &x, 0);
    cr_expect(out.shape[0] == 1 && out.shape[1] == 2 && out.shape[2] == 2 && out.shape[3] == 2);
    /* windows (see im2col_stride_2_pad_1): [0 0 0 1] [0 0 2 3] [0 4 0 7] [5 6 8 9] */
    expect_values(&out, 2, 4, (const double[]){ -1, -3, -7, -4, 1.5, 5.5, 11.5, 28.5 });
    layer_free(conv);
    tensor_free(&x), tensor_free(&W), tensor_free(&b), tensor_free(&out);
}

Test(convolution, backward_matches_numerical_gradient)
{
    check_convolution(2, 1, 6, 6, 3, 3, 3, 1, 0, 10);   /* the book's defaults */
}
Test(convolution, backward_matches_numerical_gradient_stride_2_pad_1)
{
    check_convolution(2, 3, 7, 6, 4, 3, 2, 2, 1, 11);
}
Test(convolution, backward_matches_numerical_gradient_stride_3_pad_2)
{
    check_convolution(3, 2, 5, 8, 2, 2, 4, 3, 2, 12);
}

static void check_pooling(size_t N, size_t C, size_t H, size_t W, size_t ph, size_t pw,
                          size_t stride, size_t pad, uint32_t seed)
{
    Random rng;
    random_seed(&rng, seed);
    Tensor x = tensor_randn(TENSOR_SHAPE4(N, C, H, W), &rng);
    /* distinct values at least 1e-3 apart, none near 0 (the padding): no tie within h */
    for (size_t i = 0; i < x.size; i++)
        x.data[i] = (x.data[i] >= 0 ? 1.0 : -1.0) * (0.01 + (double)((i * 7919) % x.size) * 1e-3);
    Layer *pool = pooling_new(ph, pw, stride, pad);
    const size_t OH = conv_output_size(H, ph, stride, pad), OW = conv_output_size(W, pw, stride, pad);
    Tensor R = tensor_randn(TENSOR_SHAPE4(N, C, OH, OW), &rng);
    Probe p = { pool, &x, &R, { 0 } };
    Tensor dx = run_backward(&p);
    cr_expect(p.out.shape[2] == OH && p.out.shape[3] == OW, "out shape");
    cr_expect_eq(layer_params(pool, NULL), 0);
    expect_gradient(&p, &x, &dx, "dx", 1e-8);
    layer_free(pool);
    tensor_free(&x), tensor_free(&R), tensor_free(&p.out), tensor_free(&dx);
}

Test(pooling, backward_matches_numerical_gradient)
{
    check_pooling(2, 3, 6, 6, 2, 2, 2, 0, 20);   /* SimpleConvNet's 2x2, stride 2 */
}
Test(pooling, backward_matches_numerical_gradient_overlapping_pad_1)
{
    check_pooling(2, 2, 7, 5, 3, 3, 2, 1, 21);
}
Test(pooling, backward_matches_numerical_gradient_2x3_stride_1)
{
    check_pooling(1, 2, 5, 6, 2, 3, 1, 0, 22);
}

Test(pooling, forward_by_hand_and_first_maximum_on_ties)
{
    /* x (1, 1, 4, 4): windows 2x2, stride 2 */
    Tensor x = tensor_from(TENSOR_SHAPE4(1, 1, 4, 4),
                           (const double[]){ 1, 3, 2, 2,
                                             4, 0, 2, 2,
                                             -1, -2, 5, 7,
                                             -3, -1, 7, 6 });
    Layer *pool = pooling_new(2, 2, 2, 0);
    Tensor out = { 0 }, dx = { 0 };
    layer_forward(pool, &out, &x, 1);
    expect_values(&out, 2, 2, (const double[]){ 4, 2, -1, 7 });
    Tensor dout = tensor_from(TENSOR_SHAPE4(1, 1, 2, 2), (const double[]){ 10, 20, 30, 40 });
    layer_backward(pool, &dx, &dout);
    /* the all-2 window and the two 7s: np.argmax's first maximum gets it */
    expect_values(&dx, 4, 4, (const double[]){ 0, 0, 20, 0,
                                               10, 0, 0, 0,
                                               30, 0, 0, 40,
                                               0, 0, 0, 0 });
    /* pad 1: padding counts as 0, as im2col pads; a gradient landing there is dropped */
    layer_free(pool);
    pool = pooling_new(2, 2, 2, 1);
    Tensor neg = tensor_from(TENSOR_SHAPE4(1, 1, 2, 2), (const double[]){ -1, -2, -3, 4 });
    layer_forward(pool, &out, &neg, 1);
    expect_values(&out, 2, 2, (const double[]){ 0, 0, 0, 4 });
    layer_backward(pool, &dx, &dout);
    expect_values(&dx, 2, 2, (const double[]){ 0, 0, 0, 40 });
    layer_free(pool);
    tensor_free(&x), tensor_free(&out), tensor_free(&dx), tensor_free(&dout), tensor_free(&neg);
}

/* Overlapping windows (3x3, stride 1): a pixel that is the maximum of several windows sums
 * their gradients. x has one peak, the maximum of all 9 windows of a 5x5 image. */
Test(pooling, overlapping_windows_sum_at_the_maximum)
{
    Tensor x = tensor_new(TENSOR_SHAPE4(1, 1, 5, 5)), out = { 0 }, dx = { 0 };
    for (size_t i = 0; i < x.size; i++)
        x.data[i] = -(double)i;
    x.data[12] = 100;
    Layer *pool = pooling_new(3, 3, 1, 0);
    layer_forward(pool, &out, &x, 1);
    Tensor dout = tensor_arange1(TENSOR_SHAPE4(1, 1, 3, 3));
    layer_backward(pool, &dx, &dout);
    for (size_t i = 0; i < x.size; i++)
        cr_expect(dx.data[i] == (i == 12 ? 45.0 : 0.0), "dx[%zu] = %g", i, dx.data[i]);
    layer_free(pool);
    tensor_free(&x), tensor_free(&out), tensor_free(&dx), tensor_free(&dout);
}

/* Convolution against the book's three products on the whole batch, with the reference
 * gemm (plain loops in gemm.h's order): col = im2col(x); out = col . W.T + b;
 * dW = col.T . dout; dx = col2im(dout . W). The layer goes image by image in the
 * transposed layout, threaded; the bits must be these. */
static void conv_against_the_books_products(size_t stride, size_t pad, int threads)
{
    parallel_set_threads(threads);
    Random rng;
    random_seed(&rng, 11);
    const size_t N = 3, C = 2, H = 9, Wd = 8, FN = 4, FH = 3, FW = 3;
    Tensor x = tensor_randn(TENSOR_SHAPE4(N, C, H, Wd), &rng);
    Tensor W = tensor_randn(TENSOR_SHAPE4(FN, C, FH, FW), &rng);
    Tensor b = tensor_randn(1, (const size_t[]){ FN }, &rng);
    Layer *conv = convolution_new(&W, &b, stride, pad);
    Tensor out = { 0 }, dx = { 0 }, col = { 0 }, want_dx = { 0 };
    layer_forward(conv, &out, &x, 1);
    Tensor dout = tensor_randn(out.ndim, out.shape, &rng);
    layer_backward(conv, &dx, &dout);
    Param prm[LAYER_MAX_PARAMS];
    layer_params(conv, prm);

    im2col(&col, &x, FH, FW, stride, pad);
    const size_t P = out.shape[2] * out.shape[3], R = N * P, K = C * FH * FW;
    double *o = malloc(R * FN * 8), *d = malloc(R * FN * 8), *dW = malloc(FN * K * 8),
           *dcol = malloc(R * K * 8);
    cr_assert(o && d && dW && dcol);
    gemm_f64_ref(GEMM_N, GEMM_T, R, FN, K, col.data, K, W.data, K, o, FN, 0);
    for (size_t n = 0; n < N; n++)        /* (N*P, FN) + b -> (N, FN, OH, OW) and back */
        for (size_t f = 0; f < FN; f++)
            for (size_t p = 0; p < P; p++) {
                const double want = o[(n * P + p) * FN + f] + b.data[f];
                cr_expect(out.data[(n * FN + f) * P + p] == want, "out[%zu][%zu][%zu]", n, f,
                          p);
                d[(n * P + p) * FN + f] = dout.data[(n * FN + f) * P + p];
            }
    gemm_f64_ref(GEMM_T, GEMM_N, FN, K, R, d, FN, col.data, K, dW, K, 0);
    cr_expect(memcmp(dW, prm[0].grad->data, FN * K * 8) == 0, "dW (stride %zu pad %zu)",
              stride, pad);
    gemm_f64_ref(GEMM_N, GEMM_N, R, K, FN, d, FN, W.data, K, dcol, K, 0);
    Tensor dcol_t = tensor_from(TENSOR_SHAPE2(R, K), dcol);
    col2im(&want_dx, &dcol_t, x.shape, FH, FW, stride, pad);
    cr_expect(memcmp(dx.data, want_dx.data, x.size * 8) == 0, "dx (stride %zu pad %zu)",
              stride, pad);
    free(o), free(d), free(dW), free(dcol);
    layer_free(conv);
    tensor_free(&x), tensor_free(&W), tensor_free(&b), tensor_free(&out), tensor_free(&dx);
    tensor_free(&col), tensor_free(&want_dx), tensor_free(&dout), tensor_free(&dcol_t);
}

Test(convolution, same_bits_as_the_books_products)
{
    for (int threads = 1; threads <= 2; threads++) {
        conv_against_the_books_products(1, 0, threads);
        conv_against_the_books_products(1, 1, threads);
        conv_against_the_books_products(2, 1, threads);
        conv_against_the_books_products(3, 2, threads);
    }
}

/* ---- conv_direct (kernels/conv_direct.h) ------------------------------------------------ */

/* Shapes for the direct kernels: every tail of their tiles (outputs per row 1 .. 15: 12, 8
 * and 4 at a time, then one by one; 1 .. 9 filters: 4 at a time in forward, 8 in the filter
 * gradient; K not a multiple of 5), and SimpleConvNet's. C, H, W, FN, FH, FW. */
static const size_t D_CASES[][6] = {
    { 1, 28, 28, 30, 5, 5 }, { 1, 5, 5, 1, 5, 5 }, { 2, 9, 8, 4, 3, 3 }, { 3, 7, 19, 9, 3, 2 },
    { 1, 6, 17, 5, 1, 3 }, { 2, 4, 15, 7, 2, 1 }, { 1, 3, 14, 3, 3, 1 }, { 2, 8, 12, 6, 4, 2 },
    { 1, 2, 11, 2, 1, 1 }, { 3, 5, 9, 8, 2, 4 },
};

/* x's one image as im2col (pad 0, stride 1) lays it out for gemm: col.T (K, P). */
static double *col_t_of(const Tensor *x, size_t fh, size_t fw, size_t *P, size_t *K)
{
    Tensor col = { 0 };
    im2col(&col, x, fh, fw, 1, 0);
    *P = col.shape[0];
    *K = col.shape[1];
    double *colT = malloc(*P * *K * sizeof *colT);
    cr_assert(colT);
    for (size_t p = 0; p < *P; p++)
        for (size_t k = 0; k < *K; k++)
            colT[k * *P + p] = col.data[p * *K + k];
    tensor_free(&col);
    return colT;
}

Test(conv_direct, forward_same_bits_as_gemm_on_im2col)
{
    Random rng;
    random_seed(&rng, 21);
    for (size_t k = 0; k < sizeof D_CASES / sizeof D_CASES[0]; k++) {
        const size_t *c = D_CASES[k];
        Tensor x = tensor_randn(TENSOR_SHAPE4(1, c[0], c[1], c[2]), &rng);
        Tensor W = tensor_randn(TENSOR_SHAPE4(c[3], c[0], c[4], c[5]), &rng);
        size_t P, K;
        double *colT = col_t_of(&x, c[4], c[5], &P, &K);
        double *want = malloc(c[3] * P * sizeof *want), *y = malloc(c[3] * P * sizeof *y),
               *ref = malloc(c[3] * P * sizeof *ref);
        cr_assert(want && y && ref);
        /* the layer's product: W (FN, K) . col.T (K, P), gemm.h's order */
        gemm_f64_ref(GEMM_N, GEMM_N, c[3], P, K, W.data, K, colT, P, want, P, 0);
        conv_direct_forward(y, W.data, c[3], x.data, c[0], c[1], c[2], c[4], c[5]);
        conv_direct_forward_ref(ref, W.data, c[3], x.data, c[0], c[1], c[2], c[4], c[5]);
        cr_expect(memcmp(y, want, c[3] * P * sizeof *y) == 0, "case %zu: forward", k);
        cr_expect(memcmp(ref, want, c[3] * P * sizeof *y) == 0, "case %zu: forward_ref", k);
        free(colT), free(want), free(y), free(ref);
        tensor_free(&x), tensor_free(&W);
    }
}

Test(conv_direct, filter_gradient_same_bits_as_gemm_on_im2col)
{
    Random rng;
    random_seed(&rng, 22);
    for (size_t k = 0; k < sizeof D_CASES / sizeof D_CASES[0]; k++) {
        const size_t *c = D_CASES[k], FN = c[3];
        Tensor x = tensor_randn(TENSOR_SHAPE4(1, c[0], c[1], c[2]), &rng);
        size_t P, K;
        double *colT = col_t_of(&x, c[4], c[5], &P, &K);
        Tensor dc = tensor_randn(TENSOR_SHAPE2(FN, P), &rng);
        Tensor dW0 = tensor_randn(TENSOR_SHAPE2(FN, K), &rng);
        for (int load = 0; load < 2; load++) {
            /* dW (FN, K) (+)= dc (FN, P) . col (P, K): the layer's gemm, in its order */
            double *want = malloc(FN * K * sizeof *want);
            cr_assert(want);
            memcpy(want, dW0.data, FN * K * sizeof *want);
            gemm_f64_ref(GEMM_N, GEMM_T, FN, K, P, dc.data, P, colT, P, want, K, load);
            /* the filters in two ranges, as two threads take them: [0, f) and [f, FN), each
             * transposed with room for 4 more columns */
            const size_t cut = FN > 8 ? 8 : FN / 2;
            const size_t range[3] = { 0, cut, FN };
            for (int r = 0; r < 2; r++) {
                const size_t f0 = range[r], nf = range[r + 1] - f0, ldd = (nf + 3) / 4 * 4 + 4;
                double *dct = calloc(P * ldd, sizeof *dct), *dwt = calloc(K * ldd, sizeof *dwt),
                       *ref = calloc(K * ldd, sizeof *ref);
                cr_assert(dct && dwt && ref);
                for (size_t p = 0; p < P; p++)
                    for (size_t f = 0; f < nf; f++)
                        dct[p * ldd + f] = dc.data[(f0 + f) * P + p];
                for (size_t q = 0; q < K; q++)
                    for (size_t f = 0; f < nf; f++)
                        dwt[q * ldd + f] = ref[q * ldd + f] = dW0.data[(f0 + f) * K + q];
                conv_direct_dw(dwt, nf, dct, ldd, x.data, c[0], c[1], c[2], c[4], c[5], load);
                conv_direct_dw_ref(ref, nf, dct, ldd, x.data, c[0], c[1], c[2], c[4], c[5],
                                   load);
                for (size_t q = 0; q < K; q++)
                    for (size_t f = 0; f < nf; f++) {
                        const double w = want[(f0 + f) * K + q];
                        cr_expect(dwt[q * ldd + f] == w, "case %zu load %d: dW[%zu][%zu]", k,
                                  load, f0 + f, q);
                        cr_expect(ref[q * ldd + f] == w, "case %zu load %d: ref dW[%zu][%zu]",
                                  k, load, f0 + f, q);
                    }
                free(dct), free(dwt), free(ref);
            }
            free(want);
        }
        free(colT);
        tensor_free(&x), tensor_free(&dc), tensor_free(&dW0);
    }
}

Test(conv_direct, input_gradient_same_bits_as_gemm_then_col2im)
{
    Random rng;
    random_seed(&rng, 23);
    for (size_t k = 0; k < sizeof D_CASES / sizeof D_CASES[0]; k++) {
        const size_t *c = D_CASES[k], C = c[0], H = c[1], Wd = c[2], FN = c[3], FH = c[4],
                     FW = c[5];
        const size_t OH = H - FH + 1, OW = Wd - FW + 1, P = OH * OW, K = C * FH * FW;
        Tensor W = tensor_randn(TENSOR_SHAPE2(FN, K), &rng);
        Tensor dc = tensor_randn(TENSOR_SHAPE2(FN, P), &rng);
        /* the layer's way (pad 0): dcol.T = W.T . dc, then col2im's additions */
        double *dcolT = malloc(K * P * sizeof *dcolT), *want = malloc(C * H * Wd * 8),
               *dx = malloc(C * H * Wd * 8), *ref = malloc(C * H * Wd * 8),
               *wt = malloc(K * FN * 8);
        const size_t PH = H + FH - 1, PW = Wd + FW - 1;
        double *dpad = calloc(FN * PH * PW, sizeof *dpad);
        cr_assert(dcolT && want && dx && ref && wt && dpad);
        gemm_f64_ref(GEMM_T, GEMM_N, K, P, FN, W.data, K, dc.data, P, dcolT, P, 0);
        col2im_t_one(want, dcolT, (const size_t[]){ C, H, Wd }, FH, FW, 1, 0);
        for (size_t f = 0; f < FN; f++)
            for (size_t q = 0; q < K; q++)
                wt[q * FN + f] = W.data[f * K + q];
        for (size_t f = 0; f < FN; f++)
            for (size_t p = 0; p < P; p++)
                dpad[(f * PH + p / OW + FH - 1) * PW + p % OW + FW - 1] = dc.data[f * P + p];
        conv_direct_dx(dx, wt, FN, dpad, C, H, Wd, FH, FW);
        conv_direct_dx_ref(ref, wt, FN, dpad, C, H, Wd, FH, FW);
        cr_expect(memcmp(dx, want, C * H * Wd * 8) == 0, "case %zu: dx", k);
        cr_expect(memcmp(ref, want, C * H * Wd * 8) == 0, "case %zu: dx_ref", k);
        free(dcolT), free(want), free(dx), free(ref), free(wt), free(dpad);
        tensor_free(&W), tensor_free(&dc);
    }
}

/* ---- threads ------------------------------------------------------------------------------ */

/* conv (stride 1) -> pool, forward and backward, on a batch of 8 with `threads` threads. */
static void conv_pool_run(int threads, Tensor *y, Tensor *dx, Tensor *dW, Tensor *db)
{
    parallel_set_threads(threads);
    Random rng;
    random_seed(&rng, 7);
    Tensor x = tensor_randn(TENSOR_SHAPE4(8, 3, 12, 12), &rng);
    Tensor W = tensor_randn(TENSOR_SHAPE4(5, 3, 3, 3), &rng);
    Tensor b = tensor_randn(1, (const size_t[]){ 5 }, &rng);
    Layer *conv = convolution_new(&W, &b, 1, 1), *pool = pooling_new(2, 2, 2, 0);
    Tensor c = { 0 }, dc = { 0 };
    layer_forward(conv, &c, &x, 1);
    layer_forward(pool, y, &c, 1);
    Tensor dout = tensor_randn(y->ndim, y->shape, &rng);
    layer_backward(pool, &dc, &dout);
    layer_backward(conv, dx, &dc);
    Param p[LAYER_MAX_PARAMS];
    layer_params(conv, p);
    tensor_copy(dW, p[0].grad);
    tensor_copy(db, p[1].grad);
    layer_free(conv), layer_free(pool);
    tensor_free(&x), tensor_free(&W), tensor_free(&b), tensor_free(&c), tensor_free(&dc);
    tensor_free(&dout);
}

Test(convolution, same_bits_for_1_and_2_threads)
{
    Tensor y1 = { 0 }, dx1 = { 0 }, dW1 = { 0 }, db1 = { 0 };
    Tensor y2 = { 0 }, dx2 = { 0 }, dW2 = { 0 }, db2 = { 0 };
    conv_pool_run(1, &y1, &dx1, &dW1, &db1);
    conv_pool_run(2, &y2, &dx2, &dW2, &db2);
    cr_expect(memcmp(y1.data, y2.data, y1.size * sizeof(double)) == 0, "forward");
    cr_expect(memcmp(dx1.data, dx2.data, dx1.size * sizeof(double)) == 0, "dx");
    cr_expect(memcmp(dW1.data, dW2.data, dW1.size * sizeof(double)) == 0, "dW");
    cr_expect(memcmp(db1.data, db2.data, db1.size * sizeof(double)) == 0, "db");
    Tensor *all[] = { &y1, &dx1, &dW1, &db1, &y2, &dx2, &dW2, &db2 };
    for (size_t i = 0; i < 8; i++)
        tensor_free(all[i]);
}

/* ---- Convolution -> Relu -> Pooling fused (layers.h: conv_relu_pool_forward) ------------ */

/* Forward and backward of conv -> relu -> pool(2, 2, stride 2): fused 0, the layers one by
 * one; 1, the forward fused; 2, the backward too (dx then is not made). Returns 0 when a
 * fused call declined. x has ties and zeros (rounded
 * values, a blank border), so Relu's mask and Pooling's first maximum both matter. */
static int crp_run(int fused, int threads, size_t N, size_t C, size_t H, size_t W, size_t FN,
                   size_t F, size_t stride, size_t pad, Tensor *y, Tensor *dx, Tensor *dW,
                   Tensor *db)
{
    parallel_set_threads(threads);
    Random rng;
    random_seed(&rng, 11);
    Tensor x = tensor_randn(TENSOR_SHAPE4(N, C, H, W), &rng);
    for (size_t i = 0; i < x.size; i++)        /* ties: a quarter step; zeros: the edges */
        x.data[i] = (i % W < 2) ? 0.0 : round(4 * x.data[i]) / 4;
    Tensor Wt = tensor_randn(TENSOR_SHAPE4(FN, C, F, F), &rng);
    Tensor b = tensor_randn(1, (const size_t[]){ FN }, &rng);
    Layer *conv = convolution_new(&Wt, &b, stride, pad), *relu = relu_new(),
          *pool = pooling_new(2, 2, 2, 0);
    Tensor c = { 0 }, r = { 0 }, dr = { 0 }, dc = { 0 };
    int took = 1;
    if (!fused || !(took = conv_relu_pool_forward(conv, relu, pool, y, &x, 1))) {
        layer_forward(conv, &c, &x, 1);
        layer_forward(relu, &r, &c, 1);
        layer_forward(pool, y, &r, 1);
    }
    Tensor dout = tensor_randn(y->ndim, y->shape, &rng);
    if (fused < 2 || !(took = conv_relu_pool_backward(conv, relu, pool, &dout))) {
        layer_backward(pool, &dr, &dout);
        layer_backward(relu, &dc, &dr);
        layer_backward(conv, dx, &dc);     /* dx NULL: the convolution as a first layer */
    }
    Param p[LAYER_MAX_PARAMS];
    layer_params(conv, p);
    tensor_copy(dW, p[0].grad);
    tensor_copy(db, p[1].grad);
    layer_free(conv), layer_free(relu), layer_free(pool);
    Tensor *tmp[] = { &x, &Wt, &b, &c, &r, &dr, &dc, &dout };
    for (size_t i = 0; i < sizeof tmp / sizeof tmp[0]; i++)
        tensor_free(tmp[i]);
    return took;
}

/* a and b hold the same doubles, bit for bit. */
static void expect_same_bits(const Tensor *a, const Tensor *b, const char *what, size_t k,
                             int threads)
{
    cr_assert_eq(a->size, b->size, "case %zu: %s: sizes", k, what);
    cr_expect(memcmp(a->data, b->data, a->size * sizeof(double)) == 0,
              "case %zu, %d threads: %s", k, threads, what);
}

Test(convolution, fused_with_relu_and_pooling_same_bits_as_one_by_one)
{
    const size_t cases[][8] = {   /* N, C, H, W, FN, F, stride, pad */
        { 4, 1, 28, 28, 30, 5, 1, 0 },      /* SimpleConvNet's (conv 24 x 24: pool rows of 12) */
        { 3, 3, 11, 13, 4, 3, 1, 1 },       /* odd output (11 x 13): the last windows scalar */
        { 2, 2, 14, 9, 5, 3, 2, 1 },        /* stride 2, pad 1 */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int threads = 1; threads <= 2; threads++) {
            const size_t *c = cases[k];
            Tensor y[2] = { { 0 } }, dx[2] = { { 0 } }, dW[2] = { { 0 } }, db[2] = { { 0 } };
            for (int fused = 0; fused < 2; fused++)
                cr_assert(crp_run(fused, threads, c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                                  c[7], &y[fused], &dx[fused], &dW[fused], &db[fused]),
                          "case %zu: the fused forward declined", k);
            expect_same_bits(&y[0], &y[1], "forward", k, threads);
            expect_same_bits(&dx[0], &dx[1], "dx (Relu's mask, Pooling's arg_max)", k, threads);
            expect_same_bits(&dW[0], &dW[1], "dW", k, threads);
            expect_same_bits(&db[0], &db[1], "db", k, threads);
            for (int i = 0; i < 2; i++)
                tensor_free(&y[i]), tensor_free(&dx[i]), tensor_free(&dW[i]), tensor_free(&db[i]);
        }
}

Test(convolution, fused_backward_same_bits_as_one_by_one)
{
    const size_t cases[][8] = {   /* N, C, H, W, FN, F, stride, pad */
        { 4, 1, 28, 28, 30, 5, 1, 0 }, { 3, 3, 11, 13, 4, 3, 1, 1 }, { 2, 2, 14, 9, 5, 3, 2, 1 },
        { 1, 1, 6, 6, 3, 3, 1, 0 },         /* more threads than columns k or filters */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int threads = 1; threads <= 3; threads++) {
            const size_t *c = cases[k];
            Tensor y[2] = { { 0 } }, dW[2] = { { 0 } }, db[2] = { { 0 } };
            for (int i = 0; i < 2; i++)
                cr_assert(crp_run(2 * i, threads, c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                                  c[7], &y[i], NULL, &dW[i], &db[i]),
                          "case %zu: the fused backward declined", k);
            expect_same_bits(&y[0], &y[1], "forward", k, threads);
            expect_same_bits(&dW[0], &dW[1], "dW", k, threads);
            expect_same_bits(&db[0], &db[1], "db", k, threads);
            for (int i = 0; i < 2; i++)
                tensor_free(&y[i]), tensor_free(&dW[i]), tensor_free(&db[i]);
        }
}

Test(convolution, fused_forward_declines_other_pooling)
{
    Tensor Wt = tensor_new(TENSOR_SHAPE4(2, 1, 3, 3)), b = tensor_new(1, (const size_t[]){ 2 });
    Tensor x = tensor_new(TENSOR_SHAPE4(1, 1, 8, 8)), y = { 0 };
    Layer *conv = convolution_new(&Wt, &b, 1, 0), *relu = relu_new(),
          *pool3 = pooling_new(3, 3, 3, 0), *pool = pooling_new(2, 2, 2, 0);
    cr_expect_eq(conv_relu_pool_forward(conv, relu, pool3, &y, &x, 0), 0, "3 x 3 pooling");
    cr_expect_eq(conv_relu_pool_forward(conv, pool, relu, &y, &x, 0), 0, "layers out of order");
    cr_expect_eq(conv_relu_pool_forward(conv, relu, pool, &y, &x, 0), 1);
    layer_free(conv), layer_free(relu), layer_free(pool3), layer_free(pool);
    tensor_free(&Wt), tensor_free(&b), tensor_free(&x), tensor_free(&y);
}
