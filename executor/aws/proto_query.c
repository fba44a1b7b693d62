/* proto_query: the query and ec2 protocols' request side: a form-encoded POST body of
 * Action, Version and the input flattened into dotted names (Filters.member.1.Name for
 * query, Filter.1.Name for ec2). Responses are XML, parsed in proto_xml.c. */
#include "proto_shared.h"
#include "../../common/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct qctx {
	bool ec2;
	strbuf *body;
	int bad;
} qctx;

/* application/x-www-form-urlencoded, as botocore writes it: space is '+'. */
static void form_encode(strbuf *sb, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		aws_wire_uri_encode(sb, s + start, i - start, NULL);
		if (i < n)
			strbuf_addch(sb, '+');
		start = i + 1;
	}
}

static void emit(qctx *q, const char *key, const char *val, size_t n)
{
	strbuf_addch(q->body, '&');
	form_encode(q->body, key, strlen(key));
	strbuf_addch(q->body, '=');
	form_encode(q->body, val, n);
}

/* The name a member goes by: ec2 prefers queryName, then a capitalised locationName. */
static void member_name(qctx *q, const aws_shape *m, const char *name, strbuf *out)
{
	const char *qn = q->ec2 ? aws_shape_trait(m, "queryName") : NULL;
	const char *ln = aws_shape_trait(m, "locationName");
	if (qn) {
		strbuf_addstr(out, qn);
	} else if (ln) {
		strbuf_addstr(out, ln);
		if (q->ec2)
			out->buf[out->len - strlen(ln)] =
				(char)toupper((unsigned char)out->buf[out->len - strlen(ln)]);
	} else {
		strbuf_addstr(out, name);
	}
}

static void q_value(qctx *q, const aws_shape *s, const kdx_value *v, strbuf *prefix);

static void q_structure(qctx *q, const aws_shape *s, const kdx_value *v, strbuf *prefix)
{
	size_t base = prefix->len;
	for (size_t i = 0; i < v->u.map.n; i++) {
		aws_shape m;
		if (v->u.map.vals[i]->kind == KDX_V_NULL ||
		    !aws_shape_member(s, v->u.map.keys[i], &m))
			continue;
		if (base)
			strbuf_addch(prefix, '.');
		member_name(q, &m, v->u.map.keys[i], prefix);
		q_value(q, &m, v->u.map.vals[i], prefix);
		prefix->len = base;
		prefix->buf[base] = '\0';
	}
}

static void q_list(qctx *q, const aws_shape *s, const kdx_value *v, strbuf *prefix)
{
	aws_shape item = aws_shape_list_member(s);
	if (!v->u.list.n) {
		/* the query protocol sends an empty list as "Name=", ec2 sends nothing */
		if (!q->ec2)
			emit(q, prefix->buf, "", 0);
		return;
	}
	if (!q->ec2) {
		const char *ln = aws_shape_trait(&item, "locationName");
		if (aws_shape_flag(s, "flattened")) {
			if (ln) { /* replace the last dotted component with the member's name */
				char *dot = strrchr(prefix->buf, '.');
				prefix->len = dot ? (size_t)(dot - prefix->buf) + 1 : 0;
				prefix->buf[prefix->len] = '\0';
				strbuf_addstr(prefix, ln);
			}
		} else {
			strbuf_addf(prefix, ".%s", ln ? ln : "member");
		}
	}
	size_t lbase = prefix->len;
	for (size_t i = 0; i < v->u.list.n; i++) {
		strbuf_addf(prefix, ".%zu", i + 1);
		q_value(q, &item, v->u.list.items[i], prefix);
		prefix->len = lbase;
		prefix->buf[lbase] = '\0';
	}
}

static void q_map(qctx *q, const aws_shape *s, const kdx_value *v, strbuf *prefix)
{
	aws_shape ks = aws_shape_map_key(s), vs = aws_shape_map_value(s);
	const char *kn = aws_shape_trait(&ks, "locationName");
	const char *vn = aws_shape_trait(&vs, "locationName");
	if (!aws_shape_flag(s, "flattened"))
		strbuf_addstr(prefix, ".entry");
	size_t base = prefix->len;
	for (size_t i = 0; i < v->u.map.n; i++) {
		kdx_value key = { .kind = KDX_V_STRING };
		key.u.str.ptr = v->u.map.keys[i];
		key.u.str.len = strlen(v->u.map.keys[i]);
		strbuf_addf(prefix, ".%zu.%s", i + 1, kn ? kn : "key");
		q_value(q, &ks, &key, prefix);
		prefix->len = base;
		strbuf_addf(prefix, ".%zu.%s", i + 1, vn ? vn : "value");
		q_value(q, &vs, v->u.map.vals[i], prefix);
		prefix->len = base;
		prefix->buf[base] = '\0';
	}
}

static void q_value(qctx *q, const aws_shape *s, const kdx_value *v, strbuf *prefix)
{
	/* q_list rewrites the prefix in place, so each call works on its own copy */
	strbuf p = STRBUF_INIT;
	strbuf_add(&p, prefix->buf, prefix->len);
	switch (s->type) {
	case AWS_T_STRUCTURE:
		q_structure(q, s, v, &p);
		break;
	case AWS_T_LIST:
		q_list(q, s, v, &p);
		break;
	case AWS_T_MAP:
		q_map(q, s, v, &p);
		break;
	default: {
		strbuf val = STRBUF_INIT;
		if (aws_wire_scalar(&val, s, v, aws_shape_trait(s, "timestampFormat"), true) < 0)
			q->bad++;
		else
			emit(q, p.buf, val.buf, val.len);
		strbuf_release(&val);
	}
	}
	strbuf_release(&p);
}

int aws_query_serialize(const aws_model *m, const aws_operation *op, const kdx_value *in,
			aws_request *req, strbuf *err)
{
	qctx q = { .ec2 = aws_model_protocol(m) == AWS_PROTO_EC2, .body = &req->body };
	strbuf prefix = STRBUF_INIT;
	free(req->method);
	req->method = xstrdup(op->method);
	free(req->path);
	req->path = xstrdup("/");
	free(req->query);
	req->query = NULL;
	strbuf_reset(&req->body);
	strbuf_addstr(&req->body, "Action=");
	form_encode(&req->body, op->name, strlen(op->name));
	strbuf_addstr(&req->body, "&Version=");
	const char *ver = aws_model_meta(m, "apiVersion");
	form_encode(&req->body, ver, strlen(ver));
	if (in && op->input.type == AWS_T_STRUCTURE)
		q_structure(&q, &op->input, in, &prefix);
	strbuf_release(&prefix);
	aws_request_set_header(req, "Content-Type",
			       "application/x-www-form-urlencoded; charset=utf-8");
	if (q.bad) {
		strbuf_addf(err, "%s %s: a parameter value cannot be sent as text",
			    aws_model_service(m), op->name);
		return -1;
	}
	return 0;
}
