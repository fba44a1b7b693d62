/* transport: aws_request over libcurl's multi interface, TLS verification always on. */
#include "transport.h"
#include "../../common/xalloc.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct aws_transport {
	CURLM *multi;
	char *ca_bundle; /* AWS_CA_BUNDLE at creation, or NULL */
	int inflight;
	struct xfer *head; /* transfers in flight, so free() can abort them */
};

typedef struct xfer {
	struct xfer *prev, *next;
	CURL *easy;
	struct curl_slist *hdrs;
	aws_response *resp;
	aws_transport_done done;
	void *ud;
	char errbuf[CURL_ERROR_SIZE];
} xfer;

int aws_transport_new(aws_transport **out, strbuf *err)
{
	aws_transport *t = xcalloc(1, sizeof(*t));
	t->multi = curl_multi_init();
	if (!t->multi) {
		free(t);
		strbuf_addstr(err, "cannot initialise libcurl");
		return -1;
	}
	const char *ca = getenv("AWS_CA_BUNDLE");
	t->ca_bundle = ca && *ca ? xstrdup(ca) : NULL;
	*out = t;
	return 0;
}

static void xfer_free(xfer *x)
{
	curl_slist_free_all(x->hdrs);
	curl_easy_cleanup(x->easy);
	free(x);
}

void aws_transport_free(aws_transport *t)
{
	if (!t)
		return;
	while (t->head) {
		xfer *x = t->head;
		t->head = x->next;
		curl_multi_remove_handle(t->multi, x->easy);
		xfer_free(x);
	}
	curl_multi_cleanup(t->multi);
	free(t->ca_bundle);
	free(t);
}

void aws_request_url(strbuf *sb, const aws_request *r)
{
	strbuf_addf(sb, "%s://%s%s", r->scheme ? r->scheme : "https", r->host ? r->host : "",
		    r->path && *r->path ? r->path : "/");
	if (r->query && *r->query)
		strbuf_addf(sb, "?%s", r->query);
}

static bool loopback_host(const char *h)
{
	return !strncmp(h, "127.", 4) || !strncasecmp(h, "localhost", 9) || !strncmp(h, "[::1]", 5);
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	strbuf_add(&x->resp->body, data, size * n);
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n, l = len;
	while (l && (data[l - 1] == '\r' || data[l - 1] == '\n'))
		l--;
	if (l >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* A new status line (after 100 Continue): forget earlier headers. */
		aws_response *r = x->resp;
		for (size_t i = 0; i < r->nheaders; i++) {
			free(r->headers[i].name);
			free(r->headers[i].value);
		}
		r->nheaders = 0;
		return len;
	}
	const char *colon = memchr(data, ':', l);
	if (!colon)
		return len;
	const char *v = colon + 1;
	while (v < data + l && (*v == ' ' || *v == '\t'))
		v++;
	aws_response *r = x->resp;
	XGROW(r->headers, r->nheaders + 1, r->aheaders);
	r->headers[r->nheaders].name = xstrndup(data, (size_t)(colon - data));
	r->headers[r->nheaders].value = xstrndup(v, (size_t)(data + l - v));
	r->nheaders++;
	return len;
}

static void add_header(xfer *x, const char *fmt, const char *a, const char *b)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, fmt, a, b);
	x->hdrs = curl_slist_append(x->hdrs, sb.buf);
	strbuf_release(&sb);
}

static void set_method(CURL *e, const aws_request *r)
{
	const char *m = r->method ? r->method : "GET";
	bool body = r->body.len || !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH");
	if (body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body.buf);
		if (strcmp(m, "POST"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	} else if (!strcmp(m, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (strcmp(m, "GET")) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m);
	}
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
	xfer *x = xcalloc(1, sizeof(*x));
	x->easy = curl_easy_init();
	if (!x->easy) {
		free(x);
		strbuf_addstr(err, "cannot initialise a libcurl transfer");
		return -1;
	}
	x->resp = resp;
	x->done = done;
	x->ud = ud;
	CURL *e = x->easy;
	strbuf url = STRBUF_INIT;
	aws_request_url(&url, r);
	curl_easy_setopt(e, CURLOPT_URL, url.buf); /* libcurl copies it */
	strbuf_release(&url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (t->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_bundle);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	if (timeout_ms > 0) {
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 10000 ? timeout_ms : 10000L);
	}
	curl_easy_setopt(e, CURLOPT_USERAGENT, "kdx");
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	set_method(e, r);
	for (size_t i = 0; i < r->nheaders; i++)
		add_header(x, "%s: %s", r->headers[i].name, r->headers[i].value);
	/* Send exactly the signed headers: no 100-continue, no default Content-Type/Accept. */
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	x->hdrs = curl_slist_append(x->hdrs, "Accept:");
	if (!aws_request_get_header(r, "content-type"))
		x->hdrs = curl_slist_append(x->hdrs, "Content-Type:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	if (curl_multi_add_handle(t->multi, e) != CURLM_OK) {
		xfer_free(x);
		strbuf_addstr(err, "cannot start a libcurl transfer");
		return -1;
	}
	x->next = t->head;
	if (t->head)
		t->head->prev = x;
	t->head = x;
	t->inflight++;
	return 0;
}

static aws_tx_status map_result(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return AWS_TX_OK;
	case CURLE_OPERATION_TIMEDOUT:
		return AWS_TX_TIMEOUT;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_OUT_OF_MEMORY:
		return AWS_TX_FATAL;
	default:
		return AWS_TX_CONNECTION;
	}
}

int aws_transport_run(aws_transport *t, long max_wait_ms)
{
	int running = 0;
	curl_multi_perform(t->multi, &running);
	if (running && max_wait_ms > 0) {
		curl_multi_poll(t->multi, NULL, 0, (int)max_wait_ms, NULL);
		curl_multi_perform(t->multi, &running);
	}
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(t->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *e = m->easy_handle;
		CURLcode rc = m->data.result;
		xfer *x = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
		long status = 0;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_multi_remove_handle(t->multi, e);
		if (x->prev)
			x->prev->next = x->next;
		else
			t->head = x->next;
		if (x->next)
			x->next->prev = x->prev;
		t->inflight--;
		aws_tx_status st = map_result(rc);
		x->resp->status = st == AWS_TX_OK ? status : 0;
		const char *msg = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
		x->done(x->ud, st, st == AWS_TX_OK ? NULL : msg);
		xfer_free(x);
	}
	return t->inflight;
}

int aws_transport_inflight(const aws_transport *t)
{
	return t->inflight;
}
