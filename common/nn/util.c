/* util.c - see util.h. */
#include "nn/util.h"

#include <assert.h>
#include <string.h>

/* One image per thread: no sum is split between threads. */
#ifdef _OPENMP
#define FOR_EACH_IMAGE _Pragma("omp parallel for schedule(static)")
#else
#define FOR_EACH_IMAGE
#endif

size_t conv_output_size(size_t input_size, size_t filter_size, size_t stride, size_t pad)
{
    assert(stride >= 1);
    if (input_size + 2 * pad < filter_size)
        return 0;
    return (input_size + 2 * pad - filter_size) / stride + 1;
}

/* The geometry both directions share. */
typedef struct {
    size_t N, C, H, W, FH, FW, stride, pad, OH, OW;
} Geometry;

static Geometry geometry(const size_t shape[4], size_t filter_h, size_t filter_w,
                         size_t stride, size_t pad)
{
    Geometry g = { shape[0], shape[1], shape[2], shape[3], filter_h, filter_w, stride, pad,
                   conv_output_size(shape[2], filter_h, stride, pad),
                   conv_output_size(shape[3], filter_w, stride, pad) };
    assert(filter_h >= 1 && filter_w >= 1 && "im2col: empty filter");
    assert(g.OH >= 1 && g.OW >= 1 && "im2col: the filter is larger than the padded input");
    return g;
}

/* The filter columns x in [*lo, *hi) of a window starting at input column j0 fall inside
 * the image (the others are in the padding). */
static void inside(long j0, size_t FW, size_t W, size_t *lo, size_t *hi)
{
    long a = -j0, b = (long)W - j0;         /* x in [a, b) is inside, clamped to [0, FW] */
    a = a < 0 ? 0 : a > (long)FW ? (long)FW : a;
    b = b < a ? a : b > (long)FW ? (long)FW : b;
    *lo = (size_t)a;
    *hi = (size_t)b;
}

/* Row (oh, ow) of one image's col: for each channel and filter row y, the filter_w pixels
 * x[c][oh*stride + y - pad][ow*stride - pad ...], zeros where they fall in the padding. */
static void im2col_image(double *col, const double *img, const Geometry *g)
{
    const size_t K = g->C * g->FH * g->FW, FW = g->FW;
    for (size_t oh = 0; oh < g->OH; oh++)
        for (size_t ow = 0; ow < g->OW; ow++) {
            double *row = col + (oh * g->OW + ow) * K;
            const long j0 = (long)(ow * g->stride) - (long)g->pad;
            size_t lo, hi;
            inside(j0, FW, g->W, &lo, &hi);
            for (size_t c = 0; c < g->C; c++)
                for (size_t y = 0; y < g->FH; y++, row += FW) {
                    const long i = (long)(oh * g->stride + y) - (long)g->pad;
                    if (i < 0 || i >= (long)g->H) {
                        memset(row, 0, FW * sizeof *row);
                        continue;
                    }
                    for (size_t x = 0; x < lo; x++)
                        row[x] = 0.0;
                    if (lo < hi) {      /* src[0] is column j0 + lo, the first inside */
                        const double *src =
                            img + (c * g->H + (size_t)i) * g->W + (size_t)(j0 + (long)lo);
                        for (size_t x = lo; x < hi; x++)
                            row[x] = src[x - lo];
                    }
                    for (size_t x = hi; x < FW; x++)
                        row[x] = 0.0;
                }
        }
}

void im2col(Tensor *col, const Tensor *input_data, size_t filter_h, size_t filter_w,
            size_t stride, size_t pad)
{
    assert(input_data->ndim == 4 && "im2col: input_data must be (N, C, H, W)");
    const Geometry g = geometry(input_data->shape, filter_h, filter_w, stride, pad);
    const size_t rows = g.OH * g.OW, K = g.C * g.FH * g.FW;
    tensor_reshape(col, TENSOR_SHAPE2(g.N * rows, K));
    const double *x = input_data->data;
    double *out = col->data;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < g.N; n++)
        im2col_image(out + n * rows * K, x + n * g.C * g.H * g.W, &g);
}

/* One image: the windows in reverse order (oh, then ow, descending), so that each pixel
 * receives its contributions in the order of the book's loops (filter offset y, then x,
 * ascending: a larger y is a smaller oh). */
