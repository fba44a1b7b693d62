/* scheduler: runs a checked kdx_plan's steps -- in parallel where the graph allows, with
 * preconditions, approvals, timeouts, retries, stop conditions, the RTO deadline, rollback and
 * resume -- through a backend interface, so the real AWS/Terraform backend and the simulator
 * follow exactly the same rules. Single-threaded: one event loop, the backend's poll hook does
 * the I/O (the HTTP client's poll) and reports completions with kdx_sched_complete().
 * Every state change is journalled before it is acted on. The caller owns everything it
 * passes in; the scheduler owns its kdx_op structs (valid until completed or cancelled). */
#ifndef KDX_SCHEDULER_H
#define KDX_SCHEDULER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "../compiler/plan.h"
#include "clock.h"
#include "events.h"
#include "journal.h"

typedef struct kdx_sched kdx_sched;

typedef enum kdx_phase { KDX_PHASE_DO = 0, KDX_PHASE_UNDO } kdx_phase;

/* One attempt of a step's `do` or its undo, handed to the backend. */
typedef struct kdx_op {
	const kdx_step *step;
	size_t index;          /* into plan->steps */
	kdx_phase phase;
	int attempt;           /* 1-based */
	const char *token;     /* idempotency token: the same for every attempt and after resume */
	const char *snapshot;  /* UNDO: the JSON the do left for it (may be NULL) */
	void *be_data;         /* the backend's own, untouched by the scheduler */
	/* Set by the backend before it reports a failure (or when it is cancelled): a
	 * mutating request of this attempt may have reached the service, so the failure
	 * leaves the change in doubt and the scheduler reads live state (`reconcile`)
	 * before it retries, moves on or rolls back. Reset for every attempt. */
	bool sent;
} kdx_op;

typedef enum kdx_precheck { KDX_PRE_OK = 0, KDX_PRE_SKIP, KDX_PRE_FAIL } kdx_precheck;
typedef enum kdx_recon { KDX_RECON_NOT_DONE = 0, KDX_RECON_DONE, KDX_RECON_UNKNOWN } kdx_recon;

typedef struct kdx_backend {
	void *ctx;
	/* Evaluate `when` and `require` (read-only). SKIP: `when` is false; FAIL: a precondition
	 * does not hold (why says which). Called once per step, before its first attempt. */
	kdx_precheck (*precheck)(void *ctx, const kdx_step *st, strbuf *why);
	/* Optional: read what the undo will need (e.g. the weights before the change) as JSON
	 * into out. Called before the intent is journalled, so a crash cannot lose it. */
	int (*snapshot)(void *ctx, const kdx_step *st, strbuf *out, strbuf *err);
	/* Begin an attempt. Returns 0 when started: kdx_sched_complete() follows (from poll, from
	 * a timer, or even from inside start). -1: the attempt failed at once (err says why). */
	int (*start)(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err);
	/* The attempt timed out: stop it; it must not complete afterwards. */
	void (*cancel)(void *ctx, kdx_op *op);
	/* Optional I/O hook the real clock waits in (see clock.h). */
	kdx_poll_fn poll;
	/* A journalled intent has no result: did the change happen? Read live state only. */
	kdx_recon (*reconcile)(void *ctx, const kdx_step *st, kdx_phase phase, const char *token,
			       const char *snapshot, strbuf *why);
	/* Optional stop conditions (alarms): 1 = stop and roll back (reason says which), 0 = go,
	 * -1 = could not tell (reported as a waiting event, not a stop). */
	int (*stop_check)(void *ctx, strbuf *reason);
	/* Optional: a batch of attempts (kdx_sched_pending) is about to be handed to start().
	 * The simulator forks the run here (kdx_sched_fork). */
	void (*launching)(void *ctx, kdx_sched *s);
} kdx_backend;

/* Approval: 1 approved (by says by whom / how), 0 denied, -1 error. */
typedef int (*kdx_approve_fn)(void *ctx, const kdx_step *st, strbuf *by);

typedef enum kdx_deadline_policy {
	KDX_DEADLINE_CONTINUE = 0, /* say so loudly and keep going (the default) */
	KDX_DEADLINE_ROLLBACK,     /* stop starting steps and roll back */
} kdx_deadline_policy;

typedef struct kdx_sched_opts {
	int parallelism;           /* <= 0: 10 */
	kdx_deadline_policy deadline_policy;
	kdx_approve_fn approve;    /* NULL: a step that needs approval fails */
	void *approve_ctx;
	kdx_event_sink sink;       /* emit may be NULL */
	const char *command;       /* "apply" (journalled in run_start) */
	const char *run_id;        /* NULL: made from the time and pid */
	const char *meta_json;     /* JSON object for run_start: sources' hashes, vars */
	int64_t elapsed_before_ms; /* resume: time the run had already used of its RTO */
	int64_t stop_interval_ms;  /* stop conditions are read at most this often; 0: 5000 */
	int64_t backoff_cap_ms;    /* longest wait between attempts; 0: 300000 */
	/* Added to an implicit timeout (a step without `timeout` times out after its worst-case
	 * duration): on the real clock an action that takes exactly its worst case, such as
	 * core.sleep(d) with `duration d..d`, ends a little after it. 0 on a virtual clock. */
	int64_t implicit_grace_ms;
} kdx_sched_opts;

