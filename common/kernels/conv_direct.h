/* conv_direct.h - a stride-1 convolution computed straight from the image, without im2col
 * (book 7.4.3's im2col + np.dot): for the book's small filters on few channels, where the
 * product's K = C*FH*FW (25 for SimpleConvNet) is too short for gemm to earn back the copies
 * of im2col and of its packing. Used by nn/layers_conv.c when conv_direct_available().
 *
 * One image, img (C, H, Wd), already padded; OH = H - FH + 1, OW = Wd - FW + 1, P = OH*OW,
 * K = C*FH*FW, and k = (c, i, j) in W's order, k = (c*FH + i)*FW + j, as im2col's columns:
 *
 *   conv_direct_forward   y[f][p] = sum over k of W[f][k] * img[c][oh + i][ow + j]
 *                         W (FN, K), y (FN, P): the image's output, the book's
 *                         np.dot(col, col_W) transposed.
 *   conv_direct_dw        dWT[k][f] = (load ? dWT[k][f] : 0)
 *                                     + sum over p of dc[f][p] * img[c][oh + i][ow + j]
 *                         for nf filters: one image's share of the book's
 *                         np.dot(col.T, dout) for them, kept transposed, dwt (K, ldd): dW's
 *                         [f][k] at dwt[k*ldd + f]; dc is given transposed too, dct (P, ldd):
 *                         dc[f][p] at dct[p*ldd + f]. ldd is a multiple of 4, at least nf;
 *                         dwt's columns past nf may be written too (from dct's: zeros best).
 *
 *   conv_direct_dx        dx[c][yi][xi] = the sum over (y, x) in order, added from 0, of
 *                             dcol = sum over f of W[f][k] * dpad[f][yi + FH-1 - y][xi + FW-1 - x]
 *                         with k = (c, y, x): the book's col2im(np.dot(dout, col_W.T)) for
 *                         dx (C, H, Wd) (the unpadded image), given W transposed, wt (K, FN),
 *                         and dout as dpad (FN, H + FH - 1, Wd + FW - 1): dout[f][oh][ow] at
 *                         dpad[f][oh + FH-1 - pad][ow + FW-1 - pad] and zeros around it (col2im
 *                         skips the windows that fall outside; adding their +0.0 dcol leaves
 *                         every sum's bits as they are).
 *
 * Summation order: gemm.h's contract. Every sum is one chain of fma steps in order, from 0
 * (or from dwt's value), so the bits are those of gemm_f64 on im2col's matrices (W . col.T,
 * dc . col, and W.T . dc then col2im_t_one's additions in its order): tests/test_conv.c checks
 * all three against the references below.
 * The fast versions are for x86-64 CPUs with AVX2 and FMA (conv_direct_available says
 * whether this one has them); elsewhere the layers take the im2col route.
 */
#ifndef DLFS_CONV_DIRECT_H
#define DLFS_CONV_DIRECT_H

#include <stddef.h>

/* 1 when the fast kernels run on this CPU. */
int conv_direct_available(void);

/* dst (C, H + 2 pad, W + 2 pad) = img (C, H, W) with pad zeros around each channel, as
 * im2col pads: the image the kernels read. */
void conv_direct_pad(double *dst, const double *img, size_t C, size_t H, size_t W, size_t pad);

void conv_direct_forward(double *y, const double *W, size_t FN, const double *img, size_t C,
                         size_t H, size_t Wd, size_t FH, size_t FW);
void conv_direct_dw(double *dwt, size_t nf, const double *dct, size_t ldd, const double *img,
                    size_t C, size_t H, size_t Wd, size_t FH, size_t FW, int load);
void conv_direct_dx(double *dx, const double *wt, size_t FN, const double *dpad, size_t C,
                    size_t H, size_t Wd, size_t FH, size_t FW);

/* The references: the same sums as plain loops with fma() (any CPU; slow). */
void conv_direct_forward_ref(double *y, const double *W, size_t FN, const double *img,
                             size_t C, size_t H, size_t Wd, size_t FH, size_t FW);
void conv_direct_dw_ref(double *dwt, size_t nf, const double *dct, size_t ldd,
                        const double *img, size_t C, size_t H, size_t Wd, size_t FH, size_t FW,
                        int load);
void conv_direct_dx_ref(double *dx, const double *wt, size_t FN, const double *dpad, size_t C,
                        size_t H, size_t Wd, size_t FH, size_t FW);

#endif
