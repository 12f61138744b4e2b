/* ch02_gates - perceptron logic gates (book chapter 2, sections 2.3-2.5).
 *
 * 2.3.1  AND with a threshold: w1 = w2 = 0.5, theta = 0.7
 * 2.3.2  weights and a bias, step by step as the book types them into NumPy:
 *          x = np.array([0, 1]), w = np.array([0.5, 0.5]), b = -0.7
 *          w*x -> [0.  0.5], np.sum(w*x) -> 0.5, np.sum(w*x) + b -> -0.19999999999999996
 *        (about -0.2: 0.7 has no exact binary double); then AND, NAND and OR:
 *          AND  w = ( 0.5,  0.5), b = -0.7
 *          NAND w = (-0.5, -0.5), b =  0.7
 *          OR   w = ( 0.5,  0.5), b = -0.2
 * 2.5.2  XOR as a two-layer perceptron: AND(NAND(x1, x2), OR(x1, x2));
 *        and the XOR some readers write, OR(AND(not x1, x2), AND(x1, not x2)),
 *        which gives the same table.
 *
 * Prints each gate's truth table as the book's listings do: "(0, 1) -> 1".
 * Run: build/bin/ch02_gates        Uses: common/numpy/npprint.h, numpy/npsum.h, sys/cli.h
 */
#include <stdio.h>

#include "numpy/npprint.h"
#include "numpy/npsum.h"
#include "sys/cli.h"

/* 2.3.1: y = 0 if w1*x1 + w2*x2 <= theta, else 1 */
static int AND_theta(int x1, int x2)
{
    double w1 = 0.5, w2 = 0.5, theta = 0.7;
    double tmp = x1 * w1 + x2 * w2;
    return tmp <= theta ? 0 : 1;
}

/* 2.3.2: y = 0 if b + w1*x1 + w2*x2 <= 0, else 1 (np.sum(w*x) + b) */
static int perceptron(int x1, int x2, double w1, double w2, double b)
{
    double tmp = (x1 * w1 + x2 * w2) + b;
    return tmp <= 0.0 ? 0 : 1;
}

static int AND(int x1, int x2)  { return perceptron(x1, x2, 0.5, 0.5, -0.7); }
static int NAND(int x1, int x2) { return perceptron(x1, x2, -0.5, -0.5, 0.7); }
static int OR(int x1, int x2)   { return perceptron(x1, x2, 0.5, 0.5, -0.2); }

/* 2.5.2: the two-layer perceptron */
static int XOR(int x1, int x2)
{
    int s1 = NAND(x1, x2);
    int s2 = OR(x1, x2);
    return AND(s1, s2);
}

/* The alternative: (not x1 and x2) or (x1 and not x2) */
static int NOT(int x) { return x ? 0 : 1; }
static int XOR_alt(int x1, int x2) { return OR(AND(NOT(x1), x2), AND(x1, NOT(x2))); }

/* 2.3.2 in NumPy, one expression at a time, printed as print() shows each result. */
static void weights_and_bias(void)
{
    const double x[2] = { 0, 1 };      /* x = np.array([0, 1])  input */
    const double w[2] = { 0.5, 0.5 };  /* w = np.array([0.5, 0.5])  weights */
    const double b = -0.7;             /* bias */
    double wx[2];
    char repr[PY_REPR_LEN];
    for (int i = 0; i < 2; i++)
        wx[i] = w[i] * x[i];
    printf("# 2.3.2 x = np.array([0, 1]); w = np.array([0.5, 0.5]); b = -0.7\nw*x\n");
    np_print_vector(stdout, wx, 2);
    printf("np.sum(w*x)\n%s\n", py_float_repr(np_sum(wx, 2), repr));
    printf("np.sum(w*x) + b\n%s\n", py_float_repr(np_sum(wx, 2) + b, repr));
}

static void truth_table(const char *title, int (*gate)(int, int))
{
    static const int xs[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
    printf("%s\n", title);
    for (int i = 0; i < 4; i++)
        printf("(%d, %d) -> %d\n", xs[i][0], xs[i][1], gate(xs[i][0], xs[i][1]));
}

int main(int argc, char **argv)
{
    parse_options(argc, argv, "Perceptron gates AND, NAND, OR and XOR (book 2.3-2.5).", NULL, 0);

    truth_table("AND with a threshold (w1 = w2 = 0.5, theta = 0.7)", AND_theta);
    printf("\n");
    weights_and_bias();
    truth_table("\nAND  (w = [0.5 0.5], b = -0.7)", AND);
    truth_table("\nNAND (w = [-0.5 -0.5], b = 0.7)", NAND);
    truth_table("\nOR   (w = [0.5 0.5], b = -0.2)", OR);
    truth_table("\nXOR = AND(NAND(x1, x2), OR(x1, x2)), a two-layer perceptron", XOR);
    truth_table("\nXOR = OR(AND(not x1, x2), AND(x1, not x2)): the same table", XOR_alt);
    return 0;
}
