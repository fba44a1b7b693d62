/* Unit tests for sim/: determinism of a seeded run, drawn durations within the step's
 * duration model, effects applied to the world model, scenario faults (region loss, lag
 * gate, fail / timeout step, denied approval, throttling, alarm), RTO / RPO, explore. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "sim/explore.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/svg.h"

/* tests/golden/simulate/failover.kdx: plans/failover.kdx with timeouts that cover the
 * declared durations, and its scenarios */
#define FAILOVER "tests/golden/simulate/failover.kdx"

typedef struct fx {
	kdx_compilation c;
	const kdx_scenario *sc;
	size_t nsc;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	kdx_compile_opts o = { .path = FAILOVER };
	int rc = kdx_compile(&o, &f->c);
	if (rc) {
		strbuf sb = STRBUF_INIT;
		kdx_diags_render(&sb, &f->c.diags, &f->c.sources, false);
		print_error("%s", sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	f->sc = f->c.plan->scenarios;
	f->nsc = f->c.plan->nscenarios;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kdx_compilation_release(&f->c);
	free(f);
	return 0;
}

static int32_t step_of(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, name))
			return (int32_t)i;
	fail_msg("no step '%s'", name);
	return -1;
}

static int32_t res_of(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nresources; i++)
		if (!strcmp(p->resources[i].name, name))
			return (int32_t)i;
	fail_msg("no resource '%s'", name);
	return -1;
}

static void run(const fx *f, const kdx_scenario *sc, uint64_t seed, kdx_sim_result *r)
{
	kdx_sim_opts o = { .seed = seed, .scenario = sc, .timeline = true };
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_sim_run(f->c.plan, &o, r, &err), 0);
	strbuf_release(&err);
}

static void test_scenarios_loaded(void **state)
{
	fx *f = *state;
	assert_int_equal(f->nsc, 5);
	const kdx_scenario *sc = kdx_scenario_find(f->sc, f->nsc, "primary-region-lost");
	assert_non_null(sc);
	assert_int_equal(sc->nfaults, 2);
	assert_int_equal(sc->faults[0].kind, KDX_FAULT_FAIL_REGION);
	assert_int_equal(sc->faults[0].region, 0);
	assert_int_equal(sc->faults[1].kind, KDX_FAULT_LAG);
	assert_int_equal(sc->faults[1].lag_ms, 20000);
	assert_int_equal(sc->faults[1].resource, res_of(f->c.plan, "db"));
	assert_int_equal(sc->nexpects, 3);
	assert_int_equal(sc->expects[0].kind, KDX_EXPECT_RTO);
	assert_int_equal(sc->expects[0].bound_ms, 15 * 60000);
	assert_int_equal(sc->expects[2].kind, KDX_EXPECT_STEP);
	assert_int_equal(sc->expects[2].state, KDX_SS_DONE);
	assert_null(kdx_scenario_find(f->sc, f->nsc, "nope"));
}

/* Same seed: the same events at the same times and the same SVG; another seed differs. */
static void test_determinism(void **state)
{
	fx *f = *state;
	kdx_sim_result a, b, c;
	run(f, NULL, 7, &a);
	run(f, NULL, 7, &b);
	run(f, NULL, 8, &c);
	assert_int_equal(a.nevents, b.nevents);
	for (size_t i = 0; i < a.nevents; i++) {
		assert_int_equal(a.events[i].at_ms, b.events[i].at_ms);
		assert_string_equal(a.events[i].what, b.events[i].what);
	}
	strbuf sa = STRBUF_INIT, sb = STRBUF_INIT;
	kdx_svg_render(&sa, f->c.plan, &a, "x");
	kdx_svg_render(&sb, f->c.plan, &b, "x");
	assert_string_equal(sa.buf, sb.buf);
	assert_true(a.end_ms != c.end_ms);
	strbuf_release(&sa);
	strbuf_release(&sb);
	kdx_sim_result_release(&a);
	kdx_sim_result_release(&b);
	kdx_sim_result_release(&c);
}

/* Every attempt that completed took a duration inside its step's model, plus, for an
 * action that polls, at most one `every` until the poll that saw the change end. */
static void test_durations_within_model(void **state)
{
	fx *f = *state;
	const kdx_plan *p = f->c.plan;
	for (uint64_t seed = 1; seed <= 50; seed++) {
		kdx_sim_result r;
		run(f, NULL, seed, &r);
		for (size_t k = 0; k < r.nbars; k++) {
			const kdx_sim_bar *b = &r.bars[k];
			const kdx_step *st = &p->steps[b->step];
			if (b->end != KDX_BAR_OK || b->phase != KDX_PHASE_DO)
				continue;
			int64_t d = b->end_ms - b->start_ms;
			assert_true(d >= st->duration_min_ms);
			assert_true(d <= st->duration_max_ms + st->poll_every_ms);
		}
		kdx_sim_result_release(&r);
	}
	for (int a = 1; a < 1000; a++) {
		int64_t d = kdx_sim_draw(3, 4, KDX_PHASE_DO, a, 1000, 2000);
		assert_true(d >= 1000 && d <= 2000);
	}
	assert_int_equal(kdx_sim_draw(3, 4, KDX_PHASE_DO, 1, 500, 500), 500);
}

