/* Unit tests for common/: arena, intern, strbuf, values, durations and kdx_wipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/arena.h"
#include "common/intern.h"
#include "common/json.h"
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
	assert_non_null(strstr(err.buf, "not JSON at byte"));
	/* A value read from an AWS answer or a Terraform output may nest deeper than json-c's
	 * default of 32 levels (a DynamoDB item's maps take two each): read through
	 * common/json, with its depth. */
	strbuf deep = STRBUF_INIT;
	for (int i = 0; i < 40; i++)
		strbuf_addstr(&deep, "{\"m\":");
	strbuf_addstr(&deep, "1");
	for (int i = 0; i < 40; i++)
		strbuf_addch(&deep, '}');
	strbuf_reset(&err);
	v = kdx_value_from_json(&a, deep.buf, deep.len, &err);
	assert_non_null(v);
	strbuf_reset(&out);
	kdx_value_to_json(&out, v);
	assert_string_equal(out.buf, deep.buf);
	strbuf_release(&deep);
	strbuf_release(&err);
	strbuf_release(&out);
	kdx_arena_release(&a);
}

/* common/json's writer: numbers keep the caller's text (json-c alone writes %.17g), nulls
 * stay inside containers, strings keep their NULs and escape as JSON wants. */
static void test_json_writer(void **state)
{
	(void)state;
	strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	kdx_json *o = kdx_json_object();
	kdx_json_set(o, "n", kdx_json_number_text(0.1, "0.1"));
	kdx_json_set(o, "big", kdx_json_number_text(1e20, "1e+20"));
	kdx_json_set(o, "i", kdx_json_int64(-7));
	kdx_json_set(o, "b", kdx_json_boolean(false));
	kdx_json_set(o, "s", kdx_json_stringn("a\0\"\n\x01/", 6));
	kdx_json_set_null(o, "z");
	kdx_json_set_or_null(o, "z2", NULL);
	kdx_json_set(o, "dropped", NULL);
	kdx_json *a = kdx_json_set_array(o, "a");
	kdx_json_push_null(a);
	kdx_json_push_or_null(a, kdx_json_string("x"));
	kdx_json_push(a, NULL);
	kdx_json_write(&out, o);
	assert_string_equal(out.buf, "{\"n\":0.1,\"big\":1e+20,\"i\":-7,\"b\":false,"
				     "\"s\":\"a\\u0000\\\"\\n\\u0001/\",\"z\":null,\"z2\":null,"
				     "\"a\":[null,\"x\"]}");
	kdx_json_free(o);
	/* the number reads back as the double it was given */
	kdx_json *d = kdx_json_parse(out.buf, out.len, &err);
	assert_non_null(d);
	int64_t i = 0;
	assert_true(kdx_json_int(d, "i", &i));
	assert_int_equal(i, -7);
	kdx_json_free(d);
	/* a saved plan nests deeper than json-c's default 32 levels (its actions' expressions) */
	strbuf_reset(&out);
	for (int k = 0; k < 100; k++)
		strbuf_addstr(&out, "{\"a\":[");
	for (int k = 0; k < 100; k++)
		strbuf_addstr(&out, "]}");
	d = kdx_json_parse(out.buf, out.len, &err);
	if (!d)
		fail_msg("%s", err.buf);
	kdx_json_free(d);
	strbuf_release(&out);
	strbuf_release(&err);
}

/* values as JSON: integers whole, decimals shortest, durations and non-finite numbers as
 * strings, nulls kept in lists and maps */
