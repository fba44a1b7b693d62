/* kdx check: compile a runbook, run the nine safety analyses on its plan, print the
 * diagnostics and the critical path against the RTO; or explain one analysis. */
#include "cli.h"
#include "format.h"
#include "junit.h"
#include "sarif.h"
#include "../common/json.h"
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
		/* the waits are inside each attempt: inside its timeout when it has one */
		bool to = s->timeout_ms > 0;
		dur(&per, to ? s->timeout_ms : s->duration_max_ms);
		strbuf_addf(out, "  +%-9s %-*s %-9s = %d x ", start.buf, (int)w, s->name, worst.buf,
			    s->attempts > 0 ? s->attempts : 1);
		if (to || !c->wait_ms) {
			strbuf_addf(out, "%s %s", per.buf, to ? "timeout" : "duration");
		} else {
			strbuf_addf(out, "(%s duration + ", per.buf);
			strbuf_reset(&per);
			dur(&per, c->wait_ms);
			strbuf_addf(out, "%s wait)", per.buf);
		}
		if (c->backoff_ms) {
			strbuf_reset(&per);
			dur(&per, c->backoff_ms);
			strbuf_addf(out, " + %s backoff", per.buf);
		}
		if (to && c->wait_ms) {
			strbuf_reset(&per);
			dur(&per, c->wait_ms);
			strbuf_addf(out, s->timeout_ms >= c->wait_ms ? " (covers %s of waits)"
								      : " (cuts %s of waits short)",
				    per.buf);
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
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "type", "check");
	kdx_json_set_bool(o, "safe", safe);
	kdx_json_set_bool(o, "acyclic", rep->acyclic);
	kdx_json_set_int(o, "steps", (int64_t)rep->nsteps);
	kdx_json_set_int(o, "edges", (int64_t)rep->nedges);
	kdx_json_set_int(o, "total_ms", rep->total_ms);
	if (p->mode)
		kdx_json_set_str(o, "mode", p->mode);
	if (rep->has_rto) {
		kdx_json_set_int(o, "rto_ms", rep->rto_ms);
		kdx_json_set_int(o, "slack_ms", rep->slack_ms);
	}
	kdx_json *path = kdx_json_set_array(o, "critical_path");
	for (size_t i = 0; i < rep->npath; i++) {
		const kdx_critical_step *c = &rep->path[i];
		kdx_json *s = kdx_json_object();
		kdx_json_set_str_or_null(s, "step", p->steps[c->step].name);
		kdx_json_set_int(s, "start_ms", c->start_ms);
		kdx_json_set_int(s, "worst_ms", c->worst_ms);
		kdx_json_set_int(s, "run_ms", c->run_ms);
		kdx_json_set_int(s, "backoff_ms", c->backoff_ms);
		kdx_json_set_int(s, "wait_ms", c->wait_ms);
		kdx_json_push(path, s);
	}
	kdx_json_set_str(o, "state", rep->state);
	kdx_json_emit(out, o);
}

/* One test case per analysis, failed when it reported an error (a warning too under
 * -strict); errors of the front end (syntax, types, ...) make one more case, "compile". */
static void render_junit(strbuf *out, const char *path, const kdx_diags *d,
			 const kdx_sources *src, bool checked, bool strict)
{
	kdx_junit j;
	kdx_junit_init(&j);
	strbuf name = STRBUF_INIT, fail = STRBUF_INIT, text = STRBUF_INIT;
	strbuf_addf(&name, "kdx check %s", path);
	kdx_junit_suite(&j, name.buf);
	for (size_t a = 0; a <= KDX_SAFETY_NANALYSES; a++) {
		const char *an = a < KDX_SAFETY_NANALYSES ? kdx_safety_analyses[a] : NULL;
		kdx_diags mine;
		kdx_diags_init(&mine);
		size_t nbad = 0;
		for (size_t i = 0; i < d->n; i++) {
			const kdx_diag *g = &d->items[i];
			bool is_analysis = false;
			for (size_t k = 0; g->code && k < KDX_SAFETY_NANALYSES; k++)
				is_analysis |= !strcmp(g->code, kdx_safety_analyses[k]);
			if (an ? !(g->code && !strcmp(g->code, an)) : is_analysis)
				continue;
			if (g->sev == KDX_ERROR || (strict && g->sev == KDX_WARNING)) {
				if (!nbad++) {
					strbuf_reset(&fail);
					strbuf_addstr(&fail, g->msg);
				}
			}
			/* the whole diagnostic, as the terminal shows it, is the failure's text */
			kdx_diag *c = kdx_diag_add(&mine, g->sev, g->code, g->span, "%s", g->msg);
			c->located = g->located;
			if (g->hint)
				kdx_diag_hint(c, "%s", g->hint);
			for (size_t k = 0; k < g->nnotes; k++) {
				if (g->notes[k].located)
					kdx_diag_note(c, g->notes[k].span, "%s", g->notes[k].msg);
				else
					kdx_diag_note_unlocated(c, "%s", g->notes[k].msg);
			}
		}
		strbuf_reset(&text);
		kdx_diags_render(&text, &mine, src, false);
		if (an && !checked)
			kdx_junit_skip(&j, "kdx.check", an, "the runbook did not compile");
		else if (an || nbad || mine.n)
			kdx_junit_case(&j, "kdx.check", an ? an : "compile", 0, nbad ? fail.buf : NULL,
				       text.buf);
		kdx_diags_release(&mine);
	}
	kdx_junit_finish(&j, out);
	kdx_junit_release(&j);
	strbuf_release(&name);
	strbuf_release(&fail);
	strbuf_release(&text);
}

