/* safety/context: event lists and the last-writer query the analyses reason with. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void push(kdx_evlist *L, uint32_t s)
{
	if (L->n && L->steps[L->n - 1] == s)
		return;
	XGROW(L->steps, L->n + 1, L->alloc);
	L->steps[L->n++] = s;
}

void kdx_sx_unindex(kdx_evlist *L)
{
	free(L->nbefore);
	free(L->first_after);
	L->nbefore = L->first_after = NULL;
}

static kdx_evlist *lists(size_t n)
{
	return xcalloc(n + 1, sizeof(kdx_evlist));
}

static void free_lists(kdx_evlist *L, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(L[i].steps);
		kdx_sx_unindex(&L[i]);
	}
	free(L);
}

static bool in_range(int32_t i, size_t n)
{
	return i >= 0 && (size_t)i < n;
}

static void index_effect(kdx_sctx *c, uint32_t s, const kdx_effect *e)
{
	bool res = in_range(e->resource, c->nres), reg = in_range(e->region, c->nreg);
	switch (e->kind) {
	case KDX_EFF_SET_WEIGHTS:
		if (res)
			push(&c->weights[e->resource], s);
		break;
	case KDX_EFF_SET_CAPACITY:
		if (reg)
			push(&c->capacity[e->region], s);
		break;
	case KDX_EFF_SET_HEALTH:
		if (reg)
			push(&c->health[e->region], s);
		break;
	case KDX_EFF_PROMOTE:
		if (res)
			push(&c->promote[e->resource], s);
		break;
	case KDX_EFF_FENCE:
	case KDX_EFF_UNFENCE:
		if (res && reg)
			push(&c->fence[(size_t)e->resource * c->nreg + e->region], s);
		break;
	case KDX_EFF_LAG_GATE:
		if (res)
			push(&c->lag[e->resource], s);
		break;
	default:
		break;
	}
}

void kdx_sx_init(kdx_sctx *c, const kdx_plan *p, kdx_graph *g, const kdx_model *init,
		 kdx_diags *d, const kdx_sx_undo *undo)
{
	memset(c, 0, sizeof(*c));
	c->plan = p;
	c->undo = undo;
	c->g = g;
	c->init = init;
	c->d = d;
	c->rollback = undo != NULL;
	c->nreg = p->nregions;
	c->nres = p->nresources;
	c->weights = lists(c->nres);
	c->capacity = lists(c->nreg);
	c->health = lists(c->nreg);
	c->promote = lists(c->nres);
	c->fence = lists(c->nres * c->nreg);
	c->lag = lists(c->nres);
	/* Break-even in instructions, not in units: a search or visit of kdx_graph_hb costs
	 * ~330 (the filters run on every edge out of a visited step), a step or edge of the
	 * index ~26 (callgrind, the 20,000-step runbook of bench/gen_runbook.py; issue #19).
	 * Counting one for one indexed too late: the rollback's capacity check spent 23 M on
	 * queries an index of 2 M answers. */
	c->index_after = (g->n + g->nedges) / 16;
	c->scratch = xmalloc((p->nsteps + 1) * sizeof(*c->scratch));
	c->scratch2 = xmalloc((p->nsteps + 1) * sizeof(*c->scratch2));
	for (size_t i = 0; i < g->ntopo; i++) {
		uint32_t s = g->topo[i];
		kdx_sx_fx fx = kdx_sx_effects(c, s);
		for (size_t k = 0; k < fx.n; k++)
			index_effect(c, s, &fx.v[k]);
	}
}

void kdx_sx_release(kdx_sctx *c)
{
	free_lists(c->weights, c->nres);
	free_lists(c->capacity, c->nreg);
	free_lists(c->health, c->nreg);
	free_lists(c->promote, c->nres);
	free_lists(c->fence, c->nres * c->nreg);
	free_lists(c->lag, c->nres);
	free(c->scratch);
	free(c->scratch2);
	memset(c, 0, sizeof(*c));
}

bool kdx_sx_is_chain(kdx_sctx *c, kdx_evlist *L)
{
	if (!L->chain) {
		L->chain = 1;
		for (size_t i = 1; i < L->n && L->chain == 1; i++)
			if (!kdx_graph_hb(c->g, L->steps[i - 1], L->steps[i]))
				L->chain = 2;
	}
	return L->chain == 1;
}

/* In L[lo, hi) the entries that happen before s come first (a chain). Return where they
 * end, probing from the end nearest s first (galloping), since that is where the answer
 * usually is: one or two happens-before queries instead of a full binary search. */
