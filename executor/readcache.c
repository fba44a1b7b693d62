/* readcache: the answers of a dry run's reads, shared between threads (readcache.h). */
#include "readcache.h"

#include "../common/xalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
	uint64_t hash;
	char *key;
	bool pending;      /* claimed: one thread is sending it, the others wait for it */
	aws_response resp; /* !pending: the answer */
} entry;

struct kdx_readcache {
	pthread_mutex_t mu;
	pthread_cond_t done; /* an entry stopped being pending (kept, or dropped) */
	entry *e;
	size_t n, alloc;
	unsigned hits;
};

kdx_readcache *kdx_readcache_new(void)
{
	kdx_readcache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->done, NULL);
	return c;
}

void kdx_readcache_free(kdx_readcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].key);
		aws_response_release(&c->e[i].resp);
	}
	free(c->e);
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static void add_field(strbuf *k, const char *s)
{
	/* length-prefixed, so no field's text can pass for the boundary of another */
	size_t n = s ? strlen(s) : 0;
	strbuf_addf(k, "%zu:", n);
	if (n)
		strbuf_add(k, s, n);
}

char *kdx_readcache_key(const aws_request *req)
{
	strbuf k = STRBUF_INIT;
	add_field(&k, req->method);
	add_field(&k, req->scheme);
	add_field(&k, req->host);
	add_field(&k, req->host_prefix);
	add_field(&k, req->path);
	add_field(&k, req->query);
	add_field(&k, req->region);
	for (size_t i = 0; i < req->nheaders; i++) {
		add_field(&k, req->headers[i].name);
		add_field(&k, req->headers[i].value);
	}
	strbuf_addf(&k, "%zu:", req->body.len);
	if (req->body.len)
		strbuf_add(&k, req->body.buf, req->body.len);
	return strbuf_detach(&k, NULL);
}

static uint64_t hash_of(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void copy_response(aws_response *to, const aws_response *from)
{
	to->status = from->status;
	to->sent = from->sent;
	for (size_t i = 0; i < from->nheaders; i++) {
		XGROW(to->headers, to->nheaders + 1, to->aheaders);
		to->headers[to->nheaders].name = xstrdup(from->headers[i].name);
		to->headers[to->nheaders].value = xstrdup(from->headers[i].value);
		to->nheaders++;
	}
	strbuf_reset(&to->body);
	strbuf_add(&to->body, from->body.buf ? from->body.buf : "", from->body.len);
}

static entry *find(kdx_readcache *c, uint64_t h, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].hash == h && !strcmp(c->e[i].key, key))
			return &c->e[i];
	return NULL;
}

bool kdx_readcache_claim(kdx_readcache *c, const char *key, aws_response *out)
{
	uint64_t h = hash_of(key);
	pthread_mutex_lock(&c->mu);
	entry *e;
	while ((e = find(c, h, key)) && e->pending)
		pthread_cond_wait(&c->done, &c->mu);
	bool hit = e != NULL;
	if (hit) {
		copy_response(out, &e->resp);
		c->hits++;
	} else {
		XGROW(c->e, c->n + 1, c->alloc);
		e = &c->e[c->n++];
		*e = (entry){ .hash = h, .key = xstrdup(key), .pending = true };
		aws_response_init(&e->resp);
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void kdx_readcache_put(kdx_readcache *c, const char *key, const aws_response *resp)
{
	uint64_t h = hash_of(key);
	pthread_mutex_lock(&c->mu);
	entry *e = find(c, h, key);
	if (e && e->pending) {
		if (resp && resp->status >= 200 && resp->status <= 299) {
			copy_response(&e->resp, resp);
			e->pending = false;
		} else { /* not kept: whoever waits for it sends it itself */
			free(e->key);
			aws_response_release(&e->resp);
			*e = c->e[--c->n];
		}
		pthread_cond_broadcast(&c->done);
	}
	pthread_mutex_unlock(&c->mu);
}

unsigned kdx_readcache_hits(kdx_readcache *c)
{
	pthread_mutex_lock(&c->mu);
	unsigned n = c->hits;
	pthread_mutex_unlock(&c->mu);
	return n;
}
