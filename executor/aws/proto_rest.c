/* proto_rest: the request side of rest-xml and rest-json: members placed in the URI
 * template ({Label}, greedy {Label+}), the query string, headers and the body or payload;
 * and the XML writer for rest-xml bodies (byte for byte what botocore's ElementTree writes). */
#include "proto_shared.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct rest_parts {
	aws_vbuild labels;  /* uri labels, values as strings */
	strbuf query;       /* encoded, "&"-separated, leading "&" */
	aws_vbuild body;    /* members that go in the body */
	int bad;
} rest_parts;

static void add_query(rest_parts *p, const char *key, const char *val, size_t n)
{
	strbuf_addch(&p->query, '&');
	aws_wire_uri_encode(&p->query, key, strlen(key), NULL);
	strbuf_addch(&p->query, '=');
	aws_wire_uri_encode(&p->query, val, n, NULL);
}

static int scalar_text(strbuf *sb, const aws_shape *s, const kdx_value *v, const char *def_ts)
{
	const char *fmt = aws_shape_trait(s, "timestampFormat");
	return aws_wire_scalar(sb, s, v, fmt ? fmt : def_ts, false);
}

static void header_value(rest_parts *p, aws_request *req, const aws_shape *s, const char *name,
			 const kdx_value *v)
{
	strbuf t = STRBUF_INIT;
	if (s->type == AWS_T_LIST) {
		aws_shape item = aws_shape_list_member(s);
		for (size_t i = 0; i < v->u.list.n; i++) {
			strbuf one = STRBUF_INIT;
			p->bad += scalar_text(&one, &item, v->u.list.items[i], "rfc822") < 0;
			if (i)
				strbuf_addch(&t, ',');
			if (item.type == AWS_T_STRING && strpbrk(one.buf, "\",")) {
				strbuf_addch(&t, '"');
				for (const char *c = one.buf; *c; c++) {
					if (*c == '"')
						strbuf_addch(&t, '\\');
					strbuf_addch(&t, *c);
				}
				strbuf_addch(&t, '"');
			} else {
				strbuf_addstr(&t, one.buf);
			}
			strbuf_release(&one);
		}
		if (!v->u.list.n)
			goto out;
	} else if (aws_shape_flag(s, "jsonvalue")) {
		strbuf j = STRBUF_INIT;
		kdx_value_to_json(&j, v);
		aws_wire_base64(&t, j.buf, j.len);
		strbuf_release(&j);
	} else if (s->type == AWS_T_BLOB && v->kind == KDX_V_STRING) {
		aws_wire_base64(&t, v->u.str.ptr, v->u.str.len);
	} else {
		p->bad += scalar_text(&t, s, v, "rfc822") < 0;
	}
	aws_request_set_header_n(req, name, t.buf, t.len); /* t may hold a NUL: refused */
out:
	strbuf_release(&t);
}

/* Does a member of IN other than a map, given in V, go in the query string as KEY? */
static bool named_query(const aws_shape *in, const kdx_value *v, const char *key)
{
	for (size_t i = 0; i < v->u.map.n; i++) {
		aws_shape m;
		if (v->u.map.vals[i]->kind == KDX_V_NULL || !aws_shape_member(in, v->u.map.keys[i], &m))
			continue;
		const char *loc = aws_shape_trait(&m, "location");
		if (m.type != AWS_T_MAP && loc && !strcmp(loc, "querystring") &&
		    !strcmp(aws_shape_wire_name(&m, v->u.map.keys[i]), key))
			return true;
	}
	return false;
}

