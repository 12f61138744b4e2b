/* ch03_matrix - multidimensional arrays and the dot product (book chapter 3, section 3.3).
 *
 * 3.3.1  A = np.array([1, 2, 3, 4]): print(A) -> [1 2 3 4], np.ndim(A) -> 1, A.shape -> (4,),
 *        A.shape[0] -> 4; B = np.array([[1,2], [3,4], [5,6]]): np.ndim(B) -> 2, B.shape -> (3, 2)
 * 3.3.2  np.dot(A, B) of (2, 2) and (2, 2) -> [[19 22] [43 50]]; of (2, 3) and (3, 2) ->
 *        [[22 28] [49 64]]; of (2, 3) and (2, 2): NumPy's ValueError, shapes not aligned;
 *        of (3, 2) and (2,) -> [23 53 83]
 * 3.3.3  the network without bias or activation: X (2,), W (2, 3), Y = np.dot(X, W) -> [ 5 11 17]
 *
 * The book's arrays hold integers, so NumPy makes them int64 and np.dot sums int64
 * products: here an IntArray of long (64-bit on Linux), printed as NumPy prints an int array
 * (numpy/npprint.h). dot() follows np.dot's rules for 1 and 2 axes: the last axis of a
 * against the first of b (a 1-D b is a column, a 1-D a a row, and the result drops that axis).
 *
 * Run: build/bin/ch03_matrix        Uses: common/numpy/npprint.h, sys/cli.h, sys/checked.h
 */
#include <stdio.h>
#include <string.h>

#include "numpy/npprint.h"
#include "sys/checked.h"
#include "sys/cli.h"

/* An int64 np.array of 1 or 2 axes, small enough for the book's examples. */
typedef struct {
    int ndim;
    size_t shape[2];   /* shape[1] unused when ndim == 1 */
    long data[16];     /* row-major */
} IntArray;

/* np.array([...]) and np.array([[...], ...]) */
static IntArray array1(size_t n, const long *values)
{
    IntArray a = { .ndim = 1, .shape = { n, 0 } };
    memcpy(a.data, values, n * sizeof *values);
    return a;
}

static IntArray array2(size_t rows, size_t cols, const long *values)
{
    IntArray a = { .ndim = 2, .shape = { rows, cols } };
    memcpy(a.data, values, rows * cols * sizeof *values);
    return a;
}

/* print(a) */
static void print_array(const IntArray *a)
{
    if (a->ndim == 1)
        np_print_int_vector(stdout, a->data, a->shape[0]);
    else
        np_print_int_matrix(stdout, a->data, a->shape[0], a->shape[1]);
}

/* a.shape as Python prints a tuple: (4,) or (3, 2); sep ", " (Python) or "," (NumPy's
 * error messages). Returns buf. */
static const char *shape_str(const IntArray *a, const char *sep, char buf[64])
{
    if (a->ndim == 1)
        snprintf(buf, 64, "(%zu,)", a->shape[0]);
    else
        snprintf(buf, 64, "(%zu%s%zu)", a->shape[0], sep, a->shape[1]);
    return buf;
}

/* np.dot(a, b) for 1 and 2 axes (not both 1-D, which gives a scalar). Returns 0, or -1 with
 * NumPy's message in err when the last axis of a and the first of b differ. */
static int dot(const IntArray *a, const IntArray *b, IntArray *out, char err[ERR_LEN])
{
    size_t n = a->ndim == 1 ? 1 : a->shape[0];           /* rows of a */
    size_t k = a->shape[a->ndim - 1];                     /* summed axis */
    size_t m = b->ndim == 1 ? 1 : b->shape[1];            /* columns of b */
    if (b->shape[0] != k) {
        char sa[64], sb[64];
        return set_error(err, "shapes %s and %s not aligned: %zu (dim %d) != %zu (dim 0)",
                         shape_str(a, ",", sa), shape_str(b, ",", sb), k, a->ndim - 1,
                         b->shape[0]);
    }
    if (a->ndim == 1 && b->ndim == 1)
        return set_error(err, "dot of two 1-D arrays is a scalar, not shown here");
    *out = (IntArray){ .ndim = a->ndim + b->ndim - 2, .shape = { a->ndim == 1 ? m : n, m } };
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++) {
            long sum = 0;
            for (size_t p = 0; p < k; p++)
                sum += a->data[i * k + p] * b->data[p * m + j];
            out->data[i * m + j] = sum;
        }
    return 0;
}

