/* resolve: declarations are unique, every name in a module body refers to something, every
 * type exists. Runbook expressions are checked while lower.c evaluates them. */
#include "eval.h"
#include "../common/hash.h"
#include "../common/suggest.h"

#include "../common/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lookups ---- */

const kdx_ast_decl *kdx_module_type(const kdx_module *m, const char *name)
{
	for (size_t i = 0; m && i < m->ntypes; i++)
		if (!strcmp(m->types[i]->name.name, name))
			return m->types[i];
	return NULL;
}

/* The index in m->actions of the first action whose name is this very pointer, or -1. */
static long action_by_pointer(const kdx_module *m, const char *name)
{
	if (!m->action_slots) {
		for (size_t i = 0; i < m->nactions; i++)
			if (m->actions[i]->name.name == name)
				return (long)i;
		return -1;
	}
	for (size_t h = kdx_hash_ptr(name) & m->action_mask; m->action_slots[h];
	     h = (h + 1) & m->action_mask)
		if (m->actions[m->action_slots[h] - 1]->name.name == name)
			return (long)m->action_slots[h] - 1;
	return -1;
}

/* m->action_slots over m->actions, the first of a name kept. */
static void index_actions(kdx_arena *a, kdx_module *m)
{
	size_t cap = 8;
	while (cap < 2 * m->nactions)
		cap *= 2;
	uint32_t *slots = KDX_NEWN(a, uint32_t, cap);
	for (size_t i = 0; i < m->nactions; i++) {
		size_t h = kdx_hash_ptr(m->actions[i]->name.name) & (cap - 1);
		while (slots[h] && m->actions[slots[h] - 1]->name.name != m->actions[i]->name.name)
			h = (h + 1) & (cap - 1);
		if (!slots[h])
			slots[h] = (uint32_t)i + 1;
	}
	m->action_mask = cap - 1;
	m->action_slots = slots;
}

const kdx_ast_decl *kdx_module_action(const kdx_module *m, const char *name)
{
	/* names from the parser are interned: the pointer finds them without a strcmp per
	 * action (lowering asks ~30 times per step, issue #19); the strcmp pass serves the rest */
	long k = m ? action_by_pointer(m, name) : -1;
	if (k >= 0)
		return m->actions[k];
	for (size_t i = 0; m && i < m->nactions; i++)
		if (!strcmp(m->actions[i]->name.name, name))
			return m->actions[i];
	return NULL;
}

const kdx_import *kdx_module_import(const kdx_module *m, const char *alias)
{
	for (size_t i = 0; m && i < m->nimports; i++) /* interned, as in kdx_module_action */
		if (m->imports[i].alias == alias)
			return &m->imports[i];
	for (size_t i = 0; m && i < m->nimports; i++)
		if (m->imports[i].alias && !strcmp(m->imports[i].alias, alias))
			return &m->imports[i];
	return NULL;
}

const kdx_ast_decl *kdx_resolve_type_decl(const kdx_module *scope, const kdx_ast_type *t,
					  const kdx_module **owner)
{
	const kdx_module *m = scope;
	if (t->kind == KDX_AST_T_QUALIFIED) {
		const kdx_import *im = kdx_module_import(scope, t->module);
		m = im ? im->mod : NULL;
	} else if (t->kind != KDX_AST_T_NAME) {
		return NULL;
	}
	const kdx_ast_decl *d = kdx_module_type(m, t->name);
	if (d && owner)
		*owner = m;
	return d;
}

const kdx_ast_decl *kdx_resolve_action_named(const kdx_module *scope, const char *module,
					     const char *name, const kdx_module **owner)
{
	const kdx_module *m = scope;
	if (module) {
		const kdx_import *im = kdx_module_import(scope, module);
		m = im ? im->mod : NULL;
	}
	const kdx_ast_decl *d = kdx_module_action(m, name);
	if (d && owner)
		*owner = m;
	return d;
}

