/* npprint.c - see npprint.h.
 *
 * Three layers, bottom up, each following one part of NumPy 1.24:
 *   1. decimal digits of a double (numpy/core/src/multiarray/dragon4.c): exact
 *      big-integer arithmetic, so the digits are the shortest that identify the
 *      value, optionally cut off (and rounded) at a given decimal place;
 *   2. one element in positional or scientific notation, padded
 *      (dragon4_positional / dragon4_scientific);
 *   3. an array: one format for all elements (FloatingFormat, IntegerFormat in
 *      numpy/core/arrayprint.py), then rows wrapped at the line width and long
 *      arrays summarized with "..." (_formatArray).
 */
#include "numpy/npprint.h"
#include "sys/checked.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* NumPy's default print options. */
enum {
    PRECISION = 8,    /* digits after the decimal point (after the first digit in e-notation) */
    THRESHOLD = 1000, /* arrays with more elements than this are summarized... */
    EDGEITEMS = 3,    /* ...keeping this many items at each edge of each axis */
    LINEWIDTH = 75,   /* characters per line, brackets included */
};

/* ---- 1. exact big unsigned integers -------------------------------------- */

/* The largest number built below is about 2^1135 (a subnormal's value times
 * 10^324), which needs 36 words of 32 bits. */
#define BIG_WORDS 40

typedef struct {
    size_t len;             /* words in use; w[len - 1] != 0, len == 0 for zero */
    uint32_t w[BIG_WORDS];  /* least significant word first */
} Big;

static void big_set(Big *a, uint64_t v)
{
    a->len = 0;
    for (; v != 0; v >>= 32)
        a->w[a->len++] = (uint32_t)v;
}

static void big_trim(Big *a)
{
    while (a->len > 0 && a->w[a->len - 1] == 0)
        a->len--;
}

static int big_cmp(const Big *a, const Big *b)
{
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    for (size_t i = a->len; i-- > 0;)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a *= m */
static void big_mul_small(Big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < a->len; i++) {
        uint64_t p = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)p;
        carry = p >> 32;
    }
    if (carry != 0) {
        assert(a->len < BIG_WORDS && "npprint: big integer overflow");
        a->w[a->len++] = (uint32_t)carry;
    }
}

/* a *= 10^k, k >= 0 */
static void big_mul_pow10(Big *a, int k)
{
    static const uint32_t pow10[9] = {1, 10, 100, 1000, 10000, 100000,
                                      1000000, 10000000, 100000000};
    for (; k >= 9; k -= 9)
        big_mul_small(a, 1000000000u);
    big_mul_small(a, pow10[k]);
}

/* a *= 2^bits */
static void big_shl(Big *a, unsigned bits)
{
    size_t words = bits / 32;
    unsigned rest = bits % 32;
    Big r;
    if (a->len == 0)
        return;
    assert(a->len + words + 1 <= BIG_WORDS && "npprint: big integer overflow");
    memset(r.w, 0, sizeof r.w);
    for (size_t i = 0; i < a->len; i++) {
        uint64_t v = (uint64_t)a->w[i] << rest;
        r.w[i + words] |= (uint32_t)v;
        r.w[i + words + 1] |= (uint32_t)(v >> 32);
    }
    r.len = a->len + words + 1;
    big_trim(&r);
    *a = r;
}

/* sum = a + b */
static void big_add(Big *sum, const Big *a, const Big *b)
{
    const Big *lo = a->len < b->len ? a : b, *hi = a->len < b->len ? b : a;
    uint64_t carry = 0;
    for (size_t i = 0; i < hi->len; i++) {
        uint64_t s = (uint64_t)hi->w[i] + (i < lo->len ? lo->w[i] : 0) + carry;
        sum->w[i] = (uint32_t)s;
        carry = s >> 32;
    }
    sum->len = hi->len;
    if (carry != 0) {
        assert(sum->len < BIG_WORDS && "npprint: big integer overflow");
        sum->w[sum->len++] = (uint32_t)carry;
    }
}

