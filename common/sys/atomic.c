/* atomic.c - see atomic.h. */
#include "sys/atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/checked.h"

static void release(AtomicFile *a)
{
    free(a->path);
    free(a->tmp);
    *a = (AtomicFile){ NULL, NULL, NULL };
}

int atomic_open(AtomicFile *a, const char *path, char *err)
{
    size_t n = strlen(path) + 32;
    a->path = xstrdup(path);
    a->tmp = xmalloc(n);
    snprintf(a->tmp, n, "%s.tmp.%ld", path, (long)getpid());
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
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else
        slash[slash == dir] = '\0';       /* "/w.npz" keeps "/" */
    const int ok = access(dir, W_OK | X_OK) == 0;
    const int saved = errno;
    free(dir);
    if (!ok)
        return set_error(err, "%s: cannot write: %s", path, strerror(saved));
    return 0;
}
