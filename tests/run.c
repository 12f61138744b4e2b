/* run.c - see run.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "run.h"

#include <criterion/criterion.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/sha256.h"

char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

RunResult run_program(const char *program, const char *args)
{
    char exe[4096];
    snprintf(exe, sizeof exe, "%s/%s", DLFS_BIN_DIR, program);
    return run_executable(exe, args);
}

RunResult run_executable(const char *exe, const char *args)
{
    char *dir = make_temp_dir();
    char script[8192];
    /* The program's path and the output directory reach the shell as "$0" and "$1", so a
     * checkout under "My Projects/dlfs-ç" works; only args is shell syntax. timeout: a
     * program that hangs fails its test instead of stalling the suite. */
    snprintf(script, sizeof script,
             "exec timeout 300 \"$0\" %s >\"$1/out\" 2>\"$1/err\" </dev/null", args);
    int rc = -1;
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", script, exe, dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, &rc, 0) < 0 && errno == EINTR)
            ;
    RunResult r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + (WIFSIGNALED(rc) ? WTERMSIG(rc) : 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/out", dir);
    r.out = read_text_file(path);
    snprintf(path, sizeof path, "%s/err", dir);
    r.err = read_text_file(path);
    if (!r.out)
        r.out = strdup("");
    if (!r.err)
        r.err = strdup("");
    remove_temp_dir(dir);
    return r;
}

void run_result_free(RunResult *r)
{
    free(r->out);
    free(r->err);
}

char *replace_all(char *s, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    for (const char *p = s; (p = strstr(p, from)); p += nf)
        count++;
    char *out = malloc(strlen(s) + count * nt + 1), *o = out;
    const char *p = s, *q;
    while ((q = strstr(p, from))) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, nt);
        o += nt;
        p = q + nf;
    }
    strcpy(o, p);
    free(s);
    return out;
}

char *make_temp_dir(void)
{
    char tmpl[] = "/tmp/dlfs-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 ? 0 : -1;
}

void remove_temp_dir(char *dir)
{
    if (dir && nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "could not remove %s: %s\n", dir, strerror(errno));
    free(dir);
}

int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

char *run_ok(const char *program, const char *args)
{
    RunResult r = run_program(program, args);
    cr_assert_eq(r.status, 0, "%s %s exited %d; stderr: %s", program, args, r.status, r.err);
    cr_expect_str_empty(r.err, "%s wrote to stderr: %s", program, r.err);
    char *out = r.out;
    r.out = NULL;
    run_result_free(&r);
    return out;
}

void expect_golden(const char *program, const char *args)
{
    char *dir = make_temp_dir();
    char full_args[2048], path[1024];
    snprintf(full_args, sizeof full_args, args, dir);
    char *got = replace_all(run_ok(program, full_args), dir, "OUT");
    snprintf(path, sizeof path, "%s/tests/golden/%s.out", DLFS_SOURCE_DIR, program);
    char *expected = read_text_file(path);
    cr_assert(expected, "missing golden file %s", path);
    cr_expect_str_eq(got, expected, "%s: stdout differs from %s", program, path);
    free(got);
    free(expected);
    remove_temp_dir(dir);
}

unsigned char *read_binary_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*len ? *len : 1);
    cr_assert_eq(fread(b, 1, *len, f), *len, "short read of %s", path);
    fclose(f);
    return b;
}

void expect_file_sha256(const char *path, const char *hex)
{
    size_t len;
    unsigned char *bytes = read_binary_file(path, &len);
    char got[65];
    sha256_hex(bytes, len, got);
    free(bytes);
    cr_expect_str_eq(got, hex, "sha256 of %s", path);
}

void write_binary_file(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}
