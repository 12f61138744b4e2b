/* npsum.c - see npsum.h. */
#include "numpy/npsum.h"

/* NumPy's PW_BLOCKSIZE: up to this many values are summed with 8 accumulators. */
enum { PW_BLOCKSIZE = 128 };
/* NumPy's default ufunc buffer size: the reduction sees the array in chunks this long. */
enum { NPY_BUFSIZE = 8192 };

static double pairwise_sum(const double *v, size_t n)
{
    if (n < 8) {
        double res = 0.0;
        for (size_t i = 0; i < n; i++)
            res += v[i];
        return res;
    }
    if (n <= PW_BLOCKSIZE) {
        double r[8];
        for (int j = 0; j < 8; j++)
            r[j] = v[j];
        size_t i;
        for (i = 8; i < n - n % 8; i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += v[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)          /* the n % 8 leftovers */
            res += v[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;                   /* keep the first half a multiple of the unroll */
    return pairwise_sum(v, n2) + pairwise_sum(v + n2, n - n2);
}

double np_sum(const double *v, size_t n)
{
    double total = 0.0;             /* add.reduce starts from the identity */
    for (size_t i = 0; i < n; i += NPY_BUFSIZE)
        total += pairwise_sum(v + i, n - i < NPY_BUFSIZE ? n - i : NPY_BUFSIZE);
    return total;
}
