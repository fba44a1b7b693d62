/* types: does a value fit a declared type -- units, regions, collections, resource types. */
#include "eval.h"
#include "../common/suggest.h"

#include <stdint.h>
#include <string.h>

void kdx_type_format(strbuf *sb, const kdx_ast_type *t)
{
	switch (t->kind) {
	case KDX_AST_T_NAME: strbuf_addstr(sb, t->name); break;
	case KDX_AST_T_QUALIFIED: strbuf_addf(sb, "%s.%s", t->module, t->name); break;
	case KDX_AST_T_LIST:
	case KDX_AST_T_MAP:
		strbuf_addstr(sb, t->kind == KDX_AST_T_LIST ? "list(" : "map(");
		kdx_type_format(sb, t->elem);
		strbuf_addch(sb, ')');
		break;
	}
}

const kdx_ast_type *kdx_type_parse(kdx_arena *a, const char *text)
{
	if (!text)
		return NULL;
	kdx_ast_type *t = KDX_NEW(a, kdx_ast_type);
	size_t n = strlen(text);
	bool list = !strncmp(text, "list(", 5), map = !strncmp(text, "map(", 4);
	if ((list || map) && n > 5 && text[n - 1] == ')') {
		size_t open = list ? 5 : 4;
		t->kind = list ? KDX_AST_T_LIST : KDX_AST_T_MAP;
		t->name = list ? "list" : "map";
		t->elem = (kdx_ast_type *)kdx_type_parse(
			a, kdx_arena_strndup(a, text + open, n - open - 1));
		return t;
	}
	const char *dot = strchr(text, '.');
	t->kind = dot ? KDX_AST_T_QUALIFIED : KDX_AST_T_NAME;
	t->module = dot ? kdx_arena_strndup(a, text, (size_t)(dot - text)) : NULL;
	t->name = dot ? dot + 1 : text;
	return t;
}

static size_t res_hash(const kdx_value *v, size_t mask)
{
	return (size_t)(((uintptr_t)v >> 3) * 0x9E3779B97F4A7C15ull >> 17) & mask;
}

void kdx_res_index_build(kdx_res_index *ix, kdx_arena *a, const kdx_res_ref *res, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	ix->res = res;
	ix->n = n;
	ix->mask = cap - 1;
	ix->slots = KDX_NEWN(a, uint32_t, cap);
	for (size_t i = 0; i < n; i++) {
		size_t h = res_hash(res[i].value, ix->mask);
		while (ix->slots[h] && res[ix->slots[h] - 1].value != res[i].value)
			h = (h + 1) & ix->mask;
		if (!ix->slots[h]) /* a value seen before keeps its first instance */
			ix->slots[h] = (uint32_t)i + 1;
	}
}

const kdx_res_ref *kdx_eval_resource(const kdx_eval *ev, const kdx_value *v)
{
	const kdx_res_index *ix = ev->res_index;
	if (ix && ix->res == ev->res && ix->n == ev->nres) {
		for (size_t h = res_hash(v, ix->mask); ix->slots[h]; h = (h + 1) & ix->mask)
			if (ix->res[ix->slots[h] - 1].value == v)
				return &ix->res[ix->slots[h] - 1];
		return NULL;
	}
	for (size_t i = 0; i < ev->nres; i++)
		if (ev->res[i].value == v)
			return &ev->res[i];
	return NULL;
}

const char *kdx_type_of_value(kdx_eval *ev, const kdx_value *v)
{
	const kdx_res_ref *r = kdx_eval_resource(ev, v);
	if (r && r->type)
		return r->type->name.name;
	if (r) { /* run time: the declared name is the qualified one's last part */
		const char *dot = strrchr(r->qtype, '.');
		return dot ? dot + 1 : r->qtype;
	}
	switch (v->kind) {
	case KDX_V_LIST: return "a list";
	case KDX_V_MAP: return "a map";
	case KDX_V_NULL: return "null";
	case KDX_V_STRING: return "a string";
	case KDX_V_NUMBER: return "a number";
	case KDX_V_DURATION: return "a duration";
	case KDX_V_PERCENT: return "a percent";
	case KDX_V_REGION: return "a region";
	case KDX_V_BOOL: return "a bool";
	}
	return kdx_vkind_name(v->kind);
}

static int want(kdx_eval *ev, const kdx_ast_type *t, const kdx_value *v, strbuf *why)
{
	strbuf_addstr(why, "expected ");
	kdx_type_format(why, t);
	strbuf_addf(why, ", got %s", kdx_type_of_value(ev, v));
	if (v->kind == KDX_V_STRING && t->kind == KDX_AST_T_NAME) {
		const char *s = v->u.str.ptr;
		if (!strcmp(t->name, "duration") && kdx_duration_parse(s) >= 0)
			strbuf_addf(why, " (write %s without quotes)", s);
	}
	return -1;
}

static int check_region(kdx_eval *ev, kdx_value **v, strbuf *why)
{
	const char *name = kdx_value_text(*v);
	if (!name)
		return -1;
	if (ev->regions) {
		size_t i;
		for (i = 0; i < ev->nregions; i++)
			if (!strcmp(ev->regions[i], name))
				break;
		if (i == ev->nregions) {
			strbuf_addf(why, "'%s' is not a declared region", name);
			const char *s = kdx_suggest_best(name, ev->regions, ev->nregions);
			if (s)
				strbuf_addf(why, "; did you mean '%s'?", s);
			return -1;
		}
	}
	if ((*v)->kind == KDX_V_STRING)
		*v = kdx_value_region(ev->arena, name);
	return 0;
}

