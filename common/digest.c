/* digest: SHA-256 and HMAC-SHA256 over OpenSSL EVP (see digest.h for why). */
#include "digest.h"
#include "xalloc.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

kdx_sha256_ctx *kdx_sha256_new(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		kdx_alloc_failed(sizeof(void *));
	return (kdx_sha256_ctx *)c;
}

void kdx_sha256_update(kdx_sha256_ctx *c, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate((EVP_MD_CTX *)c, data, len) != 1)
		kdx_alloc_failed(len);
}

void kdx_sha256_final(kdx_sha256_ctx *c, unsigned char out[KDX_SHA256_LEN])
{
	unsigned int n = 0;
	if (EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, &n) != 1 || n != KDX_SHA256_LEN)
		kdx_alloc_failed(KDX_SHA256_LEN);
	EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

void kdx_sha256(const void *data, size_t len, unsigned char out[KDX_SHA256_LEN])
{
	unsigned int n = 0;
	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != KDX_SHA256_LEN)
		kdx_alloc_failed(len);
}

void kdx_sha256_hex(const void *data, size_t len, char out[2 * KDX_SHA256_LEN + 1])
{
	unsigned char md[KDX_SHA256_LEN];
	kdx_sha256(data, len, md);
	kdx_hex(md, sizeof(md), out);
}

void kdx_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		     unsigned char out[KDX_SHA256_LEN])
{
	unsigned int n = 0;
	/* HMAC() does not accept a NULL message even when it is empty */
	static const unsigned char none[1];
	if (!HMAC(EVP_sha256(), key, (int)keylen, msglen ? msg : none, msglen, out, &n) ||
	    n != KDX_SHA256_LEN)
		kdx_alloc_failed(msglen);
}

void kdx_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[2 * n] = '\0';
}
