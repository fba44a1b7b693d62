/* eval: the expression evaluator, used at compile time (constant evaluation of params,
 * attributes, arguments, effects) and at run time by the executor (require / wait until
 * conditions, action bodies). It reads expressions as plan data (plan.h's kdx_expr);
 * kdx_eval_ast() lowers an AST expression first. Values are allocated in ev->arena.
 *
 * Three outcomes: 0 with a value, 1 "known only at run time" (a snapshot, steps.NAME, an
 * action's result at compile time), -1 an error (reported to ev->diags with its location
 * at compile time, or written to ev->err at run time). */
#ifndef KDX_EVAL_H
#define KDX_EVAL_H
#include <stdbool.h>

#include "resolve.h"

/* A scope: a chain of bindings, innermost first. value NULL: bound, known at run time. */
typedef struct kdx_env {
	const struct kdx_env *parent;
	const char *name;
	kdx_value *value;
} kdx_env;

/* A resource instance as the evaluator sees it: its value and its declared type -- the
 * declaration at compile time, the qualified name (kdx_plan_resource.type) at run time. */
typedef struct kdx_res_ref {
	const kdx_value *value;
	const kdx_ast_decl *type;    /* NULL in a run's table (kdx_runtime_use_plan) */
	int32_t index;               /* in kdx_plan.resources */
	const char *qtype;           /* kdx_plan_resource.type: "route53.weighted_record" */
} kdx_res_ref;

/* A hash index over a scope that no longer grows: the runbook's own, which holds every
 * resource (2,000 of them in a 1,000-lane runbook), where a name was found by comparing it
 * with each binding in turn (issue #19). Once a lookup's walk reaches `root` it asks the
 * index instead; the answer is the same binding the walk would have found (the innermost
 * one of that name). Slots live in the arena given to kdx_env_index_build. */
typedef struct kdx_env_index {
	const kdx_env *root;
	const kdx_env **slots;       /* open addressing by the name's text, power-of-two size */
	size_t mask;
} kdx_env_index;

void kdx_env_index_build(kdx_env_index *ix, kdx_arena *a, const kdx_env *root);
/* The innermost binding of name in root's chain, or NULL. */
const kdx_env *kdx_env_index_find(const kdx_env_index *ix, const char *name);

/* An index of resource instances by the address of their value: a resource argument is
 * recognised by it, and a 1,000-lane runbook has 2,000 resources that each step's arguments
 * were compared with in turn (issue #19). Built over res[0..n) once they are all lowered;
 * answers what the scan would (the first instance with that value). */
typedef struct kdx_res_index {
	const kdx_res_ref *res;
	size_t n;
	uint32_t *slots;             /* index + 1, 0 = empty; open addressing, power-of-two size */
	size_t mask;
} kdx_res_index;

void kdx_res_index_build(kdx_res_index *ix, kdx_arena *a, const kdx_res_ref *res, size_t n);

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

typedef struct kdx_eval kdx_eval;
struct kdx_eval {
	kdx_arena *arena;
	kdx_diags *diags;            /* compile time: errors go here (with locations) */
	strbuf *err;                 /* run time: the first error message */
	const kdx_module *module;    /* where action and module names are looked up */
	/* Set (run time): a call is bound against the plan's kdx_action of its
	 * kdx_expr.u.call.action -- parameters, defaults, declared types as written, the
	 * resource type as kdx_action_param.res_type -- never a module's declaration; a call
	 * the plan has no action for is an internal error (the lowerer closes the table under
	 * calls). No module is read at run time: ev->module may be NULL. */
	const kdx_plan *plan;
	const char *const *regions;  /* declared region names (NULL: not checked) */
	size_t nregions;
	const kdx_res_ref *res;      /* resource instances, to type-check resource arguments */
	size_t nres;
	const kdx_res_index *res_index; /* NULL, or an index used while it covers res, nres */
	/* An action call; NULL: its value is known only at run time. */
	int (*call_action)(kdx_eval *ev, const kdx_bound_call *call, kdx_value **out);
	/* A `steps.NAME` reference; NULL: such references are an error here. */
	int (*step_ref)(kdx_eval *ev, const char *name, kdx_span span, kdx_value **out);
	/* Host functions kdx serves at run time: http_get(url, time_limit) -> { status, body },
	 * ask_approval(message) -> bool. NULL (compile time): their value is unknown. */
	int (*host_call)(kdx_eval *ev, const char *name, kdx_value **args, size_t nargs,
			 kdx_value **out);
	void *ctx;
	const kdx_env_index *index;  /* NULL, or an index over a scope the envs given share */
	kdx_expr_memo *memo;         /* NULL: lowered in arena, each time */
	/* Set (compile time, around kdx_bind_ast): a bound call's working arrays -- params,
	 * arg_exprs -- go here, not into arena; its args and their values do not. The lowerer
	 * passes its per-step scratch and copies what the plan keeps (issue #19: 10 MiB at
	 * 100,000 steps). NULL: everything in arena. */
	kdx_arena *scratch;
	bool runtime;                /* now() is known */
	int64_t now_s;               /* runtime: now() is this instant (seconds since the
					epoch, kdx plan's start: every read it repeats is
					the same request); 0: the clock */
	int depth;
	/* A comparison whose operands the caller wants to see (a `wait until`'s "last seen"):
	 * when the evaluation reaches `watch`, the value of each side it evaluated is left in
	 * seen[0] (left) and seen[1] (right), so the condition is read once, not again. */
	const kdx_expr *watch;
	kdx_value *seen[2];
};

