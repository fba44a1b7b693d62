/* safety/fencing: before a database or cache is promoted ungracefully in region r, the region
 * that may still be its writer takes no writes in any order the graph allows -- it is fenced
 * by a step that happens before (and not unfenced in between), or every traffic resource
 * gives it weight 0. Otherwise two writers accept writes at once: split brain. A runbook
 * with no traffic resource has only the fence: "every traffic resource" of none proves
 * nothing. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>

/* Is (db, o) fenced when effect index `at` of step s runs, in every order? */
static bool fenced(kdx_sctx *c, uint32_t s, size_t at, int32_t db, int32_t o, uint32_t *buf)
{
	kdx_sx_fx fx = kdx_sx_effects(c, s);
	for (size_t i = at; i-- > 0;) {
		const kdx_effect *e = &fx.v[i];
		if ((e->kind == KDX_EFF_FENCE || e->kind == KDX_EFF_UNFENCE) && e->resource == db &&
		    e->region == o)
			return e->kind == KDX_EFF_FENCE;
	}
	bool none;
	size_t k = kdx_sx_last_before(c, &c->fence[(size_t)db * c->nreg + o], s, buf, &none);
	if (none && !c->init->fenced[(size_t)db * c->nreg + o])
		return false;
	for (size_t i = 0; i < k; i++) {
		kdx_sx_fx fsx = kdx_sx_effects(c, buf[i]);
		const kdx_effect *f = NULL;
		for (size_t j = 0; j < fsx.n; j++) {
			const kdx_effect *e = &fsx.v[j];
			if ((e->kind == KDX_EFF_FENCE || e->kind == KDX_EFF_UNFENCE) &&
			    e->resource == db && e->region == o)
				f = e;
		}
		if (!f || f->kind != KDX_EFF_FENCE)
			return false;
	}
	return true;
}

/* Weights that do not sum to 100 % are an error of their own (traffic); they do not count
 * as draining a region, since fixing them may well give it traffic again. */
static bool valid(const kdx_sctx *c, const double *w)
{
	double sum = 0;
	for (size_t r = 0; r < c->nreg; r++)
		sum += w[r];
	return sum > 100 - 1e-6 && sum < 100 + 1e-6;
}

/* The first traffic resource that may still send weight to o when s runs, or -1; *w and
 * *by (UINT32_MAX: initial weights) say how much and who set it. An invalid assignment that
 * gives o 0 % counts as sending it traffic, with *w = 0. */
static int32_t drained(kdx_sctx *c, uint32_t s, size_t at, int32_t o, uint32_t *buf, double *w,
		       uint32_t *by)
{
	const kdx_plan *p = c->plan;
	for (size_t t = 0; t < c->nres; t++) {
		if (p->resources[t].cls != KDX_RES_TRAFFIC)
			continue;
		const kdx_effect *own = kdx_sx_find(c, s, KDX_EFF_SET_WEIGHTS, (int32_t)t, -1, at);
		if (own && own->weights) {
			if (own->weights[o] > 0 || !valid(c, own->weights)) {
				*w = own->weights[o];
				*by = s;
				return (int32_t)t;
			}
			continue;
		}
		bool none;
		size_t k = kdx_sx_last_before(c, &c->weights[t], s, buf, &none);
		if (none && c->init->weights[t * c->nreg + o] > 0) {
			*w = c->init->weights[t * c->nreg + o];
			*by = UINT32_MAX;
			return (int32_t)t;
		}
		for (size_t i = 0; i < k; i++) {
			const kdx_effect *e = kdx_sx_find(c, buf[i], KDX_EFF_SET_WEIGHTS, (int32_t)t,
							  -1, SIZE_MAX);
			if (e && e->weights && (e->weights[o] > 0 || !valid(c, e->weights))) {
				*w = e->weights[o];
				*by = buf[i];
				return (int32_t)t;
			}
		}
	}
	return -1;
}

static bool has_traffic(const kdx_sctx *c)
{
	for (size_t t = 0; t < c->nres; t++)
		if (c->plan->resources[t].cls == KDX_RES_TRAFFIC)
			return true;
	return false;
}