static void partition(rest_parts *p, aws_request *req, const aws_shape *in, const kdx_value *v)
{
	for (size_t i = 0; v && i < v->u.map.n; i++) {
		aws_shape m;
		const char *key = v->u.map.keys[i];
		const kdx_value *val = v->u.map.vals[i];
		if (val->kind == KDX_V_NULL || !aws_shape_member(in, key, &m))
			continue;
		const char *loc = aws_shape_trait(&m, "location");
		const char *wire = aws_shape_wire_name(&m, key);
		strbuf t = STRBUF_INIT;
		if (!loc) {
			aws_vbuild_add(&p->body, key, (kdx_value *)val);
		} else if (!strcmp(loc, "uri")) {
			p->bad += scalar_text(&t, &m, val, "iso8601") < 0;
			aws_vbuild_add(&p->labels, wire, kdx_value_string(p->body.a, t.buf));
		} else if (!strcmp(loc, "querystring") && m.type == AWS_T_MAP) {
			aws_shape vs = aws_shape_map_value(&m);
			for (size_t k = 0; k < val->u.map.n; k++) {
				const kdx_value *e = val->u.map.vals[k];
				/* a key a named member sets is that member's (Smithy: httpQuery
				 * takes precedence over httpQueryParams) */
				if (named_query(in, v, val->u.map.keys[k]))
					continue;
				size_t n = e->kind == KDX_V_LIST ? e->u.list.n : 1;
				aws_shape es = vs.type == AWS_T_LIST ? aws_shape_list_member(&vs) : vs;
				for (size_t j = 0; j < n; j++) {
					strbuf_reset(&t);
					p->bad += scalar_text(&t, &es, e->kind == KDX_V_LIST ?
							      e->u.list.items[j] : e, "iso8601") < 0;
					add_query(p, val->u.map.keys[k], t.buf, t.len);
				}
			}
		} else if (!strcmp(loc, "querystring") && m.type == AWS_T_LIST) {
			aws_shape item = aws_shape_list_member(&m);
			for (size_t j = 0; j < val->u.list.n; j++) {
				strbuf_reset(&t);
				p->bad += scalar_text(&t, &item, val->u.list.items[j], "iso8601") < 0;
				add_query(p, wire, t.buf, t.len);
			}
		} else if (!strcmp(loc, "querystring")) {
			p->bad += scalar_text(&t, &m, val, "iso8601") < 0;
			add_query(p, wire, t.buf, t.len);
		} else if (!strcmp(loc, "header")) {
			header_value(p, req, &m, wire, val);
		} else if (!strcmp(loc, "headers")) {
			for (size_t k = 0; k < val->u.map.n; k++) {
				strbuf_reset(&t);
				strbuf_addf(&t, "%s%s", wire, val->u.map.keys[k]);
				const kdx_value *hv = val->u.map.vals[k];
				aws_request_set_header_n(req, t.buf, hv->kind == KDX_V_STRING ?
							 hv->u.str.ptr : "", hv->kind == KDX_V_STRING ?
							 hv->u.str.len : 0);
			}
		}
		strbuf_release(&t);
	}
}

/* Render "/2013-04-01/hostedzone/{Id}/rrset/" with the labels; -1 when one is missing. */
static int render_uri(strbuf *out, const char *tmpl, size_t n, aws_vbuild *labels, strbuf *err)
{
	for (size_t i = 0; i < n; i++) {
		if (tmpl[i] != '{') {
			strbuf_addch(out, tmpl[i]);
			continue;
		}
		const char *close = memchr(tmpl + i, '}', n - i);
		if (!close)
			break;
		size_t len = (size_t)(close - tmpl - i - 1);
		bool greedy = len && tmpl[i + len] == '+';
		const kdx_value *v = NULL;
		for (size_t k = 0; k < labels->n; k++)
			if (strlen(labels->keys[k]) == len - greedy &&
			    !strncmp(labels->keys[k], tmpl + i + 1, len - greedy))
				v = labels->vals[k];
		if (!v) {
			strbuf_addf(err, "missing required parameter '%.*s' (part of the URI)",
				    (int)(len - greedy), tmpl + i + 1);
			return -1;
		}
		aws_wire_uri_encode(out, v->u.str.ptr, v->u.str.len, greedy ? "/" : NULL);
		i = (size_t)(close - tmpl);
	}
	return 0;
}

static bool has_unlocated_member(const aws_shape *s)
{
	aws_member_iter it = aws_shape_members(s);
	aws_shape m;
	const char *name;
	while (aws_member_next(&it, &name, &m)) {
		if (!aws_shape_trait(&m, "location"))
			return true;
	}
	return false;
}

