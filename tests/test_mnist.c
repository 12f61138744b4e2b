/* test_mnist.c - load_mnist (common/formats/mnist.c) and data/mnist/verify.sh.
 *
 * Small IDX files are written by each test into its own temporary directory, gzip-compressed
 * (zlib) or plain, and read back exactly; broken ones must be refused with a message naming
 * the file and the problem. The real MNIST files in data/mnist are checked against values
 * pinned with Python's gzip module and NumPy (the tests skip when the files are absent).
 */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include <zlib.h>

#include "formats/mnist.h"

#ifndef DLFS_SOURCE_DIR
#define DLFS_SOURCE_DIR "."
#endif
#define MNIST_DIR DLFS_SOURCE_DIR "/data/mnist"

/* ---- a temporary directory per test ---------------------------------------------------- */

static char tmp[64];

static void make_tmp(void)
{
    strcpy(tmp, "/tmp/dlfs_mnist_XXXXXX");
    cr_assert_not_null(mkdtemp(tmp), "mkdtemp failed");
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char child[512];
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void remove_tmp(void) { remove_tree(tmp); }

TestSuite(mnist, .init = make_tmp, .fini = remove_tmp);

/* "<tmp>/<name>" in one of a few rotating static buffers. */
static const char *in_tmp(const char *name)
{
    static char bufs[4][512];
    static int next;
    char *p = bufs[next++ % 4];
    snprintf(p, sizeof bufs[0], "%s/%s", tmp, name);
    return p;
}

/* ---- IDX files ------------------------------------------------------------------------- */

typedef struct {
    unsigned char *p;
    size_t n;
} Bytes;

static void put32(Bytes *b, uint32_t v)
{
    unsigned char *q = b->p + b->n;
    q[0] = (unsigned char)(v >> 24);
    q[1] = (unsigned char)(v >> 16);
    q[2] = (unsigned char)(v >> 8);
    q[3] = (unsigned char)v;
    b->n += 4;
}

/* An image file: header (magic, count, rows, cols), then npixels bytes, which need not be
 * what the header declares (broken files). pixels NULL: a fixed pseudo-random pattern. */
static Bytes image_file(uint32_t magic, uint32_t count, uint32_t rows, uint32_t cols,
                        const unsigned char *pixels, size_t npixels)
{
    Bytes b = { malloc(16 + npixels), 0 };
    cr_assert_not_null(b.p);
    put32(&b, magic);
    put32(&b, count);
    put32(&b, rows);
    put32(&b, cols);
    for (size_t i = 0; i < npixels; i++)
        b.p[b.n++] = pixels ? pixels[i] : (unsigned char)((i * 2654435761u) >> 13);
    return b;
}

static Bytes label_file(uint32_t magic, uint32_t count, const unsigned char *labels,
                        size_t nlabels)
{
    Bytes b = { malloc(8 + nlabels), 0 };
    cr_assert_not_null(b.p);
    put32(&b, magic);
    put32(&b, count);
    memcpy(b.p + b.n, labels, nlabels);
    b.n += nlabels;
    return b;
}

/* Write b to <tmp>/<name>, gzip-compressed or plain, and free it. */
static void write_file(const char *name, Bytes b, int gz)
{
    const char *path = in_tmp(name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        cr_assert_not_null(f, "gzopen %s", path);
        cr_assert_eq(gzwrite(f, b.p, (unsigned)b.n), (int)b.n);
        cr_assert_eq(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f, "fopen %s", path);
        cr_assert_eq(fwrite(b.p, 1, b.n, f), b.n);
        cr_assert_eq(fclose(f), 0);
    }
    free(b.p);
}

static off_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "stat %s", path);
    return st.st_size;
}

/* Three 2x3 images and their labels, the fixture most tests use. */
enum { N = 3, ROWS = 2, COLS = 3 };
static const unsigned char PIXELS[N * ROWS * COLS] = {
    0, 1, 2, 128, 254, 255,
    10, 20, 30, 40, 50, 60,
    255, 0, 255, 0, 255, 0,
};
static const unsigned char LABELS[N] = { 7, 0, 9 };

