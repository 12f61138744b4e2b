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
Test(ch03_forward, prints_book_y) { expect_golden("ch03_forward", ""); }
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
    const char *programs[] = { "ch02_gates", "ch03_activations", "ch03_forward", "ch03_softmax" };
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
