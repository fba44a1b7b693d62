/* lower: evaluate the runbook's declarations (params, regions, objectives, resources) and
 * build the kdx_plan; steps are lowered in lower_step.c. */
#include "lower.h"
#include "../common/suggest.h"
#include "../common/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kdx_env *bind(kdx_lowerer *L, const kdx_env *parent, const char *name, kdx_value *v)
{
	kdx_env *e = KDX_NEW(&L->c->arena, kdx_env);
	e->parent = parent;
	e->name = name;
	e->value = v;
	return e;
}

static kdx_diag *error(kdx_lowerer *L, kdx_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static kdx_diag *error(kdx_lowerer *L, kdx_span span, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	kdx_diag *g = kdx_diag_add(&L->c->diags, KDX_ERROR, "type", span, "%s", sb.buf);
	strbuf_release(&sb);
	return g;
}

static void unknown_attr(kdx_lowerer *L, const kdx_ast_item *it, const char *where,
			 const char *const *known, size_t n)
{
	kdx_diag *g = error(L, it->name.span, "unknown attribute '%s' in %s", it->name.name, where);
	const char *s = kdx_suggest_best(it->name.name, known, n);
	if (s)
		kdx_diag_hint(g, "did you mean '%s'?", s);
}

int32_t kdx_lower_region(const kdx_lowerer *L, const char *name)
{
	for (size_t i = 0; name && i < L->plan->nregions; i++)
		if (!strcmp(L->plan->regions[i].name, name))
			return (int32_t)i;
	return -1;
}

/* Evaluate and type-check against a builtin type name ("percent", ...). */
static int eval_as(kdx_lowerer *L, const kdx_env *env, const kdx_ast_expr *e, kdx_vkind want,
		   const char *what, kdx_value **out)
{
	int r = kdx_eval_ast(&L->ev, env, e, out);
	if (r)
		return r;
	if ((*out)->kind != want && !(want == KDX_V_STRING && (*out)->kind == KDX_V_REGION)) {
		error(L, e->span, "%s must be %s, got %s", what,
		      want == KDX_V_PERCENT ? "a percent" : want == KDX_V_DURATION ? "a duration"
		      : want == KDX_V_NUMBER ? "a number" : want == KDX_V_BOOL ? "a bool" : "a string",
		      kdx_type_of_value(&L->ev, *out));
		return -1;
	}
	return 0;
}

/* ---- regions ---- */

static void lower_regions(kdx_lowerer *L, const kdx_ast_file *f)
{
	kdx_plan *p = L->plan;
	size_t n = 0;
	for (size_t i = 0; i < f->ndecls; i++)
		n += f->decls[i]->kind == KDX_AST_REGION;
	p->regions = KDX_NEWN(&L->c->arena, kdx_plan_region, n + 1);
	L->region_names = KDX_NEWN(&L->c->arena, const char *, n + 1);
	static const char *const attrs[] = { "role", "weight", "capacity" };
	static const char *const roles[] = { "primary", "secondary", "standby" };
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		if (d->kind != KDX_AST_REGION || !d->label.name || kdx_lower_region(L, d->label.name) >= 0)
			continue;
		kdx_plan_region *r = &p->regions[p->nregions];
		r->name = d->label.name;
		r->span = d->label.span;
		r->role = "secondary";
		for (size_t j = 0; j < d->nitems; j++) {
			const kdx_ast_item *it = d->items[j];
			kdx_value *v;
			if (it->kind != KDX_AST_ATTR) {
				error(L, it->span, "a region takes only role, weight and capacity");
				continue;
			}
			const char *a = it->name.name;
			if (!strcmp(a, "role")) {
				const char *w = it->expr->kind == KDX_AST_E_NAME ? it->expr->u.name
					: kdx_ast_string_literal(it->expr);
				size_t k;
				for (k = 0; w && k < 3 && strcmp(w, roles[k]); k++)
					;
				if (!w || k == 3) {
					kdx_diag *g = error(L, it->expr->span,
							    "role must be primary, secondary or standby");
					const char *s = w ? kdx_suggest_best(w, roles, 3) : NULL;
					if (s)
						kdx_diag_hint(g, "did you mean '%s'?", s);
				} else {
					r->role = roles[k];
				}
			} else if (!strcmp(a, "weight") || !strcmp(a, "capacity")) {
				if (eval_as(L, NULL, it->expr, KDX_V_PERCENT, a, &v) == 0)
					*(a[0] == 'w' ? &r->weight : &r->capacity) = v->u.num;
			} else {
				unknown_attr(L, it, "region", attrs, 3);
			}
		}
		L->region_names[p->nregions++] = r->name;
	}
	L->ev.regions = L->region_names;
	L->ev.nregions = p->nregions;
	kdx_value *list = kdx_value_list(&L->c->arena, p->nregions);
	for (size_t i = 0; i < p->nregions; i++)
		list->u.list.items[i] = kdx_value_region(&L->c->arena, p->regions[i].name);
	L->regions_value = list;
	L->genv = bind(L, L->genv, "regions", list);
}

