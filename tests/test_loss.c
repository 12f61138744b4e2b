/* test_loss.c - np_sum against NumPy 1.24, and the book's loss values (book 4.2). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/functions.h"
#include "numpy/matrix.h"
#include "numpy/npsum.h"

/* splitmix64: the same stream is easy to produce in Python, which made the
 * pinned NumPy values below (random.rand would not be reproducible here). */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1): the top 53 bits. */
static double uniform01(uint64_t *state) { return (double)(splitmix64(state) >> 11) * 0x1p-53; }

/* Uniform in [-0.5, 0.5) times 2^(0..15): magnitudes that make the summation order show. */
static double wide(uint64_t *state)
{
    const uint64_t r = splitmix64(state);
    return ((double)(r >> 11) * 0x1p-53 - 0.5) * ldexp(1.0, (int)(r & 15));
}

/* np.sum(v) with v = [wide(seed = n) for n values], from NumPy 1.24.2:
 * a pairwise sum below 8, at 8..128, above 128, and in 8192-value buffers above 8192. */
static const struct { size_t n; double sum; } numpy_sums[] = {
    {      1, 0x1.10a2dec890258p-3     },
    {      2, 0x1.75c32627d9810p+10    },
    {      3, -0x1.7efad58fcb656p+11   },
    {      7, -0x1.d4493c3293f11p+10   },
    {      8, 0x1.598b6f59773c8p+8     },
    {      9, -0x1.ddbc435940784p+10   },
    {     15, -0x1.274c3fddf3401p+12   },
    {     16, 0x1.f3afedbb3d807p+12    },
    {     17, 0x1.5ab911ecb09a2p+12    },
    {     24, -0x1.a4e04c95468f7p+12   },
    {     63, -0x1.8e0b34c66fcffp+14   },
    {     64, 0x1.f251d26d61705p+13    },
    {     65, 0x1.5017663b5aec0p+13    },
    {    127, 0x1.0a1757f022896p+12    },
    {    128, 0x1.ef304616dfa68p+14    },
    {    129, -0x1.3c30a2f10a88ap+13   },
    {    130, -0x1.0fe15de2be172p+15   },
    {    135, 0x1.3eacd0c1c91c2p+13    },
    {    136, 0x1.366faf8ad5d64p+15    },
    {    137, 0x1.33cafb1af58ccp+15    },
    {    200, -0x1.740ff54cef2b8p+15   },
    {    255, 0x1.5f3995f91598cp+14    },
    {    256, -0x1.6541b8ae6236bp+14   },
    {    257, 0x1.131e21c84b542p+13    },
    {    263, 0x1.f04be51a7cf1cp+13    },
    {    264, -0x1.232fff5556b22p+14   },
    {    272, -0x1.0119583a58980p+16   },
    {    299, 0x1.0776602fb96dap+16    },
    {    300, -0x1.be35a581ad309p+15   },
    {   1000, 0x1.a5b758e0c96e2p+14    },
    {   8191, -0x1.10778b90dca00p+17   },
    {   8192, -0x1.1e88a5419e494p+16   },
    {   8193, -0x1.daa3c6b8b1eb8p+18   },
    {  10000, -0x1.124227a8f0748p+17   },
    {  16385, -0x1.63d89e09a4ed5p+18   },
    {  24577, 0x1.5160aed618756p+19    },
    { 100000, 0x1.00e3a64af2f3ap+20    },
};
#define N_SUMS (sizeof numpy_sums / sizeof numpy_sums[0])

static double *wide_values(size_t n)
{
    double *v = malloc(n * sizeof *v);
    cr_assert_not_null(v);
    uint64_t state = n;
    for (size_t i = 0; i < n; i++)
        v[i] = wide(&state);
    return v;
}

Test(npsum, np_sum_matches_numpy_bit_for_bit)
{
    for (size_t k = 0; k < N_SUMS; k++) {
        double *v = wide_values(numpy_sums[k].n);
        const double got = np_sum(v, numpy_sums[k].n);
        cr_expect(got == numpy_sums[k].sum, "n = %zu: np_sum %a, NumPy %a",
                  numpy_sums[k].n, got, numpy_sums[k].sum);
        free(v);
    }
}

/* The table would not notice a plain loop, or a sum seeded with v[0], if the
 * orders happened to agree: check that they do not. */
Test(npsum, table_tells_numpy_order_from_other_orders)
{
    size_t left_to_right_differs = 0, first_seeded_differs = 0;
    for (size_t k = 0; k < N_SUMS; k++) {
        const size_t n = numpy_sums[k].n;
        double *v = wide_values(n);
        double loop = 0.0;
        for (size_t i = 0; i < n; i++)
            loop += v[i];
        left_to_right_differs += loop != numpy_sums[k].sum;
        first_seeded_differs += v[0] + np_sum(v + 1, n - 1) != numpy_sums[k].sum;
        free(v);
    }
    cr_expect_geq(left_to_right_differs, 25, "only %zu of %zu differ", left_to_right_differs, N_SUMS);
    cr_expect_geq(first_seeded_differs, 20, "only %zu of %zu differ", first_seeded_differs, N_SUMS);
}

Test(npsum, empty_and_signed_zero_sum_to_plus_zero)
{
    const double minus_zero[] = { -0.0 };
    cr_expect(np_sum(NULL, 0) == 0.0 && !signbit(np_sum(NULL, 0)), "np.sum([]) is 0.0");
    cr_expect(!signbit(np_sum(minus_zero, 1)), "np.sum([-0.0]) is 0.0 in NumPy 1.24");
}

/* ---- the book's examples (book 4.2.1, 4.2.2) ---------------------------- */

