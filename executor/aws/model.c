/* model: loading trimmed AWS API models and looking up operations, shapes and traits.
 * A model is read in its packed form (model_pack.h): built in at build time, or packed
 * from JSON when a file is loaded. */
#include "model.h"
#include "model_pack.h"
#include "../../common/hash.h"
#include "../../common/suggest.h"
#include "../../common/stdlibdir.h"
#include "../../common/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>


/* One value of aws_model_memo: by the shape definition and the function that made it. */
typedef struct memo_ent {
	const void *def;
	void *(*make)(const aws_shape *s);
	void *val;
} memo_ent;

struct aws_model {
	char *service;
	aws_mpack pack;
	uint32_t *own_words; /* the packed form, when packed at load time (else built in) */
	char *own_strs;
	const aws_mnode *metadata, *operations, *shapes;
	aws_protocol protocol;
	/* aws_model_memo's table: open addressing, a power of two, at most half full */
	pthread_mutex_t memo_lock;
	memo_ent *memo;
	size_t nmemo, cmemo;
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
static aws_protocol choose_protocol(const aws_mpack *p, const aws_mnode *md)
{
	const aws_mnode *list = aws_mnode_get(p, md, "protocols"), *one;
	if (aws_mnode_kind(list) == AWS_MN_ARRAY) {
		for (size_t i = 0; i < aws_mnode_len(p, list); i++) {
			aws_protocol pr = protocol_by_name(aws_mnode_str(p, aws_mnode_at(p, list, i)));
			if (pr != AWS_PROTO_NONE)
				return pr;
		}
	}
	if ((one = aws_mnode_get(p, md, "protocol")))
		return protocol_by_name(aws_mnode_str(p, one));
	return AWS_PROTO_NONE;
}

/* "smithy-rpc-v2-cbor, json" from metadata.protocols, else metadata.protocol. */
static void list_protocols(const aws_mpack *p, const aws_mnode *md, strbuf *out)
{
	const aws_mnode *list = aws_mnode_get(p, md, "protocols");
	for (size_t i = 0; aws_mnode_kind(list) == AWS_MN_ARRAY && i < aws_mnode_len(p, list); i++) {
		const char *name = aws_mnode_str(p, aws_mnode_at(p, list, i));
		strbuf_addf(out, "%s%s", i ? ", " : "", name ? name : "?");
	}
	if (!out->len) {
		const char *one = aws_mnode_str(p, aws_mnode_get(p, md, "protocol"));
		strbuf_addstr(out, one ? one : "no protocol");
	}
}

/* A model over a packed document; fills err (naming WHERE) and returns NULL when the
 * document is not a model, speaks no protocol kdx implements, or has a shape kdx cannot
 * read (files only: the built-in models were checked when they were packed). */
static aws_model *model_new(const char *service, const uint32_t *words, const char *strs,
			    const char *where, bool check, strbuf *err)
{
	aws_mpack p = { words, strs };
	const aws_mnode *root = aws_mpack_root(&p);
	const aws_mnode *md = aws_mnode_get(&p, root, "metadata");
	const aws_mnode *ops = aws_mnode_get(&p, root, "operations");
	const aws_mnode *shapes = aws_mnode_get(&p, root, "shapes");
	if (!md || aws_mnode_kind(ops) != AWS_MN_OBJECT || aws_mnode_kind(shapes) != AWS_MN_OBJECT) {
		strbuf_addf(err, "AWS model '%s' lacks metadata, operations or shapes; "
			    "regenerate it with stdlib/aws/models/trim.py", where);
		return NULL;
	}
	aws_protocol proto = choose_protocol(&p, md);
	if (proto == AWS_PROTO_NONE) {
		strbuf names = STRBUF_INIT;
		list_protocols(&p, md, &names);
		strbuf_addf(err, "AWS model '%s' speaks %s, none of which kdx implements (kdx speaks "
			    "query, ec2, rest-xml, json and rest-json; smithy-rpc-v2-cbor is not "
			    "implemented)", where, names.buf);
		strbuf_release(&names);
		return NULL;
	}
	strbuf why = STRBUF_INIT;
	if (check && aws_mpack_check_model(&p, &why) < 0) {
		strbuf_addf(err, "AWS model '%s' cannot be used: %s", where, why.buf);
		strbuf_release(&why);
		return NULL;
	}
	strbuf_release(&why);
	aws_model *m = xcalloc(1, sizeof(*m));
	m->service = xstrdup(service);
	m->pack = p;
	m->metadata = md;
	m->operations = ops;
	m->shapes = shapes;
	m->protocol = proto;
	pthread_mutex_init(&m->memo_lock, NULL);
	return m;
}

int aws_model_load_file(const char *path, const char *service, aws_model **out, strbuf *err)
{
	json_object *root = json_object_from_file(path);
	if (!root) {
		strbuf_addf(err, "cannot read AWS model '%s': %s", path, json_util_get_last_err());
		return -1;
	}
	uint32_t *words;
	char *strs;
	size_t nwords, nstrs;
	aws_mpack_build(root, &words, &nwords, &strs, &nstrs);
	json_object_put(root);
	aws_model *m = model_new(service, words, strs, path, true, err);
	if (!m) {
		free(words);
		free(strs);
		return -1;
	}
	m->own_words = words;
	m->own_strs = strs;
	*out = m;
	return 0;
}

void aws_model_free(aws_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cmemo; i++)
		free(m->memo[i].val);
	free(m->memo);
	pthread_mutex_destroy(&m->memo_lock);
	free(m->own_words);
	free(m->own_strs);
	free(m->service);
	free(m);
}

