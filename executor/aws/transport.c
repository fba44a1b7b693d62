/* transport: aws_request over libcurl -- one multi handle on one I/O thread for the whole
 * process, transfers handed over and back under one mutex (see transport.h for why). */
#include "transport.h"
#include "url.h"
#include "../../common/interrupt.h"
#include "../../common/monotime.h"
#include "../../common/xalloc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Connecting (DNS, TCP to each address in turn, TLS, a proxy tunnel) gets at most this
 * much of the attempt's deadline, so a black-holed name or address cannot use it all. */
#define CONNECT_MS 10000L
/* Fewer than LOW_SPEED_BYTES per second for LOW_SPEED_S seconds: the transfer is dead. */
#define LOW_SPEED_BYTES 1L
#define LOW_SPEED_S 15L

/* Where a transfer is; every change happens under the engine lock. */
typedef enum xfer_state {
	X_PENDING,                   /* on eng.pending, not yet in the multi */
	X_ACTIVE,                    /* in the multi (the I/O thread's) */
	X_DONE,                      /* on its transport's done list */
} xfer_state;

typedef struct xfer {
	struct xfer *next;           /* on eng.pending, eng.cancelled or the owner's done list */
	struct xfer *prev_all, *next_all; /* every live transfer of the owner */
	aws_transport *t;
	CURL *easy;
	CURLU *url;                  /* the parsed URL the easy handle connects to */
	struct curl_slist *hdrs;
	xfer_state state;
	aws_response *resp;          /* written by the I/O thread until the transfer is done */
	size_t body_limit;           /* keep at most this much body; the rest is read, dropped */
	bool cap_is_error;           /* more than body_limit is an error (AWS), not cut (checks) */
	bool too_big;
	bool https, head;            /* the scheme; a HEAD request (no body expected) */
	bool framed;                 /* the final response has a length, chunks or HTTP/2 */
	bool cancel;                 /* the owner is going away: remove, never report */
	aws_transport_done done;
	void *ud;
	aws_tx_status st;
	char where[300];             /* host:port of the URL, for messages */
	char peer[80];               /* the last address libcurl tried to connect to */
	int peer_errno;
	long timeout_ms;
	long connect_ms;             /* what connecting (DNS, TCP, TLS, a tunnel) may take */
	bool proxy_env;              /* a proxy variable was set and the host is not loopback */
	char errbuf[CURL_ERROR_SIZE];
	strbuf msg;
} xfer;

struct aws_transport {
	pthread_cond_t cv;           /* signalled when a transfer of this transport is done */
	xfer *done_head, *done_tail; /* finished, callbacks not yet run (engine lock) */
	xfer *all;                   /* owned transfers not yet reported (engine lock) */
	int inflight;                /* started, callback not yet run */
	int cancelling;              /* cancelled transfers the I/O thread has not removed */
};

/* The engine: one multi handle and the thread that drives it. */
static struct {
	pthread_once_t once;
	pthread_mutex_t mu;
	pthread_cond_t gone;         /* a cancelled transfer was removed */
	pthread_t thread;
	bool running, stop;
	CURLM *multi;
	xfer *pending;               /* to add to the multi */
	xfer *cancelled;             /* to remove from the multi and free */
} eng = { .once = PTHREAD_ONCE_INIT, .mu = PTHREAD_MUTEX_INITIALIZER,
	  .gone = PTHREAD_COND_INITIALIZER };

static void xfer_free(xfer *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	if (x->url)
		curl_url_cleanup(x->url);
	curl_slist_free_all(x->hdrs);
	strbuf_release(&x->msg);
	free(x);
}

static void unlink_all(xfer *x)
{
	if (x->prev_all)
		x->prev_all->next_all = x->next_all;
	else
		x->t->all = x->next_all;
	if (x->next_all)
		x->next_all->prev_all = x->prev_all;
}

/* ---- the I/O thread ---- */

static void describe_failure(xfer *x, CURLcode rc);

/* An AWS response over TLS whose body ends where the connection does: libcurl (with
 * OpenSSL 3) takes a TCP close without close_notify as the end, so an attacker who resets
 * the connection could cut it unseen. AWS always sends a length or chunks (and HTTP/2
 * frames every body); such a response is refused rather than trusted. */
