/* Unit tests for common/sha256: the FIPS 180-4 example digests (one and two blocks, a
 * million 'a's fed in odd pieces), every padding boundary against a second computation, and
 * the RFC 4231 HMAC-SHA256 test cases (short, long and over-long keys). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"

static void hex_of(const void *data, size_t len, char out[65])
{
	unsigned char md[KDX_SHA256_LEN];
	kdx_sha256(data, len, md);
	kdx_hex(md, sizeof(md), out);
}

static void test_fips_examples(void **state)
{
	(void)state;
	char hex[65];
	hex_of("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_in_pieces(void **state)
{
	(void)state;
	char chunk[1000];
	memset(chunk, 'a', sizeof(chunk));
	kdx_sha256_ctx c;
	kdx_sha256_init(&c);
	size_t fed = 0, step = 1;
	while (fed < 1000000) {
		size_t n = step % 997 + 1;
		if (n > 1000000 - fed)
			n = 1000000 - fed;
		kdx_sha256_update(&c, chunk, n);
		fed += n;
		step = step * 7 + 3;
	}
	unsigned char md[KDX_SHA256_LEN];
	char hex[65];
	kdx_sha256_final(&c, md);
	kdx_hex(md, sizeof(md), hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every length around the 55/56/64-byte padding edges: one update and byte-by-byte must agree,
 * and changing the last byte must change the digest. */
static void test_padding_boundaries(void **state)
{
	(void)state;
	unsigned char msg[200];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 31 + 7);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		unsigned char a[32], b[32];
		kdx_sha256(msg, len, a);
		kdx_sha256_ctx c;
		kdx_sha256_init(&c);
		for (size_t i = 0; i < len; i++)
			kdx_sha256_update(&c, msg + i, 1);
		kdx_sha256_final(&c, b);
		assert_memory_equal(a, b, 32);
		if (len) {
			msg[len - 1] ^= 1;
			kdx_sha256(msg, len, b);
			msg[len - 1] ^= 1;
			assert_memory_not_equal(a, b, 32);
		}
	}
}

static void hmac_hex(const void *key, size_t klen, const char *msg, char out[65])
{
	unsigned char md[KDX_SHA256_LEN];
	size_t half = strlen(msg) / 2; /* the message in two parts, as sigv4 never does */
	kdx_hmac_sha256(key, klen, msg, half, msg + half, strlen(msg) - half, md);
	kdx_hex(md, sizeof(md), out);
}

static void test_rfc4231(void **state)
{
	(void)state;
	char hex[65];
	unsigned char k[131];
	memset(k, 0x0b, 20);
	hmac_hex(k, 20, "Hi There", hex);
	assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_hex("Jefe", 4, "what do ya want for nothing?", hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 131); /* a key longer than the block: hashed first */
	hmac_hex(k, 131, "Test Using Larger Than Block-Size Key - Hash Key First", hex);
	assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	hmac_hex(k, 131,
		 "This is a test using a larger than block-size key and a larger than block-size "
		 "data. The key needs to be hashed before being used by the HMAC algorithm.",
		 hex);
	assert_string_equal(hex, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* Both implementations on the same random inputs of every length up to 300 bytes. */
static void test_paths_agree(void **state)
{
	(void)state;
	unsigned char msg[300], a[32], b[32];
	srand(42);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)rand();
	for (size_t len = 0; len <= sizeof(msg); len++) {
		kdx_sha256_portable(1);
		assert_false(kdx_sha256_accelerated());
		kdx_sha256(msg, len, a);
		kdx_sha256_portable(0);
		kdx_sha256(msg, len, b);
		assert_memory_equal(a, b, 32);
	}
}

/* The vector tests once on each path (the accelerated one only where the CPU has it). */
static int portable(void **state)
{
	(void)state;
	kdx_sha256_portable(1);
	return 0;
}

static int native(void **state)
{
	(void)state;
	kdx_sha256_portable(0);
	return 0;
}

int main(void)
{
#define BOTH(t) cmocka_unit_test_setup(t, portable), cmocka_unit_test_setup(t, native)
	const struct CMUnitTest tests[] = {
		BOTH(test_fips_examples),
		BOTH(test_million_a_in_pieces),
		BOTH(test_padding_boundaries),
		BOTH(test_rfc4231),
		cmocka_unit_test(test_paths_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
