/* test_bad_input.c - the bad-input table of tests/README.md, row by row.
 *
 * Each test runs a real chapter program (DLFS_BIN_DIR) on a bad input that the test makes
 * in its own temporary directory {T}: missing, empty, truncated or cut gzip MNIST files, a
 * wrong magic number, more images than labels, absurd dimensions and counts, weight files
 * that are empty, cut short, hold NaN or Inf, don't chain, or a pickle that calls os.system,
 * and options out of range or not numbers. Every row checks:
 *   - the exit status (1, never a signal, never a timeout: run_program has `timeout 300`);
 *   - stderr is exactly one line, "<program>: <message>" with {T} for the temp directory;
 *   - stdout is empty when the program fails before its first result (rows marked EARLY);
 *     the MNIST chapters show their data before they read weights, so a weight error comes
 *     after that output (LATE) and after mnist_digit.pgm, which must then be whole;
 *   - no half-written file anywhere under {T} (no "*.tmp.*" left by atomic.h).
 * The control rows (valid_inputs_*) run the same fixtures with nothing wrong and must pass,
 * so a failure in another row comes from the defect that row introduces.
 * Suite fuzz_regressions replays, as unit tests, the inputs `make fuzz` found crashing.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "numpy/arrays.h"
#include "sys/checked.h"
#include "formats/npz.h"
#include "run.h"

static char *T;     /* this test's temporary directory */

/* ---- files -------------------------------------------------------------------------- */

/* "{T}/<name>" (malloc'd) */
static char *in_T(const char *name)
{
    size_t n = strlen(T) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", T, name);
    return p;
}

static void write_bytes(const char *name, const void *bytes, size_t n)
{
    char *path = in_T(name);
    write_binary_file(path, bytes, n);
    free(path);
}

static void make_dir(const char *name)
{
    char *path = in_T(name);
    cr_assert_eq(mkdir(path, 0777), 0, "mkdir %s", path);
    free(path);
}

/* ---- IDX files ------------------------------------------------------------------------- */

typedef struct {
    unsigned char *p;
    size_t n;
} Bytes;

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* An image file: header (magic, count, rows, cols) then `pixels` bytes i % 256. */
static Bytes idx_images(uint32_t magic, uint32_t count, uint32_t rows, uint32_t cols,
                        size_t pixels)
{
    Bytes b = { malloc(16 + pixels), 16 + pixels };
    put_be32(b.p, magic), put_be32(b.p + 4, count), put_be32(b.p + 8, rows);
    put_be32(b.p + 12, cols);
    for (size_t i = 0; i < pixels; i++)
        b.p[16 + i] = (unsigned char)(i % 256);
    return b;
}

/* A label file: header (magic, count) then n labels, each `label` (or i % 10 when -1). */
static Bytes idx_labels(uint32_t magic, uint32_t count, size_t n, int label)
{
    Bytes b = { malloc(8 + n), 8 + n };
    put_be32(b.p, magic), put_be32(b.p + 4, count);
    for (size_t i = 0; i < n; i++)
        b.p[8 + i] = (unsigned char)(label < 0 ? (int)(i % 10) : label);
    return b;
}

/* {T}/<dir>/ with both splits (t10k- and train-) holding these images and labels. */
static void mnist_dir(const char *dir, Bytes images, Bytes labels)
{
    make_dir(dir);
    static const char *const prefix[2] = { "t10k", "train" };
    char name[256];
    for (int s = 0; s < 2; s++) {
        snprintf(name, sizeof name, "%s/%s-images-idx3-ubyte", dir, prefix[s]);
        write_bytes(name, images.p, images.n);
        snprintf(name, sizeof name, "%s/%s-labels-idx1-ubyte", dir, prefix[s]);
        write_bytes(name, labels.p, labels.n);
    }
    free(images.p);
    free(labels.p);
}

enum { N = 3, SIDE = 28, PIXELS = N * SIDE * SIDE };

static Bytes good_images(void) { return idx_images(2051, N, SIDE, SIDE, PIXELS); }
static Bytes good_labels(void) { return idx_labels(2049, N, N, -1); }

/* {T}/gz_cut/: gzip files whose image stream stops half-way (a download cut short). */
static void gz_cut_dir(void)
{
    make_dir("gz_cut");
    static const char *const prefix[2] = { "t10k", "train" };
    for (int s = 0; s < 2; s++) {
        Bytes files[2] = { good_images(), good_labels() };
        static const char *const kind[2] = { "images-idx3", "labels-idx1" };
        for (int k = 0; k < 2; k++) {
            char name[256];
            snprintf(name, sizeof name, "gz_cut/%s-%s-ubyte.gz", prefix[s], kind[k]);
            char *path = in_T(name);
            gzFile g = gzopen(path, "wb");
            cr_assert(g);
            cr_assert_eq(gzwrite(g, files[k].p, (unsigned)files[k].n), (int)files[k].n);
            cr_assert_eq(gzclose(g), Z_OK);
            if (k == 0) {
                struct stat st;
                cr_assert_eq(stat(path, &st), 0);
                cr_assert_eq(truncate(path, st.st_size / 2), 0);
            }
            free(path);
            free(files[k].p);
        }
    }
}

