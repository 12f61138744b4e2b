/* test_random.c - common/numpy/random.c reproduces NumPy's legacy generator bit for bit.
 *
 * Every expected value below was printed by NumPy 1.24.2 (np.random.seed / RandomState)
 * with tests/fixtures/random/make_expected.py and pasted here; doubles are written with
 * the shortest digits that read back to the same bits, and compared bit for bit.
 */
#include "numpy/random.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* got[i] must have exactly want[i]'s bits. */
static void expect_same_doubles(const double *got, const double *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cr_expect(bits_of(got[i]) == bits_of(want[i]), "%s[%zu]: got %.17g, NumPy gives %.17g",
                  what, i, got[i], want[i]);
}

static void expect_same_indices(const size_t *got, const uint64_t *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cr_expect((uint64_t)got[i] == want[i], "%s[%zu]: got %zu, NumPy gives %llu",
                  what, i, got[i], (unsigned long long)want[i]);
}

/* ---- values printed by make_expected.py (numpy 1.24.2) ---- */
static const uint32_t raw_seed_0[8] = {
    2357136044u, 2546248239u, 3071714933u, 3626093760u, 2588848963u, 3684848379u, 2340255427u, 3638918503u,
};
static const uint32_t raw_seed_42[8] = {
    1608637542u, 3421126067u, 4083286876u, 787846414u, 3143890026u, 3348747335u, 2571218620u, 2563451924u,
};
static const uint32_t raw_seed_4294967295[8] = {
    419326371u, 479346978u, 3918654476u, 2416749639u, 3388880820u, 2260532800u, 3350089942u, 3309765114u,
};
static const uint32_t raw_seed_0_after_twist[6] = {
    341544762u, 1076416385u, 384842097u, 2909461632u, 4192857288u, 2422637952u,
};
static const double rand_seed_0[5] = {
    0.5488135039273248, 0.7151893663724195, 0.6027633760716439,
    0.5448831829968969, 0.4236547993389047,
};
static const double rand_seed_42[3] = {
    0.3745401188473625, 0.9507143064099162, 0.7319939418114051,
};
static const double randn_seed_0[7] = {
    1.764052345967664, 0.4001572083672233, 0.9787379841057392,
    2.240893199201458, 1.8675579901499675, -0.977277879876411,
    0.9500884175255894,
};
static const double randn_seed_1[4] = {
    1.6243453636632417, -0.6117564136500754, -0.5281717522634557,
    -1.0729686221561705,
};
static const double randn_rand_randn_seed_0[4] = {
    1.764052345967664, 0.6027633760716439, 0.4001572083672233,
    -2.268328201180374,
};
static const uint64_t randint_2_seed_0[10] = {
    0, 1, 1, 0, 1, 1, 1, 1,
    1, 1,
};
static const uint64_t randint_2_seed_1[10] = {
    1, 1, 0, 0, 1, 1, 1, 1,
    1, 0,
};
static const uint64_t randint_10_seed_0[10] = {
    5, 0, 3, 3, 7, 9, 3, 5,
    2, 4,
};
static const uint64_t randint_10_seed_1[10] = {
    5, 8, 9, 5, 0, 0, 1, 7,
    6, 9,
};
static const uint64_t randint_60000_seed_0[10] = {
    2732, 43567, 42613, 52416, 45891, 21243, 30403, 32103,
    41993, 57043,
};
static const uint64_t randint_60000_seed_1[10] = {
    33003, 12172, 5192, 32511, 50057, 43723, 7813, 52047,
    21440, 32912,
};
static const uint64_t randint_2147483653_seed_0[10] = {
    1819583497, 1650906866, 1879422756, 1277901399, 243580376, 1171049868, 1646868794, 2051556033,
    2061486254, 1686997841,
};
static const uint64_t randint_2147483653_seed_1[10] = {
    1791095845, 491263, 550290313, 1298508491, 630311759, 1013994432, 396591248, 1703301249,
    799981516, 1666063943,
};
static const uint64_t randint_4294967296_seed_0[10] = {
    2357136044, 2546248239, 3071714933, 3626093760, 2588848963, 3684848379, 2340255427, 3638918503,
    1819583497, 2678185683,
};
static const uint64_t randint_4294967296_seed_1[10] = {
    1791095845, 4282876139, 3093770124, 4005303368, 491263, 550290313, 1298508491, 4290846341,
    630311759, 1013994432,
};
static const uint64_t randint_4294967303_seed_0[10] = {
    2546248239, 1277901399, 243580376, 1171049868, 2051556033, 3488238119, 1686997841, 602801999,
    2034131043, 3439885489,
};
static const uint64_t randint_4294967303_seed_1[10] = {
    4005303368, 1703301249, 1666063943, 4018109721, 3634877716, 1345499493, 2252917204, 986026652,
    3925436996, 3343156310,
};
static const uint64_t choice_10000_100_seed_0[100] = {
    2732, 9845, 3264, 4859, 9225, 7891, 4373, 5874,
    6744, 3468, 705, 2599, 2222, 7768, 2897, 9893,
    537, 6216, 6921, 6036, 2163, 5072, 4851, 7877,
    2046, 1871, 7599, 2496, 8291, 755, 797, 659,
    3219, 8615, 7456, 3337, 2745, 4735, 8736, 6687,
    714, 2292, 8343, 1207, 6172, 8994, 7221, 6021,
    3622, 3560, 8948, 1641, 4984, 4353, 8622, 7250,
    4187, 2659, 9781, 2956, 2251, 4420, 7108, 1071,
    5251, 7012, 9396, 3918, 9359, 1684, 7098, 2957,
    4469, 8752, 9797, 5795, 1472, 7263, 7365, 8448,
    6001, 3762, 9008, 2435, 1634, 973, 4464, 8393,
    2418, 3455, 6167, 5819, 6521, 6242, 7742, 9123,
    6738, 2787, 7316, 4305,
};
static const uint64_t choice_10000_100_seed_1[100] = {
    235, 5192, 905, 7813, 2895, 5056, 144, 4225,
    7751, 3462, 9394, 5396, 5374, 2962, 2516, 8444,
    3562, 4764, 8093, 6542, 562, 8151, 3049, 753,
    9719, 1888, 1110, 6285, 6121, 1031, 4415, 2877,
    3606, 9529, 2561, 8920, 6771, 431, 4074, 542,
    9287, 1478, 1337, 7108, 8689, 1612, 3098, 1844,
    9552, 2669, 15, 2244, 7906, 1306, 9832, 1046,
    3047, 1150, 9495, 3428, 155, 4409, 648, 9504,
    7586, 1679, 7255, 7961, 4039, 243, 1372, 1214,
    7470, 5024, 5848, 5271, 4791, 9537, 9987, 2944,
    5373, 461, 1798, 4565, 1478, 4059, 715, 6407,
    6221, 2760, 5195, 7500, 1067, 7710, 9764, 9991,
    3885, 6713, 7676, 96,
};
static const uint64_t mix_choice[3] = {
    2732, 43567, 42613,
};
static const double mix_randn[5] = {
    0.11849646073740812, 0.11396779497090676, 0.37025538490846127,
    0.3843817072926998, 1.040530750923964,
};
static const double two_layer_W1_first[3] = {
    0.017640523459676642, 0.004001572083672233, 0.009787379841057393,
};
static const double two_layer_W2_last[3] = {
    0.0010026227308978727, 0.013769298024466017, 0.01851193678572857,
};
static const uint64_t two_layer_batch_mask_first[10] = {
    39900, 54078, 52289, 14774, 17976, 1681, 7717, 6530,
    29161, 21866,
};

