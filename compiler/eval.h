/* eval: the compile-time half of the expression evaluator -- constant evaluation of params,
 * attributes, arguments and effects over the AST and the resolved modules. The evaluator
 * itself is eval_expr.h's (kdx_expr, values, scopes: what a run needs too, without the AST);
 * this header adds what needs the parse tree and the modules: evaluating and lowering AST
 * expressions (kdx_eval_ast, kdx_eval_lower, kdx_expr_lower), binding a call against an
 * action's declaration (kdx_bind_call, kdx_bind_ast) and checking a value against a type as
 * declared in a module (kdx_type_check). Internal to compiler/: executor/ and sim/ include
 * eval_expr.h, never this (tests/check_includes.sh). */
#ifndef KDX_EVAL_H
#define KDX_EVAL_H
#include <stdbool.h>

#include "eval_expr.h"
#include "resolve.h"

/* What the lowerer's evaluator keeps between evaluations, so that evaluating the AST does
 * not keep a second copy of every expression (at 100,000 steps that copy cost 39 %
 * more memory, docs/benchmarks.md), nor lower again what it has just lowered:
 * - kept: kdx_eval_lower's expressions by AST node and module, in the evaluator's arena
 *   (a bound call keeps its arguments);
 * - scratch and tmp: where kdx_eval_ast lowers at compile time (ev->call_action NULL: no
 *   call is bound for later, so nothing keeps an expression once it is evaluated), by AST
 *   node and module too (an action's defaults and effect arguments, evaluated for every
 *   step that calls it); both dropped together every few MiB, between evaluations. */
typedef struct kdx_expr_table {
	struct kdx_expr_memo_slot *slots;  /* malloc'd */
	size_t n, mask;
} kdx_expr_table;

typedef struct kdx_expr_memo {
	kdx_expr_table kept, tmp;
	kdx_arena scratch;
	int busy;                          /* kdx_eval_ast calls under way */
} kdx_expr_memo;

void kdx_expr_memo_init(kdx_expr_memo *m);
void kdx_expr_memo_release(kdx_expr_memo *m);

/* e as written: lowered (kdx_expr_lower, in ev->arena, calls resolved in ev->module), then
 * evaluated by kdx_eval_expr. For the lowerer, which reads the AST (docs/architecture.md,
 * 3.). */
int kdx_eval_ast(kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *e, kdx_value **out);
/* e lowered in ev->module, in ev->arena, to be kept (a bound call's arguments): once per
 * (e, module) with a memo. */
const kdx_expr *kdx_eval_lower(kdx_eval *ev, const kdx_ast_expr *e);

/* lower_expr.c: e as plan data (plan.h), allocated in a; its calls resolved as the
 * evaluator resolves them in module m (the module e is written in). NULL e: NULL. */
kdx_expr *kdx_expr_lower(kdx_arena *a, const kdx_module *m, const kdx_ast_expr *e);
/* The value of e, allocated in a, when e is a literal (number, duration, percent, bool,
 * null): what lowering it and evaluating the result gives; NULL for any other e. */
kdx_value *kdx_expr_literal(kdx_arena *a, const kdx_ast_expr *e);

/* Bind a call's arguments to the action's parameters (positional, then named; defaults
 * filled), type-checking each known one. At run time (ev->plan) a call is bound the same
 * way, with the same messages, against the plan's action instead of act (eval.c's
 * call_planned). Unknown parameter names and missing required arguments are errors. Returns -1 on error, else 0 (some args may be NULL = run time). */
int kdx_bind_call(kdx_eval *ev, const kdx_env *env, const kdx_expr *call,
		  const kdx_ast_decl *action, const kdx_module *owner, kdx_bound_call *out);

/* kdx_bind_call on a call as written. With ev->memo at compile time, the call is lowered
 * in the scratch and bound again from a kept expression only when an argument is known
 * only at run time (the interpreter evaluates arg_exprs then); otherwise arg_exprs are
 * all NULL. */
int kdx_bind_ast(kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *call,
		 const kdx_ast_decl *act, const kdx_module *owner, kdx_bound_call *out);

/* types.c: does value *v fit type t (as declared in module scope)? Strings naming a region
 * become region values where t wants a region (checked against ev->regions, with a
 * suggestion). Returns 0, or -1 with the reason in why. */
int kdx_type_check(kdx_eval *ev, const kdx_module *scope, const kdx_ast_type *t, kdx_value **v,
		   strbuf *why);
/* "percent", "map(string)", "route53.weighted_record" */
void kdx_type_format(strbuf *sb, const kdx_ast_type *t);

#endif
