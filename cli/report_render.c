/* report_render: the four formats of a collected report (see report.h). They only format. */
#include "junit.h"
#include "progress.h"
#include "report.h"
#include "../common/json.h"
#include "../executor/atomicfile.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void dur(strbuf *out, int64_t ms)
{
	if (ms < 0)
		strbuf_addstr(out, "unknown");
	else
		kdx_progress_time(out, ms);
}

/* Markdown table cells: '|' and newlines would end the cell. */
static void cell(strbuf *out, const char *s)
{
	for (; s && *s; s++)
		strbuf_addstr(out, *s == '|' ? "\\|" : *s == '\n' ? " " : (char[2]){ *s, 0 });
}

static const char *verdict(int64_t v, int64_t obj)
{
	return v < 0 ? "unknown" : v <= obj ? "met" : "MISSED";
}

/* "1m02s of 15m00s: met" (without an objective, the value alone). */
static void achieved(strbuf *out, int64_t v, bool has_obj, int64_t obj)
{
	dur(out, v);
	if (has_obj) {
		strbuf_addstr(out, " of ");
		dur(out, obj);
		strbuf_addf(out, ": %s", verdict(v, obj));
	}
}

void kdx_report_md(strbuf *out, const kdx_report *r)
{
	strbuf_addstr(out, "# Run report: ");
	cell(out, r->name ? r->name : "?");
	strbuf_addf(out, "\n\n| | |\n|---|---|\n| Runbook | `%s` |\n| Environment | %s |\n"
			 "| Run | `%s`, started %s |\n| Commands | %s |\n| Status | **%s** |\n",
		    r->runbook ? r->runbook : "?", r->env ? r->env : "-", r->run_id ? r->run_id : "?",
		    r->started_at ? r->started_at : "?", r->commands ? r->commands : "?",
		    r->status ? r->status : "not ended");
	if (r->mode)
		strbuf_addf(out, "| Mode | %s |\n", r->mode);
	strbuf_addstr(out, "| RTO achieved | ");
	achieved(out, r->elapsed_ms, r->rto_ms != 0, r->rto_ms);
	strbuf_addstr(out, " |\n| RPO achieved | ");
	if (r->rpo_achieved_ms >= 0) {
		achieved(out, r->rpo_achieved_ms, r->has_rpo, r->rpo_ms);
		strbuf_addstr(out, " (");
		cell(out, r->rpo_note);
		strbuf_addstr(out, ")");
	} else {
		cell(out, r->rpo_note ? r->rpo_note : "not measured");
		if (r->has_rpo) {
			strbuf_addstr(out, " (objective ");
			dur(out, r->rpo_ms);
			strbuf_addstr(out, ")");
		}
	}
	strbuf_addstr(out, " |\n| Alarms seen | ");
	for (size_t i = 0; i < r->nstops; i++) {
		strbuf_addstr(out, i ? "; " : "");
		cell(out, r->stops[i]);
	}
	strbuf_addstr(out, r->nstops ? " |\n" : "none fired |\n");
	strbuf_addstr(out, "| Rolled back | ");
	for (size_t i = 0; i < r->nrollbacks; i++) {
		strbuf_addstr(out, i ? "; " : "");
		cell(out, r->rollbacks[i]);
	}
	strbuf_addstr(out, r->nrollbacks ? " |\n" : "no |\n");
	strbuf_addstr(out, "\n## Steps\n\n| step | predicted | actual | attempts | result | undo | "
			   "approval | mutating requests |\n|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->nsteps; i++) {
		const kdx_report_step *s = &r->steps[i];
		strbuf_addstr(out, "| `");
		cell(out, s->name);
		strbuf_addstr(out, "` | ");
		dur(out, s->predicted_ms);
		strbuf_addstr(out, " | ");
		dur(out, s->actual_ms);
		strbuf_addf(out, " | %d | %s", s->attempts, s->state);
		if (s->error) {
			strbuf_addstr(out, ": ");
			cell(out, s->error);
		}
		strbuf_addf(out, " | %s | ", s->undo ? s->undo : "-");
		if (s->approved_by) {
			strbuf_addstr(out, s->approved ? "approved by " : "refused (");
			cell(out, s->approved_by);
			strbuf_addstr(out, s->approved ? "" : ")");
		} else {
			strbuf_addstr(out, "-");
		}
		strbuf_addf(out, " | %d |\n", s->mutating_requests);
	}
	strbuf_addstr(out, "\nPredicted: each step's time as `kdx simulate` draws it (seed 1, no "
			   "faults). Actual: from the journal. Mutating requests: the journalled "
			   "intents, one per change sent.\n");
	strbuf_addf(out, "\n## Requests (%zu)\n\n", r->nrequests);
	if (!r->nrequests) {
		strbuf_addstr(out, "None journalled (a run journalled before kdx recorded its requests, "
				   "or one that sent none).\n");
	} else {
		strbuf_addstr(out, "| journalled | step | method | service | operation | region | "
				   "status | attempts | duration |\n|---|---|---|---|---|---|---|---|---|\n");
		for (size_t i = 0; i < r->nrequests; i++) {
			const kdx_report_request *q = &r->requests[i];
			strbuf_addstr(out, "| ");
			cell(out, q->at ? q->at : "?");
			strbuf_addstr(out, " | ");
			cell(out, q->step ? q->step : "(gate, read-back or stop check)");
			strbuf_addstr(out, " | ");
			cell(out, q->method);
			strbuf_addstr(out, " | ");
			cell(out, q->service);
			strbuf_addstr(out, " | ");
			cell(out, q->operation);
			strbuf_addstr(out, q->mutating ? " (change) | " : " | ");
			cell(out, q->region ? q->region : "-");
			if (q->status)
				strbuf_addf(out, " | %ld", q->status);
			else
				strbuf_addstr(out, " | no answer");
			if (q->error) {
				strbuf_addstr(out, " ");
				cell(out, q->error);
			}
			strbuf_addf(out, " | %d | ", q->attempts);
			dur(out, q->ms);
			strbuf_addstr(out, " |\n");
		}
		strbuf_addstr(out, "\nEach call as the journal recorded it when it was answered: no "
				   "header, query, body or credential is ever recorded. Attempts "
				   "count the client's retries of the same call.\n");
	}
	if (r->prediction_note)
		strbuf_addf(out, "\n%s.\n", r->prediction_note);
}

