/* http_conn: one TCP (+ proxy tunnel) (+ TLS) client connection, non-blocking. */
#include "http_conn.h"
#include "../../common/xalloc.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { P_CONNECT, P_TUNNEL_SEND, P_TUNNEL_RECV, P_TLS, P_READY };

struct kdx_http_conn {
	int fd;
	int phase;
	short events;
	SSL *ssl;
	char *key;
	char *where;      /* server host:port */
	char *peer;       /* what fd connects to, for messages ("proxy 1.2.3.4:3128") */
	char *tls_host;   /* NULL: plain http */
	struct addrinfo *ai, *cur;
	strbuf out;       /* the CONNECT request */
	size_t out_off;
	kdx_http_parser tunnel;
	bool reused;
	long idle_since;
};

void kdx_http_sigpipe_block(kdx_http_sigpipe *s)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &s->old);
}

void kdx_http_sigpipe_restore(kdx_http_sigpipe *s)
{
	sigset_t pending, set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	/* a write to a closed socket left a SIGPIPE for this thread: take it */
	if (!sigismember(&s->old, SIGPIPE) && sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE)) {
		struct timespec zero = { 0, 0 };
		sigtimedwait(&set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}

/* ---- the shared SSL_CTX ---- */

static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static SSL_CTX *tls_ctx;
static char tls_err[512];

static void tls_init(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		snprintf(tls_err, sizeof(tls_err), "TLS: cannot create an OpenSSL context");
		return;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	const char *ca = getenv("AWS_CA_BUNDLE");
	int ok = ca && *ca ? SSL_CTX_load_verify_locations(ctx, ca, NULL)
			   : SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		if (ca && *ca)
			snprintf(tls_err, sizeof(tls_err),
				 "TLS: cannot read the CA bundle '%s' named by AWS_CA_BUNDLE", ca);
		else
			snprintf(tls_err, sizeof(tls_err), "TLS: cannot load the system CA certificates");
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return;
	}
	tls_ctx = ctx;
	atexit(kdx_http_tls_free); /* after OpenSSL's own: runs before its clean-up */
}

void kdx_http_tls_free(void)
{
	SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
}

/* ---- errors ---- */

static void lower_strerror(strbuf *err, int e)
{
	const char *s = strerror(e);
	size_t at = err->len;
	strbuf_addstr(err, s);
	if (err->buf[at] >= 'A' && err->buf[at] <= 'Z' && !(err->buf[at + 1] >= 'A' && err->buf[at + 1] <= 'Z'))
		err->buf[at] = (char)(err->buf[at] + 'a' - 'A');
}

static int sys_fail(kdx_http_conn *c, const char *what, int e, kdx_http_fail *kind, strbuf *err)
{
	strbuf_addf(err, "%s %s: ", what, c->peer);
	lower_strerror(err, e);
	*kind = e == ETIMEDOUT ? KDX_HTTP_ETIMEOUT : KDX_HTTP_ECONN;
	return -1;
}

/* ---- opening ---- */

static int start_connect(kdx_http_conn *c, kdx_http_fail *kind, strbuf *err)
{
	int last = ECONNREFUSED;
	for (; c->cur; c->cur = c->cur->ai_next) {
		if (c->fd >= 0)
			close(c->fd);
		c->fd = socket(c->cur->ai_family, c->cur->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       c->cur->ai_protocol);
		if (c->fd < 0) {
			last = errno;
			continue;
		}
		int one = 1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(c->fd, c->cur->ai_addr, c->cur->ai_addrlen) == 0 || errno == EINPROGRESS) {
			c->events = POLLOUT;
			return 0;
		}
		last = errno;
	}
	return sys_fail(c, "cannot connect to", last, kind, err);
}