/* The one evaluator: e is plan data (plan.h's kdx_expr). */
int kdx_eval_expr(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out);
/* e as written: lowered (kdx_expr_lower, in ev->arena, calls resolved in ev->module), then
 * evaluated by kdx_eval_expr. For the callers that still hold the AST until steps and
 * actions carry their expressions as plan data (docs/architecture.md, 3.). */
int kdx_eval_ast(kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *e, kdx_value **out);
/* e lowered in ev->module, in ev->arena, to be kept (a bound call's arguments): once per
 * (e, module) with a memo. */
const kdx_expr *kdx_eval_lower(kdx_eval *ev, const kdx_ast_expr *e);

/* lower_expr.c: e as plan data (plan.h), allocated in a; its calls resolved as the
 * evaluator resolves them in module m (the module e is written in). NULL e: NULL. */
kdx_expr *kdx_expr_lower(kdx_arena *a, const kdx_module *m, const kdx_ast_expr *e);
/* fn(ctx, c) for every call c in e (outer before inner, left to right); NULL e: none. */
void kdx_expr_each_call(const kdx_expr *e, void (*fn)(void *ctx, const kdx_expr *call),
			void *ctx);

/* Bind a call's arguments to the action's parameters (positional, then named; defaults
 * filled), type-checking each known one. At run time (ev->plan) a call is bound the same
 * way, with the same messages, against the plan's action instead of act. Unknown parameter names and missing required
 * arguments are errors. Returns -1 on error, else 0 (some args may be NULL = run time). */
int kdx_bind_call(kdx_eval *ev, const kdx_env *env, const kdx_expr *call,
		  const kdx_ast_decl *action, const kdx_module *owner, kdx_bound_call *out);

/* kdx_bind_call on a call as written. With ev->memo at compile time, the call is lowered
 * in the scratch and bound again from a kept expression only when an argument is known
 * only at run time (the interpreter evaluates arg_exprs then); otherwise arg_exprs are
 * all NULL. */
int kdx_bind_ast(kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *call,
		 const kdx_ast_decl *act, const kdx_module *owner, kdx_bound_call *out);

/* eval_builtins.c: call the built-in function `name` if there is one (*found), with e's
 * arguments evaluated in env. */
int kdx_eval_builtin(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, const char *name,
		     kdx_value **out, bool *found);

/* An error at span (compile time) or into ev->err (run time); returns -1. */
int kdx_eval_error(kdx_eval *ev, kdx_span span, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Equality as the language defines it: a region equals the string of its name. */
bool kdx_eval_equal(const kdx_value *a, const kdx_value *b);
/* The text of a string or region value, else NULL. */
const char *kdx_value_text(const kdx_value *v);
/* A value as interpolated into a string. */
void kdx_eval_to_text(strbuf *sb, const kdx_value *v);

/* types.c: does value *v fit type t (as declared in module scope)? Strings naming a region
 * become region values where t wants a region (checked against ev->regions, with a
 * suggestion). Returns 0, or -1 with the reason in why. */
int kdx_type_check(kdx_eval *ev, const kdx_module *scope, const kdx_ast_type *t, kdx_value **v,
		   strbuf *why);
/* The same check at run time, on plan data only (no module): t is a plan action's parameter
 * type as written (kdx_type_parse of kdx_action_param.type), res_type the resource type it
 * names (kdx_action_param.res_type, NULL: built-in); a resource fits when its qualified
 * type (kdx_res_ref.qtype) is res_type. Same messages as kdx_type_check. */
int kdx_type_check_plan(kdx_eval *ev, const kdx_ast_type *t, const char *res_type, kdx_value **v,
			strbuf *why);
/* "percent", "map(string)", "route53.weighted_record" */
void kdx_type_format(strbuf *sb, const kdx_ast_type *t);
/* The inverse: a type as kdx_type_format wrote it (kdx_action_param.type), in a; NULL
 * text: NULL (untyped). Spans are empty. */
const kdx_ast_type *kdx_type_parse(kdx_arena *a, const char *text);
/* The name of a value's type for messages ("duration", "list", "route53.weighted_record"). */
const char *kdx_type_of_value(kdx_eval *ev, const kdx_value *v);
const kdx_res_ref *kdx_eval_resource(const kdx_eval *ev, const kdx_value *v);

#endif
