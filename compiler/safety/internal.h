/* safety/internal: what the analysis files share -- the context of one run (forward or
 * rollback), per-object event lists in topological order, and the "which writer may be the
 * last before step s" query every state-based analysis is built on. Private to safety/. */
#ifndef KDX_SAFETY_INTERNAL_H
#define KDX_SAFETY_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/diag.h"
#include "../graph.h"
#include "../model.h"
#include "../plan.h"
#include "../safety.h"

#define KDX_SX_MAX_INDEXED 16

/* Steps that touch one object, unique, sorted by topological rank. chain: every pair is
 * ordered by the graph (checked once, lazily: 0 unknown, 1 yes, 2 no).
 * A chain whose queries have cost more graph searches than one pass over the graph gets an
 * index (built once, freed with the context): nbefore[v] = how many steps of the list
 * happen before v (they are a prefix), first_after[v] = the index of the first step of the
 * list that v happens before (n if none). Then a query is two reads instead of a galloping
 * search, which on a wide graph (one list read by steps of a thousand other lanes) is where
 * the analyses spent their time. */
typedef struct kdx_evlist {
	uint32_t *steps;
	size_t n, alloc;
	int chain;
	uint64_t work;            /* graph visits the list's queries cost so far */
	uint32_t *nbefore, *first_after;
} kdx_evlist;

/* What a step runs on rollback: its undo effects (snapshot restores filled in), or nothing
 * -- then the rollback passes it at once and it takes no time. The rollback analyses read
 * the forward plan's steps through one of these per step instead of a copy of every step
 * (26 MiB at 100,000 steps, issue #19). */
typedef struct kdx_sx_undo {
	const kdx_effect *effects;
	uint32_t neffects;
	bool passes;               /* nothing to undo: no time, attempts 1 */
} kdx_sx_undo;

/* A step's effects as the run being checked sees them. */
typedef struct kdx_sx_fx {
	const kdx_effect *v;
	size_t n;
} kdx_sx_fx;

typedef struct kdx_sctx {
	const kdx_plan *plan;
	const kdx_sx_undo *undo;   /* rollback: per step, what it runs; NULL forward */
	kdx_graph *g;
	const kdx_model *init;     /* the state before the first step */
	kdx_diags *d;
	bool rollback;             /* checking the rollback graph: messages say so */
	kdx_safety_report *rep;    /* forward run only; NULL on rollback */
	size_t nreg, nres;
	kdx_evlist *weights;       /* per resource: SET_WEIGHTS */
	kdx_evlist *capacity;      /* per region: SET_CAPACITY */
	kdx_evlist *health;        /* per region: SET_HEALTH */
	kdx_evlist *promote;       /* per resource: PROMOTE */
	kdx_evlist *fence;         /* per resource x region: FENCE and UNFENCE */
	kdx_evlist *lag;           /* per resource: LAG_GATE */
	uint32_t *scratch;         /* nsteps entries, for kdx_sx_last_before */
	uint32_t *scratch2;        /* nsteps entries, for kdx_sx_any_before */
	double *cap_min;           /* capacity pass: least capacity set per region */
	double *weight_max;        /* capacity pass: most weight per resource x region */
	uint64_t index_after;      /* a chain is indexed once its queries cost this many graph
				    * searches and visits (default: a sixteenth of the graph's
				    * steps + edges, what the index costs to build, as a visit
				    * costs ~13 times a step of the index (kdx_sx_init); tests set
				    * 0 or UINT64_MAX) */
	size_t nindexed;           /* chains indexed so far: at most KDX_SX_MAX_INDEXED, 8 bytes
				    * per step each */
} kdx_sctx;

/* undo: NULL for the forward run; for the rollback, what each step of p runs (p->nsteps
 * entries, owned by the caller, alive as long as c). */
void kdx_sx_init(kdx_sctx *c, const kdx_plan *p, kdx_graph *g, const kdx_model *init,
		 kdx_diags *d, const kdx_sx_undo *undo);
void kdx_sx_release(kdx_sctx *c);

/* The steps of L that may be the last of L to run before step s starts, in some order the
 * graph allows (s itself left out). A conditional step may be skipped, so it never hides
 * the writers before it. Written to out (room for L->n); returns how many. *none is set
 * when s may start before any step of L has run (or with all those that did skipped). */
size_t kdx_sx_last_before(kdx_sctx *c, kdx_evlist *L, uint32_t s, uint32_t *out, bool *none);
/* Does some step of L (other than s) happen before s? One query when L is a chain. */
bool kdx_sx_any_before(kdx_sctx *c, kdx_evlist *L, uint32_t s);
/* Is every pair of steps in L ordered? */
bool kdx_sx_is_chain(kdx_sctx *c, kdx_evlist *L);
/* Free L's index (kdx_sx_release does it for the context's lists). */
void kdx_sx_unindex(kdx_evlist *L);

/* The effects step s runs in this run (forward: its own; rollback: its undo's). */
static inline kdx_sx_fx kdx_sx_effects(const kdx_sctx *c, uint32_t s)
{
	if (c->undo)
		return (kdx_sx_fx){ c->undo[s].effects, c->undo[s].neffects };
	return (kdx_sx_fx){ c->plan->steps[s].effects, c->plan->steps[s].neffects };
}
/* kdx_safety_step_worst of step s in this run: a step the rollback passes takes no time. */
int64_t kdx_sx_worst(const kdx_sctx *c, uint32_t s, kdx_critical_step *cs);

/* The last effect of `kind` in step s on (res, region) (-1 = any), at index < before
 * (SIZE_MAX = all), among the effects s runs in this run; NULL if none. */
const kdx_effect *kdx_sx_find(const kdx_sctx *c, uint32_t s, kdx_effect_kind kind, int32_t res,
			      int32_t region, size_t before);

/* Add a diagnostic; on the rollback graph the message starts with "on rollback: ". */
kdx_diag *kdx_sx_diag(kdx_sctx *c, kdx_severity sev, const char *code, kdx_span span,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

const char *kdx_sx_step(const kdx_sctx *c, uint32_t s);     /* step name */
const char *kdx_sx_region(const kdx_sctx *c, int32_t r);    /* region name or "(none)" */
const char *kdx_sx_res(const kdx_sctx *c, int32_t i);       /* resource name or "(none)" */
/* "70/20/10" */
void kdx_sx_weights(strbuf *sb, const double *w, size_t n);

/* The analyses. Each adds diagnostics with its own code. */
void kdx_check_graph(const kdx_plan *p, kdx_graph *g, kdx_diags *d);
void kdx_check_traffic(kdx_sctx *c);
/* check_arc.c: routing-control steps against their panels' safety rules (part of traffic). */
void kdx_check_arc_rules(kdx_sctx *c);
void kdx_check_capacity(kdx_sctx *c);
void kdx_check_rto(kdx_sctx *c);
void kdx_check_rpo(kdx_sctx *c);
void kdx_check_fencing(kdx_sctx *c);
void kdx_check_reversibility(kdx_sctx *c);
void kdx_check_races(kdx_sctx *c);
void kdx_check_state(kdx_sctx *c);

#endif
