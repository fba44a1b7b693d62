/* model: loading trimmed AWS API models and looking up operations, shapes and traits. */
#include "model.h"
#include "../../common/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <json-c/json_object_iterator.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifndef KDX_STDLIB_DIR
#define KDX_STDLIB_DIR "/usr/local/share/kdx/stdlib"
#endif
#ifndef KDX_SOURCE_STDLIB_DIR
#define KDX_SOURCE_STDLIB_DIR "stdlib"
#endif

struct aws_model {
	char *service;
	json_object *root;
	json_object *metadata, *operations, *shapes;
	aws_protocol protocol;
};

static const struct { const char *alias, *service; } aliases[] = {
	{ "monitoring", "cloudwatch" },
};

static const struct { const char *name; aws_protocol p; } protocols[] = {
	{ "query", AWS_PROTO_QUERY },     { "ec2", AWS_PROTO_EC2 },
	{ "rest-xml", AWS_PROTO_REST_XML }, { "json", AWS_PROTO_JSON },
	{ "rest-json", AWS_PROTO_REST_JSON },
};

const char *aws_protocol_name(aws_protocol p)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (protocols[i].p == p)
			return protocols[i].name;
	return "none";
}

static aws_protocol protocol_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (name && !strcmp(protocols[i].name, name))
			return protocols[i].p;
	return AWS_PROTO_NONE;
}

/* As the SDKs do: the first protocol in metadata.protocols that we implement (CloudWatch
 * lists smithy-rpc-v2-cbor first, then json), else metadata.protocol. */
static aws_protocol choose_protocol(json_object *md)
{
	json_object *list, *one;
	if (json_object_object_get_ex(md, "protocols", &list) &&
	    json_object_is_type(list, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			aws_protocol p = protocol_by_name(
				json_object_get_string(json_object_array_get_idx(list, i)));
			if (p != AWS_PROTO_NONE)
				return p;
		}
	}
	if (json_object_object_get_ex(md, "protocol", &one))
		return protocol_by_name(json_object_get_string(one));
	return AWS_PROTO_NONE;
}

