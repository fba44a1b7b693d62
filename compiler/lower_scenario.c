/* lower_scenario: `scenario` blocks of the main file into the plan IR (kdx_plan.scenarios):
 * the faults `kdx simulate` injects and the expectations it checks, with their expressions
 * evaluated in the runbook's scope and their names resolved to plan indices. This is the
 * one place scenarios are read from the AST; the simulator and the `state` analysis
 * (kdx_plan.losses, an index of the lost regions) read the plan. Runs after the steps are
 * final (a scenario names steps by their plan index). */
#include "lower.h"

#include <stdint.h>
#include <string.h>

#define scen_error(L, span, ...) kdx_diag_add(&(L)->c->diags, KDX_ERROR, "scenario", span, __VA_ARGS__)

/* A resource named in a scenario (lag db ..., alarm errors ...) must exist and be of the
 * class the statement acts on. */
static bool scenario_resource(kdx_lowerer *L, const kdx_ast_ident *id, kdx_res_class want,
			      kdx_res_class also, const char *what)
{
	const kdx_env *e;
	for (e = L->genv; e && strcmp(e->name, id->name); e = e->parent)
		;
	const kdx_res_ref *r = e && e->value ? kdx_eval_resource(&L->ev, e->value) : NULL;
	if (!e || (e->value && !r && e->value->kind != KDX_V_MAP)) {
		scen_error(L, id->span, "unknown resource '%s'", id->name);
		return false;
	}
	if (r && kdx_type_class(r->type) != want && kdx_type_class(r->type) != also) {
		scen_error(L, id->span, "'%s' is a %s, not %s", id->name, r->type->name.name, what);
		return false;
	}
	return true;
}

/* The region index (-1 when it is not one, which is reported). */
static int32_t scenario_region(kdx_lowerer *L, const kdx_ast_expr *x)
{
	kdx_value *v;
	if (!x || kdx_eval_ast(&L->ev, L->genv, x, &v))
		return -1;
	strbuf why = STRBUF_INIT;
	kdx_ast_type rt = { .kind = KDX_AST_T_NAME, .name = "region" };
	int32_t r = -1;
	if (kdx_type_check(&L->ev, L->mod, &rt, &v, &why))
		scen_error(L, x->span, "%s", why.buf);
	else
		r = kdx_lower_region(L, kdx_value_text(v));
	strbuf_release(&why);
	return r;
}

/* A duration (def when e is absent); false, reported, when it is not one. */
static bool duration(kdx_lowerer *L, const kdx_ast_expr *e, int64_t def, int64_t *out,
		     const char *what)
{
	kdx_value *v;
	*out = def;
	if (!e)
		return true;
	if (kdx_eval_ast(&L->ev, L->genv, e, &v))
		return false;
	if (v->kind != KDX_V_DURATION || v->u.ms < 0) {
		scen_error(L, e->span, "%s must be a duration such as 30s", what);
		return false;
	}
	*out = v->u.ms;
	return true;
}

/* The plan index of a step by name; -1 when there is none: an unknown step is reported; a
 * step whose `when` is false at compile time makes the scenario inapplicable here (sc). */
static int32_t plan_step(kdx_lowerer *L, const kdx_ast_ident *id, kdx_scenario *sc)
{
	const kdx_plan *p = L->plan;
	for (size_t i = 0; id->name && i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, id->name))
			return (int32_t)i;
	if (id->name && kdx_lower_find_step(L, id->name) < 0) {
		kdx_lower_unknown_step(L, id->name, id->span);
	} else if (!sc->inapplicable) {
		strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "step '%s' is not in the plan (its `when` is false here)",
			    id->name ? id->name : "");
		sc->inapplicable = kdx_arena_strdup(&L->c->arena, why.buf);
		strbuf_release(&why);
	}
	return -1;
}

/* `lag db REGION`, `alarm errors`: the instance by name; for a for_each resource the
 * statement's region picks the instance (`errors` alone: the primary's). */
