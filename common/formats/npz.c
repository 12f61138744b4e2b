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
 * values. Reading runs in three passes, each reading only the bytes it checks (pread, or a
 * buffer): the first reads the file's tail (the end record), then the central directory,
 * and checks every ZIP record against the file and the size limits; the second reads (or
 * inflates) the first bytes of each entry, its .npy header, and checks the names, shapes
 * and their total against the bound (and the caller's ArrayCheck); only the third inflates
 * whole entries, checks CRCs and converts the values.
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
#include <zlib.h>

#include "formats/bytes.h"
#include "sys/atomic.h"

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
    NPY_HEAD_MAX = NPY_PREFIX + 2 + NPY_MAX_HEADER,   /* bytes that hold any .npy header */
    LABEL_LEN = 80,
};


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


/* ---- the ZIP structure (first pass) ------------------------------------------ */

typedef struct {
    const unsigned char *name;  /* in the central directory's buffer, name_len bytes */
    size_t name_len;
    char label[LABEL_LEN];      /* the name, printable, for messages */
    unsigned method;
    uint32_t crc;
    uint64_t csize, usize;      /* compressed and uncompressed size */
    uint64_t data;              /* offset of the entry's data in the file */
    NpyHeader h;                /* its .npy header (second pass) */
    size_t values;              /* where the values start in the .npy bytes */
} Entry;

typedef struct {
    uint64_t offset, size, count;   /* of the central directory */
} Directory;

/* Find the end-of-central-directory record (and the zip64 one, if any), reading only the
 * tail of the file: the record and the longest comment it may have. */
static int find_directory(const ByteSource *src, Directory *d, char *err)
{
    const char *file = src->name;
    const uint64_t len = src->size;
    /* The end record is 22 bytes followed by a comment of up to 65535 bytes. */
    const size_t n = len < END_LEN + 0xFFFF ? (size_t)len : END_LEN + 0xFFFF;
    unsigned char *tail = malloc(n ? n : 1);
    if (!tail)
        return set_error(err, "%s: out of memory for %zu bytes", file, n);
    if (byte_source_read(src, len - n, tail, n, err) != 0) {
        free(tail);
        return -1;
    }
    size_t at = SIZE_MAX;
    if (n >= END_LEN)
        for (size_t p = n - END_LEN + 1; p-- > 0;)
            if (get_le32(tail + p) == SIG_END && p + END_LEN + get_le16(tail + p + 20) == n) {
                at = p;
                break;
            }
    if (at == SIZE_MAX) {
        free(tail);
        return set_error(err, "%s: truncated or not a ZIP file: no end-of-central-directory "
                         "record", file);
    }
    const unsigned char *e = tail + at;
    const uint64_t end = len - n + at;      /* the record's offset in the file */
    uint64_t disk = get_le16(e + 4), cd_disk = get_le16(e + 6), here = get_le16(e + 8);
    d->count = get_le16(e + 10);
    d->size = get_le32(e + 12);
    d->offset = get_le32(e + 16);
    free(tail);
    uint64_t limit = end;           /* where the central directory must end */

    unsigned char loc[LOC64_LEN], r[END64_LEN];
    if (end >= LOC64_LEN && byte_source_read(src, end - LOC64_LEN, loc, LOC64_LEN, err) == 0 &&
        get_le32(loc) == SIG_LOC64) {
        const uint64_t at64 = get_le64(loc + 8);
        if (get_le32(loc + 4) != 0 || get_le32(loc + 16) > 1)
            return set_error(err, "%s: spans several disks (not supported)", file);
        if (end - LOC64_LEN < END64_LEN || at64 > end - LOC64_LEN - END64_LEN)
            return set_error(err, "%s: damaged: zip64 end record at byte %llu is not before "
                             "its locator", file, (unsigned long long)at64);
        if (byte_source_read(src, at64, r, END64_LEN, err) != 0)
            return -1;
        if (get_le32(r) != SIG_END64)
            return set_error(err, "%s: damaged: bad zip64 end record signature", file);
        disk = get_le32(r + 16);
        cd_disk = get_le32(r + 20);
        here = get_le64(r + 24);
        d->count = get_le64(r + 32);
        d->size = get_le64(r + 40);
        d->offset = get_le64(r + 48);
        limit = at64;
    }
    if (disk != 0 || cd_disk != 0 || here != d->count)
        return set_error(err, "%s: spans several disks (not supported)", file);
    if (d->offset > len || d->size > len - d->offset)
        return set_error(err, "%s: truncated: central directory past end of file (bytes %llu "
                         "to %llu, file has %llu)", file, (unsigned long long)d->offset,
                         (unsigned long long)d->offset + d->size, (unsigned long long)len);
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
    if (d->size > NPZ_MAX_DIRECTORY)
        return set_error(err, "%s: a central directory of %llu bytes, more than the %d a weight "
                         "file may have", file, (unsigned long long)d->size, NPZ_MAX_DIRECTORY);
    return 0;
}

