/* Unit tests for compiler/plan_io: the plan IR written and read back exactly (the KALDRIX
 * runbooks and every example, field by field), every expression of those runbooks and of
 * the modules they import lowered to kdx_expr (compiler/lower_expr.c) and read back
 * exactly, the actions those runbooks can run lowered to statements (kdx_plan.actions,
 * compiler/lower_action.c), checked against their declarations and closed under calls, and documents that are refused
 * with a message that says where; and the plan intact, and proved the same, once the parse
 * trees are released (kdx_compilation_drop_ast, what kdx check does before its analyses). */
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
#include "compiler/lower.h"
#include "compiler/plan_io.h"
#include "compiler/resolve.h"
#include "compiler/safety.h"

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

static void same_expr(const kdx_expr *a, const kdx_expr *b);

/* The runbooks whose expressions and actions (with the stdlib modules they import) are
 * lowered and read back. */
static const char *const corpus[] = {
	"plans/failover.kdx", "plans/failback.kdx", "plans/deploy.kdx",
	"examples/approvals.kdx", "examples/data-edges.kdx", "examples/fleet-for-each.kdx",
	"examples/lag-gated-promotion.kdx", "examples/parallel-branches.kdx",
	"examples/scenario.kdx", "examples/weighted-shift.kdx",
};
#define NCORPUS (sizeof(corpus) / sizeof(corpus[0]))

static void same_stmt(const kdx_stmt *a, const kdx_stmt *b)
{
	assert_int_equal(a->kind, b->kind);
	same_span(a->span, b->span);
	same_str(a->name, b->name);
	same_str(a->service, b->service);
	same_str(a->op, b->op);
	same_expr(a->expr, b->expr);
	same_expr(a->within, b->within);
	same_expr(a->every, b->every);
}

static void same_action(const kdx_action *a, const kdx_action *b)
{
	same_str(a->name, b->name);
	same_str(a->module, b->module);
	same_span(a->span, b->span);
	assert_int_equal(a->nparams, b->nparams);
	for (size_t i = 0; i < a->nparams; i++) {
		same_str(a->params[i].name, b->params[i].name);
		same_str(a->params[i].type, b->params[i].type);
		same_str(a->params[i].res_type, b->params[i].res_type);
		same_expr(a->params[i].def, b->params[i].def);
		same_span(a->params[i].span, b->params[i].span);
	}
	assert_int_equal(a->nbody, b->nbody);
	for (size_t i = 0; i < a->nbody; i++)
		same_stmt(&a->body[i], &b->body[i]);
	same_expr(a->verify, b->verify);
	assert_int_equal(a->nsnapshots, b->nsnapshots);
	for (size_t i = 0; i < a->nsnapshots; i++) {
		same_str(a->snapshots[i].name, b->snapshots[i].name);
		same_expr(a->snapshots[i].expr, b->snapshots[i].expr);
		same_span(a->snapshots[i].span, b->snapshots[i].span);
	}
	same_expr(a->undo, b->undo);
	assert_int_equal(a->undo_none, b->undo_none);
	same_expr(a->duration_min, b->duration_min);
	same_expr(a->duration_max, b->duration_max);
	assert_int_equal(a->reads_only, b->reads_only);
	assert_int_equal(a->unverifiable, b->unverifiable);
	same_str(a->unverifiable_why, b->unverifiable_why);
	assert_int_equal(a->repeatable, b->repeatable);
}

static void same_call(const kdx_plan_call *a, const kdx_plan_call *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_int_equal(a->action, b->action);
	assert_int_equal(a->nargs, b->nargs);
	for (size_t i = 0; i < a->nargs; i++)
		same_value(a->args[i], b->args[i]);
	assert_int_equal(a->arg_exprs != NULL, b->arg_exprs != NULL);
	for (size_t i = 0; a->arg_exprs && i < a->nargs; i++)
		same_expr(a->arg_exprs[i], b->arg_exprs[i]);
	same_span(a->span, b->span);
}

