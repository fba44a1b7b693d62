/* safety/traffic: the starting weights (the region blocks', or a traffic resource's own
 * `weights`) and every weight assignment sum to 100 %, and in every order the graph allows,
 * each traffic resource sends traffic to at least one healthy region. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <math.h>
#include <stdlib.h>

/* May region r be down when step s starts? (Health changes only by SET_HEALTH effects.) */
static bool maybe_down(kdx_sctx *c, int32_t r, uint32_t s, uint32_t *buf)
{
	bool none;
	size_t k = kdx_sx_last_before(c, &c->health[r], s, buf, &none);
	if (none && !c->init->healthy[r])
		return true;
	for (size_t i = 0; i < k; i++) {
		const kdx_effect *e = kdx_sx_find(c, buf[i], KDX_EFF_SET_HEALTH, -1, r,
						  SIZE_MAX);
		if (e && !e->flag)
			return true;
	}
	return false;
}

static void check_sum(kdx_sctx *c, uint32_t s, const kdx_effect *e)
{
	double sum = 0;
	bool range = true;
	for (size_t r = 0; r < c->nreg; r++) {
		sum += e->weights[r];
		range &= e->weights[r] >= 0 && e->weights[r] <= 100;
	}
	if (fabs(sum - 100) <= KDX_PCT_EPS && range)
		return;
	strbuf w = STRBUF_INIT;
	for (size_t r = 0; r < c->nreg; r++)
		strbuf_addf(&w, "%s%s %g%%", r ? ", " : "", kdx_sx_region(c, (int32_t)r), e->weights[r]);
	kdx_diag *g;
	if (!range)
		g = kdx_sx_diag(c, KDX_ERROR, "traffic", e->span,
				"step '%s' sets a weight of '%s' outside 0%%..100%%", kdx_sx_step(c, s),
				kdx_sx_res(c, e->resource));
	else
		g = kdx_sx_diag(c, KDX_ERROR, "traffic", e->span,
				"weights of '%s' set by step '%s' sum to %g%%, not 100%%",
				kdx_sx_res(c, e->resource), kdx_sx_step(c, s), sum);
	kdx_diag_note_unlocated(g, "the weights are: %s", w.buf);
	kdx_diag_hint(g, "make the weights of every region add up to exactly 100%%");
	strbuf_release(&w);
}

static void check_serves(kdx_sctx *c, uint32_t s, const kdx_effect *e, uint32_t *buf)
{
	for (size_t r = 0; r < c->nreg; r++)
		if (e->weights[r] > 0 && !maybe_down(c, (int32_t)r, s, buf))
			return;
	kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "traffic", e->span,
				  "step '%s' may send all of '%s' to regions that are down",
				  kdx_sx_step(c, s), kdx_sx_res(c, e->resource));
	kdx_diag_hint(g, "give weight to a region that stays healthy, or order the step after "
			 "the region is brought back");
}

/* h takes region r down: for each traffic resource, every weight vector that may be in
 * force when h runs must still send traffic to another region that may not be down. */
