/* report: collect the evidence of a run from its journal and the simulator's prediction
 * (see report.h). */
#include "report.h"
#include "cli.h"
#include "../common/json.h"
#include "../common/xalloc.h"
#include "../compiler/compile.h"
#include "../executor/journal.h"
#include "../sim/sim.h"

#include <errno.h>
#include <json-c/json.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t jint(json_object *o, const char *k, int64_t dflt)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) && !json_object_is_type(v, json_type_null)
		       ? json_object_get_int64(v)
		       : dflt;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* "2026-12-05T10:37:11.059Z" -> ms since the epoch; -1 when it does not parse. */
static int64_t ts_ms(const char *ts)
{
	struct tm tm = { 0 };
	int ms = 0;
	if (!ts || sscanf(ts, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

static kdx_report_step *step_named(kdx_report *r, const char *name)
{
	for (size_t i = 0; name && i < r->nsteps; i++)
		if (!strcmp(r->steps[i].name, name))
			return &r->steps[i];
	if (!name)
		return NULL;
	r->steps = xrealloc(r->steps, (r->nsteps + 1) * sizeof(*r->steps));
	kdx_report_step *s = &r->steps[r->nsteps++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->predicted_ms = s->start_ms = s->actual_ms = -1;
	s->state = xstrdup("pending");
	return s;
}

static void set(char **field, const char *v)
{
	free(*field);
	*field = dup_or_null(v);
}

static void push(char ***list, size_t *n, const char *s)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = xstrdup(s ? s : "");
}

/* The AWS calls a record carries (answered since the record before it). */
static void requests(kdx_report *r, json_object *rec)
{
	json_object *a;
	if (!json_object_object_get_ex(rec, "requests", &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *q = json_object_array_get_idx(a, i);
		r->requests = xrealloc(r->requests, (r->nrequests + 1) * sizeof(*r->requests));
		kdx_report_request *x = &r->requests[r->nrequests++];
		memset(x, 0, sizeof(*x));
		x->at = dup_or_null(kdx_json_str(rec, "ts"));
		x->step = dup_or_null(kdx_json_str(q, "step"));
		x->method = dup_or_null(kdx_json_str(q, "method"));
		x->service = dup_or_null(kdx_json_str(q, "service"));
		x->operation = dup_or_null(kdx_json_str(q, "operation"));
		x->region = dup_or_null(kdx_json_str(q, "region"));
		x->error = dup_or_null(kdx_json_str(q, "error"));
		x->status = (long)jint(q, "status", 0);
		x->attempts = (int)jint(q, "attempts", 1);
		x->ms = jint(q, "ms", -1);
		x->mutating = kdx_json_bool(q, "mutating");
	}
}

static void record(kdx_report *r, json_object *rec, int64_t *t0, json_object *observed)
{
	const char *kind = kdx_json_str(rec, "kind");
	json_object *d = NULL, *obs;
	json_object_object_get_ex(rec, "data", &d);
	requests(r, rec);
	if (json_object_object_get_ex(rec, "observed", &obs) && json_object_is_type(obs, json_type_array))
		for (size_t i = 0; i < json_object_array_length(obs); i++)
			json_object_array_add(observed, json_object_get(json_object_array_get_idx(obs, i)));
	kdx_report_step *s = step_named(r, kdx_json_str(rec, "step"));
	int64_t at = ts_ms(kdx_json_str(rec, "ts"));
	if (!kind)
		return;
	if (!strcmp(kind, KDX_J_RUN_START)) {
		*t0 = at;
		set(&r->runbook, kdx_json_str(d, "runbook"));
		set(&r->name, kdx_json_str(d, "name"));
		set(&r->env, kdx_json_str(d, "env"));
		set(&r->mode, kdx_json_str(d, "mode"));
		set(&r->run_id, kdx_json_str(d, "run_id"));
		set(&r->started_at, kdx_json_str(rec, "ts"));
		set(&r->commands, kdx_json_str(d, "command"));
		r->rto_ms = jint(d, "rto_ms", 0);
		json_object *steps;
		if (json_object_object_get_ex(d, "steps", &steps))
			for (size_t i = 0; i < json_object_array_length(steps); i++)
				step_named(r, json_object_get_string(json_object_array_get_idx(steps, i)));
	} else if (!strcmp(kind, KDX_J_RESUME)) {
		strbuf c = STRBUF_INIT;
		strbuf_addf(&c, "%s, %s", r->commands ? r->commands : "?", kdx_json_str(d, "command") ? kdx_json_str(d, "command") : "?");
		free(r->commands);
		r->commands = strbuf_detach(&c, NULL);
	} else if (!strcmp(kind, KDX_J_STEP_START) && s) {
		s->attempts++;
		if (s->start_ms < 0 && at >= 0 && *t0 >= 0)
			s->start_ms = at - *t0;
	} else if (!strcmp(kind, KDX_J_APPROVAL) && s) {
		json_object *v;
		s->approved = json_object_object_get_ex(d, "approved", &v) && json_object_get_boolean(v);
		set(&s->approved_by, kdx_json_str(d, "by") ? kdx_json_str(d, "by") : "nobody");
	} else if (!strcmp(kind, KDX_J_INTENT) && s) {
		s->mutating_requests++;
		if (!strcmp(s->state, "pending"))
			set(&s->state, "in doubt");
	} else if (!strcmp(kind, KDX_J_STEP_DONE) && s) {
		set(&s->state, "done");
		s->actual_ms = jint(d, "duration_ms", -1);
	} else if (!strcmp(kind, KDX_J_STEP_FAILED) && s) {
		set(&s->state, "failed");
		set(&s->error, kdx_json_str(d, "error"));
		if (s->start_ms >= 0 && at >= 0 && *t0 >= 0)
			s->actual_ms = at - *t0 - s->start_ms;
	} else if (!strcmp(kind, KDX_J_STEP_SKIPPED) && s) {
		set(&s->state, "skipped");
	} else if (!strcmp(kind, KDX_J_UNDO_DONE) && s) {
		set(&s->undo, "undone");
	} else if (!strcmp(kind, KDX_J_UNDO_FAILED) && s) {
		set(&s->undo, "undo failed");
		set(&s->error, kdx_json_str(d, "error"));
	} else if (!strcmp(kind, KDX_J_UNDO_SKIPPED) && s) {
		strbuf u = STRBUF_INIT;
		strbuf_addf(&u, "not undone (%s)", kdx_json_str(d, "reason") ? kdx_json_str(d, "reason") : "no undo");
		free(s->undo);
		s->undo = strbuf_detach(&u, NULL);
	} else if (!strcmp(kind, KDX_J_STOP)) {
		push(&r->stops, &r->nstops, kdx_json_str(d, "reason"));
	} else if (!strcmp(kind, KDX_J_ROLLBACK_START)) {
		push(&r->rollbacks, &r->nrollbacks, kdx_json_str(d, "reason"));
	} else if (!strcmp(kind, KDX_J_RUN_END)) {
		set(&r->status, kdx_json_str(d, "status"));
		if (r->elapsed_ms < 0)
			r->elapsed_ms = jint(d, "elapsed_ms", -1);
	}
}

/* The runbook the journal names, compiled with the vars it recorded; paths are tried as
 * recorded (relative to where the run was started), then next to the state directory. */
static void predict(kdx_report *r, json_object *meta, const char *base_dir)
{
	const char *base = base_dir ? base_dir : ".";
	strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	const char *rb = r->runbook ? r->runbook : "";
	bool rel = access(rb, R_OK) != 0 && rb[0] != '/';
	strbuf_addf(&path, "%s%s%s", rel ? base : "", rel ? "/" : "", rb);
	kdx_strlist vars = { 0 }, files = { 0 }, incs = { 0 };
	strbuf hold = STRBUF_INIT;
	char **owned = NULL;
	size_t nowned = 0;
	static const char *const keys[] = { "vars", "var_files", "includes" };
	kdx_strlist *lists[] = { &vars, &files, &incs };
	for (int k = 0; k < 3; k++) {
		json_object *a;
		if (!meta || !json_object_object_get_ex(meta, keys[k], &a))
			continue;
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			const char *v = json_object_get_string(json_object_array_get_idx(a, i));
			strbuf p = STRBUF_INIT;
			if (k > 0 && rel && v[0] != '/')
				strbuf_addf(&p, "%s/%s", base, v);
			else
				strbuf_addstr(&p, v);
			owned = xrealloc(owned, (nowned + 1) * sizeof(*owned));
			owned[nowned] = strbuf_detach(&p, NULL);
			kdx_strlist_push(lists[k], owned[nowned++]);
		}
	}
	kdx_compile_opts o = { .path = path.buf, .kdx_path = getenv("KDX_PATH"),
			       .vars = vars.items, .nvars = vars.n, .var_files = files.items,
			       .nvar_files = files.n, .include_dirs = incs.items,
			       .ninclude_dirs = incs.n };
	kdx_compilation c;
	kdx_sim_result sr;
	memset(&sr, 0, sizeof(sr));
	kdx_sim_opts so = { .seed = 1, .timeline = true };
	if (kdx_compile(&o, &c) < 0 || !c.plan) {
		strbuf_addf(&hold, "no prediction: the runbook '%s' does not compile now", path.buf);
	} else if (kdx_sim_run(c.plan, &so, &sr, &err) < 0) {
		strbuf_addf(&hold, "no prediction: the simulation failed: %s", err.buf);
	} else {
		r->has_rpo = c.plan->has_rpo;
		r->rpo_ms = c.plan->rpo_ms;
		for (size_t b = 0; b < sr.nbars; b++) {
			const kdx_sim_bar *bar = &sr.bars[b];
			if (bar->phase != KDX_PHASE_DO)
				continue;
			kdx_report_step *s = step_named(r, c.plan->steps[bar->step].name);
			s->predicted_ms = (s->predicted_ms < 0 ? 0 : s->predicted_ms) + bar->end_ms - bar->start_ms;
		}
	}
	if (hold.len)
		r->prediction_note = strbuf_detach(&hold, NULL);
	kdx_sim_result_release(&sr);
	kdx_compilation_release(&c);
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	kdx_strlist_release(&vars);
	kdx_strlist_release(&files);
	kdx_strlist_release(&incs);
	strbuf_release(&hold);
	strbuf_release(&path);
	strbuf_release(&err);
}

/* The achieved RPO (issue #18.2): what a lag gate read (journalled as "observed" by the
 * backend) before its step changed anything. Only a gate whose step then went ahead
 * counts -- a promotion that did not happen loses nothing -- and the worst of them is the
 * run's. Otherwise say why it is not known rather than guess. */
static void achieved_rpo(kdx_report *r, json_object *observed)
{
	size_t n = json_object_array_length(observed);
	r->rpo_achieved_ms = -1;
	strbuf note = STRBUF_INIT;
	const char *gate = NULL;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(observed, i);
		const char *step = kdx_json_str(o, "step");
		kdx_report_step *s = NULL;
		for (size_t k = 0; step && k < r->nsteps; k++)
			if (!strcmp(r->steps[k].name, step))
				s = &r->steps[k];
		int64_t lag = jint(o, "lag_ms", -1);
		/* the last read of each gate is the one its step went ahead on */
		bool last = true;
		for (size_t k = i + 1; k < n; k++)
			if (step && kdx_json_str(json_object_array_get_idx(observed, k), "step") &&
			    !strcmp(kdx_json_str(json_object_array_get_idx(observed, k), "step"), step))
				last = false;
		/* went ahead: done, or it sent its change (an intent) whatever came of it */
		if (!last || !kdx_json_bool(o, "held") || !s || lag < 0 ||
		    (strcmp(s->state, "done") && s->mutating_requests == 0))
			continue;
		if (lag > r->rpo_achieved_ms) {
			r->rpo_achieved_ms = lag;
			gate = kdx_json_str(o, "gate");
			strbuf_reset(&note);
			strbuf_addf(&note, "replication lag read by step '%s' at its gate `%s` before "
				    "it changed anything", step, gate ? gate : "?");
		}
	}
	if (r->rpo_achieved_ms < 0 && n)
		strbuf_addstr(&note, "not measured: no step guarded by a lag gate went ahead (the "
				     "gate did not hold, or its step never started), so nothing was "
				     "promoted");
	else if (r->rpo_achieved_ms < 0)
		strbuf_addstr(&note, "not measured: no step read the replication lag (a lag gate "
				     "such as `require rds.replication_lag(db, region) <= 2s`)");
	r->rpo_note = strbuf_detach(&note, NULL);
}

int kdx_report_collect_text(kdx_report *r, const char *name, const char *text, size_t len,
			    const char *base_dir, strbuf *err)
{
	memset(r, 0, sizeof(*r));
	r->elapsed_ms = -1;
	r->rpo_achieved_ms = -1;
	r->journal = xstrdup(name);
	kdx_journal_state st;
	strbuf warn = STRBUF_INIT;
	kdx_journal_state_init(&st);
	int rc = kdx_journal_parse(name, text, len, &st, &warn, err);
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	if (rc < 0)
		return -1;
	int64_t t0 = -1;
	json_object *meta = NULL, *observed = json_object_new_array();
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		strbuf line = STRBUF_INIT;
		strbuf_add(&line, text + at, end - at);
		at = end + 1;
		json_object *rec = kdx_json_parse_str(line.buf, NULL);
		strbuf_release(&line);
		if (!rec)
			continue; /* a torn tail: the reader above already judged it */
		json_object *d;
		if (!meta && kdx_json_str(rec, "kind") && !strcmp(kdx_json_str(rec, "kind"), KDX_J_RUN_START) &&
		    json_object_object_get_ex(rec, "data", &d) && json_object_object_get_ex(d, "meta", &meta))
			json_object_get(meta);
		record(r, rec, &t0, observed);
		json_object_put(rec);
	}
	predict(r, meta, base_dir);
	achieved_rpo(r, observed);
	json_object_put(observed);
	json_object_put(meta);
	return 0;
}

int kdx_report_collect(kdx_report *r, const char *path, strbuf *err)
{
	strbuf text = STRBUF_INIT;
	if (strbuf_read_file(&text, path) < 0) {
		memset(r, 0, sizeof(*r));
		strbuf_addf(err, "cannot read journal '%s': %s", path, strerror(errno));
		strbuf_release(&text);
		return -1;
	}
	/* relative runbook paths were recorded from where the run started: next to .kdx/ */
	char *jd = xstrdup(path), *base = dirname(dirname(jd));
	int rc = kdx_report_collect_text(r, path, text.buf, text.len, base, err);
	free(jd);
	strbuf_release(&text);
	return rc;
}

void kdx_report_release(kdx_report *r)
{
	for (size_t i = 0; i < r->nsteps; i++) {
		kdx_report_step *s = &r->steps[i];
		free(s->name);
		free(s->state);
		free(s->undo);
		free(s->error);
		free(s->approved_by);
	}
	free(r->steps);
	for (size_t i = 0; i < r->nstops; i++)
		free(r->stops[i]);
	free(r->stops);
	for (size_t i = 0; i < r->nrollbacks; i++)
		free(r->rollbacks[i]);
	free(r->rollbacks);
	for (size_t i = 0; i < r->nrequests; i++) {
		kdx_report_request *q = &r->requests[i];
		char **g[] = { &q->at, &q->step, &q->method, &q->service, &q->operation, &q->region,
			       &q->error };
		for (size_t k = 0; k < sizeof(g) / sizeof(g[0]); k++)
			free(*g[k]);
	}
	free(r->requests);
	free(r->rpo_note);
	char **f[] = { &r->journal, &r->runbook, &r->name, &r->env, &r->mode, &r->run_id, &r->started_at,
		       &r->commands, &r->status, &r->prediction_note };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		free(*f[i]);
	memset(r, 0, sizeof(*r));
}
