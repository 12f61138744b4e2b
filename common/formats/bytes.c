/* bytes.c - see bytes.h. */
#include "formats/bytes.h"

#include "numpy/arrays.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(double) == 8 && sizeof(float) == 4, "the readers decode IEEE 754 binary64/32");

/* ---- opening -------------------------------------------------------------------------- */

/* "is a FIFO" and the like for anything but a regular file, else NULL. */
static const char *not_regular(mode_t mode)
{
    return S_ISREG(mode) ? NULL
        : S_ISDIR(mode) ? "is a directory"
        : S_ISFIFO(mode) ? "is a FIFO"
        : S_ISCHR(mode) ? "is a character device"
        : S_ISBLK(mode) ? "is a block device"
        : S_ISSOCK(mode) ? "is a socket"
        : "is not a regular file";
}

int open_regular_file(const char *path, const char *what, char err[ERR_LEN])
{
    struct stat st;
    const char *why;
    /* stat first: a FIFO or a device is refused without being opened */
    if (stat(path, &st) != 0)
        return set_error(err, "%s: cannot open: %s", path, strerror(errno));
    if ((why = not_regular(st.st_mode)))
        return set_error(err, "%s: %s, not %s", path, why, what);
    /* O_NONBLOCK: should path become a FIFO in between, open does not wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return set_error(err, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || (why = not_regular(st.st_mode))) {
        const int saved = errno;
        close(fd);
        return why ? set_error(err, "%s: %s, not %s", path, why, what)
                   : set_error(err, "%s: cannot open: %s", path, strerror(saved));
    }
    const int flags = fcntl(fd, F_GETFL);
    if (flags != -1)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

int byte_source_open(ByteSource *src, const char *path, const char *what, char err[ERR_LEN])
{
    *src = (ByteSource){ path, -1, NULL, 0 };
    const int fd = open_regular_file(path, what, err);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        const int saved = errno;
        close(fd);
        return set_error(err, "%s: cannot open: %s", path, strerror(saved));
    }
    src->fd = fd;
    src->size = (uint64_t)st.st_size;
    return 0;
}

ByteSource byte_source_memory(const unsigned char *buf, size_t len, const char *name)
{
    return (ByteSource){ name, -1, buf, (uint64_t)len };
}

void byte_source_close(ByteSource *src)
{
    if (src->fd >= 0)
        close(src->fd);
    src->fd = -1;
}

int byte_source_read(const ByteSource *src, uint64_t off, void *dst, size_t n, char err[ERR_LEN])
{
    if (off > src->size || n > src->size - off)
        return set_error(err, "%s: truncated: %zu bytes at byte %llu are past the end (%llu "
                         "bytes)", src->name, n, (unsigned long long)off,
                         (unsigned long long)src->size);
    if (src->fd < 0) {
        if (n)
            memcpy(dst, src->mem + off, n);
        return 0;
    }
    unsigned char *d = dst;
    while (n > 0) {
        const ssize_t got = pread(src->fd, d, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return set_error(err, "%s: read error: %s", src->name, strerror(errno));
        if (got == 0)
            return set_error(err, "%s: the file shrank while being read", src->name);
        d += got, off += (uint64_t)got, n -= (size_t)got;
    }
    return 0;
}

/* ---- fields --------------------------------------------------------------------------- */

uint32_t get_le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
uint32_t get_le32(const unsigned char *p) { return get_le16(p) | get_le16(p + 2) << 16; }
uint64_t get_le64(const unsigned char *p) { return get_le32(p) | (uint64_t)get_le32(p + 4) << 32; }

uint32_t get_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

void put_le16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

void put_le32(unsigned char *p, uint32_t v)
{
    put_le16(p, v & 0xFFFF);
    put_le16(p + 2, v >> 16);
}

int host_is_big_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 0;
}

/* ---- text ------------------------------------------------------------------------------ */

char *printable(char *dst, size_t cap, const unsigned char *s, size_t n)
{
    size_t i = 0, j = 0;
    for (; i < n && j + 4 < cap; i++)
        dst[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
    if (i < n) {
        memcpy(dst + j, "...", 3);
        j += 3;
    }
    dst[j] = '\0';
    return dst;
}

char *format_shape(char *dst, size_t cap, int ndim, const uint64_t *shape)
{
    size_t j = (size_t)snprintf(dst, cap, "(");
    for (int k = 0; k < ndim && j < cap; k++)
        j += (size_t)snprintf(dst + j, cap - j, "%s%llu", k ? ", " : "",
                              (unsigned long long)shape[k]);
    if (j < cap)
        snprintf(dst + j, cap - j, ndim == 1 ? ",)" : ")");
    return dst;
}

/* ---- elements --------------------------------------------------------------------------- */

double get_float(const unsigned char *p, int itemsize, int big_endian)
{
    uint64_t u = 0;
    for (int i = 0; i < itemsize; i++)
        u |= (uint64_t)p[big_endian ? itemsize - 1 - i : i] << (8 * i);
    if (itemsize == 8) {
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    const uint32_t u32 = (uint32_t)u;
    float f;
    memcpy(&f, &u32, sizeof f);
    return (double)f;
}

int elements_to_doubles(double *out, const unsigned char *raw, int ndim, const size_t *shape,
                        size_t count, int itemsize, int big_endian, int fortran, size_t *bad,
                        double *value)
{
    /* Walk the array in C order; in Fortran order element (i0, i1, ...) sits at
     * i0 + shape[0] * (i1 + shape[1] * (...)), which `at` follows index by index. */
    fortran = fortran && ndim > 1;
    size_t index[ARRAY_MAX_NDIM] = { 0 }, stride[ARRAY_MAX_NDIM], at = 0;
    for (int k = 0; k < ndim && k < ARRAY_MAX_NDIM; k++)
        stride[k] = k == 0 ? 1 : stride[k - 1] * shape[k - 1];
    for (size_t c = 0; c < count; c++) {
        const double v = get_float(raw + (fortran ? at : c) * (size_t)itemsize, itemsize,
                                   big_endian);
        if (!isfinite(v)) {
            *bad = c;
            *value = v;
            return -1;
        }
        out[c] = v;
        for (int k = ndim - 1; fortran && k >= 0; k--) {
            if (++index[k] < shape[k]) {
                at += stride[k];
                break;
            }
            at -= (index[k] - 1) * stride[k];     /* axis k wraps from shape[k] - 1 to 0 */
            index[k] = 0;
        }
    }
    return 0;
}
