/* Unit tests for compiler/plan_io: the plan IR written and read back exactly (the KALDRIX
 * runbooks and every example, field by field), and documents that are refused with a
 * message that says where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "compiler/plan_io.h"

static void same_span(kdx_span a, kdx_span b)
{
	assert_int_equal(a.file, b.file);
	assert_int_equal(a.start, b.start);
	assert_int_equal(a.end, b.end);
}

static void same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* kdx_value_equal says a region equals its name; the IR must keep the kind too. */
static void same_value(const kdx_value *a, const kdx_value *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_int_equal(a->kind, b->kind);
	assert_true(kdx_value_equal(a, b));
	if (a->kind == KDX_V_LIST)
		for (size_t i = 0; i < a->u.list.n; i++)
			same_value(a->u.list.items[i], b->u.list.items[i]);
	if (a->kind == KDX_V_MAP)
		for (size_t i = 0; i < a->u.map.n; i++) {
			assert_string_equal(a->u.map.keys[i], b->u.map.keys[i]);
			same_value(a->u.map.vals[i], b->u.map.vals[i]);
		}
}

static void same_effects(const kdx_effect *a, const kdx_effect *b, size_t n, size_t nregions)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].kind, b[i].kind);
		assert_int_equal(a[i].resource, b[i].resource);
		assert_int_equal(a[i].region, b[i].region);
		assert_memory_equal(&a[i].pct, &b[i].pct, sizeof(double));
		assert_int_equal(a[i].ms, b[i].ms);
		assert_int_equal(a[i].graceful, b[i].graceful);
		assert_int_equal(a[i].flag, b[i].flag);
		same_span(a[i].span, b[i].span);
		assert_int_equal(!a[i].weights, !b[i].weights);
		if (a[i].weights)
			assert_memory_equal(a[i].weights, b[i].weights, nregions * sizeof(double));
	}
}

