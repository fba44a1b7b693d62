/* value: constructors, equality, formatting and JSON conversion of kdx values. */
#include "value.h"
#include "json.h"

#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static kdx_value *mk(kdx_arena *a, kdx_vkind k)
{
	kdx_value *v = KDX_NEW(a, kdx_value);
	v->kind = k;
	return v;
}

kdx_value *kdx_value_null(kdx_arena *a) { return mk(a, KDX_V_NULL); }

kdx_value *kdx_value_bool(kdx_arena *a, bool b)
{
	kdx_value *v = mk(a, KDX_V_BOOL);
	v->u.b = b;
	return v;
}

kdx_value *kdx_value_number(kdx_arena *a, double n)
{
	kdx_value *v = mk(a, KDX_V_NUMBER);
	v->u.num = n;
	return v;
}

kdx_value *kdx_value_stringn(kdx_arena *a, const char *s, size_t n)
{
	kdx_value *v = mk(a, KDX_V_STRING);
	v->u.str.ptr = kdx_arena_strndup(a, s, n);
	v->u.str.len = n;
	return v;
}

kdx_value *kdx_value_string(kdx_arena *a, const char *s)
{
	return kdx_value_stringn(a, s, strlen(s));
}

kdx_value *kdx_value_duration(kdx_arena *a, int64_t ms)
{
	kdx_value *v = mk(a, KDX_V_DURATION);
	v->u.ms = ms;
	return v;
}

kdx_value *kdx_value_percent(kdx_arena *a, double pct)
{
	kdx_value *v = mk(a, KDX_V_PERCENT);
	v->u.num = pct;
	return v;
}

kdx_value *kdx_value_region(kdx_arena *a, const char *name)
{
	kdx_value *v = kdx_value_string(a, name);
	v->kind = KDX_V_REGION;
	return v;
}

kdx_value *kdx_value_list(kdx_arena *a, size_t n)
{
	kdx_value *v = mk(a, KDX_V_LIST);
	v->u.list.items = KDX_NEWN(a, kdx_value *, n);
	v->u.list.n = n;
	return v;
}

kdx_value *kdx_value_map(kdx_arena *a, size_t n)
{
	kdx_value *v = mk(a, KDX_V_MAP);
	v->u.map.keys = KDX_NEWN(a, const char *, n);
	v->u.map.vals = KDX_NEWN(a, kdx_value *, n);
	v->u.map.n = n;
	return v;
}

const char *kdx_value_str(const kdx_value *v)
{
	return v && v->kind == KDX_V_STRING ? v->u.str.ptr : NULL;
}

kdx_value *kdx_value_get(const kdx_value *v, const char *key)
{
	if (!v || v->kind != KDX_V_MAP)
		return NULL;
	for (size_t i = 0; i < v->u.map.n; i++)
		if (v->u.map.keys[i] && !strcmp(v->u.map.keys[i], key))
			return v->u.map.vals[i];
	return NULL;
}

bool kdx_value_equal(const kdx_value *x, const kdx_value *y)
{
	if (x == y)
		return true;
	if (!x || !y || x->kind != y->kind)
		return false;
	switch (x->kind) {
	case KDX_V_NULL: return true;
	case KDX_V_BOOL: return x->u.b == y->u.b;
	case KDX_V_NUMBER:
	case KDX_V_PERCENT: return x->u.num == y->u.num;
	case KDX_V_DURATION: return x->u.ms == y->u.ms;
	case KDX_V_STRING:
	case KDX_V_REGION:
		return x->u.str.len == y->u.str.len &&
		       !memcmp(x->u.str.ptr, y->u.str.ptr, x->u.str.len);
	case KDX_V_LIST:
		if (x->u.list.n != y->u.list.n)
			return false;
		for (size_t i = 0; i < x->u.list.n; i++)
			if (!kdx_value_equal(x->u.list.items[i], y->u.list.items[i]))
				return false;
		return true;
	case KDX_V_MAP:
		if (x->u.map.n != y->u.map.n)
			return false;
		for (size_t i = 0; i < x->u.map.n; i++)
			if (!kdx_value_equal(x->u.map.vals[i], kdx_value_get(y, x->u.map.keys[i])))
				return false;
		return true;
	}
	return false;
}

