/* test_threads.c - results do not depend on the number of threads: the programs that take
 * --threads print the same bytes and write the same files with 1, 2 and 16 threads.
 * DLFS_ALWAYS_THREADS=1 makes the training kernels take the threads even where they would
 * measure one thread as faster (a loaded machine), so the threaded code really runs.
 * Short runs: ch04_two_layer_net trains 31 iterations of batch 2000 (an epoch is 30, so two
 * accuracy passes over all 70,000 images) and a 784-50-100-10 network 20 of batch 500;
 * ch03_mnist runs whole (skipped without the book's sample_weight.pkl). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define BOOK_WEIGHTS DLFS_SOURCE_DIR "/../shared/data/sample_weight.pkl"

static const char *const THREADS[] = { "1", "2", "16" };

/* stdout (OUT for the directory) and each named file of `program args --threads N --out DIR`
 * for every N, compared with N = 1's byte for byte. */
static void expect_same_for_all_threads(const char *program, const char *args,
                                        const char *const *files, size_t nfiles)
{
    setenv("DLFS_ALWAYS_THREADS", "1", 1);
    char *first_out = NULL, *first_dir = NULL;
    for (size_t i = 0; i < sizeof THREADS / sizeof THREADS[0]; i++) {
        char *dir = make_temp_dir(), cmd[2048];
        snprintf(cmd, sizeof cmd, "%s --threads %s --out %s", args, THREADS[i], dir);
        RunResult r = run_program(program, cmd);
        cr_assert_eq(r.status, 0, "%s %s: %s", program, cmd, r.err);
        char *out = replace_all(r.out, dir, "OUT");
        r.out = NULL;
        run_result_free(&r);
        if (i == 0) {
            first_out = out, first_dir = dir;
            continue;
        }
        cr_expect_str_eq(out, first_out, "%s %s: stdout differs from --threads 1", program, cmd);
        for (size_t f = 0; f < nfiles; f++) {
            char a[1024], b[1024];
            size_t na, nb;
            snprintf(a, sizeof a, "%s/%s", first_dir, files[f]);
            snprintf(b, sizeof b, "%s/%s", dir, files[f]);
            unsigned char *da = read_binary_file(a, &na), *db = read_binary_file(b, &nb);
            cr_expect(na == nb && memcmp(da, db, na) == 0, "--threads %s: %s differs from "
                      "--threads 1's", THREADS[i], files[f]);
            free(da);
            free(db);
        }
        free(out);
        remove_temp_dir(dir);
    }
    free(first_out);
    remove_temp_dir(first_dir);
    unsetenv("DLFS_ALWAYS_THREADS");
}

Test(threads, ch04_two_layer_net_trains_the_same_bits_on_1_2_16_threads, .timeout = 300)
{
    static const char *const files[] = { "ch04_two_layer_net_loss.dat",
                                         "ch04_two_layer_net_acc.dat" };
    expect_same_for_all_threads("ch04_two_layer_net", "--iters 31 --batch 2000", files, 2);

    /* the trained weights, byte for byte */
    unsigned char *first = NULL;
    size_t first_len = 0;
    for (size_t i = 0; i < sizeof THREADS / sizeof THREADS[0]; i++) {
        char *d = make_temp_dir(), a[1200], path[1100];
        snprintf(path, sizeof path, "%s/w.npz", d);
        snprintf(a, sizeof a, "--iters 20 --batch 500 --hidden 50,100 --threads %s --out %s --save %s",
                 THREADS[i], d, path);
        setenv("DLFS_ALWAYS_THREADS", "1", 1);
        RunResult r = run_program("ch04_two_layer_net", a);
        unsetenv("DLFS_ALWAYS_THREADS");
        cr_assert_eq(r.status, 0, "%s: %s", a, r.err);
        run_result_free(&r);
        size_t len;
        unsigned char *w = read_binary_file(path, &len);
        if (i == 0)
            first = w, first_len = len;
        else {
            cr_expect(len == first_len && memcmp(w, first, len) == 0,
                      "--threads %s: the saved 784-50-100-10 weights differ", THREADS[i]);
            free(w);
        }
        remove_temp_dir(d);
    }
    free(first);
}

Test(threads, ch03_mnist_prints_the_same_on_1_2_16_threads)
{
    if (access(BOOK_WEIGHTS, R_OK) != 0)
        cr_skip_test("the book's sample_weight.pkl is not at %s", BOOK_WEIGHTS);
    static const char *const files[] = { "mnist_digit.pgm" };
    expect_same_for_all_threads("ch03_mnist", "--weights " BOOK_WEIGHTS " --batch 7", files, 1);
}
