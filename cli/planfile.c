/* planfile: build, print, save and check plans (planfile.h). */
#include "planfile.h"

#include "progress.h"
#include "version.h"

#include "../common/json.h"
#include "../common/digest.h"
#include "../common/xalloc.h"
#include "../compiler/model.h"
#include "../compiler/plan_io.h"
#include "../executor/fielddiff.h"
#include "../executor/readcache.h"
#include "../grammar/ast.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void kdx_planview_init(kdx_planview *v)
{
	memset(v, 0, sizeof(*v));
	strbuf_init(&v->human);
	strbuf_init(&v->json);
	strbuf_init(&v->observed);
	v->parallelism = 10;
}

void kdx_planview_release(kdx_planview *v)
{
	strbuf_release(&v->human);
	strbuf_release(&v->json);
	strbuf_release(&v->observed);
}

/* Steps in execution order: a topological order, source order among the ready ones. */
static size_t *exec_order(const kdx_plan *p)
{
	size_t *order = xcalloc(p->nsteps + 1, sizeof(size_t));
	bool *placed = xcalloc(p->nsteps + 1, sizeof(bool));
	size_t n = 0;
	while (n < p->nsteps) {
		size_t before = n;
		for (size_t i = 0; i < p->nsteps; i++) {
			if (placed[i])
				continue;
			bool ready = true;
			for (size_t k = 0; k < p->steps[i].npreds && ready; k++)
				ready = placed[p->steps[i].preds[k].from];
			if (ready) {
				placed[i] = true;
				order[n++] = i;
				break;
			}
		}
		if (n == before) /* a cycle: the safety check refuses it, but be safe */
			for (size_t i = 0; i < p->nsteps; i++)
				if (!placed[i]) {
					placed[i] = true;
					order[n++] = i;
				}
	}
	free(placed);
	return order;
}

/* Put what a snapshot read from the live system into the model, where it maps onto it:
 * a traffic resource's weights by region, a fleet's instance count as capacity. */
static void observe(kdx_model *m, const kdx_rb *r, const kdx_plan_call *bc, const kdx_value *snap)
{
	const kdx_plan *p = r->fe.comp.plan;
	for (size_t i = 0; i < bc->nargs; i++) {
		const kdx_plan_resource *res = NULL;
		int32_t ri = -1;
		for (size_t k = 0; k < r->fe.comp.nres && bc->args[i]; k++)
			if (r->fe.comp.res[k].value == bc->args[i]) {
				ri = r->fe.comp.res[k].index;
				res = &p->resources[ri];
			}
		if (!res)
			continue;
		for (size_t s = 0; s < snap->u.map.n; s++) {
			const kdx_value *v = snap->u.map.vals[s];
			/* a capacity snapshot holds every size the action writes: { desired, min, max } */
			if (res->cls == KDX_RES_FLEET && v->kind == KDX_V_MAP && kdx_value_get(v, "desired"))
				v = kdx_value_get(v, "desired");
			if (res->cls == KDX_RES_TRAFFIC && v->kind == KDX_V_MAP) {
				for (size_t g = 0; g < p->nregions; g++) {
					const kdx_value *w = kdx_value_get(v, p->regions[g].name);
					if (w && (w->kind == KDX_V_PERCENT || w->kind == KDX_V_NUMBER))
						m->weights[(size_t)ri * p->nregions + g] = w->u.num;
				}
			} else if (res->cls == KDX_RES_FLEET && v->kind == KDX_V_NUMBER &&
				   res->region >= 0) {
				const kdx_value *full = kdx_value_get(res->attrs, "full_capacity");
				if (full && full->kind == KDX_V_NUMBER && full->u.num > 0)
					m->capacity[res->region] = v->u.num / full->u.num * 100.0;
			}
		}
	}
}

static void indent(strbuf *out, const char *text, const char *pad)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len)
			strbuf_addstr(out, pad);
		strbuf_add(out, p, len);
		strbuf_addch(out, '\n');
		p = nl ? nl + 1 : p + len;
	}
}

typedef struct ctx {
	kdx_rb *r;
	kdx_planview *v;
	kdx_interp *in;
	kdx_model m;
	int failures;
	kdx_json *doc, *steps, *observed; /* the plan document (planfile.h), built here */
	int unmet;       /* requires that do not hold now */
	strbuf *err;
	kdx_capture cap;     /* the current step's reads and requests (fielddiff.h) */
	kdx_json *predicted; /* the world as the steps so far leave it, field by field */
} ctx;

/* The approval gate that will apply: its condition (already decided by the compiler) and
 * how a person gives it. */
static void approval_gate(ctx *c, const kdx_step *st, kdx_json *j)
{
	strbuf *h = &c->v->human;
	strbuf when = STRBUF_INIT;
	if (st->approval_when)
		kdx_interp_expr_text(c->in, st->approval_when, &when);
	if (st->approval) {
		strbuf_addstr(h, "     approval: REQUIRED");
		if (when.len)
			strbuf_addf(h, " (when %s)", when.buf);
		if (st->approval_min > 1)
			strbuf_addf(h, " from %d distinct approvers (kdx approve; the runner does "
				    "not count)", st->approval_min);
		strbuf_addf(h, " -- given by 'kdx apply -approve %s', an -approvals file naming it, "
			    "or at the prompt (-auto-approve does not give it)\n", st->name);
	} else if (st->approval_when) {
		strbuf_addf(h, "     approval: not required (when %s is false)\n", when.buf);
	}
	kdx_json *g = kdx_json_set_object(j, "approval_gate");
	kdx_json_set_bool(g, "required", st->approval);
	kdx_json_set_str_or_null(g, "when", when.len ? when.buf : NULL);
	kdx_json_set_int(g, "min", st->approval_min > 1 ? st->approval_min : 1);
	kdx_json_set_str_or_null(g, "approve_with", st->approval ? "-approve STEP, an -approvals file, the prompt, or kdx approve" : NULL);
	strbuf_release(&when);
}