const char *kdx_vkind_name(kdx_vkind k)
{
	static const char *const names[] = {
		[KDX_V_NULL] = "null",       [KDX_V_BOOL] = "bool",
		[KDX_V_NUMBER] = "number",   [KDX_V_STRING] = "string",
		[KDX_V_DURATION] = "duration", [KDX_V_PERCENT] = "percent",
		[KDX_V_REGION] = "region",   [KDX_V_LIST] = "list",
		[KDX_V_MAP] = "map",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

void kdx_duration_format(strbuf *sb, int64_t ms)
{
	static const struct { int64_t unit; const char *sfx; } units[] = {
		{ 3600000, "h" }, { 60000, "m" }, { 1000, "s" }, { 1, "ms" },
	};
	if (ms == 0) {
		strbuf_addstr(sb, "0s");
		return;
	}
	if (ms < 0) {
		strbuf_addch(sb, '-');
		ms = -ms;
	}
	for (size_t i = 0; i < 4 && ms; i++) {
		if (ms >= units[i].unit) {
			strbuf_addf(sb, "%lld%s", (long long)(ms / units[i].unit), units[i].sfx);
			ms %= units[i].unit;
		}
	}
}

int64_t kdx_duration_parse(const char *s)
{
	int64_t total = 0;
	if (!*s)
		return -1;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return -1;
		int64_t n = 0;
		while (isdigit((unsigned char)*s)) {
			n = n * 10 + (*s++ - '0');
			if (n > (int64_t)1 << 40)
				return -1;
		}
		int64_t unit;
		if (s[0] == 'm' && s[1] == 's') {
			unit = 1;
			s += 2;
		} else if (*s == 'h') {
			unit = 3600000;
			s++;
		} else if (*s == 'm') {
			unit = 60000;
			s++;
		} else if (*s == 's') {
			unit = 1000;
			s++;
		} else if (*s == 'd') {
			unit = 86400000;
			s++;
		} else {
			return -1;
		}
		/* too large for milliseconds in an int64 is not a duration */
		if (n > (INT64_MAX - total) / unit)
			return -1;
		total += n * unit;
	}
	return total;
}

void kdx_number_shortest(strbuf *sb, double n)
{
	if (isnan(n)) {
		strbuf_addstr(sb, "NaN");
		return;
	}
	if (isinf(n)) {
		strbuf_addstr(sb, n > 0 ? "Infinity" : "-Infinity");
		return;
	}
	char buf[40];
	/* the fewest significant digits that read back as the same double (0.1, not
	 * 0.10000000000000001), as the SDKs print decimals */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, n);
		if (strtod(buf, NULL) == n)
			break;
	}
	strbuf_addstr(sb, buf);
}

static void format_number(strbuf *sb, double n)
{
	if (n == floor(n) && fabs(n) < 1e15) {
		strbuf_addf(sb, "%lld", (long long)n);
	} else {
		kdx_number_shortest(sb, n);
	}
}

void kdx_value_format(strbuf *sb, const kdx_value *v)
{
	switch (v->kind) {
	case KDX_V_NULL: strbuf_addstr(sb, "null"); break;
	case KDX_V_BOOL: strbuf_addstr(sb, v->u.b ? "true" : "false"); break;
	case KDX_V_NUMBER: format_number(sb, v->u.num); break;
	case KDX_V_PERCENT:
		format_number(sb, v->u.num);
		strbuf_addch(sb, '%');
		break;
	case KDX_V_DURATION: kdx_duration_format(sb, v->u.ms); break;
	case KDX_V_STRING:
	case KDX_V_REGION: strbuf_add_json_strn(sb, v->u.str.ptr, v->u.str.len); break;
	case KDX_V_LIST:
		strbuf_addch(sb, '[');
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			kdx_value_format(sb, v->u.list.items[i]);
		}
		strbuf_addch(sb, ']');
		break;
	case KDX_V_MAP:
		strbuf_addch(sb, '{');
		for (size_t i = 0; i < v->u.map.n; i++) {
			strbuf_addstr(sb, i ? ", " : " ");
			strbuf_add_json_str(sb, v->u.map.keys[i]);
			strbuf_addstr(sb, " = ");
			kdx_value_format(sb, v->u.map.vals[i]);
		}
		strbuf_addstr(sb, v->u.map.n ? " }" : "}");
		break;
	}
}

