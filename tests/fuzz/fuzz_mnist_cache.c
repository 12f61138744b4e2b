/* fuzz_mnist_cache.c - libFuzzer harness for the MNIST cache check (common/formats/mnist.h,
 * mnist_cache_check), the gate a cache file in build/cache/mnist passes before its bytes are
 * used. The input is the cache file after its key line: the rest of the 512-byte header
 * (zero-padded when shorter), then the IDX bytes, checked as images and as labels. Besides ASan/UBSan/LeakSanitizer, it checks the contract: an accepted cache holds
 * an IDX file the source parsers accept too, of the length its header states.
 * Build and run: make fuzz FUZZ_SECONDS=N (tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "formats/mnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "dlfs-c MNIST cache 1\nname fuzz\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char header[MNIST_CACHE_HEADER] = KEY;
    const size_t key = strlen(KEY), room = MNIST_CACHE_HEADER - key;
    const size_t head = size < room ? size : room;
    memcpy(header + key, data, head);
    const size_t len = size - head;
    unsigned char *idx = malloc(len ? len : 1);      /* its own block: overreads are caught */
    FUZZ_CHECK(idx);
    memcpy(idx, data + head, len);
    for (int labels = 0; labels < 2; labels++) {
        if (mnist_cache_check(header, idx, len, KEY, labels, 0) == 0) {
            char err[ERR_LEN];
            Matrix m;
            if (labels)
                FUZZ_CHECK(mnist_parse_labels(idx, len, "fuzz", 0, &m, err) == 0);
            else
                FUZZ_CHECK(mnist_parse_images(idx, len, "fuzz", 0, &m, NULL, NULL, err) == 0);
            matrix_free(&m);
            FUZZ_CHECK(memcmp(header + strlen(KEY), "bytes ", 6) == 0);
        }
        FUZZ_CHECK(mnist_cache_check(header, idx, len, "another key\n", labels, 0) != 0);
    }
    free(idx);
    return 0;
}
