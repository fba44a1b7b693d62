/* transport: HTTP(S) for aws_request and for the runbooks' HTTP checks, over libcurl.
 *
 * One process-wide libcurl multi handle, driven by one I/O thread started on first use,
 * carries every transfer of every aws_transport: the attempts of all worker threads share
 * one connection cache (keep-alive, TLS sessions, HTTP/2 multiplexing where the server
 * offers it) without sharing a libcurl handle between threads, which libcurl does not
 * support for connections. An aws_transport belongs to one thread: it starts transfers
 * and, in aws_transport_run(), waits for them and runs their callbacks on that thread.
 *
 * Every transfer: TLS >= 1.2, peer and host name always verified (CA bundle from
 * AWS_CA_BUNDLE when set), http and https only, no redirects, a total deadline, a connect
 * deadline shared by the addresses of the name (Happy Eyeballs) and covering DNS, a
 * low-speed limit, at most AWS_TX_MAX_BODY bytes of response, a body cut short (by length
 * or by a TLS close without close_notify) an error. Proxies as libcurl reads them from the
 * environment (http, https, SOCKS; NO_PROXY with CIDR), never for a loopback host.
 * URLs are parsed once, by libcurl's URL API (aws_url), and the parsed handle is what is
 * connected to. The transport borrows each request until its callback has run; the
 * response passed to the callback belongs to the caller who started the transfer. */
#ifndef AWS_TRANSPORT_H
#define AWS_TRANSPORT_H
#include <stdbool.h>
#include <stddef.h>

#include "../../common/strbuf.h"
#include "request.h"

/* A response larger than this is refused (the biggest AWS answers kdx reads are pages of
 * a few MiB). */
#define AWS_TX_MAX_BODY (16u << 20)

typedef enum aws_tx_status {
	AWS_TX_OK = 0,        /* an HTTP response arrived (any status) */
	AWS_TX_CONNECTION,    /* refused, reset, dropped before a full response */
	AWS_TX_TIMEOUT,       /* the transfer's timeout expired */
	AWS_TX_FATAL,         /* TLS verification, bad URL, response too big: not worth retrying */
} aws_tx_status;

typedef struct aws_transport aws_transport;
typedef void (*aws_transport_done)(void *ud, aws_tx_status st, const char *errmsg);

int aws_transport_new(aws_transport **out, strbuf *err);
/* Aborts transfers still in flight (without calling their callbacks). */
void aws_transport_free(aws_transport *t);
/* Start a transfer; resp (initialised by the caller) is filled before done() is called
 * from aws_transport_run(). timeout_ms <= 0: no timeout. Refuses (-1, err) a request whose
 * URL does not parse, has userinfo, uses plain http to a host that is not loopback, or
 * whose header names or values hold CR, LF or NUL. */
int aws_transport_start(aws_transport *t, const aws_request *r, aws_response *resp,
			long timeout_ms, aws_transport_done done, void *ud, strbuf *err);
/* Drive transfers for at most max_wait_ms (0: do not block); returns transfers in flight. */
int aws_transport_run(aws_transport *t, long max_wait_ms);
int aws_transport_inflight(const aws_transport *t);
/* The URL of r: scheme://host path[?query]. */
void aws_request_url(strbuf *sb, const aws_request *r);

/* A blocking GET for HTTP checks (plain http allowed to any host): *status is the HTTP
 * status, body gets at most body_limit bytes of the body. -1 with err when no response
 * arrived or the URL is refused. */
int aws_transport_get(const char *url, long timeout_ms, int *status, strbuf *body,
		      size_t body_limit, strbuf *err);

/* One blocking request (as aws_transport_start sends it) to a server whose certificate is
 * checked against ca_pem only (PEM, ca_len bytes; NULL: the system's CAs), e.g. a Kubernetes
 * API server signed by its cluster's own CA. resp is initialised by the caller. -1 with err
 * when no response arrived or the request is refused. */
int aws_transport_exchange(const aws_request *r, const char *ca_pem, size_t ca_len,
			   long timeout_ms, aws_response *resp, strbuf *err);

/* Stop the I/O thread and free libcurl's state (at exit; more than once is harmless). */
void aws_transport_shutdown(void);

#endif
