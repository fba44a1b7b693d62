/* types: does a value fit a declared type -- units, regions, collections, resource types. */
#include "eval.h"
#include "../common/hash.h"
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
		size_t h = kdx_hash_ptr(res[i].value) & ix->mask;
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
		for (size_t h = kdx_hash_ptr(v) & ix->mask; ix->slots[h]; h = (h + 1) & ix->mask)
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

/* The builtin type a name stands for: one strcmp after a switch on the first letter (a
 * chain of eight strcmps ran for every argument and map element checked, issue #19).
 * KDX_TYPE_OTHER: none. */
static kdx_type_kind builtin_type(const char *n)
{
	static const char *const names[] = {
		[KDX_TYPE_ANY] = "any", [KDX_TYPE_STRING] = "string", [KDX_TYPE_NUMBER] = "number",
		[KDX_TYPE_BOOL] = "bool", [KDX_TYPE_DURATION] = "duration",
		[KDX_TYPE_PERCENT] = "percent", [KDX_TYPE_REGION] = "region",
		[KDX_TYPE_OBJECT] = "object",
	};
	kdx_type_kind b;
	switch (n[0]) {
	case 'a': b = KDX_TYPE_ANY; break;
	case 's': b = KDX_TYPE_STRING; break;
	case 'n': b = KDX_TYPE_NUMBER; break;
	case 'b': b = KDX_TYPE_BOOL; break;
	case 'd': b = KDX_TYPE_DURATION; break;
	case 'p': b = KDX_TYPE_PERCENT; break;
	case 'r': b = KDX_TYPE_REGION; break;
	case 'o': b = KDX_TYPE_OBJECT; break;
	default: return KDX_TYPE_OTHER;
	}
	return strcmp(n, names[b]) ? KDX_TYPE_OTHER : b;
}

/* The inverse of kdx_type_format, as the AST type's text read: "list(T)" and "map(T)"
 * around a type, else a name ("mod.name" is never a built-in). */
const kdx_type *kdx_type_make(kdx_arena *a, const char *text, const char *res)
{
	if (!text)
		return NULL;
	kdx_type *t = KDX_NEW(a, kdx_type);
	t->text = text;
	size_t n = strlen(text);
	bool list = !strncmp(text, "list(", 5), map = !strncmp(text, "map(", 4);
	if ((list || map) && n > 5 && text[n - 1] == ')') {
		size_t open = list ? 5 : 4;
		t->kind = list ? KDX_TYPE_LIST : KDX_TYPE_MAP;
		t->elem = kdx_type_make(a, kdx_arena_strndup(a, text + open, n - open - 1), res);
		return t;
	}
	t->kind = strchr(text, '.') ? KDX_TYPE_OTHER : builtin_type(text);
	t->res = t->kind == KDX_TYPE_OTHER ? res : NULL;
	return t;
}

/* A type as the check reads it: a declaration's AST type in its module (compile time), or
 * a plan parameter's kdx_type (run time) -- one walk for both, so both give the same
 * answers and the same messages. */
typedef struct tref {
	const kdx_ast_type *ast;     /* or */
	const kdx_type *rt;
	const kdx_module *module;    /* ast: where its names are declared */
} tref;

static kdx_type_kind tkind(const tref *t)
{
	if (t->rt)
		return t->rt->kind;
	switch (t->ast->kind) {
	case KDX_AST_T_LIST: return KDX_TYPE_LIST;
	case KDX_AST_T_MAP: return KDX_TYPE_MAP;
	case KDX_AST_T_NAME: return builtin_type(t->ast->name);
	case KDX_AST_T_QUALIFIED: break;
	}
	return KDX_TYPE_OTHER;
}

static tref telem(const tref *t)
{
	return t->rt ? (tref){ .rt = t->rt->elem } : (tref){ .ast = t->ast->elem, .module = t->module };
}

