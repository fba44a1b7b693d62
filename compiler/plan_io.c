/* plan_io: the plan IR written and read with json-c (see plan_io.h). The writer and the
 * reader of each part sit next to each other so that a field added to one is seen missing
 * in the other. */
#include "plan_io.h"

#include "../common/hash.h"
#include "../common/json.h"
#include "../common/xalloc.h"
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const effect_names[] = {
	[KDX_EFF_SET_WEIGHTS] = "set_weights", [KDX_EFF_SET_CAPACITY] = "set_capacity",
	[KDX_EFF_PROMOTE] = "promote",         [KDX_EFF_FENCE] = "fence",
	[KDX_EFF_UNFENCE] = "unfence",         [KDX_EFF_LAG_GATE] = "lag_gate",
	[KDX_EFF_HEALTH_GATE] = "health_gate", [KDX_EFF_SET_HEALTH] = "set_health",
	[KDX_EFF_SET_ALARM] = "set_alarm",     [KDX_EFF_WRITE] = "write",
	[KDX_EFF_READ] = "read",
};
static const char *const on_failure_names[] = {
	[KDX_ON_FAILURE_ROLLBACK] = "rollback", [KDX_ON_FAILURE_CONTINUE] = "continue",
	[KDX_ON_FAILURE_PAUSE] = "pause",
};
static const char *const class_names[] = {
	[KDX_RES_OPAQUE] = "opaque", [KDX_RES_TRAFFIC] = "traffic", [KDX_RES_DATABASE] = "database",
	[KDX_RES_CACHE] = "cache",   [KDX_RES_FLEET] = "fleet",     [KDX_RES_ALARM] = "alarm",
};
static const char *const edge_names[] = { [KDX_EDGE_AFTER] = "after", [KDX_EDGE_DATA] = "data" };

static const char *const fault_names[] = {
	[KDX_FAULT_FAIL_REGION] = "fail_region",     [KDX_FAULT_FAIL_STEP] = "fail_step",
	[KDX_FAULT_TIMEOUT_STEP] = "timeout_step",   [KDX_FAULT_THROTTLE] = "throttle",
	[KDX_FAULT_LAG] = "lag",                     [KDX_FAULT_ALARM] = "alarm",
	[KDX_FAULT_DENY_APPROVAL] = "deny_approval",
};
static const char *const expect_names[] = {
	[KDX_EXPECT_RTO] = "rto", [KDX_EXPECT_RPO] = "rpo", [KDX_EXPECT_STEP] = "step",
};
static const char *const state_names[] = {
	[KDX_SS_PENDING] = "pending",         [KDX_SS_DONE] = "done",
	[KDX_SS_FAILED] = "failed",           [KDX_SS_SKIPPED] = "skipped",
	[KDX_SS_ROLLED_BACK] = "rolled_back", [KDX_SS_NOT_UNDONE] = "not_undone",
};

static const char *const stmt_names[] = {
	[KDX_S_CALL_AWS] = "call_aws", [KDX_S_CALL_TERRAFORM] = "call_terraform",
	[KDX_S_LET] = "let",           [KDX_S_DO] = "do",
	[KDX_S_WAIT] = "wait",         [KDX_S_WAIT_UNTIL] = "wait_until",
	[KDX_S_RETURN] = "return",
};

#define NNAMES(t) (sizeof(t) / sizeof((t)[0]))

/* ---- scalars ---- */

/* Doubles as %.17g text, which strtod reads back to the same bits. */
static json_object *jdouble(double d)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%.17g", d);
	return json_object_new_double_s(d, buf);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *jspan(kdx_span s)
{
	json_object *a = json_object_new_array_ext(3);
	json_object_array_add(a, json_object_new_int64(s.file));
	json_object_array_add(a, json_object_new_int64(s.start));
	json_object_array_add(a, json_object_new_int64(s.end));
	return a;
}

/* Members beyond common/json's setters: a double as exact text, a span. */
static void put_num(json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, jdouble(v));
}

static void put_span(json_object *o, const char *k, kdx_span v)
{
	json_object_object_add(o, k, jspan(v));
}

typedef struct reader {
	kdx_arena *a;
	strbuf *err;
	strbuf path;   /* where in the document, for messages */
	int failed;
	const kdx_plan *plan; /* set once its resources are read: {"resource": i} resolves */
} reader;

static int bad(reader *r, const char *what)
{
	if (!r->failed++)
		strbuf_addf(r->err, "%s%s%s", r->path.buf ? r->path.buf : "",
			    r->path.len ? ": " : "", what);
	return -1;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *rstr(reader *r, json_object *o, const char *key)
{
	json_object *v = get(o, key);
	if (!v)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		bad(r, "a string is expected");
		return NULL;
	}
	return kdx_arena_strdup(r->a, json_object_get_string(v));
}

static int64_t rint64(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v ? json_object_get_int64(v) : 0;
}

static double rdouble(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v ? json_object_get_double(v) : 0;
}

static bool rbool(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_get_boolean(v);
}

static kdx_span rspan(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	kdx_span s = { 0 };
	if (v && json_object_is_type(v, json_type_array) && json_object_array_length(v) == 3) {
		s.file = (uint32_t)json_object_get_int64(json_object_array_get_idx(v, 0));
		s.start = (uint32_t)json_object_get_int64(json_object_array_get_idx(v, 1));
		s.end = (uint32_t)json_object_get_int64(json_object_array_get_idx(v, 2));
	}
	return s;
}

static int renum(reader *r, json_object *o, const char *key, const char *const *names,
		 size_t n, int def)
{
	json_object *v = get(o, key);
	if (!v)
		return def;
	const char *s = json_object_get_string(v);
	for (size_t i = 0; i < n; i++)
		if (names[i] && s && !strcmp(names[i], s))
			return (int)i;
	strbuf msg = STRBUF_INIT;
	strbuf_addf(&msg, "%s '%s' is unknown", key, s ? s : "");
	bad(r, msg.buf);
	strbuf_release(&msg);
	return def;
}

/* Arrays: how many, allocated in the arena; NULL when absent or empty. */
static json_object *rarray(reader *r, json_object *o, const char *key, size_t *n)
{
	json_object *v = get(o, key);
	*n = 0;
	if (!v)
		return NULL;
	if (!json_object_is_type(v, json_type_array)) {
		bad(r, "an array is expected");
		return NULL;
	}
	*n = json_object_array_length(v);
	return v;
}

/* ---- values: tagged, so each keeps its kind ---- */

/* The resources of the plan being written, by the address of their value: a step's call
 * argument that IS a resource instance (the same value, not an equal one) is written as
 * {"resource": INDEX} and read back as that resource's value, so a plan read back keeps
 * which arguments are resources -- what the evaluator's resource type check goes by
 * (compiler/eval.h, kdx_eval_resource). */
typedef struct res_refs {
	const kdx_plan *p;
	uint32_t *slots;             /* index + 1, 0 = empty; open addressing */
	size_t mask;
} res_refs;

static void refs_build(res_refs *t, const kdx_plan *p)
{
	size_t cap = 16;
	while (cap < 2 * p->nresources)
		cap *= 2;
	t->p = p;
	t->mask = cap - 1;
	t->slots = xcalloc(cap, sizeof(*t->slots));
	for (size_t i = 0; i < p->nresources; i++) {
		size_t h = kdx_hash_ptr(p->resources[i].attrs) & t->mask;
		while (t->slots[h] && p->resources[t->slots[h] - 1].attrs != p->resources[i].attrs)
			h = (h + 1) & t->mask;
		if (!t->slots[h])
			t->slots[h] = (uint32_t)i + 1;
	}
}

static int64_t refs_find(const res_refs *t, const kdx_value *v)
{
	for (size_t h = kdx_hash_ptr(v) & t->mask; t->slots[h]; h = (h + 1) & t->mask)
		if (t->p->resources[t->slots[h] - 1].attrs == v)
			return (int64_t)t->slots[h] - 1;
	return -1;
}

