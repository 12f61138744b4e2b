/* npz.c - see npz.h.
 *
 * An .npz as Python's zipfile writes it for np.savez (numbers little-endian):
 *
 *   local header | name | extra | data  ...(one per array)...  central directory
 *   [zip64 end record | zip64 locator]  end-of-central-directory record | comment
 *
 * The central directory is the index: for each entry its name, compression method,
 * CRC-32, sizes and the offset of its local header. The reader takes sizes from the
 * central directory only (np.savez puts a zip64 extra field in every local header, a
 * writer to a pipe puts the sizes in a data descriptor after the data) and reads the
 * local header only to find where the data starts.
 *
 * Each entry is an .npy file: "\x93NUMPY", major, minor, the header length (2 bytes in
 * version 1.0, 4 in 2.0 and 3.0), a Python dict literal such as
 *     {'descr': '<f8', 'fortran_order': False, 'shape': (784, 50), }
 * padded with spaces and a '\n' so the data starts at a multiple of 64 bytes, then the
 * values. Reading runs in two passes: the first checks every ZIP record against the
 * file and the size limits without allocating anything but the entry table; the second
 * inflates, checks CRCs, parses the .npy headers and converts the values.
 */
#define ZLIB_CONST
#include "formats/npz.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "sys/atomic.h"

_Static_assert(sizeof(double) == 8 && sizeof(float) == 4, "npz.c reads IEEE 754 binary64/32");

#define SIG_LOCAL   0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END     0x06054b50u
#define SIG_END64   0x06064b50u
#define SIG_LOC64   0x07064b50u

enum {
    LOCAL_LEN = 30, CENTRAL_LEN = 46, END_LEN = 22, END64_LEN = 56, LOC64_LEN = 20,
    STORED = 0, DEFLATED = 8,
    NPY_PREFIX = 10,            /* magic (6), version (2), header length (2) in 1.0 */
    NPY_MAX_HEADER = 10000,     /* NumPy's own limit (format.py, _MAX_HEADER_SIZE) */
    NPY_ALIGN = 64,             /* the data starts at a multiple of 64 (ARRAY_ALIGN) */
    NPY_GROWTH_DIGITS = 21,     /* spare spaces NumPy leaves to grow axis 0 */
    DEFLATE_MAX_RATIO = 1032,   /* deflate's largest expansion: 258 bytes per 2 bits */
    LABEL_LEN = 80,
};

/* ---- little-endian fields ------------------------------------------------ */

static uint32_t get16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const unsigned char *p) { return get16(p) | get16(p + 2) << 16; }
static uint64_t get64(const unsigned char *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xFFFF); put16(p + 2, v >> 16); }

static int host_is_big_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 0;
}

