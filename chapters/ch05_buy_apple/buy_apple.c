/* ch05_buy_apple - backpropagation on a computational graph, by hand (book 5.4:
 * layer_naive.py, buy_apple.py, buy_apple_orange.py).
 *
 * 5.4.1  MulLayer: forward(x, y) keeps x and y and returns x * y; backward(dout) returns
 *        (dout * y, dout * x), the inputs swapped.
 * 5.4.2  AddLayer: forward returns x + y; backward passes dout to both inputs unchanged.
 * Then the two shopping examples, forward then backward, printed as the book prints them:
 *   buy_apple         price: 220  dApple: 2.2  dApple_num: 110  dTax: 200
 *   buy_apple_orange  price: 715  dApple: 2.2  dApple_num: 110
 *                     dOrange: 3.3000000000000003  dOrange_num: 165  dTax: 650
 *
 * Numbers as Python has them: apple, apple_num, orange, orange_num and dprice = 1 are ints,
 * tax = 1.1 a float. So dTax (1 * apple_price) is an int and prints as one, the book's
 * int(price) cuts 220.00000000000003 to 220, and the float gradients print with Python's
 * repr (numpy/npprint.h's py_float_repr): 1.1 * 3 is 3.3000000000000003.
 * These layers work on single numbers and stay in this chapter, as the book keeps
 * layer_naive.py in ch05/; the array layers are common/nn/layers.h.
 *
 * Run: build/bin/ch05_buy_apple
 * Uses: numpy/npprint.h, sys/cli.h
 */
#include <stdio.h>

#include "numpy/npprint.h"
#include "sys/cli.h"

/* ---- layer_naive.py ---------------------------------------------------------------- */

typedef struct {
    double x, y;
} MulLayer;

static double mul_forward(MulLayer *l, double x, double y)
{
    l->x = x;
    l->y = y;
    return x * y;
}

/* dx = dout * self.y; dy = dout * self.x */
static void mul_backward(const MulLayer *l, double dout, double *dx, double *dy)
{
    *dx = dout * l->y;
    *dy = dout * l->x;
}

typedef struct {
    char unused;    /* the book's AddLayer keeps nothing */
} AddLayer;

static double add_forward(AddLayer *l, double x, double y)
{
    (void)l;
    return x + y;
}

/* dx = dout * 1; dy = dout * 1 */
static void add_backward(const AddLayer *l, double dout, double *dx, double *dy)
{
    (void)l;
    *dx = dout * 1;
    *dy = dout * 1;
}

/* print("name:", v) for a Python float, and for int(v) or a Python int */
static void print_float(const char *name, double v)
{
    char repr[PY_REPR_LEN];
    printf("%s: %s\n", name, py_float_repr(v, repr));
}
static void print_int(const char *name, double v) { printf("%s: %ld\n", name, (long)v); }

/* ---- buy_apple.py ------------------------------------------------------------------- */

static void buy_apple(void)
{
    const double apple = 100, apple_num = 2, tax = 1.1;
    MulLayer mul_apple_layer, mul_tax_layer;

    /* forward */
    const double apple_price = mul_forward(&mul_apple_layer, apple, apple_num);
    const double price = mul_forward(&mul_tax_layer, apple_price, tax);

    /* backward */
    const double dprice = 1;
    double dapple_price, dtax, dapple, dapple_num;
    mul_backward(&mul_tax_layer, dprice, &dapple_price, &dtax);
    mul_backward(&mul_apple_layer, dapple_price, &dapple, &dapple_num);

    print_int("price", price);
    print_float("dApple", dapple);
    print_int("dApple_num", dapple_num);
    print_int("dTax", dtax);            /* 1 * 200: a Python int */
}

/* ---- buy_apple_orange.py ----------------------------------------------------------- */

static void buy_apple_orange(void)
{
    const double apple = 100, apple_num = 2, orange = 150, orange_num = 3, tax = 1.1;

    /* layer */
    MulLayer mul_apple_layer, mul_orange_layer, mul_tax_layer;
    AddLayer add_apple_orange_layer;

    /* forward */
    const double apple_price = mul_forward(&mul_apple_layer, apple, apple_num);       /* (1) */
    const double orange_price = mul_forward(&mul_orange_layer, orange, orange_num);   /* (2) */
    const double all_price = add_forward(&add_apple_orange_layer, apple_price, orange_price); /* (3) */
    const double price = mul_forward(&mul_tax_layer, all_price, tax);                 /* (4) */

    /* backward */
    const double dprice = 1;
    double dall_price, dtax, dapple_price, dorange_price, dorange, dorange_num, dapple, dapple_num;
    mul_backward(&mul_tax_layer, dprice, &dall_price, &dtax);                          /* (4) */
    add_backward(&add_apple_orange_layer, dall_price, &dapple_price, &dorange_price);  /* (3) */
    mul_backward(&mul_orange_layer, dorange_price, &dorange, &dorange_num);            /* (2) */
    mul_backward(&mul_apple_layer, dapple_price, &dapple, &dapple_num);                /* (1) */

    print_int("price", price);
    print_float("dApple", dapple);
    print_int("dApple_num", dapple_num);
    print_float("dOrange", dorange);
    print_int("dOrange_num", dorange_num);
    print_int("dTax", dtax);            /* 1 * 650: a Python int */
}

int main(int argc, char **argv)
{
    parse_options(argc, argv, "MulLayer and AddLayer on the book's shopping examples (book 5.4).",
                  NULL, 0);
    printf("# buy_apple.py (5.4.1)\n");
    buy_apple();
    printf("# buy_apple_orange.py (5.4.2)\n");
    buy_apple_orange();
    return 0;
}