/* Each `require` with the value read now and, for a comparison, the bound; one that does
 * not hold now fails the plan: apply would stop there. */
static void requires(ctx *c, const kdx_step *st, kdx_json *j)
{
	strbuf *h = &c->v->human;
	kdx_interp *in = c->in;
	strbuf text = STRBUF_INIT, val = STRBUF_INIT, bound = STRBUF_INIT;
	kdx_json *rq = kdx_json_set_array(j, "requires");
	for (size_t k = 0; k < st->nrequires; k++) {
		const kdx_expr *e = st->requires[k];
		kdx_value *v, *l = NULL, *r = NULL;
		strbuf_reset(&text);
		strbuf_reset(&val);
		strbuf_reset(&bound);
		kdx_interp_expr_text(in, e, &text);
		int rc = kdx_interp_eval_step(in, st, e, &v);
		if (rc == 0 && e->kind == KDX_E_BINARY &&
		    kdx_interp_eval_step(in, st, e->u.binary.lhs, &l) == 0 &&
		    kdx_interp_eval_step(in, st, e->u.binary.rhs, &r) == 0) {
			kdx_value_format(&val, l);
			kdx_value_format(&bound, r);
		}
		const char *state = rc < 0 ? "unknown" : v->kind == KDX_V_BOOL && v->u.b ? "holds" : "fails";
		strbuf_addf(h, "     require %s: ", text.buf);
		if (rc < 0)
			strbuf_addf(h, "cannot tell now (%s)\n", in->err.buf);
		else
			strbuf_addf(h, "%s now%s%s%s%s%s\n", *state == 'h' ? "holds" : "DOES NOT HOLD",
				    val.len ? " (value " : "", val.len ? val.buf : "",
				    bound.len ? ", bound " : "", bound.len ? bound.buf : "",
				    val.len ? ")" : "");
		if (*state == 'f') {
			c->failures++;
			c->unmet++;
		}
		kdx_json *o = kdx_json_object();
		kdx_json_set_str(o, "condition", text.buf);
		kdx_json_set_str(o, "now", state);
		kdx_json_set_str_or_null(o, "value", val.len ? val.buf : NULL);
		kdx_json_set_str_or_null(o, "bound", bound.len ? bound.buf : NULL);
		kdx_json_push(rq, o);
		strbuf_reset(&in->err);
	}
	strbuf_release(&text);
	strbuf_release(&val);
	strbuf_release(&bound);
}

/* An explicit undo of the same action restores a value written in the runbook, not the one
 * read: flag it when it is not what is live now (a rollback would not put back what is
 * there). The value compared is the snapshot `before` of the action's own undo. */
static void undo_target(ctx *c, const kdx_step *st, const kdx_value *snap, kdx_json *j)
{
	const kdx_plan_call *uc = st->undo_call, *dc = st->do_call;
	const kdx_value *live = snap ? kdx_value_get(snap, "before") : NULL;
	if (!st->has_undo || st->undo_is_actions_own || !uc || !dc || !live ||
	    uc->action != dc->action)
		return;
	for (size_t i = 0; i < uc->nargs; i++) {
		const kdx_value *a = uc->args[i];
		const kdx_value *d = i < dc->nargs ? dc->args[i] : NULL;
		/* the argument the undo sets: a map, and not what do passes too (the resource) */
		if (!a || a->kind != live->kind || a->kind != KDX_V_MAP || (d && kdx_eval_equal(a, d)))
			continue;
		strbuf t = STRBUF_INIT, l = STRBUF_INIT;
		kdx_value_format(&t, a);
		kdx_value_format(&l, live);
		bool same = kdx_eval_equal(a, live);
		/* not the live state, but what the earlier steps leave: the field-level check
		 * (undo_fields) found it puts back the state before the step */
		const char *chk = kdx_json_str(j, "undo_check");
		bool predicted = !same && chk && !strcmp(chk, "live");
		strbuf_addf(&c->v->human, "     undo target: %s%s%s%s\n", t.buf,
			    same ? " (the live state)" : predicted ? " -- not the live state " : " -- DIFFERS from the live state ",
			    same ? "" : l.buf, predicted ? ", but the state the earlier steps leave (predicted)" : "");
		kdx_json_set_bool(j, "undo_differs", !same && !predicted);
		kdx_json_set_str(j, "undo_target", t.buf);
		strbuf_release(&t);
		strbuf_release(&l);
		return;
	}
}

static void add_json(strbuf *h, const kdx_json *v)
{
	strbuf t = STRBUF_INIT;
	kdx_json_write(&t, v);
	strbuf_addstr(h, t.len ? t.buf : "null");
	strbuf_release(&t);
}

