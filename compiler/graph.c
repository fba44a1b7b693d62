/* graph: successor lists, Kahn's order, cycles as paths, and scalable happens-before. */
#include "graph.h"
#include "../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

static void add_issue(kdx_graph *g, kdx_graph_issue_kind k, uint32_t step, size_t pred)
{
	XGROW(g->issues, g->nissues + 1, g->aissues);
	g->issues[g->nissues++] = (kdx_graph_issue){ k, step, pred };
}

/* Successor lists in CSR form. Self edges, bad indexes and duplicates are dropped and
 * recorded; a duplicate is found with a per-step stamp on the pred. */
static void build_csr(kdx_graph *g)
{
	const kdx_plan *p = g->plan;
	size_t n = g->n;
	uint32_t *seen = xmalloc((n + 1) * sizeof(*seen));
	bool *keep_flag;
	size_t total = 0;
	for (size_t v = 0; v < n; v++)
		total += p->steps[v].npreds;
	keep_flag = xcalloc(total + 1, 1);
	for (size_t v = 0; v < n; v++)
		seen[v] = NONE;
	g->succ_off = xcalloc(n + 1, sizeof(*g->succ_off));
	size_t k = 0;
	for (size_t v = 0; v < n; v++) {
		const kdx_step *s = &p->steps[v];
		for (size_t i = 0; i < s->npreds; i++, k++) {
			uint32_t u = s->preds[i].from;
			if (u >= n) {
				add_issue(g, KDX_GRAPH_BAD_INDEX, (uint32_t)v, i);
			} else if (u == v) {
				add_issue(g, KDX_GRAPH_SELF_EDGE, (uint32_t)v, i);
			} else if (seen[u] == v) {
				add_issue(g, KDX_GRAPH_DUP_EDGE, (uint32_t)v, i);
			} else {
				seen[u] = (uint32_t)v;
				keep_flag[k] = 1;
				g->succ_off[u + 1]++;
			}
		}
	}
	for (size_t v = 0; v < n; v++)
		g->succ_off[v + 1] += g->succ_off[v];
	g->nedges = g->succ_off[n];
	g->succ = xmalloc((g->nedges + 1) * sizeof(*g->succ));
	g->succ_edge = xmalloc((g->nedges + 1) * sizeof(*g->succ_edge));
	uint32_t *fill = seen; /* reuse: next free slot per step */
	memcpy(fill, g->succ_off, n * sizeof(*fill));
	k = 0;
	for (size_t v = 0; v < n; v++) {
		const kdx_step *s = &p->steps[v];
		for (size_t i = 0; i < s->npreds; i++, k++) {
			if (!keep_flag[k])
				continue;
			uint32_t u = s->preds[i].from;
			g->succ[fill[u]] = (uint32_t)v;
			g->succ_edge[fill[u]++] = (uint32_t)i;
		}
	}
	free(keep_flag);
	free(seen);
}

static void kahn(kdx_graph *g)
{
	size_t n = g->n;
	uint32_t *indeg = xcalloc(n + 1, sizeof(*indeg));
	for (size_t e = 0; e < g->nedges; e++)
		indeg[g->succ[e]]++;
	g->topo = xmalloc((n + 1) * sizeof(*g->topo));
	g->rank = xmalloc((n + 1) * sizeof(*g->rank));
	size_t head = 0, tail = 0;
	for (size_t v = 0; v < n; v++) {
		g->rank[v] = NONE;
		if (!indeg[v])
			g->topo[tail++] = (uint32_t)v;
	}
	while (head < tail) {
		uint32_t v = g->topo[head++];
		g->rank[v] = (uint32_t)(head - 1);
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (--indeg[g->succ[e]] == 0)
				g->topo[tail++] = g->succ[e];
	}
	g->ntopo = tail;
	g->acyclic = tail == n;
	free(indeg);
}

