/* http_client: many HTTP/1.1 transfers on one thread, one poll() for all of them. */
#include "http_client.h"
#include "../../common/monotime.h"
#include "../../common/xalloc.h"
#include "http_pool.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define CONNECT_TIMEOUT_MS 10000
#define READ_CHUNK 16384

enum { X_CONN, X_SEND, X_RECV, X_DONE };

typedef struct xfer {
	struct xfer *next;
	kdx_http_url url, proxy;
	bool have_proxy, head, resent;
	char *key;
	strbuf req;
	size_t off;
	kdx_http_conn *conn;
	kdx_http_parser resp;
	long deadline, conn_deadline, timeout_ms;
	int phase;
	kdx_http_fail kind;
	strbuf err;
	kdx_http_done done;
	void *ud;
} xfer;

struct kdx_http_client {
	xfer *head;
	int inflight;
};

kdx_http_client *kdx_http_client_new(void)
{
	return xcalloc(1, sizeof(kdx_http_client));
}

static void xfer_free(xfer *x)
{
	kdx_http_conn_close(x->conn);
	kdx_http_url_release(&x->url);
	if (x->have_proxy)
		kdx_http_url_release(&x->proxy);
	free(x->key);
	kdx_wipe(x->req.buf, x->req.len); /* it holds credentials */
	strbuf_release(&x->req);
	kdx_http_parser_release(&x->resp);
	strbuf_release(&x->err);
	free(x);
}

void kdx_http_client_free(kdx_http_client *c)
{
	if (!c)
		return;
	while (c->head) {
		xfer *x = c->head;
		c->head = x->next;
		xfer_free(x);
	}
	free(c);
}

int kdx_http_client_inflight(const kdx_http_client *c)
{
	return c->inflight;
}

static void build_request(xfer *x, const kdx_http_request *r)
{
	strbuf target = STRBUF_INIT, extra = STRBUF_INIT;
	bool absolute = x->have_proxy && !x->url.https; /* plain http through a proxy */
	if (absolute)
		strbuf_addf(&target, "http://%s", x->url.authority);
	strbuf_addstr(&target, x->url.target);
	if (absolute)
		kdx_http_proxy_auth(&extra, &x->proxy);
	kdx_http_write_request(&x->req, r->method, target.buf, x->url.authority, r->headers,
			       r->nheaders, extra.len ? extra.buf : NULL, r->body, r->body_len);
	kdx_wipe(extra.buf, extra.len);
	strbuf_release(&extra);
	strbuf_release(&target);
}

int kdx_http_client_start(kdx_http_client *c, const kdx_http_request *r, kdx_http_done done,
			  void *ud, kdx_http_fail *kind, strbuf *err)
{
	xfer *x = xcalloc(1, sizeof(*x));
	strbuf_init(&x->req);
	strbuf_init(&x->err);
	kdx_http_parser_init(&x->resp);
	*kind = KDX_HTTP_EFATAL;
	if (kdx_http_url_parse(&x->url, r->url, err) < 0) {
		kdx_http_parser_release(&x->resp);
		free(x);
		return -1;
	}
	int pr = kdx_http_proxy_for(&x->url, &x->proxy, err);
	if (pr < 0) {
		xfer_free(x);
		return -1;
	}
	x->have_proxy = pr > 0;
	strbuf key = STRBUF_INIT;
	strbuf_addstr(&key, x->url.https ? "https://" : "http://");
	kdx_http_url_where(&key, &x->url);
	if (x->have_proxy) {
		strbuf_addf(&key, " via %s@", x->proxy.user ? x->proxy.user : "");
		kdx_http_url_where(&key, &x->proxy);
	}
	x->key = strbuf_detach(&key, NULL);
	x->head = !strcmp(r->method, "HEAD");
	x->resp.head = x->head;
	x->resp.keep_body = r->keep_body;
	build_request(x, r);
	long now = (long)kdx_mono_ms();
	x->timeout_ms = r->timeout_ms;
	x->deadline = r->timeout_ms > 0 ? now + r->timeout_ms : -1;
	long ct = r->timeout_ms > 0 && r->timeout_ms < CONNECT_TIMEOUT_MS ? r->timeout_ms
									  : CONNECT_TIMEOUT_MS;
	x->conn_deadline = now + ct;
	x->phase = X_CONN;
	x->done = done;
	x->ud = ud;
	x->next = c->head;
	c->head = x;
	c->inflight++;
	*kind = KDX_HTTP_OK;
	return 0;
}

