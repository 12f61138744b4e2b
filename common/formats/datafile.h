/* datafile.h - data files for the book's figures, read by plots/<figure>.gp (gnuplot).
 *
 * A data file is whitespace-separated columns of numbers (17 significant digits)
 * after a header comment saying which program wrote it and what the columns are.
 * Files are written atomically (atomic.h): an interrupted run never leaves half a file.
 */
#ifndef DLFS_DATAFILE_H
#define DLFS_DATAFILE_H

#include <stddef.h>

/* Write "<dir>/<name>": header lines "# <title>", "# written by <program> (dlfs-c)",
 * "# columns: <columns>", then nrows rows of ncols values, value j of row i being
 * cols[j][i]. Creates dir if needed. Returns 0, or -1 with err (ERR_LEN). */
int datafile_write(const char *dir, const char *name, const char *title, const char *columns,
                   size_t nrows, size_t ncols, const double *const cols[], char *err);

/* The same, exiting with the message on failure (for chapter programs). */
void datafile_write_or_die(const char *dir, const char *name, const char *title,
                           const char *columns, size_t nrows, size_t ncols,
                           const double *const cols[]);

#endif