static bool unframed_tls(const xfer *x, long status)
{
	return x->cap_is_error && x->https && !x->framed && !x->head && status >= 200 &&
	       status != 204 && status != 304;
}

/* A transfer finished (rc): hand it back to its owner (a cancelled one is left on
 * eng.cancelled, which frees it). */
static void finish(xfer *x, CURLcode rc)
{
	if (x->cancel)
		return;
	curl_multi_remove_handle(eng.multi, x->easy);
	x->state = X_DONE;
	long status = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK && unframed_tls(x, status)) {
		x->st = AWS_TX_CONNECTION;
		strbuf_addf(&x->msg, "the response from %s has neither a length nor chunks, so "
			    "its end over TLS cannot be told from a cut (no close_notify is "
			    "checked): refused", x->where);
	} else if (rc == CURLE_OK) {
		x->resp->status = status;
		x->st = AWS_TX_OK;
	} else {
		long req_bytes = 0;
		curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &req_bytes);
		x->resp->sent = req_bytes > 0;
		describe_failure(x, rc);
	}
	x->next = NULL;
	if (x->t->done_tail)
		x->t->done_tail->next = x;
	else
		x->t->done_head = x;
	x->t->done_tail = x;
	pthread_cond_signal(&x->t->cv);
}

static void *io_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&eng.mu);
	while (!eng.stop) {
		while (eng.pending) {
			xfer *x = eng.pending;
			eng.pending = x->next;
			x->state = X_ACTIVE;
			curl_multi_add_handle(eng.multi, x->easy);
		}
		/* cancelled transfers leave the multi here, on the thread that drives it */
		while (eng.cancelled) {
			xfer *x = eng.cancelled;
			eng.cancelled = x->next;
			curl_multi_remove_handle(eng.multi, x->easy);
			x->t->cancelling--;
			xfer_free(x);
			pthread_cond_broadcast(&eng.gone);
		}
		pthread_mutex_unlock(&eng.mu);
		int running = 0;
		curl_multi_perform(eng.multi, &running);
		CURLMsg *m;
		int left;
		pthread_mutex_lock(&eng.mu);
		while ((m = curl_multi_info_read(eng.multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			xfer *x = NULL;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			finish(x, m->data.result);
		}
		if (eng.stop)
			break;
		pthread_mutex_unlock(&eng.mu);
		curl_multi_poll(eng.multi, NULL, 0, 1000, NULL);
		pthread_mutex_lock(&eng.mu);
	}
	pthread_mutex_unlock(&eng.mu);
	return NULL;
}

static void engine_start(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		kdx_alloc_failed(0);
	eng.multi = curl_multi_init();
	if (!eng.multi)
		kdx_alloc_failed(0);
	/* HTTP/2 multiplexing when the server offers it (libcurl's default, said here) */
	curl_multi_setopt(eng.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	sigset_t all, old;
	sigfillset(&all);
	/* the I/O thread takes no signals: the scheduler's handlers stay on the main thread */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&eng.thread, NULL, io_main, NULL) != 0)
		kdx_alloc_failed(0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	eng.running = true;
	atexit(aws_transport_shutdown);
}

void aws_transport_shutdown(void)
{
	pthread_mutex_lock(&eng.mu);
	if (!eng.running || eng.stop) {
		pthread_mutex_unlock(&eng.mu);
		return;
	}
	eng.stop = true;
	pthread_mutex_unlock(&eng.mu);
	curl_multi_wakeup(eng.multi);
	pthread_join(eng.thread, NULL);
	/* transfers still in the multi belong to transports never freed: leave them */
	curl_multi_cleanup(eng.multi);
	curl_global_cleanup();
}

/* ---- libcurl callbacks (on the I/O thread) ---- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;
	strbuf *b = &x->resp->body;
	if (b->len + len > x->body_limit) {
		if (x->cap_is_error) {
			x->too_big = true;
			return CURL_WRITEFUNC_ERROR;
		}
		strbuf_add(b, data, x->body_limit - b->len);
		return len;
	}
	strbuf_add(b, data, len);
	return len;
}

static void drop_headers(aws_response *r)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;
	aws_response *r = x->resp;
	/* a status line starts a new header block (after 100 Continue, a proxy's CONNECT
	 * answer, ...): only the final response's headers are kept */
	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		drop_headers(r);
		x->framed = len >= 6 && data[5] >= '2'; /* HTTP/2 and later frame every body */
		return len;
	}
	const char *colon = memchr(data, ':', len);
	if (!colon)
		return len;
	size_t nl = (size_t)(colon - data);
	const char *v = colon + 1, *end = data + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((nl == 14 && !strncasecmp(data, "Content-Length", 14)) ||
	    (nl == 17 && !strncasecmp(data, "Transfer-Encoding", 17) &&
	     memmem(v, (size_t)(end - v), "chunked", 7)))
		x->framed = true;
	XGROW(r->headers, r->nheaders + 1, r->aheaders);
	r->headers[r->nheaders].name = xstrndup(data, nl);
	r->headers[r->nheaders].value = xstrndup(v, (size_t)(end - v));
	r->nheaders++;
	return len;
}