void kdx_plan_diff_text(strbuf *h, const kdx_json *step, const char *pad)
{
	const kdx_json *arr = kdx_json_get(step, "diff");
	for (size_t i = 0; i < kdx_json_len(arr); i++) {
		const kdx_json *e = kdx_json_at(arr, i), *f = kdx_json_get(e, "fields");
		const char *obj = kdx_json_str(e, "object"), *reg = kdx_json_str(e, "region");
		int64_t unchanged = 0;
		(void)kdx_json_int(e, "unchanged", &unchanged);
		if (!obj) {
			strbuf_addf(h, "%sdiff: %s restates no field it read (see its request)\n", pad,
				    kdx_json_str(e, "request"));
			continue;
		}
		strbuf_addf(h, "%sdiff: %s%s%s (%s)\n", pad, obj, reg ? " in " : "", reg ? reg : "",
			    kdx_json_str(e, "request"));
		for (size_t k = 0; k < kdx_json_len(f); k++) {
			const kdx_json *fd = kdx_json_at(f, k);
			strbuf_addf(h, "%s  %s: ", pad, kdx_json_str(fd, "field"));
			add_json(h, kdx_json_get(fd, "before"));
			strbuf_addstr(h, " -> ");
			add_json(h, kdx_json_get(fd, "after"));
			strbuf_addstr(h, kdx_json_bool(fd, "predicted") ? " (predicted)\n" : "\n");
		}
		if (!kdx_json_len(f))
			strbuf_addf(h, "%s  no field changes: it sends what is there\n", pad);
		strbuf_addf(h, "%s  %lld other field%s unchanged\n", pad, (long long)unchanged,
			    unchanged == 1 ? "" : "s");
	}
	const char *check = kdx_json_str(step, "undo_check");
	if (!check)
		return;
	if (!strcmp(check, "unknown")) {
		strbuf_addf(h, "%sundo puts back: cannot tell now (%s)\n", pad,
			    kdx_json_str(step, "undo_error") ? kdx_json_str(step, "undo_error") : "");
		return;
	}
	if (!strcmp(check, "live")) {
		strbuf_addf(h, "%sundo puts back: the state before the step (every field it writes)\n",
			    pad);
		return;
	}
	strbuf_addf(h, "%sundo puts back: DIFFERS from the state before the step:\n", pad);
	arr = kdx_json_get(step, "undo_diff");
	for (size_t i = 0; i < kdx_json_len(arr); i++) {
		const kdx_json *e = kdx_json_at(arr, i), *f = kdx_json_get(e, "fields");
		for (size_t k = 0; k < kdx_json_len(f); k++) {
			const kdx_json *fd = kdx_json_at(f, k);
			strbuf_addf(h, "%s  %s %s: before the step ", pad, kdx_json_str(e, "object"),
				    kdx_json_str(fd, "field"));
			add_json(h, kdx_json_get(fd, "before"));
			strbuf_addstr(h, kdx_json_bool(fd, "predicted") ? " (predicted)" : " (live)");
			strbuf_addstr(h, ", undo sets ");
			add_json(h, kdx_json_get(fd, "after"));
			strbuf_addch(h, '\n');
		}
	}
}

/* What the undo would put back, field by field, against the live state: run the undo as a
 * dry run with the snapshot read now (as apply would journal it) and diff its requests
 * against what it read. Nothing differs for an undo that puts back the live state. */
static void undo_fields(ctx *c, const kdx_step *st, const char *snapshot, kdx_json *before,
			kdx_json *j)
{
	kdx_interp *in = c->in;
	if (!st->has_undo || !st->mutating)
		return;
	kdx_capture_reset(&c->cap);
	strbuf_reset(&in->log);
	strbuf_reset(&in->err);
	kdx_value *ret;
	kdx_json *pred = kdx_json_copy(before); /* kdx_fdiff records the undo's afters in it */
	int rc = kdx_real_run_step(in, st, KDX_PHASE_UNDO, snapshot && *snapshot ? snapshot : "{}",
				   &ret);
	kdx_json *arr = kdx_json_set_array(j, "undo_diff");
	if (rc < 0) {
		kdx_json_set_str(j, "undo_check", "unknown");
		kdx_json_set_str(j, "undo_error", in->err.buf);
	} else if (kdx_fdiff(&c->cap, pred, arr)) {
		kdx_json_set_str(j, "undo_check", "differs");
		kdx_json_set_bool(j, "undo_differs", true);
	} else {
		kdx_json_set_str(j, "undo_check", "live");
	}
	kdx_json_free(pred);
	strbuf_reset(&in->log);
	strbuf_reset(&in->err);
	kdx_capture_reset(&c->cap);
}