static void same_plan(const kdx_plan *a, const kdx_plan *b)
{
	same_str(a->name, b->name);
	same_str(a->path, b->path);
	same_str(a->environment, b->environment);
	same_str(a->mode, b->mode);
	assert_int_equal(a->has_rto, b->has_rto);
	assert_int_equal(a->has_rpo, b->has_rpo);
	assert_int_equal(a->rto_ms, b->rto_ms);
	assert_int_equal(a->rpo_ms, b->rpo_ms);
	same_span(a->rto_span, b->rto_span);
	same_span(a->rpo_span, b->rpo_span);
	assert_int_equal(a->nregions, b->nregions);
	for (size_t i = 0; i < a->nregions; i++) {
		same_str(a->regions[i].name, b->regions[i].name);
		same_str(a->regions[i].role, b->regions[i].role);
		assert_memory_equal(&a->regions[i].weight, &b->regions[i].weight, sizeof(double));
		assert_memory_equal(&a->regions[i].capacity, &b->regions[i].capacity, sizeof(double));
		same_span(a->regions[i].span, b->regions[i].span);
	}
	assert_int_equal(a->nresources, b->nresources);
	for (size_t i = 0; i < a->nresources; i++) {
		const kdx_plan_resource *x = &a->resources[i], *y = &b->resources[i];
		same_str(x->name, y->name);
		same_str(x->type, y->type);
		assert_int_equal(x->cls, y->cls);
		assert_int_equal(x->region, y->region);
		assert_int_equal(x->writer, y->writer);
		same_value(x->attrs, y->attrs);
		same_span(x->span, y->span);
	}
	assert_int_equal(a->nsteps, b->nsteps);
	for (size_t i = 0; i < a->nsteps; i++) {
		const kdx_step *x = &a->steps[i], *y = &b->steps[i];
		same_str(x->name, y->name);
		same_span(x->span, y->span);
		same_str(x->action, y->action);
		same_span(x->action_span, y->action_span);
		same_str(x->undo_action, y->undo_action);
		assert_int_equal(x->npreds, y->npreds);
		for (size_t k = 0; k < x->npreds; k++) {
			assert_int_equal(x->preds[k].from, y->preds[k].from);
			assert_int_equal(x->preds[k].kind, y->preds[k].kind);
			same_span(x->preds[k].span, y->preds[k].span);
		}
		assert_int_equal(x->neffects, y->neffects);
		same_effects(x->effects, y->effects, x->neffects, a->nregions);
		assert_int_equal(x->nundo_effects, y->nundo_effects);
		same_effects(x->undo_effects, y->undo_effects, x->nundo_effects, a->nregions);
		assert_int_equal(x->mutating, y->mutating);
		assert_int_equal(x->has_undo, y->has_undo);
		assert_int_equal(x->irreversible, y->irreversible);
		assert_int_equal(x->approval, y->approval);
		assert_int_equal(x->conditional, y->conditional);
		assert_int_equal(x->approval_min, y->approval_min);
		assert_int_equal(x->unverifiable, y->unverifiable);
		assert_int_equal(x->repeatable, y->repeatable);
		same_str(x->unverifiable_why, y->unverifiable_why);
		assert_int_equal(x->undo_unverifiable, y->undo_unverifiable);
		assert_int_equal(x->undo_repeatable, y->undo_repeatable);
		same_str(x->undo_unverifiable_why, y->undo_unverifiable_why);
		assert_int_equal(x->runs_terraform, y->runs_terraform);
		assert_int_equal(x->poll_every_ms, y->poll_every_ms);
		assert_int_equal(x->attempts, y->attempts);
		assert_int_equal(x->timeout_ms, y->timeout_ms);
		assert_int_equal(x->backoff_ms, y->backoff_ms);
		assert_int_equal(x->wait_ms, y->wait_ms);
		assert_int_equal(x->duration_min_ms, y->duration_min_ms);
		assert_int_equal(x->duration_max_ms, y->duration_max_ms);
		assert_int_equal(x->on_failure, y->on_failure);
		same_str(x->group, y->group);
	}
	assert_int_equal(a->has_allow_exec, b->has_allow_exec);
	assert_int_equal(a->nallow_exec, b->nallow_exec);
	for (size_t i = 0; i < a->nallow_exec; i++)
		assert_string_equal(a->allow_exec[i], b->allow_exec[i]);
	assert_int_equal(a->nstop_on, b->nstop_on);
	for (size_t i = 0; i < a->nstop_on; i++)
		assert_int_equal(a->stop_on[i], b->stop_on[i]);
	assert_int_equal(a->nscenarios, b->nscenarios);
	for (size_t i = 0; i < a->nscenarios; i++) {
		const kdx_scenario *x = &a->scenarios[i], *y = &b->scenarios[i];
		same_str(x->name, y->name);
		same_str(x->inapplicable, y->inapplicable);
		assert_int_equal(x->nfaults, y->nfaults);
		for (size_t k = 0; k < x->nfaults; k++) {
			const kdx_fault *f = &x->faults[k], *g = &y->faults[k];
			assert_int_equal(f->kind, g->kind);
			same_span(f->span, g->span);
			assert_int_equal(f->region, g->region);
			assert_int_equal(f->step, g->step);
			assert_int_equal(f->resource, g->resource);
			same_str(f->service, g->service);
			assert_int_equal(f->at_ms, g->at_ms);
			assert_int_equal(f->for_ms, g->for_ms);
			assert_int_equal(f->lag_ms, g->lag_ms);
		}
		assert_int_equal(x->nexpects, y->nexpects);
		for (size_t k = 0; k < x->nexpects; k++) {
			const kdx_expect *e = &x->expects[k], *f = &y->expects[k];
			assert_int_equal(e->kind, f->kind);
			assert_int_equal(e->strict, f->strict);
			assert_int_equal(e->bound_ms, f->bound_ms);
			assert_int_equal(e->step, f->step);
			assert_int_equal(e->state, f->state);
			same_str(e->text, f->text);
			same_span(e->span, f->span);
		}
	}
	assert_int_equal(a->nlosses, b->nlosses);
	for (size_t i = 0; i < a->nlosses; i++) {
		assert_int_equal(a->losses[i].region, b->losses[i].region);
		same_str(a->losses[i].scenario, b->losses[i].scenario);
		same_span(a->losses[i].span, b->losses[i].span);
	}
}

/* What a round trip of the KALDRIX failover covers besides steps and resources: scenarios
 * of every kind of statement, stop_on, and the read-back attributes of the actions. */
static void covers(const kdx_plan *p)
{
	bool why = false, kinds[KDX_FAULT_DENY_APPROVAL + 1] = { false }, step_expect = false;
	for (size_t i = 0; i < p->nsteps; i++)
		why |= p->steps[i].unverifiable_why != NULL;
	for (size_t i = 0; i < p->nscenarios; i++) {
		for (size_t k = 0; k < p->scenarios[i].nfaults; k++)
			kinds[p->scenarios[i].faults[k].kind] = true;
		for (size_t k = 0; k < p->scenarios[i].nexpects; k++)
			step_expect |= p->scenarios[i].expects[k].kind == KDX_EXPECT_STEP;
	}
	assert_true(why);
	assert_true(p->nstop_on > 0);
	assert_true(p->nlosses > 0);
	assert_true(kinds[KDX_FAULT_FAIL_REGION] && kinds[KDX_FAULT_LAG] && kinds[KDX_FAULT_TIMEOUT_STEP]);
	assert_true(step_expect);
}

