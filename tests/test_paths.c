/* test_paths.c - a checkout anywhere: under a path with spaces and non-ASCII characters
 * ("My Projects/dlfs-ç"), with `build` a symlink to another disk, and a program copied out
 * of the project.
 *
 * Each test builds its tree in its own temporary directory: symlinks to the sources, a copy
 * of this build (bin/, libcommon.a and the objects, times kept, so make finds it up to
 * date), and runs programs and the Makefile's plot step (one figure: ch03_activations and
 * gnuplot) from there. Nothing is written outside that directory. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

/* The build directory relative to the sources ("build", or "build/san" for SANITIZE=1). */
static const char *build_rel(void)
{
    static const char *rel;
    if (!rel) {
        size_t n = strlen(DLFS_SOURCE_DIR);
        cr_assert(strncmp(DLFS_BIN_DIR, DLFS_SOURCE_DIR "/", n + 1) == 0);
        static char buf[256];
        const char *bin_dir = DLFS_BIN_DIR;
        snprintf(buf, sizeof buf, "%s", bin_dir + n + 1);
        *strrchr(buf, '/') = '\0'; /* drop "/bin" */
        rel = buf;
    }
    return rel;
}

/* Runs the shell script with $1..$4 = a1..a4 (never parsed by the shell), output in log
 * (appended); returns the exit status. */
static int sh(const char *log, const char *script, const char *a1, const char *a2,
              const char *a3, const char *a4)
{
    char full[4096];
    snprintf(full, sizeof full, "exec >>\"$0\" 2>&1 </dev/null; %s", script);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", full, log, a1, a2, a3, a4, (char *)NULL);
        _exit(127);
    }
    int rc;
    cr_assert(pid > 0 && waitpid(pid, &rc, 0) == pid);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* A project at p: symlinks to the sources, and a copy of this build at b, which is p's
 * build directory itself, or a directory elsewhere that p/<build> links to. */
static void make_project(const char *log, const char *p, const char *b)
{
    int rc = sh(log,
                "set -e; src=\"$1\" rel=\"$2\" p=\"$3\" b=\"$4\"\n"
                "mkdir -p \"$p\" \"$b/obj\"\n"
                "for f in Makefile common chapters plots data tools tests; do\n"
                "  ln -s \"$src/$f\" \"$p/$f\"; done\n"
                "cp -a \"$src/$rel/bin\" \"$src/$rel/libcommon.a\" \"$b/\"\n"
                "cp -a \"$src/$rel/obj/common\" \"$src/$rel/obj/chapters\" \"$b/obj/\"\n"
                "if [ \"$b\" != \"$p/$rel\" ]; then\n"
                "  mkdir -p \"$(dirname \"$p/$rel\")\"; ln -s \"$b\" \"$p/$rel\"; fi\n",
                DLFS_SOURCE_DIR, build_rel(), p, b);
    cr_assert_eq(rc, 0, "setting up %s failed: %s", p, read_text_file(log));
}

/* Runs p/build/bin/<program> args; asserts exit 0 and returns stdout. */
static char *run_in(const char *p, const char *program, const char *args)
{
    char exe[2048];
    snprintf(exe, sizeof exe, "%s/%s/bin/%s", p, build_rel(), program);
    RunResult r = run_executable(exe, args);
    cr_assert_eq(r.status, 0, "%s exited %d: %s", exe, r.status, r.err);
    char *out = r.out;
    r.out = NULL;
    run_result_free(&r);
    return out;
}

/* Asserts path exists and holds `text` within its first lines. */
static void expect_file(const char *path, const char *text)
{
    char *got = read_text_file(path);
    cr_assert(got, "%s was not written", path);
    got[strlen(got) > 200 ? 200 : strlen(got)] = '\0';
    cr_expect(strstr(got, text), "%s does not hold %s", path, text);
    free(got);
}

/* ch03_activations without --out writes to <p>/build/plots and says so; ch03_mnist reads
 * <p>/data/mnist; make draws figure 3-6 there. */
static void check_project(const char *log, const char *p)
{
    char want[2048], path[2048];
    char *out = run_in(p, "ch03_activations", "");
    snprintf(want, sizeof want, "data for figures 3-6 to 3-9 in %s/build/plots/ch03_activations.dat\n", p);
    cr_expect(strstr(out, want), "ch03_activations printed: %s", out);
    snprintf(path, sizeof path, "%s/build/plots/ch03_activations.dat", p);
    expect_file(path, "# written by ch03_activations");
    free(out);

    if (access(DLFS_SOURCE_DIR "/data/mnist/t10k-images-idx3-ubyte.gz", R_OK) == 0) {
        out = run_in(p, "ch03_mnist", "");
        snprintf(want, sizeof want, "img_show: wrote %s/build/plots/mnist_digit.pgm\n", p);
        cr_expect(strstr(out, want), "ch03_mnist printed: %s", out);
        cr_expect(strstr(out, "\nAccuracy:0.9"), "ch03_mnist printed: %s", out);
        free(out);
    } else {
        cr_log_warn("data/mnist is missing (make data): ch03_mnist not run from %s", p);
    }

    /* the Makefile's plot step, from a fresh stamp */
    snprintf(path, sizeof path, "%s/build/plots/ch03_activations.stamp", p);
    unlink(path);
    int rc = sh(log,
                "unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES\n"
                "if [ \"$2\" = build/san ]; then san=SANITIZE=1; else san=; fi\n"
                "make --no-print-directory -C \"$1\" $san build/plots/fig3-6.png",
                p, build_rel(), NULL, NULL);
    char *text = read_text_file(log);
    cr_assert_eq(rc, 0, "make build/plots/fig3-6.png in %s failed:\n%s", p, text);
    cr_expect(!strstr(text, " -c "), "make compiled again instead of using the copy:\n%s", text);
    free(text);
    snprintf(path, sizeof path, "%s/build/plots/fig3-6.png", p);
    expect_file(path, "\x89PNG");
}