static size_t gallop_down(kdx_sctx *c, kdx_evlist *L, size_t lo, size_t hi, uint32_t s)
{
	size_t step = 1, top = hi;
	while (top > lo) {
		size_t probe = top < step || top - step < lo ? lo : top - step;
		if (kdx_graph_hb(c->g, L->steps[probe], s)) {
			lo = probe + 1;
			break;
		}
		top = probe;
		step *= 2;
	}
	hi = top;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (kdx_graph_hb(c->g, L->steps[mid], s))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* In L[lo, hi) the entries s happens before come last; return where they start. */
static size_t gallop_up(kdx_sctx *c, kdx_evlist *L, size_t lo, size_t hi, uint32_t s)
{
	size_t step = 1, bottom = lo;
	while (bottom < hi) {
		size_t probe = bottom + step - 1 >= hi ? hi - 1 : bottom + step - 1;
		if (kdx_graph_hb(c->g, s, L->steps[probe])) {
			hi = probe;
			break;
		}
		bottom = probe + 1;
		step *= 2;
	}
	lo = bottom;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (kdx_graph_hb(c->g, s, L->steps[mid]))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The graph that counts the searches (a reverse view counts them in its forward graph). */
static const kdx_graph *counter(const kdx_graph *g)
{
	return g->reverse_of ? g->reverse_of : g;
}

static uint64_t spent(const kdx_graph *g)
{
	return counter(g)->nsearches + counter(g)->nvisits;
}

/* The index of a chain (see kdx_evlist): one pass in topological order carries "how many
 * list steps are before" along the edges, one pass backwards "the first list step after".
 * Both read the graph the analyses query (for the rollback, the reverse view), so they
 * answer exactly what kdx_graph_hb on that graph answers. */
static void index_chain(kdx_graph *g, kdx_evlist *L)
{
	size_t n = g->n;
	uint32_t *pos = xmalloc((n + 1) * sizeof(*pos));
	L->nbefore = xcalloc(n + 1, sizeof(*L->nbefore));
	L->first_after = xmalloc((n + 1) * sizeof(*L->first_after));
	for (size_t v = 0; v < n; v++) {
		pos[v] = UINT32_MAX;
		L->first_after[v] = (uint32_t)L->n;
	}
	for (size_t i = 0; i < L->n; i++)
		pos[L->steps[i]] = (uint32_t)i;
	for (size_t i = 0; i < g->ntopo; i++) {
		uint32_t v = g->topo[i];
		uint32_t carry = L->nbefore[v];
		if (pos[v] != UINT32_MAX && pos[v] + 1 > carry)
			carry = pos[v] + 1;
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (L->nbefore[g->succ[e]] < carry)
				L->nbefore[g->succ[e]] = carry;
	}
	for (size_t i = g->ntopo; i-- > 0;) {
		uint32_t v = g->topo[i];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++) {
			uint32_t w = g->succ[e];
			uint32_t first = pos[w] != UINT32_MAX ? pos[w] : L->first_after[w];
			if (first < L->first_after[v])
				L->first_after[v] = first;
		}
	}
	free(pos);
}

/* Chain case. The list is totally ordered, so the steps before s (by rank) that happen
 * before s are a prefix, and the steps after s that s happens before are a suffix. May be
 * last: the last of the prefix and everything unordered. */
static size_t last_chain(kdx_sctx *c, kdx_evlist *L, uint32_t s, uint32_t *out, bool *none)
{
	kdx_graph *g = c->g;
	size_t lo = 0, hi = L->n;
	while (lo < hi) { /* first index with rank >= rank[s] */
		size_t mid = (lo + hi) / 2;
		if (g->rank[L->steps[mid]] < g->rank[s])
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t split = lo, after = split < L->n && L->steps[split] == s ? split + 1 : split;
	size_t nanc, desc;
	if (!L->nbefore && L->work >= c->index_after && c->nindexed < KDX_SX_MAX_INDEXED) {
		index_chain(g, L);
		c->nindexed++;
	}
	if (L->nbefore) {
		nanc = L->nbefore[s];
		desc = L->first_after[s];
	} else {
		uint64_t before = spent(g);
		nanc = gallop_down(c, L, 0, split, s);
		desc = gallop_up(c, L, after, L->n, s);
		L->work += spent(g) - before;
	}
	size_t k = 0, i = nanc;
	/* the last ancestor may be a conditional step that is skipped: then the one before
	 * it is last, and so on back to an unconditional one */
	while (i > 0) {
		out[k++] = L->steps[--i];
		if (!c->plan->steps[L->steps[i]].conditional)
			break;
	}
	*none = nanc == 0 || c->plan->steps[L->steps[i]].conditional;
	for (size_t i = nanc; i < split; i++)
		out[k++] = L->steps[i];
	for (size_t i = after; i < desc; i++)
		out[k++] = L->steps[i];
	return k;
}

/* General case (the list is not a chain, which the races analysis reports anyway):
 * a step may be last unless s happens before it or it happens before another,
 * unconditional, step of L that happens before s. Quadratic, so above 256 entries every
 * candidate is kept. */
static size_t last_general(kdx_sctx *c, kdx_evlist *L, uint32_t s, uint32_t *out, bool *none)
{
	kdx_graph *g = c->g;
	size_t k = 0, nanc = 0;
	uint32_t *anc = c->scratch; /* unconditional writers that happen before s */
	*none = true;
	for (size_t i = 0; i < L->n; i++)
		if (L->steps[i] != s && kdx_graph_hb(g, L->steps[i], s) &&
		    !c->plan->steps[L->steps[i]].conditional) {
			anc[nanc++] = L->steps[i];
			*none = false;
		}
	for (size_t i = 0; i < L->n; i++) {
		uint32_t e = L->steps[i];
		if (e == s || kdx_graph_hb(g, s, e))
			continue;
		bool shadowed = false;
		for (size_t j = 0; j < nanc && !shadowed && L->n <= 256; j++)
			shadowed = anc[j] != e && kdx_graph_hb(g, e, anc[j]);
		if (!shadowed)
			out[k++] = e;
	}
	return k;
}

size_t kdx_sx_last_before(kdx_sctx *c, kdx_evlist *L, uint32_t s, uint32_t *out, bool *none)
{
	if (kdx_sx_is_chain(c, L))
		return last_chain(c, L, s, out, none);
	return last_general(c, L, s, out, none);
}

bool kdx_sx_any_before(kdx_sctx *c, kdx_evlist *L, uint32_t s)
{
	bool none;
	if (kdx_sx_is_chain(c, L) && L->n && !c->plan->steps[L->steps[0]].conditional) {
		/* the steps that happen before s are a prefix of the chain */
		if (L->nbefore)
			return L->nbefore[s] > 0;
		return L->steps[0] != s && kdx_graph_hb(c->g, L->steps[0], s);
	}
	kdx_sx_last_before(c, L, s, c->scratch2, &none);
	return !none;
}

static bool match(int32_t want, int32_t have)
{
	return want < 0 || want == have;
}

const kdx_effect *kdx_sx_find(const kdx_sctx *c, uint32_t s, kdx_effect_kind kind, int32_t res,
			      int32_t region, size_t before)
{
	const kdx_effect *found = NULL;
	kdx_sx_fx fx = kdx_sx_effects(c, s);
	for (size_t i = 0; i < fx.n && i < before; i++) {
		const kdx_effect *e = &fx.v[i];
		if (e->kind == kind && match(res, e->resource) && match(region, e->region))
			found = e;
	}
	return found;
}

int64_t kdx_sx_worst(const kdx_sctx *c, uint32_t s, kdx_critical_step *cs)
{
	/* what the rollback copy of such a step used to carry: one attempt, no time */
	static const kdx_step passes = { .attempts = 1 };
	if (c->undo && c->undo[s].passes)
		return kdx_safety_step_worst(&passes, cs);
	return kdx_safety_step_worst(&c->plan->steps[s], cs);
}

kdx_diag *kdx_sx_diag(kdx_sctx *c, kdx_severity sev, const char *code, kdx_span span,
		      const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	kdx_diag *g = kdx_diag_add(c->d, sev, code, span, "%s%s", c->rollback ? "on rollback: " : "",
				   sb.buf);
	strbuf_release(&sb);
	return g;
}

const char *kdx_sx_step(const kdx_sctx *c, uint32_t s)
{
	return c->plan->steps[s].name;
}

const char *kdx_sx_region(const kdx_sctx *c, int32_t r)
{
	return in_range(r, c->nreg) ? c->plan->regions[r].name : "(none)";
}

const char *kdx_sx_res(const kdx_sctx *c, int32_t i)
{
	return in_range(i, c->nres) ? c->plan->resources[i].name : "(none)";
}

void kdx_sx_weights(strbuf *sb, const double *w, size_t n)
{
	for (size_t r = 0; r < n; r++)
		strbuf_addf(sb, r ? "/%g" : "%g", w[r]);
}