void kdx_lower_check_regions(kdx_lowerer *S, const kdx_lowerer *caller, const kdx_ast_file *f,
			     const kdx_ast_decl *use)
{
	const kdx_plan *p = caller->plan;
	bool *seen = xcalloc(p->nregions + 1, sizeof(*seen));
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		if (d->kind != KDX_AST_REGION || !d->label.name)
			continue;
		int32_t r = kdx_lower_region(caller, d->label.name);
		if (r < 0) {
			kdx_diag *g = error(S, d->label.span, "region '%s' of nested runbook '%s' is "
					    "not declared by its caller", d->label.name, use->name.name);
			kdx_diag_note(g, use->span, "used here");
			continue;
		}
		seen[r] = true;
		for (size_t j = 0; j < d->nitems; j++) {
			const kdx_ast_item *it = d->items[j];
			kdx_value *v;
			const char *a = it->kind == KDX_AST_ATTR ? it->name.name : "";
			if (!strcmp(a, "role")) {
				const char *role = it->expr->kind == KDX_AST_E_NAME ? it->expr->u.name
					: kdx_ast_string_literal(it->expr);
				if (role && strcmp(role, p->regions[r].role))
					kdx_diag_note(error(S, it->expr->span, "region '%s' is %s here but "
							    "%s in the caller", d->label.name, role,
							    p->regions[r].role),
						      p->regions[r].span, "the caller declares it here");
				continue;
			}
			bool w = !strcmp(a, "weight");
			if (!w && strcmp(a, "capacity"))
				continue;
			double want = w ? p->regions[r].weight : p->regions[r].capacity;
			if (eval_as(S, NULL, it->expr, KDX_V_PERCENT, a, &v) == 0 && v->u.num != want) {
				kdx_diag *g = error(S, it->expr->span, "region '%s' has %s %g%% here but "
						    "%g%% in the caller", d->label.name, a, v->u.num, want);
				kdx_diag_note(g, p->regions[r].span, "the caller declares it here");
				kdx_diag_hint(g, "a nested runbook runs on its caller's deployment: "
					      "declare the same regions with the same figures");
			}
		}
	}
	for (size_t r = 0; r < p->nregions; r++)
		if (!seen[r]) {
			kdx_diag *g = error(S, use->label.span, "nested runbook '%s' does not declare "
					    "region '%s' of its caller", use->name.name,
					    p->regions[r].name);
			kdx_diag_hint(g, "declare the same regions in '%s'", use->label.name);
		}
	free(seen);
}

/* ---- params ---- */

static const kdx_var_binding *find_var(const kdx_var_binding *v, size_t n, const char *name)
{
	const kdx_var_binding *found = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			found = &v[i]; /* the last one wins, as in Terraform */
	return found;
}

static bool wants_string(const kdx_ast_type *t)
{
	return t && t->kind == KDX_AST_T_NAME && (!strcmp(t->name, "string") || !strcmp(t->name, "region"));
}