/* Mark everything reachable from the steps of a cycle (state 2 = on a cycle, 3 = blocked). */
static void taint_from_cycle(kdx_graph *g, uint8_t *state, const uint32_t *cyc, size_t len)
{
	uint32_t *st = g->stack;
	size_t sp = 0;
	for (size_t i = 0; i < len; i++)
		st[sp++] = cyc[i];
	while (sp) {
		uint32_t v = st[--sp];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++) {
			uint32_t w = g->succ[e];
			if (state[w] == 1) {
				state[w] = 3;
				g->blocked_by[w] = g->blocked_by[v] == NONE ? v : g->blocked_by[v];
				st[sp++] = w;
			}
		}
	}
}

/* Every step Kahn could not order waits, through steps that also were not ordered, for a
 * cycle. Walking preds back from such a step (only through unmarked ones) must repeat a
 * step: that loop is a cycle. Report it, mark what it blocks, and go on until none is
 * left. Each step is marked once, so this is linear. */
static void find_cycles(kdx_graph *g)
{
	size_t n = g->n;
	const kdx_plan *p = g->plan;
	uint8_t *state = xcalloc(n + 1, 1); /* 0 ordered, 1 unclassified, 2 cycle, 3 blocked */
	uint32_t *walk_pos = xmalloc((n + 1) * sizeof(*walk_pos));
	uint32_t *walk = xmalloc((n + 1) * sizeof(*walk));
	for (size_t v = 0; v < n; v++) {
		state[v] = g->rank[v] == NONE ? 1 : 0;
		walk_pos[v] = NONE;
	}
	for (size_t start = 0; start < n; start++) {
		if (state[start] != 1)
			continue;
		size_t len = 0;
		uint32_t v = (uint32_t)start;
		while (walk_pos[v] == NONE) {
			walk_pos[v] = (uint32_t)len;
			walk[len++] = v;
			uint32_t next = NONE;
			const kdx_step *s = &p->steps[v];
			for (size_t i = 0; i < s->npreds && next == NONE; i++) {
				uint32_t u = s->preds[i].from;
				if (u < n && u != v && state[u] == 1)
					next = u;
			}
			v = next; /* an unclassified step always has an unclassified pred */
		}
		/* walk[walk_pos[v] .. len) is the cycle, in pred order; print it forwards. */
		size_t from = walk_pos[v], clen = len - from;
		uint32_t *cyc = xmalloc(clen * sizeof(*cyc));
		for (size_t i = 0; i < clen; i++)
			cyc[i] = walk[len - 1 - i];
		/* start the printed cycle at its lowest step index, for stable output */
		size_t lo = 0;
		for (size_t i = 1; i < clen; i++)
			if (cyc[i] < cyc[lo])
				lo = i;
		uint32_t *rot = xmalloc(clen * sizeof(*rot));
		for (size_t i = 0; i < clen; i++)
			rot[i] = cyc[(lo + i) % clen];
		free(cyc);
		for (size_t i = 0; i < len; i++)
			walk_pos[walk[i]] = NONE;
		for (size_t i = 0; i < clen; i++)
			state[rot[i]] = 2;
		g->cycles = xrealloc(g->cycles, (g->ncycles + 1) * sizeof(*g->cycles));
		g->cycle_len = xrealloc(g->cycle_len, (g->ncycles + 1) * sizeof(*g->cycle_len));
		g->cycles[g->ncycles] = rot;
		g->cycle_len[g->ncycles++] = clen;
		taint_from_cycle(g, state, rot, clen);
	}
	g->unreachable = xmalloc((n + 1) * sizeof(*g->unreachable));
	for (size_t v = 0; v < n; v++)
		if (state[v] == 3)
			g->unreachable[g->nunreachable++] = (uint32_t)v;
	free(walk);
	free(walk_pos);
	free(state);
}

/* Sort each successor list by rank, ascending: the pruned search pops the last one first,
 * so it walks toward the target greedily and positive answers come quickly. Lists are
 * short, so insertion sort. */
