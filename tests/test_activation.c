/* test_activation.c - step, sigmoid, ReLU and softmax with the book's numbers (3.2, 3.5).
 * Tolerances follow the digits the book prints: 8 decimals -> 5e-9. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "nn/functions.h"

#define BOOK_8_DIGITS 5e-9

Test(activation, step_function_matches_book_3_2_3)
{
    cr_expect_eq(step_function(-1.0), 0.0);
    cr_expect_eq(step_function(1.0), 1.0);
    cr_expect_eq(step_function(2.0), 1.0);
    cr_expect_eq(step_function(0.0), 0.0, "x > 0, so 0 maps to 0");
}

/* sigmoid(np.array([-1.0, 1.0, 2.0])) -> [0.26894142, 0.73105858, 0.88079708] */
Test(activation, sigmoid_matches_book_3_2_4)
{
    cr_expect_float_eq(sigmoid(-1.0), 0.26894142, BOOK_8_DIGITS);
    cr_expect_float_eq(sigmoid(1.0), 0.73105858, BOOK_8_DIGITS);
    cr_expect_float_eq(sigmoid(2.0), 0.88079708, BOOK_8_DIGITS);
    cr_expect_eq(sigmoid(0.0), 0.5);
}

Test(activation, relu_and_identity)
{
    cr_expect_eq(relu(-3.5), 0.0);
    cr_expect_eq(relu(0.0), 0.0);
    cr_expect_eq(relu(2.5), 2.5);
    cr_expect_eq(identity_function(-0.25), -0.25);
}

/* Book 3.5.1: softmax([0.3, 2.9, 4.0]) = [0.01821127, 0.24519181, 0.73659691] */
Test(activation, softmax_matches_book_3_5_1)
{
    const double want[] = { 0.01821127, 0.24519181, 0.73659691 };
    Matrix a = matrix_from(1, 3, (const double[]){ 0.3, 2.9, 4.0 });
    Matrix y = matrix_new(1, 3), z = matrix_new(1, 3);
    softmax_naive(&y, &a);
    softmax(&z, &a);
    for (int i = 0; i < 3; i++) {
        cr_expect_float_eq(y.data[i], want[i], BOOK_8_DIGITS);
        cr_expect_float_eq(z.data[i], want[i], BOOK_8_DIGITS);
    }
    matrix_free(&a);
    matrix_free(&y);
    matrix_free(&z);
}

/* Book 3.5.2: naive softmax of [1010, 1000, 990] is [nan nan nan]; the safe one is
 * [9.99954600e-01, 4.53978686e-05, 2.06106005e-09] (9 significant digits printed). */
Test(activation, softmax_overflow_matches_book_3_5_2)
{
    Matrix a = matrix_from(1, 3, (const double[]){ 1010, 1000, 990 });
    Matrix y = matrix_new(1, 3);
    softmax_naive(&y, &a);
    for (int i = 0; i < 3; i++)
        cr_expect(isnan(y.data[i]), "naive softmax overflows to nan");
    softmax(&y, &a);
    const double want[] = { 9.99954600e-01, 4.53978686e-05, 2.06106005e-09 };
    for (int i = 0; i < 3; i++)
        cr_expect(fabs(y.data[i] - want[i]) <= 5e-9 * want[i], "y[%d] = %.9e", i, y.data[i]);
    matrix_free(&a);
    matrix_free(&y);
}

/* Rows of a batch each sum to 1, on random inputs and on huge ones. */
Test(activation, softmax_rows_sum_to_one)
{
    srand(12345);
    const double scales[] = { 1.0, 100.0, 1e300 };
    for (int s = 0; s < 3; s++) {
        Matrix a = matrix_new(50, 10), y = matrix_new(50, 10);
        for (size_t i = 0; i < 500; i++)
            a.data[i] = scales[s] * (2.0 * rand() / RAND_MAX - 1.0);
        softmax(&y, &a);
        for (size_t r = 0; r < 50; r++) {
            double sum = 0;
            for (size_t c = 0; c < 10; c++) {
                cr_assert(y.data[r * 10 + c] >= 0 && y.data[r * 10 + c] <= 1);
                sum += y.data[r * 10 + c];
            }
            cr_expect_float_eq(sum, 1.0, 1e-12, "scale %g row %zu sums to %.17g", scales[s], r, sum);
        }
        matrix_free(&a);
        matrix_free(&y);
    }
}