/* ---- the generator's words ---- */

static void expect_raw_words(uint32_t seed, const uint32_t *want, size_t n)
{
    Random r;
    random_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        uint32_t got = random_uint32(&r);
        cr_expect(got == want[i], "seed %u, word %zu: got %u, NumPy gives %u", seed, i, got, want[i]);
    }
}

Test(random, first_words_match_numpy_for_seeds_0_42_and_max)
{
    expect_raw_words(0, raw_seed_0, 8);
    expect_raw_words(42, raw_seed_42, 8);
    expect_raw_words(4294967295u, raw_seed_4294967295, 8);
}

Test(random, words_after_the_second_and_third_twist_match_numpy)
{
    Random r;
    random_seed(&r, 0);
    uint32_t w[1250];
    for (size_t i = 0; i < 1250; i++)
        w[i] = random_uint32(&r);
    const size_t at[6] = {624, 625, 626, 627, 1248, 1249};
    for (size_t k = 0; k < 6; k++)
        cr_expect(w[at[k]] == raw_seed_0_after_twist[k], "word %zu: got %u, NumPy gives %u",
                  at[k], w[at[k]], raw_seed_0_after_twist[k]);
}

/* The C++ standard ([rand.predef]) requires the 10000th output of std::mt19937 seeded
 * with 5489 to be 4123659995: a check that does not depend on NumPy. */
Test(random, seed_5489_gives_the_cpp_standard_10000th_word)
{
    Random r;
    random_seed(&r, 5489);
    uint32_t w = 0;
    for (int i = 0; i < 10000; i++)
        w = random_uint32(&r);
    cr_expect(w == 4123659995u, "10000th word: got %u, want 4123659995", w);
}

