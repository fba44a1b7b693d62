/* kdx simulate: run a runbook on the world model and a virtual clock -- fault-free, under its
 * scenarios, or exploring every single-step failure -- and print the timeline, the achieved
 * RTO and RPO against the objectives, and each expectation. */
#include "cli.h"
#include "format.h"
#include "junit.h"
#include "runbook.h"
#include "../common/json.h"
#include "../common/strbuf.h"
#include "frontend.h"
#include "../sim/explore.h"
#include "../sim/sim.h"
#include "../sim/svg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct simcli {
	const kdx_plan *p;
	uint64_t seed;
	int parallelism;
	bool json;
	const char *svg;
	int depth;          /* -explore -depth: 1 or 2 faults per run */
	kdx_junit *junit;   /* -format junit: results go here instead of the terminal */
	size_t failed;      /* runs with a failed expectation */
} simcli;

/* +MM:SS.mmm, hours in front when there are some */
static void vt(strbuf *sb, int64_t ms)
{
	int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, f = ms % 1000;
	if (h)
		strbuf_addf(sb, "+%" PRId64 ":%02" PRId64 ":%02" PRId64 ".%03" PRId64, h, m, s, f);
	else
		strbuf_addf(sb, "+%02" PRId64 ":%02" PRId64 ".%03" PRId64, m, s, f);
}

static void dur(strbuf *sb, int64_t ms)
{
	kdx_duration_format(sb, ms);
}

/* What an -explore run left wrong, as the optional members of its -json line. */
static void row_findings(kdx_json *o, const kdx_explore_row *row)
{
	kdx_json_set_str(o, "violations", row->violations);
	kdx_json_set_str(o, "leftovers", row->leftovers);
	kdx_json_set_str(o, "irreversible", row->irreversible);
}

static void explore_summary(strbuf *out, size_t runs, size_t unsafe)
{
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "type", "explore_summary");
	kdx_json_set_int(o, "runs", (int64_t)runs);
	kdx_json_set_int(o, "unsafe", (int64_t)unsafe);
	kdx_json_emit(out, o);
}

static void print_timeline(strbuf *out, const simcli *C, const kdx_sim_result *r)
{
	size_t w = 4;
	for (size_t i = 0; i < C->p->nsteps; i++)
		if (strlen(C->p->steps[i].name) > w)
			w = strlen(C->p->steps[i].name);
	for (size_t k = 0; k < r->nevents; k++) {
		const kdx_sim_event *e = &r->events[k];
		if (C->json) {
			kdx_json *o = kdx_json_object();
			kdx_json_set_str(o, "type", "event");
			kdx_json_set_int(o, "at_ms", e->at_ms);
			kdx_json_set_str_or_null(o, "step", e->step);
			kdx_json_set_str_or_null(o, "event", e->what);
			kdx_json_set_str(o, "message", e->message);
			kdx_json_emit(out, o);
			continue;
		}
		strbuf_addstr(out, "  ");
		vt(out, e->at_ms);
		strbuf_addf(out, "  %-*s  %s%s%s\n", (int)w, e->step ? e->step : "-", e->what,
			    e->message ? ": " : "", e->message ? e->message : "");
	}
}

static void objective(strbuf *out, const char *what, bool has, int64_t obj, int64_t v, bool known)
{
	strbuf_addf(out, "%s: ", what);
	if (!known) {
		strbuf_addstr(out, "not recovered by the end of the run");
	} else {
		dur(out, v);
	}
	if (has) {
		strbuf_addstr(out, " (objective ");
		dur(out, obj);
		strbuf_addf(out, ": %s)", known && v <= obj ? "met" : "missed");
	}
	strbuf_addch(out, '\n');
}