static void one_step(ctx *c, size_t no, const kdx_step *st)
{
	strbuf *h = &c->v->human;
	kdx_json *j = kdx_json_object();
	kdx_json_push(c->steps, j);
	kdx_interp *in = c->in;
	strbuf line = STRBUF_INIT, reqs = STRBUF_INIT, obs = STRBUF_INIT;
	kdx_interp_reset(in);
	kdx_capture_reset(&c->cap);
	strbuf_addf(h, "\n%zu. step %s", no, st->name);
	for (size_t k = 0; k < st->npreds; k++)
		strbuf_addf(h, "%s%s", k ? ", " : " after ", c->r->fe.comp.plan->steps[st->preds[k].from].name);
	bool reads_only = !st->mutating &&
			  (!st->do_call || kdx_interp_action(in, st->do_call)->reads_only);
	strbuf_addf(h, "  (%s%s)\n", st->action ? st->action : "no action",
		    st->mutating ? "" : reads_only ? "; reads only" : "; no change to the world model");
	kdx_json_set_str(j, "name", st->name);
	kdx_json_set_str_or_null(j, "action", st->action);
	kdx_json_set_bool(j, "mutating", st->mutating);
	kdx_json_set_bool(j, "reads_only", reads_only);
	kdx_json_set_bool(j, "approval", st->approval);
	kdx_json_set_bool(j, "irreversible", st->irreversible);
	kdx_json *after = kdx_json_set_array(j, "after_steps");
	for (size_t k = 0; k < st->npreds; k++)
		kdx_json_push_str(after, c->r->fe.comp.plan->steps[st->preds[k].from].name);
	approval_gate(c, st, j);
	requires(c, st, j);
	kdx_value *snap = NULL;
	/* the action's snapshot reads show the live state even when the step's undo is its
	 * own (they are reads; the plan file keeps them to detect a stale plan) */
	if (st->do_call) {
		if (kdx_interp_snapshot(in, st->do_call, &snap) < 0) {
			strbuf_addf(h, "     live state: cannot read (%s)\n", in->err.buf);
			c->failures++;
			snap = NULL;
		} else if (snap->u.map.n) {
			kdx_value_to_json(&obs, snap);
			strbuf_addf(h, "     live state: %s\n", obs.buf);
			kdx_json_set(c->observed, st->name, kdx_value_json(snap));
			observe(&c->m, c->r, st->do_call, snap);
		}
	}
	strbuf_reset(&in->err);
	kdx_model before;
	kdx_model_copy(&before, &c->m);
	strbuf why = STRBUF_INIT;
	(void)kdx_model_apply_all(&c->m, st->effects, st->neffects, &why);
	strbuf_release(&why);
	kdx_model_render(&line, &before);
	strbuf_addf(h, "     before: %s\n", line.buf);
	kdx_json_set_str(j, "before", line.buf);
	strbuf_reset(&line);
	kdx_model_render_diff(&line, &before, &c->m);
	strbuf_addf(h, "     change: %s\n", line.len ? line.buf : "(none to the world model)");
	kdx_json_set_str(j, "change", line.buf);
	/* a step whose verify already holds and that changes nothing the model sees would
	 * send what is already there: -detailed-exitcode does not count it as a change */
	bool in_place = st->mutating && !line.len && st->do_call &&
			kdx_interp_verify(in, st->do_call, NULL) == 1;
	strbuf_reset(&in->err);
	if (in_place)
		strbuf_addstr(h, "     already in place: its verify holds now, apply would change nothing\n");
	kdx_json_set_bool(j, "in_place", in_place);
	strbuf_reset(&line);
	kdx_model_render(&line, &c->m);
	kdx_json_set_str(j, "after", line.buf);
	kdx_model_release(&before);
	if (st->has_undo)
		strbuf_addf(h, "     undo: %s%s\n", st->undo_action,
			    st->undo_is_actions_own ? " (with the live state read before)" : "");
	else if (st->mutating)
		strbuf_addf(h, "     undo: none%s\n", st->irreversible ? " (irreversible)" : "");
	kdx_json_set_str_or_null(j, "undo", st->undo_action);
	strbuf_reset(&line);
	kdx_progress_time(&line, kdx_safety_step_worst(st, NULL));
	strbuf_addf(h, "     worst case: %s", line.buf);
	if (st->attempts > 1)
		strbuf_addf(h, " (%d attempts)", st->attempts);
	strbuf_addch(h, '\n');
	kdx_json_set_int(j, "worst_ms", kdx_safety_step_worst(st, NULL));
	kdx_value *ret;
	int rc = kdx_real_run_step(in, st, KDX_PHASE_DO, NULL, &ret);
	if (in->log.len) {
		strbuf_addstr(h, "     requests:\n");
		indent(h, in->log.buf, "       ");
		strbuf_addstr(&reqs, in->log.buf);
	}
	if (rc < 0) {
		strbuf_addf(h, "     could not read what it needs: %s\n", in->err.buf);
		c->failures++;
	}
	kdx_json_set_str(j, "requests", reqs.buf ? reqs.buf : "");
	/* the field-level diff: what its requests change in what it read -- the snapshot's
	 * reads and the body's (fielddiff.h); then the undo, field by field, against the world
	 * before the step (as predicted) */
	kdx_json *pred_before = kdx_json_copy(c->predicted);
	if (rc == 0)
		(void)kdx_fdiff(&c->cap, c->predicted, kdx_json_set_array(j, "diff"));
	undo_fields(c, st, obs.buf, pred_before, j);
	kdx_json_free(pred_before);
	undo_target(c, st, snap, j);
	kdx_plan_diff_text(h, j, "     ");
	if (st->mutating && !in_place)
		c->v->changes = true;
	strbuf_release(&line);
	strbuf_release(&reqs);
	strbuf_release(&obs);
}

