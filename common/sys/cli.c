/* cli.c - see cli.h. */
#include "sys/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/checked.h"

static void usage(const char *about, const Option *opts, size_t n)
{
    printf("usage: %s [options]\n%s\n\noptions:\n", progname(), about);
    for (size_t i = 0; i < n; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        printf("  %-18s %s\n", left, opts[i].help);
    }
    printf("  %-18s %s\n", "--help", "print this help and exit");
}

void parse_options(int argc, char **argv, const char *about, const Option *opts, size_t n)
{
    set_progname(argv[0]);
    struct option *longs = xcalloc(n + 2, sizeof *longs);
    for (size_t i = 0; i < n; i++)
        longs[i] = (struct option){ opts[i].name, opts[i].arg ? required_argument : no_argument,
                                    NULL, (int)(i + 1000) };
    longs[n] = (struct option){ "help", no_argument, NULL, 'h' };

    opterr = 0;  /* our own one-line messages */
    int c;
    while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
        if (c == 'h') {
            usage(about, opts, n);
            free(longs);
            exit(0);
        }
        if (c >= 1000 && (size_t)(c - 1000) < n) {
            const Option *o = &opts[c - 1000];
            if (o->arg && *optarg == '\0') {       /* --out "": no file has an empty name */
                free(longs);
                die("--%s: empty value (see --help)", o->name);
            }
            *o->value = o->arg ? optarg : "1";
            continue;
        }
        const char *bad = argv[optind - 1];
        free(longs);
        if (c == ':')
            die("%s: needs a value (see --help)", bad);
        die("%s: unknown option (see --help)", bad);
    }
    free(longs);
    if (optind < argc)
        die("%s: unexpected argument (see --help)", argv[optind]);
}
