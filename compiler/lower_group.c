/* lower_group: `parallel NAME { step ... }` groups and `use "other.kdx" as NAME { params }`
 * nested runbooks, lowered at compile time into ordinary steps and edges so that the
 * scheduler, the journal, the safety analyses and the simulator need to know nothing of
 * them. A group's members get the group's `after` as their own; a nested runbook's steps
 * are lowered by a lowerer of their own (its params bound from the `use` block), renamed
 * NAME.step, and its first steps get the `use`'s `after`. `after NAME` means after every
 * step of the group or nested runbook. */
#include "lower.h"
#include "resolve.h"
#include "../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The step arrays of a lowerer grow one step at a time while they are collected. */
typedef struct collector {
	kdx_lowerer *L;
	size_t alloc;
} collector;

static size_t push_step(collector *C, const kdx_ast_decl *d, long group)
{
	kdx_lowerer *L = C->L;
	if (L->nsteps == C->alloc) {
		C->alloc = C->alloc ? 2 * C->alloc : 16;
		L->steps = xrealloc(L->steps, C->alloc * sizeof(*L->steps));
		L->all = xrealloc(L->all, C->alloc * sizeof(*L->all));
		L->edges = xrealloc(L->edges, C->alloc * sizeof(*L->edges));
		L->removed = xrealloc(L->removed, C->alloc * sizeof(*L->removed));
		L->prelowered = xrealloc(L->prelowered, C->alloc * sizeof(*L->prelowered));
		L->step_group = xrealloc(L->step_group, C->alloc * sizeof(*L->step_group));
	}
	size_t i = L->nsteps++;
	L->steps[i] = d;
	memset(&L->all[i], 0, sizeof(L->all[i]));
	memset(&L->edges[i], 0, sizeof(L->edges[i]));
	L->removed[i] = false;
	L->prelowered[i] = false;
	L->step_group[i] = group;
	return i;
}

static long push_group(kdx_lowerer *L, const kdx_ast_decl *d, size_t first, size_t n)
{
	L->groups = xrealloc(L->groups, (L->ngroups + 1) * sizeof(*L->groups));
	L->groups[L->ngroups] = (kdx_lower_group){ d, first, n, NULL };
	return (long)L->ngroups++;
}

long kdx_lower_find_group(const kdx_lowerer *L, const char *name)
{
	for (size_t i = 0; name && i < L->ngroups; i++)
		if (!strcmp(L->groups[i].decl->name.name, name))
			return (long)i;
	return -1;
}

static const kdx_module *used_module(const kdx_lowerer *L, const kdx_ast_decl *d)
{
	for (size_t i = 0; i < L->mod->nuses; i++)
		if (L->mod->uses[i].decl == d)
			return L->mod->uses[i].mod;
	return NULL;
}

static bool has_runbook_block(const kdx_ast_file *f)
{
	for (size_t i = 0; i < f->ndecls; i++)
		if (f->decls[i]->kind == KDX_AST_RUNBOOK)
			return true;
	return false;
}

/* The `use` block's attributes are the callee's params, evaluated in the caller's scope;
 * they must be known at compile time (the callee is lowered now). */
static size_t use_params(kdx_lowerer *L, const kdx_ast_decl *d, kdx_var_binding **out)
{
	kdx_var_binding *v = KDX_NEWN(&L->c->arena, kdx_var_binding, d->nitems + 1);
	size_t n = 0;
	const char *origin = kdx_arena_printf(&L->c->arena, "use '%s'", d->name.name);
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		kdx_value *val;
		if (it->kind != KDX_AST_ATTR)
			continue;
		int r = kdx_eval_ast(&L->ev, L->genv, it->expr, &val);
		if (r > 0)
			kdx_diag_add(&L->c->diags, KDX_ERROR, "step", it->expr->span,
				     "param '%s' of nested runbook '%s' must be known at compile time",
				     it->name.name, d->name.name);
		if (r)
			continue;
		v[n++] = (kdx_var_binding){ .name = it->name.name, .span = it->span, .located = true,
					    .origin = origin, .value = val };
	}
	*out = v;
	return n;
}

