/* conv_direct.c - the stride-1 convolution without im2col (conv_direct.h): plain references
 * and the AVX2+FMA kernels.
 *
 * Forward: a tile of up to 4 filters x up to 12 neighbouring outputs of one row (3 vectors)
 * keeps its 12 sums in registers; for each k = (c, i, j) it loads the 12 pixels
 * img[c][oh + i][ow + j ..] (im2col's row k of col.T, read in place: at stride 1 a row of
 * col.T is a run of the image's row) and adds W[f][k] times them: 3 loads and 4 broadcasts
 * per 12 fused multiply-adds, where im2col + gemm wrote col.T and packed it first.
 * Filter gradient: a tile of up to 8 filters (2 vectors of dct's row p) x up to 5 columns k
 * keeps 10 sums; for each output p it broadcasts the 5 pixels img[c][oh + i][ow + j] of its
 * columns: 2 loads and 5 broadcasts per 10 fused multiply-adds. The sums are kept
 * transposed (dwt, k then f), so a tile loads and stores its sums as whole vectors.
 * Each sum is still one chain of fma steps in gemm's order (k, or p), so vectors only put
 * different sums side by side.
 */
#include "kernels/conv_direct.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "kernels/gemm_internal.h"

void conv_direct_pad(double *dst, const double *img, size_t C, size_t H, size_t W, size_t pad)
{
    const size_t PH = H + 2 * pad, PW = W + 2 * pad;
    memset(dst, 0, C * PH * PW * sizeof *dst);
    for (size_t c = 0; c < C; c++)
        for (size_t y = 0; y < H; y++)
            memcpy(dst + (c * PH + y + pad) * PW + pad, img + (c * H + y) * W, W * sizeof *img);
}

/* ---- the references ------------------------------------------------------------------- */

void conv_direct_forward_ref(double *y, const double *W, size_t FN, const double *img,
                             size_t C, size_t H, size_t Wd, size_t FH, size_t FW)
{
    const size_t OH = H - FH + 1, OW = Wd - FW + 1, K = C * FH * FW;
    for (size_t f = 0; f < FN; f++)
        for (size_t oh = 0; oh < OH; oh++)
            for (size_t ow = 0; ow < OW; ow++) {
                double acc = 0.0;
                for (size_t k = 0; k < K; k++) {
                    const size_t c = k / (FH * FW), i = k / FW % FH, j = k % FW;
                    acc = fma(W[f * K + k], img[(c * H + oh + i) * Wd + ow + j], acc);
                }
                y[(f * OH + oh) * OW + ow] = acc;
            }
}

void conv_direct_dw_ref(double *dwt, size_t nf, const double *dct, size_t ldd,
                        const double *img, size_t C, size_t H, size_t Wd, size_t FH, size_t FW,
                        int load)
{
    const size_t OH = H - FH + 1, OW = Wd - FW + 1, K = C * FH * FW;
    for (size_t f = 0; f < nf; f++)
        for (size_t k = 0; k < K; k++) {
            const size_t c = k / (FH * FW), i = k / FW % FH, j = k % FW;
            double acc = load ? dwt[k * ldd + f] : 0.0;
            for (size_t p = 0; p < OH * OW; p++)
                acc = fma(dct[p * ldd + f], img[(c * H + p / OW + i) * Wd + p % OW + j], acc);
            dwt[k * ldd + f] = acc;
        }
}

void conv_direct_dx_ref(double *dx, const double *wt, size_t FN, const double *dpad, size_t C,
                        size_t H, size_t Wd, size_t FH, size_t FW)
{
    const size_t PH = H + FH - 1, PW = Wd + FW - 1;
    for (size_t c = 0; c < C; c++)
        for (size_t yi = 0; yi < H; yi++)
            for (size_t xi = 0; xi < Wd; xi++) {
                double acc = 0.0;
                for (size_t y = 0; y < FH; y++)
                    for (size_t x = 0; x < FW; x++) {
                        const size_t k = (c * FH + y) * FW + x;
                        const double *d = dpad + (yi + FH - 1 - y) * PW + xi + FW - 1 - x;
                        double dcol = 0.0;
                        for (size_t f = 0; f < FN; f++)
                            dcol = fma(wt[k * FN + f], d[f * PH * PW], dcol);
                        acc += dcol;
                    }
                dx[(c * H + yi) * Wd + xi] = acc;
            }
}