static void write_body(aws_request *req, bool xml, const aws_shape *s, const kdx_value *v,
		       const char *root)
{
	if (xml) {
		aws_xml_write(&req->body, s, v, root);
	} else {
		aws_json_write(&req->body, s, v);
	}
}

static void serialize_payload(aws_request *req, bool xml, const aws_shape *in, const kdx_value *v,
			      rest_parts *p)
{
	const char *payload = aws_shape_trait(in, "payload");
	aws_shape pm;
	strbuf_reset(&req->body);
	if (payload && aws_shape_member(in, payload, &pm)) {
		const kdx_value *pv = kdx_value_get(v, payload);
		if (pm.type == AWS_T_BLOB || pm.type == AWS_T_STRING) {
			if (pv && pv->kind == KDX_V_STRING)
				strbuf_add(&req->body, pv->u.str.ptr, pv->u.str.len);
			return; /* streaming: no Content-Type of ours */
		}
		if (pv && pv->kind != KDX_V_NULL)
			write_body(req, xml, &pm, pv, aws_shape_wire_name(&pm, payload));
		else if (!xml)
			strbuf_addstr(&req->body, "{}");
	} else if (p->body.n) {
		kdx_value *bv = aws_vbuild_finish(&p->body);
		write_body(req, xml, in, bv, aws_shape_wire_name(in, in->name));
	} else if (!xml && has_unlocated_member(in)) {
		strbuf_addstr(&req->body, "{}");
	}
	if (!xml && req->body.len && !aws_request_get_header(req, "Content-Type"))
		aws_request_set_header(req, "Content-Type", "application/json");
}

int aws_rest_serialize(const aws_model *m, const aws_operation *op, const kdx_value *in,
		       aws_request *req, strbuf *err)
{
	kdx_arena a;
	kdx_arena_init(&a);
	rest_parts p = { .labels = { .a = &a }, .body = { .a = &a } };
	strbuf path = STRBUF_INIT;
	bool xml = aws_model_protocol(m) == AWS_PROTO_REST_XML;
	const char *uri = op->request_uri, *qmark = strchr(uri, '?');
	int rc = -1;
	strbuf_init(&p.query);
	free(req->method);
	req->method = xstrdup(op->method);
	strbuf_reset(&req->body);
	if (op->input.type == AWS_T_STRUCTURE)
		partition(&p, req, &op->input, in);
	if (render_uri(&path, uri, qmark ? (size_t)(qmark - uri) : strlen(uri), &p.labels, err))
		goto out;
	free(req->path);
	req->path = strbuf_detach(&path, NULL);
	/* the template's own query ("?list-type=2") comes first, as in botocore */
	strbuf q = STRBUF_INIT;
	if (qmark && qmark[1])
		strbuf_addstr(&q, qmark + 1);
	if (p.query.len)
		strbuf_addstr(&q, p.query.buf + (q.len ? 0 : 1));
	free(req->query);
	req->query = q.len ? strbuf_detach(&q, NULL) : NULL;
	strbuf_release(&q);
	if (op->input.type == AWS_T_STRUCTURE)
		serialize_payload(req, xml, &op->input, in, &p);
	if (p.bad) {
		strbuf_addf(err, "%s %s: a parameter value cannot be sent as text",
			    aws_model_service(m), op->name);
		goto out;
	}
	rc = 0;
out:
	aws_vbuild_finish(&p.labels);
	aws_vbuild_finish(&p.body);
	strbuf_release(&p.query);
	strbuf_release(&path);
	kdx_arena_release(&a);
	return rc;
}

static void xml_escape(strbuf *sb, const char *s, size_t n, bool attr)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, attr ? "&quot;" : "\""); break;
		case '\n': strbuf_addstr(sb, attr ? "&#10;" : "\n"); break;
		case '\r': strbuf_addstr(sb, attr ? "&#13;" : "\r"); break;
		case '\t': strbuf_addstr(sb, attr ? "&#09;" : "\t"); break;
		default: strbuf_addch(sb, s[i]);
		}
	}
}

