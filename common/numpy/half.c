/* half.c - binary16 conversions with round-to-nearest-even (see half.h). */
#include "numpy/half.h"

#include <string.h>

static uint64_t double_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static double bits_double(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* sig >> shift rounded to nearest, ties to even (1 <= shift <= 63). */
static uint64_t shift_round_even(uint64_t sig, unsigned shift)
{
    const uint64_t q = sig >> shift, r = sig & ((UINT64_C(1) << shift) - 1);
    const uint64_t halfway = UINT64_C(1) << (shift - 1);
    return q + (r > halfway || (r == halfway && (q & 1)));
}

half half_from_double(double x)
{
    const uint64_t b = double_bits(x);
    const uint16_t sign = (uint16_t)((b >> 48) & 0x8000u);
    const int exp = (int)((b >> 52) & 0x7ff);
    const uint64_t mant = b & ((UINT64_C(1) << 52) - 1);

    if (exp == 0x7ff) {                          /* Inf, or NaN keeping its top payload bits */
        if (mant == 0)
            return (half)(sign | 0x7c00u);
        uint16_t m = (uint16_t)(mant >> 42);
        return (half)(sign | 0x7c00u | (m ? m : 1u));
    }
    const int e = exp - 1023;                    /* x = 1.mant * 2^e (for a normal double) */
    if (e < -25)                                 /* below 2^-25 (double subnormals too): zero */
        return sign;
    if (e > 15)                                  /* 65536 and up: infinity */
        return (half)(sign | 0x7c00u);
    const uint64_t sig = (UINT64_C(1) << 52) | mant;     /* 53 significant bits */
    if (e < -14)                                 /* a half subnormal: round(x / 2^-24) */
        return (half)(sign | shift_round_even(sig, (unsigned)(28 - e)));
    /* normal: keep 11 bits; a carry out of the mantissa moves into the exponent (65520 -> Inf) */
    const uint64_t q = shift_round_even(sig, 42);        /* 1024 .. 2048 */
    return (half)(sign | (((uint64_t)(e + 15) << 10) + q - 1024));
}

half half_from_float(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    if ((b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu)) {    /* NaN, as NumPy keeps it */
        uint16_t m = (uint16_t)((b & 0x007fe000u) >> 13);
        return (half)(((b >> 16) & 0x8000u) | 0x7c00u | (m ? m : 1u));
    }
    /* Every float is a double: rounding the exact same value once gives the same half. */
    return half_from_double((double)x);
}

double half_to_double(half h)
{
    const uint64_t sign = (uint64_t)(h & 0x8000u) << 48;
    const unsigned exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 0x1f)                             /* Inf or NaN (payload kept) */
        return bits_double(sign | UINT64_C(0x7ff0000000000000) | ((uint64_t)mant << 42));
    if (exp == 0) {                              /* zero or subnormal: mant * 2^-24, exact */
        const double v = (double)mant * (1.0 / 16777216.0);
        return sign ? -v : v;
    }
    return bits_double(sign | ((uint64_t)(exp - 15 + 1023) << 52) | ((uint64_t)mant << 42));
}

float half_to_float(half h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const unsigned exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    uint32_t b;
    if (exp == 0x1f)
        b = sign | 0x7f800000u | ((uint32_t)mant << 13);
    else if (exp == 0) {
        const float v = (float)mant * (1.0f / 16777216.0f);
        return sign ? -v : v;
    } else
        b = sign | ((uint32_t)(exp - 15 + 127) << 23) | ((uint32_t)mant << 13);
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

double half_round(double x)
{
    return half_to_double(half_from_double(x));
}

void half_from_doubles(half *out, const double *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = half_from_double(in[i]);
}

void half_from_floats(half *out, const float *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = half_from_float(in[i]);
}

void half_to_doubles(double *out, const half *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = half_to_double(in[i]);
}

void half_to_floats(float *out, const half *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = half_to_float(in[i]);
}
