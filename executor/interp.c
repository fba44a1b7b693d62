/* interp: the run-time interpreter of action bodies and step clauses (see interp.h) --
 * the one place where what a step and an action do at run time is defined. It is pure:
 * every outside effect goes through in->hooks (the real ones are in interp_real.c). */
#include "interp.h"
#include "interp_int.h"
#include "readcache.h"
#include "../compiler/poll.h"

#include "../common/xalloc.h"
#include "reqlog.h"
#include "aws/client.h"
#include "aws/model.h"

#include <string.h>

void kdx_interp_init(kdx_interp *in, const kdx_runtime *rt)
{
	memset(in, 0, sizeof(*in));
	in->rt = rt;
	in->hooks = &kdx_interp_real_hooks;
	kdx_arena_init(&in->arena);
	strbuf_init(&in->err);
	strbuf_init(&in->log);
	strbuf_init(&in->observed);
}

void kdx_interp_release(kdx_interp *in)
{
	aws_client_free(in->client);
	for (size_t i = 0; i < in->nmodels; i++)
		aws_model_free(in->models[i].m);
	kdx_arena_release(&in->arena);
	strbuf_release(&in->err);
	strbuf_release(&in->log);
	strbuf_release(&in->observed);
	memset(in, 0, sizeof(*in));
}

void kdx_interp_reset(kdx_interp *in)
{
	kdx_arena_release(&in->arena);
	kdx_arena_init(&in->arena);
	strbuf_reset(&in->err);
	strbuf_reset(&in->log);
	in->mutated = false;
}

const kdx_plan *kdx_runtime_plan(const kdx_runtime *rt)
{
	return rt->plan;
}

/* A plan scope as the evaluator's chain, innermost first as it was written. */
static const kdx_env *scope_env(kdx_plan_scope sc, kdx_arena *a)
{
	kdx_env *e = KDX_NEWN(a, kdx_env, sc.n + 1);
	for (size_t i = 0; i < sc.n; i++)
		e[i] = (kdx_env){ i + 1 < sc.n ? &e[i + 1] : NULL, sc.bindings[i].name,
				  sc.bindings[i].value };
	return sc.n ? e : NULL;
}

void kdx_runtime_use_plan(kdx_runtime *rt, const kdx_plan *p, kdx_arena *a)
{
	kdx_res_ref *res = KDX_NEWN(a, kdx_res_ref, p->nresources + 1);
	for (size_t i = 0; i < p->nresources; i++)
		res[i] = (kdx_res_ref){ .value = p->resources[i].attrs, .index = (int32_t)i,
					.qtype = p->resources[i].type };
	const char **regions = KDX_NEWN(a, const char *, p->nregions + 1);
	for (size_t i = 0; i < p->nregions; i++)
		regions[i] = p->regions[i].name;
	rt->plan = p;
	rt->res = res;
	rt->nres = p->nresources;
	rt->regions = regions;
	rt->nregions = p->nregions;
	rt->genv = scope_env(p->global, a);
	const kdx_env **scopes = KDX_NEWN(a, const kdx_env *, p->nscopes + 1);
	for (size_t k = 0; k < p->nscopes; k++)
		scopes[k] = scope_env(p->scopes[k], a);
	rt->scopes = scopes;
	rt->nscopes = p->nscopes;
}

bool kdx_interp_cancelled(const kdx_interp *in)
{
	return in->cancel && atomic_load(in->cancel);
}

/* ---- evaluator hooks ---- */

static int run_action(kdx_interp *in, int32_t at, kdx_value **args, const kdx_expr **arg_exprs,
		      size_t nargs, const kdx_env *scope, kdx_value **out);

/* A call the evaluator met in an expression: its arguments are bound (values, or for one
 * known only at run time the expression it comes from); what runs is the plan's action of
 * that qualified name. */
static int hook_call(kdx_eval *ev, const kdx_bound_call *bc, kdx_value **out)
{
	kdx_interp *in = ev->ctx;
	int32_t at = kdx_plan_action(kdx_runtime_plan(in->rt), bc->action);
	if (at < 0) {
		strbuf_addf(&in->err, "action '%s' is not in the plan", bc->action);
		return -1;
	}
	return run_action(in, at, bc->args, bc->arg_exprs, bc->nargs, NULL, out);
}

static int hook_step(kdx_eval *ev, const char *name, kdx_span span, kdx_value **out)
{
	kdx_interp *in = ev->ctx;
	if (!in->step_lookup || in->step_lookup(in->step_ud, name, &in->arena, out) < 0)
		return kdx_eval_error(ev, span, NULL, "the result of step '%s' is not known here",
				      name);
	return 0;
}