const kdx_ast_decl *kdx_resolve_action(const kdx_module *scope, const kdx_ast_expr *callee,
				       const kdx_module **owner)
{
	if (callee->kind == KDX_AST_E_NAME)
		return kdx_resolve_action_named(scope, NULL, callee->u.name, owner);
	if (callee->kind == KDX_AST_E_GETATTR && callee->u.get.obj->kind == KDX_AST_E_NAME)
		return kdx_resolve_action_named(scope, callee->u.get.obj->u.name,
						callee->u.get.attr, owner);
	return NULL;
}

static const char *const class_names[] = {
	[KDX_RES_OPAQUE] = "opaque", [KDX_RES_TRAFFIC] = "traffic", [KDX_RES_DATABASE] = "database",
	[KDX_RES_CACHE] = "cache", [KDX_RES_FLEET] = "fleet", [KDX_RES_ALARM] = "alarm",
};

static const char *class_word(const kdx_ast_decl *type)
{
	const kdx_ast_item *it = kdx_ast_find_attr(type, "class");
	if (!it || !it->expr)
		return NULL;
	if (it->expr->kind == KDX_AST_E_NAME)
		return it->expr->u.name;
	return kdx_ast_string_literal(it->expr);
}

kdx_res_class kdx_type_class(const kdx_ast_decl *type)
{
	const char *w = class_word(type);
	for (size_t i = 0; w && i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (!strcmp(class_names[i], w))
			return (kdx_res_class)i;
	return KDX_RES_OPAQUE;
}

static const char *qualify(kdx_arena *a, const kdx_module *m, const char *name)
{
	const char *slash = strrchr(m->name, '/');
	return kdx_arena_printf(a, "%s.%s", slash ? slash + 1 : m->name, name);
}

const char *kdx_qualified(kdx_arena *a, const kdx_module *m, const char *name)
{
	if (!m || m->is_main)
		return name;
	long k = m->qactions ? action_by_pointer(m, name) : -1;
	if (k >= 0)
		return m->qactions[k];
	for (size_t i = 0; m->qtypes && i < m->ntypes; i++)
		if (m->types[i]->name.name == name)
			return m->qtypes[i];
	return qualify(a, m, name);
}

const char *kdx_import_alias(kdx_intern *in, const char *path)
{
	const char *slash = strrchr(path, '/');
	return kdx_intern_n(in, slash ? slash + 1 : path, strlen(slash ? slash + 1 : path));
}

/* ---- checks ---- */

typedef struct resolver {
	kdx_compilation *c;
	const kdx_compile_opts *opts;
	const kdx_module *m;
	size_t errors;
} resolver;

static kdx_diag *err(resolver *R, kdx_span span, const char *fmt, const char *a, const char *b)
{
	R->errors++;
	return kdx_diag_add(&R->c->diags, KDX_ERROR, "resolve", span, fmt, a, b);
}

static void hint_sugg(kdx_diag *g, const char *s)
{
	if (s)
		kdx_diag_hint(g, "did you mean '%s'?", s);
}

/* Duplicate names among declarations of one kind: the second is the error. Names are
 * interned, so a table of pointers finds them in linear time. */
static void check_dups(resolver *R, const kdx_ast_file *f, kdx_ast_decl_kind kind, bool by_label)
{
	/* The table is sized by the declarations of this kind, not of the file: a runbook of
	 * 100,000 steps has a handful of regions, and zeroing a table for all its declarations
	 * once per kind was most of this check's cost (issue #19). */
	size_t nkind = 0;
	for (size_t i = 0; i < f->ndecls; i++)
		nkind += f->decls[i]->kind == kind;
	if (nkind < 2)
		return;
	size_t cap = 16;
	while (cap < nkind * 2 + 2)
		cap *= 2;
	const kdx_ast_decl **slots = xcalloc(cap, sizeof(*slots));
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		const char *n = by_label ? d->label.name : d->name.name;
		if (d->kind != kind || !n)
			continue;
		size_t h = kdx_hash_ptr(n) & (cap - 1);
		while (slots[h] && (by_label ? slots[h]->label.name : slots[h]->name.name) != n)
			h = (h + 1) & (cap - 1);
		if (!slots[h]) {
			slots[h] = d;
			continue;
		}
		const kdx_ast_decl *e = slots[h];
		kdx_span sp = by_label ? d->label.span : d->name.span;
		kdx_diag *g = err(R, sp, "duplicate %s '%s'", kdx_ast_decl_kind_name(kind), n);
		kdx_diag_note(g, by_label ? e->label.span : e->name.span, "first declared here");
	}
	free(slots);
}