/* Collect -var-file then -var bindings (later ones override earlier ones). */
static size_t collect_vars(kdx_lowerer *L, const kdx_compile_opts *o, kdx_var_binding **out, int *rc)
{
	size_t n = 0, cap = o->nvars + 1;
	kdx_var_binding **files = xcalloc(o->nvar_files + 1, sizeof(*files));
	size_t *nf = xcalloc(o->nvar_files + 1, sizeof(*nf));
	for (size_t i = 0; i < o->nvar_files; i++) {
		if (kdx_parse_var_file(L->c, o->var_files[i], &files[i], &nf[i]))
			*rc = -1;
		cap += nf[i];
	}
	kdx_var_binding *v = KDX_NEWN(&L->c->arena, kdx_var_binding, cap);
	for (size_t i = 0; i < o->nvar_files; i++)
		for (size_t j = 0; j < nf[i]; j++)
			v[n++] = files[i][j];
	free(files);
	free(nf);
	for (size_t i = 0; i < o->nvars; i++) {
		const char *eq = strchr(o->vars[i], '=');
		if (!eq || eq == o->vars[i]) {
			kdx_diag_add_unlocated(&L->c->diags, KDX_ERROR, "var",
					       "-var '%s' is not NAME=VALUE", o->vars[i]);
			*rc = -1;
			continue;
		}
		kdx_var_binding *b = &v[n++];
		memset(b, 0, sizeof(*b));
		b->name = kdx_intern_n(&L->c->intern, o->vars[i], (size_t)(eq - o->vars[i]));
		b->raw = eq + 1;
		b->origin = "-var";
	}
	*out = v;
	return n;
}

static kdx_diag *var_error(kdx_lowerer *L, const kdx_var_binding *b, const char *fmt, const char *a,
			   const char *m)
{
	if (b && b->located)
		return kdx_diag_add(&L->c->diags, KDX_ERROR, "var", b->span, fmt, a, m);
	return kdx_diag_add_unlocated(&L->c->diags, KDX_ERROR, "var", fmt, a, m);
}

static int param_value(kdx_lowerer *L, const kdx_ast_decl *d, const kdx_var_binding *b,
		       kdx_value **v)
{
	if (!b)
		return d->value ? kdx_eval_ast(&L->ev, L->genv, d->value, v) : -2;
	if (b->value) {
		*v = b->value;
		return 0;
	}
	if (b->expr)
		return kdx_eval_ast(&L->ev, L->genv, b->expr, v);
	const char *raw = b->raw;
	if (wants_string(d->type) && raw[0] != '"') {
		*v = kdx_value_string(&L->c->arena, raw);
		return 0;
	}
	char *origin = kdx_arena_printf(&L->c->arena, "-var %s", b->name);
	const kdx_ast_expr *e = kdx_parse_value(L->c, origin, raw);
	if (!e)
		return -1;
	return kdx_eval_ast(&L->ev, NULL, e, v);
}

static void check_allowed(kdx_lowerer *L, const kdx_ast_decl *d, const kdx_var_binding *b,
			  kdx_value *v)
{
	const kdx_ast_item *al = kdx_ast_find_attr(d, "allowed");
	kdx_value *list;
	if (!al || kdx_eval_ast(&L->ev, L->genv, al->expr, &list) || list->kind != KDX_V_LIST)
		return;
	const char **names = KDX_NEWN(&L->c->arena, const char *, list->u.list.n + 1);
	strbuf sb = STRBUF_INIT, val = STRBUF_INIT;
	for (size_t i = 0; i < list->u.list.n; i++) {
		if (kdx_eval_equal(list->u.list.items[i], v))
			goto out;
		names[i] = kdx_value_text(list->u.list.items[i]);
		strbuf_addstr(&sb, i ? ", " : "");
		kdx_value_format(&sb, list->u.list.items[i]);
	}
	kdx_value_format(&val, v);
	kdx_diag *g = b ? var_error(L, b, "value %s of param '%s' is not allowed", val.buf, d->name.name)
			: error(L, d->value->span, "value %s of param '%s' is not allowed", val.buf,
				d->name.name);
	kdx_diag_note(g, al->span, "allowed: %s", sb.buf);
	const char *s = kdx_value_text(v) ? kdx_suggest_best(kdx_value_text(v), names, list->u.list.n)
					  : NULL;
	if (s)
		kdx_diag_hint(g, "did you mean \"%s\"?", s);
out:
	strbuf_release(&sb);
	strbuf_release(&val);
}

static void check_validate(kdx_lowerer *L, const kdx_ast_decl *d, kdx_value *v)
{
	const kdx_ast_item *va = kdx_ast_find_attr(d, "validate");
	kdx_value *ok, *msg;
	if (!va || kdx_eval_ast(&L->ev, L->genv, va->expr, &ok))
		return;
	if (ok->kind != KDX_V_BOOL) {
		error(L, va->expr->span, "validate must be a bool condition");
		return;
	}
	if (ok->u.b)
		return;
	const kdx_ast_item *m = kdx_ast_find_attr(d, "message");
	strbuf val = STRBUF_INIT;
	kdx_value_format(&val, v);
	if (m && !kdx_eval_ast(&L->ev, L->genv, m->expr, &msg) && kdx_value_text(msg))
		error(L, va->expr->span, "param '%s' = %s: %s", d->name.name, val.buf, kdx_value_text(msg));
	else
		error(L, va->expr->span, "param '%s' = %s fails its validation", d->name.name, val.buf);
	strbuf_release(&val);
}

