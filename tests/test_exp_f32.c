/* test_exp_f32.c - kernels/exp_f32.h against the C library's exp: exp_f32(x) equals
 * (float)exp((double)x), the correctly rounded value, for every float tried but a very rare
 * few that are then 1 ulp away; special values as documented. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/exp_f32.h"

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

Test(exp_f32, is_the_rounded_double_exp_on_a_sweep_of_floats)
{
    size_t tried = 0, off = 0;
    /* every 61st float of either sign, from the smallest to 2^8 in magnitude */
    for (uint32_t u = 0; u < 0x43800000u; u += 61)
        for (int sign = 0; sign < 2; sign++) {
            const float x = from_bits(u | (sign ? 0x80000000u : 0));
            const float want = (float)exp((double)x), got = exp_f32(x);
            tried++;
            if (bits_of(got) != bits_of(want)) {
                off++;
                const uint32_t a = bits_of(got), b = bits_of(want);
                cr_assert(a - b == 1 || b - a == 1, "exp_f32(%a) = %a, exp gives %a", x, got, want);
            }
        }
    cr_expect_lt(off * 100000, tried, "%zu of %zu values 1 ulp off", off, tried);
}

Test(exp_f32, special_values)
{
    cr_expect(isnan(exp_f32(NAN)));
    cr_expect_eq(exp_f32(-INFINITY), 0.0f);
    cr_expect_eq(exp_f32(-200.0f), 0.0f);
    cr_expect(isinf(exp_f32(INFINITY)) && exp_f32(INFINITY) > 0);
    cr_expect(isinf(exp_f32(100.0f)));
    cr_expect_eq(exp_f32(0.0f), 1.0f);
    cr_expect_eq(exp_f32(-0.0f), 1.0f);
    cr_expect_eq(exp_f32(88.0f), (float)exp(88.0));
    cr_expect_eq(exp_f32(-100.0f), (float)exp(-100.0));    /* a subnormal float */
}