/* a -= b, where a >= b */
static void big_sub(Big *a, const Big *b)
{
    uint64_t borrow = 0;
    for (size_t i = 0; i < a->len; i++) {
        uint64_t d = (uint64_t)a->w[i] - (i < b->len ? b->w[i] : 0) - borrow;
        a->w[i] = (uint32_t)d;
        borrow = (d >> 32) & 1;
    }
    assert(borrow == 0 && "npprint: big_sub would go negative");
    big_trim(a);
}

/* ---- 1. decimal digits of a double (Dragon4, as NumPy runs it) ------------ */

/* At most 17 digits identify a double; cut-offs here ask for at most 9 integer
 * digits and 8 decimals (or 9 significant digits), so this leaves room. */
#define DIGITS_MAX 40

typedef enum {
    CUT_FRACTION,  /* a cut-off counts digits after the decimal point */
    CUT_TOTAL,     /* a cut-off counts significant digits */
} CutoffMode;

/* Decimal digits of v (finite, >= 0) into digits (not NUL-terminated); returns
 * how many, with the first digit's power of ten in *exp10.
 * The digits stop as soon as they identify v among its neighbouring doubles
 * (the nearest such digits, round-half-even), but not before cutoff_min digits
 * (so more of v's exact digits may follow) and not after cutoff_max digits
 * (the last one rounded to nearest, half to even); -1 means no limit.
 * Zero gives "0" with exponent 0. */
static int dragon4_digits(double v, CutoffMode mode, int cutoff_max, int cutoff_min,
                          char digits[DIGITS_MAX], int *exp10)
{
    assert(isfinite(v) && v >= 0);
    if (v == 0) {
        digits[0] = '0';
        *exp10 = 0;
        return 1;
    }

    /* v = f * 2^e exactly. The gap to the next double up is 2^e, and to the
     * next one down also, except at a power of two (above the smallest normal
     * exponent), where it is 2^(e-1): "unequal margins". */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
    int biased = (int)(bits >> 52) & 0x7ff;
    uint64_t f = biased != 0 ? frac | (UINT64_C(1) << 52) : frac;
    int e = biased != 0 ? biased - 1075 : -1074;
    bool unequal = biased > 1 && frac == 0;
    bool even = (f & 1) == 0;   /* an even f owns the midpoints to its neighbours */

    /* v = r / s; m_low and m_high are half the gaps below and above, also over
     * s. Everything is scaled by 4 so that a quarter gap stays an integer. */
    Big r, s, m_low, m_high;
    big_set(&r, f);
    if (e >= 0) {
        big_shl(&r, (unsigned)e + 2);
        big_set(&s, 4);
        big_set(&m_high, 1);
        big_shl(&m_high, (unsigned)e + 1);
    } else {
        big_shl(&r, 2);
        big_set(&s, 1);
        big_shl(&s, (unsigned)(2 - e));
        big_set(&m_high, 2);
    }
    m_low = m_high;
    if (unequal) {   /* m_low = m_high / 2; m_high >= 2 here */
        big_set(&m_low, 1);
        big_shl(&m_low, e >= 0 ? (unsigned)e : 0);
    }

    /* k: the power of ten just above v (10^(k-1) <= v < 10^k). With
     * B = floor(log2 v), B log10(2) <= log10 v < (B + 1) log10(2), so
     * ceil(B log10(2) - 0.69) is k or k - 1 (NumPy's estimate); the loop
     * below corrects it. */
    int B;
    frexp(v, &B);
    B -= 1;
    int k = (int)ceil(B * 0.30102999566398119521 - 0.69);
    /* With a fractional cut-off, a value below the last digit kept starts its
     * digits there (they are zeros, or a 1 after rounding up). */
    bool clamped = false;
    if (mode == CUT_FRACTION && cutoff_max >= 0 && k <= -cutoff_max) {
        k = 1 - cutoff_max;
        clamped = true;
    }
    if (k > 0) {
        big_mul_pow10(&s, k);
    } else if (k < 0) {
        big_mul_pow10(&r, -k);
        big_mul_pow10(&m_low, -k);
        big_mul_pow10(&m_high, -k);
    }
    while (big_cmp(&r, &s) >= 0) {
        big_mul_small(&s, 10);
        k++;
    }

    /* Exponents of the last digit allowed and of the last one required. */
    int last_max = k - (DIGITS_MAX - 1);
    if (cutoff_max >= 0) {
        int want = mode == CUT_TOTAL ? k - cutoff_max : -cutoff_max;
        if (want > last_max)
            last_max = want;
    }
    int last_min = k;
    if (cutoff_min >= 0) {
        int want = mode == CUT_TOTAL ? k - cutoff_min : -cutoff_min;
        if (want < last_min)
            last_min = want;
    }

    /* Digit generation: r/s is the rest of v below the digits so far, in units
     * of the current digit's place. Stop when rounding this digit down (low)
     * or up (high) would still read back as v, or at the cut-off. */
    int n = 0, digit_exp = k;
    unsigned d;
    bool low, high;
    *exp10 = k - 1;
    for (;;) {
        Big r_high;
        digit_exp--;
        big_mul_small(&r, 10);
        big_mul_small(&m_low, 10);
        big_mul_small(&m_high, 10);
        for (d = 0; big_cmp(&r, &s) >= 0; d++)
            big_sub(&r, &s);
        assert(d <= 9 && (d > 0 || n > 0 || clamped) && "npprint: bad digit estimate");
        big_add(&r_high, &r, &m_high);
        int c_low = big_cmp(&r, &m_low), c_high = big_cmp(&r_high, &s);
        low = even ? c_low <= 0 : c_low < 0;
        high = even ? c_high >= 0 : c_high > 0;
        if (((low || high) && digit_exp <= last_min) || digit_exp == last_max)
            break;
        digits[n++] = (char)('0' + d);
    }

    /* Round the last digit: down if only that identifies v, else to nearest. */
    bool round_down = low;
    if (low == high) {
        big_shl(&r, 1);
        int c = big_cmp(&r, &s);
        round_down = c < 0 || (c == 0 && d % 2 == 0);
    }
    if (round_down || d < 9) {
        digits[n++] = (char)('0' + d + (round_down ? 0 : 1));
    } else {   /* ...9 rounds up: carry into the digits before */
        while (n > 0 && digits[n - 1] == '9')
            n--;
        if (n == 0) {
            digits[n++] = '1';
            (*exp10)++;
        } else {
            digits[n - 1]++;
        }
    }
    return n;
}