/* refs NULL: every value in full (resources' own attributes, literals) */
static json_object *value_write(const kdx_value *v, const res_refs *refs)
{
	if (!v)
		return NULL;
	json_object *o;
	int64_t ri = refs && v->kind == KDX_V_MAP ? refs_find(refs, v) : -1;
	if (ri >= 0) {
		o = json_object_new_object();
		kdx_json_set_int(o, "resource", ri);
		return o;
	}
	switch (v->kind) {
	case KDX_V_NULL:
		return NULL;
	case KDX_V_BOOL:
		return json_object_new_boolean(v->u.b);
	case KDX_V_NUMBER:
		return jdouble(v->u.num);
	case KDX_V_STRING:
		return json_object_new_string_len(v->u.str.ptr, (int)v->u.str.len);
	case KDX_V_DURATION:
		o = json_object_new_object();
		kdx_json_set_int(o, "ms", v->u.ms);
		return o;
	case KDX_V_PERCENT:
		o = json_object_new_object();
		put_num(o, "pct", v->u.num);
		return o;
	case KDX_V_REGION:
		o = json_object_new_object();
		json_object_object_add(o, "region", json_object_new_string(v->u.str.ptr));
		return o;
	case KDX_V_LIST: {
		json_object *a = json_object_new_array_ext((int)v->u.list.n);
		for (size_t i = 0; i < v->u.list.n; i++)
			json_object_array_add(a, value_write(v->u.list.items[i], refs));
		o = json_object_new_object();
		json_object_object_add(o, "list", a);
		return o;
	}
	case KDX_V_MAP: {
		json_object *a = json_object_new_array_ext((int)v->u.map.n);
		for (size_t i = 0; i < v->u.map.n; i++) {
			json_object *kv = json_object_new_array_ext(2);
			json_object_array_add(kv, json_object_new_string(v->u.map.keys[i]));
			json_object_array_add(kv, value_write(v->u.map.vals[i], refs));
			json_object_array_add(a, kv);
		}
		o = json_object_new_object();
		json_object_object_add(o, "map", a);
		return o;
	}
	}
	return NULL;
}

static kdx_value *value_read(reader *r, json_object *o)
{
	json_object *x;
	switch (json_object_get_type(o)) {
	case json_type_null:
		return kdx_value_null(r->a);
	case json_type_boolean:
		return kdx_value_bool(r->a, json_object_get_boolean(o));
	case json_type_double:
	case json_type_int:
		return kdx_value_number(r->a, json_object_get_double(o));
	case json_type_string:
		return kdx_value_stringn(r->a, json_object_get_string(o),
					 (size_t)json_object_get_string_len(o));
	case json_type_object:
		if ((x = get(o, "resource"))) {
			int64_t k = json_object_get_int64(x);
			if (r->plan && json_object_is_type(x, json_type_int) && k >= 0 &&
			    (size_t)k < r->plan->nresources && r->plan->resources[k].attrs)
				return r->plan->resources[k].attrs;
			bad(r, "a resource reference names no resource of the plan");
			return kdx_value_null(r->a);
		}
		if ((x = get(o, "ms")))
			return kdx_value_duration(r->a, json_object_get_int64(x));
		if ((x = get(o, "pct")))
			return kdx_value_percent(r->a, json_object_get_double(x));
		if ((x = get(o, "region")))
			return kdx_value_region(r->a, json_object_get_string(x));
		if ((x = get(o, "list")) && json_object_is_type(x, json_type_array)) {
			size_t n = json_object_array_length(x);
			kdx_value *l = kdx_value_list(r->a, n);
			for (size_t i = 0; i < n; i++)
				l->u.list.items[i] = value_read(r, json_object_array_get_idx(x, i));
			return l;
		}
		if ((x = get(o, "map")) && json_object_is_type(x, json_type_array)) {
			size_t n = json_object_array_length(x);
			kdx_value *m = kdx_value_map(r->a, n);
			for (size_t i = 0; i < n; i++) {
				json_object *kv = json_object_array_get_idx(x, i);
				if (!json_object_is_type(kv, json_type_array) ||
				    json_object_array_length(kv) != 2) {
					bad(r, "a map entry is not [key, value]");
					return kdx_value_null(r->a);
				}
				m->u.map.keys[i] = kdx_arena_strdup(
					r->a, json_object_get_string(json_object_array_get_idx(kv, 0)));
				m->u.map.vals[i] = value_read(r, json_object_array_get_idx(kv, 1));
			}
			return m;
		}
		break;
	default:
		break;
	}
	bad(r, "a value of unknown form");
	return kdx_value_null(r->a);
}

/* ---- expressions (plan.h's kdx_expr): {"e": kind, "span": [...], members of the kind} ---- */

static const char *const expr_names[] = {
	[KDX_E_STRING] = "string",     [KDX_E_NUMBER] = "number",     [KDX_E_DURATION] = "duration",
	[KDX_E_PERCENT] = "percent",   [KDX_E_BOOL] = "bool",         [KDX_E_NULL] = "null",
	[KDX_E_NAME] = "name",         [KDX_E_GETATTR] = "getattr",   [KDX_E_INDEX] = "index",
	[KDX_E_CALL] = "call",         [KDX_E_LIST] = "list",         [KDX_E_MAP] = "map",
	[KDX_E_FOR_LIST] = "for_list", [KDX_E_FOR_MAP] = "for_map",   [KDX_E_COND] = "cond",
	[KDX_E_UNARY] = "unary",       [KDX_E_BINARY] = "binary",
};
static const char *const op_names[] = {
	[KDX_XOP_NOT] = "not", [KDX_XOP_NEG] = "neg", [KDX_XOP_MUL] = "mul", [KDX_XOP_DIV] = "div",
	[KDX_XOP_MOD] = "mod", [KDX_XOP_ADD] = "add", [KDX_XOP_SUB] = "sub", [KDX_XOP_LT] = "lt",
	[KDX_XOP_LE] = "le",   [KDX_XOP_GT] = "gt",   [KDX_XOP_GE] = "ge",   [KDX_XOP_EQ] = "eq",
	[KDX_XOP_NE] = "ne",   [KDX_XOP_AND] = "and", [KDX_XOP_OR] = "or",
};
/* What each literal kind's value must be. */
static const kdx_vkind literal_kinds[] = {
	[KDX_E_NUMBER] = KDX_V_NUMBER, [KDX_E_DURATION] = KDX_V_DURATION,
	[KDX_E_PERCENT] = KDX_V_PERCENT, [KDX_E_BOOL] = KDX_V_BOOL, [KDX_E_NULL] = KDX_V_NULL,
};

static json_object *expr_write(const kdx_expr *e);

static void put_expr(json_object *o, const char *k, const kdx_expr *e)
{
	if (e)
		json_object_object_add(o, k, expr_write(e));
}

