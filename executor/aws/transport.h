/* transport: HTTP(S) for aws_request over kdx_http_client (executor/http): many transfers in
 * flight on one thread, a timeout per transfer, TLS peer and host verification always on
 * (CA bundle from AWS_CA_BUNDLE when set); plain http is allowed for loopback hosts only
 * (the moto emulator). The transport borrows each request until its callback has run;
 * the response passed to the callback belongs to the caller who started the transfer. */
#ifndef AWS_TRANSPORT_H
#define AWS_TRANSPORT_H
#include "../../common/strbuf.h"
#include "request.h"

typedef enum aws_tx_status {
	AWS_TX_OK = 0,        /* an HTTP response arrived (any status) */
	AWS_TX_CONNECTION,    /* refused, reset, dropped before a full response */
	AWS_TX_TIMEOUT,       /* the transfer's timeout expired */
	AWS_TX_FATAL,         /* TLS verification, bad URL, ...: not worth retrying */
} aws_tx_status;

typedef struct aws_transport aws_transport;
typedef void (*aws_transport_done)(void *ud, aws_tx_status st, const char *errmsg);

int aws_transport_new(aws_transport **out, strbuf *err);
/* Aborts transfers still in flight (without calling their callbacks). */
void aws_transport_free(aws_transport *t);
/* Start a transfer; resp (initialised by the caller) is filled before done() is called
 * from aws_transport_run(). timeout_ms <= 0: no timeout. */
int aws_transport_start(aws_transport *t, const aws_request *r, aws_response *resp,
			long timeout_ms, aws_transport_done done, void *ud, strbuf *err);
/* Drive transfers for at most max_wait_ms (0: do not block); returns transfers in flight. */
int aws_transport_run(aws_transport *t, long max_wait_ms);
int aws_transport_inflight(const aws_transport *t);
/* The URL of r: scheme://host path[?query]. */
void aws_request_url(strbuf *sb, const aws_request *r);

#endif
