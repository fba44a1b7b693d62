/* run: one apply, resume or rollback as the CLI (and kdx simulate) needs it -- take the lock,
 * create or reopen the journal, register the secrets it must never contain, run the
 * scheduler, release the lock. The caller owns everything it passes; results go to *res and
 * the journal's path to journal_path. */
#ifndef KDX_RUN_H
#define KDX_RUN_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/strbuf.h"
#include "../compiler/plan.h"
#include "journal.h"
#include "scheduler.h"

typedef struct kdx_exec_opts {
	const char *state_dir;         /* NULL: ".kdx" next to plan->path */
	const char *const *secrets;    /* never written to the journal */
	size_t nsecrets;
	kdx_sched_opts sched;          /* parallelism, approvals, sink, meta, ...; command is
					  set by these functions */
} kdx_exec_opts;

/* Lock "<state>/<runbook>-<env>.lock", journal "<state>/<runbook>-<time>-<pid>.jsonl", run.
 * Returns -1 (err says why) if the lock is taken, the journal cannot be written, or the run
 * aborted; otherwise 0 with the outcome in res->status. */
int kdx_exec_apply(const kdx_plan *plan, const kdx_backend *be, kdx_clock *clk,
		   const kdx_exec_opts *o, kdx_run_result *res, strbuf *journal_path, strbuf *err);
/* Continue (rollback false) or undo (true) the run recorded in journal_path. warn receives
 * the reader's warnings (a torn last record). The RTO clock of a resumed run continues from
 * the journal's run_start. */
int kdx_exec_recover(const kdx_plan *plan, const char *journal_path, bool rollback,
		     const kdx_backend *be, kdx_clock *clk, const kdx_exec_opts *o,
		     kdx_run_result *res, strbuf *warn, strbuf *err);
/* The newest journal of this runbook in the state directory (for resume without -journal). */
int kdx_exec_latest_journal(const kdx_plan *plan, const char *state_dir, strbuf *path,
			    strbuf *err);

#endif
