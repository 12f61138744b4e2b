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
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "sys/atomic.h"
#include "sys/paths.h"
#include "sys/sha256.h"

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

/* ---- the decompressed cache (see mnist.h) ---------------------------------------------- */

#define CACHE_MAGIC  "dlfs-c MNIST cache 1\n"
#define SUMS_MAX     ((size_t)64 << 10)     /* a SHA256SUMS longer than this is ignored */

typedef struct {
    char path[4096];            /* the cache file */
    char key[MNIST_CACHE_HEADER - 64];  /* what its header starts with: source, name, checksum */
    char sha[65];               /* the content's SHA-256, as SHA256SUMS lists it */
} Cache;

/* Where caches go: $DLFS_CACHE_DIR (empty: no cache), else <project>/build/cache/mnist.
 * 0, or -1 when there is no cache. */
static int cache_dir(char *out, size_t size)
{
    const char *env = getenv("DLFS_CACHE_DIR");
    int n;
    if (env)
        n = env[0] ? snprintf(out, size, "%s", env) : -1;
    else {
        const char *root = project_root();
        n = strcmp(root, ".") == 0 ? -1 : snprintf(out, size, "%s/build/cache/mnist", root);
    }
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The checksum dir/SHA256SUMS lists for name ("<64 hex>  <name>" lines, as sha256sum
 * writes them). 0 with sha set, or -1 when there is no such list or line. */
static int listed_sha(const char *dir, const char *name, char sha[65])
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/SHA256SUMS", dir) >= (int)sizeof path)
        return -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char line[256];
    size_t read = 0;
    int found = -1;
    while (found != 0 && read < SUMS_MAX && fgets(line, sizeof line, f)) {
        read += strlen(line);
        size_t hex = strspn(line, "0123456789abcdef");
        if (hex != 64 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
            continue;
        char *file = line + 66;
        file[strcspn(file, "\r\n")] = '\0';
        if (strcmp(file, name) == 0) {
            memcpy(sha, line, 64);
            sha[64] = '\0';
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* Plans the cache of the gzip file src (dir/name.gz): -1 when it has none (no cache
 * directory, src not gzip, or name not listed in dir/SHA256SUMS). The key names the
 * source file as it is now (device, inode, size, modification time), so a changed source
 * makes the cache stale. */
static int cache_plan(Cache *c, const char *dir, const char *name, const char *src)
{
    char where[4096];
    struct stat st;
    const size_t n = strlen(src);
    if (n < 3 || strcmp(src + n - 3, ".gz") != 0 || cache_dir(where, sizeof where) != 0 ||
        listed_sha(dir, name, c->sha) != 0 || stat(src, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    int k = snprintf(c->path, sizeof c->path, "%s/%s-%.16s", where, name, c->sha);
    if (k < 0 || (size_t)k >= sizeof c->path)
        return -1;
    k = snprintf(c->key, sizeof c->key,
                 CACHE_MAGIC "name %s\nsha256 %s\nsource dev %llu ino %llu size %lld mtime %lld.%09ld\n",
                 name, c->sha, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
                 (long long)st.st_size, (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    return k < 0 || (size_t)k >= sizeof c->key ? -1 : 0;   /* the "bytes" line fits after it */
}

/* A quick sum of the content (Fletcher over 8-byte words): a cache cut short or damaged is
 * rebuilt. It is no defence against a deliberate forgery, which the IDX checks keep
 * harmless (a forged pixel is just a pixel). */
static uint64_t content_sum(const unsigned char *p, size_t n)
{
    uint64_t a = 0, b = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        a += w;
        b += a;
    }
    w = 0;
    memcpy(&w, p + i, n - i);
    a += w;
    b += a;
    return b ^ (a << 32 | a >> 32);
}

/* read() exactly n bytes. */
static int read_all(int fd, unsigned char *p, size_t n)
{
    while (n > 0) {
        const ssize_t got = read(fd, p, n);
        if (got <= 0)
            return -1;
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

/* The cache header's line exactly as cache_write prints it: "bytes N sum S\n", N in decimal
 * without leading zeros or sign, S 16 lowercase hex digits (sscanf would also take
 * "bytes011", " +5" or upper case). Returns 0, or -1. */
static int parse_cache_line(const char *p, size_t *claimed, unsigned long long *sum)
{
    if (strncmp(p, "bytes ", 6) != 0)
        return -1;
    p += 6;
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
        return -1;
    size_t n = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (SIZE_MAX - 9) / 10)
            return -1;
        n = n * 10 + (size_t)(*p - '0');
    }
    if (strncmp(p, " sum ", 5) != 0)
        return -1;
    p += 5;
    unsigned long long s = 0;
    for (int i = 0; i < 16; i++, p++) {
        const int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        s = s << 4 | (unsigned long long)d;
    }
    if (strcmp(p, "\n") != 0)
        return -1;
    *claimed = n;
    *sum = s;
    return 0;
}

int mnist_cache_check(const char *header, const unsigned char *idx, size_t len,
                      const char *key, int labels, size_t expect_count)
{
    const IdxKind *k = labels ? &LABELS : &IMAGES;
    const size_t key_len = strlen(key);
    char scratch[ERR_LEN], line[64];
    size_t claimed;
    unsigned long long sum;
    IdxHeader h;
    if (key_len >= MNIST_CACHE_HEADER || memcmp(header, key, key_len) != 0)
        return -1;
    /* "bytes N sum S\n" and NUL padding to the end of the header, nothing else */
    const char *rest = header + key_len;
    const size_t rest_len = MNIST_CACHE_HEADER - key_len;
    const char *nul = memchr(rest, '\0', rest_len);
    if (!nul || (size_t)(nul - rest) >= sizeof line)
        return -1;
    memcpy(line, rest, (size_t)(nul - rest));
    line[nul - rest] = '\0';
    for (const char *q = nul; q < rest + rest_len; q++)
        if (*q != '\0')
            return -1;
    if (parse_cache_line(line, &claimed, &sum) != 0 || claimed != len || len < k->header ||
        check_header(k, idx, "cache", &h, scratch) != 0 ||
        check_length(k, &h, len - k->header, "cache", scratch) != 0 ||
        (expect_count && h.count != expect_count) ||
        (labels && check_labels(idx + k->header, h.count, "cache", scratch) != 0) ||
        content_sum(idx, len) != sum)
        return -1;
    return 0;
}

/* The IDX bytes of a valid cache (mnist_cache_check: the key, the length, the IDX checks
 * read_idx makes on the source, the labels' digits, the sum), or -1: missing, stale or
 * corrupt. Memory follows the file's real size, capped as for the source. */
static int cache_read(const Cache *c, const IdxKind *k, size_t expect_count,
                      unsigned char **out, size_t *out_len)
{
    *out = NULL;
    int fd = open(c->path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    char header[MNIST_CACHE_HEADER];
    unsigned char *buf = NULL;
    struct stat st;
    size_t len;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size < (off_t)(MNIST_CACHE_HEADER + k->header) ||
        st.st_size > (off_t)(MNIST_CACHE_HEADER + k->header + MNIST_MAX_BYTES) ||
        read_all(fd, (unsigned char *)header, MNIST_CACHE_HEADER) != 0)
        goto fail;
    len = (size_t)st.st_size - MNIST_CACHE_HEADER;
    if (!(buf = malloc(len)) || read_all(fd, buf, len) != 0 ||
        mnist_cache_check(header, buf, len, c->key, k == &LABELS, expect_count) != 0)
        goto fail;
    close(fd);
    *out = buf;
    *out_len = len;
    return 0;
fail:
    free(buf);
    close(fd);
    return -1;
}

/* Writes the cache atomically (sys/atomic.h); a cache that cannot be written is no error:
 * the next run decompresses again. */
static void cache_write(const Cache *c, const unsigned char *buf, size_t len)
{
    char dir[4096], err[ERR_LEN], header[MNIST_CACHE_HEADER] = { 0 };
    snprintf(dir, sizeof dir, "%s", c->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    snprintf(header, sizeof header, "%sbytes %zu sum %016llx\n", c->key, len,
             (unsigned long long)content_sum(buf, len));
    AtomicFile a;
    if ((slash && make_dirs(dir, err) != 0) || atomic_open(&a, c->path, err) != 0)
        return;
    if (fwrite(header, 1, sizeof header, a.f) != sizeof header || fwrite(buf, 1, len, a.f) != len) {
        atomic_abort(&a);
        return;
    }
    atomic_commit(&a, err);
}

/* read_idx through the cache: the cached bytes when the cache is valid, else the source
 * decompressed, checked against SHA256SUMS, and cached for the next run. name is the file's
 * name in SHA256SUMS (without .gz). */
static int read_idx_cached(const char *dir, const char *name, const char *path,
                           const IdxKind *k, size_t expect_count, const char *labels_path,
                           unsigned char **out, size_t *out_len, char *err)
{
    Cache c;
    if (cache_plan(&c, dir, name, path) != 0)
        return read_idx(path, k, expect_count, labels_path, out, out_len, err);
    if (cache_read(&c, k, expect_count, out, out_len) == 0)
        return 0;
    if (read_idx(path, k, expect_count, labels_path, out, out_len, err) != 0)
        return -1;
    char sha[65];
    sha256_hex(*out, *out_len, sha);
    if (strcmp(sha, c.sha) != 0) {
        free(*out);
        *out = NULL;
        *out_len = 0;
        return set_error(err, "%s: content does not match its checksum in %s/SHA256SUMS "
                         "(run `make data`)", path, dir);
    }
    cache_write(&c, *out, *out_len);
    return 0;
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

/* The label and image files of a split in dir, and their names in SHA256SUMS. */
typedef struct {
    char lbl_name[64], img_name[64];
    char lbl_path[4096], img_path[4096];
} SplitFiles;

static int split_paths(const char *dir, MnistSplit split, SplitFiles *f, char *err)
{
    assert((split == MNIST_TRAIN || split == MNIST_TEST) && "mnist: unknown split");
    const char *prefix = split == MNIST_TRAIN ? "train" : "t10k";
    snprintf(f->lbl_name, sizeof f->lbl_name, "%s-labels-idx1-ubyte", prefix);
    snprintf(f->img_name, sizeof f->img_name, "%s-images-idx3-ubyte", prefix);
    if (data_path(f->lbl_path, sizeof f->lbl_path, dir, f->lbl_name, err))
        return -1;
    return data_path(f->img_path, sizeof f->img_path, dir, f->img_name, err);
}

int load_mnist(const char *dir, MnistSplit split, int normalize, int one_hot_label,
               MnistSet *out, char err[ERR_LEN])
{
    assert(dir && out && err && "load_mnist: NULL argument");
    SplitFiles files;
    const char *img_path = files.img_path, *lbl_path = files.lbl_path;
    unsigned char *buf;
    size_t len;
    int rc;

    *out = (MnistSet){ { 0, 0, NULL }, { 0, 0, NULL }, 0, 0 };
    if (split_paths(dir, split, &files, err))
        return -1;

    if (read_idx_cached(dir, files.lbl_name, lbl_path, &LABELS, 0, NULL, &buf, &len, err))
        return -1;
    rc = mnist_parse_labels(buf, len, lbl_path, one_hot_label, &out->t, err);
    free(buf);
    if (rc)
        return -1;

    if (read_idx_cached(dir, files.img_name, img_path, &IMAGES, out->t.rows, lbl_path, &buf,
                        &len, err)) {
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
    SplitFiles files;
    const char *img_path = files.img_path, *lbl_path = files.lbl_path;
    size_t len;
    memset(out, 0, sizeof *out);
    if (split_paths(dir, split, &files, err) ||
        read_idx_cached(dir, files.lbl_name, lbl_path, &LABELS, 0, NULL, &out->raw[1], &len,
                        err))
        return -1;
    /* read_idx checked the header and that the file holds exactly what it declares. */
    out->count = len - LABELS.header;
    out->labels = out->raw[1] + LABELS.header;
    if (check_labels(out->labels, out->count, lbl_path, err) ||
        read_idx_cached(dir, files.img_name, img_path, &IMAGES, out->count, lbl_path,
                        &out->raw[0], &len, err)) {
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
