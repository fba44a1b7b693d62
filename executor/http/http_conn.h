/* http_conn: one client connection -- resolve, non-blocking connect with the caller's
 * deadline, an optional CONNECT tunnel through an http:// proxy, TLS (OpenSSL, one shared
 * SSL_CTX created on first https use; peer verification, SNI and host name check always
 * on; CA bundle from AWS_CA_BUNDLE else the system's), then non-blocking reads and writes.
 * The caller owns a kdx_http_conn until it closes it or gives it to the pool. SSL calls
 * may write to a closed socket: callers block SIGPIPE around them (kdx_http_sigpipe_*). */
#ifndef KDX_HTTP_CONN_H
#define KDX_HTTP_CONN_H
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../../common/strbuf.h"
#include "http_parse.h"
#include "http_url.h"

/* How a transfer failed; the AWS transport maps these to its retry classes. */
typedef enum kdx_http_fail {
	KDX_HTTP_OK = 0,
	KDX_HTTP_ECONN,    /* resolve, refused, reset, closed early, bad response */
	KDX_HTTP_ETIMEOUT, /* the deadline passed */
	KDX_HTTP_EFATAL,   /* TLS verification, bad URL or proxy: retrying cannot help */
} kdx_http_fail;

typedef struct kdx_http_conn kdx_http_conn;

/* Resolve and start connecting to u (or to proxy when not NULL). key: the pool key. */
int kdx_http_conn_open(kdx_http_conn **out, const kdx_http_url *u, const kdx_http_url *proxy,
		       const char *key, kdx_http_fail *kind, strbuf *err);
/* Advance connect / tunnel / TLS handshake: 1 ready, 0 in progress (poll for
 * kdx_http_conn_events()), -1 failed (kind, err). */
int kdx_http_conn_step(kdx_http_conn *c, kdx_http_fail *kind, strbuf *err);
/* >= 0: bytes written (0: would block); -1: failed. */
ssize_t kdx_http_conn_write(kdx_http_conn *c, const char *buf, size_t n, kdx_http_fail *kind,
			    strbuf *err);
/* > 0: bytes read; 0: the peer closed; -2: would block; -1: failed. */
ssize_t kdx_http_conn_read(kdx_http_conn *c, char *buf, size_t n, kdx_http_fail *kind,
			   strbuf *err);
int kdx_http_conn_fd(const kdx_http_conn *c);
short kdx_http_conn_events(const kdx_http_conn *c);
const char *kdx_http_conn_key(const kdx_http_conn *c);
/* "host:port" of the server (not of a proxy), for messages. */
const char *kdx_http_conn_where(const kdx_http_conn *c);
bool kdx_http_conn_reused(const kdx_http_conn *c);
void kdx_http_conn_set_reused(kdx_http_conn *c, long idle_since_ms);
long kdx_http_conn_idle_since(const kdx_http_conn *c);
/* An idle connection the server has not closed and that holds no stray bytes. */
bool kdx_http_conn_alive(kdx_http_conn *c);
void kdx_http_conn_close(kdx_http_conn *c);

/* "Proxy-Authorization: Basic ...\r\n" when the proxy URL has credentials. */
void kdx_http_proxy_auth(strbuf *sb, const kdx_http_url *proxy);
/* Free the shared SSL_CTX (at exit). */
void kdx_http_tls_free(void);

typedef struct kdx_http_sigpipe {
	sigset_t old;
} kdx_http_sigpipe;
void kdx_http_sigpipe_block(kdx_http_sigpipe *s);
void kdx_http_sigpipe_restore(kdx_http_sigpipe *s);

#endif
