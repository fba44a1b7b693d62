/* sim: run one scenario of a plan on the world model (compiler/model) and a virtual clock,
 * through the executor's own scheduler (executor/scheduler.h) with a simulated backend, so a
 * simulation follows exactly the scheduling rules of `kdx apply`. No I/O, no real time.
 * Durations are drawn from each step's duration model with a seeded PRNG keyed by
 * (seed, step, phase, attempt): the same seed gives the same run. The caller owns the
 * kdx_sim_result (kdx_sim_result_release); it points into the plan for names. */
#ifndef KDX_SIM_H
#define KDX_SIM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "../compiler/model.h"
#include "../compiler/plan.h"
#include "../executor/scheduler.h"
#include "scenario.h"

typedef struct kdx_sim_result kdx_sim_result;

/* A fault a forked run carries: step's do fails (KDX_FAULT_FAIL_STEP) or hangs
 * (KDX_FAULT_TIMEOUT_STEP). */
typedef struct kdx_fork_fault {
	uint32_t step;
	kdx_fault_kind kind;
} kdx_fork_fault;

#define KDX_SIM_MAX_FORK_DEPTH 2

typedef struct kdx_sim_opts {
	uint64_t seed;
	int parallelism;               /* <= 0: the scheduler's default (10) */
	const kdx_scenario *scenario;  /* NULL: fault-free */
	bool timeline;                 /* record events and bars (off for -explore: cheaper) */
	bool rollback_paused;          /* a run that pauses is then rolled back (kdx rollback) */
	/* -explore: when a step's do is first handed to the backend, the run forks two copies
	 * of itself: one where that do fails on every attempt (KDX_FAULT_FAIL_STEP), one where
	 * it never completes (KDX_FAULT_TIMEOUT_STEP), exactly as a run with that scenario
	 * fault would. Each copy runs to its end, then fork_done gets the faults the copy was
	 * forked with (in the order they were injected), its return code (as kdx_sim_run's),
	 * result (released after the call) and error message.
	 * fork_depth (<= 0 means 1) is how many faults one copy may carry: with 2 a copy forks
	 * again at the first launch of every later step (and of the steps launched in the same
	 * batch as its own fault, those with a higher index, so each pair is run once). */
	void (*fork_done)(void *ctx, const kdx_fork_fault *faults, size_t nfaults, int rc,
			  const kdx_sim_result *r, const char *err);
	void *fork_ctx;
	int fork_depth;
	/* How a change's end is noticed by an action that polls (kdx_step.poll_every_ms):
	 * ADAPTIVE, compiler/poll.h's schedule, as kdx apply polls (the default); FIXED, every
	 * `every` from the start (kdx before issue #19, and most SDK waiters); NONE, the moment
	 * it ends -- the inherent critical path, for measuring what polling adds. */
	enum { KDX_SIM_POLL_ADAPTIVE = 0, KDX_SIM_POLL_FIXED, KDX_SIM_POLL_NONE } poll;
} kdx_sim_opts;

/* One line of the timeline. */
typedef struct kdx_sim_event {
	int64_t at_ms;
	const char *step;              /* NULL for run-level events; points into the plan */
	const char *what;              /* "start", "done", "failed", "region down", ... (static) */
	char *message;                 /* owned; may be NULL */
} kdx_sim_event;

typedef enum kdx_sim_bar_end { KDX_BAR_OK = 0, KDX_BAR_FAILED, KDX_BAR_TIMED_OUT } kdx_sim_bar_end;

/* One attempt of a step's do or undo, for the Gantt chart. */
typedef struct kdx_sim_bar {
	uint32_t step;
	kdx_phase phase;
	int attempt;
	int64_t start_ms, end_ms;
	kdx_sim_bar_end end;
} kdx_sim_bar;

typedef struct kdx_sim_result {
	kdx_run_result run;            /* the scheduler's verdict (of the rollback, if paused) */
	bool paused;                   /* the run paused (and was rolled back if asked) */
	kdx_model initial, final;      /* before the first step (faults at 0 applied) / at the end */
	kdx_model start;               /* before anything, faults included: what -explore compares */
	kdx_sim_state *states;         /* per step */
	bool recovered;                /* the recovery predicate holds at the end */
	int64_t rto_ms;                /* achieved RTO (see docs/simulate.md); valid if recovered */
	bool promoted;                 /* an ungraceful promotion happened */
	int64_t rpo_ms;                /* the worst lag of a replica promoted ungracefully */
	int64_t end_ms;                /* when the scheduler finished */
	bool *expect_ok;               /* per scenario expectation */
	size_t nexpects, nexpect_failed;
	char **violations;             /* unsafe states the run passed through ("step: why") */
	size_t nviolations;
	kdx_sim_event *events;         /* opts.timeline only */
	size_t nevents, aevents;
	kdx_sim_bar *bars;             /* opts.timeline only */
	size_t nbars, abars;
} kdx_sim_result;

/* Run the plan once under opts. Returns 0 when the run reached a conclusion (res filled,
 * even if expectations failed), -1 on an internal error (err says why). */
int kdx_sim_run(const kdx_plan *p, const kdx_sim_opts *o, kdx_sim_result *res, strbuf *err);
void kdx_sim_result_release(kdx_sim_result *r);

/* The recovery predicate behind the achieved RTO: every traffic resource sends weight only
 * to healthy regions with enough capacity, and every database's writer is in a healthy
 * region and not fenced. Returns true, or false with the first reason in why (may be NULL). */
bool kdx_sim_recovered(const kdx_model *m, strbuf *why);

/* The safety invariants -explore checks after a rollback: each traffic resource sums to
 * 100 %, some healthy region serves it, weight only where there is capacity, each database
 * has one writer and it is not fenced. Appends one line per violation to why ("; "-joined);
 * returns the number of violations. */
int kdx_sim_invariants(const kdx_model *m, strbuf *why);

/* The duration the simulator draws for an attempt: uniform in the step's [min, max]. */
int64_t kdx_sim_draw(uint64_t seed, size_t step, kdx_phase phase, int attempt, int64_t min,
		     int64_t max);

#endif