/* ---- 2. one element ------------------------------------------------------- */

/* An element's text: at most pad_left + 1 + 9 digits + 1 + 8 + padding. */
#define WORD_MAX 64

typedef struct {
    size_t len;
    char s[WORD_MAX];
} Word;

static void word_put(Word *w, char c)
{
    assert(w->len + 1 < WORD_MAX && "npprint: element text too long");
    w->s[w->len++] = c;
    w->s[w->len] = '\0';
}

static void word_insert_spaces(Word *w, size_t count)
{
    assert(w->len + count < WORD_MAX && "npprint: element text too long");
    memmove(w->s + count, w->s, w->len + 1);
    memset(w->s, ' ', count);
    w->len += count;
}

/* "e+05": the exponent with its sign and at least min_digits digits. */
#define EXP_LEN 16
static const char *exponent_text(char buf[EXP_LEN], int exp10, int min_digits)
{
    char rev[EXP_LEN];
    int n = 0;
    int v = abs(exp10);
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 || n < min_digits);
    assert(n + 3 <= EXP_LEN);
    buf[0] = 'e';
    buf[1] = exp10 < 0 ? '-' : '+';
    for (int i = 0; i < n; i++)
        buf[2 + i] = rev[n - 1 - i];
    buf[2 + n] = '\0';
    return buf;
}

typedef enum {
    TRIM_ZEROS,  /* NumPy's trim='.': drop trailing zeros, keep the point ("1.") */
    TRIM_NONE,   /* NumPy's trim='k': keep zeros, padding the digits to min_digits */
} Trim;

/* dragon4_positional(x, precision, min_digits, unique=True, fractional=True,
 * trim, pad_left, pad_right): "-12.5", at least pad_left characters before the
 * point and pad_right after it (spaces). -1 means no limit / no padding. */
