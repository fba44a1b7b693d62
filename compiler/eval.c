/* eval: expressions to values, with units; the same code runs at compile and run time. */
#include "eval.h"
#include "../common/hash.h"
#include "../common/suggest.h"
#include "../common/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DEPTH 200

int kdx_eval_error(kdx_eval *ev, kdx_span span, const char *hint, const char *fmt, ...)
{
	strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (ev->diags) {
		kdx_diag *g = kdx_diag_add(ev->diags, KDX_ERROR, "type", span, "%s", msg.buf);
		if (hint)
			kdx_diag_hint(g, "%s", hint);
	} else if (ev->err && !ev->err->len) {
		strbuf_addstr(ev->err, msg.buf);
	}
	strbuf_release(&msg);
	return -1;
}

const char *kdx_value_text(const kdx_value *v)
{
	if (v && (v->kind == KDX_V_STRING || v->kind == KDX_V_REGION))
		return v->u.str.ptr;
	return NULL;
}

bool kdx_eval_equal(const kdx_value *a, const kdx_value *b)
{
	const char *ta = kdx_value_text(a), *tb = kdx_value_text(b);
	if (ta && tb)
		return !strcmp(ta, tb);
	if (a->kind != b->kind)
		return false;
	if (a->kind == KDX_V_LIST) {
		if (a->u.list.n != b->u.list.n)
			return false;
		for (size_t i = 0; i < a->u.list.n; i++)
			if (!kdx_eval_equal(a->u.list.items[i], b->u.list.items[i]))
				return false;
		return true;
	}
	if (a->kind == KDX_V_MAP) {
		if (a->u.map.n != b->u.map.n)
			return false;
		for (size_t i = 0; i < a->u.map.n; i++) {
			kdx_value *o = kdx_value_get(b, a->u.map.keys[i]);
			if (!o || !kdx_eval_equal(a->u.map.vals[i], o))
				return false;
		}
		return true;
	}
	return kdx_value_equal(a, b);
}

void kdx_eval_to_text(strbuf *sb, const kdx_value *v)
{
	const char *t = kdx_value_text(v);
	if (t)
		strbuf_addstr(sb, t);
	else
		kdx_value_format(sb, v);
}

static const char *suggest_env(const kdx_env *env, const char *name, const char *const *more)
{
	kdx_suggest s;
	kdx_suggest_init(&s, name);
	for (const kdx_env *e = env; e; e = e->parent)
		kdx_suggest_add(&s, e->name);
	for (size_t i = 0; more && more[i]; i++)
		kdx_suggest_add(&s, more[i]);
	return kdx_suggest_result(&s);
}

static int name_error(kdx_eval *ev, kdx_span span, const char *what, const char *name,
		      const char *sugg)
{
	if (!sugg)
		return kdx_eval_error(ev, span, NULL, "unknown %s '%s'", what, name);
	char hint[256];
	snprintf(hint, sizeof(hint), "did you mean '%s'?", sugg);
	return kdx_eval_error(ev, span, hint, "unknown %s '%s'", what, name);
}

/* ---- strings ---- */

static int eval_string(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	if (e->u.str.n == 1 && !e->u.str.parts[0].expr) {
		/* plain text, most strings: no buffer to build and copy again (issue #19) */
		*out = kdx_value_stringn(ev->arena, e->u.str.parts[0].text, e->u.str.parts[0].len);
		return 0;
	}
	strbuf sb = STRBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < e->u.str.n; i++) {
		const kdx_expr_strpart *p = &e->u.str.parts[i];
		if (!p->expr) {
			strbuf_add(&sb, p->text, p->len);
			continue;
		}
		kdx_value *v;
		int r = kdx_eval_expr(ev, env, p->expr, &v);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r > 0)
			rc = 1; /* keep going: later parts may still hold errors */
		else
			kdx_eval_to_text(&sb, v);
	}
	if (rc == 0)
		*out = kdx_value_stringn(ev->arena, sb.buf, sb.len);
	strbuf_release(&sb);
	return rc;
}

/* ---- operators ---- */

static bool is_unit(kdx_vkind k)
{
	return k == KDX_V_NUMBER || k == KDX_V_DURATION || k == KDX_V_PERCENT;
}

static double num_of(const kdx_value *v)
{
	return v->kind == KDX_V_DURATION ? (double)v->u.ms : v->u.num;
}

static kdx_value *make_unit(kdx_eval *ev, kdx_vkind k, double x)
{
	if (k == KDX_V_DURATION)
		return kdx_value_duration(ev->arena, (int64_t)llround(x));
	if (k == KDX_V_PERCENT)
		return kdx_value_percent(ev->arena, x);
	return kdx_value_number(ev->arena, x);
}

