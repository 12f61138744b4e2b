/* test_ch03_mnist.c - MNIST inference with the book's sample_weight.pkl (book 3.6.2-3.6.3):
 * exactly 9352 of the 10,000 test images right, one by one and in batches, from any
 * working directory. Needs ../shared/data/sample_weight.pkl (the book's file): the tests
 * that need it skip with a message when it is absent. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define BOOK_WEIGHTS DLFS_SOURCE_DIR "/../shared/data/sample_weight.pkl"

static void need_book_weights(void)
{
    if (access(BOOK_WEIGHTS, R_OK) != 0)
        cr_skip_test("the book's sample_weight.pkl is not at %s", BOOK_WEIGHTS);
}

/* The whole printout, with the temp dir shown as OUT and the weights as WEIGHTS. */
Test(ch03_mnist, prints_book_accuracy_both_ways)
{
    need_book_weights();
    char *dir = make_temp_dir(), args[1024], path[1024];
    snprintf(args, sizeof args, "--weights %s --out %s", BOOK_WEIGHTS, dir);
    RunResult r = run_program("ch03_mnist", args);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_empty(r.err);
    char *got = replace_all(replace_all(r.out, dir, "OUT"), BOOK_WEIGHTS, "WEIGHTS");
    r.out = NULL;
    snprintf(path, sizeof path, "%s/tests/golden/ch03_mnist.out", DLFS_SOURCE_DIR);
    char *want = read_text_file(path);
    cr_assert(want, "missing %s", path);
    cr_expect_str_eq(got, want);
    cr_expect(strstr(got, "# 3.6.2 one image at a time\nAccuracy:0.9352\n"), "book 3.6.2");
    cr_expect(strstr(got, "# 3.6.3 batch_size = 100\nAccuracy:0.9352\n"), "book 3.6.3");

    /* img_show's picture: a binary PGM of 28 x 28 pixels */
    snprintf(path, sizeof path, "%s/mnist_digit.pgm", dir);
    FILE *f = fopen(path, "rb");
    cr_assert(f, "no %s", path);
    char header[16] = { 0 };
    cr_expect_eq(fread(header, 1, 13, f), 13);
    cr_expect_str_eq(header, "P5\n28 28\n255\n");
    fseek(f, 0, SEEK_END);
    cr_expect_eq(ftell(f), 13 + 784);
    fclose(f);
    free(got);
    free(want);
    run_result_free(&r);
    remove_temp_dir(dir);
}

/* Any batch size gives the same 9352: 7 does not divide 10000, 10000 is one batch. */
Test(ch03_mnist, batch_size_does_not_change_accuracy)
{
    need_book_weights();
    const char *sizes[] = { "1", "7", "10000" };
    for (size_t i = 0; i < 3; i++) {
        char *dir = make_temp_dir(), args[1024], want[64];
        snprintf(args, sizeof args, "--weights %s --out %s --batch %s", BOOK_WEIGHTS, dir,
                 sizes[i]);
        RunResult r = run_program("ch03_mnist", args);
        cr_assert_eq(r.status, 0, "stderr: %s", r.err);
        snprintf(want, sizeof want, "# 3.6.3 batch_size = %s\nAccuracy:0.9352\n", sizes[i]);
        cr_expect(strstr(r.out, want), "--batch %s: %s", sizes[i], r.out);
        run_result_free(&r);
        remove_temp_dir(dir);
    }
}

/* The program finds data/mnist relative to its executable, not the working directory. */
Test(ch03_mnist, runs_from_any_directory)
{
    need_book_weights();
    char *dir = make_temp_dir(), cmd[2048], path[1024];
    snprintf(cmd, sizeof cmd, "cd %s && %s/ch03_mnist --weights %s > %s/out.txt 2>&1", dir,
             DLFS_BIN_DIR, BOOK_WEIGHTS, dir);
    cr_assert_eq(system(cmd), 0, "ch03_mnist failed when run from %s", dir);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    char *out = read_text_file(path);
    cr_expect(strstr(out, "# 3.6.3 batch_size = 100\nAccuracy:0.9352\n"), "%s", out);
    free(out);
    remove_temp_dir(dir);
}

Test(ch03_mnist, bad_batch_is_a_one_line_error)
{
    const char *bad[] = { "0", "x", "10001", "-5", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[64], want[128];
        snprintf(args, sizeof args, "--batch '%s'", bad[i]);
        RunResult r = run_program("ch03_mnist", args);
        cr_expect_eq(r.status, 1, "--batch '%s' exited %d", bad[i], r.status);
        if (*bad[i])
            snprintf(want, sizeof want,
                     "ch03_mnist: --batch: '%s' is not an integer in [1, 10000] (see --help)\n",
                     bad[i]);
        else            /* every option refuses an empty value (sys/cli.c) */
            snprintf(want, sizeof want, "ch03_mnist: --batch: empty value (see --help)\n");
        cr_expect_str_eq(r.err, want);
        cr_expect_str_empty(r.out, "nothing printed before the option is checked");
        run_result_free(&r);
    }
}

Test(ch03_mnist, missing_weights_file_is_a_one_line_error)
{
    RunResult r = run_program("ch03_mnist", "--weights /nonexistent/w.pkl --out /tmp");
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.err, "ch03_mnist: /nonexistent/w.pkl: cannot open: No such file or directory\n");
    run_result_free(&r);
}