static void check_type(resolver *R, const kdx_ast_type *t)
{
	if (!t)
		return;
	if (t->kind == KDX_AST_T_LIST || t->kind == KDX_AST_T_MAP) {
		check_type(R, t->elem);
		return;
	}
	static const char *const builtin[] = { "string", "number", "bool", "duration", "percent",
					       "region", "any", "object", NULL };
	if (t->kind == KDX_AST_T_NAME)
		for (size_t i = 0; builtin[i]; i++)
			if (!strcmp(builtin[i], t->name))
				return;
	if (kdx_resolve_type_decl(R->m, t, NULL))
		return;
	kdx_suggest s;
	if (t->kind == KDX_AST_T_QUALIFIED) {
		const kdx_import *im = kdx_module_import(R->m, t->module);
		if (!im) {
			kdx_diag *g = err(R, t->span, "unknown module '%s'%s", t->module, "");
			const char *path = kdx_stdlib_import_for(&R->c->arena, t->module);
			if (path)
				kdx_diag_hint(g, "add: import \"%s\"", path);
			return;
		}
		if (!im->mod)
			return;
		kdx_suggest_init(&s, t->name);
		for (size_t i = 0; i < im->mod->ntypes; i++)
			kdx_suggest_add(&s, im->mod->types[i]->name.name);
		const char *best = kdx_suggest_result(&s);
		kdx_diag *g = err(R, t->span, "unknown type '%s.%s'", t->module, t->name);
		if (best)
			kdx_diag_hint(g, "did you mean '%s.%s'?", t->module, best);
		return;
	}
	kdx_suggest_init(&s, t->name);
	for (size_t i = 0; builtin[i]; i++)
		kdx_suggest_add(&s, builtin[i]);
	for (size_t i = 0; i < R->m->ntypes; i++)
		kdx_suggest_add(&s, R->m->types[i]->name.name);
	hint_sugg(err(R, t->span, "unknown type '%s'%s", t->name, ""), kdx_suggest_result(&s));
}

/* The world model's vocabulary (docs/language.md) and how many arguments each takes. */
static const struct { const char *name; int min, max; } primitives[] = {
	{ "set_weights", 2, 2 }, { "set_capacity", 2, 2 }, { "promote", 2, 2 },
	{ "switchover", 2, 2 }, { "fence", 2, 2 }, { "unfence", 2, 2 }, { "observe_lag", 2, 2 },
	{ "observe_health", 1, 1 }, { "set_health", 2, 2 }, { "set_alarm", 2, 2 },
	{ "write", 1, 1 }, { "read", 0, 1 },
};

static void check_expr(resolver *R, const kdx_env *env, const kdx_ast_expr *e);

static bool bound(const kdx_env *env, const char *name)
{
	for (; env; env = env->parent)
		if (!strcmp(env->name, name))
			return true;
	return false;
}

static void check_callee(resolver *R, const kdx_env *env, const kdx_ast_expr *callee)
{
	if (kdx_resolve_action(R->m, callee, NULL))
		return;
	if (callee->kind == KDX_AST_E_NAME) {
		for (size_t i = 0; kdx_builtin_names[i]; i++)
			if (!strcmp(kdx_builtin_names[i], callee->u.name))
				return;
		kdx_suggest s;
		kdx_suggest_init(&s, callee->u.name);
		for (size_t i = 0; kdx_builtin_names[i]; i++)
			kdx_suggest_add(&s, kdx_builtin_names[i]);
		for (size_t i = 0; i < R->m->nactions; i++)
			kdx_suggest_add(&s, R->m->actions[i]->name.name);
		hint_sugg(err(R, callee->span, "unknown function '%s'%s", callee->u.name, ""),
			  kdx_suggest_result(&s));
		return;
	}
	if (callee->kind == KDX_AST_E_GETATTR && callee->u.get.obj->kind == KDX_AST_E_NAME) {
		const char *mod = callee->u.get.obj->u.name;
		const kdx_import *im = kdx_module_import(R->m, mod);
		if (!im) {
			kdx_diag *g = err(R, callee->u.get.obj->span, "unknown module '%s'%s", mod, "");
			const char *path = kdx_stdlib_import_for(&R->c->arena, mod);
			if (path)
				kdx_diag_hint(g, "add: import \"%s\"", path);
			return;
		}
		if (!im->mod)
			return;
		kdx_suggest s;
		kdx_suggest_init(&s, callee->u.get.attr);
		for (size_t i = 0; i < im->mod->nactions; i++)
			kdx_suggest_add(&s, im->mod->actions[i]->name.name);
		const char *best = kdx_suggest_result(&s);
		kdx_diag *g = err(R, callee->span, "unknown action '%s.%s'", mod, callee->u.get.attr);
		if (best)
			kdx_diag_hint(g, "did you mean '%s.%s'?", mod, best);
		return;
	}
	check_expr(R, env, callee);
}

