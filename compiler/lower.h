/* lower: from the resolved program to the kdx_plan -- params, regions, resources (for_each
 * expanded), steps with edges, effects, undo effects and timing. Internal to compiler/. */
#ifndef KDX_LOWER_H
#define KDX_LOWER_H
#include "eval.h"

/* One param value from -var or -var-file. */
typedef struct kdx_var_binding {
	const char *name;
	const kdx_ast_expr *expr;   /* parsed value, or NULL with raw */
	const char *raw;            /* -var value used as a string as written */
	kdx_span span;              /* where it is written (var files) */
	bool located;
	const char *origin;         /* "-var" or the var file's path */
	kdx_value *value;           /* set: the value, already evaluated (a `use` block) */
} kdx_var_binding;

/* compile.c */
const kdx_ast_expr *kdx_parse_value(kdx_compilation *c, const char *origin, const char *text);
int kdx_parse_var_file(kdx_compilation *c, const char *path, kdx_var_binding **out, size_t *n);

/* A name `after` may use for several steps: a `parallel` group or a nested runbook
 * (`use ... as NAME`); its members are L->steps[first .. first + n). */
typedef struct kdx_lower_group {
	const kdx_ast_decl *decl;   /* KDX_AST_GROUP or KDX_AST_USE */
	size_t first, n;
	bool *sink;                 /* USE: per member, no other member waits for it (NULL:
				       every member counts) -- `after NAME` waits for these */
} kdx_lower_group;

/* What the lowering needs only while it runs, kept out of the compilation's arena (which
 * lives as long as the plan): at 100,000 steps it was ~40 MB of the front end's peak
 * (issue #19, docs/benchmarks.md "check at scale", round 5). One per kdx_lower(), shared
 * by the lowerers of nested runbooks. */
typedef struct kdx_lower_scratch {
	/* The steps' temporaries -- a step's kdx_step_body, the kdx_bound_calls of its do, undo
	 * and gates, the scopes an action's effects, duration and own undo are evaluated in,
	 * values it keeps only as plain data -- released between steps once they fill most of
	 * its first block, and when lowering ends: nothing a step keeps may point into it
	 * (kdx_lower_step_code copies what it keeps). */
	kdx_arena step;
	kdx_stmt *do_only;          /* in the compilation's arena: the `run` of every step
				       whose only own clause is its `do` */
	kdx_effect *no_effects;     /* in the compilation's arena: every empty effect list */
	const kdx_expr **no_exprs;  /* in the compilation's arena: nno_exprs NULLs, the
				       arg_exprs of every plan call whose arguments are all
				       known (lower_action.c, plan_call) */
	size_t nno_exprs;
	/* kdx_lower_facts' table: open addressing by declaration, in the compilation's arena
	 * (a few dozen actions; nothing in it points into the step's temporaries) */
	struct kdx_action_facts **facts;
	size_t facts_cap, nfacts;
} kdx_lower_scratch;

/* The lowering context, shared by lower.c (plan, params, regions, resources),
 * lower_step.c (steps, effects, edges) and lower_group.c (groups, nested runbooks). One
 * lowerer lowers one runbook file; a nested runbook gets a lowerer of its own that shares
 * the plan, the regions and the resources, and hands its steps to its caller. */
typedef struct kdx_lowerer {
	kdx_compilation *c;
	kdx_plan *plan;
	kdx_eval ev;                /* compile-time evaluator over the main module */
	const kdx_env *genv;        /* params, regions, objectives, resources */
	kdx_env_index genv_index;   /* over genv once the resources are in, for the steps */
	kdx_res_index res_index;    /* over res then, too */
	const char **region_names;
	kdx_res_ref *res;           /* resource instances (values -> plan index) */
	size_t nres;
	const kdx_ast_decl **steps; /* step declarations, in source order */
	size_t nsteps;
	const char **slots;         /* step name hash: interned name -> index */
	uint32_t *slot_idx;
	size_t nslots;
	struct kdx_edge_list *edges;/* per step, while lowering (items in the compilation's
				       arena: they become the plan's preds) */
	kdx_lower_scratch *scratch; /* the kdx_lower()'s, shared with nested lowerers */
	size_t cur;                 /* the step being lowered (for steps.NAME) */
	bool *removed;              /* `when` false at compile time */
	kdx_step *all;              /* per step, in declaration order */
	bool *prelowered;           /* the step came lowered from a nested runbook */
	long *step_group;           /* per step: index in groups[] of its parallel group, or -1 */
	kdx_lower_group *groups;
	size_t ngroups;
	const kdx_module *mod;      /* the module of the file being lowered */
	const char *prefix;         /* nested: "NAME" of `use ... as NAME`, else NULL */
	kdx_value *regions_value;   /* the `regions` list */
	const char **allow_exec;    /* runbook { allow_exec = [...] } of the main file */
	size_t nallow_exec;
	bool has_allow_exec;
	kdx_span allow_exec_span;
	int depth;                  /* nesting depth of runbooks */
} kdx_lowerer;

