/* atomic.c - see atomic.h. */
#include "sys/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/checked.h"

/* ---- temporary files removed on SIGINT, SIGTERM, SIGHUP ------------------------------ */

enum { MAX_OPEN = 16 };
static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
enum { NCAUGHT = sizeof caught / sizeof caught[0] };
static char *open_tmp[MAX_OPEN];                /* the temporary files now being written */
static struct sigaction previous[NCAUGHT];
static int installed;

/* Remove every temporary file, then die of the signal as if we had not caught it. */
static void on_signal(int sig)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_tmp[i])
            unlink(open_tmp[i]);                 /* async-signal-safe */
    for (int k = 0; k < NCAUGHT; k++)
        if (caught[k] == sig)
            sigaction(sig, &previous[k], NULL);
    raise(sig);
}

/* Block the caught signals while the list changes (the handler reads it). */
static void block(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int k = 0; k < NCAUGHT; k++)
        sigaddset(&set, caught[k]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void remember(char *tmp, int add)
{
    sigset_t old;
    block(&old);
    if (add && !installed) {
        installed = 1;
        for (int k = 0; k < NCAUGHT; k++) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(caught[k], NULL, &previous[k]);
            /* a signal the program ignores (nohup) or handles itself is left alone */
            if (previous[k].sa_handler == SIG_DFL)
                sigaction(caught[k], &sa, NULL);
        }
    }
    for (int i = 0; i < MAX_OPEN; i++)
        if (add ? open_tmp[i] == NULL : open_tmp[i] == tmp) {
            open_tmp[i] = add ? tmp : NULL;
            break;
        }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Remove "<base>.tmp.<pid>" files beside path left by runs that died (pid not running):
 * a SIGKILL or a power cut cannot be caught, so the next run of the same name cleans up. */
static void remove_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const size_t dlen = slash ? (size_t)(slash - path) + 1 : 0, blen = strlen(base);
    char *dir = malloc(dlen + 2);
    if (!dir)
        return;
    memcpy(dir, slash ? path : ".", slash ? dlen : 1);
    dir[slash ? dlen : 1] = '\0';
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *n = e->d_name;
        if (strncmp(n, base, blen) != 0 || strncmp(n + blen, ".tmp.", 5) != 0)
            continue;
        char *end;
        errno = 0;
        const long pid = strtol(n + blen + 5, &end, 10);
        if (n[blen + 5] < '0' || n[blen + 5] > '9' || *end != '\0' || errno || pid <= 0 ||
            pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;                            /* not ours, or its writer is alive */
        char *stale = malloc(strlen(dir) + strlen(n) + 2);
        if (stale) {
            sprintf(stale, "%s%s%s", dir, slash ? "" : "/", n);
            unlink(stale);
            free(stale);
        }
    }
    if (d)
        closedir(d);
    free(dir);
}

/* ---- the atomic file ------------------------------------------------------------------ */

static void release(AtomicFile *a)
{
    if (a->tmp)
        remember(a->tmp, 0);
    free(a->path);
    free(a->tmp);
    *a = (AtomicFile){ NULL, NULL, NULL };
}

int atomic_open(AtomicFile *a, const char *path, char *err)
{
    size_t n = strlen(path) + 32;
    *a = (AtomicFile){ NULL, NULL, NULL };
    a->path = malloc(strlen(path) + 1);
    char *tmp = malloc(n);
    if (!a->path || !tmp) {
        free(tmp);
        release(a);
        return set_error(err, "%s: cannot write: out of memory", path);
    }
    strcpy(a->path, path);
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    remove_stale(path);
    remember(tmp, 1);               /* before the file exists: a signal now removes nothing */
    a->tmp = tmp;
    a->f = fopen(a->tmp, "wb");
    if (!a->f) {
        set_error(err, "%s: cannot write: %s", path, strerror(errno));
        release(a);
        return -1;
    }
    return 0;
}

int atomic_commit(AtomicFile *a, char *err)
{
    int failed = ferror(a->f) | (fflush(a->f) != 0) | (fsync(fileno(a->f)) != 0);
    int saved = errno;
    failed |= fclose(a->f) != 0;
    if (failed) {
        set_error(err, "%s: write failed: %s", a->path, strerror(saved ? saved : errno));
        unlink(a->tmp);
        release(a);
        return -1;
    }
    if (rename(a->tmp, a->path) != 0) {
        set_error(err, "%s: cannot rename into place: %s", a->path, strerror(errno));
        unlink(a->tmp);
        release(a);
        return -1;
    }
    release(a);
    return 0;
}

void atomic_abort(AtomicFile *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    release(a);
}

int atomic_probe(const char *path, char *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return set_error(err, "%s: cannot write: Is a directory", path);
    const char *slash = strrchr(path, '/');
    const size_t n = slash ? (size_t)(slash - path) : 1;
    char *dir = malloc(n + 2);
    if (!dir)
        return set_error(err, "%s: cannot write: out of memory", path);
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");                        /* "/w.npz" keeps "/" */
    else {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    const int ok = access(dir, W_OK | X_OK) == 0;
    const int saved = errno;
    free(dir);
    if (!ok)
        return set_error(err, "%s: cannot write: %s", path, strerror(saved));
    return 0;
}