/* A step's code: its calls, conditions and own clauses. */
static void same_code(const kdx_step *x, const kdx_step *y)
{
	same_call(x->do_call, y->do_call);
	same_call(x->undo_call, y->undo_call);
	assert_int_equal(x->undo_is_actions_own, y->undo_is_actions_own);
	assert_int_equal(x->nwhens, y->nwhens);
	for (size_t k = 0; k < x->nwhens; k++)
		same_expr(x->whens[k], y->whens[k]);
	assert_int_equal(x->nrequires, y->nrequires);
	for (size_t k = 0; k < x->nrequires; k++)
		same_expr(x->requires[k], y->requires[k]);
	assert_int_equal(x->nrun, y->nrun);
	for (size_t k = 0; k < x->nrun; k++)
		same_stmt(&x->run[k], &y->run[k]);
	assert_int_equal(x->scope, y->scope);
	same_expr(x->approval_when, y->approval_when);
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
		same_code(x, y);
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
	assert_int_equal(a->nactions, b->nactions);
	for (size_t i = 0; i < a->nactions; i++)
		same_action(&a->actions[i], &b->actions[i]);
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

/* How many plans have steps read in two runbook scopes or more (a nested runbook's and the
 * main one's), how many steps carry an approval gate's condition, how many values are
 * resources: what plan IR version 4 added to the document. */
static size_t nested_scopes, approval_whens, resource_args;

/* A value of a that is a resource instance (its value, not an equal one) is that
 * resource's value in b too: the evaluator's resource type check goes by it. */
static void same_resource(const kdx_plan *a, const kdx_plan *b, const kdx_value *x,
			  const kdx_value *y)
{
	for (size_t k = 0; x && k < a->nresources; k++)
		if (x == a->resources[k].attrs) {
			assert_ptr_equal(y, b->resources[k].attrs);
			resource_args++;
			return;
		}
}

static void same_resource_args(const kdx_plan *a, const kdx_plan *b, const kdx_plan_call *x,
			       const kdx_plan_call *y)
{
	for (size_t i = 0; x && i < x->nargs; i++)
		same_resource(a, b, x->args[i], y->args[i]);
}

/* A runbook scope: the same names and values, resources as resources. */
static void same_scope(const kdx_plan *a, const kdx_plan *b, const kdx_plan_scope *x,
		       const kdx_plan_scope *y)
{
	assert_int_equal(x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		assert_string_equal(x->bindings[i].name, y->bindings[i].name);
		same_value(x->bindings[i].value, y->bindings[i].value);
		same_resource(a, b, x->bindings[i].value, y->bindings[i].value);
	}
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
	same_scope(c.plan, back, &c.plan->global, &back->global);
	assert_true(back->global.n > 0);
	assert_int_equal(c.plan->nscopes, back->nscopes);
	for (size_t k = 0; k < back->nscopes; k++)
		same_scope(c.plan, back, &c.plan->scopes[k], &back->scopes[k]);
	bool two_scopes = false;
	for (size_t i = 0; i < back->nsteps; i++) {
		two_scopes |= back->steps[i].scope != back->steps[0].scope;
		same_resource_args(c.plan, back, c.plan->steps[i].do_call, back->steps[i].do_call);
		same_resource_args(c.plan, back, c.plan->steps[i].undo_call, back->steps[i].undo_call);
		approval_whens += back->steps[i].approval_when != NULL;
	}
	nested_scopes += two_scopes;
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
	/* a nested runbook (`use`): its steps' scope survives the round trip */
	round_trip("tests/golden/simulate/nested_steps.kdx", NULL);
	assert_true(nested_scopes > 0);
	assert_true(approval_whens > 0);
	assert_true(resource_args > 0);
}

/* ---- expressions ---- */

/* Two kdx_exprs, member by member (a read-back one against the one written). */
static void same_expr(const kdx_expr *a, const kdx_expr *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_int_equal(a->kind, b->kind);
	same_span(a->span, b->span);
	switch (a->kind) {
	case KDX_E_STRING:
		assert_int_equal(a->u.str.n, b->u.str.n);
		for (size_t i = 0; i < a->u.str.n; i++) {
			const kdx_expr_strpart *p = &a->u.str.parts[i], *q = &b->u.str.parts[i];
			same_span(p->span, q->span);
			same_expr(p->expr, q->expr);
			assert_int_equal(p->len, q->len);
			if (!p->expr)
				assert_memory_equal(p->text, q->text, p->len + 1);
		}
		break;
	case KDX_E_NUMBER:
	case KDX_E_DURATION:
	case KDX_E_PERCENT:
	case KDX_E_BOOL:
	case KDX_E_NULL:
		same_value(a->u.lit, b->u.lit);
		if (a->u.lit->kind == KDX_V_NUMBER || a->u.lit->kind == KDX_V_PERCENT)
			assert_memory_equal(&a->u.lit->u.num, &b->u.lit->u.num, sizeof(double));
		break;
	case KDX_E_NAME:
		assert_string_equal(a->u.name, b->u.name);
		break;
	case KDX_E_GETATTR:
		same_expr(a->u.get.obj, b->u.get.obj);
		assert_string_equal(a->u.get.attr, b->u.get.attr);
		same_span(a->u.get.attr_span, b->u.get.attr_span);
		break;
	case KDX_E_INDEX:
		same_expr(a->u.index.obj, b->u.index.obj);
		same_expr(a->u.index.index, b->u.index.index);
		break;
	case KDX_E_CALL:
		same_expr(a->u.call.callee, b->u.call.callee);
		same_str(a->u.call.action, b->u.call.action);
		same_str(a->u.call.builtin, b->u.call.builtin);
		assert_int_equal(a->u.call.nargs, b->u.call.nargs);
		for (size_t i = 0; i < a->u.call.nargs; i++) {
			const kdx_expr_arg *x = &a->u.call.args[i], *y = &b->u.call.args[i];
			same_str(x->name, y->name);
			if (x->name)
				same_span(x->name_span, y->name_span);
			same_expr(x->value, y->value);
			same_span(x->span, y->span);
		}
		break;
	case KDX_E_LIST:
		assert_int_equal(a->u.list.n, b->u.list.n);
		for (size_t i = 0; i < a->u.list.n; i++)
			same_expr(a->u.list.items[i], b->u.list.items[i]);
		break;
	case KDX_E_MAP:
		assert_int_equal(a->u.map.n, b->u.map.n);
		for (size_t i = 0; i < a->u.map.n; i++) {
			const kdx_expr_entry *x = &a->u.map.entries[i], *y = &b->u.map.entries[i];
			same_str(x->name, y->name);
			same_expr(x->key, y->key);
			same_expr(x->value, y->value);
			same_span(x->span, y->span);
		}
		break;
	case KDX_E_FOR_LIST:
	case KDX_E_FOR_MAP:
		same_str(a->u.comp->var1, b->u.comp->var1);
		same_str(a->u.comp->var2, b->u.comp->var2);
		same_expr(a->u.comp->coll, b->u.comp->coll);
		same_expr(a->u.comp->key, b->u.comp->key);
		same_expr(a->u.comp->value, b->u.comp->value);
		same_expr(a->u.comp->cond, b->u.comp->cond);
		break;
	case KDX_E_COND:
		same_expr(a->u.cond.cond, b->u.cond.cond);
		same_expr(a->u.cond.then, b->u.cond.then);
		same_expr(a->u.cond.otherwise, b->u.cond.otherwise);
		break;
	case KDX_E_UNARY:
		assert_int_equal(a->u.unary.op, b->u.unary.op);
		same_expr(a->u.unary.operand, b->u.unary.operand);
		break;
	case KDX_E_BINARY:
		assert_int_equal(a->u.binary.op, b->u.binary.op);
		same_expr(a->u.binary.lhs, b->u.binary.lhs);
		same_expr(a->u.binary.rhs, b->u.binary.rhs);
		break;
	}
}

/* What the corpus covers: kinds, operators, and calls of each resolution. */
typedef struct expr_cover {
	bool kinds[KDX_E_BINARY + 1];
	bool ops[KDX_XOP_OR + 1];
	bool action, builtin, named_arg, interpolated, computed_key, two_vars;
	size_t n;
	kdx_arena *arena;  /* for the qualified names the test builds */
} expr_cover;

/* A lowered expression against the AST it came from, in module m: the same shape, spans,
 * names and literal values, and each call resolved as the evaluator resolves it. */
static void lowered_from(const kdx_ast_expr *a, const kdx_expr *x, const kdx_module *m,
			 expr_cover *cv)
{
	if (!a) {
		assert_null(x);
		return;
	}
	assert_non_null(x);
	assert_int_equal((int)a->kind, (int)x->kind);
	same_span(a->span, x->span);
	cv->kinds[x->kind] = true;
	cv->n++;
	switch (a->kind) {
	case KDX_AST_E_STRING:
		assert_int_equal(a->u.str.n, x->u.str.n);
		for (size_t i = 0; i < a->u.str.n; i++) {
			cv->interpolated |= a->u.str.parts[i].expr != NULL;
			same_span(a->u.str.parts[i].span, x->u.str.parts[i].span);
			assert_int_equal(a->u.str.parts[i].len, x->u.str.parts[i].len);
			lowered_from(a->u.str.parts[i].expr, x->u.str.parts[i].expr, m, cv);
		}
		break;
	case KDX_AST_E_NUMBER:
		assert_int_equal(x->u.lit->kind, KDX_V_NUMBER);
		assert_memory_equal(&a->u.num.value, &x->u.lit->u.num, sizeof(double));
		break;
	case KDX_AST_E_PERCENT:
		assert_int_equal(x->u.lit->kind, KDX_V_PERCENT);
		assert_memory_equal(&a->u.num.value, &x->u.lit->u.num, sizeof(double));
		break;
	case KDX_AST_E_DURATION:
		assert_int_equal(x->u.lit->kind, KDX_V_DURATION);
		assert_int_equal(a->u.dur.ms, x->u.lit->u.ms);
		break;
	case KDX_AST_E_BOOL:
		assert_int_equal(x->u.lit->kind, KDX_V_BOOL);
		assert_int_equal(a->u.b, x->u.lit->u.b);
		break;
	case KDX_AST_E_NULL:
		assert_int_equal(x->u.lit->kind, KDX_V_NULL);
		break;
	case KDX_AST_E_NAME:
		assert_ptr_equal(a->u.name, x->u.name);
		break;
	case KDX_AST_E_GETATTR:
		assert_ptr_equal(a->u.get.attr, x->u.get.attr);
		lowered_from(a->u.get.obj, x->u.get.obj, m, cv);
		break;
	case KDX_AST_E_INDEX:
		lowered_from(a->u.index.obj, x->u.index.obj, m, cv);
		lowered_from(a->u.index.index, x->u.index.index, m, cv);
		break;
	case KDX_AST_E_CALL: {
		const kdx_module *owner;
		const kdx_ast_decl *act = kdx_resolve_action(m, a->u.call.callee, &owner);
		if (x->u.call.builtin) {
			assert_int_equal(a->u.call.callee->kind, KDX_AST_E_NAME);
			assert_string_equal(a->u.call.callee->u.name, x->u.call.builtin);
			assert_null(x->u.call.action);
			cv->builtin = true;
		} else if (act) {
			const char *q = kdx_qualified(cv->arena, owner, act->name.name);
			assert_non_null(x->u.call.action);
			assert_string_equal(q, x->u.call.action);
			cv->action = true;
		} else {
			assert_null(x->u.call.action);
		}
		lowered_from(a->u.call.callee, x->u.call.callee, m, cv);
		assert_int_equal(a->u.call.nargs, x->u.call.nargs);
		for (size_t i = 0; i < a->u.call.nargs; i++) {
			assert_ptr_equal(a->u.call.args[i].name, x->u.call.args[i].name);
			cv->named_arg |= x->u.call.args[i].name != NULL;
			same_span(a->u.call.args[i].span, x->u.call.args[i].span);
			lowered_from(a->u.call.args[i].value, x->u.call.args[i].value, m, cv);
		}
		break;
	}
	case KDX_AST_E_LIST:
		assert_int_equal(a->u.list.n, x->u.list.n);
		for (size_t i = 0; i < a->u.list.n; i++)
			lowered_from(a->u.list.items[i], x->u.list.items[i], m, cv);
		break;
	case KDX_AST_E_MAP:
		assert_int_equal(a->u.map.n, x->u.map.n);
		for (size_t i = 0; i < a->u.map.n; i++) {
			const kdx_ast_entry *en = &a->u.map.entries[i];
			bool ident = en->key_kind == KDX_AST_KEY_IDENT;
			cv->computed_key |= en->key_kind == KDX_AST_KEY_EXPR;
			assert_ptr_equal(ident ? en->ident.name : NULL, x->u.map.entries[i].name);
			lowered_from(ident ? NULL : en->key, x->u.map.entries[i].key, m, cv);
			lowered_from(en->value, x->u.map.entries[i].value, m, cv);
		}
		break;
	case KDX_AST_E_FOR_LIST:
	case KDX_AST_E_FOR_MAP:
		assert_ptr_equal(a->u.comp->var1.name, x->u.comp->var1);
		assert_ptr_equal(a->u.comp->var2.name, x->u.comp->var2);
		cv->two_vars |= x->u.comp->var2 != NULL;
		lowered_from(a->u.comp->coll, x->u.comp->coll, m, cv);
		lowered_from(a->u.comp->key, x->u.comp->key, m, cv);
		lowered_from(a->u.comp->value, x->u.comp->value, m, cv);
		lowered_from(a->u.comp->cond, x->u.comp->cond, m, cv);
		break;
	case KDX_AST_E_COND:
		lowered_from(a->u.cond.cond, x->u.cond.cond, m, cv);
		lowered_from(a->u.cond.then, x->u.cond.then, m, cv);
		lowered_from(a->u.cond.otherwise, x->u.cond.otherwise, m, cv);
		break;
	case KDX_AST_E_UNARY:
		assert_int_equal((int)a->u.unary.op, (int)x->u.unary.op);
		cv->ops[x->u.unary.op] = true;
		lowered_from(a->u.unary.operand, x->u.unary.operand, m, cv);
		break;
	case KDX_AST_E_BINARY:
		assert_int_equal((int)a->u.binary.op, (int)x->u.binary.op);
		cv->ops[x->u.binary.op] = true;
		lowered_from(a->u.binary.lhs, x->u.binary.lhs, m, cv);
		lowered_from(a->u.binary.rhs, x->u.binary.rhs, m, cv);
		break;
	}
}

/* One expression of module m: lowered, checked against its AST, written, read back,
 * compared, and written again to the same bytes. */
static void expr_round_trip(const kdx_ast_expr *e, const kdx_module *m, kdx_arena *a,
			    expr_cover *cv)
{
	if (!e)
		return;
	kdx_expr *x = kdx_expr_lower(a, m, e);
	lowered_from(e, x, m, cv);
	strbuf doc = STRBUF_INIT, again = STRBUF_INIT, err = STRBUF_INIT;
	kdx_expr_write(&doc, x);
	kdx_expr *back;
	if (kdx_expr_read(doc.buf, doc.len, a, &back, &err) < 0)
		fail_msg("%s: %s", doc.buf, err.buf);
	same_expr(x, back);
	kdx_expr_write(&again, back);
	assert_string_equal(doc.buf, again.buf);
	strbuf_release(&doc);
	strbuf_release(&again);
	strbuf_release(&err);
}

/* Every expression a declaration holds, by the fields each item kind uses (ast.h). */
static void decl_exprs(const kdx_ast_decl *d, const kdx_module *m, kdx_arena *a, expr_cover *cv)
{
	expr_round_trip(d->value, m, a, cv);
	/* for_each, params and the group's members share a union: read for their kind only */
	if (d->kind == KDX_AST_RESOURCE)
		expr_round_trip(d->for_each, m, a, cv);
	for (size_t i = 0; d->kind == KDX_AST_ACTION && i < d->nparams; i++)
		expr_round_trip(d->params[i].def, m, a, cv);
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		expr_round_trip(it->expr, m, a, cv);
		switch (it->kind) {
		case KDX_AST_WAIT_UNTIL:
			expr_round_trip(it->within, m, a, cv);
			expr_round_trip(it->every, m, a, cv);
			break;
		case KDX_AST_RETRY: expr_round_trip(it->backoff, m, a, cv); break;
		case KDX_AST_DURATION: expr_round_trip(it->max, m, a, cv); break;
		case KDX_AST_FAIL_REGION:
		case KDX_AST_THROTTLE:
		case KDX_AST_ALARM:
			expr_round_trip(it->at, m, a, cv);
			expr_round_trip(it->for_, m, a, cv);
			break;
		case KDX_AST_LAG: expr_round_trip(it->value, m, a, cv); break;
		case KDX_AST_CALL: expr_round_trip(it->input, m, a, cv); break;
		default: break;
		}
		for (size_t k = 0; k < it->nlist; k++)
			expr_round_trip(it->list[k], m, a, cv);
	}
	for (size_t i = 0; d->kind == KDX_AST_GROUP && i < d->ndecls; i++)
		decl_exprs(d->decls[i], m, a, cv);
}

