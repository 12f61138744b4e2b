/* test_datafile.c - figure data files and atomic writes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "sys/atomic.h"
#include "sys/checked.h"
#include "formats/datafile.h"
#include "run.h"

Test(datafile, writes_header_and_columns)
{
    char *dir = make_temp_dir(), err[ERR_LEN], path[512];
    const double x[] = { 0.5, 1.0 }, y[] = { 0.1, -2e-20 };
    const double *cols[] = { x, y };
    set_progname("test_datafile");
    cr_assert_eq(datafile_write(dir, "d.dat", "a title", "x y", 2, 2, cols, err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/d.dat", dir);
    char *text = read_text_file(path);
    cr_expect_str_eq(text, "# a title\n# written by test_datafile (dlfs-c)\n# columns: x y\n"
                           "0.5 0.10000000000000001\n1 -1.9999999999999999e-20\n");
    free(text);
    remove_temp_dir(dir);
}

Test(datafile, creates_missing_directories)
{
    char *dir = make_temp_dir(), err[ERR_LEN], sub[512];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    const double x[] = { 1 };
    const double *cols[] = { x };
    cr_expect_eq(datafile_write(sub, "d.dat", "t", "x", 1, 1, cols, err), 0, "%s", err);
    remove_temp_dir(dir);
}

Test(datafile, unwritable_directory_is_an_error)
{
    char err[ERR_LEN];
    const double x[] = { 1 };
    const double *cols[] = { x };
    cr_expect_eq(datafile_write("/proc/no/such", "d.dat", "t", "x", 1, 1, cols, err), -1);
    cr_expect(strstr(err, "/proc/no"), "message names the directory: %s", err);
}

/* An aborted write leaves the previous file as it was, and no temporary file behind. */
Test(atomic, abort_keeps_previous_file)
{
    char *dir = make_temp_dir(), err[ERR_LEN], path[512];
    snprintf(path, sizeof path, "%s/w.txt", dir);
    AtomicFile a;
    cr_assert_eq(atomic_open(&a, path, err), 0, "%s", err);
    fputs("old\n", a.f);
    cr_assert_eq(atomic_commit(&a, err), 0, "%s", err);

    cr_assert_eq(atomic_open(&a, path, err), 0, "%s", err);
    fputs("half of the new", a.f);
    char *before = read_text_file(path);
    cr_expect_str_eq(before, "old\n", "the old file stays in place while the new one is written");
    atomic_abort(&a);
    char *after = read_text_file(path);
    cr_expect_str_eq(after, "old\n");

    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        entries += e->d_name[0] != '.';
    closedir(d);
    cr_expect_eq(entries, 1, "no temporary file left behind");
    free(before);
    free(after);
    remove_temp_dir(dir);
}