void kdx_report_json(strbuf *out, const kdx_report *r)
{
	json_object *o = json_object_new_object(), *steps = json_object_new_array();
	json_object_object_add(o, "type", json_object_new_string("kdx_report"));
	kdx_json_set_str_or_null(o, "journal", r->journal);
	kdx_json_set_str_or_null(o, "runbook", r->runbook);
	kdx_json_set_str_or_null(o, "name", r->name);
	kdx_json_set_str_or_null(o, "environment", r->env);
	kdx_json_set_str_or_null(o, "mode", r->mode);
	kdx_json_set_str_or_null(o, "run_id", r->run_id);
	kdx_json_set_str_or_null(o, "started_at", r->started_at);
	kdx_json_set_str_or_null(o, "commands", r->commands);
	kdx_json_set_str_or_null(o, "status", r->status);
	kdx_json_set_str_or_null(o, "prediction_note", r->prediction_note);
	json_object_object_add(o, "rto_ms", r->rto_ms ? json_object_new_int64(r->rto_ms) : NULL);
	json_object_object_add(o, "rto_achieved_ms",
			       r->elapsed_ms >= 0 ? json_object_new_int64(r->elapsed_ms) : NULL);
	json_object_object_add(o, "rto_met", r->rto_ms && r->elapsed_ms >= 0
						     ? json_object_new_boolean(r->elapsed_ms <= r->rto_ms)
						     : NULL);
	json_object_object_add(o, "rpo_ms", r->has_rpo ? json_object_new_int64(r->rpo_ms) : NULL);
	json_object_object_add(o, "rpo_achieved_ms", r->rpo_achieved_ms >= 0
						     ? json_object_new_int64(r->rpo_achieved_ms) : NULL);
	json_object_object_add(o, "rpo_met", r->has_rpo && r->rpo_achieved_ms >= 0
					     ? json_object_new_boolean(r->rpo_achieved_ms <= r->rpo_ms)
					     : NULL);
	json_object_object_add(o, "rpo_note", r->rpo_note ? json_object_new_string(r->rpo_note) : NULL);
	json_object *reqs = json_object_new_array();
	for (size_t i = 0; i < r->nrequests; i++) {
		const kdx_report_request *q = &r->requests[i];
		json_object *x = json_object_new_object();
		kdx_json_set_str_or_null(x, "journalled_at", q->at);
		kdx_json_set_str_or_null(x, "step", q->step);
		kdx_json_set_str_or_null(x, "method", q->method);
		kdx_json_set_str_or_null(x, "service", q->service);
		kdx_json_set_str_or_null(x, "operation", q->operation);
		kdx_json_set_str_or_null(x, "region", q->region);
		kdx_json_set_str_or_null(x, "error", q->error);
		json_object_object_add(x, "status", json_object_new_int64(q->status));
		json_object_object_add(x, "attempts", json_object_new_int(q->attempts));
		json_object_object_add(x, "duration_ms", q->ms >= 0 ? json_object_new_int64(q->ms) : NULL);
		json_object_object_add(x, "mutating", json_object_new_boolean(q->mutating));
		json_object_array_add(reqs, x);
	}
	json_object_object_add(o, "requests", reqs);
	json_object *stops = json_object_new_array(), *rbs = json_object_new_array();
	for (size_t i = 0; i < r->nstops; i++)
		json_object_array_add(stops, json_object_new_string(r->stops[i]));
	for (size_t i = 0; i < r->nrollbacks; i++)
		json_object_array_add(rbs, json_object_new_string(r->rollbacks[i]));
	json_object_object_add(o, "alarms", stops);
	json_object_object_add(o, "rollbacks", rbs);
	for (size_t i = 0; i < r->nsteps; i++) {
		const kdx_report_step *s = &r->steps[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "name", json_object_new_string(s->name));
		json_object_object_add(j, "predicted_ms", s->predicted_ms >= 0 ? json_object_new_int64(s->predicted_ms) : NULL);
		json_object_object_add(j, "start_ms", s->start_ms >= 0 ? json_object_new_int64(s->start_ms) : NULL);
		json_object_object_add(j, "actual_ms", s->actual_ms >= 0 ? json_object_new_int64(s->actual_ms) : NULL);
		json_object_object_add(j, "attempts", json_object_new_int(s->attempts));
		json_object_object_add(j, "result", json_object_new_string(s->state));
		json_object_object_add(j, "undo", s->undo ? json_object_new_string(s->undo) : NULL);
		json_object_object_add(j, "error", s->error ? json_object_new_string(s->error) : NULL);
		json_object_object_add(j, "approved_by", s->approved_by ? json_object_new_string(s->approved_by) : NULL);
		json_object_object_add(j, "approved", json_object_new_boolean(s->approved));
		json_object_object_add(j, "mutating_requests", json_object_new_int(s->mutating_requests));
		json_object_array_add(steps, j);
	}
	json_object_object_add(o, "steps", steps);
	strbuf_addstr(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_NOSLASHESCAPE));
	strbuf_addch(out, '\n');
	json_object_put(o);
}

