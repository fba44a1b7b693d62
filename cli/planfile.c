/* planfile: build, print, save and check plans (planfile.h). */
#include "planfile.h"

#include "progress.h"
#include "version.h"

#include "../common/xalloc.h"
#include "../compiler/model.h"
#include "../grammar/ast.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

void kdx_planview_init(kdx_planview *v)
{
	memset(v, 0, sizeof(*v));
	strbuf_init(&v->human);
	strbuf_init(&v->json);
	strbuf_init(&v->observed);
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
static void observe(kdx_model *m, const kdx_rb *r, const kdx_bound_call *bc, const kdx_value *snap)
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

static void json_kv(strbuf *j, const char *k, const char *v, bool comma)
{
	if (comma)
		strbuf_addch(j, ',');
	strbuf_add_json_str(j, k);
	strbuf_addch(j, ':');
	if (v)
		strbuf_add_json_str(j, v);
	else
		strbuf_addstr(j, "null");
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
	bool first_obs;
	strbuf *err;
} ctx;

static void one_step(ctx *c, size_t no, const kdx_step *st)
{
	const kdx_step_body *b = st->body;
	strbuf *h = &c->v->human, *j = &c->v->json;
	kdx_interp *in = c->in;
	strbuf line = STRBUF_INIT, reqs = STRBUF_INIT, obs = STRBUF_INIT;
	kdx_interp_reset(in);
	strbuf_addf(h, "\n%zu. step %s", no, st->name);
	for (size_t k = 0; k < st->npreds; k++)
		strbuf_addf(h, "%s%s", k ? ", " : " after ", c->r->fe.comp.plan->steps[st->preds[k].from].name);
	const kdx_step_body *sb = st->body;
	strbuf_addf(h, "  (%s%s)\n", st->action ? st->action : "no action",
		    st->mutating ? ""
		    : !sb->do_call || kdx_interp_action_reads_only(sb->do_call->decl) ? "; reads only"
										 : "; no change to the world model");
	strbuf_addf(j, "%s{", no > 1 ? "," : "");
	json_kv(j, "name", st->name, false);
	json_kv(j, "action", st->action, true);
	strbuf_addf(j, ",\"mutating\":%s", st->mutating ? "true" : "false");
	for (size_t k = 0; k < b->nrequires; k++) {
		kdx_value *val;
		strbuf_addstr(h, "     require ");
		kdx_interp_expr_text(in, b->requires[k], h);
		if (kdx_interp_eval_step(in, b, b->requires[k], &val) < 0)
			strbuf_addf(h, ": cannot tell now (%s)\n", in->err.buf);
		else
			strbuf_addf(h, ": %s now\n", val->kind == KDX_V_BOOL && val->u.b ? "holds" : "DOES NOT HOLD");
		strbuf_reset(&in->err);
	}
	kdx_value *snap = NULL;
	/* the action's snapshot reads show the live state even when the step's undo is its
	 * own (they are reads; the plan file keeps them to detect a stale plan) */
	if (b->do_call) {
		if (kdx_interp_snapshot(in, b->do_call, &snap) < 0) {
			strbuf_addf(h, "     live state: cannot read (%s)\n", in->err.buf);
			c->failures++;
			snap = NULL;
		} else if (snap->u.map.n) {
			kdx_value_to_json(&obs, snap);
			strbuf_addf(h, "     live state: %s\n", obs.buf);
			strbuf_addf(&c->v->observed, "%s", c->first_obs ? "" : ",");
			c->first_obs = false;
			strbuf_add_json_str(&c->v->observed, st->name);
			strbuf_addf(&c->v->observed, ":%s", obs.buf);
			observe(&c->m, c->r, b->do_call, snap);
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
	json_kv(j, "before", line.buf, true);
	strbuf_reset(&line);
	kdx_model_render_diff(&line, &before, &c->m);
	strbuf_addf(h, "     change: %s\n", line.len ? line.buf : "(none to the world model)");
	json_kv(j, "change", line.buf, true);
	strbuf_reset(&line);
	kdx_model_render(&line, &c->m);
	json_kv(j, "after", line.buf, true);
	kdx_model_release(&before);
	if (st->has_undo)
		strbuf_addf(h, "     undo: %s%s\n", st->undo_action,
			    b->undo_is_actions_own ? " (with the live state read before)" : "");
	else if (st->mutating)
		strbuf_addf(h, "     undo: none%s\n", st->irreversible ? " (irreversible)" : "");
	json_kv(j, "undo", st->undo_action, true);
	strbuf_reset(&line);
	kdx_progress_time(&line, kdx_safety_step_worst(st, NULL));
	strbuf_addf(h, "     worst case: %s", line.buf);
	if (st->attempts > 1)
		strbuf_addf(h, " (%d attempts)", st->attempts);
	strbuf_addch(h, '\n');
	strbuf_addf(j, ",\"worst_ms\":%lld", (long long)kdx_safety_step_worst(st, NULL));
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
	json_kv(j, "requests", reqs.buf ? reqs.buf : "", true);
	strbuf_addch(j, '}');
	if (st->mutating)
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
	strbuf_release(&t);
	strbuf *j = &c->v->json;
	strbuf_addf(j, "{\"format_version\":%d,\"kdx_version\":\"%s\",", KDX_PLANFILE_FORMAT,
		    KDX_VERSION);
	json_kv(j, "runbook", p->path, false);
	json_kv(j, "name", p->name, true);
	json_kv(j, "environment", p->environment, true);
	strbuf_addf(j, ",\"meta\":%s", meta && *meta ? meta : "{}");
	strbuf_addf(j, ",\"rto_ms\":%lld,\"critical_path_ms\":%lld,\"steps\":[",
		    (long long)(p->has_rto ? p->rto_ms : 0), (long long)r->fe.rep.total_ms);
}

int kdx_planview_build(kdx_planview *v, kdx_rb *r, const char *meta, bool color, strbuf *err)
{
	(void)color;
	kdx_runtime prt = r->rt;
	prt.dry_run = true;
	prt.no_waits = true;
	kdx_interp in;
	kdx_interp_init(&in, &prt);
	ctx c = { .r = r, .v = v, .in = &in, .first_obs = true, .err = err };
	kdx_model_init_from_plan(&c.m, r->fe.comp.plan);
	strbuf_addch(&v->observed, '{');
	header(&c, meta);
	size_t *order = exec_order(r->fe.comp.plan);
	size_t nmut = 0;
	for (size_t i = 0; i < r->fe.comp.plan->nsteps; i++) {
		const kdx_step *st = &r->fe.comp.plan->steps[order[i]];
		one_step(&c, i + 1, st);
		nmut += st->mutating;
	}
	free(order);
	strbuf_addch(&v->observed, '}');
	strbuf_addf(&v->json, "],\"observed\":%s}", v->observed.buf);
	strbuf_addf(&v->human, "\nPlan: %zu steps, %zu change something, %zu only read.\n",
		    r->fe.comp.plan->nsteps, nmut, r->fe.comp.plan->nsteps - nmut);
	kdx_model_release(&c.m);
	kdx_interp_release(&in);
	if (c.failures) {
		strbuf_addf(err, "%d read%s of the live state failed (see the plan above)",
			    c.failures, c.failures == 1 ? "" : "s");
		return -1;
	}
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
}

void kdx_planfile_release(kdx_planfile *pf)
{
	free(pf->path);
	free(pf->runbook);
	free(pf->meta);
	free(pf->observed);
	kdx_rb_meta_free(pf->holder);
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

int kdx_planfile_read(kdx_planfile *pf, const char *path, kdx_rb_opts *o)
{
	json_object *root = json_object_from_file(path), *fv, *meta, *obs, *rb;
	if (!root || !json_object_object_get_ex(root, "format_version", &fv) ||
	    !json_object_object_get_ex(root, "meta", &meta) ||
	    !json_object_object_get_ex(root, "runbook", &rb)) {
		fprintf(stderr, "kdx: error: '%s' is not a kdx plan file; make one with "
				"'kdx plan -out FILE'\n", path);
		json_object_put(root);
		return -1;
	}
	if (json_object_get_int(fv) != KDX_PLANFILE_FORMAT) {
		fprintf(stderr, "kdx: error: plan file '%s' has format %d, this kdx reads %d; "
				"run 'kdx plan' again\n", path, json_object_get_int(fv),
			KDX_PLANFILE_FORMAT);
		json_object_put(root);
		return -1;
	}
	pf->path = xstrdup(path);
	pf->runbook = xstrdup(json_object_get_string(rb));
	pf->meta = xstrdup(json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN));
	pf->observed = xstrdup(json_object_object_get_ex(root, "observed", &obs)
				       ? json_object_to_json_string_ext(obs, JSON_C_TO_STRING_PLAIN)
				       : "{}");
	json_object_put(root);
	if (kdx_rb_meta_load(pf->meta, o, NULL, &pf->holder) < 0) {
		fprintf(stderr, "kdx: error: the meta of plan file '%s' cannot be read\n", path);
		return -1;
	}
	return 0;
}

int kdx_planfile_check(const kdx_planfile *pf, kdx_rb *r)
{
	strbuf why = STRBUF_INIT, err = STRBUF_INIT;
	int rc = 0;
	if (kdx_rb_sources_changed(pf->meta, &why)) {
		rc = -1;
	} else {
		/* read the live state again, the way the plan read it */
		kdx_planview v;
		kdx_planview_init(&v);
		if (kdx_planview_build(&v, r, NULL, false, &err) < 0) {
			strbuf_addf(&why, "the live state cannot be read (%s)", err.buf);
			rc = -1;
		} else {
			json_object *a = json_tokener_parse(pf->observed);
			json_object *b = json_tokener_parse(v.observed.buf);
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
