/* plan_md: render a plan document as Markdown (see plan_md.h). Text from the plan goes
 * into table cells, HTML summaries and code blocks, each escaped for where it lands. */
#include "plan_md.h"
#include "planfile.h"
#include "../common/json.h"
#include "progress.h"

#include <stdint.h>
#include <string.h>

static int64_t num(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static bool flag(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

static json_object *arr(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_array) ? v
												: NULL;
}

/* Inside HTML (<summary>): &, <, > as entities. */
static void html(strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '&')
			strbuf_addstr(out, "&amp;");
		else if (*s == '<')
			strbuf_addstr(out, "&lt;");
		else if (*s == '>')
			strbuf_addstr(out, "&gt;");
		else
			strbuf_addch(out, *s);
	}
}

/* Inline code: a backtick run in the text needs a longer fence around it. */
static void code(strbuf *out, const char *s)
{
	size_t run = 0, longest = 0;
	if (!s)
		s = ""; /* a field the document lacks */
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
	strbuf_addstr(out, longest || s[0] == '`' ? " " : "");
	for (const char *p = s; *p; p++)
		strbuf_addch(out, *p == '\n' || *p == '|' ? ' ' : *p);
	strbuf_addstr(out, longest || (*s && s[strlen(s) - 1] == '`') ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
}

static void dur(strbuf *out, int64_t ms)
{
	kdx_progress_time(out, ms < 0 ? -ms : ms);
}

static void summary(strbuf *out, json_object *doc, json_object *steps)
{
	size_t n = steps ? json_object_array_length(steps) : 0, nmut = 0, ngates = 0;
	for (size_t i = 0; i < n; i++) {
		nmut += !flag(json_object_array_get_idx(steps, i), "reads_only");
		ngates += flag(json_object_array_get_idx(steps, i), "approval");
	}
	strbuf_addstr(out, "### kdx plan: ");
	code(out, kdx_json_str(doc, "name") ? kdx_json_str(doc, "name") : "?");
	if (kdx_json_str(doc, "environment")) {
		strbuf_addstr(out, " in ");
		code(out, kdx_json_str(doc, "environment"));
	}
	if (kdx_json_str(doc, "mode")) {
		strbuf_addstr(out, ", ");
		code(out, kdx_json_str(doc, "mode"));
		strbuf_addstr(out, " mode");
	}
	strbuf_addf(out, "\n\n**%zu step%s: %zu may change something, %zu only read%s; ", n,
		    n == 1 ? "" : "s", nmut, n - nmut, n - nmut == 1 ? "s" : "");
	int64_t rto = num(doc, "rto_ms"), cp = num(doc, "critical_path_ms");
	strbuf_addstr(out, "worst case ");
	dur(out, cp);
	if (rto) {
		strbuf_addstr(out, " of the ");
		dur(out, rto);
		strbuf_addstr(out, " RTO");
	}
	strbuf_addf(out, "; %zu approval gate%s.**\n\n", ngates, ngates == 1 ? "" : "s");
}

static void budget(strbuf *out, json_object *doc, json_object *steps)
{
	int64_t rto = num(doc, "rto_ms"), cp = num(doc, "critical_path_ms");
	strbuf_addstr(out, "| | |\n|---|---|\n| Runbook | ");
	code(out, kdx_json_str(doc, "runbook") ? kdx_json_str(doc, "runbook") : "?");
	strbuf_addstr(out, " |\n| RTO budget | critical path ");
	dur(out, cp);
	if (rto) {
		strbuf_addstr(out, " of ");
		dur(out, rto);
		strbuf_addstr(out, " (");
		dur(out, rto - cp);
		strbuf_addstr(out, rto >= cp ? " to spare)" : " **over**)");
	} else {
		strbuf_addstr(out, " (no RTO objective)");
	}
	json_object *path = arr(doc, "critical_path");
	for (size_t i = 0; path && i < json_object_array_length(path); i++) {
		strbuf_addstr(out, i ? " → " : ": ");
		code(out, json_object_get_string(json_object_array_get_idx(path, i)));
	}
	strbuf_addstr(out, " |\n| Approval gates | ");
	size_t ng = 0;
	for (size_t i = 0; steps && i < json_object_array_length(steps); i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		if (!flag(s, "approval"))
			continue;
		strbuf_addstr(out, ng++ ? ", " : "");
		code(out, kdx_json_str(s, "name"));
		if (flag(s, "irreversible"))
			strbuf_addstr(out, " (irreversible)");
	}
	if (!ng)
		strbuf_addstr(out, "none");
	strbuf_addstr(out, " |\n| Irreversible | ");
	size_t ni = 0;
	for (size_t i = 0; steps && i < json_object_array_length(steps); i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		if (flag(s, "irreversible")) {
			strbuf_addstr(out, ni++ ? ", " : "");
			code(out, kdx_json_str(s, "name"));
		}
	}
	strbuf_addstr(out, ni ? " |\n" : "none |\n");
	if (kdx_json_str(doc, "stop_on") && *kdx_json_str(doc, "stop_on")) {
		strbuf_addstr(out, "| Stop conditions | ");
		code(out, kdx_json_str(doc, "stop_on"));
		strbuf_addstr(out, " |\n");
	}
	strbuf_addch(out, '\n');
}

/* A fenced block that no line of text can close: longer than any backtick run in it. */
static void fenced(strbuf *out, const char *text, size_t len, const char *lang)
{
	size_t run = 0, longest = 2;
	for (size_t i = 0; i < len; i++) {
		run = text[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
	strbuf_addf(out, "%s\n", lang);
	strbuf_add(out, text, len);
	if (len && text[len - 1] != '\n')
		strbuf_addch(out, '\n');
	for (size_t i = 0; i <= longest; i++)
		strbuf_addch(out, '`');
	strbuf_addch(out, '\n');
}

static void step(strbuf *out, json_object *s, size_t no, size_t req_budget)
{
	const char *chg = kdx_json_str(s, "change");
	bool changes = chg && *chg;
	strbuf_addf(out, "<details><summary><b>%zu. ", no);
	html(out, kdx_json_str(s, "name"));
	strbuf_addstr(out, "</b> <code>");
	html(out, kdx_json_str(s, "action") ? kdx_json_str(s, "action") : "no action");
	strbuf_addstr(out, "</code>");
	if (flag(s, "approval"))
		strbuf_addstr(out, " 🔒 approval");
	if (flag(s, "irreversible"))
		strbuf_addstr(out, " ⚠️ irreversible");
	strbuf_addstr(out, ": ");
	html(out, changes		       ? chg
		  : flag(s, "reads_only") ? "reads only"
					  : "no change to the world model");
	strbuf_addstr(out, "</summary>\n\n");
	json_object *after = arr(s, "after_steps");
	if (after && json_object_array_length(after)) {
		strbuf_addstr(out, "After ");
		for (size_t i = 0; i < json_object_array_length(after); i++) {
			strbuf_addstr(out, i ? ", " : "");
			code(out, json_object_get_string(json_object_array_get_idx(after, i)));
		}
		strbuf_addstr(out, ".\n\n");
	}
	strbuf_addstr(out, "| | |\n|---|---|\n");
	static const char *const rows[][2] = { { "before", "State before" }, { "change", "Change" },
					       { "after", "State after" }, { "undo", "Undo" } };
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *v = kdx_json_str(s, rows[i][0]);
		strbuf_addf(out, "| %s | ", rows[i][1]);
		if (v && *v)
			code(out, v);
		else
			strbuf_addstr(out, !strcmp(rows[i][0], "undo") && flag(s, "mutating") ? "**none**" : "–");
		strbuf_addstr(out, " |\n");
	}
	json_object *req = arr(s, "requires");
	for (size_t i = 0; req && i < json_object_array_length(req); i++) {
		strbuf_addstr(out, "| Require | ");
		/* {condition, now, value, bound}; a plain string from older plan files */
		json_object *one = json_object_array_get_idx(req, i);
		bool obj = json_object_is_type(one, json_type_object);
		code(out, obj ? kdx_json_str(one, "condition") : json_object_get_string(one));
		if (obj)
			strbuf_addf(out, " %s now", kdx_json_str(one, "now") ? kdx_json_str(one, "now") : "unknown");
		strbuf_addstr(out, " |\n");
	}
	strbuf_addstr(out, "| Worst case | ");
	dur(out, num(s, "worst_ms"));
	strbuf_addstr(out, " |\n\n");
	strbuf fd = STRBUF_INIT;
	kdx_plan_diff_text(&fd, s, "");
	if (fd.len) {
		/* the field-level diff, as kdx plan prints it */
		strbuf_addstr(out, "Fields it changes (before -> after; the rest counted):\n\n");
		fenced(out, fd.buf, fd.len, "");
		strbuf_addch(out, '\n');
	}
	strbuf_release(&fd);
	const char *rq = kdx_json_str(s, "requests");
	if (rq && *rq) {
		size_t len = strlen(rq);
		strbuf_addstr(out, "Requests (credentials redacted):\n\n");
		if (len > req_budget) {
			/* cut at a line end so no request is shown half without saying so */
			size_t cut = req_budget;
			while (cut > 0 && rq[cut - 1] != '\n')
				cut--;
			fenced(out, rq, cut, "http");
			strbuf_addf(out, "\n… %zu more bytes of requests: see `kdx show PLANFILE`.\n",
				    len - cut);
		} else {
			fenced(out, rq, len, "http");
		}
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "</details>\n\n");
}

void kdx_plan_md(strbuf *out, json_object *doc)
{
	json_object *steps = arr(doc, "steps");
	size_t n = steps ? json_object_array_length(steps) : 0, total = 0;
	summary(out, doc, steps);
	budget(out, doc, steps);
	for (size_t i = 0; i < n; i++) {
		const char *rq = kdx_json_str(json_object_array_get_idx(steps, i), "requests");
		total += rq ? strlen(rq) : 0;
	}
	/* what is left of the budget is shared by the steps' requests */
	size_t room = KDX_PLAN_MD_MAX > out->len + n * 600 ? KDX_PLAN_MD_MAX - out->len - n * 600 : 0;
	size_t per = total > room && n ? room / n : SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		step(out, json_object_array_get_idx(steps, i), i + 1, per);
	strbuf_addstr(out, "<sub>kdx plan. Apply the saved plan with <code>kdx apply PLANFILE</code>; "
			   "it is refused if a source or the live state changed since.</sub>\n");
}
