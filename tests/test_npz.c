/* test_npz.c - common/formats/npz.c reads what NumPy writes and writes what NumPy reads.
 *
 * The files in tests/fixtures/npz/ were written by NumPy 1.24.2 (np.savez,
 * np.savez_compressed, zipfile) with make_fixtures.py; their values follow formulas
 * that the tests recompute here, so every comparison is bit for bit. Broken files are
 * made here: fixtures with a byte changed, or small archives built by zip_build().
 */
#define ZLIB_CONST
#include "formats/npz.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#ifndef DLFS_SOURCE_DIR
#define DLFS_SOURCE_DIR "."
#endif
#define FIXTURES DLFS_SOURCE_DIR "/tests/fixtures/npz/"

/* ---- helpers -------------------------------------------------------------------- */

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* make_fixtures.py's ramp: (k - offset) / div at C-order flat index k. */
static double ramp(size_t k, double div, double offset) { return ((double)k - offset) / div; }

static unsigned char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    cr_assert(buf && fread(buf, 1, (size_t)n, f) == (size_t)n, "reading %s", path);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The bytes of fixture name; skips the test when it is absent. */
static unsigned char *fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", FIXTURES, name);
    unsigned char *buf = read_whole(path, len);
    if (!buf)
        cr_skip_test("%s is absent (made by make_fixtures.py)", path);
    return buf;
}

/* npz_parse on an exact-size copy, so that a read past the end is caught by ASan. */
static int parse(const unsigned char *buf, size_t len, ArrayList *out, char *err)
{
    unsigned char *copy = malloc(len ? len : 1);
    memcpy(copy, buf, len);
    err[0] = '\0';
    int rc = npz_parse(copy, len, "w.npz", out, err);
    free(copy);
    return rc;
}

static ArrayList parse_fixture(const char *name)
{
    size_t len;
    unsigned char *buf = fixture(name, &len);
    ArrayList l = { 0, NULL };
    char err[ERR_LEN];
    int rc = parse(buf, len, &l, err);
    free(buf);
    cr_assert_eq(rc, 0, "%s: %s", name, err);
    return l;
}

static void expect_refused(const unsigned char *buf, size_t len, const char *message)
{
    ArrayList l = { 0, NULL };
    char err[ERR_LEN];
    cr_assert_eq(parse(buf, len, &l, err), -1, "accepted, expected \"%s\"", message);
    cr_expect_eq(l.count, 0);
    cr_expect(strstr(err, message) != NULL, "got \"%s\", expected \"%s\"", err, message);
}

/* The array called name has this shape, and value(k) at each C-order index k. */
static const NamedArray *expect_array(const ArrayList *l, const char *name, int ndim,
                                      const size_t *shape)
{
    const NamedArray *a = arraylist_find(l, name);
    cr_assert_not_null(a, "no array %s", name);
    cr_assert_eq(a->ndim, ndim, "%s: ndim %d, expected %d", name, a->ndim, ndim);
    size_t size = 1;
    for (int k = 0; k < ndim; k++) {
        cr_expect_eq(a->shape[k], shape[k], "%s: axis %d is %zu, expected %zu", name, k,
                     a->shape[k], shape[k]);
        size *= shape[k];
    }
    cr_assert_eq(a->size, size);
    return a;
}

static void expect_value(const NamedArray *a, size_t k, double want)
{
    cr_expect(bits_of(a->data[k]) == bits_of(want), "%s[%zu]: got %.17g, expected %.17g",
              a->name, k, a->data[k], want);
}

static void expect_same_lists(const ArrayList *got, const ArrayList *want)
{
    cr_assert_eq(got->count, want->count);
    for (size_t i = 0; i < want->count; i++) {
        const NamedArray *w = &want->items[i], *g = &got->items[i];
        cr_assert_str_eq(g->name, w->name, "array %zu", i);
        cr_assert_eq(g->ndim, w->ndim, "%s", w->name);
        for (int k = 0; k < w->ndim; k++)
            cr_assert_eq(g->shape[k], w->shape[k], "%s axis %d", w->name, k);
        for (size_t j = 0; j < w->size; j++)
            expect_value(g, j, w->data[j]);
    }
}