static size_t memo_slot(const memo_ent *t, size_t cap, const void *def,
			void *(*make)(const aws_shape *))
{
	size_t i = (kdx_hash_ptr(def) ^ kdx_hash_ptr((const void *)(uintptr_t)make)) & (cap - 1);
	while (t[i].def && (t[i].def != def || t[i].make != make))
		i = (i + 1) & (cap - 1);
	return i;
}

void *aws_model_memo(const aws_model *cm, const aws_shape *s, void *(*make)(const aws_shape *s))
{
	/* the table is a cache of what the (read-only) model says, so it may change under a
	 * const model */
	aws_model *m = (aws_model *)cm;
	if (!s->def)
		return NULL;
	pthread_mutex_lock(&m->memo_lock);
	if (2 * (m->nmemo + 1) > m->cmemo) {
		size_t cap = m->cmemo ? 2 * m->cmemo : 64;
		memo_ent *t = xcalloc(cap, sizeof(*t));
		for (size_t i = 0; i < m->cmemo; i++)
			if (m->memo[i].def)
				t[memo_slot(t, cap, m->memo[i].def, m->memo[i].make)] = m->memo[i];
		free(m->memo);
		m->memo = t;
		m->cmemo = cap;
	}
	memo_ent *e = &m->memo[memo_slot(m->memo, m->cmemo, s->def, make)];
	if (!e->def) {
		*e = (memo_ent){ .def = s->def, .make = make, .val = make(s) };
		m->nmemo++;
	}
	void *v = e->val;
	pthread_mutex_unlock(&m->memo_lock);
	return v;
}

