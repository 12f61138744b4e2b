/* ch03_softmax - the softmax function and its overflow (book 3.5.1-3.5.3).
 *
 * 3.5.1  softmax of a = [0.3, 2.9, 4.0]: exp(a), its sum, and y = [0.01821127 0.24519181 0.73659691]
 * 3.5.2  the naive exp(a) / sum(exp(a)) of [1010, 1000, 990] overflows: [nan nan nan];
 *        subtracting c = max(a) fixes it: [9.99954600e-01 4.53978686e-05 2.06106005e-09]
 * 3.5.3  softmax(a) and np.sum(y) = 1.0
 *
 * Run: build/bin/ch03_softmax        Uses: common/nn/functions.h, numpy/npprint.h, sys/cli.h
 */
#include <math.h>
#include <stdio.h>

#include "nn/functions.h"
#include "sys/cli.h"
#include "numpy/matrix.h"
#include "numpy/npprint.h"

static void print_named(const char *name, const Matrix *v)
{
    printf("%s = ", name);
    np_print_vector(stdout, v->data, v->cols);
}

int main(int argc, char **argv)
{
    parse_options(argc, argv, "Softmax, its overflow and the fix (book 3.5).", NULL, 0);
    char repr[32];

    /* 3.5.1 */
    Matrix a = matrix_from(1, 3, (const double[]){ 0.3, 2.9, 4.0 });
    Matrix exp_a = matrix_new(1, 3);
    matrix_apply(&exp_a, &a, exp);
    print_named("exp_a", &exp_a);
    double sum_exp_a = matrix_sum(&exp_a);
    printf("sum_exp_a = %s\n", py_float_repr(sum_exp_a, repr));
    Matrix y = matrix_new(1, 3);
    softmax_naive(&y, &a);
    print_named("y", &y);

    /* 3.5.2 */
    Matrix big = matrix_from(1, 3, (const double[]){ 1010, 1000, 990 });
    Matrix naive = matrix_new(1, 3);
    softmax_naive(&naive, &big);
    printf("a = [1010, 1000, 990]: np.exp(a) / np.sum(np.exp(a)) overflows (exp(1010) = inf)\n");
    print_named("np.exp(a) / np.sum(np.exp(a))", &naive);
    const double c = 1010;
    printf("c = np.max(a) = %d\n", (int)c);
    long a_minus_c[3];
    for (size_t i = 0; i < 3; i++)
        a_minus_c[i] = (long)(big.data[i] - c);
    printf("a - c = ");
    np_print_int_vector(stdout, a_minus_c, 3);
    Matrix safe = matrix_new(1, 3);
    softmax(&safe, &big);
    print_named("np.exp(a - c) / np.sum(np.exp(a - c))", &safe);

    /* 3.5.3 */
    softmax(&y, &a);
    print_named("softmax([0.3, 2.9, 4.0])", &y);
    printf("np.sum(y) = %s\n", py_float_repr(matrix_sum(&y), repr));

    Matrix *all[] = { &a, &exp_a, &y, &big, &naive, &safe };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        matrix_free(all[i]);
    return 0;
}