static void round_trip(const char *path, const char *var_file)
{
	kdx_compile_opts o = { .path = path, .var_files = &var_file, .nvar_files = var_file ? 1 : 0 };
	kdx_compilation c;
	int rc = kdx_compile(&o, &c);
	if (rc || !c.plan)
		fail_msg("%s does not compile", path);
	strbuf doc = STRBUF_INIT, again = STRBUF_INIT, err = STRBUF_INIT;
	kdx_plan_write(&doc, c.plan);
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_plan *back;
	if (kdx_plan_read(doc.buf, doc.len, &a, &back, &err) < 0)
		fail_msg("%s: %s", path, err.buf);
	same_plan(c.plan, back);
	bool detached = false; /* the moto settings leave promote_db out */
	for (size_t i = 0; i < c.plan->nscenarios; i++)
		detached |= c.plan->scenarios[i].inapplicable != NULL;
	if (!strcmp(path, "plans/failover.kdx") && !detached)
		covers(c.plan);
	kdx_plan_write(&again, back);
	assert_string_equal(doc.buf, again.buf);
	kdx_arena_release(&a);
	strbuf_release(&doc);
	strbuf_release(&again);
	strbuf_release(&err);
	kdx_compilation_release(&c);
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip("plans/failover.kdx", NULL);
	round_trip("plans/failover.kdx", "plans/environments/production.kdxvars");
	/* the moto settings: promote_db is left out, so four scenarios cannot run (inapplicable) */
	char vars[] = "/tmp/kdx-test-plan-io-XXXXXX";
	int fd = mkstemp(vars);
	assert_true(fd >= 0);
	const char detach[] = "db_failover = \"detach\"\n";
	assert_int_equal(write(fd, detach, sizeof(detach) - 1), (ssize_t)sizeof(detach) - 1);
	close(fd);
	round_trip("plans/failover.kdx", vars);
	kdx_compile_opts o = { .path = "plans/failover.kdx", .var_files = (const char *[]){ vars },
			       .nvar_files = 1 };
	kdx_compilation c;
	assert_int_equal(kdx_compile(&o, &c), 0);
	size_t inapplicable = 0;
	for (size_t i = 0; i < c.plan->nscenarios; i++)
		inapplicable += c.plan->scenarios[i].inapplicable != NULL;
	assert_int_equal(inapplicable, 4);
	kdx_compilation_release(&c);
	unlink(vars);
	round_trip("plans/failback.kdx", NULL);
	round_trip("plans/deploy.kdx", NULL);
	const char *examples[] = { "approvals", "data-edges", "fleet-for-each", "lag-gated-promotion",
				   "parallel-branches", "scenario", "weighted-shift" };
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "examples/%s.kdx", examples[i]);
		round_trip(path, NULL);
	}
}

static void refused(const char *doc, const char *want)
{
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	kdx_plan *p;
	assert_int_equal(kdx_plan_read(doc, strlen(doc), &a, &p, &err), -1);
	assert_null(p);
	if (!strstr(err.buf, want))
		fail_msg("'%s' is not in '%s'", want, err.buf);
	strbuf_release(&err);
	kdx_arena_release(&a);
}

static void test_refused(void **state)
{
	(void)state;
	refused("{\"kdx_plan_ir\":2,", "not JSON");
	refused("{\"steps\":[]}", "not a kdx plan IR of version 2");
	refused("{\"kdx_plan_ir\":2,\"steps\":[{\"name\":\"a\",\"effects\":[{\"kind\":\"teleport\"}]}]}",
		"steps[0]: kind 'teleport' is unknown");
	refused("{\"kdx_plan_ir\":2,\"steps\":[{\"name\":\"a\",\"preds\":[{\"from\":7}]}]}",
		"steps[0]: an edge names a step that does not exist");
	refused("{\"kdx_plan_ir\":2,\"regions\":[{\"name\":\"r\"}],\"steps\":[{\"name\":\"a\","
		"\"effects\":[{\"kind\":\"set_weights\",\"weights\":[1,2]}]}]}",
		"steps[0]: weights must have one entry per region");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