static void lower_params(kdx_lowerer *L, const kdx_ast_file *f, const kdx_var_binding *vars,
			 size_t nvars)
{
	static const char *const opts[] = { "allowed", "description", "validate", "message" };
	const char **pnames = KDX_NEWN(&L->c->arena, const char *, f->ndecls + 1);
	size_t np = 0;
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		if (d->kind != KDX_AST_PARAM || !d->name.name)
			continue;
		pnames[np++] = d->name.name;
		for (size_t j = 0; j < d->nitems; j++) {
			const kdx_ast_item *it = d->items[j];
			size_t k;
			for (k = 0; k < 4 && (it->kind != KDX_AST_ATTR || strcmp(it->name.name, opts[k])); k++)
				;
			if (k == 4)
				unknown_attr(L, it, "param", opts, 4);
		}
		const kdx_var_binding *b = find_var(vars, nvars, d->name.name);
		kdx_value *v = NULL;
		int r = param_value(L, d, b, &v);
		if (r == -2) {
			kdx_diag *g = error(L, d->name.span, "param '%s' has no value", d->name.name);
			kdx_diag_hint(g, "set it with -var %s=VALUE or give it a default", d->name.name);
		}
		if (r == 0 && d->type) {
			strbuf why = STRBUF_INIT;
			if (kdx_type_check(&L->ev, L->mod, d->type, &v, &why)) {
				if (b)
					var_error(L, b, "param '%s': %s", d->name.name, why.buf);
				else
					error(L, d->value->span, "param '%s': %s", d->name.name, why.buf);
				r = -1;
			}
			strbuf_release(&why);
		}
		L->genv = bind(L, L->genv, d->name.name, r == 0 ? v : NULL);
		if (r == 0) {
			check_allowed(L, d, b, v);
			check_validate(L, d, v);
			if (!strcmp(d->name.name, "environment") && kdx_value_text(v) && !L->prefix)
				L->plan->environment = kdx_value_text(v);
			/* -mode sets it; the plan and the run's journal say which mode ran */
			if (!strcmp(d->name.name, "mode") && kdx_value_text(v) && !L->prefix)
				L->plan->mode = kdx_value_text(v);
		}
	}
	for (size_t i = 0; i < nvars; i++) {
		size_t k;
		for (k = 0; k < np && strcmp(pnames[k], vars[i].name); k++)
			;
		if (k < np)
			continue;
		kdx_diag *g = var_error(L, &vars[i], "%s sets '%s', which is not a param of this runbook",
					vars[i].origin, vars[i].name);
		const char *s = kdx_suggest_best(vars[i].name, pnames, np);
		if (s)
			kdx_diag_hint(g, "did you mean '%s'?", s);
	}
}

/* ---- objectives ---- */

static void lower_objectives(kdx_lowerer *L, const kdx_ast_file *f)
{
	kdx_plan *p = L->plan;
	kdx_value *m = kdx_value_map(&L->c->arena, 3);
	size_t n = 0;
	static const char *const names[] = { "rpo", "rto", "availability" };
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		if (d->kind != KDX_AST_OBJECTIVES)
			continue;
		for (size_t j = 0; j < d->nitems; j++) {
			const kdx_ast_item *it = d->items[j];
			size_t k;
			for (k = 0; k < 3 && (it->kind != KDX_AST_ATTR || strcmp(it->name.name, names[k])); k++)
				;
			if (k == 3) {
				unknown_attr(L, it, "objectives", names, 3);
				continue;
			}
			kdx_value *v;
			if (eval_as(L, L->genv, it->expr, k == 2 ? KDX_V_PERCENT : KDX_V_DURATION, names[k], &v))
				continue;
			bool dup = false;
			for (size_t q = 0; q < n; q++)
				dup |= !strcmp(m->u.map.keys[q], names[k]);
			if (dup)
				continue;
			m->u.map.keys[n] = names[k];
			m->u.map.vals[n++] = v;
			if (L->prefix) {
				/* a nested runbook's objectives are its own; the plan's are the caller's */
			} else if (k == 0) {
				p->has_rpo = true;
				p->rpo_ms = v->u.ms;
				p->rpo_span = it->span;
			} else if (k == 1) {
				p->has_rto = true;
				p->rto_ms = v->u.ms;
				p->rto_span = it->span;
			}
		}
	}
	m->u.map.n = n;
	L->genv = bind(L, L->genv, "objectives", m);
}

