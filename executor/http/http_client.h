/* http_client: HTTP/1.1 transfers over kdx_http_conn and the keep-alive pool. A client is
 * used by one thread: start any number of transfers, drive them all with one poll() in
 * kdx_http_client_run(), each with its own total timeout; a transfer's callback runs from
 * kdx_http_client_run() once (never from kdx_http_client_start()). The request is copied
 * at start. The parser handed to the callback (status, headers, body) is valid during
 * the callback; the callback may take its headers and body. Environment proxies
 * (https_proxy, http_proxy, no_proxy) apply. A request that fails on a reused connection
 * before any response byte is sent again once on a new connection. */
#ifndef KDX_HTTP_CLIENT_H
#define KDX_HTTP_CLIENT_H
#include "http_conn.h"
#include "http_parse.h"

typedef struct kdx_http_request {
	const char *method;             /* "GET", "POST", ... */
	const char *url;                /* absolute http:// or https:// URL */
	const kdx_http_header *headers; /* sent verbatim, in order */
	size_t nheaders;
	const char *body;
	size_t body_len;
	long timeout_ms;                /* total; <= 0: none */
	size_t keep_body;               /* > 0: keep only that much of the response body */
} kdx_http_request;

/* kind KDX_HTTP_OK: resp holds a complete response; else errmsg says what failed. */
typedef void (*kdx_http_done)(void *ud, kdx_http_fail kind, const char *errmsg,
			      kdx_http_parser *resp);

typedef struct kdx_http_client kdx_http_client;

kdx_http_client *kdx_http_client_new(void);
/* Aborts transfers in flight without calling their callbacks. */
void kdx_http_client_free(kdx_http_client *c);
/* -1 with err (and *kind) when the request cannot even start (bad URL, bad proxy). */
int kdx_http_client_start(kdx_http_client *c, const kdx_http_request *r, kdx_http_done done,
			  void *ud, kdx_http_fail *kind, strbuf *err);
/* Drive the transfers for at most max_wait_ms (0: do not block); returns those in flight. */
int kdx_http_client_run(kdx_http_client *c, long max_wait_ms);
int kdx_http_client_inflight(const kdx_http_client *c);

/* A blocking GET: *status is the HTTP status, body gets at most body_limit bytes of the
 * body (the rest is read and dropped). -1 with err when no response arrived (kind says why). */
int kdx_http_get(const char *url, long timeout_ms, int *status, strbuf *body,
		 size_t body_limit, kdx_http_fail *kind, strbuf *err);

#endif
