/* proto_json: the json protocol (POST / with X-Amz-Target) and the JSON bodies of rest-json:
 * writing an input as JSON, reading a JSON response (json-c) shaped by the output shape,
 * and decoding JSON errors (__type, x-amzn-ErrorType, x-amzn-query-error). */
#include "proto_shared.h"
#include "../../common/json.h"
#include "../../common/xalloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static kdx_json *json_value(const aws_shape *s, const kdx_value *v);

static kdx_json *json_structure(const aws_shape *s, const kdx_value *v)
{
	kdx_json *o = kdx_json_object();
	for (size_t i = 0; i < v->u.map.n; i++) {
		aws_shape m;
		if (v->u.map.vals[i]->kind == KDX_V_NULL ||
		    !aws_shape_member(s, v->u.map.keys[i], &m))
			continue;
		kdx_json_set_or_null(o, aws_shape_wire_name(&m, v->u.map.keys[i]),
				     json_value(&m, v->u.map.vals[i]));
	}
	return o;
}

/* a number in the protocols' text (integers up to 1e16 written whole) */
static kdx_json *json_wire_number(double d)
{
	if (!isfinite(d))
		return kdx_value_json_number(d); /* the strings "NaN", "Infinity", "-Infinity" */
	strbuf t = STRBUF_INIT;
	aws_wire_number(&t, d);
	kdx_json *j = kdx_json_number_text(d, t.buf);
	strbuf_release(&t);
	return j;
}

static kdx_json *json_value(const aws_shape *s, const kdx_value *v)
{
	switch (s->type) {
	case AWS_T_STRUCTURE:
		return json_structure(s, v);
	case AWS_T_LIST: {
		aws_shape item = aws_shape_list_member(s);
		kdx_json *a = kdx_json_array();
		for (size_t i = 0; i < v->u.list.n; i++)
			kdx_json_push_or_null(a, json_value(&item, v->u.list.items[i]));
		return a;
	}
	case AWS_T_MAP: {
		aws_shape vs = aws_shape_map_value(s);
		kdx_json *o = kdx_json_object();
		for (size_t i = 0; i < v->u.map.n; i++)
			kdx_json_set_or_null(o, v->u.map.keys[i], json_value(&vs, v->u.map.vals[i]));
		return o;
	}
	case AWS_T_TIMESTAMP: {
		/* epoch seconds unless the shape names another format, which is a string */
		const char *fmt = aws_shape_trait(s, "timestampFormat");
		strbuf t = STRBUF_INIT;
		aws_wire_timestamp(&t, v, fmt ? fmt : "unixTimestamp");
		kdx_json *j = fmt && strcasecmp(fmt, "unixTimestamp")
				      ? kdx_json_string(t.buf)
				      : kdx_json_number_text(strtod(t.buf, NULL), t.buf);
		strbuf_release(&t);
		return j;
	}
	case AWS_T_BLOB: {
		strbuf t = STRBUF_INIT;
		if (v->kind == KDX_V_STRING)
			aws_wire_base64(&t, v->u.str.ptr, v->u.str.len);
		kdx_json *j = kdx_json_string(t.buf);
		strbuf_release(&t);
		return j;
	}
	case AWS_T_INTEGER:
	case AWS_T_LONG:
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE:
		if (v->kind == KDX_V_NUMBER || v->kind == KDX_V_PERCENT)
			return json_wire_number(v->u.num);
		if (v->kind == KDX_V_DURATION)
			return json_wire_number((double)(v->u.ms / 1000));
		break;
	default:
		break;
	}
	return kdx_value_json(v);
}

void aws_json_write(strbuf *sb, const aws_shape *s, const kdx_value *v)
{
	kdx_json *j = json_value(s, v);
	kdx_json_write(sb, j);
	kdx_json_free(j);
}