static void fail(xfer *x, kdx_http_fail kind)
{
	x->kind = kind;
	x->phase = X_DONE;
	kdx_http_conn_close(x->conn);
	x->conn = NULL;
}

/* A reused keep-alive connection may have been closed by the server just before we
 * used it: send once more on a new connection when no answer had begun. */
static bool resend(xfer *x)
{
	if (!x->conn || !kdx_http_conn_reused(x->conn) || x->resp.started || x->resent)
		return false;
	kdx_http_conn_close(x->conn);
	x->conn = NULL;
	x->resent = true;
	x->off = 0;
	strbuf_reset(&x->err);
	return true;
}

static void complete(xfer *x, bool leftover)
{
	if (x->resp.keep_alive && !leftover)
		kdx_http_pool_give(x->conn);
	else
		kdx_http_conn_close(x->conn);
	x->conn = NULL;
	x->kind = KDX_HTTP_OK;
	x->phase = X_DONE;
}

static int step_conn(xfer *x)
{
	if (!x->conn) {
		if (!x->resent && (x->conn = kdx_http_pool_take(x->key))) {
			x->phase = X_SEND;
			return 1;
		}
		if (kdx_http_conn_open(&x->conn, &x->url, x->have_proxy ? &x->proxy : NULL, x->key,
				       &x->kind, &x->err) < 0) {
			fail(x, x->kind);
			return -1;
		}
	}
	int r = kdx_http_conn_step(x->conn, &x->kind, &x->err);
	if (r < 0)
		fail(x, x->kind);
	else if (r > 0)
		x->phase = X_SEND;
	return r;
}

static int step_send(xfer *x)
{
	while (x->off < x->req.len) {
		ssize_t n = kdx_http_conn_write(x->conn, x->req.buf + x->off, x->req.len - x->off,
						&x->kind, &x->err);
		if (n < 0) {
			if (resend(x)) {
				x->phase = X_CONN;
				return 1;
			}
			fail(x, x->kind);
			return -1;
		}
		if (n == 0)
			return 0;
		x->off += (size_t)n;
	}
	x->phase = X_RECV;
	return 1;
}

static int step_recv(xfer *x)
{
	char buf[READ_CHUNK];
	for (;;) {
		ssize_t n = kdx_http_conn_read(x->conn, buf, sizeof(buf), &x->kind, &x->err);
		if (n == -2)
			return 0;
		if (n < 0 || (n == 0 && !x->resp.started && kdx_http_conn_reused(x->conn))) {
			if (resend(x)) {
				x->phase = X_CONN;
				return 1;
			}
			if (n == 0) {
				strbuf_addf(&x->err, "%s closed the connection before any response",
					    kdx_http_conn_where(x->conn));
				x->kind = KDX_HTTP_ECONN;
			}
			fail(x, x->kind);
			return -1;
		}
		ssize_t used = n ? kdx_http_parser_feed(&x->resp, buf, (size_t)n)
				 : kdx_http_parser_eof(&x->resp);
		if (used < 0) {
			strbuf_addf(&x->err, "bad response from %s: %s", kdx_http_conn_where(x->conn),
				    x->resp.err.buf);
			fail(x, KDX_HTTP_ECONN);
			return -1;
		}
		if (x->resp.done) {
			complete(x, n > 0 && used < n);
			return 1;
		}
	}
}

static void drive(xfer *x)
{
	int r = 1;
	while (r > 0 && x->phase != X_DONE) {
		if (x->phase == X_CONN)
			r = step_conn(x);
		else if (x->phase == X_SEND)
			r = step_send(x);
		else
			r = step_recv(x);
	}
}

