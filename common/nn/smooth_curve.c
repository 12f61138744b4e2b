/* smooth_curve.c - the book's util.smooth_curve: see smooth_curve.h. */
#include "nn/smooth_curve.h"

#include <stdlib.h>

#include "formats/datafile.h"
#include "sys/checked.h"

#include <math.h>
#include <string.h>

#define WINDOW 11

/* The modified Bessel function I0 by its power series (ample for the window's |x| <= 2). */
static double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 30; k++) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
    }
    return sum;
}

void smooth_curve(double *y, const double *x, size_t n)
{
    if (n < WINDOW) {
        memmove(y, x, n * sizeof *y);
        return;
    }
    const double beta = 2.0, alpha = (WINDOW - 1) / 2.0;
    double w[WINDOW], total = 0.0;
    for (int i = 0; i < WINDOW; i++) {          /* np.kaiser(11, 2) */
        const double r = (i - alpha) / alpha;
        w[i] = bessel_i0(beta * sqrt(1.0 - r * r)) / bessel_i0(beta);
        total += w[i];
    }
    /* y[m] = sum_j (w / w.sum())[j] * s[m + 5 + j], where s[q] is x[q - 10] in the middle,
     * x[10 - q] before it (x[10:0:-1]: x[0] is not repeated) and x[2n - 1 - (q - 10)]
     * after it (x[-1:-11:-1]: x[n-1] is repeated) */
    for (size_t m = 0; m < n; m++) {
        double acc = 0.0;
        for (int j = 0; j < WINDOW; j++) {
            const long k = (long)m + j - (WINDOW - 1) / 2;      /* index into x, may be outside */
            const size_t xi = k < 0 ? (size_t)(-k)
                              : (size_t)k >= n ? 2 * n - 1 - (size_t)k
                                               : (size_t)k;
            acc += (w[j] / total) * x[xi];
        }
        y[m] = acc;
    }
}

void write_smoothed_losses(const char *dir, const char *name, const char *title,
                           const char *columns, double *const losses[], size_t k, size_t n)
{
    double *x = xcalloc(n ? n : 1, sizeof(double));
    double **smooth = xcalloc(k, sizeof *smooth);
    const double **cols = xcalloc(k + 1, sizeof *cols);
    for (size_t i = 0; i < n; i++)
        x[i] = (double)i;
    cols[0] = x;
    for (size_t j = 0; j < k; j++) {
        smooth[j] = xcalloc(n ? n : 1, sizeof(double));
        smooth_curve(smooth[j], losses[j], n);
        cols[1 + j] = smooth[j];
    }
    datafile_write_or_die(dir, name, title, columns, n, k + 1, (const double *const *)cols);
    for (size_t j = 0; j < k; j++)
        free(smooth[j]);
    free(smooth);
    free(cols);
    free(x);
}