static void lower_use(collector *C, const kdx_ast_decl *d)
{
	kdx_lowerer *L = C->L;
	const kdx_module *m = used_module(L, d);
	if (!m || !m->ast)
		return; /* the loader said why */
	if (!has_runbook_block(m->ast)) {
		kdx_diag *g = kdx_diag_add(&L->c->diags, KDX_ERROR, "step", d->label.span,
					   "'%s' has no 'runbook' block: 'use' takes a runbook",
					   d->label.name);
		kdx_diag_hint(g, "modules of types and actions are loaded with 'import'");
		return;
	}
	kdx_lowerer S = { .c = L->c, .scratch = L->scratch, .plan = L->plan, .mod = m,
			  .prefix = d->name.name, .region_names = L->region_names, .res = L->res,
			  .nres = L->nres,
			  .regions_value = L->regions_value, .allow_exec = L->allow_exec,
			  .nallow_exec = L->nallow_exec, .has_allow_exec = L->has_allow_exec,
			  .depth = L->depth + 1 };
	S.ev = (kdx_eval){ .arena = &L->c->arena, .diags = &L->c->diags, .module = m, .ctx = &S,
			   .regions = L->region_names, .nregions = L->plan->nregions,
			   .res = L->res, .nres = L->nres, .memo = L->ev.memo };
	kdx_env *re = KDX_NEW(&L->c->arena, kdx_env);
	*re = (kdx_env){ NULL, "regions", L->regions_value };
	S.genv = re;
	kdx_var_binding *vars;
	size_t nvars = use_params(L, d, &vars);
	kdx_lower_check_regions(&S, L, m->ast, d);
	kdx_lower_unit(&S, m->ast, vars, nvars);
	/* the resources it added are the caller's too */
	L->res = S.res;
	L->nres = S.nres;
	L->ev.res = S.res;
	L->ev.nres = S.nres;
	size_t base = L->nsteps;
	for (size_t k = 0; k < S.nsteps; k++) {
		size_t i = push_step(C, S.steps[k], -1);
		L->all[i] = S.all[k];
		if (S.all[k].name) /* interned: `after NAME.STEP` and scenarios find it */
			L->all[i].name = kdx_intern_str(&L->c->intern,
							kdx_arena_printf(&L->c->arena, "%s.%s",
									 d->name.name, S.all[k].name));
		L->all[i].group = S.all[k].group ? kdx_arena_printf(&L->c->arena, "%s.%s",
								    d->name.name, S.all[k].group)
						 : d->name.name;
		L->edges[i] = S.edges[k];
		for (size_t e = 0; e < L->edges[i].n; e++)
			L->edges[i].items[e].from += (uint32_t)base;
		S.edges[k] = (kdx_edge_list){ 0 }; /* moved */
		L->removed[i] = S.removed[k];
		L->prelowered[i] = true;
	}
	if (!S.nsteps) {
		kdx_diag *g = kdx_diag_add(&L->c->diags, KDX_ERROR, "step", d->label.span,
					   "nested runbook '%s' has no steps", d->name.name);
		kdx_diag_hint(g, "'%s' declares no 'step'; remove the 'use'", d->label.name);
	}
	long g = push_group(L, d, base, S.nsteps);
	/* `after NAME` waits for its last steps: every other step comes before one of them */
	bool *sink = KDX_NEWN(&L->c->arena, bool, S.nsteps + 1);
	for (size_t k = 0; k < S.nsteps; k++)
		sink[k] = true;
	for (size_t k = 0; k < S.nsteps; k++)
		for (size_t e = 0; e < L->edges[base + k].n; e++)
			sink[L->edges[base + k].items[e].from - base] = false;
	L->groups[g].sink = sink;
	kdx_lower_free(&S);
}