/* s (n bytes, any content) as printable text for messages, shortened with "...". */
static void printable(char *dst, size_t cap, const unsigned char *s, size_t n)
{
    size_t i = 0, j = 0;
    for (; i < n && j + 4 < cap; i++)
        dst[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
    if (i < n)
        memcpy(dst + j, "...", 3), j += 3;
    dst[j] = '\0';
}

/* A shape as Python prints the tuple: (), (50,), (784, 50). */
static void format_shape(char *dst, size_t cap, int ndim, const uint64_t *shape)
{
    size_t j = (size_t)snprintf(dst, cap, "(");
    for (int k = 0; k < ndim && j < cap; k++)
        j += (size_t)snprintf(dst + j, cap - j, "%s%llu", k ? ", " : "",
                              (unsigned long long)shape[k]);
    if (j < cap)
        snprintf(dst + j, cap - j, ndim == 1 ? ",)" : ")");
}

/* ---- the ZIP structure (first pass) ------------------------------------------ */

typedef struct {
    const unsigned char *name;  /* in the caller's buffer, name_len bytes */
    size_t name_len;
    char label[LABEL_LEN];      /* the name, printable, for messages */
    unsigned method;
    uint32_t crc;
    uint64_t csize, usize;      /* compressed and uncompressed size */
    uint64_t data;              /* offset of the entry's data */
} Entry;

typedef struct {
    uint64_t offset, size, count;   /* of the central directory */
} Directory;

/* Find the end-of-central-directory record (and the zip64 one, if any). */
static int find_directory(const unsigned char *buf, size_t len, const char *file,
                          Directory *d, char *err)
{
    /* The end record is 22 bytes followed by a comment of up to 65535 bytes. */
    size_t end = SIZE_MAX;
    if (len >= END_LEN) {
        size_t lowest = len - END_LEN > 0xFFFF ? len - END_LEN - 0xFFFF : 0;
        for (size_t p = len - END_LEN + 1; p-- > lowest;)
            if (get32(buf + p) == SIG_END && p + END_LEN + get16(buf + p + 20) == len) {
                end = p;
                break;
            }
    }
    if (end == SIZE_MAX)
        return set_error(err, "%s: truncated or not a ZIP file: no end-of-central-directory "
                         "record", file);
    const unsigned char *e = buf + end;
    uint64_t disk = get16(e + 4), cd_disk = get16(e + 6), here = get16(e + 8);
    d->count = get16(e + 10);
    d->size = get32(e + 12);
    d->offset = get32(e + 16);
    uint64_t limit = end;           /* where the central directory must end */

    if (end >= LOC64_LEN && get32(buf + end - LOC64_LEN) == SIG_LOC64) {
        const unsigned char *loc = buf + end - LOC64_LEN;
        uint64_t at = get64(loc + 8);
        if (get32(loc + 4) != 0 || get32(loc + 16) > 1)
            return set_error(err, "%s: spans several disks (not supported)", file);
        if (end - LOC64_LEN < END64_LEN || at > end - LOC64_LEN - END64_LEN)
            return set_error(err, "%s: damaged: zip64 end record at byte %llu is not before "
                             "its locator", file, (unsigned long long)at);
        const unsigned char *r = buf + at;
        if (get32(r) != SIG_END64)
            return set_error(err, "%s: damaged: bad zip64 end record signature", file);
        disk = get32(r + 16);
        cd_disk = get32(r + 20);
        here = get64(r + 24);
        d->count = get64(r + 32);
        d->size = get64(r + 40);
        d->offset = get64(r + 48);
        limit = at;
    }
    if (disk != 0 || cd_disk != 0 || here != d->count)
        return set_error(err, "%s: spans several disks (not supported)", file);
    if (d->offset > len || d->size > len - d->offset)
        return set_error(err, "%s: truncated: central directory past end of file (bytes %llu "
                         "to %llu, file has %zu)", file, (unsigned long long)d->offset,
                         (unsigned long long)d->offset + d->size, len);
    if (d->offset + d->size != limit)
        return set_error(err, "%s: damaged: central directory ends at byte %llu, its end "
                         "record starts at byte %llu", file,
                         (unsigned long long)(d->offset + d->size), (unsigned long long)limit);
    if (d->count > d->size / CENTRAL_LEN)
        return set_error(err, "%s: damaged: %llu entries cannot fit a central directory of "
                         "%llu bytes", file, (unsigned long long)d->count,
                         (unsigned long long)d->size);
    if (d->count > NPZ_MAX_ARRAYS)
        return set_error(err, "%s: holds %llu entries, more than the %d a weight file may hold",
                         file, (unsigned long long)d->count, NPZ_MAX_ARRAYS);
    return 0;
}

/* Sizes or offset of 0xFFFFFFFF stand for 64-bit values in the zip64 extra field
 * (id 0x0001), in this order; as in Python's zipfile, without that field they are
 * taken literally. */
static int read_zip64_extra(const unsigned char *x, size_t n, Entry *e, uint64_t *local)
{
    while (n >= 4) {
        size_t id = get16(x), size = get16(x + 2);
        if (size > n - 4)
            return -1;
        if (id == 0x0001) {
            const unsigned char *v = x + 4;
            size_t left = size;
            uint64_t *fields[3] = { &e->usize, &e->csize, local };
            for (int i = 0; i < 3; i++) {
                if (*fields[i] != 0xFFFFFFFFu)
                    continue;
                if (left < 8)
                    return -1;
                *fields[i] = get64(v);
                v += 8;
                left -= 8;
            }
        }
        x += 4 + size;
        n -= 4 + size;
    }
    return 0;
}

/* The entry's name must be "<array name>.npy", unique and short enough for an ArrayList. */
static int check_name(const Entry *entries, size_t i, const char *file, char *err)
{
    const Entry *e = &entries[i];
    if (e->name_len < 4 || memcmp(e->name + e->name_len - 4, ".npy", 4) != 0)
        return set_error(err, "%s: entry %s: not a .npy file", file, e->label);
    if (e->name_len - 4 >= ARRAY_NAME_LEN)
        return set_error(err, "%s: entry %s: array name longer than %d bytes", file, e->label,
                         ARRAY_NAME_LEN - 1);
    if (memchr(e->name, '\0', e->name_len))
        return set_error(err, "%s: entry %s: name holds a NUL byte", file, e->label);
    for (size_t j = 0; j < i; j++)
        if (entries[j].name_len == e->name_len &&
            memcmp(entries[j].name, e->name, e->name_len) == 0)
            return set_error(err, "%s: two entries are named %s", file, e->label);
    return 0;
}

/* Check the local header at offset local and find where the data starts. Local headers
 * and data lie before the central directory (which starts at cd). */
static int locate_data(const unsigned char *buf, uint64_t cd, uint64_t local, const char *file,
                       Entry *e, char *err)
{
    if (local > cd || cd - local < LOCAL_LEN)
        return set_error(err, "%s: entry %s: local header at byte %llu is not before the "
                         "central directory", file, e->label, (unsigned long long)local);
    const unsigned char *h = buf + local;
    if (get32(h) != SIG_LOCAL)
        return set_error(err, "%s: entry %s: bad local header signature", file, e->label);
    size_t name_len = get16(h + 26), extra_len = get16(h + 28);
    uint64_t data = local + LOCAL_LEN + name_len + extra_len;
    if (data > cd || e->csize > cd - data)
        return set_error(err, "%s: entry %s: data runs into the central directory", file, e->label);
    if (name_len != e->name_len || memcmp(h + LOCAL_LEN, e->name, name_len) != 0)
        return set_error(err, "%s: entry %s: local header names another file", file, e->label);
    if (get16(h + 8) != e->method)
        return set_error(err, "%s: entry %s: local header and directory disagree on the "
                         "compression method", file, e->label);
    e->data = data;
    return 0;
}

/* First pass: every central directory entry, checked against the file and the limits. */
static int read_directory(const unsigned char *buf, const Directory *d, const char *file,
                          Entry *entries, char *err)
{
    uint64_t p = d->offset, end = d->offset + d->size, total = 0;
    for (size_t i = 0; i < d->count; i++) {
        Entry *e = &entries[i];
        const unsigned char *c = buf + p;
        if (end - p < CENTRAL_LEN || get32(c) != SIG_CENTRAL)
            return set_error(err, "%s: damaged: central directory entry %zu is not where the "
                             "directory says", file, i + 1);
        unsigned flags = get16(c + 8);
        e->method = get16(c + 10);
        e->crc = get32(c + 16);
        e->csize = get32(c + 20);
        e->usize = get32(c + 24);
        size_t name_len = get16(c + 28), extra_len = get16(c + 30), comment_len = get16(c + 32);
        uint64_t local = get32(c + 42);
        if (end - p - CENTRAL_LEN < name_len + extra_len + comment_len)
            return set_error(err, "%s: damaged: central directory entry %zu runs past the "
                             "directory", file, i + 1);
        e->name = c + CENTRAL_LEN;
        e->name_len = name_len;
        printable(e->label, sizeof e->label, e->name, name_len);
        p += CENTRAL_LEN + name_len + extra_len + comment_len;

        if (read_zip64_extra(e->name + name_len, extra_len, e, &local) != 0)
            return set_error(err, "%s: entry %s: damaged zip64 extra field", file, e->label);
        if (check_name(entries, i, file, err) != 0)
            return -1;
        if (flags & 1)
            return set_error(err, "%s: entry %s: encrypted (not supported)", file, e->label);
        if (e->method != STORED && e->method != DEFLATED)
            return set_error(err, "%s: entry %s: compression method %u not supported (only "
                             "stored and deflated)", file, e->label, e->method);
        if (e->usize > NPZ_MAX_BYTES)
            return set_error(err, "%s: entry %s: declares %llu bytes uncompressed, more than "
                             "the %lu bytes a weight file may hold", file, e->label,
                             (unsigned long long)e->usize, NPZ_MAX_BYTES);
        total += e->usize;
        if (total > NPZ_MAX_BYTES)
            return set_error(err, "%s: entries declare more than %lu bytes uncompressed in all",
                             file, NPZ_MAX_BYTES);
        if (e->method == STORED && e->csize != e->usize)
            return set_error(err, "%s: entry %s: stored, yet its sizes differ (%llu and %llu)",
                             file, e->label, (unsigned long long)e->csize,
                             (unsigned long long)e->usize);
        /* Deflate turns a byte into at most 1032 (zlib's FAQ): a larger claim is a lie
         * that would cost memory before inflating showed it. */
        if (e->method == DEFLATED && e->usize / DEFLATE_MAX_RATIO > e->csize)
            return set_error(err, "%s: entry %s: declares %llu bytes uncompressed, more than "
                             "deflate can make of its %llu compressed bytes", file, e->label,
                             (unsigned long long)e->usize, (unsigned long long)e->csize);
        if (e->csize > 2 * NPZ_MAX_BYTES)
            return set_error(err, "%s: entry %s: %llu compressed bytes, implausibly many",
                             file, e->label, (unsigned long long)e->csize);
        if (locate_data(buf, d->offset, local, file, e, err) != 0)
            return -1;
    }
    if (p != end)
        return set_error(err, "%s: damaged: %llu stray bytes after the central directory "
                         "entries", file, (unsigned long long)(end - p));
    return 0;
}

/* ---- the .npy header ------------------------------------------------------------ */

typedef struct {
    int itemsize;               /* 4 (float32) or 8 (float64) */
    int big_endian;
    int fortran_order;
    int ndim;
    uint64_t shape[ARRAY_MAX_NDIM];
    uint64_t size;              /* product of shape */
} NpyHeader;

/* A reader for the Python literals NumPy writes: strings, True/False, tuples of ints. */
typedef struct {
    const char *p, *end;
} Lexer;

static void skip_space(Lexer *x)
{
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r'))
        x->p++;
}

static int eat(Lexer *x, char c)
{
    skip_space(x);
    if (x->p < x->end && *x->p == c) {
        x->p++;
        return 1;
    }
    return 0;
}

static int is_name_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* 'text' or "text" of printable characters without escapes. */
static int lex_string(Lexer *x, const char **s, size_t *n)
{
    skip_space(x);
    if (x->p >= x->end || (*x->p != '\'' && *x->p != '"'))
        return 0;
    char quote = *x->p++;
    const char *start = x->p;
    while (x->p < x->end && *x->p != quote) {
        unsigned char ch = (unsigned char)*x->p;
        if (ch == '\\' || ch < 0x20 || ch > 0x7e)
            return 0;
        x->p++;
    }
    if (x->p >= x->end)
        return 0;
    *s = start;
    *n = (size_t)(x->p - start);
    x->p++;
    return 1;
}

static int lex_word(Lexer *x, const char *word)
{
    size_t n = strlen(word);
    skip_space(x);
    if ((size_t)(x->end - x->p) < n || memcmp(x->p, word, n) != 0 ||
        (x->p + n < x->end && is_name_char(x->p[n])))
        return 0;
    x->p += n;
    return 1;
}

/* A non-negative integer, with the 'L' Python 2 wrote after longs (NumPy accepts it). */
static int lex_uint(Lexer *x, uint64_t *v, int *overflow)
{
    skip_space(x);
    if (x->p >= x->end || !isdigit((unsigned char)*x->p))
        return 0;
    uint64_t r = 0;
    for (; x->p < x->end && isdigit((unsigned char)*x->p); x->p++) {
        unsigned d = (unsigned)(*x->p - '0');
        if (r > (UINT64_MAX - d) / 10)
            *overflow = 1;
        else
            r = r * 10 + d;
    }
    if (x->p < x->end && *x->p == 'L')
        x->p++;
    if (x->p < x->end && is_name_char(*x->p))
        return 0;
    *v = r;
    return 1;
}

/* 'descr': only float32 and float64, little, big or native ('=', '|', none) byte order. */
static int parse_descr(const char *s, size_t n, NpyHeader *h, char *why, size_t cap)
{
    const char *t = s;
    size_t m = n;
    h->big_endian = host_is_big_endian();
    if (m > 0 && strchr("<>=|", *t)) {
        if (*t == '<' || *t == '>')
            h->big_endian = *t == '>';
        t++, m--;
    }
    if (m == 2 && t[0] == 'f' && (t[1] == '8' || t[1] == '4')) {
        h->itemsize = t[1] - '0';
        return 0;
    }
    snprintf(why, cap, "unsupported dtype '%.*s' (only float32 and float64)", (int)n, s);
    return -1;
}

/* 'shape': a tuple of non-negative ints: (), (n,), (a, b), ... */
static int parse_shape(Lexer *x, NpyHeader *h, char *why, size_t cap)
{
    int overflow = 0;
    h->ndim = 0;
    if (!eat(x, '('))
        return snprintf(why, cap, "shape is not a tuple"), -1;
    if (!eat(x, ')')) {
        for (;;) {
            uint64_t v;
            if (!lex_uint(x, &v, &overflow))
                return snprintf(why, cap, "shape is not a tuple of non-negative integers"), -1;
            if (h->ndim == ARRAY_MAX_NDIM)
                return snprintf(why, cap, "shape has more than %d axes", ARRAY_MAX_NDIM), -1;
            h->shape[h->ndim++] = v;
            if (eat(x, ')')) {
                if (h->ndim == 1)           /* (3) is the number 3 in Python */
                    return snprintf(why, cap, "shape is not a tuple"), -1;
                break;
            }
            if (!eat(x, ','))
                return snprintf(why, cap, "shape is not a tuple"), -1;
            if (eat(x, ')'))
                break;
        }
    }
    h->size = 1;
    for (int k = 0; k < h->ndim && !overflow; k++) {
        if (h->shape[k] != 0 && h->size > UINT64_MAX / h->shape[k])
            overflow = 1;
        h->size *= h->shape[k];
    }
    if (overflow || h->size > SIZE_MAX / 8)
        return snprintf(why, cap, "shape product overflows"), -1;
    return 0;
}

/* The header dict: exactly the keys 'descr', 'fortran_order' and 'shape', any order. */
static int parse_header(const char *text, size_t len, NpyHeader *h, char *why, size_t cap)
{
    Lexer x = { text, text + len };
    int seen[3] = { 0, 0, 0 };
    static const char *const keys[3] = { "descr", "fortran_order", "shape" };
    if (!eat(&x, '{'))
        return snprintf(why, cap, "header is not a dict"), -1;
    while (!eat(&x, '}')) {
        const char *key, *s;
        size_t key_len, n;
        int k = 0;
        if (!lex_string(&x, &key, &key_len) || !eat(&x, ':'))
            return snprintf(why, cap, "header is not a dict of the NumPy format"), -1;
        while (k < 3 && !(strlen(keys[k]) == key_len && memcmp(keys[k], key, key_len) == 0))
            k++;
        if (k == 3)
            return snprintf(why, cap, "header has an unexpected key '%.*s'", (int)key_len, key), -1;
        if (seen[k]++)
            return snprintf(why, cap, "header repeats the key '%s'", keys[k]), -1;
        if (k == 0) {
            if (!lex_string(&x, &s, &n))
                return snprintf(why, cap, "unsupported dtype (only float32 and float64)"), -1;
            if (parse_descr(s, n, h, why, cap) != 0)
                return -1;
        } else if (k == 1) {
            if (lex_word(&x, "True"))
                h->fortran_order = 1;
            else if (lex_word(&x, "False"))
                h->fortran_order = 0;
            else
                return snprintf(why, cap, "fortran_order is not True or False"), -1;
        } else if (parse_shape(&x, h, why, cap) != 0) {
            return -1;
        }
        if (!eat(&x, ',') && !(x.p < x.end && *x.p == '}'))
            return snprintf(why, cap, "header is not a dict of the NumPy format"), -1;
    }
    skip_space(&x);
    if (x.p != x.end)
        return snprintf(why, cap, "stray text after the header dict"), -1;
    for (int k = 0; k < 3; k++)
        if (!seen[k])
            return snprintf(why, cap, "header lacks the key '%s'", keys[k]), -1;
    return 0;
}

/* ---- the .npy data (second pass) --------------------------------------------------- */

static double get_value(const unsigned char *p, int itemsize, int big_endian)
{
    uint64_t u = 0;
    for (int i = 0; i < itemsize; i++)
        u |= (uint64_t)p[big_endian ? itemsize - 1 - i : i] << (8 * i);
    if (itemsize == 8) {
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    uint32_t u32 = (uint32_t)u;
    float f;
    memcpy(&f, &u32, sizeof f);
    return (double)f;
}

/* Parse the .npy file npy (n bytes) of entry e and append its array to list. */
static int read_npy(const unsigned char *npy, size_t n, const Entry *e, const char *file,
                    ArrayList *list, char *err)
{
    if (n < NPY_PREFIX || memcmp(npy, "\x93NUMPY", 6) != 0)
        return set_error(err, "%s: entry %s: not a .npy file (bad magic)", file, e->label);
    unsigned major = npy[6], minor = npy[7];
    size_t start, header_len;
    if (major == 1 && minor == 0) {
        start = NPY_PREFIX;
        header_len = get16(npy + 8);
    } else if ((major == 2 || major == 3) && minor == 0 && n >= NPY_PREFIX + 2) {
        start = NPY_PREFIX + 2;
        header_len = get32(npy + 8);
    } else {
        return set_error(err, "%s: entry %s: .npy format version %u.%u not supported (only "
                         "1.0, 2.0, 3.0)", file, e->label, major, minor);
    }
    if (header_len > NPY_MAX_HEADER)
        return set_error(err, "%s: entry %s: .npy header of %zu bytes, more than NumPy's "
                         "limit of %d", file, e->label, header_len, NPY_MAX_HEADER);
    if (header_len > n - start)
        return set_error(err, "%s: entry %s: truncated .npy header", file, e->label);

    NpyHeader h;
    char why[160];
    if (parse_header((const char *)npy + start, header_len, &h, why, sizeof why) != 0)
        return set_error(err, "%s: entry %s: %s", file, e->label, why);
    size_t have = n - start - header_len;
    if (h.size > have / (size_t)h.itemsize || have != h.size * (size_t)h.itemsize) {
        char shape[ARRAY_MAX_NDIM * 24 + 4];
        format_shape(shape, sizeof shape, h.ndim, h.shape);
        return set_error(err, "%s: entry %s: holds %zu data bytes, shape %s of float%d needs "
                         "%llu", file, e->label, have, shape, 8 * h.itemsize,
                         (unsigned long long)h.size * (unsigned long long)h.itemsize);
    }

    char name[ARRAY_NAME_LEN];
    memcpy(name, e->name, e->name_len - 4);
    name[e->name_len - 4] = '\0';
    double *data = malloc(h.size ? h.size * sizeof *data : 1);
    if (!data)
        return set_error(err, "%s: entry %s: out of memory for %llu values", file, e->label,
                         (unsigned long long)h.size);

    /* Walk the array in C order; in a Fortran-order file element (i0, i1, ...) sits at
     * i0 + shape[0] * (i1 + shape[1] * (...)), which `at` follows index by index. */
    const unsigned char *values = npy + start + header_len;
    size_t index[ARRAY_MAX_NDIM] = { 0 }, stride[ARRAY_MAX_NDIM], at = 0;
    for (int k = 0; k < h.ndim; k++)
        stride[k] = k == 0 ? 1 : stride[k - 1] * (size_t)h.shape[k - 1];
    for (size_t c = 0; c < h.size; c++) {
        double v = get_value(values + (h.fortran_order ? at : c) * (size_t)h.itemsize,
                             h.itemsize, h.big_endian);
        if (!isfinite(v)) {
            char label[LABEL_LEN];
            printable(label, sizeof label, (const unsigned char *)name, strlen(name));
            free(data);
            return set_error(err, "%s: %s holds %s (first at flat index %zu)", file, label,
                             isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf", c);
        }
        data[c] = v;
        for (int k = h.ndim - 1; h.fortran_order && k >= 0; k--) {
            if (++index[k] < h.shape[k]) {
                at += stride[k];
                break;
            }
            at -= (index[k] - 1) * stride[k];     /* axis k wraps from shape[k] - 1 to 0 */
            index[k] = 0;
        }
    }
    size_t shape[ARRAY_MAX_NDIM];
    for (int k = 0; k < h.ndim; k++)
        shape[k] = (size_t)h.shape[k];
    arraylist_add(list, name, h.ndim, shape, data);
    return 0;
}

/* Raw-inflate the entry into out, which holds exactly e->usize bytes: a stream that
 * would produce more fails here, without growing anything. */
static int inflate_entry(const unsigned char *in, const Entry *e, unsigned char *out,
                         const char *file, char *err)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
        return set_error(err, "%s: entry %s: zlib cannot start inflating", file, e->label);
    s.next_in = in;
    s.avail_in = (uInt)e->csize;
    s.next_out = out;
    s.avail_out = (uInt)e->usize;
    int rc = inflate(&s, Z_FINISH);
    if (rc != Z_STREAM_END && s.avail_out == 0) {
        /* The output is full: the stream may still end here, but not produce a byte more. */
        unsigned char probe;
        s.next_out = &probe;
        s.avail_out = 1;
        rc = inflate(&s, Z_FINISH);
        if (s.avail_out == 0) {
            inflateEnd(&s);
            return set_error(err, "%s: entry %s: inflates to more than the %llu bytes it "
                             "declares", file, e->label, (unsigned long long)e->usize);
        }
    }
    unsigned long long produced = s.total_out;
    uInt left = s.avail_in;
    const char *msg = s.msg ? s.msg : "invalid data";
    inflateEnd(&s);
    if (rc == Z_STREAM_END && produced != e->usize)
        return set_error(err, "%s: entry %s: inflates to %llu bytes, it declares %llu", file,
                         e->label, produced, (unsigned long long)e->usize);
    if (rc == Z_STREAM_END && left != 0)
        return set_error(err, "%s: entry %s: %u stray bytes after the deflate stream", file,
                         e->label, (unsigned)left);
    if (rc == Z_STREAM_END)
        return 0;
    if (rc == Z_DATA_ERROR)
        return set_error(err, "%s: entry %s: damaged deflate data (%s)", file, e->label, msg);
    if (rc == Z_MEM_ERROR)
        return set_error(err, "%s: entry %s: out of memory while inflating", file, e->label);
    return set_error(err, "%s: entry %s: deflate data ends early (%llu of %llu bytes)", file,
                     e->label, produced, (unsigned long long)e->usize);
}

/* Second pass for one entry: its bytes, their CRC-32, then the array. */
static int read_entry(const unsigned char *buf, const Entry *e, const char *file,
                      ArrayList *list, char *err)
{
    const unsigned char *npy = buf + e->data;
    unsigned char *inflated = NULL;
    if (e->method == DEFLATED) {
        inflated = malloc(e->usize ? (size_t)e->usize : 1);
        if (!inflated)
            return set_error(err, "%s: entry %s: out of memory for %llu bytes", file, e->label,
                             (unsigned long long)e->usize);
        if (inflate_entry(npy, e, inflated, file, err) != 0) {
            free(inflated);
            return -1;
        }
        npy = inflated;
    }
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), npy, (uInt)e->usize);
    int rc = crc != e->crc
        ? set_error(err, "%s: entry %s: CRC mismatch (directory says %08lx, data has %08lx)",
                    file, e->label, (unsigned long)e->crc, (unsigned long)crc)
        : read_npy(npy, (size_t)e->usize, e, file, list, err);
    free(inflated);
    return rc;
}

