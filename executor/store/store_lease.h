/* store_lease: the lease lock of the shared stores (S3, DynamoDB) over a conditional
 * read/write of one lease document per lock -- take (create, or replace an expired or
 * released lease with token + 1), renew by a heartbeat thread every third of the lease,
 * give up, read, break -- and the document's JSON. The fencing token strictly increases
 * each time the lock changes hands, since a released lease is kept (marked released), never
 * deleted. Private to executor/store/.
 * A taken kdx_lease's impl is a kdx_lease_remote, freed by kdx_lease_give_up. */
#ifndef KDX_STORE_LEASE_H
#define KDX_STORE_LEASE_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../common/strbuf.h"
#include "../store.h"
#include "store_aws.h"

/* The lease lasts this long when the caller asks for "until released" (ttl 0): a remote
 * lock must expire so that any runner can continue after its holder died. */
#define KDX_LEASE_DEFAULT_MS 30000

typedef struct kdx_lease_doc {
	char *name, *command, *host, *user, *identity, *since;
	long pid;
	int64_t expires_ms;  /* Unix ms */
	uint64_t token;
	bool released;
} kdx_lease_doc;

void kdx_lease_doc_release(kdx_lease_doc *d);
int kdx_lease_doc_parse(kdx_lease_doc *d, const char *buf, size_t len, strbuf *err);
void kdx_lease_doc_format(strbuf *sb, const kdx_lease_doc *d);

typedef struct kdx_lease_remote kdx_lease_remote;

/* A store's conditional access to lease documents. etag is the version the store compares
 * (S3: the ETag; DynamoDB: the document's version); write with create: only if absent.
 * ctx is the store, or its clone for the heartbeat thread (an AWS client is used by one
 * thread only). */
typedef struct kdx_lease_backend {
	int (*read)(void *ctx, kdx_lease_remote *ls, kdx_lease_doc *doc, char **etag, bool *found,
		    strbuf *err);
	int (*write)(void *ctx, kdx_lease_remote *ls, const kdx_lease_doc *doc, bool create,
		     const char *etag, bool *conflict, strbuf *err);
	void *(*clone)(void *ctx);     /* NULL: no heartbeat thread */
	void (*free_clone)(void *ctx);
} kdx_lease_backend;

struct kdx_lease_remote {
	char *key;                 /* the store's key of the lease document */
	const kdx_lease_backend *be;
	pthread_mutex_t mu;        /* etag, lost, doc.expires_ms: the heartbeat writes them */
	pthread_cond_t cv;
	char *etag;
	bool lost;                 /* a renewal found the lease taken over, or it expired */
	kdx_lease_doc doc;         /* what this runner wrote last */
	int64_t ttl_ms;
	void *hb_ctx;
	pthread_t hb;
	bool hb_running, hb_stop;
	long renewals;
};

char *kdx_lease_etag(kdx_lease_remote *ls);          /* a copy; the caller frees it */
void kdx_lease_set_etag(kdx_lease_remote *ls, const char *etag);
bool kdx_lease_lost(kdx_lease_remote *ls);

/* Take lock name (document key) for l->command. Held and not expired: KDX_LEASE_HELD with
 * err naming the holder (command, pid, host, user, AWS identity, since, until). */
#define KDX_LEASE_HELD (-3)
int kdx_lease_take(const kdx_lease_backend *be, void *ctx, kdx_store_aws *aws, const char *where,
		   const char *name, const char *key, int64_t ttl_ms, kdx_lease *l, strbuf *err);
/* kdx_lease_take, looking again every second while the lock is held, for up to timeout_ms
 * (-lock-timeout; 0: fail at once naming the holder). 0 or -1. */
int kdx_lease_take_wait(const kdx_lease_backend *be, void *ctx, kdx_store_aws *aws,
			const char *where, const char *name, const char *key, int64_t ttl_ms,
			int64_t timeout_ms, kdx_lease *l, strbuf *err);
int kdx_lease_renew(const kdx_lease_backend *be, void *ctx, kdx_lease *l, int64_t ttl_ms,
		    strbuf *err);
void kdx_lease_give_up(const kdx_lease_backend *be, void *ctx, kdx_lease *l);
int kdx_lease_read_holder(const kdx_lease_backend *be, void *ctx, const char *where,
			  const char *name, const char *key, kdx_lease *l, strbuf *err);
int kdx_lease_break(const kdx_lease_backend *be, void *ctx, const char *where, const char *name,
		    const char *key, strbuf *err);
kdx_lease_liveness kdx_lease_liveness_of(const kdx_lease *l);
/* "kdx apply (pid 12 on host h, user u, arn:...) since T, lease until T2" */
void kdx_lease_describe(strbuf *sb, const kdx_lease *l);

/* What the S3 and DynamoDB stores share, embedded as the first member of each: the AWS
 * client, the lease settings, and how a lock name becomes the key of its lease document
 * (prefix + name + suffix). The lock operations below take such a store and go straight
 * into its kdx_store_ops table; ctx for lease_be is the store itself. */
typedef struct kdx_remote_store {
	kdx_store base;
	kdx_store_aws aws;
	char *url;                   /* for messages */
	int64_t lease_ms;            /* a lease taken "until released" lasts this long (-lease) */
	int64_t lock_timeout_ms;     /* how long lock_take waits for a held lock (-lock-timeout) */
	const kdx_lease_backend *lease_be;
	const char *lock_prefix, *lock_suffix;
} kdx_remote_store;

int kdx_remote_lock_take(kdx_store *s, const char *name, int64_t ttl_ms, kdx_lease *l,
			 strbuf *err);
int kdx_remote_lock_renew(kdx_store *s, kdx_lease *l, int64_t ttl_ms, strbuf *err);
void kdx_remote_lock_release(kdx_store *s, kdx_lease *l);
int kdx_remote_lock_read(kdx_store *s, const char *name, kdx_lease *l, strbuf *err);
kdx_lease_liveness kdx_remote_lock_check(kdx_store *s, const char *name, const kdx_lease *l);
int kdx_remote_lock_break(kdx_store *s, const char *name, strbuf *err);
/* The lock entries of a remote store's kdx_store_ops, to put among its designated
 * initializers: every remote store takes its locks through the lease protocol above. */
#define KDX_REMOTE_LOCK_OPS                                                                \
	.lock_take = kdx_remote_lock_take, .lock_renew = kdx_remote_lock_renew,            \
	.lock_release = kdx_remote_lock_release, .lock_read = kdx_remote_lock_read,         \
	.lock_check = kdx_remote_lock_check, .lock_break = kdx_remote_lock_break

/* The start of a remote store's open: r (zeroed) gets its ops, its lease backend, how lock
 * names become keys (prefix + name + suffix) and its AWS client in region (NULL: the region
 * chain's). -1 with err when the client cannot be made (nothing to release then). */
int kdx_remote_store_init(kdx_remote_store *r, const kdx_store_ops *ops,
			  const kdx_lease_backend *be, const char *lock_prefix,
			  const char *lock_suffix, const char *region, strbuf *err);

/* Release what every remote store holds: its AWS client and its url. */
void kdx_remote_store_release(kdx_remote_store *r);

/* The key of lock name's lease document (the caller frees it). */
char *kdx_remote_lock_key(const kdx_remote_store *r, const char *name);


#endif
