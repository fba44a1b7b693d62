/* Unit tests for compiler/model: init, every effect kind, violations, copy/equal/hash, rendering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compiler/model.h"
#include "plan_builder.h"

typedef struct fx {
	pb b;
	int32_t east, west, eu, api, db, alarm;
	uint32_t s;
} fx;

static void setup_fx(fx *f)
{
	pb_init(&f->b, "model");
	f->east = pb_region(&f->b, "us-east-1", "primary", 70, 100);
	f->west = pb_region(&f->b, "us-west-2", "secondary", 20, 60);
	f->eu = pb_region(&f->b, "eu-west-1", "secondary", 10, 40);
	f->api = pb_resource(&f->b, "api", KDX_RES_TRAFFIC, -1);
	f->db = pb_resource(&f->b, "db", KDX_RES_DATABASE, f->east);
	f->alarm = pb_resource(&f->b, "errors", KDX_RES_ALARM, -1);
	f->s = pb_step(&f->b, "s");
}

static void test_init_and_render(void **state)
{
	(void)state;
	fx f;
	setup_fx(&f);
	kdx_model m;
	kdx_model_init_from_plan(&m, &f.b.plan);
	strbuf sb = STRBUF_INIT;
	kdx_model_render(&sb, &m);
	assert_string_equal(sb.buf, "api 70/20/10; db writer us-east-1; capacity 100/60/40");
	strbuf_release(&sb);
	kdx_model_release(&m);
	pb_release(&f.b);
}

static void test_failover_sequence(void **state)
{
	(void)state;
	fx f;
	setup_fx(&f);
	kdx_model m, before;
	kdx_model_init_from_plan(&m, &f.b.plan);
	kdx_model_copy(&before, &m);
	assert_true(kdx_model_equal(&m, &before));
	assert_true(kdx_model_hash(&m) == kdx_model_hash(&before));
	strbuf why = STRBUF_INIT;
	/* weights above capacity: a violation */
	kdx_effect *w = pb_weights(&f.b, f.s, f.api, 0.0, 90.0, 10.0);
	assert_int_equal(kdx_model_apply(&m, w, &why), -1);
	assert_string_equal(why.buf, "'us-west-2' gets 90% of 'api' but has capacity 60%");
	kdx_model_release(&m);
	kdx_model_copy(&m, &before);
	strbuf_reset(&why);
	/* the right order: capacity, weights, fence, gate, promote */
	assert_int_equal(kdx_model_apply(&m, pb_capacity(&f.b, f.s, f.west, 100), &why), 0);
	assert_int_equal(kdx_model_apply(&m, w, &why), 0);
	assert_int_equal(kdx_model_apply(&m, pb_eff(&f.b, f.s, KDX_EFF_FENCE, f.db, f.east), &why), 0);
	assert_int_equal(kdx_model_apply(&m, pb_lag_gate(&f.b, f.s, f.db, f.west, 5000), &why), 0);
	assert_int_equal(kdx_model_apply(&m, pb_promote(&f.b, f.s, f.db, f.west, false), &why), 0);
	assert_string_equal(why.buf, "");
	assert_false(kdx_model_equal(&m, &before));
	strbuf sb = STRBUF_INIT;
	kdx_model_render_diff(&sb, &before, &m);
	assert_string_equal(sb.buf, "api weights 70/20/10 -> 0/90/10; us-west-2 capacity 60% -> 100%; "
				    "db writer us-east-1 -> us-west-2; db fenced in us-east-1");
	strbuf_release(&sb);
	kdx_model_release(&before);
	kdx_model_release(&m);
	strbuf_release(&why);
	pb_release(&f.b);
}