static void test_value_json_numbers(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *l = kdx_value_list(&a, 7);
	l->u.list.items[0] = kdx_value_number(&a, 3);
	l->u.list.items[1] = kdx_value_number(&a, 0.1);
	l->u.list.items[2] = kdx_value_number(&a, 1e300);
	l->u.list.items[3] = kdx_value_number(&a, 0.0 / 0.0);
	l->u.list.items[4] = kdx_value_number(&a, -1.0 / 0.0);
	l->u.list.items[5] = kdx_value_null(&a);
	l->u.list.items[6] = kdx_value_duration(&a, 300000);
	strbuf out = STRBUF_INIT;
	kdx_value_to_json(&out, l);
	assert_string_equal(out.buf, "[3,0.1,1e+300,\"NaN\",\"-Infinity\",null,\"5m\"]");
	strbuf_reset(&out);
	kdx_value_to_json(&out, kdx_value_null(&a));
	assert_string_equal(out.buf, "null");
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

/* What was allocated in an absorbed arena stays valid as long as the arena that took it,
 * which goes on allocating in its own current block; the absorbed one is left empty. */
static void test_arena_absorb(void **state)
{
	(void)state;
	kdx_arena a, b;
	kdx_arena_init(&a);
	kdx_arena_init(&b);
	char *x = kdx_arena_strdup(&a, "kept in a");
	char *keep[200];
	for (int i = 0; i < 200; i++) /* several blocks, one of them a big one of its own */
		keep[i] = kdx_arena_printf(&b, "%d-%0*d", i, i == 100 ? 300000 : 1, 7);
	size_t ta = a.total, tb = b.total;
	kdx_arena_absorb(&a, &b);
	assert_null(b.head);
	assert_int_equal(b.total, 0);
	assert_int_equal(a.total, ta + tb);
	char *y = kdx_arena_strdup(&a, "after");
	assert_ptr_equal(y, x + 16); /* a's current block is still its current block */
	kdx_arena_absorb(&a, &b);  /* an empty arena: nothing to do */
	assert_int_equal(a.total, ta + tb + 8);
	kdx_arena_release(&b);
	for (int i = 0; i < 200; i++) {
		char want[16];
		snprintf(want, sizeof(want), "%d-", i);
		assert_memory_equal(keep[i], want, strlen(want));
	}
	assert_string_equal(x, "kept in a");
	kdx_arena_release(&a); /* frees b's blocks too (ASan: no leak, no double free) */
}

/* The inline path (arena.h) keeps head's free tail in cur..end and brings the block's
 * `used` up to date only where it is read: allocations stay 8-aligned and back to back,
 * an exact fit is served from the current block, the request that does not fit starts
 * a new one, and extend, poison and absorb see what the inline path handed out. */
static void test_arena_inline_path(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	char *z = kdx_arena_alloc(&a, 0); /* an empty arena and 0 bytes: still a pointer */
	assert_non_null(z);
	unsigned char *prev = kdx_arena_alloc(&a, 1);
	assert_ptr_equal(prev, (unsigned char *)z);
	size_t total = a.total, blocks_crossed = 0, prev_n = 8;
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(i % 37) + 1;
		unsigned char *p = kdx_arena_alloc(&a, n);
		assert_int_equal((uintptr_t)p % KDX_ARENA_ALIGN, 0);
		for (size_t j = 0; j < n; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0x5A, n);
		if (p != prev + prev_n) /* not right behind the previous one: a new block */
			blocks_crossed++;
		prev = p;
		prev_n = (n + 7) & ~(size_t)7;
		total += prev_n;
	}
	assert_int_equal(a.total, total);
	assert_true(blocks_crossed >= 2); /* 20000 * ~24 bytes: past 64 KiB and 128 KiB */
	/* An exact fit: fill the current block to its end; the next byte is a new block. */
	size_t left = (size_t)(a.end - a.cur);
	unsigned char *fit = kdx_arena_alloc(&a, left);
	assert_ptr_equal(fit + left, a.end);
	assert_ptr_equal(a.cur, a.end);
	unsigned char *next = kdx_arena_alloc(&a, 8);
	assert_true(next < fit || next >= fit + left);
	/* extend sees the inline path's position; poison its bytes. */
	unsigned char *q = kdx_arena_alloc(&a, 16);
	assert_true(kdx_arena_extend(&a, q, 16, 8));
	assert_false(kdx_arena_extend(&a, next, 8, 8)); /* not the latest */
	kdx_arena_poison(&a, 0xEE);
	assert_int_equal(q[23], 0xEE);
	assert_int_equal(next[0], 0xEE);
	/* absorb: the absorbed arena's inline position is what its block keeps. */
	kdx_arena b;
	kdx_arena_init(&b);
	char *s = kdx_arena_strdup(&b, "from b");
	kdx_arena c;
	kdx_arena_init(&c);
	kdx_arena_absorb(&c, &b); /* into an empty arena: b's block becomes c's current one */
	assert_null(b.cur);
	char *t = kdx_arena_strdup(&c, "then c");
	assert_ptr_equal(t, s + 8);
	assert_string_equal(s, "from b");
	kdx_arena_poison(&c, 0x11);
	assert_int_equal((unsigned char)t[0], 0x11);
	assert_int_equal((unsigned char)s[7], 0x11);
	kdx_arena_release(&c);
	kdx_arena_release(&a);
}

/* The intern table hashes and compares names a word at a time, reading the last bytes as
 * overlapping words: every pair of strings that differ in one byte, at any position of
 * lengths 0-40 (across the 1-3, 4-8, 9-16 and longer paths), stays apart; equal ones meet;
 * tags survive the table's growth. */
