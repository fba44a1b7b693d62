/* scenario: lower `scenario` blocks (grammar/ast.h scenario statements) to faults and
 * expectations, evaluating their expressions in the runbook's scope. */
#include "scenario.h"

#include "../common/xalloc.h"
#include "../compiler/eval.h"
#include "../grammar/ast.h"

#include <stdlib.h>
#include <string.h>

const char *kdx_sim_state_name(kdx_sim_state s)
{
	static const char *const names[] = { "pending", "done", "failed", "skipped", "rolled_back",
					      "not_undone" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

typedef struct loader {
	kdx_compilation *c;
	const kdx_plan *p;
	kdx_eval ev;
	const kdx_env *env;
	strbuf *err;
	strbuf everr;
	const char *scenario;
} loader;

static int fail(loader *L, kdx_span sp, const char *fmt, const char *what)
{
	const kdx_source *src = sp.file < L->c->sources.n ? &L->c->sources.files[sp.file] : NULL;
	unsigned line = 0, col = 0;
	if (src)
		kdx_source_position(src, sp.start, &line, &col);
	strbuf_addf(L->err, "%s:%u:%u: scenario '%s': ", src ? src->path : "?", line, col,
		    L->scenario);
	strbuf_addf(L->err, fmt, what);
	if (L->everr.len)
		strbuf_addf(L->err, " (%s)", L->everr.buf);
	return -1;
}

static kdx_value *eval(loader *L, const kdx_ast_expr *e)
{
	kdx_value *v = NULL;
	strbuf_reset(&L->everr);
	if (!e || kdx_eval_expr(&L->ev, L->env, e, &v) != 0)
		return NULL;
	return v;
}

static int duration(loader *L, const kdx_ast_expr *e, int64_t def, int64_t *out, const char *what)
{
	if (!e) {
		*out = def;
		return 0;
	}
	kdx_value *v = eval(L, e);
	if (!v || v->kind != KDX_V_DURATION || v->u.ms < 0)
		return fail(L, e->span, "%s must be a duration such as 30s", what);
	*out = v->u.ms;
	return 0;
}

static int32_t index_of_region(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; name && i < p->nregions; i++)
		if (!strcmp(p->regions[i].name, name))
			return (int32_t)i;
	return -1;
}

static int32_t index_of_step(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; name && i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, name))
			return (int32_t)i;
	return -1;
}

/* `lag db REGION`, `alarm errors`: a resource by name; for a for_each resource the
 * statement's region picks the instance (`errors` alone: the primary's). */
static int32_t index_of_resource(const kdx_plan *p, const char *name, int32_t region)
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

static int region_arg(loader *L, const kdx_ast_expr *e, int32_t *out)
{
	kdx_value *v = eval(L, e);
	const char *name = v ? kdx_value_text(v) : NULL;
	*out = index_of_region(L->p, name);
	if (*out < 0)
		return fail(L, e->span, "%s", "expected a declared region");
	return 0;
}

static const char *span_text(loader *L, kdx_span sp)
{
	if (sp.file >= L->c->sources.n)
		return "?";
	const kdx_source *src = &L->c->sources.files[sp.file];
	return kdx_arena_strndup(&L->c->arena, src->text + sp.start, sp.end - sp.start);
}

/* expect rto <= D, expect rpo < D */
static int expect_bound(loader *L, const kdx_ast_item *it, kdx_expect *x)
{
	const kdx_ast_expr *e = it->expr;
	if (!e || e->kind != KDX_AST_E_BINARY ||
	    (e->u.binary.op != KDX_AST_OP_LE && e->u.binary.op != KDX_AST_OP_LT) ||
	    e->u.binary.lhs->kind != KDX_AST_E_NAME)
		return fail(L, it->span, "%s", "expect takes 'rto <= D', 'rpo <= D' or 'step NAME STATE'");
	const char *what = e->u.binary.lhs->u.name;
	if (!strcmp(what, "rto"))
		x->kind = KDX_EXPECT_RTO;
	else if (!strcmp(what, "rpo"))
		x->kind = KDX_EXPECT_RPO;
	else
		return fail(L, e->u.binary.lhs->span, "unknown measure '%s': expect rto or rpo", what);
	x->strict = e->u.binary.op == KDX_AST_OP_LT;
	return duration(L, e->u.binary.rhs, 0, &x->bound_ms, "the bound");
}

static int expect_step(loader *L, const kdx_ast_item *it, kdx_expect *x)
{
	static const struct { const char *w; kdx_sim_state s; } words[] = {
		{ "done", KDX_SS_DONE }, { "failed", KDX_SS_FAILED }, { "skipped", KDX_SS_SKIPPED },
		{ "rolled_back", KDX_SS_ROLLED_BACK },
	};
	x->kind = KDX_EXPECT_STEP;
	x->step = index_of_step(L->p, it->name.name);
	if (x->step < 0)
		return fail(L, it->name.span, "unknown step '%s'", it->name.name);
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (it->word.name && !strcmp(it->word.name, words[k].w)) {
			x->state = words[k].s;
			return 0;
		}
	return fail(L, it->word.span, "unknown state '%s': done, failed, skipped or rolled_back",
		    it->word.name ? it->word.name : "");
}