static void header(ctx *c, const char *meta)
{
	const kdx_rb *r = c->r;
	const kdx_plan *p = r->fe.comp.plan;
	strbuf *h = &c->v->human;
	strbuf t = STRBUF_INIT;
	strbuf_addf(h, "Runbook %s (%s)", p->name, p->path);
	if (p->environment)
		strbuf_addf(h, ", environment %s", p->environment);
	if (p->mode)
		strbuf_addf(h, ", mode %s", p->mode);
	strbuf_addch(h, '\n');
	kdx_progress_time(&t, r->fe.rep.total_ms);
	strbuf_addf(h, "RTO budget: critical path %s", t.buf);
	if (p->has_rto) {
		strbuf_reset(&t);
		kdx_progress_time(&t, p->rto_ms);
		strbuf_addf(h, " of %s (", t.buf);
		strbuf_reset(&t);
		kdx_progress_time(&t, r->fe.rep.slack_ms < 0 ? -r->fe.rep.slack_ms : r->fe.rep.slack_ms);
		strbuf_addf(h, "%s %s)", t.buf, r->fe.rep.slack_ms < 0 ? "over" : "to spare");
	}
	for (size_t i = 0; i < r->fe.rep.npath; i++)
		strbuf_addf(h, "%s%s", i ? " -> " : ": ", p->steps[r->fe.rep.path[i].step].name);
	strbuf_addch(h, '\n');
	strbuf_reset(&t);
	kdx_real_backend_stop_on(&c->r->be, &t);
	if (t.len)
		strbuf_addf(h, "Stop conditions: %s\n", t.buf);
	kdx_json *j = c->doc;
	kdx_json_set_int(j, "format_version", KDX_PLANFILE_FORMAT);
	kdx_json_set_str(j, "kdx_version", KDX_VERSION);
	kdx_json_set_str_or_null(j, "runbook", p->path);
	kdx_json_set_str_or_null(j, "name", p->name);
	kdx_json_set_str_or_null(j, "environment", p->environment);
	kdx_json_set_str_or_null(j, "mode", p->mode);
	strbuf perr = STRBUF_INIT;
	kdx_json *m = meta && *meta ? kdx_json_parse_str(meta, &perr) : NULL;
	strbuf_release(&perr);
	kdx_json_set(j, "meta", m ? m : kdx_json_object());
	kdx_json_set_int(j, "rto_ms", p->has_rto ? p->rto_ms : 0);
	kdx_json_set_int(j, "critical_path_ms", r->fe.rep.total_ms);
	kdx_json *cp = kdx_json_set_array(j, "critical_path");
	for (size_t i = 0; i < r->fe.rep.npath; i++)
		kdx_json_push_str(cp, p->steps[r->fe.rep.path[i].step].name);
	kdx_json_set_str(j, "stop_on", t.buf);
	strbuf_release(&t);
	c->steps = kdx_json_set_array(j, "steps");
}

/* ---- every step's reads at once (executor/readcache.h) ----
 * Workers run the steps, in execution order, as the plan below does, each on its own
 * interpreter and scratch plan, and throw away what they write: what they leave is the
 * read cache, from which the plan is then built in order (as before, so its output is the
 * same). A dry run changes nothing, so no step's reads depend on another step's changes. */
typedef struct prefetch {
	kdx_rb *r;
	const kdx_runtime *rt;
	const size_t *order;
	atomic_size_t next;
} prefetch;

static void *prefetch_worker(void *arg)
{
	prefetch *pf = arg;
	const kdx_plan *p = pf->r->fe.comp.plan;
	kdx_interp in;
	kdx_interp_init(&in, pf->rt);
	if (pf->r->have_be)
		in.shared = &pf->r->be.models;
	kdx_planview v;
	kdx_planview_init(&v);
	strbuf err = STRBUF_INIT;
	ctx c = { .r = pf->r, .v = &v, .in = &in, .err = &err, .doc = kdx_json_object(),
		  .observed = kdx_json_object(), .predicted = kdx_json_object() };
	c.steps = kdx_json_set_array(c.doc, "steps");
	kdx_capture_init(&c.cap);
	in.capture = &c.cap;
	kdx_model_init_from_plan(&c.m, p);
	for (size_t i; (i = atomic_fetch_add(&pf->next, 1)) < p->nsteps;)
		one_step(&c, i + 1, &p->steps[pf->order[i]]);
	kdx_model_release(&c.m);
	kdx_interp_release(&in);
	kdx_capture_release(&c.cap);
	kdx_json_free(c.doc);
	kdx_json_free(c.observed);
	kdx_json_free(c.predicted);
	kdx_planview_release(&v);
	strbuf_release(&err);
	return NULL;
}

/* Fill rt->reads with every step's reads, at most `workers` steps at a time. */
static void prefetch_reads(kdx_rb *r, const kdx_runtime *rt, const size_t *order, int workers)
{
	size_t n = r->fe.comp.plan->nsteps;
	if ((size_t)workers > n)
		workers = (int)n;
	if (workers < 2)
		return; /* one worker would read as the plan itself does, twice */
	prefetch pf = { .r = r, .rt = rt, .order = order };
	atomic_init(&pf.next, 0);
	pthread_t *t = xcalloc((size_t)workers, sizeof(*t));
	int started = 0;
	for (; started < workers; started++)
		if (pthread_create(&t[started], NULL, prefetch_worker, &pf) != 0)
			break; /* fewer workers, or none: the plan reads what is left itself */
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}