static int op_error(kdx_eval *ev, const kdx_expr *e, const kdx_value *a, const kdx_value *b)
{
	const char *op = kdx_ast_op_name((kdx_ast_op)e->u.binary.op);
	const char *ta = kdx_type_of_value(ev, a), *tb = kdx_type_of_value(ev, b);
	const char *hint = NULL;
	if (is_unit(a->kind) && is_unit(b->kind))
		hint = "durations go with durations and percents with percents; scale either by a plain number";
	return kdx_eval_error(ev, e->span, hint, "cannot apply '%s' to %s and %s", op, ta, tb);
}

/* + - * / % on numbers, durations and percents; the result keeps the unit. */
static int arith(kdx_eval *ev, const kdx_expr *e, kdx_value *a, kdx_value *b, kdx_value **out)
{
	kdx_expr_op op = e->u.binary.op;
	if (!is_unit(a->kind) || !is_unit(b->kind))
		return op_error(ev, e, a, b);
	double x = num_of(a), y = num_of(b);
	kdx_vkind ka = a->kind, kb = b->kind, kr;
	switch (op) {
	case KDX_XOP_ADD:
	case KDX_XOP_SUB:
		if (ka != kb)
			return op_error(ev, e, a, b);
		*out = make_unit(ev, ka, op == KDX_XOP_ADD ? x + y : x - y);
		return 0;
	case KDX_XOP_MUL:
		if (ka != KDX_V_NUMBER && kb != KDX_V_NUMBER)
			return op_error(ev, e, a, b);
		kr = ka == KDX_V_NUMBER ? kb : ka;
		*out = make_unit(ev, kr, x * y);
		return 0;
	case KDX_XOP_DIV:
	case KDX_XOP_MOD:
		if (kb != KDX_V_NUMBER && kb != ka)
			return op_error(ev, e, a, b);
		if (y == 0)
			return kdx_eval_error(ev, e->span, NULL, "division by zero");
		kr = kb == ka ? KDX_V_NUMBER : ka;
		if (op == KDX_XOP_MOD)
			*out = make_unit(ev, ka, fmod(x, y));
		else
			*out = make_unit(ev, kr, x / y);
		return 0;
	default:
		return op_error(ev, e, a, b);
	}
}

static int compare(kdx_eval *ev, const kdx_expr *e, kdx_value *a, kdx_value *b, kdx_value **out)
{
	kdx_expr_op op = e->u.binary.op;
	if (op == KDX_XOP_EQ || op == KDX_XOP_NE) {
		bool mixed = is_unit(a->kind) && is_unit(b->kind) && a->kind != b->kind;
		if (mixed)
			return op_error(ev, e, a, b);
		bool eq = kdx_eval_equal(a, b);
		*out = kdx_value_bool(ev->arena, op == KDX_XOP_EQ ? eq : !eq);
		return 0;
	}
	int c;
	if (is_unit(a->kind) && a->kind == b->kind) {
		double x = num_of(a), y = num_of(b);
		c = x < y ? -1 : x > y;
	} else if (kdx_value_text(a) && kdx_value_text(b)) {
		c = strcmp(kdx_value_text(a), kdx_value_text(b));
	} else {
		return op_error(ev, e, a, b);
	}
	bool r = op == KDX_XOP_LT ? c < 0 : op == KDX_XOP_LE ? c <= 0
		: op == KDX_XOP_GT ? c > 0 : c >= 0;
	*out = kdx_value_bool(ev->arena, r);
	return 0;
}

static int need_bool(kdx_eval *ev, const kdx_expr *e, const kdx_value *v)
{
	if (v->kind == KDX_V_BOOL)
		return 0;
	return kdx_eval_error(ev, e->span, NULL, "expected a bool, got %s", kdx_type_of_value(ev, v));
}

static int eval_binary(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	kdx_expr_op op = e->u.binary.op;
	kdx_value *a, *b;
	int ra = kdx_eval_expr(ev, env, e->u.binary.lhs, &a);
	if (ra < 0)
		return -1;
	if (e == ev->watch && ra == 0)
		ev->seen[0] = a;
	if (op == KDX_XOP_AND || op == KDX_XOP_OR) {
		if (ra == 0) {
			if (need_bool(ev, e->u.binary.lhs, a))
				return -1;
			if (a->u.b == (op == KDX_XOP_OR)) {
				*out = a;
				return 0;
			}
		}
		int rb = kdx_eval_expr(ev, env, e->u.binary.rhs, &b);
		if (rb < 0)
			return -1;
		if (e == ev->watch && rb == 0)
			ev->seen[1] = b;
		if (rb == 0 && need_bool(ev, e->u.binary.rhs, b))
			return -1;
		if (ra || rb)
			return 1;
		*out = b;
		return 0;
	}
	int rb = kdx_eval_expr(ev, env, e->u.binary.rhs, &b);
	if (rb < 0)
		return -1;
	if (e == ev->watch && rb == 0)
		ev->seen[1] = b;
	if (ra || rb)
		return 1;
	if (a->kind == KDX_V_NULL || b->kind == KDX_V_NULL) {
		if (op == KDX_XOP_EQ || op == KDX_XOP_NE) {
			bool eq = a->kind == b->kind;
			*out = kdx_value_bool(ev->arena, op == KDX_XOP_EQ ? eq : !eq);
			return 0;
		}
		return op_error(ev, e, a, b);
	}
	if (op >= KDX_XOP_MUL && op <= KDX_XOP_SUB)
		return arith(ev, e, a, b, out);
	return compare(ev, e, a, b, out);
}