static void make_mnist_fixtures(void)
{
    mnist_dir("ok", good_images(), good_labels());
    mnist_dir("empty_images", (Bytes){ malloc(1), 0 }, good_labels());
    mnist_dir("empty_labels", good_images(), (Bytes){ malloc(1), 0 });
    mnist_dir("cut_images", idx_images(2051, N, SIDE, SIDE, PIXELS - 1), good_labels());
    mnist_dir("cut_labels", good_images(), idx_labels(2049, N, N - 1, -1));
    mnist_dir("short_header", idx_images(2051, N, SIDE, SIDE, 0), good_labels());
    mnist_dir("wrong_magic", idx_images(0x89504e47, N, SIDE, SIDE, PIXELS), good_labels());
    mnist_dir("bad_gzip", idx_images(0x1f8b0808, N, SIDE, SIDE, PIXELS), good_labels());
    mnist_dir("swapped", good_labels(), good_images());
    mnist_dir("count_mismatch", idx_images(2051, N + 1, SIDE, SIDE, (N + 1) * SIDE * SIDE),
              good_labels());
    mnist_dir("absurd_size", idx_images(2051, N, 65536, 65536, 0), good_labels());
    mnist_dir("absurd_count", idx_images(2051, 0xffffffffu, SIDE, SIDE, 0), good_labels());
    mnist_dir("zero_count", idx_images(2051, 0, SIDE, SIDE, 0), idx_labels(2049, 0, 0, 0));
    mnist_dir("not_a_digit", good_images(), idx_labels(2049, N, N, 10));
    mnist_dir("trailing", idx_images(2051, N, SIDE, SIDE, PIXELS + 5), good_labels());
    mnist_dir("small_images", idx_images(2051, N, 20, 20, N * 20 * 20), good_labels());
    make_dir("nowhere_parent");     /* {T}/nowhere_parent/missing does not exist */
    gz_cut_dir();
}

/* ---- weight files ------------------------------------------------------------------------ */

/* pickle.dumps(net, protocol=3) for net = {'W1': (2, 3), 'b1': (3,), 'W2': (3, 2), 'b2': (2,)}
 * float32 arrays, W1 and W2 Fortran-ordered like the book's sample_weight.pkl, b1[0] = 1.5.
 * (NumPy 1.24, /usr/bin/python3.) */
static const unsigned char tiny_pickle[] = {
    0x80, 0x03, 0x7d, 0x71, 0x00, 0x28, 0x58, 0x02, 0x00, 0x00, 0x00, 0x57, 0x31, 0x71, 0x01, 0x63,
    0x6e, 0x75, 0x6d, 0x70, 0x79, 0x2e, 0x63, 0x6f, 0x72, 0x65, 0x2e, 0x6d, 0x75, 0x6c, 0x74, 0x69,
    0x61, 0x72, 0x72, 0x61, 0x79, 0x0a, 0x5f, 0x72, 0x65, 0x63, 0x6f, 0x6e, 0x73, 0x74, 0x72, 0x75,
    0x63, 0x74, 0x0a, 0x71, 0x02, 0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x6e, 0x64, 0x61, 0x72,
    0x72, 0x61, 0x79, 0x0a, 0x71, 0x03, 0x4b, 0x00, 0x85, 0x71, 0x04, 0x43, 0x01, 0x62, 0x71, 0x05,
    0x87, 0x71, 0x06, 0x52, 0x71, 0x07, 0x28, 0x4b, 0x01, 0x4b, 0x02, 0x4b, 0x03, 0x86, 0x71, 0x08,
    0x63, 0x6e, 0x75, 0x6d, 0x70, 0x79, 0x0a, 0x64, 0x74, 0x79, 0x70, 0x65, 0x0a, 0x71, 0x09, 0x58,
    0x02, 0x00, 0x00, 0x00, 0x66, 0x34, 0x71, 0x0a, 0x89, 0x88, 0x87, 0x71, 0x0b, 0x52, 0x71, 0x0c,
    0x28, 0x4b, 0x03, 0x58, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x71, 0x0d, 0x4e, 0x4e, 0x4e, 0x4a, 0xff,
    0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0x00, 0x74, 0x71, 0x0e, 0x62, 0x88, 0x43,
    0x18, 0xcd, 0xcc, 0xcc, 0x3d, 0xcd, 0xcc, 0xcc, 0x3e, 0xcd, 0xcc, 0x4c, 0x3e, 0x00, 0x00, 0x00,
    0x3f, 0x9a, 0x99, 0x99, 0x3e, 0x9a, 0x99, 0x19, 0x3f, 0x71, 0x0f, 0x74, 0x71, 0x10, 0x62, 0x58,
    0x02, 0x00, 0x00, 0x00, 0x62, 0x31, 0x71, 0x11, 0x68, 0x02, 0x68, 0x03, 0x4b, 0x00, 0x85, 0x71,
    0x12, 0x68, 0x05, 0x87, 0x71, 0x13, 0x52, 0x71, 0x14, 0x28, 0x4b, 0x01, 0x4b, 0x03, 0x85, 0x71,
    0x15, 0x68, 0x0c, 0x89, 0x43, 0x0c, 0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x80, 0xbf, 0x00, 0x00,
    0x80, 0x3e, 0x71, 0x16, 0x74, 0x71, 0x17, 0x62, 0x58, 0x02, 0x00, 0x00, 0x00, 0x57, 0x32, 0x71,
    0x18, 0x68, 0x02, 0x68, 0x03, 0x4b, 0x00, 0x85, 0x71, 0x19, 0x68, 0x05, 0x87, 0x71, 0x1a, 0x52,
    0x71, 0x1b, 0x28, 0x4b, 0x01, 0x4b, 0x03, 0x4b, 0x02, 0x86, 0x71, 0x1c, 0x68, 0x0c, 0x88, 0x43,
    0x18, 0xcd, 0xcc, 0xcc, 0x3d, 0x9a, 0x99, 0x99, 0x3e, 0x00, 0x00, 0x00, 0x3f, 0xcd, 0xcc, 0x4c,
    0x3e, 0xcd, 0xcc, 0xcc, 0x3e, 0x9a, 0x99, 0x19, 0x3f, 0x71, 0x1d, 0x74, 0x71, 0x1e, 0x62, 0x58,
    0x02, 0x00, 0x00, 0x00, 0x62, 0x32, 0x71, 0x1f, 0x68, 0x02, 0x68, 0x03, 0x4b, 0x00, 0x85, 0x71,
    0x20, 0x68, 0x05, 0x87, 0x71, 0x21, 0x52, 0x71, 0x22, 0x28, 0x4b, 0x01, 0x4b, 0x02, 0x85, 0x71,
    0x23, 0x68, 0x0c, 0x89, 0x43, 0x08, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xbf, 0x71, 0x24,
    0x74, 0x71, 0x25, 0x62, 0x75, 0x2e,
};