/* Steps, group members, groups and nested runbooks share one namespace for `after`. */
static void check_names(kdx_lowerer *L)
{
	size_t n = L->nsteps + L->ngroups;
	const char **names = xcalloc(n + 1, sizeof(*names));
	kdx_span *spans = xcalloc(n + 1, sizeof(*spans));
	const char **kinds = xcalloc(n + 1, sizeof(*kinds));
	size_t k = 0;
	for (size_t i = 0; i < L->nsteps; i++)
		if (!L->prelowered[i] && L->step_group[i] >= 0) { /* top-level: resolve checked */
			names[k] = L->steps[i]->name.name;
			spans[k] = L->steps[i]->name.span;
			kinds[k++] = "step";
		}
	for (size_t i = 0; i < L->ngroups; i++) {
		const kdx_ast_decl *d = L->groups[i].decl;
		names[k] = d->name.name;
		spans[k] = d->name.span;
		kinds[k++] = d->kind == KDX_AST_GROUP ? "group" : "nested runbook";
	}
	/* against every top-level step too, and each other */
	for (size_t a = 0; a < k; a++) {
		const char *first = NULL;
		kdx_span fspan = { 0 };
		for (size_t i = 0; i < L->nsteps && !first; i++)
			if (!L->prelowered[i] && L->step_group[i] < 0 &&
			    L->steps[i]->name.name == names[a]) {
				first = "step";
				fspan = L->steps[i]->name.span;
			}
		for (size_t b = 0; b < a && !first; b++)
			if (names[b] == names[a]) {
				first = kinds[b];
				fspan = spans[b];
			}
		if (!first)
			continue;
		kdx_diag *g = kdx_diag_add(&L->c->diags, KDX_ERROR, "resolve", spans[a],
					   "duplicate name '%s': already a %s", names[a], first);
		kdx_diag_note(g, fspan, "first declared here");
	}
	free(names);
	free(spans);
	free(kinds);
}

void kdx_lower_collect_steps(kdx_lowerer *L, const kdx_ast_file *f)
{
	collector C = { .L = L };
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		if (d->kind == KDX_AST_STEP && d->name.name) {
			push_step(&C, d, -1);
		} else if (d->kind == KDX_AST_GROUP && d->name.name) {
			long g = push_group(L, d, L->nsteps, 0);
			for (size_t k = 0; k < d->ndecls; k++)
				if (d->decls[k]->name.name)
					push_step(&C, d->decls[k], g);
			L->groups[g].n = L->nsteps - L->groups[g].first;
		} else if (d->kind == KDX_AST_USE && d->name.name) {
			lower_use(&C, d);
		}
	}
	if (!L->nsteps)
		push_step(&C, NULL, -1), L->nsteps = 0; /* allocate the arrays */
	check_names(L);
	kdx_lower_build_table(L);
	/* a nested runbook's first steps run after the `use`'s predecessors */
	for (size_t g = 0; g < L->ngroups; g++) {
		const kdx_lower_group *gr = &L->groups[g];
		if (gr->decl->kind != KDX_AST_USE)
			continue;
		for (size_t k = gr->first; k < gr->first + gr->n; k++)
			if (L->edges[k].n == 0)
				for (size_t a = 0; a < gr->decl->nafter; a++)
					kdx_lower_after(L, k, &gr->decl->after[a]);
	}
}

void kdx_lower_free(kdx_lowerer *L)
{
	free(L->edges); /* their items are in the compilation's arena */
	free(L->removed);
	free(L->all);
	free(L->prelowered);
	free(L->step_group);
	free(L->groups);
	free(L->steps);
	free(L->slots);
	free(L->slot_idx);
	L->edges = NULL;
	L->removed = NULL;
	L->all = NULL;
	L->prelowered = NULL;
	L->step_group = NULL;
	L->groups = NULL;
	L->steps = NULL;
	L->slots = NULL;
	L->slot_idx = NULL;
}