/* A fault-free run moves traffic, capacity and the writer as the effects say. */
static void test_effects_applied(void **state)
{
	fx *f = *state;
	const kdx_plan *p = f->c.plan;
	kdx_sim_result r;
	run(f, NULL, 1, &r);
	assert_int_equal(r.run.status, KDX_RUN_OK);
	int32_t api = res_of(p, "api"), db = res_of(p, "db");
	size_t nr = p->nregions;
	assert_true(r.final.weights[api * nr + 0] == 0);
	assert_true(r.final.weights[api * nr + 1] == 90);
	assert_true(r.final.capacity[1] == 100);
	assert_int_equal(r.final.writer[db], 1);
	assert_true(r.final.fenced[db * nr + 0]);
	assert_true(r.recovered);
	assert_int_equal(r.rpo_ms, 0);
	assert_int_equal(r.nviolations, 0);
	for (size_t i = 0; i < p->nsteps; i++)
		assert_int_equal(r.states[i], KDX_SS_DONE);
	kdx_sim_result_release(&r);
}

static void test_primary_lost(void **state)
{
	fx *f = *state;
	kdx_sim_result r;
	run(f, kdx_scenario_find(f->sc, f->nsc, "primary-region-lost"), 1, &r);
	assert_false(r.initial.healthy[0]);
	assert_true(r.recovered);
	assert_true(r.promoted);
	assert_int_equal(r.rpo_ms, 20000);
	/* recovered exactly when promote_db completed */
	int32_t pd = step_of(f->c.plan, "promote_db");
	int64_t done = -1;
	for (size_t k = 0; k < r.nbars; k++)
		if (r.bars[k].step == (uint32_t)pd)
			done = r.bars[k].end_ms;
	assert_int_equal(r.rto_ms, done);
	assert_int_equal(r.nexpect_failed, 0);
	kdx_sim_result_release(&r);
}