Test(random, sum_of_10000_words_after_seed_0_matches_numpy)
{
    Random r;
    random_seed(&r, 0);
    uint64_t sum = 0;
    for (int i = 0; i < 10000; i++)
        sum += random_uint32(&r);
    cr_expect(sum == 21489529019231u, "sum: got %llu, NumPy gives 21489529019231",
              (unsigned long long)sum);
}

/* ---- np.random.rand ---- */

Test(random, rand_matches_numpy_for_seeds_0_and_42)
{
    Random r;
    double got[5];
    random_seed(&r, 0);
    for (size_t i = 0; i < 5; i++)
        got[i] = random_rand(&r);
    expect_same_doubles(got, rand_seed_0, 5, "seed 0: rand(5)");
    random_seed(&r, 42);
    for (size_t i = 0; i < 3; i++)
        got[i] = random_rand(&r);
    expect_same_doubles(got, rand_seed_42, 3, "seed 42: rand(3)");
}

Test(random, sum_of_10000_rand_after_seed_0_matches_numpy)
{
    Random r;
    random_seed(&r, 0);
    double sum = 0.0;
    for (int i = 0; i < 10000; i++)
        sum += random_rand(&r); /* left to right, as make_expected.py adds them */
    expect_same_doubles(&sum, &(double){4964.588916200883}, 1, "sum of rand(10000)");
}

/* ---- np.random.randn ---- */

/* NumPy prints np.random.seed(0); np.random.randn(2, 3) as
 * [[ 1.76405235  0.40015721  0.97873798] [ 2.2408932   1.86755799 -0.97727788]]. */
Test(random, randn_2_3_after_seed_0_matches_numpy_printout)
{
    const double printed[6] = {1.76405235, 0.40015721, 0.97873798,
                               2.2408932, 1.86755799, -0.97727788};
    Random r;
    random_seed(&r, 0);
    double W[6]; /* (2, 3), row-major */
    random_randn_fill(&r, W, 6);
    for (size_t i = 0; i < 6; i++)
        cr_expect(fabs(W[i] - printed[i]) <= 0.5e-8, "W[%zu][%zu]: got %.10f, printed %.8f",
                  i / 3, i % 3, W[i], printed[i]);
    expect_same_doubles(W, randn_seed_0, 6, "seed 0: randn(2, 3)");
}

Test(random, randn_of_odd_length_matches_numpy)
{
    Random r;
    double got[7];
    random_seed(&r, 0);
    random_randn_fill(&r, got, 7);
    expect_same_doubles(got, randn_seed_0, 7, "seed 0: randn(7)");
    random_seed(&r, 1);
    random_randn_fill(&r, got, 4);
    expect_same_doubles(got, randn_seed_1, 4, "seed 1: randn(4)");
}

/* The second normal of a polar pair waits for the next call, whatever comes between. */
Test(random, randn_3_then_randn_2_equals_randn_5)
{
    Random r;
    double got[5];
    random_seed(&r, 0);
    random_randn_fill(&r, got, 3);
    random_randn_fill(&r, got + 3, 2);
    expect_same_doubles(got, randn_seed_0, 5, "seed 0: randn(3) + randn(2)");
}

Test(random, cached_normal_survives_a_rand_in_between)
{
    Random r;
    random_seed(&r, 0);
    double got[4];
    got[0] = random_randn(&r);
    got[1] = random_rand(&r);
    got[2] = random_randn(&r); /* the cached partner of got[0] */
    got[3] = random_randn(&r);
    expect_same_doubles(got, randn_rand_randn_seed_0, 4, "randn, rand, randn, randn");
}

Test(random, seed_forgets_the_cached_normal)
{
    Random r;
    random_seed(&r, 0);
    (void)random_randn(&r); /* leaves 0.40015721 cached */
    random_seed(&r, 0);
    double again = random_randn(&r);
    expect_same_doubles(&again, randn_seed_0, 1, "randn after reseeding");
}

Test(random, sum_of_10000_randn_after_seed_0_matches_numpy)
{
    Random r;
    random_seed(&r, 0);
    double sum = 0.0;
    for (int i = 0; i < 10000; i++)
        sum += random_randn(&r);
    expect_same_doubles(&sum, &(double){-184.33720158265783}, 1, "sum of randn(10000)");
}

/* ---- np.random.randint(0, high) ---- */

static void expect_randint(size_t high, uint32_t seed, const uint64_t *want)
{
    Random r;
    random_seed(&r, seed);
    size_t got[10];
    for (size_t i = 0; i < 10; i++)
        got[i] = random_randint(&r, high);
    char what[64];
    snprintf(what, sizeof what, "seed %u: randint(%zu)", seed, high);
    expect_same_indices(got, want, 10, what);
}