static int32_t plan_resource(const kdx_plan *p, const char *name, int32_t region)
{
	size_t n = strlen(name);
	int32_t any = -1;
	for (size_t i = 0; i < p->nresources; i++) {
		const char *rn = p->resources[i].name;
		if (!strcmp(rn, name))
			return (int32_t)i;
		if (!strncmp(rn, name, n) && rn[n] == '[') {
			if (region >= 0 && !strncmp(rn + n + 1, p->regions[region].name,
						    strlen(p->regions[region].name)))
				return (int32_t)i;
			if (any < 0)
				any = (int32_t)i;
		}
	}
	return any;
}

/* expect rto <= D, expect rpo < D */
static bool expect_bound(kdx_lowerer *L, const kdx_ast_item *it, kdx_expect *x)
{
	const kdx_ast_expr *e = it->expr;
	if (!e || e->kind != KDX_AST_E_BINARY ||
	    (e->u.binary.op != KDX_AST_OP_LE && e->u.binary.op != KDX_AST_OP_LT) ||
	    e->u.binary.lhs->kind != KDX_AST_E_NAME) {
		scen_error(L, it->span, "expect takes 'rto <= D', 'rpo <= D' or 'step NAME STATE'");
		return false;
	}
	const char *what = e->u.binary.lhs->u.name;
	if (!strcmp(what, "rto")) {
		x->kind = KDX_EXPECT_RTO;
	} else if (!strcmp(what, "rpo")) {
		x->kind = KDX_EXPECT_RPO;
	} else {
		scen_error(L, e->u.binary.lhs->span, "unknown measure '%s': expect rto or rpo", what);
		return false;
	}
	x->strict = e->u.binary.op == KDX_AST_OP_LT;
	return duration(L, e->u.binary.rhs, 0, &x->bound_ms, "the bound");
}

static bool expect_step(kdx_lowerer *L, const kdx_ast_item *it, kdx_expect *x, kdx_scenario *sc)
{
	static const struct { const char *w; kdx_sim_state s; } words[] = {
		{ "done", KDX_SS_DONE }, { "failed", KDX_SS_FAILED }, { "skipped", KDX_SS_SKIPPED },
		{ "rolled_back", KDX_SS_ROLLED_BACK },
	};
	x->kind = KDX_EXPECT_STEP;
	if ((x->step = plan_step(L, &it->name, sc)) < 0)
		return false;
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (it->word.name && !strcmp(it->word.name, words[k].w)) {
			x->state = words[k].s;
			return true;
		}
	scen_error(L, it->word.span, "unknown state '%s': done, failed, skipped or rolled_back",
		   it->word.name ? it->word.name : "");
	return false;
}

/* One fault statement into f: 1 lowered, 0 not a fault, -1 an error (reported). */
static int fault(kdx_lowerer *L, const kdx_ast_item *it, kdx_fault *f, kdx_scenario *sc)
{
	memset(f, 0, sizeof(*f));
	f->region = f->step = f->resource = -1;
	f->span = it->span;
	kdx_value *v;
	switch (it->kind) {
	case KDX_AST_FAIL_REGION:
		f->kind = KDX_FAULT_FAIL_REGION;
		f->region = scenario_region(L, it->expr);
		return f->region >= 0 && duration(L, it->at, 0, &f->at_ms, "'at'") ? 1 : -1;
	case KDX_AST_FAIL_STEP:
	case KDX_AST_TIMEOUT_STEP:
	case KDX_AST_DENY_APPROVAL:
		f->kind = it->kind == KDX_AST_FAIL_STEP ? KDX_FAULT_FAIL_STEP
			  : it->kind == KDX_AST_TIMEOUT_STEP ? KDX_FAULT_TIMEOUT_STEP
							     : KDX_FAULT_DENY_APPROVAL;
		return (f->step = plan_step(L, &it->name, sc)) < 0 ? -1 : 1;
	case KDX_AST_THROTTLE:
		f->kind = KDX_FAULT_THROTTLE;
		if (!it->expr || kdx_eval_ast(&L->ev, L->genv, it->expr, &v))
			return -1;
		if (!(f->service = kdx_value_text(v))) {
			scen_error(L, it->expr->span, "throttle takes a service name such as \"route53\"");
			return -1;
		}
		return duration(L, it->at, 0, &f->at_ms, "'at'") &&
		       duration(L, it->for_, INT64_MAX / 4, &f->for_ms, "'for'") ? 1 : -1;
	case KDX_AST_LAG:
		f->kind = KDX_FAULT_LAG;
		if (!scenario_resource(L, &it->name, KDX_RES_DATABASE, KDX_RES_CACHE,
				       "a database or cache") ||
		    (f->region = scenario_region(L, it->expr)) < 0 ||
		    !duration(L, it->value, 0, &f->lag_ms, "a lag"))
			return -1;
		f->resource = plan_resource(L->plan, it->name.name, f->region);
		return f->resource < 0 ? -1 : 1;
	case KDX_AST_ALARM:
		f->kind = KDX_FAULT_ALARM;
		if (!scenario_resource(L, &it->name, KDX_RES_ALARM, KDX_RES_ALARM, "an alarm"))
			return -1;
		f->resource = plan_resource(L->plan, it->name.name, L->plan->nregions ? 0 : -1);
		return f->resource >= 0 && duration(L, it->at, 0, &f->at_ms, "'at'") ? 1 : -1;
	default:
		return 0;
	}
}