static void check_expr(resolver *R, const kdx_env *env, const kdx_ast_expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case KDX_AST_E_STRING:
		for (size_t i = 0; i < e->u.str.n; i++)
			check_expr(R, env, e->u.str.parts[i].expr);
		break;
	case KDX_AST_E_NAME:
		if (!bound(env, e->u.name)) {
			kdx_suggest s;
			kdx_suggest_init(&s, e->u.name);
			for (const kdx_env *x = env; x; x = x->parent)
				kdx_suggest_add(&s, x->name);
			hint_sugg(err(R, e->span, "unknown name '%s'%s", e->u.name, ""),
				  kdx_suggest_result(&s));
		}
		break;
	case KDX_AST_E_GETATTR: check_expr(R, env, e->u.get.obj); break;
	case KDX_AST_E_INDEX:
		check_expr(R, env, e->u.index.obj);
		check_expr(R, env, e->u.index.index);
		break;
	case KDX_AST_E_CALL:
		check_callee(R, env, e->u.call.callee);
		for (size_t i = 0; i < e->u.call.nargs; i++)
			check_expr(R, env, e->u.call.args[i].value);
		break;
	case KDX_AST_E_LIST:
		for (size_t i = 0; i < e->u.list.n; i++)
			check_expr(R, env, e->u.list.items[i]);
		break;
	case KDX_AST_E_MAP:
		for (size_t i = 0; i < e->u.map.n; i++) {
			if (e->u.map.entries[i].key_kind != KDX_AST_KEY_IDENT)
				check_expr(R, env, e->u.map.entries[i].key);
			check_expr(R, env, e->u.map.entries[i].value);
		}
		break;
	case KDX_AST_E_FOR_LIST:
	case KDX_AST_E_FOR_MAP: {
		check_expr(R, env, e->u.comp->coll);
		kdx_env e1 = { env, e->u.comp->var1.name, NULL }, e2 = { &e1, e->u.comp->var2.name, NULL };
		const kdx_env *in = e->u.comp->var2.name ? &e2 : &e1;
		check_expr(R, in, e->u.comp->key);
		check_expr(R, in, e->u.comp->value);
		check_expr(R, in, e->u.comp->cond);
		break;
	}
	case KDX_AST_E_COND:
		check_expr(R, env, e->u.cond.cond);
		check_expr(R, env, e->u.cond.then);
		check_expr(R, env, e->u.cond.otherwise);
		break;
	case KDX_AST_E_UNARY: check_expr(R, env, e->u.unary.operand); break;
	case KDX_AST_E_BINARY:
		check_expr(R, env, e->u.binary.lhs);
		check_expr(R, env, e->u.binary.rhs);
		break;
	default: break;
	}
}

