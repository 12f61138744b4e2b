/* ch03_forward - the 3-layer network with the book's fixed weights (book 3.4.2-3.4.3).
 *
 * x (2) -> W1 (2, 3), b1 -> sigmoid -> W2 (3, 2), b2 -> sigmoid -> W3 (2, 2), b3 -> identity
 * on x = [1.0, 0.5]. Prints, as NumPy prints them:
 *   a1 = [0.3 0.7 1.1]
 *   z1 = [0.57444252 0.66818777 0.75026011]
 *   y  = [0.31682708 0.69627909]
 *
 * Run: build/bin/ch03_forward        Uses: common/numpy/matrix.h, nn/functions.h, numpy/npprint.h, sys/cli.h
 */
#include <stdio.h>

#include "nn/functions.h"
#include "sys/cli.h"
#include "numpy/matrix.h"
#include "numpy/npprint.h"

/* init_network(): the book's weights, row by row */
static const double W1[2 * 3] = { 0.1, 0.3, 0.5,
                                  0.2, 0.4, 0.6 };
static const double b1[3] = { 0.1, 0.2, 0.3 };
static const double W2[3 * 2] = { 0.1, 0.4,
                                  0.2, 0.5,
                                  0.3, 0.6 };
static const double b2[2] = { 0.1, 0.2 };
static const double W3[2 * 2] = { 0.1, 0.3,
                                  0.2, 0.4 };
static const double b3[2] = { 0.1, 0.2 };

/* One layer: a = x . W + b (x is (1, n), W is (n, m), b is (1, m)). */
static Matrix affine(const Matrix *x, size_t m, const double *W, const double *b)
{
    Matrix Wm = matrix_from(x->cols, m, W), bm = matrix_from(1, m, b);
    Matrix a = matrix_new(1, m);
    matrix_dot(&a, x, &Wm);
    matrix_add_bias(&a, &bm);
    matrix_free(&Wm);
    matrix_free(&bm);
    return a;
}

int main(int argc, char **argv)
{
    parse_options(argc, argv, "The 3-layer network of book 3.4 on x = [1.0, 0.5].", NULL, 0);

    Matrix x = matrix_from(1, 2, (const double[]){ 1.0, 0.5 });

    /* forward(network, x) */
    Matrix a1 = affine(&x, 3, W1, b1);
    Matrix z1 = matrix_new(1, 3);
    matrix_apply(&z1, &a1, sigmoid);
    Matrix a2 = affine(&z1, 2, W2, b2);
    Matrix z2 = matrix_new(1, 2);
    matrix_apply(&z2, &a2, sigmoid);
    Matrix a3 = affine(&z2, 2, W3, b3);
    Matrix y = matrix_new(1, 2);
    matrix_apply(&y, &a3, identity_function);

    printf("a1 = ");
    np_print_vector(stdout, a1.data, a1.cols);
    printf("z1 = ");
    np_print_vector(stdout, z1.data, z1.cols);
    printf("y = ");
    np_print_vector(stdout, y.data, y.cols);

    Matrix *all[] = { &x, &a1, &z1, &a2, &z2, &a3, &y };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        matrix_free(all[i]);
    return 0;
}
