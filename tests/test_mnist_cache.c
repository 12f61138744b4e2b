/* test_mnist_cache.c - MNIST decompressed once and cached (formats/mnist.h), as the book
 * caches mnist.pkl: the cache is made (checked against SHA256SUMS), reused, rebuilt when
 * stale or corrupt, never trusted when hostile, and a source that does not match its
 * checksum is refused. Everything happens in a temporary directory: the data in <tmp>/data,
 * the cache in <tmp>/cache (DLFS_CACHE_DIR). Also sys/sha256.h against FIPS 180-4's vectors.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "formats/mnist.h"
#include "sys/sha256.h"
#include "run.h"

static char *tmp, data[512], cache[512];

static void setup(void)
{
    tmp = make_temp_dir();
    snprintf(data, sizeof data, "%s/data", tmp);
    snprintf(cache, sizeof cache, "%s/cache", tmp);
    cr_assert_eq(mkdir(data, 0755), 0);
    setenv("DLFS_CACHE_DIR", cache, 1);
}

static void teardown(void) { remove_temp_dir(tmp); }

TestSuite(mnist_cache, .init = setup, .fini = teardown);

enum { N = 3, SIDE = 2 };
static const unsigned char LABELS[N] = { 7, 0, 9 };

/* The split's IDX bytes: N images SIDE x SIDE whose pixels start at `first`. */
static size_t idx_images(unsigned char *b, unsigned char first)
{
    const unsigned char head[16] = { 0, 0, 8, 3, 0, 0, 0, N, 0, 0, 0, SIDE, 0, 0, 0, SIDE };
    memcpy(b, head, 16);
    for (size_t i = 0; i < N * SIDE * SIDE; i++)
        b[16 + i] = (unsigned char)(first + i);
    return 16 + N * SIDE * SIDE;
}

static size_t idx_labels(unsigned char *b)
{
    const unsigned char head[8] = { 0, 0, 8, 1, 0, 0, 0, N };
    memcpy(b, head, 8);
    memcpy(b + 8, LABELS, N);
    return 8 + N;
}

static void write_gz(const char *name, const unsigned char *b, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s.gz", data, name);
    gzFile f = gzopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(gzwrite(f, b, (unsigned)n), (int)n);
    cr_assert_eq(gzclose(f), Z_OK);
}

/* data/ holds the test split with pixels from `first`, and a SHA256SUMS listing its content
 * (the images' checksum spoilt when bad_sum). */
static void write_data(unsigned char first, int bad_sum)
{
    unsigned char img[64], lbl[16];
    char sha_img[65], sha_lbl[65], path[600];
    const size_t ni = idx_images(img, first), nl = idx_labels(lbl);
    write_gz("t10k-images-idx3-ubyte", img, ni);
    write_gz("t10k-labels-idx1-ubyte", lbl, nl);
    sha256_hex(img, ni, sha_img);
    sha256_hex(lbl, nl, sha_lbl);
    if (bad_sum)
        sha_img[0] = sha_img[0] == '0' ? '1' : '0';
    snprintf(path, sizeof path, "%s/SHA256SUMS", data);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s  t10k-images-idx3-ubyte\n%s  t10k-labels-idx1-ubyte\n", sha_img, sha_lbl);
    cr_assert_eq(fclose(f), 0);
}

/* The cache file of `name` (the one file in cache/ starting with it); "" when none. */
static const char *cache_file(const char *name)
{
    static char path[1024];
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "ls %s/%s-* 2>/dev/null | grep -v '[.]tmp[.]'", cache, name);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    path[0] = '\0';
    if (!fgets(path, sizeof path, p))
        path[0] = '\0';
    path[strcspn(path, "\n")] = '\0';
    pclose(p);
    return path;
}

static ino_t inode(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "stat %s", path);
    return st.st_ino;
}

/* load_mnist(data, test) must succeed and give pixels first, first + 1, ... */
static void expect_loads(unsigned char first)
{
    MnistSet s;
    char err[ERR_LEN] = "";
    cr_assert_eq(load_mnist(data, MNIST_TEST, 0, 0, &s, err), 0, "%s", err);
    cr_assert_eq(s.x.rows, N);
    cr_assert_eq(s.x.cols, SIDE * SIDE);
    for (size_t i = 0; i < N * SIDE * SIDE; i++)
        cr_assert_eq(s.x.data[i], (double)(unsigned char)(first + i), "pixel %zu", i);
    for (size_t i = 0; i < N; i++)
        cr_assert_eq(s.t.data[i], LABELS[i]);
    mnist_free(&s);
    MnistBytes b;
    cr_assert_eq(load_mnist_bytes(data, MNIST_TEST, &b, err), 0, "%s", err);
    cr_assert_eq(b.count, N);
    cr_assert_eq(b.pixels[0], first);
    cr_assert_eq(memcmp(b.labels, LABELS, N), 0);
    mnist_bytes_free(&b);
}