static json_object *expr_write(const kdx_expr *e)
{
	json_object *o = json_object_new_object(), *a;
	kdx_json_set_str_or_null(o, "e", expr_names[e->kind]);
	put_span(o, "span", e->span);
	switch (e->kind) {
	case KDX_E_STRING:
		a = json_object_new_array_ext((int)e->u.str.n);
		for (size_t i = 0; i < e->u.str.n; i++) {
			const kdx_expr_strpart *p = &e->u.str.parts[i];
			json_object *x = json_object_new_object();
			if (p->expr)
				put_expr(x, "expr", p->expr);
			else
				json_object_object_add(x, "text", json_object_new_string_len(
									  p->text, (int)p->len));
			put_span(x, "span", p->span);
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "parts", a);
		break;
	case KDX_E_NUMBER:
	case KDX_E_DURATION:
	case KDX_E_PERCENT:
	case KDX_E_BOOL:
	case KDX_E_NULL:
		json_object_object_add(o, "value", value_write(e->u.lit, NULL));
		break;
	case KDX_E_NAME:
		kdx_json_set_str_or_null(o, "name", e->u.name);
		break;
	case KDX_E_GETATTR:
		put_expr(o, "obj", e->u.get.obj);
		kdx_json_set_str_or_null(o, "attr", e->u.get.attr);
		put_span(o, "attr_span", e->u.get.attr_span);
		break;
	case KDX_E_INDEX:
		put_expr(o, "obj", e->u.index.obj);
		put_expr(o, "index", e->u.index.index);
		break;
	case KDX_E_CALL:
		put_expr(o, "callee", e->u.call.callee);
		kdx_json_set_str_or_null(o, "action", e->u.call.action);
		kdx_json_set_str_or_null(o, "builtin", e->u.call.builtin);
		a = json_object_new_array_ext((int)e->u.call.nargs);
		for (size_t i = 0; i < e->u.call.nargs; i++) {
			const kdx_expr_arg *g = &e->u.call.args[i];
			json_object *x = json_object_new_object();
			if (g->name) {
				kdx_json_set_str_or_null(x, "name", g->name);
				put_span(x, "name_span", g->name_span);
			}
			put_expr(x, "value", g->value);
			put_span(x, "span", g->span);
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "args", a);
		break;
	case KDX_E_LIST:
		a = json_object_new_array_ext((int)e->u.list.n);
		for (size_t i = 0; i < e->u.list.n; i++)
			json_object_array_add(a, expr_write(e->u.list.items[i]));
		json_object_object_add(o, "items", a);
		break;
	case KDX_E_MAP:
		a = json_object_new_array_ext((int)e->u.map.n);
		for (size_t i = 0; i < e->u.map.n; i++) {
			const kdx_expr_entry *en = &e->u.map.entries[i];
			json_object *x = json_object_new_object();
			kdx_json_set_str_or_null(x, "name", en->name);
			put_expr(x, "key", en->key);
			put_expr(x, "value", en->value);
			put_span(x, "span", en->span);
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "entries", a);
		break;
	case KDX_E_FOR_LIST:
	case KDX_E_FOR_MAP:
		kdx_json_set_str_or_null(o, "var1", e->u.comp->var1);
		kdx_json_set_str_or_null(o, "var2", e->u.comp->var2);
		put_expr(o, "coll", e->u.comp->coll);
		put_expr(o, "key", e->u.comp->key);
		put_expr(o, "value", e->u.comp->value);
		put_expr(o, "cond", e->u.comp->cond);
		break;
	case KDX_E_COND:
		put_expr(o, "cond", e->u.cond.cond);
		put_expr(o, "then", e->u.cond.then);
		put_expr(o, "otherwise", e->u.cond.otherwise);
		break;
	case KDX_E_UNARY:
		kdx_json_set_str_or_null(o, "op", op_names[e->u.unary.op]);
		put_expr(o, "operand", e->u.unary.operand);
		break;
	case KDX_E_BINARY:
		kdx_json_set_str_or_null(o, "op", op_names[e->u.binary.op]);
		put_expr(o, "lhs", e->u.binary.lhs);
		put_expr(o, "rhs", e->u.binary.rhs);
		break;
	}
	return o;
}

static kdx_expr *expr_read(reader *r, json_object *o);

/* A member holding an expression: NULL when absent, and then an error unless optional. */
static kdx_expr *rexpr(reader *r, json_object *o, const char *key, bool optional)
{
	json_object *v = get(o, key);
	if (!v) {
		if (!optional) {
			strbuf msg = STRBUF_INIT;
			json_object *kind = get(o, "e"), *stmt = get(o, "s");
			if (kind || stmt)
				strbuf_addf(&msg, "a '%s' %s has no '%s'",
					    json_object_get_string(kind ? kind : stmt),
					    kind ? "expression" : "statement", key);
			else
				strbuf_addf(&msg, "'%s' is missing", key);
			bad(r, msg.buf);
			strbuf_release(&msg);
		}
		return NULL;
	}
	return expr_read(r, v);
}

/* A name member that must be there (a NAME's name, an attribute, a comprehension's
 * variable). */
static const char *rname(reader *r, json_object *o, const char *key)
{
	const char *s = rstr(r, o, key);
	if (!s) {
		strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "an expression has no '%s'", key);
		bad(r, msg.buf);
		strbuf_release(&msg);
	}
	return s;
}

static kdx_expr_op rop(reader *r, json_object *o, bool unary)
{
	kdx_expr_op op = (kdx_expr_op)renum(r, o, "op", op_names, NNAMES(op_names), -1);
	if ((int)op < 0 || unary != (op == KDX_XOP_NOT || op == KDX_XOP_NEG)) {
		bad(r, unary ? "a unary expression needs op 'not' or 'neg'"
			     : "a binary expression needs a binary op");
		return unary ? KDX_XOP_NOT : KDX_XOP_EQ;
	}
	return op;
}

static kdx_expr *expr_read(reader *r, json_object *o)
{
	kdx_expr *e = kdx_arena_alloc(r->a, sizeof(*e));
	if (!json_object_is_type(o, json_type_object)) {
		bad(r, "an expression must be an object");
		return e;
	}
	int k = renum(r, o, "e", expr_names, NNAMES(expr_names), -1);
	if (k < 0) {
		if (!get(o, "e"))
			bad(r, "an expression has no kind ('e')");
		return e;
	}
	e->kind = (kdx_expr_kind)k;
	e->span = rspan(o, "span");
	json_object *a;
	size_t n;
	switch (e->kind) {
	case KDX_E_STRING:
		a = rarray(r, o, "parts", &n);
		e->u.str.n = n;
		e->u.str.parts = kdx_arena_alloc(r->a, (n + 1) * sizeof(*e->u.str.parts));
		for (size_t i = 0; i < n; i++) {
			json_object *x = json_object_array_get_idx(a, i), *t = get(x, "text");
			kdx_expr_strpart *p = &e->u.str.parts[i];
			p->span = rspan(x, "span");
			if (t && json_object_is_type(t, json_type_string)) {
				p->len = (size_t)json_object_get_string_len(t);
				p->text = kdx_arena_strndup(r->a, json_object_get_string(t), p->len);
			} else {
				p->expr = rexpr(r, x, "expr", false);
			}
		}
		break;
	case KDX_E_NUMBER:
	case KDX_E_DURATION:
	case KDX_E_PERCENT:
	case KDX_E_BOOL:
	case KDX_E_NULL:
		e->u.lit = value_read(r, get(o, "value"));
		if (e->u.lit->kind != literal_kinds[e->kind]) {
			strbuf msg = STRBUF_INIT;
			strbuf_addf(&msg, "a %s literal holds another kind of value", expr_names[e->kind]);
			bad(r, msg.buf);
			strbuf_release(&msg);
		}
		break;
	case KDX_E_NAME:
		e->u.name = rname(r, o, "name");
		break;
	case KDX_E_GETATTR:
		e->u.get.obj = rexpr(r, o, "obj", false);
		e->u.get.attr = rname(r, o, "attr");
		e->u.get.attr_span = rspan(o, "attr_span");
		break;
	case KDX_E_INDEX:
		e->u.index.obj = rexpr(r, o, "obj", false);
		e->u.index.index = rexpr(r, o, "index", false);
		break;
	case KDX_E_CALL:
		e->u.call.callee = rexpr(r, o, "callee", false);
		e->u.call.action = rstr(r, o, "action");
		e->u.call.builtin = rstr(r, o, "builtin");
		a = rarray(r, o, "args", &n);
		e->u.call.nargs = n;
		e->u.call.args = kdx_arena_alloc(r->a, (n + 1) * sizeof(*e->u.call.args));
		for (size_t i = 0; i < n; i++) {
			json_object *x = json_object_array_get_idx(a, i);
			e->u.call.args[i] = (kdx_expr_arg){
				.name = rstr(r, x, "name"), .name_span = rspan(x, "name_span"),
				.value = rexpr(r, x, "value", false), .span = rspan(x, "span"),
			};
		}
		break;
	case KDX_E_LIST:
		a = rarray(r, o, "items", &n);
		e->u.list.n = n;
		e->u.list.items = kdx_arena_alloc(r->a, (n + 1) * sizeof(kdx_expr *));
		for (size_t i = 0; i < n; i++)
			e->u.list.items[i] = expr_read(r, json_object_array_get_idx(a, i));
		break;
	case KDX_E_MAP:
		a = rarray(r, o, "entries", &n);
		e->u.map.n = n;
		e->u.map.entries = kdx_arena_alloc(r->a, (n + 1) * sizeof(*e->u.map.entries));
		for (size_t i = 0; i < n; i++) {
			json_object *x = json_object_array_get_idx(a, i);
			kdx_expr_entry *en = &e->u.map.entries[i];
			en->name = rstr(r, x, "name");
			en->key = rexpr(r, x, "key", en->name != NULL);
			en->value = rexpr(r, x, "value", false);
			en->span = rspan(x, "span");
		}
		break;
	case KDX_E_FOR_LIST:
	case KDX_E_FOR_MAP:
		e->u.comp = kdx_arena_alloc(r->a, sizeof(*e->u.comp));
		*e->u.comp = (kdx_expr_comp){
			.var1 = rname(r, o, "var1"), .var2 = rstr(r, o, "var2"),
			.coll = rexpr(r, o, "coll", false),
			.key = rexpr(r, o, "key", e->kind == KDX_E_FOR_LIST),
			.value = rexpr(r, o, "value", false), .cond = rexpr(r, o, "cond", true),
		};
		break;
	case KDX_E_COND:
		e->u.cond.cond = rexpr(r, o, "cond", false);
		e->u.cond.then = rexpr(r, o, "then", false);
		e->u.cond.otherwise = rexpr(r, o, "otherwise", false);
		break;
	case KDX_E_UNARY:
		e->u.unary.op = rop(r, o, true);
		e->u.unary.operand = rexpr(r, o, "operand", false);
		break;
	case KDX_E_BINARY:
		e->u.binary.op = rop(r, o, false);
		e->u.binary.lhs = rexpr(r, o, "lhs", false);
		e->u.binary.rhs = rexpr(r, o, "rhs", false);
		break;
	}
	return e;
}

