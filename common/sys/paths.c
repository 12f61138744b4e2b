/* paths.c - see paths.h. */
#include "sys/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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

/* Removes the last component of the absolute path p; 0 at the root. */
static int strip_last(char *p)
{
    char *slash = strrchr(p, '/');
    if (!slash || slash == p)
        return 0;
    *slash = '\0';
    return 1;
}

/* Writes to out the absolute, lexically normalized form of path (no ".", "..", "//"; symlinks
 * are kept). Returns 0, or -1 when it does not fit. */
static int absolute_path(const char *path, char out[PATH_MAX])
{
    char buf[2 * PATH_MAX];
    if (path[0] == '/')
        snprintf(buf, sizeof buf, "%s", path);
    else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return -1;
        snprintf(buf, sizeof buf, "%s/%s", cwd, path);
    }
    size_t n = 0;
    out[0] = '\0';
    for (char *save = NULL, *part = strtok_r(buf, "/", &save); part;
         part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            char *slash = strrchr(out, '/');
            n = slash ? (size_t)(slash - out) : 0;
            out[n] = '\0';
            continue;
        }
        size_t len = strlen(part);
        if (n + 1 + len + 1 > PATH_MAX)
            return -1;
        out[n++] = '/';
        memcpy(out + n, part, len + 1);
        n += len;
    }
    if (n == 0)
        strcpy(out, "/");
    return 0;
}

/* Walks up from the file path exe (in place) to the project; 1 when found. */
static int find_project_above(char *exe)
{
    for (int level = 0; level < 5 && strip_last(exe); level++)
        if (is_project(exe))
            return 1;
    return 0;
}

static char started_as[PATH_MAX];

const char *project_root(void)
{
    static char root[PATH_MAX];
    static int searched;
    if (searched)
        return root;
    searched = 1;
    /* The path the program was started by (execve's file name), symlinks kept. */
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    if (execfn && absolute_path(execfn, root) == 0) {
        strcpy(started_as, root);
        if (find_project_above(root))
            return root;
    }
    /* The executable itself, all symlinks resolved. */
    ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
    if (n > 0) {
        root[n] = '\0';
        if (!started_as[0])
            strcpy(started_as, root);
        if (find_project_above(root))
            return root;
    }
    strcpy(root, ".");
    return root;
}

int project_found(void) { return strcmp(project_root(), ".") != 0; }

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *project_path(const char *rel) { return path_join(project_root(), rel); }

const char *path_option_or_die(const char *option, const char *placeholder, const char *value,
                               const char *default_value)
{
    if (value != default_value || project_found())
        return value;
    die("%s: not given, and %s is not inside dlfs-c (no directory with common/ and data/ "
        "above it): pass %s %s", option, started_as[0] ? started_as : progname(), option,
        placeholder);
}

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
