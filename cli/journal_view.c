/* journal_view: render a journal's state for `kdx show`. */
#include "journal_view.h"

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
	}
	if (st->torn_tail)
		fputs("\n  note: the last record was torn by the crash and is ignored\n", out);
	if (next)
		fprintf(out, "\nNext: %s.\n", next);
}

static void field(strbuf *sb, const char *key, const char *val)
{
	strbuf_addf(sb, ",\"%s\":", key);
	if (val)
		strbuf_add_json_str(sb, val);
	else
		strbuf_addstr(sb, "null");
}

void kdx_journal_view_json(FILE *out, const char *path, const kdx_journal_state *st)
{
	const char *next;
	const char *v = verdict(st, &next);
	strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "{\"journal\":");
	strbuf_add_json_str(&sb, path);
	field(&sb, "run_id", st->run_id);
	field(&sb, "command", st->command);
	field(&sb, "runbook", st->runbook);
	field(&sb, "name", st->name);
	field(&sb, "env", st->env);
	field(&sb, "started_at", st->started_at);
	field(&sb, "status", v);
	strbuf_addf(&sb, ",\"ended\":%s,\"rollback\":%s,\"torn_tail\":%s,\"records\":%llu",
		    st->ended ? "true" : "false", st->rollback ? "true" : "false",
		    st->torn_tail ? "true" : "false", (unsigned long long)st->nrecords);
	strbuf_addstr(&sb, ",\"steps\":[");
	for (size_t i = 0; i < st->nsteps; i++) {
		const kdx_jstep *s = &st->steps[i];
		strbuf_addstr(&sb, i ? ",{\"name\":" : "{\"name\":");
		strbuf_add_json_str(&sb, s->name);
		field(&sb, "state", kdx_jstep_state_name(s->state));
		field(&sb, "undo", s->undo ? undo_name(s->undo) : NULL);
		strbuf_addf(&sb, ",\"attempts\":%d", s->attempts);
		field(&sb, "error", s->error);
		strbuf_addch(&sb, '}');
	}
	strbuf_addstr(&sb, "]}\n");
	fwrite(sb.buf, 1, sb.len, out);
	strbuf_release(&sb);
}
