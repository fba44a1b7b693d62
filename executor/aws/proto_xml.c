/* proto_xml: XML responses of the query, ec2 and rest-xml protocols read with expat
 * (xmldoc.h: documents with a DTD refused, nothing loaded, no entity of theirs expanded)
 * into values shaped by the output shape, and XML error responses (<ErrorResponse><Error>,
 * <Response><Errors><Error>, <Error>). */
#include "proto_shared.h"
#include "xmldoc.h"
#include "../../common/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static bool named(const aws_xml_node *n, const char *name)
{
	return !strcmp(n->name, name);
}

static kdx_value *parse_node(kdx_arena *a, const aws_shape *s, aws_xml_node **nodes, size_t n);

static kdx_value *text_value(kdx_arena *a, const aws_shape *s, const aws_xml_node *node)
{
	return aws_scalar_from_text(a, s, node->text, node->text_len);
}

/* The element name a member is found under: a flattened list goes by its member's name. */
static const char *xml_member_name(const aws_shape *m, const char *name)
{
	if (m->type == AWS_T_LIST && aws_shape_flag(m, "flattened")) {
		aws_shape item = aws_shape_list_member(m);
		const char *ln = aws_shape_trait(&item, "locationName");
		if (ln)
			return ln;
	}
	return aws_shape_wire_name(m, name);
}

/* How a structure's members are read from XML, worked out once per shape (aws_model_memo):
 * in model order, each with its shape resolved and its traits read; by_name orders them by
 * name for the children's lookup. */
typedef struct xml_member {
	const char *name, *wire; /* the member, and the element it comes in */
	aws_shape shape;         /* type AWS_T_NONE when the model names no such shape */
	bool located;            /* in a header, the URI or the status: not in the body */
	bool attr;               /* an XML attribute of the structure's element */
	bool renamed;            /* wire is not name: its elements are found by wire */
} xml_member;

typedef struct xml_layout {
	size_t n;
	uint32_t *by_name;
	xml_member m[];
} xml_layout;

static void *make_layout(const aws_shape *s)
{
	size_t n = aws_shape_nmembers(s);
	/* one block, freed whole with the model: the members, then by_name */
	xml_layout *L = xcalloc(1, sizeof(*L) + n * sizeof(L->m[0]) + n * sizeof(uint32_t));
	L->by_name = (uint32_t *)(void *)&L->m[n];
	aws_member_iter it = aws_shape_members(s);
	const char *name;
	aws_shape m;
	while (L->n < n && aws_member_next(&it, &name, &m)) {
		xml_member *x = &L->m[L->n];
		x->name = name;
		x->shape = m;
		x->located = aws_shape_trait(&m, "location") != NULL;
		x->wire = x->located ? name : xml_member_name(&m, name);
		x->attr = !x->located && aws_shape_flag(&m, "xmlAttribute");
		x->renamed = strcmp(x->wire, name) != 0;
		L->by_name[L->n] = (uint32_t)L->n;
		L->n++;
	}
	/* by name: an insertion sort, as a structure has tens of members */
	for (size_t i = 1; i < L->n; i++) {
		uint32_t v = L->by_name[i];
		size_t j = i;
		for (; j > 0 && strcmp(L->m[L->by_name[j - 1]].name, L->m[v].name) > 0; j--)
			L->by_name[j] = L->by_name[j - 1];
		L->by_name[j] = v;
	}
	return L;
}

