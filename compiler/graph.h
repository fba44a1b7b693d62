/* graph: the step dependency graph of a kdx_plan -- successor lists, a topological order,
 * cycles and the steps they block, and happens-before queries that scale to 100k steps
 * without a transitive closure. A kdx_graph owns its arrays (kdx_graph_release frees
 * them); it points at the plan, which must outlive it. Nothing here prints. */
#ifndef KDX_GRAPH_H
#define KDX_GRAPH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"

/* What the graph pass saw that is wrong with the edges themselves. */
typedef enum kdx_graph_issue_kind {
	KDX_GRAPH_SELF_EDGE,   /* a step waits for itself; the edge is left out */
	KDX_GRAPH_BAD_INDEX,   /* a pred index past nsteps; the edge is left out */
	KDX_GRAPH_DUP_EDGE,    /* the same pred twice; the second is left out */
} kdx_graph_issue_kind;

typedef struct kdx_graph_issue {
	kdx_graph_issue_kind kind;
	uint32_t step;         /* the step whose preds hold the edge */
	size_t pred;           /* index into that step's preds[] */
} kdx_graph_issue;

typedef struct kdx_graph {
	const kdx_plan *plan;
	size_t n;                 /* = plan->nsteps */
	size_t nedges;            /* edges kept (after dropping self, bad and duplicate edges) */
	uint32_t *succ_off;       /* CSR: successors of v are succ[succ_off[v] .. succ_off[v+1]) */
	uint32_t *succ;
	uint32_t *succ_edge;      /* parallel to succ: index into plan->steps[w].preds[] */
	uint32_t *topo;           /* topological order (Kahn, ties by source order); ntopo entries */
	size_t ntopo;             /* == n when acyclic */
	uint32_t *rank;           /* position in topo; UINT32_MAX for steps that never get ready */
	bool acyclic;

	/* Cycles: each is a list of step indices c0 -> c1 -> ... -> ck-1 -> c0. */
	uint32_t **cycles;
	size_t *cycle_len;
	size_t ncycles;
	/* Steps that are on no reported cycle but wait (transitively) for one: they can never
	 * run. blocked_by[v] is the cycle step they wait for, for the message. */
	uint32_t *unreachable;
	size_t nunreachable;
	uint32_t *blocked_by;     /* indexed by step; UINT32_MAX when not unreachable */

	kdx_graph_issue *issues;
	size_t nissues, aissues;

	/* Happens-before filters (acyclic graphs only), packed per step so that one test
	 * touches one cache line: topological rank; longest path from a source (level) and to
	 * a sink (height); pre/post numbers of a DFS spanning forest (b in a's subtree: a
	 * reaches b); low = the least post number among the step's descendants (if a reaches
	 * b, [low b, post b] lies inside [low a, post a]: a GRAIL-style negative filter); and
	 * the same for more DFS forests that visit successors in other orders, each of which
	 * settles more pairs (one more: on the 100,000-step benchmark the second and third
	 * cost 47 M instructions, at both 100 and 1,000 lanes, more than the searches they
	 * spared; issue #19, round 8). chain/cpos: a path cover (each step continues the chain of its
	 * first predecessor that no other step continued yet), so a step before b on b's chain
	 * reaches b: on a graph of parallel lanes, the positive test that ends most searches as
	 * soon as they enter b's lane. */
#define KDX_GRAPH_NLABELS 1
	struct kdx_graph_label {
		uint32_t rank, level, height, pre, post, low, chain, cpos;
		uint32_t xpre[KDX_GRAPH_NLABELS], xlow[KDX_GRAPH_NLABELS], xpost[KDX_GRAPH_NLABELS];
	} *lab;
	/* Landmarks: KDX_GRAPH_LMWORDS * 64 steps spread over the topological order. Bit i of
	 * lm_to[v * KDX_GRAPH_LMWORDS ..] says v reaches landmark i (or is it); of lm_from,
	 * that landmark i reaches v (or is it). A common landmark proves a before b; one that
	 * reaches a but not b, or b but not a, disproves it. 2 words (128 landmarks, 32 bytes
	 * per step): since the path cover settles same-chain pairs, 8 words visited as many
	 * steps on the 100k-step benchmark (docs/benchmarks.md) for 9.6 MB more. */
#define KDX_GRAPH_LMWORDS 2
	uint64_t *lm_to, *lm_from;
	/* Scratch for the pruned search; makes kdx_graph_hb non-reentrant per graph. */
	uint32_t *mark, stamp;
	uint32_t *stack;
	uint64_t nsearches;
	uint64_t nvisits;       /* queries the filters could not answer (for benchmarks) */
	/* Set on a reverse view (kdx_graph_reverse): the graph whose edges it turns round and
	 * whose labels, landmarks and search answer its happens-before queries. */
	struct kdx_graph *reverse_of;
} kdx_graph;

/* Build from plan. Never fails: problems are recorded in issues/cycles/unreachable. */
void kdx_graph_build(kdx_graph *g, const kdx_plan *plan);
void kdx_graph_release(kdx_graph *g);

/* A reverse view of the acyclic graph fwd: the same steps with every edge turned round, so
 * that a happens before b in the view exactly when b happens before a in fwd (the rollback
 * analysis: undo steps run in the reverse order). It owns only what the order needs --
 * successor lists (fwd's predecessors, ascending), topo and rank, which are those
 * kdx_graph_build would give a plan with the reversed edges (Kahn's, ties by source order)
 * -- and asks fwd for happens-before, whose labels need no copy: about 3 arrays of n and
 * one of nedges instead of a second graph with labels and landmarks. The view's plan is
 * `plan` (the rollback plan: the same steps; their preds are not read, a step's
 * predecessors in the view are its successors in fwd); succ_edge, lab and the landmarks
 * are NULL; its searches are counted in fwd. fwd must outlive the view and not change.
 * Release with kdx_graph_release. */
void kdx_graph_reverse(kdx_graph *view, kdx_graph *fwd, const kdx_plan *plan);

/* Does a happen before b, i.e. is there a path a -> ... -> b (a != b)? Requires an acyclic
 * graph. Cost: O(1) for most pairs (rank, level, height and DFS-interval filters), else a
 * search pruned to the steps that lie between a and b. */
bool kdx_graph_hb(kdx_graph *g, uint32_t a, uint32_t b);
/* Neither a before b nor b before a: they may run in either order or at once. */
bool kdx_graph_unordered(kdx_graph *g, uint32_t a, uint32_t b);

/* The edge a -> b as written in the plan (for its span), or NULL. */
const kdx_edge *kdx_graph_edge(const kdx_graph *g, uint32_t a, uint32_t b);

#endif