/* Replace the only occurrence of `from` in buf by `to` (both n bytes). */
static void patch_once(unsigned char *buf, size_t len, const void *from, const void *to, size_t n)
{
    unsigned char *hit = NULL;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, from, n) == 0) {
            cr_assert_null(hit, "patch_once: pattern occurs twice");
            hit = buf + i;
        }
    cr_assert_not_null(hit, "patch_once: pattern not found");
    memcpy(hit, to, n);
}

/* The pickle Python writes for {'W1': Evil()} with Evil.__reduce__ returning
 * (os.system, (command,)), at protocol 2 (pickle.dumps, Linux: module "posix"). */
static Bytes os_system_pickle(const char *command)
{
    static const unsigned char head[] = "\x80\x02}q\x00X\x02\x00\x00\x00W1q\x01"
                                        "cposix\nsystem\nq\x02X";
    static const unsigned char tail[] = "q\x03\x85q\x04Rq\x05s.";
    const size_t h = sizeof head - 1, c = strlen(command), t = sizeof tail - 1;
    Bytes b = { malloc(h + 4 + c + t), h + 4 + c + t };
    memcpy(b.p, head, h);
    for (int i = 0; i < 4; i++)
        b.p[h + (size_t)i] = (unsigned char)(c >> (8 * i));
    memcpy(b.p + h + 4, command, c);
    memcpy(b.p + h + 4 + c, tail, t);
    return b;
}

/* A network W1 (in, hidden), b1, W2 (w2_rows, 10), b2 as an ArrayList of zeros, b1[1] = 1.5. */
static ArrayList zero_network(size_t in, size_t hidden, size_t w2_rows)
{
    ArrayList l = { 0, NULL };
    const size_t w1[2] = { in, hidden }, b1[1] = { hidden }, w2[2] = { w2_rows, 10 }, b2[1] = { 10 };
    arraylist_add(&l, "W1", 2, w1, calloc(in * hidden, sizeof(double)));
    double *b = calloc(hidden, sizeof(double));
    b[1] = 1.5;
    arraylist_add(&l, "b1", 1, b1, b);
    arraylist_add(&l, "W2", 2, w2, calloc(w2_rows * 10, sizeof(double)));
    arraylist_add(&l, "b2", 1, b2, calloc(10, sizeof(double)));
    return l;
}

static void save_npz(const char *name, ArrayList l)
{
    char err[ERR_LEN], *path = in_T(name);
    cr_assert_eq(npz_save(path, &l, 0, err), 0, "%s", err);
    arraylist_free(&l);
    free(path);
}

/* In a stored .npz as npz_save writes it, recompute the CRC-32 of every entry (in its local
 * header and its central directory record), so that a patched value passes the CRC check. */
static void fix_crcs(unsigned char *z, size_t len)
{
    for (size_t p = 0; p + 30 <= len && get_le32(z + p) == 0x04034b50u;) {
        const size_t name_len = z[p + 26] | (size_t)z[p + 27] << 8;
        const size_t extra_len = z[p + 28] | (size_t)z[p + 29] << 8;
        const size_t size = get_le32(z + p + 18), data = p + 30 + name_len + extra_len;
        const uint32_t old = get_le32(z + p + 14);
        const uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), z + data, (uInt)size);
        put_le32(z + p + 14, crc);
        for (size_t c = data + size; c + 46 <= len; c++)   /* its central directory record */
            if (get_le32(z + c) == 0x02014b50u && get_le32(z + c + 16) == old &&
                memcmp(z + c + 46, z + p + 30, name_len) == 0)
                put_le32(z + c + 16, crc);
        p = data + size;
    }
}