static void sort_succs(kdx_graph *g)
{
	for (size_t v = 0; v < g->n; v++) {
		for (uint32_t i = g->succ_off[v] + 1; i < g->succ_off[v + 1]; i++) {
			uint32_t w = g->succ[i], we = g->succ_edge[i], j = i;
			while (j > g->succ_off[v] && g->rank[g->succ[j - 1]] > g->rank[w]) {
				g->succ[j] = g->succ[j - 1];
				g->succ_edge[j] = g->succ_edge[j - 1];
				j--;
			}
			g->succ[j] = w;
			g->succ_edge[j] = we;
		}
	}
}

/* The numbers of kdx_graph_label, one array each while they are computed. */
typedef struct labels {
	uint32_t *level, *height, *pre, *post, *low;
	uint32_t *xpre[KDX_GRAPH_NLABELS], *xpost[KDX_GRAPH_NLABELS], *xlow[KDX_GRAPH_NLABELS];
} labels;

/* Level, height, and pre/post numbers of a DFS forest over successors. */
static void label(kdx_graph *g, labels *g2)
{
	size_t n = g->n;
	g2->level = xcalloc(n + 1, sizeof(*g2->level));
	g2->height = xcalloc(n + 1, sizeof(*g2->height));
	g2->pre = xcalloc(n + 1, sizeof(*g2->pre));
	g2->post = xcalloc(n + 1, sizeof(*g2->post));
	for (size_t i = 0; i < n; i++) {
		uint32_t v = g->topo[i];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (g2->level[g->succ[e]] < g2->level[v] + 1)
				g2->level[g->succ[e]] = g2->level[v] + 1;
	}
	for (size_t i = n; i-- > 0;) {
		uint32_t v = g->topo[i];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (g2->height[v] < g2->height[g->succ[e]] + 1)
				g2->height[v] = g2->height[g->succ[e]] + 1;
	}
	uint32_t *it = xmalloc((n + 1) * sizeof(*it));
	uint8_t *vis = xcalloc(n + 1, 1);
	uint32_t clock = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t root = g->topo[i];
		if (vis[root])
			continue;
		size_t sp = 0;
		g->stack[sp++] = root;
		vis[root] = 1;
		g2->pre[root] = clock++;
		it[root] = g->succ_off[root];
		while (sp) {
			uint32_t v = g->stack[sp - 1];
			if (it[v] < g->succ_off[v + 1]) {
				uint32_t w = g->succ[it[v]++];
				if (!vis[w]) {
					vis[w] = 1;
					g2->pre[w] = clock++;
					it[w] = g->succ_off[w];
					g->stack[sp++] = w;
				}
			} else {
				g2->post[v] = clock++;
				sp--;
			}
		}
	}
	free(vis);
	free(it);
	g2->low = xmalloc((n + 1) * sizeof(*g2->low));
	for (size_t i = n; i-- > 0;) {
		uint32_t v = g->topo[i];
		g2->low[v] = g2->post[v];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (g2->low[g->succ[e]] < g2->low[v])
				g2->low[v] = g2->low[g->succ[e]];
	}
}

/* Post numbers of a DFS forest whose roots come in reverse topological order (odd k) and
 * which visits each step's successors from a pseudo-random offset; then low numbers. */
