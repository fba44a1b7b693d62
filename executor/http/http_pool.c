/* http_pool: process-wide idle keep-alive connections, mutex-protected. */
#include "http_pool.h"
#include "../../common/monotime.h"
#include "../../common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct idle {
	struct idle *next;
	kdx_http_conn *conn;
	long since;
} idle;

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static idle *pool_head; /* most recently given first */

static void pool_init(void)
{
	atexit(kdx_http_shutdown);
}

/* Unlink the entries of key that are too old or too many; returns them. */
static idle *prune(const char *key, long now, int keep)
{
	idle *drop = NULL, **pp = &pool_head;
	int n = 0;
	while (*pp) {
		idle *e = *pp;
		bool mine = !key || !strcmp(kdx_http_conn_key(e->conn), key);
		if (mine && (now - e->since > KDX_HTTP_POOL_IDLE_MS || ++n > keep)) {
			*pp = e->next;
			e->next = drop;
			drop = e;
		} else {
			pp = &e->next;
		}
	}
	return drop;
}

static void close_all(idle *e)
{
	while (e) {
		idle *next = e->next;
		kdx_http_conn_close(e->conn);
		free(e);
		e = next;
	}
}

kdx_http_conn *kdx_http_pool_take(const char *key)
{
	for (;;) {
		long now = (long)kdx_mono_ms();
		pthread_mutex_lock(&pool_mu);
		idle *drop = prune(NULL, now, 1 << 30), *got = NULL;
		for (idle **pp = &pool_head; *pp; pp = &(*pp)->next) {
			if (!strcmp(kdx_http_conn_key((*pp)->conn), key)) {
				got = *pp;
				*pp = got->next;
				break;
			}
		}
		pthread_mutex_unlock(&pool_mu);
		close_all(drop);
		if (!got)
			return NULL;
		kdx_http_conn *c = got->conn;
		long since = got->since;
		free(got);
		if (kdx_http_conn_alive(c)) {
			kdx_http_conn_set_reused(c, since);
			return c;
		}
		kdx_http_conn_close(c); /* closed by the server while idle: try the next one */
	}
}

void kdx_http_pool_give(kdx_http_conn *c)
{
	pthread_once(&pool_once, pool_init);
	idle *e = xmalloc(sizeof(*e));
	e->conn = c;
	e->since = (long)kdx_mono_ms();
	pthread_mutex_lock(&pool_mu);
	e->next = pool_head;
	pool_head = e;
	idle *drop = prune(kdx_http_conn_key(c), e->since, KDX_HTTP_POOL_PER_KEY);
	pthread_mutex_unlock(&pool_mu);
	close_all(drop);
}

int kdx_http_pool_idle(void)
{
	int n = 0;
	pthread_mutex_lock(&pool_mu);
	for (idle *e = pool_head; e; e = e->next)
		n++;
	pthread_mutex_unlock(&pool_mu);
	return n;
}

void kdx_http_shutdown(void)
{
	pthread_mutex_lock(&pool_mu);
	idle *all = pool_head;
	pool_head = NULL;
	pthread_mutex_unlock(&pool_mu);
	close_all(all);
	kdx_http_tls_free();
}
