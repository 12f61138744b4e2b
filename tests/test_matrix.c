/* test_matrix.c - the matrix type: dot, bias, argmax, apply, sum. */
#include <criterion/criterion.h>

#include "numpy/matrix.h"

/* Book 3.3.2: np.dot(A, B) with A = [[1,2],[3,4]], B = [[5,6],[7,8]] is [[19,22],[43,50]]. */
Test(matrix, dot_matches_book_3_3_2)
{
    Matrix A = matrix_from(2, 2, (const double[]){ 1, 2, 3, 4 });
    Matrix B = matrix_from(2, 2, (const double[]){ 5, 6, 7, 8 });
    Matrix C = matrix_new(2, 2);
    matrix_dot(&C, &A, &B);
    const double want[] = { 19, 22, 43, 50 };
    for (int i = 0; i < 4; i++)
        cr_expect_eq(C.data[i], want[i], "C[%d] = %g", i, C.data[i]);
    matrix_free(&A);
    matrix_free(&B);
    matrix_free(&C);
}

/* Book 3.3.2: (2,3) . (3,2) -> (2,2): [[22, 28], [49, 64]]. */
Test(matrix, dot_non_square)
{
    Matrix A = matrix_from(2, 3, (const double[]){ 1, 2, 3, 4, 5, 6 });
    Matrix B = matrix_from(3, 2, (const double[]){ 1, 2, 3, 4, 5, 6 });
    Matrix C = matrix_new(2, 2);
    matrix_dot(&C, &A, &B);
    cr_expect_eq(C.data[0], 22);
    cr_expect_eq(C.data[1], 28);
    cr_expect_eq(C.data[2], 49);
    cr_expect_eq(C.data[3], 64);
    matrix_free(&A);
    matrix_free(&B);
    matrix_free(&C);
}

Test(matrix, add_bias_broadcasts_over_rows)
{
    Matrix X = matrix_from(2, 3, (const double[]){ 1, 2, 3, 4, 5, 6 });
    Matrix b = matrix_from(1, 3, (const double[]){ 10, 20, 30 });
    matrix_add_bias(&X, &b);
    const double want[] = { 11, 22, 33, 14, 25, 36 };
    for (int i = 0; i < 6; i++)
        cr_expect_eq(X.data[i], want[i]);
    matrix_free(&X);
    matrix_free(&b);
}

Test(matrix, argmax_per_row_first_on_ties)
{
    Matrix y = matrix_from(3, 3, (const double[]){ 0.1, 0.8, 0.1, 0.3, 0.1, 0.6, 0.5, 0.5, 0.0 });
    size_t p[3];
    matrix_argmax_rows(p, &y);
    cr_expect_eq(p[0], 1);
    cr_expect_eq(p[1], 2);
    cr_expect_eq(p[2], 0, "np.argmax takes the first maximum");
    matrix_free(&y);
}

static double twice(double x) { return 2 * x; }

Test(matrix, apply_in_place_and_sum)
{
    Matrix x = matrix_from(1, 4, (const double[]){ 1, 2, 3, 4 });
    matrix_apply(&x, &x, twice);
    cr_expect_eq(matrix_sum(&x), 20.0);
    Matrix c = matrix_copy(&x);
    cr_expect_eq(c.data[3], 8.0);
    matrix_free(&x);
    matrix_free(&c);
    cr_expect_null(c.data, "matrix_free leaves an empty matrix");
}
