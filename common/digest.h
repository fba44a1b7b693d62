/* digest: SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (EVP), so SigV4 and the plan's
 * source hashes run on the same, FIPS-capable implementation as TLS. A thin adapter only:
 * kdx owns no hash rounds. The caller owns every buffer. A libcrypto failure (out of memory,
 * a FIPS policy refusing the algorithm) aborts like an allocation failure: no signature or
 * hash can be made without it, and a wrong one must never go out. */
#ifndef KDX_DIGEST_H
#define KDX_DIGEST_H
#include <stddef.h>

#define KDX_SHA256_LEN 32

typedef struct kdx_sha256_ctx kdx_sha256_ctx; /* an EVP_MD_CTX */

kdx_sha256_ctx *kdx_sha256_new(void);
void kdx_sha256_update(kdx_sha256_ctx *c, const void *data, size_t len);
/* Writes the digest and frees the context. */
void kdx_sha256_final(kdx_sha256_ctx *c, unsigned char out[KDX_SHA256_LEN]);
void kdx_sha256(const void *data, size_t len, unsigned char out[KDX_SHA256_LEN]);
/* Lower-case hex SHA-256 of data. */
void kdx_sha256_hex(const void *data, size_t len, char out[2 * KDX_SHA256_LEN + 1]);
/* HMAC-SHA256 of msg under key. */
void kdx_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		     unsigned char out[KDX_SHA256_LEN]);
/* Lower-case hex of n bytes; out holds 2n + 1. */
void kdx_hex(const unsigned char *d, size_t n, char *out);

#endif
