/* eval_builtins: the built-in functions of the language (length, lookup, min, now, fail,
 * assert, ...) and the host functions kdx serves at run time (http_get, ask_approval,
 * run_command, run_info). */
#include "eval.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <time.h>

static bool is_unit(kdx_vkind k)
{
	return k == KDX_V_NUMBER || k == KDX_V_DURATION || k == KDX_V_PERCENT;
}

static double num_of(const kdx_value *v)
{
	return v->kind == KDX_V_DURATION ? (double)v->u.ms : v->u.num;
}

/* ---- built-in functions ---- */

const char *const kdx_builtin_names[] = {
	"length", "lookup", "floor", "ceil", "min", "max", "contains", "startswith",
	"strcontains", "keys", "values", "now", "upper", "lower", "join", "merge", "distinct", "fail", "assert", "http_get",
	"ask_approval", "run_command", "run_info", "kube_request", NULL,
};

static int argc_error(kdx_eval *ev, const kdx_expr *e, const char *name, const char *want)
{
	return kdx_eval_error(ev, e->span, NULL, "'%s' takes %s", name, want);
}

static int arg_kind_error(kdx_eval *ev, const kdx_expr *x, const char *name, const char *want,
			  const kdx_value *v)
{
	return kdx_eval_error(ev, x->span, NULL, "'%s' needs %s, got %s", name, want,
			      kdx_type_of_value(ev, v));
}

/* min/max over a list of numbers, durations or percents of one kind */
static int minmax(kdx_eval *ev, const kdx_expr *x, const char *name, kdx_value *l, bool is_max,
		  kdx_value **out)
{
	if (l->kind != KDX_V_LIST || !l->u.list.n)
		return arg_kind_error(ev, x, name, "a non-empty list", l);
	kdx_value *best = l->u.list.items[0];
	for (size_t i = 0; i < l->u.list.n; i++) {
		kdx_value *v = l->u.list.items[i];
		if (!is_unit(v->kind) || v->kind != best->kind)
			return arg_kind_error(ev, x, name, "a list of numbers of one unit", v);
		if (is_max ? num_of(v) > num_of(best) : num_of(v) < num_of(best))
			best = v;
	}
	*out = best;
	return 0;
}

static int builtin_now(kdx_eval *ev, kdx_value **a, size_t n, const kdx_expr *e, kdx_value **out)
{
	if (n > 1 || (n == 1 && a[0]->kind != KDX_V_DURATION))
		return argc_error(ev, e, "now", "an optional duration offset");
	if (!ev->runtime)
		return 1;
	time_t t = (ev->now_s ? (time_t)ev->now_s : time(NULL)) + (n ? (time_t)(a[0]->u.ms / 1000) : 0);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	*out = kdx_value_string(ev->arena, buf);
	return 0;
}

/* fail(message) stops the evaluation with the message as its error; assert(cond, message)
 * does so when cond is false and is true otherwise. The stdlib uses them where a read finds
 * no such resource: an error that names what was looked up, never a sentinel value. */
static int builtin_fail(kdx_eval *ev, const char *name, kdx_value **a, size_t n,
			const kdx_expr *e, kdx_value **out)
{
	bool is_fail = name[0] == 'f';
	size_t want = is_fail ? 1 : 2;
	const kdx_value *msg = n == want ? a[want - 1] : NULL;
	if (!msg || !kdx_value_text(msg) || (!is_fail && a[0]->kind != KDX_V_BOOL))
		return argc_error(ev, e, name, is_fail ? "one string (the message)"
					       : "a bool and a string (the message)");
	if (!is_fail && a[0]->u.b) {
		*out = a[0];
		return 0;
	}
	return kdx_eval_error(ev, e->span, NULL, "%s", kdx_value_text(msg));
}