static void make_weight_fixtures(void)
{
    make_dir("w");
    char *marker = in_T("PWNED"), command[512];
    snprintf(command, sizeof command, "touch %s", marker);
    free(marker);

    /* pickles */
    write_bytes("w/tiny.pkl", tiny_pickle, sizeof tiny_pickle);
    unsigned char nan_pickle[sizeof tiny_pickle];
    memcpy(nan_pickle, tiny_pickle, sizeof nan_pickle);
    patch_once(nan_pickle, sizeof nan_pickle, "\x00\x00\xc0\x3f", "\x00\x00\xc0\x7f", 4);
    write_bytes("w/nan.pkl", nan_pickle, sizeof nan_pickle);     /* b1[0] = 1.5 -> NaN */
    write_bytes("w/cut.pkl", tiny_pickle, 200);
    write_bytes("w/empty.pkl", "", 0);
    Bytes evil = os_system_pickle(command);
    write_bytes("w/system.pkl", evil.p, evil.n);
    free(evil.p);
    write_bytes("w/notes.txt", "W1 = [[0.1, 0.2]]\n", 18);

    /* .npz files */
    save_npz("w/ok.npz", zero_network(784, 3, 3));
    save_npz("w/chain.npz", zero_network(784, 3, 4));
    save_npz("w/small.npz", zero_network(5, 3, 3));
    ArrayList extra = zero_network(784, 3, 3);
    const size_t one[1] = { 1 };
    arraylist_add(&extra, "W9", 1, one, calloc(1, sizeof(double)));
    save_npz("w/extra.npz", extra);

    size_t len;
    char *ok = in_T("w/ok.npz");
    unsigned char *z = read_binary_file(ok, &len);
    free(ok);
    write_bytes("w/cut.npz", z, len - 10);
    unsigned char flipped = z[len / 2];
    z[len / 2] ^= 0x40;                                           /* one bit in W1's data */
    write_bytes("w/crc.npz", z, len);
    z[len / 2] = flipped;
    const double one_and_a_half = 1.5, inf = HUGE_VAL;
    patch_once(z, len, &one_and_a_half, &inf, sizeof inf);        /* b1[1] = 1.5 -> Inf */
    fix_crcs(z, len);
    write_bytes("w/inf.npz", z, len);
    free(z);
}

static void make_fixtures(void)
{
    T = make_temp_dir();
    cr_assert_not_null(T, "cannot make a temporary directory");
    make_mnist_fixtures();
    make_weight_fixtures();
    write_bytes("afile", "not a directory\n", 16);
}

static void remove_fixtures(void) { remove_temp_dir(T); }

TestSuite(bad_input, .init = make_fixtures, .fini = remove_fixtures);

/* ---- running a program and checking the row ---------------------------------------------- */

/* Fails the test for any "<name>.tmp.<pid>" file under dir: an atomic write left behind. */
static void expect_no_partial_files(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot list %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        cr_expect_null(strstr(e->d_name, ".tmp."), "half-written file left: %s", path);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            expect_no_partial_files(path);
    }
    closedir(d);
}

/* The figure image ch03_mnist writes before it reads the weights: absent, or whole
 * ("P5\n<cols> <rows>\n255\n", then cols * rows bytes). */
static void expect_whole_pgm(void)
{
    char *path = in_T("out/mnist_digit.pgm");
    FILE *f = fopen(path, "rb");
    if (f) {
        unsigned cols = 0, rows = 0;
        cr_expect_eq(fscanf(f, "P5 %u %u 255", &cols, &rows), 2, "%s: not a PGM header", path);
        fgetc(f);                                   /* the newline before the pixels */
        const long header = ftell(f);
        fseek(f, 0, SEEK_END);
        cr_expect_eq(ftell(f) - header, (long)cols * rows, "%s: %ld pixel bytes, not %u x %u",
                     path, ftell(f) - header, cols, rows);
        fclose(f);
    }
    free(path);
}

typedef enum { EARLY, LATE } When;

/* Run `program args` ({T} = the temp dir) and check the row: status, the one-line message
 * "<program>: <message>" ({T} = the temp dir), stdout empty if EARLY, no partial files. */
static void expect_refusal(const char *program, const char *args, int status,
                           const char *message, When when)
{
    char *a = replace_all(xstrdup(args), "{T}", T);
    RunResult r = run_program(program, a);
    cr_assert_not_null(r.out);
    cr_assert_not_null(r.err);
    r.err = replace_all(r.err, T, "{T}");
    char want[1024];
    snprintf(want, sizeof want, "%s: %s\n", program, message);
    cr_expect_eq(r.status, status, "%s %s: exit status %d, expected %d (124 = timed out, "
                 "> 128 = killed by a signal)\nstderr: %s", program, args, r.status, status, r.err);
    cr_expect_eq(count_lines(r.err), 1, "%s %s: stderr is not one line:\n%s", program, args,
                 r.err);
    cr_expect_str_eq(r.err, want, "%s %s:\nstderr:   %sexpected: %s", program, args, r.err, want);
    if (when == EARLY)
        cr_expect_str_eq(r.out, "", "%s %s: printed before failing:\n%s", program, args, r.out);
    expect_no_partial_files(T);
    expect_whole_pgm();
    run_result_free(&r);
    free(a);
}

/* A row of the table: one test. */
#define ROW(test_name, program, args, status, message, when) \
    Test(bad_input, test_name) { expect_refusal(program, args, status, message, when); }

/* The control rows: the fixtures with nothing wrong in them are accepted. */
static void expect_success(const char *program, const char *args)
{
    char *a = replace_all(xstrdup(args), "{T}", T);
    RunResult r = run_program(program, a);
    cr_expect_eq(r.status, 0, "%s %s: exit status %d\nstderr: %s", program, a, r.status, r.err);
    cr_expect_str_eq(r.err, "", "%s %s", program, a);
    expect_no_partial_files(T);
    run_result_free(&r);
    free(a);
}

