/* events: what the scheduler tells the outside while it runs (progress, approvals, rollback,
 * deadline, the final summary), delivered synchronously to a sink. Renderers live in cli/
 * (cli/progress.h). Strings in an event are valid only during the sink call. */
#ifndef KDX_EVENTS_H
#define KDX_EVENTS_H
#include <stdint.h>

#include "../common/strbuf.h"

typedef enum kdx_event_kind {
	KDX_EV_RUN_START,       /* message: command; total: number of steps */
	KDX_EV_STEP_START,      /* step, attempt, attempts */
	KDX_EV_STEP_RETRY,      /* step, attempt (the one that failed), delay_ms, message */
	KDX_EV_STEP_WAITING,    /* step, message: what it waits for */
	KDX_EV_STEP_DONE,       /* step, duration_ms */
	KDX_EV_STEP_FAILED,     /* step, message, status: the on_failure policy */
	KDX_EV_STEP_SKIPPED,    /* step, message */
	KDX_EV_STEP_RECONCILED, /* step, message: what the live state said */
	KDX_EV_APPROVAL_NEEDED, /* step */
	KDX_EV_APPROVED,        /* step, message: by whom / how */
	KDX_EV_STOP_CONDITION,  /* message */
	KDX_EV_DEADLINE,        /* rto_ms exceeded; status: the policy */
	KDX_EV_ROLLBACK_START,  /* message: why */
	KDX_EV_UNDO_START,      /* step */
	KDX_EV_UNDO_DONE,       /* step, duration_ms */
	KDX_EV_UNDO_FAILED,     /* step, message */
	KDX_EV_UNDO_SKIPPED,    /* step, message: irreversible / no undo / blocked */
	KDX_EV_PAUSED,          /* message */
	KDX_EV_IN_PLACE,        /* step, message: a change the run leaves in place (or in doubt),
				   why, and the command that finishes it */
	KDX_EV_RUN_END,         /* status, elapsed_ms, rto_ms */
} kdx_event_kind;

typedef struct kdx_event {
	kdx_event_kind kind;
	int64_t elapsed_ms;     /* since the run (or this resume) started */
	int64_t rto_ms;         /* the runbook's RTO, 0 if none */
	const char *step;       /* NULL for run-level events */
	int attempt, attempts;
	int64_t delay_ms;
	int64_t duration_ms;
	int total;
	const char *message;
	const char *status;
	const char *mode;       /* run_start: the plan's mode (graceful, ungraceful), or NULL */
} kdx_event;

typedef struct kdx_event_sink {
	void (*emit)(void *ctx, const kdx_event *ev);
	void *ctx;
} kdx_event_sink;

const char *kdx_event_kind_name(kdx_event_kind k);
/* One JSON object, no newline: {"type":"step_done","elapsed_ms":…,…}. */
void kdx_event_to_json(strbuf *sb, const kdx_event *ev);

#endif
