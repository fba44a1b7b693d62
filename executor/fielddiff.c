/* fielddiff: align the maps of a dry run's mutating requests with the objects its reads
 * returned, and list the fields each request changes (fielddiff.h). */
#include "fielddiff.h"

#include "../common/strbuf.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void kdx_capture_init(kdx_capture *c)
{
	memset(c, 0, sizeof(*c));
}

void kdx_capture_release(kdx_capture *c)
{
	free(c->reads);
	free(c->writes);
	memset(c, 0, sizeof(*c));
}

void kdx_capture_reset(kdx_capture *c)
{
	c->nreads = c->nwrites = 0;
}

void kdx_capture_add(kdx_capture *c, bool write, const char *service, const char *op,
		     const char *region, const kdx_value *v)
{
	kdx_capture_item **a = write ? &c->writes : &c->reads;
	size_t *n = write ? &c->nwrites : &c->nreads, *cap = write ? &c->awrites : &c->areads;
	if (!v)
		return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*a = xrealloc(*a, *cap * sizeof(**a));
	}
	(*a)[(*n)++] = (kdx_capture_item){ service, op, region, v };
}

/* A key that names what an object is rather than how it is: a name, an id, an ARN, a record
 * type. Two maps that agree on one of these describe the same thing. */
static bool id_key(const char *k)
{
	static const char *const suffixes[] = { "Name", "Id", "Identifier", "Arn", "Type",
						"name", "id", "arn" };
	size_t n = strlen(k);
	/* most keys end otherwise: asked for every key of every object a plan aligns with */
	if (!n || !strchr("edrn", k[n - 1]))
		return false;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t m = strlen(suffixes[i]);
		if (n >= m && !strcmp(k + n - m, suffixes[i]))
			return true;
	}
	return false;
}

static bool is_str(const kdx_value *v)
{
	return v && (v->kind == KDX_V_STRING || v->kind == KDX_V_REGION);
}

static void json_text(strbuf *sb, const kdx_value *v)
{
	strbuf_reset(sb);
	kdx_value_to_json(sb, v);
}

/* Equal as AWS sees them: protocols send numbers and booleans as text ("4" is 4), so a
 * quoted JSON string equals the bare text it holds. */
static bool text_equal(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return true;
	size_t la = strlen(a), lb = strlen(b);
	if (la >= 2 && a[0] == '"' && a[la - 1] == '"' && !memchr(a, '\\', la))
		return lb == la - 2 && !memcmp(a + 1, b, lb);
	if (lb >= 2 && b[0] == '"' && b[lb - 1] == '"' && !memchr(b, '\\', lb))
		return la == lb - 2 && !memcmp(b + 1, a, la);
	return false;
}

/* What a value's JSON text is (kdx_value_to_json): 0 for those whose text is not worked out
 * here (durations and non-finite numbers, written as strings). */
static char jkind(const kdx_value *v)
{
	switch (v->kind) {
	case KDX_V_NULL: return 'z';
	case KDX_V_BOOL: return 'b';
	case KDX_V_NUMBER:
	case KDX_V_PERCENT: return isfinite(v->u.num) ? 'n' : 0;
	case KDX_V_STRING:
	case KDX_V_REGION: return 's';
	case KDX_V_LIST: return 'l';
	case KDX_V_MAP: return 'm';
	default: return 0;
	}
}

static bool text_same(const kdx_value *a, const kdx_value *b, bool lenient)
{
	strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	json_text(&x, a);
	json_text(&y, b);
	bool eq = lenient ? text_equal(x.buf, y.buf) : !strcmp(x.buf, y.buf);
	strbuf_release(&x);
	strbuf_release(&y);
	return eq;
}

/* Whether a and b have the same JSON text, without writing it: a JSON text has one parse, so
 * two are equal exactly when their types are and, member by member, their keys and values
 * are (a finite number's text is its shortest round trip: equal texts, equal numbers). This
 * compare runs for every field of every object a plan aligns a request with. */
static bool json_same(const kdx_value *a, const kdx_value *b)
{
	char ka = jkind(a), kb = jkind(b);
	if (!ka || !kb)
		return text_same(a, b, false);
	if (ka != kb)
		return false;
	switch (ka) {
	case 'b': return a->u.b == b->u.b;
	case 'n': return a->u.num == b->u.num;
	case 's':
		return a->u.str.len == b->u.str.len &&
		       !memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len);
	case 'l':
		if (a->u.list.n != b->u.list.n)
			return false;
		for (size_t i = 0; i < a->u.list.n; i++)
			if (!json_same(a->u.list.items[i], b->u.list.items[i]))
				return false;
		return true;
	case 'm':
		if (a->u.map.n != b->u.map.n)
			return false;
		for (size_t i = 0; i < a->u.map.n; i++)
			if (strcmp(a->u.map.keys[i], b->u.map.keys[i]) ||
			    !json_same(a->u.map.vals[i], b->u.map.vals[i]))
				return false;
		return true;
	default: return true; /* null */
	}
}

/* Equal as AWS sees them (text_equal). Only a string's text begins with a quote, so the
 * leniency matters only when one side is a string and the other is not. */
