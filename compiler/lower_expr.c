/* lower_expr: an AST expression as plan data (kdx_expr, plan.h), its calls resolved where
 * they are written. */
#include "lower.h"

#include <string.h>

/* The IR's kinds and operators are the AST's, one for one, so lowering casts them. */
_Static_assert((int)KDX_E_BINARY == (int)KDX_AST_E_BINARY &&
	       (int)KDX_E_CALL == (int)KDX_AST_E_CALL && (int)KDX_E_NULL == (int)KDX_AST_E_NULL,
	       "kdx_expr_kind follows kdx_ast_expr_kind");
_Static_assert((int)KDX_XOP_OR == (int)KDX_AST_OP_OR && (int)KDX_XOP_EQ == (int)KDX_AST_OP_EQ &&
	       (int)KDX_XOP_NEG == (int)KDX_AST_OP_NEG,
	       "kdx_expr_op follows kdx_ast_op");

static kdx_expr *lower(kdx_arena *a, const kdx_module *m, const kdx_ast_expr *e);

/* What the evaluator's call did by name: a name that is no action of m but a built-in is
 * the built-in; else the action it resolves to (kdx_resolve_action), or nothing. */
static void lower_callee(kdx_arena *a, const kdx_module *m, const kdx_ast_expr *callee,
			 kdx_expr *x)
{
	if (callee->kind == KDX_AST_E_NAME && !kdx_module_action(m, callee->u.name)) {
		for (size_t i = 0; kdx_builtin_names[i]; i++)
			if (!strcmp(kdx_builtin_names[i], callee->u.name)) {
				x->u.call.builtin = kdx_builtin_names[i];
				return;
			}
	}
	const kdx_module *owner;
	const kdx_ast_decl *act = m ? kdx_resolve_action(m, callee, &owner) : NULL;
	if (act)
		x->u.call.action = kdx_qualified(a, owner, act->name.name);
}

static void lower_call(kdx_arena *a, const kdx_module *m, const kdx_ast_expr *e, kdx_expr *x)
{
	x->u.call.callee = lower(a, m, e->u.call.callee);
	lower_callee(a, m, e->u.call.callee, x);
	x->u.call.nargs = e->u.call.nargs;
	x->u.call.args = KDX_NEWN(a, kdx_expr_arg, e->u.call.nargs + 1);
	for (size_t i = 0; i < e->u.call.nargs; i++) {
		const kdx_ast_arg *g = &e->u.call.args[i];
		x->u.call.args[i] = (kdx_expr_arg){
			.name = g->name, .name_span = kdx_ast_arg_name_span(g),
			.value = lower(a, m, g->value), .span = g->span,
		};
	}
}

kdx_value *kdx_expr_literal(kdx_arena *a, const kdx_ast_expr *e)
{
	switch (e->kind) {
	case KDX_AST_E_NUMBER: return kdx_value_number(a, e->u.num.value);
	case KDX_AST_E_DURATION: return kdx_value_duration(a, e->u.dur.ms);
	case KDX_AST_E_PERCENT: return kdx_value_percent(a, e->u.num.value);
	case KDX_AST_E_BOOL: return kdx_value_bool(a, e->u.b);
	case KDX_AST_E_NULL: return kdx_value_null(a);
	default: return NULL;
	}
}