static void print_summary(strbuf *out, const simcli *C, const kdx_scenario *sc,
			  const kdx_sim_result *r)
{
	const kdx_plan *p = C->p;
	if (C->json) {
		kdx_json *o = kdx_json_object();
		kdx_json_set_str(o, "type", "result");
		kdx_json_set_str_or_null(o, "scenario", sc ? sc->name : NULL);
		kdx_json_set_uint(o, "seed", C->seed);
		kdx_json_set_str(o, "status", kdx_run_status_name(r->run.status));
		kdx_json_set_int(o, "elapsed_ms", r->end_ms);
		kdx_json_set_bool(o, "recovered", r->recovered);
		kdx_json_set_int(o, "rto_ms", r->rto_ms);
		kdx_json_set_int(o, "rpo_ms", r->rpo_ms);
		kdx_json_set_int(o, "unsafe", (int64_t)r->nviolations);
		kdx_json_set_int(o, "expectations_failed", (int64_t)r->nexpect_failed);
		kdx_json_emit(out, o);
		for (size_t k = 0; sc && k < sc->nexpects; k++) {
			kdx_json *x = kdx_json_object();
			kdx_json_set_str(x, "type", "expect");
			kdx_json_set_str_or_null(x, "expect", sc->expects[k].text);
			kdx_json_set_bool(x, "passed", r->expect_ok[k]);
			kdx_json_emit(out, x);
		}
		return;
	}
	strbuf_addf(out, "result: %s after ", kdx_run_status_name(r->run.status));
	dur(out, r->end_ms);
	strbuf_addf(out, " (%zu done, %zu failed, %zu skipped, %zu undone, %zu not undone)\n",
		    r->run.done, r->run.failed, r->run.skipped, r->run.undone, r->run.not_undone);
	objective(out, "RTO achieved", p->has_rto, p->rto_ms, r->rto_ms, r->recovered);
	objective(out, r->promoted ? "RPO (lag of the promoted replica)" : "RPO (no ungraceful promotion)",
		  p->has_rpo, p->rpo_ms, r->rpo_ms, true);
	for (size_t k = 0; k < r->nviolations; k++)
		strbuf_addf(out, "unsafe: %s\n", r->violations[k]);
	for (size_t k = 0; sc && k < sc->nexpects; k++) {
		const kdx_expect *x = &sc->expects[k];
		strbuf_addf(out, "expect %s: %s", x->text + (strncmp(x->text, "expect ", 7) ? 0 : 7),
			    r->expect_ok[k] ? "passed" : "FAILED");
		if (x->kind == KDX_EXPECT_STEP)
			strbuf_addf(out, " (%s)", kdx_sim_state_name(r->states[x->step]));
		else if (x->kind == KDX_EXPECT_RTO && !r->recovered)
			strbuf_addstr(out, " (not recovered)");
		else {
			strbuf_addstr(out, " (");
			dur(out, x->kind == KDX_EXPECT_RTO ? r->rto_ms : r->rpo_ms);
			strbuf_addch(out, ')');
		}
		strbuf_addch(out, '\n');
	}
}

/* A run as a JUnit suite: one case per expectation and one for "no unsafe state"; the
 * achieved RTO and RPO and the run's status are the suite's properties. */
static void junit_run(simcli *C, const kdx_scenario *sc, const kdx_sim_result *r)
{
	kdx_junit *j = C->junit;
	const char *suite = sc ? sc->name : "no faults";
	strbuf v = STRBUF_INIT, msg = STRBUF_INIT;
	kdx_junit_suite(j, suite);
	kdx_junit_property(j, "status", kdx_run_status_name(r->run.status));
	strbuf_addf(&v, "%" PRIu64, C->seed);
	kdx_junit_property(j, "seed", v.buf);
	strbuf_reset(&v);
	if (r->recovered)
		dur(&v, r->rto_ms);
	else
		strbuf_addstr(&v, "not recovered");
	kdx_junit_property(j, "rto_achieved", v.buf);
	strbuf_reset(&v);
	dur(&v, r->rpo_ms);
	kdx_junit_property(j, "rpo_achieved", v.buf);
	for (size_t k = 0; k < r->nviolations; k++)
		strbuf_addf(&msg, "%s%s", k ? "; " : "", r->violations[k]);
	kdx_junit_case(j, "kdx.simulate", "no unsafe state", (double)r->end_ms / 1000,
		       r->nviolations ? msg.buf : NULL, NULL);
	for (size_t k = 0; sc && k < sc->nexpects; k++)
		kdx_junit_case(j, "kdx.simulate", sc->expects[k].text, 0,
			       r->expect_ok[k] ? NULL : "expectation failed", NULL);
	strbuf_release(&v);
	strbuf_release(&msg);
}