static void extra_label(kdx_graph *g, labels *L, int k)
{
	size_t n = g->n;
	uint32_t *post = xmalloc((n + 1) * sizeof(*post)), *low = xmalloc((n + 1) * sizeof(*low));
	uint32_t *pre = xmalloc((n + 1) * sizeof(*pre));
	uint32_t *it = xmalloc((n + 1) * sizeof(*it)), *start = xmalloc((n + 1) * sizeof(*start));
	uint8_t *vis = xcalloc(n + 1, 1);
	uint32_t clock = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t root = g->topo[k % 2 ? n - 1 - i : i];
		if (vis[root])
			continue;
		size_t sp = 0;
		g->stack[sp++] = root;
		vis[root] = 1;
		it[root] = 0;
		pre[root] = clock++;
		while (sp) {
			uint32_t v = g->stack[sp - 1], deg = g->succ_off[v + 1] - g->succ_off[v];
			if (it[v] == 0)
				start[v] = deg ? (uint32_t)((v * 2654435761u + (uint32_t)k * 40503u) % deg) : 0;
			if (it[v] < deg) {
				uint32_t w = g->succ[g->succ_off[v] + (start[v] + it[v]++) % deg];
				if (!vis[w]) {
					vis[w] = 1;
					it[w] = 0;
					pre[w] = clock++;
					g->stack[sp++] = w;
				}
			} else {
				post[v] = clock++;
				sp--;
			}
		}
	}
	for (size_t i = n; i-- > 0;) {
		uint32_t v = g->topo[i];
		low[v] = post[v];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (low[g->succ[e]] < low[v])
				low[v] = low[g->succ[e]];
	}
	L->xpre[k] = pre;
	L->xpost[k] = post;
	L->xlow[k] = low;
	free(vis);
	free(it);
	free(start);
}

/* A greedy path cover in topological order: step v continues the chain of the first of its
 * kept predecessors (in the order the plan lists them) that ends a chain; otherwise it starts
 * a chain. Consecutive steps of a chain are joined by an edge, so a lower position on the
 * same chain means a path. */
static void chains(kdx_graph *g)
{
	size_t n = g->n;
	uint8_t *ends = xcalloc(n + 1, 1); /* v is the last step of its chain so far */
	uint32_t nchains = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = g->topo[i];
		const kdx_step *s = &g->plan->steps[v];
		struct kdx_graph_label *l = &g->lab[v];
		l->chain = NONE;
		for (size_t k = 0; k < s->npreds && l->chain == NONE; k++) {
			uint32_t u = s->preds[k].from;
			if (u < n && u != v && ends[u]) {
				ends[u] = 0;
				l->chain = g->lab[u].chain;
				l->cpos = g->lab[u].cpos + 1;
			}
		}
		if (l->chain == NONE) {
			l->chain = nchains++;
			l->cpos = 0;
		}
		ends[v] = 1;
	}
	free(ends);
}

static void pack(kdx_graph *g, labels *L)
{
	g->lab = xmalloc((g->n + 1) * sizeof(*g->lab));
	for (size_t v = 0; v < g->n; v++) {
		struct kdx_graph_label *l = &g->lab[v];
		l->rank = g->rank[v];
		l->level = L->level[v];
		l->height = L->height[v];
		l->pre = L->pre[v];
		l->post = L->post[v];
		l->low = L->low[v];
		for (int k = 0; k < KDX_GRAPH_NLABELS; k++) {
			l->xpre[k] = L->xpre[k][v];
			l->xlow[k] = L->xlow[k][v];
			l->xpost[k] = L->xpost[k][v];
		}
	}
	free(L->level);
	free(L->height);
	free(L->pre);
	free(L->post);
	free(L->low);
	for (int k = 0; k < KDX_GRAPH_NLABELS; k++) {
		free(L->xpre[k]);
		free(L->xpost[k]);
		free(L->xlow[k]);
	}
}

/* Landmark reachability: KDX_GRAPH_NLM steps spread evenly over the topological order;
 * lm_to[v] has bit i when v reaches landmark i (or is it), lm_from[v] when landmark i
 * reaches v (or is it). One pass each way over the edges, OR-ing the words. */
