/* arange.c - see arange.h; follows NumPy's PyArray_Arange and DOUBLE_fill. */
#include "numpy/arange.h"

#include <assert.h>
#include <math.h>

size_t arange_count(double start, double stop, double step)
{
    assert(step != 0.0 && "arange: step is zero");
    double n = ceil((stop - start) / step);
    assert(!(n > 1e9) && "arange: absurd length");
    return n > 0.0 ? (size_t)n : 0;
}

Matrix arange(double start, double stop, double step)
{
    const size_t n = arange_count(start, stop, step);
    Matrix x = matrix_new(1, n);
    const double delta = (start + step) - start;
    for (size_t i = 0; i < n; i++)
        x.data[i] = i == 0 ? start : i == 1 ? start + step : start + (double)i * delta;
    return x;
}
