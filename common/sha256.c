/* sha256: FIPS 180-4 SHA-256 and RFC 2104 HMAC over it (sha256.h). */
#include "sha256.h"
#include "xalloc.h"

#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>
#define KDX_SHA_NI 1
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* One 64-byte block in portable C; the message schedule is a ring of 16 words. */
static void block_c(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[16];
	for (int i = 0; i < 16; i++)
		w[i] = load_be32(p + 4 * i);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int i = 0; i < 64; i++) {
		if (i >= 16) {
			uint32_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
			uint32_t s0 = ror(w15, 7) ^ ror(w15, 18) ^ (w15 >> 3);
			uint32_t s1 = ror(w2, 17) ^ ror(w2, 19) ^ (w2 >> 10);
			w[i & 15] += s0 + w[(i - 7) & 15] + s1;
		}
		uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) +
			      K[i] + w[i & 15];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += k;
}

#ifdef KDX_SHA_NI
/* The x86 SHA extensions (SHA-NI): about ten times fewer cycles a block than block_c, which
 * matters for the plan's source hashes (tens of KiB a run). The state is kept as the two
 * halves the instructions want (ABEF and CDGH); each round pair takes W[t] + K[t]. */
__attribute__((target("sha,sse4.1,ssse3"))) static void block_ni(uint32_t h[8],
								  const unsigned char *p)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1); /* CDAB */
	__m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B); /* HGFE */
	__m128i s0 = _mm_alignr_epi8(t, s1, 8);   /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0);        /* CDGH */
	const __m128i abef = s0, cdgh = s1;
	__m128i w[4];
	for (int i = 0; i < 4; i++)
		w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
	for (int g = 0; g < 16; g++) {
		__m128i cur = w[g & 3];
		__m128i m = _mm_add_epi32(cur, _mm_loadu_si128((const __m128i *)&K[4 * g]));
		s1 = _mm_sha256rnds2_epu32(s1, s0, m);
		s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
		if (g < 12) {
			/* W[t+16..t+19] from W[t..t+15]: sigma0 part, W[t+9..], sigma1 part */
			__m128i x = _mm_sha256msg1_epu32(cur, w[(g + 1) & 3]);
			x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
			w[g & 3] = _mm_sha256msg2_epu32(x, w[(g + 3) & 3]);
		}
	}
	s0 = _mm_add_epi32(s0, abef);
	s1 = _mm_add_epi32(s1, cdgh);
	t = _mm_shuffle_epi32(s0, 0x1B);          /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);         /* DCHG */
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, s1, 0xF0)); /* DCBA */
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(s1, t, 8));    /* HGFE */
}
#endif

static int force_portable; /* tests only */

void kdx_sha256_portable(int on)
{
	force_portable = on;
}

#ifdef KDX_SHA_NI
/* cpuid once: leaf 7 EBX bit 29 is SHA, leaf 1 ECX bits 9 and 19 are SSSE3 and SSE4.1. */
static int cpu_has_sha(void)
{
	static atomic_int known = -1;
	int k = atomic_load_explicit(&known, memory_order_relaxed);
	if (k < 0) {
		unsigned a, b, c, d;
		k = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19)) &&
		    __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
		atomic_store_explicit(&known, k, memory_order_relaxed);
	}
	return k;
}
#endif

int kdx_sha256_accelerated(void)
{
#ifdef KDX_SHA_NI
	return !force_portable && cpu_has_sha();
#else
	return 0;
#endif
}

static void block(uint32_t h[8], const unsigned char *p)
{
#ifdef KDX_SHA_NI
	if (kdx_sha256_accelerated()) {
		block_ni(h, p);
		return;
	}
#endif
	block_c(h, p);
}

void kdx_sha256_init(kdx_sha256_ctx *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->nbuf = 0;
}

void kdx_sha256_update(kdx_sha256_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	c->total += len;
	if (c->nbuf) {
		size_t take = 64 - c->nbuf < len ? 64 - c->nbuf : len;
		memcpy(c->buf + c->nbuf, p, take);
		c->nbuf += take;
		p += take;
		len -= take;
		if (c->nbuf < 64)
			return;
		block(c->h, c->buf);
		c->nbuf = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		block(c->h, p);
	memcpy(c->buf, p, len);
	c->nbuf = len;
}

void kdx_sha256_final(kdx_sha256_ctx *c, unsigned char out[KDX_SHA256_LEN])
{
	uint64_t bits = c->total * 8;
	c->buf[c->nbuf++] = 0x80;
	if (c->nbuf > 56) {
		memset(c->buf + c->nbuf, 0, 64 - c->nbuf);
		block(c->h, c->buf);
		c->nbuf = 0;
	}
	memset(c->buf + c->nbuf, 0, 56 - c->nbuf);
	store_be32(c->buf + 56, (uint32_t)(bits >> 32));
	store_be32(c->buf + 60, (uint32_t)bits);
	block(c->h, c->buf);
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, c->h[i]);
	kdx_wipe(c, sizeof(*c));
}

void kdx_sha256(const void *data, size_t len, unsigned char out[KDX_SHA256_LEN])
{
	kdx_sha256_ctx c;
	kdx_sha256_init(&c);
	kdx_sha256_update(&c, data, len);
	kdx_sha256_final(&c, out);
}

void kdx_hmac_sha256(const void *key, size_t keylen, const void *a, size_t alen,
		     const void *b, size_t blen, unsigned char out[KDX_SHA256_LEN])
{
	unsigned char k[64] = { 0 }, pad[64], inner[KDX_SHA256_LEN];
	if (keylen > sizeof(k))
		kdx_sha256(key, keylen, k);
	else if (keylen)
		memcpy(k, key, keylen);
	kdx_sha256_ctx c;
	for (size_t i = 0; i < sizeof(k); i++)
		pad[i] = k[i] ^ 0x36;
	kdx_sha256_init(&c);
	kdx_sha256_update(&c, pad, sizeof(pad));
	kdx_sha256_update(&c, a, alen);
	if (blen)
		kdx_sha256_update(&c, b, blen);
	kdx_sha256_final(&c, inner);
	for (size_t i = 0; i < sizeof(k); i++)
		pad[i] = k[i] ^ 0x5c;
	kdx_sha256_init(&c);
	kdx_sha256_update(&c, pad, sizeof(pad));
	kdx_sha256_update(&c, inner, sizeof(inner));
	kdx_sha256_final(&c, out);
	kdx_wipe(k, sizeof(k));
	kdx_wipe(pad, sizeof(pad));
	kdx_wipe(inner, sizeof(inner));
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