static void xml(strbuf *out, const char *s)
{
	for (; s && *s; s++)
		strbuf_addstr(out, *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
				   : *s == '"' ? "&quot;" : (char[2]){ *s, 0 });
}

/* One row per step: the predicted bar (grey) above the actual one (green, red when it
 * failed), on a common scale. Predicted bars start where the actual step started, so the
 * two can be compared step by step. */
void kdx_report_svg(strbuf *out, const kdx_report *r)
{
	int64_t span = 1;
	for (size_t i = 0; i < r->nsteps; i++) {
		const kdx_report_step *s = &r->steps[i];
		int64_t st = s->start_ms > 0 ? s->start_ms : 0;
		if (st + (s->predicted_ms > 0 ? s->predicted_ms : 0) > span)
			span = st + s->predicted_ms;
		if (st + (s->actual_ms > 0 ? s->actual_ms : 0) > span)
			span = st + s->actual_ms;
	}
	const int left = 160, width = 600, row = 28;
	int h = 50 + row * (int)r->nsteps + 30;
	strbuf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			 "font-family=\"sans-serif\" font-size=\"12\">\n<title>",
		    left + width + 20, h);
	xml(out, r->name);
	strbuf_addstr(out, ": predicted and actual step times</title>\n<text x=\"4\" y=\"16\">");
	xml(out, r->name);
	strbuf_addstr(out, " (");
	xml(out, r->status ? r->status : "not ended");
	strbuf_addstr(out, "): predicted (grey) and actual (green) per step</text>\n");
	for (size_t i = 0; i < r->nsteps; i++) {
		const kdx_report_step *s = &r->steps[i];
		int y = 36 + row * (int)i;
		double st = s->start_ms > 0 ? (double)s->start_ms : 0;
		strbuf_addf(out, "<text x=\"4\" y=\"%d\">", y + 14);
		xml(out, s->name);
		strbuf_addstr(out, "</text>\n");
		if (s->predicted_ms >= 0)
			strbuf_addf(out, "<rect class=\"predicted\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
					 "height=\"9\" fill=\"#bbb\"><title>predicted %lld ms</title></rect>\n",
				    left + st * width / (double)span, y + 2,
				    (double)s->predicted_ms * width / (double)span + 1, (long long)s->predicted_ms);
		if (s->actual_ms >= 0)
			strbuf_addf(out, "<rect class=\"actual\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
					 "height=\"9\" fill=\"%s\"><title>actual %lld ms</title></rect>\n",
				    left + st * width / (double)span, y + 12,
				    (double)s->actual_ms * width / (double)span + 1,
				    !strcmp(s->state, "failed") ? "#c33" : "#3a3", (long long)s->actual_ms);
	}
	strbuf_addf(out, "<text x=\"%d\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\" "
			 "text-anchor=\"end\">%lld ms</text>\n</svg>\n",
		    left, h - 8, left + width, h - 8, (long long)span);
}