/* run_info(): { run, step, token } of the attempt, so a message can carry what lets its
 * receivers drop a copy that at-least-once delivery or a resumed run repeats. The run id
 * is the token's middle part ("kdx-RUN-CRC-d"); outside a run (kdx plan) all are "". */
static int run_info(kdx_interp *in, size_t nargs, kdx_value **out)
{
	if (nargs) {
		strbuf_addstr(&in->err, "run_info() takes no arguments");
		return -1;
	}
	const char *tok = in->token ? in->token : "";
	const char *run = strchr(tok, '-');
	const char *end = run ? strchr(run + 1, '-') : NULL;
	kdx_value *m = kdx_value_map(&in->arena, 3);
	m->u.map.keys[0] = "run";
	m->u.map.vals[0] = kdx_value_string(&in->arena, end ? kdx_arena_strndup(&in->arena, run + 1,
							      (size_t)(end - run - 1)) : "");
	m->u.map.keys[1] = "step";
	m->u.map.vals[1] = kdx_value_string(&in->arena, in->step ? in->step : "");
	m->u.map.keys[2] = "token";
	m->u.map.vals[2] = kdx_value_string(&in->arena, tok);
	*out = m;
	return 0;
}

static int hook_host(kdx_eval *ev, const char *name, kdx_value **args, size_t nargs,
		     kdx_value **out)
{
	kdx_interp *in = ev->ctx;
	if (!strcmp(name, "http_get"))
		return in->hooks->http_get(in, args, nargs, out);
	if (!strcmp(name, "run_command"))
		return in->hooks->run_command(in, args, nargs, out);
	if (!strcmp(name, "run_info"))
		return run_info(in, nargs, out);
	if (!strcmp(name, "kube_request") && in->hooks->kube_request)
		return in->hooks->kube_request(in, args, nargs, out);
	if (!strcmp(name, "ask_approval")) {
		const char *msg = nargs > 0 ? kdx_value_text(args[0]) : NULL;
		bool yes = false;
		if (in->hooks->ask_approval(in, msg ? msg : "", &yes) < 0)
			return -1;
		*out = kdx_value_bool(&in->arena, yes);
		return 0;
	}
	strbuf_addf(&in->err, "unknown host function '%s'", name);
	return -1;
}

void kdx_interp_evaluator(kdx_interp *in, kdx_eval *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->arena = &in->arena;
	ev->err = &in->err;
	ev->regions = in->rt->regions;
	ev->nregions = in->rt->nregions;
	ev->res = in->rt->res;
	ev->nres = in->rt->nres;
	ev->plan = kdx_runtime_plan(in->rt); /* calls are bound against the plan's actions */
	ev->call_action = hook_call;
	ev->step_ref = hook_step;
	ev->host_call = hook_host;
	ev->ctx = in;
	ev->runtime = true;
	ev->now_s = in->rt->now_s;
}

void kdx_interp_span_text(const kdx_interp *in, kdx_span sp, strbuf *out)
{
	const kdx_sources *s = in->rt->sources;
	if (s && sp.file < s->n && sp.end <= s->files[sp.file].len)
		strbuf_add(out, s->files[sp.file].text + sp.start, sp.end - sp.start);
	else
		strbuf_addstr(out, "(expression)");
}

/* Evaluate x; with seen, also the operands of x if it is a comparison (NULL: a side not
 * evaluated), for a `wait until`'s "last seen". */
static int eval_x(kdx_interp *in, const kdx_env *env,
		  const kdx_expr *x, kdx_value **out, kdx_value **seen)
{
	kdx_eval ev;
	kdx_interp_evaluator(in, &ev);
	if (seen)
		ev.watch = x;
	int r = kdx_eval_expr(&ev, env ? env : in->rt->genv, x, out);
	if (seen) {
		seen[0] = ev.seen[0];
		seen[1] = ev.seen[1];
	}
	if (r > 0) {
		strbuf_reset(&in->err);
		strbuf_addstr(&in->err, "a value is not known at run time: ");
		if (x)
			kdx_interp_span_text(in, x->span, &in->err);
		else
			strbuf_addstr(&in->err, "(expression)");
		return -1;
	}
	if (r < 0 && !in->err.len)
		strbuf_addstr(&in->err, "evaluation failed");
	return r;
}

static int eval_in(kdx_interp *in, const kdx_env *env,
		   const kdx_expr *e, kdx_value **out)
{
	return eval_x(in, env, e, out, NULL);
}

int kdx_interp_eval(kdx_interp *in, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	return eval_in(in, env, e, out);
}