static void exprs_of(const char *path, expr_cover *cv)
{
	kdx_compile_opts o = { .path = path };
	kdx_compilation c;
	if (kdx_compile(&o, &c) || !c.prog)
		fail_msg("%s does not compile", path);
	kdx_arena a;
	kdx_arena_init(&a);
	cv->arena = &a;
	for (size_t i = 0; i < c.prog->nmodules; i++) {
		const kdx_module *m = c.prog->modules[i];
		for (size_t k = 0; m->ast && k < m->ast->ndecls; k++)
			decl_exprs(m->ast->decls[k], m, &a, cv);
	}
	kdx_arena_release(&a);
	kdx_compilation_release(&c);
}

static void test_expr_round_trip(void **state)
{
	(void)state;
	expr_cover cv = { 0 };
	for (size_t i = 0; i < NCORPUS; i++)
		exprs_of(corpus[i], &cv);
	/* the runbooks and the stdlib modules they import hold every kind of expression */
	for (size_t k = 0; k <= KDX_E_BINARY; k++)
		if (!cv.kinds[k])
			fail_msg("no expression of kind %zu in the corpus", k);
	assert_true(cv.action && cv.builtin && cv.named_arg && cv.interpolated);
	assert_true(cv.ops[KDX_XOP_NOT] && cv.ops[KDX_XOP_AND] && cv.ops[KDX_XOP_EQ] &&
		    cv.ops[KDX_XOP_LE] && cv.ops[KDX_XOP_ADD]);
	assert_true(cv.n > 1000);
}