int kdx_http_conn_open(kdx_http_conn **out, const kdx_http_url *u, const kdx_http_url *proxy,
		       const char *key, kdx_http_fail *kind, strbuf *err)
{
	kdx_http_conn *c = xcalloc(1, sizeof(*c));
	c->fd = -1;
	strbuf_init(&c->out);
	kdx_http_parser_init(&c->tunnel);
	c->key = xstrdup(key);
	strbuf sb = STRBUF_INIT;
	kdx_http_url_where(&sb, u);
	c->where = strbuf_detach(&sb, NULL);
	const kdx_http_url *to = proxy ? proxy : u;
	if (proxy)
		strbuf_addstr(&sb, "proxy ");
	kdx_http_url_where(&sb, to);
	c->peer = strbuf_detach(&sb, NULL);
	if (u->https)
		c->tls_host = xstrdup(u->host);
	*out = c;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	char port[8];
	snprintf(port, sizeof(port), "%d", to->port);
	int rc = getaddrinfo(to->host, port, &hints, &c->ai);
	if (rc) {
		strbuf_addf(err, "cannot resolve %s'%s': %s", proxy ? "the proxy " : "", to->host,
			    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		*kind = KDX_HTTP_ECONN;
		return -1;
	}
	c->cur = c->ai;
	if (proxy && u->https) {
		strbuf_addf(&c->out, "CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\n", u->host, u->port,
			    u->host, u->port);
		kdx_http_proxy_auth(&c->out, proxy);
		strbuf_addstr(&c->out, "User-Agent: kdx\r\n\r\n");
		c->tunnel.connect = true;
	}
	c->phase = P_CONNECT;
	return start_connect(c, kind, err);
}

void kdx_http_proxy_auth(strbuf *sb, const kdx_http_url *proxy)
{
	if (!proxy->user)
		return;
	strbuf cred = STRBUF_INIT;
	strbuf_addf(&cred, "%s:%s", proxy->user, proxy->pass ? proxy->pass : "");
	unsigned char *b64 = xmalloc(4 * (cred.len / 3 + 1) + 1);
	EVP_EncodeBlock(b64, (const unsigned char *)cred.buf, (int)cred.len);
	strbuf_addf(sb, "Proxy-Authorization: Basic %s\r\n", (char *)b64);
	/* a plain memset before free() may be optimised away; these are credentials */
	kdx_wipe(cred.buf, cred.len);
	strbuf_release(&cred);
	kdx_wipe(b64, strlen((char *)b64));
	free(b64);
}

static int tls_start(kdx_http_conn *c, kdx_http_fail *kind, strbuf *err)
{
	pthread_once(&tls_once, tls_init);
	if (!tls_ctx) {
		strbuf_addstr(err, tls_err);
		*kind = KDX_HTTP_EFATAL;
		return -1;
	}
	c->ssl = SSL_new(tls_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		strbuf_addstr(err, "TLS: cannot create a connection");
		*kind = KDX_HTTP_EFATAL;
		return -1;
	}
	if (kdx_http_is_ip_literal(c->tls_host)) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), c->tls_host);
	} else {
		SSL_set_tlsext_host_name(c->ssl, c->tls_host);
		SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		SSL_set1_host(c->ssl, c->tls_host);
	}
	c->phase = P_TLS;
	return 0;
}

static int tls_failed(kdx_http_conn *c, int e, kdx_http_fail *kind, strbuf *err)
{
	long v = SSL_get_verify_result(c->ssl);
	if (v != X509_V_OK) {
		*kind = KDX_HTTP_EFATAL;
		if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH)
			strbuf_addf(err, "TLS: the certificate of '%s' is for another host name "
				    "(it does not name '%s')", c->where, c->tls_host);
		else
			strbuf_addf(err, "TLS: the certificate of '%s' is not trusted: %s (set "
				    "AWS_CA_BUNDLE to a CA bundle that signs it)", c->where,
				    X509_verify_cert_error_string(v));
		ERR_clear_error();
		return -1;
	}
	*kind = KDX_HTTP_ECONN;
	unsigned long le = ERR_get_error();
	if (e == SSL_ERROR_SYSCALL && !le && errno)
		return sys_fail(c, "TLS handshake with", errno, kind, err);
	strbuf_addf(err, "TLS handshake with %s failed: %s", c->where,
		    le ? ERR_reason_error_string(le) ? ERR_reason_error_string(le) : "unknown error"
		       : "the connection closed");
	ERR_clear_error();
	return -1;
}

static int want(kdx_http_conn *c, int e)
{
	c->events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
	return 0;
}

static int step_tunnel(kdx_http_conn *c, kdx_http_fail *kind, strbuf *err)
{
	if (c->phase == P_TUNNEL_SEND) {
		while (c->out_off < c->out.len) {
			ssize_t n = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off,
					 MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				c->events = POLLOUT;
				return 0;
			}
			if (n < 0)
				return sys_fail(c, "cannot write to", errno, kind, err);
			c->out_off += (size_t)n;
		}
		c->phase = P_TUNNEL_RECV;
	}
	char buf[1024];
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			c->events = POLLIN;
			return 0;
		}
		if (n < 0)
			return sys_fail(c, "cannot read from", errno, kind, err);
		ssize_t used = n ? kdx_http_parser_feed(&c->tunnel, buf, (size_t)n)
				 : kdx_http_parser_eof(&c->tunnel);
		*kind = KDX_HTTP_ECONN;
		if (used < 0) {
			strbuf_addf(err, "%s gave a bad answer to CONNECT %s: %s", c->peer, c->where,
				    c->tunnel.err.buf);
			return -1;
		}
		if (!c->tunnel.done)
			continue;
		if (c->tunnel.status / 100 != 2) {
			if (c->tunnel.status == 407)
				*kind = KDX_HTTP_EFATAL;
			strbuf_addf(err, "%s refused the tunnel to %s: HTTP %d%s", c->peer, c->where,
				    c->tunnel.status, c->tunnel.status == 407
				    ? " (proxy authentication required: check the proxy credentials)" : "");
			return -1;
		}
		if (used < n) {
			strbuf_addf(err, "%s sent bytes after its answer to CONNECT", c->peer);
			return -1;
		}
		strbuf through = STRBUF_INIT;
		strbuf_addf(&through, "%s (through %s)", c->where, c->peer);
		free(c->peer);
		c->peer = strbuf_detach(&through, NULL); /* messages now name the server */
		return tls_start(c, kind, err);
	}
}