void kdx_expr_write(strbuf *out, const kdx_expr *e)
{
	json_object *o = expr_write(e);
	strbuf_addstr(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int kdx_expr_read(const char *text, size_t len, kdx_arena *a, kdx_expr **out, strbuf *err)
{
	*out = NULL;
	json_object *o = kdx_json_parse(text, len, err);
	if (!o)
		return -1;
	reader r = { .a = a, .err = err, .path = STRBUF_INIT };
	kdx_expr *e = expr_read(&r, o);
	json_object_put(o);
	strbuf_release(&r.path);
	if (r.failed)
		return -1;
	*out = e;
	return 0;
}

/* ---- actions: statements and the clauses around them ---- */

static json_object *stmt_write(const kdx_stmt *s)
{
	json_object *o = json_object_new_object();
	kdx_json_set_str_or_null(o, "s", stmt_names[s->kind]);
	put_span(o, "span", s->span);
	if (s->name)
		kdx_json_set_str_or_null(o, "name", s->name);
	if (s->service)
		kdx_json_set_str_or_null(o, "service", s->service);
	if (s->op)
		kdx_json_set_str_or_null(o, "op", s->op);
	put_expr(o, "expr", s->expr);
	put_expr(o, "within", s->within);
	put_expr(o, "every", s->every);
	return o;
}

static void stmt_read(reader *r, json_object *o, kdx_stmt *s)
{
	memset(s, 0, sizeof(*s));
	int k = renum(r, o, "s", stmt_names, NNAMES(stmt_names), -1);
	if (k < 0) {
		bad(r, "a statement has no kind 's'");
		k = KDX_S_DO;
	}
	s->kind = (kdx_stmt_kind)k;
	s->span = rspan(o, "span");
	s->name = rstr(r, o, "name");
	s->service = rstr(r, o, "service");
	s->op = rstr(r, o, "op");
	bool call = s->kind == KDX_S_CALL_AWS || s->kind == KDX_S_CALL_TERRAFORM;
	s->expr = rexpr(r, o, "expr", call || s->kind == KDX_S_DO); /* a step's DO: do_call */
	s->within = rexpr(r, o, "within", s->kind != KDX_S_WAIT_UNTIL);
	s->every = rexpr(r, o, "every", true);
	if (call && (!s->service || (s->kind == KDX_S_CALL_AWS && !s->op)))
		bad(r, s->kind == KDX_S_CALL_AWS ? "a 'call aws' needs a service and an op"
						 : "a 'call terraform' needs a command ('service')");
	if (s->kind == KDX_S_LET && !s->name)
		bad(r, "a 'let' has no name");
}

static json_object *action_write(const kdx_action *x)
{
	json_object *o = json_object_new_object();
	kdx_json_set_str_or_null(o, "name", x->name);
	kdx_json_set_str_or_null(o, "module", x->module);
	put_span(o, "span", x->span);
	json_object *ps = json_object_new_array_ext((int)x->nparams);
	for (size_t i = 0; i < x->nparams; i++) {
		json_object *p = json_object_new_object();
		kdx_json_set_str_or_null(p, "name", x->params[i].name);
		kdx_json_set_str_or_null(p, "type", x->params[i].type);
		if (x->params[i].res_type)
			kdx_json_set_str(p, "resource_type", x->params[i].res_type);
		put_expr(p, "default", x->params[i].def);
		put_span(p, "span", x->params[i].span);
		json_object_array_add(ps, p);
	}
	json_object_object_add(o, "params", ps);
	json_object *body = json_object_new_array_ext((int)x->nbody);
	for (size_t i = 0; i < x->nbody; i++)
		json_object_array_add(body, stmt_write(&x->body[i]));
	json_object_object_add(o, "body", body);
	put_expr(o, "verify", x->verify);
	json_object *sn = json_object_new_array_ext((int)x->nsnapshots);
	for (size_t i = 0; i < x->nsnapshots; i++) {
		json_object *p = json_object_new_object();
		kdx_json_set_str_or_null(p, "name", x->snapshots[i].name);
		put_expr(p, "expr", x->snapshots[i].expr);
		put_span(p, "span", x->snapshots[i].span);
		json_object_array_add(sn, p);
	}
	json_object_object_add(o, "snapshots", sn);
	put_expr(o, "undo", x->undo);
	kdx_json_set_bool(o, "undo_none", x->undo_none);
	put_expr(o, "duration_min", x->duration_min);
	put_expr(o, "duration_max", x->duration_max);
	kdx_json_set_bool(o, "reads_only", x->reads_only);
	kdx_json_set_bool(o, "unverifiable", x->unverifiable);
	kdx_json_set_str_or_null(o, "unverifiable_why", x->unverifiable_why);
	kdx_json_set_bool(o, "repeatable", x->repeatable);
	return o;
}

static void action_read(reader *r, json_object *o, kdx_action *x)
{
	memset(x, 0, sizeof(*x));
	x->name = rstr(r, o, "name");
	if (!x->name)
		bad(r, "an action has no name");
	x->module = rstr(r, o, "module");
	x->span = rspan(o, "span");
	json_object *ps = rarray(r, o, "params", &x->nparams);
	x->params = kdx_arena_alloc(r->a, (x->nparams + 1) * sizeof(*x->params));
	for (size_t i = 0; i < x->nparams; i++) {
		json_object *p = json_object_array_get_idx(ps, i);
		kdx_action_param *q = &x->params[i];
		*q = (kdx_action_param){
			.name = rname(r, p, "name"), .type = rstr(r, p, "type"),
			.res_type = rstr(r, p, "resource_type"),
			.def = rexpr(r, p, "default", true), .span = rspan(p, "span"),
		};
		q->rtype = kdx_type_make(r->a, q->type, q->res_type); /* once, not per call */
	}
	json_object *body = rarray(r, o, "body", &x->nbody);
	x->body = kdx_arena_alloc(r->a, (x->nbody + 1) * sizeof(*x->body));
	for (size_t i = 0; i < x->nbody; i++)
		stmt_read(r, json_object_array_get_idx(body, i), &x->body[i]);
	x->verify = rexpr(r, o, "verify", true);
	json_object *sn = rarray(r, o, "snapshots", &x->nsnapshots);
	x->snapshots = kdx_arena_alloc(r->a, (x->nsnapshots + 1) * sizeof(*x->snapshots));
	for (size_t i = 0; i < x->nsnapshots; i++) {
		json_object *p = json_object_array_get_idx(sn, i);
		x->snapshots[i] = (kdx_snapshot){
			.name = rname(r, p, "name"), .expr = rexpr(r, p, "expr", false),
			.span = rspan(p, "span"),
		};
	}
	x->undo = rexpr(r, o, "undo", true);
	x->undo_none = rbool(o, "undo_none");
	x->duration_min = rexpr(r, o, "duration_min", true);
	x->duration_max = rexpr(r, o, "duration_max", true);
	x->reads_only = rbool(o, "reads_only");
	x->unverifiable = rbool(o, "unverifiable");
	x->unverifiable_why = rstr(r, o, "unverifiable_why");
	x->repeatable = rbool(o, "repeatable");
}

/* ---- effects and edges ---- */

static json_object *effects_write(const kdx_effect *e, size_t n, size_t nregions)
{
	json_object *a = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		kdx_json_set_str_or_null(o, "kind", effect_names[e[i].kind]);
		kdx_json_set_int(o, "resource", e[i].resource);
		kdx_json_set_int(o, "region", e[i].region);
		put_num(o, "pct", e[i].pct);
		if (e[i].weights) {
			json_object *w = json_object_new_array_ext((int)nregions);
			for (size_t k = 0; k < nregions; k++)
				json_object_array_add(w, jdouble(e[i].weights[k]));
			json_object_object_add(o, "weights", w);
		}
		kdx_json_set_int(o, "ms", e[i].ms);
		kdx_json_set_bool(o, "graceful", e[i].graceful);
		kdx_json_set_bool(o, "flag", e[i].flag);
		put_span(o, "span", e[i].span);
		json_object_array_add(a, o);
	}
	return a;
}

static kdx_effect *effects_read(reader *r, json_object *st, const char *key, size_t nregions,
				size_t *n)
{
	json_object *a = rarray(r, st, key, n);
	kdx_effect *e = *n ? kdx_arena_alloc(r->a, *n * sizeof(*e)) : NULL;
	for (size_t i = 0; i < *n; i++) {
		json_object *o = json_object_array_get_idx(a, i);
		e[i] = (kdx_effect){
			.kind = renum(r, o, "kind", effect_names, NNAMES(effect_names), KDX_EFF_READ),
			.resource = (int32_t)rint64(o, "resource"),
			.region = (int32_t)rint64(o, "region"),
			.pct = rdouble(o, "pct"),
			.ms = rint64(o, "ms"),
			.graceful = rbool(o, "graceful"),
			.flag = rbool(o, "flag"),
			.span = rspan(o, "span"),
		};
		json_object *w = get(o, "weights");
		if (w) {
			if (json_object_array_length(w) != nregions) {
				bad(r, "weights must have one entry per region");
				continue;
			}
			e[i].weights = kdx_arena_alloc(r->a, nregions * sizeof(double));
			for (size_t k = 0; k < nregions; k++)
				e[i].weights[k] = json_object_get_double(json_object_array_get_idx(w, k));
		}
	}
	return e;
}

/* ---- a step's code: bound calls, conditions, own clauses ---- */

static json_object *call_write(const kdx_plan_call *c, const res_refs *refs)
{
	json_object *o = json_object_new_object();
	kdx_json_set_int(o, "action", c->action);
	json_object *args = json_object_new_array_ext((int)c->nargs);
	json_object *rt = json_object_new_array();
	for (size_t i = 0; i < c->nargs; i++) {
		json_object_array_add(args, value_write(c->args[i], refs));
		if (!c->args[i])
			json_object_array_add(rt, json_object_new_int64((int64_t)i));
	}
	json_object_object_add(o, "args", args);
	json_object_object_add(o, "run_time", rt); /* which args are known only then */
	if (c->arg_exprs) {
		json_object *ax = json_object_new_array_ext((int)c->nargs);
		for (size_t i = 0; i < c->nargs; i++)
			json_object_array_add(ax, c->arg_exprs[i] ? expr_write(c->arg_exprs[i]) : NULL);
		json_object_object_add(o, "arg_exprs", ax);
	}
	put_span(o, "span", c->span);
	return o;
}

static kdx_plan_call *call_read(reader *r, json_object *st, const char *key,
				const kdx_plan *p)
{
	json_object *o = get(st, key);
	if (!o)
		return NULL;
	kdx_plan_call *c = kdx_arena_alloc(r->a, sizeof(*c));
	memset(c, 0, sizeof(*c));
	int64_t at = rint64(o, "action");
	if (at < 0 || (size_t)at >= p->nactions) {
		bad(r, "a call names an action that is not in 'actions'");
		return c;
	}
	c->action = (int32_t)at;
	json_object *args = rarray(r, o, "args", &c->nargs);
	if (c->nargs != p->actions[at].nparams)
		bad(r, "a call's arguments are not one per parameter of its action");
	c->args = kdx_arena_alloc(r->a, (c->nargs + 1) * sizeof(*c->args));
	for (size_t i = 0; i < c->nargs; i++)
		c->args[i] = value_read(r, json_object_array_get_idx(args, i));
	size_t nrt;
	json_object *rt = rarray(r, o, "run_time", &nrt);
	for (size_t i = 0; i < nrt; i++) {
		int64_t k = json_object_get_int64(json_object_array_get_idx(rt, i));
		if (k < 0 || (size_t)k >= c->nargs)
			bad(r, "'run_time' names an argument that does not exist");
		else
			c->args[k] = NULL;
	}
	size_t nx;
	json_object *ax = rarray(r, o, "arg_exprs", &nx);
	if (ax) {
		if (nx != c->nargs)
			bad(r, "'arg_exprs' must have one entry per argument");
		c->arg_exprs = kdx_arena_alloc(r->a, (c->nargs + 1) * sizeof(*c->arg_exprs));
		for (size_t i = 0; i < c->nargs; i++) {
			json_object *e = i < nx ? json_object_array_get_idx(ax, i) : NULL;
			c->arg_exprs[i] = e ? expr_read(r, e) : NULL;
		}
	}
	c->span = rspan(o, "span");
	return c;
}

static json_object *exprs_write(kdx_expr *const *e, size_t n)
{
	json_object *a = json_object_new_array_ext((int)n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, expr_write(e[i]));
	return a;
}

static kdx_expr **exprs_read(reader *r, json_object *o, const char *key, size_t *n)
{
	json_object *a = rarray(r, o, key, n);
	kdx_expr **e = *n ? kdx_arena_alloc(r->a, *n * sizeof(*e)) : NULL;
	for (size_t i = 0; i < *n; i++)
		e[i] = expr_read(r, json_object_array_get_idx(a, i));
	return e;
}

static void code_write(json_object *o, const kdx_step *s, const res_refs *refs)
{
	if (s->do_call)
		json_object_object_add(o, "do_call", call_write(s->do_call, refs));
	if (s->undo_call)
		json_object_object_add(o, "undo_call", call_write(s->undo_call, refs));
	kdx_json_set_bool(o, "undo_is_actions_own", s->undo_is_actions_own);
	json_object_object_add(o, "whens", exprs_write(s->whens, s->nwhens));
	json_object_object_add(o, "requires", exprs_write(s->requires, s->nrequires));
	json_object *run = json_object_new_array_ext((int)s->nrun);
	for (size_t i = 0; i < s->nrun; i++)
		json_object_array_add(run, stmt_write(&s->run[i]));
	json_object_object_add(o, "run", run);
}

static void code_read(reader *r, json_object *o, const kdx_plan *p, kdx_step *s)
{
	s->do_call = call_read(r, o, "do_call", p);
	s->undo_call = call_read(r, o, "undo_call", p);
	s->undo_is_actions_own = rbool(o, "undo_is_actions_own");
	size_t n;
	s->whens = exprs_read(r, o, "whens", &n);
	s->nwhens = (uint32_t)n;
	s->requires = exprs_read(r, o, "requires", &n);
	s->nrequires = (uint32_t)n;
	json_object *run = rarray(r, o, "run", &n);
	s->nrun = (uint32_t)n;
	s->run = s->nrun ? kdx_arena_alloc(r->a, s->nrun * sizeof(*s->run)) : NULL;
	for (size_t i = 0; i < s->nrun; i++) {
		stmt_read(r, json_object_array_get_idx(run, i), &s->run[i]);
		kdx_stmt_kind k = s->run[i].kind;
		if (k != KDX_S_DO && k != KDX_S_WAIT && k != KDX_S_WAIT_UNTIL)
			bad(r, "a step runs only 'do', 'wait' and 'wait_until' of its own");
		else if (k == KDX_S_DO && !s->do_call)
			bad(r, "a step's 'do' has no 'do_call'");
	}
}

/* ---- steps ---- */

static json_object *step_write(const kdx_step *s, size_t nregions, const res_refs *refs)
{
	json_object *o = json_object_new_object();
	kdx_json_set_str_or_null(o, "name", s->name);
	put_span(o, "span", s->span);
	kdx_json_set_str_or_null(o, "action", s->action);
	put_span(o, "action_span", s->action_span);
	kdx_json_set_str_or_null(o, "undo_action", s->undo_action);
	json_object *preds = json_object_new_array_ext((int)s->npreds);
	for (size_t k = 0; k < s->npreds; k++) {
		json_object *e = json_object_new_object();
		kdx_json_set_int(e, "from", s->preds[k].from);
		kdx_json_set_str_or_null(e, "kind", edge_names[s->preds[k].kind]);
		put_span(e, "span", s->preds[k].span);
		json_object_array_add(preds, e);
	}
	json_object_object_add(o, "preds", preds);
	json_object_object_add(o, "effects", effects_write(s->effects, s->neffects, nregions));
	json_object_object_add(o, "undo_effects",
			       effects_write(s->undo_effects, s->nundo_effects, nregions));
	kdx_json_set_bool(o, "mutating", s->mutating);
	kdx_json_set_bool(o, "has_undo", s->has_undo);
	kdx_json_set_bool(o, "irreversible", s->irreversible);
	kdx_json_set_bool(o, "approval", s->approval);
	if (s->approval_min > 1) /* absent: one approver, as plans before `min` said */
		kdx_json_set_int(o, "approval_min", s->approval_min);
	kdx_json_set_bool(o, "conditional", s->conditional);
	kdx_json_set_bool(o, "unverifiable", s->unverifiable);
	kdx_json_set_bool(o, "repeatable", s->repeatable);
	kdx_json_set_str_or_null(o, "unverifiable_why", s->unverifiable_why);
	kdx_json_set_bool(o, "undo_unverifiable", s->undo_unverifiable);
	kdx_json_set_bool(o, "undo_repeatable", s->undo_repeatable);
	kdx_json_set_str_or_null(o, "undo_unverifiable_why", s->undo_unverifiable_why);
	kdx_json_set_bool(o, "runs_terraform", s->runs_terraform);
	kdx_json_set_int(o, "attempts", s->attempts);
	kdx_json_set_int(o, "timeout_ms", s->timeout_ms);
	kdx_json_set_int(o, "backoff_ms", s->backoff_ms);
	kdx_json_set_int(o, "wait_ms", s->wait_ms);
	kdx_json_set_int(o, "duration_min_ms", s->duration_min_ms);
	kdx_json_set_int(o, "duration_max_ms", s->duration_max_ms);
	kdx_json_set_int(o, "poll_every_ms", s->poll_every_ms);
	kdx_json_set_str_or_null(o, "on_failure", on_failure_names[s->on_failure]);
	kdx_json_set_str_or_null(o, "group", s->group);
	kdx_json_set_int(o, "scope", s->scope);
	put_expr(o, "approval_when", s->approval_when);
	code_write(o, s, refs);
	return o;
}

/* A step's runbook scope: -1 (the main runbook's global scope; also when absent) or an
 * index into the plan's scopes. */
static int32_t rscope(reader *r, json_object *o, size_t nscopes)
{
	json_object *x = get(o, "scope");
	if (!x)
		return -1;
	int64_t k = json_object_get_int64(x);
	if (!json_object_is_type(x, json_type_int) || k < -1 || k >= (int64_t)nscopes) {
		bad(r, "'scope' must be -1 (the main runbook's) or an index into 'scopes'");
		return -1;
	}
	return (int32_t)k;
}

static void step_read(reader *r, json_object *o, const kdx_plan *p, kdx_step *s)
{
	size_t nsteps = p->nsteps, nregions = p->nregions;
	memset(s, 0, sizeof(*s));
	s->name = rstr(r, o, "name");
	if (!s->name)
		bad(r, "a step has no name");
	s->span = rspan(o, "span");
	s->action = rstr(r, o, "action");
	s->action_span = rspan(o, "action_span");
	s->undo_action = rstr(r, o, "undo_action");
	size_t n;
	json_object *preds = rarray(r, o, "preds", &n);
	s->npreds = (uint32_t)n;
	s->preds = s->npreds ? kdx_arena_alloc(r->a, s->npreds * sizeof(*s->preds)) : NULL;
	for (size_t k = 0; k < s->npreds; k++) {
		json_object *e = json_object_array_get_idx(preds, k);
		int64_t from = rint64(e, "from");
		if (from < 0 || (size_t)from >= nsteps)
			bad(r, "an edge names a step that does not exist");
		s->preds[k] = (kdx_edge){
			.from = (uint32_t)from,
			.kind = renum(r, e, "kind", edge_names, NNAMES(edge_names), KDX_EDGE_AFTER),
			.span = rspan(e, "span"),
		};
	}
	s->effects = effects_read(r, o, "effects", nregions, &n);
	s->neffects = (uint32_t)n;
	s->undo_effects = effects_read(r, o, "undo_effects", nregions, &n);
	s->nundo_effects = (uint32_t)n;
	s->mutating = rbool(o, "mutating");
	s->has_undo = rbool(o, "has_undo");
	s->irreversible = rbool(o, "irreversible");
	s->approval = rbool(o, "approval");
	s->approval_min = (int)rint64(o, "approval_min");
	s->conditional = rbool(o, "conditional");
	s->unverifiable = rbool(o, "unverifiable");
	s->repeatable = rbool(o, "repeatable");
	s->unverifiable_why = rstr(r, o, "unverifiable_why");
	s->undo_unverifiable = rbool(o, "undo_unverifiable");
	s->undo_repeatable = rbool(o, "undo_repeatable");
	s->undo_unverifiable_why = rstr(r, o, "undo_unverifiable_why");
	s->runs_terraform = rbool(o, "runs_terraform");
	s->attempts = (int)rint64(o, "attempts");
	s->timeout_ms = rint64(o, "timeout_ms");
	s->backoff_ms = rint64(o, "backoff_ms");
	s->wait_ms = rint64(o, "wait_ms");
	s->duration_min_ms = rint64(o, "duration_min_ms");
	s->duration_max_ms = rint64(o, "duration_max_ms");
	s->poll_every_ms = rint64(o, "poll_every_ms");
	s->on_failure = renum(r, o, "on_failure", on_failure_names, NNAMES(on_failure_names),
			      KDX_ON_FAILURE_ROLLBACK);
	s->group = rstr(r, o, "group");
	s->scope = rscope(r, o, p->nscopes);
	s->approval_when = rexpr(r, o, "approval_when", true);
	code_read(r, o, p, s);
}

/* ---- runbook scopes: [{"name": N, "value": V}, ...], innermost first; no "value": known
 * only at run time ---- */

static json_object *scope_write(const kdx_plan_scope *sc, const res_refs *refs)
{
	json_object *a = json_object_new_array_ext((int)sc->n);
	for (size_t i = 0; i < sc->n; i++) {
		json_object *b = json_object_new_object();
		kdx_json_set_str_or_null(b, "name", sc->bindings[i].name);
		if (sc->bindings[i].value)
			json_object_object_add(b, "value", value_write(sc->bindings[i].value, refs));
		json_object_array_add(a, b);
	}
	return a;
}

static void scope_read(reader *r, json_object *a, kdx_plan_scope *sc)
{
	sc->n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
	if (a && !json_object_is_type(a, json_type_array))
		bad(r, "a scope is not a list of bindings");
	sc->bindings = kdx_arena_alloc(r->a, (sc->n + 1) * sizeof(*sc->bindings));
	for (size_t i = 0; i < sc->n; i++) {
		json_object *b = json_object_array_get_idx(a, i), *v = NULL;
		bool known = b && json_object_object_get_ex(b, "value", &v); /* v NULL: JSON null */
		sc->bindings[i].name = rstr(r, b, "name");
		if (!sc->bindings[i].name)
			bad(r, "a binding has no name");
		sc->bindings[i].value = known ? value_read(r, v) : NULL;
	}
}

/* ---- scenarios ---- */

static json_object *scenario_write(const kdx_scenario *sc)
{
	json_object *o = json_object_new_object();
	kdx_json_set_str_or_null(o, "name", sc->name);
	if (sc->inapplicable)
		kdx_json_set_str_or_null(o, "inapplicable", sc->inapplicable);
	json_object *fa = json_object_new_array_ext((int)sc->nfaults);
	for (size_t i = 0; i < sc->nfaults; i++) {
		const kdx_fault *f = &sc->faults[i];
		json_object *x = json_object_new_object();
		kdx_json_set_str_or_null(x, "kind", fault_names[f->kind]);
		put_span(x, "span", f->span);
		kdx_json_set_int(x, "region", f->region);
		kdx_json_set_int(x, "step", f->step);
		kdx_json_set_int(x, "resource", f->resource);
		kdx_json_set_str_or_null(x, "service", f->service);
		kdx_json_set_int(x, "at_ms", f->at_ms);
		kdx_json_set_int(x, "for_ms", f->for_ms);
		kdx_json_set_int(x, "lag_ms", f->lag_ms);
		json_object_array_add(fa, x);
	}
	json_object_object_add(o, "faults", fa);
	json_object *ea = json_object_new_array_ext((int)sc->nexpects);
	for (size_t i = 0; i < sc->nexpects; i++) {
		const kdx_expect *e = &sc->expects[i];
		json_object *x = json_object_new_object();
		kdx_json_set_str_or_null(x, "kind", expect_names[e->kind]);
		kdx_json_set_bool(x, "strict", e->strict);
		kdx_json_set_int(x, "bound_ms", e->bound_ms);
		kdx_json_set_int(x, "step", e->step);
		kdx_json_set_str_or_null(x, "state", state_names[e->state]);
		kdx_json_set_str_or_null(x, "text", e->text);
		put_span(x, "span", e->span);
		json_object_array_add(ea, x);
	}
	json_object_object_add(o, "expects", ea);
	return o;
}

/* An index into a table of n, or -1 (none); anything else is refused. */
static int32_t rref(reader *r, json_object *o, const char *key, size_t n)
{
	int64_t k = get(o, key) ? rint64(o, key) : -1;
	if (k < -1 || k >= (int64_t)n) {
		strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "%s %lld does not exist", key, (long long)k);
		bad(r, msg.buf);
		strbuf_release(&msg);
		return -1;
	}
	return (int32_t)k;
}

