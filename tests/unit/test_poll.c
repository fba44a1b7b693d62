/* Unit tests for compiler/poll: the schedule of a `wait until` (issue #19) -- its shape,
 * its jitter (deterministic per seed), the fixed schedule, kdx_poll_after agreeing with
 * kdx_poll_at, and the schedule up to a horizon. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compiler/poll.h"

static void test_shape(void **state)
{
	(void)state;
	kdx_poll p = { .typical_ms = 60000, .every_ms = 10000, .seed = 7 };
	assert_int_equal(kdx_poll_at(&p, 0), 0);        /* at once */
	assert_int_equal(kdx_poll_at(&p, 1), 60000);    /* the typical duration */
	int64_t prev_gap = 0;
	for (unsigned k = 2; k < 40; k++) {
		int64_t g = kdx_poll_at(&p, k) - kdx_poll_at(&p, k - 1);
		assert_true(g >= 900 && g <= 10000);    /* base 1s -10 %, capped by every */
		/* grows (by half, +-10 % jitter each) until the cap */
		if (k >= 3 && prev_gap < 6000)
			assert_true(g > prev_gap);
		prev_gap = g;
	}
	/* the cap is reached and held: late gaps are every exactly, so a long wait makes as
	 * many requests as polling every `every` */
	for (unsigned k = 10; k < 40; k++)
		assert_int_equal(kdx_poll_at(&p, k + 1) - kdx_poll_at(&p, k), 10000);
	/* the growth: 1, 1.5, 2.25, 3.4, 5.1, 7.6 (20.8 s for polls 2..7), then 10 s, each +-10 % */
	int64_t at7 = kdx_poll_at(&p, 7) - 60000;
	assert_true(at7 >= 0.9 * 20781 && at7 <= 1.1 * 20781);
}

static void test_no_typical(void **state)
{
	(void)state;
	kdx_poll p = { .typical_ms = 0, .every_ms = 5000, .seed = 1 };
	assert_int_equal(kdx_poll_at(&p, 0), 0);
	int64_t a1 = kdx_poll_at(&p, 1);
	assert_true(a1 >= 900 && a1 <= 1100);
	kdx_poll tiny = { .typical_ms = 0, .every_ms = 200, .seed = 3 };
	for (unsigned k = 1; k < 10; k++) {
		int64_t g = kdx_poll_at(&tiny, k) - kdx_poll_at(&tiny, k - 1);
		assert_int_equal(g, 200); /* every below the base: every is the gap */
	}
}

static void test_jitter_is_seeded(void **state)
{
	(void)state;
	kdx_poll a = { .typical_ms = 30000, .every_ms = 10000, .seed = 42 };
	kdx_poll b = a, c = a;
	c.seed = 43;
	bool differs = false;
	for (unsigned k = 0; k < 30; k++) {
		assert_int_equal(kdx_poll_at(&a, k), kdx_poll_at(&b, k));
		differs |= kdx_poll_at(&a, k) != kdx_poll_at(&c, k);
	}
	assert_true(differs);
	/* a known value, so that a change of the schedule is a deliberate one */
	kdx_poll z = { .typical_ms = 1000, .every_ms = 10000, .seed = 0 };
	int64_t g2 = kdx_poll_at(&z, 2) - 1000;
	assert_true(g2 >= 900 && g2 <= 1100);
	assert_int_equal(kdx_poll_seed("run-1", "promote"), kdx_poll_seed("run-1", "promote"));
	assert_true(kdx_poll_seed("run-1", "promote") != kdx_poll_seed("run-2", "promote"));
}

static void test_fixed(void **state)
{
	(void)state;
	kdx_poll p = { .typical_ms = 60000, .every_ms = 10000, .seed = 9, .fixed = true };
	for (unsigned k = 0; k < 10; k++)
		assert_int_equal(kdx_poll_at(&p, k), (int64_t)k * 10000);
	unsigned k;
	assert_int_equal(kdx_poll_after(&p, 0, &k), 0);
	assert_int_equal(k, 0);
	assert_int_equal(kdx_poll_after(&p, 10000, &k), 10000);
	assert_int_equal(k, 1);
	assert_int_equal(kdx_poll_after(&p, 10001, &k), 20000);
	assert_int_equal(k, 2);
}

