/* model_check: validation of an operation's input kdx_value against its model, before
 * anything is sent: unknown members (with suggestions), required members, types, enums. */
#include "model.h"
#include "proto.h"
#include "../../common/suggest.h"
#include "../../common/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct check {
	strbuf *err;
	int problems;
	bool unknown_nulls;
	strbuf path; /* "ChangeBatch.Changes[0].Action" */
} check;

static void problem(check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(check *c, const char *fmt, ...)
{
	va_list ap;
	if (c->problems++)
		strbuf_addch(c->err, '\n');
	va_start(ap, fmt);
	strbuf_vaddf(c->err, fmt, ap);
	va_end(ap);
}

static const char *type_word(aws_stype t)
{
	switch (t) {
	case AWS_T_STRUCTURE: return "a map (structure)";
	case AWS_T_LIST: return "a list";
	case AWS_T_MAP: return "a map";
	case AWS_T_STRING: return "a string";
	case AWS_T_INTEGER: case AWS_T_LONG: return "a whole number";
	case AWS_T_FLOAT: case AWS_T_DOUBLE: return "a number";
	case AWS_T_BOOLEAN: return "true or false";
	case AWS_T_TIMESTAMP: return "a timestamp (ISO 8601 string or epoch seconds)";
	case AWS_T_BLOB: return "a string (bytes)";
	default: return "a value";
	}
}

static void check_value(check *c, const aws_shape *s, const kdx_value *v);

static void check_enum(check *c, const aws_shape *s, const kdx_value *v)
{
	size_t n = aws_shape_nenum(s);
	if (!n)
		return;
	const char **names = xmalloc(sizeof(char *) * (n + 1));
	for (size_t i = 0; i < n; i++) {
		names[i] = aws_shape_enum_at(s, i);
		if (!strcmp(names[i], v->u.str.ptr)) {
			free(names);
			return;
		}
	}
	strbuf list = STRBUF_INIT;
	for (size_t i = 0; i < n && i < 12; i++)
		strbuf_addf(&list, "%s%s", i ? ", " : "", names[i]);
	if (n > 12)
		strbuf_addstr(&list, ", ...");
	const char *best = kdx_suggest_best(v->u.str.ptr, names, n);
	problem(c, "parameter '%s' must be one of %s, not '%s'", c->path.buf, list.buf,
		v->u.str.ptr);
	if (best)
		strbuf_addf(c->err, " (did you mean '%s'?)", best);
	strbuf_release(&list);
	free(names);
}

static bool bound(const aws_shape *s, const char *key, double *out)
{
	return aws_shape_number(s, key, out);
}

/* min/max: a number's value, a string's length (in bytes; AWS counts characters, which
 * only matters for non-ASCII text near a limit), a list's or map's size. */
static void check_range(check *c, const aws_shape *s, const kdx_value *v)
{
	double lo, hi, x;
	const char *what;
	switch (v->kind) {
	case KDX_V_NUMBER:
		if (s->type == AWS_T_TIMESTAMP)
			return;
		x = v->u.num;
		what = "";
		break;
	case KDX_V_STRING:
	case KDX_V_REGION:
		if (s->type != AWS_T_STRING)
			return;
		x = (double)v->u.str.len;
		what = " characters";
		break;
	case KDX_V_LIST:
		x = (double)v->u.list.n;
		what = " items";
		break;
	case KDX_V_MAP:
		if (s->type != AWS_T_MAP)
			return;
		x = (double)v->u.map.n;
		what = " entries";
		break;
	default:
		return;
	}
	bool has_lo = bound(s, "min", &lo), has_hi = bound(s, "max", &hi);
	if (has_lo && x < lo && *what)
		problem(c, "parameter '%s' must have at least %.0f%s, not %.0f", c->path.buf, lo,
			what, x);
	else if (has_lo && x < lo)
		problem(c, "parameter '%s' must be at least %.15g, not %.15g", c->path.buf, lo, x);
	else if (has_hi && x > hi && *what)
		problem(c, "parameter '%s' must have at most %.0f%s, not %.0f", c->path.buf, hi,
			what, x);
	else if (has_hi && x > hi)
		problem(c, "parameter '%s' must be at most %.15g, not %.15g", c->path.buf, hi, x);
}

static void check_structure(check *c, const aws_shape *s, const kdx_value *v)
{
	size_t base = c->path.len;
	for (size_t i = 0; i < v->u.map.n; i++) {
		const char *key = v->u.map.keys[i];
		aws_shape m;
		if (c->path.len)
			strbuf_addch(&c->path, '.');
		strbuf_addstr(&c->path, key);
		if (!aws_shape_member(s, key, &m)) {
			size_t n = aws_shape_nmembers(s);
			const char **names = xmalloc(sizeof(char *) * (n + 1));
			for (size_t k = 0; k < n; k++)
				names[k] = aws_shape_member_at(s, k, &m);
			const char *best = kdx_suggest_best(key, names, n);
			problem(c, "unknown parameter '%s'", c->path.buf);
			if (best)
				strbuf_addf(c->err, " (did you mean '%.*s%s%s'?)", (int)base,
					    c->path.buf, base ? "." : "", best);
			free(names);
		} else if (v->u.map.vals[i]->kind != KDX_V_NULL) {
			check_value(c, &m, v->u.map.vals[i]);
		}
		c->path.len = base;
		c->path.buf[base] = '\0';
	}
	aws_member_iter it = aws_shape_members(s);
	aws_shape m;
	const char *name;
	while (aws_member_next(&it, &name, &m)) {
		const kdx_value *mv = kdx_value_get(v, name);
		if (aws_shape_is_required(s, name) &&
		    (!mv || (mv->kind == KDX_V_NULL && !c->unknown_nulls)) &&
		    !aws_shape_flag(&m, "idempotencyToken"))
			problem(c, "missing required parameter '%.*s%s%s'", (int)base, c->path.buf,
				base ? "." : "", name);
	}
}

static void check_value(check *c, const aws_shape *s, const kdx_value *v)
{
	bool ok = true;
	size_t base = c->path.len;
	check_range(c, s, v);
	switch (s->type) {
	case AWS_T_STRUCTURE:
		if (!(ok = v->kind == KDX_V_MAP))
			break;
		check_structure(c, s, v);
		return;
	case AWS_T_LIST:
		if (!(ok = v->kind == KDX_V_LIST))
			break;
		for (size_t i = 0; i < v->u.list.n; i++) {
			aws_shape m = aws_shape_list_member(s);
			strbuf_addf(&c->path, "[%zu]", i);
			check_value(c, &m, v->u.list.items[i]);
			c->path.len = base;
			c->path.buf[base] = '\0';
		}
		return;
	case AWS_T_MAP:
		if (!(ok = v->kind == KDX_V_MAP))
			break;
		for (size_t i = 0; i < v->u.map.n; i++) {
			aws_shape m = aws_shape_map_value(s);
			strbuf_addf(&c->path, ".%s", v->u.map.keys[i]);
			check_value(c, &m, v->u.map.vals[i]);
			c->path.len = base;
			c->path.buf[base] = '\0';
		}
		return;
	case AWS_T_STRING:
		ok = v->kind == KDX_V_STRING || v->kind == KDX_V_REGION;
		if (ok)
			check_enum(c, s, v);
		break;
	case AWS_T_INTEGER:
	case AWS_T_LONG:
		ok = v->kind == KDX_V_NUMBER && v->u.num == floor(v->u.num) &&
		     fabs(v->u.num) < 9.2e18;
		break;
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE:
		ok = v->kind == KDX_V_NUMBER;
		break;
	case AWS_T_BOOLEAN:
		ok = v->kind == KDX_V_BOOL;
		break;
	case AWS_T_TIMESTAMP: {
		int64_t secs;
		int us;
		ok = v->kind == KDX_V_NUMBER ||
		     (v->kind == KDX_V_STRING && aws_timestamp_parse(v->u.str.ptr, &secs, &us) == 0);
		break;
	}
	case AWS_T_BLOB:
		ok = v->kind == KDX_V_STRING;
		break;
	case AWS_T_DOCUMENT:
	case AWS_T_NONE:
		break;
	}
	if (!ok) {
		strbuf shown = STRBUF_INIT;
		kdx_value_format(&shown, v);
		if (shown.len > 40) {
			shown.len = 37;
			strbuf_addstr(&shown, "...");
		}
		problem(c, "parameter '%s' must be %s, not %s %s", c->path.buf, type_word(s->type),
			kdx_vkind_name(v->kind), shown.buf);
		strbuf_release(&shown);
	}
}

/* Route 53 returns ids as "/hostedzone/Z123" but wants "Z123" back; the SDKs strip the
 * prefix of these members, so runbooks can pass ids through unchanged. */
const kdx_value *aws_model_fix_input(const aws_model *m, const aws_shape *in, kdx_arena *a,
				     const kdx_value *v)
{
	static const char *const id_shapes[] = { "ResourceId", "DelegationSetId", "ChangeId" };
	if (!v || v->kind != KDX_V_MAP || strcmp(aws_model_service(m), "route53"))
		return v;
	kdx_value *copy = NULL;
	for (size_t i = 0; i < v->u.map.n; i++) {
		aws_shape m;
		const kdx_value *val = v->u.map.vals[i];
		if (!aws_shape_member(in, v->u.map.keys[i], &m) || val->kind != KDX_V_STRING)
			continue;
		for (size_t k = 0; k < 3; k++) {
			const char *slash = strrchr(val->u.str.ptr, '/');
			if (strcmp(m.name, id_shapes[k]) || !slash)
				continue;
			if (!copy) {
				copy = kdx_value_map(a, v->u.map.n);
				memcpy(copy->u.map.keys, v->u.map.keys, sizeof(char *) * v->u.map.n);
				memcpy(copy->u.map.vals, v->u.map.vals, sizeof(kdx_value *) * v->u.map.n);
			}
			copy->u.map.vals[i] = kdx_value_string(a, slash + 1);
		}
	}
	return copy ? copy : v;
}

int aws_model_validate(const aws_model *m, const char *operation, const kdx_value *input,
		       strbuf *err)
{
	return aws_model_check(m, operation, input, false, err);
}

int aws_model_check(const aws_model *m, const char *operation, const kdx_value *input,
		    bool unknown_nulls, strbuf *err)
{
	aws_operation op;
	if (aws_model_operation(m, operation, &op, err) < 0)
		return -1;
	if (input && input->kind != KDX_V_MAP) {
		strbuf_addf(err, "input of %s %s must be a map of parameters, not a %s",
			    aws_model_service(m), operation, kdx_vkind_name(input->kind));
		return -1;
	}
	check c = { .err = err, .unknown_nulls = unknown_nulls };
	strbuf_init(&c.path);
	if (op.input.type == AWS_T_NONE) {
		if (input && input->u.map.n)
			problem(&c, "operation %s takes no parameters, but got '%s'", operation,
				input->u.map.keys[0]);
	} else {
		kdx_value empty = { .kind = KDX_V_MAP };
		kdx_arena a;
		kdx_arena_init(&a);
		check_structure(&c, &op.input, input ? aws_model_fix_input(m, &op.input, &a, input)
						      : &empty);
		kdx_arena_release(&a);
	}
	strbuf_release(&c.path);
	return c.problems ? -1 : 0;
}