Test(bad_input, valid_inputs_ch03_mnist)
{
    expect_success("ch03_mnist", "--data {T}/ok --weights {T}/w/ok.npz --out {T}/out");
    expect_whole_pgm();
}
Test(bad_input, valid_inputs_ch04_gradients)
{
    expect_success("ch04_gradients", "--data {T}/ok --out {T}/out");
}
Test(bad_input, valid_inputs_ch04_two_layer_net)
{
    expect_success("ch04_two_layer_net", "--iters 2 --batch 2 --data {T}/ok --out {T}/out "
                   "--save {T}/w/trained.npz");
}

/* ---- the table ------------------------------------------------------------------------------ */

#define OK_W "--weights {T}/w/ok.npz --out {T}/out"
#define MAKE_DATA "(run `make data`)"

/* ch03_mnist: broken MNIST files (--data) */
ROW(ch03_mnist_missing_data_dir, "ch03_mnist", "--data {T}/nowhere_parent/missing " OK_W, 1,
    "{T}/nowhere_parent/missing/t10k-labels-idx1-ubyte.gz: No such file or directory " MAKE_DATA,
    EARLY)
ROW(ch03_mnist_empty_image_file, "ch03_mnist", "--data {T}/empty_images " OK_W, 1,
    "{T}/empty_images/t10k-images-idx3-ubyte: empty file " MAKE_DATA, EARLY)
ROW(ch03_mnist_empty_label_file, "ch03_mnist", "--data {T}/empty_labels " OK_W, 1,
    "{T}/empty_labels/t10k-labels-idx1-ubyte: empty file " MAKE_DATA, EARLY)
ROW(ch03_mnist_short_header, "ch03_mnist", "--data {T}/short_header " OK_W, 1,
    "{T}/short_header/t10k-images-idx3-ubyte: truncated: header says 3 images, file holds 0 "
    MAKE_DATA, EARLY)
ROW(ch03_mnist_truncated_image_file, "ch03_mnist", "--data {T}/cut_images " OK_W, 1,
    "{T}/cut_images/t10k-images-idx3-ubyte: truncated: header says 3 images, file holds 2 "
    MAKE_DATA, EARLY)
ROW(ch03_mnist_truncated_label_file, "ch03_mnist", "--data {T}/cut_labels " OK_W, 1,
    "{T}/cut_labels/t10k-labels-idx1-ubyte: truncated: header says 3 labels, file holds 2 "
    MAKE_DATA, EARLY)
ROW(ch03_mnist_cut_gzip_stream, "ch03_mnist", "--data {T}/gz_cut " OK_W, 1,
    "{T}/gz_cut/t10k-images-idx3-ubyte.gz: truncated: header says 3 images, file holds 0 "
    MAKE_DATA, EARLY)
ROW(ch03_mnist_wrong_magic, "ch03_mnist", "--data {T}/wrong_magic " OK_W, 1,
    "{T}/wrong_magic/t10k-images-idx3-ubyte: magic number 2303741511, expected 2051: not an IDX "
    "file of images " MAKE_DATA, EARLY)
/* A file that starts like gzip (1f 8b 08) but is not: zlib's own words for the damage. */
ROW(ch03_mnist_corrupt_gzip, "ch03_mnist", "--data {T}/bad_gzip " OK_W, 1,
    "{T}/bad_gzip/t10k-images-idx3-ubyte: corrupt gzip data: invalid code -- missing "
    "end-of-block " MAKE_DATA, EARLY)
ROW(ch03_mnist_images_and_labels_swapped, "ch03_mnist", "--data {T}/swapped " OK_W, 1,
    "{T}/swapped/t10k-labels-idx1-ubyte: magic number 2051 is an IDX file of images, expected "
    "2049 (labels)", EARLY)
ROW(ch03_mnist_more_images_than_labels, "ch03_mnist", "--data {T}/count_mismatch " OK_W, 1,
    "{T}/count_mismatch/t10k-images-idx3-ubyte: header says 4 images, but "
    "{T}/count_mismatch/t10k-labels-idx1-ubyte holds 3 labels", EARLY)
ROW(ch03_mnist_absurd_image_size, "ch03_mnist", "--data {T}/absurd_size " OK_W, 1,
    "{T}/absurd_size/t10k-images-idx3-ubyte: image size 65536x65536 is absurd (each side must "
    "be 1..1024; MNIST is 28x28)", EARLY)
ROW(ch03_mnist_absurd_image_count, "ch03_mnist", "--data {T}/absurd_count " OK_W, 1,
    "{T}/absurd_count/t10k-images-idx3-ubyte: header says 4294967295 images, expected "
    "1..1000000", EARLY)
ROW(ch03_mnist_zero_images, "ch03_mnist", "--data {T}/zero_count " OK_W, 1,
    "{T}/zero_count/t10k-labels-idx1-ubyte: header says 0 labels, expected 1..1000000", EARLY)
ROW(ch03_mnist_label_not_a_digit, "ch03_mnist", "--data {T}/not_a_digit " OK_W, 1,
    "{T}/not_a_digit/t10k-labels-idx1-ubyte: label 10 at index 0 is not a digit 0..9", EARLY)
ROW(ch03_mnist_trailing_bytes, "ch03_mnist", "--data {T}/trailing " OK_W, 1,
    "{T}/trailing/t10k-images-idx3-ubyte: 5 trailing bytes after the 3 images the header "
    "declares", EARLY)
ROW(ch03_mnist_images_not_28x28, "ch03_mnist", "--data {T}/small_images " OK_W, 1,
    "{T}/w/ok.npz: the network maps 784 inputs to 10 classes; MNIST needs 400 to 10", LATE)

