/* npprint.h - print arrays and floats exactly as NumPy 1.24's print() does.
 *
 * Every chapter prints through these functions, so its output can be compared
 * with `print(x)` in the book's Python line by line. They follow NumPy's
 * default print options: precision=8, floatmode='maxprec', suppress=False,
 * threshold=1000, edgeitems=3, linewidth=75:
 *   [0.31682708 0.69627909]                 up to 8 decimals, trailing zeros dropped
 *   [0.  1.  0.5]                           ...but every element padded to one width
 *   [9.99954600e-01 4.53978686e-05]         scientific when max >= 1e8, min < 1e-4
 *                                           or max/min > 1e3 (non-zero finite values)
 *   [[0.1 0.3 0.5]                          2-D; lines wrap at 75 columns; arrays of
 *    [0.2 0.4 0.6]]                         more than 1000 elements show "..."
 * Each element gets the shortest digits that identify it (NumPy's Dragon4),
 * cut at 8 decimals, so the output does not depend on the C library's printf.
 *
 * Ownership: np_format_* return a malloc'd string; free() it. np_print_*
 * write the same text and a newline, like print(). A 1-D array of n values
 * kept as a (1, n) Matrix prints with np_print_vector(out, m.data, m.cols).
 */
#ifndef DLFS_NPPRINT_H
#define DLFS_NPPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "numpy/matrix.h"

/* Longest py_float_repr result plus its NUL ("-2.2250738585072014e-308" is 24). */
#define PY_REPR_LEN 32

char *np_format_vector(const double *v, size_t n);     /* str() of a float64 array of shape (n,) */
char *np_format_matrix(const Matrix *m);               /* str() of a float64 array of shape (rows, cols) */
char *np_format_int_vector(const long *v, size_t n);   /* str() of an integer array of shape (n,) */
/* str() of an integer array of shape (rows, cols), row-major: [[19 22]\n [43 50]] */
char *np_format_int_matrix(const long *v, size_t rows, size_t cols);
/* str() of a bool array: [False  True  True] (" True" is padded to the width of "False") */
char *np_format_bool_vector(const bool *v, size_t n);
char *np_format_bool_matrix(const bool *v, size_t rows, size_t cols);

void np_print_vector(FILE *out, const double *v, size_t n);  /* print(x), x of shape (n,) */
void np_print_matrix(FILE *out, const Matrix *m);            /* print(x), x of shape (rows, cols) */
void np_print_int_vector(FILE *out, const long *v, size_t n);
void np_print_int_matrix(FILE *out, const long *v, size_t rows, size_t cols);
void np_print_bool_vector(FILE *out, const bool *v, size_t n);
void np_print_bool_matrix(FILE *out, const bool *v, size_t rows, size_t cols);

/* Python's repr(x) (and print(x)) of a float, which NumPy 1.24 also uses for an
 * np.float64 scalar: the shortest digits that read back as x, e.g. "0.1",
 * "0.30000000000000004", "2.0", "1e-05", "1e+16", "nan", "-inf". Writes into buf
 * and returns it. */
const char *py_float_repr(double x, char buf[PY_REPR_LEN]);

/* An np.float64 scalar as the book's NumPy (before 1.14) printed it: 17 significant
 * digits, "%.17g", with ".0" added to a whole number: 0.097500000000000031, 2.0.
 * The book shows losses this way; today's NumPy prints the shortest repr instead. */
const char *np_float64_repr_book(double x, char buf[PY_REPR_LEN]);

#endif
