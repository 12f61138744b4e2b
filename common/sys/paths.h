/* paths.h - finding the project's files from any working directory.
 *
 * A chapter program lives in <project>/build/bin/ (or build/san/bin/); it finds
 * the project by walking up from its own executable to the first directory
 * holding both common/ and data/. Readers may run it from anywhere.
 */
#ifndef DLFS_PATHS_H
#define DLFS_PATHS_H

#include <stddef.h>

/* The project's root directory (static storage), or "." when it cannot be found. */
const char *project_root(void);
/* "<project root>/<rel>" in a new string; free() it. */
char *project_path(const char *rel);
/* "<dir>/<name>" in a new string; free() it. */
char *path_join(const char *dir, const char *name);
/* mkdir -p: creates dir and its parents. Returns 0, or -1 with err set (ERR_LEN). */
int make_dirs(const char *dir, char *err);

#endif