static void test_lag_gate_stops_promotion(void **state)
{
	fx *f = *state;
	kdx_sim_result r;
	run(f, kdx_scenario_find(f->sc, f->nsc, "lag-over-rpo"), 1, &r);
	assert_int_equal(r.run.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(r.states[step_of(f->c.plan, "promote_db")], KDX_SS_FAILED);
	assert_false(r.promoted);
	assert_int_equal(r.nexpect_failed, 0);
	kdx_sim_result_release(&r);
}

/* Hand-made scenarios: each fault kind, and a failing expectation. */
static void test_faults(void **state)
{
	fx *f = *state;
	const kdx_plan *p = f->c.plan;
	int32_t shift = step_of(p, "shift_traffic"), promote = step_of(p, "promote_db");
	kdx_fault fl[2];
	kdx_expect ex = { .kind = KDX_EXPECT_STEP, .step = shift, .state = KDX_SS_DONE, .text = "x" };
	kdx_scenario sc = { .name = "t", .faults = fl, .nfaults = 1, .expects = &ex, .nexpects = 1 };
	kdx_sim_result r;

	/* fail step: every attempt fails (shift_traffic has retry 1: two attempts) */
	fl[0] = (kdx_fault){ .kind = KDX_FAULT_FAIL_STEP, .step = shift, .region = -1, .resource = -1 };
	run(f, &sc, 1, &r);
	assert_int_equal(r.states[shift], KDX_SS_FAILED);
	size_t attempts = 0;
	for (size_t k = 0; k < r.nbars; k++)
		attempts += r.bars[k].step == (uint32_t)shift && r.bars[k].phase == KDX_PHASE_DO;
	assert_int_equal(attempts, 2);
	assert_int_equal(r.nexpect_failed, 1);
	assert_false(r.expect_ok[0]);
	kdx_sim_result_release(&r);

	/* timeout step: ended by the scheduler's timeout (60s per attempt) */
	fl[0].kind = KDX_FAULT_TIMEOUT_STEP;
	run(f, &sc, 1, &r);
	assert_int_equal(r.states[shift], KDX_SS_FAILED);
	for (size_t k = 0; k < r.nbars; k++)
		if (r.bars[k].step == (uint32_t)shift && r.bars[k].phase == KDX_PHASE_DO) {
			assert_int_equal(r.bars[k].end, KDX_BAR_TIMED_OUT);
			assert_int_equal(r.bars[k].end_ms - r.bars[k].start_ms, 60000);
		}
	kdx_sim_result_release(&r);

	/* denied approval: promote_db needs one in production only; force it */
	kdx_step *pst = &f->c.plan->steps[promote];
	bool saved = pst->approval;
	pst->approval = true;
	fl[0] = (kdx_fault){ .kind = KDX_FAULT_DENY_APPROVAL, .step = promote, .region = -1,
			     .resource = -1 };
	run(f, &sc, 1, &r);
	assert_int_equal(r.states[promote], KDX_SS_FAILED);
	assert_int_equal(r.states[shift], KDX_SS_ROLLED_BACK);
	kdx_sim_result_release(&r);
	pst->approval = saved;

	/* throttling route53 for the first two minutes: both attempts of shift_traffic fail */
	fl[0] = (kdx_fault){ .kind = KDX_FAULT_THROTTLE, .service = "route53", .for_ms = 120000,
			     .step = -1, .region = -1, .resource = -1 };
	run(f, &sc, 1, &r);
	assert_int_equal(r.states[shift], KDX_SS_FAILED);
	kdx_sim_result_release(&r);
	fl[0].for_ms = 1000; /* over before shift_traffic starts */
	run(f, &sc, 1, &r);
	assert_int_equal(r.states[shift], KDX_SS_DONE);
	assert_int_equal(r.nexpect_failed, 0);
	kdx_sim_result_release(&r);

	/* an alarm at 30s is a stop condition: the run rolls back */
	fl[0] = (kdx_fault){ .kind = KDX_FAULT_ALARM, .resource = res_of(p, "errors[us-east-1]"),
			     .at_ms = 30000, .step = -1, .region = -1 };
	run(f, &sc, 1, &r);
	assert_true(r.run.stopped);
	assert_int_equal(r.run.status, KDX_RUN_ROLLED_BACK);
	kdx_sim_result_release(&r);
}

static void test_rto_expectation(void **state)
{
	fx *f = *state;
	kdx_fault fl = { .kind = KDX_FAULT_FAIL_REGION, .region = 0, .step = -1, .resource = -1 };
	kdx_expect ex[2] = { { .kind = KDX_EXPECT_RTO, .bound_ms = 60000, .text = "rto <= 1m" },
			     { .kind = KDX_EXPECT_RPO, .bound_ms = 0, .text = "rpo <= 0s" } };
	kdx_scenario sc = { .name = "t", .faults = &fl, .nfaults = 1, .expects = ex, .nexpects = 2 };
	kdx_sim_result r;
	run(f, &sc, 1, &r);
	assert_true(r.recovered);
	assert_true(r.rto_ms > 60000);
	assert_false(r.expect_ok[0]);
	assert_true(r.expect_ok[1]);
	kdx_sim_result_release(&r);
}

static void test_invariants(void **state)
{
	fx *f = *state;
	kdx_model m;
	kdx_model_init_from_plan(&m, f->c.plan);
	strbuf why = STRBUF_INIT;
	assert_int_equal(kdx_sim_invariants(&m, &why), 0);
	int32_t api = res_of(f->c.plan, "api");
	m.weights[api * m.nregions + 1] = 80; /* 70/80/10: sums to 160, over capacity */
	assert_int_equal(kdx_sim_invariants(&m, &why), 2);
	assert_non_null(strstr(why.buf, "sum to 160%"));
	assert_non_null(strstr(why.buf, "capacity 60%"));
	strbuf_release(&why);
	kdx_model_release(&m);
}

static void test_explore_failover_safe(void **state)
{
	fx *f = *state;
	kdx_explore x;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_explore_run(f->c.plan, 1, 0, &x, &err), 0);
	assert_int_equal(x.nrows, 2 * f->c.plan->nsteps);
	assert_int_equal(x.nunsafe, 0);
	/* validate fails after the irreversible promotion: it pauses, the rollback follows,
	 * and the writer change is listed as irreversible, not as a leftover */
	int32_t v = step_of(f->c.plan, "validate");
	const kdx_explore_row *row = &x.rows[2 * v];
	assert_true(row->paused);
	/* the promotion stays: never "rolled_back" (#20.2), yet not unsafe (it is named) */
	assert_int_equal(row->status, KDX_RUN_ROLLBACK_INCOMPLETE);
	assert_null(row->leftovers);
	assert_non_null(row->irreversible);
	assert_non_null(strstr(row->irreversible, "db writer us-east-1 -> us-west-2"));
	kdx_explore_release(&x);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios_loaded),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_durations_within_model),
		cmocka_unit_test(test_effects_applied),
		cmocka_unit_test(test_primary_lost),
		cmocka_unit_test(test_lag_gate_stops_promotion),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_rto_expectation),
		cmocka_unit_test(test_invariants),
		cmocka_unit_test(test_explore_failover_safe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