/* Little-endian fields, for building and patching archives. */
static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xFFFF); put16(p + 2, v >> 16); }

/* Offset of the first occurrence of needle (n bytes) at or after from, or len. */
static size_t find(const unsigned char *buf, size_t len, size_t from, const void *needle, size_t n)
{
    for (size_t i = from; i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return i;
    return len;
}

/* The central directory record of entry name. */
static size_t central_record(const unsigned char *buf, size_t len, const char *name)
{
    for (size_t p = find(buf, len, 0, "PK\1\2", 4); p < len; p = find(buf, len, p + 4, "PK\1\2", 4))
        if (memcmp(buf + p + 46, name, strlen(name)) == 0)
            return p;
    cr_assert_fail("no central directory record for %s", name);
    return 0;
}

/* A .npy 1.0 file in out[NPY_BUF]: the header dict padded to 64 bytes, then n bytes. */
enum { NPY_BUF = 1024 };
static size_t make_npy(unsigned char *out, const char *dict, const void *values, size_t n)
{
    size_t text = strlen(dict), total = (10 + text + 1 + 63) / 64 * 64;
    cr_assert_leq(total + n, NPY_BUF, "make_npy: buffer too small");
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    put16(out + 8, (uint32_t)(total - 10));
    memcpy(out + 10, dict, text);
    memset(out + 10 + text, ' ', total - 10 - text - 1);
    out[total - 1] = '\n';
    memcpy(out + total, values, n);
    return total + n;
}

static void put_f8(unsigned char *p, double v)
{
    uint64_t u = bits_of(v);
    for (int b = 0; b < 8; b++)
        p[b] = (unsigned char)(u >> (8 * b));
}

/* A minimal ZIP of entries: stored, or deflated (raw) when deflate is set; declared,
 * when non-zero, replaces the uncompressed size written in the headers. */
typedef struct {
    const char *name;
    const unsigned char *data;
    size_t n;
    int deflate;
    uint32_t declared;
} ZipEntry;

static unsigned char *zip_build(const ZipEntry *e, int count, size_t *len)
{
    size_t cap = 4096;
    for (int i = 0; i < count; i++)
        cap += 2 * e[i].n + 200;
    unsigned char *z = calloc(1, cap), *cd = calloc(1, 4096);
    size_t pos = 0, cd_len = 0;
    for (int i = 0; i < count; i++) {
        size_t name_len = strlen(e[i].name), csize = e[i].n;
        uint32_t crc = (uint32_t)crc32(0, e[i].data, (uInt)e[i].n);
        unsigned char *h = z + pos, *c = cd + cd_len;
        unsigned char *data = h + 30 + name_len;
        if (e[i].deflate) {
            z_stream s;
            memset(&s, 0, sizeof s);
            cr_assert_eq(deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
            s.next_in = e[i].data;
            s.avail_in = (uInt)e[i].n;
            s.next_out = data;
            s.avail_out = (uInt)(cap - (size_t)(data - z));
            cr_assert_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
            csize = s.total_out;
            deflateEnd(&s);
        } else {
            memcpy(data, e[i].data, e[i].n);
        }
        uint32_t usize = e[i].declared ? e[i].declared : (uint32_t)e[i].n;
        put32(h, 0x04034b50);
        put16(h + 4, 20);
        put16(h + 8, e[i].deflate ? 8 : 0);
        put32(h + 14, crc);
        put32(h + 18, (uint32_t)csize);
        put32(h + 22, usize);
        put16(h + 26, (uint32_t)name_len);
        memcpy(h + 30, e[i].name, name_len);
        put32(c, 0x02014b50);
        put16(c + 4, 20);
        put16(c + 6, 20);
        memcpy(c + 10, h + 8, 20);          /* method .. name length, as in the local header */
        put32(c + 42, (uint32_t)pos);
        memcpy(c + 46, e[i].name, name_len);
        pos += 30 + name_len + csize;
        cd_len += 46 + name_len;
    }
    memcpy(z + pos, cd, cd_len);
    free(cd);
    unsigned char *end = z + pos + cd_len;
    put32(end, 0x06054b50);
    put16(end + 8, (uint32_t)count);
    put16(end + 10, (uint32_t)count);
    put32(end + 12, (uint32_t)cd_len);
    put32(end + 16, (uint32_t)pos);
    *len = pos + cd_len + 22;
    return z;
}

/* One stored entry W1.npy holding a .npy with this header dict and values. */
static unsigned char *one_npy_zip(const char *dict, const unsigned char *values, size_t n,
                                  size_t *len)
{
    unsigned char npy[NPY_BUF];
    ZipEntry e = { "W1.npy", npy, make_npy(npy, dict, values, n), 0, 0 };
    return zip_build(&e, 1, len);
}

/* A fresh directory under /tmp, and its removal (it holds files only). */
static void make_temp_dir(char *dir)
{
    strcpy(dir, "/tmp/test_npz.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void remove_temp_dir(const char *dir)
{
    DIR *d = opendir(dir);
    char path[512];
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* The book's TwoLayerNet (784, 50, 10) plus a scalar, a 3-d and an empty array, with
 * values of every magnitude and sign. */
static ArrayList two_layer_net_weights(void)
{
    static const struct { const char *name; int ndim; size_t shape[3]; } spec[] = {
        { "W1", 2, { 784, 50 } }, { "b1", 1, { 50 } }, { "W2", 2, { 50, 10 } },
        { "b2", 1, { 10 } }, { "loss", 0, { 0 } }, { "cube", 3, { 2, 3, 4 } },
        { "none", 2, { 0, 3 } },
    };
    ArrayList l = { 0, NULL };
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        size_t n = 1;
        for (int k = 0; k < spec[i].ndim; k++)
            n *= spec[i].shape[k];
        double *v = malloc(n ? n * sizeof *v : 1);
        for (size_t k = 0; k < n; k++)
            v[k] = sin((double)(k + 7 * i) + 0.5) * pow(10.0, (double)((k + i) % 41) - 20.0);
        if (i == 1)
            v[0] = -0.0;
        arraylist_add(&l, spec[i].name, spec[i].ndim, spec[i].shape, v);
    }
    return l;
}

/* ---- reading what NumPy writes ---------------------------------------------------- */

Test(npz, reads_np_savez_float64_exactly)
{
    ArrayList l = parse_fixture("savez_f64.npz");
    cr_assert_eq(l.count, 4);
    cr_expect_str_eq(l.items[0].name, "W1");     /* in the archive's order */
    const NamedArray *w1 = expect_array(&l, "W1", 2, (size_t[]){ 2, 3 });
    for (size_t k = 0; k < 6; k++)
        expect_value(w1, k, ramp(k, 7, 2.5));
    const NamedArray *b1 = expect_array(&l, "b1", 1, (size_t[]){ 3 });
    for (size_t k = 0; k < 3; k++)
        expect_value(b1, k, ramp(k, 3, 1));
    expect_value(expect_array(&l, "s", 0, NULL), 0, -0.75);
    const NamedArray *edge = expect_array(&l, "edge", 1, (size_t[]){ 5 });
    static const double edges[5] = { -0.0, 5e-324, 1.7976931348623157e308, 0.1,
                                     -2.2250738585072014e-308 };
    for (size_t k = 0; k < 5; k++)
        expect_value(edge, k, edges[k]);
    arraylist_free(&l);
}

Test(npz, reads_np_savez_compressed_float32_exactly)
{
    ArrayList l = parse_fixture("savez_compressed_f32.npz");
    const NamedArray *w1 = expect_array(&l, "W1", 2, (size_t[]){ 4, 5 });
    for (size_t k = 0; k < 20; k++)
        expect_value(w1, k, (double)(float)ramp(k, 7, 10));
    const NamedArray *b1 = expect_array(&l, "b1", 1, (size_t[]){ 5 });
    for (size_t k = 0; k < 5; k++)
        expect_value(b1, k, (double)(float)ramp(k, 9, 0));
    arraylist_free(&l);
}

Test(npz, reads_big_endian_float64_and_float32)
{
    ArrayList l = parse_fixture("big_endian.npz");
    const NamedArray *w = expect_array(&l, "W", 2, (size_t[]){ 2, 3 });
    for (size_t k = 0; k < 6; k++)
        expect_value(w, k, ramp(k, 7, 2.5));
    const NamedArray *w32 = expect_array(&l, "w32", 2, (size_t[]){ 3, 2 });
    for (size_t k = 0; k < 6; k++)
        expect_value(w32, k, (double)(float)ramp(k, 11, 1));
    arraylist_free(&l);
}

Test(npz, converts_fortran_order_to_c_order)
{
    ArrayList l = parse_fixture("fortran.npz");
    const NamedArray *x = expect_array(&l, "x", 3, (size_t[]){ 2, 3, 4 });
    for (size_t k = 0; k < 24; k++)
        expect_value(x, k, ramp(k, 3, 0));
    const NamedArray *m = expect_array(&l, "m", 2, (size_t[]){ 3, 5 });
    for (size_t k = 0; k < 15; k++)
        expect_value(m, k, (double)(float)ramp(k, 7, 1));
    arraylist_free(&l);
}

Test(npz, reads_npy_format_versions_1_2_and_3)
{
    ArrayList l = parse_fixture("versions.npz");
    const char *names[3] = { "v1", "v2", "v3" };
    for (int v = 0; v < 3; v++) {
        const NamedArray *a = expect_array(&l, names[v], 2, (size_t[]){ 2, 2 });
        for (size_t k = 0; k < 4; k++)
            expect_value(a, k, ramp(k, 4, v + 1));
    }
    arraylist_free(&l);
}

Test(npz, reads_two_layer_net_weights_saved_by_numpy)
{
    ArrayList l = parse_fixture("two_layer_net.npz");
    cr_assert_eq(l.count, 4);
    const NamedArray *w1 = expect_array(&l, "W1", 2, (size_t[]){ 784, 50 });
    const NamedArray *w2 = expect_array(&l, "W2", 2, (size_t[]){ 50, 10 });
    for (size_t k = 0; k < w1->size; k++)
        expect_value(w1, k, ((double)((k * 7919) % 1000) - 500) / 50000.0);
    for (size_t k = 0; k < w2->size; k++)
        expect_value(w2, k, ((double)((k * 7919) % 1000) - 500) / 50000.0);
    const NamedArray *b1 = expect_array(&l, "b1", 1, (size_t[]){ 50 });
    const NamedArray *b2 = expect_array(&l, "b2", 1, (size_t[]){ 10 });
    for (size_t k = 0; k < 50; k++)
        expect_value(b1, k, 0.0);
    for (size_t k = 0; k < 10; k++)
        expect_value(b2, k, 0.0);
    arraylist_free(&l);
}

Test(npz, reads_zip64_records_and_data_descriptors)
{
    const char *files[2] = { "zip64.npz", "streamed.npz" };
    for (int f = 0; f < 2; f++) {
        ArrayList l = parse_fixture(files[f]);
        const NamedArray *w1 = expect_array(&l, "W1", 2, (size_t[]){ 2, 3 });
        for (size_t k = 0; k < 6; k++)
            expect_value(w1, k, ramp(k, 7, 2.5));
        const NamedArray *b1 = expect_array(&l, "b1", 1, (size_t[]){ 3 });
        for (size_t k = 0; k < 3; k++)
            expect_value(b1, k, ramp(k, 3, 1));
        arraylist_free(&l);
    }
}

Test(npz, a_name_missing_from_the_directory_is_simply_absent)
{
    ArrayList l = parse_fixture("savez_f64.npz");
    cr_expect_null(arraylist_find(&l, "W3"));
    cr_expect_null(arraylist_find(&l, "W1.npy"));
    arraylist_free(&l);
}

Test(npz, accepts_the_header_dicts_numpy_accepts)
{
    /* keys in any order, double quotes, Python 2 longs, native byte order, no padding rule */
    static const char *dicts[] = {
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }",
        "{'shape': (2L, 1L), 'fortran_order': False, 'descr': '<f8'}",
        "{\"descr\":\"=f8\",\"fortran_order\":False,\"shape\":(2,1,)}",
        "{'descr': '|f8', 'fortran_order': True, 'shape': (2, 1)}",
    };
    unsigned char values[16];
    put_f8(values, 0.25);
    put_f8(values + 8, -1.5);
    for (size_t i = 0; i < sizeof dicts / sizeof dicts[0]; i++) {
        size_t len;
        unsigned char *z = one_npy_zip(dicts[i], values, 16, &len);
        ArrayList l = { 0, NULL };
        char err[ERR_LEN];
        cr_assert_eq(parse(z, len, &l, err), 0, "%s: %s", dicts[i], err);
        const NamedArray *a = expect_array(&l, "W1", 2, (size_t[]){ 2, 1 });
        expect_value(a, 0, 0.25);
        expect_value(a, 1, -1.5);
        arraylist_free(&l);
        free(z);
    }
}

/* ---- writing what NumPy reads ---------------------------------------------------- */

Test(npz, round_trip_keeps_two_layer_net_weights_exactly)
{
    char dir[64], path[128], err[ERR_LEN];
    make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/w.npz", dir);
    ArrayList saved = two_layer_net_weights();
    for (int compress = 0; compress <= 1; compress++) {
        cr_assert_eq(npz_save(path, &saved, compress, err), 0, "%s", err);
        ArrayList loaded = { 0, NULL };
        cr_assert_eq(npz_load(path, &loaded, err), 0, "%s", err);
        expect_same_lists(&loaded, &saved);
        cr_expect(signbit(arraylist_find(&loaded, "b1")->data[0]), "-0.0 keeps its sign");
        arraylist_free(&loaded);
    }
    arraylist_free(&saved);
    ArrayList empty = { 0, NULL }, loaded = { 0, NULL };
    cr_assert_eq(npz_save(path, &empty, 0, err), 0, "%s", err);
    cr_assert_eq(npz_load(path, &loaded, err), 0, "%s", err);
    cr_expect_eq(loaded.count, 0);
    remove_temp_dir(dir);
}

/* Our .npy entries are the bytes np.savez writes for the same arrays (NumPy 1.24). */
Test(npz, written_npy_entries_match_numpy_byte_for_byte)
{
    size_t ref_len, len;
    unsigned char *ref = fixture("savez_f64.npz", &ref_len);
    ArrayList l = parse_fixture("savez_f64.npz");
    char dir[64], path[128], err[ERR_LEN];
    make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/w.npz", dir);
    cr_assert_eq(npz_save(path, &l, 0, err), 0, "%s", err);
    unsigned char *ours = read_whole(path, &len);

    /* the first local header: signature, version 2.0, stored, "W1.npy", no extra field */
    cr_expect_eq(get32(ours), 0x04034b50u);
    cr_expect_eq(ours[4], 20);
    cr_expect_eq(ours[8] | ours[9] << 8, 0, "method: stored");
    cr_expect_eq(memcmp(ours + 30, "W1.npy", 6), 0);
    cr_expect_eq(ours[28] | ours[29] << 8, 0, "extra field length");
    const unsigned char *npy = ours + 36;
    static const char dict[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    cr_expect_eq(memcmp(npy, "\x93NUMPY\x01\x00", 8), 0, "magic and version 1.0");
    size_t header = 10 + (size_t)(npy[8] | npy[9] << 8);
    cr_expect_eq(header % 64, 0, "data aligned to 64 bytes");
    cr_expect_eq(memcmp(npy + 10, dict, sizeof dict - 1), 0, "header dict text");
    for (size_t i = 10 + sizeof dict - 1; i < header - 1; i++)
        cr_expect_eq(npy[i], ' ', "padding at %zu", i);
    cr_expect_eq(npy[header - 1], '\n');

    const char *names[4] = { "W1.npy", "b1.npy", "s.npy", "edge.npy" };
    for (int i = 0; i < 4; i++) {
        size_t at = find(ours, len, 0, names[i], strlen(names[i]));
        size_t ref_at = find(ref, ref_len, 0, names[i], strlen(names[i]));
        at = find(ours, len, at, "\x93NUMPY", 6);
        ref_at = find(ref, ref_len, ref_at, "\x93NUMPY", 6);
        cr_assert(at < len && ref_at < ref_len, "%s: no .npy found", names[i]);
        const NamedArray *a = &l.items[i];
        size_t n = 10 + (size_t)(ref[ref_at + 8] | ref[ref_at + 9] << 8) + 8 * a->size;
        cr_assert(at + n <= len && ref_at + n <= ref_len);
        cr_expect_eq(memcmp(ours + at, ref + ref_at, n), 0, "%s differs from NumPy's", names[i]);
    }
    free(ours);
    free(ref);
    arraylist_free(&l);
    remove_temp_dir(dir);
}

Test(npz, compressed_entries_are_deflated)
{
    char dir[64], path[128], err[ERR_LEN];
    make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/w.npz", dir);
    ArrayList l = { 0, NULL };
    arraylist_add(&l, "b1", 1, (size_t[]){ 1000 }, calloc(1000, sizeof(double)));
    cr_assert_eq(npz_save(path, &l, 1, err), 0, "%s", err);
    size_t len;
    unsigned char *z = read_whole(path, &len);
    cr_expect_eq(z[8] | z[9] << 8, 8, "method: deflated");
    cr_expect_lt(len, 1000, "8000 bytes of zeros deflate to %zu", len);
    free(z);
    arraylist_free(&l);
    remove_temp_dir(dir);
}

Test(npz, saving_over_a_file_replaces_it_atomically)
{
    char dir[64], path[128], err[ERR_LEN];
    make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/w.npz", dir);
    ArrayList first = two_layer_net_weights(), second = { 0, NULL }, loaded = { 0, NULL };
    double *v = malloc(2 * sizeof *v);
    v[0] = 1.0, v[1] = 2.0;
    arraylist_add(&second, "W1", 1, (size_t[]){ 2 }, v);
    cr_assert_eq(npz_save(path, &first, 0, err), 0, "%s", err);
    cr_assert_eq(npz_save(path, &second, 0, err), 0, "%s", err);
    cr_assert_eq(npz_load(path, &loaded, err), 0, "%s", err);
    expect_same_lists(&loaded, &second);
    arraylist_free(&loaded);
    cr_expect_eq(count_files(dir), 1, "only w.npz is left, no temporary file");

    /* a failed save (NaN weights, as after a diverged training) leaves the file alone */
    v[1] = NAN;
    cr_assert_eq(npz_save(path, &second, 0, err), -1);
    cr_expect(strstr(err, "w.npz: refusing to save: W1 holds NaN (first at flat index 1)"),
              "got \"%s\"", err);
    cr_assert_eq(npz_load(path, &loaded, err), 0, "%s", err);
    expect_value(&loaded.items[0], 1, 2.0);
    cr_expect_eq(count_files(dir), 1);
    arraylist_free(&loaded);
    arraylist_free(&first);
    arraylist_free(&second);
    remove_temp_dir(dir);
}

Test(npz, saving_into_a_missing_directory_fails_and_leaves_nothing)
{
    char dir[64], path[160], missing[128], err[ERR_LEN];
    make_temp_dir(dir);
    snprintf(missing, sizeof missing, "%s/missing", dir);
    snprintf(path, sizeof path, "%s/w.npz", missing);
    ArrayList l = two_layer_net_weights();
    cr_assert_eq(npz_save(path, &l, 0, err), -1);
    cr_expect(strstr(err, path) && strstr(err, "No such file or directory"), "got \"%s\"", err);
    struct stat st;
    cr_expect_neq(stat(missing, &st), 0, "the directory was not created");
    cr_expect_eq(count_files(dir), 0);
    arraylist_free(&l);
    remove_temp_dir(dir);
}

Test(npz, load_names_a_missing_file)
{
    ArrayList l = { 0, NULL };
    char err[ERR_LEN];
    cr_assert_eq(npz_load("/nonexistent/w.npz", &l, err), -1);
    cr_expect_str_eq(err, "/nonexistent/w.npz: cannot open: No such file or directory");
}

/* ---- refusing broken files ------------------------------------------------------- */

Test(npz, refuses_every_truncation)
{
    const char *files[] = { "savez_f64.npz", "savez_compressed_f32.npz", "zip64.npz",
                            "streamed.npz" };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        unsigned char *buf = fixture(files[f], &len);
        for (size_t n = 0; n < len; n++) {
            ArrayList l = { 0, NULL };
            char err[ERR_LEN];
            cr_assert_eq(parse(buf, n, &l, err), -1, "%s cut to %zu bytes was accepted",
                         files[f], n);
            cr_assert(strncmp(err, "w.npz: ", 7) == 0 && strlen(err) > 7, "%s", err);
            cr_assert_eq(l.count, 0);
        }
        free(buf);
    }
}

/* A changed byte is refused, or lands in a field nothing depends on (a date, the CRC
 * in a local header): either way the values never change. */
Test(npz, survives_every_one_byte_change)
{
    const char *files[] = { "savez_f64.npz", "savez_compressed_f32.npz", "zip64.npz" };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        unsigned char *buf = fixture(files[f], &len);
        ArrayList good = parse_fixture(files[f]);
        for (size_t i = 0; i < len; i++) {
            ArrayList l = { 0, NULL };
            char err[ERR_LEN];
            buf[i] ^= 0x5a;
            if (parse(buf, len, &l, err) == 0) {
                expect_same_lists(&l, &good);
                arraylist_free(&l);
            } else {
                cr_assert(strncmp(err, "w.npz: ", 7) == 0, "%s", err);
            }
            buf[i] ^= 0x5a;
        }
        arraylist_free(&good);
        free(buf);
    }
}

Test(npz, refuses_a_wrong_crc)
{
    size_t len;
    unsigned char *buf = fixture("savez_f64.npz", &len);
    size_t at = find(buf, len, find(buf, len, 0, "\x93NUMPY", 6), "\n", 1) + 1;
    buf[at + 3] ^= 1;                       /* a byte of W1's first value */
    expect_refused(buf, len, "w.npz: entry W1.npy: CRC mismatch");
    free(buf);
}

Test(npz, refuses_a_central_directory_past_the_end)
{
    size_t len;
    unsigned char *buf = fixture("savez_f64.npz", &len);
    put32(buf + len - 22 + 16, (uint32_t)len);  /* the end record's directory offset */
    expect_refused(buf, len, "w.npz: truncated: central directory past end of file");
    free(buf);
}

Test(npz, refuses_bad_npy_magic)
{
    unsigned char npy[NPY_BUF];
    size_t n = make_npy(npy, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                        "\0\0\0\0\0\0\0\0", 8), len;
    npy[5] = 'Z';
    ZipEntry e = { "W1.npy", npy, n, 0, 0 };
    unsigned char *z = zip_build(&e, 1, &len);
    expect_refused(z, len, "w.npz: entry W1.npy: not a .npy file (bad magic)");
    free(z);
}

Test(npz, refuses_int64)
{
    size_t len;
    unsigned char *buf = fixture("int64.npz", &len);
    expect_refused(buf, len,
                   "w.npz: entry W1.npy: unsupported dtype '<i8' (only float32 and float64)");
    free(buf);
}

Test(npz, refuses_headers_numpy_refuses_or_we_do_not_support)
{
    static const struct { const char *dict, *message; } cases[] = {
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 2), }",
          "shape product overflows" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
          "shape product overflows" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }",
          "shape has more than 8 axes" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1), }", "shape is not a tuple" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }",
          "shape is not a tuple of non-negative integers" },
        { "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype '<f2'" },
        { "{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1,), }",
          "unsupported dtype" },
        { "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }",
          "fortran_order is not True or False" },
        { "{'descr': '<f8', 'shape': (1,), }", "header lacks the key 'fortran_order'" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}",
          "header has an unexpected key 'x'" },
        { "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}",
          "header repeats the key 'descr'" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}}",
          "stray text after the header dict" },
        { "['descr', '<f8']", "header is not a dict" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
          "holds 8 data bytes, shape (2,) of float64 needs 16" },
    };
    unsigned char value[8];
    put_f8(value, 1.0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        unsigned char *z = one_npy_zip(cases[i].dict, value, 8, &len);
        expect_refused(z, len, cases[i].message);
        free(z);
    }
}

