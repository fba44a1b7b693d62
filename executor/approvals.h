/* approvals: who may let an approval-gated step run -- explicit `-approve STEP` flags, an
 * approvals file (for CI), or an interactive prompt that cli/ supplies on a terminal.
 * `-auto-approve` confirms the plan as a whole and deliberately does NOT approve gates.
 * The caller owns kdx_approvals; kdx_approvals_release() frees what it holds. */
#ifndef KDX_APPROVALS_H
#define KDX_APPROVALS_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/strbuf.h"
#include "scheduler.h"

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
} kdx_approvals;

void kdx_approvals_init(kdx_approvals *a);
void kdx_approvals_release(kdx_approvals *a);
void kdx_approvals_add(kdx_approvals *a, const char *step, const char *source);
/* One step name per line; blank lines and '#' comments are ignored. */
int kdx_approvals_load(kdx_approvals *a, const char *path, strbuf *err);
/* Names given that are not steps of the plan: a typo must not pass silently. */
int kdx_approvals_check(const kdx_approvals *a, const kdx_plan *plan, strbuf *err);
/* The kdx_approve_fn for the scheduler; ctx is the kdx_approvals. Listed steps are approved
 * without asking; otherwise ask() decides; without ask() the answer is -1 (cannot ask). */
int kdx_approvals_decide(void *ctx, const kdx_step *st, strbuf *by);

#endif
