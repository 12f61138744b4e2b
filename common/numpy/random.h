/* random.h - NumPy's legacy random generator (np.random.seed / RandomState), bit for bit.
 *
 * The book seeds nothing, but a reader who runs `np.random.seed(0)` before its code gets
 * numbers we can reproduce exactly: a Mersenne Twister (MT19937) seeded as NumPy seeds it,
 * doubles made from two 32-bit words as (a >> 5) * 2^26 + (b >> 6) over 2^53, normals by
 * the polar method keeping the second value for the next call, and integers by masked
 * rejection, as RandomState does. So after random_seed(&r, 0),
 *     random_randn_fill(&r, W, 6)  gives  np.random.seed(0); np.random.randn(2, 3)
 *     = [[1.76405235 0.40015721 0.97873798] [2.2408932 1.86755799 -0.97727788]].
 * Shapes are row-major: randn(2, 3) is the 6 values randn(6) gives, row after row.
 * A Random holds all the state (there is no global one); call random_seed before use.
 * The Generator API (np.random.default_rng) is a different algorithm and is not here.
 */
#ifndef DLFS_RANDOM_H
#define DLFS_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* NumPy's RandomState: the MT19937 key, the next word's index, and the cached normal. */
typedef struct {
    uint32_t mt[624];
    int pos;        /* 624 means "regenerate before the next word" */
    int has_gauss;  /* 1 when gauss holds the second value of the last polar pair */
    double gauss;
} Random;

/* np.random.seed(seed), seed in [0, 2**32 - 1]; also forgets a cached normal. */
void     random_seed(Random *r, uint32_t seed);
/* The next raw 32-bit word: np.random.randint(0, 2**32, dtype=np.uint32) for one value. */
uint32_t random_uint32(Random *r);
/* np.random.rand() (= random_sample()): a double in [0, 1) with 53 random bits. */
double   random_rand(Random *r);
/* np.random.randn(): one standard normal; calls alternate between drawing a pair and
 * returning the cached second value, exactly as NumPy's do (randn(3) then randn(2) = randn(5)). */
double   random_randn(Random *r);
/* out[0..n) = np.random.randn(n); for np.random.randn(rows, cols) pass n = rows * cols. */
void     random_randn_fill(Random *r, double *out, size_t n);
/* np.random.randint(high) = randint(0, high) with the default int64 dtype: in [0, high), high >= 1. */
size_t   random_randint(Random *r, size_t high);
/* out[0..size) = np.random.choice(n, size): indices in [0, n) with replacement, n >= 1
 * (the same numbers as randint(0, n, size); the book's batch_mask). */
void     random_choice(Random *r, size_t n, size_t *out, size_t size);

#endif
