/* paths.h - finding the project's files from any working directory.
 *
 * A chapter program lives in <project>/build/bin/ (or build/san/bin/); it finds the project
 * by walking up, a few levels, to the first directory holding both common/ and data/: first
 * from the path it was started by (made absolute, symlinks kept, so `build` may be a
 * symlink to another disk), then from its resolved executable (/proc/self/exe). Readers
 * may run it from anywhere. A copy run outside the project finds none: then project_root is
 * "." (as it always was), project_found() is 0, and path_option_or_die tells the reader to
 * pass the option instead of the program silently using ./data or ./build in the working
 * directory.
 */
#ifndef DLFS_PATHS_H
#define DLFS_PATHS_H

#include <stddef.h>

/* The project's root directory (static storage), or "." when it cannot be found. */
const char *project_root(void);
/* 1 when the project was found, 0 when project_root() is only the "." fallback. */
int project_found(void);
/* "<project root>/<rel>" in a new string; free() it. */
char *project_path(const char *rel);
/* For main(), after parse_options: the value of a path option (option "--out") whose
 * default, default_value, came from project_path. Returns value; but when the option was
 * not given (value == default_value) and there is no project, prints one line and exits 1:
 *   ch03_activations: --out: not given, and /home/me/bin/ch03_activations is not inside
 *   dlfs-c (no directory with common/ and data/ above it): pass --out DIR */
const char *path_option_or_die(const char *option, const char *placeholder, const char *value,
                               const char *default_value);
/* "<dir>/<name>" in a new string; free() it. */
char *path_join(const char *dir, const char *name);
/* mkdir -p: creates dir and its parents. Returns 0, or -1 with err set (ERR_LEN). */
int make_dirs(const char *dir, char *err);

#endif
