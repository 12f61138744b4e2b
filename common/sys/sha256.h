/* sha256.h - SHA-256 (FIPS 180-4), to check data against a SHA256SUMS list.
 *
 * Used when MNIST is decompressed into its cache (formats/mnist.h): the content must match
 * data/mnist/SHA256SUMS, as `sha256sum -c` would say. Plain C, one call per buffer.
 */
#ifndef DLFS_SHA256_H
#define DLFS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* hex = the 64 lowercase hex digits of SHA-256(data[0..len)), NUL-terminated. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