static int one_run(simcli *C, const kdx_scenario *sc, strbuf *err)
{
	if (sc && sc->inapplicable) {
		strbuf_addf(err, "scenario \"%s\" cannot run with these params: %s", sc->name,
			    sc->inapplicable);
		return -1;
	}
	kdx_sim_opts o = { .seed = C->seed, .parallelism = C->parallelism, .scenario = sc,
			   .timeline = true };
	kdx_sim_result r;
	strbuf out = STRBUF_INIT;
	if (kdx_sim_run(C->p, &o, &r, err) < 0) {
		kdx_sim_result_release(&r);
		return -1;
	}
	if (C->junit) {
		junit_run(C, sc, &r);
	} else {
		if (!C->json) {
			strbuf_addf(&out, "simulate '%s', seed %" PRIu64 ", ", C->p->name, C->seed);
			if (C->p->mode)
				strbuf_addf(&out, "%s mode, ", C->p->mode);
			if (sc)
				strbuf_addf(&out, "scenario \"%s\"\n", sc->name);
			else
				strbuf_addstr(&out, "no faults\n");
		}
		print_timeline(&out, C, &r);
		print_summary(&out, C, sc, &r);
	}
	fputs(out.buf, stdout);
	fflush(stdout);
	int rc = 0;
	if (C->svg && kdx_svg_write(C->svg, C->p, &r, sc ? sc->name : "no faults", err) < 0)
		rc = -1;
	C->failed += r.nexpect_failed > 0;
	strbuf_release(&out);
	kdx_sim_result_release(&r);
	return rc;
}

/* An -explore row (or pair) as a JUnit case: a failure when it is unsafe, saying why. */
static void junit_row(kdx_junit *j, const char *classname, const char *name,
		      const kdx_explore_row *row)
{
	strbuf why = STRBUF_INIT;
	const char *parts[] = { row->violations, row->leftovers, row->irreversible };
	const char *labels[] = { "bad state", "not restored", "irreversible" };
	for (int k = 0; k < 3; k++)
		if (parts[k])
			strbuf_addf(&why, "%s%s: %s", why.len ? "; " : "", labels[k], parts[k]);
	kdx_junit_case(j, classname, name, 0, row->unsafe ? (why.len ? why.buf : "unsafe") : NULL,
		       NULL);
	strbuf_release(&why);
}

static int explore(simcli *C, strbuf *err)
{
	kdx_explore x;
	if (kdx_explore_run(C->p, C->seed, C->parallelism, &x, err) < 0) {
		kdx_explore_release(&x);
		return -1;
	}
	strbuf out = STRBUF_INIT;
	size_t w = 4;
	for (size_t i = 0; i < C->p->nsteps; i++)
		if (strlen(C->p->steps[i].name) > w)
			w = strlen(C->p->steps[i].name);
	if (C->junit)
		kdx_junit_suite(C->junit, "explore");
	else if (!C->json)
		strbuf_addf(&out, "%-*s  %-7s  %-26s  %s\n", (int)w, "STEP", "FAULT", "OUTCOME",
			    "VERDICT");
	for (size_t k = 0; k < x.nrows; k++) {
		const kdx_explore_row *row = &x.rows[k];
		const char *fault = row->fault == KDX_FAULT_FAIL_STEP ? "fail" : "timeout";
		const char *name = C->p->steps[row->step].name;
		char st[48];
		snprintf(st, sizeof(st), "%s%s", row->paused ? "paused+" : "",
			 kdx_run_status_name(row->status));
		if (C->junit) {
			strbuf cname = STRBUF_INIT;
			strbuf_addf(&cname, "%s %s -> %s", name, fault, st);
			junit_row(C->junit, "kdx.simulate.explore", cname.buf, row);
			strbuf_release(&cname);
			continue;
		}
		if (C->json) {
			kdx_json *o = kdx_json_object();
			kdx_json_set_str(o, "type", "explore");
			kdx_json_set_str_or_null(o, "step", name);
			kdx_json_set_str(o, "fault", fault);
			kdx_json_set_str(o, "outcome", st);
			kdx_json_set_bool(o, "safe", !row->unsafe);
			row_findings(o, row);
			kdx_json_emit(&out, o);
			continue;
		}
		strbuf_addf(&out, "%-*s  %-7s  %-26s  %s\n", (int)w, name, fault, st,
			    row->unsafe ? "UNSAFE" : "safe");
		if (row->violations)
			strbuf_addf(&out, "    bad state: %s\n", row->violations);
		if (row->leftovers)
			strbuf_addf(&out, "    not restored: %s\n", row->leftovers);
		if (row->irreversible)
			strbuf_addf(&out, "    irreversible: %s\n", row->irreversible);
	}
	if (C->junit)
		;
	else if (C->json)
		explore_summary(&out, x.nrows, x.nunsafe);
	else
		strbuf_addf(&out, "%zu runs, %zu unsafe\n", x.nrows, x.nunsafe);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	C->failed += x.nunsafe;
	kdx_explore_release(&x);
	return 0;
}

