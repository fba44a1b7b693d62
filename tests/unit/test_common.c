/* Unit tests for common/: arena, strbuf, values, durations and kdx_wipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "common/value.h"
#include "common/xalloc.h"

static void test_duration_parse(void **state)
{
	(void)state;
	assert_int_equal(kdx_duration_parse("5m"), 300000);
	assert_int_equal(kdx_duration_parse("1h30m"), 5400000);
	assert_int_equal(kdx_duration_parse("250ms"), 250);
	assert_int_equal(kdx_duration_parse("2s"), 2000);
	assert_int_equal(kdx_duration_parse("5"), -1);
	assert_int_equal(kdx_duration_parse("m"), -1);
	assert_int_equal(kdx_duration_parse(""), -1);
	assert_int_equal(kdx_duration_parse("3x"), -1);
}

static void test_duration_format(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	kdx_duration_format(&sb, 5400000);
	assert_string_equal(sb.buf, "1h30m");
	strbuf_reset(&sb);
	kdx_duration_format(&sb, 1500);
	assert_string_equal(sb.buf, "1s500ms");
	strbuf_reset(&sb);
	kdx_duration_format(&sb, 0);
	assert_string_equal(sb.buf, "0s");
	strbuf_release(&sb);
}

static void test_json_round_trip(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	const char *src = "{\"a\":[1,2.5,\"x\\n\"],\"b\":null,\"c\":true}";
	kdx_value *v = kdx_value_from_json(&a, src, strlen(src), &err);
	assert_non_null(v);
	assert_int_equal(v->kind, KDX_V_MAP);
	kdx_value_to_json(&out, v);
	assert_string_equal(out.buf, src);
	assert_null(kdx_value_from_json(&a, "{\"a\":", 5, &err));
	assert_non_null(strstr(err.buf, "invalid JSON"));
	strbuf_release(&err);
	strbuf_release(&out);
	kdx_arena_release(&a);
}

static void test_value_equal_and_format(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *m = kdx_value_map(&a, 2);
	m->u.map.keys[0] = "us-east-1";
	m->u.map.vals[0] = kdx_value_percent(&a, 70);
	m->u.map.keys[1] = "us-west-2";
	m->u.map.vals[1] = kdx_value_duration(&a, 300000);
	strbuf sb = STRBUF_INIT;
	kdx_value_format(&sb, m);
	assert_string_equal(sb.buf, "{ \"us-east-1\" = 70%, \"us-west-2\" = 5m }");
	assert_true(kdx_value_equal(m, m));
	assert_false(kdx_value_equal(m->u.map.vals[0], kdx_value_number(&a, 70)));
	strbuf_release(&sb);
	kdx_arena_release(&a);
}

static void test_arena_big_and_small(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	char *small = kdx_arena_strdup(&a, "abc");
	char *big = kdx_arena_alloc(&a, 1 << 20);
	char *small2 = kdx_arena_strdup(&a, "def");
	big[(1 << 20) - 1] = 'x';
	assert_string_equal(small, "abc");
	assert_string_equal(small2, "def");
	assert_int_equal(((uintptr_t)kdx_arena_alloc(&a, 3)) % 16, 0);
	kdx_arena_release(&a);
}

/* Malloc'd blocks are zeroed as they are handed out, not when made: memory a previous
 * arena dirtied and freed (malloc gives it back) must still come back zeroed, in the first
 * block, in later ones, and in a large request's own block. */
static void test_arena_zeroed(void **state)
{
	(void)state;
	static const size_t sizes[] = { 24, 1000, 3, 20000, 100000, 8, 64 };
	for (int round = 0; round < 2; round++) {
		kdx_arena a;
		kdx_arena_init(&a);
		for (int k = 0; k < 40; k++)
			for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
				unsigned char *p = kdx_arena_alloc(&a, sizes[i]);
				for (size_t j = 0; j < sizes[i]; j++)
					assert_int_equal(p[j], 0);
				memset(p, 0xAA, sizes[i]); /* dirty it for the next round */
			}
		kdx_arena_release(&a);
	}
}

static void test_wipe(void **state)
{
	(void)state;
	char secret[16];
	memcpy(secret, "wJalrXUtnFEMI/K7", 16);
	kdx_wipe(secret, sizeof(secret));
	for (size_t i = 0; i < sizeof(secret); i++)
		assert_int_equal(secret[i], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_value_equal_and_format),
		cmocka_unit_test(test_arena_big_and_small),
		cmocka_unit_test(test_arena_zeroed),
		cmocka_unit_test(test_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
