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
} kdx_var_binding;

/* compile.c */
const kdx_ast_expr *kdx_parse_value(kdx_compilation *c, const char *origin, const char *text);
int kdx_parse_var_file(kdx_compilation *c, const char *path, kdx_var_binding **out, size_t *n);

/* The lowering context, shared by lower.c (plan, params, regions, resources) and
 * lower_step.c (steps, effects, edges). */
typedef struct kdx_lowerer {
	kdx_compilation *c;
	kdx_plan *plan;
	kdx_eval ev;                /* compile-time evaluator over the main module */
	const kdx_env *genv;        /* params, regions, objectives, resources */
	const char **region_names;
	kdx_res_ref *res;           /* resource instances (values -> plan index) */
	size_t nres;
	const kdx_ast_decl **steps; /* step declarations, in source order */
	size_t nsteps;
	const char **slots;         /* step name hash: interned name -> index */
	uint32_t *slot_idx;
	size_t nslots;
	struct kdx_edge_list *edges;/* per step, while lowering */
	size_t cur;                 /* the step being lowered (for steps.NAME) */
	bool *removed;              /* `when` false at compile time */
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

#endif
