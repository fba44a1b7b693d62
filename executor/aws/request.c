/* request: construction and clean-up of HTTP requests and responses. */
#include "request.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void aws_request_init(aws_request *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body);
}

static void free_headers(aws_header *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

void aws_request_release(aws_request *r)
{
	free(r->method);
	free(r->scheme);
	free(r->host);
	free(r->path);
	free(r->query);
	free(r->service);
	free(r->region);
	free(r->host_prefix);
	free(r->bad_header);
	free_headers(r->headers, r->nheaders);
	strbuf_release(&r->body);
	aws_request_init(r);
}

bool aws_header_ok(const char *name, const char *value, size_t len)
{
	if (!*name)
		return false;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c <= ' ' || *c == ':' || *c == 0x7f)
			return false;
	for (size_t i = 0; i < len; i++)
		if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0')
			return false;
	return true;
}

void aws_request_set_header_n(aws_request *r, const char *name, const char *value, size_t len)
{
	if (!aws_header_ok(name, value, len)) {
		if (!r->bad_header)
			r->bad_header = xstrdup(name);
		return;
	}
	aws_request_set_header(r, name, value);
}

void aws_request_set_header(aws_request *r, const char *name, const char *value)
{
	if (!aws_header_ok(name, value, strlen(value))) {
		if (!r->bad_header)
			r->bad_header = xstrdup(name);
		return;
	}
	for (size_t i = 0; i < r->nheaders; i++) {
		if (!strcasecmp(r->headers[i].name, name)) {
			free(r->headers[i].value);
			r->headers[i].value = xstrdup(value);
			return;
		}
	}
	XGROW(r->headers, r->nheaders + 1, r->aheaders);
	r->headers[r->nheaders].name = xstrdup(name);
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
}

static const char *find(const aws_header *h, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(h[i].name, name))
			return h[i].value;
	return NULL;
}

const char *aws_request_get_header(const aws_request *r, const char *name)
{
	return find(r->headers, r->nheaders, name);
}

void aws_response_init(aws_response *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body);
}

void aws_response_release(aws_response *r)
{
	free_headers(r->headers, r->nheaders);
	strbuf_release(&r->body);
	aws_response_init(r);
}

const char *aws_response_get_header(const aws_response *r, const char *name)
{
	return find(r->headers, r->nheaders, name);
}
