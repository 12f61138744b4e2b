/* test_makefile.c - what `make run-NAME` runs: RUNARGS_<name> (a short run), and with FULL=1
 * FULLARGS_<name> (the book's full schedule) when the chapter.mk sets it. Checked with
 * `make -n` (prints the commands, runs nothing), the variables given on its command line
 * as a chapter.mk would set them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

/* The line of `make -n run-ch03_softmax VARS...` that runs the program (malloc'd). */
static char *run_line(const char *vars)
{
    char *dir = make_temp_dir(), script[2048], path[1024];
    snprintf(path, sizeof path, "%s/out", dir);
    snprintf(script, sizeof script,
             "unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES; "
             "make -n --no-print-directory -C \"$0\" run-ch03_softmax %s > \"$1\" 2>&1", vars);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", script, DLFS_SOURCE_DIR, path, (char *)NULL);
        _exit(127);
    }
    int rc;
    cr_assert(pid > 0 && waitpid(pid, &rc, 0) == pid);
    char *out = read_text_file(path);
    cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "make -n failed: %s", out);
    remove_temp_dir(dir);
    char *line = strstr(out, "/bin/ch03_softmax ");
    cr_assert(line, "no run line in: %s", out);
    line += strlen("/bin/ch03_softmax ");
    char *end = strchr(line, ';');
    cr_assert(end);
    *end = '\0';
    char *copy = strdup(line);
    free(out);
    return copy;
}

Test(makefile, run_uses_runargs_and_full_uses_fullargs)
{
    static const struct { const char *vars, *args; } cases[] = {
        { "RUNARGS_ch03_softmax=--short FULLARGS_ch03_softmax=--full", " --short" },
        { "RUNARGS_ch03_softmax=--short FULLARGS_ch03_softmax=--full FULL=1", " --full" },
        { "RUNARGS_ch03_softmax=--short FULLARGS_ch03_softmax=--full FULL=0", " --short" },
        /* no FULLARGS: FULL=1 runs as make run does */
        { "RUNARGS_ch03_softmax=--short FULL=1", " --short" },
        /* FULLARGS set but empty: the program's own defaults */
        { "RUNARGS_ch03_softmax=--short FULLARGS_ch03_softmax= FULL=1", " " },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = run_line(cases[i].vars);
        cr_expect_str_eq(got, cases[i].args, "make -n run-ch03_softmax %s", cases[i].vars);
        free(got);
    }
}