void kdx_interp_expr_text(const kdx_interp *in, const kdx_expr *e, strbuf *out)
{
	if (e)
		kdx_interp_span_text(in, e->span, out);
	else
		strbuf_addstr(out, "(expression)");
}

/* ---- the plan's actions ---- */

const kdx_action *kdx_interp_action(const kdx_interp *in, const kdx_plan_call *c)
{
	return &kdx_runtime_plan(in->rt)->actions[c->action];
}

/* ---- binding ---- */

static kdx_env *push(kdx_interp *in, const kdx_env *parent, const char *name, kdx_value *v)
{
	kdx_env *e = KDX_NEW(&in->arena, kdx_env);
	*e = (kdx_env){ parent, name, v };
	return e;
}

/* Values that went through JSON (a journalled snapshot) come back as plain numbers and
 * strings: give them the declared type's kind again (percent, duration) before the check. */
static kdx_value *coerce(kdx_interp *in, const kdx_type *t, kdx_value *v)
{
	if (!t || !v)
		return v;
	if (t->kind == KDX_TYPE_PERCENT && v->kind == KDX_V_NUMBER)
		return kdx_value_percent(&in->arena, v->u.num);
	if (t->kind == KDX_TYPE_DURATION && v->kind == KDX_V_STRING) {
		int64_t ms = kdx_duration_parse(v->u.str.ptr);
		return ms >= 0 ? kdx_value_duration(&in->arena, ms) : v;
	}
	if (t->kind == KDX_TYPE_MAP && v->kind == KDX_V_MAP) {
		kdx_value *m = kdx_value_map(&in->arena, v->u.map.n);
		for (size_t i = 0; i < v->u.map.n; i++) {
			m->u.map.keys[i] = v->u.map.keys[i];
			m->u.map.vals[i] = coerce(in, t->elem, v->u.map.vals[i]);
		}
		return m;
	}
	if (t->kind == KDX_TYPE_LIST && v->kind == KDX_V_LIST) {
		kdx_value *l = kdx_value_list(&in->arena, v->u.list.n);
		for (size_t i = 0; i < v->u.list.n; i++)
			l->u.list.items[i] = coerce(in, t->elem, v->u.list.items[i]);
		return l;
	}
	return v;
}

/* An action's parameters bound to a call's arguments: values, or (NULL) evaluated from
 * arg_exprs at run time. */
static int bind(kdx_interp *in, const kdx_action *x, kdx_value **args,
		const kdx_expr **arg_exprs, size_t nargs, const kdx_env *scope, const kdx_env **out)
{
	const kdx_env *env = NULL;
	for (size_t i = 0; i < nargs; i++) {
		kdx_value *v = args[i];
		const char *pname = i < x->nparams ? x->params[i].name : "?";
		if (!v) {
			if (!arg_exprs || !arg_exprs[i]) {
				strbuf_addf(&in->err, "argument '%s' of '%s' has no value", pname,
					    x->name);
				return -1;
			}
			/* a run-time argument is written in the caller's scope: the runbook for a
			 * step's call, the action's own module for its `undo` */
			if (eval_x(in, scope, arg_exprs[i], &v, NULL) < 0)
				return -1;
			/* its declared type, as the plan has it (made once with the plan) */
			const kdx_type *t = i < x->nparams ? x->params[i].rtype : NULL;
			v = coerce(in, t, v);
			strbuf why = STRBUF_INIT;
			kdx_eval ev;
			kdx_interp_evaluator(in, &ev);
			if (t && v->kind != KDX_V_NULL && kdx_type_check_plan(&ev, t, &v, &why)) {
				strbuf_addf(&in->err, "argument '%s' of '%s': %s", pname, x->name,
					    why.buf);
				strbuf_release(&why);
				return -1;
			}
			strbuf_release(&why);
		}
		env = push(in, env, pname, v);
	}
	*out = env;
	return 0;
}

int kdx_interp_bind(kdx_interp *in, const kdx_plan_call *c, const kdx_env *scope,
		    const kdx_env **out)
{
	const kdx_action *x = kdx_interp_action(in, c);
	return bind(in, x, c->args, c->arg_exprs, c->nargs, scope, out);
}

/* ---- the body ---- */

int kdx_interp_mark_sent(kdx_interp *in)
{
	if (in->sent)
		atomic_store(in->sent, 1);
	if (!kdx_interp_cancelled(in))
		return 0;
	strbuf_addstr(&in->err, "cancelled");
	return -1;
}

int kdx_interp_sleep(kdx_interp *in, int64_t ms)
{
	return in->hooks->sleep(in, ms);
}

