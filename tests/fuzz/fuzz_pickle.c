/* fuzz_pickle.c - libFuzzer harness for the pickle reader (common/formats/pickle.h).
 *
 * Every input goes through pickle_parse_arrays (read as a file is, its first 64 KiB first,
 * then as the parser asks), then pickle_read_checked with an ArrayCheck that must see every
 * name and shape of what is accepted. Besides ASan/UBSan/LeakSanitizer, an
 * accepted pickle must give a well-formed list of finite arrays (fuzz_arrays.h), which
 * network_from_arrays then accepts or refuses cleanly; a refused one must leave a
 * one-line message naming the file and an empty list. The reader never calls anything,
 * so no input can run code: a pickle naming os.system is just another refused input.
 * Build and run: make fuzz FUZZ_SECONDS=N (tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_arrays.h"
#include "formats/pickle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1] = { 0 };
    ArrayList l;
    char err[ERR_LEN];
    memset(err, 0, sizeof err);
    if (pickle_parse_arrays(size ? data : empty, size, "fuzz.pkl", &l, err) == 0) {
        fuzz_check_arrays(&l, "fuzz.pkl");
        arraylist_free(&l);
    } else {
        fuzz_check_message(err, "fuzz.pkl: ");
        FUZZ_CHECK(l.count == 0 && l.items == NULL);
    }
    /* again with an ArrayCheck, as weights_load_checked passes one */
    FuzzSeen seen = { NULL, 0, 0 };
    const ByteSource src = byte_source_memory(size ? data : empty, size, "fuzz.pkl");
    if (pickle_read_checked(&src, fuzz_info_check, &seen, &l, err) == 0) {
        fuzz_check_seen(&seen, &l);
        arraylist_free(&l);
    } else {
        fuzz_check_message(err, "fuzz.pkl: ");
        FUZZ_CHECK(l.count == 0 && l.items == NULL);
    }
    free(seen.seen);
    return 0;
}
