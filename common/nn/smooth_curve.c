/* smooth_curve.c - the book's util.smooth_curve: see smooth_curve.h. */
#include "nn/smooth_curve.h"

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
