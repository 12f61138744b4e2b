/* test_deps.c - make run and make test install missing Debian packages themselves when they
 * can (root, or sudo -n), else stop with the exact apt-get line; make deps as a user without
 * sudo prints that line and fails. tests/deps_test.sh checks tools/deps.sh and the Makefile's
 * deps, check-deps and check-test-deps with fake dpkg-query, id, sudo and apt-get first on
 * PATH, so nothing is installed for real. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

Test(deps, installs_or_prints_the_apt_get_line)
{
    char *dir = make_temp_dir(), cmd[8192], path[1024];
    snprintf(path, sizeof path, "%s/out", dir);
    snprintf(cmd, sizeof cmd, "sh '%s/tests/deps_test.sh' '%s' > '%s' 2>&1", DLFS_SOURCE_DIR,
             DLFS_SOURCE_DIR, path);
    int rc = system(cmd);
    char *out = read_text_file(path);
    cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "deps_test.sh failed:\n%s", out);
    cr_expect(out && strstr(out, "deps_test: all passed\n"), "%s", out);
    free(out);
    remove_temp_dir(dir);
}
