/* test_ch06.c - the chapter 6 programs against their golden outputs (book chapter 6).
 *
 * Each golden output holds the lines NumPy 1.24 prints running the book's script (in a copy
 * outside the project, after np.random.seed(N) where the program takes --seed N); where the
 * last digits of a float differ because of summation order, the program's README says which.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* 6.1.7: the four final positions are NumPy's to the last digit (same operations in the
 * same order on single doubles). */
Test(ch06_optimizer_compare_naive, final_positions_match_numpy)
{
    expect_golden("ch06_optimizer_compare_naive", "--out %s");
}

Test(ch06_optimizer_compare_naive, writes_the_thirty_positions)
{
    char *dir = make_temp_dir();
    char args[512];
    snprintf(args, sizeof args, "--out %s", dir);
    free(run_ok("ch06_optimizer_compare_naive", args));
    char path[600];
    snprintf(path, sizeof path, "%s/ch06_optimizer_compare_naive.dat", dir);
    char *text = read_text_file(path);
    cr_assert_not_null(text, "%s was not written", path);
    /* 3 header lines + 30 rows; the first row is init_pos for every optimizer */
    cr_expect_eq(count_lines(text), 33);
    cr_expect_not_null(strstr(text, "\n0 -7 2 -7 2 -7 2 -7 2\n"), "first row: %s", text);
    free(text);
    remove_temp_dir(dir);
}