/* The member named NAME whose shape the model has, or -1. */
static ssize_t layout_member(const xml_layout *L, const char *name)
{
	size_t lo = 0, hi = L->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const xml_member *x = &L->m[L->by_name[mid]];
		int c = strcmp(name, x->name);
		if (!c)
			return x->shape.type != AWS_T_NONE ? (ssize_t)L->by_name[mid] : -1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Children are matched to members in one pass by name (a binary search each); only members
 * whose wire name differs from their name (locationName) are searched for by that name. */
static void parse_members(kdx_arena *a, const aws_shape *s, aws_xml_node *node, aws_vbuild *b)
{
	const xml_layout *L = aws_model_memo(s->model, s, make_layout);
	aws_xml_node **kids = NULL, **found = NULL;
	ssize_t *owner = NULL;
	size_t nk = 0, ak = 0, alloc = 0;
	for (aws_xml_node *c = node->children; c; c = c->next) {
		XGROW(kids, nk + 1, ak);
		owner = xrealloc(owner, ak * sizeof(*owner));
		kids[nk] = c;
		owner[nk++] = layout_member(L, c->name);
	}
	for (size_t i = 0; i < L->n; i++) {
		const xml_member *x = &L->m[i];
		if (x->located)
			continue;
		if (x->attr) {
			const char *local = strchr(x->wire, ':') ? strchr(x->wire, ':') + 1 : x->wire;
			const char *attr = aws_xml_attr(node, local);
			if (attr)
				aws_vbuild_add(b, x->name, kdx_value_string(a, attr));
			continue;
		}
		size_t n = 0;
		for (size_t k = 0; k < nk; k++) {
			if (x->renamed ? !named(kids[k], x->wire) : owner[k] != (ssize_t)i)
				continue;
			XGROW(found, n + 1, alloc);
			found[n++] = kids[k];
		}
		if (n)
			aws_vbuild_add(b, x->name, parse_node(a, &x->shape, found, n));
	}
	free(found);
	free(kids);
	free(owner);
}

static size_t element_children(aws_xml_node *node, aws_xml_node ***out)
{
	size_t n = 0, alloc = 0;
	*out = NULL;
	for (aws_xml_node *c = node->children; c; c = c->next) {
		XGROW(*out, n + 1, alloc);
		(*out)[n++] = c;
	}
	return n;
}

static kdx_value *parse_map(kdx_arena *a, const aws_shape *s, aws_xml_node **nodes, size_t n)
{
	aws_shape ks = aws_shape_map_key(s), vs = aws_shape_map_value(s);
	const char *kn = aws_shape_wire_name(&ks, "key"), *vn = aws_shape_wire_name(&vs, "value");
	aws_vbuild b = { .a = a };
	aws_xml_node **entries = nodes;
	size_t ne = n;
	if (!aws_shape_flag(s, "flattened"))
		ne = element_children(nodes[0], &entries);
	for (size_t i = 0; i < ne; i++) {
		aws_xml_node *k = aws_xml_child(entries[i], kn), *v = aws_xml_child(entries[i], vn);
		if (!k)
			continue;
		char *key = xstrndup(k->text, k->text_len);
		aws_vbuild_add(&b, key, v ? parse_node(a, &vs, &v, 1) : kdx_value_null(a));
		free(key);
	}
	if (entries != nodes)
		free(entries);
	return aws_vbuild_finish(&b);
}

static kdx_value *parse_node(kdx_arena *a, const aws_shape *s, aws_xml_node **nodes, size_t n)
{
	switch (s->type) {
	case AWS_T_STRUCTURE: {
		aws_vbuild b = { .a = a };
		parse_members(a, s, nodes[0], &b);
		return aws_vbuild_finish(&b);
	}
	case AWS_T_LIST: {
		aws_shape item = aws_shape_list_member(s);
		aws_xml_node **items = nodes;
		size_t ni = n;
		if (!aws_shape_flag(s, "flattened"))
			ni = element_children(nodes[0], &items);
		kdx_value *v = kdx_value_list(a, ni);
		for (size_t i = 0; i < ni; i++)
			v->u.list.items[i] = parse_node(a, &item, &items[i], 1);
		if (items != nodes)
			free(items);
		return v;
	}
	case AWS_T_MAP:
		return parse_map(a, s, nodes, n);
	default:
		return text_value(a, s, nodes[0]);
	}
}

int aws_xml_parse(const aws_model *m, const aws_operation *op, const aws_response *resp,
		  kdx_arena *a, kdx_value **out, strbuf *err)
{
	aws_vbuild b = { .a = a };
	const aws_shape *os = &op->output;
	aws_protocol proto = aws_model_protocol(m);
	const char *payload = os->type == AWS_T_STRUCTURE ? aws_shape_trait(os, "payload") : NULL;
	aws_shape pm;
	if (proto == AWS_PROTO_REST_XML && os->type == AWS_T_STRUCTURE)
		aws_rest_parse_headers(os, resp, &b);
	if (payload && aws_shape_member(os, payload, &pm) && pm.type != AWS_T_STRUCTURE) {
		aws_vbuild_add(&b, payload, kdx_value_stringn(a, resp->body.buf, resp->body.len));
		*out = aws_vbuild_finish(&b);
		return 0;
	}
	if (os->type != AWS_T_STRUCTURE || (!resp->body.len && proto == AWS_PROTO_REST_XML)) {
		*out = aws_vbuild_finish(&b);
		return 0;
	}
	kdx_arena dom;
	aws_xml_node *root;
	kdx_arena_init(&dom);
	aws_xml_status st = aws_xml_read(&dom, resp->body.buf, resp->body.len, false, &root);
	if (st != AWS_XML_OK) {
		kdx_arena_release(&dom);
		aws_vbuild_finish(&b);
		if (st == AWS_XML_DTD)
			strbuf_addf(err, "%s %s: response XML declares a DTD; refused (AWS never "
				    "sends one: check the endpoint)", aws_model_service(m), op->name);
		else
			strbuf_addf(err, "%s %s: response is not valid XML (HTTP %ld, %zu bytes)",
				    aws_model_service(m), op->name, resp->status, resp->body.len);
		return -1;
	}
	const char *wrapper = aws_shape_trait(os, "resultWrapper");
	if (proto == AWS_PROTO_QUERY && wrapper)
		root = aws_xml_child(root, wrapper);
	if (payload && aws_shape_member(os, payload, &pm)) {
		aws_vbuild_add(&b, payload, parse_node(a, &pm, &root, 1));
	} else if (root) {
		parse_members(a, os, root, &b);
	}
	*out = aws_vbuild_finish(&b);
	kdx_arena_release(&dom);
	return 0;
}

static aws_xml_node *error_node(aws_xml_node *root);

static char *child_text(const aws_xml_node *parent, const char *name)
{
	aws_xml_node *c = aws_xml_child(parent, name);
	return c ? xstrndup(c->text, c->text_len) : NULL;
}

void aws_xml_parse_error(const aws_response *resp, aws_error *e)
{
	kdx_arena dom;
	aws_xml_node *root, *err = NULL;
	kdx_arena_init(&dom);
	if (aws_xml_read(&dom, resp->body.buf, resp->body.len, false, &root) != AWS_XML_OK) {
		kdx_arena_release(&dom);
		return;
	}
	/* rest-xml (S3) <Error>; query, rest-xml (Route 53) <ErrorResponse><Error>; ec2
	 * <Response><Errors><Error> */
	err = error_node(root);
	if (err) {
		e->code = child_text(err, "Code");
		e->message = child_text(err, "Message");
		e->request_id = child_text(err, "RequestId");
	}
	if (!e->request_id)
		e->request_id = child_text(root, "RequestId");
	if (!e->request_id)
		e->request_id = child_text(root, "RequestID");
	kdx_arena_release(&dom);
}

/* The <Error> element of an XML error document (query, ec2, rest-xml). */
static aws_xml_node *error_node(aws_xml_node *root)
{
	if (named(root, "Error"))
		return root;
	if (aws_xml_child(root, "Error"))
		return aws_xml_child(root, "Error");
	return aws_xml_child(aws_xml_child(root, "Errors"), "Error");
}

kdx_value *aws_xml_error_fields(const aws_model *m, const aws_response *resp,
				const char *code, kdx_arena *a)
{
	kdx_arena dom;
	aws_xml_node *root, *err;
	kdx_value *v = NULL;
	kdx_arena_init(&dom);
	if (aws_xml_read(&dom, resp->body.buf, resp->body.len, false, &root) == AWS_XML_OK &&
	    (err = error_node(root))) {
		aws_shape s = aws_model_error_shape(m, code);
		aws_vbuild b = { .a = a };
		if (s.type == AWS_T_STRUCTURE)
			parse_members(a, &s, err, &b);
		else
			for (aws_xml_node *c = err->children; c; c = c->next)
				aws_vbuild_add(&b, c->name, kdx_value_stringn(a, c->text, c->text_len));
		v = aws_vbuild_finish(&b);
		/* what aws_error holds already is not repeated; sensitive members never shown */
		size_t k = 0;
		for (size_t i = 0; i < v->u.map.n; i++) {
			aws_shape ms;
			if (aws_error_known_field(v->u.map.keys[i]) ||
			    (s.type == AWS_T_STRUCTURE && aws_shape_member(&s, v->u.map.keys[i], &ms) &&
			     aws_shape_flag(&ms, "sensitive")))
				continue;
			v->u.map.keys[k] = v->u.map.keys[i];
			v->u.map.vals[k++] = v->u.map.vals[i];
		}
		v->u.map.n = k;
	}
	kdx_arena_release(&dom);
	return v;
}
