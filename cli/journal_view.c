/* journal_view: render a journal's state for `kdx show`. */
#include "journal_view.h"

#include "../common/json.h"

#include "../common/strbuf.h"

#include <string.h>

static const char *undo_name(kdx_jundo_state u)
{
	static const char *const names[] = { "", "undo started", "undo in doubt", "undone",
					      "undo failed", "not undone" };
	return (unsigned)u < sizeof(names) / sizeof(names[0]) ? names[u] : "?";
}

/* The one line an operator needs: where the run stands and the command that moves it on. */
static const char *verdict(const kdx_journal_state *st, const char **next)
{
	bool doubt = false;
	for (size_t i = 0; i < st->nsteps; i++)
		doubt |= st->steps[i].state == KDX_JS_IN_DOUBT ||
			 st->steps[i].undo == KDX_JU_IN_DOUBT;
	*next = NULL;
	if (st->ended && st->end_status && !strcmp(st->end_status, "paused")) {
		*next = "fix the cause, then 'kdx resume' (or 'kdx rollback')";
		return "paused";
	}
	if (st->ended) {
		/* rollback_failed: the name before rollback_incomplete, in older journals */
		if (st->end_status && (!strcmp(st->end_status, "rollback_incomplete") ||
				       !strcmp(st->end_status, "rollback_failed")))
			*next = "mend what the changes still in place report, then 'kdx rollback' "
				"again";
		return st->end_status ? st->end_status : "ended";
	}
	*next = doubt ? "'kdx resume' reconciles the in-doubt steps against live state first, "
			"or 'kdx rollback'"
		      : "'kdx resume' to continue, or 'kdx rollback' to undo what was done";
	return st->rollback ? "interrupted during rollback" : "interrupted";
}

void kdx_journal_view_text(FILE *out, const char *path, const kdx_journal_state *st)
{
	const char *next;
	const char *v = verdict(st, &next);
	fprintf(out, "Journal %s\n", path);
	fprintf(out, "  run %s: kdx %s of %s", st->run_id ? st->run_id : "?",
		st->command ? st->command : "?", st->runbook ? st->runbook : "?");
	if (st->name && *st->name)
		fprintf(out, " (%s)", st->name);
	if (st->env)
		fprintf(out, ", environment %s", st->env);
	fprintf(out, "\n  started %s, %llu records\n", st->started_at ? st->started_at : "?",
		(unsigned long long)st->nrecords);
	fprintf(out, "  status: %s\n", v);
	size_t w = 4;
	for (size_t i = 0; i < st->nsteps; i++)
		if (strlen(st->steps[i].name) > w)
			w = strlen(st->steps[i].name);
	if (st->nsteps)
		fputs("\n", out);
	for (size_t i = 0; i < st->nsteps; i++) {
		const kdx_jstep *s = &st->steps[i];
		fprintf(out, "  %-*s  %s", (int)w, s->name, kdx_jstep_state_name(s->state));
		if (s->attempts > 1)
			fprintf(out, " after %d attempts", s->attempts);
		if (s->undo)
			fprintf(out, ", %s", undo_name(s->undo));
		if (s->state == KDX_JS_IN_DOUBT)
			fputs(" (a request went out, its answer was not recorded)", out);
		if (s->error && (s->state == KDX_JS_FAILED || s->undo == KDX_JU_FAILED))
			fprintf(out, ": %s", s->error);
		fputc('\n', out);
		if (s->approval_by)
			fprintf(out, "  %-*s  %s by %s\n", (int)w, "", s->approved ? "approved" : "not approved",
				s->approval_by);
	}
	if (st->torn_tail)
		fputs("\n  note: the last record was torn by the crash and is ignored\n", out);
	if (next)
		fprintf(out, "\nNext: %s.\n", next);
}

void kdx_journal_view_json(FILE *out, const char *path, const kdx_journal_state *st)
{
	const char *next;
	const char *v = verdict(st, &next);
	kdx_json *d = kdx_json_object();
	kdx_json_set_str(d, "journal", path);
	kdx_json_set_str_or_null(d, "run_id", st->run_id);
	kdx_json_set_str_or_null(d, "command", st->command);
	kdx_json_set_str_or_null(d, "runbook", st->runbook);
	kdx_json_set_str_or_null(d, "name", st->name);
	kdx_json_set_str_or_null(d, "env", st->env);
	kdx_json_set_str_or_null(d, "started_at", st->started_at);
	kdx_json_set_str_or_null(d, "status", v);
	kdx_json_set_bool(d, "ended", st->ended);
	kdx_json_set_bool(d, "rollback", st->rollback);
	kdx_json_set_bool(d, "torn_tail", st->torn_tail);
	kdx_json_set_bool(d, "damaged", st->damaged);
	kdx_json_set_int(d, "records", (int64_t)st->nrecords);
	kdx_json *steps = kdx_json_set_array(d, "steps");
	for (size_t i = 0; i < st->nsteps; i++) {
		const kdx_jstep *s = &st->steps[i];
		kdx_json *o = kdx_json_object();
		kdx_json_set_str(o, "name", s->name);
		kdx_json_set_str_or_null(o, "state", kdx_jstep_state_name(s->state));
		kdx_json_set_str_or_null(o, "undo", s->undo ? undo_name(s->undo) : NULL);
		kdx_json_set_int(o, "attempts", s->attempts);
		kdx_json_set_str_or_null(o, "error", s->error);
		if (s->approval_by) {
			kdx_json_set_bool(o, "approved", s->approved);
			kdx_json_set_str(o, "approval_by", s->approval_by);
		}
		kdx_json_push(steps, o);
	}
	strbuf sb = STRBUF_INIT;
	kdx_json_emit(&sb, d);
	fwrite(sb.buf, 1, sb.len, out);
	strbuf_release(&sb);
}
