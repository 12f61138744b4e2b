/* progress.c - see progress.h. */
#include "sys/progress.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_start(Progress *p, size_t total)
{
    p->tty = isatty(STDOUT_FILENO);
    p->total = total;
    p->t0 = progress_now();
    p->last = 0;
}

void progress_update(Progress *p, size_t done)
{
    if (!p->tty || p->total == 0)
        return;
    const double t = progress_now();
    if (done < p->total && t - p->last < 0.1)
        return;
    p->last = t;
    char bar[31];
    const size_t filled = 30 * done / p->total;
    memset(bar, ' ', 30);
    memset(bar, '=', filled);
    bar[filled < 30 ? filled : 29] = filled < 30 ? '>' : '=';
    bar[30] = '\0';
    const double rate = (double)done / fmax(t - p->t0, 1e-9);
    printf("\r[%s] %zu/%zu  %.*f it/s  ETA %.1f s\033[K", bar, done, p->total,
           rate < 10 ? 2 : 0, rate, rate > 0 ? (double)(p->total - done) / rate : 0.0);
    fflush(stdout);
}

void progress_end(Progress *p)
{
    if (p->tty && p->total) {
        printf(PROGRESS_ERASE);
        fflush(stdout);
    }
}

const char *progress_prefix(const Progress *p)
{
    return p->tty ? PROGRESS_ERASE : "";
}