int npz_parse(const unsigned char *buf, size_t len, const char *name_for_errors,
              ArrayList *out, char err[ERR_LEN])
{
    assert(out && out->count == 0 && out->items == NULL && "npz_parse: out must be empty");
    const char *file = name_for_errors;
    Directory d = { 0, 0, 0 };
    if (find_directory(buf, len, file, &d, err) != 0)
        return -1;
    Entry *entries = calloc(d.count ? (size_t)d.count : 1, sizeof *entries);
    if (!entries)
        return set_error(err, "%s: out of memory for %llu entries", file,
                         (unsigned long long)d.count);
    int rc = read_directory(buf, &d, file, entries, err);
    ArrayList list = { 0, NULL };
    for (size_t i = 0; rc == 0 && i < d.count; i++)
        rc = read_entry(buf, &entries[i], file, &list, err);
    free(entries);
    if (rc != 0) {
        arraylist_free(&list);
        return -1;
    }
    *out = list;
    return 0;
}

int npz_load(const char *path, ArrayList *out, char err[ERR_LEN])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return set_error(err, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return set_error(err, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > 2ULL * NPZ_MAX_BYTES) {
        fclose(f);
        return set_error(err, "%s: %lld bytes, more than a weight file may hold", path,
                         (long long)st.st_size);
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) {
        fclose(f);
        return set_error(err, "%s: out of memory for %zu bytes", path, len);
    }
    size_t got = fread(buf, 1, len, f);
    int read_failed = ferror(f);
    fclose(f);
    int rc = read_failed ? set_error(err, "%s: read error", path)
        : got != len ? set_error(err, "%s: file shrank while being read", path)
        : npz_parse(buf, len, path, out, err);
    free(buf);
    return rc;
}