/* The builtin type a name stands for: one strcmp after a switch on the first letter (a
 * chain of eight strcmps ran for every argument and map element checked, issue #19). */
enum builtin { B_NONE, B_ANY, B_STRING, B_NUMBER, B_BOOL, B_DURATION, B_PERCENT, B_REGION, B_OBJECT };

static enum builtin builtin_type(const char *n)
{
	static const char *const names[] = {
		[B_ANY] = "any", [B_STRING] = "string", [B_NUMBER] = "number", [B_BOOL] = "bool",
		[B_DURATION] = "duration", [B_PERCENT] = "percent", [B_REGION] = "region",
		[B_OBJECT] = "object",
	};
	enum builtin b;
	switch (n[0]) {
	case 'a': b = B_ANY; break;
	case 's': b = B_STRING; break;
	case 'n': b = B_NUMBER; break;
	case 'b': b = B_BOOL; break;
	case 'd': b = B_DURATION; break;
	case 'p': b = B_PERCENT; break;
	case 'r': b = B_REGION; break;
	case 'o': b = B_OBJECT; break;
	default: return B_NONE;
	}
	return strcmp(n, names[b]) ? B_NONE : b;
}

/* Where a named type is looked up: in a module (compile time), or, at run time, as the
 * qualified resource type a plan action's parameter names (kdx_action_param.res_type). */
typedef struct type_scope {
	const kdx_module *module;
	bool plan;
	const char *res_type;
} type_scope;

static int check_named(kdx_eval *ev, const type_scope *scope, const kdx_ast_type *t, kdx_value **v,
		       strbuf *why)
{
	kdx_vkind k = (*v)->kind;
	if (t->kind == KDX_AST_T_NAME) {
		switch (builtin_type(t->name)) {
		case B_ANY:
			return 0;
		case B_STRING:
			return k == KDX_V_STRING || k == KDX_V_REGION ? 0 : want(ev, t, *v, why);
		case B_NUMBER:
			return k == KDX_V_NUMBER ? 0 : want(ev, t, *v, why);
		case B_BOOL:
			return k == KDX_V_BOOL ? 0 : want(ev, t, *v, why);
		case B_DURATION:
			return k == KDX_V_DURATION ? 0 : want(ev, t, *v, why);
		case B_PERCENT:
			return k == KDX_V_PERCENT ? 0 : want(ev, t, *v, why);
		case B_REGION:
			if (k != KDX_V_STRING && k != KDX_V_REGION)
				return want(ev, t, *v, why);
			return check_region(ev, v, why);
		case B_OBJECT:
			return k == KDX_V_MAP ? 0 : want(ev, t, *v, why);
		case B_NONE:
			break;
		}
	}
	const kdx_ast_decl *td = scope->plan ? NULL : kdx_resolve_type_decl(scope->module, t, NULL);
	if (scope->plan ? !scope->res_type : !td)
		return 0; /* unknown type names are reported by resolve */
	const kdx_res_ref *r = kdx_eval_resource(ev, *v);
	if (r && (scope->plan ? r->qtype && !strcmp(r->qtype, scope->res_type) : r->type == td))
		return 0;
	if (!r && !ev->res && k == KDX_V_MAP)
		return 0; /* no resource table (run time): trust the compile-time check */
	return want(ev, t, *v, why);
}

static int check(kdx_eval *ev, const type_scope *scope, const kdx_ast_type *t, kdx_value **v,
		 strbuf *why)
{
	if ((*v)->kind == KDX_V_NULL)
		return 0; /* null is "not set" for every type */
	if (t->kind == KDX_AST_T_LIST || t->kind == KDX_AST_T_MAP) {
		bool list = t->kind == KDX_AST_T_LIST;
		if ((*v)->kind != (list ? KDX_V_LIST : KDX_V_MAP))
			return want(ev, t, *v, why);
		size_t n = list ? (*v)->u.list.n : (*v)->u.map.n;
		kdx_value *copy = list ? kdx_value_list(ev->arena, n) : kdx_value_map(ev->arena, n);
		for (size_t i = 0; i < n; i++) {
			kdx_value *e = list ? (*v)->u.list.items[i] : (*v)->u.map.vals[i];
			if (check(ev, scope, t->elem, &e, why)) {
				if (list)
					strbuf_addf(why, " (element %zu)", i);
				else
					strbuf_addf(why, " (key '%s')", (*v)->u.map.keys[i]);
				return -1;
			}
			if (list) {
				copy->u.list.items[i] = e;
			} else {
				copy->u.map.keys[i] = (*v)->u.map.keys[i];
				copy->u.map.vals[i] = e;
			}
		}
		*v = copy;
		return 0;
	}
	return check_named(ev, scope, t, v, why);
}

int kdx_type_check(kdx_eval *ev, const kdx_module *scope, const kdx_ast_type *t, kdx_value **v,
		   strbuf *why)
{
	return check(ev, &(type_scope){ .module = scope }, t, v, why);
}

int kdx_type_check_plan(kdx_eval *ev, const kdx_ast_type *t, const char *res_type, kdx_value **v,
			strbuf *why)
{
	return check(ev, &(type_scope){ .plan = true, .res_type = res_type }, t, v, why);
}