#define IMAGES_GZ "t10k-images-idx3-ubyte.gz"
#define LABELS_GZ "t10k-labels-idx1-ubyte.gz"

static Bytes good_images(void) { return image_file(2051, N, ROWS, COLS, PIXELS, sizeof PIXELS); }
static Bytes good_labels(void) { return label_file(2049, N, LABELS, N); }
static Bytes labels_of(unsigned char a, unsigned char b, unsigned char c)
{
    return label_file(2049, N, (unsigned char[]){ a, b, c }, N);
}

/* prefix "t10k" or "train": both files of that split, named as in data/mnist. */
static void write_split(const char *prefix, int gz)
{
    char name[64];
    snprintf(name, sizeof name, "%s-images-idx3-ubyte%s", prefix, gz ? ".gz" : "");
    write_file(name, good_images(), gz);
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte%s", prefix, gz ? ".gz" : "");
    write_file(name, good_labels(), gz);
}

/* load_mnist(tmp, split) must fail; its message must start with <tmp>/<file>: and hold
 * `problem`; the set must be left empty. */
static void expect_error(MnistSplit split, const char *file, const char *problem)
{
    MnistSet s;
    char err[ERR_LEN] = "";
    cr_assert_eq(load_mnist(tmp, split, 0, 0, &s, err), -1, "loaded a broken %s", file);
    char start[600];
    snprintf(start, sizeof start, "%s: ", in_tmp(file));
    cr_assert(strncmp(err, start, strlen(start)) == 0, "message names %s? got: %s", file, err);
    cr_assert_not_null(strstr(err, problem), "expected \"%s\" in: %s", problem, err);
    cr_assert_null(strchr(err, '\n'), "one line: %s", err);
    cr_assert(s.x.data == NULL && s.t.data == NULL && s.x.rows == 0 && s.t.rows == 0,
              "a failed load leaves the set empty");
}

static void expect_pixels(const MnistSet *s, int normalize)
{
    cr_assert_eq(s->x.rows, N);
    cr_assert_eq(s->x.cols, ROWS * COLS);
    cr_assert_eq(s->rows, ROWS);
    cr_assert_eq(s->cols, COLS);
    for (size_t i = 0; i < sizeof PIXELS; i++) {
        const double want = normalize ? PIXELS[i] / 255.0 : PIXELS[i];
        cr_assert(s->x.data[i] == want, "pixel %zu: %.17g, expected %.17g", i, s->x.data[i], want);
    }
}

/* ---- reading back what was written ----------------------------------------------------- */

Test(mnist, load_mnist_reads_gzip_pixels_and_labels_exactly)
{
    write_split("t10k", 1);
    MnistSet s;
    char err[ERR_LEN];
    cr_assert_eq(load_mnist(tmp, MNIST_TEST, 0, 0, &s, err), 0, "%s", err);
    expect_pixels(&s, 0);
    cr_assert_eq(s.t.rows, N);
    cr_assert_eq(s.t.cols, 1);
    for (size_t i = 0; i < N; i++)
        cr_assert(MAT_AT(&s.t, i, 0) == LABELS[i], "label %zu", i);
    mnist_free(&s);
    cr_assert(s.x.data == NULL && s.t.data == NULL && s.rows == 0);
}

Test(mnist, normalize_divides_by_255)
{
    write_split("t10k", 1);
    MnistSet s;
    char err[ERR_LEN];
    cr_assert_eq(load_mnist(tmp, MNIST_TEST, 1, 0, &s, err), 0, "%s", err);
    expect_pixels(&s, 1);
    cr_assert(s.x.data[5] == 1.0 && s.x.data[0] == 0.0, "255 -> 1.0 and 0 -> 0.0");
    mnist_free(&s);
}

