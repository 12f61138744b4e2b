/* find_file.c - see find_file.h. */
#include "sys/find_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "sys/checked.h"
#include "sys/paths.h"

char *find_first_file(const char *given, const char *const rel[], size_t n)
{
    if (given)
        return xstrdup(given);
    for (size_t i = 0; i < n; i++) {
        char *p = project_path(rel[i]);
        struct stat st;
        if (stat(p, &st) == 0)
            return p;
        free(p);
    }
    return NULL;
}