static kdx_expr *lower(kdx_arena *a, const kdx_module *m, const kdx_ast_expr *e)
{
	if (!e)
		return NULL;
	kdx_expr *x = KDX_NEW(a, kdx_expr);
	x->kind = (kdx_expr_kind)e->kind;
	x->span = e->span;
	switch (e->kind) {
	case KDX_AST_E_STRING:
		x->u.str.n = e->u.str.n;
		x->u.str.parts = KDX_NEWN(a, kdx_expr_strpart, e->u.str.n + 1);
		for (size_t i = 0; i < e->u.str.n; i++) {
			const kdx_ast_strpart *p = &e->u.str.parts[i];
			x->u.str.parts[i] = (kdx_expr_strpart){
				.expr = lower(a, m, p->expr), .text = p->text, .len = p->len,
				.span = p->span,
			};
		}
		break;
	case KDX_AST_E_NUMBER:
	case KDX_AST_E_DURATION:
	case KDX_AST_E_PERCENT:
	case KDX_AST_E_BOOL:
	case KDX_AST_E_NULL: x->u.lit = kdx_expr_literal(a, e); break;
	case KDX_AST_E_NAME: x->u.name = e->u.name; break;
	case KDX_AST_E_GETATTR:
		x->u.get.obj = lower(a, m, e->u.get.obj);
		x->u.get.attr = e->u.get.attr;
		x->u.get.attr_span = kdx_ast_attr_span(e);
		break;
	case KDX_AST_E_INDEX:
		x->u.index.obj = lower(a, m, e->u.index.obj);
		x->u.index.index = lower(a, m, e->u.index.index);
		break;
	case KDX_AST_E_CALL: lower_call(a, m, e, x); break;
	case KDX_AST_E_LIST:
		x->u.list.n = e->u.list.n;
		x->u.list.items = KDX_NEWN(a, kdx_expr *, e->u.list.n + 1);
		for (size_t i = 0; i < e->u.list.n; i++)
			x->u.list.items[i] = lower(a, m, e->u.list.items[i]);
		break;
	case KDX_AST_E_MAP:
		x->u.map.n = e->u.map.n;
		x->u.map.entries = KDX_NEWN(a, kdx_expr_entry, e->u.map.n + 1);
		for (size_t i = 0; i < e->u.map.n; i++) {
			const kdx_ast_entry *en = &e->u.map.entries[i];
			bool ident = en->key_kind == KDX_AST_KEY_IDENT;
			x->u.map.entries[i] = (kdx_expr_entry){
				.name = ident ? en->ident.name : NULL,
				.key = ident ? NULL : lower(a, m, en->key),
				.value = lower(a, m, en->value), .span = en->span,
			};
		}
		break;
	case KDX_AST_E_FOR_LIST:
	case KDX_AST_E_FOR_MAP: {
		const kdx_ast_comp *c = e->u.comp;
		x->u.comp = KDX_NEW(a, kdx_expr_comp);
		*x->u.comp = (kdx_expr_comp){
			.var1 = c->var1.name, .var2 = c->var2.name, .coll = lower(a, m, c->coll),
			.key = lower(a, m, c->key), .value = lower(a, m, c->value),
			.cond = lower(a, m, c->cond),
		};
		break;
	}
	case KDX_AST_E_COND:
		x->u.cond.cond = lower(a, m, e->u.cond.cond);
		x->u.cond.then = lower(a, m, e->u.cond.then);
		x->u.cond.otherwise = lower(a, m, e->u.cond.otherwise);
		break;
	case KDX_AST_E_UNARY:
		x->u.unary.op = (kdx_expr_op)e->u.unary.op;
		x->u.unary.operand = lower(a, m, e->u.unary.operand);
		break;
	case KDX_AST_E_BINARY:
		x->u.binary.op = (kdx_expr_op)e->u.binary.op;
		x->u.binary.lhs = lower(a, m, e->u.binary.lhs);
		x->u.binary.rhs = lower(a, m, e->u.binary.rhs);
		break;
	}
	return x;
}

kdx_expr *kdx_expr_lower(kdx_arena *a, const kdx_module *m, const kdx_ast_expr *e)
{
	return lower(a, m, e);
}

void kdx_expr_each_call(const kdx_expr *e, void (*fn)(void *ctx, const kdx_expr *call),
			void *ctx)
{
	if (!e)
		return;
	switch (e->kind) {
	case KDX_E_STRING:
		for (size_t i = 0; i < e->u.str.n; i++)
			kdx_expr_each_call(e->u.str.parts[i].expr, fn, ctx);
		break;
	case KDX_E_GETATTR: kdx_expr_each_call(e->u.get.obj, fn, ctx); break;
	case KDX_E_INDEX:
		kdx_expr_each_call(e->u.index.obj, fn, ctx);
		kdx_expr_each_call(e->u.index.index, fn, ctx);
		break;
	case KDX_E_CALL:
		fn(ctx, e);
		for (size_t i = 0; i < e->u.call.nargs; i++)
			kdx_expr_each_call(e->u.call.args[i].value, fn, ctx);
		break;
	case KDX_E_LIST:
		for (size_t i = 0; i < e->u.list.n; i++)
			kdx_expr_each_call(e->u.list.items[i], fn, ctx);
		break;
	case KDX_E_MAP:
		for (size_t i = 0; i < e->u.map.n; i++) {
			kdx_expr_each_call(e->u.map.entries[i].key, fn, ctx);
			kdx_expr_each_call(e->u.map.entries[i].value, fn, ctx);
		}
		break;
	case KDX_E_FOR_LIST:
	case KDX_E_FOR_MAP:
		kdx_expr_each_call(e->u.comp->coll, fn, ctx);
		kdx_expr_each_call(e->u.comp->key, fn, ctx);
		kdx_expr_each_call(e->u.comp->value, fn, ctx);
		kdx_expr_each_call(e->u.comp->cond, fn, ctx);
		break;
	case KDX_E_COND:
		kdx_expr_each_call(e->u.cond.cond, fn, ctx);
		kdx_expr_each_call(e->u.cond.then, fn, ctx);
		kdx_expr_each_call(e->u.cond.otherwise, fn, ctx);
		break;
	case KDX_E_UNARY: kdx_expr_each_call(e->u.unary.operand, fn, ctx); break;
	case KDX_E_BINARY:
		kdx_expr_each_call(e->u.binary.lhs, fn, ctx);
		kdx_expr_each_call(e->u.binary.rhs, fn, ctx);
		break;
	default: break; /* literals, names */
	}
}