Test(random, randint_matches_numpy_for_small_highs)
{
    expect_randint(2, 0, randint_2_seed_0);
    expect_randint(2, 1, randint_2_seed_1);
    expect_randint(10, 0, randint_10_seed_0);
    expect_randint(10, 1, randint_10_seed_1);
    expect_randint(60000, 0, randint_60000_seed_0);
    expect_randint(60000, 1, randint_60000_seed_1);
}

/* 2**31 + 5 rejects nearly half of the 32-bit draws; 2**32 takes every word as it is. */
Test(random, randint_matches_numpy_near_2_to_the_32)
{
    expect_randint(2147483653u, 0, randint_2147483653_seed_0);
    expect_randint(2147483653u, 1, randint_2147483653_seed_1);
    if (SIZE_MAX < 4294967296u)
        cr_skip_test("size_t is 32 bits: randint(2**32) does not fit");
    expect_randint((size_t)4294967296u, 0, randint_4294967296_seed_0);
    expect_randint((size_t)4294967296u, 1, randint_4294967296_seed_1);
}

/* Above 2**32 NumPy draws 64-bit values (high word first) and masks them. */
Test(random, randint_above_2_to_the_32_matches_numpy)
{
    if (SIZE_MAX < 4294967303u)
        cr_skip_test("size_t is 32 bits: randint(2**32 + 7) does not fit");
    expect_randint((size_t)4294967303u, 0, randint_4294967303_seed_0);
    expect_randint((size_t)4294967303u, 1, randint_4294967303_seed_1);
}

Test(random, randint_1_is_0_and_draws_nothing)
{
    Random r;
    random_seed(&r, 0);
    cr_expect(random_randint(&r, 1) == 0);
    double u = random_rand(&r);
    expect_same_doubles(&u, rand_seed_0, 1, "rand after randint(1)");
}

/* ---- np.random.choice(n, size) ---- */

Test(random, choice_60000_10_is_randint_0_60000_10)
{
    Random r;
    size_t got[10];
    random_seed(&r, 0);
    random_choice(&r, 60000, got, 10);
    expect_same_indices(got, randint_60000_seed_0, 10, "seed 0: choice(60000, 10)");
    random_seed(&r, 1);
    random_choice(&r, 60000, got, 10);
    expect_same_indices(got, randint_60000_seed_1, 10, "seed 1: choice(60000, 10)");
}

Test(random, choice_10000_100_matches_numpy)
{
    Random r;
    size_t got[100];
    random_seed(&r, 0);
    random_choice(&r, 10000, got, 100);
    expect_same_indices(got, choice_10000_100_seed_0, 100, "seed 0: choice(10000, 100)");
    random_seed(&r, 1);
    random_choice(&r, 10000, got, 100);
    expect_same_indices(got, choice_10000_100_seed_1, 100, "seed 1: choice(10000, 100)");
}

/* ---- calls mixed as a program mixes them ---- */

Test(random, choice_then_randn_rand_randint_randn_matches_numpy)
{
    Random r;
    random_seed(&r, 0);
    size_t ch[3];
    double g[5];
    random_choice(&r, 60000, ch, 3);
    random_randn_fill(&r, g, 3);
    g[3] = random_rand(&r);
    size_t k = random_randint(&r, 10);
    g[4] = random_randn(&r);
    expect_same_indices(ch, mix_choice, 3, "choice(60000, 3)");
    expect_same_doubles(g, mix_randn, 5, "randn(3), rand(), randn(1)");
    cr_expect(k == 7, "randint(10): got %zu, NumPy gives 7", k);
}

/* TwoLayerNet(784, 50, 10) after np.random.seed(0): W1 = 0.01 * randn(784, 50),
 * W2 = 0.01 * randn(50, 10), then the first batch_mask = np.random.choice(60000, 100). */
Test(random, two_layer_net_init_and_first_batch_mask_match_numpy)
{
    Random r;
    random_seed(&r, 0);
    static double W1[784 * 50], W2[50 * 10];
    random_randn_fill(&r, W1, 784 * 50);
    random_randn_fill(&r, W2, 50 * 10);
    for (size_t i = 0; i < 784 * 50; i++)
        W1[i] *= 0.01;
    for (size_t i = 0; i < 50 * 10; i++)
        W2[i] *= 0.01;
    size_t batch_mask[100];
    random_choice(&r, 60000, batch_mask, 100);
    expect_same_doubles(W1, two_layer_W1_first, 3, "W1[0][0..3)");
    expect_same_doubles(W2 + 497, two_layer_W2_last, 3, "W2[49][7..10)");
    expect_same_indices(batch_mask, two_layer_batch_mask_first, 10, "batch_mask[0..10)");
}
