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

#endif
