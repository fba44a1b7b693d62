/* backend_real: the scheduler backend that really runs a compiled runbook against AWS
 * (executor/interp.h), or records it in a dry run. One worker thread per running attempt
 * (the scheduler bounds them with -parallelism), each with its own interpreter and AWS
 * client; completions come back through a pipe that the poll hook reads, so everything the
 * scheduler sees happens on its own thread. precheck, snapshot, reconcile and stop_check
 * run synchronously on the scheduler's thread (they are reads).
 * The caller owns the kdx_real_backend and what it points to; release it after the run. */
#ifndef KDX_BACKEND_REAL_H
#define KDX_BACKEND_REAL_H
#include <pthread.h>
#include <stdbool.h>

#include "interp.h"
#include "reqlog.h"
#include "scheduler.h"

struct kdx_job;

typedef struct kdx_real_backend {
	kdx_runtime rt;                 /* shared by every interpreter of the run */
	kdx_interp main;                /* for the reads on the scheduler's thread */
	kdx_shared_models models;       /* loaded once, used by main and every worker */
	kdx_backend be;                 /* the vtable to give the scheduler */
	int pipefd[2];
	struct kdx_job *jobs;           /* running or cancelled, not yet collected */
	char **outputs;                 /* per step: the do's result as JSON (steps.NAME) */
	size_t noutputs;
	pthread_mutex_t mu;             /* guards outputs */
	/* Called on the scheduler's thread with what a step's attempt recorded (dry run: the
	 * requests it would have sent; "would wait ..." lines). May be NULL. */
	void (*on_log)(void *ud, const kdx_step *st, kdx_phase phase, const char *text);
	void *log_ud;
	int requests, mutations;        /* sent (or recorded) by finished attempts */
	/* every AWS call of every interpreter (rt.requests points here): give it to the
	 * journal (kdx_exec_opts.requests) and each record carries the calls before it */
	kdx_reqlog reqlog;
} kdx_real_backend;

/* rt is copied; rt must have a plan (kdx_runtime_use_plan). Returns 0, or -1 with err. */
int kdx_real_backend_init(kdx_real_backend *b, const kdx_runtime *rt, strbuf *err);
/* Run rt's plan and what kdx_runtime_use_plan derived from it (resources, scopes, region
 * names) and read rt's source texts from now on instead of those b was made with (before
 * the run starts; what they point to outlives b): the plan `kdx apply PLANFILE` read from
 * the file, and the texts moved out of the compilation when it is released. */
void kdx_real_backend_use_plan(kdx_real_backend *b, const kdx_runtime *rt);
/* Waits for workers still running (they were cancelled or the run aborted). */
void kdx_real_backend_release(kdx_real_backend *b);

/* Run one attempt of a step on the calling thread: the `do` and the step's own waits in
 * source order (PHASE_DO), or its undo with the journalled snapshot (PHASE_UNDO). *ret:
 * the do's return value (NULL for an undo). kdx plan uses it with a dry-run runtime. */
int kdx_real_run_step(kdx_interp *in, const kdx_step *st, kdx_phase phase,
		      const char *snapshot, kdx_value **ret);

/* The runbook's `stop_on` alarms as "name (region)" text, for plan output; "" if none. */
void kdx_real_backend_stop_on(kdx_real_backend *b, strbuf *out);

#endif