static const char *fault_name(kdx_fault_kind k)
{
	return k == KDX_FAULT_FAIL_STEP ? "fail" : "timeout";
}

/* -explore -depth 2: every pair with -json; in text only the pairs that are unsafe or break
 * the RTO (thousands of safe pairs would hide them), then the totals. */
static int explore_pairs(simcli *C, strbuf *err)
{
	const kdx_plan *p = C->p;
	kdx_explore_pairs x;
	if (kdx_explore_pairs_run(p, C->seed, C->parallelism, &x, err) < 0) {
		kdx_explore_pairs_release(&x);
		return -1;
	}
	strbuf out = STRBUF_INIT;
	if (C->junit)
		kdx_junit_suite(C->junit, "explore-pairs");
	for (size_t k = 0; k < x.npairs; k++) {
		const kdx_explore_pair *xp = &x.pairs[k];
		const kdx_explore_row *row = &xp->row;
		strbuf second = STRBUF_INIT;
		if (xp->region_lost)
			strbuf_addf(&second, "region %s lost", p->regions[xp->region].name);
		else
			strbuf_addf(&second, "%s %s", fault_name(xp->fault2), p->steps[xp->step2].name);
		char st[48];
		snprintf(st, sizeof(st), "%s%s", row->paused ? "paused+" : "",
			 kdx_run_status_name(row->status));
		if (C->junit) {
			strbuf cname = STRBUF_INIT;
			strbuf_addf(&cname, "%s %s + %s -> %s%s", fault_name(row->fault),
				    p->steps[row->step].name, second.buf, st,
				    xp->breaks_rto ? ", breaks the RTO" : "");
			junit_row(C->junit, "kdx.simulate.explore_pairs", cname.buf, row);
			strbuf_release(&cname);
		} else if (C->json) {
			kdx_json *o = kdx_json_object();
			kdx_json_set_str(o, "type", "explore_pair");
			kdx_json_set_str_or_null(o, "step", p->steps[row->step].name);
			kdx_json_set_str(o, "fault", fault_name(row->fault));
			if (xp->region_lost) {
				kdx_json_set_str_or_null(o, "region_lost", p->regions[xp->region].name);
			} else {
				kdx_json_set_str_or_null(o, "step2", p->steps[xp->step2].name);
				kdx_json_set_str(o, "fault2", fault_name(xp->fault2));
			}
			kdx_json_set_str(o, "outcome", st);
			kdx_json_set_bool(o, "safe", !row->unsafe);
			kdx_json_set_int(o, "end_ms", xp->end_ms);
			kdx_json_set_bool(o, "recovered", xp->recovered);
			if (xp->recovered)
				kdx_json_set_int(o, "rto_ms", xp->rto_ms);
			kdx_json_set_bool(o, "breaks_rto", xp->breaks_rto);
			row_findings(o, row);
			kdx_json_emit(&out, o);
		} else if (row->unsafe || xp->breaks_rto) {
			strbuf_addf(&out, "%s %s + %s: %s, ", fault_name(row->fault),
				    p->steps[row->step].name, second.buf, st);
			if (xp->recovered) {
				strbuf_addstr(&out, "recovered at ");
				dur(&out, xp->rto_ms);
			} else {
				strbuf_addstr(&out, "not recovered");
			}
			strbuf_addf(&out, "%s%s\n", xp->breaks_rto ? ": breaks the RTO" : "",
				    row->unsafe ? ", UNSAFE" : "");
			if (row->violations)
				strbuf_addf(&out, "    bad state: %s\n", row->violations);
			if (row->leftovers)
				strbuf_addf(&out, "    not restored: %s\n", row->leftovers);
		}
		strbuf_release(&second);
	}
	if (C->junit) {
		; /* the document is written once, after every run */
	} else if (C->json) {
		kdx_json *o = kdx_json_object();
		kdx_json_set_str(o, "type", "explore_pairs_summary");
		kdx_json_set_int(o, "pairs", (int64_t)x.npairs);
		kdx_json_set_int(o, "unsafe", (int64_t)x.nunsafe);
		kdx_json_set_int(o, "breaks_rto", (int64_t)x.nbreaks_rto);
		kdx_json_emit(&out, o);
	} else {
		strbuf_addf(&out, "%zu pairs, %zu unsafe, %zu break the RTO", x.npairs, x.nunsafe,
			    x.nbreaks_rto);
		if (p->has_rto) {
			strbuf_addstr(&out, " (");
			dur(&out, p->rto_ms);
			strbuf_addstr(&out, ")");
		}
		strbuf_addstr(&out, "\n");
	}
	fputs(out.buf, stdout);
	strbuf_release(&out);
	C->failed += x.nunsafe;
	kdx_explore_pairs_release(&x);
	return 0;
}