static int duration_of(kdx_interp *in, const kdx_env *env,
		       const kdx_expr *e, int64_t def, int64_t *ms)
{
	kdx_value *v;
	if (!e) {
		*ms = def;
		return 0;
	}
	if (eval_in(in, env, e, &v) < 0)
		return -1;
	if (v->kind != KDX_V_DURATION) {
		strbuf_addf(&in->err, "expected a duration, got %s", kdx_vkind_name(v->kind));
		return -1;
	}
	*ms = v->u.ms;
	return 0;
}

/* What a poll that did not meet its condition saw, for "last seen" (#20.8): what a host
 * function reported (an http check's URL and status), else, for a comparison, the value of
 * each side that is not a literal ("autoscaling.in_service(fleet[target]) = 1"), as the
 * poll's one evaluation saw them (seen[], from eval_x): nothing is read again. */
static void observation(kdx_interp *in, const kdx_expr *e, kdx_value *const *seen,
			strbuf *out)
{
	strbuf_reset(out);
	if (in->observed.len) {
		strbuf_add(out, in->observed.buf, in->observed.len);
		return;
	}
	if (e->kind != KDX_E_BINARY)
		return;
	const kdx_expr *side[2] = { e->u.binary.lhs, e->u.binary.rhs };
	for (int k = 0; k < 2; k++) {
		kdx_expr_kind sk = side[k]->kind;
		if (!seen[k] || sk == KDX_E_NUMBER || sk == KDX_E_STRING ||
		    sk == KDX_E_DURATION || sk == KDX_E_PERCENT || sk == KDX_E_BOOL ||
		    sk == KDX_E_NULL)
			continue;
		if (out->len)
			strbuf_addstr(out, ", ");
		kdx_interp_expr_text(in, side[k], out);
		strbuf_addstr(out, " = ");
		kdx_value_to_json(out, seen[k]);
	}
}

/* The duration model of the action x (kdx_action.duration_min/max, evaluated with
 * its arguments bound as in env) into p: the lower bound is the typical duration, the
 * upper one the schedule's horizon; both stay 0 when it has none or it cannot be known. */
static void model_of(kdx_interp *in, const kdx_action *x, const kdx_env *env, kdx_poll *p)
{
	int64_t lo, hi;
	size_t mark = in->err.len;
	if (!x || !x->duration_min || duration_of(in, env, x->duration_min, 0, &lo) < 0 ||
	    duration_of(in, env, x->duration_max, 0, &hi) < 0) {
		in->err.len = mark; /* no model: poll from the start */
		if (in->err.buf)
			in->err.buf[mark] = '\0';
		return;
	}
	p->typical_ms = lo > 0 ? lo : 0;
	p->last_ms = hi > 0 ? hi : 0;
}

/* "0s, 1m, 1m1s, 1m2.5s, ... then every 10s": the first polls of schedule p, for plan. */
static void schedule_text(strbuf *sb, const kdx_poll *p, int64_t within)
{
	for (unsigned k = 0; k < 8; k++) {
		int64_t at = kdx_poll_at(p, k);
		if (at > within)
			return;
		if (k)
			strbuf_addstr(sb, ", ");
		kdx_duration_format(sb, at);
	}
	strbuf_addstr(sb, ", ... at most every ");
	kdx_duration_format(sb, p->every_ms);
}

/* `wait until C within D every E` (s) in env, polling by compiler/poll.h's schedule; x: the
 * action whose body holds the wait (its duration model gives the typical duration), or
 * NULL for a step's own wait. */