/* ---- AVX2 + FMA ----------------------------------------------------------------------- */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

int conv_direct_available(void)
{
    return gemm_x86_has_avx2();
}

#define AVX2 __attribute__((target("avx2,fma")))
#define TILE static inline __attribute__((always_inline)) AVX2

/* One step of a tile's RB x VB chains: VB vectors from src (4 apart; MASKED: one, only the
 * lanes set), each multiplied by w[r*ws] for each row r and added, one fma each. */
TILE void tile_step(const int RB, const int VB, const int MASKED, __m256i lanes,
                    __m256d acc[4][3], const double *src, const double *w, size_t ws)
{
    __m256d px[3];
#pragma GCC unroll 3
    for (int v = 0; v < VB; v++)
        px[v] = MASKED ? _mm256_maskload_pd(src, lanes) : _mm256_loadu_pd(src + 4 * v);
#pragma GCC unroll 4
    for (int r = 0; r < RB; r++) {
        const __m256d wr = _mm256_broadcast_sd(w + r * ws);
#pragma GCC unroll 3
        for (int v = 0; v < VB; v++)
            acc[r][v] = _mm256_fmadd_pd(wr, px[v], acc[r][v]);
    }
}

/* A tile's RB x VB sums set to 0. */
TILE void tile_zero(const int RB, const int VB, __m256d acc[4][3])
{
#pragma GCC unroll 4
    for (int r = 0; r < RB; r++)
#pragma GCC unroll 3
        for (int v = 0; v < VB; v++)
            acc[r][v] = _mm256_setzero_pd();
}

/* The lanes of the last n (1 .. 3) values of a row. */
TILE __m256i tail_lanes(size_t n)
{
    return _mm256_set_epi64x(n > 3 ? -1 : 0, n > 2 ? -1 : 0, n > 1 ? -1 : 0, -1);
}

/* FB filters (W's rows f0 .. f0+FB-1 from w) x VB vectors of outputs from y (the first of
 * them at x's pixel), all K steps. With MASKED (and VB = 1), only the lanes set in `lanes`
 * are read and written: the last OW % 4 outputs of a row. */
TILE void fwd_tile(const int FB, const int VB, const int MASKED, __m256i lanes, double *y,
                   size_t P, const double *w, size_t K, const double *x, size_t H, size_t Wd,
                   size_t C, size_t FH, size_t FW)
{
    __m256d acc[4][3];
    tile_zero(FB, VB, acc);
    size_t k = 0;
    for (size_t c = 0; c < C; c++)
        for (size_t i = 0; i < FH; i++) {
            const double *row = x + (c * H + i) * Wd;
            for (size_t j = 0; j < FW; j++, k++)
                tile_step(FB, VB, MASKED, lanes, acc, row + j, w + k, K);
        }
#pragma GCC unroll 4
    for (int f = 0; f < FB; f++)
#pragma GCC unroll 3
        for (int v = 0; v < VB; v++) {
            if (MASKED)
                _mm256_maskstore_pd(y + f * P, lanes, acc[f][v]);
            else
                _mm256_storeu_pd(y + f * P + 4 * v, acc[f][v]);
        }
}

/* The FB filters from w on the outputs of one row, in tiles of 12, 8 and 4, and the last
 * OW % 4 in one vector with the lanes past the row masked off (one at a time, as chains of
 * scalar steps, they took five times the rest of a 14-wide row). */