static int builtin_text(kdx_eval *ev, const char *name, kdx_value **a, size_t n,
			const kdx_expr *e, kdx_value **out)
{
	if (!strcmp(name, "upper") || !strcmp(name, "lower")) {
		if (n != 1 || !kdx_value_text(a[0]))
			return argc_error(ev, e, name, "one string");
		char *s = kdx_arena_strdup(ev->arena, kdx_value_text(a[0]));
		for (char *p = s; *p; p++)
			*p = (char)(name[0] == 'u' ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
		*out = kdx_value_string(ev->arena, s);
		return 0;
	}
	if (n != 2 || !kdx_value_text(a[0]) || !kdx_value_text(a[1]))
		return argc_error(ev, e, name, "two strings");
	const char *s = kdx_value_text(a[0]), *t = kdx_value_text(a[1]);
	bool r = !strcmp(name, "startswith") ? !strncmp(s, t, strlen(t)) : strstr(s, t) != NULL;
	*out = kdx_value_bool(ev->arena, r);
	return 0;
}

/* join(list of strings, separator): for messages that list what exists */
static int builtin_join(kdx_eval *ev, kdx_value **a, size_t n, const kdx_expr *e,
			kdx_value **out)
{
	if (n != 2 || a[0]->kind != KDX_V_LIST || !kdx_value_text(a[1]))
		return argc_error(ev, e, "join", "a list of strings and a separator");
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < a[0]->u.list.n; i++) {
		const char *t = kdx_value_text(a[0]->u.list.items[i]);
		if (!t) {
			strbuf_release(&sb);
			return arg_kind_error(ev, e->u.call.args[0].value, "join", "a list of strings",
					      a[0]->u.list.items[i]);
		}
		strbuf_addf(&sb, "%s%s", i ? kdx_value_text(a[1]) : "", t);
	}
	*out = kdx_value_string(ev->arena, kdx_arena_strdup(ev->arena, sb.len ? sb.buf : ""));
	strbuf_release(&sb);
	return 0;
}

/* merge(base, over): base with over's keys set (added or replaced), in base's order. A
 * read-modify-write sends merge(what was read, { the fields the action changes }), so every
 * other field goes back exactly as read. */
static int builtin_merge(kdx_eval *ev, kdx_value **a, size_t n, const kdx_expr *e,
			 kdx_value **out)
{
	if (n != 2 || a[0]->kind != KDX_V_MAP || a[1]->kind != KDX_V_MAP)
		return argc_error(ev, e, "merge", "two maps");
	const kdx_value *b = a[0], *o = a[1];
	size_t extra = 0;
	for (size_t i = 0; i < o->u.map.n; i++)
		extra += !kdx_value_get(b, o->u.map.keys[i]);
	kdx_value *m = kdx_value_map(ev->arena, b->u.map.n + extra);
	size_t k = 0;
	for (size_t i = 0; i < b->u.map.n; i++) {
		kdx_value *v = kdx_value_get(o, b->u.map.keys[i]);
		m->u.map.keys[k] = b->u.map.keys[i];
		m->u.map.vals[k++] = v ? v : b->u.map.vals[i];
	}
	for (size_t i = 0; i < o->u.map.n; i++)
		if (!kdx_value_get(b, o->u.map.keys[i])) {
			m->u.map.keys[k] = o->u.map.keys[i];
			m->u.map.vals[k++] = o->u.map.vals[i];
		}
	*out = m;
	return 0;
}