static bool same(const kdx_value *a, const kdx_value *b)
{
	char ka = jkind(a), kb = jkind(b);
	if (ka && kb && (ka == 's') == (kb == 's'))
		return json_same(a, b);
	return text_same(a, b, true);
}

static size_t leaves(const kdx_value *v)
{
	if (v->kind != KDX_V_MAP)
		return 1;
	size_t n = 0;
	for (size_t i = 0; i < v->u.map.n; i++)
		n += leaves(v->u.map.vals[i]);
	return n;
}

/* How well a request map matches a read object: fields it restates with the same value,
 * plus name/id/ARN values it shares under another key (an ECS UpdateService's `service`
 * is the describe's serviceName). Sets *identified when some identity agrees and
 * *restated to the fields both name. */
static int score(const kdx_value *req, const kdx_value *obj, bool *identified, int *restated)
{
	int s = 0;
	*identified = false;
	*restated = 0;
	for (size_t i = 0; i < req->u.map.n; i++) {
		const char *k = req->u.map.keys[i];
		const kdx_value *r = req->u.map.vals[i], *o = kdx_value_get(obj, k);
		if (o) {
			++*restated;
			if (same(r, o)) {
				s++;
				if (id_key(k) && is_str(r))
					*identified = true;
			}
		}
		if (!is_str(r) || r->u.str.len < 3)
			continue;
		for (size_t j = 0; j < obj->u.map.n; j++) {
			const kdx_value *ov = obj->u.map.vals[j];
			/* the value first: it tells most pairs apart at its first byte */
			if (is_str(ov) && ov->u.str.ptr[0] == r->u.str.ptr[0] &&
			    !strcmp(ov->u.str.ptr, r->u.str.ptr) && strcmp(obj->u.map.keys[j], k) &&
			    id_key(obj->u.map.keys[j])) {
				s++;
				*identified = true;
			}
		}
	}
	return s;
}

/* A JSON value from its text: kdx_json_parse wants a document that ends itself, which a bare
 * number does not, so it is read as the one element of an array. */
static kdx_json *json_value(const char *text)
{
	strbuf a = STRBUF_INIT, perr = STRBUF_INIT;
	strbuf_addf(&a, "[%s]", text);
	kdx_json *arr = kdx_json_parse(a.buf, a.len, &perr);
	kdx_json *v = kdx_json_copy(kdx_json_at(arr, 0));
	kdx_json_free(arr);
	strbuf_release(&a);
	strbuf_release(&perr);
	return v;
}

static void set_value(kdx_json *o, const char *key, const char *text)
{
	kdx_json *v = json_value(text);
	if (v)
		kdx_json_set(o, key, v);
	else /* JSON null is json-c's NULL */
		kdx_json_set_str_or_null(o, key, NULL);
}

typedef struct dctx {
	const kdx_capture *c;
	kdx_json *predicted, *out;
	const kdx_capture_item *w;
	size_t changed;
} dctx;

/* The best read object a request map restates, or NULL. */
static const kdx_value *align(const dctx *d, const kdx_value *req, const kdx_value *v,
			      const kdx_value *best, int *best_score)
{
	if (v->kind == KDX_V_LIST) {
		for (size_t i = 0; i < v->u.list.n; i++)
			best = align(d, req, v->u.list.items[i], best, best_score);
		return best;
	}
	if (v->kind != KDX_V_MAP)
		return best;
	bool ident;
	int restated, s = score(req, v, &ident, &restated);
	if (ident && restated > 0 && s > *best_score) {
		*best_score = s;
		best = v;
	}
	for (size_t i = 0; i < v->u.map.n; i++)
		best = align(d, req, v->u.map.vals[i], best, best_score);
	return best;
}

/* A key that is a reference to another object (HealthCheckId), not this one's name. */
static bool ref_key(const char *k)
{
	size_t n = strlen(k);
	return n >= 2 && (!strcmp(k + n - 2, "Id") || !strcmp(k + n - 2, "id"));
}

/* How the plan names the object: the names, identifiers, ARNs and types the request and the
 * object agree on (ids only when nothing else names it: a record set's HealthCheckId is a
 * reference, not its name). */
static void object_id(strbuf *id, const kdx_value *req, const kdx_value *obj)
{
	for (int pass = 0; pass < 2 && !id->len; pass++)
		for (size_t i = 0; i < req->u.map.n; i++) {
			const char *k = req->u.map.keys[i];
			const kdx_value *r = req->u.map.vals[i], *o = kdx_value_get(obj, k);
			if (id_key(k) && (pass || !ref_key(k)) && is_str(r) && o && same(r, o))
				strbuf_addf(id, "%s%s=%s", id->len ? " " : "", k, r->u.str.ptr);
		}
	if (id->len)
		return;
	for (size_t j = 0; j < obj->u.map.n; j++) /* identified under another key */
		if (id_key(obj->u.map.keys[j]) && is_str(obj->u.map.vals[j])) {
			strbuf_addf(id, "%s=%s", obj->u.map.keys[j], obj->u.map.vals[j]->u.str.ptr);
			return;
		}
}