Test(mnist, one_hot_label_is_a_row_of_ten)
{
    write_split("t10k", 1);
    MnistSet s;
    char err[ERR_LEN];
    cr_assert_eq(load_mnist(tmp, MNIST_TEST, 1, 1, &s, err), 0, "%s", err);
    expect_pixels(&s, 1);
    cr_assert_eq(s.t.rows, N);
    cr_assert_eq(s.t.cols, 10);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < 10; j++)
            cr_assert(MAT_AT(&s.t, i, j) == (j == LABELS[i] ? 1.0 : 0.0), "t[%zu][%zu]", i, j);
    mnist_free(&s);
}

Test(mnist, plain_uncompressed_files_load_too)
{
    /* Uncompressed content under the .gz name (gzread passes it through)... */
    write_file(IMAGES_GZ, good_images(), 0);
    write_file(LABELS_GZ, good_labels(), 0);
    MnistSet s;
    char err[ERR_LEN];
    cr_assert_eq(load_mnist(tmp, MNIST_TEST, 0, 0, &s, err), 0, "%s", err);
    expect_pixels(&s, 0);
    mnist_free(&s);
    /* ...and under the plain name, when no .gz is there (a reader who ran gunzip). */
    write_split("train", 0);
    cr_assert_eq(load_mnist(tmp, MNIST_TRAIN, 1, 0, &s, err), 0, "%s", err);
    expect_pixels(&s, 1);
    cr_assert(MAT_AT(&s.t, 2, 0) == 9.0);
    mnist_free(&s);
}

Test(mnist, loads_only_the_split_asked_for)
{
    write_split("t10k", 1);   /* inference needs the test set alone */
    MnistSet s;
    char err[ERR_LEN];
    cr_assert_eq(load_mnist(tmp, MNIST_TEST, 1, 0, &s, err), 0, "%s", err);
    mnist_free(&s);
    expect_error(MNIST_TRAIN, "train-labels-idx1-ubyte.gz",
                 "No such file or directory (run `make data`)");
}

Test(mnist, parse_functions_read_bytes_in_memory)
{
    Bytes img = good_images(), lbl = good_labels();
    Matrix x, t;
    size_t rows = 0, cols = 0;
    char err[ERR_LEN];
    cr_assert_eq(mnist_parse_images(img.p, img.n, "mem", 0, &x, &rows, &cols, err), 0, "%s", err);
    cr_assert(x.rows == N && x.cols == ROWS * COLS && rows == ROWS && cols == COLS);
    cr_assert(x.data[3] == 128.0 && x.data[17] == 0.0);
    cr_assert_eq(mnist_parse_labels(lbl.p, lbl.n, "mem", 1, &t, err), 0, "%s", err);
    cr_assert(t.rows == N && t.cols == 10 && MAT_AT(&t, 0, 7) == 1.0 && MAT_AT(&t, 2, 9) == 1.0);
    matrix_free(&x);
    matrix_free(&t);
    /* A buffer cut by one byte: refused, nothing allocated. */
    cr_assert_eq(mnist_parse_images(img.p, img.n - 1, "mem", 0, &x, NULL, NULL, err), -1);
    cr_assert_str_eq(err, "mem: truncated: header says 3 images, file holds 2 (run `make data`)");
    cr_assert_null(x.data);
    cr_assert_eq(mnist_parse_labels(lbl.p, 0, "mem", 0, &t, err), -1);
    cr_assert_str_eq(err, "mem: empty file (run `make data`)");
    cr_assert_null(t.data);
    Bytes more = label_file(2049, N - 1, LABELS, N);
    cr_assert_eq(mnist_parse_labels(more.p, more.n, "mem", 0, &t, err), -1);
    cr_assert_str_eq(err, "mem: 1 trailing byte after the 2 labels the header declares");
    free(more.p);
    free(img.p);
    free(lbl.p);
}

/* ---- broken files are refused ---------------------------------------------------------- */

Test(mnist, refuses_a_missing_file)
{
    expect_error(MNIST_TEST, LABELS_GZ,
                 "No such file or directory (run `make data`)");
}