/* The built-in model of SERVICE, or NULL. */
static const aws_mpack_builtin *builtin(const char *service)
{
	size_t lo = 0, hi = aws_mpack_nbuiltins;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(service, aws_mpack_builtins[mid].service);
		if (!c)
			return &aws_mpack_builtins[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Directories to search, in order, into dirs[] (at most 8); returns how many, the first
 * *nenv of them from $KDX_AWS_MODELS. */
static size_t model_dirs(strbuf *dirs, size_t *nenv)
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
	*nenv = n;
	strbuf_addf(&dirs[n++], "%s/aws/models", kdx_stdlib_dir());
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
	for (size_t i = 0; i < aws_mpack_nbuiltins; i++) {
		XGROW(names, n + 1, alloc);
		names[n++] = xstrdup(aws_mpack_builtins[i].service);
	}
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
	const char *best = kdx_suggest_best(service, (const char *const *)names, n);
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
	size_t nenv, ndirs = model_dirs(dirs, &nenv);
	int rc = -1;
	if (!valid_service_name(service)) {
		strbuf_addf(err, "'%s' is not an AWS service name; use a lower-case name "
			    "such as 'route53'", service);
		goto out;
	}
	/* $KDX_AWS_MODELS, then the models built in, then the stdlib directories (for a
	 * service kdx was built without) */
	for (size_t i = 0; i < ndirs; i++) {
		struct stat st;
		const aws_mpack_builtin *b;
		if (i == nenv && (b = builtin(service))) {
			*out = model_new(service, b->words, b->strs, service, false, err);
			rc = *out ? 0 : -1;
			goto out;
		}
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s.json", dirs[i].buf, service);
		if (stat(path.buf, &st) == 0) {
			rc = aws_model_load_file(path.buf, service, out, err);
			goto out;
		}
	}
	strbuf_addf(err, "no AWS model for service '%s'", service);
	suggest_service(service, dirs, ndirs, err);
	strbuf_addstr(err, "; models are looked up in $KDX_AWS_MODELS, those built into kdx, then");
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
	XGROW(c->models, c->n + 1, c->alloc);
	c->models[c->n++] = m;
	return m;
}

const char *aws_model_service(const aws_model *m) { return m->service; }
aws_protocol aws_model_protocol(const aws_model *m) { return m->protocol; }

static const char *get_str(const aws_model *m, const aws_mnode *o, const char *key)
{
	return aws_mnode_str(&m->pack, aws_mnode_get(&m->pack, o, key));
}

const char *aws_model_meta(const aws_model *m, const char *key)
{
	return get_str(m, m->metadata, key);
}

bool aws_model_meta_has(const aws_model *m, const char *key)
{
	return aws_mnode_get(&m->pack, m->metadata, key) != NULL;
}

const char *aws_model_signing_name(const aws_model *m)
{
	const char *s = aws_model_meta(m, "signingName");
	return s ? s : aws_model_meta(m, "endpointPrefix");
}

/* A shape definition's entry in m->shapes: the name is the model's own copy. */
static aws_shape shape_at(const aws_model *m, const char *name, const aws_mnode *def)
{
	aws_shape s = { .model = m, .name = name, .def = def };
	/* the packer stored the type of every shape definition (type + 1) */
	s.type = (aws_stype)(aws_mnode_aux(def) - 1);
	return s;
}

aws_shape aws_model_shape(const aws_model *m, const char *name)
{
	aws_shape none = { .model = m };
	const aws_mnode *def = name ? aws_mnode_get(&m->pack, m->shapes, name) : NULL;
	if (!def || aws_mnode_aux(def) == 0)
		return none;
	return shape_at(m, name, def);
}

aws_shape aws_model_error_shape(const aws_model *m, const char *code)
{
	aws_shape s = aws_model_shape(m, code);
	if (code && s.type == AWS_T_STRUCTURE && aws_mnode_bool(&m->pack, aws_mnode_get(&m->pack, s.def, "exception")))
		return s;
	const aws_mnode *def;
	/* only the query protocols give errors codes other than their shape's name */
	bool query = m->protocol == AWS_PROTO_QUERY || m->protocol == AWS_PROTO_EC2 ||
		     aws_mnode_get(&m->pack, m->metadata, "awsQueryCompatible");
	for (size_t i = 0; code && query && i < aws_mnode_len(&m->pack, m->shapes); i++) {
		const char *name = aws_mnode_member(&m->pack, m->shapes, i, &def);
		const char *c = get_str(m, aws_mnode_get(&m->pack, def, "error"), "code");
		if (c && !strcmp(c, code))
			return shape_at(m, name, def);
	}
	aws_shape none = { .model = m };
	return none;
}

/* Resolve a reference object ({"shape": "X", traits...}). */
static aws_shape resolve_ref(const aws_model *m, const aws_mnode *ref)
{
	aws_shape s = aws_model_shape(m, get_str(m, ref, "shape"));
	if (s.type != AWS_T_NONE)
		s.ref = ref;
	return s;
}

/* The member of structure s whose shape is an event stream, or NULL. */
static const char *event_stream_member(const aws_shape *s)
{
	const aws_mpack *p = &s->model->pack;
	const aws_mnode *mem = s->type == AWS_T_STRUCTURE ? aws_mnode_get(p, s->def, "members") : NULL;
	for (size_t i = 0; i < aws_mnode_len(p, mem); i++) {
		const aws_mnode *ref;
		const char *name = aws_mnode_member(p, mem, i, &ref);
		aws_shape t = resolve_ref(s->model, ref);
		if (t.def && aws_mnode_bool(p, aws_mnode_get(p, t.def, "eventstream")))
			return name;
	}
	return NULL;
}

int aws_model_operation(const aws_model *m, const char *name, aws_operation *op, strbuf *err)
{
	const aws_mpack *p = &m->pack;
	const aws_mnode *def = aws_mnode_get(p, m->operations, name), *http, *ref, *ck, *v;
	memset(op, 0, sizeof(*op));
	if (!def) {
		size_t n = aws_mnode_len(p, m->operations);
		const char **names = xmalloc(sizeof(char *) * (n + 1));
		for (size_t i = 0; i < n; i++)
			names[i] = aws_mnode_member(p, m->operations, i, &v);
		strbuf_addf(err, "unknown operation '%s' for AWS service '%s'", name, m->service);
		const char *best = kdx_suggest_best(name, names, n);
		if (best)
			strbuf_addf(err, " (did you mean '%s'?)", best);
		free(names);
		return -1;
	}
	op->name = get_str(m, def, "name");
	if (!op->name)
		op->name = name;
	op->method = "POST";
	op->request_uri = "/";
	if ((http = aws_mnode_get(p, def, "http"))) {
		if (get_str(m, http, "method"))
			op->method = get_str(m, http, "method");
		if (get_str(m, http, "requestUri"))
			op->request_uri = get_str(m, http, "requestUri");
	}
	if ((ck = aws_mnode_get(p, def, "httpChecksum"))) {
		op->checksum_required = aws_mnode_bool(p, aws_mnode_get(p, ck, "requestChecksumRequired"));
		op->checksum_member = get_str(m, ck, "requestAlgorithmMember");
	}
	if (aws_mnode_bool(p, aws_mnode_get(p, def, "httpChecksumRequired")))
		op->checksum_required = true;
	op->input.model = op->output.model = m;
	if ((ref = aws_mnode_get(p, def, "input")))
		op->input = resolve_ref(m, ref);
	if ((ref = aws_mnode_get(p, def, "output")))
		op->output = resolve_ref(m, ref);
	op->host_prefix = get_str(m, aws_mnode_get(p, def, "endpoint"), "hostPrefix");
	const char *stream = event_stream_member(&op->input);
	const char *dir = "input";
	if (!stream) {
		stream = event_stream_member(&op->output);
		dir = "output";
	}
	if (stream) {
		/* refused before anything is sent: the call would run, then fail to parse */
		strbuf_addf(err, "operation '%s' of AWS service '%s' streams its %s as events "
			    "(member '%s'); kdx does not implement event streams", name,
			    m->service, dir, stream);
		return -1;
	}
	return 0;
}

static const aws_mnode *trait_obj(const aws_shape *s, const char *key)
{
	const aws_mpack *p = &s->model->pack;
	const aws_mnode *v = s->ref ? aws_mnode_get(p, s->ref, key) : NULL;
	if (!v && s->def)
		v = aws_mnode_get(p, s->def, key);
	return v;
}

const char *aws_shape_trait(const aws_shape *s, const char *key)
{
	return aws_mnode_str(&s->model->pack, trait_obj(s, key));
}

bool aws_shape_flag(const aws_shape *s, const char *key)
{
	const aws_mnode *v = trait_obj(s, key);
	return aws_mnode_kind(v) == AWS_MN_BOOL && v->val;
}

const char *aws_shape_xml_namespace(const aws_shape *s)
{
	const aws_mnode *v = trait_obj(s, "xmlNamespace");
	if (!v)
		return NULL;
	if (aws_mnode_kind(v) == AWS_MN_STRING)
		return aws_mnode_str(&s->model->pack, v);
	return get_str(s->model, v, "uri");
}

const char *aws_shape_xml_ns_prefix(const aws_shape *s)
{
	const aws_mnode *v = trait_obj(s, "xmlNamespace");
	return aws_mnode_kind(v) == AWS_MN_OBJECT ? get_str(s->model, v, "prefix") : NULL;
}

static const aws_mnode *members_of(const aws_shape *s)
{
	const aws_mnode *mem;
	if (s->type == AWS_T_STRUCTURE &&
	    (mem = aws_mnode_get(&s->model->pack, s->def, "members")) &&
	    aws_mnode_kind(mem) == AWS_MN_OBJECT)
		return mem;
	return NULL;
}

size_t aws_shape_nmembers(const aws_shape *s)
{
	return aws_mnode_len(&s->model->pack, members_of(s));
}

const char *aws_shape_member_at(const aws_shape *s, size_t i, aws_shape *out)
{
	const aws_mnode *mem = members_of(s), *ref;
	if (!mem || i >= aws_mnode_len(&s->model->pack, mem))
		return NULL;
	const char *key = aws_mnode_member(&s->model->pack, mem, i, &ref);
	*out = resolve_ref(s->model, ref);
	return key;
}

aws_member_iter aws_shape_members(const aws_shape *s)
{
	aws_member_iter it = { .model = s->model, .obj = members_of(s) };
	it.n = aws_mnode_len(&s->model->pack, it.obj);
	return it;
}

bool aws_member_next(aws_member_iter *it, const char **name, aws_shape *out)
{
	const aws_mnode *ref;
	if (it->i >= it->n)
		return false;
	*name = aws_mnode_member(&it->model->pack, it->obj, it->i++, &ref);
	*out = resolve_ref(it->model, ref);
	return true;
}

bool aws_shape_member(const aws_shape *s, const char *name, aws_shape *out)
{
	const aws_mnode *mem = members_of(s), *ref;
	if (!mem || !(ref = aws_mnode_get(&s->model->pack, mem, name)))
		return false;
	*out = resolve_ref(s->model, ref);
	return out->type != AWS_T_NONE;
}

bool aws_shape_is_required(const aws_shape *s, const char *member)
{
	const aws_mpack *p = &s->model->pack;
	const aws_mnode *req = s->def ? aws_mnode_get(p, s->def, "required") : NULL;
	for (size_t i = 0; aws_mnode_kind(req) == AWS_MN_ARRAY && i < aws_mnode_len(p, req); i++) {
		const char *r = aws_mnode_str(p, aws_mnode_at(p, req, i));
		if (r && !strcmp(r, member))
			return true;
	}
	return false;
}

size_t aws_shape_nenum(const aws_shape *s)
{
	const aws_mnode *en = s->def ? aws_mnode_get(&s->model->pack, s->def, "enum") : NULL;
	return aws_mnode_kind(en) == AWS_MN_ARRAY ? aws_mnode_len(&s->model->pack, en) : 0;
}

const char *aws_shape_enum_at(const aws_shape *s, size_t i)
{
	const aws_mpack *p = &s->model->pack;
	const char *v = aws_mnode_str(p, aws_mnode_at(p, aws_mnode_get(p, s->def, "enum"), i));
	return v ? v : "";
}

bool aws_shape_number(const aws_shape *s, const char *key, double *out)
{
	const aws_mnode *v = s->def ? aws_mnode_get(&s->model->pack, s->def, key) : NULL;
	if (!v)
		return false;
	*out = aws_mnode_num(&s->model->pack, v);
	return true;
}

static aws_shape sub_ref(const aws_shape *s, const char *key)
{
	const aws_mnode *ref = s->def ? aws_mnode_get(&s->model->pack, s->def, key) : NULL;
	aws_shape none = { .model = s->model };
	return ref ? resolve_ref(s->model, ref) : none;
}

aws_shape aws_shape_list_member(const aws_shape *s) { return sub_ref(s, "member"); }
aws_shape aws_shape_map_key(const aws_shape *s) { return sub_ref(s, "key"); }
aws_shape aws_shape_map_value(const aws_shape *s) { return sub_ref(s, "value"); }

const char *aws_shape_wire_name(const aws_shape *s, const char *member_name)
{
	const char *n = aws_shape_trait(s, "locationName");
	return n ? n : member_name;
}