/* ch03_mnist: broken weight files (--weights); the data are shown first (LATE) */
#define OK_DATA "--data {T}/ok --out {T}/out --weights "
ROW(ch03_mnist_missing_weights, "ch03_mnist", OK_DATA "{T}/w/missing.pkl", 1,
    "{T}/w/missing.pkl: cannot open: No such file or directory", LATE)
ROW(ch03_mnist_empty_weights, "ch03_mnist", OK_DATA "{T}/w/empty.pkl", 1,
    "{T}/w/empty.pkl: empty file, not a weight file (.pkl or .npz)", LATE)
ROW(ch03_mnist_weights_not_a_weight_file, "ch03_mnist", OK_DATA "{T}/w/notes.txt", 1,
    "{T}/w/notes.txt: neither a pickle (.pkl) nor a NumPy .npz file", LATE)
ROW(ch03_mnist_truncated_pickle, "ch03_mnist", OK_DATA "{T}/w/cut.pkl", 1,
    "{T}/w/cut.pkl: truncated at byte 200: no STOP opcode", LATE)
ROW(ch03_mnist_truncated_npz, "ch03_mnist", OK_DATA "{T}/w/cut.npz", 1,
    "{T}/w/cut.npz: truncated or not a ZIP file: no end-of-central-directory record", LATE)
ROW(ch03_mnist_npz_crc_mismatch, "ch03_mnist", OK_DATA "{T}/w/crc.npz", 1,
    "{T}/w/crc.npz: entry W1.npy: CRC mismatch (directory says a5c9fba9, data has fe96f0f0)",
    LATE)
ROW(ch03_mnist_nan_in_pickle, "ch03_mnist", OK_DATA "{T}/w/nan.pkl", 1,
    "{T}/w/nan.pkl: b1 holds NaN (element 0 in C order)", LATE)
ROW(ch03_mnist_inf_in_npz, "ch03_mnist", OK_DATA "{T}/w/inf.npz", 1,
    "{T}/w/inf.npz: b1 holds Inf (first at flat index 1)", LATE)
ROW(ch03_mnist_shapes_dont_chain, "ch03_mnist", OK_DATA "{T}/w/chain.npz", 1,
    "{T}/w/chain.npz: shapes don't chain: W1 is (784, 3) but W2 is (4, 10)", LATE)
ROW(ch03_mnist_array_that_does_not_belong, "ch03_mnist", OK_DATA "{T}/w/extra.npz", 1,
    "{T}/w/extra.npz: expected exactly W1..W2 and b1..b2, found 5 arrays", LATE)
ROW(ch03_mnist_network_not_for_mnist, "ch03_mnist", OK_DATA "{T}/w/small.npz", 1,
    "{T}/w/small.npz: the network maps 5 inputs to 10 classes; MNIST needs 784 to 10", LATE)
ROW(ch03_mnist_pickle_network_not_for_mnist, "ch03_mnist", OK_DATA "{T}/w/tiny.pkl", 1,
    "{T}/w/tiny.pkl: the network maps 2 inputs to 2 classes; MNIST needs 784 to 10", LATE)

/* The pickle asks to run `touch {T}/PWNED`: refused, and nothing ran. */
Test(bad_input, ch03_mnist_pickle_calling_os_system)
{
    expect_refusal("ch03_mnist", OK_DATA "{T}/w/system.pkl", 1,
                   "{T}/w/system.pkl: refusing global posix.system (only NumPy arrays are read)",
                   LATE);
    char *marker = in_T("PWNED");
    cr_expect_neq(access(marker, F_OK), 0, "the pickle's command ran: %s exists", marker);
    free(marker);
}

/* ch03_mnist: options */
ROW(ch03_mnist_batch_zero, "ch03_mnist", "--batch 0", 1,
    "--batch: '0' is not an integer in [1, 10000] (see --help)", EARLY)
ROW(ch03_mnist_batch_too_large, "ch03_mnist", "--batch 10001", 1,
    "--batch: '10001' is not an integer in [1, 10000] (see --help)", EARLY)
ROW(ch03_mnist_batch_not_a_number, "ch03_mnist", "--batch ten", 1,
    "--batch: 'ten' is not an integer in [1, 10000] (see --help)", EARLY)
ROW(ch03_mnist_batch_not_an_integer, "ch03_mnist", "--batch 1e3", 1,
    "--batch: '1e3' is not an integer in [1, 10000] (see --help)", EARLY)
ROW(ch03_mnist_weights_without_value, "ch03_mnist", "--weights", 1,
    "--weights: needs a value (see --help)", EARLY)

/* ch04_gradients: the training set is read after the loss examples are printed (LATE) */
ROW(ch04_gradients_missing_data_dir, "ch04_gradients",
    "--data {T}/nowhere_parent/missing --out {T}/out", 1,
    "{T}/nowhere_parent/missing/train-labels-idx1-ubyte.gz: No such file or directory "
    MAKE_DATA, LATE)
ROW(ch04_gradients_truncated_image_file, "ch04_gradients", "--data {T}/cut_images --out {T}/out",
    1, "{T}/cut_images/train-images-idx3-ubyte: truncated: header says 3 images, file holds 2 "
    MAKE_DATA, LATE)
ROW(ch04_gradients_seed_negative, "ch04_gradients", "--seed -1", 1,
    "--seed: '-1' is not an integer in [0, 4294967295] (see --help)", EARLY)