static void report(kdx_sctx *c, uint32_t s, const kdx_effect *pe, int32_t o, int32_t t,
		   double w, uint32_t by)
{
	const kdx_plan *p = c->plan;
	kdx_diag *dg = kdx_sx_diag(c, KDX_ERROR, "fencing", pe->span,
				   "step '%s' promotes '%s' in '%s' while '%s' may still take writes",
				   kdx_sx_step(c, s), kdx_sx_res(c, pe->resource),
				   kdx_sx_region(c, pe->region), kdx_sx_region(c, o));
	if (t < 0)
		kdx_diag_note_unlocated(dg, "no step fences '%s', and the runbook declares no traffic "
					"resource whose weights could show it takes no writes",
					kdx_sx_region(c, o));
	else if (by == UINT32_MAX)
		kdx_diag_note_unlocated(dg, "'%s' may still send '%s' %g%% (its weight %s)",
					kdx_sx_res(c, t), kdx_sx_region(c, o), w,
					c->rollback ? "when the rollback starts" : "at the start");
	else if (w <= 0)
		kdx_diag_note(dg, p->steps[by].span,
			      "'%s' gives '%s' 0%% of '%s', but its weights do not sum to 100%%: "
			      "that does not count as draining it", kdx_sx_step(c, by),
			      kdx_sx_region(c, o), kdx_sx_res(c, t));
	else
		kdx_diag_note(dg, p->steps[by].span, "'%s' may still send '%s' %g%% (set by '%s')",
			      kdx_sx_res(c, t), kdx_sx_region(c, o), w, kdx_sx_step(c, by));
	kdx_evlist *F = &c->fence[(size_t)pe->resource * c->nreg + o];
	for (size_t i = 0; i < F->n; i++)
		if (F->steps[i] != s && !kdx_graph_hb(c->g, F->steps[i], s))
			kdx_diag_note(dg, p->steps[F->steps[i]].span,
				      "'%s' fences or unfences '%s' but is not ordered before '%s'",
				      kdx_sx_step(c, F->steps[i]), kdx_sx_region(c, o), kdx_sx_step(c, s));
	kdx_diag_hint(dg, "fence '%s' (or set its weight to 0%% everywhere) in a step that '%s' "
			  "waits for, or use a graceful switchover",
		      kdx_sx_region(c, o), kdx_sx_step(c, s));
}

static void check_promote(kdx_sctx *c, uint32_t s, size_t at, const kdx_effect *pe,
			  uint32_t *buf, uint32_t *olds)
{
	int32_t db = pe->resource;
	if (db < 0 || (size_t)db >= c->nres || pe->region < 0 || (size_t)pe->region >= c->nreg)
		return;
	/* who may be the writer now: the last earlier promotion (in s or before), or the start */
	size_t nold = 0;
	const kdx_effect *own = kdx_sx_find(c, s, KDX_EFF_PROMOTE, db, -1, at);
	if (own) {
		olds[nold++] = (uint32_t)own->region;
	} else {
		bool none;
		size_t k = kdx_sx_last_before(c, &c->promote[db], s, buf, &none);
		for (size_t i = 0; i < k; i++) {
			const kdx_effect *e = kdx_sx_find(c, buf[i], KDX_EFF_PROMOTE, db, -1, SIZE_MAX);
			if (e && e->region >= 0)
				olds[nold++] = (uint32_t)e->region;
		}
		if (none && c->init->writer[db] >= 0)
			olds[nold++] = (uint32_t)c->init->writer[db];
	}
	for (size_t i = 0; i < nold; i++) {
		int32_t o = (int32_t)olds[i];
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= olds[j] == olds[i];
		if (dup || o == pe->region || fenced(c, s, at, db, o, buf))
			continue;
		double w = 0;
		uint32_t by = UINT32_MAX;
		int32_t t = drained(c, s, at, o, buf, &w, &by);
		if (t >= 0 || !has_traffic(c))
			report(c, s, pe, o, t, w, by);
	}
}

void kdx_check_fencing(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	uint32_t *buf = xmalloc((p->nsteps + 1) * sizeof(*buf));
	uint32_t *olds = xmalloc((p->nsteps + 2) * sizeof(*olds));
	for (size_t i = 0; i < c->g->ntopo; i++) {
		uint32_t s = c->g->topo[i];
		kdx_sx_fx fx = kdx_sx_effects(c, s);
		for (size_t k = 0; k < fx.n; k++)
			if (fx.v[k].kind == KDX_EFF_PROMOTE && !fx.v[k].graceful)
				check_promote(c, s, k, &fx.v[k], buf, olds);
	}
	free(buf);
	free(olds);
}