kdx_json *kdx_value_json_number(double n)
{
	if (!isfinite(n)) {
		/* JSON has no NaN or Infinity: the AWS protocols send them as these strings */
		strbuf t = STRBUF_INIT;
		kdx_number_shortest(&t, n);
		kdx_json *j = kdx_json_string(t.buf);
		strbuf_release(&t);
		return j;
	}
	strbuf t = STRBUF_INIT;
	format_number(&t, n);
	kdx_json *j = kdx_json_number_text(n, t.buf);
	strbuf_release(&t);
	return j;
}

kdx_json *kdx_value_json(const kdx_value *v)
{
	switch (v->kind) {
	case KDX_V_NULL: return NULL;
	case KDX_V_BOOL: return kdx_json_boolean(v->u.b);
	case KDX_V_NUMBER:
	case KDX_V_PERCENT: return kdx_value_json_number(v->u.num);
	case KDX_V_DURATION: {
		strbuf t = STRBUF_INIT;
		kdx_duration_format(&t, v->u.ms);
		kdx_json *j = kdx_json_string(t.buf);
		strbuf_release(&t);
		return j;
	}
	case KDX_V_STRING:
	case KDX_V_REGION: return kdx_json_stringn(v->u.str.ptr, v->u.str.len);
	case KDX_V_LIST: {
		kdx_json *a = kdx_json_array();
		for (size_t i = 0; i < v->u.list.n; i++)
			kdx_json_push_or_null(a, kdx_value_json(v->u.list.items[i]));
		return a;
	}
	case KDX_V_MAP: {
		kdx_json *o = kdx_json_object();
		for (size_t i = 0; i < v->u.map.n; i++)
			kdx_json_set_or_null(o, v->u.map.keys[i], kdx_value_json(v->u.map.vals[i]));
		return o;
	}
	}
	return NULL;
}

void kdx_value_to_json(strbuf *sb, const kdx_value *v)
{
	kdx_json *j = kdx_value_json(v);
	if (j)
		kdx_json_write(sb, j);
	else
		strbuf_addstr(sb, "null");
	kdx_json_free(j);
}

static kdx_value *from_json(kdx_arena *a, json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null: return kdx_value_null(a);
	case json_type_boolean: return kdx_value_bool(a, json_object_get_boolean(o));
	case json_type_double:
	case json_type_int: return kdx_value_number(a, json_object_get_double(o));
	case json_type_string:
		return kdx_value_stringn(a, json_object_get_string(o),
					 (size_t)json_object_get_string_len(o));
	case json_type_array: {
		size_t n = json_object_array_length(o);
		kdx_value *v = kdx_value_list(a, n);
		for (size_t i = 0; i < n; i++)
			v->u.list.items[i] = from_json(a, json_object_array_get_idx(o, i));
		return v;
	}
	case json_type_object: {
		kdx_value *v = kdx_value_map(a, (size_t)json_object_object_length(o));
		size_t i = 0;
		json_object_object_foreach(o, key, val) {
			v->u.map.keys[i] = kdx_arena_strdup(a, key);
			v->u.map.vals[i] = from_json(a, val);
			i++;
		}
		return v;
	}
	}
	return kdx_value_null(a);
}

kdx_value *kdx_value_from_json(kdx_arena *a, const char *text, size_t len, strbuf *err)
{
	strbuf why = STRBUF_INIT;
	kdx_json *o = kdx_json_parse(text, len, &why);
	if (!o) {
		strbuf_addstr(err, why.buf);
		strbuf_release(&why);
		return NULL;
	}
	strbuf_release(&why);
	kdx_value *v = from_json(a, o);
	kdx_json_free(o);
	return v;
}