static void check_effect(resolver *R, const kdx_env *env, const kdx_ast_expr *e)
{
	if (e->kind != KDX_AST_E_CALL || e->u.call.callee->kind != KDX_AST_E_NAME) {
		err(R, e->span, "an effect is a primitive call such as set_weights(record, weights)%s%s",
		    "", "");
		return;
	}
	const char *n = e->u.call.callee->u.name;
	size_t np = sizeof(primitives) / sizeof(primitives[0]);
	for (size_t i = 0; i < np; i++) {
		if (strcmp(primitives[i].name, n))
			continue;
		int na = (int)e->u.call.nargs;
		if (na < primitives[i].min || na > primitives[i].max) {
			char want[64];
			snprintf(want, sizeof(want), "%d", primitives[i].max);
			err(R, e->span, "effect '%s' takes %s arguments", n, want);
		}
		for (size_t j = 0; j < e->u.call.nargs; j++)
			check_expr(R, env, e->u.call.args[j].value);
		return;
	}
	kdx_suggest s;
	kdx_suggest_init(&s, n);
	for (size_t i = 0; i < np; i++)
		kdx_suggest_add(&s, primitives[i].name);
	hint_sugg(err(R, e->u.call.callee->span, "unknown effect '%s'%s", n, ""),
		  kdx_suggest_result(&s));
}

static kdx_env *bind(resolver *R, const kdx_env *parent, const char *name)
{
	kdx_env *e = KDX_NEW(&R->c->arena, kdx_env);
	e->parent = parent;
	e->name = name;
	return e;
}

/* `call aws "SERVICE" "Operation" { KEY = ... }` against the API model (opts hook). */
static void check_aws_call(resolver *R, const kdx_ast_item *it)
{
	const kdx_compile_opts *o = R->opts;
	if (!o || !o->check_aws_call || !it->word.name || strcmp(it->word.name, "aws") ||
	    it->nlist != 2)
		return;
	const char *svc = kdx_ast_string_literal(it->list[0]);
	const char *op = kdx_ast_string_literal(it->list[1]);
	if (!svc || !op)
		return;
	const kdx_ast_expr *in = it->input;
	size_t n = in && in->kind == KDX_AST_E_MAP ? in->u.map.n : 0;
	const char **keys = KDX_NEWN(&R->c->arena, const char *, n + 1);
	kdx_span *spans = KDX_NEWN(&R->c->arena, kdx_span, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const kdx_ast_entry *e = &in->u.map.entries[i];
		const char *name = e->key_kind == KDX_AST_KEY_IDENT ? e->ident.name
			: e->key_kind == KDX_AST_KEY_STRING ? kdx_ast_string_literal(e->key) : NULL;
		if (!name || !strcmp(name, "region"))
			continue;
		spans[k] = e->key_kind == KDX_AST_KEY_IDENT ? e->ident.span : e->key->span;
		keys[k++] = name;
	}
	long bad = -1;
	strbuf msg = STRBUF_INIT, hint = STRBUF_INIT;
	if (o->check_aws_call(o->check_aws_ctx, svc, op, keys, k, &bad, &msg, &hint)) {
		kdx_span sp = bad >= 0 && (size_t)bad < k ? spans[bad]
			: bad == -2 ? it->list[0]->span : it->list[1]->span;
		R->errors++;
		kdx_diag *g = kdx_diag_add(&R->c->diags, KDX_ERROR, "aws", sp, "%s", msg.buf);
		if (hint.len)
			kdx_diag_hint(g, "%s", hint.buf);
	}
	strbuf_release(&msg);
	strbuf_release(&hint);
}

bool kdx_action_reads_only(const kdx_ast_decl *act)
{
	const kdx_ast_item *eff = kdx_ast_find_item(act, KDX_AST_EFFECT);
	if (!eff || !eff->nlist)
		return false;
	for (size_t i = 0; i < eff->nlist; i++) {
		const kdx_ast_expr *c = eff->list[i];
		const char *n = c && c->kind == KDX_AST_E_CALL && c->u.call.callee->kind == KDX_AST_E_NAME
					? c->u.call.callee->u.name : "";
		if (strcmp(n, "read") && strncmp(n, "observe_", 8))
			return false;
	}
	return true;
}

bool kdx_action_mutates(const kdx_ast_decl *act)
{
	if (kdx_action_reads_only(act))
		return false;
	const kdx_ast_item *eff = kdx_ast_find_item(act, KDX_AST_EFFECT);
	return (eff && eff->nlist) || kdx_ast_find_item(act, KDX_AST_CALL);
}

