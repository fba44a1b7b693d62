/* lower_action: the actions of the program as plan data (kdx_action, plan.h) -- parameters,
 * body statements and the clauses around them, their expressions lowered in the action's
 * own module (so calls resolve as the interpreter resolves them there). */
#include "lower.h"

#include <string.h>

static const char *type_text(kdx_arena *a, const kdx_ast_type *t)
{
	if (!t)
		return NULL;
	strbuf sb = STRBUF_INIT;
	kdx_type_format(&sb, t);
	const char *s = kdx_arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return s;
}

/* A literal string of a `call`'s names (the resolver requires them literal), or NULL. */
static const char *call_name(const kdx_ast_item *it, size_t k)
{
	return k < it->nlist ? kdx_ast_string_literal(it->list[k]) : NULL;
}

/* The body statement an item is, into *s; false for a clause that is no statement. */
static bool lower_stmt(kdx_arena *a, const kdx_module *m, const kdx_ast_item *it, kdx_stmt *s)
{
	memset(s, 0, sizeof(*s));
	s->span = it->span;
	switch (it->kind) {
	case KDX_AST_CALL: {
		bool aws = it->word.name && !strcmp(it->word.name, "aws");
		s->kind = aws ? KDX_S_CALL_AWS : KDX_S_CALL_TERRAFORM;
		s->name = it->name.name;
		s->service = call_name(it, 0);
		s->op = aws ? call_name(it, 1) : NULL;
		s->expr = kdx_expr_lower(a, m, it->input);
		return true;
	}
	case KDX_AST_LET: s->kind = KDX_S_LET; s->name = it->name.name; break;
	case KDX_AST_DO: s->kind = KDX_S_DO; break;
	case KDX_AST_WAIT: s->kind = KDX_S_WAIT; break;
	case KDX_AST_WAIT_UNTIL:
		s->kind = KDX_S_WAIT_UNTIL;
		s->within = kdx_expr_lower(a, m, it->within);
		s->every = kdx_expr_lower(a, m, it->every);
		break;
	case KDX_AST_RETURN: s->kind = KDX_S_RETURN; break;
	default: return false; /* declarations: effect, duration, reads, writes, undo, ... */
	}
	s->expr = kdx_expr_lower(a, m, it->expr);
	return true;
}

static void lower_action(kdx_arena *a, const kdx_module *m, const kdx_ast_decl *d,
			 kdx_action *x)
{
	memset(x, 0, sizeof(*x));
	x->name = kdx_qualified(a, m, d->name.name);
	x->module = m->name;
	x->span = d->name.span;
	x->nparams = d->nparams;
	x->params = KDX_NEWN(a, kdx_action_param, d->nparams + 1);
	for (size_t i = 0; i < d->nparams; i++)
		x->params[i] = (kdx_action_param){
			.name = d->params[i].name.name, .type = type_text(a, d->params[i].type),
			.def = kdx_expr_lower(a, m, d->params[i].def), .span = d->params[i].span,
		};
	size_t nbody = 0, nsnap = 0;
	for (size_t i = 0; i < d->nitems; i++) {
		kdx_ast_item_kind k = d->items[i]->kind;
		nbody += k == KDX_AST_CALL || k == KDX_AST_LET || k == KDX_AST_DO ||
			 k == KDX_AST_WAIT || k == KDX_AST_WAIT_UNTIL || k == KDX_AST_RETURN;
		nsnap += k == KDX_AST_SNAPSHOT;
	}
	x->body = KDX_NEWN(a, kdx_stmt, nbody + 1);
	x->snapshots = KDX_NEWN(a, kdx_snapshot, nsnap + 1);
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (lower_stmt(a, m, it, &x->body[x->nbody])) {
			x->nbody++;
			continue;
		}
		switch (it->kind) {
		case KDX_AST_SNAPSHOT:
			x->snapshots[x->nsnapshots++] = (kdx_snapshot){
				.name = it->name.name, .expr = kdx_expr_lower(a, m, it->expr),
				.span = it->span,
			};
			break;
		case KDX_AST_UNDO:
			x->undo_none = it->none;
			x->undo = kdx_expr_lower(a, m, it->expr);
			break;
		case KDX_AST_DURATION:
			x->duration_min = kdx_expr_lower(a, m, it->expr);
			x->duration_max = kdx_expr_lower(a, m, it->max);
			break;
		case KDX_AST_ATTR:
			if (it->name.name && !strcmp(it->name.name, "verify"))
				x->verify = kdx_expr_lower(a, m, it->expr);
			break;
		default: break;
		}
	}
	x->reads_only = kdx_action_reads_only(d);
	kdx_lower_read_back(d, &x->unverifiable, &x->repeatable, &x->unverifiable_why);
}

/* ---- which actions: those the plan can reach ---- */