static int want(kdx_eval *ev, const tref *t, const kdx_value *v, strbuf *why)
{
	strbuf_addstr(why, "expected ");
	if (t->rt)
		strbuf_addstr(why, t->rt->text);
	else
		kdx_type_format(why, t->ast);
	strbuf_addf(why, ", got %s", kdx_type_of_value(ev, v));
	if (v->kind == KDX_V_STRING && tkind(t) == KDX_TYPE_DURATION &&
	    kdx_duration_parse(v->u.str.ptr) >= 0)
		strbuf_addf(why, " (write %s without quotes)", v->u.str.ptr);
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

static int check_named(kdx_eval *ev, const tref *t, kdx_value **v, strbuf *why)
{
	kdx_vkind k = (*v)->kind;
	switch (tkind(t)) {
	case KDX_TYPE_ANY:
		return 0;
	case KDX_TYPE_STRING:
		return k == KDX_V_STRING || k == KDX_V_REGION ? 0 : want(ev, t, *v, why);
	case KDX_TYPE_NUMBER:
		return k == KDX_V_NUMBER ? 0 : want(ev, t, *v, why);
	case KDX_TYPE_BOOL:
		return k == KDX_V_BOOL ? 0 : want(ev, t, *v, why);
	case KDX_TYPE_DURATION:
		return k == KDX_V_DURATION ? 0 : want(ev, t, *v, why);
	case KDX_TYPE_PERCENT:
		return k == KDX_V_PERCENT ? 0 : want(ev, t, *v, why);
	case KDX_TYPE_REGION:
		if (k != KDX_V_STRING && k != KDX_V_REGION)
			return want(ev, t, *v, why);
		return check_region(ev, v, why);
	case KDX_TYPE_OBJECT:
		return k == KDX_V_MAP ? 0 : want(ev, t, *v, why);
	case KDX_TYPE_OTHER:
	case KDX_TYPE_LIST:
	case KDX_TYPE_MAP:
		break;
	}
	/* a resource type: its declaration in the module (compile time), or its qualified
	 * name (run time, kdx_type.res) */
	const kdx_ast_decl *td = t->rt ? NULL : kdx_resolve_type_decl(t->module, t->ast, NULL);
	if (t->rt ? !t->rt->res : !td)
		return 0; /* unknown type names are reported by resolve */
	const kdx_res_ref *r = kdx_eval_resource(ev, *v);
	if (r && (t->rt ? r->qtype && !strcmp(r->qtype, t->rt->res) : r->type == td))
		return 0;
	if (!r && !ev->res && k == KDX_V_MAP)
		return 0; /* no resource table (run time): trust the compile-time check */
	return want(ev, t, *v, why);
}

static int check(kdx_eval *ev, const tref *t, kdx_value **v, strbuf *why)
{
	if ((*v)->kind == KDX_V_NULL)
		return 0; /* null is "not set" for every type */
	kdx_type_kind tk = tkind(t);
	if (tk == KDX_TYPE_LIST || tk == KDX_TYPE_MAP) {
		bool list = tk == KDX_TYPE_LIST;
		if ((*v)->kind != (list ? KDX_V_LIST : KDX_V_MAP))
			return want(ev, t, *v, why);
		tref elem = telem(t);
		size_t n = list ? (*v)->u.list.n : (*v)->u.map.n;
		kdx_value *copy = list ? kdx_value_list(ev->arena, n) : kdx_value_map(ev->arena, n);
		for (size_t i = 0; i < n; i++) {
			kdx_value *e = list ? (*v)->u.list.items[i] : (*v)->u.map.vals[i];
			if (check(ev, &elem, &e, why)) {
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
	return check_named(ev, t, v, why);
}

int kdx_type_check(kdx_eval *ev, const kdx_module *scope, const kdx_ast_type *t, kdx_value **v,
		   strbuf *why)
{
	return check(ev, &(tref){ .ast = t, .module = scope }, v, why);
}

int kdx_type_check_plan(kdx_eval *ev, const kdx_type *t, kdx_value **v, strbuf *why)
{
	return check(ev, &(tref){ .rt = t }, v, why);
}