/* ---- actions: the statement IR ---- */

typedef struct stmt_cover {
	bool kinds[KDX_S_RETURN + 1];
	bool step_when, step_require, step_wait_until, runtime_arg, own_undo;
	bool verify, snapshot, undo, duration, typed, def, why, repeatable, reads_only;
	size_t actions;
} stmt_cover;

static bool is_stmt(const kdx_ast_item *it)
{
	kdx_ast_item_kind k = it->kind;
	return k == KDX_AST_CALL || k == KDX_AST_LET || k == KDX_AST_DO || k == KDX_AST_WAIT ||
	       k == KDX_AST_WAIT_UNTIL || k == KDX_AST_RETURN;
}

/* x is d lowered: statement for statement, clause for clause. */
static void action_from(const kdx_action *x, const kdx_ast_decl *d, const kdx_module *m,
			stmt_cover *cv)
{
	kdx_arena a;
	kdx_arena_init(&a);
	same_str(x->name, kdx_qualified(&a, m, d->name.name));
	same_str(x->module, m->name);
	assert_int_equal(x->nparams, d->nparams);
	for (size_t i = 0; i < d->nparams; i++) {
		same_str(x->params[i].name, d->params[i].name.name);
		assert_int_equal(x->params[i].type != NULL, d->params[i].type != NULL);
		assert_int_equal(x->params[i].def != NULL, d->params[i].def != NULL);
		if (x->params[i].def)
			same_span(x->params[i].def->span, d->params[i].def->span);
		cv->typed |= x->params[i].type && strchr(x->params[i].type, '(');
		cv->def |= x->params[i].def != NULL;
	}
	size_t k = 0, sn = 0;
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind == KDX_AST_SNAPSHOT) {
			assert_true(sn < x->nsnapshots);
			same_str(x->snapshots[sn].name, it->name.name);
			same_span(x->snapshots[sn++].expr->span, it->expr->span);
			cv->snapshot = true;
		}
		if (!is_stmt(it))
			continue;
		assert_true(k < x->nbody);
		const kdx_stmt *s = &x->body[k++];
		same_span(s->span, it->span);
		cv->kinds[s->kind] = true;
		switch (it->kind) {
		case KDX_AST_CALL:
			assert_int_equal(s->kind, !strcmp(it->word.name, "aws") ? KDX_S_CALL_AWS
										 : KDX_S_CALL_TERRAFORM);
			same_str(s->service, kdx_ast_string_literal(it->list[0]));
			same_str(s->op, s->kind == KDX_S_CALL_AWS ? kdx_ast_string_literal(it->list[1])
								  : NULL);
			same_str(s->name, it->name.name);
			assert_int_equal(s->expr != NULL, it->input != NULL);
			break;
		case KDX_AST_LET:
			assert_int_equal(s->kind, KDX_S_LET);
			same_str(s->name, it->name.name);
			break;
		case KDX_AST_DO: assert_int_equal(s->kind, KDX_S_DO); break;
		case KDX_AST_WAIT: assert_int_equal(s->kind, KDX_S_WAIT); break;
		case KDX_AST_WAIT_UNTIL:
			assert_int_equal(s->kind, KDX_S_WAIT_UNTIL);
			same_span(s->within->span, it->within->span);
			assert_int_equal(s->every != NULL, it->every != NULL);
			break;
		default: assert_int_equal(s->kind, KDX_S_RETURN); break;
		}
		if (it->kind != KDX_AST_CALL)
			same_span(s->expr->span, it->expr->span);
	}
	assert_int_equal(k, x->nbody);
	assert_int_equal(sn, x->nsnapshots);
	const kdx_ast_item *vf = kdx_ast_find_attr(d, "verify");
	const kdx_ast_item *un = kdx_ast_find_item(d, KDX_AST_UNDO);
	const kdx_ast_item *du = kdx_ast_find_item(d, KDX_AST_DURATION);
	assert_int_equal(x->verify != NULL, vf != NULL);
	assert_int_equal(x->undo != NULL, un && !un->none);
	assert_int_equal(x->undo_none, un && un->none);
	assert_int_equal(x->duration_min != NULL, du != NULL);
	assert_int_equal(x->duration_max != NULL, du != NULL);
	assert_int_equal(x->reads_only, kdx_action_reads_only(d));
	assert_int_equal(x->unverifiable, kdx_ast_find_attr(d, "unverifiable") != NULL);
	cv->verify |= vf != NULL;
	cv->undo |= x->undo != NULL;
	cv->duration |= du != NULL;
	cv->why |= x->unverifiable_why != NULL;
	cv->repeatable |= x->repeatable;
	cv->reads_only |= x->reads_only;
	kdx_arena_release(&a);
}

