/* atomic.h - write a file so that readers see the old one or the whole new one.
 *
 * atomic_open creates "<path>.tmp.<pid>" beside path; atomic_commit flushes,
 * fsyncs and renames it over path; atomic_abort removes it. A run killed
 * half-way leaves at most a stray .tmp file, never a half-written path.
 *
 * Stray files: while a temporary file is open, SIGINT, SIGTERM and SIGHUP remove it before
 * the program dies of the signal (handlers are installed only for signals left at their
 * default action). A SIGKILL cannot be caught: the next atomic_open of the same path removes
 * "<path>.tmp.<pid>" files whose process no longer exists.
 */
#ifndef DLFS_ATOMIC_H
#define DLFS_ATOMIC_H

#include <stdio.h>

typedef struct {
    FILE *f;          /* write here between open and commit */
    char *path;       /* final name (owned) */
    char *tmp;        /* temporary name (owned) */
} AtomicFile;

/* Returns 0, or -1 with err (ERR_LEN) naming the file. */
int  atomic_open(AtomicFile *a, const char *path, char *err);
/* Returns 0, or -1 with err; either way the AtomicFile is released. */
int  atomic_commit(AtomicFile *a, char *err);
/* Discard the temporary file and release the AtomicFile. */
void atomic_abort(AtomicFile *a);
/* Whether path could be written now (its directory exists and is writable, and path is not
 * a directory), so a long run can fail before its work rather than after; creates nothing.
 * 0, or -1 with err. */
int  atomic_probe(const char *path, char *err);

#endif
