/* run.h - test support: run a chapter program and capture what it prints.
 *
 * Programs are the ones under test (DLFS_BIN_DIR, set by the Makefile per build
 * mode, so `make SANITIZE=1 test` runs the sanitizer builds, which exit non-zero
 * on a leak). Expected outputs live in tests/golden/<name>.out (DLFS_SOURCE_DIR).
 */
#ifndef DLFS_TEST_RUN_H
#define DLFS_TEST_RUN_H

#include <stddef.h>

typedef struct {
    char *out;      /* everything written to stdout (malloc'd, NUL-terminated) */
    char *err;      /* everything written to stderr */
    int status;     /* exit status, or 128 + signal number */
} RunResult;

/* Runs DLFS_BIN_DIR/<program> with the shell-quoted argument string args (only args goes
 * through the shell: the program's path may hold spaces and any other character), stdin
 * from /dev/null, at most 300 s. */
RunResult run_program(const char *program, const char *args);
/* The same for the executable at path exe (any characters). */
RunResult run_executable(const char *exe, const char *args);
void run_result_free(RunResult *r);

/* Runs program with args; asserts it exits 0 and prints nothing on stderr. Returns its
 * stdout (malloc'd). */
char *run_ok(const char *program, const char *args);

/* Compares the stdout of `program args` with tests/golden/<program>.out. args may hold one
 * %s, replaced by a fresh temporary directory which the output shows as OUT. */
void expect_golden(const char *program, const char *args);

/* Reads a whole file (malloc'd, NUL-terminated), or NULL when it does not exist. */
char *read_text_file(const char *path);

/* Reads a whole binary file (malloc'd; *len bytes), asserting it exists. */
unsigned char *read_binary_file(const char *path, size_t *len);
/* Expects the file's SHA-256 to be `hex` (64 lowercase digits): a committed data file unchanged. */
void expect_file_sha256(const char *path, const char *hex);
/* Writes n bytes to path, asserting success. */
void write_binary_file(const char *path, const void *bytes, size_t n);

/* Replaces every occurrence of `from` in s with `to`; returns a new string, frees s. */
char *replace_all(char *s, const char *from, const char *to);

/* A fresh temporary directory (malloc'd path) and its recursive removal. */
char *make_temp_dir(void);
void remove_temp_dir(char *dir);

/* Number of lines in s. */
int count_lines(const char *s);

#endif
