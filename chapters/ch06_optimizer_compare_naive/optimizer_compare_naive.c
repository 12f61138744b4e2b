/* ch06_optimizer_compare_naive - four ways down a valley: SGD, Momentum, AdaGrad and Adam on
 * f(x, y) = x**2 / 20 + y**2 (book chapter 6, section 6.1.7: optimizer_compare_naive.py,
 * figure 6-8).
 *
 * Each optimizer starts at init_pos = (-7, 2) and takes 30 steps with the exact gradient
 * df = (x / 10, 2y), at the learning rates of the book's script: SGD(lr=0.95),
 * Momentum(lr=0.1), AdaGrad(lr=1.5), Adam(lr=0.3). The book keeps the 30 positions before
 * each update (x_history, y_history) and plots them over the contours of f; this program
 * writes them to <out>/ch06_optimizer_compare_naive.dat (plots/fig6-8.gp draws the four
 * panels) and prints where each optimizer ends after its 30th update, which the book's
 * script does not print:
 *     SGD(lr=0.95): (x, y) = (-0.3503929957523197, 0.0847823165504322) after 30 steps
 * The optimizers are the library's (common/nn/optimizer.h, the book's optimizer.py) on two
 * one-element parameters named x and y, as the book's params dict; nothing is random.
 *
 * Run: build/bin/ch06_optimizer_compare_naive [--out DIR]
 * Uses: common/nn/optimizer.h, formats/datafile.h, numpy/npprint.h, sys/cli.h
 */
#include <stdio.h>
#include <stdlib.h>

#include "formats/datafile.h"
#include "nn/optimizer.h"
#include "numpy/npprint.h"
#include "sys/cli.h"
#include "sys/paths.h"

#define STEPS 30
#define NOPT 4

/* f(x, y) = x**2 / 20.0 + y**2 has the gradient (x / 10.0, 2.0 * y). */
static void df(double x, double y, double *dx, double *dy)
{
    *dx = x / 10.0;
    *dy = 2.0 * y;
}

int main(int argc, char **argv)
{
    char *default_out = project_path("build/plots");
    const char *out = default_out;
    const Option opts[] = {
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv,
                  "SGD, Momentum, AdaGrad and Adam on f(x, y) = x**2/20 + y**2 from (-7, 2), "
                  "30 steps\n(book 6.1.7, optimizer_compare_naive.py); data for figure 6-8.",
                  opts, sizeof opts / sizeof opts[0]);

    const double init_pos[2] = { -7.0, 2.0 };
    /* optimizers["SGD"] = SGD(lr=0.95), ... in the book's order */
    const char *names[NOPT] = { "SGD", "Momentum", "AdaGrad", "Adam" };
    const double lrs[NOPT] = { 0.95, 0.1, 1.5, 0.3 };

    double x = 0, y = 0, gx = 0, gy = 0;
    Tensor tx = tensor_view(&x, 1, (size_t[]){ 1 }), ty = tensor_view(&y, 1, (size_t[]){ 1 });
    Tensor tgx = tensor_view(&gx, 1, (size_t[]){ 1 }), tgy = tensor_view(&gy, 1, (size_t[]){ 1 });
    Param params[2] = { { "x", &tx, &tgx }, { "y", &ty, &tgy } };

    double step[STEPS], history[2 * NOPT][STEPS];
    for (int k = 0; k < NOPT; k++) {
        OptimizerParams p;
        optimizer_defaults(names[k], &p);
        p.lr = lrs[k];
        Optimizer *optimizer = optimizer_new(names[k], &p);
        x = init_pos[0], y = init_pos[1];
        for (int i = 0; i < STEPS; i++) {
            step[i] = i;
            history[2 * k][i] = x;          /* x_history.append(params['x']) */
            history[2 * k + 1][i] = y;
            df(x, y, &gx, &gy);
            optimizer_update(optimizer, params, 2);
        }
        char rx[PY_REPR_LEN], ry[PY_REPR_LEN];
        printf("%s(lr=%g): (x, y) = (%s, %s) after %d steps\n", names[k], lrs[k],
               py_float_repr(x, rx), py_float_repr(y, ry), STEPS);
        optimizer_free(optimizer);
    }

    const double *cols[1 + 2 * NOPT] = { step };
    for (int j = 0; j < 2 * NOPT; j++)
        cols[1 + j] = history[j];
    datafile_write_or_die(out, "ch06_optimizer_compare_naive.dat",
                          "x_history, y_history of each optimizer (figure 6-8)",
                          "step SGD_x SGD_y Momentum_x Momentum_y AdaGrad_x AdaGrad_y Adam_x Adam_y",
                          STEPS, 1 + 2 * NOPT, cols);
    printf("data for figure 6-8: %s/ch06_optimizer_compare_naive.dat\n", out);
    free(default_out);
    return 0;
}
