/* test_bad_input2.c - the bad-input table, round two (tests/README.md, issue 10): crafted
 * files that cost memory or time before, FIFOs and devices where a file is read, images of
 * the wrong size, unwritable outputs, signals during --save, absurd --hidden sizes, and
 * option values strtol would have taken.
 *
 * The big files are made at test time for nothing: sparse files (ftruncate: an 800 MB pickle,
 * a 1.5 GB ZIP that read as zeros) and zip bombs whose deflate stream is one compressed
 * segment repeated (a full flush makes each segment independent), so a 1 GB entry is a 1 MB
 * file built in milliseconds. Each row runs the program directly (fork, execv: no shell),
 * checks the status, the one line on stderr, and its peak memory (wait4's ru_maxrss) below
 * PEAK_LIMIT_MIB: a reader never holds more than what it has checked.
 */
#define _DEFAULT_SOURCE         /* wait4 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "formats/bytes.h"
#include "formats/npz.h"
#include "sys/atomic.h"
#include "run.h"

#define PEAK_LIMIT_MIB 128

static char *T;

static char *in_T(const char *name)
{
    size_t n = strlen(T) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", T, name);
    return p;
}

static void write_file(const char *name, const void *bytes, size_t n, off_t sparse_size)
{
    char *path = in_T(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0, "cannot create %s", path);
    cr_assert_eq(write(fd, bytes, n), (ssize_t)n);
    if (sparse_size)
        cr_assert_eq(ftruncate(fd, sparse_size), 0, "ftruncate %s", path);
    cr_assert_eq(close(fd), 0);
    free(path);
}

static void make_dir(const char *name)
{
    char *path = in_T(name);
    cr_assert_eq(mkdir(path, 0777), 0, "mkdir %s", path);
    free(path);
}

/* ---- MNIST directories ---------------------------------------------------------------- */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* {T}/<dir>/ with both splits: 3 images rows x cols, each pixel `pixel` (or i % 256 if < 0),
 * labels 0, 1, 2; the images of split t10k or train replaced by a FIFO when fifo is set. */
static void mnist_dir(const char *dir, uint32_t rows, uint32_t cols, int pixel, const char *fifo)
{
    make_dir(dir);
    const size_t n = 3, pixels = n * rows * cols;
    unsigned char *img = malloc(16 + pixels), lbl[8 + 3] = { 0 };
    put_be32(img, 2051), put_be32(img + 4, (uint32_t)n), put_be32(img + 8, rows);
    put_be32(img + 12, cols);
    for (size_t i = 0; i < pixels; i++)
        img[16 + i] = (unsigned char)(pixel < 0 ? (int)(i % 256) : pixel);
    put_be32(lbl, 2049), put_be32(lbl + 4, (uint32_t)n);
    lbl[8] = 0, lbl[9] = 1, lbl[10] = 2;
    static const char *const prefix[2] = { "t10k", "train" };
    char name[256];
    for (int s = 0; s < 2; s++) {
        snprintf(name, sizeof name, "%s/%s-images-idx3-ubyte", dir, prefix[s]);
        if (fifo && strcmp(fifo, prefix[s]) == 0) {
            char *path = in_T(name);
            cr_assert_eq(mkfifo(path, 0644), 0);
            free(path);
        } else {
            write_file(name, img, 16 + pixels, 0);
        }
        snprintf(name, sizeof name, "%s/%s-labels-idx1-ubyte", dir, prefix[s]);
        write_file(name, lbl, sizeof lbl, 0);
    }
    free(img);
}

/* ---- weight files ------------------------------------------------------------------------ */

/* A .npy 1.0 header (64-byte aligned) for a float64 C-order array of the given shape text. */
static size_t npy_header(unsigned char *out, const char *shape)
{
    char dict[256];
    int n = snprintf(dict, sizeof dict,
                     "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", shape);
    size_t total = (10 + (size_t)n + 1 + 63) / 64 * 64;
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    put_le16(out + 8, (uint32_t)(total - 10));
    memcpy(out + 10, dict, (size_t)n);
    memset(out + 10 + n, ' ', total - 10 - (size_t)n - 1);
    out[total - 1] = '\n';
    return total;
}

