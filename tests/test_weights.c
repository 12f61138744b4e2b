/* test_weights.c - formats/weights.h on the book's own weight files, npz_list, and the
 * header-level checks (ArrayCheck) that refuse a file before its data are read.
 *
 * The book's ch07 params.pkl and ch08 deep_convnet_params.pkl (../shared/data/, both the
 * 2016 files, protocol 3 with the keys in hash order, and the 2022 ones, protocol 4 with
 * FRAME, MEMOIZE and STACK_GLOBAL) load with the names and shapes data/README.md lists and
 * the values np.load... pickle.load gives (first and last element of each array, exactly:
 * they are float64). Skipped with a message when the files are absent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/npz.h"
#include "formats/weights.h"
#include "run.h"

#define SHARED DLFS_SOURCE_DIR "/../shared/data/"

typedef struct {
    const char *name;
    int ndim;
    size_t shape[4];
    double first, last;         /* v.flat[0], v.flat[-1] as pickle.load gives them */
} Want;

static void expect_file(const char *path, const Want *want, size_t n, int check_values)
{
    if (access(path, R_OK) != 0)
        cr_skip_test("%s is absent (the book's weight files live in ../shared/data/)", path);
    ArrayList l;
    char err[ERR_LEN] = "";
    cr_assert_eq(weights_load(path, &l, err), 0, "%s", err);
    cr_assert_eq(l.count, n, "%s: %zu arrays, expected %zu", path, l.count, n);
    for (size_t i = 0; i < n; i++) {
        const NamedArray *a = arraylist_find(&l, want[i].name);
        cr_assert_not_null(a, "%s: no array %s", path, want[i].name);
        cr_expect_eq(a->ndim, want[i].ndim, "%s: %s is %d-D", path, a->name, a->ndim);
        for (int k = 0; k < want[i].ndim; k++)
            cr_expect_eq(a->shape[k], want[i].shape[k], "%s: %s axis %d is %zu, not %zu", path,
                         a->name, k, a->shape[k], want[i].shape[k]);
        if (check_values && (want[i].first != 0 || want[i].last != 0)) {
            cr_expect_eq(a->data[0], want[i].first, "%s: %s[0] = %.17g", path, a->name,
                         a->data[0]);
            cr_expect_eq(a->data[a->size - 1], want[i].last, "%s: %s[-1] = %.17g", path,
                         a->name, a->data[a->size - 1]);
        }
    }
    arraylist_free(&l);
}

Test(weights, book2016_ch07_params_pkl)
{
    static const Want want[] = {
        { "W1", 4, { 30, 1, 5, 5 }, 0.01851250441566844, 0.03917457029909002 },
        { "b1", 1, { 30 }, -0.2569404604346134, -0.2343428252115794 },
        { "W2", 2, { 4320, 100 }, 0.11121464179125991, 0.004763136638220357 },
        { "b2", 1, { 100 }, 0.03032627478897181, -0.02415293481007106 },
        { "W3", 2, { 100, 10 }, -0.10332642169956274, -0.0012167741787561996 },
        { "b3", 1, { 10 }, 0.046838925133140696, 0.013353601948085044 },
    };
    expect_file(SHARED "book2016/ch07_params.pkl", want, 6, 1);
}

Test(weights, book2022_ch07_params_pkl)
{
    static const Want want[] = {
        { "W1", 4, { 30, 1, 5, 5 }, 0, 0 }, { "b1", 1, { 30 }, 0, 0 },
        { "W2", 2, { 4320, 100 }, 0, 0 }, { "b2", 1, { 100 }, 0, 0 },
        { "W3", 2, { 100, 10 }, 0, 0 }, { "b3", 1, { 10 }, 0, 0 },
    };
    expect_file(SHARED "book2022/ch07_params.pkl", want, 6, 0);
}

/* ch08 DeepConvNet: W1..W6 filters, W7 (1024, 50), W8 (50, 10), and b1..b8 */
#define DEEP(w1, w1l, b1, b1l, w7, w7l, w8, w8l) { \
        { "W1", 4, { 16, 1, 3, 3 }, w1, w1l }, { "W2", 4, { 16, 16, 3, 3 }, 0, 0 }, \
        { "W3", 4, { 32, 16, 3, 3 }, 0, 0 }, { "W4", 4, { 32, 32, 3, 3 }, 0, 0 }, \
        { "W5", 4, { 64, 32, 3, 3 }, 0, 0 }, { "W6", 4, { 64, 64, 3, 3 }, 0, 0 }, \
        { "W7", 2, { 1024, 50 }, w7, w7l }, { "W8", 2, { 50, 10 }, w8, w8l }, \
        { "b1", 1, { 16 }, b1, b1l }, { "b2", 1, { 16 }, 0, 0 }, { "b3", 1, { 32 }, 0, 0 }, \
        { "b4", 1, { 32 }, 0, 0 }, { "b5", 1, { 64 }, 0, 0 }, { "b6", 1, { 64 }, 0, 0 }, \
        { "b7", 1, { 50 }, 0, 0 }, { "b8", 1, { 10 }, 0, 0 } }

