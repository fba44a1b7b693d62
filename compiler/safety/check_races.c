/* safety/races: two steps that write the same thing (a resource, a region's capacity or
 * its health) must be ordered by the graph. The writers of one object, sorted in
 * topological order, are all ordered iff each consecutive pair is (by transitivity), so
 * this costs one happens-before query per write, not one per pair. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>

/* The object an effect writes, or -1: resources first, then each region's capacity, then
 * each region's health. */
static int64_t object(const kdx_sctx *c, const kdx_effect *e, bool second)
{
	bool res = e->resource >= 0 && (size_t)e->resource < c->nres;
	bool reg = e->region >= 0 && (size_t)e->region < c->nreg;
	switch (e->kind) {
	case KDX_EFF_SET_CAPACITY:
		if (!second)
			return reg ? (int64_t)(c->nres + (size_t)e->region) : -1;
		return res ? e->resource : -1; /* the fleet it resizes, when named */
	case KDX_EFF_SET_HEALTH:
		return !second && reg ? (int64_t)(c->nres + c->nreg + (size_t)e->region) : -1;
	case KDX_EFF_SET_WEIGHTS:
	case KDX_EFF_PROMOTE:
	case KDX_EFF_FENCE:
	case KDX_EFF_UNFENCE:
	case KDX_EFF_SET_ALARM:
	case KDX_EFF_WRITE:
		return !second && res ? e->resource : -1;
	default:
		return -1;
	}
}

static void describe(strbuf *sb, const kdx_sctx *c, size_t obj)
{
	if (obj < c->nres)
		strbuf_addf(sb, "'%s'", kdx_sx_res(c, (int32_t)obj));
	else if (obj < c->nres + c->nreg)
		strbuf_addf(sb, "the capacity of '%s'", kdx_sx_region(c, (int32_t)(obj - c->nres)));
	else
		strbuf_addf(sb, "the health of '%s'",
			    kdx_sx_region(c, (int32_t)(obj - c->nres - c->nreg)));
}

void kdx_check_races(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	size_t nobj = c->nres + 2 * c->nreg;
	kdx_evlist *L = xcalloc(nobj + 1, sizeof(*L));
	for (size_t i = 0; i < c->g->ntopo; i++) {
		uint32_t s = c->g->topo[i];
		const kdx_step *st = &p->steps[s];
		for (size_t k = 0; k < st->neffects; k++) {
			for (int second = 0; second < 2; second++) {
				int64_t o = object(c, &st->effects[k], second);
				if (o < 0)
					continue;
				kdx_evlist *l = &L[o];
				if (l->n && l->steps[l->n - 1] == s)
					continue;
				XGROW(l->steps, l->n + 1, l->alloc);
				l->steps[l->n++] = s;
			}
		}
	}
	for (size_t o = 0; o < nobj; o++) {
		for (size_t i = 1; i < L[o].n; i++) {
			uint32_t a = L[o].steps[i - 1], b = L[o].steps[i];
			if (kdx_graph_hb(c->g, a, b))
				continue;
			strbuf what = STRBUF_INIT;
			describe(&what, c, o);
			kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "races", p->steps[b].span,
						  "steps '%s' and '%s' both change %s but neither waits for "
						  "the other",
						  p->steps[a].name, p->steps[b].name, what.buf);
			kdx_diag_note(g, p->steps[a].span, "'%s' changes it too", p->steps[a].name);
			kdx_diag_hint(g, "add `after %s` to '%s' (or the reverse) so the last write is "
					 "always the same", p->steps[a].name, p->steps[b].name);
			strbuf_release(&what);
		}
		free(L[o].steps);
	}
	free(L);
}