static void open_tag(strbuf *sb, const aws_shape *s, const char *name, const strbuf *attrs)
{
	const char *ns = aws_shape_xml_namespace(s), *pfx = aws_shape_xml_ns_prefix(s);
	strbuf_addf(sb, "<%s", name);
	if (ns) {
		strbuf_addf(sb, " xmlns%s%s=\"", pfx ? ":" : "", pfx ? pfx : "");
		xml_escape(sb, ns, strlen(ns), true);
		strbuf_addch(sb, '"');
	}
	if (attrs)
		strbuf_add(sb, attrs->buf, attrs->len);
}

/* ElementTree writes an element without text or children as "<Name />". */
static void close_tag(strbuf *sb, const char *name, const strbuf *inner)
{
	if (!inner->len) {
		strbuf_addstr(sb, " />");
		return;
	}
	strbuf_addch(sb, '>');
	strbuf_add(sb, inner->buf, inner->len);
	strbuf_addf(sb, "</%s>", name);
}

void aws_xml_write(strbuf *sb, const aws_shape *s, const kdx_value *v, const char *name)
{
	strbuf inner = STRBUF_INIT, attrs = STRBUF_INIT;
	switch (s->type) {
	case AWS_T_STRUCTURE:
		for (size_t i = 0; i < v->u.map.n; i++) {
			aws_shape m;
			const kdx_value *mv = v->u.map.vals[i];
			if (mv->kind == KDX_V_NULL || !aws_shape_member(s, v->u.map.keys[i], &m))
				continue;
			const char *wire = aws_shape_wire_name(&m, v->u.map.keys[i]);
			if (aws_shape_flag(&m, "xmlAttribute")) {
				strbuf_addf(&attrs, " %s=\"", wire);
				if (mv->kind == KDX_V_STRING)
					xml_escape(&attrs, mv->u.str.ptr, mv->u.str.len, true);
				strbuf_addch(&attrs, '"');
				continue;
			}
			aws_xml_write(&inner, &m, mv, wire);
		}
		break;
	case AWS_T_LIST: {
		aws_shape item = aws_shape_list_member(s);
		if (aws_shape_flag(s, "flattened")) {
			for (size_t i = 0; i < v->u.list.n; i++)
				aws_xml_write(sb, &item, v->u.list.items[i], name);
			goto out;
		}
		const char *iname = aws_shape_wire_name(&item, "member");
		for (size_t i = 0; i < v->u.list.n; i++)
			aws_xml_write(&inner, &item, v->u.list.items[i], iname);
		break;
	}
	case AWS_T_MAP: {
		aws_shape ks = aws_shape_map_key(s), vs = aws_shape_map_value(s);
		bool flat = aws_shape_flag(s, "flattened");
		for (size_t i = 0; i < v->u.map.n; i++) {
			strbuf entry = STRBUF_INIT;
			kdx_value key = { .kind = KDX_V_STRING };
			key.u.str.ptr = v->u.map.keys[i];
			key.u.str.len = strlen(key.u.str.ptr);
			aws_xml_write(&entry, &ks, &key, aws_shape_wire_name(&ks, "key"));
			aws_xml_write(&entry, &vs, v->u.map.vals[i], aws_shape_wire_name(&vs, "value"));
			strbuf *dst = flat ? sb : &inner;
			strbuf_addf(dst, "<%s>%s</%s>", flat ? name : "entry", entry.buf,
				    flat ? name : "entry");
			strbuf_release(&entry);
		}
		if (flat)
			goto out;
		break;
	}
	default: {
		strbuf t = STRBUF_INIT;
		const char *fmt = aws_shape_trait(s, "timestampFormat");
		aws_wire_scalar(&t, s, v, fmt ? fmt : "iso8601", true);
		xml_escape(&inner, t.buf, t.len, false);
		strbuf_release(&t);
	}
	}
	open_tag(sb, s, name, &attrs);
	close_tag(sb, name, &inner);
out:
	strbuf_release(&inner);
	strbuf_release(&attrs);
}
