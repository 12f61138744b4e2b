/* mnist.c - see mnist.h.
 *
 * An IDX file is a big-endian header, then the data as unsigned bytes:
 *   images: magic 2051, count, rows, cols (16 bytes), then count * rows * cols pixels
 *   labels: magic 2049, count (8 bytes), then count labels
 * Reading a split: the labels first (small), then the images, whose header must name as
 * many images as there are labels before any pixel memory is allocated.
 */
#include "formats/mnist.h"
#include "formats/bytes.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

typedef struct {
    uint32_t magic;
    size_t header;              /* header bytes: 16 for images, 8 for labels */
    const char *what;           /* "images" or "labels", for messages */
} IdxKind;

static const IdxKind IMAGES = { MNIST_IMAGE_MAGIC, 16, "images" };
static const IdxKind LABELS = { MNIST_LABEL_MAGIC, 8, "labels" };

typedef struct {
    size_t count;               /* images or labels */
    size_t rows, cols;          /* image size (1 x 1 for labels) */
    size_t item;                /* bytes per item: rows * cols */
} IdxHeader;

#define READ_CHUNK    ((size_t)1 << 20)  /* first buffer size; it doubles as data arrive */
#define TRAILING_SCAN ((size_t)1 << 20)  /* count at most this many trailing bytes */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The magic number in the first 4 bytes at buf must be k's. */
static int check_magic(const IdxKind *k, const unsigned char *buf, const char *name, char *err)
{
    const uint32_t magic = be32(buf);
    if (magic == k->magic)
        return 0;
    const IdxKind *other = k == &IMAGES ? &LABELS : &IMAGES;
    if (magic == other->magic)
        return set_error(err, "%s: magic number %lu is an IDX file of %s, expected %lu (%s)",
                         name, (unsigned long)magic, other->what,
                         (unsigned long)k->magic, k->what);
    return set_error(err, "%s: magic number %lu, expected %lu: not an IDX file of %s "
                     "(run `make data`)", name, (unsigned long)magic,
                     (unsigned long)k->magic, k->what);
}

/* Check a header (k->header bytes at buf) and fill *h; no allocation. */
static int check_header(const IdxKind *k, const unsigned char *buf, const char *name,
                        IdxHeader *h, char *err)
{
    if (check_magic(k, buf, name, err))
        return -1;
    const uint32_t count = be32(buf + 4);
    uint32_t rows = 1, cols = 1;
    if (k == &IMAGES) {
        rows = be32(buf + 8);
        cols = be32(buf + 12);
        if (rows < 1 || rows > MNIST_MAX_SIDE || cols < 1 || cols > MNIST_MAX_SIDE)
            return set_error(err, "%s: image size %lux%lu is absurd (each side must be 1..%d; "
                             "MNIST is 28x28)", name, (unsigned long)rows, (unsigned long)cols,
                             MNIST_MAX_SIDE);
    }
    if (count < 1 || count > MNIST_MAX_COUNT)
        return set_error(err, "%s: header says %lu %s, expected 1..%d", name,
                         (unsigned long)count, k->what, MNIST_MAX_COUNT);
    /* count <= 1e6 and rows * cols <= 2^20: the product fits in 64 bits. */
    const uint64_t bytes = (uint64_t)count * rows * cols;
    if (bytes > MNIST_MAX_BYTES)
        return set_error(err, "%s: header says %lu %s of %lux%lu = %llu bytes, more than the "
                         "cap of %zu", name, (unsigned long)count, k->what,
                         (unsigned long)rows, (unsigned long)cols, (unsigned long long)bytes,
                         MNIST_MAX_BYTES);
    *h = (IdxHeader){ count, rows, cols, (size_t)rows * cols };
    return 0;
}

/* The data after the header must hold exactly the items the header declares. */
static int check_length(const IdxKind *k, const IdxHeader *h, size_t data_len,
                        const char *name, char *err)
{
    const size_t need = h->count * h->item;
    if (data_len < need)
        return set_error(err, "%s: truncated: header says %zu %s, file holds %zu (run `make data`)",
                         name, h->count, k->what, data_len / h->item);
    if (data_len > need)
        return set_error(err, "%s: %zu trailing byte%s after the %zu %s the header declares",
                         name, data_len - need, data_len - need == 1 ? "" : "s", h->count, k->what);
    return 0;
}