/* ---- resources ---- */

static const kdx_ast_item *find_field(const kdx_ast_decl *type, const char *name)
{
	for (size_t i = 0; i < type->nitems; i++)
		if (type->items[i]->kind == KDX_AST_FIELD && !strcmp(type->items[i]->name.name, name))
			return type->items[i];
	return NULL;
}

/* Add a resource instance; returns the value names bind to. In a nested runbook, an
 * instance of the same type with the same attributes as one already in the plan IS that
 * resource (so races, traffic and capacity see one thing); others get the prefix. */
static kdx_value *push_res(kdx_lowerer *L, kdx_plan_resource *pr, const kdx_ast_decl *type)
{
	kdx_plan *p = L->plan;
	size_t n = p->nresources;
	for (size_t i = 0; L->prefix && i < n; i++)
		if (L->res[i].type == type && kdx_eval_equal(L->res[i].value, pr->attrs))
			return (kdx_value *)L->res[i].value;
	if (L->prefix)
		pr->name = kdx_arena_printf(&L->c->arena, "%s.%s", L->prefix, pr->name);
	if ((n & (n - 1)) == 0) { /* grow at powers of two */
		kdx_plan_resource *nr = KDX_NEWN(&L->c->arena, kdx_plan_resource, n ? 2 * n : 1);
		kdx_res_ref *rr = KDX_NEWN(&L->c->arena, kdx_res_ref, n ? 2 * n : 1);
		if (n) {
			memcpy(nr, p->resources, n * sizeof(*nr));
			memcpy(rr, L->res, n * sizeof(*rr));
		}
		p->resources = nr;
		L->res = rr;
	}
	p->resources[n] = *pr;
	L->res[n] = (kdx_res_ref){ pr->attrs, type, (int32_t)n, pr->type };
	p->nresources = ++L->nres;
	L->ev.res = L->res;
	L->ev.nres = L->nres;
	return pr->attrs;
}

/* One instance: the type's fields in order, from the attributes or the defaults. */
static kdx_value *instance(kdx_lowerer *L, const kdx_ast_decl *d, const kdx_ast_decl *type,
			   const kdx_module *owner, const kdx_env *env, kdx_value *each, int32_t *region)
{
	size_t nf = 0;
	for (size_t i = 0; i < type->nitems; i++)
		nf += type->items[i]->kind == KDX_AST_FIELD;
	kdx_value *m = kdx_value_map(&L->c->arena, nf);
	const char **fnames = KDX_NEWN(&L->c->arena, const char *, nf + 1);
	size_t k = 0;
	for (size_t i = 0; i < type->nitems; i++)
		if (type->items[i]->kind == KDX_AST_FIELD)
			fnames[k++] = type->items[i]->name.name;
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind == KDX_AST_ATTR && !strcmp(it->name.name, "for_each"))
			continue;
		if (it->kind != KDX_AST_ATTR || !find_field(type, it->name.name)) {
			kdx_diag *g = error(L, it->kind == KDX_AST_ATTR ? it->name.span : it->span,
					    "type '%s' has no field '%s'", type->name.name,
					    it->kind == KDX_AST_ATTR ? it->name.name : "?");
			const char *s = it->kind == KDX_AST_ATTR ? kdx_suggest_best(it->name.name, fnames, nf) : NULL;
			if (s)
				kdx_diag_hint(g, "did you mean '%s'?", s);
		}
	}
	size_t n = 0;
	*region = -1;
	for (size_t i = 0; i < type->nitems; i++) {
		const kdx_ast_item *f = type->items[i];
		if (f->kind != KDX_AST_FIELD)
			continue;
		const kdx_ast_item *a = kdx_ast_find_attr(d, f->name.name);
		kdx_value *v = NULL;
		int r;
		if (a) {
			r = kdx_eval_ast(&L->ev, env, a->expr, &v);
		} else if (f->expr) {
			const kdx_module *saved = L->ev.module;
			L->ev.module = owner;
			r = kdx_eval_ast(&L->ev, NULL, f->expr, &v);
			L->ev.module = saved;
		} else {
			error(L, d->name.span, "resource '%s' needs field '%s' (%s.%s)", d->name.name,
			      f->name.name, d->type->module ? d->type->module : "", type->name.name);
			continue;
		}
		if (r)
			continue;
		/* a regional resource expanded over regions lives in its region */
		if (!strcmp(f->name.name, "region") && v->kind == KDX_V_NULL && each &&
		    kdx_lower_region(L, kdx_value_text(each)) >= 0)
			v = kdx_value_region(&L->c->arena, kdx_value_text(each));
		strbuf why = STRBUF_INIT;
		if (f->type && kdx_type_check(&L->ev, owner, f->type, &v, &why))
			error(L, a ? a->expr->span : d->name.span, "field '%s' of '%s': %s", f->name.name,
			      d->name.name, why.buf);
		strbuf_release(&why);
		if (!strcmp(f->name.name, "region"))
			*region = kdx_lower_region(L, kdx_value_text(v));
		m->u.map.keys[n] = f->name.name;
		m->u.map.vals[n++] = v;
	}
	m->u.map.n = n;
	return m;
}