static void format_positional(Word *w, double x, int precision, int min_digits,
                              Trim trim, int pad_left, int pad_right)
{
    char dg[DIGITS_MAX];
    int exp10;
    int n = dragon4_digits(fabs(x), CUT_FRACTION, precision, min_digits, dg, &exp10);
    int sign = signbit(x) ? 1 : 0, whole, nfrac;

    w->len = 0;
    if (sign)
        word_put(w, '-');
    if (exp10 >= 0) {                       /* ddd.ddd, zeros up to the point */
        whole = exp10 + 1;
        for (int i = 0; i < whole; i++)
            word_put(w, i < n ? dg[i] : '0');
        word_put(w, '.');
        for (int i = whole; i < n; i++)
            word_put(w, dg[i]);
        nfrac = n > whole ? n - whole : 0;
    } else {                                /* 0.000ddd */
        whole = 1;
        word_put(w, '0');
        word_put(w, '.');
        for (int i = 0; i < -exp10 - 1; i++)
            word_put(w, '0');
        for (int i = 0; i < n; i++)
            word_put(w, dg[i]);
        nfrac = n - exp10 - 1;
    }
    if (trim == TRIM_NONE) {
        for (; nfrac < min_digits; nfrac++)
            word_put(w, '0');
    } else if (precision >= 0) {            /* rounding can leave zeros: "0.10000000" */
        while (nfrac > 0 && w->s[w->len - 1] == '0') {
            w->s[--w->len] = '\0';
            nfrac--;
        }
    }
    for (; nfrac < pad_right; nfrac++)
        word_put(w, ' ');
    if (pad_left > whole + sign)
        word_insert_spaces(w, (size_t)(pad_left - whole - sign));
}

/* dragon4_scientific(x, precision, min_digits, unique=True, trim, pad_left,
 * exp_digits): "-1.25e-05"; precision counts digits after the first one, the
 * exponent has at least exp_digits digits (2 when -1). */
static void format_scientific(Word *w, double x, int precision, int min_digits,
                              Trim trim, int pad_left, int exp_digits)
{
    char dg[DIGITS_MAX];
    int exp10;
    int n = dragon4_digits(fabs(x), CUT_TOTAL, precision < 0 ? -1 : precision + 1,
                           min_digits < 0 ? -1 : min_digits + 1, dg, &exp10);
    int sign = signbit(x) ? 1 : 0, nfrac = n - 1;

    w->len = 0;
    for (int i = 1 + sign; i < pad_left; i++)
        word_put(w, ' ');
    if (sign)
        word_put(w, '-');
    word_put(w, dg[0]);
    word_put(w, '.');
    for (int i = 1; i < n; i++)
        word_put(w, dg[i]);
    if (trim == TRIM_NONE) {
        for (; nfrac < min_digits; nfrac++)
            word_put(w, '0');
    } else {
        while (nfrac > 0 && w->s[w->len - 1] == '0') {
            w->s[--w->len] = '\0';
            nfrac--;
        }
    }
    char ebuf[EXP_LEN];
    for (const char *c = exponent_text(ebuf, exp10, exp_digits < 0 ? 2 : exp_digits); *c; c++)
        word_put(w, *c);
}

/* ---- 3. arrays ------------------------------------------------------------ */

/* An array of shape (n,) (rows == 1, one_d) or (rows, cols), and the one
 * format NumPy chooses for all its elements. */
typedef struct {
    const double *f;      /* float64 elements, row-major; NULL for integers and bools */
    const long *l;        /* integer elements when f is NULL */
    const bool *b;        /* bool elements when f and l are NULL */
    size_t rows, cols;
    bool summarize;       /* more than THRESHOLD elements: show the edges only */

    bool exp_format;      /* floats: scientific notation for all */
    int precision;        /* floats: digits after the point (scientific) */
    int pad_left, pad_right, exp_size;
    int int_width;        /* integers: printf width */
} Array;

/* Items shown along an axis of length len, and the index of the i-th one. */
static size_t shown(const Array *a, size_t len)
{
    return a->summarize && len > 2 * EDGEITEMS ? 2 * EDGEITEMS : len;
}