static int wait_until(kdx_interp *in, const kdx_env *env,
		      const kdx_stmt *it, const kdx_action *x)
{
	int64_t within, every;
	if (duration_of(in, env, it->within, 5 * 60000, &within) < 0 ||
	    duration_of(in, env, it->every, 1000, &every) < 0)
		return -1;
	if (every <= 0)
		every = 1000;
	kdx_poll sched = { .every_ms = every, .seed = kdx_poll_seed(in->token, in->step) };
	model_of(in, x, env, &sched);
	if (!sched.last_ms)
		sched.last_ms = within; /* no model: the wait's limit is the horizon */
	strbuf what = STRBUF_INIT;
	strbuf_addstr(&what, "until ");
	kdx_interp_expr_text(in, it->expr, &what);
	strbuf_addstr(&what, " within ");
	kdx_duration_format(&what, within);
	if (in->rt->no_waits || (in->rt->dry_run && in->mutated)) {
		/* the condition depends on a change that was not made: report it as met */
		strbuf_addf(&in->log, "# would wait %s, polling at ", what.buf);
		schedule_text(&in->log, &sched, within);
		strbuf_addch(&in->log, '\n');
		strbuf_release(&what);
		return 0;
	}
	if (in->waiting)
		in->waiting(in->waiting_ud, what.buf);
	int64_t start = in->hooks->now_ms(in);
	int rc = -1;
	strbuf seen = STRBUF_INIT;
	const kdx_expr *cond = it->expr;
	for (unsigned k = 1;; k++) {
		kdx_value *v, *sides[2] = { NULL, NULL };
		strbuf_reset(&in->observed);
		/* a poll reads each thing once: the condition's two sides (in_service and
		 * desired, one DescribeAutoScalingGroups) share the answers, and its "last
		 * seen" is what this evaluation saw (sides), not a second read */
		kdx_readcache *once = kdx_readcache_new();
		in->poll_reads = once;
		int erc = eval_x(in, env, cond, &v, sides);
		in->poll_reads = NULL;
		kdx_readcache_free(once);
		if (erc < 0)
			break;
		if (v->kind != KDX_V_BOOL) {
			strbuf_addf(&in->err, "a wait condition must be a bool, got %s",
				    kdx_vkind_name(v->kind));
			break;
		}
		if (v->u.b) {
			rc = 0;
			break;
		}
		observation(in, it->expr, sides, &seen);
		if (in->observe && seen.len)
			in->observe(in->waiting_ud, seen.buf);
		int64_t left = start + within - in->hooks->now_ms(in);
		if (left <= 0) {
			strbuf_addf(&in->err, "timed out waiting %s", what.buf);
			if (seen.len)
				strbuf_addf(&in->err, "; last seen: %s", seen.buf);
			break;
		}
		/* sleep until the next poll of the schedule (never past the limit) */
		int64_t next = start + kdx_poll_at(&sched, k) - in->hooks->now_ms(in);
		if (next < 0)
			next = 0;
		if (kdx_interp_sleep(in, next < left ? next : left) < 0)
			break;
	}
	strbuf_release(&seen);
	strbuf_release(&what);
	return rc;
}

/* The input map without the reserved `region` key, whose text goes to *region. */
static kdx_value *split_region(kdx_interp *in, kdx_value *input, const char **region)
{
	*region = NULL;
	if (!input || input->kind != KDX_V_MAP)
		return input;
	kdx_value *r = kdx_value_get(input, "region");
	if (!r)
		return input;
	*region = kdx_value_text(r);
	kdx_value *m = kdx_value_map(&in->arena, input->u.map.n - 1);
	size_t k = 0;
	for (size_t i = 0; i < input->u.map.n; i++) {
		if (!strcmp(input->u.map.keys[i], "region"))
			continue;
		m->u.map.keys[k] = input->u.map.keys[i];
		m->u.map.vals[k++] = input->u.map.vals[i];
	}
	return m;
}

/* `call aws "SERVICE" "Op" { INPUT }` and `call terraform "COMMAND" { INPUT }`: the names
 * are literals (the compiler checked them), the input is evaluated here, the call itself
 * is a hook. */
static int call_provider(kdx_interp *in, const kdx_env *env,
			 const kdx_stmt *it, bool mutating, kdx_value **out)
{
	bool aws = it->kind == KDX_S_CALL_AWS;
	const char *prov = aws ? "aws" : "terraform";
	const char *a = it->service, *b = it->op;
	if (!a || (aws && !b)) {
		strbuf_addstr(&in->err, aws ? "'call aws' needs a literal service and operation"
					    : "'call terraform' needs a literal command");
		return -1;
	}
	kdx_value *input = NULL;
	kdx_eval ev;
	kdx_interp_evaluator(in, &ev);
	if (it->expr && kdx_eval_expr(&ev, env, it->expr, &input) != 0) {
		if (!in->err.len)
			strbuf_addf(&in->err, "the input of %s %s%s%s is not known", prov, a,
				    aws ? " " : "", aws ? b : "");
		return -1;
	}
	if (!aws)
		return in->hooks->tf_call(in, a, input, mutating, out);
	const char *region;
	input = split_region(in, input, &region);
	return in->hooks->aws_call(in, a, b, region, input, mutating, out);
}

typedef struct frame {
	const kdx_action *act;
	const kdx_env *env;
	bool mutating;        /* the action changes something: its `call aws` are mutations */
	kdx_value *ret;
	bool returned;
} frame;

