/* request: one HTTP request to an AWS service and its response, as the protocol
 * serialisers build it, the signer signs it and the transport sends it.
 * aws_request_release() frees everything the struct owns. */
#ifndef AWS_REQUEST_H
#define AWS_REQUEST_H
#include <stdbool.h>
#include <stddef.h>

#include "../../common/strbuf.h"

typedef struct aws_header {
	char *name;
	char *value;
} aws_header;

typedef struct aws_request {
	char *method;           /* "GET", "POST", ... */
	char *scheme;           /* "https" (or "http" for a loopback emulator) */
	char *host;             /* host[:port] */
	char *path;             /* already URI-encoded, begins with '/' */
	char *query;            /* already encoded, without '?'; may be NULL */
	aws_header *headers;
	size_t nheaders, aheaders;
	strbuf body;
	char *service;          /* signing name, e.g. "route53" */
	char *region;           /* signing region */
	char *host_prefix;      /* the operation's hostPrefix with its labels filled
				 * ("123456789012."), for the endpoint to prepend; or NULL */
	char *bad_header;       /* the first header whose name or value held CR, LF or NUL:
				   the request is refused before it is signed or sent */
	/* send it on a new connection: libcurl silently re-sends a request whose reused
	 * connection dies before any answer, and a change must never go out twice without
	 * kdx knowing (aws_call_opts.no_resend) */
	bool fresh_connection;
} aws_request;

typedef struct aws_response {
	long status;
	/* the transfer failed after the request had gone out (bytes written, no full answer):
	 * the service may have acted on it */
	bool sent;
	aws_header *headers;
	size_t nheaders, aheaders;
	strbuf body;
} aws_response;

void aws_request_init(aws_request *r);
void aws_request_release(aws_request *r);
/* Replace (case-insensitively) or add a header. A name or value holding CR, LF or NUL
 * (which a server would read as more headers, or which C strings would cut) is not kept:
 * the request remembers it in bad_header and aws_client refuses to send it. */
void aws_request_set_header(aws_request *r, const char *name, const char *value);
/* The same for a value of len bytes that may hold NUL (a value built from a kdx string). */
void aws_request_set_header_n(aws_request *r, const char *name, const char *value, size_t len);
/* A header name is a token: no control characters, spaces or ':'. A value has no CR, LF or
 * NUL. */
bool aws_header_ok(const char *name, const char *value, size_t len);
const char *aws_request_get_header(const aws_request *r, const char *name);

void aws_response_init(aws_response *r);
void aws_response_release(aws_response *r);
const char *aws_response_get_header(const aws_response *r, const char *name);

#endif