static int simulate(const kdx_command *cmd, const char *path, const kdx_fe_opts *o, simcli *C,
		    const char *scenario, bool all, bool do_explore)
{
	kdx_fe fe;
	kdx_compilation *c = &fe.comp;
	strbuf diags = STRBUF_INIT, err = STRBUF_INIT;
	int rc = KDX_EXIT_ERROR;
	/* An unsafe runbook is still rehearsed -- the timeline shows how it goes wrong -- but
	 * the analyses' diagnostics are the same as every command's and the exit is 1. */
	bool unsafe = kdx_fe_load(&fe, path, o, cmd->needs) < 0;
	if (unsafe && !(fe.checked && c->plan))
		goto out;
	C->p = c->plan;
	const kdx_scenario *sc = c->plan->scenarios;
	size_t nsc = c->plan->nscenarios;
	const kdx_scenario *one = NULL;
	if (scenario && !(one = kdx_scenario_find(sc, nsc, scenario))) {
		strbuf_addf(&err, "no scenario \"%s\" in '%s'%s", scenario, path,
			    nsc ? "; the scenarios are:" : " (it has none)");
		for (size_t i = 0; i < nsc; i++)
			strbuf_addf(&err, "%s \"%s\"", i ? "," : "", sc[i].name);
		goto out;
	}
	if (do_explore) {
		if ((C->depth == 2 ? explore_pairs(C, &err) : explore(C, &err)) < 0)
			goto out;
	} else if (one) {
		if (one_run(C, one, &err) < 0)
			goto out;
	} else {
		if (one_run(C, NULL, &err) < 0)
			goto out;
		for (size_t i = 0; all && i < nsc; i++) {
			if (sc[i].inapplicable) { /* said, not run: the others still are */
				fprintf(stderr, "kdx: note: scenario \"%s\" skipped: %s\n", sc[i].name,
					sc[i].inapplicable);
				continue;
			}
			if (!C->json && !C->junit)
				fputs("\n", stdout);
			if (one_run(C, &sc[i], &err) < 0)
				goto out;
		}
	}
	rc = C->failed || unsafe ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	if (unsafe)
		strbuf_addf(&err, "'%s' is not safe (see above): rehearsed anyway, but it must not "
			    "run as it is", path);
	if (C->junit) {
		strbuf doc = STRBUF_INIT;
		kdx_junit_finish(C->junit, &doc);
		fputs(doc.buf, stdout);
		strbuf_release(&doc);
	}
out:
	kdx_fe_render(&fe, false, &diags);
	fputs(diags.buf, stderr);
	if (err.len)
		fprintf(stderr, "kdx: error: %s\n", err.buf);
	strbuf_release(&diags);
	strbuf_release(&err);
	kdx_fe_release(&fe);
	return rc;
}