/* Raw deflate of n bytes, ended by a full flush (no history kept), or finished. */
static size_t deflate_piece(const unsigned char *in, size_t n, unsigned char *out, size_t cap,
                            int finish)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    cr_assert_eq(deflateInit2(&s, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    s.next_in = (unsigned char *)in;
    s.avail_in = (uInt)n;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    int rc = deflate(&s, finish ? Z_FINISH : Z_FULL_FLUSH);
    cr_assert(rc == (finish ? Z_STREAM_END : Z_OK) && s.avail_in == 0, "deflate_piece");
    size_t got = s.total_out;
    deflateEnd(&s);
    return got;
}

typedef struct {
    const char *name;           /* "W1.npy" */
    const char *shape;          /* "(784, 170000)" */
    uint64_t zeros;             /* data bytes, all zero (a multiple of SEGMENT, or small) */
    int deflate;
} Entry;

enum { SEGMENT = 1280000 };     /* zero bytes per repeated deflate segment */

/* An honest .npz: every size and CRC-32 in its records is the truth; the deflated entries
 * hold their header, then `zeros` zero bytes as one deflate segment repeated. */
static void write_npz(const char *file, const Entry *e, int n)
{
    char *path = in_T(file);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    unsigned char *zeros = calloc(1, SEGMENT), *seg = malloc(SEGMENT), head[256], packed[512];
    uint32_t offs[8], crcs[8];
    uint64_t csizes[8], usizes[8];
    long pos = 0;
    for (int i = 0; i < n; i++) {
        const size_t h = npy_header(head, e[i].shape);
        usizes[i] = h + e[i].zeros;
        uint32_t crc = (uint32_t)crc32(0, head, (uInt)h);
        uint32_t zcrc = (uint32_t)crc32(0, zeros, SEGMENT);
        const uint64_t nseg = e[i].zeros / SEGMENT, rest = e[i].zeros % SEGMENT;
        for (uint64_t k = 0; k < nseg; k++)
            crc = (uint32_t)crc32_combine(crc, zcrc, SEGMENT);
        crc = (uint32_t)crc32_combine(crc, (uint32_t)crc32(0, zeros, (uInt)rest), (z_off_t)rest);
        crcs[i] = crc;
        size_t hp = 0, sp = 0, rp = 0, fp = 0;
        unsigned char *restp = malloc(rest + 1024), tail[16];
        if (e[i].deflate) {
            hp = deflate_piece(head, h, packed, sizeof packed, 0);
            sp = deflate_piece(zeros, SEGMENT, seg, SEGMENT, 0);
            rp = deflate_piece(zeros, (size_t)rest, restp, rest + 1024, 0);
            fp = deflate_piece(NULL, 0, tail, sizeof tail, 1);     /* the final empty block */
            csizes[i] = hp + nseg * sp + rp + fp;
        } else {
            csizes[i] = usizes[i];
        }
        cr_assert(usizes[i] < 0xFFFFFFFFu && csizes[i] < 0xFFFFFFFFu);
        const size_t nl = strlen(e[i].name);
        unsigned char local[30] = { 0 };
        put_le32(local, 0x04034b50u), put_le16(local + 4, 20);
        put_le16(local + 8, e[i].deflate ? 8 : 0), put_le16(local + 12, 0x21);
        put_le32(local + 14, crcs[i]), put_le32(local + 18, (uint32_t)csizes[i]);
        put_le32(local + 22, (uint32_t)usizes[i]), put_le16(local + 26, (uint32_t)nl);
        offs[i] = (uint32_t)pos;
        fwrite(local, 1, 30, f), fwrite(e[i].name, 1, nl, f);
        if (e[i].deflate) {
            fwrite(packed, 1, hp, f);
            for (uint64_t k = 0; k < nseg; k++)
                fwrite(seg, 1, sp, f);
            fwrite(restp, 1, rp, f), fwrite(tail, 1, fp, f);
        } else {
            fwrite(head, 1, h, f), fwrite(zeros, 1, (size_t)e[i].zeros, f);
        }
        pos = ftell(f);
        free(restp);
    }
    const long cd = pos;
    for (int i = 0; i < n; i++) {
        const size_t nl = strlen(e[i].name);
        unsigned char c[46] = { 0 };
        put_le32(c, 0x02014b50u), put_le16(c + 4, 20), put_le16(c + 6, 20);
        put_le16(c + 10, e[i].deflate ? 8 : 0), put_le16(c + 14, 0x21);
        put_le32(c + 16, crcs[i]), put_le32(c + 20, (uint32_t)csizes[i]);
        put_le32(c + 24, (uint32_t)usizes[i]), put_le16(c + 28, (uint32_t)nl);
        put_le32(c + 42, offs[i]);
        fwrite(c, 1, 46, f), fwrite(e[i].name, 1, nl, f);
    }
    const long end = ftell(f);
    unsigned char r[22] = { 0 };
    put_le32(r, 0x06054b50u), put_le16(r + 8, (uint32_t)n), put_le16(r + 10, (uint32_t)n);
    put_le32(r + 12, (uint32_t)(end - cd)), put_le32(r + 16, (uint32_t)cd);
    fwrite(r, 1, 22, f);
    cr_assert_eq(fclose(f), 0);
    free(zeros), free(seg), free(path);
}

/* ---- a pickle whose shape holds the string '784' ------------------------------------------ */

/* pickle.dumps({'W1': np.zeros((784, 1), 'f8')}, protocol=2) by hand, its shape (784, 1)
 * written as ('784', 1). */
static void write_str_shape_pickle(const char *file)
{
    unsigned char b[8192];
    size_t n = 0;
#define PUT(s) (memcpy(b + n, s, sizeof s - 1), n += sizeof s - 1)
    PUT("\x80\x02}X\x02\x00\x00\x00W1");
    PUT("cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85" "C\x01" "b\x87R");
    PUT("(K\x01X\x03\x00\x00\x00" "784K\x01\x86");                    /* (1, ('784', 1), */
    PUT("cnumpy\ndtype\nX\x02\x00\x00\x00" "f8K\x00K\x01\x87R");
    PUT("(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb");
    PUT("\x89" "B\x80\x18\x00\x00");                                     /* False, 6272 bytes */
    memset(b + n, 0, 784 * 8);
    n += 784 * 8;
    PUT("tbs.");
#undef PUT
    write_file(file, b, n, 0);
}

static void make_fixtures(void)
{
    T = make_temp_dir();
    cr_assert_not_null(T);
    mnist_dir("ok", 28, 28, -1, NULL);
    mnist_dir("blank", 28, 28, 0, NULL);
    mnist_dir("one_pixel", 1, 1, -1, NULL);
    mnist_dir("wide", 255, 255, -1, NULL);
    mnist_dir("fifo_test", 28, 28, -1, "t10k");
    mnist_dir("fifo_train", 28, 28, -1, "train");
    mnist_dir("dir_images", 28, 28, -1, NULL);
    char *d = in_T("dir_images/t10k-images-idx3-ubyte");
    cr_assert_eq(unlink(d), 0);
    cr_assert_eq(mkdir(d, 0777), 0);
    free(d);
    write_file("afile", "not a directory\n", 16, 0);
    make_dir("w");
    /* the bombs: 1 MB and 294 KB files, honest sizes, W1 far beyond the bound */
    const Entry bomb[2] = { { "W1.npy", "(784, 170000)", 784ull * 170000 * 8, 1 },
                            { "b1.npy", "(50,)", 50 * 8, 0 } };
    write_npz("w/bomb.npz", bomb, 2);
    const Entry bomb2[2] = { { "W1.npy", "(784, 50000)", 784ull * 50000 * 8, 1 },
                             { "b1.npy", "(50,)", 50 * 8, 0 } };
    write_npz("w/bomb2.npz", bomb2, 2);
    /* within the bound (31 MB inflated), but the shapes don't chain: known from the headers */
    const Entry chain[2] = { { "W1.npy", "(784, 5000)", 784ull * 5000 * 8, 1 },
                             { "b1.npy", "(50,)", 50 * 8, 0 } };
    write_npz("w/chain_bomb.npz", chain, 2);
    write_file("w/sparse.pkl", "\x80\x02", 2, (off_t)800 << 20);
    write_file("w/sparse.npz", "PK\x03\x04", 4, (off_t)1536 << 20);
    write_str_shape_pickle("w/str_shape.pkl");
    char *fifo = in_T("w/fifo.pkl");
    cr_assert_eq(mkfifo(fifo, 0644), 0);
    free(fifo);
}

static void remove_fixtures(void) { remove_temp_dir(T); }

TestSuite(bad_input2, .init = make_fixtures, .fini = remove_fixtures, .timeout = 120);

/* ---- running a program, measuring it ---------------------------------------------------- */

typedef struct {
    int status;                 /* exit status, or 128 + signal */
    char *out, *err;
    long peak_kib;              /* ru_maxrss */
} Measured;

/* Runs DLFS_BIN_DIR/<program> with the arguments in args (separated by '|', "{T}" replaced),
 * without a shell, and measures its peak resident memory. */
static Measured run_measured(const char *program, const char *args)
{
    char *a = replace_all(strdup(args), "{T}", T), *argv[32], bin[4096], out[4200], err[4200];
    int argc = 0;
    snprintf(bin, sizeof bin, "%s/%s", DLFS_BIN_DIR, program);
    argv[argc++] = bin;
    for (char *p = a; argc < 31;) {            /* "--out|" ends with an empty argument */
        argv[argc++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    argv[argc] = NULL;
    char *dir = make_temp_dir();
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), o = open(out, O_WRONLY | O_CREAT, 0644),
            e = open(err, O_WRONLY | O_CREAT, 0644);
        dup2(in, 0), dup2(o, 1), dup2(e, 2);
        alarm(100);             /* a hang fails the row (SIGALRM) instead of the suite */
        execv(bin, argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
    Measured m = { WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), read_text_file(out),
                   read_text_file(err), ru.ru_maxrss };
    remove_temp_dir(dir);
    free(a);
    return m;
}

/* The row: exit status 1, exactly "<program>: <message>" on stderr, stdout empty when early,
 * peak memory under PEAK_LIMIT_MIB. */
static void expect_row(const char *program, const char *args, const char *message, int early)
{
    Measured m = run_measured(program, args);
    m.err = replace_all(m.err, T, "{T}");
    char want[1024];
    snprintf(want, sizeof want, "%s: %s\n", program, message);
    cr_expect_eq(m.status, 1, "%s %s: exit status %d (142 = timed out)\nstderr: %s", program,
                 args, m.status, m.err);
    cr_expect_str_eq(m.err, want, "%s %s:\nstderr:   %sexpected: %s", program, args, m.err, want);
    if (early)
        cr_expect_str_eq(m.out, "", "%s %s: printed before failing:\n%s", program, args, m.out);
    cr_expect_lt(m.peak_kib, PEAK_LIMIT_MIB * 1024L, "%s %s: peak memory %ld KiB, over %d MiB",
                 program, args, m.peak_kib, PEAK_LIMIT_MIB);
    free(m.out), free(m.err);
}

#define ROW(test_name, program, args, message, early) \
    Test(bad_input2, test_name) { expect_row(program, args, message, early); }

#define W "--data|{T}/ok|--out|{T}/out|--weights|"
#define TWO "--iters|2|--batch|2|--out|{T}/out|"

/* weight files that cost memory or time before */
ROW(ch03_mnist_npz_bomb_1MB_W1_784x170000, "ch03_mnist", W "{T}/w/bomb.npz",
    "{T}/w/bomb.npz: entry W1.npy: declares 1066240128 bytes uncompressed, more than the "
    "41943040 bytes a weight file may hold", 0)
ROW(ch03_mnist_npz_bomb_294KB_W1_784x50000, "ch03_mnist", W "{T}/w/bomb2.npz",
    "{T}/w/bomb2.npz: entry W1.npy: declares 313600128 bytes uncompressed, more than the "
    "41943040 bytes a weight file may hold", 0)
ROW(ch03_mnist_npz_bomb_within_bound_shapes_dont_chain, "ch03_mnist",
    W "{T}/w/chain_bomb.npz",
    "{T}/w/chain_bomb.npz: shapes don't chain: W1 is (784, 5000) but b1 is (50,)", 0)
ROW(ch03_mnist_sparse_800MB_pickle, "ch03_mnist", W "{T}/w/sparse.pkl",
    "{T}/w/sparse.pkl: unknown opcode 0x00 at byte 2", 0)
ROW(ch03_mnist_sparse_1500MB_zip, "ch03_mnist", W "{T}/w/sparse.npz",
    "{T}/w/sparse.npz: truncated or not a ZIP file: no end-of-central-directory record", 0)
ROW(ch03_mnist_pickle_shape_holds_a_string, "ch03_mnist", W "{T}/w/str_shape.pkl",
    "{T}/w/str_shape.pkl: array shape ('784', 1) at byte 6414 is not a tuple of sizes: item 0 "
    "is a str", 0)

/* what is not a regular file */
ROW(ch03_mnist_weights_fifo, "ch03_mnist", W "{T}/w/fifo.pkl",
    "{T}/w/fifo.pkl: is a FIFO, not a weight file", 0)
ROW(ch03_mnist_weights_directory, "ch03_mnist", W "{T}/w",
    "{T}/w: is a directory, not a weight file", 0)
ROW(ch03_mnist_weights_device, "ch03_mnist", W "/dev/zero",
    "/dev/zero: is a character device, not a weight file", 0)
ROW(ch03_mnist_data_images_fifo, "ch03_mnist", "--data|{T}/fifo_test|--out|{T}/out",
    "{T}/fifo_test/t10k-images-idx3-ubyte: is a FIFO, not an IDX file (run `make data`)", 1)
ROW(ch03_mnist_data_images_directory, "ch03_mnist", "--data|{T}/dir_images|--out|{T}/out",
    "{T}/dir_images/t10k-images-idx3-ubyte: is a directory, not an IDX file (run `make data`)", 1)
ROW(ch04_two_layer_net_data_images_fifo, "ch04_two_layer_net", TWO "--data|{T}/fifo_train",
    "{T}/fifo_train/train-images-idx3-ubyte: is a FIFO, not an IDX file (run `make data`)", 1)

/* images of another size */
ROW(ch04_two_layer_net_images_1x1, "ch04_two_layer_net", TWO "--data|{T}/one_pixel",
    "{T}/one_pixel: the images are 1x1, the network needs 28x28 (784 inputs, as MNIST)", 1)
ROW(ch04_two_layer_net_images_255x255, "ch04_two_layer_net", TWO "--data|{T}/wide",
    "{T}/wide: the images are 255x255, the network needs 28x28 (784 inputs, as MNIST)", 1)
ROW(ch04_two_layer_net_gradient_check_images_1x1, "ch04_two_layer_net",
    "--gradient-check|--data|{T}/one_pixel",
    "{T}/one_pixel: the images are 1x1, the network needs 28x28 (784 inputs, as MNIST)", 1)

/* outputs checked before training, sizes bounded before allocating, option values */
ROW(ch04_two_layer_net_out_unwritable, "ch04_two_layer_net",
    "--iters|2|--batch|2|--data|{T}/ok|--out|{T}/afile/figs",
    "{T}/afile/figs: cannot create directory: Not a directory", 1)
ROW(ch04_two_layer_net_hidden_seven_layers_of_10000, "ch04_two_layer_net",
    "--hidden|10000,10000,10000,10000,10000,10000,10000",
    "--hidden: '10000,10000,10000,10000,10000,10000,10000' with --batch 100 needs 10110 MiB "
    "for the parameters, gradients and scratch space, more than the 1024 MiB bound", 1)
ROW(ch04_two_layer_net_hidden_too_big_to_save, "ch04_two_layer_net",
    "--hidden|6000|--save|{T}/w6000.npz",
    "--hidden: '6000' has 4770010 parameters, more than the 4194304 a weight file may hold "
    "(--save)", 1)
ROW(ch04_two_layer_net_batch_leading_space, "ch04_two_layer_net", "--batch| 5",
    "--batch: ' 5' is not an integer in [1, 60000] (see --help)", 1)
ROW(ch04_two_layer_net_batch_plus_sign, "ch04_two_layer_net", "--batch|+5",
    "--batch: '+5' is not an integer in [1, 60000] (see --help)", 1)
ROW(ch04_two_layer_net_out_empty, "ch04_two_layer_net", "--out|",
    "--out: empty value (see --help)", 1)
ROW(ch03_mnist_lr_like_options_leading_space, "ch03_mnist", "--batch| 10",
    "--batch: ' 10' is not an integer in [1, 10000] (see --help)", 1)

/* npz_list reads the names and shapes of the 31 MB bomb from its .npy headers alone */
Test(bad_input2, npz_list_reads_only_the_headers_of_a_bomb)
{
    char *path = in_T("w/chain_bomb.npz"), err[ERR_LEN];
    ArrayInfo *info;
    size_t n;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    cr_assert_eq(npz_list(path, &info, &n, err), 0, "%s", err);
    getrusage(RUSAGE_SELF, &after);
    cr_assert_eq(n, 2);
    cr_expect(strcmp(info[0].name, "W1") == 0 && info[0].ndim == 2 && info[0].shape[0] == 784 &&
              info[0].shape[1] == 5000 && info[0].size == 3920000);
    cr_expect(strcmp(info[1].name, "b1") == 0 && info[1].ndim == 1 && info[1].shape[0] == 50);
    cr_expect_lt(after.ru_maxrss - before.ru_maxrss, 8 * 1024L,
                 "listing grew the peak by %ld KiB", after.ru_maxrss - before.ru_maxrss);
    free(info);
    free(path);
}

/* 28x28 images that are all blank: trains, cleanly (the sanitizer build runs this too) */
Test(bad_input2, ch04_two_layer_net_all_blank_images)
{
    Measured m = run_measured("ch04_two_layer_net", TWO "--data|{T}/blank");
    cr_expect_eq(m.status, 0, "exit status %d\nstderr: %s", m.status, m.err);
    cr_expect_str_eq(m.err, "");
    free(m.out), free(m.err);
    m = run_measured("ch04_two_layer_net", "--gradient-check|--data|{T}/blank");
    cr_expect_eq(m.status, 0, "exit status %d\nstderr: %s", m.status, m.err);
    cr_expect_str_eq(m.err, "");
    free(m.out), free(m.err);
}

/* ---- signals during an atomic write, and stale temporary files -------------------------- */

static int count_tmp(const char *dir, const char *base)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^%s\\.tmp\\.' > '%s/count'", dir, base, dir);
    if (system(cmd) == -1)
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s/count", dir);
    char *s = read_text_file(path);
    int n = s ? atoi(s) : -1;
    free(s);
    return n;
}

Test(bad_input2, signals_during_an_atomic_write_remove_the_temporary_file)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    char *dir = make_temp_dir(), path[4096];
    snprintf(path, sizeof path, "%s/w.npz", dir);
    for (int i = 0; i < 3; i++) {
        int ready[2];
        cr_assert_eq(pipe(ready), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            AtomicFile a;
            char err[ERR_LEN];
            signal(sigs[i], SIG_DFL);
            if (atomic_open(&a, path, err) != 0)
                _exit(2);
            fputs("half of it", a.f);
            fflush(a.f);
            if (write(ready[1], "x", 1) != 1)
                _exit(3);
            pause();            /* the signal comes here, mid-write */
            _exit(4);
        }
        char c;
        cr_assert_eq(read(ready[0], &c, 1), 1);
        cr_expect_eq(count_tmp(dir, "w.npz"), 1, "the temporary file exists while writing");
        kill(pid, sigs[i]);
        int st;
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i], "died of signal %d", sigs[i]);
        cr_expect_eq(count_tmp(dir, "w.npz"), 0, "signal %d left the temporary file", sigs[i]);
        close(ready[0]), close(ready[1]);
    }
    /* SIGKILL cannot be caught: the next run of the same name removes what is left */
    char stale[4200], live[4200], other[4200];
    snprintf(stale, sizeof stale, "%s/w.npz.tmp.999999999", dir);       /* no such process */
    snprintf(live, sizeof live, "%s/w.npz.tmp.%ld", dir, (long)getppid()); /* alive */
    snprintf(other, sizeof other, "%s/x.npz.tmp.999999999", dir);       /* another name */
    write_binary_file(stale, "x", 1), write_binary_file(live, "x", 1);
    write_binary_file(other, "x", 1);
    AtomicFile a;
    char err[ERR_LEN];
    cr_assert_eq(atomic_open(&a, path, err), 0, "%s", err);
    fputs("whole", a.f);
    cr_assert_eq(atomic_commit(&a, err), 0, "%s", err);
    cr_expect_neq(access(stale, F_OK), 0, "the stale file is still there");
    cr_expect_eq(access(live, F_OK), 0, "a live process's file was removed");
    cr_expect_eq(access(other, F_OK), 0, "another name's file was removed");
    remove_temp_dir(dir);
}