/* Push the fields of req that differ from obj (nested maps by path "A.B"). */
static void fields(dctx *d, const char *prefix, const kdx_value *req, const kdx_value *obj,
		   kdx_json *pred, kdx_json *arr, size_t *n, bool *any_pred)
{
	strbuf path = STRBUF_INIT, before = STRBUF_INIT, after = STRBUF_INIT;
	for (size_t i = 0; i < req->u.map.n; i++) {
		const char *k = req->u.map.keys[i];
		const kdx_value *r = req->u.map.vals[i], *o = kdx_value_get(obj, k);
		/* a parameter of the request (ApplyImmediately), not a field of the state; or a
		 * member left out (null is not sent) */
		if (!o || r->kind == KDX_V_NULL)
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s%s%s", prefix, *prefix ? "." : "", k);
		if (r->kind == KDX_V_MAP && o->kind == KDX_V_MAP) {
			fields(d, path.buf, r, o, pred, arr, n, any_pred);
			continue;
		}
		const char *p = pred ? kdx_json_str(pred, path.buf) : NULL;
		json_text(&before, o);
		if (p) {
			strbuf_reset(&before);
			strbuf_addstr(&before, p);
		}
		json_text(&after, r);
		if (text_equal(before.buf, after.buf))
			continue;
		kdx_json *f = kdx_json_object();
		kdx_json_set_str(f, "field", path.buf);
		set_value(f, "before", before.buf);
		set_value(f, "after", after.buf);
		kdx_json_set_bool(f, "predicted", p != NULL);
		kdx_json_push(arr, f);
		if (pred)
			kdx_json_set_str(pred, path.buf, after.buf);
		*any_pred |= p != NULL;
		++*n;
	}
	strbuf_release(&path);
	strbuf_release(&before);
	strbuf_release(&after);
}

static void entry(dctx *d, const kdx_value *req, const kdx_value *obj)
{
	strbuf id = STRBUF_INIT, key = STRBUF_INIT;
	object_id(&id, req, obj);
	kdx_json *e = kdx_json_object();
	strbuf_addf(&key, "%s %s", d->w->service, d->w->op);
	kdx_json_set_str(e, "request", key.buf);
	kdx_json_set_str_or_null(e, "region", d->w->region);
	kdx_json_set_str(e, "object", id.buf);
	strbuf_reset(&key);
	strbuf_addf(&key, "%s %s", d->w->region ? d->w->region : "-", id.buf);
	kdx_json *pred = NULL;
	if (d->predicted) {
		pred = (kdx_json *)kdx_json_get(d->predicted, key.buf);
		if (!pred)
			pred = kdx_json_set_object(d->predicted, key.buf);
	}
	kdx_json *arr = kdx_json_set_array(e, "fields");
	size_t n = 0;
	bool any_pred = false;
	fields(d, "", req, obj, pred, arr, &n, &any_pred);
	size_t total = leaves(obj);
	kdx_json_set_int(e, "unchanged", (int64_t)(total > n ? total - n : 0));
	kdx_json_set_bool(e, "predicted", any_pred);
	kdx_json_push(d->out, e);
	d->changed += n;
	strbuf_release(&id);
	strbuf_release(&key);
}

static bool same_region(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Align every map of a request, outermost first: a map that restates an object is diffed
 * whole (its nested maps by path); one that does not is looked into. */
static bool walk(dctx *d, const kdx_value *v)
{
	bool any = false;
	if (v->kind == KDX_V_LIST) {
		for (size_t i = 0; i < v->u.list.n; i++)
			any |= walk(d, v->u.list.items[i]);
		return any;
	}
	if (v->kind != KDX_V_MAP)
		return false;
	const kdx_value *best = NULL;
	int best_score = 0;
	/* only what was read in the request's region: a primary and a secondary often share
	 * every name (an ECS service "web" in each region) */
	for (size_t i = 0; i < d->c->nreads; i++)
		if (same_region(d->c->reads[i].region, d->w->region))
			best = align(d, v, d->c->reads[i].v, best, &best_score);
	if (best) {
		entry(d, v, best);
		return true;
	}
	for (size_t i = 0; i < v->u.map.n; i++)
		any |= walk(d, v->u.map.vals[i]);
	return any;
}

size_t kdx_fdiff(const kdx_capture *c, kdx_json *predicted, kdx_json *out)
{
	dctx d = { .c = c, .predicted = predicted, .out = out };
	for (size_t i = 0; i < c->nwrites; i++) {
		d.w = &c->writes[i];
		if (walk(&d, d.w->v))
			continue;
		strbuf key = STRBUF_INIT;
		strbuf_addf(&key, "%s %s", d.w->service, d.w->op);
		kdx_json *e = kdx_json_object();
		kdx_json_set_str(e, "request", key.buf);
		kdx_json_set_str_or_null(e, "region", d.w->region);
		kdx_json_set_str_or_null(e, "object", NULL);
		kdx_json_set_array(e, "fields");
		kdx_json_set_int(e, "unchanged", 0);
		kdx_json_set_bool(e, "predicted", false);
		kdx_json_push(out, e);
		strbuf_release(&key);
	}
	return d.changed;
}