static int builtin_coll(kdx_eval *ev, const char *name, kdx_value **a, size_t n,
			const kdx_expr *e, kdx_value **out)
{
	const kdx_expr *x0 = e->u.call.args[0].value;
	if (!strcmp(name, "length")) {
		if (n != 1)
			return argc_error(ev, e, name, "one argument");
		size_t len;
		if (a[0]->kind == KDX_V_LIST)
			len = a[0]->u.list.n;
		else if (a[0]->kind == KDX_V_MAP)
			len = a[0]->u.map.n;
		else if (kdx_value_text(a[0]))
			len = strlen(kdx_value_text(a[0]));
		else
			return arg_kind_error(ev, x0, name, "a list, map or string", a[0]);
		*out = kdx_value_number(ev->arena, (double)len);
		return 0;
	}
	if (!strcmp(name, "lookup")) {
		if (n != 3 || a[0]->kind != KDX_V_MAP || !kdx_value_text(a[1]))
			return argc_error(ev, e, name, "a map, a key and a default");
		kdx_value *v = kdx_value_get(a[0], kdx_value_text(a[1]));
		*out = v ? v : a[2];
		return 0;
	}
	if (!strcmp(name, "join"))
		return builtin_join(ev, a, n, e, out);
	if (!strcmp(name, "merge"))
		return builtin_merge(ev, a, n, e, out);
	if (!strcmp(name, "distinct")) {
		if (n != 1 || a[0]->kind != KDX_V_LIST)
			return argc_error(ev, e, name, "one list");
		/* the first of each equal run of values, in order (quadratic: for messages) */
		kdx_value *l = kdx_value_list(ev->arena, a[0]->u.list.n);
		size_t k = 0;
		for (size_t i = 0; i < a[0]->u.list.n; i++) {
			size_t j = 0;
			while (j < k && !kdx_eval_equal(l->u.list.items[j], a[0]->u.list.items[i]))
				j++;
			if (j == k)
				l->u.list.items[k++] = a[0]->u.list.items[i];
		}
		l->u.list.n = k;
		*out = l;
		return 0;
	}
	if (!strcmp(name, "contains")) {
		if (n != 2 || a[0]->kind != KDX_V_LIST)
			return argc_error(ev, e, name, "a list and a value");
		bool r = false;
		for (size_t i = 0; i < a[0]->u.list.n && !r; i++)
			r = kdx_eval_equal(a[0]->u.list.items[i], a[1]);
		*out = kdx_value_bool(ev->arena, r);
		return 0;
	}
	/* keys, values */
	if (n != 1 || a[0]->kind != KDX_V_MAP)
		return argc_error(ev, e, name, "one map");
	kdx_value *l = kdx_value_list(ev->arena, a[0]->u.map.n);
	for (size_t i = 0; i < a[0]->u.map.n; i++)
		l->u.list.items[i] = name[0] == 'k' ? kdx_value_string(ev->arena, a[0]->u.map.keys[i])
						    : a[0]->u.map.vals[i];
	*out = l;
	return 0;
}

int kdx_eval_builtin(kdx_eval *ev, const kdx_env *env, const kdx_expr *e, const char *name,
			kdx_value **out, bool *found)
{
	*found = false;
	size_t k;
	for (k = 0; kdx_builtin_names[k]; k++)
		if (!strcmp(kdx_builtin_names[k], name))
			break;
	if (!kdx_builtin_names[k])
		return 0;
	*found = true;
	size_t n = e->u.call.nargs;
	kdx_value **a = KDX_NEWN(ev->arena, kdx_value *, n + 1);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (e->u.call.args[i].name)
			return kdx_eval_error(ev, e->u.call.args[i].span, NULL,
					      "'%s' takes no named arguments", name);
		int r = kdx_eval_expr(ev, env, e->u.call.args[i].value, &a[i]);
		if (r < 0)
			return -1;
		rc |= r;
	}
	if (rc)
		return 1;
	if (!strcmp(name, "now"))
		return builtin_now(ev, a, n, e, out);
	if (!strcmp(name, "fail") || !strcmp(name, "assert"))
		return builtin_fail(ev, name, a, n, e, out);
	if (!strcmp(name, "http_get") || !strcmp(name, "ask_approval") ||
	    !strcmp(name, "run_command") || !strcmp(name, "run_info") ||
	    !strcmp(name, "kube_request")) {
		if (!ev->host_call)
			return 1;
		int r = ev->host_call(ev, name, a, n, out);
		return r < 0 ? kdx_eval_error(ev, e->span, NULL, "%s: %s", name,
					      ev->err && ev->err->len ? ev->err->buf : "failed") : r;
	}
	if (!strcmp(name, "floor") || !strcmp(name, "ceil")) {
		if (n != 1 || a[0]->kind != KDX_V_NUMBER)
			return n == 1 ? arg_kind_error(ev, e->u.call.args[0].value, name, "a number", a[0])
				      : argc_error(ev, e, name, "one number");
		double x = name[0] == 'f' ? floor(a[0]->u.num) : ceil(a[0]->u.num);
		*out = kdx_value_number(ev->arena, x);
		return 0;
	}
	if (!strcmp(name, "min") || !strcmp(name, "max")) {
		if (n != 1)
			return argc_error(ev, e, name, "one list");
		return minmax(ev, e->u.call.args[0].value, name, a[0], name[1] == 'a', out);
	}
	if (!strcmp(name, "startswith") || !strcmp(name, "strcontains") || !strcmp(name, "upper") ||
	    !strcmp(name, "lower"))
		return builtin_text(ev, name, a, n, e, out);
	if (!n)
		return argc_error(ev, e, name, "arguments");
	return builtin_coll(ev, name, a, n, e, out);
}
