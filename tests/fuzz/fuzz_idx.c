/* fuzz_idx.c - libFuzzer harness for the IDX (MNIST) parsers of common/formats/mnist.h.
 *
 * Every input is offered to mnist_parse_images and to mnist_parse_labels, with the
 * options taken from the length (so both normalize and one_hot_label vary). Besides
 * ASan/UBSan/LeakSanitizer, it checks the contract: an accepted file gives a matrix of
 * exactly the shape its header and length say, pixels in range, labels 0..9; a refused
 * one gives a one-line message naming the file and leaves nothing allocated.
 * Build and run: make fuzz FUZZ_SECONDS=N (tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "formats/mnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t empty[1] = { 0 };
    const unsigned char *buf = size ? data : empty;
    const int flag = (int)(size & 1);
    char err[ERR_LEN];

    Matrix x;
    size_t rows = 0, cols = 0;
    memset(err, 0, sizeof err);
    if (mnist_parse_images(buf, size, "fuzz.idx", flag, &x, &rows, &cols, err) == 0) {
        FUZZ_CHECK(size >= 16 && x.data && x.rows >= 1 && rows >= 1 && cols >= 1);
        FUZZ_CHECK(x.cols == rows * cols && 16 + x.rows * x.cols == size);
        for (size_t i = 0; i < x.rows * x.cols; i++) {
            const double want = flag ? buf[16 + i] / 255.0 : (double)buf[16 + i];
            FUZZ_CHECK(x.data[i] == want);
        }
        matrix_free(&x);
    } else {
        fuzz_check_message(err, "fuzz.idx: ");
        FUZZ_CHECK(x.data == NULL);
    }

    Matrix t;
    memset(err, 0, sizeof err);
    if (mnist_parse_labels(buf, size, "fuzz.idx", flag, &t, err) == 0) {
        FUZZ_CHECK(size >= 8 && t.data && 8 + t.rows == size && t.cols == (flag ? 10u : 1u));
        for (size_t i = 0; i < t.rows; i++) {
            FUZZ_CHECK(buf[8 + i] <= 9);
            if (flag)
                FUZZ_CHECK(MAT_AT(&t, i, buf[8 + i]) == 1.0);
            else
                FUZZ_CHECK(MAT_AT(&t, i, 0) == buf[8 + i]);
        }
        matrix_free(&t);
    } else {
        fuzz_check_message(err, "fuzz.idx: ");
        FUZZ_CHECK(t.data == NULL);
    }
    return 0;
}