Test(npz, refuses_an_entry_claiming_4_gib)
{
    size_t len;
    unsigned char *buf = fixture("savez_f64.npz", &len);
    put32(buf + central_record(buf, len, "W1.npy") + 24, 0xFFFFFFFFu);
    expect_refused(buf, len, "w.npz: entry W1.npy: declares 4294967295 bytes uncompressed, "
                   "more than the 41943040 bytes a weight file may hold");
    free(buf);

    /* the same claim in a zip64 extra field: 4 GiB exactly */
    buf = fixture("zip64.npz", &len);
    size_t c = central_record(buf, len, "W1.npy");
    cr_assert_eq(get32(buf + c + 24), 0xFFFFFFFFu, "the fixture uses the zip64 field");
    put32(buf + c + 46 + 6 + 4, 0);
    put32(buf + c + 46 + 6 + 8, 1);         /* uncompressed size: 1 << 32 */
    expect_refused(buf, len, "declares 4294967296 bytes uncompressed");
    free(buf);
}

Test(npz, an_inflate_bomb_stops_at_its_declared_size)
{
    /* A scalar's .npy (136 bytes) followed by 1 MiB of zeros deflates to about 1 KiB; the
     * headers claim 136 bytes, which the .npy header agrees with */
    unsigned char npy[NPY_BUF];
    size_t npy_len = make_npy(npy, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                              "\0\0\0\0\0\0\0\0", 8);
    cr_assert_eq(npy_len, 136);
    size_t n = 1 << 20, len;
    unsigned char *bomb = calloc(1, n);
    memcpy(bomb, npy, npy_len);
    ZipEntry e = { "W1.npy", bomb, n, 1, 136 };
    unsigned char *z = zip_build(&e, 1, &len);
    expect_refused(z, len, "w.npz: entry W1.npy: inflates to more than the 136 bytes it declares");
    free(z);
    free(bomb);

    /* and a stream that ends early: a (2,) array's .npy (144 bytes) cut to 136 */
    npy_len = make_npy(npy, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                       "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    cr_assert_eq(npy_len, 144);
    e = (ZipEntry){ "W1.npy", npy, 136, 1, 144 };
    z = zip_build(&e, 1, &len);
    expect_refused(z, len, "w.npz: entry W1.npy: inflates to 136 bytes, it declares 144");
    free(z);
}

Test(npz, refuses_nan_and_inf)
{
    size_t len;
    unsigned char *buf = fixture("nan.npz", &len);
    expect_refused(buf, len, "w.npz: W1 holds NaN (first at flat index 1)");
    free(buf);
    unsigned char values[16];
    put_f8(values, 1.0);
    put_f8(values + 8, -INFINITY);
    unsigned char *z = one_npy_zip("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                                   values, 16, &len);
    expect_refused(z, len, "w.npz: W1 holds -Inf (first at flat index 1)");
    free(z);
}

Test(npz, refuses_what_is_not_an_npz_of_arrays)
{
    unsigned char npy[NPY_BUF], value[8];
    put_f8(value, 1.0);
    size_t n = make_npy(npy, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", value, 8);
    size_t len;
    ZipEntry twice[2] = { { "W1.npy", npy, n, 0, 0 }, { "W1.npy", npy, n, 0, 0 } };
    unsigned char *z = zip_build(twice, 2, &len);
    expect_refused(z, len, "w.npz: two entries are named W1.npy");
    free(z);
    ZipEntry text = { "notes.txt", npy, n, 0, 0 };
    z = zip_build(&text, 1, &len);
    expect_refused(z, len, "w.npz: entry notes.txt: not a .npy file");
    free(z);
    ZipEntry stored = { "W1.npy", npy, n, 0, 0 };
    z = zip_build(&stored, 1, &len);
    put16(z + 8, 12);                                  /* bzip2, in both headers */
    put16(z + central_record(z, len, "W1.npy") + 10, 12);
    expect_refused(z, len, "w.npz: entry W1.npy: compression method 12 not supported");
    free(z);
    expect_refused((const unsigned char *)"hello", 5,
                   "w.npz: truncated or not a ZIP file: no end-of-central-directory record");
}
