/* util.h - the book's common/util.py: im2col and col2im, which turn a convolution into one
 * matrix product (book 7.4.3), and conv_output_size.
 *
 * Shapes are the book's. An input x is (N, C, H, W); a filter window is filter_h x
 * filter_w, moved by stride, over x padded with pad zeros on every side, so the output
 * is OH x OW with
 *     OH = (H + 2*pad - filter_h) / stride + 1     (integer division, as the book's //)
 *     OW = (W + 2*pad - filter_w) / stride + 1
 * im2col lays every window out as one row: col is (N*OH*OW, C*filter_h*filter_w), row
 * (n*OH + oh)*OW + ow, column (c*filter_h + y)*filter_w + x holding
 *     x[n][c][oh*stride + y - pad][ow*stride + x - pad]   (0 where that is in the padding)
 * which is the book's col.transpose(0, 4, 5, 1, 2, 3).reshape(N*out_h*out_w, -1).
 * col2im is its adjoint (not its inverse): every element of col is added back to the
 * pixel it came from, and what fell in the padding is dropped. Each pixel sums its
 * contributions in the book's order (filter offset y, then x, ascending), so the bits are
 * NumPy's.
 *
 * The output tensor is the caller's; it is reshaped and grows only when too small, so a
 * layer that keeps it allocates once for its largest batch. Both run over the batch in
 * parallel (OpenMP); each image is one thread's, so the bits are the same for any number
 * of threads. Shapes that make no window (filter larger than the padded input, stride 0)
 * are programmer errors (assert).
 */
#ifndef DLFS_UTIL_H
#define DLFS_UTIL_H

#include <stddef.h>

#include "numpy/tensor.h"

/* (input_size + 2*pad - filter_size) / stride + 1; 0 when the filter does not fit. */
size_t conv_output_size(size_t input_size, size_t filter_size, size_t stride, size_t pad);

/* col (N*OH*OW, C*filter_h*filter_w) = im2col(input_data (N, C, H, W), ...). */
void im2col(Tensor *col, const Tensor *input_data, size_t filter_h, size_t filter_w,
            size_t stride, size_t pad);

/* img (input_shape: N, C, H, W) = col2im(col (N*OH*OW, C*filter_h*filter_w), ...). */
void col2im(Tensor *img, const Tensor *col, const size_t input_shape[4], size_t filter_h,
            size_t filter_w, size_t stride, size_t pad);

/* The transposed layout of one image, colT = col.T (C*filter_h*filter_w, OH*OW): row k =
 * (c*filter_h + y)*filter_w + x holds that filter offset's pixel for every window (oh, ow),
 * so each row is runs of input pixels (one copy per output row at stride 1). im2col_t_rows
 * writes rows k0..k1-1 only (colT points at row k0), so threads can share one image's rows;
 * col2im_t_one adds every row back, each pixel in the book's order: the bits of
 * col2im on the transpose. The product W . colT is the book's np.dot(col, col_W) with
 * the same sums (gemm.h's order), written as (FN, OH*OW), the layout of the layer's out. */
void im2col_t_rows(double *colT, const double *img, const size_t chw[3], size_t filter_h,
                   size_t filter_w, size_t stride, size_t pad, size_t k0, size_t k1);
void col2im_t_one(double *img, const double *colT, const size_t chw[3], size_t filter_h,
                  size_t filter_w, size_t stride, size_t pad);

#endif
