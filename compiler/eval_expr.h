/* eval_expr: the one evaluator of expressions as plan data (plan.h's kdx_expr) -- the half
 * of compiler/eval that a run needs, and all that executor/ and sim/ see of it. It reads
 * the plan, values and scopes only: no AST, no module, no declaration (those are eval.h's,
 * the compile-time half, which includes this header and adds the AST's entry points).
 * The compiler's constant evaluation runs the same code, so compile time and run time give
 * the same values and the same messages. Values are allocated in ev->arena.
 *
 * Three outcomes: 0 with a value, 1 "known only at run time" (a snapshot, steps.NAME, an
 * action's result at compile time), -1 an error (reported to ev->diags with its location
 * at compile time, or written to ev->err at run time). */
#ifndef KDX_EVAL_EXPR_H
#define KDX_EVAL_EXPR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/diag.h"
#include "../common/strbuf.h"
#include "../common/value.h"
#include "plan.h"

/* What only the compile-time half (eval.h) looks into; at run time these pointers are
 * NULL, and the run-time half never follows them. */
struct kdx_ast_decl;
struct kdx_module;
struct kdx_expr_memo;

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
	const struct kdx_ast_decl *type; /* NULL in a run's table (kdx_runtime_use_plan) */
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

/* A call met in an expression, bound to its arguments: the action's qualified name, its
 * parameters and the values per parameter. At run time it is bound against the plan's
 * kdx_action (decl and module NULL) and handed to kdx_eval.call_action, which runs the
 * plan's action of that name. At compile time it is also the lowerer's working form of a
 * step's `do` and undo (compile.h's kdx_step_body), bound against the declaration. */
typedef struct kdx_bound_call {
	const char *action;                      /* qualified: "route53.set_weights" */
	const struct kdx_ast_decl *decl;         /* compile time: the action declaration */
	const struct kdx_module *module;         /* compile time: the module that declares it */
	const char **params;                     /* the action's parameter names, in order */
	kdx_value **args;                        /* bound value per parameter, defaults filled;
						    NULL entry: known only at run time */
	const struct kdx_expr **arg_exprs;       /* the expression each came from, read for the
						    NULL args (NULL: a default; all NULL when
						    every arg is known, kdx_bind_ast) */
	size_t nargs;
	kdx_span span;
} kdx_bound_call;

typedef struct kdx_eval kdx_eval;
struct kdx_eval {
	kdx_arena *arena;
	kdx_diags *diags;            /* compile time: errors go here (with locations) */
	strbuf *err;                 /* run time: the first error message */
	/* Compile time: where action and module names are looked up (eval.h). NULL at run
	 * time, where nothing reads it. */
	const struct kdx_module *module;
	/* Set (run time): a call is bound against the plan's kdx_action of its
	 * kdx_expr.u.call.action -- parameters, defaults, declared types (kdx_action_param's
	 * kdx_type) -- never a module's declaration; a call the plan has no action for is an
	 * internal error (the lowerer closes the table under calls). */
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
	struct kdx_expr_memo *memo;  /* compile time (eval.h); NULL: lowered in arena, each time */
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

/* fn(ctx, c) for every call c in e (outer before inner, left to right); NULL e: none. */
void kdx_expr_each_call(const kdx_expr *e, void (*fn)(void *ctx, const kdx_expr *call),
			void *ctx);

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

/* types.c, the run-time check: does *v fit t, a plan action parameter's declared type
 * (kdx_action_param.rtype)? A resource fits when its qualified type (kdx_res_ref.qtype)
 * is t's; strings naming a region become region values where t wants a region (checked
 * against ev->regions, with a suggestion). Reads no module; the same messages as the
 * compile-time kdx_type_check (eval.h). Returns 0, or -1 with the reason in why. */
int kdx_type_check_plan(kdx_eval *ev, const kdx_type *t, kdx_value **v, strbuf *why);
/* The name of a value's type for messages ("duration", "list", "weighted_record"). */
const char *kdx_type_of_value(kdx_eval *ev, const kdx_value *v);
const kdx_res_ref *kdx_eval_resource(const kdx_eval *ev, const kdx_value *v);

#endif
