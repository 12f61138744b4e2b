/* cli.h - command-line options for the chapter programs (getopt_long conventions).
 *
 * A chapter lists its options in a table; parse_options fills each option's
 * value (a string, or "1" for a flag), prints usage for --help (exit 0), and
 * rejects unknown options, missing or empty values and stray arguments with one line
 * on stderr naming the option (exit 1).
 */
#ifndef DLFS_CLI_H
#define DLFS_CLI_H

#include <stddef.h>

typedef struct {
    const char *name;      /* long name without dashes, e.g. "batch" */
    const char *arg;       /* value placeholder shown in --help ("N"), or NULL for a flag */
    const char *help;      /* one line; mention the default */
    const char **value;    /* in: default (may be NULL); out: the given string, "1" for a flag */
} Option;

/* Parses argv[1..] against opts[0..n-1]; `about` is printed under the usage line of --help. */
void parse_options(int argc, char **argv, const char *about, const Option *opts, size_t n);

#endif
