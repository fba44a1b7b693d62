/* http_pool: the process-wide keep-alive pool. Idle connections are kept per key
 * (scheme://host:port plus the proxy) -- at most KDX_HTTP_POOL_PER_KEY of them, none idle
 * longer than KDX_HTTP_POOL_IDLE_MS -- behind one mutex, since attempts run on many
 * threads. A connection taken from the pool belongs to the taker; one given back belongs
 * to the pool. The pool and the shared SSL_CTX are freed by kdx_http_shutdown(), which
 * is also registered with atexit() when the pool is first used; https is unusable after it. */
#ifndef KDX_HTTP_POOL_H
#define KDX_HTTP_POOL_H
#include "http_conn.h"

#define KDX_HTTP_POOL_PER_KEY 8
#define KDX_HTTP_POOL_IDLE_MS 4000

/* The most recently used live idle connection for key, marked reused; or NULL. */
kdx_http_conn *kdx_http_pool_take(const char *key);
/* Keep c for the next request to its key (after a complete keep-alive response). */
void kdx_http_pool_give(kdx_http_conn *c);
/* Idle connections held now (for tests). */
int kdx_http_pool_idle(void);
/* Close every idle connection and free the SSL_CTX: at exit (more than once is harmless). */
void kdx_http_shutdown(void);

#endif