/* One statement of an action's body (kdx_action.body). */
static int run_item(kdx_interp *in, frame *f, const kdx_stmt *it)
{
	kdx_value *v;
	switch (it->kind) {
	case KDX_S_CALL_AWS:
	case KDX_S_CALL_TERRAFORM: {
		if (kdx_interp_cancelled(in)) {
			strbuf_addstr(&in->err, "cancelled");
			return -1;
		}
		if (call_provider(in, f->env, it, f->mutating, &v) < 0)
			return -1;
		if (it->name)
			f->env = push(in, f->env, it->name, v);
		return 0;
	}
	case KDX_S_LET:
		if (eval_in(in, f->env, it->expr, &v) < 0) {
			if (!(in->rt->dry_run && in->mutated))
				return -1;
			strbuf_reset(&in->err); /* depends on a result the dry run did not get */
			v = kdx_value_null(&in->arena);
		}
		f->env = push(in, f->env, it->name, v);
		return 0;
	case KDX_S_DO:
		return eval_in(in, f->env, it->expr, &v);
	case KDX_S_WAIT: {
		int64_t ms;
		if (duration_of(in, f->env, it->expr, 0, &ms) < 0)
			return -1;
		if (in->rt->no_waits) {
			strbuf_addstr(&in->log, "# would wait ");
			kdx_duration_format(&in->log, ms);
			strbuf_addch(&in->log, '\n');
			return 0;
		}
		return kdx_interp_sleep(in, ms);
	}
	case KDX_S_WAIT_UNTIL:
		return wait_until(in, f->env, it, f->act);
	case KDX_S_RETURN:
		if (eval_in(in, f->env, it->expr, &f->ret) < 0) {
			if (!(in->rt->dry_run && in->mutated))
				return -1;
			strbuf_reset(&in->err);
			f->ret = kdx_value_null(&in->arena);
		}
		f->returned = true;
		return 0;
	}
	return 0;
}

/* Run the plan's action at with these arguments (bound as bind() does). */
static int run_action(kdx_interp *in, int32_t at, kdx_value **args, const kdx_expr **arg_exprs,
		      size_t nargs, const kdx_env *scope, kdx_value **out)
{
	const kdx_action *x = &kdx_runtime_plan(in->rt)->actions[at];
	frame f = { .act = x, .mutating = !x->reads_only };
	if (bind(in, x, args, arg_exprs, nargs, scope, &f.env) < 0)
		return -1;
	for (size_t i = 0; i < x->nbody && !f.returned; i++) {
		if (run_item(in, &f, &x->body[i]) < 0) {
			if (!strstr(in->err.buf, " (in "))
				strbuf_addf(&in->err, " (in %s)", x->name);
			return -1;
		}
	}
	*out = f.ret ? f.ret : kdx_value_null(&in->arena);
	return 0;
}

int kdx_interp_call(kdx_interp *in, const kdx_plan_call *c, const kdx_env *scope,
		    kdx_value **out)
{
	return run_action(in, c->action, c->args, c->arg_exprs, c->nargs, scope, out);
}

int kdx_interp_call_named(kdx_interp *in, const char *qualified, kdx_value **args, size_t nargs,
			  kdx_value **out)
{
	const kdx_plan *p = kdx_runtime_plan(in->rt);
	int32_t at = kdx_plan_action(p, qualified);
	if (at < 0 || p->actions[at].nparams != nargs)
		return 1;
	return run_action(in, at, args, NULL, nargs, NULL, out);
}

int kdx_interp_snapshot(kdx_interp *in, const kdx_plan_call *c, kdx_value **out)
{
	const kdx_action *x = kdx_interp_action(in, c);
	const kdx_env *env;
	kdx_value *m = kdx_value_map(&in->arena, x->nsnapshots);
	*out = m;
	if (!x->nsnapshots)
		return 0;
	if (kdx_interp_bind(in, c, NULL, &env) < 0)
		return -1;
	for (size_t k = 0; k < x->nsnapshots; k++) {
		kdx_value *v;
		if (eval_in(in, env, x->snapshots[k].expr, &v) < 0)
			return -1;
		m->u.map.keys[k] = x->snapshots[k].name;
		m->u.map.vals[k] = v;
	}
	return 0;
}

int kdx_interp_verify(kdx_interp *in, const kdx_plan_call *c, const kdx_env *scope)
{
	const kdx_action *x = kdx_interp_action(in, c);
	if (!x->verify)
		return 2;
	const kdx_env *env;
	kdx_value *v;
	if (kdx_interp_bind(in, c, scope, &env) < 0 ||
	    eval_in(in, env, x->verify, &v) < 0)
		return -1;
	if (v->kind != KDX_V_BOOL) {
		strbuf_addf(&in->err, "'verify' of '%s' must be a bool", x->name);
		return -1;
	}
	return v->u.b ? 1 : 0;
}