/* ---- writing --------------------------------------------------------------------- */

/* The .npy 1.0 header NumPy 1.24 writes for a C-order float64 array (format.py,
 * _write_array_header): the dict with sorted keys, NPY_GROWTH_DIGITS minus the digits
 * of shape[0] spaces, then spaces and '\n' so the data starts at a multiple of 64.
 * out holds at least NPY_HEADER_CAP bytes; returns the header's length. */
enum { NPY_HEADER_CAP = 512 };
static size_t npy_header(unsigned char *out, const NamedArray *a)
{
    uint64_t shape64[ARRAY_MAX_NDIM];
    char shape[ARRAY_MAX_NDIM * 24 + 4], first[24];
    for (int k = 0; k < a->ndim; k++)
        shape64[k] = a->shape[k];
    format_shape(shape, sizeof shape, a->ndim, shape64);
    char *text = (char *)out + NPY_PREFIX;
    size_t n = (size_t)snprintf(text, NPY_HEADER_CAP - NPY_PREFIX,
                                "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", shape);
    if (a->ndim > 0) {
        int digits = snprintf(first, sizeof first, "%zu", a->shape[0]);
        n += (size_t)snprintf(text + n, NPY_HEADER_CAP - NPY_PREFIX - n, "%*s",
                              NPY_GROWTH_DIGITS - digits, "");
    }
    size_t pad = NPY_ALIGN - (NPY_PREFIX + n + 1) % NPY_ALIGN;
    memset(text + n, ' ', pad);
    text[n + pad] = '\n';
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    put16(out + 8, (uint32_t)(n + pad + 1));
    return NPY_PREFIX + n + pad + 1;
}

