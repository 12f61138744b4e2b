/* test_chapters.c - every chapter program's stdout against tests/golden/<name>.out.
 *
 * The golden files are what the book prints, in NumPy's format (see each
 * chapter's README for the page). A program must also exit 0 and print nothing
 * on stderr; under `make SANITIZE=1 test` that proves it leak-free too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

Test(ch02_gates, truth_tables_match_book) { expect_golden("ch02_gates", ""); }
Test(ch03_activations, prints_book_arrays) { expect_golden("ch03_activations", "--out %s"); }
Test(ch03_matrix, prints_book_arrays) { expect_golden("ch03_matrix", ""); }
Test(ch03_forward, prints_book_y) { expect_golden("ch03_forward", ""); }

/* The book's small examples, each as NumPy 1.24 prints it (also in the golden files). */
static void expect_lines(const char *program, const char *args, const char *const *lines,
                         size_t n)
{
    char *out = run_ok(program, args);
    for (size_t i = 0; i < n; i++)
        cr_expect(strstr(out, lines[i]), "%s lacks:\n%s\nin:\n%s", program, lines[i], out);
    free(out);
}

Test(ch02_gates, weights_and_bias_step_by_step)
{
    static const char *const lines[] = {
        "w*x\n[0.  0.5]\n", "np.sum(w*x)\n0.5\n", "np.sum(w*x) + b\n-0.19999999999999996\n",
    };
    expect_lines("ch02_gates", "", lines, 3);
}

Test(ch03_activations, bool_array_and_astype)
{
    char *dir = make_temp_dir(), args[512];
    snprintf(args, sizeof args, "--out %s", dir);
    static const char *const lines[] = {
        ("x = np.array([-1.0, 1.0, 2.0])\n[-1.  1.  2.]\n"
         "y = x > 0\n[False  True  True]\n"
         "y = y.astype(np.int)\n[0 1 1]\n"),
    };
    expect_lines("ch03_activations", args, lines, 1);
    remove_temp_dir(dir);
}

Test(ch03_matrix, ndim_shape_and_dot)
{
    static const char *const lines[] = {
        "print(A)\n[1 2 3 4]\nnp.ndim(A)\n1\nA.shape\n(4,)\nA.shape[0]\n4\n",
        "print(B)\n[[1 2]\n [3 4]\n [5 6]]\nnp.ndim(B)\n2\nB.shape\n(3, 2)\n",
        "np.dot(A, B)\n[[19 22]\n [43 50]]\n",
        "np.dot(A, B)\n[[22 28]\n [49 64]]\n",
        "np.dot(A, C)\nValueError: shapes (2,3) and (2,2) not aligned: 3 (dim 1) != 2 (dim 0)\n",
        "np.dot(A, B)\n[23 53 83]\n",
        "print(Y)\n[ 5 11 17]\n",
    };
    expect_lines("ch03_matrix", "", lines, sizeof lines / sizeof lines[0]);
}
Test(ch03_softmax, prints_book_values) { expect_golden("ch03_softmax", ""); }

Test(ch03_activations, writes_figure_data)
{
    char *dir = make_temp_dir();
    char args[512];
    snprintf(args, sizeof args, "--out %s/figs", dir);
    RunResult r = run_program("ch03_activations", args);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    char path[512];
    snprintf(path, sizeof path, "%s/figs/ch03_activations.dat", dir);
    char *data = read_text_file(path);
    cr_assert(data, "no data file %s", path);
    /* 3 header lines, then the 100 points of np.arange(-5.0, 5.0, 0.1) */
    cr_expect_eq(count_lines(data), 3 + 100);
    cr_expect(strstr(data, "# written by ch03_activations (dlfs-c)"), "header names the program");
    cr_expect(strstr(data, "\n-5 0 0.0066928509242848554 0\n"), "first point is x = -5");
    free(data);
    run_result_free(&r);
    remove_temp_dir(dir);
}

Test(chapters, reject_unknown_option)
{
    const char *programs[] = { "ch02_gates", "ch03_activations", "ch03_matrix", "ch03_forward",
                               "ch03_softmax" };
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        RunResult r = run_program(programs[i], "--bogus");
        cr_expect_eq(r.status, 1, "%s --bogus exited %d", programs[i], r.status);
        char want[128];
        snprintf(want, sizeof want, "%s: --bogus: unknown option (see --help)\n", programs[i]);
        cr_expect_str_eq(r.err, want);
        cr_expect_str_empty(r.out);
        run_result_free(&r);
    }
}

Test(chapters, help_exits_zero)
{
    RunResult r = run_program("ch03_activations", "--help");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "--out DIR"), "help lists --out: %s", r.out);
    run_result_free(&r);
}