/* The declaration of the qualified action name in c's program, and its module. */
static const kdx_ast_decl *decl_of(const kdx_compilation *c, kdx_arena *a, const char *name,
				   const kdx_module **mod)
{
	for (size_t i = 0; i < c->prog->nmodules; i++) {
		const kdx_module *m = c->prog->modules[i];
		for (size_t k = 0; k < m->nactions; k++)
			if (!strcmp(kdx_qualified(a, m, m->actions[k]->name.name), name)) {
				*mod = m;
				return m->actions[k];
			}
	}
	return NULL;
}

typedef struct in_table {
	const kdx_plan *p;
	size_t ncalls;
} in_table;

/* Every action a call names is in the table (the table is closed under calls). */
static void call_in_table(void *ctx, const kdx_expr *call)
{
	in_table *t = ctx;
	if (!call->u.call.action)
		return;
	if (kdx_plan_action(t->p, call->u.call.action) < 0)
		fail_msg("%s is called but not in the actions table", call->u.call.action);
	t->ncalls++;
}

/* A step's call as plan data: its action (named as the step names it) by index, an
 * argument per parameter. */
static void call_of(const kdx_plan_call *c, const char *action, const kdx_plan *p)
{
	if (!action) {
		assert_null(c);
		return;
	}
	assert_non_null(c);
	assert_true(c->action >= 0);
	assert_string_equal(p->actions[c->action].name, action);
	assert_int_equal(c->nargs, p->actions[c->action].nparams);
	assert_non_null(c->args);
}

/* A step's code is its declaration as plan data, clause for clause (its body, the
 * lowerer's working form, went with the step's scratch: s->body is the declaration), and
 * what it calls is in the table. */