static curl_socket_t on_open(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	xfer *x = ud;
	char ip[64] = "";
	int port = 0;
	if (a->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&a->addr;
		inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
		port = ntohs(s->sin_port);
		snprintf(x->peer, sizeof(x->peer), "%s:%d", ip, port);
	} else if (a->family == AF_INET6) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&a->addr;
		inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
		port = ntohs(s->sin6_port);
		snprintf(x->peer, sizeof(x->peer), "[%s]:%d", ip, port);
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* ---- failures into messages and retry classes ---- */

static void lower_first(strbuf *sb, const char *s)
{
	if (!s || !*s)
		return;
	strbuf_addch(sb, (char)(s[0] >= 'A' && s[0] <= 'Z' ? s[0] + 32 : s[0]));
	strbuf_addstr(sb, s + 1);
}

static void describe_failure(xfer *x, CURLcode rc)
{
	strbuf *m = &x->msg;
	long os = 0, verify = 0;
	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os);
	curl_easy_getinfo(x->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
	if (verify == X509_V_OK)
		verify = X509_V_ERR_UNSPECIFIED;
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	x->st = AWS_TX_CONNECTION;
	/* a peer that is not the URL's host:port when a proxy may apply is the proxy */
	bool at_proxy = x->proxy_env && x->peer[0] && strcmp(x->peer, x->where);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		x->st = AWS_TX_TIMEOUT;
		/* libcurl's low-speed limit ends a transfer with the same code as the deadline
		 * ("Operation too slow. Less than 1 bytes/sec transferred ..."): say which */
		if (strcasestr(detail, "too slow")) {
			strbuf_addf(m, "the transfer from %s stalled: less than %ld byte/s for %ld s",
				    x->where, LOW_SPEED_BYTES, LOW_SPEED_S);
			break;
		}
		/* libcurl: "Resolving timed out after N milliseconds", "Connection timed out
		 * after N milliseconds" (the connect limit, shared by the name's addresses) */
		if (strstr(detail, "onnection timed out") || strstr(detail, "esolving timed out")) {
			strbuf_addf(m, "cannot connect to %s within %ld ms (", x->where, x->connect_ms);
			lower_first(m, detail);
			strbuf_addch(m, ')');
			break;
		}
		strbuf_addf(m, "timed out after %ld ms waiting for %s", x->timeout_ms, x->where);
		break;
	case CURLE_COULDNT_CONNECT:
		strbuf_addf(m, "cannot connect to %s%s: ", at_proxy ? "proxy " : "",
			    at_proxy ? x->peer : x->where);
		if (os)
			lower_first(m, strerror((int)os));
		else
			strbuf_addstr(m, detail);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		strbuf_addf(m, "cannot resolve the host of %s: %s", x->where, detail);
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		strbuf_addf(m, "cannot resolve the proxy for %s: %s", x->where, detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		x->st = AWS_TX_FATAL;
		/* libcurl checks the name itself after OpenSSL verified the chain */
		if (!strstr(detail, "host name"))
			strbuf_addf(m, "TLS: the certificate of '%s' is not trusted (%s); if a "
				    "private CA signs it, set AWS_CA_BUNDLE to its PEM file",
				    x->where, X509_verify_cert_error_string(verify));
		else
			strbuf_addf(m, "TLS: the certificate of '%s' is for another host name (%s)",
				    x->where, detail);
		break;
	case CURLE_SSL_CACERT_BADFILE:
		x->st = AWS_TX_FATAL;
		strbuf_addf(m, "cannot read the CA bundle '%s': %s",
			    getenv("AWS_CA_BUNDLE") ? getenv("AWS_CA_BUNDLE") : "(system)", detail);
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
			x->st = AWS_TX_FATAL;
			strbuf_addf(m, "the response from %s is larger than %u MiB: refused",
				    x->where, AWS_TX_MAX_BODY >> 20);
			break;
		}
		/* fall through */
	default:
		if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL ||
		    rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CIPHER ||
		    rc == CURLE_BAD_FUNCTION_ARGUMENT || rc == CURLE_SSL_ENGINE_NOTFOUND)
			x->st = AWS_TX_FATAL;
		strbuf_addf(m, "%s: %s", x->where, detail);
		if (rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR)
			strbuf_addstr(m, " (the response was cut short)");
		break;
	}
}