static void scenario_read(reader *r, json_object *o, const kdx_plan *p, kdx_scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->name = rstr(r, o, "name");
	if (!sc->name)
		bad(r, "a scenario has no name");
	sc->inapplicable = rstr(r, o, "inapplicable");
	json_object *fa = rarray(r, o, "faults", &sc->nfaults);
	sc->faults = kdx_arena_alloc(r->a, (sc->nfaults + 1) * sizeof(*sc->faults));
	for (size_t i = 0; i < sc->nfaults; i++) {
		json_object *x = json_object_array_get_idx(fa, i);
		sc->faults[i] = (kdx_fault){
			.kind = renum(r, x, "kind", fault_names, NNAMES(fault_names),
				      KDX_FAULT_FAIL_STEP),
			.span = rspan(x, "span"),
			.region = rref(r, x, "region", p->nregions),
			.step = rref(r, x, "step", p->nsteps),
			.resource = rref(r, x, "resource", p->nresources),
			.service = rstr(r, x, "service"),
			.at_ms = rint64(x, "at_ms"),
			.for_ms = rint64(x, "for_ms"),
			.lag_ms = rint64(x, "lag_ms"),
		};
	}
	json_object *ea = rarray(r, o, "expects", &sc->nexpects);
	sc->expects = kdx_arena_alloc(r->a, (sc->nexpects + 1) * sizeof(*sc->expects));
	for (size_t i = 0; i < sc->nexpects; i++) {
		json_object *x = json_object_array_get_idx(ea, i);
		sc->expects[i] = (kdx_expect){
			.kind = renum(r, x, "kind", expect_names, NNAMES(expect_names), KDX_EXPECT_RTO),
			.strict = rbool(x, "strict"),
			.bound_ms = rint64(x, "bound_ms"),
			.step = rref(r, x, "step", p->nsteps),
			.state = renum(r, x, "state", state_names, NNAMES(state_names), KDX_SS_PENDING),
			.text = rstr(r, x, "text"),
			.span = rspan(x, "span"),
		};
	}
}

