/* random.c - NumPy's legacy RandomState, step by step (see random.h).
 *
 * Each function below names the NumPy routine whose arithmetic it repeats; the order of
 * draws matters as much as the formulas, because one extra or missing word shifts every
 * later number.
 */
#include "numpy/random.h"

#include <assert.h>
#include <math.h>

enum { MT_N = 624, MT_M = 397 };

#define MT_MATRIX_A 0x9908b0dfu /* the twist's constant vector a */
#define MT_UPPER    0x80000000u /* most significant bit of a word */
#define MT_LOWER    0x7fffffffu /* the other 31 bits */

/* mt19937_seed (Matsumoto and Nishimura's init_genrand): key[0] = seed,
 * key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i, modulo 2^32.
 * NumPy's RandomState.seed then clears the cached normal (_reset_state_variables). */
void random_seed(Random *r, uint32_t seed)
{
    r->mt[0] = seed;
    for (uint32_t i = 1; i < MT_N; i++) {
        uint32_t prev = r->mt[i - 1];
        r->mt[i] = 1812433253u * (prev ^ (prev >> 30)) + i;
    }
    r->pos = MT_N;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

/* mt19937_gen: the twist that makes the next 624 words. Word i mixes the top bit of
 * key[i] with the low 31 bits of key[i+1] and xors in key[i+397] (indices wrap). */
static void mt_twist(Random *r)
{
    for (int i = 0; i < MT_N; i++) {
        uint32_t y = (r->mt[i] & MT_UPPER) | (r->mt[(i + 1) % MT_N] & MT_LOWER);
        uint32_t mag = (y & 1u) ? MT_MATRIX_A : 0u;
        r->mt[i] = r->mt[(i + MT_M) % MT_N] ^ (y >> 1) ^ mag;
    }
    r->pos = 0;
}

/* mt19937_next: twist when the key is used up, then temper the next word. */
uint32_t random_uint32(Random *r)
{
    assert(r->pos >= 0 && r->pos <= MT_N && "random: Random used before random_seed");
    if (r->pos == MT_N)
        mt_twist(r);
    uint32_t y = r->mt[r->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* mt19937_next64: the first word drawn is the high half. */
static uint64_t random_uint64(Random *r)
{
    uint64_t high = random_uint32(r);
    uint64_t low = random_uint32(r);
    return high << 32 | low;
}

/* mt19937_next_double / legacy_double: 27 bits from a, 26 from b -> k / 2^53. */
double random_rand(Random *r)
{
    uint32_t a = random_uint32(r) >> 5;
    uint32_t b = random_uint32(r) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

/* legacy_gauss: Marsaglia's polar method. Draw (x1, x2) uniform in the unit disc
 * (rejecting r2 >= 1 and r2 == 0), return f * x2 now and keep f * x1 for the next call. */
double random_randn(Random *r)
{
    if (r->has_gauss) {
        double cached = r->gauss;
        r->has_gauss = 0;
        r->gauss = 0.0;
        return cached;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * random_rand(r) - 1.0;
        x2 = 2.0 * random_rand(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}

/* RandomState.standard_normal(size): legacy_gauss once per element, in order. */
void random_randn_fill(Random *r, double *out, size_t n)
{
    assert((out != NULL || n == 0) && "random_randn_fill: out is NULL");
    for (size_t i = 0; i < n; i++)
        out[i] = random_randn(r);
}

/* gen_mask: the smallest all-ones mask covering max. */
static uint64_t gen_mask(uint64_t max)
{
    uint64_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    return mask;
}

/* One value of random_bounded_uint64_fill with use_masked = true (RandomState always
 * masks, for backward compatibility): a value in [0, rng], rng = high - 1. Ranges that fit
 * in 32 bits draw 32-bit words, wider ones 64-bit words; draws above rng are rejected. */
static uint64_t bounded_masked(Random *r, uint64_t rng, uint64_t mask)
{
    if (rng == 0)
        return 0; /* no draw at all, as NumPy */
    uint64_t v;
    if (rng <= 0xffffffffu) {
        do v = random_uint32(r) & mask; while (v > rng);
    } else {
        do v = random_uint64(r) & mask; while (v > rng);
    }
    return v;
}

/* RandomState.randint(0, high) -> _rand_int64 -> random_bounded_uint64_fill(off 0, rng high-1). */
size_t random_randint(Random *r, size_t high)
{
    assert(high >= 1 && "random_randint: high must be >= 1 (NumPy: low >= high)");
    uint64_t rng = (uint64_t)high - 1;
    return (size_t)bounded_masked(r, rng, gen_mask(rng));
}

/* RandomState.choice(n, size) with replace=True, p=None -> randint(0, n, size). */
void random_choice(Random *r, size_t n, size_t *out, size_t size)
{
    assert(n >= 1 && "random_choice: n must be >= 1 (NumPy: 'a' must be greater than 0)");
    assert((out != NULL || size == 0) && "random_choice: out is NULL");
    uint64_t rng = (uint64_t)n - 1;
    uint64_t mask = gen_mask(rng);
    for (size_t i = 0; i < size; i++)
        out[i] = (size_t)bounded_masked(r, rng, mask);
}
