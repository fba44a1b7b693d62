/* Unit tests for the safety analyses on plans built in C: for each analysis, plans that
 * violate it and plans that pass it in a non-trivial way (parallel branches). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "compiler/safety.h"
#include "common/xalloc.h"
#include "compiler/safety/internal.h"
#include "plan_builder.h"

/* The failover of DESIGN.md, as a plan: announce; scale_west || check_lag; shift after
 * scale_west; fence after shift; promote after fence and check_lag. */
typedef struct fo {
	pb b;
	int32_t east, west, eu, api, db;
	uint32_t announce, scale_west, check_lag, shift, fence, promote;
} fo;

static void failover(fo *f)
{
	pb *b = &f->b;
	pb_init(b, "failover");
	pb_objectives(b, 15 * 60000, 5 * 60000);
	f->east = pb_region(b, "us-east-1", "primary", 70, 100);
	f->west = pb_region(b, "us-west-2", "secondary", 20, 60);
	f->eu = pb_region(b, "eu-west-1", "secondary", 10, 40);
	f->api = pb_resource(b, "api", KDX_RES_TRAFFIC, -1);
	f->db = pb_resource(b, "db", KDX_RES_DATABASE, f->east);
	f->announce = pb_step(b, "announce");
	f->scale_west = pb_step(b, "scale_west");
	f->check_lag = pb_step(b, "check_lag");
	f->shift = pb_step(b, "shift");
	f->fence = pb_step(b, "fence");
	f->promote = pb_step(b, "promote");
	pb_after(b, f->scale_west, f->announce);
	pb_after(b, f->check_lag, f->announce);
	pb_after(b, f->shift, f->scale_west);
	pb_after(b, f->fence, f->shift);
	pb_after(b, f->promote, f->fence);
	pb_after(b, f->promote, f->check_lag);
	pb_capacity(b, f->scale_west, f->west, 100);
	b->plan.steps[f->scale_west].timeout_ms = 5 * 60000;
	pb_lag_gate(b, f->check_lag, f->db, f->west, 5 * 60000);
	pb_weights(b, f->shift, f->api, 0.0, 90.0, 10.0);
	b->plan.steps[f->shift].attempts = 3;
	b->plan.steps[f->shift].backoff_ms = 2000;
	pb_eff(b, f->fence, KDX_EFF_FENCE, f->db, f->east);
	pb_promote(b, f->promote, f->db, f->west, false);
	kdx_step *p = &b->plan.steps[f->promote];
	p->irreversible = true;
	p->has_undo = false;
	p->approval = true;
	b->undo = true;
	pb_capacity(b, f->scale_west, f->west, 60);
	pb_eff(b, f->shift, KDX_EFF_SET_WEIGHTS, f->api, -1); /* snapshot: restore the weights */
	pb_eff(b, f->fence, KDX_EFF_UNFENCE, f->db, f->east);
	b->undo = false;
	b->plan.environment = "production";
}

static int run(fo *f, kdx_diags *d, kdx_safety_report *rep)
{
	kdx_diags_init(d);
	return kdx_safety_check(&f->b.plan, d, rep);
}

static size_t count(const kdx_diags *d, const char *code, kdx_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].sev == sev && (!code || !strcmp(d->items[i].code, code)))
			n++;
	return n;
}

/* The message of the only diagnostic with this code (fails if there is not exactly one). */
static const char *only(const kdx_diags *d, const char *code)
{
	const char *m = NULL;
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->items[i].code, code)) {
			m = d->items[i].msg;
			n++;
		}
	if (n != 1) {
		for (size_t i = 0; i < d->n; i++)
			fprintf(stderr, "# [%s] %s\n", d->items[i].code, d->items[i].msg);
		fail_msg("expected one '%s' diagnostic, got %zu", code, n);
	}
	return m;
}

static void dump(const kdx_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "# [%s] %s\n", d->items[i].code, d->items[i].msg);
}

