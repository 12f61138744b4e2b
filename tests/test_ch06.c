/* test_ch06.c - the chapter 6 programs against their golden outputs (book chapter 6).
 *
 * Each golden output holds the lines NumPy 1.24 prints running the book's script (in a copy
 * outside the project, after np.random.seed(N) where the program takes --seed N); where the
 * last digits of a float differ because of summation order, the program's README says which.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* Is s at the start of a number ("2.37", "-0.5", "1e-05")? */
static int number_start(const char *s)
{
    return (*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9');
}

/* Compares the stdout of `program args` with tests/golden/<program>.out as expect_golden
 * does, except that numbers need only agree to rel_tol (relative) and the "# this run: ..."
 * line with the measured time is left out. The losses these programs print are sums of
 * matrix products, whose last digits depend on the GEMM's fused multiply-adds (kernels/
 * gemm.h GEMM_FUSED), as NumPy's depend on its BLAS; counts (accuracies) still must match. */
static void expect_golden_close(const char *program, const char *args, double rel_tol)
{
    char *dir = make_temp_dir();
    char full_args[2048], path[1024];
    snprintf(full_args, sizeof full_args, args, dir);
    char *got = replace_all(run_ok(program, full_args), dir, "OUT");
    char *cut = strstr(got, "# this run: ");
    if (cut)
        *cut = '\0';
    snprintf(path, sizeof path, "%s/tests/golden/%s.out", DLFS_SOURCE_DIR, program);
    char *expected = read_text_file(path);
    cr_assert(expected, "missing golden file %s", path);
    const char *g = got, *e = expected;
    int line = 1;
    while (*g && *e) {
        if (number_start(g) && number_start(e)) {
            char *gend, *eend;
            const double gv = strtod(g, &gend), ev = strtod(e, &eend);
            cr_assert(fabs(gv - ev) <= rel_tol * fabs(ev), "%s line %d: %.17g, golden %.17g",
                      program, line, gv, ev);
            g = gend, e = eend;
            continue;
        }
        cr_assert_eq(*g, *e, "%s line %d differs from %s:\n%s", program, line, path, got);
        line += *g == '\n';
        g++, e++;
    }
    cr_expect(!*g && !*e, "%s: output and %s differ in length:\n%s", program, path, got);
    free(got);
    free(expected);
    remove_temp_dir(dir);
}

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

/* 6.2: the mean and std of each layer's activations for the six runs, to the 10 digits
 * printed (NumPy's np.dot sums in another order, so the last digits of a full repr differ);
 * the histograms of the figures are NumPy's counts exactly (checked with np.histogram). */
Test(ch06_weight_init_activation_histogram, layer_statistics_match_numpy)
{
    expect_golden("ch06_weight_init_activation_histogram", "--out %s");
}

Test(ch06_weight_init_activation_histogram, one_run_is_the_same_as_in_all)
{
    char *dir = make_temp_dir();
    char args[512];
    snprintf(args, sizeof args, "--out %s --scale he --activation relu", dir);
    char *one = run_ok("ch06_weight_init_activation_histogram", args);
    cr_expect_not_null(strstr(one, "5-layer: mean 0.6595249872 std 1.001016902\n"), "%s", one);
    free(one);
    remove_temp_dir(dir);
}

static void need_mnist(void)
{
    if (access(DLFS_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte.gz", R_OK) != 0 &&
        access(DLFS_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte", R_OK) != 0)
        cr_skip_test("MNIST is not in %s/data/mnist (make data)", DLFS_SOURCE_DIR);
}

/* 6.1.8, one iteration (the golden output; NumPy's losses after np.random.seed(0) agree to
 * 16 digits: AdaGrad 1.8745360822487278, Adam 2.2080627658214738) */
Test(ch06_optimizer_compare_mnist, first_losses_match_numpy)
{
    need_mnist();
    expect_golden_close("ch06_optimizer_compare_mnist", "--iters 1 --out %s", 1e-12);
}

/* 6.2.4, one iteration: NumPy prints the same three losses to the last digit */
Test(ch06_weight_init_compare, first_losses_match_numpy)
{
    need_mnist();
    expect_golden_close("ch06_weight_init_compare", "--iters 1 --out %s", 1e-12);
}

/* 6.3: the book's one-sample check prints W1:0.0 ... b3:1.7990402263745597e-07, exactly
 * what NumPy prints when its AVX-512 exp and log are switched off
 * (NPY_DISABLE_CPU_FEATURES="AVX512F ..."), i.e. with the C library's exp and log as here;
 * NumPy's own AVX-512 exp and log (on this machine) give b3:1.7990357854824612e-07. Then
 * the check on x_train[:3], whose differences all lie below 1e-6. */
Test(ch06_batch_norm_gradient_check, one_sample_and_a_batch, .timeout = 120)
{
    need_mnist();
    expect_golden_close("ch06_batch_norm_gradient_check", "", 1e-3);
}

/* 6.4.2, two epochs with the script's weight_decay_lambda = 0.1: the lines NumPy prints
 * after np.random.seed(0), exactly (accuracies are counts) */
Test(ch06_overfit_weight_decay, first_epochs_match_numpy, .timeout = 120)
{
    need_mnist();
    expect_golden_close("ch06_overfit_weight_decay", "--epochs 2 --weight-decay 0.1 --out %s",
                        1e-12);
}

/* 6.4.3, the book's Trainer for one epoch (3 steps) with Dropout: NumPy prints the same
 * lines, every loss to the last digit (the Dropout masks are NumPy's, drawn between the
 * batches as the book draws them) */
Test(ch06_overfit_dropout, trainer_lines_match_numpy, .timeout = 120)
{
    need_mnist();
    expect_golden_close("ch06_overfit_dropout", "--epochs 1 --dropout 1 --out %s", 1e-12);
}

/* 6.3.2, the first weight scale (1.0) for two epochs: NumPy's lines exactly */
Test(ch06_batch_norm_test, first_trial_matches_numpy, .timeout = 120)
{
    need_mnist();
    expect_golden_close("ch06_batch_norm_test", "--epochs 2 --trials 1 --out %s", 1e-12);
}

/* 6.5.3, three trials of two epochs: NumPy's val acc lines and Best-N list exactly, ties
 * in the order Python's stable sort keeps them */
Test(ch06_hyperparameter_optimization, trials_match_numpy, .timeout = 120)
{
    need_mnist();
    expect_golden_close("ch06_hyperparameter_optimization", "--trials 3 --epochs 2 --out %s",
                        1e-12);
}
