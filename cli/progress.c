/* progress: render executor events for people (aligned lines, colour) or machines (JSON lines). */
#include "progress.h"

#include <inttypes.h>
#include <string.h>

#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

void kdx_progress_init(kdx_progress *p, FILE *out, bool json, bool color)
{
	p->out = out;
	p->json = json;
	p->color = color && !json;
}

kdx_event_sink kdx_progress_sink(kdx_progress *p)
{
	return (kdx_event_sink){ kdx_progress_emit, p };
}

void kdx_progress_time(strbuf *sb, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	if (ms < 60000)
		strbuf_addf(sb, "%" PRId64 ".%" PRId64 "s", ms / 1000, ms % 1000 / 100);
	else if (ms < 3600000)
		strbuf_addf(sb, "%" PRId64 "m%02" PRId64 "s", ms / 60000, ms % 60000 / 1000);
	else
		strbuf_addf(sb, "%" PRId64 "h%02" PRId64 "m", ms / 3600000, ms % 3600000 / 60000);
}

static void paint(strbuf *sb, const kdx_progress *p, const char *color, const char *text)
{
	if (p->color)
		strbuf_addf(sb, "%s%s%s", color, text, C_OFF);
	else
		strbuf_addstr(sb, text);
}

static void rto_left(strbuf *sb, const kdx_event *ev)
{
	if (!ev->rto_ms)
		return;
	strbuf_addstr(sb, "  (RTO: ");
	if (ev->elapsed_ms <= ev->rto_ms) {
		kdx_progress_time(sb, ev->rto_ms - ev->elapsed_ms);
		strbuf_addstr(sb, " left)");
	} else {
		kdx_progress_time(sb, ev->elapsed_ms - ev->rto_ms);
		strbuf_addstr(sb, " over)");
	}
}

static const char *msg(const kdx_event *ev)
{
	return ev->message ? ev->message : "";
}

/* The part after "[time] step": what happened to a step. */
static void step_line(strbuf *sb, const kdx_progress *p, const kdx_event *ev)
{
	strbuf t = STRBUF_INIT;
	switch (ev->kind) {
	case KDX_EV_STEP_START:
		if (ev->attempt > 1)
			strbuf_addf(sb, "started (attempt %d/%d)", ev->attempt, ev->attempts);
		else
			strbuf_addstr(sb, "started");
		break;
	case KDX_EV_STEP_RETRY:
		kdx_progress_time(&t, ev->delay_ms);
		paint(sb, p, C_YELLOW, "retry");
		strbuf_addf(sb, ": attempt %d/%d failed (%s); next in %s", ev->attempt, ev->attempts,
			    msg(ev), t.buf);
		break;
	case KDX_EV_STEP_WAITING:
		strbuf_addf(sb, "waiting: %s", msg(ev));
		break;
	case KDX_EV_STEP_DONE:
		kdx_progress_time(&t, ev->duration_ms);
		paint(sb, p, C_GREEN, "done");
		strbuf_addf(sb, " in %s", t.buf);
		rto_left(sb, ev);
		break;
	case KDX_EV_STEP_FAILED:
		paint(sb, p, C_RED, "FAILED");
		strbuf_addf(sb, ": %s (on_failure %s)", msg(ev), ev->status ? ev->status : "?");
		break;
	case KDX_EV_STEP_SKIPPED:
		strbuf_addf(sb, "skipped: %s", ev->message ? ev->message : "condition is false");
		break;
	case KDX_EV_STEP_RECONCILED:
		strbuf_addf(sb, "reconciled: %s", msg(ev));
		break;
	case KDX_EV_APPROVAL_NEEDED:
		paint(sb, p, C_YELLOW, "needs approval");
		break;
	case KDX_EV_APPROVED:
		strbuf_addf(sb, "approved by %s", msg(ev));
		break;
	case KDX_EV_UNDO_START:
		paint(sb, p, C_CYAN, "undoing");
		break;
	case KDX_EV_UNDO_DONE:
		kdx_progress_time(&t, ev->duration_ms);
		paint(sb, p, C_CYAN, "undone");
		strbuf_addf(sb, " in %s", t.buf);
		break;
	case KDX_EV_UNDO_FAILED:
		paint(sb, p, C_RED, "UNDO FAILED");
		strbuf_addf(sb, ": %s", msg(ev));
		break;
	case KDX_EV_UNDO_SKIPPED:
		paint(sb, p, C_YELLOW, "not undone");
		strbuf_addf(sb, ": %s", msg(ev));
		break;
	case KDX_EV_IN_PLACE:
		paint(sb, p, C_BOLD C_RED, "STILL IN PLACE");
		strbuf_addf(sb, ": %s", msg(ev));
		break;
	default:
		strbuf_addstr(sb, kdx_event_kind_name(ev->kind));
		break;
	}
	strbuf_release(&t);
}