ROW(ch04_gradients_seed_too_large, "ch04_gradients", "--seed 4294967296", 1,
    "--seed: '4294967296' is not an integer in [0, 4294967295] (see --help)", EARLY)
ROW(ch04_gradients_out_is_a_file, "ch04_gradients", "--data {T}/ok --out {T}/afile", 1,
    "{T}/afile: exists and is not a directory", LATE)

/* ch04_simple_net: --W and --seed */
ROW(ch04_simple_net_W_too_few, "ch04_simple_net", "--W 1,2,3", 1,
    "--W: got 3 numbers, need 6 (W is 2x3, row-major)", EARLY)
ROW(ch04_simple_net_W_too_many, "ch04_simple_net", "--W 1,2,3,4,5,6,7", 1,
    "--W: got 7 numbers, need 6 (W is 2x3, row-major)", EARLY)
ROW(ch04_simple_net_W_not_a_number, "ch04_simple_net", "--W 1,2,3,4,5,x", 1,
    "--W: 'x' is not a number (give six numbers separated by commas)", EARLY)
ROW(ch04_simple_net_W_empty_item, "ch04_simple_net", "--W 1,,3,4,5,6", 1,
    "--W: '' is not a number (give six numbers separated by commas)", EARLY)
ROW(ch04_simple_net_W_nan, "ch04_simple_net", "--W 1,2,3,4,5,nan", 1,
    "--W: 'nan' is not a finite number", EARLY)
ROW(ch04_simple_net_W_inf, "ch04_simple_net", "--W 1,2,3,4,5,-inf", 1,
    "--W: '-inf' is not a finite number", EARLY)
ROW(ch04_simple_net_W_overflows, "ch04_simple_net", "--W 1,2,3,4,5,1e999", 1,
    "--W: '1e999' is not a finite number", EARLY)
ROW(ch04_simple_net_W_underflows, "ch04_simple_net", "--W 1e-400,2,3,4,5,6", 1,
    "--W: '1e-400' is out of range for a double", EARLY)
ROW(ch04_simple_net_W_and_seed, "ch04_simple_net", "--W 1,2,3,4,5,6 --seed 1", 1,
    "--W and --seed: give one of them, not both", EARLY)
ROW(ch04_simple_net_seed_not_a_number, "ch04_simple_net", "--seed x", 1,
    "--seed: 'x' is not an integer in [0, 4294967295] (see --help)", EARLY)

/* ch04_two_layer_net: data, --save, options */
ROW(ch04_two_layer_net_truncated_image_file, "ch04_two_layer_net",
    "--data {T}/cut_images --out {T}/out", 1,
    "{T}/cut_images/train-images-idx3-ubyte: truncated: header says 3 images, file holds 2 "
    MAKE_DATA, EARLY)
ROW(ch04_two_layer_net_more_images_than_labels, "ch04_two_layer_net",
    "--data {T}/count_mismatch --out {T}/out", 1,
    "{T}/count_mismatch/train-images-idx3-ubyte: header says 4 images, but "
    "{T}/count_mismatch/train-labels-idx1-ubyte holds 3 labels", EARLY)
ROW(ch04_two_layer_net_save_into_missing_dir, "ch04_two_layer_net",
    "--iters 1 --data {T}/ok --out {T}/out --save {T}/nowhere_parent/missing/w.npz", 1,
    "{T}/nowhere_parent/missing/w.npz: cannot write: No such file or directory", EARLY)
ROW(ch04_two_layer_net_save_onto_a_directory, "ch04_two_layer_net",
    "--iters 1 --data {T}/ok --out {T}/out --save {T}/ok", 1,
    "{T}/ok: cannot write: Is a directory", EARLY)
ROW(ch04_two_layer_net_iters_negative, "ch04_two_layer_net", "--iters -1", 1,
    "--iters: '-1' is not an integer in [0, 10000000] (see --help)", EARLY)
ROW(ch04_two_layer_net_iters_not_a_number, "ch04_two_layer_net", "--iters many", 1,
    "--iters: 'many' is not an integer in [0, 10000000] (see --help)", EARLY)
ROW(ch04_two_layer_net_batch_zero, "ch04_two_layer_net", "--batch 0", 1,
    "--batch: '0' is not an integer in [1, 60000] (see --help)", EARLY)
ROW(ch04_two_layer_net_batch_too_large, "ch04_two_layer_net", "--batch 60001", 1,
    "--batch: '60001' is not an integer in [1, 60000] (see --help)", EARLY)
ROW(ch04_two_layer_net_lr_negative, "ch04_two_layer_net", "--lr -0.1", 1,
    "--lr: '-0.1' is not a number in [0, 100] (see --help)", EARLY)
ROW(ch04_two_layer_net_lr_nan, "ch04_two_layer_net", "--lr nan", 1,
    "--lr: 'nan' is not a number in [0, 100] (see --help)", EARLY)
ROW(ch04_two_layer_net_lr_overflows, "ch04_two_layer_net", "--lr 1e999", 1,
    "--lr: '1e999' is not a number in [0, 100] (see --help)", EARLY)
ROW(ch04_two_layer_net_hidden_zero, "ch04_two_layer_net", "--hidden 0", 1,
    "--hidden: '0' is not a list of 1 to 7 layer sizes in [1, 10000] such as 50 or 50,100 "
    "(see --help)", EARLY)