TILE void fwd_row(const int FB, double *y, size_t P, const double *w, size_t K, const double *x,
                  size_t H, size_t Wd, size_t C, size_t FH, size_t FW, size_t OW)
{
    const __m256i all = _mm256_set1_epi64x(-1);
    size_t ow = 0;
    for (; ow + 12 <= OW; ow += 12)
        fwd_tile(FB, 3, 0, all, y + ow, P, w, K, x + ow, H, Wd, C, FH, FW);
    if (ow + 8 <= OW) {
        fwd_tile(FB, 2, 0, all, y + ow, P, w, K, x + ow, H, Wd, C, FH, FW);
        ow += 8;
    }
    if (ow + 4 <= OW) {
        fwd_tile(FB, 1, 0, all, y + ow, P, w, K, x + ow, H, Wd, C, FH, FW);
        ow += 4;
    }
    if (ow < OW)
        fwd_tile(FB, 1, 1, tail_lanes(OW - ow), y + ow, P, w, K, x + ow, H, Wd, C, FH, FW);
}

AVX2 static void forward_avx2(double *y, const double *W, size_t FN, const double *img,
                              size_t C, size_t H, size_t Wd, size_t FH, size_t FW)
{
    const size_t OH = H - FH + 1, OW = Wd - FW + 1, P = OH * OW, K = C * FH * FW;
    for (size_t oh = 0; oh < OH; oh++)
        for (size_t f = 0; f < FN; f += 4) {
            double *yr = y + f * P + oh * OW;
            const double *w = W + f * K, *x = img + oh * Wd;
            switch (FN - f < 4 ? FN - f : 4) {
            case 4: fwd_row(4, yr, P, w, K, x, H, Wd, C, FH, FW, OW); break;
            case 3: fwd_row(3, yr, P, w, K, x, H, Wd, C, FH, FW, OW); break;
            case 2: fwd_row(2, yr, P, w, K, x, H, Wd, C, FH, FW, OW); break;
            default: fwd_row(1, yr, P, w, K, x, H, Wd, C, FH, FW, OW); break;
            }
        }
}

/* FV vectors of filters (dct's and dwt's columns from the pointers on) x KB columns k
 * (dwt's rows from the pointer on) whose pixels for p = 0 start at xk[0 .. KB-1]; every p of
 * the image. */
TILE void dw_tile(const int FV, const int KB, double *dwt, const double *dct, size_t ldd,
                  const double *const *xk, size_t OH, size_t OW, size_t Wd, int load)
{
    __m256d acc[2][5];
#pragma GCC unroll 2
    for (int v = 0; v < FV; v++)
#pragma GCC unroll 5
        for (int b = 0; b < KB; b++)
            acc[v][b] = load ? _mm256_loadu_pd(dwt + b * ldd + 4 * v) : _mm256_setzero_pd();
    for (size_t oh = 0; oh < OH; oh++) {
        const double *d = dct + oh * OW * ldd;
        const double *xr[5];
#pragma GCC unroll 5
        for (int b = 0; b < KB; b++)
            xr[b] = xk[b] + oh * Wd;
        for (size_t ow = 0; ow < OW; ow++, d += ldd) {
            __m256d dv[2];
#pragma GCC unroll 2
            for (int v = 0; v < FV; v++)
                dv[v] = _mm256_loadu_pd(d + 4 * v);
#pragma GCC unroll 5
            for (int b = 0; b < KB; b++) {
                const __m256d xv = _mm256_broadcast_sd(xr[b] + ow);
#pragma GCC unroll 2
                for (int v = 0; v < FV; v++)
                    acc[v][b] = _mm256_fmadd_pd(dv[v], xv, acc[v][b]);
            }
        }
    }
#pragma GCC unroll 2
    for (int v = 0; v < FV; v++)
#pragma GCC unroll 5
        for (int b = 0; b < KB; b++)
            _mm256_storeu_pd(dwt + b * ldd + 4 * v, acc[v][b]);
}

