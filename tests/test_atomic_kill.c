/* test_atomic_kill.c - a run killed half-way through writing leaves the previous file intact.
 *
 * Output files go through atomic.h: written to "<path>.tmp.<pid>", then renamed over <path>.
 * To kill a program while it is writing, deterministically (no sleeps, no timing), the test
 * starts the program paused, learns its pid, puts a FIFO at "<path>.tmp.<pid>" and lets it
 * run: when the program opens its temporary file it opens the FIFO, and its writes block
 * once the pipe is full. The test reads the first bytes (the write has begun), SIGKILLs the
 * program, and checks that <path> still holds the previous contents byte for byte and that
 * fewer bytes came through than the whole file has (the kill landed mid-write). A control
 * run of the same command without the FIFO must replace the file, so the check is not empty.
 */
#define _GNU_SOURCE     /* F_SETPIPE_SZ: a small pipe, so even a 9 kB data file blocks */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "numpy/arrays.h"
#include "sys/checked.h"
#include "formats/npz.h"
#include "run.h"

static char *T;     /* this test's temporary directory */

static void make_T(void) { cr_assert_not_null(T = make_temp_dir()); }
static void remove_T(void) { remove_temp_dir(T); }

TestSuite(atomic_kill, .init = make_T, .fini = remove_T);

static char *in_T(const char *name)
{
    size_t n = strlen(T) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", T, name);
    return p;
}

/* {T}/mnist: 3 test and 3 training images of 28x28 with their labels (plain IDX files). */
static void small_mnist(void)
{
    char *dir = in_T("mnist");
    cr_assert_eq(mkdir(dir, 0777), 0);
    unsigned char img[16 + 3 * 784] = { 0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28 };
    unsigned char lbl[8 + 3] = { 0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1 };
    for (size_t i = 16; i < sizeof img; i++)
        img[i] = (unsigned char)(i * 7);
    static const char *const split[2] = { "train", "t10k" };
    char path[4096];
    for (int s = 0; s < 2; s++) {
        snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", dir, split[s]);
        write_binary_file(path, img, sizeof img);
        snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, split[s]);
        write_binary_file(path, lbl, sizeof lbl);
    }
    free(dir);
}

/* Fork DLFS_BIN_DIR/<program> argv, paused before exec until *go is written to. */
static pid_t start_paused(const char *program, char *const argv[], int *go)
{
    int p[2];
    cr_assert_eq(pipe(p), 0);
    char bin[4096], log[4096];
    snprintf(bin, sizeof bin, "%s/%s", DLFS_BIN_DIR, program);
    snprintf(log, sizeof log, "%s/%s.log", T, program);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(p[1]);
        char c;
        if (read(p[0], &c, 1) != 1)
            _exit(126);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(126);
        execv(bin, argv);
        _exit(127);
    }
    close(p[0]);
    *go = p[1];
    return pid;
}

/* Run program argv to completion (the control run); returns its exit status. */
static int run_to_end(const char *program, char *const argv[])
{
    int go, status;
    pid_t pid = start_paused(program, argv, &go);
    cr_assert_eq(write(go, "g", 1), 1);
    close(go);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Start program argv, kill it while it writes `target`; returns the bytes it had written. */
static size_t kill_while_writing(const char *program, char *const argv[], const char *target)
{
    int go;
    pid_t pid = start_paused(program, argv, &go);
    char fifo[4096];
    snprintf(fifo, sizeof fifo, "%s.tmp.%ld", target, (long)pid);  /* atomic_open's name */
    cr_assert_eq(mkfifo(fifo, 0600), 0, "mkfifo %s: %s", fifo, strerror(errno));
    int fd = open(fifo, O_RDONLY | O_NONBLOCK);
    cr_assert_geq(fd, 0, "open %s: %s", fifo, strerror(errno));
#ifdef F_SETPIPE_SZ
    fcntl(fd, F_SETPIPE_SZ, 4096);      /* the smallest pipe: the writer blocks sooner */
#endif
    cr_assert_eq(write(go, "g", 1), 1);
    close(go);

    /* Wait (60 s at most) for the first bytes: the program is writing target now. */
    char buf[4096];
    ssize_t got = 0;
    for (int waited = 0; got <= 0; waited += 100) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            cr_assert_fail("%s exited (status %d) before writing %s; see %s/%s.log", program,
                           WIFEXITED(status) ? WEXITSTATUS(status) : -1, target, T, program);
        if (waited >= 60000) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            cr_assert_fail("%s did not start writing %s within 60 s", program, target);
        }
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN))
            got = read(fd, buf, 100);
    }
    size_t written = (size_t)got;

    cr_assert_eq(kill(pid, SIGKILL), 0);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "%s ended by itself (status %d), not by the kill", program, status);
    while ((got = read(fd, buf, sizeof buf)) > 0)   /* what was still in the pipe */
        written += (size_t)got;
    close(fd);
    unlink(fifo);                                   /* the stray temporary atomic.h allows */
    return written;
}