static int check_file(const kdx_command *cmd, const char *path, const kdx_fe_opts *o,
		      kdx_format fmt, bool strict)
{
	bool json = fmt == KDX_FORMAT_JSON;
	kdx_fe fe;
	int rc = KDX_EXIT_ERROR;
	strbuf diags = STRBUF_INIT, out = STRBUF_INIT;
	kdx_fe_load(&fe, path, o, cmd->needs);
	const kdx_safety_report *rep = &fe.rep;
	bool checked = fe.checked;
	size_t nerr = fe.comp.diags.nerrors, nwarn = fe.comp.diags.nwarnings;
	bool safe = checked && !nerr && (!strict || !nwarn);
	if (fmt == KDX_FORMAT_SARIF) {
		kdx_sarif *sa = kdx_sarif_new("check");
		kdx_sarif_add(sa, &fe.comp.diags, &fe.comp.sources);
		kdx_sarif_finish(sa, &out);
	} else if (fmt == KDX_FORMAT_JUNIT) {
		render_junit(&out, path, &fe.comp.diags, &fe.comp.sources, checked, strict);
	} else if (json) {
		kdx_fe_render(&fe, true, &out);
		if (checked)
			render_json(&out, rep, safe);
	} else {
		kdx_fe_render(&fe, false, &diags);
		if (checked && rep->acyclic)
			render_path(&out, rep);
		if (checked && rep->state)
			strbuf_addf(&out, "state: %s\n", rep->state);
		/* the proofs hold for this mode's steps only (docs/language.md) */
		if (checked && rep->plan->mode)
			strbuf_addf(&out, "mode: %s\n", rep->plan->mode);
		if (safe)
			strbuf_addf(&out, "'%s' is safe: %zu step%s, %zu edge%s, %d analyses passed%s\n",
				    path, rep->nsteps, rep->nsteps == 1 ? "" : "s", rep->nedges,
				    rep->nedges == 1 ? "" : "s", KDX_SAFETY_NANALYSES,
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

typedef struct check_args {
	kdx_fe_opts src;
	bool json, strict;
	const char *explain_name, *format, *state;
} check_args;

#define F(field, name, kind, arg, help) KDX_FLAG(check_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(json, "json", KDX_FLAG_BOOL, NULL, "diagnostics and the critical path as JSON, one object per line"),
	F(format, "format", KDX_FLAG_STRING, "F",
	  "text (default), json (= -json), sarif (SARIF 2.1.0 for code\n"
	  "scanning) or junit (one test case per analysis)"),
	F(strict, "strict", KDX_FLAG_BOOL, NULL, "warnings (e.g. RTO slack under 10%) fail the check too"),
	F(state, "state", KDX_FLAG_STRING, "URL",
	  "the run store to check (file://DIR, s3://BUCKET/PREFIX?region=R,\n"
	  "dynamodb://TABLE?region=R&replicas=R2,R3); default: $KDX_STATE,\n"
	  "then the runbook's state { url = ... } block, then .kdx"),
	KDX_FLAG_INCLUDE(check_args, src, kdx_fe_mode_group),
	F(explain_name, "explain", KDX_FLAG_STRING, "NAME",
	  "what an analysis proves and why it matters: graph, traffic,\n"
	  "capacity, rto, rpo, fencing, reversibility, races, state"),
	KDX_FLAG_INCLUDE(check_args, src, kdx_fe_flag_group),
	{ 0 },
};
#undef F
const kdx_options cmd_check_opts = { flags, sizeof(check_args), NULL };

int cmd_check(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	check_args *a = opts;
	kdx_format fmt;
	int rc;
	if (kdx_format_args(cmd, a->format, a->json,
			    KDX_FORMAT_TEXT | KDX_FORMAT_JSON | KDX_FORMAT_SARIF | KDX_FORMAT_JUNIT, &fmt,
			    &rc) ||
	    (rc = kdx_fe_mode(cmd, &a->src)) != 0)
		goto out;
	if (a->explain_name) {
		rc = pos->n ? kdx_usage_error(cmd, "-explain takes no FILE") : explain(cmd, a->explain_name);
		goto out;
	}
	if (pos->n != 1) {
		rc = kdx_usage_error(cmd, "'check' needs exactly one FILE");
		goto out;
	}
	a->src.state_url = a->state;
	rc = check_file(cmd, pos->items[0], &a->src, fmt, a->strict);
out:
	kdx_fe_opts_release(&a->src);
	return rc;
}