TILE void dw_cols(const int FV, double *dwt, const double *dct, size_t ldd, const double *img,
                  size_t C, size_t H, size_t Wd, size_t FH, size_t FW, int load)
{
    const size_t OH = H - FH + 1, OW = Wd - FW + 1, K = C * FH * FW;
    for (size_t k = 0; k < K; k += 5) {
        const double *xk[5];
        const size_t kb = K - k < 5 ? K - k : 5;
        for (size_t b = 0; b < kb; b++) {
            const size_t c = (k + b) / (FH * FW), i = (k + b) / FW % FH, j = (k + b) % FW;
            xk[b] = img + (c * H + i) * Wd + j;
        }
        double *w = dwt + k * ldd;
        switch (kb) {
        case 5: dw_tile(FV, 5, w, dct, ldd, xk, OH, OW, Wd, load); break;
        case 4: dw_tile(FV, 4, w, dct, ldd, xk, OH, OW, Wd, load); break;
        case 3: dw_tile(FV, 3, w, dct, ldd, xk, OH, OW, Wd, load); break;
        case 2: dw_tile(FV, 2, w, dct, ldd, xk, OH, OW, Wd, load); break;
        default: dw_tile(FV, 1, w, dct, ldd, xk, OH, OW, Wd, load); break;
        }
    }
}

AVX2 static void dw_avx2(double *dwt, size_t nf, const double *dct, size_t ldd,
                         const double *img, size_t C, size_t H, size_t Wd, size_t FH, size_t FW,
                         int load)
{
    for (size_t f = 0; f < nf; f += 8) {
        if (nf - f > 4)
            dw_cols(2, dwt + f, dct + f, ldd, img, C, H, Wd, FH, FW, load);
        else
            dw_cols(1, dwt + f, dct + f, ldd, img, C, H, Wd, FH, FW, load);
    }
}

/* CB channels (wt's from the pointer on, FH*FW*FN apart) x VB vectors of one row of dx
 * (from the pointer on; channels HW apart), dp at dpad's pixel (FH-1, FW-1) from the
 * tile's first: for each (y, x) in order, the chains over f for all CB*VB sums side by
 * side, then added to dx (which the tile zeroes first). MASKED (VB = 1): only `lanes`. */
TILE void dx_tile(const int CB, const int VB, const int MASKED, __m256i lanes, double *dx,
                  size_t HW, const double *wt, size_t FN, const double *dp, size_t PHW,
                  size_t PW, size_t FH, size_t FW)
{
    const size_t cs = FH * FW * FN;
#pragma GCC unroll 4
    for (int c = 0; c < CB; c++)
#pragma GCC unroll 3
        for (int v = 0; v < VB; v++) {
            if (MASKED)
                _mm256_maskstore_pd(dx + c * HW, lanes, _mm256_setzero_pd());
            else
                _mm256_storeu_pd(dx + c * HW + 4 * v, _mm256_setzero_pd());
        }
    for (size_t y = 0; y < FH; y++)
        for (size_t x = 0; x < FW; x++) {
            const double *w = wt + (y * FW + x) * FN, *d = dp - y * PW - x;
            __m256d sum[4][3];
            tile_zero(CB, VB, sum);
            for (size_t f = 0; f < FN; f++, d += PHW)
                tile_step(CB, VB, MASKED, lanes, sum, d, w + f, cs);
#pragma GCC unroll 4
            for (int c = 0; c < CB; c++)
#pragma GCC unroll 3
                for (int v = 0; v < VB; v++) {
                    double *o = dx + c * HW + 4 * v;
                    if (MASKED)
                        _mm256_maskstore_pd(o, lanes,
                                            _mm256_add_pd(_mm256_maskload_pd(o, lanes), sum[c][v]));
                    else
                        _mm256_storeu_pd(o, _mm256_add_pd(_mm256_loadu_pd(o), sum[c][v]));
                }
        }
}

/* CB channels on one row of dx: tiles of 12, 8 and 4 pixels, the last Wd % 4 masked. */
TILE void dx_row(const int CB, double *dx, size_t HW, const double *wt, size_t FN,
                 const double *dp, size_t PHW, size_t PW, size_t FH, size_t FW, size_t Wd)
{
    const __m256i all = _mm256_set1_epi64x(-1);
    size_t xi = 0;
    for (; xi + 12 <= Wd; xi += 12)
        dx_tile(CB, 3, 0, all, dx + xi, HW, wt, FN, dp + xi, PHW, PW, FH, FW);
    if (xi + 8 <= Wd) {
        dx_tile(CB, 2, 0, all, dx + xi, HW, wt, FN, dp + xi, PHW, PW, FH, FW);
        xi += 8;
    }
    if (xi + 4 <= Wd) {
        dx_tile(CB, 1, 0, all, dx + xi, HW, wt, FN, dp + xi, PHW, PW, FH, FW);
        xi += 4;
    }
    if (xi < Wd)
        dx_tile(CB, 1, 1, tail_lanes(Wd - xi), dx + xi, HW, wt, FN, dp + xi, PHW, PW, FH, FW);
}