static int eval_unary(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	kdx_value *v;
	int r = kdx_eval_expr(ev, env, e->u.unary.operand, &v);
	if (r)
		return r;
	if (e->u.unary.op == KDX_XOP_NOT) {
		if (need_bool(ev, e->u.unary.operand, v))
			return -1;
		*out = kdx_value_bool(ev->arena, !v->u.b);
		return 0;
	}
	if (!is_unit(v->kind))
		return kdx_eval_error(ev, e->span, NULL, "cannot negate %s", kdx_type_of_value(ev, v));
	*out = make_unit(ev, v->kind, -num_of(v));
	return 0;
}

/* ---- collections ---- */

static int eval_list(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	kdx_value *l = kdx_value_list(ev->arena, e->u.list.n);
	int rc = 0;
	for (size_t i = 0; i < e->u.list.n; i++) {
		int r = kdx_eval_expr(ev, env, e->u.list.items[i], &l->u.list.items[i]);
		if (r < 0)
			return -1;
		rc |= r;
	}
	if (!rc)
		*out = l;
	return rc;
}

static int key_text(kdx_eval *ev, const kdx_expr *ke, kdx_value *k, const char **out)
{
	const char *t = kdx_value_text(k);
	if (t) {
		*out = t;
		return 0;
	}
	return kdx_eval_error(ev, ke->span, NULL, "a map key must be a string, got %s",
			      kdx_type_of_value(ev, k));
}

/* Set key in a map under construction (n entries so far); a repeated key is an error. */
static int map_put(kdx_eval *ev, kdx_value *m, size_t *n, const char *k, kdx_value *v, kdx_span span)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(m->u.map.keys[i], k))
			return kdx_eval_error(ev, span, NULL, "duplicate key '%s' in map", k);
	m->u.map.keys[*n] = k;
	m->u.map.vals[*n] = v;
	(*n)++;
	return 0;
}

static int eval_map(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	kdx_value *m = kdx_value_map(ev->arena, e->u.map.n);
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; i < e->u.map.n; i++) {
		const kdx_expr_entry *en = &e->u.map.entries[i];
		const char *k = NULL;
		kdx_value *kv, *v;
		if (en->name) {
			k = en->name;
		} else {
			int r = kdx_eval_expr(ev, env, en->key, &kv);
			if (r < 0)
				return -1;
			if (r > 0) {
				rc = 1;
				continue;
			}
			if (key_text(ev, en->key, kv, &k))
				return -1;
		}
		int r = kdx_eval_expr(ev, env, en->value, &v);
		if (r < 0)
			return -1;
		if (r > 0) {
			rc = 1;
			continue;
		}
		if (map_put(ev, m, &n, k, v, en->span))
			return -1;
	}
	m->u.map.n = n;
	if (!rc)
		*out = m;
	return rc;
}

static int eval_comp(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	kdx_value *coll;
	int r = kdx_eval_expr(ev, env, e->u.comp->coll, &coll);
	if (r)
		return r;
	size_t n;
	if (coll->kind == KDX_V_LIST)
		n = coll->u.list.n;
	else if (coll->kind == KDX_V_MAP)
		n = coll->u.map.n;
	else
		return kdx_eval_error(ev, e->u.comp->coll->span, NULL,
				      "'for' needs a list or a map, got %s", kdx_type_of_value(ev, coll));
	bool is_map = e->kind == KDX_E_FOR_MAP;
	kdx_value *res = is_map ? kdx_value_map(ev->arena, n) : kdx_value_list(ev->arena, n);
	size_t m = 0;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		kdx_value *k = coll->kind == KDX_V_LIST ? kdx_value_number(ev->arena, (double)i)
			: kdx_value_string(ev->arena, coll->u.map.keys[i]);
		kdx_value *v = coll->kind == KDX_V_LIST ? coll->u.list.items[i] : coll->u.map.vals[i];
		kdx_env e1 = { env, e->u.comp->var1, v }, e2;
		const kdx_env *inner = &e1;
		if (e->u.comp->var2) {
			e1.value = k;
			e2 = (kdx_env){ &e1, e->u.comp->var2, v };
			inner = &e2;
		}
		kdx_value *c, *val, *key;
		if (e->u.comp->cond) {
			r = kdx_eval_expr(ev, inner, e->u.comp->cond, &c);
			if (r < 0)
				return -1;
			if (r > 0) {
				rc = 1;
				continue;
			}
			if (need_bool(ev, e->u.comp->cond, c))
				return -1;
			if (!c->u.b)
				continue;
		}
		r = kdx_eval_expr(ev, inner, e->u.comp->value, &val);
		if (r < 0)
			return -1;
		if (is_map) {
			int rk = kdx_eval_expr(ev, inner, e->u.comp->key, &key);
			if (rk < 0)
				return -1;
			if (r || rk) {
				rc = 1;
				continue;
			}
			const char *kt;
			if (key_text(ev, e->u.comp->key, key, &kt) ||
			    map_put(ev, res, &m, kt, val, e->u.comp->key->span))
				return -1;
		} else {
			if (r) {
				rc = 1;
				continue;
			}
			res->u.list.items[m++] = val;
		}
	}
	if (is_map)
		res->u.map.n = m;
	else
		res->u.list.n = m;
	if (!rc)
		*out = res;
	return rc;
}

