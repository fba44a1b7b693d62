/* eval_action: the interpreter of action bodies at run time -- call, let, do, wait,
 * wait until, return -- with every effect on the outside world going through hooks. */
#include "eval.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_ACTION_DEPTH 32
#define DEFAULT_EVERY_MS 5000

static int fail(kdx_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(kdx_run *r, const char *fmt, ...)
{
	if (r->err && !r->err->len) {
		va_list ap;
		va_start(ap, fmt);
		strbuf_vaddf(r->err, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int run_call(kdx_eval *ev, const kdx_bound_call *bc, kdx_value **out)
{
	kdx_run *r = ev->ctx;
	for (size_t i = 0; i < bc->nargs; i++)
		if (!bc->args[i])
			return fail(r, "argument '%s' of '%s' has no value", bc->params[i], bc->action);
	return kdx_run_action(r, bc, out);
}

static int run_step_ref(kdx_eval *ev, const char *name, kdx_span span, kdx_value **out)
{
	kdx_run *r = ev->ctx;
	(void)span;
	if (!r->hooks->step_result)
		return fail(r, "steps.%s is not available here", name);
	return r->hooks->step_result(r->hooks->ctx, name, out, r->err) < 0 ? -1 : 0;
}

static int run_host(kdx_eval *ev, const char *name, kdx_value **args, size_t n, kdx_value **out)
{
	kdx_run *r = ev->ctx;
	if (!r->hooks->host_call)
		return fail(r, "%s is not available here", name);
	return r->hooks->host_call(r->hooks->ctx, name, args, n, out, r->err);
}

static void setup(kdx_run *r, kdx_eval *ev, const kdx_module *m)
{
	memset(ev, 0, sizeof(*ev));
	ev->arena = r->arena;
	ev->err = r->err;
	ev->module = m;
	ev->call_action = run_call;
	ev->step_ref = run_step_ref;
	ev->host_call = run_host;
	ev->ctx = r;
	ev->runtime = true;
}

/* Evaluate at run time: "known only at run time" cannot happen any more, so it is an error. */
static int value(kdx_run *r, kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *e, kdx_value **out)
{
	int rc = kdx_eval_expr(ev, env, e, out);
	if (rc > 0)
		return fail(r, "a value is still unknown at run time");
	if (rc < 0 && r->err && !r->err->len)
		strbuf_addstr(r->err, "evaluation failed");
	return rc;
}

static const kdx_env *bind(kdx_run *r, const kdx_env *parent, const char *name, kdx_value *v)
{
	kdx_env *e = KDX_NEW(r->arena, kdx_env);
	*e = (kdx_env){ parent, name, v ? v : kdx_value_null(r->arena) };
	return e;
}

static const kdx_env *params_env(kdx_run *r, const kdx_bound_call *c)
{
	const kdx_env *env = NULL;
	for (size_t i = 0; i < c->nargs; i++)
		env = bind(r, env, c->params[i], c->args[i]);
	return env;
}

int kdx_run_bind(kdx_run *r, const kdx_step_body *b, const kdx_bound_call *c, kdx_bound_call *out)
{
	*out = *c;
	out->args = KDX_NEWN(r->arena, kdx_value *, c->nargs + 1);
	kdx_eval ev;
	setup(r, &ev, b->module);
	for (size_t i = 0; i < c->nargs; i++) {
		out->args[i] = c->args[i];
		if (out->args[i])
			continue;
		if (!c->arg_exprs[i])
			return fail(r, "argument '%s' of '%s' has no value", c->params[i], c->action);
		if (value(r, &ev, b->env, c->arg_exprs[i], &out->args[i]))
			return -1;
	}
	return 0;
}

int kdx_run_snapshots(kdx_run *r, const kdx_bound_call *c, kdx_value **snap)
{
	size_t n = 0;
	for (size_t i = 0; i < c->decl->nitems; i++)
		n += c->decl->items[i]->kind == KDX_AST_SNAPSHOT;
	kdx_value *m = kdx_value_map(r->arena, n);
	kdx_eval ev;
	setup(r, &ev, c->module);
	const kdx_env *env = params_env(r, c);
	n = 0;
	for (size_t i = 0; i < c->decl->nitems; i++) {
		const kdx_ast_item *it = c->decl->items[i];
		if (it->kind != KDX_AST_SNAPSHOT)
			continue;
		m->u.map.keys[n] = it->name.name;
		if (value(r, &ev, env, it->expr, &m->u.map.vals[n]))
			return -1;
		n++;
	}
	*snap = m;
	return 0;
}

/* `call PROVIDER "A" "B" { INPUT }`: the reserved key `region` is not part of the input. */
static int do_call(kdx_run *r, kdx_eval *ev, const kdx_env *env, const kdx_ast_item *it,
		   kdx_value **out)
{
	const char **names = KDX_NEWN(r->arena, const char *, it->nlist + 1);
	for (size_t i = 0; i < it->nlist; i++) {
		kdx_value *v;
		if (value(r, ev, env, it->list[i], &v))
			return -1;
		names[i] = kdx_value_text(v);
		if (!names[i])
			return fail(r, "call: names must be strings");
	}
	kdx_value *in = NULL;
	if (it->input && value(r, ev, env, it->input, &in))
		return -1;
	const char *region = NULL;
	kdx_value *input = kdx_value_map(r->arena, in && in->kind == KDX_V_MAP ? in->u.map.n : 0);
	size_t n = 0;
	for (size_t i = 0; in && in->kind == KDX_V_MAP && i < in->u.map.n; i++) {
		if (!strcmp(in->u.map.keys[i], "region")) {
			region = kdx_value_text(in->u.map.vals[i]);
			continue;
		}
		input->u.map.keys[n] = in->u.map.keys[i];
		input->u.map.vals[n++] = in->u.map.vals[i];
	}
	input->u.map.n = n;
	*out = NULL;
	const char *provider = it->word.name ? it->word.name : "aws";
	if (!r->hooks->call)
		return fail(r, "call %s: no backend to send it to", provider);
	if (r->hooks->call(r->hooks->ctx, provider, names, it->nlist, region, input, out, r->err) < 0)
		return fail(r, "call %s failed", provider);
	if (!*out)
		*out = kdx_value_null(r->arena);
	return 0;
}

static int do_sleep(kdx_run *r, int64_t ms)
{
	if (!r->hooks->sleep)
		return 0;
	return r->hooks->sleep(r->hooks->ctx, ms, r->err);
}

static int duration_of(kdx_run *r, kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *e,
		       int64_t def, int64_t *ms)
{
	kdx_value *v;
	if (!e) {
		*ms = def;
		return 0;
	}
	if (value(r, ev, env, e, &v))
		return -1;
	if (v->kind != KDX_V_DURATION)
		return fail(r, "expected a duration, got %s", kdx_vkind_name(v->kind));
	*ms = v->u.ms;
	return 0;
}

/* wait until COND within W every E: poll, sleeping E between tries, until W has passed. */
static int wait_until(kdx_run *r, kdx_eval *ev, const kdx_env *env, const kdx_ast_item *it)
{
	int64_t within, every;
	if (duration_of(r, ev, env, it->within, 0, &within) ||
	    duration_of(r, ev, env, it->every, DEFAULT_EVERY_MS, &every))
		return -1;
	int64_t start = r->hooks->now_ms ? r->hooks->now_ms(r->hooks->ctx) : 0;
	for (;;) {
		kdx_value *c;
		if (value(r, ev, env, it->expr, &c))
			return -1;
		if (c->kind != KDX_V_BOOL)
			return fail(r, "'wait until' needs a bool condition");
		if (c->u.b)
			return 0;
		int64_t now = r->hooks->now_ms ? r->hooks->now_ms(r->hooks->ctx) : start;
		if (!r->hooks->now_ms || now - start + every > within) {
			strbuf d = STRBUF_INIT;
			kdx_duration_format(&d, within);
			fail(r, "'wait until' still false after %s", d.buf);
			strbuf_release(&d);
			return -1;
		}
		if (do_sleep(r, every))
			return -1;
	}
}

static int run_item(kdx_run *r, kdx_eval *ev, const kdx_env **env, const kdx_bound_call *c,
		    const kdx_ast_item *it, kdx_value **result, bool *done)
{
	kdx_value *v;
	int64_t ms;
	switch (it->kind) {
	case KDX_AST_CALL:
		if (do_call(r, ev, *env, it, &v))
			return -1;
		if (it->name.name)
			*env = bind(r, *env, it->name.name, v);
		return 0;
	case KDX_AST_LET:
		if (value(r, ev, *env, it->expr, &v))
			return -1;
		*env = bind(r, *env, it->name.name, v);
		return 0;
	case KDX_AST_DO:
		return value(r, ev, *env, it->expr, &v);
	case KDX_AST_WAIT:
		return duration_of(r, ev, *env, it->expr, 0, &ms) || do_sleep(r, ms) ? -1 : 0;
	case KDX_AST_WAIT_UNTIL:
		return wait_until(r, ev, *env, it);
	case KDX_AST_RETURN:
		*done = true;
		return value(r, ev, *env, it->expr, result);
	default:
		(void)c;
		return 0; /* declarations about the action, not statements */
	}
}

int kdx_run_action(kdx_run *r, const kdx_bound_call *c, kdx_value **result)
{
	if (r->depth >= MAX_ACTION_DEPTH)
		return fail(r, "actions nested more than %d deep (in '%s')", MAX_ACTION_DEPTH, c->action);
	r->depth++;
	kdx_eval ev;
	setup(r, &ev, c->module);
	const kdx_env *env = params_env(r, c);
	for (size_t i = 0; i < c->decl->nitems; i++)
		if (c->decl->items[i]->kind == KDX_AST_SNAPSHOT) /* snapshots serve the undo */
			env = bind(r, env, c->decl->items[i]->name.name, NULL);
	*result = kdx_value_null(r->arena);
	bool done = false;
	int rc = 0;
	for (size_t i = 0; i < c->decl->nitems && !done && rc == 0; i++)
		rc = run_item(r, &ev, &env, c, c->decl->items[i], result, &done);
	r->depth--;
	if (rc && r->err) {
		strbuf ctx = STRBUF_INIT;
		strbuf_addf(&ctx, "%s: %s", c->action, r->err->buf);
		strbuf_reset(r->err);
		strbuf_addstr(r->err, ctx.buf);
		strbuf_release(&ctx);
	}
	return rc;
}

int kdx_run_undo_call(kdx_run *r, const kdx_step_body *b, const kdx_bound_call *done,
		      kdx_value *snap, kdx_bound_call *out)
{
	if (!b->undo_call)
		return fail(r, "the step has no undo");
	if (!b->undo_is_actions_own)
		return kdx_run_bind(r, b, b->undo_call, out);
	const kdx_ast_item *u = NULL;
	for (size_t i = 0; i < done->decl->nitems; i++)
		if (done->decl->items[i]->kind == KDX_AST_UNDO)
			u = done->decl->items[i];
	if (!u || !u->expr)
		return fail(r, "'%s' has no undo", done->action);
	const kdx_env *env = params_env(r, done);
	for (size_t i = 0; snap && snap->kind == KDX_V_MAP && i < snap->u.map.n; i++)
		env = bind(r, env, snap->u.map.keys[i], snap->u.map.vals[i]);
	const kdx_module *owner;
	const kdx_ast_decl *act = kdx_resolve_action(done->module, u->expr->u.call.callee, &owner);
	if (!act)
		return fail(r, "the undo of '%s' names no action", done->action);
	kdx_eval ev;
	setup(r, &ev, done->module);
	if (kdx_bind_call(&ev, env, u->expr, act, owner, out))
		return fail(r, "cannot bind the undo of '%s'", done->action);
	for (size_t i = 0; i < out->nargs; i++)
		if (!out->args[i])
			return fail(r, "the undo of '%s' needs a snapshot that was not taken", done->action);
	return 0;
}

int kdx_run_condition(kdx_run *r, const kdx_step_body *b, const kdx_ast_expr *cond, bool *ok)
{
	kdx_eval ev;
	setup(r, &ev, b->module);
	kdx_value *v;
	if (value(r, &ev, b->env, cond, &v))
		return -1;
	if (v->kind != KDX_V_BOOL)
		return fail(r, "a condition must be a bool, got %s", kdx_vkind_name(v->kind));
	*ok = v->u.b;
	return 0;
}

int kdx_run_wait(kdx_run *r, const kdx_step_body *b, const kdx_ast_item *wait)
{
	kdx_eval ev;
	setup(r, &ev, b->module);
	int64_t ms;
	if (wait->kind == KDX_AST_WAIT_UNTIL)
		return wait_until(r, &ev, b->env, wait);
	if (wait->kind != KDX_AST_WAIT)
		return fail(r, "not a wait clause");
	return duration_of(r, &ev, b->env, wait->expr, 0, &ms) || do_sleep(r, ms) ? -1 : 0;
}