/* print(np.dot(a, b)), or the ValueError NumPy raises */
static void print_dot(const char *expr, const IntArray *a, const IntArray *b)
{
    IntArray c;
    char err[ERR_LEN];
    printf("%s\n", expr);
    if (dot(a, b, &c, err) == 0)
        print_array(&c);
    else
        printf("ValueError: %s\n", err);
}

static void print_shape(const char *name, const IntArray *a)
{
    char buf[64];
    printf("%s.shape\n%s\n", name, shape_str(a, ", ", buf));
}

int main(int argc, char **argv)
{
    parse_options(argc, argv, "Multidimensional arrays and np.dot (book 3.3).", NULL, 0);

    printf("# 3.3.1 A = np.array([1, 2, 3, 4])\nprint(A)\n");
    IntArray A = array1(4, (const long[]){ 1, 2, 3, 4 });
    print_array(&A);
    printf("np.ndim(A)\n%d\n", A.ndim);
    print_shape("A", &A);
    printf("A.shape[0]\n%zu\n", A.shape[0]);

    printf("# B = np.array([[1,2], [3,4], [5,6]])\nprint(B)\n");
    IntArray B = array2(3, 2, (const long[]){ 1, 2, 3, 4, 5, 6 });
    print_array(&B);
    printf("np.ndim(B)\n%d\n", B.ndim);
    print_shape("B", &B);

    printf("\n# 3.3.2 A = np.array([[1,2], [3,4]]); B = np.array([[5,6], [7,8]])\n");
    A = array2(2, 2, (const long[]){ 1, 2, 3, 4 });
    B = array2(2, 2, (const long[]){ 5, 6, 7, 8 });
    print_shape("A", &A);
    print_shape("B", &B);
    print_dot("np.dot(A, B)", &A, &B);

    printf("# A = np.array([[1,2,3], [4,5,6]]); B = np.array([[1,2], [3,4], [5,6]])\n");
    A = array2(2, 3, (const long[]){ 1, 2, 3, 4, 5, 6 });
    B = array2(3, 2, (const long[]){ 1, 2, 3, 4, 5, 6 });
    print_shape("A", &A);
    print_shape("B", &B);
    print_dot("np.dot(A, B)", &A, &B);

    printf("# C = np.array([[1,2], [3,4]])\n");
    IntArray C = array2(2, 2, (const long[]){ 1, 2, 3, 4 });
    print_shape("C", &C);
    print_shape("A", &A);
    print_dot("np.dot(A, C)", &A, &C);

    printf("# A = np.array([[1,2], [3, 4], [5,6]]); B = np.array([7,8])\n");
    A = array2(3, 2, (const long[]){ 1, 2, 3, 4, 5, 6 });
    B = array1(2, (const long[]){ 7, 8 });
    print_shape("A", &A);
    print_shape("B", &B);
    print_dot("np.dot(A, B)", &A, &B);

    printf("\n# 3.3.3 X = np.array([1, 2]); W = np.array([[1, 3, 5], [2, 4, 6]])\n");
    IntArray X = array1(2, (const long[]){ 1, 2 });
    IntArray W = array2(2, 3, (const long[]){ 1, 3, 5, 2, 4, 6 });
    print_shape("X", &X);
    printf("print(W)\n");
    print_array(&W);
    print_shape("W", &W);
    printf("Y = np.dot(X, W)\nprint(Y)\n");
    IntArray Y;
    char err[ERR_LEN];
    if (dot(&X, &W, &Y, err) != 0)
        die("%s", err);
    print_array(&Y);
    return 0;
}