/* ---- names, attributes, indexes ---- */

static size_t env_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

void kdx_env_index_build(kdx_env_index *ix, kdx_arena *a, const kdx_env *root)
{
	size_t n = 0, cap = 16;
	for (const kdx_env *x = root; x; x = x->parent)
		n++;
	while (cap < 2 * n)
		cap *= 2;
	ix->root = root;
	ix->mask = cap - 1;
	ix->slots = KDX_NEWN(a, const kdx_env *, cap);
	/* innermost first: a name already in the table is shadowed further out */
	for (const kdx_env *x = root; x; x = x->parent) {
		size_t h = env_hash(x->name) & ix->mask;
		while (ix->slots[h] && strcmp(ix->slots[h]->name, x->name))
			h = (h + 1) & ix->mask;
		if (!ix->slots[h])
			ix->slots[h] = x;
	}
}

const kdx_env *kdx_env_index_find(const kdx_env_index *ix, const char *name)
{
	size_t h = env_hash(name) & ix->mask;
	for (const kdx_env *x; (x = ix->slots[h]); h = (h + 1) & ix->mask)
		if (x->name == name || !strcmp(x->name, name))
			return x;
	return NULL;
}

static int eval_name(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	for (const kdx_env *x = env; x; x = x->parent) {
		if (ev->index && x == ev->index->root) {
			x = kdx_env_index_find(ev->index, e->u.name);
			if (!x)
				break;
		}
		/* most bindings walked past differ in the first letter (the scope before its
		 * index: 2,000 resources at 1,000 lanes, a million strcmps) */
		if (x->name == e->u.name ||
		    (x->name[0] == e->u.name[0] && !strcmp(x->name, e->u.name))) {
			if (!x->value)
				return 1;
			*out = x->value;
			return 0;
		}
	}
	if (!strcmp(e->u.name, "steps"))
		return kdx_eval_error(ev, e->span, NULL,
				      "'steps' is used as steps.NAME, the result of step NAME");
	return name_error(ev, e->span, "name", e->u.name, suggest_env(env, e->u.name, NULL));
}

static const char *suggest_key(const kdx_value *m, const char *k)
{
	kdx_suggest s;
	kdx_suggest_init(&s, k);
	for (size_t i = 0; i < m->u.map.n; i++)
		kdx_suggest_add(&s, m->u.map.keys[i]);
	return kdx_suggest_result(&s);
}

static int missing_key(kdx_eval *ev, kdx_span span, const kdx_value *m, const char *k,
		       const char *what)
{
	const char *sugg = suggest_key(m, k);
	char hint[256];
	if (sugg)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", sugg);
	return kdx_eval_error(ev, span, sugg ? hint : NULL, "%s '%s' not found", what, k);
}

static int eval_getattr(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	const kdx_expr *obj = e->u.get.obj;
	if (obj->kind == KDX_E_NAME && !strcmp(obj->u.name, "steps")) {
		bool bound = false;
		for (const kdx_env *x = env; x; x = x->parent)
			bound |= !strcmp(x->name, "steps");
		if (!bound) {
			if (!ev->step_ref)
				return kdx_eval_error(ev, e->span, NULL,
						      "'steps.%s' can only be used in a step",
						      e->u.get.attr);
			return ev->step_ref(ev, e->u.get.attr, e->span, out);
		}
	}
	kdx_value *o;
	int r = kdx_eval_expr(ev, env, obj, &o);
	if (r)
		return r;
	if (o->kind != KDX_V_MAP)
		return kdx_eval_error(ev, e->u.get.attr_span, NULL, "%s has no attribute '%s'",
				      kdx_type_of_value(ev, o), e->u.get.attr);
	kdx_value *v = kdx_value_get(o, e->u.get.attr);
	if (!v)
		return missing_key(ev, e->u.get.attr_span, o, e->u.get.attr, "attribute");
	*out = v;
	return 0;
}