/* A mutating action says how to tell, after a crash or a lost answer, whether its change
 * happened (`verify`), or why that cannot be told (`unverifiable = "..."`): without either
 * an in-doubt attempt could only be guessed at (issue #20.3). */
static void check_verify(resolver *R, const kdx_ast_decl *d)
{
	const kdx_ast_item *v = kdx_ast_find_attr(d, "verify");
	const kdx_ast_item *u = kdx_ast_find_attr(d, "unverifiable");
	if (u && (u->expr->kind != KDX_AST_E_STRING || !u->expr->u.str.n))
		err(R, u->expr->span, "'unverifiable' needs a string that says why no `verify` %s%s",
		    "can be written", "");
	if (v && u)
		err(R, u->name.span, "action '%s' has both `verify` and `unverifiable`%s", d->name.name, "");
	if (!v && !u && kdx_action_mutates(d)) {
		kdx_diag *g = err(R, d->name.span, "action '%s' changes the world but has no `verify`%s",
				  d->name.name, "");
		kdx_diag_hint(g, "add `verify = <a read that is true once the change is made>` so a crash "
				 "or a lost answer can be settled from live state, or say why none can be "
				 "written: `unverifiable = \"...\"` (its step then needs an approval to be "
				 "retried or resumed)");
	}
}

/* An action's body: params, then snapshots (visible everywhere, also in undo), then
 * let / call ... as NAME in order. */
static void check_action(resolver *R, const kdx_ast_decl *d)
{
	check_verify(R, d);
	const kdx_env *env = NULL;
	for (size_t i = 0; i < d->nparams; i++) {
		check_type(R, d->params[i].type);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(d->params[j].name.name, d->params[i].name.name))
				kdx_diag_note(err(R, d->params[i].name.span, "duplicate parameter '%s'%s",
						  d->params[i].name.name, ""),
					      d->params[j].name.span, "first declared here");
		env = bind(R, env, d->params[i].name.name);
	}
	check_type(R, d->type);
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i]->kind == KDX_AST_SNAPSHOT) {
			check_expr(R, env, d->items[i]->expr);
			env = bind(R, env, d->items[i]->name.name);
		}
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		switch (it->kind) {
		case KDX_AST_EFFECT:
			for (size_t j = 0; j < it->nlist; j++)
				check_effect(R, env, it->list[j]);
			break;
		case KDX_AST_READS:
		case KDX_AST_WRITES:
			for (size_t j = 0; j < it->nlist; j++)
				check_expr(R, env, it->list[j]);
			break;
		case KDX_AST_CALL:
			check_aws_call(R, it);
			check_expr(R, env, it->input);
			if (it->name.name)
				env = bind(R, env, it->name.name);
			break;
		case KDX_AST_LET:
			check_expr(R, env, it->expr);
			env = bind(R, env, it->name.name);
			break;
		case KDX_AST_WAIT_UNTIL:
			check_expr(R, env, it->within);
			check_expr(R, env, it->every);
			/* fall through */
		case KDX_AST_DO:
		case KDX_AST_UNDO:
		case KDX_AST_WAIT:
		case KDX_AST_RETURN:
			check_expr(R, env, it->expr);
			break;
		case KDX_AST_DURATION:
			check_expr(R, env, it->expr);
			check_expr(R, env, it->max);
			break;
		default: break;
		}
	}
}

static void check_type_decl(resolver *R, const kdx_ast_decl *d)
{
	const char *w = class_word(d);
	if (!w) {
		err(R, d->name.span, "type '%s' needs a class%s", d->name.name,
		    " (class = traffic | database | cache | fleet | alarm | opaque)");
	} else {
		const kdx_ast_item *it = kdx_ast_find_attr(d, "class");
		if (kdx_type_class(d) == KDX_RES_OPAQUE && strcmp(w, "opaque"))
			hint_sugg(err(R, it->expr->span, "unknown class '%s'%s", w, ""),
				  kdx_suggest_best(w, class_names, 6));
	}
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind != KDX_AST_FIELD)
			continue;
		check_type(R, it->type);
		for (size_t j = 0; j < i; j++)
			if (d->items[j]->kind == KDX_AST_FIELD &&
			    !strcmp(d->items[j]->name.name, it->name.name))
				kdx_diag_note(err(R, it->name.span, "duplicate field '%s'%s", it->name.name, ""),
					      d->items[j]->name.span, "first declared here");
	}
}

