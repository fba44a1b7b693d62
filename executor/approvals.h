/* approvals: who may let an approval-gated step run -- explicit `-approve STEP` flags, an
 * approvals file (for CI), an interactive prompt that cli/ supplies on a terminal, or
 * approval records other people put into the run's store (`kdx approve`), polled for.
 * `-auto-approve` confirms the plan as a whole and deliberately does NOT approve gates.
 * The caller owns kdx_approvals; kdx_approvals_release() frees what it holds. */
#ifndef KDX_APPROVALS_H
#define KDX_APPROVALS_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/strbuf.h"
#include "scheduler.h"
#include "store.h"

typedef struct kdx_approval_entry {
	char *step;
	char *source;    /* "-approve flag" or "approvals file 'PATH' line N" */
} kdx_approval_entry;

typedef struct kdx_approvals {
	kdx_approval_entry *v;
	size_t n, alloc;
	bool all;            /* approve every gate (kdx simulate, tests) */
	kdx_approve_fn ask;  /* interactive prompt, or NULL when there is no terminal */
	void *ask_ctx;
	/* Without a listed approval or a prompt, wait for records in store (when set) for the
	 * run run_id names (filled once the run exists), polling every poll_ms. runner is the
	 * identity running the apply: its own records never count toward a gate. wait_ms
	 * bounds the wait (-approval-timeout); 0 waits not at all, so a gate nobody approved
	 * fails at once as it always did (a CI job never hangs on a gate by surprise). */
	kdx_store *store;
	const strbuf *run_id;
	const char *runner;
	int poll_ms;
	int64_t wait_ms;
	/* told each time a record is first seen (to say so on the terminal), or NULL */
	void (*seen)(void *ctx, const char *step, const char *what);
	void *seen_ctx;
} kdx_approvals;

void kdx_approvals_init(kdx_approvals *a);
void kdx_approvals_release(kdx_approvals *a);
void kdx_approvals_add(kdx_approvals *a, const char *step, const char *source);
/* One step name per line; blank lines and '#' comments are ignored. */
int kdx_approvals_load(kdx_approvals *a, const char *path, strbuf *err);
/* Names given that are not steps of the plan: a typo must not pass silently. */
int kdx_approvals_check(const kdx_approvals *a, const kdx_plan *plan, strbuf *err);
/* The kdx_approve_fn for the scheduler; ctx is the kdx_approvals. Listed steps are approved
 * without asking; otherwise ask() decides; otherwise the store's records decide: a denial
 * denies, and max(1, st->approval_min) distinct identities other than the runner's approve
 * (by then names them, "; "-separated); the wait lasts until one of those happens. Without
 * any of them the answer is -1 (cannot ask). */
int kdx_approvals_decide(void *ctx, const kdx_step *st, strbuf *by);
/* One look at the store's records of st: 1 enough approvals, 0 a denial (by says whose),
 * 2 not yet (by is left empty), -1 the store cannot be read (err). */
int kdx_approvals_poll(const kdx_approvals *a, const kdx_step *st, strbuf *by, strbuf *err);

#endif
