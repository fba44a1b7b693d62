/* events: names and the JSON form of progress events (the -json output's schema). */
#include "events.h"

#include "../common/json.h"

#include <inttypes.h>

const char *kdx_event_kind_name(kdx_event_kind k)
{
	static const char *const names[] = {
		[KDX_EV_RUN_START] = "run_start",
		[KDX_EV_STEP_START] = "step_start",
		[KDX_EV_STEP_RETRY] = "step_retry",
		[KDX_EV_STEP_WAITING] = "step_waiting",
		[KDX_EV_STEP_DONE] = "step_done",
		[KDX_EV_STEP_FAILED] = "step_failed",
		[KDX_EV_STEP_SKIPPED] = "step_skipped",
		[KDX_EV_STEP_RECONCILED] = "step_reconciled",
		[KDX_EV_APPROVAL_NEEDED] = "approval_needed",
		[KDX_EV_APPROVED] = "approved",
		[KDX_EV_STOP_CONDITION] = "stop_condition",
		[KDX_EV_DEADLINE] = "deadline_exceeded",
		[KDX_EV_ROLLBACK_START] = "rollback_start",
		[KDX_EV_UNDO_START] = "undo_start",
		[KDX_EV_UNDO_DONE] = "undo_done",
		[KDX_EV_UNDO_FAILED] = "undo_failed",
		[KDX_EV_UNDO_SKIPPED] = "undo_skipped",
		[KDX_EV_PAUSED] = "paused",
		[KDX_EV_IN_PLACE] = "change_in_place",
		[KDX_EV_RUN_END] = "run_end",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) && names[k] ? names[k] : "unknown";
}

void kdx_event_to_json(strbuf *sb, const kdx_event *ev)
{
	kdx_json *e = kdx_json_object();
	kdx_json_set_str(e, "type", kdx_event_kind_name(ev->kind));
	kdx_json_set_int(e, "elapsed_ms", ev->elapsed_ms);
	kdx_json_set_str(e, "step", ev->step);
	if (ev->attempt) {
		kdx_json_set_int(e, "attempt", ev->attempt);
		kdx_json_set_int(e, "attempts", ev->attempts);
	}
	if (ev->kind == KDX_EV_STEP_RETRY)
		kdx_json_set_int(e, "delay_ms", ev->delay_ms);
	if (ev->kind == KDX_EV_STEP_DONE || ev->kind == KDX_EV_UNDO_DONE)
		kdx_json_set_int(e, "duration_ms", ev->duration_ms);
	if (ev->kind == KDX_EV_RUN_START) {
		kdx_json_set_int(e, "steps", ev->total);
		kdx_json_set_str(e, "mode", ev->mode);
	}
	kdx_json_set_str(e, "status", ev->status);
	kdx_json_set_str(e, "message", ev->message);
	if (ev->rto_ms)
		kdx_json_set_int(e, "rto_ms", ev->rto_ms);
	kdx_json_write(sb, e);
	kdx_json_free(e);
}
