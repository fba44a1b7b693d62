/* lower_action: what the plan runs as plan data (plan.h) -- the actions it can run
 * (kdx_action: parameters, body statements and the clauses around them, their expressions
 * lowered in the action's own module, so calls resolve as the interpreter resolves them
 * there), and each step's bound calls, conditions and own clauses. */
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

/* The resource type t's leaf names, qualified as the plan's resources are (lower.c's
 * lower_resource); NULL: a built-in type, or none. */
static const char *res_type(kdx_arena *a, const kdx_module *m, const kdx_ast_type *t)
{
	while (t && (t->kind == KDX_AST_T_LIST || t->kind == KDX_AST_T_MAP))
		t = t->elem;
	const kdx_module *owner = NULL;
	const kdx_ast_decl *td = t ? kdx_resolve_type_decl(m, t, &owner) : NULL;
	return td ? kdx_qualified(a, owner, td->name.name) : NULL;
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
	for (size_t i = 0; i < d->nparams; i++) {
		kdx_action_param *p = &x->params[i];
		*p = (kdx_action_param){
			.name = d->params[i].name.name, .type = type_text(a, d->params[i].type),
			.res_type = res_type(a, m, d->params[i].type),
			.def = kdx_expr_lower(a, m, d->params[i].def), .span = d->params[i].span,
		};
		p->rtype = kdx_type_make(a, p->type, p->res_type);
	}
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

/* Put the action `name` in the table (lowered) unless it is there; its index, or -1. */
static int32_t want(reach *R, const char *name)
{
	int32_t at = name ? kdx_plan_action(R->p, name) : -1;
	if (!name || at >= 0)
		return at;
	const kdx_module *m;
	const kdx_ast_decl *d = find_decl(R, name, &m);
	if (!d)
		return -1; /* the resolver reported it; nothing to run */
	if (R->p->nactions == R->cap) {
		size_t cap = R->cap ? 2 * R->cap : 16;
		kdx_action *t = KDX_NEWN(R->a, kdx_action, cap);
		if (R->p->nactions)
			memcpy(t, R->p->actions, R->p->nactions * sizeof(*t));
		R->p->actions = t;
		R->cap = cap;
	}
	lower_action(R->a, m, d, &R->p->actions[R->p->nactions]);
	return (int32_t)R->p->nactions++;
}

static void want_call(void *ctx, const kdx_expr *call)
{
	(void)want(ctx, call->u.call.action);
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

/* ---- a step's side ---- */

/* A bound call as plan data, its action found by name when the table is built
 * (kdx_lower_actions). args are the bound call's (in the compilation's arena); its
 * arg_exprs are in the step's scratch (kdx_eval.scratch): copied when one is set (an
 * argument known only at run time), else every such call shares one array of NULLs, as
 * long as the longest. */
static kdx_plan_call *plan_call(kdx_lowerer *L, const kdx_bound_call *bc)
{
	if (!bc)
		return NULL;
	kdx_arena *a = &L->c->arena;
	kdx_plan_call *c = KDX_NEW(a, kdx_plan_call);
	*c = (kdx_plan_call){ .action = -1, .args = bc->args, .arg_exprs = bc->arg_exprs,
			      .nargs = bc->nargs, .span = bc->span };
	bool later = false;
	for (size_t i = 0; i < bc->nargs; i++)
		later |= bc->arg_exprs[i] != NULL;
	if (later) {
		c->arg_exprs = KDX_NEWN(a, const kdx_expr *, bc->nargs + 1);
		memcpy(c->arg_exprs, bc->arg_exprs, bc->nargs * sizeof(*c->arg_exprs));
	} else {
		kdx_lower_scratch *S = L->scratch;
		if (S->nno_exprs < bc->nargs + 1) {
			S->nno_exprs = 2 * (bc->nargs + 1);
			S->no_exprs = KDX_NEWN(a, const kdx_expr *, S->nno_exprs);
		}
		c->arg_exprs = S->no_exprs;
	}
	return c;
}

/* The step's calls, conditions and own clauses (kdx_step.do_call ... run), from its body,
 * as soon as the step is lowered: the body is a temporary of that step (in
 * kdx_lower_scratch.step, issue #19), so s->body becomes the step's declaration. */
void kdx_lower_step_code(kdx_lowerer *L, kdx_step *s, const kdx_step_body *b)
{
	kdx_arena *a = &L->c->arena;
	s->do_call = plan_call(L, b->do_call);
	s->undo_call = plan_call(L, b->undo_call);
	s->undo_is_actions_own = b->undo_is_actions_own && s->undo_call;
	const kdx_ast_decl *d = b->decl;
	s->body = d;
	size_t nw = 0, nr = 0, nrun = 0;
	for (size_t i = 0; i < d->nitems; i++) {
		kdx_ast_item_kind k = d->items[i]->kind;
		nw += k == KDX_AST_WHEN;
		nr += k == KDX_AST_REQUIRE;
		nrun += (k == KDX_AST_DO && s->do_call) || k == KDX_AST_WAIT || k == KDX_AST_WAIT_UNTIL;
	}
	s->whens = nw ? KDX_NEWN(a, kdx_expr *, nw) : NULL;
	s->requires = nr ? KDX_NEWN(a, kdx_expr *, nr) : NULL;
	if (nrun == 1 && s->do_call && !kdx_ast_find_item(d, KDX_AST_WAIT) &&
	    !kdx_ast_find_item(d, KDX_AST_WAIT_UNTIL)) {
		/* most steps: one shared statement, not one each (6 MB at 100,000 steps) */
		if (!L->scratch->do_only) {
			L->scratch->do_only = KDX_NEW(a, kdx_stmt);
			*L->scratch->do_only = (kdx_stmt){ .kind = KDX_S_DO };
		}
		s->run = L->scratch->do_only;
		s->nrun = 1;
	} else {
		s->run = nrun ? KDX_NEWN(a, kdx_stmt, nrun) : NULL;
	}
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind == KDX_AST_WHEN) {
			s->whens[s->nwhens++] = kdx_expr_lower(a, b->module, it->expr);
			continue;
		}
		if (it->kind == KDX_AST_APPROVAL) {
			/* the first gate's, for display: not run, so its calls are not wanted */
			if (it->expr && kdx_ast_find_item(d, KDX_AST_APPROVAL) == it)
				s->approval_when = kdx_expr_lower(a, b->module, it->expr);
			continue;
		}
		if (it->kind == KDX_AST_REQUIRE) {
			s->requires[s->nrequires++] = kdx_expr_lower(a, b->module, it->expr);
			continue;
		}
		if (s->run == L->scratch->do_only ||
		    ((it->kind != KDX_AST_DO || !s->do_call) && it->kind != KDX_AST_WAIT &&
		     it->kind != KDX_AST_WAIT_UNTIL))
			continue;
		kdx_stmt *x = &s->run[s->nrun++];
		if (it->kind == KDX_AST_DO) {
			*x = (kdx_stmt){ .kind = KDX_S_DO }; /* no span: do_call's is the one */
			continue;
		}
		*x = (kdx_stmt){ .kind = it->kind == KDX_AST_WAIT ? KDX_S_WAIT : KDX_S_WAIT_UNTIL,
				 .span = it->span };
		x->expr = kdx_expr_lower(a, b->module, it->expr);
		if (it->kind == KDX_AST_WAIT_UNTIL) {
			x->within = kdx_expr_lower(a, b->module, it->within);
			x->every = kdx_expr_lower(a, b->module, it->every);
		}
	}
}