static void code_from(const kdx_step *s, const kdx_plan *p, in_table *t, stmt_cover *cv)
{
	const kdx_ast_decl *d = s->body;
	assert_non_null(d);
	assert_int_equal(d->kind, KDX_AST_STEP);
	same_span(d->name.span, s->span);
	call_of(s->do_call, s->action, p);
	call_of(s->undo_call, s->undo_action, p);
	if (s->undo_is_actions_own) {
		assert_non_null(s->undo_call);
		assert_null(kdx_ast_find_item(d, KDX_AST_UNDO));
	}
	for (size_t i = 0; s->do_call && s->do_call->arg_exprs && i < s->do_call->nargs; i++)
		kdx_expr_each_call(s->do_call->arg_exprs[i], call_in_table, t);
	size_t w = 0, r = 0, run = 0;
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		const kdx_expr *x = NULL;
		if (it->kind == KDX_AST_WHEN) {
			assert_true(w < s->nwhens);
			x = s->whens[w++];
		} else if (it->kind == KDX_AST_REQUIRE) {
			assert_true(r < s->nrequires);
			x = s->requires[r++];
			cv->step_require = true;
		} else if (it->kind == KDX_AST_DO && s->do_call) {
			assert_true(run < s->nrun);
			assert_int_equal(s->run[run].kind, KDX_S_DO);
			assert_int_equal(s->run[run].span.end, 0);
			assert_null(s->run[run++].expr);
		} else if (it->kind == KDX_AST_WAIT || it->kind == KDX_AST_WAIT_UNTIL) {
			assert_true(run < s->nrun);
			const kdx_stmt *st = &s->run[run++];
			assert_int_equal(st->kind, it->kind == KDX_AST_WAIT ? KDX_S_WAIT : KDX_S_WAIT_UNTIL);
			same_span(st->span, it->span);
			x = st->expr;
			kdx_expr_each_call(st->within, call_in_table, t);
			kdx_expr_each_call(st->every, call_in_table, t);
			cv->step_wait_until |= st->kind == KDX_S_WAIT_UNTIL;
		}
		if (x) {
			same_span(x->span, it->expr->span);
			kdx_expr_each_call(x, call_in_table, t);
		}
	}
	assert_int_equal(w, s->nwhens);
	assert_int_equal(r, s->nrequires);
	assert_int_equal(run, s->nrun);
	cv->step_when |= s->nwhens > 0;
	cv->runtime_arg |= s->do_call && s->do_call->arg_exprs;
	cv->own_undo |= s->undo_is_actions_own;
}

static void actions_of(const char *path, const char *var_file, stmt_cover *cv)
{
	kdx_compile_opts o = { .path = path, .var_files = &var_file, .nvar_files = var_file ? 1 : 0 };
	kdx_compilation c;
	if (kdx_compile(&o, &c) || !c.plan)
		fail_msg("%s does not compile", path);
	const kdx_plan *p = c.plan;
	kdx_arena a;
	kdx_arena_init(&a);
	in_table t = { .p = p };
	for (size_t i = 0; i < p->nactions; i++) {
		const kdx_action *x = &p->actions[i];
		const kdx_module *m;
		const kdx_ast_decl *d = decl_of(&c, &a, x->name, &m);
		if (!d)
			fail_msg("%s: action %s is declared nowhere", path, x->name);
		action_from(x, d, m, cv);
		assert_int_equal(kdx_plan_action(p, x->name), (int32_t)i); /* once */
		kdx_action_each_call(x, call_in_table, &t);
	}
	assert_true(t.ncalls > 0);
	/* every step's actions are in the table; so are its clauses' calls */
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *s = &p->steps[i];
		if (s->action)
			assert_true(kdx_plan_action(p, s->action) >= 0);
		if (s->undo_action)
			assert_true(kdx_plan_action(p, s->undo_action) >= 0);
		code_from(s, p, &t, cv);
	}
	if (p->nstop_on)
		assert_true(kdx_plan_action(p, KDX_STOP_ON_ACTION) >= 0);
	assert_int_equal(kdx_plan_action(p, "route53.no_such_action"), -1);
	/* only what the plan reaches: fewer than the modules declare */
	size_t declared = 0;
	for (size_t i = 0; i < c.prog->nmodules; i++)
		declared += c.prog->modules[i]->nactions;
	assert_true(p->nactions > 0 && p->nactions < declared);
	cv->actions += p->nactions;
	kdx_arena_release(&a);
	kdx_compilation_release(&c);
}

static void test_actions_lowered(void **state)
{
	(void)state;
	stmt_cover cv = { 0 };
	for (size_t i = 0; i < NCORPUS; i++)
		actions_of(corpus[i], NULL, &cv);
	/* in production the approvals example keeps its pause (core.sleep: a plain `wait`) */
	char vars[] = "/tmp/kdx-test-plan-io-XXXXXX";
	int fd = mkstemp(vars);
	assert_true(fd >= 0);
	const char prod[] = "environment = \"production\"\n";
	assert_int_equal(write(fd, prod, sizeof(prod) - 1), (ssize_t)sizeof(prod) - 1);
	close(fd);
	actions_of("examples/approvals.kdx", vars, &cv);
	unlink(vars);
	/* no runbook here reaches an action with `undo none`: one by hand, read and written */
	const char doc[] = "{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"route53.delete_it\","
			   "\"undo_none\":true,\"body\":[{\"s\":\"wait\",\"expr\":{\"e\":\"name\","
			   "\"name\":\"d\"}}]}]}";
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_plan *p;
	strbuf err = STRBUF_INIT, again = STRBUF_INIT;
	if (kdx_plan_read(doc, sizeof(doc) - 1, &a, &p, &err) < 0)
		fail_msg("%s", err.buf);
	assert_int_equal(p->nactions, 1);
	assert_true(p->actions[0].undo_none && !p->actions[0].undo);
	assert_int_equal(p->actions[0].body[0].kind, KDX_S_WAIT);
	kdx_plan_write(&again, p);
	assert_non_null(strstr(again.buf, "\"undo_none\":true"));
	strbuf_release(&err);
	strbuf_release(&again);
	kdx_arena_release(&a);
	/* the runbooks and the stdlib modules they import hold every kind of statement */
	for (size_t k = 0; k <= KDX_S_RETURN; k++)
		if (!cv.kinds[k])
			fail_msg("no statement of kind %zu in the corpus", k);
	assert_true(cv.verify && cv.snapshot && cv.undo && cv.duration &&
		    cv.typed && cv.def && cv.why && cv.repeatable && cv.reads_only);
	assert_true(cv.actions > 50);
	assert_true(cv.step_when && cv.step_require && cv.step_wait_until && cv.runtime_arg &&
		    cv.own_undo);
}