/* A header shorter than k->header bytes (len of them at buf): a wrong magic number is
 * the better message when there is one. */
static int short_header(const IdxKind *k, const unsigned char *buf, size_t len,
                        const char *name, char *err)
{
    if (len >= 4 && check_magic(k, buf, name, err))
        return -1;
    if (len == 0)
        return set_error(err, "%s: empty file (run `make data`)", name);
    return set_error(err, "%s: truncated: %zu bytes, an IDX header of %s needs %zu "
                     "(run `make data`)", name, len, k->what, k->header);
}

/* A (rows, cols) matrix, zeroed when zero is set; -1 with err when memory runs out. */
static int matrix_alloc(Matrix *m, size_t rows, size_t cols, int zero, const char *name,
                        char *err)
{
    double *d = zero ? calloc(rows * cols, sizeof(double)) : malloc(rows * cols * sizeof(double));
    if (!d)
        return set_error(err, "%s: out of memory for a %zu x %zu matrix", name, rows, cols);
    *m = (Matrix){ rows, cols, d };
    return 0;
}

/* scale[v] = v, or v / 255.0 when normalize: a pixel's value as a double.
 * The book: x.astype(float32) / 255.0; here value / 255.0 in double. */
static void pixel_scale(double scale[256], int normalize)
{
    for (int v = 0; v < 256; v++)
        scale[v] = normalize ? v / 255.0 : (double)v;
}

/* out[i] = scale[pixels[i]] */
static void convert_pixels(double *out, const unsigned char *pixels, size_t n,
                           const double scale[256])
{
    for (size_t i = 0; i < n; i++)
        out[i] = scale[pixels[i]];
}

/* Every label must be a digit. */
static int check_labels(const unsigned char *labels, size_t count, const char *name, char *err)
{
    for (size_t i = 0; i < count; i++)
        if (labels[i] > 9)
            return set_error(err, "%s: label %u at index %zu is not a digit 0..9",
                             name, labels[i], i);
    return 0;
}

int mnist_parse_images(const unsigned char *buf, size_t len, const char *name, int normalize,
                       Matrix *x, size_t *rows, size_t *cols, char err[ERR_LEN])
{
    assert(buf && name && x && err && "mnist_parse_images: NULL argument");
    IdxHeader h;
    *x = (Matrix){ 0, 0, NULL };
    if (len < IMAGES.header)
        return short_header(&IMAGES, buf, len, name, err);
    if (check_header(&IMAGES, buf, name, &h, err) ||
        check_length(&IMAGES, &h, len - IMAGES.header, name, err) ||
        matrix_alloc(x, h.count, h.item, 0, name, err))
        return -1;
    double scale[256];
    pixel_scale(scale, normalize);
    convert_pixels(x->data, buf + IMAGES.header, h.count * h.item, scale);
    if (rows)
        *rows = h.rows;
    if (cols)
        *cols = h.cols;
    return 0;
}

int mnist_parse_labels(const unsigned char *buf, size_t len, const char *name,
                       int one_hot_label, Matrix *t, char err[ERR_LEN])
{
    assert(buf && name && t && err && "mnist_parse_labels: NULL argument");
    IdxHeader h;
    *t = (Matrix){ 0, 0, NULL };
    if (len < LABELS.header)
        return short_header(&LABELS, buf, len, name, err);
    if (check_header(&LABELS, buf, name, &h, err) ||
        check_length(&LABELS, &h, len - LABELS.header, name, err))
        return -1;
    const unsigned char *labels = buf + LABELS.header;
    if (check_labels(labels, h.count, name, err))
        return -1;
    if (matrix_alloc(t, h.count, one_hot_label ? 10 : 1, 1, name, err))
        return -1;
    for (size_t i = 0; i < h.count; i++) {
        if (one_hot_label)
            MAT_AT(t, i, labels[i]) = 1.0;
        else
            MAT_AT(t, i, 0) = labels[i];
    }
    return 0;
}

/* zlib's message for f's last error (without the path it prefixes), or NULL if none.
 * A gzip stream that simply ends early (Z_BUF_ERROR) counts only when eof_counts is set. */
static const char *gz_problem(gzFile f, const char *path, int eof_counts)
{
    int errnum;
    const char *msg = gzerror(f, &errnum);
    if (errnum == Z_OK || (errnum == Z_BUF_ERROR && !eof_counts))
        return NULL;
    const size_t n = strlen(path);
    if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        msg += n + 2;
    else if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ">: "))   /* gzdopen's name */
        msg = strstr(msg, ">: ") + 3;
    return msg;
}