int kdx_planview_build(kdx_planview *v, kdx_rb *r, const char *meta, bool color, strbuf *err)
{
	(void)color;
	kdx_runtime prt = r->rt;
	prt.dry_run = true;
	prt.no_waits = true;
	size_t *order = exec_order(r->fe.comp.plan);
	prt.reads = v->parallelism > 1 ? kdx_readcache_new() : NULL;
	/* one instant for the whole plan: a read with a time window (a metric's last five
	 * minutes) is the same request in the workers and in the plan built after them */
	prt.now_s = (int64_t)time(NULL);
	if (prt.reads)
		prefetch_reads(r, &prt, order, v->parallelism);
	kdx_interp in;
	kdx_interp_init(&in, &prt);
	if (r->have_be)
		in.shared = &r->be.models; /* loaded once for the workers and the plan */
	ctx c = { .r = r, .v = v, .in = &in, .err = err, .doc = kdx_json_object(),
		  .observed = kdx_json_object(), .predicted = kdx_json_object() };
	kdx_capture_init(&c.cap);
	in.capture = &c.cap;
	kdx_model_init_from_plan(&c.m, r->fe.comp.plan);
	header(&c, meta);
	size_t nmut = 0;
	for (size_t i = 0; i < r->fe.comp.plan->nsteps; i++) {
		const kdx_step *st = &r->fe.comp.plan->steps[order[i]];
		one_step(&c, i + 1, st);
		nmut += st->mutating;
	}
	free(order);
	kdx_json_write(&v->observed, c.observed);
	kdx_json_set(c.doc, "observed", c.observed); /* after the steps, as before */
	kdx_json_write(&v->json, c.doc);
	kdx_json_free(c.doc);
	strbuf_addf(&v->human, "\nPlan: %zu steps, %zu change something, %zu only read.\n",
		    r->fe.comp.plan->nsteps, nmut, r->fe.comp.plan->nsteps - nmut);
	kdx_model_release(&c.m);
	kdx_interp_release(&in);
	kdx_capture_release(&c.cap);
	kdx_json_free(c.predicted);
	kdx_readcache_free(prt.reads);
	if (c.unmet)
		strbuf_addf(err, "%d require%s DO%s NOT HOLD now: apply would stop there (see the plan "
			    "above)", c.unmet, c.unmet == 1 ? "" : "s", c.unmet == 1 ? "ES" : "");
	if (c.failures > c.unmet)
		strbuf_addf(err, "%s%d read%s of the live state failed (see the plan above)",
			    c.unmet ? "; " : "", c.failures - c.unmet, c.failures - c.unmet == 1 ? "" : "s");
	if (c.failures)
		return -1;
	return 0;
}

void kdx_planfile_print(kdx_rb *r, FILE *out, bool color)
{
	kdx_planview v;
	strbuf err = STRBUF_INIT;
	kdx_planview_init(&v);
	(void)kdx_planview_build(&v, r, NULL, color, &err);
	fputs(v.human.buf, out);
	if (err.len)
		fprintf(out, "warning: %s\n", err.buf);
	kdx_planview_release(&v);
	strbuf_release(&err);
}

/* ---- plan files ---- */

void kdx_planfile_init(kdx_planfile *pf)
{
	memset(pf, 0, sizeof(*pf));
	kdx_arena_init(&pf->arena);
}

void kdx_planfile_release(kdx_planfile *pf)
{
	free(pf->path);
	free(pf->runbook);
	free(pf->meta);
	free(pf->observed);
	free(pf->program);
	free(pf->environment);
	kdx_rb_meta_free(pf->holder);
	kdx_arena_release(&pf->arena);
	memset(pf, 0, sizeof(*pf));
}