Test(mnist, refuses_an_empty_file)
{
    write_split("t10k", 1);
    write_file(LABELS_GZ, (Bytes){ malloc(1), 0 }, 0);
    expect_error(MNIST_TEST, LABELS_GZ, "empty file (run `make data`)");
    write_file(LABELS_GZ, (Bytes){ malloc(1), 0 }, 1);  /* empty gzip stream */
    expect_error(MNIST_TEST, LABELS_GZ, "empty file (run `make data`)");
}

Test(mnist, refuses_a_short_header)
{
    write_split("t10k", 1);
    Bytes b = good_images();
    b.n = 10;
    write_file(IMAGES_GZ, b, 1);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "truncated: 10 bytes, an IDX header of images needs 16");
}

Test(mnist, refuses_a_wrong_magic_number)
{
    write_split("t10k", 1);
    /* labels where images belong */
    write_file(IMAGES_GZ, good_labels(), 1);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "magic number 2049 is an IDX file of labels, expected 2051 (images)");
    write_file(LABELS_GZ, image_file(0x89504e47, N, ROWS, COLS, NULL, 18), 1);
    expect_error(MNIST_TEST, LABELS_GZ,
                 "magic number 2303741511, expected 2049: not an IDX file of labels");
}

Test(mnist, refuses_a_truncated_file)
{
    write_split("t10k", 1);
    /* header says 3 images of 2x3; 2 and a half are there */
    write_file(IMAGES_GZ, image_file(2051, N, ROWS, COLS, PIXELS, 15), 1);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "truncated: header says 3 images, file holds 2 (run `make data`)");
    write_file(LABELS_GZ, label_file(2049, 5, LABELS, N), 0);
    expect_error(MNIST_TEST, LABELS_GZ,
                 "truncated: header says 5 labels, file holds 3");
}

Test(mnist, a_header_that_lies_about_its_size_costs_no_memory)
{
    /* 80000 images of 28x28 (62.7 MB, under the cap) claimed, one image present: refused
     * after reading what is there, without allocating for the claim. */
    unsigned char labels[80000] = { 0 };
    write_file(LABELS_GZ, label_file(2049, 80000, labels, 80000), 1);
    write_file(IMAGES_GZ, image_file(2051, 80000, 28, 28, NULL, 784), 1);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "truncated: header says 80000 images, file holds 1");
}

Test(mnist, refuses_a_cut_gzip_stream)
{
    write_split("t10k", 1);
    /* 50 noisy 28x28 images, the compressed file cut in half */
    write_file(LABELS_GZ, label_file(2049, 50, (unsigned char[50]){ 0 }, 50), 1);
    write_file(IMAGES_GZ, image_file(2051, 50, 28, 28, NULL, 50 * 784), 1);
    const char *path = in_tmp(IMAGES_GZ);
    cr_assert_eq(truncate(path, file_size(path) / 2), 0);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "truncated: header says 50 images, file holds ");
}

Test(mnist, refuses_a_gzip_stream_without_its_trailer)
{
    write_split("t10k", 1);
    const char *path = in_tmp(IMAGES_GZ);
    cr_assert_eq(truncate(path, file_size(path) - 8), 0);   /* CRC32 and ISIZE gone */
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "corrupt gzip data: unexpected end of file (run `make data`)");
}

Test(mnist, refuses_a_gzip_stream_whose_checksum_fails)
{
    write_split("t10k", 1);
    const char *path = in_tmp(IMAGES_GZ);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, -8, SEEK_END), 0);   /* first byte of the CRC32 */
    const int c = fgetc(f);
    cr_assert_eq(fseek(f, -8, SEEK_END), 0);
    fputc(c ^ 0xff, f);
    cr_assert_eq(fclose(f), 0);
    expect_error(MNIST_TEST, IMAGES_GZ, "corrupt gzip data: incorrect data check");
}