/* The message for a failed gzread: a system error (EISDIR, EIO) or bad gzip data. */
static int gz_error(gzFile f, const char *path, char *err)
{
    int errnum;
    gzerror(f, &errnum);
    if (errnum == Z_ERRNO)
        return set_error(err, "%s: %s", path, strerror(errno));
    const char *msg = gz_problem(f, path, 1);
    return set_error(err, "%s: corrupt gzip data: %s (run `make data`)", path,
                     msg ? msg : "read error");
}

/* Read the whole uncompressed IDX file at path into *out (len bytes, free() it). The header
 * is checked first; the buffer then grows as data arrive, up to what the header declares,
 * so a lying header costs no memory. expect_count, when not 0, is the number of labels the
 * images must match (counted in labels_path). */
static int read_idx(const char *path, const IdxKind *k, size_t expect_count,
                    const char *labels_path, unsigned char **out, size_t *out_len, char *err)
{
    *out = NULL;
    *out_len = 0;
    if (access(path, F_OK) != 0)
        return set_error(err, "%s: %s (run `make data`)", path, strerror(errno));
    /* a FIFO, a device or a directory is refused, never opened (a FIFO would block) */
    const int fd = open_regular_file(path, "an IDX file (run `make data`)", err);
    if (fd < 0)
        return -1;
    errno = 0;
    gzFile f = gzdopen(fd, "rb");
    if (!f) {
        close(fd);
        return set_error(err, "%s: %s (run `make data`)", path,
                         errno ? strerror(errno) : "cannot open");
    }
    unsigned char head[16], *buf = NULL;
    IdxHeader h;
    int n = gzread(f, head, (unsigned)k->header);
    if (n < 0 || gz_problem(f, path, n == 0)) {  /* a stream cut short before any data */
        gz_error(f, path, err);
        goto fail;
    }
    if ((size_t)n < k->header) {
        short_header(k, head, (size_t)n, path, err);
        goto fail;
    }
    if (check_header(k, head, path, &h, err))
        goto fail;
    if (expect_count && h.count != expect_count) {
        set_error(err, "%s: header says %zu %s, but %s holds %zu labels", path, h.count,
                  k->what, labels_path, expect_count);
        goto fail;
    }

    const size_t total = k->header + h.count * h.item;
    size_t cap = total < READ_CHUNK ? total : READ_CHUNK, got = k->header;
    buf = malloc(cap);
    if (!buf) {
        set_error(err, "%s: out of memory for %zu bytes", path, cap);
        goto fail;
    }
    memcpy(buf, head, k->header);
    while (got < total) {
        if (got == cap) {
            size_t bigger = cap > total / 2 ? total : 2 * cap;
            unsigned char *p = realloc(buf, bigger);
            if (!p) {
                set_error(err, "%s: out of memory for %zu bytes", path, bigger);
                goto fail;
            }
            buf = p;
            cap = bigger;
        }
        n = gzread(f, buf + got, (unsigned)(cap - got));
        if (n < 0 || gz_problem(f, path, 0)) {
            gz_error(f, path, err);
            goto fail;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got < total) {
        check_length(k, &h, got - k->header, path, err);
        goto fail;
    }
    /* Anything after the declared data? Count it (up to a limit) for the message. */
    unsigned char scratch[4096];
    size_t extra = 0;
    while (extra <= TRAILING_SCAN && (n = gzread(f, scratch, sizeof scratch)) > 0)
        extra += (size_t)n;
    if (n < 0 || gz_problem(f, path, 1)) {
        gz_error(f, path, err);
        goto fail;
    }
    if (extra > TRAILING_SCAN) {
        set_error(err, "%s: more than %zu trailing bytes after the %zu %s the header declares",
                  path, TRAILING_SCAN, h.count, k->what);
        goto fail;
    }
    if (extra) {
        check_length(k, &h, got - k->header + extra, path, err);
        goto fail;
    }
    gzclose_r(f);
    *out = buf;
    *out_len = got;
    return 0;
fail:
    free(buf);
    gzclose_r(f);
    return -1;
}

/* "<dir>/<name>.gz", or "<dir>/<name>" when only the uncompressed file exists. */
static int data_path(char *path, size_t size, const char *dir, const char *name, char *err)
{
    int n = snprintf(path, size, "%s/%s.gz", dir, name);
    if (n < 0 || (size_t)n >= size)
        return set_error(err, "%s: path too long", dir);
    if (access(path, F_OK) != 0) {
        char plain[4096];
        snprintf(plain, sizeof plain, "%s/%s", dir, name);
        if (access(plain, F_OK) == 0)
            memcpy(path, plain, strlen(plain) + 1);
    }
    return 0;
}

/* The label and image files of a split in dir. */
static int split_paths(const char *dir, MnistSplit split, char lbl_path[4096],
                       char img_path[4096], char *err)
{
    assert((split == MNIST_TRAIN || split == MNIST_TEST) && "mnist: unknown split");
    const char *prefix = split == MNIST_TRAIN ? "train" : "t10k";
    char name[64];
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
    if (data_path(lbl_path, 4096, dir, name, err))
        return -1;
    snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
    return data_path(img_path, 4096, dir, name, err);
}

int load_mnist(const char *dir, MnistSplit split, int normalize, int one_hot_label,
               MnistSet *out, char err[ERR_LEN])
{
    assert(dir && out && err && "load_mnist: NULL argument");
    char img_path[4096], lbl_path[4096];
    unsigned char *buf;
    size_t len;
    int rc;

    *out = (MnistSet){ { 0, 0, NULL }, { 0, 0, NULL }, 0, 0 };
    if (split_paths(dir, split, lbl_path, img_path, err))
        return -1;

    if (read_idx(lbl_path, &LABELS, 0, NULL, &buf, &len, err))
        return -1;
    rc = mnist_parse_labels(buf, len, lbl_path, one_hot_label, &out->t, err);
    free(buf);
    if (rc)
        return -1;

    if (read_idx(img_path, &IMAGES, out->t.rows, lbl_path, &buf, &len, err)) {
        mnist_free(out);
        return -1;
    }
    rc = mnist_parse_images(buf, len, img_path, normalize, &out->x, &out->rows, &out->cols, err);
    free(buf);
    if (rc) {
        mnist_free(out);
        return -1;
    }
    return 0;
}

void mnist_free(MnistSet *s)
{
    matrix_free(&s->x);
    matrix_free(&s->t);
    s->rows = s->cols = 0;
}

int load_mnist_bytes(const char *dir, MnistSplit split, MnistBytes *out, char err[ERR_LEN])
{
    assert(dir && out && err && "load_mnist_bytes: NULL argument");
    char img_path[4096], lbl_path[4096];
    size_t len;
    memset(out, 0, sizeof *out);
    if (split_paths(dir, split, lbl_path, img_path, err) ||
        read_idx(lbl_path, &LABELS, 0, NULL, &out->raw[1], &len, err))
        return -1;
    /* read_idx checked the header and that the file holds exactly what it declares. */
    out->count = len - LABELS.header;
    out->labels = out->raw[1] + LABELS.header;
    if (check_labels(out->labels, out->count, lbl_path, err) ||
        read_idx(img_path, &IMAGES, out->count, lbl_path, &out->raw[0], &len, err)) {
        mnist_bytes_free(out);
        return -1;
    }
    out->rows = be32(out->raw[0] + 8);
    out->cols = be32(out->raw[0] + 12);
    out->pixels = out->raw[0] + IMAGES.header;
    return 0;
}

void mnist_bytes_free(MnistBytes *b)
{
    free(b->raw[0]);
    free(b->raw[1]);
    memset(b, 0, sizeof *b);
}

void mnist_images(Matrix *x, const MnistBytes *b, size_t first, const size_t *idx, int normalize)
{
    const size_t item = b->rows * b->cols;
    assert(x->cols == item && "mnist_images: x must have rows * cols columns");
    assert((idx || first + x->rows <= b->count) && "mnist_images: rows out of range");
    double scale[256];
    pixel_scale(scale, normalize);
    if (!idx) {
        convert_pixels(x->data, b->pixels + first * item, x->rows * item, scale);
        return;
    }
    for (size_t i = 0; i < x->rows; i++) {
        assert(idx[i] < b->count && "mnist_images: index out of range");
        convert_pixels(x->data + i * item, b->pixels + idx[i] * item, item, scale);
    }
}
