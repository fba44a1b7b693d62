/* compile: the pipeline (load, resolve, lower) and the params' values from -var,
 * -var-file and defaults. */
#include "compile.h"
#include "lower.h"
#include "../grammar/parse.h"
#include "../common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool main_is_module(const kdx_ast_file *f)
{
	if (!f)
		return false;
	bool decls = false;
	for (size_t i = 0; i < f->ndecls; i++) {
		kdx_ast_decl_kind k = f->decls[i]->kind;
		if (k == KDX_AST_TYPE || k == KDX_AST_ACTION)
			decls = true;
		else if (k != KDX_AST_IMPORT)
			return false;
	}
	return decls;
}

/* A scope's bindings, innermost first, as plan data. */
static kdx_plan_scope scope_of(kdx_compilation *c, const kdx_env *env)
{
	kdx_plan_scope sc = { 0 };
	for (const kdx_env *e = env; e; e = e->parent)
		sc.n++;
	sc.bindings = KDX_NEWN(&c->arena, kdx_plan_binding, sc.n + 1);
	size_t i = 0;
	for (const kdx_env *e = env; e; e = e->parent)
		sc.bindings[i++] = (kdx_plan_binding){ e->name, e->value };
	return sc;
}

/* The runbook scopes into the plan, so that a plan read back carries the values its steps'
 * expressions read (plan_io; executor/interp.h, kdx_runtime_use_plan). */
static void plan_scopes(kdx_compilation *c)
{
	kdx_plan *p = c->plan;
	p->global = scope_of(c, c->genv);
	p->nscopes = c->nscopes;
	p->scopes = KDX_NEWN(&c->arena, kdx_plan_scope, c->nscopes + 1);
	for (size_t k = 0; k < c->nscopes; k++)
		p->scopes[k] = scope_of(c, c->scopes[k].env);
}

int kdx_compile(const kdx_compile_opts *opts, kdx_compilation *c)
{
	memset(c, 0, sizeof(*c));
	kdx_arena_init(&c->arena);
	kdx_arena_init(&c->ast_arena);
	kdx_intern_init(&c->intern, &c->arena);
	kdx_sources_init(&c->sources);
	kdx_diags_init(&c->diags);
	int rc = kdx_load_program(c, opts);
	if (c->prog->main)
		c->is_module = main_is_module(c->ast);
	/* After a syntax error the tree is partial: name errors in it would be noise. A missing
	 * module, though, does not stop the checks of everything else. */
	bool syntax = false;
	for (size_t i = 0; i < c->diags.n; i++)
		syntax |= c->diags.items[i].code && !strcmp(c->diags.items[i].code, "syntax");
	int resolved = c->prog->main && !syntax && kdx_resolve_program(c, opts) ? -1 : 0;
	/* Lower after name errors too (unknown names evaluate to "unknown"), but not after
	 * syntax errors or missing files: a partial tree would only add noise. */
	if (rc == 0 && c->prog->main && !c->is_module && kdx_lower(c, opts))
		rc = -1;
	if (resolved)
		rc = -1;
	if (c->diags.nerrors)
		rc = -1;
	if (rc)
		c->plan = NULL;
	if (c->plan)
		plan_scopes(c);
	kdx_diags_sort(&c->diags);
	return rc;
}

void kdx_compilation_release(kdx_compilation *c)
{
	kdx_diags_release(&c->diags);
	kdx_sources_release(&c->sources);
	kdx_intern_release(&c->intern);
	kdx_arena_release(&c->arena);
	kdx_arena_release(&c->ast_arena);
	free(c->plan_steps);
	memset(c, 0, sizeof(*c));
}

void kdx_compilation_drop_ast(kdx_compilation *c)
{
	if (c->ast_dropped)
		return;
	/* The pointers to what goes, so that a stray read is a NULL, not a use after free. */
	for (size_t i = 0; c->plan && i < c->plan->nsteps; i++)
		c->plan->steps[i].body = NULL;
	for (size_t i = 0; c->prog && i < c->prog->nmodules; i++)
		c->prog->modules[i]->ast = NULL;
	c->ast = NULL;
	kdx_arena_release(&c->ast_arena);
	c->ast_dropped = true;
}

/* ---- parameter values from the command line ---- */

/* Parse `text` as one kdx expression: it is wrapped as `output v = TEXT` in a source of
 * its own named `origin`, so errors point at it. NULL on a syntax error (reported). */
const kdx_ast_expr *kdx_parse_value(kdx_compilation *c, const char *origin, const char *text)
{
	strbuf src = STRBUF_INIT;
	strbuf_addf(&src, "output v = %s\n", text);
	kdx_ast_file *f;
	int rc = kdx_parse_string(&c->ast_arena, &c->intern, &c->sources, origin, src.buf,
				  src.len, &c->diags, &f);
	strbuf_release(&src);
	if (rc || f->ndecls != 1 || f->decls[0]->kind != KDX_AST_OUTPUT)
		return NULL;
	return f->decls[0]->value;
}

/* A var file holds `name = value` lines in kdx syntax: it is parsed as the body of a block,
 * on the same first line so that line numbers in messages are the file's own. */
int kdx_parse_var_file(kdx_compilation *c, const char *path, kdx_var_binding **out, size_t *n)
{
	strbuf err = STRBUF_INIT, src = STRBUF_INIT;
	int fi = kdx_sources_load(&c->sources, path, &err);
	if (fi < 0) {
		kdx_diag_add_unlocated(&c->diags, KDX_ERROR, "var", "%s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	const kdx_source *s = &c->sources.files[fi];
	strbuf_addstr(&src, "runbook \"\" { ");
	strbuf_add(&src, s->text, s->len);
	strbuf_addstr(&src, "\n}\n");
	kdx_ast_file *f;
	int rc = kdx_parse_string(&c->ast_arena, &c->intern, &c->sources, path, src.buf,
				  src.len, &c->diags, &f);
	strbuf_release(&src);
	if (rc || f->ndecls != 1)
		return -1;
	const kdx_ast_decl *d = f->decls[0];
	*out = KDX_NEWN(&c->arena, kdx_var_binding, d->nitems + 1);
	*n = 0;
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind != KDX_AST_ATTR) {
			kdx_diag_add(&c->diags, KDX_ERROR, "var", it->span,
				     "a var file holds only 'name = value' lines");
			rc = -1;
			continue;
		}
		(*out)[*n].name = it->name.name;
		(*out)[*n].expr = it->expr;
		(*out)[*n].span = it->span;
		(*out)[*n].located = true;
		(*out)[*n].origin = path;
		(*n)++;
	}
	return rc;
}
