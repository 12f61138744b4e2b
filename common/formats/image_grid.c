/* image_grid.c - see image_grid.h. */
#include "formats/image_grid.h"

#include <math.h>
#include <stdlib.h>

#include "formats/datafile.h"
#include "sys/checked.h"

int image_grid_write(const char *dir, const char *name, const char *title, const double *tiles,
                     size_t n, size_t h, size_t w, size_t nx, size_t margin, char *err)
{
    const size_t ny = (n + nx - 1) / nx;
    const size_t W = nx * (w + margin) - margin, H = ny * (h + margin) - margin;
    double *x = xcalloc(W * H, sizeof *x), *y = xcalloc(W * H, sizeof *y);
    double *v = xcalloc(W * H, sizeof *v);
    for (size_t r = 0; r < H; r++)
        for (size_t c = 0; c < W; c++) {
            x[r * W + c] = (double)c;
            y[r * W + c] = (double)r;
            v[r * W + c] = NAN;
        }
    for (size_t i = 0; i < n; i++) {
        const double *t = tiles + i * h * w;
        double lo = t[0], hi = t[0];
        for (size_t k = 1; k < h * w; k++) {
            lo = fmin(lo, t[k]);
            hi = fmax(hi, t[k]);
        }
        const size_t r0 = i / nx * (h + margin), c0 = i % nx * (w + margin);
        for (size_t r = 0; r < h; r++)
            for (size_t c = 0; c < w; c++)
                v[(r0 + r) * W + c0 + c] = hi > lo ? (t[r * w + c] - lo) / (hi - lo) : 0.5;
    }
    const int rc = datafile_write(dir, name, title, "x y value", W * H, 3,
                                  (const double *const[]){ x, y, v }, err);
    free(x), free(y), free(v);
    return rc;
}
