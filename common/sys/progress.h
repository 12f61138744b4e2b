/* progress.h - a progress bar on a terminal, for the trainings (chapters 4 to 8).
 *
 *   [=========>                    ] 1200/10000  3512 it/s  ETA 2.5 s
 *
 * drawn on stdout only when stdout is a terminal (so golden outputs and pipes never see
 * it), redrawn in place. A line printed while a bar is shown should start with
 * PROGRESS_ERASE ("\r\033[K") when progress_active(), so the bar does not mix with it.
 */
#ifndef DLFS_PROGRESS_H
#define DLFS_PROGRESS_H

#include <stddef.h>

typedef struct {
    int tty;            /* stdout is a terminal */
    size_t total;
    double t0;          /* seconds (monotonic) at progress_start */
    double last;        /* when the bar was last drawn */
} Progress;

#define PROGRESS_ERASE "\r\033[K"

double progress_now(void);                      /* monotonic seconds */
void   progress_start(Progress *p, size_t total);
/* Shows `done` of total (redraws at most every 0.1 s, and always at the end). */
void   progress_update(Progress *p, size_t done);
/* Erases the bar (call before printing the last lines). */
void   progress_end(Progress *p);
/* "" or PROGRESS_ERASE: the prefix for a line printed while a bar may be shown. */
const char *progress_prefix(const Progress *p);

#endif