typedef struct kdx_edge_list {
	kdx_edge *items;            /* from = declaration index until renumbered */
	size_t n, alloc;
} kdx_edge_list;

/* lower_step.c */
int kdx_lower_step(kdx_lowerer *L, size_t i, kdx_step *s);
/* The index of the step named `name`, or -1. */
long kdx_lower_find_step(const kdx_lowerer *L, const char *name);
/* An error with "did you mean" over the step names. */
void kdx_lower_unknown_step(kdx_lowerer *L, const char *name, kdx_span span);
/* Region index by name, or -1. */
int32_t kdx_lower_region(const kdx_lowerer *L, const char *name);

/* What an action declares about telling whether it took effect: `unverifiable = "why"`
 * (the reason, when a plain string) and `repeatable = true`. act NULL: none of them. */
void kdx_lower_read_back(const kdx_ast_decl *act, bool *unverifiable, bool *repeatable,
			 const char **why);

/* lower_action.c: a step's do_call, undo_call, whens, requires, run and approval_when from
 * its body, when the step is lowered (their actions' indexes are -1 until
 * kdx_lower_actions); s->body becomes the step's declaration. */
void kdx_lower_step_code(kdx_lowerer *L, kdx_step *s, const kdx_step_body *b);
/* lower_action.c: every action p can run into p->actions, in the order the steps name
 * them, and the steps' calls pointed at them (once p's steps are final). */
void kdx_lower_actions(kdx_arena *a, const kdx_program *prog, kdx_plan *p);
/* fn(ctx, c) for every call c anywhere in action x: defaults, body, verify, snapshots,
 * undo, duration. */
void kdx_action_each_call(const kdx_action *x, void (*fn)(void *ctx, const kdx_expr *call),
			  void *ctx);

/* Build the step-name table (once). */
void kdx_lower_build_table(kdx_lowerer *L);
/* An `after NAME` edge into step `cur` (NAME a step, a group or a nested runbook). */
void kdx_lower_after(kdx_lowerer *L, size_t cur, const kdx_ast_ident *id);

/* lower_group.c */
/* Collect the file's steps, group members and nested runbooks' steps (lowering those) into
 * L->steps / all / edges / removed / prelowered, in source order. */
void kdx_lower_collect_steps(kdx_lowerer *L, const kdx_ast_file *f);
/* The group or nested runbook called `name`, or -1. */
long kdx_lower_find_group(const kdx_lowerer *L, const char *name);
/* Free what a lowerer allocated with malloc (its steps live on in the plan's arena). */
void kdx_lower_free(kdx_lowerer *L);
/* lower_exec.c: the runbook's allow_exec list (main file only); the check of one bound
 * call (a core.exec must name an allowed command, known at compile time). */
void kdx_lower_allow_exec(kdx_lowerer *L, const kdx_ast_file *f);
bool kdx_lower_is_exec(const kdx_bound_call *bc);
/* The bound action's body has a `call terraform`. */
bool kdx_lower_runs_terraform(const kdx_bound_call *bc);
void kdx_lower_check_exec(kdx_lowerer *L, const kdx_bound_call *bc);

/* What lowering asks of the declaration of a bound call's action for every step that
 * calls it, worked out once per declaration while L's scratch lives (issue #19, round 8:
 * the same few dozen actions are called by 100,000 steps). NULL for a NULL call. */
typedef struct kdx_action_facts {
	const kdx_ast_decl *decl;
	const char *unverifiable_why;   /* kdx_lower_read_back's */
	bool unverifiable, repeatable;  /* kdx_lower_read_back's */
	bool mutates;                   /* kdx_action_mutates */
	bool runs_terraform;            /* kdx_lower_runs_terraform */
	bool is_exec;                   /* kdx_lower_is_exec */
} kdx_action_facts;
const kdx_action_facts *kdx_lower_facts(kdx_lowerer *L, const kdx_bound_call *bc);
/* lower_scenario.c: the main file's `scenario` blocks into L->plan->scenarios (and its
 * losses), once the steps are final. */
void kdx_lower_scenarios(kdx_lowerer *L, const kdx_ast_file *f);
/* lower.c: lower a nested runbook's file into S (already set up by lower_group.c). */
void kdx_lower_unit(kdx_lowerer *S, const kdx_ast_file *f, const kdx_var_binding *vars,
		    size_t nvars);
/* lower.c: a nested runbook's regions must be the caller's, with the same figures. */
void kdx_lower_check_regions(kdx_lowerer *S, const kdx_lowerer *caller, const kdx_ast_file *f,
			     const kdx_ast_decl *use);

#endif