static const char *span_text(kdx_lowerer *L, kdx_span sp)
{
	if (sp.file >= L->c->sources.n)
		return "?";
	const kdx_source *src = &L->c->sources.files[sp.file];
	return kdx_arena_strndup(&L->c->arena, src->text + sp.start, sp.end - sp.start);
}

static void lower_one(kdx_lowerer *L, const kdx_ast_decl *d, kdx_scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->name = d->label.name ? d->label.name : "";
	sc->faults = KDX_NEWN(&L->c->arena, kdx_fault, d->nitems + 1);
	sc->expects = KDX_NEWN(&L->c->arena, kdx_expect, d->nitems + 1);
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind == KDX_AST_EXPECT || it->kind == KDX_AST_EXPECT_STEP) {
			kdx_expect *x = &sc->expects[sc->nexpects];
			memset(x, 0, sizeof(*x));
			x->step = -1;
			x->span = it->span;
			x->text = span_text(L, it->span);
			if (it->kind == KDX_AST_EXPECT ? expect_bound(L, it, x) : expect_step(L, it, x, sc))
				sc->nexpects++;
			continue;
		}
		if (it->kind != KDX_AST_ATTR && fault(L, it, &sc->faults[sc->nfaults], sc) > 0)
			sc->nfaults++; /* ATTR: description = ... */
	}
}

void kdx_lower_scenarios(kdx_lowerer *L, const kdx_ast_file *f)
{
	kdx_plan *p = L->plan;
	size_t n = 0;
	for (size_t i = 0; i < f->ndecls; i++)
		n += f->decls[i]->kind == KDX_AST_SCENARIO;
	p->scenarios = KDX_NEWN(&L->c->arena, kdx_scenario, n + 1);
	for (size_t i = 0; i < f->ndecls; i++)
		if (f->decls[i]->kind == KDX_AST_SCENARIO)
			lower_one(L, f->decls[i], &p->scenarios[p->nscenarios++]);
	kdx_plan_index_losses(p, &L->c->arena);
}

void kdx_plan_index_losses(kdx_plan *p, kdx_arena *a)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nscenarios; i++)
		for (size_t k = 0; k < p->scenarios[i].nfaults; k++)
			n += p->scenarios[i].faults[k].kind == KDX_FAULT_FAIL_REGION;
	p->losses = KDX_NEWN(a, kdx_plan_loss, n + 1);
	p->nlosses = 0;
	for (size_t i = 0; i < p->nscenarios; i++)
		for (size_t k = 0; k < p->scenarios[i].nfaults; k++) {
			const kdx_fault *f = &p->scenarios[i].faults[k];
			if (f->kind == KDX_FAULT_FAIL_REGION)
				p->losses[p->nlosses++] = (kdx_plan_loss){ f->region, p->scenarios[i].name,
									   f->span };
		}
}
