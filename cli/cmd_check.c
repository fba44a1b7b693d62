/* kdx check: compile a runbook, run the eight safety analyses on its plan, print the
 * diagnostics and the critical path against the RTO; or explain one analysis. */
#include "cli.h"
#include "../common/strbuf.h"
#include "frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int explain(const kdx_command *cmd, const char *name)
{
	const char *text = kdx_safety_explain(name);
	if (!text) {
		strbuf list = STRBUF_INIT;
		for (size_t i = 0; kdx_safety_analyses[i]; i++)
			strbuf_addf(&list, "%s%s", i ? ", " : "", kdx_safety_analyses[i]);
		int rc = kdx_usage_error(cmd, "no analysis named '%s'; the analyses are: %s", name,
					 list.buf);
		strbuf_release(&list);
		return rc;
	}
	fputs(text, stdout);
	return KDX_EXIT_OK;
}

static void dur(strbuf *sb, int64_t ms)
{
	if (ms < 0) {
		strbuf_addch(sb, '-');
		ms = -ms;
	}
	kdx_duration_format(sb, ms);
}

/* One line per step of the critical path: start offset, name, worst case and its parts. */
static void render_path(strbuf *out, const kdx_safety_report *rep)
{
	const kdx_plan *p = rep->plan;
	strbuf a = STRBUF_INIT;
	dur(&a, rep->total_ms);
	strbuf_addf(out, "critical path: %zu step%s, worst case %s", rep->npath,
		    rep->npath == 1 ? "" : "s", a.buf);
	if (rep->has_rto) {
		strbuf_reset(&a);
		dur(&a, rep->rto_ms);
		strbuf_addf(out, " of objectives.rto = %s, slack ", a.buf);
		strbuf_reset(&a);
		dur(&a, rep->slack_ms);
		strbuf_addstr(out, a.buf);
	}
	strbuf_addstr(out, "\n");
	size_t w = 4;
	for (size_t i = 0; i < rep->npath; i++)
		if (strlen(p->steps[rep->path[i].step].name) > w)
			w = strlen(p->steps[rep->path[i].step].name);
	for (size_t i = 0; i < rep->npath; i++) {
		const kdx_critical_step *c = &rep->path[i];
		const kdx_step *s = &p->steps[c->step];
		strbuf start = STRBUF_INIT, worst = STRBUF_INIT, per = STRBUF_INIT;
		dur(&start, c->start_ms);
		dur(&worst, c->worst_ms);
		dur(&per, s->timeout_ms > 0 ? s->timeout_ms : s->duration_max_ms);
		strbuf_addf(out, "  +%-9s %-*s %-9s = %d x %s %s", start.buf, (int)w, s->name, worst.buf,
			    s->attempts > 0 ? s->attempts : 1, per.buf,
			    s->timeout_ms > 0 ? "timeout" : "duration");
		if (c->backoff_ms) {
			strbuf_reset(&per);
			dur(&per, c->backoff_ms);
			strbuf_addf(out, " + %s backoff", per.buf);
		}
		if (c->wait_ms) {
			strbuf_reset(&per);
			dur(&per, c->wait_ms);
			strbuf_addf(out, " + %s wait", per.buf);
		}
		if (s->conditional)
			strbuf_addstr(out, " (conditional)");
		strbuf_addch(out, '\n');
		strbuf_release(&start);
		strbuf_release(&worst);
		strbuf_release(&per);
	}
	strbuf_release(&a);
}

