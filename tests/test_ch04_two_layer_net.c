/* test_ch04_two_layer_net.c - the book's training of TwoLayerNet (4.5) as a program.
 *
 * tests/golden/ch04_two_layer_net.out is `--iters 1201` with the default seed 0: the
 * accuracy at iterations 0, 600 and 1200, which NumPy running the book's code after
 * np.random.seed(0) prints identically (tests/bench/train_numpy.py --iters 1201, with the
 * book's float32 pixels or float64 ones). ch04_two_layer_net_gradient_check.out is
 * --gradient-check. Output is not a terminal here, so no progress bar. Needs data/mnist.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/checked.h"
#include "nn/network.h"
#include "run.h"

#define PROGRAM "ch04_two_layer_net"

static void need_mnist(void)
{
    if (access(DLFS_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte.gz", R_OK) != 0 &&
        access(DLFS_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte", R_OK) != 0)
        cr_skip_test("MNIST is not in %s/data/mnist (make data)", DLFS_SOURCE_DIR);
}

/* Runs the program with args (where %s is a fresh temp dir), checks exit status 0, nothing
 * on stderr, and stdout (temp dir shown as OUT) against tests/golden/<golden>.out. Returns
 * the temp dir for more checks; the caller removes it. */
static char *run_against_golden(const char *args_fmt, const char *golden)
{
    char *dir = make_temp_dir(), args[1024], path[1024];
    snprintf(args, sizeof args, args_fmt, dir);
    RunResult r = run_program(PROGRAM, args);
    cr_assert_eq(r.status, 0, PROGRAM " %s exited %d; stderr: %s", args, r.status, r.err);
    cr_expect_str_empty(r.err);
    char *got = replace_all(r.out, dir, "OUT");
    r.out = NULL;
    snprintf(path, sizeof path, "%s/tests/golden/%s.out", DLFS_SOURCE_DIR, golden);
    char *want = read_text_file(path);
    cr_assert(want, "missing golden file %s", path);
    cr_expect_str_eq(got, want, PROGRAM " %s: stdout differs from %s", args, path);
    free(got);
    free(want);
    run_result_free(&r);
    return dir;
}

Test(ch04_two_layer_net, training_prints_the_books_accuracies_per_epoch)
{
    need_mnist();
    char *dir = run_against_golden("--iters 1201 --out %s", "ch04_two_layer_net"), path[1024];

    /* Figure 4-11: a loss per iteration; the first is NumPy's (float64 pixels) exactly */
    snprintf(path, sizeof path, "%s/ch04_two_layer_net_loss.dat", dir);
    char *loss = read_text_file(path);
    cr_assert(loss, "no %s", path);
    cr_expect_eq(count_lines(loss), 3 + 1201);
    cr_expect(strstr(loss, "# columns: iteration loss\n0 2.2938061065754609\n"), "%.200s", loss);
    free(loss);

    /* Figure 4-12: one row per epoch, iterations 0, 600, 1200 */
    snprintf(path, sizeof path, "%s/ch04_two_layer_net_acc.dat", dir);
    char *acc = read_text_file(path);
    cr_assert(acc, "no %s", path);
    cr_expect_eq(count_lines(acc), 3 + 3);
    cr_expect(strstr(acc, "\n0 0.099150000000000002 0.1009\n"), "%s", acc);
    free(acc);
    remove_temp_dir(dir);
}

Test(ch04_two_layer_net, gradient_check_passes)
{
    need_mnist();
    char *dir = run_against_golden("--gradient-check --out %s",
                                   "ch04_two_layer_net_gradient_check");
    remove_temp_dir(dir);
}

/* --save writes the network with the shapes of the book's sample_weight.pkl, readable by
 * network_load (and np.load). */
Test(ch04_two_layer_net, save_writes_a_784_50_100_10_network)
{
    need_mnist();
    char *dir = make_temp_dir(), args[2200], path[1024], err[ERR_LEN];
    snprintf(path, sizeof path, "%s/w.npz", dir);
    snprintf(args, sizeof args, "--iters 2 --hidden 50,100 --save %s --out %s", path, dir);
    RunResult r = run_program(PROGRAM, args);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    char want[1100];
    snprintf(want, sizeof want, "saved: %s\n", path);
    cr_expect(strstr(r.out, want), "%s", r.out);
    Network net;
    cr_assert_eq(network_load(&net, path, err), 0, "%s", err);
    cr_assert_eq(net.nlayers, 3);
    cr_expect(net.W[0].rows == 784 && net.W[0].cols == 50 && net.W[1].cols == 100 &&
              net.W[2].cols == 10, "784-50-100-10");
    network_free(&net);
    run_result_free(&r);
    remove_temp_dir(dir);
}

Test(ch04_two_layer_net, bad_options_are_one_line_errors)
{
    const char *cases[][2] = {
        { "--lr x", "--lr: 'x' is not a number in [0, 100]" },
        { "--lr -0.1", "--lr: '-0.1' is not a number in [0, 100]" },
        { "--batch 0", "--batch: '0' is not an integer in [1, 60000]" },
        { "--iters 1e3", "--iters: '1e3' is not an integer in [0, 10000000]" },
        { "--seed -1", "--seed: '-1' is not an integer in [0, 4294967295]" },
        { "--weight-init-std nan", "--weight-init-std: 'nan' is not a number in [0, 100]" },
        { "--hidden 50,,x", "--hidden: '50,,x' is not a list of 1 to 7 layer sizes in "
                            "[1, 10000] such as 50 or 50,100" },
        { "--hidden 0", "--hidden: '0' is not a list of 1 to 7 layer sizes in [1, 10000] "
                        "such as 50 or 50,100" },
        { "--hidden 50,", "--hidden: '50,' is not a list of 1 to 7 layer sizes in [1, 10000] "
                          "such as 50 or 50,100" },
        { "--hidden 1,2,3,4,5,6,7,8", "--hidden: '1,2,3,4,5,6,7,8' is not a list of 1 to 7 "
                                      "layer sizes in [1, 10000] such as 50 or 50,100" },
        { "--bogus", "--bogus: unknown option" },
        { "--iters", "--iters: needs a value" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[512];
        snprintf(want, sizeof want, PROGRAM ": %s (see --help)\n", cases[i][1]);
        RunResult r = run_program(PROGRAM, cases[i][0]);
        cr_expect_eq(r.status, 1, "%s exited %d", cases[i][0], r.status);
        cr_expect_str_eq(r.err, want, "%s", cases[i][0]);
        cr_expect_str_empty(r.out, "%s printed before failing", cases[i][0]);
        run_result_free(&r);
    }
}

Test(ch04_two_layer_net, missing_data_is_a_one_line_error)
{
    RunResult r = run_program(PROGRAM, "--data /nonexistent --iters 1");
    cr_expect_eq(r.status, 1);
    cr_expect_eq(count_lines(r.err), 1, "%s", r.err);
    cr_expect(strstr(r.err, "/nonexistent/"), "names the file: %s", r.err);
    cr_expect(strstr(r.err, "make data"), "says how to get it: %s", r.err);
    run_result_free(&r);
}

Test(ch04_two_layer_net, help_lists_the_options)
{
    RunResult r = run_program(PROGRAM, "--help");
    cr_expect_eq(r.status, 0);
    const char *options[] = { "--iters N", "--batch N", "--lr X", "--hidden LIST", "--seed N",
                              "--numerical", "--gradient-check", "--save FILE", "--time" };
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        cr_expect(strstr(r.out, options[i]), "help lists %s: %s", options[i], r.out);
    run_result_free(&r);
}