static void landmarks(kdx_graph *g)
{
	size_t n = g->n, W = KDX_GRAPH_LMWORDS;
	g->lm_to = xcalloc((n + 1) * W, sizeof(*g->lm_to));
	g->lm_from = xcalloc((n + 1) * W, sizeof(*g->lm_from));
	size_t nlm = n < W * 64 ? n : W * 64;
	for (size_t i = 0; i < nlm; i++) {
		uint32_t v = g->topo[i * n / nlm + (n / nlm) / 2];
		g->lm_to[v * W + i / 64] |= 1ull << (i % 64);
		g->lm_from[v * W + i / 64] |= 1ull << (i % 64);
	}
	for (size_t i = n; i-- > 0;) {
		uint32_t v = g->topo[i];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			for (size_t k = 0; k < W; k++)
				g->lm_to[v * W + k] |= g->lm_to[(size_t)g->succ[e] * W + k];
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t v = g->topo[i];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			for (size_t k = 0; k < W; k++)
				g->lm_from[(size_t)g->succ[e] * W + k] |= g->lm_from[v * W + k];
	}
}

void kdx_graph_build(kdx_graph *g, const kdx_plan *plan)
{
	memset(g, 0, sizeof(*g));
	g->plan = plan;
	g->n = plan->nsteps;
	g->stack = xmalloc((g->n + 1) * sizeof(*g->stack));
	g->mark = xcalloc(g->n + 1, sizeof(*g->mark));
	g->blocked_by = xmalloc((g->n + 1) * sizeof(*g->blocked_by));
	for (size_t v = 0; v < g->n; v++)
		g->blocked_by[v] = NONE;
	build_csr(g);
	kahn(g);
	if (!g->acyclic)
		find_cycles(g);
	else {
		labels L;
		sort_succs(g);
		label(g, &L);
		for (int k = 0; k < KDX_GRAPH_NLABELS; k++)
			extra_label(g, &L, k);
		pack(g, &L);
		chains(g);
		landmarks(g);
	}
}

void kdx_graph_reverse(kdx_graph *view, kdx_graph *fwd, const kdx_plan *plan)
{
	size_t n = fwd->n;
	memset(view, 0, sizeof(*view));
	view->plan = plan;
	view->n = n;
	view->nedges = fwd->nedges;
	view->reverse_of = fwd;
	/* successors in the view = predecessors in fwd; filling by ascending u keeps each
	 * list in ascending order, as build_csr lists successors by the index of the step
	 * that names the edge */
	view->succ_off = xcalloc(n + 1, sizeof(*view->succ_off));
	view->succ = xmalloc((fwd->nedges + 1) * sizeof(*view->succ));
	for (size_t e = 0; e < fwd->nedges; e++)
		view->succ_off[fwd->succ[e] + 1]++;
	for (size_t v = 0; v < n; v++)
		view->succ_off[v + 1] += view->succ_off[v];
	uint32_t *fill = xmalloc((n + 1) * sizeof(*fill));
	memcpy(fill, view->succ_off, n * sizeof(*fill));
	for (size_t u = 0; u < n; u++)
		for (uint32_t e = fwd->succ_off[u]; e < fwd->succ_off[u + 1]; e++)
			view->succ[fill[fwd->succ[e]]++] = (uint32_t)u;
	free(fill);
	kahn(view);
}

void kdx_graph_release(kdx_graph *g)
{
	for (size_t i = 0; i < g->ncycles; i++)
		free(g->cycles[i]);
	free(g->cycles);
	free(g->cycle_len);
	free(g->unreachable);
	free(g->blocked_by);
	free(g->issues);
	free(g->succ_off);
	free(g->succ);
	free(g->succ_edge);
	free(g->topo);
	free(g->rank);
	free(g->lab);
	free(g->lm_to);
	free(g->lm_from);
	free(g->mark);
	free(g->stack);
	memset(g, 0, sizeof(*g));
}

