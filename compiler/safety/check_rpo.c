/* safety/rpo: an ungraceful promotion of a database in region r needs a lag gate on
 * (database, r) with a bound <= objectives.rpo, in the same step or in one that happens
 * before it. A graceful switchover loses nothing and needs none. */
#include "internal.h"

#include <string.h>

static void fmt_ms(strbuf *sb, int64_t ms)
{
	kdx_duration_format(sb, ms);
}

/* Explain why no gate counts: each gate on this database, and what is wrong with it. */
static void note_gates(kdx_sctx *c, kdx_diag *dg, uint32_t s, const kdx_effect *pe)
{
	const kdx_plan *p = c->plan;
	kdx_evlist *L = &c->lag[pe->resource];
	for (size_t i = 0; i < L->n; i++) {
		uint32_t gs = L->steps[i];
		const kdx_step *st = &p->steps[gs];
		kdx_sx_fx fx = kdx_sx_effects(c, gs);
		for (size_t k = 0; k < fx.n; k++) {
			const kdx_effect *e = &fx.v[k];
			if (e->kind != KDX_EFF_LAG_GATE || e->resource != pe->resource)
				continue;
			strbuf b = STRBUF_INIT;
			fmt_ms(&b, e->ms);
			if (e->region != pe->region)
				kdx_diag_note(dg, e->span, "the lag gate in '%s' checks '%s', not '%s'",
					      st->name, kdx_sx_region(c, e->region),
					      kdx_sx_region(c, pe->region));
			else if (gs != s && !kdx_graph_hb(c->g, gs, s))
				kdx_diag_note(dg, e->span, "the lag gate in '%s' is not ordered before '%s'",
					      st->name, kdx_sx_step(c, s));
			else if (gs != s && st->conditional)
				kdx_diag_note(dg, e->span, "the lag gate in '%s' may be skipped (its `when` "
					      "is decided at run time)", st->name);
			else if (p->has_rpo && e->ms > p->rpo_ms)
				kdx_diag_note(dg, e->span, "the lag gate in '%s' allows %s, more than the RPO",
					      st->name, b.buf);
			strbuf_release(&b);
		}
	}
}

static bool gated(kdx_sctx *c, uint32_t s, const kdx_effect *pe)
{
	const kdx_plan *p = c->plan;
	kdx_evlist *L = &c->lag[pe->resource];
	size_t lo = 0, hi = L->n; /* gates ranked after s cannot happen before it */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->g->rank[L->steps[mid]] <= c->g->rank[s])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0;) {
		uint32_t gs = L->steps[i];
		/* a gate in a conditional step may be skipped */
		if (gs != s && (p->steps[gs].conditional || !kdx_graph_hb(c->g, gs, s)))
			continue;
		kdx_sx_fx fx = kdx_sx_effects(c, gs);
		for (size_t k = 0; k < fx.n; k++) {
			const kdx_effect *e = &fx.v[k];
			if (e->kind == KDX_EFF_LAG_GATE && e->resource == pe->resource &&
			    e->region == pe->region && e->ms <= p->rpo_ms)
				return true;
		}
	}
	return false;
}

static void check_promote(kdx_sctx *c, uint32_t s, const kdx_effect *pe)
{
	const kdx_plan *p = c->plan;
	if (pe->resource < 0 || (size_t)pe->resource >= c->nres)
		return;
	if (!p->has_rpo) {
		kdx_diag *dg = kdx_sx_diag(c, KDX_ERROR, "rpo", pe->span,
					   "step '%s' promotes '%s' in '%s' but the runbook declares no "
					   "objectives.rpo",
					   kdx_sx_step(c, s), kdx_sx_res(c, pe->resource),
					   kdx_sx_region(c, pe->region));
		kdx_diag_hint(dg, "declare how much data may be lost, e.g. objectives { rpo = 5m }, "
				  "or use a graceful switchover");
		return;
	}
	if (gated(c, s, pe))
		return;
	strbuf b = STRBUF_INIT;
	fmt_ms(&b, p->rpo_ms);
	kdx_diag *dg = kdx_sx_diag(c, KDX_ERROR, "rpo", pe->span,
				   "step '%s' promotes '%s' in '%s' without a lag gate within "
				   "objectives.rpo = %s before it",
				   kdx_sx_step(c, s), kdx_sx_res(c, pe->resource),
				   kdx_sx_region(c, pe->region), b.buf);
	note_gates(c, dg, s, pe);
	/* the gate's module is the resource type's (rds, docdb, neptune, elasticache: each has
	 * its replication_lag); a type without a module prefix falls back to the class's */
	const kdx_plan_resource *res = &p->resources[pe->resource];
	const char *dot = res->type ? strchr(res->type, '.') : NULL;
	int mlen = dot ? (int)(dot - res->type) : -1;
	const char *mod = dot ? res->type : res->cls == KDX_RES_CACHE ? "elasticache" : "rds";
	kdx_diag_hint(dg, "add `require %.*s.replication_lag(%s, \"%s\") <= objectives.rpo` to "
			  "'%s' or to a step it waits for, or use a graceful switchover",
		      mlen, mod, kdx_sx_res(c, pe->resource), kdx_sx_region(c, pe->region),
		      kdx_sx_step(c, s));
	strbuf_release(&b);
}

void kdx_check_rpo(kdx_sctx *c)
{
	for (size_t i = 0; i < c->g->ntopo; i++) {
		uint32_t s = c->g->topo[i];
		kdx_sx_fx fx = kdx_sx_effects(c, s);
		for (size_t k = 0; k < fx.n; k++)
			if (fx.v[k].kind == KDX_EFF_PROMOTE && !fx.v[k].graceful)
				check_promote(c, s, &fx.v[k]);
	}
}