/* ---- starting transfers (on the owner's thread) ---- */

int aws_transport_new(aws_transport **out, strbuf *err)
{
	pthread_once(&eng.once, engine_start);
	aws_transport *t = xcalloc(1, sizeof(*t));
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	*out = t;
	return 0;
}

void aws_transport_free(aws_transport *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&eng.mu);
	/* the callbacks of aborted transfers never run */
	for (xfer *x = t->all, *next; x; x = next) {
		next = x->next_all;
		if (x->state == X_ACTIVE) {
			x->cancel = true;
			x->next = eng.cancelled;
			eng.cancelled = x;
			t->cancelling++;
			continue;
		}
		if (x->state == X_PENDING)
			for (xfer **pp = &eng.pending; *pp; pp = &(*pp)->next)
				if (*pp == x) {
					*pp = x->next;
					break;
				}
		xfer_free(x);
	}
	t->all = t->done_head = t->done_tail = NULL;
	if (t->cancelling) {
		curl_multi_wakeup(eng.multi);
		while (t->cancelling)
			pthread_cond_wait(&eng.gone, &eng.mu);
	}
	pthread_mutex_unlock(&eng.mu);
	pthread_cond_destroy(&t->cv);
	free(t);
}

void aws_request_url(strbuf *sb, const aws_request *r)
{
	strbuf_addf(sb, "%s://%s%s", r->scheme ? r->scheme : "https", r->host ? r->host : "",
		    r->path && *r->path ? r->path : "/");
	if (r->query && *r->query)
		strbuf_addf(sb, "?%s", r->query);
}

static bool proxy_env_set(void)
{
	static const char *const vars[] = { "http_proxy", "https_proxy", "HTTPS_PROXY",
					     "all_proxy", "ALL_PROXY" };
	for (size_t i = 0; i < sizeof(vars) / sizeof(*vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return true;
	}
	return false;
}

/* The easy handle for one transfer to u (whose CURLU handle it takes). */
static xfer *xfer_new(aws_transport *t, aws_url *u, long timeout_ms, aws_response *resp)
{
	xfer *x = xcalloc(1, sizeof(*x));
	strbuf_init(&x->msg);
	x->t = t;
	x->resp = resp;
	x->timeout_ms = timeout_ms;
	strbuf w = STRBUF_INIT;
	aws_url_where(&w, u);
	snprintf(x->where, sizeof(x->where), "%s", w.buf);
	strbuf_release(&w);
	x->proxy_env = !u->loopback && proxy_env_set();
	x->https = !strcmp(u->scheme, "https");
	CURL *e = curl_easy_init();
	if (!e)
		kdx_alloc_failed(0);
	x->easy = e;
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_CURLU, u->h); /* the very URL that was checked */
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* Over TLS, ALPN tells at the handshake whether the connection multiplexes (HTTP/2):
	 * a second request waits that long for it rather than opening its own. Plain HTTP
	 * (an emulator on loopback) is HTTP/1.1, which only the first answer would tell: there
	 * PIPEWAIT held every concurrent request until the first one was answered (kdx plan's
	 * parallel reads against moto went out one round trip apart). */
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, x->https ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_PROXY_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	const char *ca = getenv("AWS_CA_BUNDLE");
	if (ca && *ca) {
		curl_easy_setopt(e, CURLOPT_CAINFO, ca);
		curl_easy_setopt(e, CURLOPT_PROXY_CAINFO, ca);
	}
	/* loopback (the emulator, a local service) never goes through a proxy: a signed
	 * request would otherwise leave the machine in clear text */
	if (u->loopback)
		curl_easy_setopt(e, CURLOPT_PROXY, "");
	long total = timeout_ms > 0 ? timeout_ms : 0;
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total);
	x->connect_ms = total > 0 && total < CONNECT_MS ? total : CONNECT_MS;
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, x->connect_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_S);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)AWS_TX_MAX_BODY);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	x->body_limit = AWS_TX_MAX_BODY;
	x->cap_is_error = true;
	x->url = aws_url_take_handle(u); /* lives as long as the easy handle */
	return x;
}