int aws_model_load_file(const char *path, const char *service, aws_model **out, strbuf *err)
{
	json_object *root = json_object_from_file(path);
	json_object *md, *ops, *shapes;
	if (!root) {
		strbuf_addf(err, "cannot read AWS model '%s': %s", path, json_util_get_last_err());
		return -1;
	}
	if (!json_object_object_get_ex(root, "metadata", &md) ||
	    !json_object_object_get_ex(root, "operations", &ops) ||
	    !json_object_object_get_ex(root, "shapes", &shapes) ||
	    !json_object_is_type(ops, json_type_object) ||
	    !json_object_is_type(shapes, json_type_object)) {
		json_object_put(root);
		strbuf_addf(err, "AWS model '%s' lacks metadata, operations or shapes; "
			    "regenerate it with stdlib/aws/models/trim.py", path);
		return -1;
	}
	aws_model *m = xcalloc(1, sizeof(*m));
	m->service = xstrdup(service);
	m->root = root;
	m->metadata = md;
	m->operations = ops;
	m->shapes = shapes;
	m->protocol = choose_protocol(md);
	if (m->protocol == AWS_PROTO_NONE) {
		strbuf_addf(err, "AWS model '%s' uses no protocol kdx implements", path);
		aws_model_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

void aws_model_free(aws_model *m)
{
	if (!m)
		return;
	json_object_put(m->root);
	free(m->service);
	free(m);
}

/* Directories to search, in order, into dirs[] (at most 8); returns how many. */
static size_t model_dirs(strbuf *dirs)
{
	size_t n = 0;
	const char *env = getenv("KDX_AWS_MODELS");
	if (env && *env) {
		const char *p = env;
		while (*p && n < 6) {
			const char *c = strchr(p, ':');
			size_t len = c ? (size_t)(c - p) : strlen(p);
			if (len)
				strbuf_add(&dirs[n++], p, len);
			p += len + (c != NULL);
		}
	}
	strbuf_addstr(&dirs[n++], KDX_STDLIB_DIR "/aws/models");
	strbuf_addstr(&dirs[n++], KDX_SOURCE_STDLIB_DIR "/aws/models");
	return n;
}

static bool valid_service_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* Service names in the model directories, for "did you mean". */
static void suggest_service(const char *service, strbuf *dirs, size_t ndirs, strbuf *err)
{
	char **names = NULL;
	size_t n = 0, alloc = 0;
	for (size_t d = 0; d < ndirs; d++) {
		DIR *dir = opendir(dirs[d].buf);
		struct dirent *e;
		while (dir && (e = readdir(dir))) {
			size_t len = strlen(e->d_name);
			if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
				XGROW(names, n + 1, alloc);
				names[n++] = xstrndup(e->d_name, len - 5);
			}
		}
		if (dir)
			closedir(dir);
	}
	const char *best = aws_suggest(service, (const char *const *)names, n);
	if (best)
		strbuf_addf(err, " (did you mean '%s'?)", best);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int aws_model_load(const char *service, aws_model **out, strbuf *err)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(service, aliases[i].alias))
			service = aliases[i].service;
	strbuf dirs[8], path = STRBUF_INIT;
	for (size_t i = 0; i < 8; i++)
		strbuf_init(&dirs[i]);
	size_t ndirs = model_dirs(dirs);
	int rc = -1;
	if (!valid_service_name(service)) {
		strbuf_addf(err, "'%s' is not an AWS service name; use a lower-case name "
			    "such as 'route53'", service);
		goto out;
	}
	for (size_t i = 0; i < ndirs; i++) {
		struct stat st;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s.json", dirs[i].buf, service);
		if (stat(path.buf, &st) == 0) {
			rc = aws_model_load_file(path.buf, service, out, err);
			goto out;
		}
	}
	strbuf_addf(err, "no AWS model for service '%s'", service);
	suggest_service(service, dirs, ndirs, err);
	strbuf_addstr(err, "; models are looked up in $KDX_AWS_MODELS, then");
	for (size_t i = 0; i < ndirs; i++)
		strbuf_addf(err, "%s '%s'", i ? "," : "", dirs[i].buf);
out:
	for (size_t i = 0; i < 8; i++)
		strbuf_release(&dirs[i]);
	strbuf_release(&path);
	return rc;
}

void aws_model_cache_init(aws_model_cache *c)
{
	memset(c, 0, sizeof(*c));
}

void aws_model_cache_release(aws_model_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		aws_model_free(c->models[i]);
	free(c->models);
	aws_model_cache_init(c);
}

const aws_model *aws_model_cache_get(aws_model_cache *c, const char *service, strbuf *err)
{
	const char *name = service;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(service, aliases[i].alias))
			name = aliases[i].service;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->models[i]->service, name))
			return c->models[i];
	aws_model *m;
	if (aws_model_load(service, &m, err) < 0)
		return NULL;
	/* fill the per-shape type cache now: later lookups only read, so a cached model can
	 * be shared between threads (kdx_shared_models) */
	json_object_object_foreach(m->shapes, key, val) {
		(void)val;
		(void)aws_model_shape(m, key);
	}
	XGROW(c->models, c->n + 1, c->alloc);
	c->models[c->n++] = m;
	return m;
}

const char *aws_model_service(const aws_model *m) { return m->service; }
aws_protocol aws_model_protocol(const aws_model *m) { return m->protocol; }

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;
	if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

const char *aws_model_meta(const aws_model *m, const char *key)
{
	return get_str(m->metadata, key);
}

bool aws_model_meta_has(const aws_model *m, const char *key)
{
	return json_object_object_get_ex(m->metadata, key, NULL);
}

const char *aws_model_signing_name(const aws_model *m)
{
	const char *s = aws_model_meta(m, "signingName");
	return s ? s : aws_model_meta(m, "endpointPrefix");
}

