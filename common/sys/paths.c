/* paths.c - see paths.h. */
#include "sys/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/checked.h"

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_project(const char *dir)
{
    char a[PATH_MAX + 16], b[PATH_MAX + 16];
    snprintf(a, sizeof a, "%s/common", dir);
    snprintf(b, sizeof b, "%s/data", dir);
    return is_dir(a) && is_dir(b);
}

const char *project_root(void)
{
    static char root[PATH_MAX];
    if (root[0])
        return root;
    ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
    if (n > 0) {
        root[n] = '\0';
        /* Strip the file name, then walk up a few levels. */
        for (int level = 0; level < 5; level++) {
            char *slash = strrchr(root, '/');
            if (!slash || slash == root)
                break;
            *slash = '\0';
            if (is_project(root))
                return root;
        }
    }
    strcpy(root, ".");
    return root;
}

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *project_path(const char *rel) { return path_join(project_root(), rel); }

int make_dirs(const char *dir, char *err)
{
    char *p = xstrdup(dir);
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                set_error(err, "%s: cannot create directory: %s", p, strerror(errno));
                free(p);
                return -1;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    if (!is_dir(dir))
        return set_error(err, "%s: exists and is not a directory", dir);
    return 0;
}