static void col2im_image(double *img, const double *col, const Geometry *g)
{
    const size_t K = g->C * g->FH * g->FW, FW = g->FW;
    memset(img, 0, g->C * g->H * g->W * sizeof *img);
    for (size_t oh = g->OH; oh-- > 0;)
        for (size_t ow = g->OW; ow-- > 0;) {
            const double *row = col + (oh * g->OW + ow) * K;
            const long j0 = (long)(ow * g->stride) - (long)g->pad;
            size_t lo, hi;
            inside(j0, FW, g->W, &lo, &hi);
            for (size_t c = 0; c < g->C; c++)
                for (size_t y = 0; y < g->FH; y++, row += FW) {
                    const long i = (long)(oh * g->stride + y) - (long)g->pad;
                    if (i < 0 || i >= (long)g->H || lo == hi)
                        continue;
                    double *dst = img + (c * g->H + (size_t)i) * g->W + (size_t)(j0 + (long)lo);
                    for (size_t x = lo; x < hi; x++)
                        dst[x - lo] += row[x];
                }
        }
}

void col2im(Tensor *img, const Tensor *col, const size_t input_shape[4], size_t filter_h,
            size_t filter_w, size_t stride, size_t pad)
{
    const Geometry g = geometry(input_shape, filter_h, filter_w, stride, pad);
    const size_t rows = g.OH * g.OW, K = g.C * g.FH * g.FW;
    assert(col->size == g.N * rows * K && "col2im: col is not (N*OH*OW, C*FH*FW)");
    tensor_reshape(img, 4, input_shape);
    const double *in = col->data;
    double *out = img->data;
    FOR_EACH_IMAGE
    for (size_t n = 0; n < g.N; n++)
        col2im_image(out + n * g.C * g.H * g.W, in + n * rows * K, &g);
}

/* The output columns ow whose input column ow*stride + x - pad lies inside [0, W). */
static void ow_inside(size_t x, const Geometry *g, size_t *lo, size_t *hi)
{
    const size_t s = g->stride;
    *lo = x >= g->pad ? 0 : (g->pad - x + s - 1) / s;
    *hi = g->W + g->pad <= x ? 0 : (g->W + g->pad - x - 1) / s + 1;
    if (*hi > g->OW)
        *hi = g->OW;
    if (*lo > *hi)
        *lo = *hi;
}

void im2col_t_rows(double *colT, const double *img, const size_t chw[3], size_t filter_h,
                   size_t filter_w, size_t stride, size_t pad, size_t k0, size_t k1)
{
    const Geometry g = geometry((const size_t[]){ 1, chw[0], chw[1], chw[2] }, filter_h,
                                filter_w, stride, pad);
    const size_t P = g.OH * g.OW, FHW = g.FH * g.FW;
    assert(k0 <= k1 && k1 <= g.C * FHW && "im2col_t_rows: rows out of range");
    for (size_t k = k0; k < k1; k++, colT += P) {
        const size_t c = k / FHW, y = k % FHW / g.FW, x = k % g.FW;
        size_t lo, hi;
        ow_inside(x, &g, &lo, &hi);
        for (size_t oh = 0; oh < g.OH; oh++) {
            double *dst = colT + oh * g.OW;
            const long i = (long)(oh * stride + y) - (long)pad;
            if (i < 0 || i >= (long)g.H || lo == hi) {
                memset(dst, 0, g.OW * sizeof *dst);
                continue;
            }
            /* window ow reads input column ow*stride + x - pad (>= 0 for ow >= lo) */
            const double *src = img + (c * g.H + (size_t)i) * g.W;
            memset(dst, 0, lo * sizeof *dst);
            if (stride == 1)
                memcpy(dst + lo, src + (lo + x - pad), (hi - lo) * sizeof *dst);
            else
                for (size_t ow = lo; ow < hi; ow++)
                    dst[ow] = src[ow * stride + x - pad];
            memset(dst + hi, 0, (g.OW - hi) * sizeof *dst);
        }
    }
}

/* Row k = (c, y, x) after row: each pixel of channel c receives its contributions in the
 * order (y, x) ascending, the book's col2im order (above), so the bits are col2im's. */
void col2im_t_one(double *img, const double *colT, const size_t chw[3], size_t filter_h,
                  size_t filter_w, size_t stride, size_t pad)
{
    const Geometry g = geometry((const size_t[]){ 1, chw[0], chw[1], chw[2] }, filter_h,
                                filter_w, stride, pad);
    const size_t P = g.OH * g.OW, FHW = g.FH * g.FW, K = g.C * FHW;
    memset(img, 0, g.C * g.H * g.W * sizeof *img);
    for (size_t k = 0; k < K; k++, colT += P) {
        const size_t c = k / FHW, y = k % FHW / g.FW, x = k % g.FW;
        size_t lo, hi;
        ow_inside(x, &g, &lo, &hi);
        for (size_t oh = 0; oh < g.OH && lo < hi; oh++) {
            const long i = (long)(oh * stride + y) - (long)pad;
            if (i < 0 || i >= (long)g.H)
                continue;
            double *dst = img + (c * g.H + (size_t)i) * g.W;
            const double *src = colT + oh * g.OW;
            for (size_t ow = lo; ow < hi; ow++)
                dst[ow * stride + x - pad] += src[ow];
        }
    }
}