bool kdx_planfile_is(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	int ch;
	do
		ch = fgetc(f);
	while (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r');
	fclose(f);
	return ch == '{';
}

/* The digest: sha256 over the document's bytes up to its last '}', written as the last
 * member. Byte-exact, so any edit -- a value, a key, white space -- is detected; kdx_json
 * parses and re-serialises nothing for it. */
#define DIGEST_TAG ",\"digest\":\"sha256:"

static void digest_hex(const char *text, size_t n, char hex[65])
{
	unsigned char md[KDX_SHA256_LEN];
	kdx_sha256(text, n, md);
	kdx_hex(md, sizeof(md), hex);
}

int kdx_planfile_seal(const char *doc, const kdx_rb *r, const kdx_rb_opts *o, strbuf *out,
		      strbuf *err)
{
	kdx_json *d = kdx_json_parse_str(doc, err);
	if (!kdx_json_is_object(d)) {
		kdx_json_free(d);
		strbuf_addstr(err, "the plan document is not a JSON object (a bug in kdx)");
		return -1;
	}
	/* the compiled program (the plan IR, compiler/plan_io.h), which apply checks the
	 * carried sources still compile to */
	strbuf ir = STRBUF_INIT;
	kdx_plan_write(&ir, r->fe.comp.plan);
	kdx_json *prog = kdx_json_parse(ir.buf, ir.len, err);
	strbuf_release(&ir);
	if (!prog) {
		kdx_json_free(d);
		strbuf_addstr(err, " (the plan IR as written; a bug in kdx)");
		return -1;
	}
	kdx_json_set(d, "program", prog);
	/* the sources the plan was made from, as compiled, and the var files as read */
	kdx_json *src = kdx_json_set_object(d, "source_texts");
	for (size_t i = 0; i < r->fe.comp.sources.n; i++) {
		const kdx_source *f = &r->fe.comp.sources.files[i];
		if (f->path && f->from_file) {
			char *t = xstrndup(f->text, f->len);
			kdx_json_set_str(src, f->path, t);
			free(t);
		}
	}
	for (size_t i = 0; i < o->src.var_files.n; i++) {
		strbuf t = STRBUF_INIT;
		(void)strbuf_read_file(&t, o->src.var_files.items[i]);
		kdx_json_set_str(src, o->src.var_files.items[i], t.buf);
		strbuf_release(&t);
	}
	strbuf body = STRBUF_INIT;
	kdx_json_write(&body, d);
	kdx_json_free(d);
	char hex[65];
	digest_hex(body.buf, body.len, hex);
	strbuf_add(out, body.buf, body.len - 1);
	strbuf_addf(out, DIGEST_TAG "%s\"}\n", hex);
	strbuf_release(&body);
	return 0;
}

/* Check the digest of a plan file's bytes; 0, or -1 with why. */
static int check_digest(const strbuf *text, const char *path)
{
	size_t n = text->len;
	while (n && strchr(" \t\r\n", text->buf[n - 1]))
		n--;
	size_t tl = sizeof(DIGEST_TAG) - 1, tail = tl + 64 + 2;
	if (n < tail + 1 || memcmp(text->buf + n - tail, DIGEST_TAG, tl) ||
	    memcmp(text->buf + n - 2, "\"}", 2)) {
		fprintf(stderr, "kdx: error: plan file '%s' carries no digest: it was edited, or made "
				"by an older kdx; make a new plan with 'kdx plan -out FILE' and review "
				"it\n", path);
		return -1;
	}
	strbuf body = STRBUF_INIT;
	strbuf_add(&body, text->buf, n - tail);
	strbuf_addch(&body, '}');
	char hex[65];
	digest_hex(body.buf, body.len, hex);
	int rc = memcmp(hex, text->buf + n - 66, 64) ? -1 : 0;
	if (rc < 0)
		fprintf(stderr, "kdx: error: plan file '%s' was changed after 'kdx plan' wrote it "
				"(its digest does not match its contents); what was reviewed is not "
				"what would run. Make a new plan with 'kdx plan -out FILE' and review "
				"it\n", path);
	strbuf_release(&body);
	return rc;
}

/* The embedded source texts must be the ones the meta's hashes name. */
static int check_texts(const kdx_json *root, const char *path)
{
	const kdx_json *texts = kdx_json_get(root, "source_texts");
	const kdx_json *hashes = kdx_json_get(kdx_json_get(root, "meta"), "sources");
	if (!kdx_json_is_object(texts) || !kdx_json_is_object(hashes)) {
		fprintf(stderr, "kdx: error: plan file '%s' does not carry its sources; make a new "
				"plan with 'kdx plan -out FILE'\n", path);
		return -1;
	}
	json_object_object_foreach((kdx_json *)hashes, file, want)
	{
		const char *t = kdx_json_str(texts, file);
		char hex[65];
		if (t)
			digest_hex(t, strlen(t), hex);
		if (!t || !kdx_json_as_str(want) || strcmp(hex, kdx_json_as_str(want))) {
			fprintf(stderr, "kdx: error: plan file '%s': the source '%s' it carries is "
					"%s; make a new plan with 'kdx plan -out FILE'\n", path, file,
				t ? "not the one it was made from" : "missing");
			return -1;
		}
	}
	return 0;
}

/* Member KEY of a plan file's root (an object) as JSON text into *out (the caller frees);
 * -1 after saying the plan file WHAT (lacks it) and how to make a good one. */
static int member_text(const kdx_json *root, const char *key, const char *path,
		       const char *what, char **out)
{
	const kdx_json *v = kdx_json_get(root, key);
	if (!kdx_json_is_object(v)) {
		fprintf(stderr, "kdx: error: plan file '%s' %s; make a new plan with 'kdx plan "
				"-out FILE'\n", path, what);
		return -1;
	}
	strbuf sb = STRBUF_INIT;
	kdx_json_write(&sb, v);
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

int kdx_planfile_read(kdx_planfile *pf, const char *path, kdx_rb_opts *o)
{
	strbuf text = STRBUF_INIT, perr = STRBUF_INIT;
	bool got = strbuf_read_file(&text, path) == 0;
	kdx_json *root = got ? kdx_json_parse(text.buf, text.len, &perr) : NULL;
	const kdx_json *meta = kdx_json_get(root, "meta");
	const char *rb = kdx_json_str(root, "runbook");
	int64_t fv = 0;
	int rc = -1;
	if (!root || !kdx_json_int(root, "format_version", &fv) || !meta || !rb) {
		fprintf(stderr, "kdx: error: '%s' is not a kdx plan file; make one with "
				"'kdx plan -out FILE'\n", path);
		goto out;
	}
	if (fv != KDX_PLANFILE_FORMAT) {
		fprintf(stderr, "kdx: error: plan file '%s' has format %lld, this kdx reads %d; "
				"run 'kdx plan' again\n", path, (long long)fv, KDX_PLANFILE_FORMAT);
		goto out;
	}
	if (check_digest(&text, path) < 0 || check_texts(root, path) < 0)
		goto out;
	pf->path = xstrdup(path);
	pf->runbook = xstrdup(rb);
	const char *env = kdx_json_str(root, "environment");
	pf->environment = env ? xstrdup(env) : NULL;
	if (member_text(root, "meta", path, "has no meta", &pf->meta) < 0 ||
	    member_text(root, "program", path, "carries no compiled program", &pf->program) < 0 ||
	    member_text(root, "observed", path, "has no observed state", &pf->observed) < 0)
		goto out;
	if (kdx_rb_meta_load(pf->meta, o, NULL, &pf->holder) < 0) {
		fprintf(stderr, "kdx: error: the meta of plan file '%s' cannot be read\n", path);
		goto out;
	}
	rc = 0;
out:
	kdx_json_free(root);
	strbuf_release(&text);
	strbuf_release(&perr);
	return rc;
}

/* The program the plan file carries must be what its sources compile to now: the sources
 * on disk are the carried ones (kdx_rb_sources_changed and check_texts), so r is their
 * compilation. Compared as JSON documents, so the digest, not white space, binds bytes. */
static bool program_differs(const kdx_planfile *pf, const kdx_rb *r, strbuf *why)
{
	strbuf ir = STRBUF_INIT, perr = STRBUF_INIT;
	kdx_plan_write(&ir, r->fe.comp.plan);
	kdx_json *a = kdx_json_parse_str(pf->program, &perr);
	kdx_json *b = kdx_json_parse(ir.buf, ir.len, &perr);
	bool differs = !a || !b || !json_object_equal(a, b);
	if (differs) {
		/* name the first top-level member that differs, so the message says what */
		const char *what = NULL;
		if (b) {
			json_object_object_foreach(b, key, val)
			{
				kdx_json *was = NULL; /* JSON null is json-c's NULL: ask for presence */
				bool has = a && json_object_object_get_ex(a, key, &was);
				if (!what && (!has || !json_object_equal(was, val)))
					what = key;
			}
		}
		if (!what && a) {
			json_object_object_foreach(a, key2, val2)
			{
				(void)val2;
				if (!what && !(b && json_object_object_get_ex(b, key2, NULL)))
					what = key2;
			}
		}
		/* the digest held, so a tamperer resealed it -- or another build of kdx, whose
		 * compiler or plan IR writer differs, made it: both, not the one we cannot tell */
		strbuf_addf(why, "the compiled program it carries is not what its sources compile to "
			    "(they differ in '%s'): the plan file was edited, or made by another "
			    "build of kdx", what ? what : "the document");
	}
	kdx_json_free(a);
	kdx_json_free(b);
	strbuf_release(&ir);
	strbuf_release(&perr);
	return differs;
}

int kdx_planfile_check(const kdx_planfile *pf, kdx_rb *r)
{
	strbuf why = STRBUF_INIT, err = STRBUF_INIT;
	int rc = 0;
	const char *env = r->fe.comp.plan->environment;
	if (kdx_rb_sources_changed(pf->meta, &why)) {
		rc = -1;
	} else if ((env || pf->environment) &&
		   (!env || !pf->environment || strcmp(env, pf->environment))) {
		strbuf_addf(&why, "it was made for environment '%s', the runbook now compiles to "
			    "'%s'", pf->environment ? pf->environment : "(none)", env ? env : "(none)");
		rc = -1;
	} else if (program_differs(pf, r, &why)) {
		rc = -1;
	} else {
		/* read the live state again, the way the plan read it */
		kdx_planview v;
		kdx_planview_init(&v);
		if (kdx_planview_build(&v, r, NULL, false, &err) < 0) {
			strbuf_addf(&why, "the live state cannot be read (%s)", err.buf);
			rc = -1;
		} else {
			json_object *a = kdx_json_parse_str(pf->observed, NULL);
			json_object *b = kdx_json_parse_str(v.observed.buf, NULL);
			json_object_object_foreach(a, step, was)
			{
				json_object *now = NULL;
				if (rc)
					break;
				if (!json_object_object_get_ex(b, step, &now) ||
				    !json_object_equal(was, now)) {
					strbuf_addf(&why, "the live state step '%s' reads changed since "
						    "the plan was made (was %s, now %s)", step,
						    json_object_to_json_string_ext(was, JSON_C_TO_STRING_PLAIN),
						    now ? json_object_to_json_string_ext(now, JSON_C_TO_STRING_PLAIN) : "unreadable");
					rc = -1;
				}
			}
			/* every step that reads live state now must have been observed: an
			 * emptied or missing observation is a refusal, never a pass */
			json_object_object_foreach(b, step2, now2)
			{
				(void)now2;
				if (rc)
					break;
				if (!a || !json_object_object_get_ex(a, step2, NULL)) {
					strbuf_addf(&why, "the plan file has no observation of step '%s', "
						    "which reads the live state (emptied or edited?)",
						    step2);
					rc = -1;
				}
			}
			json_object_put(a);
			json_object_put(b);
		}
		kdx_planview_release(&v);
	}
	if (rc < 0)
		fprintf(stderr, "kdx: error: plan is stale: %s; run 'kdx plan' again\n", why.buf);
	strbuf_release(&why);
	strbuf_release(&err);
	return rc;
}

static const char *dup_or_null(kdx_arena *a, const char *s)
{
	return s ? kdx_arena_strdup(a, s) : NULL;
}

static kdx_plan_store store_copy(kdx_arena *a, const kdx_plan_store *from)
{
	kdx_plan_store s = *from;
	s.url = dup_or_null(a, from->url);
	s.origin = dup_or_null(a, from->origin);
	s.regions_from = dup_or_null(a, from->regions_from);
	s.regions_note = dup_or_null(a, from->regions_note);
	s.regions = kdx_arena_alloc(a, (from->nregions + 1) * sizeof(*s.regions));
	for (size_t i = 0; i < from->nregions; i++)
		s.regions[i] = kdx_arena_strdup(a, from->regions[i]);
	return s;
}

int kdx_planfile_plan(kdx_planfile *pf, kdx_rb *r)
{
	strbuf err = STRBUF_INIT;
	kdx_plan *p;
	if (kdx_plan_read(pf->program, strlen(pf->program), &pf->arena, &p, &err) < 0) {
		fprintf(stderr, "kdx: error: the compiled program of plan file '%s' cannot be read "
				"(%s); make a new plan with 'kdx plan -out FILE'\n", pf->path, err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	/* the run store is the command line's choice, not the program's: the compiled plan's,
	 * copied into the read plan's arena (the compilation is released before the run) */
	p->store = store_copy(&pf->arena, &r->fe.comp.plan->store);
	pf->plan = p;
	kdx_runtime_use_plan(&r->rt, p, &pf->arena);
	kdx_real_backend_use_plan(&r->be, &r->rt);
	return 0;
}