static void collect(kdx_compilation *c, kdx_module *m)
{
	size_t nt = 0, na = 0;
	for (size_t i = 0; i < m->ast->ndecls; i++) {
		nt += m->ast->decls[i]->kind == KDX_AST_TYPE;
		na += m->ast->decls[i]->kind == KDX_AST_ACTION;
	}
	m->types = KDX_NEWN(&c->arena, const kdx_ast_decl *, nt + 1);
	m->actions = KDX_NEWN(&c->arena, const kdx_ast_decl *, na + 1);
	for (size_t i = 0; i < m->ast->ndecls; i++) {
		const kdx_ast_decl *d = m->ast->decls[i];
		if (d->kind == KDX_AST_TYPE && d->name.name)
			m->types[m->ntypes++] = d;
		else if (d->kind == KDX_AST_ACTION && d->name.name)
			m->actions[m->nactions++] = d;
	}
	index_actions(&c->arena, m);
	if (m->is_main)
		return;
	m->qtypes = KDX_NEWN(&c->arena, const char *, m->ntypes + 1);
	for (size_t i = 0; i < m->ntypes; i++)
		m->qtypes[i] = qualify(&c->arena, m, m->types[i]->name.name);
	m->qactions = KDX_NEWN(&c->arena, const char *, m->nactions + 1);
	for (size_t i = 0; i < m->nactions; i++)
		m->qactions[i] = qualify(&c->arena, m, m->actions[i]->name.name);
}

static void check_module(resolver *R, kdx_module *m)
{
	const kdx_ast_file *f = m->ast;
	R->m = m;
	check_dups(R, f, KDX_AST_TYPE, false);
	check_dups(R, f, KDX_AST_ACTION, false);
	check_dups(R, f, KDX_AST_IMPORT, true);
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		if (d->kind == KDX_AST_TYPE)
			check_type_decl(R, d);
		else if (d->kind == KDX_AST_ACTION)
			check_action(R, d);
		else if (!m->is_main && !m->is_runbook && d->kind != KDX_AST_IMPORT)
			err(R, d->kw_span, "a module declares only imports, types and actions, not '%s'%s",
			    kdx_ast_decl_kind_name(d->kind), "");
	}
	if (!m->is_main && !m->is_runbook)
		return;
	static const kdx_ast_decl_kind named[] = { KDX_AST_PARAM, KDX_AST_RESOURCE, KDX_AST_STEP,
						   KDX_AST_OUTPUT };
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		check_dups(R, f, named[i], false);
	check_dups(R, f, KDX_AST_REGION, true);
	check_dups(R, f, KDX_AST_SCENARIO, true);
	const kdx_ast_decl *first_rb = NULL, *first_obj = NULL, *first_state = NULL;
	for (size_t i = 0; i < f->ndecls; i++) {
		const kdx_ast_decl *d = f->decls[i];
		const kdx_ast_decl **first = d->kind == KDX_AST_RUNBOOK ? &first_rb
			: d->kind == KDX_AST_OBJECTIVES ? &first_obj
			: d->kind == KDX_AST_STATE ? &first_state : NULL;
		if (first && *first)
			kdx_diag_note(err(R, d->kw_span, "a file may have only one '%s' block%s",
					  kdx_ast_decl_kind_name(d->kind), ""),
				      (*first)->kw_span, "first declared here");
		else if (first)
			*first = d;
		if (d->kind == KDX_AST_PARAM || d->kind == KDX_AST_RESOURCE)
			check_type(R, d->type);
	}
}

size_t kdx_resolve_program(kdx_compilation *c, const kdx_compile_opts *opts)
{
	resolver R = { .c = c, .opts = opts };
	kdx_program *p = c->prog;
	for (size_t i = 0; i < p->nmodules; i++)
		collect(c, p->modules[i]);
	for (size_t i = 0; i < p->nmodules; i++)
		check_module(&R, p->modules[i]);
	return R.errors;
}
