/* proto_xml: XML responses of the query, ec2 and rest-xml protocols read with expat
 * (xmldoc.h: documents with a DTD refused, nothing loaded, no entity of theirs expanded)
 * into values shaped by the output shape, and XML error responses (<ErrorResponse><Error>,
 * <Response><Errors><Error>, <Error>). */
#include "proto_shared.h"
#include "xmldoc.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

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

/* Children are matched to members in one pass by name (a hash lookup each); only members
 * whose wire name differs from their name (locationName) are searched for by name. */
static void parse_members(kdx_arena *a, const aws_shape *s, aws_xml_node *node, aws_vbuild *b)
{
	aws_xml_node **kids = NULL, **found = NULL;
	const void **owner = NULL;
	size_t nk = 0, ak = 0, alloc = 0;
	for (aws_xml_node *c = node->children; c; c = c->next) {
		aws_shape m;
		XGROW(kids, nk + 1, ak);
		owner = xrealloc(owner, ak * sizeof(*owner));
		kids[nk] = c;
		owner[nk++] = aws_shape_member(s, c->name, &m) ? m.ref : NULL;
	}
	aws_member_iter it = aws_shape_members(s);
	aws_shape m;
	const char *name;
	while (aws_member_next(&it, &name, &m)) {
		if (aws_shape_trait(&m, "location"))
			continue;
		const char *wire = xml_member_name(&m, name);
		if (aws_shape_flag(&m, "xmlAttribute")) {
			const char *local = strchr(wire, ':') ? strchr(wire, ':') + 1 : wire;
			const char *attr = aws_xml_attr(node, local);
			if (attr)
				aws_vbuild_add(b, name, kdx_value_string(a, attr));
			continue;
		}
		bool renamed = strcmp(wire, name) != 0;
		size_t n = 0;
		for (size_t k = 0; k < nk; k++) {
			if (renamed ? !named(kids[k], wire) : !m.ref || owner[k] != m.ref)
				continue;
			XGROW(found, n + 1, alloc);
			found[n++] = kids[k];
		}
		if (n)
			aws_vbuild_add(b, name, parse_node(a, &m, found, n));
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