/* ---- the plan ---- */

void kdx_plan_write(strbuf *out, const kdx_plan *p)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kdx_plan_ir", json_object_new_int(KDX_PLAN_IR_VERSION));
	kdx_json_set_str_or_null(o, "name", p->name);
	kdx_json_set_str_or_null(o, "path", p->path);
	kdx_json_set_str_or_null(o, "environment", p->environment);
	kdx_json_set_str_or_null(o, "mode", p->mode);
	kdx_json_set_bool(o, "has_rto", p->has_rto);
	kdx_json_set_bool(o, "has_rpo", p->has_rpo);
	kdx_json_set_int(o, "rto_ms", p->rto_ms);
	kdx_json_set_int(o, "rpo_ms", p->rpo_ms);
	put_span(o, "rto_span", p->rto_span);
	put_span(o, "rpo_span", p->rpo_span);
	json_object *regions = json_object_new_array_ext((int)p->nregions);
	for (size_t i = 0; i < p->nregions; i++) {
		const kdx_plan_region *g = &p->regions[i];
		json_object *x = json_object_new_object();
		kdx_json_set_str_or_null(x, "name", g->name);
		kdx_json_set_str_or_null(x, "role", g->role);
		put_num(x, "weight", g->weight);
		put_num(x, "capacity", g->capacity);
		put_span(x, "span", g->span);
		json_object_array_add(regions, x);
	}
	json_object_object_add(o, "regions", regions);
	json_object *res = json_object_new_array_ext((int)p->nresources);
	for (size_t i = 0; i < p->nresources; i++) {
		const kdx_plan_resource *g = &p->resources[i];
		json_object *x = json_object_new_object();
		kdx_json_set_str_or_null(x, "name", g->name);
		kdx_json_set_str_or_null(x, "type", g->type);
		kdx_json_set_str_or_null(x, "class", class_names[g->cls]);
		kdx_json_set_int(x, "region", g->region);
		kdx_json_set_int(x, "writer", g->writer);
		json_object_object_add(x, "attrs", value_write(g->attrs, NULL));
		put_span(x, "span", g->span);
		json_object_array_add(res, x);
	}
	json_object_object_add(o, "resources", res);
	res_refs refs;
	refs_build(&refs, p);
	json_object_object_add(o, "global", scope_write(&p->global, &refs));
	json_object *scopes = json_object_new_array_ext((int)p->nscopes);
	for (size_t i = 0; i < p->nscopes; i++)
		json_object_array_add(scopes, scope_write(&p->scopes[i], &refs));
	json_object_object_add(o, "scopes", scopes);
	json_object *steps = json_object_new_array_ext((int)p->nsteps);
	for (size_t i = 0; i < p->nsteps; i++)
		json_object_array_add(steps, step_write(&p->steps[i], p->nregions, &refs));
	free(refs.slots);
	json_object_object_add(o, "steps", steps);
	kdx_json_set_bool(o, "has_allow_exec", p->has_allow_exec);
	json_object *ax = json_object_new_array_ext((int)p->nallow_exec);
	for (size_t i = 0; i < p->nallow_exec; i++)
		json_object_array_add(ax, jstr(p->allow_exec[i]));
	json_object_object_add(o, "allow_exec", ax);
	json_object *so = json_object_new_array_ext((int)p->nstop_on);
	for (size_t i = 0; i < p->nstop_on; i++)
		json_object_array_add(so, json_object_new_int(p->stop_on[i]));
	json_object_object_add(o, "stop_on", so);
	json_object *sca = json_object_new_array_ext((int)p->nscenarios);
	for (size_t i = 0; i < p->nscenarios; i++)
		json_object_array_add(sca, scenario_write(&p->scenarios[i]));
	json_object_object_add(o, "scenarios", sca);
	json_object *acts = json_object_new_array_ext((int)p->nactions);
	for (size_t i = 0; i < p->nactions; i++)
		json_object_array_add(acts, action_write(&p->actions[i]));
	json_object_object_add(o, "actions", acts);
	strbuf_addstr(out, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void at(reader *r, const char *what, size_t i)
{
	strbuf_reset(&r->path);
	strbuf_addf(&r->path, "%s[%zu]", what, i);
}

int kdx_plan_read(const char *text, size_t len, kdx_arena *a, kdx_plan **out, strbuf *err)
{
	*out = NULL;
	json_object *o = kdx_json_parse(text, len, err);
	if (!o)
		return -1;
	reader r = { .a = a, .err = err, .path = STRBUF_INIT };
	json_object *ver = get(o, "kdx_plan_ir");
	if (!ver || json_object_get_int(ver) != KDX_PLAN_IR_VERSION) {
		strbuf_addf(err, "not a kdx plan IR of version %d", KDX_PLAN_IR_VERSION);
		json_object_put(o);
		return -1;
	}
	kdx_plan *p = kdx_arena_alloc(a, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->name = rstr(&r, o, "name");
	p->path = rstr(&r, o, "path");
	p->environment = rstr(&r, o, "environment");
	p->mode = rstr(&r, o, "mode");
	p->has_rto = rbool(o, "has_rto");
	p->has_rpo = rbool(o, "has_rpo");
	p->rto_ms = rint64(o, "rto_ms");
	p->rpo_ms = rint64(o, "rpo_ms");
	p->rto_span = rspan(o, "rto_span");
	p->rpo_span = rspan(o, "rpo_span");
	json_object *x = rarray(&r, o, "regions", &p->nregions);
	p->regions = p->nregions ? kdx_arena_alloc(a, p->nregions * sizeof(*p->regions)) : NULL;
	for (size_t i = 0; i < p->nregions; i++) {
		json_object *g = json_object_array_get_idx(x, i);
		at(&r, "regions", i);
		p->regions[i] = (kdx_plan_region){
			.name = rstr(&r, g, "name"), .role = rstr(&r, g, "role"),
			.weight = rdouble(g, "weight"), .capacity = rdouble(g, "capacity"),
			.span = rspan(g, "span"),
		};
	}
	x = rarray(&r, o, "resources", &p->nresources);
	p->resources = p->nresources ? kdx_arena_alloc(a, p->nresources * sizeof(*p->resources))
				     : NULL;
	for (size_t i = 0; i < p->nresources; i++) {
		json_object *g = json_object_array_get_idx(x, i);
		at(&r, "resources", i);
		json_object *attrs = get(g, "attrs");
		p->resources[i] = (kdx_plan_resource){
			.name = rstr(&r, g, "name"), .type = rstr(&r, g, "type"),
			.cls = renum(&r, g, "class", class_names, NNAMES(class_names), KDX_RES_OPAQUE),
			.region = (int32_t)rint64(g, "region"), .writer = (int32_t)rint64(g, "writer"),
			.attrs = attrs ? value_read(&r, attrs) : NULL, .span = rspan(g, "span"),
		};
	}
	r.plan = p; /* from here on, a value may be a resource's */
	strbuf_addstr(&r.path, "global");
	scope_read(&r, get(o, "global"), &p->global);
	x = rarray(&r, o, "scopes", &p->nscopes);
	p->scopes = kdx_arena_alloc(a, (p->nscopes + 1) * sizeof(*p->scopes));
	for (size_t i = 0; i < p->nscopes; i++) {
		at(&r, "scopes", i);
		scope_read(&r, json_object_array_get_idx(x, i), &p->scopes[i]);
	}
	/* the actions first: the steps' calls name them by index */
	x = rarray(&r, o, "actions", &p->nactions);
	p->actions = kdx_arena_alloc(a, (p->nactions + 1) * sizeof(*p->actions));
	for (size_t i = 0; i < p->nactions; i++) {
		at(&r, "actions", i);
		action_read(&r, json_object_array_get_idx(x, i), &p->actions[i]);
	}
	x = rarray(&r, o, "steps", &p->nsteps);
	p->steps = p->nsteps ? kdx_arena_alloc(a, p->nsteps * sizeof(*p->steps)) : NULL;
	for (size_t i = 0; i < p->nsteps; i++) {
		at(&r, "steps", i);
		step_read(&r, json_object_array_get_idx(x, i), p, &p->steps[i]);
	}
	strbuf_reset(&r.path);
	p->has_allow_exec = rbool(o, "has_allow_exec");
	x = rarray(&r, o, "allow_exec", &p->nallow_exec);
	p->allow_exec = p->nallow_exec ? kdx_arena_alloc(a, p->nallow_exec * sizeof(char *)) : NULL;
	for (size_t i = 0; i < p->nallow_exec; i++)
		p->allow_exec[i] = kdx_arena_strdup(a, json_object_get_string(
							       json_object_array_get_idx(x, i)));
	x = rarray(&r, o, "stop_on", &p->nstop_on);
	p->stop_on = p->nstop_on ? kdx_arena_alloc(a, p->nstop_on * sizeof(int32_t)) : NULL;
	for (size_t i = 0; i < p->nstop_on; i++) {
		int64_t k = json_object_get_int64(json_object_array_get_idx(x, i));
		if (k < 0 || (size_t)k >= p->nresources)
			bad(&r, "stop_on names a resource that does not exist");
		p->stop_on[i] = (int32_t)k;
	}
	x = rarray(&r, o, "scenarios", &p->nscenarios);
	p->scenarios = kdx_arena_alloc(a, (p->nscenarios + 1) * sizeof(*p->scenarios));
	for (size_t i = 0; i < p->nscenarios; i++) {
		at(&r, "scenarios", i);
		scenario_read(&r, json_object_array_get_idx(x, i), p, &p->scenarios[i]);
	}
	strbuf_reset(&r.path);
	kdx_plan_index_losses(p, a);
	json_object_put(o);
	strbuf_release(&r.path);
	if (r.failed)
		return -1;
	*out = p;
	return 0;
}
