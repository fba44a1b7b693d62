/* events: names and the JSON form of progress events (the -json output's schema). */
#include "events.h"

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
	strbuf_addstr(sb, "{\"type\":");
	strbuf_add_json_str(sb, kdx_event_kind_name(ev->kind));
	strbuf_addf(sb, ",\"elapsed_ms\":%" PRId64, ev->elapsed_ms);
	if (ev->step) {
		strbuf_addstr(sb, ",\"step\":");
		strbuf_add_json_str(sb, ev->step);
	}
	if (ev->attempt)
		strbuf_addf(sb, ",\"attempt\":%d,\"attempts\":%d", ev->attempt, ev->attempts);
	if (ev->kind == KDX_EV_STEP_RETRY)
		strbuf_addf(sb, ",\"delay_ms\":%" PRId64, ev->delay_ms);
	if (ev->kind == KDX_EV_STEP_DONE || ev->kind == KDX_EV_UNDO_DONE)
		strbuf_addf(sb, ",\"duration_ms\":%" PRId64, ev->duration_ms);
	if (ev->kind == KDX_EV_RUN_START)
		strbuf_addf(sb, ",\"steps\":%d", ev->total);
	if (ev->status) {
		strbuf_addstr(sb, ",\"status\":");
		strbuf_add_json_str(sb, ev->status);
	}
	if (ev->message) {
		strbuf_addstr(sb, ",\"message\":");
		strbuf_add_json_str(sb, ev->message);
	}
	if (ev->rto_ms)
		strbuf_addf(sb, ",\"rto_ms\":%" PRId64, ev->rto_ms);
	strbuf_addch(sb, '}');
}