static bool in_subtree(const kdx_graph *g, uint32_t a, uint32_t b)
{
	const struct kdx_graph_label *la = &g->lab[a], *lb = &g->lab[b];
	if (la->pre <= lb->pre && lb->post <= la->post)
		return true;
	if (la->chain == lb->chain && la->cpos < lb->cpos)
		return true;
	const uint64_t *ta = &g->lm_to[(size_t)a * KDX_GRAPH_LMWORDS];
	const uint64_t *fb = &g->lm_from[(size_t)b * KDX_GRAPH_LMWORDS];
	for (size_t k = 0; k < KDX_GRAPH_LMWORDS; k++)
		if (ta[k] & fb[k])
			return true;
	for (int k = 0; k < KDX_GRAPH_NLABELS; k++)
		if (la->xpre[k] <= lb->xpre[k] && lb->xpost[k] <= la->xpost[k])
			return true;
	return false;
}

/* A step w can lie on a path to b only if it comes before b in every measure. */
static bool may_lead_to(const kdx_graph *g, uint32_t w, uint32_t b)
{
	const struct kdx_graph_label *lw = &g->lab[w], *lb = &g->lab[b];
	if (!(lw->rank < lb->rank && lw->level < lb->level && lw->height > lb->height &&
	      lw->low <= lb->low && lb->post <= lw->post))
		return false;
	for (int k = 0; k < KDX_GRAPH_NLABELS; k++)
		if (lw->xlow[k] > lb->xlow[k] || lb->xpost[k] > lw->xpost[k])
			return false;
	/* a landmark that reaches w but not b, or that b reaches but w does not */
	const uint64_t *fw = &g->lm_from[(size_t)w * KDX_GRAPH_LMWORDS];
	const uint64_t *fb = &g->lm_from[(size_t)b * KDX_GRAPH_LMWORDS];
	const uint64_t *tw = &g->lm_to[(size_t)w * KDX_GRAPH_LMWORDS];
	const uint64_t *tb = &g->lm_to[(size_t)b * KDX_GRAPH_LMWORDS];
	for (size_t k = 0; k < KDX_GRAPH_LMWORDS; k++)
		if ((fw[k] & ~fb[k]) | (tb[k] & ~tw[k]))
			return false;
	return true;
}

bool kdx_graph_hb(kdx_graph *g, uint32_t a, uint32_t b)
{
	if (g->reverse_of)
		return kdx_graph_hb(g->reverse_of, b, a);
	if (a == b || !g->acyclic || a >= g->n || b >= g->n)
		return false;
	if (!may_lead_to(g, a, b))
		return false;
	if (in_subtree(g, a, b))
		return true;
	g->nsearches++;
	if (++g->stamp == 0) { /* wrapped: clear the marks once every 4 billion searches */
		memset(g->mark, 0, g->n * sizeof(*g->mark));
		g->stamp = 1;
	}
	size_t sp = 0;
	uint32_t rb = g->rank[b];
	g->stack[sp++] = a;
	g->mark[a] = g->stamp;
	while (sp) {
		uint32_t v = g->stack[--sp];
		/* successors are sorted by rank: once one is not before b, none after it is */
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++) {
			uint32_t w = g->succ[e];
			if (w == b)
				return true;
			if (g->rank[w] >= rb)
				break;
			if (g->mark[w] == g->stamp)
				continue;
			g->mark[w] = g->stamp; /* settled either way: never test it twice */
			if (!may_lead_to(g, w, b))
				continue;
			if (in_subtree(g, w, b))
				return true;
			g->stack[sp++] = w;
			g->nvisits++;
		}
	}
	return false;
}

bool kdx_graph_unordered(kdx_graph *g, uint32_t a, uint32_t b)
{
	return a != b && !kdx_graph_hb(g, a, b) && !kdx_graph_hb(g, b, a);
}

const kdx_edge *kdx_graph_edge(const kdx_graph *g, uint32_t a, uint32_t b)
{
	const kdx_step *s = &g->plan->steps[b];
	for (size_t i = 0; i < s->npreds; i++)
		if (s->preds[i].from == a)
			return &s->preds[i];
	return NULL;
}
