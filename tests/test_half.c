/* test_half.c - common/numpy/half.c converts to and from float16 exactly as NumPy's
 * astype(np.float16) (the book's half_float_network.py, 8.3.4).
 *
 * tests/fixtures/half/from_double.bin and from_float.bin hold inputs and the bits NumPy
 * 1.24.2 gives them (made by tests/fixtures/half/make_fixtures.py): ties between every pair
 * of neighbouring halves sampled and one ulp either side, the range's edges, infinities,
 * NaNs, random magnitudes and random bit patterns. The other direction is checked on all
 * 65536 halves against a hash of NumPy's float64 values.
 */
#include "numpy/half.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define FIXTURES DLFS_SOURCE_DIR "/tests/fixtures/half/"
/* FNV-1a of np.arange(65536).astype(np.uint16).view(np.float16).astype('<f8').tobytes(),
 * printed by make_fixtures.py. */
#define NUMPY_HALVES_FNV UINT64_C(0x8f7ef86d4127a125)

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

Test(half, from_double_is_numpys_astype_float16)
{
    size_t len;
    unsigned char *b = read_binary_file(FIXTURES "from_double.bin", &len);
    cr_assert(len > 0 && len % 10 == 0, "from_double.bin: %zu bytes", len);
    size_t bad = 0;
    for (size_t i = 0; i < len / 10; i++) {
        const uint64_t xb = le64(b + 10 * i);
        double x;
        memcpy(&x, &xb, sizeof x);
        const uint16_t want = le16(b + 10 * i + 8), got = half_from_double(x);
        if (got != want && bad++ < 10)
            cr_expect_eq(got, want, "np.float16(%a) is 0x%04x, half_from_double gives 0x%04x",
                         x, want, got);
    }
    cr_expect_eq(bad, 0, "%zu of %zu cases differ from NumPy", bad, len / 10);
    free(b);
}

Test(half, from_float_is_numpys_astype_float16)
{
    size_t len;
    unsigned char *b = read_binary_file(FIXTURES "from_float.bin", &len);
    cr_assert(len > 0 && len % 6 == 0, "from_float.bin: %zu bytes", len);
    size_t bad = 0;
    for (size_t i = 0; i < len / 6; i++) {
        const uint32_t xb = (uint32_t)b[6 * i] | (uint32_t)b[6 * i + 1] << 8 |
                            (uint32_t)b[6 * i + 2] << 16 | (uint32_t)b[6 * i + 3] << 24;
        float x;
        memcpy(&x, &xb, sizeof x);
        const uint16_t want = le16(b + 6 * i + 4), got = half_from_float(x);
        if (got != want && bad++ < 10)
            cr_expect_eq(got, want, "np.float16(np.float32(%a)) is 0x%04x, half_from_float "
                         "gives 0x%04x", (double)x, want, got);
    }
    cr_expect_eq(bad, 0, "%zu of %zu cases differ from NumPy", bad, len / 6);
    free(b);
}

/* Every half to float64 as NumPy converts it (NaN payloads included), and to float32 the
 * same value; every half converts back to itself (NaN payloads too). */
Test(half, every_half_to_double_and_back)
{
    uint64_t fnv = UINT64_C(0xcbf29ce484222325);
    size_t bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        const double d = half_to_double((half)h);
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        for (int k = 0; k < 8; k++)
            fnv = (fnv ^ ((bits >> (8 * k)) & 0xff)) * UINT64_C(0x100000001b3);
        const float f = half_to_float((half)h);
        const int ok = isnan(d) ? isnan(f) && half_from_double(d) == h && half_from_float(f) == h
                                : (double)f == d && !signbit(f) == !signbit(d) &&
                                  half_from_double(d) == h && half_from_float(f) == h;
        if (!ok && bad++ < 10)
            cr_expect(ok, "0x%04x: as float %a, as double %a, back 0x%04x and 0x%04x", h,
                      (double)f, d, half_from_float(f), half_from_double(d));
    }
    cr_expect_eq(bad, 0, "%zu halves do not convert both ways exactly", bad);
    cr_expect_eq(fnv, NUMPY_HALVES_FNV, "halves as float64: FNV 0x%016llx, NumPy's 0x%016llx",
                 (unsigned long long)fnv, (unsigned long long)NUMPY_HALVES_FNV);
}

/* Values a reader can check by hand (np.float16(x) printed as np.float64). */
Test(half, known_values)
{
    cr_expect_eq(half_round(0.1), 0.0999755859375);             /* 0x2e66 */
    cr_expect_eq(half_from_double(1.0), 0x3c00);
    cr_expect_eq(half_from_double(-2.0), 0xc000);
    cr_expect_eq(half_round(65504.0), 65504.0);                   /* the largest half */
    cr_expect_eq(half_round(65519.99), 65504.0);
    cr_expect(isinf(half_round(65520.0)), "65520 is the tie to the next power: Inf");
    cr_expect_eq(half_round(ldexp(1.0, -24)), ldexp(1.0, -24));   /* smallest subnormal */
    cr_expect_eq(half_round(ldexp(1.0, -25)), 0.0);               /* tie, to even: 0 */
    cr_expect_eq(half_round(ldexp(1.5, -25)), ldexp(1.0, -24));
    cr_expect_eq(half_from_double(-0.0), 0x8000);
    cr_expect_eq(half_round(1.0 + ldexp(1.0, -11)), 1.0);         /* tie: even mantissa */
    cr_expect_eq(half_round(1.0 + 3 * ldexp(1.0, -11)), 1.0 + ldexp(1.0, -9));
    /* an MNIST pixel as the book has it: float32(200 / 255) then float16 */
    cr_expect_eq(half_to_double(half_from_float(200.0f / 255.0f)), 0.7841796875);
    half h[3];
    double d[3];
    half_from_doubles(h, (const double[]){ 0.5, 0.25, 3.0 }, 3);
    half_to_doubles(d, h, 3);
    cr_expect(d[0] == 0.5 && d[1] == 0.25 && d[2] == 3.0);
    float f[2];
    half_from_floats(h, (const float[]){ 1.5f, -4.0f }, 2);
    half_to_floats(f, h, 2);
    cr_expect(f[0] == 1.5f && f[1] == -4.0f);
}
