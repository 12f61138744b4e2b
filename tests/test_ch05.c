/* test_ch05.c - the chapter-5 programs against the book's printouts (golden outputs).
 *
 * ch05_buy_apple prints the book's values exactly (Python's float repr); ch05_layers the
 * book's Relu mask and batch Affine arrays (and values NumPy 1.24 prints for the rest).
 * ch05_gradient_check and ch05_train_neuralnet need data/mnist (they skip without it):
 * the training's golden output is --iters 1201, the accuracy lines at iterations 0, 600
 * and 1200, which NumPy running the book's train_neuralnet.py after np.random.seed(0)
 * prints identically. Output is not a terminal here, so no progress bar.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/npz.h"
#include "numpy/arrays.h"
#include "sys/checked.h"
#include "run.h"

static void need_mnist(void)
{
    if (access(DLFS_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte.gz", R_OK) != 0 &&
        access(DLFS_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte", R_OK) != 0)
        cr_skip_test("MNIST is not in %s/data/mnist (make data)", DLFS_SOURCE_DIR);
}

Test(ch05_buy_apple, prints_the_books_prices_and_gradients)
{
    expect_golden("ch05_buy_apple", "");
}

Test(ch05_layers, prints_the_books_mask_and_batch_affine)
{
    expect_golden("ch05_layers", "");
}

Test(ch05_gradient_check, backprop_agrees_with_the_numerical_gradient)
{
    need_mnist();
    expect_golden("ch05_gradient_check", "");
}

Test(ch05_train_neuralnet, prints_numpys_accuracy_lines)
{
    need_mnist();
    expect_golden("ch05_train_neuralnet", "--iters 1201 --out %s");
}

/* The figure data and --save: the .npz holds the book's four arrays, and the same run on
 * 1 and 2 threads saves the same bytes. */
Test(ch05_train_neuralnet, saves_the_same_weights_on_any_number_of_threads)
{
    need_mnist();
    char *dir = make_temp_dir(), args[2048], path[1024];
    unsigned char *bytes[2];
    size_t len[2];
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "--iters 30 --threads %d --out %s --save %s/w%d.npz",
                 k + 1, dir, dir, k);
        free(run_ok("ch05_train_neuralnet", args));
        snprintf(path, sizeof path, "%s/w%d.npz", dir, k);
        bytes[k] = read_binary_file(path, &len[k]);
    }
    cr_expect_eq(len[0], len[1]);
    cr_expect(len[0] == len[1] && memcmp(bytes[0], bytes[1], len[0]) == 0,
              "--threads 1 and 2 saved different weights");
    ArrayList arrays = { 0, NULL };
    char err[ERR_LEN];
    snprintf(path, sizeof path, "%s/w0.npz", dir);
    cr_assert_eq(npz_load(path, &arrays, err), 0, "%s", err);
    const char *names[] = { "W1", "b1", "W2", "b2" };
    const size_t sizes[] = { 784 * 50, 50, 50 * 10, 10 };
    for (int i = 0; i < 4; i++) {
        const NamedArray *a = arraylist_find(&arrays, names[i]);
        cr_assert_not_null(a, "no %s in the .npz", names[i]);
        cr_expect_eq(a->size, sizes[i], "%s", names[i]);
    }
    snprintf(path, sizeof path, "%s/ch05_train_neuralnet_acc.dat", dir);
    char *acc = read_text_file(path);
    cr_assert(acc, "no %s", path);
    cr_expect(strstr(acc, "\n0 0.109 0.1136"), "%s", acc);     /* epoch 0, as NumPy's */
    free(acc);
    arraylist_free(&arrays);
    free(bytes[0]), free(bytes[1]);
    remove_temp_dir(dir);
}

Test(ch05_train_neuralnet, bad_options_fail_before_training)
{
    RunResult r = run_program("ch05_train_neuralnet", "--iters -1");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "--iters") != NULL, "%s", r.err);
    cr_expect_str_empty(r.out);
    run_result_free(&r);
    r = run_program("ch05_train_neuralnet", "--threads 999");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "--threads") != NULL, "%s", r.err);
    run_result_free(&r);
    r = run_program("ch05_train_neuralnet", "--save /nonexistent-dir/w.npz");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "/nonexistent-dir/w.npz") != NULL, "%s", r.err);
    cr_expect_str_empty(r.out);
    run_result_free(&r);
}
