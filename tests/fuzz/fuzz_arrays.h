/* fuzz_arrays.h - checks shared by the weight-file harnesses (fuzz_pickle.c, fuzz_npz.c).
 *
 * An accepted file must give a well-formed ArrayList: names unique, NUL-terminated and
 * non-empty-safe, 0..ARRAY_MAX_NDIM axes, size the product of the shape, finite values.
 * The list then goes through network_from_arrays, as network_load would pass it, which
 * must either build a network whose shapes chain or refuse with a one-line message.
 */
#ifndef DLFS_FUZZ_ARRAYS_H
#define DLFS_FUZZ_ARRAYS_H

#include <math.h>
#include <stdlib.h>

#include "numpy/arrays.h"
#include "fuzz_check.h"
#include "nn/network.h"

/* What an ArrayCheck saw: the readers' promise is that it sees every array's name and
 * shape, well-formed, before any data, and that an accepted file gives exactly those. */
typedef struct {
    ArrayInfo *seen;
    size_t count;
    int called;
} FuzzSeen;

/* An ArrayCheck that checks the infos, keeps a copy, and refuses files of exactly 3 arrays
 * (so the readers' clean-up after a refusing check is fuzzed too). */
static inline int fuzz_info_check(const ArrayInfo *a, size_t count, const char *file, void *ctx,
                                  char *err)
{
    FuzzSeen *s = ctx;
    FUZZ_CHECK(!s->called);
    s->called = 1;
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(memchr(a[i].name, '\0', ARRAY_NAME_LEN) != NULL);
        FUZZ_CHECK(a[i].ndim >= 0 && a[i].ndim <= ARRAY_MAX_NDIM);
        size_t size = 1;
        for (int k = 0; k < a[i].ndim; k++)
            size *= a[i].shape[k];
        FUZZ_CHECK(size == a[i].size);
        total += size;
        FUZZ_CHECK(total <= ARRAYS_MAX_VALUES);
    }
    s->seen = malloc((count ? count : 1) * sizeof *a);
    FUZZ_CHECK(s->seen != NULL);
    memcpy(s->seen, a, count * sizeof *a);
    s->count = count;
    if (count == 3)
        return set_error(err, "%s: three arrays, refused by the harness", file);
    return 0;
}

/* An accepted list holds exactly what the check saw, in order. */
static inline void fuzz_check_seen(const FuzzSeen *s, const ArrayList *l)
{
    FUZZ_CHECK(s->called && s->count == l->count);
    for (size_t i = 0; i < l->count; i++) {
        FUZZ_CHECK(strcmp(s->seen[i].name, l->items[i].name) == 0);
        FUZZ_CHECK(s->seen[i].ndim == l->items[i].ndim && s->seen[i].size == l->items[i].size);
        for (int k = 0; k < l->items[i].ndim; k++)
            FUZZ_CHECK(s->seen[i].shape[k] == l->items[i].shape[k]);
    }
}

static inline void fuzz_check_arrays(const ArrayList *l, const char *file)
{
    for (size_t i = 0; i < l->count; i++) {
        const NamedArray *a = &l->items[i];
        FUZZ_CHECK(memchr(a->name, '\0', ARRAY_NAME_LEN) != NULL);
        FUZZ_CHECK(a->ndim >= 0 && a->ndim <= ARRAY_MAX_NDIM);
        size_t size = 1;
        for (int k = 0; k < a->ndim; k++)
            size *= a->shape[k];
        FUZZ_CHECK(size == a->size && (a->data != NULL || a->size == 0));
        for (size_t j = 0; j < a->size; j++)
            FUZZ_CHECK(isfinite(a->data[j]));
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(l->items[j].name, a->name) != 0);
    }

    Network net;
    char err[ERR_LEN];
    memset(err, 0, sizeof err);
    if (network_from_arrays(&net, l, file, err) == 0) {
        FUZZ_CHECK(net.nlayers >= 1 && net.nlayers <= NETWORK_MAX_LAYERS);
        for (size_t i = 0; i < net.nlayers; i++) {
            FUZZ_CHECK(net.b[i].rows == 1 && net.b[i].cols == net.W[i].cols);
            FUZZ_CHECK(i == 0 || net.W[i].rows == net.W[i - 1].cols);
        }
        network_free(&net);
    } else {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s: ", file);
        fuzz_check_message(err, prefix);
    }
}

#endif