static size_t shown_index(const Array *a, size_t len, size_t i)
{
    return shown(a, len) < len && i >= EDGEITEMS ? len - 2 * EDGEITEMS + i : i;
}

/* FloatingFormat.fillFormat: decide notation and padding from the elements
 * shown (finite ones only), each first printed with up to 8 decimals or, in
 * scientific notation, 8 digits after the first. */
static void choose_float_format(Array *a)
{
    double max_val = 0, min_val = INFINITY;
    bool any_finite = false, any_nonfinite = false, neg_inf = false;
    size_t nr = shown(a, a->rows), nc = shown(a, a->cols);

    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            double x = a->f[shown_index(a, a->rows, i) * a->cols + shown_index(a, a->cols, j)];
            if (!isfinite(x)) {
                any_nonfinite = true;
                neg_inf |= isinf(x) && x < 0;
                continue;
            }
            any_finite = true;
            if (x != 0) {
                max_val = fmax(max_val, fabs(x));
                min_val = fmin(min_val, fabs(x));
            }
        }
    a->exp_format = max_val > 0 &&
                    (max_val >= 1e8 || min_val < 0.0001 || max_val / min_val > 1000.);

    a->pad_left = a->pad_right = 0;
    a->exp_size = -1;
    a->precision = PRECISION;
    if (any_finite) {
        int left = 0, frac = 0, exp_len = 0;
        for (size_t i = 0; i < nr; i++)
            for (size_t j = 0; j < nc; j++) {
                double x = a->f[shown_index(a, a->rows, i) * a->cols + shown_index(a, a->cols, j)];
                Word w;
                if (!isfinite(x))
                    continue;
                if (a->exp_format)
                    format_scientific(&w, x, PRECISION, -1, TRIM_ZEROS, -1, -1);
                else
                    format_positional(&w, x, PRECISION, -1, TRIM_ZEROS, -1, -1);
                int point = (int)(strchr(w.s, '.') - w.s);
                const char *e = strchr(w.s, 'e');
                int end = e ? (int)(e - w.s) : (int)w.len;
                if (point > left)
                    left = point;
                if (end - point - 1 > frac)
                    frac = end - point - 1;
                if (e && (int)strlen(e + 1) > exp_len)
                    exp_len = (int)strlen(e + 1);
            }
        a->pad_left = left;
        if (a->exp_format) {
            a->exp_size = exp_len - 1;            /* exponent digits, without the sign */
            a->precision = frac;
            a->pad_right = a->exp_size + 2 + frac; /* "e+05" and the digits */
        } else {
            a->pad_right = frac;
        }
    }
    if (any_nonfinite) {  /* room for "nan", "inf", "-inf" */
        int offset = a->pad_right + 1;
        if (3 - offset > a->pad_left)
            a->pad_left = 3 - offset;
        if (3 + neg_inf - offset > a->pad_left)
            a->pad_left = 3 + neg_inf - offset;
    }
}

/* IntegerFormat: right-aligned to the widest of the largest and smallest shown. */
static void choose_int_format(Array *a)
{
    size_t nr = shown(a, a->rows), nc = shown(a, a->cols);
    long lo = 0, hi = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            long x = a->l[shown_index(a, a->rows, i) * a->cols + shown_index(a, a->cols, j)];
            if ((i == 0 && j == 0) || x < lo)
                lo = x;
            if ((i == 0 && j == 0) || x > hi)
                hi = x;
        }
    int wlo = snprintf(NULL, 0, "%ld", lo), whi = snprintf(NULL, 0, "%ld", hi);
    a->int_width = wlo > whi ? wlo : whi;
}