/* The readers of a plan and of an expression, as one shape: -1 leaves *out NULL. */
static int read_plan(const char *doc, kdx_arena *a, strbuf *err)
{
	kdx_plan *p;
	int rc = kdx_plan_read(doc, strlen(doc), a, &p, err);
	assert_true(rc < 0 ? p == NULL : p != NULL);
	return rc;
}

static int read_expr(const char *doc, kdx_arena *a, strbuf *err)
{
	kdx_expr *e;
	int rc = kdx_expr_read(doc, strlen(doc), a, &e, err);
	assert_true(rc < 0 ? e == NULL : e != NULL);
	return rc;
}

static void refused_by(int (*reader)(const char *, kdx_arena *, strbuf *), const char *doc,
		       const char *want)
{
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	assert_int_equal(reader(doc, &a, &err), -1);
	if (!strstr(err.buf, want))
		fail_msg("'%s' is not in '%s'", want, err.buf);
	strbuf_release(&err);
	kdx_arena_release(&a);
}

static void refused(const char *doc, const char *want)
{
	refused_by(read_plan, doc, want);
}

static void expr_refused(const char *doc, const char *want)
{
	refused_by(read_expr, doc, want);
}

static void test_expr_refused(void **state)
{
	(void)state;
	expr_refused("{\"e\":\"name\"", "not JSON");
	expr_refused("[1]", "an expression must be an object");
	expr_refused("{\"span\":[0,0,1]}", "an expression has no kind ('e')");
	expr_refused("{\"e\":\"lambda\"}", "e 'lambda' is unknown");
	expr_refused("{\"e\":\"binary\",\"op\":\"eq\",\"lhs\":{\"e\":\"name\",\"name\":\"a\"}}",
		     "a 'binary' expression has no 'rhs'");
	expr_refused("{\"e\":\"binary\",\"op\":\"not\",\"lhs\":{\"e\":\"name\",\"name\":\"a\"},"
		     "\"rhs\":{\"e\":\"name\",\"name\":\"b\"}}",
		     "a binary expression needs a binary op");
	expr_refused("{\"e\":\"unary\",\"op\":\"add\",\"operand\":{\"e\":\"bool\",\"value\":true}}",
		     "a unary expression needs op 'not' or 'neg'");
	expr_refused("{\"e\":\"duration\",\"value\":5}", "a duration literal holds another kind");
	expr_refused("{\"e\":\"name\"}", "an expression has no 'name'");
	/* deeper than json-c's default 32 levels: a chain of 40 additions reads back */
	strbuf deep = STRBUF_INIT;
	for (int i = 0; i < 40; i++)
		strbuf_addstr(&deep, "{\"e\":\"binary\",\"op\":\"add\",\"rhs\":{\"e\":\"number\",\"value\":1},\"lhs\":");
	strbuf_addstr(&deep, "{\"e\":\"number\",\"value\":1}");
	for (int i = 0; i < 40; i++)
		strbuf_addch(&deep, '}');
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	if (read_expr(deep.buf, &a, &err))
		fail_msg("%s", err.buf);
	strbuf_release(&err);
	strbuf_release(&deep);
	kdx_arena_release(&a);
}

/* A plan of one action a(x) and one step s with these members, refused for `want`. */
static void step_refused(const char *members, const char *want)
{
	char doc[512], msg[256];
	snprintf(doc, sizeof(doc), "{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"a\",\"params\":"
		 "[{\"name\":\"x\"}]}],\"steps\":[{\"name\":\"s\",%s}]}", members);
	snprintf(msg, sizeof(msg), "steps[0]: %s", want);
	refused(doc, msg);
}