static void submit(aws_transport *t, xfer *x)
{
	pthread_mutex_lock(&eng.mu);
	x->next = eng.pending;
	eng.pending = x;
	x->next_all = t->all;
	if (t->all)
		t->all->prev_all = x;
	t->all = x;
	t->inflight++;
	pthread_mutex_unlock(&eng.mu);
	curl_multi_wakeup(eng.multi);
}

static void add_line(xfer *x, strbuf *h)
{
	struct curl_slist *l = curl_slist_append(x->hdrs, h->buf);
	if (!l)
		kdx_alloc_failed(h->len);
	x->hdrs = l;
	strbuf_release(h);
}

static void add_header(xfer *x, const char *name, const char *value)
{
	strbuf h = STRBUF_INIT;
	/* "Name;" sends an empty value; "Name:" would remove libcurl's own header instead */
	if (value && *value)
		strbuf_addf(&h, "%s: %s", name, value);
	else
		strbuf_addf(&h, "%s;", name);
	add_line(x, &h);
}

/* Keep libcurl from adding a header of its own. */
static void suppress(xfer *x, const char *name)
{
	strbuf h = STRBUF_INIT;
	strbuf_addf(&h, "%s:", name);
	add_line(x, &h);
}

/* ca: PEM of the only CAs to trust for this transfer (a Kubernetes cluster's own CA), or
 * NULL for the system's (or AWS_CA_BUNDLE). */
static int start(aws_transport *t, const aws_request *r, const char *ca, size_t ca_len,
		 aws_response *resp, long timeout_ms, aws_transport_done done, void *ud,
		 strbuf *err)
{
	kdx_interrupt_gate(); /* nothing starts after SIGINT/SIGTERM froze the run */
	if (!r->host || !*r->host) {
		strbuf_addstr(err, "cannot send a request without an http(s) scheme and a host");
		return -1;
	}
	for (size_t i = 0; i < r->nheaders; i++) {
		const char *v = r->headers[i].value;
		if (!aws_header_ok(r->headers[i].name, v, strlen(v))) {
			strbuf_addf(err, "refusing to send header '%s': its name or value holds "
				    "CR, LF or NUL", aws_header_ok(r->headers[i].name, "", 0) ?
				    r->headers[i].name : "(unprintable)");
			return -1;
		}
	}
	strbuf url = STRBUF_INIT;
	aws_request_url(&url, r);
	aws_url u;
	int rc = aws_url_parse(&u, url.buf, 0, "request URL", NULL, err);
	strbuf_release(&url);
	if (rc < 0)
		return -1;
	xfer *x = xfer_new(t, &u, timeout_ms, resp);
	aws_url_release(&u);
	x->done = done;
	x->ud = ud;
	x->state = X_PENDING;
	CURL *e = x->easy;
	const char *method = r->method ? r->method : "GET";
	bool has_ct = false;
	for (size_t i = 0; i < r->nheaders; i++) {
		add_header(x, r->headers[i].name, r->headers[i].value);
		has_ct |= !strcasecmp(r->headers[i].name, "Content-Type");
	}
	/* exactly the signed request: no Expect: 100-continue, no Accept, no made-up type */
	suppress(x, "Expect");
	suppress(x, "Accept");
	if (!has_ct)
		suppress(x, "Content-Type");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, NULL);
	if (r->fresh_connection)
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	if (ca) {
		struct curl_blob blob = { .data = (void *)ca, .len = ca_len,
					  .flags = CURL_BLOB_COPY };
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
	if (!strcmp(method, "HEAD")) {
		x->head = true;
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(method, "GET") && !r->body.len) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body.len ? r->body.buf : "");
		if (strcmp(method, "POST"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	}
	submit(t, x);
	return 0;
}