Test(mnist, refuses_trailing_bytes)
{
    write_split("t10k", 1);
    unsigned char more[sizeof PIXELS + 5] = { 0 };
    memcpy(more, PIXELS, sizeof PIXELS);
    write_file(IMAGES_GZ, image_file(2051, N, ROWS, COLS, more, sizeof more), 1);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "5 trailing bytes after the 3 images the header declares");
    write_file(IMAGES_GZ, good_images(), 1);
    write_file(LABELS_GZ, label_file(2049, 2, LABELS, 3), 0);
    expect_error(MNIST_TEST, LABELS_GZ,
                 "1 trailing byte after the 2 labels the header declares");
}

Test(mnist, refuses_more_images_than_labels)
{
    write_split("t10k", 1);
    write_file(LABELS_GZ, label_file(2049, 2, LABELS, 2), 1);
    char want[600];
    snprintf(want, sizeof want, "header says 3 images, but %s holds 2 labels",
             in_tmp(LABELS_GZ));
    expect_error(MNIST_TEST, IMAGES_GZ, want);
}

Test(mnist, refuses_absurd_dimensions_and_counts)
{
    write_split("t10k", 1);
    write_file(IMAGES_GZ, image_file(2051, N, 0, 28, NULL, 0), 1);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "image size 0x28 is absurd (each side must be 1..1024; MNIST is 28x28)");
    write_file(IMAGES_GZ, image_file(2051, N, 28, 4000000000u, NULL, 0), 1);
    expect_error(MNIST_TEST, IMAGES_GZ, "image size 28x4000000000 is absurd");
    write_file(LABELS_GZ, label_file(2049, 0, LABELS, 0), 1);
    expect_error(MNIST_TEST, LABELS_GZ, "header says 0 labels, expected 1..1000000");
    write_file(LABELS_GZ, label_file(2049, 0xffffffffu, LABELS, N), 1);
    expect_error(MNIST_TEST, LABELS_GZ,
                 "header says 4294967295 labels, expected 1..1000000");
    /* 100000 images of 28x28 = 78400000 bytes: over the 64 MiB cap, refused from the header */
    unsigned char zeros[100000] = { 0 };
    write_file(LABELS_GZ, label_file(2049, 100000, zeros, 100000), 1);
    write_file(IMAGES_GZ, image_file(2051, 100000, 28, 28, NULL, 0), 1);
    expect_error(MNIST_TEST, IMAGES_GZ,
                 "header says 100000 images of 28x28 = 78400000 bytes, "
                 "more than the cap of 67108864");
}

Test(mnist, refuses_a_label_that_is_not_a_digit)
{
    write_split("t10k", 1);
    write_file(LABELS_GZ, labels_of(7, 10, 9), 1);
    expect_error(MNIST_TEST, LABELS_GZ, "label 10 at index 1 is not a digit 0..9");
}

/* ---- the real MNIST files ---------------------------------------------------------------- */

static void skip_without_mnist(void)
{
    if (access(MNIST_DIR "/t10k-images-idx3-ubyte.gz", R_OK) != 0)
        cr_skip_test("no MNIST files in " MNIST_DIR " (run `make data`)");
}