static int fault(loader *L, const kdx_ast_item *it, kdx_fault *f)
{
	memset(f, 0, sizeof(*f));
	f->region = f->step = f->resource = -1;
	switch (it->kind) {
	case KDX_AST_FAIL_REGION:
		f->kind = KDX_FAULT_FAIL_REGION;
		return region_arg(L, it->expr, &f->region) || duration(L, it->at, 0, &f->at_ms, "'at'");
	case KDX_AST_FAIL_STEP:
	case KDX_AST_TIMEOUT_STEP:
	case KDX_AST_DENY_APPROVAL:
		f->kind = it->kind == KDX_AST_FAIL_STEP ? KDX_FAULT_FAIL_STEP
			  : it->kind == KDX_AST_TIMEOUT_STEP ? KDX_FAULT_TIMEOUT_STEP
							     : KDX_FAULT_DENY_APPROVAL;
		f->step = index_of_step(L->p, it->name.name);
		return f->step < 0 ? fail(L, it->name.span, "unknown step '%s'", it->name.name) : 0;
	case KDX_AST_THROTTLE: {
		f->kind = KDX_FAULT_THROTTLE;
		kdx_value *v = eval(L, it->expr);
		f->service = v ? kdx_value_text(v) : NULL;
		if (!f->service)
			return fail(L, it->expr->span, "%s", "throttle takes a service name such as \"route53\"");
		return duration(L, it->at, 0, &f->at_ms, "'at'") ||
		       duration(L, it->for_, INT64_MAX / 4, &f->for_ms, "'for'");
	}
	case KDX_AST_LAG:
		f->kind = KDX_FAULT_LAG;
		if (region_arg(L, it->expr, &f->region) || duration(L, it->value, 0, &f->lag_ms, "a lag"))
			return -1;
		f->resource = index_of_resource(L->p, it->name.name, f->region);
		return f->resource < 0 ? fail(L, it->name.span, "unknown resource '%s'", it->name.name) : 0;
	case KDX_AST_ALARM:
		f->kind = KDX_FAULT_ALARM;
		f->resource = index_of_resource(L->p, it->name.name, L->p->nregions ? 0 : -1);
		if (f->resource < 0)
			return fail(L, it->name.span, "unknown resource '%s'", it->name.name);
		return duration(L, it->at, 0, &f->at_ms, "'at'");
	default:
		return 1; /* not a fault */
	}
}

static int load_one(loader *L, const kdx_ast_decl *d, kdx_scenario *sc)
{
	sc->name = d->label.name ? d->label.name : "";
	L->scenario = sc->name;
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
			if ((it->kind == KDX_AST_EXPECT ? expect_bound(L, it, x) : expect_step(L, it, x)))
				return -1;
			sc->nexpects++;
			continue;
		}
		if (it->kind == KDX_AST_ATTR)
			continue; /* description = ... */
		int r = fault(L, it, &sc->faults[sc->nfaults]);
		if (r < 0)
			return -1;
		if (r == 0)
			sc->nfaults++;
	}
	return 0;
}

int kdx_scenarios_load(kdx_compilation *c, kdx_scenario **out, size_t *n, strbuf *err)
{
	*out = NULL;
	*n = 0;
	if (!c->ast || !c->plan)
		return 0;
	loader L = { .c = c, .p = c->plan, .err = err };
	strbuf_init(&L.everr);
	L.ev.arena = &c->arena;
	L.ev.err = &L.everr;
	L.ev.module = c->prog ? c->prog->main : NULL;
	L.ev.runtime = false;
	/* the main file's scope (steps[0] may come from a nested runbook) */
	L.env = c->genv;
	size_t count = 0;
	for (size_t i = 0; i < c->ast->ndecls; i++)
		count += c->ast->decls[i]->kind == KDX_AST_SCENARIO;
	kdx_scenario *sc = KDX_NEWN(&c->arena, kdx_scenario, count + 1);
	int rc = 0;
	for (size_t i = 0; i < c->ast->ndecls && rc == 0; i++) {
		const kdx_ast_decl *d = c->ast->decls[i];
		if (d->kind != KDX_AST_SCENARIO)
			continue;
		memset(&sc[*n], 0, sizeof(sc[*n]));
		rc = load_one(&L, d, &sc[*n]);
		(*n)++;
	}
	strbuf_release(&L.everr);
	*out = sc;
	return rc;
}

const kdx_scenario *kdx_scenario_find(const kdx_scenario *sc, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(sc[i].name, name))
			return &sc[i];
	return NULL;
}