typedef enum kdx_run_status {
	KDX_RUN_OK = 0,
	KDX_RUN_DEGRADED,        /* finished; some `on_failure continue` steps failed */
	KDX_RUN_ROLLED_BACK,     /* a failure or stop condition, and the rollback completed */
	/* rolled back only in part: some change that was made, or may have been made, is not
	 * verified undone (an undo failed or was blocked, the step is irreversible or has no
	 * undo, or it is in doubt): the run names each and what finishes it */
	KDX_RUN_ROLLBACK_INCOMPLETE,
	KDX_RUN_PAUSED,          /* `on_failure pause`, or an in-doubt change nobody can judge */
	KDX_RUN_ABORTED,         /* the journal could not be written: stopped at once */
} kdx_run_status;

typedef struct kdx_run_result {
	kdx_run_status status;
	int64_t elapsed_ms;
	bool deadline_exceeded;
	bool stopped;            /* a stop condition fired */
	size_t done, failed, skipped;
	size_t undone, undo_failed, not_undone; /* not_undone: irreversible, no undo or blocked */
	size_t in_doubt;         /* changes whose live state could not be read back */
	size_t in_place;         /* after a rollback: changes not verified undone */
} kdx_run_result;

const char *kdx_run_status_name(kdx_run_status s);

/* Run the plan from the start; journals run_start first. Returns 0 when the run reached a
 * conclusion (see res->status), -1 when it had to abort (err says why). */
int kdx_sched_apply(const kdx_plan *plan, const kdx_backend *be, kdx_clock *clk,
		    kdx_journal *j, const kdx_sched_opts *o, kdx_run_result *res, strbuf *err);
/* Continue an interrupted run from its journal state (j reopened on the same file):
 * done steps are not run again, in-doubt ones are reconciled first; an interrupted rollback
 * continues as a rollback. */
int kdx_sched_resume(const kdx_plan *plan, const kdx_journal_state *st, const kdx_backend *be,
		     kdx_clock *clk, kdx_journal *j, const kdx_sched_opts *o,
		     kdx_run_result *res, strbuf *err);
/* Undo exactly the steps the journal shows done, in reverse dependency order. */
int kdx_sched_rollback(const kdx_plan *plan, const kdx_journal_state *st,
		       const kdx_backend *be, kdx_clock *clk, kdx_journal *j,
		       const kdx_sched_opts *o, kdx_run_result *res, strbuf *err);

/* ---- for backends ---- */

/* Report the end of an attempt. output_json goes into the journal's result record,
 * snapshot_json (if not NULL) replaces the snapshot for the undo. Late calls for a cancelled
 * op are ignored. */
void kdx_sched_complete(kdx_sched *s, kdx_op *op, bool ok, const char *output_json,
			const char *snapshot_json, const char *error);
/* Tell the user what a step waits for (a `wait ... until`), as an event. */
void kdx_sched_waiting(kdx_sched *s, const kdx_op *op, const char *what);
/* What a running attempt saw last (URL and status, metric and value, resource and state):
 * kept, not shown, so a timeout can say what the step was waiting on. */
void kdx_sched_observed(kdx_sched *s, const kdx_op *op, const char *what);
/* Journal an extra record for this op (e.g. one intent per request when a step sends
 * several); -1 aborts the run. */
int kdx_sched_record(kdx_sched *s, const kdx_op *op, const char *kind, const char *data_json);

/* ---- forking a run (kdx simulate -explore) ----
 * Inside the launching hook: the attempts about to start (k < kdx_sched_npending), and a
 * copy of the whole run that goes on by itself from this point with its own backend, clock,
 * journal and result (o supplies the event sink and the approval hook; the rest of the
 * options is s's). The copy shares the plan and s's tokens and successor lists: s must
 * outlive it. kdx_sched_finish runs the copy to its end, exactly as kdx_sched_apply would
 * have, and frees it; its return value is kdx_sched_apply's. kdx_sched_op gives a backend
 * the copy's op for a step, to find its own state again. */
size_t kdx_sched_npending(const kdx_sched *s);
const kdx_op *kdx_sched_pending(const kdx_sched *s, size_t k);
kdx_sched *kdx_sched_fork(const kdx_sched *s, const kdx_backend *be, kdx_clock *clk,
			  kdx_journal *j, const kdx_sched_opts *o, kdx_run_result *res,
			  strbuf *err);
kdx_op *kdx_sched_op(kdx_sched *s, size_t i);
int kdx_sched_finish(kdx_sched *f);

#endif
