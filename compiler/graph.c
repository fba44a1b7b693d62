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

/* Level, height, and pre/post numbers of a DFS forest over successors. */
static void label(kdx_graph *g)
{
	size_t n = g->n;
	g->level = xcalloc(n + 1, sizeof(*g->level));
	g->height = xcalloc(n + 1, sizeof(*g->height));
	g->pre = xcalloc(n + 1, sizeof(*g->pre));
	g->post = xcalloc(n + 1, sizeof(*g->post));
	for (size_t i = 0; i < n; i++) {
		uint32_t v = g->topo[i];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (g->level[g->succ[e]] < g->level[v] + 1)
				g->level[g->succ[e]] = g->level[v] + 1;
	}
	for (size_t i = n; i-- > 0;) {
		uint32_t v = g->topo[i];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (g->height[v] < g->height[g->succ[e]] + 1)
				g->height[v] = g->height[g->succ[e]] + 1;
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
		g->pre[root] = clock++;
		it[root] = g->succ_off[root];
		while (sp) {
			uint32_t v = g->stack[sp - 1];
			if (it[v] < g->succ_off[v + 1]) {
				uint32_t w = g->succ[it[v]++];
				if (!vis[w]) {
					vis[w] = 1;
					g->pre[w] = clock++;
					it[w] = g->succ_off[w];
					g->stack[sp++] = w;
				}
			} else {
				g->post[v] = clock++;
				sp--;
			}
		}
	}
	free(vis);
	free(it);
	g->low = xmalloc((n + 1) * sizeof(*g->low));
	for (size_t i = n; i-- > 0;) {
		uint32_t v = g->topo[i];
		g->low[v] = g->post[v];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++)
			if (g->low[g->succ[e]] < g->low[v])
				g->low[v] = g->low[g->succ[e]];
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
	else
		label(g);
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
	free(g->level);
	free(g->height);
	free(g->pre);
	free(g->post);
	free(g->low);
	free(g->mark);
	free(g->stack);
	memset(g, 0, sizeof(*g));
}

static bool in_subtree(const kdx_graph *g, uint32_t a, uint32_t b)
{
	return g->pre[a] <= g->pre[b] && g->post[b] <= g->post[a];
}

/* A step w can lie on a path to b only if it comes before b in every measure. */
static bool may_lead_to(const kdx_graph *g, uint32_t w, uint32_t b)
{
	return g->rank[w] < g->rank[b] && g->level[w] < g->level[b] && g->height[w] > g->height[b] &&
	       g->low[w] <= g->low[b] && g->post[b] <= g->post[w];
}

bool kdx_graph_hb(kdx_graph *g, uint32_t a, uint32_t b)
{
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
	g->stack[sp++] = a;
	g->mark[a] = g->stamp;
	while (sp) {
		uint32_t v = g->stack[--sp];
		for (uint32_t e = g->succ_off[v]; e < g->succ_off[v + 1]; e++) {
			uint32_t w = g->succ[e];
			if (w == b)
				return true;
			if (g->mark[w] == g->stamp || !may_lead_to(g, w, b))
				continue;
			if (in_subtree(g, w, b))
				return true;
			g->mark[w] = g->stamp;
			g->stack[sp++] = w;
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
