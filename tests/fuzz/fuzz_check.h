/* fuzz_check.h - the contract every harness checks besides the sanitizers.
 *
 * FUZZ_CHECK(cond) aborts (a crash libFuzzer saves as an artifact) when cond is false.
 * fuzz_check_message: a refused input must leave one line in err, starting with the
 * file name the parser was given, at most ERR_LEN - 1 characters, and printable.
 */
#ifndef DLFS_FUZZ_CHECK_H
#define DLFS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/checked.h"

#define FUZZ_CHECK(cond)                                                            \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: contract broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                \
        }                                                                           \
    } while (0)

static inline void fuzz_check_message(const char *err, const char *prefix)
{
    const size_t n = strnlen(err, ERR_LEN);
    FUZZ_CHECK(n > strlen(prefix) && n < ERR_LEN);
    FUZZ_CHECK(strncmp(err, prefix, strlen(prefix)) == 0);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)err[i] >= 0x20 && (unsigned char)err[i] < 0x7f);
}

#endif