static void run_end(strbuf *sb, const kdx_progress *p, const kdx_event *ev)
{
	bool good = ev->status && !strcmp(ev->status, "ok");
	strbuf_addstr(sb, "run ");
	paint(sb, p, good ? C_GREEN : C_RED, ev->status ? ev->status : "ended");
	strbuf_addstr(sb, " in ");
	kdx_progress_time(sb, ev->elapsed_ms);
	if (ev->rto_ms) {
		strbuf_addstr(sb, " (RTO ");
		kdx_progress_time(sb, ev->rto_ms);
		if (ev->elapsed_ms <= ev->rto_ms) {
			strbuf_addstr(sb, ": ");
			kdx_progress_time(sb, ev->rto_ms - ev->elapsed_ms);
			strbuf_addstr(sb, " to spare)");
		} else {
			strbuf_addstr(sb, " ");
			paint(sb, p, C_RED, "exceeded");
			strbuf_addstr(sb, " by ");
			kdx_progress_time(sb, ev->elapsed_ms - ev->rto_ms);
			strbuf_addstr(sb, ")");
		}
	}
}

static void human(strbuf *sb, const kdx_progress *p, const kdx_event *ev)
{
	if (ev->kind == KDX_EV_RUN_START) {
		strbuf_addf(sb, "kdx %s: %d step%s", msg(ev), ev->total, ev->total == 1 ? "" : "s");
		if (ev->mode)
			strbuf_addf(sb, ", %s mode", ev->mode);
		if (ev->rto_ms) {
			strbuf_addstr(sb, ", RTO ");
			kdx_progress_time(sb, ev->rto_ms);
		}
		return;
	}
	strbuf t = STRBUF_INIT;
	kdx_progress_time(&t, ev->elapsed_ms);
	strbuf_addf(sb, "[%7s] ", t.buf);
	strbuf_release(&t);
	if (ev->step) {
		strbuf_addf(sb, "%-18s ", ev->step);
		step_line(sb, p, ev);
		return;
	}
	switch (ev->kind) {
	case KDX_EV_STOP_CONDITION:
		paint(sb, p, C_BOLD C_RED, "STOP");
		strbuf_addf(sb, ": %s; rolling back", msg(ev));
		break;
	case KDX_EV_DEADLINE:
		paint(sb, p, C_BOLD C_RED, "DEADLINE");
		strbuf_addf(sb, ": %s (policy: %s)", msg(ev), ev->status ? ev->status : "continue");
		break;
	case KDX_EV_ROLLBACK_START:
		paint(sb, p, C_BOLD C_YELLOW, "ROLLBACK");
		strbuf_addf(sb, ": %s", msg(ev));
		break;
	case KDX_EV_PAUSED:
		paint(sb, p, C_BOLD C_YELLOW, "PAUSED");
		strbuf_addf(sb, ": %s", msg(ev));
		break;
	case KDX_EV_STEP_WAITING:
		strbuf_addf(sb, "warning: %s", msg(ev));
		break;
	case KDX_EV_RUN_END:
		run_end(sb, p, ev);
		break;
	default:
		strbuf_addf(sb, "%s %s", kdx_event_kind_name(ev->kind), msg(ev));
		break;
	}
}

void kdx_progress_emit(void *ctx, const kdx_event *ev)
{
	kdx_progress *p = ctx;
	strbuf sb = STRBUF_INIT;
	if (p->json)
		kdx_event_to_json(&sb, ev);
	else
		human(&sb, p, ev);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, p->out);
	fflush(p->out);
	strbuf_release(&sb);
}

int kdx_prompt_approval(void *ctx, const kdx_step *st, strbuf *by)
{
	kdx_prompt *p = ctx;
	fprintf(p->out, "\nStep '%s' needs an approval%s.\n", st->name,
		st->irreversible ? " (it is irreversible)" : "");
	if (st->action)
		fprintf(p->out, "  It runs %s.\n", st->action);
	fputs("  Only 'yes' will be accepted to approve.\n  Enter a value: ", p->out);
	fflush(p->out);
	char line[64];
	bool yes = false;
	if (fgets(line, sizeof(line), p->in)) {
		line[strcspn(line, "\r\n")] = '\0';
		yes = !strcmp(line, "yes");
	}
	fputc('\n', p->out);
	strbuf_addf(by, "%s at the terminal", p->who && *p->who ? p->who : "the operator");
	return yes ? 1 : 0;
}
