/* client_error: the default decoder of AWS error responses -- JSON (__type, code, message),
 * XML (<Code>, <Message>, <RequestId>, entities and network off) and the headers. */
#include "client.h"
#include "../../common/json.h"
#include "xmldoc.h"
#include "../../common/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static void set(char **dst, const char *s, size_t n)
{
	if (*dst || !s || !n)
		return;
	*dst = xstrndup(s, n);
}

static void set_str(char **dst, const char *s)
{
	set(dst, s, s ? strlen(s) : 0);
}

/* "aws.protocoltests#FooError:http://..." -> "FooError" */
static void set_code(aws_error *e, const char *s)
{
	if (!s)
		return;
	const char *hash = strrchr(s, '#');
	if (hash)
		s = hash + 1;
	set(&e->code, s, strcspn(s, ":"));
}

static void decode_json(aws_error *e, const aws_response *r)
{
	json_object *o = kdx_json_parse_str(r->body.buf, NULL);
	if (!o)
		return;
	if (json_object_is_type(o, json_type_object)) {
		set_code(e, kdx_json_str(o, "__type"));
		set_code(e, kdx_json_str(o, "code"));
		set_code(e, kdx_json_str(o, "Code"));
		set_str(&e->message, kdx_json_str(o, "message"));
		set_str(&e->message, kdx_json_str(o, "Message"));
		set_str(&e->message, kdx_json_str(o, "errorMessage"));
	}
	json_object_put(o);
}

static void walk_xml(aws_error *e, const aws_xml_node *n)
{
	for (; n; n = n->next) {
		const char *name = n->name;
		char **dst = !strcmp(name, "Code") ? &e->code :
			     !strcmp(name, "Message") ? &e->message :
			     !strcmp(name, "RequestId") || !strcmp(name, "RequestID") ? &e->request_id :
			     NULL;
		if (dst && !*dst)
			set(dst, n->text, n->text_len);
		else
			walk_xml(e, n->children);
	}
}

static void decode_xml(aws_error *e, const aws_response *r)
{
	kdx_arena dom;
	aws_xml_node *root;
	kdx_arena_init(&dom);
	if (aws_xml_read(&dom, r->body.buf, r->body.len, true, &root) == AWS_XML_OK)
		walk_xml(e, root);
	kdx_arena_release(&dom);
}

void aws_error_decode_default(void *ud, const aws_response *resp, aws_error *e)
{
	(void)ud;
	const char *p = resp->body.buf;
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	if (*p == '{')
		decode_json(e, resp);
	else if (*p == '<')
		decode_xml(e, resp);
	set_code(e, aws_response_get_header(resp, "x-amzn-ErrorType"));
	set_str(&e->request_id, aws_response_get_header(resp, "x-amzn-RequestId"));
	set_str(&e->request_id, aws_response_get_header(resp, "x-amz-request-id"));
	if (!e->code) {
		strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "HTTP%ld", resp->status);
		e->code = strbuf_detach(&sb, NULL);
	}
}