void kdx_report_junit(strbuf *out, const kdx_report *r)
{
	kdx_junit j;
	kdx_junit_init(&j);
	strbuf name = STRBUF_INIT, v = STRBUF_INIT;
	strbuf_addf(&name, "kdx run %s of %s", r->run_id ? r->run_id : "?", r->name ? r->name : "?");
	kdx_junit_suite(&j, name.buf);
	kdx_junit_property(&j, "status", r->status ? r->status : "not ended");
	dur(&v, r->elapsed_ms);
	kdx_junit_property(&j, "rto_achieved", v.buf);
	strbuf_reset(&v);
	if (r->rpo_achieved_ms >= 0)
		dur(&v, r->rpo_achieved_ms);
	else
		strbuf_addstr(&v, "not measured");
	kdx_junit_property(&j, "rpo_achieved", v.buf);
	strbuf_reset(&v);
	strbuf_addf(&v, "%zu", r->nrequests);
	kdx_junit_property(&j, "requests", v.buf);
	for (size_t i = 0; i < r->nsteps; i++) {
		const kdx_report_step *s = &r->steps[i];
		double secs = s->actual_ms > 0 ? (double)s->actual_ms / 1000 : 0;
		if (!strcmp(s->state, "done"))
			kdx_junit_case(&j, "kdx.run", s->name, secs, NULL, NULL);
		else if (!strcmp(s->state, "skipped") || !strcmp(s->state, "pending"))
			kdx_junit_skip(&j, "kdx.run", s->name,
				       !strcmp(s->state, "skipped") ? "when was false" : "not started");
		else
			kdx_junit_case(&j, "kdx.run", s->name, secs, s->error ? s->error : s->state, NULL);
	}
	kdx_junit_finish(&j, out);
	kdx_junit_release(&j);
	strbuf_release(&name);
	strbuf_release(&v);
}

int kdx_report_into_store(kdx_store *s, const char *run_id, strbuf *err)
{
	kdx_report r;
	strbuf where = STRBUF_INIT, text = STRBUF_INIT, md = STRBUF_INIT, js = STRBUF_INIT;
	kdx_store_describe(s, run_id, &where);
	int rc;
	if (kdx_store_file_dir(s)) {
		rc = kdx_report_collect(&r, where.buf, err); /* the runbook found from .kdx/'s parent */
	} else {
		/* this process started or continued the run: relative runbook paths are ours */
		rc = kdx_store_read(s, run_id, 0, &text, err);
		if (rc == 0)
			rc = kdx_report_collect_text(&r, where.buf, text.buf, text.len, ".", err);
		else
			memset(&r, 0, sizeof(r));
	}
	if (rc == 0) {
		kdx_report_md(&md, &r);
		kdx_report_json(&js, &r);
		rc = kdx_store_doc_put(s, run_id, "report.md", md.buf, md.len, err);
		if (rc == 0)
			rc = kdx_store_doc_put(s, run_id, "report.json", js.buf, js.len, err);
	}
	kdx_report_release(&r);
	strbuf_release(&where);
	strbuf_release(&text);
	strbuf_release(&md);
	strbuf_release(&js);
	return rc;
}

void kdx_report_after_run(kdx_store *s, const char *run_id)
{
	strbuf err = STRBUF_INIT, first = STRBUF_INIT;
	/* a run that never got a record (refused before it began) has nothing to report */
	bool begun = kdx_store_read(s, run_id, 1, &first, &err) == 0 && first.len;
	strbuf_reset(&err);
	if (begun && kdx_report_into_store(s, run_id, &err) < 0)
		fprintf(stderr, "kdx: warning: could not write the run's report: %s\n", err.buf);
	strbuf_release(&first);
	strbuf_release(&err);
}
