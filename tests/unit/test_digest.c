/* Unit tests for common/digest (SHA-256 and HMAC-SHA256 over OpenSSL EVP): the adapter
 * must pass OpenSSL the right lengths and keys -- the FIPS 180-4 examples (empty, one and two
 * blocks, a million 'a's fed in odd pieces through the streaming context) and the RFC 4231
 * HMAC-SHA256 cases (short, long and over-long keys, an empty message). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/digest.h"

static void test_fips_examples(void **state)
{
	(void)state;
	char hex[65];
	kdx_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	kdx_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	kdx_sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_in_pieces(void **state)
{
	(void)state;
	char chunk[1000];
	memset(chunk, 'a', sizeof(chunk));
	kdx_sha256_ctx *c = kdx_sha256_new();
	size_t fed = 0, step = 1;
	while (fed < 1000000) {
		size_t n = step % 997 + 1;
		if (n > 1000000 - fed)
			n = 1000000 - fed;
		kdx_sha256_update(c, chunk, n);
		fed += n;
		step = step * 7 + 3;
	}
	unsigned char md[KDX_SHA256_LEN];
	char hex[65];
	kdx_sha256_final(c, md);
	kdx_hex(md, sizeof(md), hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void hmac_hex(const void *key, size_t klen, const char *msg, char out[65])
{
	unsigned char md[KDX_SHA256_LEN];
	kdx_hmac_sha256(key, klen, msg, strlen(msg), md);
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
	/* an empty message (HMAC() refuses a NULL one): Python's hmac gives this */
	hmac_hex("key", 3, "", hex);
	assert_string_equal(hex, "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_examples),
		cmocka_unit_test(test_million_a_in_pieces),
		cmocka_unit_test(test_rfc4231),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