static aws_stype stype_by_name(const char *t, json_object *def)
{
	static const struct { const char *name; aws_stype t; } types[] = {
		{ "structure", AWS_T_STRUCTURE }, { "list", AWS_T_LIST },
		{ "map", AWS_T_MAP },             { "string", AWS_T_STRING },
		{ "integer", AWS_T_INTEGER },     { "long", AWS_T_LONG },
		{ "float", AWS_T_FLOAT },         { "double", AWS_T_DOUBLE },
		{ "boolean", AWS_T_BOOLEAN },     { "timestamp", AWS_T_TIMESTAMP },
		{ "blob", AWS_T_BLOB },           { "byte", AWS_T_INTEGER },
		{ "short", AWS_T_INTEGER },       { "bigdecimal", AWS_T_DOUBLE },
		{ "biginteger", AWS_T_LONG },
	};
	json_object *doc;
	if (json_object_object_get_ex(def, "document", &doc) && json_object_get_boolean(doc))
		return AWS_T_DOCUMENT;
	for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].name, t))
			return types[i].t;
	return AWS_T_NONE;
}

aws_shape aws_model_shape(const aws_model *m, const char *name)
{
	aws_shape s = { .model = m };
	json_object *def;
	if (name && json_object_object_get_ex(m->shapes, name, &def)) {
		s.name = name;
		s.def = def;
		/* the type is looked up on every member visit: cache it on the definition
		 * (json-c userdata; the model is read-only otherwise) */
		intptr_t cached = (intptr_t)json_object_get_userdata(def);
		if (!cached) {
			cached = (intptr_t)stype_by_name(get_str(def, "type"), def) + 1;
			json_object_set_userdata(def, (void *)cached, NULL);
		}
		s.type = (aws_stype)(cached - 1);
	}
	return s;
}

/* Resolve a reference object ({"shape": "X", traits...}). */
static aws_shape resolve_ref(const aws_model *m, json_object *ref)
{
	aws_shape s = aws_model_shape(m, get_str(ref, "shape"));
	if (s.type != AWS_T_NONE)
		s.ref = ref;
	return s;
}

static size_t op_names(const aws_model *m, const char ***names)
{
	size_t n = 0;
	*names = xmalloc(sizeof(char *) * ((size_t)json_object_object_length(m->operations) + 1));
	json_object_object_foreach(m->operations, key, val) {
		(void)val;
		(*names)[n++] = key;
	}
	return n;
}

int aws_model_operation(const aws_model *m, const char *name, aws_operation *op, strbuf *err)
{
	json_object *def, *http, *ref;
	memset(op, 0, sizeof(*op));
	if (!json_object_object_get_ex(m->operations, name, &def)) {
		const char **names;
		size_t n = op_names(m, &names);
		strbuf_addf(err, "unknown operation '%s' for AWS service '%s'", name, m->service);
		const char *best = aws_suggest(name, names, n);
		if (best)
			strbuf_addf(err, " (did you mean '%s'?)", best);
		free(names);
		return -1;
	}
	json_object_object_get_ex(m->operations, name, &def);
	op->name = json_object_get_string(json_object_object_get(def, "name"));
	if (!op->name)
		op->name = name;
	op->method = "POST";
	op->request_uri = "/";
	if (json_object_object_get_ex(def, "http", &http)) {
		if (get_str(http, "method"))
			op->method = get_str(http, "method");
		if (get_str(http, "requestUri"))
			op->request_uri = get_str(http, "requestUri");
	}
	json_object *ck, *v;
	if (json_object_object_get_ex(def, "httpChecksum", &ck)) {
		op->checksum_required = json_object_object_get_ex(ck, "requestChecksumRequired", &v) &&
					json_object_get_boolean(v);
		op->checksum_member = get_str(ck, "requestAlgorithmMember");
	}
	if (json_object_object_get_ex(def, "httpChecksumRequired", &v) && json_object_get_boolean(v))
		op->checksum_required = true;
	op->input.model = op->output.model = m;
	if (json_object_object_get_ex(def, "input", &ref))
		op->input = resolve_ref(m, ref);
	if (json_object_object_get_ex(def, "output", &ref))
		op->output = resolve_ref(m, ref);
	return 0;
}

static json_object *trait_obj(const aws_shape *s, const char *key)
{
	json_object *v;
	if (s->ref && json_object_object_get_ex(s->ref, key, &v))
		return v;
	if (s->def && json_object_object_get_ex(s->def, key, &v))
		return v;
	return NULL;
}