/* kdx_poll_after(t) is the first kdx_poll_at(k) >= t, and k is its index. */
static void test_after_agrees(void **state)
{
	(void)state;
	kdx_poll ps[] = {
		{ .typical_ms = 60000, .every_ms = 10000, .seed = 5 },
		{ .typical_ms = 0, .every_ms = 30000, .seed = 6 },
		{ .typical_ms = 2000, .every_ms = 1000, .seed = 7 },
		{ .typical_ms = 30000, .every_ms = 10000, .last_ms = 100001, .seed = 8 },
		{ .typical_ms = 2000, .every_ms = 10000, .last_ms = 900000, .seed = 9 },
		{ .typical_ms = 0, .every_ms = 15000, .last_ms = 180000, .seed = 10 },
	};
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		for (int64_t t = 0; t < 200000; t += 777) {
			unsigned k;
			int64_t at = kdx_poll_after(&ps[i], t, &k);
			assert_int_equal(at, kdx_poll_at(&ps[i], k));
			assert_true(at >= t);
			if (k > 0)
				assert_true(kdx_poll_at(&ps[i], k - 1) < t);
		}
	}
	/* the fixed schedule has no horizon */
	kdx_poll l = { .typical_ms = 30000, .every_ms = 10000, .last_ms = 240000, .seed = 5,
		       .fixed = true };
	assert_int_equal(kdx_poll_after(&l, 239500, NULL), 240000); /* 24 x every anyway */
	assert_int_equal(kdx_poll_after(&l, 240500, NULL), 250000);
	/* a change that ends at the typical duration is noticed then, with 2 requests */
	unsigned k;
	assert_int_equal(kdx_poll_after(&ps[0], 60000, &k), 60000);
	assert_int_equal(k, 1);
}

/* With a horizon (the duration model's upper bound, or the wait's limit): the gap after a
 * poll at t is sqrt(2 x cost x t x ln(hi / t)) jittered, between the base and `every` --
 * dense after the typical duration and before hi, `every` in between; hi itself is polled;
 * past it, every `every` exactly. */
static void test_horizon(void **state)
{
	(void)state;
	/* aurora.set_acu_range's model: 2s..15m, every 10s */
	kdx_poll p = { .typical_ms = 2000, .every_ms = 10000, .last_ms = 900000, .seed = 11 };
	assert_int_equal(kdx_poll_at(&p, 0), 0);
	assert_int_equal(kdx_poll_at(&p, 1), 2000);
	/* after 2 s: sqrt(2 x 500 x 2000 x ln 450) = 3496 ms, +-10 % */
	int64_t g2 = kdx_poll_at(&p, 2) - 2000;
	assert_true(g2 >= 3146 && g2 <= 3846);
	unsigned k = 1, at_hi = 0;
	int64_t prev = 2000;
	for (k = 2; k < 200; k++) {
		int64_t at = kdx_poll_at(&p, k), g = at - prev;
		assert_true(at > prev);
		assert_true(g <= 10000);                /* never more than every apart */
		if (prev < 900000)
			assert_true(at <= 900000);      /* the horizon is not jumped over */
		if (at == 900000)
			at_hi = k;
		if (prev >= 900000)
			assert_int_equal(g, 10000);     /* past it, every exactly */
		else if (at < 900000)
			assert_true(g >= 1000);         /* never more often than the base */
		prev = at;
	}
	assert_true(at_hi > 0);                         /* hi itself is polled */
	/* the count up to hi: at least that of polling every `every`, and the gaps are at the
	 * cap in the middle, so at most a few more */
	assert_true(at_hi >= 1 + (900000 - 2000) / 10000);
	assert_true(at_hi <= 1 + (900000 - 2000) / 10000 + 12);
	/* dense before hi: route53.set_weights' 2s..60s at every 2s polls 58-60 s at 1-2 s */
	kdx_poll r = { .typical_ms = 2000, .every_ms = 2000, .last_ms = 60000, .seed = 12 };
	unsigned kr;
	assert_int_equal(kdx_poll_after(&r, 59999, &kr), 60000);
	/* the last gaps before hi are below every (the hazard of ending grows there); the
	 * very last one may be short, as hi is polled exactly */
	int64_t before = kdx_poll_at(&r, kr - 1), before2 = kdx_poll_at(&r, kr - 2);
	assert_true(60000 - before < 2000);
	assert_true(before - before2 >= 1000 && before - before2 < 2000);
	assert_int_equal(kdx_poll_at(&r, 3) - kdx_poll_at(&r, 2), 2000); /* at the cap before */
	/* up to hi it makes at most 3 more requests than polling every 2 s (31) */
	assert_true(kr + 1 <= 31 + 3);
	/* no model: the wait's limit as the horizon, from the base (1 s) at the start */
	kdx_poll s = { .every_ms = 15000, .last_ms = 180000, .seed = 13 };
	int64_t s1 = kdx_poll_at(&s, 1);
	assert_true(s1 >= 1000 && s1 <= 1100);
	/* the jitter is the seed's: another seed moves the polls, the same one does not */
	kdx_poll q = p;
	q.seed = 14;
	bool differs = false;
	for (k = 2; k < 10; k++)
		differs |= kdx_poll_at(&p, k) != kdx_poll_at(&q, k);
	assert_true(differs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_no_typical),
		cmocka_unit_test(test_jitter_is_seeded),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_after_agrees),
		cmocka_unit_test(test_horizon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