static void check_deadline(xfer *x, long now)
{
	if (x->phase == X_DONE)
		return;
	bool connecting = x->phase == X_CONN;
	if (!((x->deadline >= 0 && now >= x->deadline) || (connecting && now >= x->conn_deadline)))
		return;
	strbuf_reset(&x->err);
	strbuf w = STRBUF_INIT;
	kdx_http_url_where(&w, &x->url);
	if (connecting)
		strbuf_addf(&x->err, "timed out connecting to %s%s", w.buf,
			    x->have_proxy ? " through the proxy" : "");
	else
		strbuf_addf(&x->err, "timed out after %ld ms waiting for %s", x->timeout_ms, w.buf);
	strbuf_release(&w);
	fail(x, KDX_HTTP_ETIMEOUT);
}

static long next_deadline(const kdx_http_client *c)
{
	long next = -1;
	for (const xfer *x = c->head; x; x = x->next) {
		if (x->phase == X_DONE)
			continue;
		long d = x->phase == X_CONN && (x->deadline < 0 || x->conn_deadline < x->deadline)
				 ? x->conn_deadline : x->deadline;
		if (d >= 0 && (next < 0 || d < next))
			next = d;
	}
	return next;
}

static bool poll_all(kdx_http_client *c, long max_wait_ms)
{
	struct pollfd fds[64], *pf = c->inflight <= 64 ? fds : xmalloc(sizeof(*pf) * (size_t)c->inflight);
	nfds_t n = 0;
	for (xfer *x = c->head; x; x = x->next)
		if (x->phase != X_DONE && x->conn)
			pf[n++] = (struct pollfd){ .fd = kdx_http_conn_fd(x->conn),
						   .events = kdx_http_conn_events(x->conn) };
	long wait = max_wait_ms, d = next_deadline(c), now = (long)kdx_mono_ms();
	if (d >= 0 && d - now < wait)
		wait = d - now < 0 ? 0 : d - now;
	int r = poll(pf, n, (int)wait);
	if (pf != fds)
		free(pf);
	return r != 0;
}

int kdx_http_client_run(kdx_http_client *c, long max_wait_ms)
{
	kdx_http_sigpipe sp;
	kdx_http_sigpipe_block(&sp);
	bool any_done = false;
	for (xfer *x = c->head; x; x = x->next) {
		drive(x);
		any_done |= x->phase == X_DONE;
	}
	if (!any_done && c->head && max_wait_ms > 0 && poll_all(c, max_wait_ms))
		for (xfer *x = c->head; x; x = x->next)
			drive(x);
	long now = (long)kdx_mono_ms();
	for (xfer *x = c->head; x; x = x->next)
		check_deadline(x, now);
	kdx_http_sigpipe_restore(&sp);
	/* detach the finished ones first: a callback may start new transfers */
	xfer *done = NULL, **pp = &c->head;
	while (*pp) {
		xfer *x = *pp;
		if (x->phase == X_DONE) {
			*pp = x->next;
			x->next = done;
			done = x;
			c->inflight--;
		} else {
			pp = &x->next;
		}
	}
	while (done) {
		xfer *x = done;
		done = x->next;
		x->done(x->ud, x->kind, x->kind ? x->err.buf : NULL, &x->resp);
		xfer_free(x);
	}
	return c->inflight;
}

typedef struct get_result {
	bool finished;
	kdx_http_fail kind;
	int status;
	strbuf *body, *err;
} get_result;

static void get_done(void *ud, kdx_http_fail kind, const char *errmsg, kdx_http_parser *resp)
{
	get_result *g = ud;
	g->finished = true;
	g->kind = kind;
	if (kind) {
		strbuf_addstr(g->err, errmsg);
		return;
	}
	g->status = resp->status;
	strbuf_add(g->body, resp->body.buf, resp->body.len);
}

int kdx_http_get(const char *url, long timeout_ms, int *status, strbuf *body,
		 size_t body_limit, kdx_http_fail *kind, strbuf *err)
{
	kdx_http_client *c = kdx_http_client_new();
	kdx_http_request r = { .method = "GET", .url = url, .timeout_ms = timeout_ms,
			       .keep_body = body_limit };
	get_result g = { .body = body, .err = err };
	*status = 0;
	if (kdx_http_client_start(c, &r, get_done, &g, kind, err) < 0) {
		kdx_http_client_free(c);
		return -1;
	}
	while (!g.finished)
		kdx_http_client_run(c, 1000);
	kdx_http_client_free(c);
	*kind = g.kind;
	*status = g.status;
	return g.kind ? -1 : 0;
}
