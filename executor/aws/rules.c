/* rules: a small evaluator of the SDKs' endpoint rule sets (Smithy rules engine), read in
 * place from their packed form; the semantics are botocore's (endpoint_provider.py): rules
 * in order, the first whose conditions all hold decides; a condition holds unless it gives
 * false or nothing; `assign` binds a condition's value for the rest of its rule; a tree
 * rule whose sub-rules all fail lets the next rule try. */
#include "rules.h"
#include "../../common/xalloc.h"

#include <ctype.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any published rule set nests (S3: 12); bounds the recursion on bad input. */
#define RULES_MAX_DEPTH 64

typedef struct scope {
	const char **names;
	kdx_value **vals;
	size_t n, alloc;
} scope;

typedef struct ev {
	const aws_mpack *p;
	kdx_arena *a;
	scope vars;
	strbuf *err;
	int failed; /* the rule set is malformed: err says how */
	int depth;
} ev;

bool aws_rules_find(const char *name, aws_mpack *out)
{
	for (size_t i = 0; name && i < aws_mpack_nrulesets; i++) {
		const aws_mpack_builtin *b = &aws_mpack_rulesets[i];
		aws_mpack p = { b->words, b->strs };
		const aws_mnode *kdx = aws_mnode_get(&p, aws_mpack_root(&p), "kdx");
		const char *prefix = aws_mnode_str(&p, aws_mnode_get(&p, kdx, "endpointPrefix"));
		if (kdx && (!strcmp(b->service, name) || (prefix && !strcmp(prefix, name)))) {
			*out = p;
			return true;
		}
	}
	return false;
}

/* Elements of an array; 0 for anything else (an object where the rule set wants an
 * array has members, not elements). */
static size_t arr_len(const aws_mpack *p, const aws_mnode *n)
{
	return aws_mnode_kind(n) == AWS_MN_ARRAY ? aws_mnode_len(p, n) : 0;
}

static void bad(ev *e, const char *what)
{
	if (!e->failed++)
		strbuf_addf(e->err, "the endpoint rule set cannot be read: %s", what);
}

static kdx_value *lookup(const ev *e, const char *name, size_t n)
{
	for (size_t i = e->vars.n; i-- > 0;)
		if (strlen(e->vars.names[i]) == n && !strncmp(e->vars.names[i], name, n))
			return e->vars.vals[i];
	return NULL;
}

static void bind(ev *e, const char *name, kdx_value *v)
{
	XGROW(e->vars.names, e->vars.n + 1, e->vars.alloc);
	e->vars.vals = xrealloc(e->vars.vals, e->vars.alloc * sizeof(*e->vars.vals));
	e->vars.names[e->vars.n] = name;
	e->vars.vals[e->vars.n++] = v;
}

static bool is_str(const kdx_value *v) { return v && v->kind == KDX_V_STRING; }
static bool is_true(const kdx_value *v) { return v && v->kind == KDX_V_BOOL && v->u.b; }

/* getAttr's path: "a.b", "resourceId[1]", "[0]"; nothing when a step is missing. */
static kdx_value *get_attr(kdx_value *v, const char *path)
{
	const char *p = path;
	while (v && *p) {
		size_t n = strcspn(p, ".[");
		if (n) {
			char *key = xstrndup(p, n);
			v = v->kind == KDX_V_MAP ? kdx_value_get(v, key) : NULL;
			free(key);
			p += n;
		}
		if (v && *p == '[') {
			char *end;
			unsigned long i = strtoul(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || v->kind != KDX_V_LIST || i >= v->u.list.n)
				return NULL;
			v = v->u.list.items[i];
			p = end + 1;
		}
		if (*p == '.')
			p++;
		else if (*p && *p != '[')
			return NULL;
	}
	return v;
}