ROW(ch04_two_layer_net_hidden_not_numbers, "ch04_two_layer_net", "--hidden 50,abc", 1,
    "--hidden: '50,abc' is not a list of 1 to 7 layer sizes in [1, 10000] such as 50 or 50,100 "
    "(see --help)", EARLY)
ROW(ch04_two_layer_net_hidden_too_many_layers, "ch04_two_layer_net", "--hidden 1,2,3,4,5,6,7,8",
    1, "--hidden: '1,2,3,4,5,6,7,8' is not a list of 1 to 7 layer sizes in [1, 10000] such as 50 "
    "or 50,100 (see --help)", EARLY)
ROW(ch04_two_layer_net_weight_init_std_not_a_number, "ch04_two_layer_net",
    "--weight-init-std x", 1, "--weight-init-std: 'x' is not a number in [0, 100] (see --help)",
    EARLY)
ROW(ch04_two_layer_net_seed_negative, "ch04_two_layer_net", "--seed -1", 1,
    "--seed: '-1' is not an integer in [0, 4294967295] (see --help)", EARLY)

/* every chapter: unknown options, stray arguments, missing values, unusable --out */
ROW(ch02_gates_unknown_option, "ch02_gates", "--bogus", 1,
    "--bogus: unknown option (see --help)", EARLY)
ROW(ch02_gates_stray_argument, "ch02_gates", "extra", 1,
    "extra: unexpected argument (see --help)", EARLY)
ROW(ch03_activations_out_without_value, "ch03_activations", "--out", 1,
    "--out: needs a value (see --help)", EARLY)
ROW(ch03_activations_out_is_a_file, "ch03_activations", "--out {T}/afile", 1,
    "{T}/afile: exists and is not a directory", LATE)
ROW(ch03_activations_out_below_a_file, "ch03_activations", "--out {T}/afile/figs", 1,
    "{T}/afile/figs: cannot create directory: Not a directory", LATE)
ROW(ch03_forward_unknown_option, "ch03_forward", "--verbose", 1,
    "--verbose: unknown option (see --help)", EARLY)
ROW(ch03_forward_help_with_value, "ch03_forward", "--help=yes", 1,
    "--help=yes: unknown option (see --help)", EARLY)
ROW(ch03_softmax_short_option, "ch03_softmax", "-x", 1,
    "-x: unknown option (see --help)", EARLY)
ROW(ch03_mnist_stray_argument, "ch03_mnist", "--batch 10 weights.pkl", 1,
    "weights.pkl: unexpected argument (see --help)", EARLY)
ROW(ch04_gradients_unknown_option, "ch04_gradients", "--sed 1", 1,
    "--sed: unknown option (see --help)", EARLY)
ROW(ch04_simple_net_W_without_value, "ch04_simple_net", "--W", 1,
    "--W: needs a value (see --help)", EARLY)
ROW(ch04_two_layer_net_unknown_option, "ch04_two_layer_net", "--epochs 3", 1,
    "--epochs: unknown option (see --help)", EARLY)

/* ---- regressions found by `make fuzz` -------------------------------------------------- */

/* tests/fuzz/regressions/npz/deflate_claims_520MB: a 1.2 kB .npz whose deflated entry
 * declares 520 MB uncompressed; npz_parse allocated it all before inflating. */
Test(fuzz_regressions, npz_deflated_entry_claiming_520_MB_is_refused_before_allocating)
{
    size_t len;
    unsigned char *buf = read_binary_file(DLFS_SOURCE_DIR "/tests/fuzz/regressions/npz/"
                                    "deflate_claims_520MB", &len);
    ArrayList l = { 0, NULL };
    char err[ERR_LEN];
    cr_assert_eq(npz_parse(buf, len, "bomb.npz", &l, err), -1);
    cr_expect_str_eq(err, "bomb.npz: entry b2.npy: declares 520093840 bytes uncompressed, more "
                     "than the 41943040 bytes a weight file may hold");
    free(buf);
}

/* The same lie made by hand: np.savez_compressed's output with one size field raised. */
Test(fuzz_regressions, npz_deflated_size_beyond_deflates_ratio_is_refused)
{
    char *dir = make_temp_dir(), path[4096], err[ERR_LEN];
    snprintf(path, sizeof path, "%s/w.npz", dir);
    ArrayList l = { 0, NULL };
    const size_t shape[1] = { 1000 };
    arraylist_add(&l, "b1", 1, shape, calloc(1000, sizeof(double)));   /* 8128 bytes as .npy */
    cr_assert_eq(npz_save(path, &l, 1, err), 0, "%s", err);
    arraylist_free(&l);
    size_t len;
    unsigned char *z = read_binary_file(path, &len);
    cr_assert_eq(npz_parse(z, len, "w.npz", &l, err), 0, "%s", err);   /* as saved: fine */
    arraylist_free(&l);
    /* the central directory record's uncompressed size (offset 24) -> 30 MB (under the bound) */
    size_t c = len - 22 - 46 - strlen("b1.npy");
    cr_assert_eq(get_le32(z + c), 0x02014b50u, "central directory record not where expected");
    const uint32_t csize = get_le32(z + c + 20);
    put_le32(z + c + 24, 30000000u);
    cr_assert_eq(npz_parse(z, len, "w.npz", &l, err), -1);
    char want[ERR_LEN];
    snprintf(want, sizeof want, "w.npz: entry b1.npy: declares 30000000 bytes uncompressed, "
             "more than deflate can make of its %u compressed bytes", (unsigned)csize);
    cr_expect_str_eq(err, want);
    free(z);
    remove_temp_dir(dir);
}
