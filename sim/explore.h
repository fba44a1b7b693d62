/* explore: kdx simulate -explore -- for every step, one run where its `do` fails and one
 * where it times out, each followed by the rollback the scheduler does; then the safety
 * invariants are checked on the world the rollback left, and that world is compared with
 * the starting one, except for what irreversible steps changed (listed, not an error).
 * The caller owns kdx_explore (kdx_explore_release); rows point into the plan for names. */
#ifndef KDX_EXPLORE_H
#define KDX_EXPLORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "../compiler/plan.h"
#include "../executor/scheduler.h"
#include "scenario.h"
#include "sim.h"

typedef struct kdx_explore_row {
	uint32_t step;
	kdx_fault_kind fault;        /* KDX_FAULT_FAIL_STEP or KDX_FAULT_TIMEOUT_STEP */
	kdx_run_status status;       /* how the run ended (rolled_back, degraded, ...) */
	bool paused;                 /* it paused first; status is the rollback's that followed */
	bool unsafe;
	char *violations;            /* unsafe states during the run and after it, or NULL */
	char *leftovers;             /* what differs from the start and should not, or NULL */
	char *irreversible;          /* what irreversible steps changed for good, or NULL */
} kdx_explore_row;

typedef struct kdx_explore {
	kdx_explore_row *rows;
	size_t nrows, nunsafe;
} kdx_explore;

/* Returns 0 (see out->nunsafe), or -1 with err filled when a run could not be done.
 * One fault-free run forks the faulty ones where their fault fires (sim.h, fork_done):
 * a run is only simulated from the point where it differs from the fault-free one. */
int kdx_explore_run(const kdx_plan *p, uint64_t seed, int parallelism, kdx_explore *out,
		    strbuf *err);
/* The same rows, with each (step, fault) run alone from the start instead of forked from
 * one fault-free run: n times slower; the reference kdx_explore_run is tested against. */
int kdx_explore_run_each(const kdx_plan *p, uint64_t seed, int parallelism, kdx_explore *out,
			 strbuf *err);
void kdx_explore_release(kdx_explore *x);

/* ---- -explore -depth 2: every pair of faults ----
 * Two step faults (each a fail or a timeout of a step's do, on two different steps), and
 * a step fault with a region lost from the start. Each pair's run is rolled back and judged
 * as a single fault's is; a pair also says whether it breaks objectives.rto (the world
 * not recovered when the run ends, or recovered later than the RTO). Step pairs are forked from one fault-free run (a copy with one fault
 * forks again at the later first launches); region pairs from one run per lost region. */
typedef struct kdx_explore_pair {
	kdx_explore_row row;         /* row.step, row.fault: the first fault (the lower step) */
	bool region_lost;            /* the second fault is region lost from 0s, not a step */
	uint32_t step2;              /* !region_lost: the second fault's step (> row.step) */
	kdx_fault_kind fault2;
	int32_t region;              /* region_lost: into plan->regions */
	int64_t end_ms;              /* when the run (with its rollback) ended */
	bool recovered;              /* the recovery predicate held at the end (sim.h) */
	int64_t rto_ms;              /* the achieved RTO, when recovered */
	bool breaks_rto;             /* the plan has an RTO, and the world was not recovered at
				      * the end or was recovered after it */
} kdx_explore_pair;

typedef struct kdx_explore_pairs {
	kdx_explore_pair *pairs;     /* step pairs by (step, fault, step2, fault2), then region
				      * pairs by (region, step, fault) */
	size_t npairs, nunsafe, nbreaks_rto;
} kdx_explore_pairs;

/* Returns 0 or -1 (err filled) as kdx_explore_run. */
int kdx_explore_pairs_run(const kdx_plan *p, uint64_t seed, int parallelism,
			  kdx_explore_pairs *out, strbuf *err);
/* The same pairs, each run alone from the start: the reference the forked one is tested
 * against (quadratically many runs from the start: for tests). */
int kdx_explore_pairs_run_each(const kdx_plan *p, uint64_t seed, int parallelism,
			       kdx_explore_pairs *out, strbuf *err);
void kdx_explore_pairs_release(kdx_explore_pairs *x);

#endif