int kdx_interp_step_snapshot(kdx_interp *in, const kdx_step *st, kdx_value **out)
{
	*out = NULL;
	if (!st->do_call || !st->undo_is_actions_own)
		return 0;
	return kdx_interp_snapshot(in, st->do_call, out);
}

int kdx_interp_step_verify(kdx_interp *in, const kdx_step *st, kdx_phase phase,
			   const char *snapshot, const char *token)
{
	const kdx_plan_call *c = phase == KDX_PHASE_DO ? st->do_call : st->undo_call;
	const kdx_env *scope = NULL;
	if (!c)
		return 3;
	if (phase == KDX_PHASE_UNDO && kdx_interp_undo_scope(in, st, snapshot, &scope) < 0)
		return -2;
	/* a verify may look for what the attempt left, by its token (run_info()) */
	in->token = token;
	in->step = st->name;
	int r = kdx_interp_verify(in, c, scope);
	in->token = in->step = NULL;
	return r;
}

/* ---- a step: its own clauses around the action ---- */

/* The lag gate a require expression was lowered to (lower_step.c gives the LAG_GATE effect
 * the require's span), or NULL. */
static const kdx_effect *lag_gate_of(const kdx_step *st, const kdx_expr *e)
{
	for (size_t i = 0; e->kind == KDX_E_BINARY && i < st->neffects; i++) {
		const kdx_effect *x = &st->effects[i];
		if (x->kind == KDX_EFF_LAG_GATE && x->span.file == e->span.file &&
		    x->span.start == e->span.start && x->span.end == e->span.end)
			return x;
	}
	return NULL;
}

/* A lag gate (`require rds.replication_lag(db, r) <= 2s`) is read in two halves, the lag
 * and the bound, so the lag it saw can be journalled ("observed"): the achieved RPO is the
 * lag at the gate before a promotion (issue #18.2), and reading the lag a second time
 * would report a value the gate never judged. 1 holds, 0 does not, -1 error (in->err),
 * 2 not a lag gate. */
static int lag_gate(kdx_interp *in, const kdx_step *st, const kdx_expr *e)
{
	const kdx_effect *g = lag_gate_of(st, e);
	if (!g)
		return 2;
	kdx_value *l, *r;
	if (kdx_interp_eval_step(in, st, e->u.binary.lhs, &l) < 0 ||
	    kdx_interp_eval_step(in, st, e->u.binary.rhs, &r) < 0)
		return -1;
	if (l->kind != KDX_V_DURATION || r->kind != KDX_V_DURATION)
		return 2; /* not what lowering checked: let the whole expression say why */
	bool lcall = e->u.binary.lhs->kind == KDX_E_CALL;
	int64_t a = l->u.ms, c = r->u.ms;
	kdx_expr_op op = e->u.binary.op;
	bool held = op == KDX_XOP_LE ? a <= c : op == KDX_XOP_LT ? a < c
		  : op == KDX_XOP_GE ? a >= c : op == KDX_XOP_GT ? a > c : false;
	const kdx_plan *p = kdx_runtime_plan(in->rt);
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "step", st->name);
	kdx_json_set_str(o, "what", "replication_lag");
	strbuf text = STRBUF_INIT;
	kdx_interp_expr_text(in, e, &text);
	kdx_json_set_str(o, "gate", text.buf);
	strbuf_release(&text);
	if (p && g->resource >= 0 && (size_t)g->resource < p->nresources)
		kdx_json_set_str(o, "resource", p->resources[g->resource].name);
	if (p && g->region >= 0 && (size_t)g->region < p->nregions)
		kdx_json_set_str(o, "region", p->regions[g->region].name);
	kdx_json_set_int(o, "lag_ms", lcall ? a : c);
	kdx_json_set_int(o, "bound_ms", lcall ? c : a);
	kdx_json_set_bool(o, "held", held);
	kdx_reqlog_observe(in->rt->requests, o);
	return held ? 1 : 0;
}