static int32_t writer_region(const kdx_lowerer *L)
{
	for (size_t i = 0; i < L->plan->nregions; i++)
		if (!strcmp(L->plan->regions[i].role, "primary"))
			return (int32_t)i;
	return -1;
}

static void lower_resource(kdx_lowerer *L, const kdx_ast_decl *d)
{
	const kdx_module *owner = NULL;
	const kdx_ast_decl *type = d->type ? kdx_resolve_type_decl(L->mod, d->type, &owner) : NULL;
	if (!type) {
		L->genv = bind(L, L->genv, d->name.name, NULL); /* reported by resolve */
		return;
	}
	kdx_res_class cls = kdx_type_class(type);
	const char *tname = kdx_qualified(&L->c->arena, owner, type->name.name);
	kdx_plan_resource pr = { .type = tname, .cls = cls, .span = d->name.span, .writer = -1 };
	if (cls == KDX_RES_DATABASE || cls == KDX_RES_CACHE)
		pr.writer = writer_region(L);
	if (!d->for_each) {
		pr.name = d->name.name;
		pr.attrs = instance(L, d, type, owner, L->genv, NULL, &pr.region);
		pr.attrs = push_res(L, &pr, type);
		L->genv = bind(L, L->genv, d->name.name, pr.attrs);
		return;
	}
	kdx_value *coll;
	int r = kdx_eval_ast(&L->ev, L->genv, d->for_each, &coll);
	if (r == 0 && coll->kind != KDX_V_LIST && coll->kind != KDX_V_MAP) {
		error(L, d->for_each->span, "for_each needs a list or a map, got %s",
		      kdx_type_of_value(&L->ev, coll));
		r = -1;
	}
	if (r) {
		L->genv = bind(L, L->genv, d->name.name, NULL);
		return;
	}
	bool list = coll->kind == KDX_V_LIST;
	size_t n = list ? coll->u.list.n : coll->u.map.n;
	kdx_value *all = kdx_value_map(&L->c->arena, n);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		kdx_value *each = list ? coll->u.list.items[i] : NULL;
		const char *key = list ? kdx_value_text(each) : coll->u.map.keys[i];
		if (!list) {
			each = kdx_value_map(&L->c->arena, 2);
			each->u.map.keys[0] = "key";
			each->u.map.vals[0] = kdx_value_string(&L->c->arena, key);
			each->u.map.keys[1] = "value";
			each->u.map.vals[1] = coll->u.map.vals[i];
		}
		if (!key) {
			error(L, d->for_each->span, "for_each over a list needs strings, got %s",
			      kdx_type_of_value(&L->ev, each));
			break;
		}
		kdx_env ee = { L->genv, "each", each };
		pr.name = kdx_arena_printf(&L->c->arena, "%s[%s]", d->name.name, key);
		pr.attrs = instance(L, d, type, owner, &ee, list ? each : NULL, &pr.region);
		pr.attrs = push_res(L, &pr, type);
		all->u.map.keys[k] = key;
		all->u.map.vals[k++] = pr.attrs;
	}
	all->u.map.n = k;
	L->genv = bind(L, L->genv, d->name.name, all);
}

