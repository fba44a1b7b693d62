/* sched_int: the scheduler's private state, shared by scheduler.c (the event loop and the
 * forward pass), sched_undo.c (rollback order, resume and reconciliation) and sched_run.c
 * (entry points). Not an API. */
#ifndef KDX_SCHED_INT_H
#define KDX_SCHED_INT_H
#include "../common/json.h"
#include "scheduler.h"

/* Forward state of a step. */
typedef enum kdx_fstate {
	F_WAIT = 0,   /* not started */
	F_RUNNING,
	F_BACKOFF,    /* an attempt failed; the next one starts at retry_at */
	F_DONE,
	F_FAILED,
	F_SKIPPED,    /* `when` was false: counts as done for ordering */
} kdx_fstate;

/* Undo state of a step during a rollback. A step's undo starts only when every direct
 * successor is settled (U_DONE, U_SKIPPED, U_CLEAR), which makes the order transitive. */
typedef enum kdx_ustate {
	U_NA = 0,     /* nothing to undo here; becomes U_CLEAR once its successors settle */
	U_PENDING,
	U_RUNNING,
	U_BACKOFF,
	U_DONE,
	U_FAILED,
	U_SKIPPED,    /* irreversible or without undo: reported */
	U_BLOCKED,    /* a successor's undo failed: undoing this one now could be unsafe */
	U_CLEAR,
} kdx_ustate;

typedef struct kdx_srun {
	kdx_fstate f;
	kdx_ustate u;
	bool tolerated;    /* failed under `on_failure continue`: successors may still run */
	bool approved;
	int attempt;
	int64_t started, retry_at, deadline;
	kdx_op op;
	bool pending;      /* prepared and journalled; goes to the backend at the next launch */
	bool active;       /* op is with the backend */
	bool finished;     /* its completion arrived and waits to be processed */
	bool ok;
	char *error, *output, *snapshot;
	char *token[2];    /* idempotency tokens of the do and of the undo (in s->tokbuf) */
	size_t *succ;      /* in s->succbuf */
	size_t nsucc, asucc;
	size_t npend;      /* forward pass: predecessors not yet settled (done, skipped, tolerated) */
	size_t uopen;      /* rollback: successors whose undo is not settled yet ... */
	size_t ubad;       /* ... and successors whose undo failed or is blocked */
	bool uqueued;      /* rollback: waits in the sweep queue */
	uint32_t dgen;     /* bumped per launched attempt: tells stale deadline entries apart */
	uint32_t rgen;     /* bumped per backoff: tells stale retry entries apart */
} kdx_srun;

/* A binary min-heap of (key, step index, generation); ties go to the lower index. */
typedef struct kdx_sheap_ent {
	int64_t key;
	size_t idx;
	uint32_t gen;
} kdx_sheap_ent;
typedef struct kdx_sheap {
	kdx_sheap_ent *e;
	size_t n, a;
} kdx_sheap;
void kdx_sheap_push(kdx_sheap *h, int64_t key, size_t idx, uint32_t gen);
kdx_sheap_ent kdx_sheap_pop(kdx_sheap *h);  /* h->n > 0 */
void kdx_sheap_release(kdx_sheap *h);

struct kdx_sched {
	const kdx_plan *plan;
	const kdx_backend *be;
	kdx_clock *clk;
	kdx_journal *j;
	kdx_sched_opts o;
	kdx_srun *r;
	size_t n;
	int running;
	bool stopping;     /* start no new steps */
	bool rollback, paused, aborted, deadline_fired, dirty;
	bool unknown;      /* an in-doubt change could not be reconciled */
	bool need_sync;    /* intents were written since the last fsync */
	int64_t t0, last_stop_check;
	size_t nfinished;  /* active attempts whose completion waits to be processed */
	size_t npending;   /* attempts prepared but not yet handed to the backend */
	bool jdata;        /* the journal keeps (or checks) records' data: build it */
	/* Queues instead of scans, so an event costs O(log n), not O(n) (see scheduler.c): */
	bool fwd_counted;  /* npend is maintained (from the start of the forward pass) */
	kdx_sheap ready;   /* forward: waiting steps whose predecessors are settled, by index */
	kdx_sheap retry;   /* steps in backoff (do or undo), by retry time */
	kdx_sheap dl;      /* launched attempts, by deadline */
	kdx_sheap pend;    /* prepared attempts, by index: launched in index order */
	kdx_sheap fin;     /* finished attempts, by index: processed in index order */
	size_t nbackoff_f, nbackoff_u;
	/* Rollback: sweeps from the end of the graph back, as a queue of the steps whose
	 * successors allow them to move (by descending index, key -index). */
	bool undo_counted; /* uopen/ubad are maintained */
	bool in_sweep;
	size_t ucursor;    /* the step the current sweep is at */
	kdx_sheap usweep, unext;
	char *run_id;
	bool forked;       /* a kdx_sched_fork copy: tokbuf and succbuf are the parent's */
	char *tokbuf;      /* every step's tokens */
	size_t *succbuf;   /* every step's successors */
	kdx_run_result *res;
	strbuf *err;
};