/* Sizes or offset of 0xFFFFFFFF stand for 64-bit values in the zip64 extra field
 * (id 0x0001), in this order; as in Python's zipfile, without that field they are
 * taken literally. */
static int read_zip64_extra(const unsigned char *x, size_t n, Entry *e, uint64_t *local)
{
    while (n >= 4) {
        size_t id = get_le16(x), size = get_le16(x + 2);
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
                *fields[i] = get_le64(v);
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
static int locate_data(const ByteSource *src, uint64_t cd, uint64_t local, Entry *e, char *err)
{
    const char *file = src->name;
    if (local > cd || cd - local < LOCAL_LEN)
        return set_error(err, "%s: entry %s: local header at byte %llu is not before the "
                         "central directory", file, e->label, (unsigned long long)local);
    unsigned char h[LOCAL_LEN];
    if (byte_source_read(src, local, h, LOCAL_LEN, err) != 0)
        return -1;
    if (get_le32(h) != SIG_LOCAL)
        return set_error(err, "%s: entry %s: bad local header signature", file, e->label);
    size_t name_len = get_le16(h + 26), extra_len = get_le16(h + 28);
    uint64_t data = local + LOCAL_LEN + name_len + extra_len;
    if (data > cd || e->csize > cd - data)
        return set_error(err, "%s: entry %s: data runs into the central directory", file, e->label);
    if (name_len != e->name_len)
        return set_error(err, "%s: entry %s: local header names another file", file, e->label);
    unsigned char *name = malloc(name_len ? name_len : 1);
    if (!name)
        return set_error(err, "%s: out of memory", file);
    const int same = byte_source_read(src, local + LOCAL_LEN, name, name_len, err) == 0 &&
                     memcmp(name, e->name, name_len) == 0;
    free(name);
    if (!same)
        return set_error(err, "%s: entry %s: local header names another file", file, e->label);
    if (get_le16(h + 8) != e->method)
        return set_error(err, "%s: entry %s: local header and directory disagree on the "
                         "compression method", file, e->label);
    e->data = data;
    return 0;
}

/* First pass: every central directory entry (the directory's cd->size bytes are in cd),
 * checked against the file and the limits. */
static int read_directory(const ByteSource *src, const unsigned char *cd, const Directory *d,
                          Entry *entries, char *err)
{
    const char *file = src->name;
    uint64_t p = 0, end = d->size, total = 0;
    for (size_t i = 0; i < d->count; i++) {
        Entry *e = &entries[i];
        const unsigned char *c = cd + p;
        if (end - p < CENTRAL_LEN || get_le32(c) != SIG_CENTRAL)
            return set_error(err, "%s: damaged: central directory entry %zu is not where the "
                             "directory says", file, i + 1);
        unsigned flags = get_le16(c + 8);
        e->method = get_le16(c + 10);
        e->crc = get_le32(c + 16);
        e->csize = get_le32(c + 20);
        e->usize = get_le32(c + 24);
        size_t name_len = get_le16(c + 28), extra_len = get_le16(c + 30);
        size_t comment_len = get_le16(c + 32);
        uint64_t local = get_le32(c + 42);
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
                             (unsigned long long)e->usize, (unsigned long)NPZ_MAX_BYTES);
        total += e->usize;
        if (total > NPZ_MAX_BYTES)
            return set_error(err, "%s: entries declare more than %lu bytes uncompressed in all",
                             file, (unsigned long)NPZ_MAX_BYTES);
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
        if (e->csize > 2 * (uint64_t)NPZ_MAX_BYTES)
            return set_error(err, "%s: entry %s: %llu compressed bytes, implausibly many",
                             file, e->label, (unsigned long long)e->csize);
        if (locate_data(src, d->offset, local, e, err) != 0)
            return -1;
    }
    if (p != end)
        return set_error(err, "%s: damaged: %llu stray bytes after the central directory "
                         "entries", file, (unsigned long long)(end - p));
    return 0;
}

/* ---- inflating, a piece of the file at a time ------------------------------------------ */

enum { INFLATE_CHUNK = 1 << 16 };   /* compressed bytes read at once */

/* Inflate entry e into out (cap bytes). whole: cap is e->usize, and the stream must give
 * exactly that many bytes, then end with no byte left over; else stop once out is full (a
 * prefix: the .npy header). *got is the number of bytes written to out. */
static int inflate_entry(const ByteSource *src, const Entry *e, unsigned char *out, size_t cap,
                         int whole, size_t *got, char *err)
{
    const char *file = src->name;
    unsigned char *in = malloc(INFLATE_CHUNK), probe;
    z_stream s;
    memset(&s, 0, sizeof s);
    if (!in)
        return set_error(err, "%s: entry %s: out of memory while inflating", file, e->label);
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
        free(in);
        return set_error(err, "%s: entry %s: zlib cannot start inflating", file, e->label);
    }
    uint64_t pos = 0;               /* compressed bytes given to zlib */
    int rc = Z_OK, probing = 0, failed = 0;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    for (;;) {
        if (s.avail_in == 0 && pos < e->csize) {
            const size_t n = e->csize - pos < INFLATE_CHUNK ? (size_t)(e->csize - pos)
                                                             : INFLATE_CHUNK;
            if (byte_source_read(src, e->data + pos, in, n, err) != 0) {
                failed = 1;
                break;
            }
            pos += n;
            s.next_in = in;
            s.avail_in = (uInt)n;
        }
        if (s.avail_out == 0) {
            if (!whole || probing)
                break;              /* a full prefix; or the probe byte was written */
            /* The output is full: the stream may still end here, but not produce a byte more. */
            probing = 1;
            s.next_out = &probe;
            s.avail_out = 1;
        }
        rc = inflate(&s, Z_NO_FLUSH);
        if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR))
            break;
        if (s.avail_in == 0 && pos == e->csize && s.avail_out > 0) {
            rc = Z_BUF_ERROR;       /* wants more input, and there is none */
            break;
        }
    }
    const unsigned long long produced = s.total_out;
    const uint64_t left = s.avail_in + (e->csize - pos);
    const char *msg = s.msg ? s.msg : "invalid data";
    char why[64];
    snprintf(why, sizeof why, "%s", msg);
    inflateEnd(&s);
    free(in);
    *got = (size_t)(produced < cap ? produced : cap);
    if (failed)
        return -1;
    if (probing && s.avail_out == 0)
        return set_error(err, "%s: entry %s: inflates to more than the %llu bytes it declares",
                         file, e->label, (unsigned long long)e->usize);
    if (!whole && (rc == Z_OK || rc == Z_BUF_ERROR || rc == Z_STREAM_END) &&
        (produced == cap || rc == Z_STREAM_END))
        return 0;                   /* a prefix; the whole pass checks the rest */
    if (rc == Z_STREAM_END && produced != e->usize)
        return set_error(err, "%s: entry %s: inflates to %llu bytes, it declares %llu", file,
                         e->label, produced, (unsigned long long)e->usize);
    if (rc == Z_STREAM_END && left != 0)
        return set_error(err, "%s: entry %s: %llu stray bytes after the deflate stream", file,
                         e->label, (unsigned long long)left);
    if (rc == Z_STREAM_END)
        return 0;
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
        return set_error(err, "%s: entry %s: damaged deflate data (%s)", file, e->label, why);
    if (rc == Z_MEM_ERROR)
        return set_error(err, "%s: entry %s: out of memory while inflating", file, e->label);
    return set_error(err, "%s: entry %s: deflate data ends early (%llu of %llu bytes)", file,
                     e->label, produced, (unsigned long long)e->usize);
}