int kdx_http_conn_step(kdx_http_conn *c, kdx_http_fail *kind, strbuf *err)
{
	if (c->phase == P_CONNECT) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
		if (poll(&pfd, 1, 0) == 0)
			return 0;
		int e = 0;
		socklen_t len = sizeof(e);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
		if (e) {
			if (c->cur && c->cur->ai_next) { /* the next address */
				c->cur = c->cur->ai_next;
				return start_connect(c, kind, err);
			}
			return sys_fail(c, "cannot connect to", e, kind, err);
		}
		if (c->out.len)
			c->phase = P_TUNNEL_SEND;
		else if (c->tls_host) {
			if (tls_start(c, kind, err) < 0)
				return -1;
		} else
			c->phase = P_READY;
	}
	if (c->phase == P_TUNNEL_SEND || c->phase == P_TUNNEL_RECV) {
		if (step_tunnel(c, kind, err) < 0)
			return -1;
		if (c->phase != P_TLS)
			return 0;
	}
	if (c->phase == P_TLS) {
		ERR_clear_error();
		int r = SSL_connect(c->ssl);
		if (r != 1) {
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
				return want(c, e);
			return tls_failed(c, e, kind, err);
		}
		c->phase = P_READY;
	}
	return c->phase == P_READY;
}

/* A TLS read or write failed for good: the socket's errno when there is one, else the peer
 * broke the TLS stream (reset). */
static int ssl_io_fail(kdx_http_conn *c, const char *what, int e, kdx_http_fail *kind, strbuf *err)
{
	int en = e == SSL_ERROR_SYSCALL && errno ? errno : ECONNRESET;
	ERR_clear_error();
	return sys_fail(c, what, en, kind, err);
}

ssize_t kdx_http_conn_write(kdx_http_conn *c, const char *buf, size_t n, kdx_http_fail *kind,
			    strbuf *err)
{
	if (!c->ssl) {
		ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL);
		if (w >= 0)
			return w;
		if (errno == EAGAIN || errno == EINTR) {
			c->events = POLLOUT;
			return 0;
		}
		return sys_fail(c, "cannot write to", errno, kind, err);
	}
	size_t w = 0;
	ERR_clear_error();
	int r = SSL_write_ex(c->ssl, buf, n, &w);
	if (r == 1)
		return (ssize_t)w;
	int e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return want(c, e);
	return ssl_io_fail(c, "cannot write to", e, kind, err);
}

ssize_t kdx_http_conn_read(kdx_http_conn *c, char *buf, size_t n, kdx_http_fail *kind,
			   strbuf *err)
{
	if (!c->ssl) {
		ssize_t r = recv(c->fd, buf, n, 0);
		if (r >= 0)
			return r;
		if (errno == EAGAIN || errno == EINTR) {
			c->events = POLLIN;
			return -2;
		}
		return sys_fail(c, "cannot read from", errno, kind, err);
	}
	size_t got = 0;
	ERR_clear_error();
	int r = SSL_read_ex(c->ssl, buf, n, &got);
	if (r == 1)
		return (ssize_t)got;
	int e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		want(c, e);
		return -2;
	}
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	return ssl_io_fail(c, "cannot read from", e, kind, err);
}

int kdx_http_conn_fd(const kdx_http_conn *c)
{
	return c->fd;
}

short kdx_http_conn_events(const kdx_http_conn *c)
{
	return c->events;
}

const char *kdx_http_conn_key(const kdx_http_conn *c)
{
	return c->key;
}

const char *kdx_http_conn_where(const kdx_http_conn *c)
{
	return c->where;
}

bool kdx_http_conn_reused(const kdx_http_conn *c)
{
	return c->reused;
}

void kdx_http_conn_set_reused(kdx_http_conn *c, long idle_since_ms)
{
	c->reused = true;
	c->idle_since = idle_since_ms;
}

long kdx_http_conn_idle_since(const kdx_http_conn *c)
{
	return c->idle_since;
}

bool kdx_http_conn_alive(kdx_http_conn *c)
{
	if (c->ssl && SSL_pending(c->ssl))
		return false;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	/* readable while idle: the server closed it (EOF) or sent something unasked */
	if (poll(&pfd, 1, 0) == 0)
		return true;
	if (!c->ssl || (pfd.revents & (POLLHUP | POLLERR)))
		return false;
	/* TLS: it may be only a post-handshake message (a TLS 1.3 session ticket) */
	char b;
	size_t got = 0;
	ERR_clear_error();
	int r = SSL_peek_ex(c->ssl, &b, 1, &got);
	bool ok = r != 1 && SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_READ;
	ERR_clear_error();
	return ok;
}

void kdx_http_conn_close(kdx_http_conn *c)
{
	if (!c)
		return;
	SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	if (c->ai)
		freeaddrinfo(c->ai);
	strbuf_release(&c->out);
	kdx_http_parser_release(&c->tunnel);
	free(c->key);
	free(c->where);
	free(c->peer);
	free(c->tls_host);
	free(c);
}