typedef struct {
    uint32_t crc, csize, usize, offset;
    unsigned method;
} Written;

/* A fixed date, 1980-01-01 00:00 (the ZIP epoch), so that the same arrays always give
 * the same bytes; np.savez stamps the current local time instead. */
enum { DOS_TIME = 0, DOS_DATE = (0 << 9) | (1 << 5) | 1 };

static void zip_header_common(unsigned char *p, const Written *w, size_t name_len)
{
    /* version needed, flags, method, time, date, CRC, sizes, name length (local layout) */
    put16(p, 20);
    put16(p + 2, 0);
    put16(p + 4, w->method);
    put16(p + 6, DOS_TIME);
    put16(p + 8, DOS_DATE);
    put32(p + 10, w->crc);
    put32(p + 14, w->csize);
    put32(p + 18, w->usize);
    put16(p + 22, (uint32_t)name_len);
}

/* Encode array a as .npy bytes, deflated if compress; *out is malloc'd, *w filled. */
static int encode_entry(const NamedArray *a, int compress, unsigned char **out, Written *w,
                        const char *path, char *err)
{
    unsigned char header[NPY_HEADER_CAP];
    size_t hlen = npy_header(header, a), n = hlen + a->size * 8;
    unsigned char *npy = malloc(n);
    if (!npy)
        return set_error(err, "%s: out of memory encoding %s", path, a->name);
    memcpy(npy, header, hlen);
    for (size_t i = 0; i < a->size; i++) {
        uint64_t u;
        memcpy(&u, &a->data[i], sizeof u);
        for (int b = 0; b < 8; b++)
            npy[hlen + 8 * i + (size_t)b] = (unsigned char)(u >> (8 * b));
    }
    w->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), npy, (uInt)n);
    w->usize = w->csize = (uint32_t)n;
    w->method = STORED;
    *out = npy;
    if (!compress)
        return 0;

    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        free(npy);
        return set_error(err, "%s: zlib cannot start deflating", path);
    }
    uLong bound = deflateBound(&s, (uLong)n);
    unsigned char *packed = malloc(bound);
    int rc = Z_MEM_ERROR;
    if (packed) {
        s.next_in = npy;
        s.avail_in = (uInt)n;
        s.next_out = packed;
        s.avail_out = (uInt)bound;
        rc = deflate(&s, Z_FINISH);
    }
    w->csize = (uint32_t)s.total_out;
    deflateEnd(&s);
    free(npy);
    if (rc != Z_STREAM_END) {
        free(packed);
        return set_error(err, "%s: cannot deflate %s (zlib error %d)", path, a->name, rc);
    }
    w->method = DEFLATED;
    *out = packed;
    return 0;
}