int aws_json_serialize(const aws_model *m, const aws_operation *op, const kdx_value *in,
		       aws_request *req, strbuf *err)
{
	const char *prefix = aws_model_meta(m, "targetPrefix");
	const char *ver = aws_model_meta(m, "jsonVersion");
	strbuf h = STRBUF_INIT;
	free(req->method);
	req->method = xstrdup(op->method);
	free(req->path);
	req->path = xstrdup("/");
	free(req->query);
	req->query = NULL;
	strbuf_addf(&h, "%s.%s", prefix ? prefix : "", op->name);
	aws_request_set_header(req, "X-Amz-Target", h.buf);
	strbuf_reset(&h);
	strbuf_addf(&h, "application/x-amz-json-%s", ver ? ver : "1.0");
	aws_request_set_header(req, "Content-Type", h.buf);
	strbuf_release(&h);
	/* services moved from query to json still want to hear query error codes */
	if (aws_model_meta_has(m, "awsQueryCompatible"))
		aws_request_set_header(req, "x-amzn-query-mode", "true");
	strbuf_reset(&req->body);
	kdx_json *body = in && op->input.type == AWS_T_STRUCTURE ? json_structure(&op->input, in)
								 : kdx_json_object();
	kdx_json_write(&req->body, body);
	kdx_json_free(body);
	(void)err;
	return 0;
}

static kdx_value *from_json(kdx_arena *a, const aws_shape *s, json_object *j);

static kdx_value *generic(kdx_arena *a, json_object *j)
{
	switch (json_object_get_type(j)) {
	case json_type_null:
		return kdx_value_null(a);
	case json_type_boolean:
		return kdx_value_bool(a, json_object_get_boolean(j));
	case json_type_int:
	case json_type_double:
		return kdx_value_number(a, json_object_get_double(j));
	case json_type_string:
		return kdx_value_stringn(a, json_object_get_string(j),
					 (size_t)json_object_get_string_len(j));
	default:
		break;
	}
	const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	strbuf err = STRBUF_INIT;
	kdx_value *v = kdx_value_from_json(a, text, strlen(text), &err);
	strbuf_release(&err);
	return v ? v : kdx_value_null(a);
}

static kdx_value *structure_from_json(kdx_arena *a, const aws_shape *s, json_object *j,
				      aws_vbuild *b)
{
	aws_member_iter it = aws_shape_members(s);
	aws_shape m;
	const char *name;
	while (aws_member_next(&it, &name, &m)) {
		json_object *mv;
		if (aws_shape_trait(&m, "location"))
			continue;
		if (json_object_object_get_ex(j, aws_shape_wire_name(&m, name), &mv) && mv)
			aws_vbuild_add(b, name, from_json(a, &m, mv));
	}
	return aws_vbuild_finish(b);
}

static kdx_value *from_json(kdx_arena *a, const aws_shape *s, json_object *j)
{
	switch (s->type) {
	case AWS_T_STRUCTURE: {
		aws_vbuild b = { .a = a };
		if (!json_object_is_type(j, json_type_object))
			break;
		return structure_from_json(a, s, j, &b);
	}
	case AWS_T_LIST: {
		aws_shape item = aws_shape_list_member(s);
		if (!json_object_is_type(j, json_type_array))
			break;
		size_t n = json_object_array_length(j);
		kdx_value *v = kdx_value_list(a, n);
		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(j, i);
			v->u.list.items[i] = e ? from_json(a, &item, e) : kdx_value_null(a);
		}
		return v;
	}
	case AWS_T_MAP: {
		aws_shape vs = aws_shape_map_value(s);
		aws_vbuild b = { .a = a };
		if (!json_object_is_type(j, json_type_object))
			break;
		json_object_object_foreach(j, key, val)
			aws_vbuild_add(&b, key, val ? from_json(a, &vs, val) : kdx_value_null(a));
		return aws_vbuild_finish(&b);
	}
	case AWS_T_TIMESTAMP:
		if (json_object_is_type(j, json_type_double) || json_object_is_type(j, json_type_int)) {
			strbuf t = STRBUF_INIT;
			kdx_number_shortest(&t, json_object_get_double(j));
			kdx_value *v = aws_timestamp_value(a, t.buf, t.len);
			strbuf_release(&t);
			return v;
		}
		if (json_object_is_type(j, json_type_string))
			return aws_timestamp_value(a, json_object_get_string(j),
						   (size_t)json_object_get_string_len(j));
		break;
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE: {
		double d;
		if (json_object_is_type(j, json_type_string) &&
		    aws_wire_parse_double(json_object_get_string(j),
					  (size_t)json_object_get_string_len(j), &d) &&
		    !isfinite(d))
			return kdx_value_number(a, d);
		break;
	}
	default:
		break;
	}
	return generic(a, j);
}