Test(mnist, real_test_set_matches_python)
{
    skip_without_mnist();
    MnistSet s;
    char err[ERR_LEN];
    cr_assert_eq(load_mnist(MNIST_DIR, MNIST_TEST, 0, 0, &s, err), 0, "%s", err);
    /* the book: x_test.shape (10000, 784), t_test.shape (10000,) */
    cr_assert(s.x.rows == 10000 && s.x.cols == 784 && s.rows == 28 && s.cols == 28);
    cr_assert(s.t.rows == 10000 && s.t.cols == 1);
    cr_assert(MAT_AT(&s.t, 0, 0) == 7.0, "first test label is 7");
    /* pinned with: np.frombuffer(gzip.open(f).read(), np.uint8, offset=16).reshape(-1, 784) */
    double first = 0.0;
    for (size_t j = 0; j < 784; j++)
        first += MAT_AT(&s.x, 0, j);
    cr_assert(first == 18454.0, "pixel sum of the first test image: %.17g", first);
    cr_assert(MAT_AT(&s.x, 0, 202) == 84.0, "first non-zero pixel of image 0");
    cr_assert(matrix_sum(&s.x) == 264923200.0, "pixel sum of the test set: %.17g",
              matrix_sum(&s.x));
    cr_assert(matrix_sum(&s.t) == 44434.0, "label sum of the test set: %.17g", matrix_sum(&s.t));
    mnist_free(&s);

    cr_assert_eq(load_mnist(MNIST_DIR, MNIST_TEST, 1, 1, &s, err), 0, "%s", err);
    cr_assert(MAT_AT(&s.x, 0, 202) == 84.0 / 255.0);
    cr_assert(s.t.cols == 10 && MAT_AT(&s.t, 0, 7) == 1.0 && matrix_sum(&s.t) == 10000.0);
    mnist_free(&s);
}

Test(mnist, real_training_set_matches_python)
{
    skip_without_mnist();
    MnistSet s;
    char err[ERR_LEN];
    cr_assert_eq(load_mnist(MNIST_DIR, MNIST_TRAIN, 1, 1, &s, err), 0, "%s", err);
    /* the book: x_train.shape (60000, 784), t_train.shape (60000, 10) with one_hot_label */
    cr_assert(s.x.rows == 60000 && s.x.cols == 784);
    cr_assert(s.t.rows == 60000 && s.t.cols == 10);
    cr_assert(MAT_AT(&s.t, 0, 5) == 1.0, "first training label is 5");
    cr_assert(matrix_sum(&s.t) == 60000.0);
    mnist_free(&s);
}

/* ---- data/mnist/verify.sh ---------------------------------------------------------------- */

#define VERIFY_SH DLFS_SOURCE_DIR "/data/mnist/verify.sh"
/* sha256 of the uncompressed fixture labels {7, 0, 9} (good_labels()), from sha256sum */
#define FIXTURE_SHA256 "f56856a625e570f4360ac2c5fa7df922347bd0f5294464e12ccb68d82c63b1f5"

/* Run a shell command with stdout and stderr in <tmp>/out; returns its exit status and
 * the output in *out (free() it). */
static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
    char cmd[2048], full[2200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "(%s) > '%s' 2>&1", cmd, in_tmp("out"));
    const int status = system(full);
    cr_assert(WIFEXITED(status), "%s did not exit", cmd);
    FILE *f = fopen(in_tmp("out"), "rb");
    cr_assert_not_null(f);
    *out = calloc(1, 65536);
    cr_assert_not_null(*out);
    (void)!fread(*out, 1, 65535, f);
    fclose(f);
    return WEXITSTATUS(status);
}

/* <tmp>/d: a copy of verify.sh, a SHA256SUMS naming only the fixture labels. */
static void make_verify_dir(void)
{
    if (access(VERIFY_SH, R_OK) != 0)
        cr_skip_test(VERIFY_SH " is missing");
    char *out;
    cr_assert_eq(run(&out, "mkdir '%s' && cp '%s' '%s/' && "
                     "echo '%s  t10k-labels-idx1-ubyte' > '%s/SHA256SUMS'",
                     in_tmp("d"), VERIFY_SH, in_tmp("d"), FIXTURE_SHA256, in_tmp("d")),
                 0, "%s", out);
    free(out);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *p = calloc(1, 65536);
    *len = fread(p, 1, 65536, f);
    fclose(f);
    return p;
}

Test(mnist, verify_sh_accepts_the_shipped_files)
{
    skip_without_mnist();
    char *out;
    cr_assert_eq(run(&out, "sh '%s'", VERIFY_SH), 0, "%s", out);
    cr_assert_str_eq(out, "t10k-images-idx3-ubyte.gz: OK\nt10k-labels-idx1-ubyte.gz: OK\n"
                          "train-images-idx3-ubyte.gz: OK\ntrain-labels-idx1-ubyte.gz: OK\n");
    free(out);
}

