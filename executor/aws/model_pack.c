/* model_pack: packing a trimmed AWS model's JSON into read-only nodes, and reading them. */
#include "model_pack.h"
#include "model.h"
#include "../../common/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading ---- */

static const uint32_t *payload(const aws_mpack *p, const aws_mnode *n, unsigned kind)
{
	return aws_mnode_kind(n) == kind ? p->words + n->val : NULL;
}

size_t aws_mnode_len(const aws_mpack *p, const aws_mnode *n)
{
	const uint32_t *w = payload(p, n, AWS_MN_OBJECT);
	if (!w)
		w = payload(p, n, AWS_MN_ARRAY);
	return w ? w[0] : 0;
}

const aws_mnode *aws_mnode_at(const aws_mpack *p, const aws_mnode *n, size_t i)
{
	const uint32_t *w = payload(p, n, AWS_MN_ARRAY);
	return w ? (const aws_mnode *)(const void *)(w + 1 + 2 * i) : NULL;
}

const char *aws_mnode_member(const aws_mpack *p, const aws_mnode *n, size_t i,
			     const aws_mnode **val)
{
	const uint32_t *e = payload(p, n, AWS_MN_OBJECT) + 1 + 3 * i;
	*val = (const aws_mnode *)(const void *)(e + 1);
	return p->strs + e[0];
}

const aws_mnode *aws_mnode_get(const aws_mpack *p, const aws_mnode *n, const char *key)
{
	const uint32_t *w = payload(p, n, AWS_MN_OBJECT);
	if (!w)
		return NULL;
	uint32_t cnt = w[0];
	const uint32_t *sorted = w + 1 + 3 * cnt;
	size_t lo = 0, hi = cnt;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const uint32_t *e = w + 1 + 3 * sorted[mid];
		int c = strcmp(key, p->strs + e[0]);
		if (!c)
			return (const aws_mnode *)(const void *)(e + 1);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *aws_mnode_str(const aws_mpack *p, const aws_mnode *n)
{
	return aws_mnode_kind(n) == AWS_MN_STRING ? p->strs + n->val : NULL;
}

double aws_mnode_num(const aws_mpack *p, const aws_mnode *n)
{
	double d = 0;
	switch (aws_mnode_kind(n)) {
	case AWS_MN_NUMBER:
		memcpy(&d, p->words + n->val, sizeof(d));
		return d;
	case AWS_MN_BOOL:
		return n->val;
	case AWS_MN_STRING:
		return strtod(p->strs + n->val, NULL);
	default:
		return 0;
	}
}

bool aws_mnode_bool(const aws_mpack *p, const aws_mnode *n)
{
	switch (aws_mnode_kind(n)) {
	case AWS_MN_BOOL:
		return n->val != 0;
	case AWS_MN_NUMBER:
		return aws_mnode_num(p, n) != 0;
	case AWS_MN_STRING:
		return p->strs[n->val] != '\0';
	default:
		return false;
	}
}

/* ---- packing ---- */

typedef struct packer {
	uint32_t *w;
	size_t nw, aw;
	strbuf strs;
	uint32_t *slots; /* open-addressing table of string offsets + 1 */
	size_t nslots, nused;
} packer;

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void rehash(packer *pk)
{
	size_t n = pk->nslots ? pk->nslots * 2 : 1024;
	uint32_t *slots = xcalloc(n, sizeof(*slots));
	for (size_t i = 0; i < pk->nslots; i++) {
		if (!pk->slots[i])
			continue;
		size_t j = hash_str(pk->strs.buf + pk->slots[i] - 1) & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = pk->slots[i];
	}
	free(pk->slots);
	pk->slots = slots;
	pk->nslots = n;
}

/* The pool offset of S, added once. */
static uint32_t intern(packer *pk, const char *s)
{
	if (2 * (pk->nused + 1) > pk->nslots)
		rehash(pk);
	size_t j = hash_str(s) & (pk->nslots - 1);
	while (pk->slots[j]) {
		if (!strcmp(pk->strs.buf + pk->slots[j] - 1, s))
			return pk->slots[j] - 1;
		j = (j + 1) & (pk->nslots - 1);
	}
	uint32_t off = (uint32_t)pk->strs.len;
	strbuf_add(&pk->strs, s, strlen(s) + 1);
	pk->slots[j] = off + 1;
	pk->nused++;
	return off;
}

/* Reserve n words; returns the index of the first. */
static uint32_t reserve(packer *pk, size_t n)
{
	XGROW(pk->w, pk->nw + n, pk->aw);
	uint32_t at = (uint32_t)pk->nw;
	memset(pk->w + at, 0, n * sizeof(uint32_t));
	pk->nw += n;
	return at;
}

/* Sort the entry indices idx[0..n) by key (merge sort: objects such as "shapes" have
 * thousands of members); ents points at the first entry's key word. */
static void sort_entries(const char *strs, const uint32_t *ents, uint32_t *idx, uint32_t n)
{
	if (n < 2)
		return;
	uint32_t *tmp = xmalloc(n * sizeof(*tmp));
	for (uint32_t width = 1; width < n; width *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = lo + width < n ? lo + width : n;
			uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			uint32_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = strcmp(strs + ents[3 * idx[b]], strs + ents[3 * idx[a]]) < 0
						   ? idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof(*tmp));
	}
	free(tmp);
}

