/* fuzz_npz.c - libFuzzer harness for the .npz reader (common/formats/npz.h).
 *
 * Every input goes through npz_parse (ZIP records, zip64, inflate, CRC-32, .npy
 * headers), and again with its CRC fields corrected (fix_crcs) when they were wrong.
 * Besides ASan/UBSan/LeakSanitizer, an accepted file must give a well-formed list of
 * finite arrays (fuzz_arrays.h), which network_from_arrays then accepts or refuses
 * cleanly; a refused one must leave a one-line message naming the file and an empty
 * list. -malloc_limit_mb makes a file that declares huge sizes a failure unless
 * the reader refuses it before allocating.
 * Build and run: make fuzz FUZZ_SECONDS=N (tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "fuzz_arrays.h"
#include "formats/npz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define le16 get_le16                   /* formats/bytes.h */
#define le32 get_le32

/* Most mutations of an entry's bytes would only meet the CRC check. In z (a copy of the
 * input), set the CRC of every entry the central directory lists (plain ZIP fields, stored
 * or deflated up to 1 MB) to the CRC of its data, so the .npy parser behind it is fuzzed
 * too. Best effort: a field that does not look right is left alone. Returns 1 if changed. */
static int fix_crcs(unsigned char *z, size_t len)
{
    if (len < 22 || le32(z + len - 22) != 0x06054b50u)
        return 0;
    const unsigned char *end = z + len - 22;
    size_t p = le32(end + 16), stop = p + le32(end + 12);
    int changed = 0;
    if (p > len || stop > len - 22 || stop < p)
        return 0;
    static unsigned char out[1 << 20];
    for (unsigned i = 0; i < le16(end + 10) && p <= stop && stop - p >= 46 &&
                         le32(z + p) == 0x02014b50u; i++) {
        unsigned char *c = z + p;
        const size_t method = le16(c + 10), csize = le32(c + 20), usize = le32(c + 24);
        const size_t local = le32(c + 42);
        p += 46 + le16(c + 28) + le16(c + 30) + le16(c + 32);
        if (local > len - 30 || le32(z + local) != 0x04034b50u)
            continue;
        const size_t at = local + 30 + le16(z + local + 26) + le16(z + local + 28);
        if (at > len || csize > len - at)
            continue;
        uLong crc = crc32(0L, Z_NULL, 0);
        if (method == 0) {
            crc = crc32(crc, z + at, (uInt)csize);
        } else if (method == 8 && usize <= sizeof out) {
            z_stream s;
            memset(&s, 0, sizeof s);
            if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
                continue;
            s.next_in = z + at, s.avail_in = (uInt)csize;
            s.next_out = out, s.avail_out = (uInt)usize;
            const int rc = inflate(&s, Z_FINISH);
            const size_t made = s.total_out;
            inflateEnd(&s);
            if (rc != Z_STREAM_END)
                continue;
            crc = crc32(crc, out, (uInt)made);
        } else {
            continue;
        }
        changed |= le32(c + 16) != (uint32_t)crc;
        put_le32(c + 16, (uint32_t)crc);
        put_le32(z + local + 14, (uint32_t)crc);
    }
    return changed;
}

static void parse_and_check(const unsigned char *buf, size_t size)
{
    ArrayList l = { 0, NULL };
    char err[ERR_LEN];
    memset(err, 0, sizeof err);
    if (npz_parse(buf, size, "fuzz.npz", &l, err) == 0) {
        fuzz_check_arrays(&l, "fuzz.npz");
        arraylist_free(&l);
    } else {
        fuzz_check_message(err, "fuzz.npz: ");
        FUZZ_CHECK(l.count == 0 && l.items == NULL);
    }
    /* again with an ArrayCheck, as weights_load_checked passes one: it sees every entry's
     * name and shape from the .npy headers before any entry is inflated */
    FuzzSeen seen = { NULL, 0, 0 };
    const ByteSource src = byte_source_memory(buf, size, "fuzz.npz");
    if (npz_read_checked(&src, fuzz_info_check, &seen, &l, err) == 0) {
        fuzz_check_seen(&seen, &l);
        arraylist_free(&l);
    } else {
        fuzz_check_message(err, "fuzz.npz: ");
        FUZZ_CHECK(l.count == 0 && l.items == NULL);
    }
    free(seen.seen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1] = { 0 };
    parse_and_check(size ? data : empty, size);
    unsigned char *copy = malloc(size ? size : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, size ? data : empty, size);
    if (fix_crcs(copy, size))
        parse_and_check(copy, size);
    free(copy);
    return 0;
}
