/* checked.h - helpers for the outside world that fail loudly.
 *
 * Every message is one line on stderr: "<program>: <what>: <problem> (<hint>)".
 * die() and the x*() helpers exit with status 1; only main() and these helpers
 * decide to exit. Loaders instead fill an error buffer (char err[ERR_LEN]) and
 * return non-zero, so their caller chooses what to do.
 *
 * The library's one error convention: a function that can fail on what comes from outside
 * (a file, an option, a path, the disk) returns 0 or -1 (or NULL) and fills char err[ERR_LEN]
 * with one line starting with the file's name; it never exits and never prints. That includes
 * running out of memory while reading a file (the readers, arraylist_add). Only working
 * memory of a computation the program itself sized (matrix_new, a network's scratch space,
 * through xmalloc/xcalloc) dies on exhaustion: no caller could do better than stop, and the
 * chapter programs bound those sizes before allocating (ch04_two_layer_net --hidden).
 */
#ifndef DLFS_CHECKED_H
#define DLFS_CHECKED_H

#include <stddef.h>
#include <stdio.h>

#define ERR_LEN 256

/* Name used in messages; set once from argv[0] (basename is kept). */
void set_progname(const char *argv0);
const char *progname(void);

/* Print "<program>: <message>" on stderr and exit(1). */
_Noreturn void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* snprintf into an error buffer of ERR_LEN bytes; returns -1 for `return set_error(...)`. */
int set_error(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* malloc/calloc that die with a message instead of returning NULL.
 * xcalloc checks n * size for overflow. Free with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/* fopen that dies naming the file and the reason, with `hint` (may be NULL). */
FILE *xfopen(const char *path, const char *mode, const char *hint);

/* Option values: the whole string must be a number within [min, max], starting with a digit
 * or '-' (no leading space or '+', not empty), else die naming the option:
 * "--batch: '0' is not an integer in [1, 10000]". */
long   parse_long_option(const char *option, const char *text, long min, long max);
double parse_double_option(const char *option, const char *text, double min, double max);

#endif
