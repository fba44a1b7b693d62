/* run: one apply, resume or rollback as the CLI needs it -- take the lock through the store,
 * check the run's identity and that no other run is unfinished, create or reopen the
 * journal, register the secrets it must never contain, run the scheduler, release the lock.
 * The caller owns everything it passes; results go to *res. */
#ifndef KDX_RUN_H
#define KDX_RUN_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/strbuf.h"
#include "../compiler/plan.h"
#include "journal.h"
#include "scheduler.h"
#include "store.h"

typedef struct kdx_exec_opts {
	kdx_store *store;              /* where runs live: file or discard store (store.h) */
	const kdx_run_ident *ident;    /* the runbook being run: key, name, path, env and
					  digests; written into run_start, checked on recover */
	const char *force;             /* recover: a reason to continue although the program
					  changed (journalled); never overrides other vars */
	const char *const *secrets;    /* never written to the journal */
	size_t nsecrets;
	/* told before anything acts: a torn last record about to be cut */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	struct kdx_reqlog *requests;   /* the backend's request log (reqlog.h): journalled with
					  the records; NULL: requests are not recorded */
	kdx_sched_opts sched;          /* parallelism, approvals, sink, meta, ...; command is
					  set by these functions */
} kdx_exec_opts;

/* Apply: under the lock "<key>-<env>", refuse while an unfinished run of the same runbook
 * exists (naming it, with the commands that finish it), then create a run with o->ident and
 * run the plan. Returns -1 (err says why) if the lock is taken, an unfinished run exists,
 * the journal cannot be written, or the run aborted; otherwise 0 with the outcome in
 * res->status. run_id receives the new run's id. */
int kdx_exec_apply(const kdx_plan *plan, const kdx_backend *be, kdx_clock *clk,
		   const kdx_exec_opts *o, kdx_run_result *res, strbuf *run_id, strbuf *err);
/* Continue (rollback false) or undo (true) run_id. Before anything is appended: the journal
 * must read clean (a torn tail is announced through o->warn), the run must be this
 * runbook's (key, environment), its vars digest must match, and its program digest too
 * unless o->force gives a reason (journalled); resume refuses a finished run. The RTO clock
 * of a resumed run continues from the journal's run_start. */
int kdx_exec_recover(const kdx_plan *plan, const char *run_id, bool rollback,
		     const kdx_backend *be, kdx_clock *clk, const kdx_exec_opts *o,
		     kdx_run_result *res, strbuf *err);
/* The newest run of o->ident's runbook and environment in o->store (resume without
 * -journal); runs of other runbooks are never chosen. */
int kdx_exec_latest_run(const kdx_exec_opts *o, strbuf *run_id, strbuf *err);
/* Is a run with this journal state settled (ok, degraded, rolled back)? */
bool kdx_exec_run_finished(const kdx_journal_state *st);

#endif