/* The kill test for one output file: control run, then the killed run. */
static void expect_previous_file_survives(const char *program, char *const argv[],
                                          const char *target, const unsigned char *previous,
                                          size_t previous_len)
{
    /* Control: the same run, not killed, replaces the previous file. */
    write_binary_file(target, previous, previous_len);
    cr_assert_eq(run_to_end(program, argv), 0, "control run of %s failed; see %s/%s.log",
                 program, T, program);
    size_t whole;
    unsigned char *fresh = read_binary_file(target, &whole);
    cr_assert(whole != previous_len || memcmp(fresh, previous, whole) != 0,
              "the control run did not replace %s", target);
    free(fresh);

    /* Killed half-way: the previous file, byte for byte. */
    write_binary_file(target, previous, previous_len);
    size_t written = kill_while_writing(program, argv, target);
    cr_expect_lt(written, whole, "the kill came after the whole file (%zu bytes) was written",
                 whole);
    size_t len;
    unsigned char *now = read_binary_file(target, &len);
    cr_expect(len == previous_len && memcmp(now, previous, len) == 0,
              "%s was changed by a run killed after writing %zu of %zu bytes", target, written,
              whole);
    free(now);
}

Test(atomic_kill, ch04_two_layer_net_killed_while_saving_keeps_the_previous_weights)
{
    small_mnist();
    /* the previous weights: a 784-50-10 network of constants, as np.savez would hold it */
    ArrayList old = { 0, NULL };
    const size_t w1[2] = { 784, 50 }, b1[1] = { 50 }, w2[2] = { 50, 10 }, b2[1] = { 10 };
    const size_t sizes[4] = { 784 * 50, 50, 500, 10 };
    const NamedArray shapes[4] = { { "W1", 2, { w1[0], w1[1] }, 0, NULL },
                                   { "b1", 1, { b1[0] }, 0, NULL },
                                   { "W2", 2, { w2[0], w2[1] }, 0, NULL },
                                   { "b2", 1, { b2[0] }, 0, NULL } };
    for (int i = 0; i < 4; i++) {
        double *d = malloc(sizes[i] * sizeof *d);
        for (size_t k = 0; k < sizes[i]; k++)
            d[k] = 0.25;
        arraylist_add(&old, shapes[i].name, shapes[i].ndim, shapes[i].shape, d);
    }
    char *target = in_T("w.npz"), *data = in_T("mnist"), *out = in_T("out"), err[ERR_LEN];
    cr_assert_eq(npz_save(target, &old, 0, err), 0, "%s", err);
    arraylist_free(&old);
    size_t len;
    unsigned char *previous = read_binary_file(target, &len);

    char *argv[] = { "ch04_two_layer_net", "--iters", "1", "--batch", "2", "--data", data,
                     "--out", out, "--save", target, NULL };
    expect_previous_file_survives("ch04_two_layer_net", argv, target, previous, len);
    ArrayList back = { 0, NULL };
    cr_expect_eq(npz_load(target, &back, err), 0, "the previous weights no longer load: %s", err);
    arraylist_free(&back);
    free(previous), free(target), free(data), free(out);
}

Test(atomic_kill, ch03_activations_killed_while_writing_keeps_the_previous_data_file)
{
    static const char previous[] = "# the previous ch03_activations.dat\n-5 0 0.0067 0\n";
    char *out = in_T("figs"), *target = in_T("figs/ch03_activations.dat");
    cr_assert_eq(mkdir(out, 0777), 0);
    char *argv[] = { "ch03_activations", "--out", out, NULL };
    expect_previous_file_survives("ch03_activations", argv, target,
                                  (const unsigned char *)previous, strlen(previous));
    free(out), free(target);
}
