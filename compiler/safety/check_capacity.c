/* safety/capacity: a region gets weight w only when, in every order the graph allows, its
 * capacity is already >= w -- raised by a step that happens before, or enough from the
 * start -- and no step lowers a region's capacity under the weight it may be getting. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>

/* The capacity of region r that step s may see, at the effect with index `at` of s: report
 * every setter that may be last and leaves less than w. */
static void check_gets(kdx_sctx *c, uint32_t s, size_t at, const kdx_effect *we, int32_t r,
		       uint32_t *buf)
{
	const kdx_plan *p = c->plan;
	double w = we->weights[r];
	const kdx_effect *own = kdx_sx_find(c, s, KDX_EFF_SET_CAPACITY, -1, r, at);
	if (own) {
		if (own->pct >= 0 && own->pct + KDX_PCT_EPS < w) {
			kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "capacity", we->span,
						  "step '%s' gives '%s' %g%% of '%s' but sets its capacity "
						  "to only %g%%",
						  kdx_sx_step(c, s), kdx_sx_region(c, r), w,
						  kdx_sx_res(c, we->resource), own->pct);
			kdx_diag_hint(g, "raise the capacity of '%s' to at least %g%%", kdx_sx_region(c, r), w);
		}
		return;
	}
	bool none;
	size_t k;
	if (c->cap_min[r] + KDX_PCT_EPS >= w) {
		/* no setter leaves less than w: only "no setter before s" can go wrong */
		if (c->init->capacity[r] + KDX_PCT_EPS >= w || kdx_sx_any_before(c, &c->capacity[r], s))
			return;
	}
	k = kdx_sx_last_before(c, &c->capacity[r], s, buf, &none);
	if (none && c->init->capacity[r] + KDX_PCT_EPS < w) {
		kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "capacity", we->span,
					  "step '%s' gives '%s' %g%% of '%s' but its capacity may still "
					  "be %g%%",
					  kdx_sx_step(c, s), kdx_sx_region(c, r), w,
					  kdx_sx_res(c, we->resource), c->init->capacity[r]);
		for (size_t i = 0; i < k; i++)
			kdx_diag_note(g, p->steps[buf[i]].span,
				      "'%s' sets that capacity but is not ordered before '%s'",
				      kdx_sx_step(c, buf[i]), kdx_sx_step(c, s));
		kdx_diag_hint(g, "raise the capacity of '%s' to at least %g%% in a step that '%s' "
				 "waits for (after)", kdx_sx_region(c, r), w, kdx_sx_step(c, s));
		return;
	}
	for (size_t i = 0; i < k; i++) {
		const kdx_effect *ce = kdx_sx_find(c, buf[i], KDX_EFF_SET_CAPACITY, -1, r, SIZE_MAX);
		if (!ce || ce->pct < 0 || ce->pct + KDX_PCT_EPS >= w)
			continue; /* pct < 0: a snapshot, known only at run time */
		bool before = kdx_graph_hb(c->g, buf[i], s);
		kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "capacity", we->span,
					  "step '%s' gives '%s' %g%% of '%s' but its capacity may be "
					  "%g%% (set by '%s')",
					  kdx_sx_step(c, s), kdx_sx_region(c, r), w,
					  kdx_sx_res(c, we->resource), ce->pct, kdx_sx_step(c, buf[i]));
		kdx_diag_note(g, ce->span, before ? "'%s' sets it to %g%% before '%s'"
						  : "'%s' sets it to %g%% and is not ordered with '%s'",
			      kdx_sx_step(c, buf[i]), ce->pct, kdx_sx_step(c, s));
		kdx_diag_hint(g, "raise the capacity of '%s' to at least %g%% in a step that '%s' "
				 "waits for (after)", kdx_sx_region(c, r), w, kdx_sx_step(c, s));
	}
}