typedef struct reach {
	kdx_arena *a;
	const kdx_program *prog;
	kdx_plan *p;
	size_t cap;
} reach;

/* The declaration of the action of this qualified name, and its module. */
static const kdx_ast_decl *find_decl(reach *R, const char *name, const kdx_module **mod)
{
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; i < R->prog->nmodules; i++) {
		const kdx_module *m = R->prog->modules[i];
		const kdx_ast_decl *d = kdx_module_action(m, dot ? dot + 1 : name);
		if (!d)
			continue;
		const char *q = kdx_qualified(R->a, m, d->name.name);
		if (!strcmp(q, name)) {
			*mod = m;
			return d;
		}
	}
	return NULL;
}

/* Put the action `name` in the table (lowered) unless it is there. */
static void want(reach *R, const char *name)
{
	if (!name || kdx_plan_action(R->p, name) >= 0)
		return;
	const kdx_module *m;
	const kdx_ast_decl *d = find_decl(R, name, &m);
	if (!d)
		return; /* the resolver reported it; nothing to run */
	if (R->p->nactions == R->cap) {
		size_t cap = R->cap ? 2 * R->cap : 16;
		kdx_action *t = KDX_NEWN(R->a, kdx_action, cap);
		if (R->p->nactions)
			memcpy(t, R->p->actions, R->p->nactions * sizeof(*t));
		R->p->actions = t;
		R->cap = cap;
	}
	lower_action(R->a, m, d, &R->p->actions[R->p->nactions++]);
}

static void want_call(void *ctx, const kdx_expr *call)
{
	want(ctx, call->u.call.action);
}

/* Every action e calls, wanted. */
static void want_calls(reach *R, const kdx_expr *e)
{
	kdx_expr_each_call(e, want_call, R);
}

void kdx_action_each_call(const kdx_action *x, void (*fn)(void *ctx, const kdx_expr *call),
			  void *ctx)
{
	for (size_t i = 0; i < x->nparams; i++)
		kdx_expr_each_call(x->params[i].def, fn, ctx);
	for (size_t i = 0; i < x->nbody; i++) {
		kdx_expr_each_call(x->body[i].expr, fn, ctx);
		kdx_expr_each_call(x->body[i].within, fn, ctx);
		kdx_expr_each_call(x->body[i].every, fn, ctx);
	}
	kdx_expr_each_call(x->verify, fn, ctx);
	for (size_t i = 0; i < x->nsnapshots; i++)
		kdx_expr_each_call(x->snapshots[i].expr, fn, ctx);
	kdx_expr_each_call(x->undo, fn, ctx);
	kdx_expr_each_call(x->duration_min, fn, ctx);
	kdx_expr_each_call(x->duration_max, fn, ctx);
}

/* What a step can call at run time besides its `do` and undo actions: its clauses (lowered
 * in a scratch arena, only to be walked) and the arguments known only then. */
static void want_step(reach *R, kdx_arena *scratch, const kdx_step *s)
{
	want(R, s->action);
	want(R, s->undo_action);
	const kdx_step_body *b = s->body;
	if (!b)
		return;
	const kdx_bound_call *calls[2] = { b->do_call, b->undo_call };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; calls[k] && calls[k]->arg_exprs && i < calls[k]->nargs; i++)
			want_calls(R, calls[k]->arg_exprs[i]);
	for (size_t i = 0; b->decl && i < b->decl->nitems; i++) {
		const kdx_ast_item *it = b->decl->items[i];
		switch (it->kind) {
		case KDX_AST_WAIT_UNTIL:
			want_calls(R, kdx_expr_lower(scratch, b->module, it->within));
			want_calls(R, kdx_expr_lower(scratch, b->module, it->every));
			/* fall through */
		case KDX_AST_WHEN:
		case KDX_AST_REQUIRE:
		case KDX_AST_WAIT:
		case KDX_AST_APPROVAL:
			want_calls(R, kdx_expr_lower(scratch, b->module, it->expr));
			break;
		default: break;
		}
	}
}

void kdx_lower_actions(kdx_arena *a, const kdx_program *prog, kdx_plan *p)
{
	reach R = { .a = a, .prog = prog, .p = p };
	kdx_arena scratch;
	kdx_arena_init(&scratch);
	for (size_t i = 0; i < p->nsteps; i++)
		want_step(&R, &scratch, &p->steps[i]);
	kdx_arena_release(&scratch);
	if (p->nstop_on)
		want(&R, KDX_STOP_ON_ACTION);
	/* the table grows as it is walked: each action's callees join it */
	for (size_t i = 0; i < p->nactions; i++) {
		kdx_action x = p->actions[i]; /* want() may move the table */
		kdx_action_each_call(&x, want_call, &R);
	}
}

int32_t kdx_plan_action(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; name && i < p->nactions; i++)
		if (!strcmp(p->actions[i].name, name))
			return (int32_t)i;
	return -1;
}