typedef struct simulate_args {
	kdx_fe_opts src;
	bool json, all, do_explore;
	const char *scenario, *svg, *format;
	long seed, par, depth;
} simulate_args;

#define F(field, name, kind, arg, help) KDX_FLAG(simulate_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(scenario, "scenario", KDX_FLAG_STRING, "NAME", "run one scenario block (default: a fault-free run)"),
	F(all, "all-scenarios", KDX_FLAG_BOOL, NULL, "a fault-free run, then every scenario"),
	F(seed, "seed", KDX_FLAG_INT, "N", "seed of the duration draws (default 1): same seed, same timeline"),
	F(do_explore, "explore", KDX_FLAG_BOOL, NULL,
	  "fail and time out each step in turn, roll back, check the world is safe"),
	F(depth, "depth", KDX_FLAG_INT, "2",
	  "with -explore: every pair of faults (two steps; a step and a lost region)"),
	F(svg, "timeline", KDX_FLAG_STRING, "FILE", "write an SVG Gantt chart of the run"),
	F(par, "parallelism", KDX_FLAG_INT, "N", "steps at once, as in apply (default 10)"),
	KDX_FLAG_INCLUDE(simulate_args, src, kdx_fe_mode_group),
	F(json, "json", KDX_FLAG_BOOL, NULL, "one JSON object per line"),
	F(format, "format", KDX_FLAG_STRING, "F",
	  "text (default), json (= -json) or junit (a test suite per run:\n"
	  "a case per expectation; -explore: a case per step and fault)"),
	KDX_FLAG_INCLUDE(simulate_args, src, kdx_fe_flag_group),
	{ 0 },
};
#undef F
static const simulate_args defaults = { .seed = 1, .depth = 1 };
const kdx_options cmd_simulate_opts = { flags, sizeof(simulate_args), &defaults };

int cmd_simulate(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	simulate_args *a = opts;
	kdx_format fmt;
	int rc;
	if (kdx_format_args(cmd, a->format, a->json, KDX_FORMAT_TEXT | KDX_FORMAT_JSON | KDX_FORMAT_JUNIT,
			    &fmt, &rc))
		goto out;
	a->json = fmt == KDX_FORMAT_JSON;
	if ((rc = kdx_fe_mode(cmd, &a->src)) != 0)
		goto out;
	if (pos->n != 1) {
		rc = kdx_usage_error(cmd, "'simulate' needs exactly one FILE");
		goto out;
	}
	if ((a->scenario && a->all) || (a->do_explore && (a->scenario || a->all))) {
		rc = kdx_usage_error(cmd, "-scenario, -all-scenarios and -explore exclude each other");
		goto out;
	}
	if (a->depth < 1 || a->depth > 2 || (a->depth == 2 && !a->do_explore)) {
		rc = kdx_usage_error(cmd, "-depth takes 1 or 2, with -explore");
		goto out;
	}
	if (a->svg && (a->all || a->do_explore)) {
		rc = kdx_usage_error(cmd, "-timeline draws one run: use it with -scenario or alone");
		goto out;
	}
	if (a->par < 0 || a->par > 10000 || a->seed < 0) {
		rc = kdx_usage_error(cmd, "-parallelism takes 1 to 10000 and -seed a number >= 0");
		goto out;
	}
	kdx_junit junit;
	kdx_junit_init(&junit);
	simcli C = { .seed = (uint64_t)a->seed, .parallelism = (int)a->par, .json = a->json, .svg = a->svg,
		     .depth = (int)a->depth, .junit = fmt == KDX_FORMAT_JUNIT ? &junit : NULL };
	rc = simulate(cmd, pos->items[0], &a->src, &C, a->scenario, a->all, a->do_explore);
	kdx_junit_release(&junit);
out:
	kdx_fe_opts_release(&a->src);
	return rc;
}