static void test_failover_passes(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	kdx_diags d;
	kdx_safety_report rep;
	int rc = run(&f, &d, &rep);
	if (rc)
		dump(&d);
	assert_int_equal(rc, 0);
	assert_int_equal(d.n, 0);
	/* critical path: announce 1s, scale_west 5m, shift 3x1s + 2s+4s, fence 1s, promote 1s */
	assert_int_equal(rep.npath, 5);
	assert_int_equal(rep.path[0].step, f.announce);
	assert_int_equal(rep.path[1].step, f.scale_west);
	assert_int_equal(rep.path[2].step, f.shift);
	assert_int_equal(rep.path[2].backoff_ms, 6000);
	assert_int_equal(rep.path[2].worst_ms, 9000);
	assert_int_equal(rep.path[2].start_ms, 301000);
	assert_int_equal(rep.total_ms, 1000 + 300000 + 9000 + 1000 + 1000);
	assert_int_equal(rep.slack_ms, 900000 - rep.total_ms);
	kdx_safety_report_release(&rep);
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_graph_cycle(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	pb_after(&f.b, f.announce, f.promote);
	kdx_diags d;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_int_equal(count(&d, "graph", KDX_ERROR), 2);
	assert_string_equal(d.items[0].msg,
			    "steps form a cycle: announce -> scale_west -> shift -> fence -> promote -> announce");
	assert_int_equal(d.items[0].nnotes, 5);
	assert_string_equal(d.items[1].msg,
			    "step 'check_lag' can never run: it waits for 'announce', which is on a cycle");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_graph_duplicate_name(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	f.b.plan.steps[f.fence].name = "shift";
	kdx_diags d;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "graph"), "duplicate step 'shift'");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_traffic_sum(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	f.b.plan.steps[f.shift].effects[0].weights[1] = 80; /* 0/80/10 */
	kdx_diags d;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "traffic"), "weights of 'api' set by step 'shift' sum to 90%, not 100%");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_traffic_region_down(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	/* a step parallel to shift drains us-west-2's health; shift sends 90% there, and
	 * eu-west-1 also goes down in a step ordered before shift */
	uint32_t down = pb_step(&f.b, "down_west"), down_eu = pb_step(&f.b, "down_eu");
	pb_after(&f.b, down, f.announce);
	pb_after(&f.b, f.shift, down_eu);
	pb_eff(&f.b, down, KDX_EFF_SET_HEALTH, -1, f.west)->flag = false;
	pb_eff(&f.b, down_eu, KDX_EFF_SET_HEALTH, -1, f.eu)->flag = false;
	kdx_diags d;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_true(count(&d, "traffic", KDX_ERROR) >= 1);
	bool seen = false;
	for (size_t i = 0; i < d.n; i++)
		seen |= !strcmp(d.items[i].msg, "step 'shift' may send all of 'api' to regions that are down");
	if (!seen)
		dump(&d);
	assert_true(seen);
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_capacity_parallel(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	/* shift no longer waits for scale_west: they are parallel branches */
	f.b.plan.steps[f.shift].preds[0].from = f.announce;
	kdx_diags d;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_int_equal(count(&d, "capacity", KDX_ERROR), 2);
	assert_string_equal(d.items[1].msg,
			    "step 'shift' gives 'us-west-2' 90% of 'api' but its capacity may still be 60%");
	assert_int_equal(d.items[1].nnotes, 1); /* scale_west is not ordered before shift */
	/* and the rollback graph has the same race the other way round */
	assert_string_equal(d.items[0].msg, "on rollback: step 'scale_west' lowers the capacity of "
					    "'us-west-2' to 60% while 'api' may still send it 90%");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_capacity_too_low_and_lowered(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	f.b.plan.steps[f.scale_west].effects[0].pct = 80;
	/* and a step after shift lowers us-west-2 again */
	uint32_t shrink = pb_step(&f.b, "shrink");
	pb_after(&f.b, shrink, f.shift);
	pb_after(&f.b, shrink, f.scale_west);
	pb_capacity(&f.b, shrink, f.west, 50);
	kdx_diags d;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_int_equal(count(&d, "capacity", KDX_ERROR), 2);
	assert_string_equal(d.items[0].msg, "step 'shift' gives 'us-west-2' 90% of 'api' but its "
					    "capacity may be 80% (set by 'scale_west')");
	assert_string_equal(d.items[1].msg, "step 'shrink' lowers the capacity of 'us-west-2' to 50% "
					    "while 'api' may still send it 90%");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_capacity_conditional(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	/* the scale-up might be skipped at run time: the shift must not rely on it */
	f.b.plan.steps[f.scale_west].conditional = true;
	kdx_diags d;
	assert_int_equal(run(&f, &d, NULL), -1);
	bool seen = false;
	for (size_t i = 0; i < d.n; i++)
		seen |= !strcmp(d.items[i].msg, "step 'shift' gives 'us-west-2' 90% of 'api' but its capacity "
						 "may still be 60%");
	if (!seen)
		dump(&d);
	assert_true(seen);
	kdx_diags_release(&d);
	/* nor may the promotion rely on a lag gate or a fence in a conditional step */
	f.b.plan.steps[f.scale_west].conditional = false;
	f.b.plan.steps[f.check_lag].conditional = true;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_int_equal(count(&d, "rpo", KDX_ERROR), 1);
	kdx_diags_release(&d);
	f.b.plan.steps[f.check_lag].conditional = false;
	f.b.plan.steps[f.fence].conditional = true;
	assert_int_equal(run(&f, &d, NULL), 0); /* the weights already drain us-east-1 */
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_capacity_parallel_passes(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	/* eu-west-1 gets 40% in a second shift, scaled in a parallel branch both wait for */
	uint32_t scale_eu = pb_step(&f.b, "scale_eu");
	pb_after(&f.b, scale_eu, f.announce);
	pb_after(&f.b, f.shift, scale_eu);
	pb_capacity(&f.b, scale_eu, f.eu, 50);
	f.b.plan.steps[f.shift].effects[0].weights[1] = 60;
	f.b.plan.steps[f.shift].effects[0].weights[2] = 40;
	f.b.undo = true;
	pb_capacity(&f.b, scale_eu, f.eu, 40);
	kdx_diags d;
	int rc = run(&f, &d, NULL);
	if (rc)
		dump(&d);
	assert_int_equal(rc, 0);
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_rto_over_and_slack(void **state)
{
	(void)state;
	fo f;
	failover(&f);
	f.b.plan.steps[f.scale_west].timeout_ms = 15 * 60000;
	kdx_diags d;
	kdx_safety_report rep;
	assert_int_equal(run(&f, &d, &rep), -1);
	assert_string_equal(only(&d, "rto"), "the critical path may take 15m12s, over objectives.rto = 15m");
	assert_int_equal(d.items[0].nnotes, 5);
	assert_true(rep.slack_ms == -12000);
	kdx_diags_release(&d);
	kdx_safety_report_release(&rep);
	/* 13m30s leaves 1m18s: a warning, not an error */
	f.b.plan.steps[f.scale_west].timeout_ms = 13 * 60000 + 30000;
	assert_int_equal(run(&f, &d, &rep), 0);
	assert_int_equal(count(&d, "rto", KDX_WARNING), 1);
	assert_string_equal(d.items[0].msg, "the critical path leaves only 1m18s of slack in "
					    "objectives.rto = 15m (under 10%)");
	kdx_diags_release(&d);
	kdx_safety_report_release(&rep);
	/* parallel branches: the longer one is critical. check_lag waits 20m in parallel */
	f.b.plan.steps[f.scale_west].timeout_ms = 60000;
	f.b.plan.steps[f.check_lag].wait_ms = 20 * 60000;
	assert_int_equal(run(&f, &d, &rep), -1);
	assert_int_equal(rep.npath, 3);
	assert_int_equal(rep.path[1].step, f.check_lag);
	kdx_diags_release(&d);
	kdx_safety_report_release(&rep);
	pb_release(&f.b);
}

/* The rollback plan's steps carry no edges; on the reverse view the rto analysis takes a
 * step's predecessors from the forward successors: a -> b -> c (with d beside it) goes
 * back as c -> b -> a, and its critical path is all three, last step first. */
static void test_rto_on_reverse_view(void **state)
{
	(void)state;
	pb b;
	pb_init(&b, "reverse");
	uint32_t a = pb_step(&b, "a"), bb = pb_step(&b, "b"), c = pb_step(&b, "c");
	uint32_t dd = pb_step(&b, "d");
	pb_after(&b, bb, a);
	pb_after(&b, c, bb);
	pb_after(&b, dd, a);
	b.plan.steps[a].timeout_ms = 1000;
	b.plan.steps[bb].timeout_ms = 2000;
	b.plan.steps[c].timeout_ms = 4000;
	b.plan.steps[dd].timeout_ms = 5000;
	kdx_graph g, view;
	kdx_graph_build(&g, &b.plan);
	kdx_plan rp = b.plan;
	rp.steps = KDX_NEWN(&b.arena, kdx_step, rp.nsteps);
	for (size_t i = 0; i < rp.nsteps; i++) {
		rp.steps[i] = b.plan.steps[i];
		rp.steps[i].preds = NULL;
		rp.steps[i].npreds = 0;
	}
	kdx_graph_reverse(&view, &g, &rp);
	kdx_model init;
	kdx_model_init_from_plan(&init, &rp);
	kdx_diags d;
	kdx_diags_init(&d);
	kdx_safety_report rep;
	memset(&rep, 0, sizeof(rep));
	/* every step runs on rollback (none passes), so each keeps its worst case */
	kdx_sx_undo *undo = xcalloc(rp.nsteps, sizeof(*undo));
	kdx_sctx cx;
	kdx_sx_init(&cx, &rp, &view, &init, &d, undo);
	cx.rep = &rep;
	kdx_check_rto(&cx);
	assert_int_equal(rep.total_ms, 7000); /* c, b, a; d then a is 6000 */
	assert_int_equal(rep.npath, 3);
	assert_int_equal(rep.path[0].step, c);
	assert_int_equal(rep.path[1].step, bb);
	assert_int_equal(rep.path[2].step, a);
	kdx_sx_release(&cx);
	free(undo);
	kdx_safety_report_release(&rep);
	kdx_diags_release(&d);
	kdx_model_release(&init);
	kdx_graph_release(&view);
	kdx_graph_release(&g);
	pb_release(&b);
}

static void test_rpo(void **state)
{
	(void)state;
	fo f;
	kdx_diags d;
	/* 1: no gate at all */
	failover(&f);
	f.b.plan.steps[f.check_lag].neffects = 0;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "rpo"), "step 'promote' promotes 'db' in 'us-west-2' without a lag "
					     "gate within objectives.rpo = 5m before it");
	assert_int_equal(d.items[0].nnotes, 0);
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 2: the gate allows 10m */
	failover(&f);
	f.b.plan.steps[f.check_lag].effects[0].ms = 10 * 60000;
	assert_int_equal(run(&f, &d, NULL), -1);
	only(&d, "rpo");
	assert_string_equal(d.items[0].notes[0].msg, "the lag gate in 'check_lag' allows 10m, more than the RPO");
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 3: the gate is on a parallel branch promote does not wait for */
	failover(&f);
	f.b.plan.steps[f.promote].npreds = 1;
	assert_int_equal(run(&f, &d, NULL), -1);
	only(&d, "rpo");
	assert_string_equal(d.items[0].notes[0].msg, "the lag gate in 'check_lag' is not ordered before 'promote'");
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 4: the gate checks another region */
	failover(&f);
	f.b.plan.steps[f.check_lag].effects[0].region = f.eu;
	assert_int_equal(run(&f, &d, NULL), -1);
	only(&d, "rpo");
	assert_string_equal(d.items[0].notes[0].msg, "the lag gate in 'check_lag' checks 'eu-west-1', not 'us-west-2'");
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 5: a graceful switchover needs no gate; nor does one gated in its own step */
	failover(&f);
	f.b.plan.steps[f.check_lag].neffects = 0;
	f.b.plan.steps[f.promote].effects[0].graceful = true;
	assert_int_equal(run(&f, &d, NULL), 0);
	kdx_diags_release(&d);
	pb_release(&f.b);
	failover(&f);
	f.b.plan.steps[f.check_lag].neffects = 0;
	pb_lag_gate(&f.b, f.promote, f.db, f.west, 60000);
	assert_int_equal(run(&f, &d, NULL), 0);
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 6: no RPO declared */
	failover(&f);
	f.b.plan.has_rpo = false;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "rpo"), "step 'promote' promotes 'db' in 'us-west-2' but the "
					     "runbook declares no objectives.rpo");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_fencing(void **state)
{
	(void)state;
	fo f;
	kdx_diags d;
	/* 1: promote before fence and before the shift: scale_west -> promote -> shift -> fence */
	failover(&f);
	f.b.plan.steps[f.promote].preds[0].from = f.scale_west;
	f.b.plan.steps[f.shift].preds[0].from = f.promote;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "fencing"), "step 'promote' promotes 'db' in 'us-west-2' while "
						 "'us-east-1' may still take writes");
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 2: fence and shift on branches parallel to the promotion */
	failover(&f);
	f.b.plan.steps[f.promote].preds[0].from = f.scale_west;
	f.b.plan.steps[f.fence].preds[0].from = f.announce;
	assert_int_equal(run(&f, &d, NULL), -1);
	only(&d, "fencing");
	assert_int_equal(d.items[0].nnotes, 2);
	assert_string_equal(d.items[0].notes[0].msg, "'api' may still send 'us-east-1' 70% (its weight at the start)");
	assert_string_equal(d.items[0].notes[1].msg, "'fence' fences or unfences 'us-east-1' but is not "
						     "ordered before 'promote'");
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 3: us-east-1 keeps 10% of the traffic: fenced first, it passes ... */
	failover(&f);
	f.b.plan.steps[f.shift].effects[0].weights[0] = 10;
	f.b.plan.steps[f.shift].effects[0].weights[1] = 80;
	assert_int_equal(run(&f, &d, NULL), 0);
	kdx_diags_release(&d);
	/* ... but not when a step that may run in between unfences it */
	uint32_t unf = pb_step(&f.b, "unfence");
	pb_after(&f.b, unf, f.fence);
	pb_eff(&f.b, unf, KDX_EFF_UNFENCE, f.db, f.east);
	f.b.undo = true;
	pb_eff(&f.b, unf, KDX_EFF_FENCE, f.db, f.east);
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_int_equal(count(&d, "fencing", KDX_ERROR), 1);
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 4: no fence, but the old writer's weight is 0 before the promotion: passes */
	failover(&f);
	f.b.plan.steps[f.fence].neffects = 0;
	f.b.plan.steps[f.fence].nundo_effects = 0;
	assert_int_equal(run(&f, &d, NULL), 0);
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 5: no fence and weight 0 only after the promotion */
	failover(&f);
	f.b.plan.steps[f.fence].neffects = 0;
	f.b.plan.steps[f.fence].nundo_effects = 0;
	f.b.plan.steps[f.promote].preds[0].from = f.scale_west;
	f.b.plan.steps[f.shift].preds[0].from = f.promote;
	assert_int_equal(run(&f, &d, NULL), -1);
	only(&d, "fencing");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_reversibility(void **state)
{
	(void)state;
	fo f;
	kdx_diags d;
	/* 1: a mutating step without undo */
	failover(&f);
	f.b.plan.steps[f.fence].has_undo = false;
	f.b.plan.steps[f.fence].action = "rds.fence";
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "reversibility"), "step 'fence' changes rds.fence but cannot be undone");
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 2: irreversible without approval, in production only */
	failover(&f);
	f.b.plan.steps[f.promote].approval = false;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "reversibility"),
			    "irreversible step 'promote' has no approval gate in production");
	kdx_diags_release(&d);
	f.b.plan.environment = "staging";
	assert_int_equal(run(&f, &d, NULL), 0);
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 3: the rollback is unsafe: an irreversible drain of us-east-1's capacity after the
	 * shift means undoing the shift gives it 70% back with capacity 0 */
	failover(&f);
	uint32_t drain = pb_step(&f.b, "drain_east");
	pb_after(&f.b, drain, f.shift);
	pb_capacity(&f.b, drain, f.east, 0);
	f.b.plan.steps[drain].has_undo = false;
	f.b.plan.steps[drain].irreversible = true;
	f.b.plan.steps[drain].approval = true;
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_string_equal(only(&d, "capacity"), "on rollback: step 'shift' gives 'us-east-1' 70% of "
						  "'api' but its capacity may still be 0%");
	kdx_diags_release(&d);
	pb_release(&f.b);
}