static int eval_index(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	kdx_value *o, *i;
	int ro = kdx_eval_expr(ev, env, e->u.index.obj, &o);
	if (ro < 0)
		return -1;
	int ri = kdx_eval_expr(ev, env, e->u.index.index, &i);
	if (ri < 0)
		return -1;
	if (ro || ri)
		return 1;
	if (o->kind == KDX_V_LIST) {
		if (i->kind != KDX_V_NUMBER)
			return kdx_eval_error(ev, e->u.index.index->span, NULL,
					      "a list index must be a number, got %s",
					      kdx_type_of_value(ev, i));
		double d = i->u.num;
		if (d < 0 || d >= (double)o->u.list.n || d != floor(d))
			return kdx_eval_error(ev, e->u.index.index->span, NULL,
					      "index %g out of range (the list has %zu elements)", d,
					      o->u.list.n);
		*out = o->u.list.items[(size_t)d];
		return 0;
	}
	if (o->kind == KDX_V_MAP) {
		const char *k = kdx_value_text(i);
		if (!k)
			return kdx_eval_error(ev, e->u.index.index->span, NULL,
					      "a map key must be a string, got %s",
					      kdx_type_of_value(ev, i));
		kdx_value *v = kdx_value_get(o, k);
		if (!v)
			return missing_key(ev, e->u.index.index->span, o, k, "key");
		*out = v;
		return 0;
	}
	return kdx_eval_error(ev, e->span, NULL, "cannot index %s", kdx_type_of_value(ev, o));
}

static int eval_cond(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	kdx_value *c;
	int r = kdx_eval_expr(ev, env, e->u.cond.cond, &c);
	if (r)
		return r;
	if (need_bool(ev, e->u.cond.cond, c))
		return -1;
	return kdx_eval_expr(ev, env, c->u.b ? e->u.cond.then : e->u.cond.otherwise, out);
}


/* The action a callee names in scope: kdx_resolve_action's rule on the IR's callee (a
 * NAME, or a GETATTR of an import's NAME), so run time resolves as compile time did. */
static const kdx_ast_decl *resolve_callee(const kdx_module *scope, const kdx_expr *callee,
					  const kdx_module **owner)
{
	if (callee->kind == KDX_E_NAME)
		return kdx_resolve_action_named(scope, NULL, callee->u.name, owner);
	if (callee->kind == KDX_E_GETATTR && callee->u.get.obj->kind == KDX_E_NAME)
		return kdx_resolve_action_named(scope, callee->u.get.obj->u.name, callee->u.get.attr,
						owner);
	return NULL;
}

static int call_planned(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, const kdx_action *x,
			kdx_value **out);

static int eval_call(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	const kdx_expr *callee = e->u.call.callee;
	int32_t at = ev->plan && e->u.call.action ? kdx_plan_action(ev->plan, e->u.call.action) : -1;
	if (at >= 0)
		return call_planned(ev, env, e, &ev->plan->actions[at], out);
	if (ev->plan && e->u.call.builtin) { /* resolved where it is written (lower_expr.c) */
		bool found;
		int r = kdx_eval_builtin(ev, env, e, e->u.call.builtin, out, &found);
		if (found)
			return r;
	}
	if (ev->plan) /* run time: the lowerer closed kdx_plan.actions under calls */
		return kdx_eval_error(ev, e->span, NULL,
				      "internal error: the plan has no action for the call of '%s' "
				      "(a plan's actions are closed under calls): please report it",
				      e->u.call.action ? e->u.call.action : "(unresolved)");
	if (callee->kind == KDX_E_NAME && !kdx_module_action(ev->module, callee->u.name)) {
		bool found;
		int r = kdx_eval_builtin(ev, env, e, callee->u.name, out, &found);
		if (found)
			return r;
	}
	const kdx_module *owner;
	const kdx_ast_decl *act = resolve_callee(ev->module, callee, &owner);
	if (!act) {
		if (callee->kind == KDX_E_GETATTR && callee->u.get.obj->kind == KDX_E_NAME) {
			const kdx_import *im = kdx_module_import(ev->module, callee->u.get.obj->u.name);
			if (im && im->mod) {
				kdx_suggest s;
				kdx_suggest_init(&s, callee->u.get.attr);
				for (size_t i = 0; i < im->mod->nactions; i++)
					kdx_suggest_add(&s, im->mod->actions[i]->name.name);
				const char *full = kdx_arena_printf(ev->arena, "%s.%s", im->alias,
								    callee->u.get.attr);
				const char *sg = kdx_suggest_result(&s);
				if (sg)
					sg = kdx_arena_printf(ev->arena, "%s.%s", im->alias, sg);
				return name_error(ev, callee->u.get.attr_span, "action", full, sg);
			}
			if (!im) {
				const char *path = kdx_stdlib_import_for(ev->arena, callee->u.get.obj->u.name);
				char hint[160];
				if (path)
					snprintf(hint, sizeof(hint), "add: import \"%s\"", path);
				return kdx_eval_error(ev, callee->u.get.obj->span, path ? hint : NULL,
						      "unknown module '%s'", callee->u.get.obj->u.name);
			}
			return 1; /* the module failed to load; already reported */
		}
		if (callee->kind == KDX_E_NAME) {
			kdx_suggest s;
			kdx_suggest_init(&s, callee->u.name);
			for (size_t i = 0; kdx_builtin_names[i]; i++)
				kdx_suggest_add(&s, kdx_builtin_names[i]);
			for (size_t i = 0; i < ev->module->nactions; i++)
				kdx_suggest_add(&s, ev->module->actions[i]->name.name);
			return name_error(ev, callee->span, "function", callee->u.name,
					  kdx_suggest_result(&s));
		}
		return kdx_eval_error(ev, callee->span, NULL, "this cannot be called");
	}
	kdx_bound_call bc;
	if (kdx_bind_call(ev, env, e, act, owner, &bc))
		return -1;
	if (!ev->call_action)
		return 1;
	kdx_bound_call *heap = KDX_NEW(ev->arena, kdx_bound_call);
	*heap = bc;
	return ev->call_action(ev, heap, out);
}