/* The image cache holds the header and exactly the IDX bytes with pixels from first. */
static void expect_valid_cache(unsigned char first, const char *after)
{
    size_t len;
    unsigned char *b = read_binary_file(cache_file("t10k-images-idx3-ubyte"), &len);
    unsigned char want[64];
    const size_t n = idx_images(want, first);
    cr_assert_eq(len, 512 + n, "valid again after: %s", after);
    cr_expect_eq(memcmp(b + 512, want, n), 0, "the right bytes after: %s", after);
    cr_expect(strstr((char *)b, "\nbytes 28 sum "), "header after: %s", after);
    free(b);
}

Test(mnist_cache, sha256_gives_the_fips_180_4_digests)
{
    char hex[65];
    sha256_hex("", 0, hex);
    cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(two, strlen(two), hex);
    cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    sha256_hex(million, 1000000, hex);
    cr_expect_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

Test(mnist_cache, is_made_then_reused)
{
    write_data(5, 0);
    expect_loads(5);
    char img[1024];
    snprintf(img, sizeof img, "%s", cache_file("t10k-images-idx3-ubyte"));
    cr_assert_str_not_empty(img, "no cache made in %s", cache);
    cr_assert_str_not_empty(cache_file("t10k-labels-idx1-ubyte"));
    const ino_t first = inode(img);
    struct stat st;
    cr_assert_eq(stat(img, &st), 0);
    cr_expect_eq(st.st_size, 512 + 16 + N * SIDE * SIDE, "header + the IDX bytes");
    expect_loads(5);
    cr_expect_eq(inode(cache_file("t10k-images-idx3-ubyte")), first, "reused, not rewritten");
}

Test(mnist_cache, a_changed_source_makes_it_stale)
{
    write_data(5, 0);
    expect_loads(5);
    const ino_t first = inode(cache_file("t10k-images-idx3-ubyte"));
    /* the same content, touched: rebuilt */
    char src[600];
    snprintf(src, sizeof src, "%s/t10k-images-idx3-ubyte.gz", data);
    cr_assert_eq(utimensat(AT_FDCWD, src, (struct timespec[]){ { 1, 0 }, { 1, 0 } }, 0), 0);
    expect_loads(5);
    cr_expect_neq(inode(cache_file("t10k-images-idx3-ubyte")), first, "rebuilt");
    /* new content and checksums: the new pixels */
    write_data(40, 0);
    expect_loads(40);
}

/* Each damage to the cache file: the load still gives the source's data and the cache is
 * rebuilt (a new file, valid again). */
Test(mnist_cache, a_corrupt_or_hostile_cache_is_rebuilt)
{
    write_data(5, 0);
    expect_loads(5);
    static const char *const damage[] = {
        "truncate -s 600 %s",                                   /* cut short */
        "truncate -s 100 %s",                                   /* cut inside the header */
        "printf 'x' | dd of=%s bs=1 seek=530 conv=notrunc 2>/dev/null",   /* a pixel changed */
        "printf '\\377\\377' | dd of=%s bs=1 seek=514 conv=notrunc 2>/dev/null", /* image count */
        "sed -i 's/bytes [0-9]*/bytes 99999999999/' %s",        /* a lying length */
        "truncate -s 0 %s",                                     /* empty */
        "head -c 3000000 /dev/urandom > %s",                    /* garbage */
        "truncate -s 200M %s",                                  /* huge */
    };
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        char img[1024], cmd[2200];
        snprintf(img, sizeof img, "%s", cache_file("t10k-images-idx3-ubyte"));
        snprintf(cmd, sizeof cmd, damage[i], img);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        expect_loads(5);
        expect_valid_cache(5, cmd);
    }
    /* a damaged label cache too: a label that is no digit */
    char lbl[1024], cmd[2200];
    snprintf(lbl, sizeof lbl, "%s", cache_file("t10k-labels-idx1-ubyte"));
    snprintf(cmd, sizeof cmd, "printf '\\52' | dd of=%s bs=1 seek=520 conv=notrunc 2>/dev/null", lbl);
    cr_assert_eq(system(cmd), 0);
    expect_loads(5);
}

Test(mnist_cache, a_source_that_does_not_match_sha256sums_is_refused)
{
    write_data(5, 1);
    MnistSet s;
    char err[ERR_LEN] = "";
    cr_assert_eq(load_mnist(data, MNIST_TEST, 0, 0, &s, err), -1, "loaded a file whose checksum fails");
    cr_expect(strstr(err, "t10k-images-idx3-ubyte.gz: content does not match its checksum"), "%s", err);
    cr_expect(strstr(err, "SHA256SUMS"), "%s", err);
    cr_expect_null(strchr(err, '\n'));
    cr_expect_str_empty(cache_file("t10k-images-idx3-ubyte"), "no cache of a bad file");
}

Test(mnist_cache, is_off_when_DLFS_CACHE_DIR_is_empty_or_no_checksum_is_listed)
{
    write_data(5, 0);
    setenv("DLFS_CACHE_DIR", "", 1);
    expect_loads(5);
    cr_expect_eq(access(cache, F_OK), -1, "no cache directory made");
    setenv("DLFS_CACHE_DIR", cache, 1);
    char sums[600];
    snprintf(sums, sizeof sums, "%s/SHA256SUMS", data);
    cr_assert_eq(unlink(sums), 0);
    expect_loads(5);
    cr_expect_eq(access(cache, F_OK), -1, "nothing cached without SHA256SUMS");
}