/* "https://{Region}.{PartitionResult#dnsSuffix}" with "{{" and "}}" for braces. */
static kdx_value *template(ev *e, const char *s)
{
	if (!strchr(s, '{') && !strchr(s, '}'))
		return kdx_value_string(e->a, s);
	strbuf out = STRBUF_INIT;
	for (const char *c = s; *c; c++) {
		if ((c[0] == '{' && c[1] == '{') || (c[0] == '}' && c[1] == '}')) {
			strbuf_addch(&out, *c++);
			continue;
		}
		if (*c != '{') {
			strbuf_addch(&out, *c);
			continue;
		}
		const char *close = strchr(c, '}');
		if (!close) {
			bad(e, "an unclosed '{' in a template");
			break;
		}
		size_t n = (size_t)(close - c - 1);
		const char *hash = memchr(c + 1, '#', n);
		kdx_value *v = lookup(e, c + 1, hash ? (size_t)(hash - c - 1) : n);
		if (hash) {
			char *path = xstrndup(hash + 1, (size_t)(close - hash - 1));
			v = get_attr(v, path);
			free(path);
		}
		if (!is_str(v)) {
			bad(e, "a template names a value that is not a string");
			break;
		}
		strbuf_add(&out, v->u.str.ptr, v->u.str.len);
		c = close;
	}
	kdx_value *v = kdx_value_stringn(e->a, out.buf, out.len);
	strbuf_release(&out);
	return v;
}

static kdx_value *eval(ev *e, const aws_mnode *n);