Test(weights, book2016_ch08_deep_convnet_params_pkl)
{
    static const Want want[] = DEEP(-0.040949688106248945, -0.3071634959599396,
                                    -0.1727588780843783, 0.03151916372016674,
                                    0.0043547201341014394, 0.033872858774606204,
                                    -0.47040759363703916, -0.18231893757065556);
    expect_file(SHARED "book2016/ch08_deep_convnet_params.pkl", want, 16, 1);
}

Test(weights, book2022_ch08_deep_convnet_params_pkl_protocol_4)
{
    static const Want want[] = DEEP(-0.8277412376260538, -0.04648231207688203,
                                    0.01927885645263165, 0.04308728431561233,
                                    0.032971401187949965, -3.973970700943336e-05,
                                    0.0025516390121961916, 0.20625942505385914);
    expect_file(SHARED "book2022/ch08_deep_convnet_params.pkl", want, 16, 1);
}

/* ---- the checks before the data ------------------------------------------------------ */

typedef struct {
    size_t calls, count;
    char first[ARRAY_NAME_LEN];
} Seen;

static int refuse_all(const ArrayInfo *a, size_t count, const char *file, void *ctx, char *err)
{
    Seen *s = ctx;
    s->calls++;
    s->count = count;
    snprintf(s->first, sizeof s->first, "%s", count ? a[0].name : "");
    return set_error(err, "%s: refused by the check", file);
}

Test(weights, a_check_sees_names_and_shapes_and_can_refuse)
{
    char *dir = make_temp_dir(), path[4096], err[ERR_LEN];
    ArrayList l = { 0, NULL };
    const size_t w[2] = { 3, 4 }, b[1] = { 4 };
    arraylist_add(&l, "W1", 2, w, calloc(12, sizeof(double)));
    arraylist_add(&l, "b1", 1, b, calloc(4, sizeof(double)));
    for (int compress = 0; compress < 2; compress++) {
        snprintf(path, sizeof path, "%s/w%d.npz", dir, compress);
        cr_assert_eq(npz_save(path, &l, compress, err), 0, "%s", err);
        ArrayInfo *info;
        size_t n;
        cr_assert_eq(npz_list(path, &info, &n, err), 0, "%s", err);
        cr_assert_eq(n, 2);
        cr_expect_str_eq(info[0].name, "W1");
        cr_expect(info[0].ndim == 2 && info[0].shape[0] == 3 && info[0].shape[1] == 4);
        cr_expect(info[1].ndim == 1 && info[1].shape[0] == 4 && info[1].size == 4);
        free(info);
        Seen seen = { 0, 0, "" };
        ArrayList out;
        cr_assert_eq(weights_load_checked(path, refuse_all, &seen, &out, err), -1);
        cr_expect_eq(seen.calls, 1);
        cr_expect_eq(seen.count, 2);
        cr_expect_str_eq(seen.first, "W1");
        cr_expect(out.count == 0 && out.items == NULL);
        char want[sizeof path + 64];
        snprintf(want, sizeof want, "%s: refused by the check", path);
        cr_expect_str_eq(err, want);
    }
    arraylist_free(&l);
    if (access(SHARED "sample_weight.pkl", R_OK) == 0) {
        Seen seen = { 0, 0, "" };
        ArrayList out;
        cr_assert_eq(weights_load_checked(SHARED "sample_weight.pkl", refuse_all, &seen, &out,
                                          err), -1);
        cr_expect_eq(seen.count, 6);
    }
    remove_temp_dir(dir);
}

Test(weights, refuses_what_is_not_a_regular_file)
{
    ArrayList l;
    char err[ERR_LEN], *dir = make_temp_dir(), path[4096], want[4200];
    cr_assert_eq(weights_load(dir, &l, err), -1);
    snprintf(want, sizeof want, "%s: is a directory, not a weight file", dir);
    cr_expect_str_eq(err, want);
    cr_assert_eq(weights_load("/dev/null", &l, err), -1);
    cr_expect_str_eq(err, "/dev/null: is a character device, not a weight file");
    cr_assert_eq(weights_load_arrays("/dev/null", &l, err), -1);     /* the ch08 branch's name */
    cr_expect_str_eq(err, "/dev/null: is a character device, not a weight file");
    snprintf(path, sizeof path, "%s/fifo.pkl", dir);
    cr_assert_eq(mkfifo(path, 0600), 0);
    cr_assert_eq(weights_load(path, &l, err), -1);      /* returns at once: never opened */
    snprintf(want, sizeof want, "%s: is a FIFO, not a weight file", path);
    cr_expect_str_eq(err, want);
    remove_temp_dir(dir);
}
