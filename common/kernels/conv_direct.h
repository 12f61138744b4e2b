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
 *   conv_direct_dw        dW[f][k] = (load ? dW[f][k] : 0)
 *                                    + sum over p of dc[f][p] * img[c][oh + i][ow + j]
 *                         for the filters f0 <= f < f1, dW (FN, K): one image's share of the
 *                         book's np.dot(col.T, dout); dc is given transposed, dct (P, ldd):
 *                         dc[f][p] at dct[p*ldd + f - f0], ldd >= f1 - f0 rounded up to 4,
 *                         with the columns past f1 - f0 readable (zeros are best).
 *
 * Summation order: gemm.h's contract. Every sum is one chain of fma steps in order, from 0
 * (or from dW's value), so the bits are those of gemm_f64 on im2col's matrices (W . col.T,
 * and dc . col): tests/test_conv.c checks both against the references below.
 * The fast versions are for x86-64 CPUs with AVX2 and FMA (conv_direct_available says
 * whether this one has them); elsewhere the layers take the im2col route.
 */
#ifndef DLFS_CONV_DIRECT_H
#define DLFS_CONV_DIRECT_H

#include <stddef.h>

/* 1 when the fast kernels run on this CPU. */
int conv_direct_available(void);

void conv_direct_forward(double *y, const double *W, size_t FN, const double *img, size_t C,
                         size_t H, size_t Wd, size_t FH, size_t FW);
void conv_direct_dw(double *dW, size_t FN, size_t f0, size_t f1, const double *dct,
                    size_t ldd, const double *img, size_t C, size_t H, size_t Wd, size_t FH,
                    size_t FW, int load);

/* The references: the same sums as plain loops with fma() (any CPU; slow). */
void conv_direct_forward_ref(double *y, const double *W, size_t FN, const double *img,
                             size_t C, size_t H, size_t Wd, size_t FH, size_t FW);
void conv_direct_dw_ref(double *dW, size_t FN, size_t f0, size_t f1, const double *dct,
                        size_t ldd, const double *img, size_t C, size_t H, size_t Wd,
                        size_t FH, size_t FW, int load);

#endif