static void check_down(kdx_sctx *c, uint32_t h, int32_t r, uint32_t *buf, uint32_t *buf2)
{
	for (size_t t = 0; t < c->nres; t++) {
		if (c->plan->resources[t].cls != KDX_RES_TRAFFIC)
			continue;
		bool none;
		size_t k = kdx_sx_last_before(c, &c->weights[t], h, buf, &none);
		for (size_t i = 0; i <= k; i++) {
			const double *w;
			uint32_t setter = UINT32_MAX;
			if (i == k) {
				if (!none)
					break;
				w = &c->init->weights[t * c->nreg];
			} else {
				setter = buf[i];
				const kdx_effect *e = kdx_sx_find(c, setter,
								  KDX_EFF_SET_WEIGHTS, (int32_t)t, -1, SIZE_MAX);
				if (!e || !e->weights)
					continue;
				w = e->weights;
			}
			bool serves = false;
			for (size_t o = 0; o < c->nreg && !serves; o++)
				serves = (int32_t)o != r && w[o] > 0 &&
					 !maybe_down(c, (int32_t)o, h, buf2);
			if (serves)
				continue;
			strbuf ws = STRBUF_INIT;
			kdx_sx_weights(&ws, w, c->nreg);
			kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "traffic", c->plan->steps[h].span,
						  "step '%s' takes '%s' down while no other healthy region "
						  "may serve '%s' (weights %s)",
						  kdx_sx_step(c, h), kdx_sx_region(c, r), kdx_sx_res(c, (int32_t)t),
						  ws.buf);
			if (setter != UINT32_MAX)
				kdx_diag_note(g, c->plan->steps[setter].span,
					      "those weights are set by '%s'", kdx_sx_step(c, setter));
			else
				kdx_diag_note_unlocated(g, "those are the weights %s", c->rollback ? "when the rollback starts" : "at the start");
			kdx_diag_hint(g, "move the traffic away from '%s' in a step that '%s' waits for",
				      kdx_sx_region(c, r), kdx_sx_step(c, h));
			strbuf_release(&ws);
			break;
		}
	}
}

/* Weights that start at 105 % make every later check about them meaningless (a step that
 * moves 75 % of it proves nothing), so they are an error of their own: first the region
 * blocks' weights, then each traffic resource that declares its own. */
static void check_start(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	double sum = 0;
	for (size_t r = 0; r < p->nregions; r++)
		sum += p->regions[r].weight;
	if (p->nregions && sum > KDX_PCT_EPS && fabs(sum - 100) > KDX_PCT_EPS) {
		kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "traffic", p->regions[0].span,
					  "the regions' weights sum to %g%%, not 100%%", sum);
		for (size_t r = 0; r < p->nregions; r++)
			kdx_diag_note(g, p->regions[r].span, "'%s' declares weight %g%%",
				      p->regions[r].name, p->regions[r].weight);
		kdx_diag_hint(g, "declare the live split: the weights of the region blocks add up to "
				 "exactly 100%%");
	}
	for (size_t t = 0; t < c->nres; t++) {
		if (p->resources[t].cls != KDX_RES_TRAFFIC || !kdx_value_get(p->resources[t].attrs, "weights"))
			continue;
		const double *w = &c->init->weights[t * c->nreg];
		double ts = 0;
		for (size_t r = 0; r < c->nreg; r++)
			ts += w[r];
		if (fabs(ts - 100) <= KDX_PCT_EPS)
			continue;
		strbuf ws = STRBUF_INIT;
		kdx_sx_weights(&ws, w, c->nreg);
		kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "traffic", p->resources[t].span,
					  "the weights '%s' starts with sum to %g%%, not 100%% (%s)",
					  kdx_sx_res(c, (int32_t)t), ts, ws.buf);
		kdx_diag_hint(g, "make its `weights` add up to exactly 100%%");
		strbuf_release(&ws);
	}
}

void kdx_check_traffic(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	if (!c->rollback)
		check_start(c);
	uint32_t *buf = xmalloc((p->nsteps + 1) * sizeof(*buf));
	uint32_t *buf2 = xmalloc((p->nsteps + 1) * sizeof(*buf2));
	for (size_t i = 0; i < c->g->ntopo; i++) {
		uint32_t s = c->g->topo[i];
		kdx_sx_fx fx = kdx_sx_effects(c, s);
		for (size_t k = 0; k < fx.n; k++) {
			const kdx_effect *e = &fx.v[k];
			if (e->kind == KDX_EFF_SET_WEIGHTS && e->weights) {
				size_t before = c->d->nerrors;
				check_sum(c, s, e);
				if (c->d->nerrors == before)
					check_serves(c, s, e, buf);
			} else if (e->kind == KDX_EFF_SET_HEALTH && !e->flag && e->region >= 0 &&
				   (size_t)e->region < c->nreg) {
				check_down(c, s, e->region, buf, buf2);
			}
		}
	}
	free(buf);
	free(buf2);
	kdx_check_arc_rules(c);
}