/* Element (i, j) in the chosen format. */
static void format_element(const Array *a, size_t i, size_t j, Word *w)
{
    if (a->b) {   /* BoolFormat: " True" as wide as "False" */
        strcpy(w->s, a->b[i * a->cols + j] ? " True" : "False");
        w->len = 5;
        return;
    }
    if (a->f == NULL) {
        int len = snprintf(w->s, WORD_MAX, "%*ld", a->int_width, a->l[i * a->cols + j]);
        assert(len > 0 && len < WORD_MAX);
        w->len = (size_t)len;
        return;
    }
    double x = a->f[i * a->cols + j];
    if (isfinite(x)) {
        if (a->exp_format)
            format_scientific(w, x, a->precision, a->precision, TRIM_NONE,
                              a->pad_left, a->exp_size);
        else
            format_positional(w, x, PRECISION, 0, TRIM_ZEROS, a->pad_left, a->pad_right);
        return;
    }
    const char *text = isnan(x) ? "nan" : x < 0 ? "-inf" : "inf";
    int width = a->pad_left + a->pad_right + 1;
    int len = snprintf(w->s, WORD_MAX, "%*s", width, text);
    assert(len > 0 && len < WORD_MAX);
    w->len = (size_t)len;
}

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
} StrBuf;

static void sb_putn(StrBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            die("out of memory printing an array (%zu bytes)", cap);
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_puts(StrBuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_spaces(StrBuf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_putn(b, " ", 1);
}

/* _extendLine: add word to line; if that would pass `width` (and the line
 * holds more than its indent), first move the line, without its trailing
 * spaces, to s and start a new one indented by `indent` spaces. */
static void extend_line(StrBuf *s, StrBuf *line, const char *word, size_t len,
                        size_t width, size_t indent)
{
    if (line->len + len > width && line->len > indent) {
        while (line->len > 0 && line->s[line->len - 1] == ' ')
            line->len--;
        sb_putn(s, line->s, line->len);
        sb_puts(s, "\n");
        line->len = 0;
        sb_spaces(line, indent);
    }
    sb_putn(line, word, len);
}

/* Row i as "[a b c]": words separated by one space, continuation lines
 * indented by `indent` spaces (the indent of the row's "["), no line longer
 * than `width` less one column kept for the closing "]". */
static void format_row(StrBuf *out, const Array *a, size_t i, size_t indent, size_t width)
{
    StrBuf s = {0}, line = {0};
    size_t n = shown(a, a->cols);
    sb_spaces(&line, indent);
    for (size_t j = 0; j < n; j++) {
        Word w;
        format_element(a, i, shown_index(a, a->cols, j), &w);
        extend_line(&s, &line, w.s, w.len, width - 1, indent);
        if (j + 1 < n)
            sb_puts(&line, " ");
        if (n < a->cols && j + 1 == EDGEITEMS) {
            extend_line(&s, &line, "...", 3, width - 1, indent);
            sb_puts(&line, " ");
        }
    }
    sb_putn(&s, line.s, line.len);
    sb_puts(out, "[");
    sb_puts(out, s.s + indent);   /* the first line's indent is the "[" */
    sb_puts(out, "]");
    free(s.s);
    free(line.s);
}

/* _formatArray for one or two axes; a malloc'd string. */
static char *format_array(Array *a, bool one_d)
{
    StrBuf out = {0};
    if (a->rows == 0 || a->cols == 0) {
        sb_puts(&out, "[]");
        return out.s;
    }
    a->summarize = a->rows * a->cols > THRESHOLD;   /* the data exists: no overflow */
    if (a->f)
        choose_float_format(a);
    else if (a->l)
        choose_int_format(a);

    if (one_d) {
        format_row(&out, a, 0, 1, LINEWIDTH);
        return out.s;
    }
    /* Rows one per line, each indented one space past the outer "[". */
    size_t nr = shown(a, a->rows);
    sb_puts(&out, "[");
    for (size_t i = 0; i < nr; i++) {
        if (i > 0)
            sb_puts(&out, "\n ");
        format_row(&out, a, shown_index(a, a->rows, i), 2, LINEWIDTH - 1);
        if (nr < a->rows && i + 1 == EDGEITEMS)
            sb_puts(&out, "\n ...");
    }
    sb_puts(&out, "]");
    return out.s;
}

char *np_format_vector(const double *v, size_t n)
{
    Array a = {.f = v, .rows = 1, .cols = n};
    assert((v != NULL || n == 0) && "np_format_vector: NULL data");
    return format_array(&a, true);
}

char *np_format_matrix(const Matrix *m)
{
    Array a = {.f = m->data, .rows = m->rows, .cols = m->cols};
    assert((m->data != NULL || m->rows * m->cols == 0) && "np_format_matrix: NULL data");
    return format_array(&a, false);
}

char *np_format_int_vector(const long *v, size_t n)
{
    Array a = {.l = v, .rows = 1, .cols = n};
    assert((v != NULL || n == 0) && "np_format_int_vector: NULL data");
    return format_array(&a, true);
}

char *np_format_int_matrix(const long *v, size_t rows, size_t cols)
{
    Array a = {.l = v, .rows = rows, .cols = cols};
    assert((v != NULL || rows * cols == 0) && "np_format_int_matrix: NULL data");
    return format_array(&a, false);
}

char *np_format_bool_vector(const bool *v, size_t n)
{
    Array a = {.b = v, .rows = 1, .cols = n};
    assert((v != NULL || n == 0) && "np_format_bool_vector: NULL data");
    return format_array(&a, true);
}

char *np_format_bool_matrix(const bool *v, size_t rows, size_t cols)
{
    Array a = {.b = v, .rows = rows, .cols = cols};
    assert((v != NULL || rows * cols == 0) && "np_format_bool_matrix: NULL data");
    return format_array(&a, false);
}

static void print_line(FILE *out, char *text)
{
    fputs(text, out);
    fputc('\n', out);
    free(text);
}

void np_print_vector(FILE *out, const double *v, size_t n) { print_line(out, np_format_vector(v, n)); }
void np_print_matrix(FILE *out, const Matrix *m) { print_line(out, np_format_matrix(m)); }
void np_print_int_vector(FILE *out, const long *v, size_t n) { print_line(out, np_format_int_vector(v, n)); }
void np_print_int_matrix(FILE *out, const long *v, size_t rows, size_t cols)
{
    print_line(out, np_format_int_matrix(v, rows, cols));
}
void np_print_bool_vector(FILE *out, const bool *v, size_t n) { print_line(out, np_format_bool_vector(v, n)); }
void np_print_bool_matrix(FILE *out, const bool *v, size_t rows, size_t cols)
{
    print_line(out, np_format_bool_matrix(v, rows, cols));
}

/* ---- Python's repr(float) -------------------------------------------------- */

/* Shortest digits; positional when the decimal point falls among the first 16
 * digits or up to 4 zeros after it (1e-4 <= |x| < 1e16), else e-notation
 * with at least two exponent digits. */
const char *py_float_repr(double x, char buf[PY_REPR_LEN])
{
    if (isnan(x))
        return strcpy(buf, "nan");
    if (isinf(x))
        return strcpy(buf, x < 0 ? "-inf" : "inf");

    char dg[DIGITS_MAX];
    int exp10;
    int n = dragon4_digits(fabs(x), CUT_TOTAL, -1, -1, dg, &exp10);
    int decpt = exp10 + 1;   /* digits before the decimal point */
    char *p = buf;

    if (signbit(x))
        *p++ = '-';
    if (decpt <= -4 || decpt > 16) {
        *p++ = dg[0];
        if (n > 1) {
            *p++ = '.';
            memcpy(p, dg + 1, (size_t)n - 1);
            p += n - 1;
        }
        char ebuf[EXP_LEN];
        strcpy(p, exponent_text(ebuf, exp10, 2));
    } else if (decpt <= 0) {   /* 0.000ddd */
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -decpt; i++)
            *p++ = '0';
        memcpy(p, dg, (size_t)n);
        p[n] = '\0';
    } else {                   /* ddd.ddd, or ddd00.0 */
        for (int i = 0; i < decpt || i < n; i++) {
            if (i == decpt)
                *p++ = '.';
            *p++ = i < n ? dg[i] : '0';
        }
        if (n <= decpt) {
            *p++ = '.';
            *p++ = '0';
        }
        *p = '\0';
    }
    return buf;
}

const char *np_float64_repr_book(double x, char buf[PY_REPR_LEN])
{
    snprintf(buf, PY_REPR_LEN, "%.17g", x);
    if (!strpbrk(buf, ".eni"))     /* no point, exponent, nan or inf: a whole number */
        strcat(buf, ".0");
    return buf;
}
