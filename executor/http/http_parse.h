/* http_parse: an incremental HTTP/1.1 response parser and the request writer. Pure: no I/O,
 * no globals; feed it the bytes of one response in any split. The parser owns the status,
 * headers and body it collects until kdx_http_parser_release(); a caller may take them
 * (set the fields to NULL / re-initialise the strbuf) before releasing. */
#ifndef KDX_HTTP_PARSE_H
#define KDX_HTTP_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../../common/strbuf.h"

#define KDX_HTTP_MAX_HEADER_BYTES (64u * 1024u)
#define KDX_HTTP_MAX_BODY_BYTES (256u * 1024u * 1024u)

typedef struct kdx_http_header {
	char *name;  /* as received; compare case-insensitively */
	char *value; /* surrounding whitespace removed, folded lines joined by one space */
} kdx_http_header;

typedef struct kdx_http_parser {
	/* set before feeding */
	bool head;        /* the request was HEAD: no body whatever the headers say */
	bool connect;     /* the request was CONNECT: a 2xx answer ends after its headers */
	size_t keep_body; /* > 0: keep only the first keep_body bytes of the body (the rest
			   * is read and dropped, the limits still apply) */
	/* results */
	int status;       /* the final (non-1xx) status */
	int minor;        /* HTTP/1.<minor> */
	kdx_http_header *headers;
	size_t nheaders, aheaders;
	strbuf body;
	bool done;        /* a complete response has been parsed */
	bool keep_alive;  /* valid when done: the connection may carry another request */
	bool started;     /* at least one byte was fed */
	strbuf err;       /* what was wrong, after a -1 */
	/* private */
	int state;
	strbuf line;
	size_t header_bytes;
	unsigned long long remaining; /* Content-Length left, or of the current chunk */
	int framing;
	bool close_token, keepalive_token, have_cl, te_seen;
	unsigned long long cl;
	unsigned long long body_seen; /* body bytes read, kept or not */
} kdx_http_parser;

void kdx_http_parser_init(kdx_http_parser *p);
void kdx_http_parser_release(kdx_http_parser *p);
/* Consume bytes; returns how many were used (fewer than len once the response is done:
 * the rest belongs to nobody and makes the connection unusable) or -1 with p->err. */
ssize_t kdx_http_parser_feed(kdx_http_parser *p, const char *data, size_t len);
/* The peer closed the connection: 0 when that ends the response (a close-delimited
 * body, or already done), -1 with p->err when the response was cut short. */
int kdx_http_parser_eof(kdx_http_parser *p);
const char *kdx_http_parser_header(const kdx_http_parser *p, const char *name);

/* The request writer: "METHOD target HTTP/1.1", then Host (unless the caller's headers
 * have one), the caller's headers verbatim, Content-Length when there is a body or the
 * method is POST/PUT/PATCH, User-Agent: kdx (unless given), extra (pre-formatted lines
 * ending in CRLF, e.g. Proxy-Authorization; may be NULL), a blank line and the body. */
void kdx_http_write_request(strbuf *out, const char *method, const char *target,
			    const char *host, const kdx_http_header *hdrs, size_t nhdrs,
			    const char *extra, const char *body, size_t body_len);

#endif
