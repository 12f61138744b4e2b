/* arange.h - NumPy's np.arange for doubles, point for point.
 *
 * NumPy computes the length as ceil((stop - start) / step) and the points as
 * start + i * delta with delta = (start + step) - start, so floating-point
 * rounding gives exactly its values: arange(-5.0, 5.0, 0.1) has 100 points,
 * the 51st being -1.7763568394002505e-14, not 0.
 */
#ifndef DLFS_ARANGE_H
#define DLFS_ARANGE_H

#include "numpy/matrix.h"

/* Number of points np.arange(start, stop, step) has (0 when the range is empty). step != 0. */
size_t arange_count(double start, double stop, double step);
/* A new (1, n) matrix holding np.arange(start, stop, step); free with matrix_free. */
Matrix arange(double start, double stop, double step);

#endif