static void test_races(void **state)
{
	(void)state;
	fo f;
	kdx_diags d;
	/* 1: a second weight change parallel to shift */
	failover(&f);
	uint32_t other = pb_step(&f.b, "tweak");
	pb_after(&f.b, other, f.scale_west);
	pb_weights(&f.b, other, f.api, 60.0, 30.0, 10.0);
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_int_equal(count(&d, "races", KDX_ERROR), 1);
	kdx_diag *g = NULL;
	for (size_t i = 0; i < d.n; i++)
		if (!strcmp(d.items[i].code, "races"))
			g = &d.items[i];
	assert_string_equal(g->msg, "steps 'shift' and 'tweak' both change 'api' but neither waits for the other");
	kdx_diags_release(&d);
	/* ordered after shift: fine */
	pb_after(&f.b, other, f.shift);
	f.b.plan.steps[other].effects[0].weights[0] = 0;
	f.b.plan.steps[other].effects[0].weights[1] = 90;
	assert_int_equal(run(&f, &d, NULL), 0);
	kdx_diags_release(&d);
	pb_release(&f.b);
	/* 2: for_each-like parallel steps on different fleets do not race, but two on the same
	 * region's capacity do */
	failover(&f);
	int32_t fl_w = pb_resource(&f.b, "fleet[us-west-2]", KDX_RES_FLEET, -1);
	int32_t fl_e = pb_resource(&f.b, "fleet[eu-west-1]", KDX_RES_FLEET, -1);
	uint32_t a = pb_step(&f.b, "scale_fleet_w"), b2 = pb_step(&f.b, "scale_fleet_e");
	pb_after(&f.b, a, f.announce);
	pb_after(&f.b, b2, f.announce);
	pb_eff(&f.b, a, KDX_EFF_WRITE, fl_w, -1);
	pb_eff(&f.b, b2, KDX_EFF_WRITE, fl_e, -1);
	assert_int_equal(run(&f, &d, NULL), 0);
	kdx_diags_release(&d);
	pb_capacity(&f.b, a, f.west, 100);
	assert_int_equal(run(&f, &d, NULL), -1);
	assert_true(count(&d, "races", KDX_ERROR) >= 1);
	bool seen = false;
	for (size_t i = 0; i < d.n; i++)
		seen |= !strcmp(d.items[i].msg, "steps 'scale_west' and 'scale_fleet_w' both change the "
						 "capacity of 'us-west-2' but neither waits for the other");
	if (!seen)
		dump(&d);
	assert_true(seen);
	kdx_diags_release(&d);
	pb_release(&f.b);
}

