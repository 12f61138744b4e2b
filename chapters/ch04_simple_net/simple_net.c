/* ch04_simple_net - the gradient of a neural network's loss (book chapter 4, section 4.4.2).
 *
 * simpleNet has one weight matrix W (2, 3): predict(x) = np.dot(x, W), and
 * loss(x, t) = cross_entropy_error(softmax(predict(x)), t). With x = [0.6, 0.9] and
 * t = [0, 0, 1] it prints, as the book does: W, p = predict(x), np.argmax(p), loss(x, t),
 * and dW = numerical_gradient(f, W) for f = lambda w: net.loss(x, t).
 *
 * W is the book's printed W by default (rounded there to 8 digits), or --W with six numbers
 * (row-major), or --seed N: np.random.seed(N); np.random.randn(2, 3), exactly as NumPy draws it.
 * The loss, an np.float64 scalar, prints with 17 significant digits as the book's NumPy did.
 * With the book's W the loss is 0.92806828578640754, not the book's 0.92806853663411326: the
 * book's loss and dW are those of the loss without cross_entropy_error's 1e-7 (README.md shows
 * why); with the book's W the program prints that loss too.
 *
 * Run: build/bin/ch04_simple_net [--W w11,w12,w13,w21,w22,w23 | --seed N]
 * Uses: common/nn/functions.h, nn/gradient.h, numpy/random.h, numpy/npprint.h, sys/cli.h
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/functions.h"
#include "sys/checked.h"
#include "sys/cli.h"
#include "nn/gradient.h"
#include "numpy/matrix.h"
#include "numpy/npprint.h"
#include "numpy/random.h"

/* The book's W, as printed (print(net.W) in 4.4.2), and its x and t. */
static const double W_book[6] = { 0.47355232, 0.9977393, 0.84668094,
                                  0.85557411, 0.03563661, 0.69422093 };
static const double x_book[2] = { 0.6, 0.9 };
static const double t_book[3] = { 0, 0, 1 };

typedef struct {
    Matrix W;           /* (2, 3) */
} simpleNet;

/* z (1, 3) = np.dot(x, W), x (1, 2) */
static void predict(const simpleNet *net, Matrix *z, const Matrix *x)
{
    matrix_dot(z, x, &net->W);
}

/* cross_entropy_error(softmax(predict(x)), t), t (1, 3) one-hot */
static double loss(const simpleNet *net, const Matrix *x, const Matrix *t)
{
    Matrix y = matrix_new(1, net->W.cols);
    predict(net, &y, x);
    softmax(&y, &y);
    const double l = cross_entropy_error(&y, t);
    matrix_free(&y);
    return l;
}

/* f = lambda w: net.loss(x, t): ignores its argument, as the book's lambda does; it sees
 * the perturbed W through the net, because numerical_gradient perturbs net.W in place. */
typedef struct {
    const simpleNet *net;
    const Matrix *x, *t;
} LossClosure;

static double f(const Matrix *w, void *ctx)
{
    (void)w;
    const LossClosure *c = ctx;
    return loss(c->net, c->x, c->t);
}

/* --W "a,b,c,d,e,f": six finite numbers, row-major, or die naming --W */
static void parse_W(double W[6], const char *text)
{
    const char *p = text;
    size_t n = 0;
    for (;;) {
        size_t len = strcspn(p, ",");
        char item[64];
        if (len == 0 || len >= sizeof item)
            die("--W: '%.*s' is not a number (give six numbers separated by commas)", (int)len, p);
        memcpy(item, p, len);
        item[len] = '\0';
        char *end;
        errno = 0;
        const double v = strtod(item, &end);
        if (*end != '\0' || end == item)
            die("--W: '%s' is not a number (give six numbers separated by commas)", item);
        if (!isfinite(v))
            die("--W: '%s' is not a finite number", item);
        if (errno == ERANGE)
            die("--W: '%s' is out of range for a double", item);
        if (n < 6)
            W[n] = v;
        n++;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    if (n != 6)
        die("--W: got %zu numbers, need 6 (W is 2x3, row-major)", n);
}

static int is_book_W(const double W[6])
{
    return memcmp(W, W_book, sizeof W_book) == 0;
}

int main(int argc, char **argv)
{
    const char *W_opt = NULL, *seed_opt = NULL;
    const Option opts[] = {
        { "W", "LIST", "six numbers w11,w12,w13,w21,w22,w23 (default: the W printed in the book)",
          &W_opt },
        { "seed", "N", "W = np.random.randn(2, 3) after np.random.seed(N), 0..4294967295", &seed_opt },
    };
    parse_options(argc, argv, "simpleNet: predict, loss and the numerical gradient dW (book 4.4.2).",
                  opts, sizeof opts / sizeof opts[0]);
    if (W_opt && seed_opt)
        die("--W and --seed: give one of them, not both");
    double W[6];
    memcpy(W, W_book, sizeof W);
    if (W_opt)
        parse_W(W, W_opt);
    if (seed_opt) {
        Random r;
        random_seed(&r, (uint32_t)parse_long_option("--seed", seed_opt, 0, 4294967295L));
        random_randn_fill(&r, W, 6);
    }

    simpleNet net = { matrix_from(2, 3, W) };
    printf("print(net.W)\n");
    np_print_matrix(stdout, &net.W);

    Matrix x = matrix_from(1, 2, x_book), p = matrix_new(1, 3);
    predict(&net, &p, &x);
    printf("x = np.array([0.6, 0.9])\np = net.predict(x)\nprint(p)\n");
    np_print_vector(stdout, p.data, p.cols);
    size_t argmax;
    matrix_argmax_rows(&argmax, &p);
    printf("np.argmax(p) = %zu\n", argmax);

    Matrix t = matrix_from(1, 3, t_book);
    const double l = loss(&net, &x, &t);
    char repr[40];
    printf("t = np.array([0, 0, 1])\nnet.loss(x, t) = %s\n", np_float64_repr_book(l, repr));
    if (is_book_W(W)) {
        /* The book's loss and dW are those of -log(y[2]), without cross_entropy_error's 1e-7. */
        Matrix y = matrix_new(1, 3);
        softmax(&y, &p);
        printf("# the book prints 0.92806853663411326, the loss without cross_entropy_error's "
               "1e-7:\n# -np.log(softmax(p)[2]) = %s (the last digits differ: the book "
               "printed W rounded)\n", np_float64_repr_book(-log(y.data[2]), repr));
        matrix_free(&y);
    }

    LossClosure closure = { &net, &x, &t };
    Matrix dW = matrix_new(2, 3);
    numerical_gradient(&dW, f, &closure, &net.W);
    printf("f = lambda w: net.loss(x, t)\ndW = numerical_gradient(f, net.W)\nprint(dW)\n");
    np_print_matrix(stdout, &dW);

    matrix_free(&net.W), matrix_free(&x), matrix_free(&p), matrix_free(&t), matrix_free(&dW);
    return 0;
}
