/* npsum.h - np.sum of a contiguous float64 array, bit for bit.
 *
 * The book prints losses to 17 digits, and the last digits depend on the order
 * of the additions. NumPy (1.24) does not add left to right. np.add.reduce
 * starts from the identity 0.0, and its iterator hands the array to the add
 * loop in buffers of NPY_BUFSIZE = 8192 values; each buffer's pairwise sum is
 * added to the running total (numpy/core/src/umath/loops_utils.h.src,
 * pairwise_sum):
 *   n < 8          a plain loop, 0.0 + v[0] + v[1] + ...
 *   8 <= n <= 128  eight running sums r[j] += v[i + j], combined as
 *                  ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)),
 *                  then the n % 8 leftovers added one by one
 *   n > 128        split at n2 = n / 2 rounded down to a multiple of 8 and
 *                  recurse on both halves.
 * np.sum of a C-contiguous 2-D array (axis=None) is the same sum over its
 * row-major elements. Checked against NumPy 1.24.2 bit for bit for
 * n = 1..300, 1000, 8191..8200, 10000, 16385, 24577, 60000, 100000 and for
 * (100, 100) and (600, 100) arrays; tests/test_loss.c pins a table of them.
 */
#ifndef DLFS_NPSUM_H
#define DLFS_NPSUM_H

#include <stddef.h>

/* Sum of v[0..n-1] in NumPy's order; 0.0 for n == 0 (and np.sum([-0.0]) is 0.0 too). */
double np_sum(const double *v, size_t n);

#endif