/* kdx_sx_last_before against its definition, on random DAGs, for chains and non-chains:
 * e may be last before s iff e != s, s does not happen before e, and no unconditional e'
 * of the list has e -> e' -> s; none iff no unconditional e happens before s. Every third
 * round queries the reverse view (the rollback analyses); chains are answered both by the
 * galloping search and by the chain index (index_after UINT64_MAX, then 0), which must
 * agree with the definition alike. */
static void test_last_before_brute(void **state)
{
	(void)state;
	uint64_t seed = 7;
	for (int round = 0; round < 30; round++) {
		pb b;
		pb_init(&b, "random");
		size_t n = 80;
		for (size_t i = 0; i < n; i++)
			pb_step(&b, "s");
		for (size_t i = 0; i < n && round >= 10; i++) { /* later rounds: some conditional */
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			b.plan.steps[i].conditional = (seed >> 45) % 4 == 0;
		}
		for (size_t i = 1; i < n; i++)
			for (int k = 0; k < 2; k++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				size_t back = 1 + (seed >> 33) % (i < 12 ? i : 12);
				pb_after(&b, (uint32_t)i, (uint32_t)(i - back));
			}
		kdx_graph fwd, view, *g = &fwd;
		kdx_graph_build(&fwd, &b.plan);
		if (round % 3 == 2) {
			kdx_graph_reverse(&view, &fwd, &b.plan);
			g = &view;
		}
		kdx_model m;
		kdx_model_init_from_plan(&m, &b.plan);
		kdx_diags d;
		kdx_diags_init(&d);
		kdx_sctx c;
		kdx_sx_init(&c, &b.plan, g, &m, &d, NULL);
		kdx_evlist L = { 0 };
		uint32_t steps[80];
		L.steps = steps;
		for (size_t i = 0; i < g->ntopo; i++) { /* odd rounds: a chain; even: a random set */
			uint32_t v = g->topo[i];
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			bool take = (seed >> 40) % 3 == 0;
			if (round % 2 && L.n && !kdx_graph_hb(g, L.steps[L.n - 1], v))
				take = false;
			if (take)
				L.steps[L.n++] = v;
		}
		if (round % 2)
			assert_true(kdx_sx_is_chain(&c, &L));
		uint32_t out[80];
		for (int mode = 0; mode < (round % 2 ? 2 : 1); mode++) {
			c.index_after = mode ? 0 : UINT64_MAX;
			for (uint32_t s = 0; s < n; s++) {
				bool none;
				size_t k = kdx_sx_last_before(&c, &L, s, out, &none);
				assert_true(mode ? L.nbefore != NULL : L.nbefore == NULL);
				bool want_none = true;
				size_t want = 0;
				for (size_t i = 0; i < L.n; i++) {
					uint32_t e = L.steps[i];
					if (kdx_graph_hb(g, e, s) && !b.plan.steps[e].conditional)
						want_none = false;
					if (e == s || kdx_graph_hb(g, s, e))
						continue;
					bool shadowed = false;
					for (size_t j = 0; j < L.n; j++)
						shadowed |= kdx_graph_hb(g, e, L.steps[j]) &&
							    kdx_graph_hb(g, L.steps[j], s) &&
							    !b.plan.steps[L.steps[j]].conditional;
					if (shadowed)
						continue;
					bool found = false;
					for (size_t j = 0; j < k; j++)
						found |= out[j] == e;
					if (!found)
						fail_msg("round %d mode %d s %u: %u missing", round, mode, s, e);
					want++;
				}
				assert_int_equal(k, want);
				assert_int_equal(none, want_none);
				assert_int_equal(kdx_sx_any_before(&c, &L, s), !want_none);
			}
		}
		kdx_sx_unindex(&L);
		L.steps = NULL;
		kdx_sx_release(&c);
		kdx_diags_release(&d);
		kdx_model_release(&m);
		if (g == &view)
			kdx_graph_release(&view);
		kdx_graph_release(&fwd);
		pb_release(&b);
	}
}

static void test_explain(void **state)
{
	(void)state;
	for (size_t i = 0; kdx_safety_analyses[i]; i++) {
		const char *e = kdx_safety_explain(kdx_safety_analyses[i]);
		assert_non_null(e);
		assert_int_equal(strncmp(e, kdx_safety_analyses[i], strlen(kdx_safety_analyses[i])), 0);
	}
	assert_null(kdx_safety_explain("nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failover_passes),
		cmocka_unit_test(test_graph_cycle),
		cmocka_unit_test(test_graph_duplicate_name),
		cmocka_unit_test(test_traffic_sum),
		cmocka_unit_test(test_traffic_region_down),
		cmocka_unit_test(test_capacity_parallel),
		cmocka_unit_test(test_capacity_too_low_and_lowered),
		cmocka_unit_test(test_capacity_conditional),
		cmocka_unit_test(test_capacity_parallel_passes),
		cmocka_unit_test(test_rto_over_and_slack),
		cmocka_unit_test(test_rto_on_reverse_view),
		cmocka_unit_test(test_rpo),
		cmocka_unit_test(test_fencing),
		cmocka_unit_test(test_reversibility),
		cmocka_unit_test(test_races),
		cmocka_unit_test(test_last_before_brute),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