Test(mnist, verify_sh_reports_missing_and_corrupt_files)
{
    make_verify_dir();
    char *out;
    cr_assert_eq(run(&out, "sh '%s/verify.sh'", in_tmp("d")), 1);
    cr_assert_not_null(strstr(out, "t10k-labels-idx1-ubyte.gz: MISSING\n"), "%s", out);
    free(out);

    write_file("d/" LABELS_GZ, good_labels(), 1);
    cr_assert_eq(run(&out, "sh '%s/verify.sh'", in_tmp("d")), 0, "%s", out);
    cr_assert_str_eq(out, "t10k-labels-idx1-ubyte.gz: OK\n");
    free(out);

    write_file("d/" LABELS_GZ, labels_of(7, 0, 8), 1);
    cr_assert_eq(run(&out, "sh '%s/verify.sh'", in_tmp("d")), 1);
    cr_assert_not_null(strstr(out, LABELS_GZ ": FAILED (uncompressed sha256 "), "%s", out);
    free(out);
}

Test(mnist, verify_sh_fetch_without_a_download_changes_nothing)
{
    make_verify_dir();
    /* a broken file, and a mirror that cannot serve it (no network needed to test this) */
    write_file("d/" LABELS_GZ, labels_of(7, 0, 8), 1);
    size_t n0, n1;
    char *before = slurp(in_tmp("d/" LABELS_GZ), &n0);
    char *out;
    cr_assert_neq(run(&out, "MNIST_MIRROR='file://%s/nowhere/' sh '%s/verify.sh' --fetch",
                      tmp, in_tmp("d")), 0, "%s", out);
    cr_assert_not_null(strstr(out, "cannot download"), "%s", out);
    cr_assert_not_null(strstr(out, "; nothing changed\n"), "%s", out);
    char *after = slurp(in_tmp("d/" LABELS_GZ), &n1);
    cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "the file was changed");
    free(out);
    cr_assert_eq(run(&out, "ls -A '%s'", in_tmp("d")), 0);
    cr_assert_str_eq(out, "SHA256SUMS\n" LABELS_GZ "\nverify.sh\n", "leftovers: %s", out);
    free(out);
    free(before);
    free(after);
}

Test(mnist, verify_sh_fetch_replaces_a_file_only_with_a_matching_download)
{
    if (system("command -v curl > /dev/null 2>&1") != 0)
        cr_skip_test("curl is not installed (file:// mirrors need it)");
    make_verify_dir();
    cr_assert_eq(mkdir(in_tmp("mirror"), 0755), 0);
    /* the mirror serves a wrong file: the local one (missing) stays missing */
    write_file("mirror/" LABELS_GZ, labels_of(1, 2, 3), 1);
    char *out;
    cr_assert_eq(run(&out, "MNIST_MIRROR='file://%s' sh '%s/verify.sh' --fetch",
                     in_tmp("mirror"), in_tmp("d")), 1, "%s", out);
    cr_assert_not_null(strstr(out, "download FAILED its check"), "%s", out);
    cr_assert_neq(access(in_tmp("d/" LABELS_GZ), F_OK), 0, "a bad download was put in place");
    free(out);
    /* the mirror serves the right file: it is put in place */
    write_file("mirror/" LABELS_GZ, good_labels(), 1);
    cr_assert_eq(run(&out, "MNIST_MIRROR='file://%s' sh '%s/verify.sh' --fetch",
                     in_tmp("mirror"), in_tmp("d")), 0, "%s", out);
    cr_assert_not_null(strstr(out, "t10k-labels-idx1-ubyte.gz: fetched, OK\n"), "%s", out);
    free(out);
    cr_assert_eq(run(&out, "sh '%s/verify.sh'", in_tmp("d")), 0, "%s", out);
    free(out);
}