static void test_intern_near_misses(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_intern in;
	kdx_intern_init(&in, &a);
	kdx_intern_set_tag(&in, "step", 7);
	enum { MAXLEN = 40, VARIANTS = 3 };
	static const char *got[MAXLEN + 1][MAXLEN][VARIANTS];
	const char *base[MAXLEN + 1];
	char buf[MAXLEN + 1];
	for (size_t len = 0; len <= MAXLEN; len++) {
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)('a' + (i * 7 + len) % 26);
		base[len] = kdx_intern_n(&in, buf, len);
		assert_int_equal(strlen(base[len]), len);
		assert_memory_equal(base[len], buf, len);
		for (size_t i = 0; i < len; i++) {
			char keep = buf[i];
			for (int v = 0; v < VARIANTS; v++) {
				buf[i] = (char)(v == 0 ? keep ^ 1 : v == 1 ? '_' + (keep == '_') : 'A' + v);
				got[len][i][v] = kdx_intern_n(&in, buf, len);
				assert_ptr_not_equal(got[len][i][v], base[len]);
				assert_memory_equal(got[len][i][v], buf, len);
			}
			buf[i] = keep;
		}
	}
	/* everything again, after the table grew: the same pointers */
	for (size_t len = 0; len <= MAXLEN; len++) {
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)('a' + (i * 7 + len) % 26);
		assert_ptr_equal(kdx_intern_n(&in, buf, len), base[len]);
		if (len)
			assert_ptr_not_equal(base[len], base[len - 1]);
		for (size_t i = 0; i < len; i++) {
			char keep = buf[i];
			for (int v = 0; v < VARIANTS; v++) {
				buf[i] = (char)(v == 0 ? keep ^ 1 : v == 1 ? '_' + (keep == '_') : 'A' + v);
				assert_ptr_equal(kdx_intern_n(&in, buf, len), got[len][i][v]);
			}
			buf[i] = keep;
		}
	}
	for (int i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "name_%d", i);
		kdx_intern_str(&in, buf);
	}
	unsigned tag = 0;
	const char *s = kdx_intern_tag_n(&in, "steps", 4, &tag);
	assert_string_equal(s, "step");
	assert_int_equal(tag, 7);
	kdx_intern_tag_n(&in, "name_19999", 10, &tag);
	assert_int_equal(tag, 0);
	kdx_intern_release(&in);
	kdx_arena_release(&a);
}

/* kdx_arena_extend grows only the latest allocation, only within its block, zeroed, and
 * counts what it hands out; otherwise it does nothing. */
static void test_arena_extend(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	unsigned char *p = kdx_arena_alloc(&a, 20); /* 24 with alignment */
	memset(p, 0x11, 20);
	size_t total = a.total;
	assert_true(kdx_arena_extend(&a, p, 20, 30));
	assert_int_equal(a.total, total + 32);
	for (int i = 24; i < 56; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0x22, 56);
	unsigned char *q = kdx_arena_alloc(&a, 8);
	assert_ptr_equal(q, p + 56); /* the next allocation comes after the grown one */
	total = a.total;
	assert_false(kdx_arena_extend(&a, p, 56, 8)); /* no longer the latest */
	assert_int_equal(a.total, total);
	assert_int_equal(q[0], 0);
	assert_false(kdx_arena_extend(&a, q, 8, 1 << 20)); /* no room in its block */
	assert_int_equal(a.total, total);
	assert_true(kdx_arena_extend(&a, q, 8, 8));
	kdx_arena_release(&a);
	kdx_arena_init(&a);
	assert_false(kdx_arena_extend(&a, q, 8, 8)); /* an empty arena */
}

/* Does the mapping that holds p carry MADV_HUGEPAGE ("hg" in /proc/self/smaps)? */
static bool hinted(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	char line[512];
	bool in = false, hg = false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) { /* a mapping's first line */
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			hg = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return hg;
}

/* Big blocks ask for huge pages on their 2 MiB-aligned part before anything touches them,
 * also when they grow (realloc would copy into 4 KiB pages first); the contents move with
 * them (issue #19: the page faults of a 100,000-step kdx check). */
static void test_big_blocks_hinted(void **state)
{
	(void)state;
	enum { MiB = 1 << 20 };
	/* Where the hint does not show (no THP in the kernel; valgrind, which keeps it from
	 * the kernel), there is nothing to see: a mapping hinted by hand says which. */
	unsigned char *probe = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0);
	assert_true(probe != MAP_FAILED);
	bool shows = madvise(probe, 4 * MiB, MADV_HUGEPAGE) == 0 && hinted(probe + MiB);
	munmap(probe, 4 * MiB);
	if (!shows)
		skip();
	unsigned char *a = xmalloc(8 * MiB);
	uintptr_t mid = ((uintptr_t)a + 4 * MiB) & ~(uintptr_t)(2 * MiB - 1);
	assert_true(hinted((void *)mid));
	free(a);
	unsigned char *b = xmalloc(3 * MiB / 2);
	for (size_t i = 0; i < 3 * MiB / 2; i++)
		b[i] = (unsigned char)(i * 7);
	b = xrealloc(b, 16 * MiB);
	for (size_t i = 0; i < 3 * MiB / 2; i++)
		assert_int_equal(b[i], (unsigned char)(i * 7));
	mid = ((uintptr_t)b + 8 * MiB) & ~(uintptr_t)(2 * MiB - 1);
	assert_true(hinted((void *)mid));
	b = xrealloc(b, MiB); /* shrinking keeps the first bytes */
	assert_int_equal(b[MiB - 1], (unsigned char)((MiB - 1) * 7));
	free(b);
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
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_value_json_numbers),
		cmocka_unit_test(test_value_equal_and_format),
		cmocka_unit_test(test_arena_big_and_small),
		cmocka_unit_test(test_arena_zeroed),
		cmocka_unit_test(test_arena_absorb),
		cmocka_unit_test(test_arena_extend),
		cmocka_unit_test(test_arena_inline_path),
		cmocka_unit_test(test_intern_near_misses),
		cmocka_unit_test(test_wipe),
		cmocka_unit_test(test_big_blocks_hinted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