/* t: the answer is 2 (one-hot); y1: the network says 2 with 0.6; y7: it says 7. */
static const double t_book[10]  = { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
static const double y1_book[10] = { 0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0 };
static const double y7_book[10] = { 0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0 };

static void expect_17g(double got, const char *book)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", got);
    cr_expect_str_eq(buf, book, "got %s (%a), the book prints %s", buf, got, book);
}

Test(loss, sum_squared_error_matches_book)
{
    Matrix t = matrix_from(1, 10, t_book);
    Matrix y1 = matrix_from(1, 10, y1_book), y7 = matrix_from(1, 10, y7_book);
    /* NumPy >= 1.14 prints these as 0.09750000000000003 and 0.5975. */
    expect_17g(sum_squared_error(&y1, &t), "0.097500000000000031");
    expect_17g(sum_squared_error(&y7, &t), "0.59750000000000003");
    matrix_free(&t), matrix_free(&y1), matrix_free(&y7);
}

Test(loss, cross_entropy_error_matches_book)
{
    Matrix t = matrix_from(1, 10, t_book);
    Matrix y1 = matrix_from(1, 10, y1_book), y7 = matrix_from(1, 10, y7_book);
    const size_t label = 2;
    expect_17g(cross_entropy_error(&y1, &t), "0.51082545709933802");
    expect_17g(cross_entropy_error_labels(&y1, &label), "0.51082545709933802");
    /* NumPy 1.24 with AVX-512F gives ...454 here: its np.log is 1 ulp off glibc's. */
    expect_17g(cross_entropy_error(&y7, &t), "2.3025840929945458");
    expect_17g(cross_entropy_error_labels(&y7, &label), "2.3025840929945458");
    matrix_free(&t), matrix_free(&y1), matrix_free(&y7);
}

/* The book's first version, -np.sum(t * np.log(y + delta)), written out here. */
static double cross_entropy_error_first(const double *y, const double *t, size_t n)
{
    double terms[10];
    cr_assert_leq(n, 10);
    for (size_t i = 0; i < n; i++)
        terms[i] = t[i] * log(y[i] + 1e-7);
    return -np_sum(terms, n);
}

Test(loss, first_version_gives_the_same_digits)
{
    Matrix t = matrix_from(1, 10, t_book);
    Matrix y1 = matrix_from(1, 10, y1_book), y7 = matrix_from(1, 10, y7_book);
    cr_expect(cross_entropy_error_first(y1_book, t_book, 10) == cross_entropy_error(&y1, &t));
    cr_expect(cross_entropy_error_first(y7_book, t_book, 10) == cross_entropy_error(&y7, &t));
    matrix_free(&t), matrix_free(&y1), matrix_free(&y7);
}

/* `t = y.reshape(1, t.size)` makes the label the network's own top guess: the
 * wrong guess y7 then scores like the right one. */
Test(loss, reshape_bug_t_from_y_ignores_the_label)
{
    Matrix y1 = matrix_from(1, 10, y1_book), y7 = matrix_from(1, 10, y7_book);
    expect_17g(cross_entropy_error(&y1, &y1), "0.51082545709933802");  /* right by luck */
    expect_17g(cross_entropy_error(&y7, &y7), "0.51082545709933802");  /* should be 2.30... */
    matrix_free(&y1), matrix_free(&y7);
}

/* ---- batches (book 4.2.4), pinned from NumPy 1.24.2 ----------------------- */

Test(loss, cross_entropy_error_batch_means_over_rows)
{
    const double yb[30] = {
        0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0,
        0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0,
        0.7, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.0, 0.0, 0.0,
    };
    const size_t labels[3] = { 2, 7, 0 };
    Matrix y = matrix_from(3, 10, yb), t = matrix_new(3, 10);
    for (size_t i = 0; i < 3; i++)
        MAT_AT(&t, i, labels[i]) = 1.0;
    expect_17g(cross_entropy_error_labels(&y, labels), "0.45944190509342531");
    expect_17g(cross_entropy_error(&y, &t), "0.45944190509342531");
    matrix_free(&y), matrix_free(&t);
}

Test(loss, large_batches_match_numpy_bit_for_bit)
{
    /* y, t (100, 10) = uniform01 streams 1 and 2: 1000 squares, summed pairwise. */
    Matrix y = matrix_new(100, 10), t = matrix_new(100, 10);
    uint64_t s1 = 1, s2 = 2;
    for (size_t i = 0; i < 1000; i++) {
        y.data[i] = uniform01(&s1);
        t.data[i] = uniform01(&s2);
    }
    const double sse = sum_squared_error(&y, &t);
    cr_expect(sse == 0x1.6041e3269a0dbp+6, "got %a (%.17g), NumPy 88.06434307399051", sse, sse);
    matrix_free(&y), matrix_free(&t);

    /* y (200, 10) = stream 3, labels = stream 4 mod 10: 200 logs. */
    Matrix yc = matrix_new(200, 10);
    size_t labels[200];
    uint64_t s3 = 3, s4 = 4;
    for (size_t i = 0; i < 2000; i++)
        yc.data[i] = uniform01(&s3);
    for (size_t i = 0; i < 200; i++)
        labels[i] = (size_t)(splitmix64(&s4) % 10);
    cr_assert(labels[0] == 8 && labels[4] == 1, "stream differs from the Python one");
    const double cee = cross_entropy_error_labels(&yc, labels);
    cr_expect(cee == 0x1.f34cdfbb3b621p-1, "got %a (%.17g), NumPy 0.9751958766989369", cee, cee);
    matrix_free(&yc);
}
