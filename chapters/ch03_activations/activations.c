/* ch03_activations - step, sigmoid and ReLU (book chapter 3, sections 3.2.2-3.2.7).
 *
 * 3.2.3  the book's steps in NumPy: x = np.array([-1.0, 1.0, 2.0]) -> [-1.  1.  2.];
 *        y = x > 0 -> [False  True  True]; y.astype(np.int) -> [0 1 1]
 *        (np.int is gone from NumPy 1.24; y.astype(int) is the same thing);
 *        then step_function on an array: [-1.0, 1.0, 2.0] -> [0 1 1]
 * 3.2.4  sigmoid on an array:       [-1.0, 1.0, 2.0] -> [0.26894142 0.73105858 0.88079708]
 * 3.2.3-3.2.7  the three functions on x = np.arange(-5.0, 5.0, 0.1) (100 points), the data
 *        of figures 3-6 (step), 3-7 (sigmoid), 3-8 (both) and 3-9 (ReLU), written to
 *        <out>/ch03_activations.dat and drawn by plots/fig3-6.gp .. fig3-9.gp (`make plots`).
 *
 * Run: build/bin/ch03_activations [--out DIR]
 * Uses: common/nn/functions.h, numpy/arange.h, formats/datafile.h, numpy/npprint.h, sys/cli.h
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn/functions.h"
#include "numpy/arange.h"
#include "sys/cli.h"
#include "formats/datafile.h"
#include "numpy/npprint.h"
#include "sys/paths.h"

/* The book's step_function returns an int array (y.astype(np.int)). */
static void print_step(const double *values, size_t n)
{
    long y[8];
    for (size_t i = 0; i < n; i++)
        y[i] = (long)step_function(values[i]);
    np_print_int_vector(stdout, y, n);
}

int main(int argc, char **argv)
{
    char *default_out = project_path("build/plots");
    const char *out = default_out;
    const Option opts[] = {
        { "out", "DIR", "directory for the figure data (default <project>/build/plots)", &out },
    };
    parse_options(argc, argv, "Step, sigmoid and ReLU (book 3.2); data for figures 3-6 to 3-9.",
                  opts, 1);
    out = path_option_or_die("--out", "DIR", out, default_out);

    /* 3.2.3: x > 0 is a bool array; astype turns it into the int array step_function returns */
    const double xs[3] = { -1.0, 1.0, 2.0 };
    bool positive[3];
    long as_int[3];
    for (int i = 0; i < 3; i++) {
        positive[i] = xs[i] > 0;
        as_int[i] = positive[i];
    }
    printf("x = np.array([-1.0, 1.0, 2.0])\n");
    np_print_vector(stdout, xs, 3);
    printf("y = x > 0\n");
    np_print_bool_vector(stdout, positive, 3);
    printf("y = y.astype(np.int)\n");
    np_print_int_vector(stdout, as_int, 3);

    printf("step_function(np.array([-1.0, 1.0, 2.0]))\n");
    print_step((const double[]){ -1.0, 1.0, 2.0 }, 3);
    printf("step_function(np.array([-1.0, 6.5, 0.0]))\n");
    print_step((const double[]){ -1.0, 6.5, 0.0 }, 3);

    Matrix x = matrix_from(1, 3, (const double[]){ -1.0, 1.0, 2.0 });
    Matrix y = matrix_new(1, 3);
    matrix_apply(&y, &x, sigmoid);
    printf("sigmoid(np.array([-1.0, 1.0, 2.0]))\n");
    np_print_vector(stdout, y.data, y.cols);
    matrix_free(&x);
    matrix_free(&y);

    /* Figures 3-6 to 3-9: x = np.arange(-5.0, 5.0, 0.1) */
    x = arange(-5.0, 5.0, 0.1);
    Matrix y_step = matrix_new(1, x.cols), y_sigmoid = matrix_new(1, x.cols),
           y_relu = matrix_new(1, x.cols);
    matrix_apply(&y_step, &x, step_function);
    matrix_apply(&y_sigmoid, &x, sigmoid);
    matrix_apply(&y_relu, &x, relu);
    const double *cols[] = { x.data, y_step.data, y_sigmoid.data, y_relu.data };
    datafile_write_or_die(out, "ch03_activations.dat",
                          "step, sigmoid and ReLU on np.arange(-5.0, 5.0, 0.1) (figures 3-6 to 3-9)",
                          "x step_function(x) sigmoid(x) relu(x)", x.cols, 4, cols);
    printf("x = np.arange(-5.0, 5.0, 0.1): %zu points; data for figures 3-6 to 3-9 in "
           "%s/ch03_activations.dat\n", x.cols, out);

    matrix_free(&x);
    matrix_free(&y_step);
    matrix_free(&y_sigmoid);
    matrix_free(&y_relu);
    free(default_out);
    return 0;
}