/* The entry's first n bytes (n <= its size), uncompressed, into out. */
static int entry_prefix(const ByteSource *src, const Entry *e, unsigned char *out, size_t n,
                        size_t *got, char *err)
{
    if (e->method == STORED) {
        *got = n;
        return byte_source_read(src, e->data, out, n, err);
    }
    return inflate_entry(src, e, out, n, 0, got, err);
}

/* ---- the .npy header and data (second and third passes) ------------------------------- */

/* Parse the start of entry e's .npy bytes (got of them, at most NPY_HEAD_MAX, all of the
 * entry when it is shorter) into e->h and e->values, checking that the entry's size is
 * exactly the header and the values its shape declares. */
static int read_npy_header(const unsigned char *npy, size_t got, Entry *e, const char *file,
                           char *err)
{
    const size_t n = (size_t)e->usize;
    if (got < NPY_PREFIX || memcmp(npy, "\x93NUMPY", 6) != 0)
        return set_error(err, "%s: entry %s: not a .npy file (bad magic)", file, e->label);
    unsigned major = npy[6], minor = npy[7];
    size_t start, header_len;
    if (major == 1 && minor == 0) {
        start = NPY_PREFIX;
        header_len = get_le16(npy + 8);
    } else if ((major == 2 || major == 3) && minor == 0 && got >= NPY_PREFIX + 2) {
        start = NPY_PREFIX + 2;
        header_len = get_le32(npy + 8);
    } else {
        return set_error(err, "%s: entry %s: .npy format version %u.%u not supported (only "
                         "1.0, 2.0, 3.0)", file, e->label, major, minor);
    }
    if (header_len > NPY_MAX_HEADER)
        return set_error(err, "%s: entry %s: .npy header of %zu bytes, more than NumPy's "
                         "limit of %d", file, e->label, header_len, NPY_MAX_HEADER);
    if (header_len > got - start)
        return set_error(err, "%s: entry %s: truncated .npy header", file, e->label);

    NpyHeader *h = &e->h;
    char why[160];
    if (parse_header((const char *)npy + start, header_len, h, why, sizeof why) != 0)
        return set_error(err, "%s: entry %s: %s", file, e->label, why);
    size_t have = n - start - header_len;
    if (h->size > have / (size_t)h->itemsize || have != h->size * (size_t)h->itemsize) {
        char shape[SHAPE_TEXT_LEN];
        format_shape(shape, sizeof shape, h->ndim, h->shape);
        return set_error(err, "%s: entry %s: holds %zu data bytes, shape %s of float%d needs "
                         "%llu", file, e->label, have, shape, 8 * h->itemsize,
                         (unsigned long long)h->size * (unsigned long long)h->itemsize);
    }
    e->values = start + header_len;
    return 0;
}