kdx_precheck kdx_interp_precheck(kdx_interp *in, const kdx_step *st, strbuf *why)
{
	kdx_precheck rc = KDX_PRE_OK;
	kdx_interp_reset(in);
	for (size_t i = 0; i < st->nwhens && rc == KDX_PRE_OK; i++) {
		kdx_value *v;
		if (kdx_interp_eval_step(in, st, st->whens[i], &v) < 0) {
			strbuf_addf(why, "'when' could not be evaluated: %s", in->err.buf);
			rc = KDX_PRE_FAIL;
		} else if (v->kind == KDX_V_BOOL && !v->u.b) {
			strbuf_addstr(why, "when ");
			kdx_interp_expr_text(in, st->whens[i], why);
			strbuf_addstr(why, " is false");
			rc = KDX_PRE_SKIP;
		}
	}
	in->step = st->name; /* the gates' requests are the step's (reqlog.h) */
	for (size_t i = 0; i < st->nrequires && rc == KDX_PRE_OK; i++) {
		const kdx_expr *e = st->requires[i];
		kdx_value *v;
		int lag = lag_gate(in, st, e);
		if (lag == 0 || lag == 1) {
			if (!lag) {
				strbuf_addstr(why, "require ");
				kdx_interp_expr_text(in, e, why);
				strbuf_addstr(why, " does not hold; nothing was changed");
				rc = KDX_PRE_FAIL;
			}
		} else if (lag == -1 || kdx_interp_eval_step(in, st, e, &v) < 0) {
			strbuf_addstr(why, "require ");
			kdx_interp_expr_text(in, e, why);
			strbuf_addf(why, " could not be evaluated: %s", in->err.buf);
			rc = KDX_PRE_FAIL;
		} else if (v->kind != KDX_V_BOOL || !v->u.b) {
			strbuf_addstr(why, "require ");
			kdx_interp_expr_text(in, e, why);
			strbuf_addstr(why, " does not hold; nothing was changed");
			rc = KDX_PRE_FAIL;
		}
	}
	in->step = NULL;
	return rc;
}

/* The scope of an action's own undo: the do's parameters and the snapshot's names. */
int kdx_interp_undo_scope(kdx_interp *in, const kdx_step *st, const char *snapshot,
			  const kdx_env **out)
{
	*out = NULL;
	if (!st->undo_is_actions_own || !st->do_call)
		return 0;
	const kdx_env *env;
	if (kdx_interp_bind(in, st->do_call, NULL, &env) < 0)
		return -1;
	kdx_value *snap = NULL;
	if (snapshot && *snapshot) {
		strbuf err = STRBUF_INIT;
		snap = kdx_value_from_json(&in->arena, snapshot, strlen(snapshot), &err);
		if (!snap)
			strbuf_addf(&in->err, "the journalled snapshot cannot be read: %s", err.buf);
		strbuf_release(&err);
		if (!snap)
			return -1;
	}
	const kdx_action *x = kdx_interp_action(in, st->do_call);
	for (size_t i = 0; i < x->nsnapshots; i++) {
		const char *name = x->snapshots[i].name;
		kdx_value *v = snap ? kdx_value_get(snap, name) : NULL;
		if (!v) {
			strbuf_addf(&in->err, "no snapshot '%s' was taken before the change; the undo "
				    "cannot be computed", name);
			return -1;
		}
		env = push(in, env, name, v);
	}
	*out = env;
	return 0;
}

/* The step's own clauses in source order (kdx_step.run): `do`, `wait D`, `wait until`. */
static int run_do(kdx_interp *in, const kdx_step *st, kdx_value **ret)
{
	*ret = NULL;
	for (size_t i = 0; i < st->nrun; i++) {
		const kdx_stmt *it = &st->run[i];
		if (it->kind == KDX_S_DO && st->do_call) {
			if (kdx_interp_call(in, st->do_call, NULL, ret) < 0)
				return -1;
		} else if (it->kind == KDX_S_WAIT) {
			kdx_value *v;
			if (kdx_interp_eval_step(in, st, it->expr, &v) < 0)
				return -1;
			if (in->rt->no_waits) {
				if (v->kind == KDX_V_DURATION) {
					strbuf_addstr(&in->log, "# would wait ");
					kdx_duration_format(&in->log, v->u.ms);
					strbuf_addch(&in->log, '\n');
				}
				continue;
			}
			if (v->kind == KDX_V_DURATION && kdx_interp_sleep(in, v->u.ms) < 0)
				return -1;
		} else if (it->kind == KDX_S_WAIT_UNTIL) {
			const kdx_env *env;
			kdx_interp_step_scope(in, st, &env);
			if (wait_until(in, env, it, NULL) < 0)
				return -1;
		}
	}
	return 0;
}

static int run_undo(kdx_interp *in, const kdx_step *st, const char *snapshot)
{
	const kdx_env *scope;
	kdx_value *ret;
	if (!st->undo_call)
		return 0;
	if (kdx_interp_undo_scope(in, st, snapshot, &scope) < 0)
		return -1;
	return kdx_interp_call(in, st->undo_call, scope, &ret);
}

int kdx_interp_run_step(kdx_interp *in, const kdx_step *st, kdx_phase phase,
			const char *snapshot, kdx_value **ret)
{
	*ret = NULL;
	return phase == KDX_PHASE_DO ? run_do(in, st, ret) : run_undo(in, st, snapshot);
}