static aws_mnode pack(packer *pk, json_object *j)
{
	aws_mnode n = { AWS_MN_NULL, 0 };
	switch (json_object_get_type(j)) {
	case json_type_null:
		break;
	case json_type_boolean:
		n = (aws_mnode){ AWS_MN_BOOL, json_object_get_boolean(j) ? 1 : 0 };
		break;
	case json_type_int:
	case json_type_double: {
		double d = json_object_get_double(j);
		n = (aws_mnode){ AWS_MN_NUMBER, reserve(pk, 2) };
		memcpy(pk->w + n.val, &d, sizeof(d));
		break;
	}
	case json_type_string:
		n = (aws_mnode){ AWS_MN_STRING, intern(pk, json_object_get_string(j)) };
		break;
	case json_type_array: {
		uint32_t len = (uint32_t)json_object_array_length(j);
		n = (aws_mnode){ AWS_MN_ARRAY, reserve(pk, 1 + 2 * (size_t)len) };
		pk->w[n.val] = len;
		for (uint32_t i = 0; i < len; i++) {
			aws_mnode c = pack(pk, json_object_array_get_idx(j, i));
			memcpy(pk->w + n.val + 1 + 2 * i, &c, sizeof(c));
		}
		break;
	}
	case json_type_object: {
		uint32_t len = (uint32_t)json_object_object_length(j), i = 0;
		n = (aws_mnode){ AWS_MN_OBJECT, reserve(pk, 1 + 4 * (size_t)len) };
		pk->w[n.val] = len;
		json_object_object_foreach(j, key, val) {
			uint32_t k = intern(pk, key);
			aws_mnode c = pack(pk, val);
			uint32_t *e = pk->w + n.val + 1 + 3 * i; /* pk->w may have moved */
			e[0] = k;
			e[1] = c.tag;
			e[2] = c.val;
			pk->w[n.val + 1 + 3 * len + i] = i;
			i++;
		}
		sort_entries(pk->strs.buf, pk->w + n.val + 1, pk->w + n.val + 1 + 3 * len, len);
		break;
	}
	}
	return n;
}

static aws_stype stype_of(const aws_mpack *p, const aws_mnode *def)
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
	const aws_mnode *doc = aws_mnode_get(p, def, "document");
	if (doc && aws_mnode_bool(p, doc))
		return AWS_T_DOCUMENT;
	const char *t = aws_mnode_str(p, aws_mnode_get(p, def, "type"));
	for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].name, t))
			return types[i].t;
	return AWS_T_NONE;
}

/* Every shape definition (a value of root.shapes) gets its type in the aux bits. */
static void mark_shapes(packer *pk)
{
	aws_mpack p = { pk->w, pk->strs.buf };
	const aws_mnode *shapes = aws_mnode_get(&p, aws_mpack_root(&p), "shapes");
	size_t n = aws_mnode_len(&p, shapes);
	if (aws_mnode_kind(shapes) != AWS_MN_OBJECT)
		return;
	for (size_t i = 0; i < n; i++) {
		const aws_mnode *def;
		aws_mnode_member(&p, shapes, i, &def);
		aws_stype t = stype_of(&p, def);
		pk->w[(const uint32_t *)(const void *)def - pk->w] =
			(def->tag & 0xff) | ((uint32_t)(t + 1) << 8);
	}
}

void aws_mpack_build(json_object *root, uint32_t **words, size_t *nwords, char **strs,
		     size_t *nstrs)
{
	packer pk = { 0 };
	strbuf_init(&pk.strs);
	intern(&pk, ""); /* offset 0 is the empty string */
	reserve(&pk, 2);
	aws_mnode r = pack(&pk, root);
	memcpy(pk.w, &r, sizeof(r));
	mark_shapes(&pk);
	free(pk.slots);
	*words = pk.w;
	*nwords = pk.nw;
	*nstrs = pk.strs.len;
	*strs = strbuf_detach(&pk.strs, NULL);
}

/* A reference ({"shape": NAME, ...}) names a shape definition of the model. */
static int check_ref(const aws_mpack *p, const aws_mnode *shapes, const char *owner,
		     const char *what, const aws_mnode *ref, strbuf *err)
{
	const char *target = aws_mnode_str(p, aws_mnode_get(p, ref, "shape"));
	if (target && aws_mnode_get(p, shapes, target))
		return 0;
	strbuf_addf(err, "shape '%s' %s refers to shape '%s', which the model does not define",
		    owner, what, target ? target : "(none)");
	return -1;
}

int aws_mpack_check_model(const aws_mpack *p, strbuf *err)
{
	const aws_mnode *shapes = aws_mnode_get(p, aws_mpack_root(p), "shapes"), *def, *ref;
	size_t n = aws_mnode_len(p, shapes);
	for (size_t i = 0; i < n; i++) {
		const char *name = aws_mnode_member(p, shapes, i, &def);
		if (aws_mnode_kind(def) != AWS_MN_OBJECT || stype_of(p, def) == AWS_T_NONE) {
			const char *t = aws_mnode_str(p, aws_mnode_get(p, def, "type"));
			strbuf_addf(err, "shape '%s' has type '%s', which kdx does not implement", name,
				    t ? t : "(none)");
			return -1;
		}
		static const char *const subs[] = { "member", "key", "value" };
		for (size_t k = 0; k < 3; k++)
			if ((ref = aws_mnode_get(p, def, subs[k])) &&
			    check_ref(p, shapes, name, subs[k], ref, err) < 0)
				return -1;
		const aws_mnode *mem = aws_mnode_get(p, def, "members");
		for (size_t k = 0; k < aws_mnode_len(p, mem); k++) {
			const char *mname = aws_mnode_member(p, mem, k, &ref);
			strbuf what = STRBUF_INIT;
			strbuf_addf(&what, "member '%s'", mname);
			int rc = check_ref(p, shapes, name, what.buf, ref, err);
			strbuf_release(&what);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}