static void test_violations(void **state)
{
	(void)state;
	fx f;
	setup_fx(&f);
	kdx_model m;
	kdx_model_init_from_plan(&m, &f.b.plan);
	strbuf why = STRBUF_INIT;
	assert_int_equal(kdx_model_apply(&m, pb_weights(&f.b, f.s, f.api, 0.0, 80.0, 10.0), &why), -1);
	assert_string_equal(why.buf, "weights of 'api' sum to 90%, not 100%");
	kdx_model_release(&m);
	kdx_model_init_from_plan(&m, &f.b.plan);
	strbuf_reset(&why);
	/* promotion without a fence while us-east-1 still gets traffic: split brain */
	assert_int_equal(kdx_model_apply(&m, pb_promote(&f.b, f.s, f.db, f.west, false), &why), -1);
	assert_string_equal(why.buf, "'db' promoted in 'us-west-2' while 'us-east-1' still takes writes "
				     "('api' sends it 70%)");
	assert_int_equal(m.writer[f.db], f.west);
	strbuf_reset(&why);
	/* a graceful switchover back is fine */
	assert_int_equal(kdx_model_apply(&m, pb_promote(&f.b, f.s, f.db, f.east, true), &why), 0);
	/* lag gate fails when the lag is above the bound */
	m.lag_ms[(size_t)f.db * m.nregions + f.west] = 20000;
	assert_int_equal(kdx_model_apply(&m, pb_lag_gate(&f.b, f.s, f.db, f.west, 5000), &why), -1);
	assert_string_equal(why.buf, "replication lag of 'db' in 'us-west-2' is 20000ms, above the bound 5000ms");
	strbuf_reset(&why);
	/* lowering capacity under the weight a region gets */
	assert_int_equal(kdx_model_apply(&m, pb_capacity(&f.b, f.s, f.east, 50), &why), -1);
	assert_string_equal(why.buf, "capacity of 'us-east-1' drops to 50% while it gets 70% of 'api'");
	strbuf_reset(&why);
	/* health: taking down the only region with traffic */
	assert_int_equal(kdx_model_apply(&m, pb_capacity(&f.b, f.s, f.east, 100), &why), 0);
	assert_int_equal(kdx_model_apply(&m, pb_weights(&f.b, f.s, f.api, 100.0, 0.0, 0.0), &why), 0);
	kdx_effect *h = pb_eff(&f.b, f.s, KDX_EFF_SET_HEALTH, -1, f.east);
	h->flag = false;
	assert_int_equal(kdx_model_apply(&m, h, &why), -1);
	assert_string_equal(why.buf, "no healthy region serves 'api' once 'us-east-1' is down");
	strbuf_reset(&why);
	assert_int_equal(kdx_model_apply(&m, pb_eff(&f.b, f.s, KDX_EFF_HEALTH_GATE, -1, f.east), &why), -1);
	assert_string_equal(why.buf, "'us-east-1' is not healthy");
	strbuf_reset(&why);
	kdx_effect *al = pb_eff(&f.b, f.s, KDX_EFF_SET_ALARM, f.alarm, -1);
	al->flag = true;
	assert_int_equal(kdx_model_apply(&m, al, &why), 0);
	assert_true(m.alarm[f.alarm]);
	assert_int_equal(kdx_model_apply(&m, pb_eff(&f.b, f.s, KDX_EFF_WRITE, f.alarm, -1), &why), 0);
	assert_int_equal(kdx_model_apply(&m, pb_eff(&f.b, f.s, KDX_EFF_READ, -1, -1), &why), 0);
	assert_int_equal(kdx_model_apply(&m, pb_eff(&f.b, f.s, KDX_EFF_FENCE, -1, f.east), &why), -1);
	assert_string_equal(why.buf, "effect names no resource");
	kdx_model_release(&m);
	strbuf_release(&why);
	pb_release(&f.b);
}

static void test_hash_differs(void **state)
{
	(void)state;
	fx f;
	setup_fx(&f);
	kdx_model a, b;
	kdx_model_init_from_plan(&a, &f.b.plan);
	kdx_model_copy(&b, &a);
	b.fenced[(size_t)f.db * b.nregions + f.east] = true;
	assert_false(kdx_model_equal(&a, &b));
	assert_true(kdx_model_hash(&a) != kdx_model_hash(&b));
	b.fenced[(size_t)f.db * b.nregions + f.east] = false;
	assert_true(kdx_model_equal(&a, &b));
	kdx_model_release(&a);
	kdx_model_release(&b);
	pb_release(&f.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_render),
		cmocka_unit_test(test_failover_sequence),
		cmocka_unit_test(test_violations),
		cmocka_unit_test(test_hash_differs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