/* A step's call: its action into the table, then what its run-time arguments call. */
static void want_plan_call(reach *R, kdx_plan_call **c, const char *action)
{
	if (!*c)
		return;
	(*c)->action = want(R, action);
	if ((*c)->action < 0) {
		*c = NULL; /* cannot happen for a bound call: its action was resolved */
		return;
	}
	for (size_t i = 0; (*c)->arg_exprs && i < (*c)->nargs; i++)
		want_calls(R, (*c)->arg_exprs[i]);
}

/* Every action a step can run into the table, in the order the step names them: its do,
 * its undo, their run-time arguments, then its clauses in source order. */
static void want_step(reach *R, kdx_step *s)
{
	(void)want(R, s->action);
	(void)want(R, s->undo_action);
	const kdx_ast_decl *d = s->body;
	if (!d)
		return;
	want_plan_call(R, &s->do_call, s->action);
	want_plan_call(R, &s->undo_call, s->undo_action);
	s->undo_is_actions_own = s->undo_is_actions_own && s->undo_call;
	size_t w = 0, r = 0, run = 0;
	for (size_t i = 0; i < d->nitems; i++) {
		kdx_ast_item_kind k = d->items[i]->kind;
		if (k == KDX_AST_WHEN) {
			want_calls(R, s->whens[w++]);
		} else if (k == KDX_AST_REQUIRE) {
			want_calls(R, s->requires[r++]);
		} else if (k == KDX_AST_WAIT || k == KDX_AST_WAIT_UNTIL) {
			while (run < s->nrun && s->run[run].kind == KDX_S_DO)
				run++;
			const kdx_stmt *x = &s->run[run++];
			want_calls(R, x->expr);
			want_calls(R, x->within);
			want_calls(R, x->every);
		}
	}
}

void kdx_lower_actions(kdx_arena *a, const kdx_program *prog, kdx_plan *p)
{
	reach R = { .a = a, .prog = prog, .p = p };
	for (size_t i = 0; i < p->nsteps; i++)
		want_step(&R, &p->steps[i]);
	if (p->nstop_on)
		(void)want(&R, KDX_STOP_ON_ACTION);
	/* the table grows as it is walked: each action's callees join it */
	for (size_t i = 0; i < p->nactions; i++) {
		kdx_action x = p->actions[i]; /* want() may move the table */
		kdx_action_each_call(&x, want_call, &R);
	}
}

int32_t kdx_plan_action(const kdx_plan *p, const char *name)
{
	/* Lowering asks with the resolver's shared qualified names (311,000 times at 20,000
	 * steps): the pointer finds them without a strcmp per action. Names are unique in
	 * the list (want adds only what this does not find), so either loop finds the same. */
	for (size_t i = 0; name && i < p->nactions; i++)
		if (p->actions[i].name == name)
			return (int32_t)i;
	for (size_t i = 0; name && i < p->nactions; i++)
		if (!strcmp(p->actions[i].name, name))
			return (int32_t)i;
	return -1;
}

const kdx_value *kdx_plan_call_arg(const kdx_plan *p, const kdx_plan_call *c, const char *param)
{
	const kdx_action *x = &p->actions[c->action];
	for (size_t i = 0; i < c->nargs && i < x->nparams; i++)
		if (!strcmp(x->params[i].name, param))
			return c->args[i];
	return NULL;
}