/* ---- the runbook block, outputs ---- */

static void lower_runbook(kdx_lowerer *L, const kdx_ast_decl *d)
{
	static const char *const attrs[] = { "version", "description", "stop_on", "allow_exec" };
	L->plan->name = d->label.name;
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		size_t k;
		for (k = 0; k < 4 && (it->kind != KDX_AST_ATTR || strcmp(it->name.name, attrs[k])); k++)
			;
		if (k == 4) {
			unknown_attr(L, it, "runbook", attrs, 4);
			continue;
		}
		kdx_value *v;
		if (kdx_eval_ast(&L->ev, L->genv, it->expr, &v) || k != 2)
			continue;
		kdx_plan *p = L->plan;
		bool mine = !L->prefix; /* a nested runbook's stop_on is its own */
		if (mine && v->kind == KDX_V_LIST)
			p->stop_on = KDX_NEWN(&L->c->arena, int32_t, v->u.list.n + 1);
		for (size_t j = 0; v->kind == KDX_V_LIST && j < v->u.list.n; j++) {
			const kdx_res_ref *r = kdx_eval_resource(&L->ev, v->u.list.items[j]);
			if (!r || kdx_type_class(r->type) != KDX_RES_ALARM)
				error(L, it->expr->span, "stop_on lists alarm resources; element %zu is %s",
				      j, kdx_type_of_value(&L->ev, v->u.list.items[j]));
			else if (mine)
				p->stop_on[p->nstop_on++] = r->index;
		}
	}
}

/* state { url = "s3://..." }: the run store; the CLI may choose another (-state). */
static void lower_state(kdx_lowerer *L, const kdx_ast_decl *d)
{
	static const char *const attrs[] = { "url" };
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		kdx_value *v;
		if (it->kind != KDX_AST_ATTR || strcmp(it->name.name, "url")) {
			unknown_attr(L, it, "state", attrs, 1);
			continue;
		}
		if (eval_as(L, L->genv, it->expr, KDX_V_STRING, "url", &v) || L->prefix)
			continue;
		L->plan->store.url = v->u.str.ptr;
		L->plan->store.origin = "state block";
		L->plan->store.located = true;
		L->plan->store.span = it->span;
	}
}

/* ---- steps: removal of `when false` steps, renumbering ---- */

/* seen[] holds the stamp of the step whose preds are being collected, so it never needs
 * clearing: the pass stays linear in the number of edges. */
static void expand_preds(kdx_lowerer *L, size_t i, kdx_edge_list *out, const uint32_t *newidx,
			 uint32_t *seen, uint32_t stamp)
{
	kdx_edge_list *el = &L->edges[i];
	for (size_t j = 0; j < el->n; j++) {
		uint32_t f = el->items[j].from;
		if (seen[f] == stamp)
			continue;
		seen[f] = stamp;
		if (L->removed[f]) {
			expand_preds(L, f, out, newidx, seen, stamp);
			continue;
		}
		XGROW(out->items, out->n + 1, out->alloc);
		out->items[out->n] = el->items[j];
		out->items[out->n++].from = newidx[f];
	}
}

/* The plan's steps (kdx_compilation.plan_steps owns them) with removed steps -- groups,
 * nested runbooks -- dropped and preds renumbered. When nothing is removed they are the
 * lowerer's array itself, trimmed, which the scenarios still read by the same indexes:
 * copying 100k steps cost as much memory again (issue #19); and each step's preds are its
 * edge list itself (add_edge keeps one edge per pair, and the indexes stand). Otherwise
 * they are copied into the arena at their exact size. A step without any points at a
 * shared empty array. */
