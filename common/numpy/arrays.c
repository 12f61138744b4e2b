/* arrays.c - see arrays.h. */
#include "numpy/arrays.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


NamedArray *arraylist_add(ArrayList *l, const char *name, int ndim, const size_t *shape,
                          double *data)
{
    assert(ndim >= 0 && ndim <= ARRAY_MAX_NDIM && "arraylist_add: ndim");
    assert(!arraylist_find(l, name) && "arraylist_add: duplicate name");
    NamedArray *items = realloc(l->items, (l->count + 1) * sizeof *items);
    if (!items) {
        free(data);
        return NULL;
    }
    l->items = items;
    NamedArray *a = &items[l->count++];
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    a->ndim = ndim;
    a->size = 1;
    for (int i = 0; i < ndim; i++) {
        a->shape[i] = shape[i];
        a->size *= shape[i];
    }
    a->data = data;
    return a;
}

const NamedArray *arraylist_find(const ArrayList *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

void arraylist_free(ArrayList *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].data);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}