Test(paths, checkout_under_spaces_and_non_ascii)
{
    char *t = make_temp_dir(), p[1024], b[2048], log[1024];
    snprintf(log, sizeof log, "%s/log", t);
    snprintf(p, sizeof p, "%s/My Projects/dlfs-\xc3\xa7", t);
    snprintf(b, sizeof b, "%s/%s", p, build_rel());
    make_project(log, p, b);
    check_project(log, p);
    remove_temp_dir(t);
}

/* build -> another disk: the programs still find the project through the path they were
 * started by, and gnuplot does not depend on ../../plots. */
Test(paths, build_is_a_symlink_elsewhere)
{
    char *t = make_temp_dir(), p[1024], b[2048], log[1024];
    snprintf(log, sizeof log, "%s/log", t);
    snprintf(p, sizeof p, "%s/proj \xc3\xa7", t);
    snprintf(b, sizeof b, "%s/other disk/build", t);
    make_project(log, p, b);
    check_project(log, p);
    struct stat st;
    snprintf(b, sizeof b, "%s/other disk/build/plots/fig3-6.png", t);
    if (strcmp(build_rel(), "build") == 0) /* (SANITIZE=1 links build/san; plots stay in build) */
        cr_expect(stat(b, &st) == 0, "the figure is on the other disk");
    remove_temp_dir(t);
}

/* A program copied out of the project neither writes ./build/plots nor reads ./data/mnist:
 * it names the option to pass, and works when given it. */
Test(paths, copied_program_asks_for_its_paths)
{
    char *t = make_temp_dir(), dir[1024], log[1024];
    snprintf(log, sizeof log, "%s/log", t);
    snprintf(dir, sizeof dir, "%s/bin \xc3\xa7", t);
    int rc = sh(log, "mkdir \"$1\" && cp \"$2/ch03_activations\" \"$2/ch04_gradients\" \"$1/\"",
                dir, DLFS_BIN_DIR, NULL, NULL);
    cr_assert_eq(rc, 0);
    const struct { const char *program, *option; } cases[] = {
        { "ch03_activations", "--out" },
        { "ch04_gradients", "--data" },
    };
    for (size_t i = 0; i < 2; i++) {
        char exe[2048], want[4096];
        snprintf(exe, sizeof exe, "%s/%s", dir, cases[i].program);
        RunResult r = run_executable(exe, "");
        cr_expect_eq(r.status, 1, "%s exited %d", exe, r.status);
        snprintf(want, sizeof want,
                 "%s: %s: not given, and %s is not inside dlfs-c (no directory with common/ "
                 "and data/ above it): pass %s DIR\n",
                 cases[i].program, cases[i].option, exe, cases[i].option);
        cr_expect_str_eq(r.err, want);
        cr_expect_str_empty(r.out, "stops before printing");
        run_result_free(&r);
    }
    char exe[2048], args[2048], path[2048];
    snprintf(exe, sizeof exe, "%s/ch03_activations", dir);
    snprintf(args, sizeof args, "--out '%s/figs'", t);
    RunResult r = run_executable(exe, args);
    cr_expect_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    snprintf(path, sizeof path, "%s/figs/ch03_activations.dat", t);
    expect_file(path, "# written by ch03_activations");
    snprintf(path, sizeof path, "%s/build", dir);
    cr_expect(access(path, F_OK) != 0, "nothing written beside the copy");
    remove_temp_dir(t);
}

/* The figure scripts run in build/plots, which may be a symlink to another disk: none may
 * reach the sources by a relative path such as "../../plots/style.gp" (load "style.gp"
 * finds it through GNUPLOT_LIB). */
Test(paths, figure_scripts_use_no_relative_paths)
{
    glob_t g;
    cr_assert_eq(glob(DLFS_SOURCE_DIR "/plots/*.gp", 0, NULL, &g), 0, "no plots/*.gp");
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *text = read_text_file(g.gl_pathv[i]);
        cr_assert(text);
        cr_expect(!strstr(text, "../"), "%s names a path with ../ (write load \"style.gp\")",
                  g.gl_pathv[i]);
        free(text);
    }
    globfree(&g);
}