bool aws_host_label(const char *s, size_t n)
{
	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/* isValidHostLabel: one label, or with subdomains each dot-separated label. */
static bool valid_host_label(const kdx_value *v, bool subdomains)
{
	if (!is_str(v))
		return false;
	const char *s = v->u.str.ptr;
	if (!subdomains)
		return aws_host_label(s, v->u.str.len);
	for (;;) {
		size_t n = strcspn(s, ".");
		if (!aws_host_label(s, n))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

static bool ipv4(const char *s, size_t n)
{
	int parts = 0;
	size_t i = 0;
	while (i < n) {
		size_t d = 0;
		int val = 0;
		while (i < n && isdigit((unsigned char)s[i]) && d < 4) {
			val = val * 10 + (s[i++] - '0');
			d++;
		}
		if (!d || val > 255 || ++parts > 4)
			return false;
		if (i < n && s[i++] != '.')
			return false;
		if (i == n && s[n - 1] == '.')
			return false;
	}
	return parts == 4;
}

/* aws.isVirtualHostableS3Bucket: a valid host name (label or labels), lower case, at least
 * 3 characters, not an IPv4 address. */
static bool s3_bucket(const kdx_value *v, bool subdomains)
{
	if (!is_str(v) || v->u.str.len < 3 || ipv4(v->u.str.ptr, v->u.str.len))
		return false;
	for (const char *c = v->u.str.ptr; *c; c++)
		if (isupper((unsigned char)*c))
			return false;
	return valid_host_label(v, subdomains);
}

static kdx_value *map_of(kdx_arena *a, size_t n, const char *const *keys, kdx_value *const *vals)
{
	kdx_value *m = kdx_value_map(a, n);
	for (size_t i = 0; i < n; i++) {
		m->u.map.keys[i] = keys[i];
		m->u.map.vals[i] = vals[i];
	}
	return m;
}

/* parseURL: http(s) URLs without a query; nothing otherwise. */
static kdx_value *parse_url(kdx_arena *a, const kdx_value *v)
{
	if (!is_str(v))
		return NULL;
	const char *s = v->u.str.ptr, *sep = strstr(s, "://");
	if (!sep || strchr(s, '?') || strchr(s, '#'))
		return NULL;
	size_t sl = (size_t)(sep - s);
	if (!((sl == 4 && !strncmp(s, "http", 4)) || (sl == 5 && !strncmp(s, "https", 5))))
		return NULL;
	const char *auth = sep + 3;
	size_t al = strcspn(auth, "/");
	if (!al)
		return NULL;
	const char *path = auth + al;
	/* the host without the port: an IPv4 literal, or an IPv6 one in brackets */
	size_t hl = al;
	if (auth[0] == '[') {
		const char *close = memchr(auth, ']', al);
		if (!close)
			return NULL;
		hl = (size_t)(close - auth) + 1;
	} else if (memchr(auth, ':', al)) {
		hl = (size_t)((const char *)memchr(auth, ':', al) - auth);
	}
	if (hl < al && (auth[hl] != ':' || strspn(auth + hl + 1, "0123456789") != al - hl - 1))
		return NULL;
	bool is_ip = auth[0] == '[' || ipv4(auth, hl);
	strbuf norm = STRBUF_INIT;
	if (*path != '/')
		strbuf_addch(&norm, '/');
	strbuf_addstr(&norm, path);
	if (norm.buf[norm.len - 1] != '/')
		strbuf_addch(&norm, '/');
	static const char *const keys[] = { "scheme", "authority", "path", "normalizedPath", "isIp" };
	kdx_value *vals[] = {
		kdx_value_stringn(a, s, sl), kdx_value_stringn(a, auth, al), kdx_value_string(a, path),
		kdx_value_string(a, norm.buf), kdx_value_bool(a, is_ip),
	};
	strbuf_release(&norm);
	return map_of(a, 5, keys, vals);
}

/* substring(s, start, stop, reverse): ASCII only; nothing when out of range. */
static kdx_value *substring(kdx_arena *a, const kdx_value *s, const kdx_value *start,
			    const kdx_value *stop, const kdx_value *rev)
{
	if (!is_str(s) || !start || start->kind != KDX_V_NUMBER || !stop ||
	    stop->kind != KDX_V_NUMBER)
		return NULL;
	size_t len = s->u.str.len;
	double b = start->u.num, e = stop->u.num;
	if (b < 0 || e > (double)len || b >= e)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s->u.str.ptr[i] >= 0x80)
			return NULL;
	size_t from = (size_t)b, to = (size_t)e;
	if (is_true(rev)) {
		from = len - (size_t)e;
		to = len - (size_t)b;
	}
	return kdx_value_stringn(a, s->u.str.ptr + from, to - from);
}

static kdx_value *uri_encode(kdx_arena *a, const kdx_value *v)
{
	if (!is_str(v))
		return NULL;
	strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < v->u.str.len; i++) {
		unsigned char c = (unsigned char)v->u.str.ptr[i];
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			strbuf_addch(&out, (char)c);
		else
			strbuf_addf(&out, "%%%02X", c);
	}
	kdx_value *r = kdx_value_stringn(a, out.buf, out.len);
	strbuf_release(&out);
	return r;
}

/* aws.parseArn: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, the resource split on ':'
 * and '/'; nothing when it is not an ARN. */
static kdx_value *parse_arn(kdx_arena *a, const kdx_value *v)
{
	if (!is_str(v) || strncmp(v->u.str.ptr, "arn:", 4))
		return NULL;
	const char *f[5], *p = v->u.str.ptr + 4;
	size_t fl[5];
	for (int i = 0; i < 4; i++) {
		const char *c = strchr(p, ':');
		if (!c)
			return NULL;
		f[i] = p;
		fl[i] = (size_t)(c - p);
		p = c + 1;
	}
	if (!fl[0] || !fl[1] || !*p)
		return NULL;
	size_t nparts = 1;
	for (const char *c = p; *c; c++)
		nparts += *c == ':' || *c == '/';
	kdx_value *ids = kdx_value_list(a, nparts);
	for (size_t i = 0; i < nparts; i++) {
		size_t n = strcspn(p, ":/");
		ids->u.list.items[i] = kdx_value_stringn(a, p, n);
		p += n + (p[n] != '\0');
	}
	static const char *const keys[] = { "partition", "service", "region", "accountId",
					    "resourceId" };
	kdx_value *vals[] = {
		kdx_value_stringn(a, f[0], fl[0]), kdx_value_stringn(a, f[1], fl[1]),
		kdx_value_stringn(a, f[2], fl[2]), kdx_value_stringn(a, f[3], fl[3]), ids,
	};
	(void)f[4];
	(void)fl[4];
	return map_of(a, 5, keys, vals);
}

/* The packed partitions.json. */
static bool partitions(aws_mpack *p)
{
	for (size_t i = 0; i < aws_mpack_nrulesets; i++)
		if (!strcmp(aws_mpack_rulesets[i].service, "partitions")) {
			p->words = aws_mpack_rulesets[i].words;
			p->strs = aws_mpack_rulesets[i].strs;
			return true;
		}
	return false;
}

/* botocore's regionRegex is a Python regex; \d, \w and \- become POSIX classes. The
 * partitions are built in and never change, so their regexes are compiled once per
 * process (pthread_once): read-only after that, shared by every thread. */
#define MAX_PARTITIONS 32
static regex_t part_rx[MAX_PARTITIONS];
static bool part_rx_ok[MAX_PARTITIONS];
static pthread_once_t part_rx_once = PTHREAD_ONCE_INIT;

static void compile_regexes(void)
{
	aws_mpack p;
	if (!partitions(&p))
		return;
	const aws_mnode *list = aws_mnode_get(&p, aws_mpack_root(&p), "partitions");
	for (size_t i = 0; i < arr_len(&p, list) && i < MAX_PARTITIONS; i++) {
		const char *re = aws_mnode_str(&p, aws_mnode_get(&p, aws_mnode_at(&p, list, i),
								 "regionRegex"));
		if (!re)
			continue;
		strbuf posix = STRBUF_INIT;
		for (const char *c = re; *c; c++) {
			if (*c == '\\' && c[1] == 'd')
				strbuf_addstr(&posix, "[0-9]");
			else if (*c == '\\' && c[1] == 'w')
				strbuf_addstr(&posix, "[A-Za-z0-9_]");
			else if (*c == '\\' && c[1])
				strbuf_addf(&posix, "[%c]", c[1]);
			else
				strbuf_addch(&posix, *c);
			c += *c == '\\' && c[1];
		}
		part_rx_ok[i] = regcomp(&part_rx[i], posix.buf, REG_EXTENDED | REG_NOSUB) == 0;
		strbuf_release(&posix);
	}
}

static bool region_matches(size_t partition, const char *region)
{
	pthread_once(&part_rx_once, compile_regexes);
	return partition < MAX_PARTITIONS && part_rx_ok[partition] &&
	       regexec(&part_rx[partition], region, 0, NULL, 0) == 0;
}

static kdx_value *mnode_value(kdx_arena *a, const aws_mpack *p, const aws_mnode *n)
{
	switch (aws_mnode_kind(n)) {
	case AWS_MN_BOOL: return kdx_value_bool(a, aws_mnode_bool(p, n));
	case AWS_MN_NUMBER: return kdx_value_number(a, aws_mnode_num(p, n));
	case AWS_MN_STRING: return kdx_value_string(a, aws_mnode_str(p, n));
	default: return kdx_value_null(a);
	}
}

kdx_value *aws_rules_partition(kdx_arena *a, const char *region)
{
	aws_mpack p;
	if (!region || !partitions(&p))
		return NULL;
	const aws_mnode *list = aws_mnode_get(&p, aws_mpack_root(&p), "partitions");
	size_t n = arr_len(&p, list);
	const aws_mnode *hit = NULL, *over = NULL;
	for (size_t i = 0; i < n && !hit; i++) {
		const aws_mnode *pt = aws_mnode_at(&p, list, i);
		const aws_mnode *r = aws_mnode_get(&p, aws_mnode_get(&p, pt, "regions"), region);
		if (r) {
			hit = pt;
			over = r;
		}
	}
	for (size_t i = 0; i < n && !hit; i++) {
		if (region_matches(i, region))
			hit = aws_mnode_at(&p, list, i);
	}
	for (size_t i = 0; i < n && !hit; i++) {
		const aws_mnode *pt = aws_mnode_at(&p, list, i);
		const char *id = aws_mnode_str(&p, aws_mnode_get(&p, pt, "id"));
		if (id && !strcmp(id, "aws"))
			hit = pt;
	}
	if (!hit)
		return NULL;
	const aws_mnode *outs = aws_mnode_get(&p, hit, "outputs"), *val;
	size_t no = aws_mnode_len(&p, outs);
	kdx_value *m = kdx_value_map(a, no);
	for (size_t i = 0; i < no; i++) {
		const char *key = aws_mnode_member(&p, outs, i, &val);
		const aws_mnode *o = aws_mnode_get(&p, over, key);
		m->u.map.keys[i] = key;
		m->u.map.vals[i] = mnode_value(a, &p, o ? o : val);
	}
	/* the partition's id is its "name", the rule sets' key for it */
	kdx_value *id = kdx_value_string(a, aws_mnode_str(&p, aws_mnode_get(&p, hit, "id")));
	for (size_t i = 0; i < no; i++)
		if (!strcmp(m->u.map.keys[i], "name"))
			m->u.map.vals[i] = id;
	if (!kdx_value_get(m, "name")) {
		kdx_value *m2 = kdx_value_map(a, no + 1);
		memcpy(m2->u.map.keys, m->u.map.keys, no * sizeof(*m->u.map.keys));
		memcpy(m2->u.map.vals, m->u.map.vals, no * sizeof(*m->u.map.vals));
		m2->u.map.keys[no] = "name";
		m2->u.map.vals[no] = id;
		m = m2;
	}
	return m;
}

static bool streq(const kdx_value *x, const kdx_value *y)
{
	return is_str(x) && is_str(y) && kdx_value_equal(x, y);
}

static kdx_value *call(ev *e, const aws_mnode *n)
{
	const aws_mpack *p = e->p;
	const char *fn = aws_mnode_str(p, aws_mnode_get(p, n, "fn"));
	const aws_mnode *argv = aws_mnode_get(p, n, "argv");
	size_t argc = aws_mnode_len(p, argv);
	kdx_value *args[4] = { NULL, NULL, NULL, NULL };
	if (!fn || aws_mnode_kind(argv) != AWS_MN_ARRAY || argc > 4) {
		bad(e, "a function call without 'fn' and 'argv'");
		return NULL;
	}
	for (size_t i = 0; i < argc; i++)
		args[i] = eval(e, aws_mnode_at(p, argv, i));
	kdx_arena *a = e->a;
	kdx_value *x = args[0], *y = args[1];
	if (!strcmp(fn, "isSet"))
		return kdx_value_bool(a, x && x->kind != KDX_V_NULL);
	if (!strcmp(fn, "not"))
		return kdx_value_bool(a, !is_true(x));
	if (!strcmp(fn, "booleanEquals"))
		return kdx_value_bool(a, x && y && x->kind == KDX_V_BOOL && y->kind == KDX_V_BOOL &&
					 x->u.b == y->u.b);
	if (!strcmp(fn, "stringEquals"))
		return kdx_value_bool(a, streq(x, y));
	if (!strcmp(fn, "getAttr"))
		return is_str(y) ? get_attr(x, y->u.str.ptr) : NULL;
	if (!strcmp(fn, "substring"))
		return substring(a, x, y, args[2], args[3]);
	if (!strcmp(fn, "uriEncode"))
		return uri_encode(a, x);
	if (!strcmp(fn, "parseURL"))
		return parse_url(a, x);
	if (!strcmp(fn, "isValidHostLabel"))
		return kdx_value_bool(a, valid_host_label(x, is_true(y)));
	if (!strcmp(fn, "aws.partition"))
		return is_str(x) ? aws_rules_partition(a, x->u.str.ptr) : NULL;
	if (!strcmp(fn, "aws.parseArn"))
		return parse_arn(a, x);
	if (!strcmp(fn, "aws.isVirtualHostableS3Bucket"))
		return kdx_value_bool(a, s3_bucket(x, is_true(y)));
	strbuf m = STRBUF_INIT;
	strbuf_addf(&m, "unknown function '%s'", fn);
	bad(e, m.buf);
	strbuf_release(&m);
	return NULL;
}

/* An expression: a literal (strings are templates), {"ref": NAME}, {"fn": ...}, or an
 * object/array of those (endpoint properties). */
static kdx_value *eval(ev *e, const aws_mnode *n)
{
	const aws_mpack *p = e->p;
	kdx_value *v = NULL;
	if (e->failed)
		return NULL;
	if (++e->depth > RULES_MAX_DEPTH) {
		bad(e, "nested too deeply");
		e->depth--;
		return NULL;
	}
	switch (aws_mnode_kind(n)) {
	case AWS_MN_STRING:
		v = template(e, aws_mnode_str(p, n));
		break;
	case AWS_MN_BOOL:
	case AWS_MN_NUMBER:
		v = mnode_value(e->a, p, n);
		break;
	case AWS_MN_ARRAY: {
		size_t len = aws_mnode_len(p, n);
		v = kdx_value_list(e->a, len);
		for (size_t i = 0; i < len; i++) {
			v->u.list.items[i] = eval(e, aws_mnode_at(p, n, i));
			if (!v->u.list.items[i])
				v->u.list.items[i] = kdx_value_null(e->a);
		}
		break;
	}
	case AWS_MN_OBJECT: {
		const aws_mnode *ref = aws_mnode_get(p, n, "ref");
		if (ref) {
			const char *name = aws_mnode_str(p, ref);
			v = name ? lookup(e, name, strlen(name)) : NULL;
			break;
		}
		if (aws_mnode_get(p, n, "fn")) {
			v = call(e, n);
			break;
		}
		size_t len = aws_mnode_len(p, n);
		v = kdx_value_map(e->a, len);
		for (size_t i = 0; i < len; i++) {
			const aws_mnode *mv;
			v->u.map.keys[i] = aws_mnode_member(p, n, i, &mv);
			v->u.map.vals[i] = eval(e, mv);
			if (!v->u.map.vals[i])
				v->u.map.vals[i] = kdx_value_null(e->a);
		}
		break;
	}
	default:
		break;
	}
	e->depth--;
	return v;
}

typedef enum { R_NONE, R_ENDPOINT, R_ERROR } rule_result;

static rule_result rules(ev *e, const aws_mnode *list, aws_rules_endpoint *out);

static rule_result rule(ev *e, const aws_mnode *r, aws_rules_endpoint *out)
{
	const aws_mpack *p = e->p;
	const aws_mnode *conds = aws_mnode_get(p, r, "conditions");
	for (size_t i = 0; i < arr_len(p, conds); i++) {
		const aws_mnode *c = aws_mnode_at(p, conds, i);
		kdx_value *v = call(e, c);
		const char *as = aws_mnode_str(p, aws_mnode_get(p, c, "assign"));
		if (as && v)
			bind(e, as, v);
		if (e->failed || !v || v->kind == KDX_V_NULL ||
		    (v->kind == KDX_V_BOOL && !v->u.b))
			return R_NONE;
	}
	const char *type = aws_mnode_str(p, aws_mnode_get(p, r, "type"));
	if (type && !strcmp(type, "tree")) {
		if (++e->depth > RULES_MAX_DEPTH) {
			bad(e, "nested too deeply");
			return R_NONE;
		}
		rule_result res = rules(e, aws_mnode_get(p, r, "rules"), out);
		e->depth--;
		return res;
	}
	if (type && !strcmp(type, "error")) {
		kdx_value *msg = eval(e, aws_mnode_get(p, r, "error"));
		if (e->failed)
			return R_NONE;
		strbuf_addstr(e->err, is_str(msg) ? msg->u.str.ptr : "endpoint rule error");
		return R_ERROR;
	}
	if (type && !strcmp(type, "endpoint")) {
		const aws_mnode *ep = aws_mnode_get(p, r, "endpoint");
		kdx_value *url = eval(e, aws_mnode_get(p, ep, "url"));
		kdx_value *props = eval(e, aws_mnode_get(p, ep, "properties"));
		kdx_value *hdrs = eval(e, aws_mnode_get(p, ep, "headers"));
		if (e->failed)
			return R_NONE;
		if (!is_str(url)) {
			bad(e, "an endpoint without a URL");
			return R_NONE;
		}
		out->url = url->u.str.ptr;
		out->properties = props && props->kind == KDX_V_MAP && props->u.map.n ? props : NULL;
		out->headers = hdrs && hdrs->kind == KDX_V_MAP && hdrs->u.map.n ? hdrs : NULL;
		return R_ENDPOINT;
	}
	bad(e, "a rule of unknown type");
	return R_NONE;
}

static rule_result rules(ev *e, const aws_mnode *list, aws_rules_endpoint *out)
{
	for (size_t i = 0; i < arr_len(e->p, list) && !e->failed; i++) {
		size_t keep = e->vars.n; /* a rule's assignments end with it */
		rule_result r = rule(e, aws_mnode_at(e->p, list, i), out);
		e->vars.n = keep;
		if (r != R_NONE)
			return r;
	}
	return R_NONE;
}

static const char *type_name(kdx_vkind k)
{
	return k == KDX_V_BOOL ? "boolean" : k == KDX_V_STRING ? "string" :
	       k == KDX_V_LIST ? "stringArray" : kdx_vkind_name(k);
}

/* Bind every declared parameter: the caller's value, else the default. */
static int bind_params(ev *e, const kdx_value *params)
{
	const aws_mpack *p = e->p;
	const aws_mnode *decl = aws_mnode_get(p, aws_mpack_root(p), "parameters"), *d;
	if (aws_mnode_kind(decl) != AWS_MN_OBJECT) {
		bad(e, "no parameters");
		return -1;
	}
	for (size_t i = 0; i < aws_mnode_len(p, decl); i++) {
		const char *name = aws_mnode_member(p, decl, i, &d);
		const char *type = aws_mnode_str(p, aws_mnode_get(p, d, "type"));
		kdx_value *v = kdx_value_get(params, name);
		if (v && v->kind == KDX_V_NULL)
			v = NULL;
		if (!v && aws_mnode_get(p, d, "default"))
			v = eval(e, aws_mnode_get(p, d, "default"));
		if (v && type && strcasecmp(type, type_name(v->kind))) {
			strbuf_addf(e->err, "endpoint parameter '%s' must be a %s, not a %s", name,
				    type, type_name(v->kind));
			return -1;
		}
		if (!v && aws_mnode_bool(p, aws_mnode_get(p, d, "required"))) {
			strbuf_addf(e->err, "endpoint parameter '%s' is required", name);
			return -1;
		}
		if (v)
			bind(e, name, v);
	}
	return 0;
}

int aws_rules_eval(const aws_mpack *rs, const kdx_value *params, kdx_arena *a,
		   aws_rules_endpoint *out, strbuf *err)
{
	ev e = { .p = rs, .a = a, .err = err };
	int rc = -1;
	memset(out, 0, sizeof(*out));
	if (bind_params(&e, params) < 0)
		goto done;
	switch (rules(&e, aws_mnode_get(rs, aws_mpack_root(rs), "rules"), out)) {
	case R_ENDPOINT:
		rc = 0;
		break;
	case R_ERROR:
		break;
	case R_NONE:
		if (!e.failed)
			strbuf_addstr(err, "no rule of the endpoint rule set matched");
		break;
	}
done:
	free(e.vars.names);
	free(e.vars.vals);
	return rc;
}