static void finish_steps(kdx_lowerer *L)
{
	kdx_plan *p = L->plan;
	uint32_t *newidx = xcalloc(L->nsteps + 1, sizeof(*newidx));
	uint32_t *seen = xcalloc(L->nsteps + 1, sizeof(*seen));
	size_t n = 0;
	for (size_t i = 0; i < L->nsteps; i++)
		if (!L->removed[i])
			newidx[i] = (uint32_t)n++;
	if (n == L->nsteps) {
		L->all = xrealloc(L->all, (n + 1) * sizeof(*L->all));
		memset(&L->all[n], 0, sizeof(*L->all));
		p->steps = L->all;
	} else {
		p->steps = xcalloc(n + 1, sizeof(*p->steps));
	}
	L->c->plan_steps = p->steps;
	kdx_edge *none = KDX_NEW(&L->c->arena, kdx_edge);
	kdx_edge_list out = { 0 };
	for (size_t i = 0; i < L->nsteps; i++) {
		if (L->removed[i])
			continue;
		if (n == L->nsteps) {
			kdx_step *s = &p->steps[p->nsteps++];
			s->npreds = L->edges[i].n;
			s->preds = s->npreds ? L->edges[i].items : none;
			continue;
		}
		out.n = 0;
		expand_preds(L, i, &out, newidx, seen, (uint32_t)i + 1);
		kdx_step *s = &p->steps[p->nsteps++];
		if (s != &L->all[i])
			*s = L->all[i];
		s->npreds = out.n;
		s->preds = out.n ? KDX_NEWN(&L->c->arena, kdx_edge, out.n) : none;
		if (out.n)
			memcpy(s->preds, out.items, out.n * sizeof(kdx_edge));
	}
	free(out.items);
	free(seen);
	free(newidx);
}

void kdx_lower_unit(kdx_lowerer *L, const kdx_ast_file *f, const kdx_var_binding *vars,
		    size_t nvars)
{
	lower_params(L, f, vars, nvars);
	if (!L->prefix)
		kdx_lower_allow_exec(L, f);
	lower_objectives(L, f);
	for (size_t i = 0; i < f->ndecls; i++)
		if (f->decls[i]->kind == KDX_AST_RESOURCE && f->decls[i]->name.name)
			lower_resource(L, f->decls[i]);
	kdx_lower_collect_steps(L, f);
	/* the scope is complete: the steps' names are looked up in an index */
	kdx_env_index_build(&L->genv_index, &L->c->arena, L->genv);
	L->ev.index = &L->genv_index;
	kdx_res_index_build(&L->res_index, &L->c->arena, L->res, L->nres);
	L->ev.res_index = &L->res_index;
	for (size_t i = 0; i < L->nsteps; i++)
		if (!L->prelowered[i])
			kdx_lower_step(L, i, &L->all[i]);
}

int kdx_lower(kdx_compilation *c, const kdx_compile_opts *opts)
{
	kdx_lower_scratch scratch = { 0 };
	kdx_lowerer L = { .c = c, .scratch = &scratch };
	const kdx_ast_file *f = c->ast;
	size_t errors = c->diags.nerrors;
	L.plan = KDX_NEW(&c->arena, kdx_plan);
	L.plan->path = opts->path;
	L.mod = c->prog->main;
	L.ev.arena = &c->arena;
	L.ev.diags = &c->diags;
	L.ev.module = L.mod;
	L.ev.ctx = &L;
	kdx_expr_memo memo;
	kdx_expr_memo_init(&memo);
	L.ev.memo = &memo;
	lower_regions(&L, f);
	int rc = 0;
	kdx_var_binding *vars;
	size_t nvars = collect_vars(&L, opts, &vars, &rc);
	kdx_lower_unit(&L, f, vars, nvars);
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		kdx_value *v;
		if (d->kind == KDX_AST_RUNBOOK)
			lower_runbook(&L, d);
		else if (d->kind == KDX_AST_STATE)
			lower_state(&L, d);
		else if (d->kind == KDX_AST_OUTPUT && d->value)
			(void)kdx_eval_ast(&L.ev, L.genv, d->value, &v);
	}
	finish_steps(&L);
	kdx_arena_release(&scratch.step);
	kdx_lower_scenarios(&L, f); /* they name steps by their final index */
	kdx_lower_actions(&c->arena, c->prog, L.plan);
	if (L.all == c->plan_steps)
		L.all = NULL; /* the plan's now */
	kdx_lower_free(&L);
	kdx_expr_memo_release(&memo);
	if (!L.plan->name)
		L.plan->name = opts->path;
	c->plan = L.plan;
	c->genv = L.genv;
	c->res = L.res;
	c->nres = L.nres;
	c->region_names = L.region_names;
	c->nregion_names = L.plan->nregions;
	return c->diags.nerrors > errors || rc ? -1 : 0;
}
