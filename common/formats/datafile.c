/* datafile.c - see datafile.h. */
#include "formats/datafile.h"

#include <stdlib.h>

#include "sys/atomic.h"
#include "sys/checked.h"
#include "sys/paths.h"

int datafile_write(const char *dir, const char *name, const char *title, const char *columns,
                   size_t nrows, size_t ncols, const double *const cols[], char *err)
{
    if (make_dirs(dir, err) != 0)
        return -1;
    char *path = path_join(dir, name);
    AtomicFile a;
    int rc = atomic_open(&a, path, err);
    free(path);
    if (rc != 0)
        return -1;
    fprintf(a.f, "# %s\n# written by %s (dlfs-c)\n# columns: %s\n", title, progname(), columns);
    for (size_t i = 0; i < nrows; i++)
        for (size_t j = 0; j < ncols; j++)
            fprintf(a.f, "%.17g%c", cols[j][i], j + 1 < ncols ? ' ' : '\n');
    return atomic_commit(&a, err);
}

void datafile_write_or_die(const char *dir, const char *name, const char *title,
                           const char *columns, size_t nrows, size_t ncols,
                           const double *const cols[])
{
    char err[ERR_LEN];
    if (datafile_write(dir, name, title, columns, nrows, ncols, cols, err) != 0)
        die("%s", err);
}