static void test_refused(void **state)
{
	(void)state;
	refused("{\"kdx_plan_ir\":4,", "not JSON");
	refused("{\"steps\":[]}", "not a kdx plan IR of version 4");
	refused("{\"kdx_plan_ir\":4,\"steps\":[{\"name\":\"a\",\"effects\":[{\"kind\":\"teleport\"}]}]}",
		"steps[0]: kind 'teleport' is unknown");
	refused("{\"kdx_plan_ir\":4,\"steps\":[{\"name\":\"a\",\"preds\":[{\"from\":7}]}]}",
		"steps[0]: an edge names a step that does not exist");
	refused("{\"kdx_plan_ir\":4,\"regions\":[{\"name\":\"r\"}],\"steps\":[{\"name\":\"a\","
		"\"effects\":[{\"kind\":\"set_weights\",\"weights\":[1,2]}]}]}",
		"steps[0]: weights must have one entry per region");
	/* actions: statements are checked for what their kind needs */
	refused("{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"a\",\"body\":[{\"s\":\"goto\"}]}]}",
		"actions[0]: s 'goto' is unknown");
	refused("{\"kdx_plan_ir\":4,\"actions\":[{\"body\":[]}]}", "actions[0]: an action has no name");
	refused("{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"a\",\"body\":[{\"s\":\"let\","
		"\"expr\":{\"e\":\"null\"}}]}]}",
		"actions[0]: a 'let' has no name");
	refused("{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"a\",\"body\":[{\"s\":\"return\"}]}]}",
		"actions[0]: a 'return' statement has no 'expr'");
	refused("{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"a\",\"body\":[{\"s\":\"wait_until\","
		"\"expr\":{\"e\":\"bool\",\"value\":true}}]}]}",
		"actions[0]: a 'wait_until' statement has no 'within'");
	refused("{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"a\",\"body\":[{\"s\":\"call_aws\","
		"\"service\":\"sns\"}]}]}",
		"actions[0]: a 'call aws' needs a service and an op");
	refused("{\"kdx_plan_ir\":4,\"actions\":[{\"name\":\"a\",\"snapshots\":[{\"name\":\"b\"}]}]}",
		"actions[0]: 'expr' is missing");
	/* a step's calls name an action of the table, one argument per parameter */
	step_refused("\"do_call\":{\"action\":1,\"args\":[1]}",
		     "a call names an action that is not in 'actions'");
	step_refused("\"undo_call\":{\"action\":0,\"args\":[1,2]}",
		     "a call's arguments are not one per parameter of its action");
	step_refused("\"do_call\":{\"action\":0,\"args\":[1],\"run_time\":[3]}",
		     "'run_time' names an argument that does not exist");
	step_refused("\"run\":[{\"s\":\"do\"}]", "a step's 'do' has no 'do_call'");
	/* plan IR version 4: the runbook scope and the approval gate's condition */
	step_refused("\"do_call\":{\"action\":0,\"args\":[{\"resource\":0}]}",
		     "a resource reference names no resource of the plan");
	step_refused("\"scope\":-2", "'scope' must be -1 (the main runbook's) or an index into "
		     "'scopes'");
	step_refused("\"scope\":\"kid\"", "'scope' must be -1 (the main runbook's) or an index "
		     "into 'scopes'");
	step_refused("\"scope\":0", "'scope' must be -1 (the main runbook's) or an index into "
		     "'scopes'"); /* the document has no scopes */
	refused("{\"kdx_plan_ir\":4,\"global\":[{\"name\":\"api\",\"value\":{\"resource\":0}}]}",
		"global: a resource reference names no resource of the plan");
	refused("{\"kdx_plan_ir\":4,\"scopes\":[[{\"value\":1}]]}",
		"scopes[0]: a binding has no name");
	step_refused("\"approval_when\":{\"e\":\"binary\",\"op\":\"eq\"}",
		     "a 'binary' expression has no 'lhs'");
	step_refused("\"run\":[{\"s\":\"return\",\"expr\":{\"e\":\"null\"}}]",
		     "a step runs only 'do', 'wait' and 'wait_until' of its own");
}

/* ---- the plan without the parse trees ---- */

/* What the analyses say about p, as text: every diagnostic and the critical path. */
static void proved(const kdx_plan *p, strbuf *out)
{
	kdx_diags d;
	kdx_diags_init(&d);
	kdx_safety_report rep;
	int rc = kdx_safety_check(p, &d, &rep);
	strbuf_addf(out, "rc %d steps %zu edges %zu total %lld path", rc, rep.nsteps, rep.nedges,
		    (long long)rep.total_ms);
	for (size_t i = 0; i < rep.npath; i++)
		strbuf_addf(out, " %s", p->steps[rep.path[i].step].name);
	for (size_t i = 0; i < d.n; i++)
		strbuf_addf(out, "\n%u:%u %s %s", d.items[i].span.file, d.items[i].span.start,
			    d.items[i].code ? d.items[i].code : "", d.items[i].msg);
	kdx_safety_report_release(&rep);
	kdx_diags_release(&d);
}

/* The plan document and the analyses' findings are the same after the parse trees are
 * released as before; the trees' memory is overwritten first, so a plan string or
 * expression still pointing into it (a string literal's text was the lexer's, in the
 * tree's arena) reads garbage here, and a use after free under ASan. */
static void outlives_ast(const char *path, const char *var_file)
{
	kdx_compile_opts o = { .path = path, .var_files = &var_file, .nvar_files = var_file ? 1 : 0 };
	kdx_compilation c;
	if (kdx_compile(&o, &c) || !c.plan)
		fail_msg("%s does not compile", path);
	strbuf doc = STRBUF_INIT, again = STRBUF_INIT, before = STRBUF_INIT, after = STRBUF_INIT;
	kdx_plan_write(&doc, c.plan);
	proved(c.plan, &before);
	assert_non_null(c.ast);
	assert_true(c.ast_arena.total > 0);
	size_t kept = c.arena.total;
	kdx_arena_poison(&c.ast_arena, 0xa5);
	kdx_compilation_drop_ast(&c);
	assert_null(c.ast);
	assert_null(c.prog->main->ast);
	assert_int_equal(c.ast_arena.total, 0);
	assert_int_equal(c.arena.total, kept);
	for (size_t i = 0; i < c.plan->nsteps; i++)
		assert_null(c.plan->steps[i].body);
	kdx_plan_write(&again, c.plan);
	assert_string_equal(doc.buf, again.buf);
	proved(c.plan, &after);
	assert_string_equal(before.buf, after.buf);
	kdx_compilation_drop_ast(&c); /* twice: nothing more happens */
	strbuf_release(&doc);
	strbuf_release(&again);
	strbuf_release(&before);
	strbuf_release(&after);
	kdx_compilation_release(&c);
}

static void test_plan_outlives_ast(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCORPUS; i++)
		outlives_ast(corpus[i], NULL);
	outlives_ast("plans/failover.kdx", "plans/environments/production.kdxvars");
	outlives_ast("tests/golden/simulate/nested_steps.kdx", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_expr_round_trip),
		cmocka_unit_test(test_expr_refused),
		cmocka_unit_test(test_actions_lowered),
		cmocka_unit_test(test_plan_outlives_ast),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