/* scheduler.c */
int64_t kdx_sched_now(kdx_sched *s);
int64_t kdx_sched_elapsed(kdx_sched *s);  /* of the run's RTO budget, resumes included */
void kdx_sched_forward(kdx_sched *s);     /* the forward pass, until nothing can start */
void kdx_sched_forward_at_launch(kdx_sched *s); /* a fork's: it goes on from the launch */
void kdx_sched_begin_rollback(kdx_sched *s, const char *reason);
int kdx_sched_jrec_sync(kdx_sched *s, const char *kind, const kdx_srun *r, const char *data);
void kdx_sched_emit(kdx_sched *s, kdx_event_kind kind, const kdx_srun *r, const char *message,
		    const char *status);
int kdx_sched_jrec(kdx_sched *s, const char *kind, const kdx_srun *r, const char *data);
/* The data of a journal record, to fill with common/json.h: a new object, or NULL when the
 * journal keeps no data (setters accept NULL); jphase starts it with "phase" and "attempt".
 * kdx_sched_jdoc writes the record and frees d. */
kdx_json *kdx_sched_jdata(const kdx_sched *s);
kdx_json *kdx_sched_jphase(const kdx_sched *s, kdx_phase phase, int attempt);
int kdx_sched_jdoc(kdx_sched *s, const char *kind, const kdx_srun *r, kdx_json *d, bool sync);
/* Put the JSON text json (a snapshot or an output, or NULL) under key. */
void kdx_sched_jtext(kdx_json *d, const char *key, const char *json);
/* Journal an attempt (step_start, snapshot, intent) and mark it pending... */
int kdx_sched_start_attempt(kdx_sched *s, size_t i, kdx_phase phase);
/* ...then fsync once and hand every pending attempt to the backend. */
void kdx_sched_launch(kdx_sched *s);
void kdx_sched_process(kdx_sched *s);
void kdx_sched_wait(kdx_sched *s, int64_t until);
bool kdx_sched_has_finished(const kdx_sched *s);
void kdx_sched_attempt_failed(kdx_sched *s, size_t i, kdx_phase phase, const char *msg);
/* Every change of a step's forward / undo state goes through these (they keep the queues). */
void kdx_sched_set_f(kdx_sched *s, size_t i, kdx_fstate f);
void kdx_sched_set_u(kdx_sched *s, size_t i, kdx_ustate u);
void kdx_sched_settle(kdx_sched *s, size_t i);  /* it settled: tell its successors */
void kdx_sched_step_failed(kdx_sched *s, size_t i, const char *msg);
/* Retries: the earliest due (KDX_TIME_NEVER: none); those due at now into due, by index;
 * those of due not started back to the retry queue. */
int64_t kdx_sched_retry_top(kdx_sched *s);
void kdx_sched_due_retries(kdx_sched *s, int64_t now, kdx_sheap *due);
void kdx_sched_requeue_retries(kdx_sched *s, kdx_sheap *due);

/* sched_undo.c */
void kdx_sched_undo_init(kdx_sched *s);
void kdx_sched_undo_loop(kdx_sched *s);
void kdx_sched_undo_result(kdx_sched *s, size_t i);
int kdx_sched_load_journal(kdx_sched *s, const kdx_journal_state *st);

#endif