int kdx_eval_expr(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, kdx_value **out)
{
	if (!e) {
		*out = kdx_value_null(ev->arena);
		return 0;
	}
	if (ev->depth > MAX_DEPTH)
		return kdx_eval_error(ev, e->span, NULL, "expression nested too deeply");
	ev->depth++;
	int r;
	switch (e->kind) {
	case KDX_E_STRING: r = eval_string(ev, env, e, out); break;
	case KDX_E_NUMBER:
	case KDX_E_DURATION:
	case KDX_E_PERCENT:
	case KDX_E_BOOL:
	case KDX_E_NULL:
		/* a fresh scalar each time, as one built from the AST was: callers own it */
		*out = KDX_NEW(ev->arena, kdx_value);
		**out = *e->u.lit;
		r = 0;
		break;
	case KDX_E_NAME: r = eval_name(ev, env, e, out); break;
	case KDX_E_GETATTR: r = eval_getattr(ev, env, e, out); break;
	case KDX_E_INDEX: r = eval_index(ev, env, e, out); break;
	case KDX_E_CALL: r = eval_call(ev, env, e, out); break;
	case KDX_E_LIST: r = eval_list(ev, env, e, out); break;
	case KDX_E_MAP: r = eval_map(ev, env, e, out); break;
	case KDX_E_FOR_LIST:
	case KDX_E_FOR_MAP: r = eval_comp(ev, env, e, out); break;
	case KDX_E_COND: r = eval_cond(ev, env, e, out); break;
	case KDX_E_UNARY: r = eval_unary(ev, env, e, out); break;
	case KDX_E_BINARY: r = eval_binary(ev, env, e, out); break;
	default: r = kdx_eval_error(ev, e->span, NULL, "cannot evaluate this expression"); break;
	}
	ev->depth--;
	return r;
}

struct kdx_expr_memo_slot {
	const kdx_ast_expr *ast;     /* NULL: free */
	const kdx_module *mod;
	kdx_expr *x;
};

static struct kdx_expr_memo_slot *table_slot(const kdx_expr_table *t, const kdx_ast_expr *e,
					     const kdx_module *mod)
{
	size_t h = kdx_hash_ptr(e) & t->mask;
	while (t->slots[h].ast && (t->slots[h].ast != e || t->slots[h].mod != mod))
		h = (h + 1) & t->mask;
	return &t->slots[h];
}

static void table_grow(kdx_expr_table *t)
{
	kdx_expr_table old = *t;
	size_t cap = t->slots ? 2 * (t->mask + 1) : 1024;
	t->slots = xcalloc(cap, sizeof(*t->slots));
	t->mask = cap - 1;
	for (size_t i = 0; old.slots && i <= old.mask; i++)
		if (old.slots[i].ast)
			*table_slot(t, old.slots[i].ast, old.slots[i].mod) = old.slots[i];
	free(old.slots);
}

