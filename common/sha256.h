/* sha256: SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), self-contained.
 * Why not OpenSSL's: its first EVP digest in a process initialises the library (config file,
 * providers, algorithm tables), ~1.5 ms of CPU per kdx run, more than a whole signature. kdx
 * hashes for SigV4, the plan's source hashes and S3 checksums; OpenSSL is kept for TLS only.
 * The caller owns every buffer; nothing here allocates. */
#ifndef KDX_SHA256_H
#define KDX_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define KDX_SHA256_LEN 32

typedef struct kdx_sha256_ctx {
	uint32_t h[8];
	uint64_t total;          /* bytes fed so far */
	unsigned char buf[64];   /* a partial block */
	size_t nbuf;
} kdx_sha256_ctx;

void kdx_sha256_init(kdx_sha256_ctx *c);
void kdx_sha256_update(kdx_sha256_ctx *c, const void *data, size_t len);
/* Writes the digest and wipes the context. */
void kdx_sha256_final(kdx_sha256_ctx *c, unsigned char out[KDX_SHA256_LEN]);
void kdx_sha256(const void *data, size_t len, unsigned char out[KDX_SHA256_LEN]);
/* HMAC-SHA256 of the two message parts (b may be NULL with blen 0) under key. */
void kdx_hmac_sha256(const void *key, size_t keylen, const void *a, size_t alen,
		     const void *b, size_t blen, unsigned char out[KDX_SHA256_LEN]);
/* Force the portable C rounds (on != 0) or let the CPU decide (the x86 SHA extensions when
 * present). For tests and benchmarks; not thread-safe against concurrent hashing. */
void kdx_sha256_portable(int on);
/* 1 when the hashing runs on the x86 SHA extensions. */
int kdx_sha256_accelerated(void);
/* Lower-case hex of n bytes; out holds 2n + 1. */
void kdx_hex(const unsigned char *d, size_t n, char *out);

#endif
