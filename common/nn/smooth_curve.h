/* smooth_curve.h - the book's common/util.py smooth_curve: the loss curves of chapter 6's
 * figures (6-9, 6-15) smoothed by an 11-point Kaiser window (beta 2), the ends mirrored:
 *     s = np.r_[x[10:0:-1], x, x[-1:-11:-1]]; w = np.kaiser(11, 2)
 *     y = np.convolve(w / w.sum(), s, mode='valid')[5:-5]
 * For figures only (the window's digits are not NumPy's to the last bit).
 */
#ifndef DLFS_SMOOTH_CURVE_H
#define DLFS_SMOOTH_CURVE_H

#include <stddef.h>

/* y[0..n) = smooth_curve(x[0..n)); n >= 11 (shorter curves are copied unchanged). */
void smooth_curve(double *y, const double *x, size_t n);

/* Figures 6-9 and 6-15: writes <dir>/<name> (formats/datafile.h) with the columns
 * "iteration" and smooth_curve(losses[k]) for each of the k curves of n iterations;
 * columns names them ("iteration SGD Momentum ..."). Dies with a message on failure. */
void write_smoothed_losses(const char *dir, const char *name, const char *title,
                           const char *columns, double *const losses[], size_t k, size_t n);

#endif
