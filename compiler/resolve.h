/* resolve: the program the front end builds from a main file and its imports -- modules
 * with their types and actions, and the checks that every name refers to something.
 * Internal to compiler/ (compile, loader, resolve, types, eval, lower); everything lives in
 * the compilation's arena. */
#ifndef KDX_RESOLVE_H
#define KDX_RESOLVE_H
#include <stdbool.h>
#include <stddef.h>

#include "../grammar/ast.h"
#include "compile.h"
#include "plan.h"

typedef struct kdx_module kdx_module;

typedef struct kdx_import {
	const char *alias;       /* the name the module is used by: "route53" */
	kdx_module *mod;         /* NULL when it could not be loaded */
	const kdx_ast_decl *decl;
} kdx_import;

/* use "other.kdx" as NAME: the runbook it names, loaded (NULL when it could not be). */
typedef struct kdx_use {
	const kdx_ast_decl *decl;
	kdx_module *mod;
} kdx_use;

struct kdx_module {
	const char *name;        /* as imported: "aws/route53"; the main file's path for main */
	const char *path;        /* file read */
	kdx_ast_file *ast;
	kdx_import *imports;
	size_t nimports;
	const kdx_ast_decl **types;
	size_t ntypes;
	const kdx_ast_decl **actions;
	size_t nactions;
	/* kdx_qualified's answers for types[i] and actions[i] (NULL in main, whose names
	 * stay unqualified): lowering asks for them once per call (issue #19) */
	const char **qtypes, **qactions;
	/* actions by interned name: index + 1 in actions[], 0 free; the first of a name
	 * declared twice (kdx_module_action and kdx_qualified ask ~6 times a step, issue #19) */
	uint32_t *action_slots;
	size_t action_mask;
	kdx_use *uses;           /* runbooks it uses (nested runbooks), in source order */
	size_t nuses;
	bool is_main;
	bool is_runbook;         /* loaded through `use`: a runbook, checked like main */
	int state;               /* loader: 0 new, 1 loading (for cycles), 2 done */
	int use_state;           /* loader, for `use` cycles: 0 new, 1 loading, 2 done */
};

typedef struct kdx_program {
	kdx_module **modules;    /* main first, then in load order */
	size_t nmodules;
	kdx_module *main;
} kdx_program;

/* Lookups by name within a module (NULL when absent). */
const kdx_ast_decl *kdx_module_type(const kdx_module *m, const char *name);
const kdx_ast_decl *kdx_module_action(const kdx_module *m, const char *name);
const kdx_import *kdx_module_import(const kdx_module *m, const char *alias);
/* The type declaration a type expression names (qualified through imports), or NULL. */
const kdx_ast_decl *kdx_resolve_type_decl(const kdx_module *scope, const kdx_ast_type *t,
					  const kdx_module **owner);
/* The action a callee names from `scope` (name, or alias.name), or NULL. */
const kdx_ast_decl *kdx_resolve_action(const kdx_module *scope, const kdx_ast_expr *callee,
				       const kdx_module **owner);
/* The same by names: `name` (module NULL) or `module.name`, module an import's alias. */
const kdx_ast_decl *kdx_resolve_action_named(const kdx_module *scope, const char *module,
					     const char *name, const kdx_module **owner);
/* An action whose `effect` lists only read(...) / observe_*(...): its requests are reads. */
bool kdx_action_reads_only(const kdx_ast_decl *action);
/* An action that changes something outside kdx: an effect other than reads, or an empty
 * effect with its own `call` (sns.publish, cloudwatch.put_metric). Such an action needs a
 * `verify`, or an `unverifiable = "why"` that says why none can be written. */
bool kdx_action_mutates(const kdx_ast_decl *action);
/* The class a `type` declares (class = traffic|...). */
kdx_res_class kdx_type_class(const kdx_ast_decl *type);
/* The qualified name of a declaration in module m: "route53.set_weights". For a type or
 * action of m (by its name's pointer) the one made when m was resolved, which lives as long
 * as the compilation; otherwise a new string in a. */
const char *kdx_qualified(kdx_arena *a, const kdx_module *m, const char *name);
/* The default alias of an import path: its last component. */
const char *kdx_import_alias(kdx_intern *in, const char *path);

/* loader.c: load the main file and, transitively, its imports; cycles and missing
 * modules are diagnosed. Returns the program (always), with -1 when something failed. */
int kdx_load_program(kdx_compilation *c, const kdx_compile_opts *opts);

/* The import path of a stdlib module called `alias` ("aws/sns" for "sns"), or NULL. */
const char *kdx_stdlib_import_for(kdx_arena *a, const char *alias);

/* resolve.c: duplicate declarations, unknown names in module bodies, well-formed
 * declarations. Runs after loading; returns the number of errors it added. */
size_t kdx_resolve_program(kdx_compilation *c, const kdx_compile_opts *opts);

/* lower.c: evaluate the runbook and build c->plan; -1 on errors. */
int kdx_lower(kdx_compilation *c, const kdx_compile_opts *opts);

/* The name every built-in function (length, lookup, ...) is known by; for "did you mean". */
extern const char *const kdx_builtin_names[];

#endif
