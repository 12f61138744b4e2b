/* half.h - IEEE 754 binary16 (NumPy's float16), converted to and from float and double.
 *
 * The book's half_float_network.py (8.3.4) rounds DeepConvNet's weights with
 * param.astype(np.float16) and its test images with x_test.astype(np.float16). C has no
 * portable half type, so a half is its 16 bits in a uint16_t: 1 sign bit, 5 exponent bits
 * (bias 15), 10 mantissa bits; largest finite 65504, smallest normal 2^-14, smallest
 * subnormal 2^-24.
 *
 * half_from_double and half_from_float round to nearest, ties to even, exactly as NumPy's
 * astype(np.float16) does from a float64 or a float32 array (npy_double_to_half,
 * npy_float_to_half): each rounds once from its own input (a float64 is not rounded to
 * float32 first). Values from 65520 up become infinity, values up to 2^-25 (a tie, rounded to
 * even) become zero with the input's sign, subnormals are kept, and a NaN stays a NaN with
 * the top 10 bits of its payload (NumPy's choice). half_to_float and half_to_double are
 * exact (every half is a float and a double). tests/test_half.c checks all of it against
 * values NumPy computed.
 */
#ifndef DLFS_HALF_H
#define DLFS_HALF_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t half;               /* the bits of one binary16 value */

half   half_from_double(double x);   /* np.float16(x) for an np.float64 x */
half   half_from_float(float x);     /* np.float16(x) for an np.float32 x */
double half_to_double(half h);       /* np.float64(h), exact */
float  half_to_float(half h);        /* np.float32(h), exact */

/* x.astype(np.float16).astype(np.float64): x rounded to the nearest half, as a double. */
double half_round(double x);

/* Arrays: out[i] = conversion of in[i] for i < n (out and in must not overlap). */
void half_from_doubles(half *out, const double *in, size_t n);
void half_from_floats(half *out, const float *in, size_t n);
void half_to_doubles(double *out, const half *in, size_t n);
void half_to_floats(float *out, const half *in, size_t n);

#endif
