/* transport: aws_request over kdx's own HTTP/1.1 client (executor/http), TLS always verified. */
#include "transport.h"
#include "endpoints.h"
#include "../../common/xalloc.h"
#include "../http/http_client.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct aws_transport {
	kdx_http_client *http;
	struct xfer *head; /* in flight, so free() can drop them */
};

typedef struct xfer {
	struct xfer *prev, *next;
	aws_transport *t;
	aws_response *resp;
	aws_transport_done done;
	void *ud;
} xfer;

int aws_transport_new(aws_transport **out, strbuf *err)
{
	aws_transport *t = xcalloc(1, sizeof(*t));
	t->http = kdx_http_client_new();
	*out = t;
	return 0;
}

void aws_transport_free(aws_transport *t)
{
	if (!t)
		return;
	/* the callbacks of aborted transfers never run: their xfer records are freed here */
	kdx_http_client_free(t->http);
	while (t->head) {
		struct xfer *x = t->head;
		t->head = x->next;
		free(x);
	}
	free(t);
}

void aws_request_url(strbuf *sb, const aws_request *r)
{
	strbuf_addf(sb, "%s://%s%s", r->scheme ? r->scheme : "https", r->host ? r->host : "",
		    r->path && *r->path ? r->path : "/");
	if (r->query && *r->query)
		strbuf_addf(sb, "?%s", r->query);
}

/* h is host[:port] */
static bool loopback_host(const char *h)
{
	size_t n = h[0] == '[' ? strcspn(h, "]") + (h[strcspn(h, "]")] == ']') : strcspn(h, ":");
	return (h[n] == '\0' || h[n] == ':') && aws_loopback_host(h, n);
}

static void on_done(void *ud, kdx_http_fail kind, const char *errmsg, kdx_http_parser *p)
{
	xfer *x = ud;
	aws_response *r = x->resp;
	if (x->prev)
		x->prev->next = x->next;
	else
		x->t->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	aws_tx_status st = kind == KDX_HTTP_OK ? AWS_TX_OK
			   : kind == KDX_HTTP_ETIMEOUT ? AWS_TX_TIMEOUT
			   : kind == KDX_HTTP_EFATAL ? AWS_TX_FATAL : AWS_TX_CONNECTION;
	if (st == AWS_TX_OK) {
		r->status = p->status;
		for (size_t i = 0; i < p->nheaders; i++) { /* take them: no copies */
			XGROW(r->headers, r->nheaders + 1, r->aheaders);
			r->headers[r->nheaders].name = p->headers[i].name;
			r->headers[r->nheaders].value = p->headers[i].value;
			r->nheaders++;
		}
		p->nheaders = 0;
		strbuf tmp = r->body;
		r->body = p->body;
		p->body = tmp;
	} else {
		r->status = 0;
	}
	x->done(x->ud, st, errmsg);
	free(x);
}

int aws_transport_start(aws_transport *t, const aws_request *r, aws_response *resp,
			long timeout_ms, aws_transport_done done, void *ud, strbuf *err)
{
	bool https = r->scheme && !strcmp(r->scheme, "https");
	bool http = r->scheme && !strcmp(r->scheme, "http");
	if (!r->host || !*r->host || (!https && !http)) {
		strbuf_addstr(err, "cannot send a request without an http(s) scheme and a host");
		return -1;
	}
	if (http && !loopback_host(r->host)) {
		strbuf_addf(err, "refusing plain http to '%s': only loopback hosts may use http", r->host);
		return -1;
	}
	strbuf url = STRBUF_INIT;
	aws_request_url(&url, r);
	/* aws_header and kdx_http_header are both { name, value }: the signed headers as they are */
	kdx_http_header *h = xmalloc(sizeof(*h) * (r->nheaders ? r->nheaders : 1));
	for (size_t i = 0; i < r->nheaders; i++)
		h[i] = (kdx_http_header){ r->headers[i].name, r->headers[i].value };
	kdx_http_request hr = { .method = r->method ? r->method : "GET", .url = url.buf,
				.headers = h, .nheaders = r->nheaders, .body = r->body.buf,
				.body_len = r->body.len, .timeout_ms = timeout_ms };
	xfer *x = xmalloc(sizeof(*x));
	*x = (xfer){ .t = t, .resp = resp, .done = done, .ud = ud };
	kdx_http_fail kind;
	int rc = kdx_http_client_start(t->http, &hr, on_done, x, &kind, err);
	free(h);
	strbuf_release(&url);
	if (rc < 0) {
		free(x);
		return -1;
	}
	x->next = t->head;
	if (t->head)
		t->head->prev = x;
	t->head = x;
	return 0;
}

int aws_transport_run(aws_transport *t, long max_wait_ms)
{
	return kdx_http_client_run(t->http, max_wait_ms);
}

int aws_transport_inflight(const aws_transport *t)
{
	return kdx_http_client_inflight(t->http);
}