static int put_bytes(AtomicFile *f, const void *p, size_t n, uint64_t *pos)
{
    *pos += n;
    return fwrite(p, 1, n, f->f) == n ? 0 : -1;
}

int npz_save(const char *path, const ArrayList *arrays, int compress, char err[ERR_LEN])
{
    /* Check everything before touching the disk: what we write, npz_load must read. */
    uint64_t total = 0;
    if (arrays->count > NPZ_MAX_ARRAYS)
        return set_error(err, "%s: %zu arrays, more than the %d a weight file may hold", path,
                         arrays->count, NPZ_MAX_ARRAYS);
    for (size_t i = 0; i < arrays->count; i++) {
        const NamedArray *a = &arrays->items[i];
        assert(a->ndim >= 0 && a->ndim <= ARRAY_MAX_NDIM && (a->data || a->size == 0) &&
               "npz_save: malformed NamedArray");
        for (size_t j = 0; j < a->size; j++)
            if (!isfinite(a->data[j]))
                return set_error(err, "%s: refusing to save: %s holds %s (first at flat index "
                                 "%zu)", path, a->name, isnan(a->data[j]) ? "NaN"
                                 : a->data[j] > 0 ? "Inf" : "-Inf", j);
        total += NPY_HEADER_CAP + 8 * (uint64_t)a->size;
        if (a->size > NPZ_MAX_BYTES / 8 || total > NPZ_MAX_BYTES)
            return set_error(err, "%s: arrays hold more than the %lu bytes a weight file may "
                             "hold", path, NPZ_MAX_BYTES);
    }

    AtomicFile f;
    if (atomic_open(&f, path, err) != 0)
        return -1;
    Written *written = calloc(arrays->count ? arrays->count : 1, sizeof *written);
    if (!written) {
        atomic_abort(&f);
        return set_error(err, "%s: out of memory", path);
    }
    uint64_t pos = 0;
    int failed = 0;
    for (size_t i = 0; i < arrays->count && !failed; i++) {
        const NamedArray *a = &arrays->items[i];
        char name[ARRAY_NAME_LEN + 4];
        size_t name_len = (size_t)snprintf(name, sizeof name, "%s.npy", a->name);
        unsigned char *payload = NULL, local[LOCAL_LEN];
        if (encode_entry(a, compress, &payload, &written[i], path, err) != 0) {
            free(written);
            atomic_abort(&f);
            return -1;
        }
        written[i].offset = (uint32_t)pos;
        put32(local, SIG_LOCAL);
        zip_header_common(local + 4, &written[i], name_len);
        put16(local + 28, 0);
        failed = put_bytes(&f, local, LOCAL_LEN, &pos) || put_bytes(&f, name, name_len, &pos) ||
                 put_bytes(&f, payload, written[i].csize, &pos);
        free(payload);
    }
    uint64_t cd_start = pos;
    for (size_t i = 0; i < arrays->count && !failed; i++) {
        char name[ARRAY_NAME_LEN + 4];
        size_t name_len = (size_t)snprintf(name, sizeof name, "%s.npy", arrays->items[i].name);
        unsigned char central[CENTRAL_LEN] = { 0 };
        put32(central, SIG_CENTRAL);
        put16(central + 4, 3 << 8 | 20);            /* made by: Unix, ZIP 2.0 */
        zip_header_common(central + 6, &written[i], name_len);
        /* extra, comment lengths, disk, internal attributes: 0 */
        put32(central + 38, 0100644u << 16);         /* a regular file, rw-r--r-- */
        put32(central + 42, written[i].offset);
        failed = put_bytes(&f, central, CENTRAL_LEN, &pos) || put_bytes(&f, name, name_len, &pos);
    }
    free(written);
    unsigned char end[END_LEN] = { 0 };
    put32(end, SIG_END);
    put16(end + 8, (uint32_t)arrays->count);
    put16(end + 10, (uint32_t)arrays->count);
    put32(end + 12, (uint32_t)(pos - cd_start));
    put32(end + 16, (uint32_t)cd_start);
    if (failed || put_bytes(&f, end, END_LEN, &pos) != 0) {
        set_error(err, "%s: write failed: %s", path, strerror(errno));
        atomic_abort(&f);
        return -1;
    }
    return atomic_commit(&f, err);
}