static void table_release(kdx_expr_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* e lowered in mod into a, once per (e, mod) while t lives. */
static const kdx_expr *table_lower(kdx_expr_table *t, kdx_arena *a, const kdx_module *mod,
				   const kdx_ast_expr *e)
{
	if (2 * (t->n + 1) > (t->slots ? t->mask + 1 : 0))
		table_grow(t);
	struct kdx_expr_memo_slot *sl = table_slot(t, e, mod);
	if (!sl->ast) {
		*sl = (struct kdx_expr_memo_slot){ e, mod, kdx_expr_lower(a, mod, e) };
		t->n++;
	}
	return sl->x;
}

/* The scratch (and its table) is released once it holds more than this and no evaluation
 * is under way. 4 MiB of it were part of lowering's high point at 100,000 steps; at 1 MiB
 * shared expressions are lowered again more often instead (issue #19, round 7). */
#define SCRATCH_MAX (1024 * 1024)

void kdx_expr_memo_init(kdx_expr_memo *m)
{
	memset(m, 0, sizeof(*m));
	kdx_arena_init(&m->scratch);
}

void kdx_expr_memo_release(kdx_expr_memo *m)
{
	table_release(&m->kept);
	table_release(&m->tmp);
	kdx_arena_release(&m->scratch);
	memset(m, 0, sizeof(*m));
}

const kdx_expr *kdx_eval_lower(kdx_eval *ev, const kdx_ast_expr *e)
{
	if (!ev->memo || !e)
		return kdx_expr_lower(ev->arena, ev->module, e);
	return table_lower(&ev->memo->kept, ev->arena, ev->module, e);
}

/* e lowered in the scratch: values never point into an expression (literals are copied,
 * names are the AST's), so the scratch and its table go once no evaluation is under way. */
static const kdx_expr *scratch_lower(kdx_expr_memo *m, const kdx_module *mod,
				     const kdx_ast_expr *e)
{
	if (!m->busy && m->scratch.total > SCRATCH_MAX) {
		table_release(&m->tmp);
		kdx_arena_release(&m->scratch);
		kdx_arena_init(&m->scratch);
	}
	return e ? table_lower(&m->tmp, &m->scratch, mod, e) : NULL;
}

int kdx_eval_ast(kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *e, kdx_value **out)
{
	/* A literal (a step's timeout, an action's durations and defaults: three in four of
	 * the lowerer's evaluations of a generated runbook) needs neither the lowering nor
	 * the memo: its value, as kdx_eval_expr would copy it (issue #19, round 8). */
	if (e && ev->depth <= MAX_DEPTH && (*out = kdx_expr_literal(ev->arena, e)))
		return 0;
	kdx_expr_memo *m = ev->memo;
	if (!m || ev->call_action)
		return kdx_eval_expr(ev, env, kdx_expr_lower(ev->arena, ev->module, e), out);
	const kdx_expr *x = scratch_lower(m, ev->module, e);
	m->busy++;
	int r = kdx_eval_expr(ev, env, x, out);
	m->busy--;
	return r;
}

int kdx_bind_ast(kdx_eval *ev, const kdx_env *env, const kdx_ast_expr *call,
		 const kdx_ast_decl *act, const kdx_module *owner, kdx_bound_call *out)
{
	kdx_expr_memo *m = ev->memo;
	if (!m || ev->call_action)
		return kdx_bind_call(ev, env, kdx_eval_lower(ev, call), act, owner, out);
	const kdx_expr *x = scratch_lower(m, ev->module, call);
	m->busy++;
	int rc = kdx_bind_call(ev, env, x, act, owner, out);
	m->busy--;
	bool later = false;
	for (size_t i = 0; i < out->nargs; i++) {
		later |= !out->args[i] && out->arg_exprs[i];
		out->arg_exprs[i] = NULL; /* in the scratch */
	}
	if (!later)
		return rc;
	/* an argument known only at run time: bind again from an expression that stays (its
	 * errors, if any, were reported the first time) */
	kdx_diags *saved = ev->diags;
	ev->diags = NULL;
	int again = kdx_bind_call(ev, env, kdx_eval_lower(ev, call), act, owner, out);
	ev->diags = saved;
	return rc ? rc : again;
}

/* ---- binding a call's arguments to an action's parameters ---- */

/* The parameters a call is bound against: the action's declaration (compile time), or the
 * plan's action (run time, kdx_eval.plan) -- the same names, defaults and types, so the
 * same messages. */
typedef struct params {
	const kdx_ast_decl *decl;     /* or */
	const kdx_action *act;
	const kdx_module *owner;      /* where their types are declared */
} params;

static size_t p_count(const params *P)
{
	return P->decl ? P->decl->nparams : P->act->nparams;
}

static const char *p_name(const params *P, size_t i)
{
	return P->decl ? P->decl->params[i].name.name : P->act->params[i].name;
}

/* Does v fit parameter i's declared type (untyped: anything)? In the declaring module at
 * compile time; at run time by the plan's kdx_type, made once with the plan (no module
 * read, no type text parsed). */
static int p_check(kdx_eval *ev, const params *P, size_t i, kdx_value **v, strbuf *why)
{
	if (P->decl)
		return P->decl->params[i].type
			? kdx_type_check(ev, P->owner, P->decl->params[i].type, v, why) : 0;
	return P->act->params[i].rtype ? kdx_type_check_plan(ev, P->act->params[i].rtype, v, why)
				       : 0;
}

static bool p_has_default(const params *P, size_t i)
{
	return P->decl ? P->decl->params[i].def != NULL : P->act->params[i].def != NULL;
}

/* Parameter i's default: a constant of the action's module, evaluated without the caller's
 * scope. */
static int p_default(kdx_eval *ev, const params *P, size_t i, kdx_value **out, kdx_span *span)
{
	if (!P->decl) {
		*span = P->act->params[i].def->span;
		return kdx_eval_expr(ev, NULL, P->act->params[i].def, out);
	}
	const kdx_module *saved = ev->module;
	ev->module = P->owner;
	*span = P->decl->params[i].def->span;
	int r = kdx_eval_ast(ev, NULL, P->decl->params[i].def, out);
	ev->module = saved;
	return r;
}

static int param_index(const params *P, const char *name)
{
	for (size_t i = 0; i < p_count(P); i++)
		if (!strcmp(p_name(P, i), name))
			return (int)i;
	return -1;
}

static int bind_one(kdx_eval *ev, const kdx_env *env, const params *P, kdx_bound_call *out,
		    size_t pi, const kdx_expr *x)
{
	kdx_value *v;
	int r = kdx_eval_expr(ev, env, x, &v);
	if (r < 0)
		return -1;
	out->arg_exprs[pi] = x;
	if (r > 0)
		return 0;
	strbuf why = STRBUF_INIT;
	int rc = 0;
	if (p_check(ev, P, pi, &v, &why)) {
		kdx_eval_error(ev, x->span, NULL, "argument '%s' of '%s': %s", p_name(P, pi),
			       out->action, why.buf);
		rc = -1;
	}
	strbuf_release(&why);
	out->args[pi] = v;
	return rc;
}

static int bind_params(kdx_eval *ev, const kdx_env *env, const kdx_expr *call, const params *P,
		       kdx_bound_call *out)
{
	size_t np = p_count(P);
	out->nargs = np;
	kdx_arena *work = ev->scratch ? ev->scratch : ev->arena;
	out->params = KDX_NEWN(work, const char *, np + 1);
	out->args = KDX_NEWN(ev->arena, kdx_value *, np + 1);
	out->arg_exprs = KDX_NEWN(work, const kdx_expr *, np + 1);
	out->span = call->span;
	bool *given = KDX_NEWN(work, bool, np + 1);
	for (size_t i = 0; i < np; i++)
		out->params[i] = p_name(P, i);
	int rc = 0;
	size_t pos = 0;
	for (size_t i = 0; i < call->u.call.nargs; i++) {
		const kdx_expr_arg *a = &call->u.call.args[i];
		int pi;
		if (!a->name) {
			if (pos >= np) {
				rc = kdx_eval_error(ev, a->span, NULL,
						    "too many arguments: '%s' takes %zu", out->action,
						    np);
				continue;
			}
			pi = (int)pos++;
		} else {
			pi = param_index(P, a->name);
			if (pi < 0) {
				const char *s = kdx_suggest_best(a->name, out->params, np);
				char hint[256];
				if (s)
					snprintf(hint, sizeof(hint), "did you mean '%s'?", s);
				rc = kdx_eval_error(ev, a->name_span, s ? hint : NULL,
						    "'%s' has no parameter '%s'", out->action,
						    a->name);
				continue;
			}
		}
		if (given[pi]) {
			rc = kdx_eval_error(ev, a->span, NULL, "parameter '%s' of '%s' given twice",
					    p_name(P, pi), out->action);
			continue;
		}
		given[pi] = true;
		if (bind_one(ev, env, P, out, (size_t)pi, a->value))
			rc = -1;
	}
	for (size_t i = 0; i < np; i++) {
		if (given[i])
			continue;
		if (!p_has_default(P, i)) {
			rc = kdx_eval_error(ev, call->span, NULL,
					    "missing argument '%s' of '%s'", p_name(P, i), out->action);
			continue;
		}
		kdx_span span;
		int r = p_default(ev, P, i, &out->args[i], &span);
		if (r < 0)
			rc = -1;
		else if (r > 0)
			out->args[i] = NULL;
		else if (out->args[i]->kind != KDX_V_NULL) {
			strbuf why = STRBUF_INIT;
			if (p_check(ev, P, i, &out->args[i], &why))
				rc = kdx_eval_error(ev, span, NULL, "default of '%s': %s",
						    p_name(P, i), why.buf);
			strbuf_release(&why);
		}
	}
	return rc;
}

int kdx_bind_call(kdx_eval *ev, const kdx_env *env, const kdx_expr *call,
		  const kdx_ast_decl *act, const kdx_module *owner, kdx_bound_call *out)
{
	memset(out, 0, sizeof(*out));
	out->action = kdx_qualified(ev->arena, owner, act->name.name);
	out->decl = act;
	out->module = owner;
	return bind_params(ev, env, call, &(params){ .decl = act, .owner = owner }, out);
}

/* A call of the plan's action x (run time): bound against x's parameters, then handed to
 * ev->call_action as a kdx_bound_call without a declaration. */
static int call_planned(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, const kdx_action *x,
			kdx_value **out)
{
	kdx_bound_call *bc = KDX_NEW(ev->arena, kdx_bound_call);
	memset(bc, 0, sizeof(*bc));
	bc->action = x->name;
	if (bind_params(ev, env, e, &(params){ .act = x }, bc))
		return -1;
	if (!ev->call_action)
		return 1;
	return ev->call_action(ev, bc, out);
}