const char *aws_shape_trait(const aws_shape *s, const char *key)
{
	json_object *v = trait_obj(s, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool aws_shape_flag(const aws_shape *s, const char *key)
{
	json_object *v = trait_obj(s, key);
	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

const char *aws_shape_xml_namespace(const aws_shape *s)
{
	json_object *v = trait_obj(s, "xmlNamespace");
	if (!v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return get_str(v, "uri");
}

const char *aws_shape_xml_ns_prefix(const aws_shape *s)
{
	json_object *v = trait_obj(s, "xmlNamespace");
	return v && json_object_is_type(v, json_type_object) ? get_str(v, "prefix") : NULL;
}

static json_object *members_of(const aws_shape *s)
{
	json_object *mem;
	if (s->type == AWS_T_STRUCTURE && json_object_object_get_ex(s->def, "members", &mem))
		return mem;
	return NULL;
}

size_t aws_shape_nmembers(const aws_shape *s)
{
	json_object *mem = members_of(s);
	return mem ? (size_t)json_object_object_length(mem) : 0;
}

const char *aws_shape_member_at(const aws_shape *s, size_t i, aws_shape *out)
{
	json_object *mem = members_of(s);
	size_t k = 0;
	if (!mem)
		return NULL;
	json_object_object_foreach(mem, key, val) {
		if (k++ == i) {
			*out = resolve_ref(s->model, val);
			return key;
		}
	}
	return NULL;
}

aws_member_iter aws_shape_members(const aws_shape *s)
{
	aws_member_iter it = { .model = s->model };
	json_object *mem = members_of(s);
	if (mem) {
		struct json_object_iterator b = json_object_iter_begin(mem);
		struct json_object_iterator e = json_object_iter_end(mem);
		it.cur = b.opaque_;
		it.end = e.opaque_;
	}
	return it;
}

bool aws_member_next(aws_member_iter *it, const char **name, aws_shape *out)
{
	struct json_object_iterator cur = { .opaque_ = it->cur };
	struct json_object_iterator end = { .opaque_ = it->end };
	if (!it->cur || json_object_iter_equal(&cur, &end))
		return false;
	*name = json_object_iter_peek_name(&cur);
	*out = resolve_ref(it->model, json_object_iter_peek_value(&cur));
	json_object_iter_next(&cur);
	it->cur = cur.opaque_;
	return true;
}

bool aws_shape_member(const aws_shape *s, const char *name, aws_shape *out)
{
	json_object *mem = members_of(s), *ref;
	if (!mem || !json_object_object_get_ex(mem, name, &ref))
		return false;
	*out = resolve_ref(s->model, ref);
	return out->type != AWS_T_NONE;
}

bool aws_shape_is_required(const aws_shape *s, const char *member)
{
	json_object *req;
	if (!s->def || !json_object_object_get_ex(s->def, "required", &req))
		return false;
	for (size_t i = 0; i < json_object_array_length(req); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(req, i)), member))
			return true;
	return false;
}

static aws_shape sub_ref(const aws_shape *s, const char *key)
{
	json_object *ref;
	aws_shape none = { .model = s->model };
	if (!s->def || !json_object_object_get_ex(s->def, key, &ref))
		return none;
	return resolve_ref(s->model, ref);
}

aws_shape aws_shape_list_member(const aws_shape *s) { return sub_ref(s, "member"); }
aws_shape aws_shape_map_key(const aws_shape *s) { return sub_ref(s, "key"); }
aws_shape aws_shape_map_value(const aws_shape *s) { return sub_ref(s, "value"); }

const char *aws_shape_wire_name(const aws_shape *s, const char *member_name)
{
	const char *n = aws_shape_trait(s, "locationName");
	return n ? n : member_name;
}

/* Case-insensitive Levenshtein distance, two rows. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *prev = xmalloc((lb + 1) * sizeof(size_t)), *cur = xmalloc((lb + 1) * sizeof(size_t));
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + cost;
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			cur[j] = best;
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

const char *aws_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(word);
	size_t limit = len / 3 > 2 ? len / 3 : 2;
	for (size_t i = 0; i < n; i++) {
		if (!strcasecmp(word, candidates[i]))
			return candidates[i];
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}