int aws_transport_start(aws_transport *t, const aws_request *r, aws_response *resp,
			long timeout_ms, aws_transport_done done, void *ud, strbuf *err)
{
	return start(t, r, NULL, 0, resp, timeout_ms, done, ud, err);
}

int aws_transport_run(aws_transport *t, long max_wait_ms)
{
	int64_t until = kdx_mono_ms() + (max_wait_ms > 0 ? max_wait_ms : 0);
	pthread_mutex_lock(&eng.mu);
	while (!t->done_head && t->inflight > 0) {
		int64_t left = until - kdx_mono_ms();
		if (left <= 0)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += left / 1000;
		ts.tv_nsec += (left % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->cv, &eng.mu, &ts);
	}
	xfer *done = t->done_head;
	t->done_head = t->done_tail = NULL;
	for (xfer *x = done; x; x = x->next) {
		unlink_all(x);
		t->inflight--;
	}
	pthread_mutex_unlock(&eng.mu);
	while (done) {
		xfer *x = done;
		done = x->next;
		if (x->st != AWS_TX_OK) {
			x->resp->status = 0;
			drop_headers(x->resp);
			strbuf_reset(&x->resp->body);
		}
		x->done(x->ud, x->st, x->st ? x->msg.buf : NULL);
		xfer_free(x);
	}
	pthread_mutex_lock(&eng.mu);
	int n = t->inflight;
	pthread_mutex_unlock(&eng.mu);
	return n;
}

int aws_transport_inflight(const aws_transport *t)
{
	pthread_mutex_lock(&eng.mu);
	int n = t->inflight;
	pthread_mutex_unlock(&eng.mu);
	return n;
}

/* ---- a blocking GET for HTTP checks ---- */

typedef struct get_result {
	bool finished;
	aws_tx_status st;
	strbuf *err;
} get_result;

static void get_done(void *ud, aws_tx_status st, const char *errmsg)
{
	get_result *g = ud;
	g->finished = true;
	g->st = st;
	if (st)
		strbuf_addstr(g->err, errmsg);
}

int aws_transport_get(const char *url, long timeout_ms, int *status, strbuf *body,
		      size_t body_limit, strbuf *err)
{
	*status = 0;
	aws_url u;
	if (aws_url_parse(&u, url, AWS_URL_ANY_HTTP, "HTTP check URL", NULL, err) < 0)
		return -1;
	aws_transport *t;
	aws_transport_new(&t, err);
	aws_response resp;
	aws_response_init(&resp);
	xfer *x = xfer_new(t, &u, timeout_ms, &resp);
	aws_url_release(&u);
	get_result g = { .err = err };
	x->done = get_done;
	x->ud = &g;
	x->body_limit = body_limit;
	x->cap_is_error = false;
	suppress(x, "Accept");
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, "kdx");
	curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L);
	submit(t, x);
	while (!g.finished)
		aws_transport_run(t, 1000);
	aws_transport_free(t);
	if (g.st == AWS_TX_OK) {
		*status = (int)resp.status;
		strbuf_add(body, resp.body.buf, resp.body.len);
	}
	aws_response_release(&resp);
	return g.st ? -1 : 0;
}

/* ---- a blocking exchange with a server of its own CA ---- */

int aws_transport_exchange(const aws_request *r, const char *ca_pem, size_t ca_len,
			   long timeout_ms, aws_response *resp, strbuf *err)
{
	aws_transport *t;
	aws_transport_new(&t, err);
	get_result g = { .err = err };
	if (start(t, r, ca_pem, ca_len, resp, timeout_ms, get_done, &g, err) < 0) {
		aws_transport_free(t);
		return -1;
	}
	while (!g.finished)
		aws_transport_run(t, 1000);
	aws_transport_free(t);
	return g.st ? -1 : 0;
}