static void render_json(strbuf *out, const kdx_safety_report *rep, bool safe)
{
	const kdx_plan *p = rep->plan;
	strbuf_addf(out, "{\"type\":\"check\",\"safe\":%s,\"acyclic\":%s,\"steps\":%zu,\"edges\":%zu,\"total_ms\":%lld",
		    safe ? "true" : "false", rep->acyclic ? "true" : "false", rep->nsteps, rep->nedges,
		    (long long)rep->total_ms);
	if (rep->has_rto)
		strbuf_addf(out, ",\"rto_ms\":%lld,\"slack_ms\":%lld", (long long)rep->rto_ms,
			    (long long)rep->slack_ms);
	strbuf_addstr(out, ",\"critical_path\":[");
	for (size_t i = 0; i < rep->npath; i++) {
		const kdx_critical_step *c = &rep->path[i];
		strbuf_addstr(out, i ? ",{\"step\":" : "{\"step\":");
		strbuf_add_json_str(out, p->steps[c->step].name);
		strbuf_addf(out, ",\"start_ms\":%lld,\"worst_ms\":%lld,\"run_ms\":%lld,"
				 "\"backoff_ms\":%lld,\"wait_ms\":%lld}",
			    (long long)c->start_ms, (long long)c->worst_ms, (long long)c->run_ms,
			    (long long)c->backoff_ms, (long long)c->wait_ms);
	}
	strbuf_addstr(out, "]}\n");
}

static int check_file(const kdx_command *cmd, const char *path, const kdx_fe_opts *o, bool json,
		      bool strict)
{
	kdx_fe fe;
	int rc = KDX_EXIT_ERROR;
	strbuf diags = STRBUF_INIT, out = STRBUF_INIT;
	kdx_fe_load(&fe, path, o, cmd->needs);
	const kdx_safety_report *rep = &fe.rep;
	bool checked = fe.checked;
	size_t nerr = fe.comp.diags.nerrors, nwarn = fe.comp.diags.nwarnings;
	bool safe = checked && !nerr && (!strict || !nwarn);
	if (json) {
		kdx_fe_render(&fe, true, &out);
		if (checked)
			render_json(&out, rep, safe);
	} else {
		kdx_fe_render(&fe, false, &diags);
		if (checked && rep->acyclic)
			render_path(&out, rep);
		if (safe)
			strbuf_addf(&out, "'%s' is safe: %zu steps, %zu edges, %d analyses passed%s\n",
				    path, rep->nsteps, rep->nedges, KDX_SAFETY_NANALYSES,
				    nwarn ? " (with warnings)" : "");
		else if (nerr || nwarn)
			strbuf_addf(&diags, "%zu error%s, %zu warning%s%s\n", nerr, nerr == 1 ? "" : "s",
				    nwarn, nwarn == 1 ? "" : "s",
				    !nerr && strict ? " (-strict: warnings fail the check)" : "");
	}
	/* diagnostics first, then the report, each flushed, so the order is stable in a pipe */
	fputs(diags.buf, stderr);
	fflush(stderr);
	fputs(out.buf, stdout);
	fflush(stdout);
	if (safe)
		rc = KDX_EXIT_OK;
	strbuf_release(&diags);
	strbuf_release(&out);
	kdx_fe_release(&fe);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("check");
	bool json = false, strict = false;
	const char *explain_name = NULL;
	kdx_fe_opts src = { 0 };
	kdx_strlist pos = { 0 };
	kdx_flag flags[8] = {
		{ "json", KDX_FLAG_BOOL, &json }, { "strict", KDX_FLAG_BOOL, &strict },
		{ "explain", KDX_FLAG_STRING, &explain_name },
	};
	size_t n = 3;
	kdx_fe_flags(flags, &n, &src);
	int rc;
	int r = kdx_parse_flags(cmd, argc, argv, flags, &pos);
	if (r) {
		rc = r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
		goto out;
	}
	if (explain_name) {
		rc = pos.n ? kdx_usage_error(cmd, "-explain takes no FILE") : explain(cmd, explain_name);
		goto out;
	}
	if (pos.n != 1) {
		rc = kdx_usage_error(cmd, "'check' needs exactly one FILE");
		goto out;
	}
	rc = check_file(cmd, pos.items[0], &src, json, strict);
out:
	kdx_fe_opts_release(&src);
	kdx_strlist_release(&pos);
	return rc;
}