/* Step s lowers region r to pct: every weight that may be in force must fit. */
static void check_lowers(kdx_sctx *c, uint32_t s, const kdx_effect *ce, uint32_t *buf)
{
	const kdx_plan *p = c->plan;
	int32_t r = ce->region;
	for (size_t t = 0; t < c->nres; t++) {
		if (p->resources[t].cls != KDX_RES_TRAFFIC ||
		    c->weight_max[t * c->nreg + r] <= ce->pct + KDX_PCT_EPS)
			continue;
		bool none;
		size_t k = kdx_sx_last_before(c, &c->weights[t], s, buf, &none);
		double worst = none ? c->init->weights[t * c->nreg + r] : -1;
		uint32_t by = UINT32_MAX;
		for (size_t i = 0; i < k; i++) {
			const kdx_effect *we = kdx_sx_find(c, buf[i], KDX_EFF_SET_WEIGHTS,
							   (int32_t)t, -1, SIZE_MAX);
			if (we && we->weights && we->weights[r] > worst) {
				worst = we->weights[r];
				by = buf[i];
			}
		}
		if (worst <= ce->pct + KDX_PCT_EPS)
			continue;
		kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "capacity", ce->span,
					  "step '%s' lowers the capacity of '%s' to %g%% while '%s' may "
					  "still send it %g%%",
					  kdx_sx_step(c, s), kdx_sx_region(c, r), ce->pct,
					  kdx_sx_res(c, (int32_t)t), worst);
		if (by != UINT32_MAX)
			kdx_diag_note(g, p->steps[by].span, "'%s' sets that weight", kdx_sx_step(c, by));
		else
			kdx_diag_note_unlocated(g, "that is the weight %s", c->rollback ? "when the rollback starts" : "at the start");
		kdx_diag_hint(g, "move the traffic away from '%s' in a step that '%s' waits for",
			      kdx_sx_region(c, r), kdx_sx_step(c, s));
	}
}

static void check_initial(kdx_sctx *c)
{
	for (size_t r = 0; r < c->nreg && !c->rollback; r++) {
		const kdx_plan_region *pr = &c->plan->regions[r];
		if (pr->weight <= pr->capacity + KDX_PCT_EPS)
			continue;
		kdx_diag *g = kdx_diag_add(c->d, KDX_ERROR, "capacity", pr->span,
					   "region '%s' starts with weight %g%% but capacity %g%%",
					   pr->name, pr->weight, pr->capacity);
		kdx_diag_hint(g, "declare the capacity it really has, at least its weight");
	}
}

/* The least capacity any step sets per region, and the most weight any traffic resource
 * may give each region: most pairs then need no ordering question at all. */
static void bounds(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	c->cap_min = xmalloc((c->nreg + 1) * sizeof(double));
	c->weight_max = xmalloc((c->nres * c->nreg + 1) * sizeof(double));
	for (size_t r = 0; r < c->nreg; r++)
		c->cap_min[r] = 1e300;
	for (size_t i = 0; i < c->nres * c->nreg; i++)
		c->weight_max[i] = c->init->weights[i];
	for (size_t i = 0; i < p->nsteps; i++) {
		kdx_sx_fx fx = kdx_sx_effects(c, (uint32_t)i);
		for (size_t k = 0; k < fx.n; k++) {
			const kdx_effect *e = &fx.v[k];
			if (e->kind == KDX_EFF_SET_CAPACITY && e->pct >= 0 && e->region >= 0 &&
			    (size_t)e->region < c->nreg && e->pct < c->cap_min[e->region])
				c->cap_min[e->region] = e->pct;
			if (e->kind != KDX_EFF_SET_WEIGHTS || !e->weights || e->resource < 0 ||
			    (size_t)e->resource >= c->nres)
				continue;
			double *row = &c->weight_max[(size_t)e->resource * c->nreg];
			for (size_t r = 0; r < c->nreg; r++)
				if (e->weights[r] > row[r])
					row[r] = e->weights[r];
		}
	}
}

void kdx_check_capacity(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	uint32_t *buf = xmalloc((p->nsteps + 1) * sizeof(*buf));
	bounds(c);
	check_initial(c);
	for (size_t i = 0; i < c->g->ntopo; i++) {
		uint32_t s = c->g->topo[i];
		kdx_sx_fx fx = kdx_sx_effects(c, s);
		for (size_t k = 0; k < fx.n; k++) {
			const kdx_effect *e = &fx.v[k];
			if (e->kind == KDX_EFF_SET_WEIGHTS && e->weights) {
				for (size_t r = 0; r < c->nreg; r++)
					if (e->weights[r] > 0)
						check_gets(c, s, k, e, (int32_t)r, buf);
			} else if (e->kind == KDX_EFF_SET_CAPACITY && e->pct >= 0 && e->region >= 0 &&
				   (size_t)e->region < c->nreg) {
				check_lowers(c, s, e, buf);
			}
		}
	}
	free(buf);
	free(c->cap_min);
	free(c->weight_max);
	c->cap_min = c->weight_max = NULL;
}
