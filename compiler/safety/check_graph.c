/* safety/graph: duplicate step names, broken edges, cycles (as paths) and steps that can
 * never run. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* Open addressing over step indices; the table is twice the steps, a power of two. */
static void check_duplicates(const kdx_plan *p, kdx_diags *d)
{
	size_t cap = 16;
	while (cap < 2 * p->nsteps)
		cap *= 2;
	uint32_t *tab = xmalloc(cap * sizeof(*tab));
	memset(tab, 0xff, cap * sizeof(*tab));
	for (size_t i = 0; i < p->nsteps; i++) {
		const char *name = p->steps[i].name ? p->steps[i].name : "";
		size_t h = hash_str(name) & (cap - 1);
		while (tab[h] != UINT32_MAX && strcmp(p->steps[tab[h]].name, name))
			h = (h + 1) & (cap - 1);
		if (tab[h] == UINT32_MAX) {
			tab[h] = (uint32_t)i;
			continue;
		}
		kdx_diag *g = kdx_diag_add(d, KDX_ERROR, "graph", p->steps[i].span,
					   "duplicate step '%s'", name);
		kdx_diag_note(g, p->steps[tab[h]].span, "'%s' is first defined here", name);
		kdx_diag_hint(g, "rename one of them; step names are unique in a runbook");
	}
	free(tab);
}

static void check_issues(const kdx_plan *p, const kdx_graph *gr, kdx_diags *d)
{
	for (size_t i = 0; i < gr->nissues; i++) {
		const kdx_graph_issue *is = &gr->issues[i];
		const kdx_step *s = &p->steps[is->step];
		const kdx_edge *e = &s->preds[is->pred];
		kdx_diag *g;
		switch (is->kind) {
		case KDX_GRAPH_SELF_EDGE:
			g = kdx_diag_add(d, KDX_ERROR, "graph", e->span, "step '%s' waits for itself",
					 s->name);
			kdx_diag_hint(g, "remove '%s' from its own dependencies", s->name);
			break;
		case KDX_GRAPH_BAD_INDEX:
			kdx_diag_add(d, KDX_ERROR, "graph", e->span,
				     "step '%s' waits for a step that does not exist (index %u)", s->name,
				     e->from);
			break;
		case KDX_GRAPH_DUP_EDGE:
			/* an explicit `after` next to a data reference is harmless; two `after`s are
			 * a slip worth pointing out */
			for (size_t j = 0; j < is->pred; j++) {
				const kdx_edge *o = &s->preds[j];
				if (o->from == e->from && o->kind == KDX_EDGE_AFTER &&
				    e->kind == KDX_EDGE_AFTER) {
					g = kdx_diag_add(d, KDX_WARNING, "graph", e->span,
							 "step '%s' waits for '%s' twice", s->name,
							 p->steps[e->from].name);
					kdx_diag_note(g, o->span, "first written here");
					break;
				}
			}
			break;
		}
	}
}

static void check_cycles(const kdx_plan *p, const kdx_graph *gr, kdx_diags *d)
{
	for (size_t k = 0; k < gr->ncycles; k++) {
		const uint32_t *cy = gr->cycles[k];
		size_t n = gr->cycle_len[k];
		strbuf path = STRBUF_INIT;
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&path, "%s -> ", p->steps[cy[i]].name);
		strbuf_addstr(&path, p->steps[cy[0]].name);
		kdx_diag *g = kdx_diag_add(d, KDX_ERROR, "graph", p->steps[cy[0]].span,
					   "steps form a cycle: %s", path.buf);
		for (size_t i = 0; i < n; i++) {
			uint32_t from = cy[i], to = cy[(i + 1) % n];
			const kdx_edge *e = kdx_graph_edge(gr, from, to);
			if (e && e->kind == KDX_EDGE_DATA)
				kdx_diag_note(g, e->span, "'%s' reads a result of '%s' here, so it waits for it",
					      p->steps[to].name, p->steps[from].name);
			else if (e)
				kdx_diag_note(g, e->span, "'%s' waits for '%s' here", p->steps[to].name,
					      p->steps[from].name);
		}
		kdx_diag_hint(g, "remove one of these dependencies: no step of a cycle can ever start");
		strbuf_release(&path);
	}
	for (size_t k = 0; k < gr->nunreachable; k++) {
		uint32_t v = gr->unreachable[k], b = gr->blocked_by[v];
		kdx_diag *g = kdx_diag_add(d, KDX_ERROR, "graph", p->steps[v].span,
					   "step '%s' can never run: it waits for '%s', which is on a cycle",
					   p->steps[v].name, p->steps[b].name);
		kdx_diag_hint(g, "break the cycle; '%s' then runs as written", p->steps[v].name);
	}
}

void kdx_check_graph(const kdx_plan *p, kdx_graph *gr, kdx_diags *d)
{
	check_duplicates(p, d);
	check_issues(p, gr, d);
	check_cycles(p, gr, d);
}
