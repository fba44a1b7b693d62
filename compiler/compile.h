/* compile: the front end's entry point. kdx_compile() reads the main file and its imports,
 * parses, resolves names, checks types and units, evaluates everything knowable at compile
 * time and lowers the runbook to a kdx_plan (compiler/plan.h). Everything it builds --
 * sources, diagnostics, AST, values, plan, lowered bodies -- is owned by the
 * kdx_compilation and freed by kdx_compilation_release(); pointers into it stay valid
 * until then, except the parse trees', which kdx_compilation_drop_ast() may release
 * earlier. Nothing here prints: errors are in out->diags. */
#ifndef KDX_COMPILE_H
#define KDX_COMPILE_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/arena.h"
#include "../common/intern.h"
#include "../common/value.h"
#include "../common/diag.h"
#include "eval_expr.h"    /* kdx_bound_call */
#include "plan.h"
#include "../common/source.h"

struct kdx_ast_file;
struct kdx_ast_decl;
struct kdx_ast_expr;
struct kdx_program;
struct kdx_module;
struct kdx_env;
struct kdx_res_ref;

typedef struct kdx_compile_opts {
	const char *path;                  /* the main file */
	const char *text;                  /* its text, when not to be read from path (an
					      editor's unsaved buffer: kdx lsp); NULL: read it */
	const char *const *include_dirs;   /* -I DIR, searched first, in order */
	size_t ninclude_dirs;
	const char *kdx_path;              /* KDX_PATH (colon-separated), or NULL; the caller
					      reads the environment, the compiler does not */
	const char *const *vars;           /* -var NAME=VALUE (VALUE in kdx syntax, or a bare
					      string: -var environment=production) */
	size_t nvars;
	const char *const *var_files;      /* -var-file FILE: lines `name = value` */
	size_t nvar_files;
	bool no_default_stdlib;            /* do not search KDX_STDLIB_DIR / the repo's stdlib/ */
	/* Checks each `call aws "SERVICE" "Operation" { ... }` of a module against the AWS API
	 * model. The compiler knows no AWS models: cli/ wires executor/aws's in
	 * (cli/aws_check.h); NULL: not checked. keys are the input's top-level member names
	 * (the reserved `region` excepted). Returns 0, or -1 with msg (and maybe hint) filled
	 * and *bad the index of the offending key, -1 for the operation, -2 for the service. */
	int (*check_aws_call)(void *ctx, const char *service, const char *op,
			      const char *const *keys, size_t nkeys, long *bad, strbuf *msg,
			      strbuf *hint);
	void *check_aws_ctx;
} kdx_compile_opts;

/* Where a step's own expressions are evaluated: the runbook's bindings and module. */
typedef struct kdx_step_scope {
	const struct kdx_env *env;
	const struct kdx_module *module;
} kdx_step_scope;

typedef struct kdx_compilation {
	kdx_arena arena;                   /* values, plan, names, string literals' text:
					      everything that outlives the parse trees */
	/* The parse trees (every module's, -var's and -var-file's AST) and nothing else: no
	 * plan data, value or interned name points into it, so a command that reads only the
	 * plan releases it once the plan is lowered (kdx_compilation_drop_ast) -- the AST was
	 * ~45 % of `kdx check`'s memory at 100,000 steps (issue #19). */
	kdx_arena ast_arena;
	bool ast_dropped;                  /* kdx_compilation_drop_ast() ran */
	kdx_intern intern;                 /* every identifier, interned in arena */
	kdx_sources sources;               /* every file read, for rendering diagnostics */
	kdx_diags diags;
	struct kdx_ast_file *ast;          /* the main file's AST (NULL if it could not be read) */
	bool is_module;                    /* the main file declares types/actions only: no plan */
	kdx_plan *plan;                    /* NULL when there were errors or for a module */
	struct kdx_step *plan_steps;       /* plan->steps, malloc'd by the lowering (freed with
					      the compilation, even when plan is NULL) */
	struct kdx_program *prog;          /* resolved modules and symbols (compiler/resolve.h) */
	/* The runbook's global scope (params, regions, objectives, resources) and what the
	 * evaluator needs to type-check resource arguments: the executor evaluates `require`,
	 * `when`, `wait until` and run-time arguments in it (compiler/eval_expr.h). NULL / 0 when
	 * there is no plan. */
	const struct kdx_env *genv;
	const struct kdx_res_ref *res;
	size_t nres;
	const char *const *region_names;
	size_t nregion_names;
	/* The scopes of nested runbooks (`use`), kdx_step.scope's index: each such runbook's
	 * own bindings and module, where its steps' `when`, `require` and `wait` are read
	 * (the main runbook's is genv and prog->main). In arena. */
	kdx_step_scope *scopes;
	size_t nscopes, cap_scopes;
} kdx_compilation;

/* Returns 0 when the file compiled without errors (warnings allowed), -1 otherwise.
 * Always fills *out (release it either way). */
int kdx_compile(const kdx_compile_opts *opts, kdx_compilation *out);
void kdx_compilation_release(kdx_compilation *c);
/* Releases the parse trees (ast_arena) once nothing will read them: c->ast, every module's
 * ast and each plan step's body become NULL; the plan, the scopes' values, the names, the
 * sources and the diagnostics stay. For commands that read only the plan after kdx_compile
 * (kdx check: cli/commands.c's KDX_NEED_NO_AST), not for fmt, graph, show, lsp or export,
 * which read declarations. The resolver's tables (c->prog's symbols) keep pointers to
 * declarations that are gone: nothing may look names up afterwards. */
void kdx_compilation_drop_ast(kdx_compilation *c);

/* ---- the lowerer's working form of a step, while the step is lowered ----
 *
 * A step's `do`, `undo`, `require` and `wait until` as AST plus the values bound at
 * compile time. An action call is a kdx_bound_call: the action's declaration and its
 * arguments, evaluated where they are known at compile time; an argument that depends on
 * run time (a snapshot, `steps.NAME`) has args value NULL and is evaluated from arg_exprs.
 * compiler/lower_action.c turns it into plan data (kdx_step.do_call, undo_call, whens,
 * requires, run; kdx_plan.actions), which is what executor/interp.c runs, as soon as the
 * step is lowered: a kdx_step_body and the step's bound calls live in the lowering's
 * per-step scratch (compiler/lower.h, kdx_lower_scratch) and nothing reads them after
 * that step. (kdx_bound_call is eval_expr.h's: at run time the evaluator hands the
 * interpreter one for a call it meets in an expression, kdx_eval.call_action.) */
typedef struct kdx_step_body {
	const struct kdx_ast_decl *decl;         /* the step declaration */
	kdx_bound_call *do_call;                 /* NULL when the step has no `do` */
	kdx_bound_call *undo_call;               /* explicit `undo`, else the action's own undo
						    (with its snapshot taken before do), else NULL */
	bool undo_is_actions_own;                /* undo_call came from the action's `undo`: its
						    arguments are evaluated in the action's scope,
						    where the snapshot names are bound */
	const struct kdx_ast_expr **requires;    /* `require` conditions, in order */
	size_t nrequires;
	const struct kdx_ast_item **waits;       /* `wait D` and `wait until` clauses, in order,
						    run after `do` (kdx_run_wait) */
	size_t nwaits;
	const struct kdx_env *env;               /* the runbook scope: params, regions,
						    objectives, resources (compiler/eval_expr.h) */
	const struct kdx_module *module;         /* the runbook's module, for names in env */
} kdx_step_body;

#endif
