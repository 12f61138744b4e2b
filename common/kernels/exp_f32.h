/* exp_f32.h - exp for float32 arrays, in a form the compiler vectorizes.
 *
 * exp_f32(x) is exp(x) evaluated in double and rounded once to float: x = k ln2 + r with
 * |r| <= ln2 / 2, exp(r) by its Taylor series to r^11 (relative error below 1e-13), times
 * 2^k built from the exponent bits. The float result is the correctly rounded exp(x) except
 * when exp(x) lies within 1e-13 (relative) of a halfway point between two floats, and then
 * 1 ulp away: tests/test_exp_f32.c compares it with the C library's double exp rounded to
 * float. Only +, *, compares and bit moves, with no branches and no library call, so a loop
 * of exp_f32 runs 8 or 16 lanes at once (the C library's expf is one value per call).
 * NumPy's own float32 exp (its SIMD code) is a different approximation with errors up to a
 * few ulp, so neither this nor the C library's expf gives NumPy's last bits.
 * Special values: exp_f32(NaN) is NaN, below -150 gives 0, above 89 gives +inf.
 */
#ifndef DLFS_EXP_F32_H
#define DLFS_EXP_F32_H

#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
static inline __attribute__((always_inline)) float exp_f32(float xf)
#else
static inline float exp_f32(float xf)
#endif
{
    /* |x| clamped to 150 on the bits (integer selects, which vectorize where float compares
     * may not): exp(-150) is 0 and exp(150) +inf in float; NaN and inf keep their bits
     * below, inf being clamped too. */
    uint32_t u;
    memcpy(&u, &xf, sizeof u);
    const uint32_t mag = u & 0x7fffffffu, lim = 0x43160000u;     /* 150.0f */
    u = (mag > lim && mag <= 0x7f800000u) ? (u & 0x80000000u) | lim : u;
    float xc;
    memcpy(&xc, &u, sizeof xc);
    const double x = xc;
    const double shift = 0x1.8p52;          /* t's low bits hold k = round(x / ln2) */
    const double t = x * 0x1.71547652b82fep0 + shift;
    const double k = t - shift;
    const double r = x - k * 0x1.62e42fefa39efp-1;
    double p = 1.0 / 39916800.0;            /* 1/11!, then Horner down to 1 */
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits - 0x4338000000000000ULL + 1023) << 52;    /* 2^k */
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return (float)(p * scale);
}

#endif