AVX2 static void dx_avx2(double *dx, const double *wt, size_t FN, const double *dpad, size_t C,
                         size_t H, size_t Wd, size_t FH, size_t FW)
{
    const size_t PH = H + FH - 1, PW = Wd + FW - 1, HW = H * Wd, cs = FH * FW * FN;
    for (size_t yi = 0; yi < H; yi++)
        for (size_t c = 0; c < C; c += 4) {
            double *o = dx + c * HW + yi * Wd;
            const double *w = wt + c * cs, *dp = dpad + (yi + FH - 1) * PW + FW - 1;
            switch (C - c < 4 ? C - c : 4) {
            case 4: dx_row(4, o, HW, w, FN, dp, PH * PW, PW, FH, FW, Wd); break;
            case 3: dx_row(3, o, HW, w, FN, dp, PH * PW, PW, FH, FW, Wd); break;
            case 2: dx_row(2, o, HW, w, FN, dp, PH * PW, PW, FH, FW, Wd); break;
            default: dx_row(1, o, HW, w, FN, dp, PH * PW, PW, FH, FW, Wd); break;
            }
        }
}

void conv_direct_dx(double *dx, const double *wt, size_t FN, const double *dpad, size_t C,
                    size_t H, size_t Wd, size_t FH, size_t FW)
{
    if (conv_direct_available())
        dx_avx2(dx, wt, FN, dpad, C, H, Wd, FH, FW);
    else
        conv_direct_dx_ref(dx, wt, FN, dpad, C, H, Wd, FH, FW);
}

void conv_direct_forward(double *y, const double *W, size_t FN, const double *img, size_t C,
                         size_t H, size_t Wd, size_t FH, size_t FW)
{
    assert(H >= FH && Wd >= FW && "conv_direct: the filter is larger than the image");
    if (conv_direct_available())
        forward_avx2(y, W, FN, img, C, H, Wd, FH, FW);
    else
        conv_direct_forward_ref(y, W, FN, img, C, H, Wd, FH, FW);
}

void conv_direct_dw(double *dwt, size_t nf, const double *dct, size_t ldd, const double *img,
                    size_t C, size_t H, size_t Wd, size_t FH, size_t FW, int load)
{
    assert(H >= FH && Wd >= FW && ldd % 4 == 0 && nf <= ldd && "conv_direct_dw: shapes");
    if (conv_direct_available())
        dw_avx2(dwt, nf, dct, ldd, img, C, H, Wd, FH, FW, load);
    else
        conv_direct_dw_ref(dwt, nf, dct, ldd, img, C, H, Wd, FH, FW, load);
}

#else   /* not x86-64: the references */

void conv_direct_dx(double *dx, const double *wt, size_t FN, const double *dpad, size_t C,
                    size_t H, size_t Wd, size_t FH, size_t FW)
{
    conv_direct_dx_ref(dx, wt, FN, dpad, C, H, Wd, FH, FW);
}

int conv_direct_available(void)
{
    return 0;
}

void conv_direct_forward(double *y, const double *W, size_t FN, const double *img, size_t C,
                         size_t H, size_t Wd, size_t FH, size_t FW)
{
    conv_direct_forward_ref(y, W, FN, img, C, H, Wd, FH, FW);
}

void conv_direct_dw(double *dwt, size_t nf, const double *dct, size_t ldd, const double *img,
                    size_t C, size_t H, size_t Wd, size_t FH, size_t FW, int load)
{
    conv_direct_dw_ref(dwt, nf, dct, ldd, img, C, H, Wd, FH, FW, load);
}

#endif
