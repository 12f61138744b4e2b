/* checked.c - see checked.h. */
#include "sys/checked.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "dlfs";

void set_progname(const char *argv0)
{
    if (argv0 && *argv0) {
        const char *slash = strrchr(argv0, '/');
        prog = slash ? slash + 1 : argv0;
    }
}

const char *progname(void) { return prog; }

void die(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

int set_error(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        die("out of memory allocating %zu bytes (is an input size absurd?)", size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        die("out of memory: %zu x %zu bytes overflows (is an input size absurd?)", n, size);
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory allocating %zu x %zu bytes (is an input size absurd?)", n, size);
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

FILE *xfopen(const char *path, const char *mode, const char *hint)
{
    FILE *f = fopen(path, mode);
    if (!f) {
        if (hint)
            die("%s: %s (%s)", path, strerror(errno), hint);
        die("%s: %s", path, strerror(errno));
    }
    return f;
}

/* strtol and strtod skip leading spaces and take a '+': an option value must start with a
 * digit, or '-' and a digit (or '.' for a number), so " 5", "+5" and "" are refused. */
static int starts_like_a_number(const char *text, int fraction_ok)
{
    const char *p = text + (*text == '-');
    return (*p >= '0' && *p <= '9') || (fraction_ok && *p == '.') ||
           (fraction_ok && (strncmp(p, "inf", 3) == 0 || strncmp(p, "nan", 3) == 0));
}

long parse_long_option(const char *option, const char *text, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!starts_like_a_number(text, 0) || end == text || *end != '\0' || errno == ERANGE ||
        v < min || v > max)
        die("%s: '%s' is not an integer in [%ld, %ld] (see --help)", option, text, min, max);
    return v;
}

double parse_double_option(const char *option, const char *text, double min, double max)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!starts_like_a_number(text, 1) || end == text || *end != '\0' || errno == ERANGE || !isfinite(v) || v < min || v > max)
        die("%s: '%s' is not a number in [%g, %g] (see --help)", option, text, min, max);
    return v;
}