/* The entry's whole .npy bytes (e->usize, malloc'd into *npy), their CRC-32 checked. */
static int read_entry_bytes(const ByteSource *src, const Entry *e, unsigned char **npy,
                            char *err)
{
    const char *file = src->name;
    unsigned char *b = malloc(e->usize ? (size_t)e->usize : 1);
    size_t got;
    if (!b)
        return set_error(err, "%s: entry %s: out of memory for %llu bytes", file, e->label,
                         (unsigned long long)e->usize);
    int rc = e->method == STORED ? byte_source_read(src, e->data, b, (size_t)e->usize, err)
                                 : inflate_entry(src, e, b, (size_t)e->usize, 1, &got, err);
    if (rc == 0) {
        const uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), b, (uInt)e->usize);
        if (crc != e->crc)
            rc = set_error(err, "%s: entry %s: CRC mismatch (directory says %08lx, data has "
                           "%08lx)", file, e->label, (unsigned long)e->crc, (unsigned long)crc);
    }
    if (rc != 0) {
        free(b);
        return -1;
    }
    *npy = b;
    return 0;
}

/* Third pass for one entry: its bytes, their CRC-32, then the array, appended to list. */
static int read_entry(const ByteSource *src, const Entry *e, ArrayList *list, char *err)
{
    const char *file = src->name;
    unsigned char *npy = NULL;
    if (read_entry_bytes(src, e, &npy, err) != 0)
        return -1;
    const NpyHeader *h = &e->h;
    char name[ARRAY_NAME_LEN];
    memcpy(name, e->name, e->name_len - 4);
    name[e->name_len - 4] = '\0';
    size_t shape[ARRAY_MAX_NDIM], bad;
    for (int k = 0; k < h->ndim; k++)
        shape[k] = (size_t)h->shape[k];
    double *data = malloc(h->size ? h->size * sizeof *data : 1), v;
    int rc = 0;
    if (!data) {
        rc = set_error(err, "%s: entry %s: out of memory for %llu values", file, e->label,
                       (unsigned long long)h->size);
    } else if (elements_to_doubles(data, npy + e->values, h->ndim, shape, (size_t)h->size,
                                   h->itemsize, h->big_endian, h->fortran_order, &bad, &v)) {
        char label[LABEL_LEN];
        printable(label, sizeof label, (const unsigned char *)name, strlen(name));
        free(data);
        rc = set_error(err, "%s: %s holds %s (first at flat index %zu)", file, label,
                       isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf", bad);
    } else if (!arraylist_add(list, name, h->ndim, shape, data)) {
        rc = set_error(err, "%s: out of memory for the list of arrays", file);
    }
    free(npy);
    return rc;
}

/* ---- reading ----------------------------------------------------------------------------- */

/* The three passes: the ZIP directory; every .npy header, the bound on values and check;
 * then (when out is not NULL) every entry's data. With infos, *infos gets the entries'
 * names and shapes (malloc'd, *count of them). */
static int read_npz(const ByteSource *src, ArrayCheck check, void *ctx, ArrayList *out,
                    ArrayInfo **infos, size_t *count, char *err)
{
    const char *file = src->name;
    Directory d = { 0, 0, 0 };
    if (find_directory(src, &d, err) != 0)
        return -1;
    unsigned char *cd = malloc(d.size ? (size_t)d.size : 1), *head = NULL;
    Entry *entries = calloc(d.count ? (size_t)d.count : 1, sizeof *entries);
    ArrayInfo *info = calloc(d.count ? (size_t)d.count : 1, sizeof *info);
    ArrayList list = { 0, NULL };
    int rc = 0;
    if (!cd || !entries || !info || !(head = malloc(NPY_HEAD_MAX)))
        rc = set_error(err, "%s: out of memory for %llu entries", file,
                       (unsigned long long)d.count);
    if (rc == 0)
        rc = byte_source_read(src, d.offset, cd, (size_t)d.size, err);
    if (rc == 0)
        rc = read_directory(src, cd, &d, entries, err);
    size_t values = 0;
    for (size_t i = 0; rc == 0 && i < d.count; i++) {
        Entry *e = &entries[i];
        size_t got = 0;
        const size_t n = e->usize < NPY_HEAD_MAX ? (size_t)e->usize : NPY_HEAD_MAX;
        rc = entry_prefix(src, e, head, n, &got, err);
        if (rc == 0)
            rc = read_npy_header(head, got, e, file, err);
        if (rc == 0 && e->h.size > ARRAYS_MAX_VALUES - values)
            rc = set_error(err, "%s: arrays hold more than %zu values (%zu MiB as doubles), "
                           "more than a weight file may hold", file, ARRAYS_MAX_VALUES,
                           ARRAYS_MAX_VALUES >> 17);
        if (rc != 0)
            break;
        values += (size_t)e->h.size;
        memcpy(info[i].name, e->name, e->name_len - 4);
        info[i].ndim = e->h.ndim;
        for (int k = 0; k < e->h.ndim; k++)
            info[i].shape[k] = (size_t)e->h.shape[k];
        info[i].size = (size_t)e->h.size;
    }
    if (rc == 0 && check)
        rc = check(info, (size_t)d.count, file, ctx, err);
    for (size_t i = 0; rc == 0 && out && i < d.count; i++)
        rc = read_entry(src, &entries[i], &list, err);
    free(head);
    free(entries);
    free(cd);
    if (rc == 0 && infos) {
        *infos = info;
        *count = (size_t)d.count;
        info = NULL;
    }
    free(info);
    if (rc != 0) {
        arraylist_free(&list);
        return -1;
    }
    if (out)
        *out = list;
    return 0;
}

int npz_read_checked(const ByteSource *src, ArrayCheck check, void *ctx, ArrayList *out,
                     char err[ERR_LEN])
{
    assert(src && out && out->count == 0 && out->items == NULL &&
           "npz_read_checked: out must be empty");
    return read_npz(src, check, ctx, out, NULL, NULL, err);
}

int npz_parse(const unsigned char *buf, size_t len, const char *name_for_errors,
              ArrayList *out, char err[ERR_LEN])
{
    const ByteSource src = byte_source_memory(buf, len, name_for_errors);
    return npz_read_checked(&src, NULL, NULL, out, err);
}

int npz_load(const char *path, ArrayList *out, char err[ERR_LEN])
{
    ByteSource src;
    if (byte_source_open(&src, path, "a weight file", err) != 0)
        return -1;
    const int rc = npz_read_checked(&src, NULL, NULL, out, err);
    byte_source_close(&src);
    return rc;
}

int npz_list(const char *path, ArrayInfo **infos, size_t *count, char err[ERR_LEN])
{
    *infos = NULL;
    *count = 0;
    ByteSource src;
    if (byte_source_open(&src, path, "a weight file", err) != 0)
        return -1;
    const int rc = read_npz(&src, NULL, NULL, NULL, infos, count, err);
    byte_source_close(&src);
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
    put_le16(out + 8, (uint32_t)(n + pad + 1));
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
    put_le16(p, 20);
    put_le16(p + 2, 0);
    put_le16(p + 4, w->method);
    put_le16(p + 6, DOS_TIME);
    put_le16(p + 8, DOS_DATE);
    put_le32(p + 10, w->crc);
    put_le32(p + 14, w->csize);
    put_le32(p + 18, w->usize);
    put_le16(p + 22, (uint32_t)name_len);
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
    size_t values = 0;
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
        if (a->size > ARRAYS_MAX_VALUES - values)
            return set_error(err, "%s: arrays hold more than the %zu values (%zu MiB as "
                             "doubles) a weight file may hold", path, ARRAYS_MAX_VALUES,
                             ARRAYS_MAX_VALUES >> 17);
        values += a->size;
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
        put_le32(local, SIG_LOCAL);
        zip_header_common(local + 4, &written[i], name_len);
        put_le16(local + 28, 0);
        failed = put_bytes(&f, local, LOCAL_LEN, &pos) || put_bytes(&f, name, name_len, &pos) ||
                 put_bytes(&f, payload, written[i].csize, &pos);
        free(payload);
    }
    uint64_t cd_start = pos;
    for (size_t i = 0; i < arrays->count && !failed; i++) {
        char name[ARRAY_NAME_LEN + 4];
        size_t name_len = (size_t)snprintf(name, sizeof name, "%s.npy", arrays->items[i].name);
        unsigned char central[CENTRAL_LEN] = { 0 };
        put_le32(central, SIG_CENTRAL);
        put_le16(central + 4, 3 << 8 | 20);            /* made by: Unix, ZIP 2.0 */
        zip_header_common(central + 6, &written[i], name_len);
        /* extra, comment lengths, disk, internal attributes: 0 */
        put_le32(central + 38, 0100644u << 16);         /* a regular file, rw-r--r-- */
        put_le32(central + 42, written[i].offset);
        failed = put_bytes(&f, central, CENTRAL_LEN, &pos) || put_bytes(&f, name, name_len, &pos);
    }
    free(written);
    unsigned char end[END_LEN] = { 0 };
    put_le32(end, SIG_END);
    put_le16(end + 8, (uint32_t)arrays->count);
    put_le16(end + 10, (uint32_t)arrays->count);
    put_le32(end + 12, (uint32_t)(pos - cd_start));
    put_le32(end + 16, (uint32_t)cd_start);
    if (failed || put_bytes(&f, end, END_LEN, &pos) != 0) {
        set_error(err, "%s: write failed: %s", path, strerror(errno));
        atomic_abort(&f);
        return -1;
    }
    return atomic_commit(&f, err);
}
