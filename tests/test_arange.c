/* test_arange.c - np.arange point for point (values pinned from NumPy 1.24). */
#include <criterion/criterion.h>

#include "numpy/arange.h"

Test(arange, counts_match_numpy)
{
    cr_expect_eq(arange_count(-5.0, 5.0, 0.1), 100, "np.arange(-5.0, 5.0, 0.1) has 100 points");
    cr_expect_eq(arange_count(0.0, 20.0, 0.1), 200, "figure 4-6's x has 200 points");
    cr_expect_eq(arange_count(-2.0, 2.5, 0.25), 18, "figure 4-9's grid has 18 points");
    cr_expect_eq(arange_count(0.0, 1.0, 0.3), 4);
    cr_expect_eq(arange_count(5.0, 0.0, 1.0), 0, "empty range");
    cr_expect_eq(arange_count(5.0, 0.0, -1.0), 5, "negative step");
}

/* The exact doubles NumPy produces, including the rounding near 0 and at the end. */
Test(arange, points_match_numpy_exactly)
{
    Matrix x = arange(-5.0, 5.0, 0.1);
    cr_assert_eq(x.rows, 1);
    cr_assert_eq(x.cols, 100);
    cr_expect_eq(x.data[0], -5.0);
    cr_expect_eq(x.data[1], -4.9);
    cr_expect_eq(x.data[50], -1.7763568394002505e-14, "np.arange(-5.0, 5.0, 0.1)[50]");
    cr_expect_eq(x.data[99], 0x1.3999999999972p+2, "np.arange(-5.0, 5.0, 0.1)[99]");
    matrix_free(&x);
}