int aws_json_parse(const aws_model *m, const aws_operation *op, const aws_response *resp,
		   kdx_arena *a, kdx_value **out, strbuf *err)
{
	aws_vbuild b = { .a = a };
	json_object *j = NULL;
	const aws_shape *os = &op->output;
	const char *payload = os->type == AWS_T_STRUCTURE ? aws_shape_trait(os, "payload") : NULL;
	aws_shape pm;
	if (os->type != AWS_T_STRUCTURE) {
		/* no output: whatever body the service sends ("{}", or more) says nothing */
		*out = aws_vbuild_finish(&b);
		return 0;
	}
	if (aws_model_protocol(m) == AWS_PROTO_REST_JSON)
		aws_rest_parse_headers(os, resp, &b);
	if (payload && aws_shape_member(os, payload, &pm) && pm.type != AWS_T_STRUCTURE &&
	    pm.type != AWS_T_DOCUMENT) {
		/* a blob or string payload is the raw body (lambda Invoke's Payload) */
		aws_vbuild_add(&b, payload, kdx_value_stringn(a, resp->body.buf, resp->body.len));
		*out = aws_vbuild_finish(&b);
		return 0;
	}
	if (resp->body.len) {
		enum json_tokener_error jerr;
		j = json_tokener_parse_verbose(resp->body.buf, &jerr);
		if (!j && jerr != json_tokener_success) {
			aws_vbuild_finish(&b);
			strbuf_addf(err, "%s %s: response is not valid JSON: %s",
				    aws_model_service(m), op->name, json_tokener_error_desc(jerr));
			return -1;
		}
	}
	if (payload && aws_shape_member(os, payload, &pm)) {
		if (j)
			aws_vbuild_add(&b, payload, from_json(a, &pm, j));
		*out = aws_vbuild_finish(&b);
	} else if (os->type == AWS_T_STRUCTURE && j && json_object_is_type(j, json_type_object)) {
		*out = structure_from_json(a, os, j, &b);
	} else {
		*out = aws_vbuild_finish(&b);
	}
	json_object_put(j);
	return 0;
}

/* "aws.protocoltests#FooError:http://..." -> "FooError" */
static char *clean_code(const char *code)
{
	const char *hash = strchr(code, '#');
	if (hash)
		code = hash + 1;
	return xstrndup(code, strcspn(code, ":"));
}

void aws_json_parse_error(const aws_model *m, const aws_response *resp, aws_error *e)
{
	json_object *j = resp->body.len ? kdx_json_parse_str(resp->body.buf, NULL) : NULL;
	const char *code = aws_response_get_header(resp, "x-amzn-ErrorType");
	const char *qerr = aws_response_get_header(resp, "x-amzn-query-error");
	if (!code || !*code)
		code = kdx_json_str(j, "__type");
	if (!code)
		code = kdx_json_str(j, "code");
	if (!code)
		code = kdx_json_str(j, "Code");
	if (qerr && aws_model_meta_has(m, "awsQueryCompatible") && strchr(qerr, ';') != qerr)
		e->code = xstrndup(qerr, strcspn(qerr, ";"));
	else if (code && *code)
		e->code = clean_code(code);
	const char *msg = kdx_json_str(j, "message");
	if (!msg)
		msg = kdx_json_str(j, "Message");
	if (!msg)
		msg = kdx_json_str(j, "errorMessage");
	if (msg)
		e->message = xstrdup(msg);
	json_object_put(j);
}

kdx_value *aws_json_error_fields(const aws_model *m, const aws_response *resp,
				 const char *code, kdx_arena *a)
{
	json_object *j = resp->body.len ? kdx_json_parse_str(resp->body.buf, NULL) : NULL;
	if (!j || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		return NULL;
	}
	aws_shape s = aws_model_error_shape(m, code);
	aws_vbuild b = { .a = a };
	json_object_object_foreach(j, key, val) {
		aws_shape ms;
		if (aws_error_known_field(key) || !val)
			continue;
		if (s.type == AWS_T_STRUCTURE && aws_shape_member(&s, key, &ms)) {
			if (!aws_shape_flag(&ms, "sensitive"))
				aws_vbuild_add(&b, key, from_json(a, &ms, val));
		}
		else
			aws_vbuild_add(&b, key, generic(a, val));
	}
	json_object_put(j);
	return aws_vbuild_finish(&b);
}
