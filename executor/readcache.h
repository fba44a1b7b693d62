/* readcache: the answers of reads, shared by the interpreters of one dry run (kdx plan).
 * A plan reads the live state and changes nothing, so a read sent twice gets the same
 * answer: kdx plan first runs every step's reads at once on worker threads (bounded by
 * -parallelism), which fill the cache, then builds the plan in order, one step after the
 * other as before, with its reads answered from here (cli/planfile.c). A read that is not
 * here (an input that depends on an earlier step) is sent as usual.
 * Keyed by the request as serialised before signing: method, host, path, query, headers
 * and body. Only successful answers (2xx) are kept. Thread-safe; the caller owns it. */
#ifndef KDX_READCACHE_H
#define KDX_READCACHE_H
#include <stdbool.h>

#include "aws/request.h"

typedef struct kdx_readcache kdx_readcache;

kdx_readcache *kdx_readcache_new(void);
void kdx_readcache_free(kdx_readcache *c);

/* The key of req (a new string; free it). */
char *kdx_readcache_key(const aws_request *req);
/* The answer kept for key, copied into out (initialised by the caller): true. Else false,
 * and the caller has claimed key: it sends the read and must then call kdx_readcache_put
 * (with the answer, or NULL when it got none). While a read is claimed, other threads
 * asking for the same key wait for its answer: a read sent twice goes out once. */
bool kdx_readcache_claim(kdx_readcache *c, const char *key, aws_response *out);
/* The answer to a claimed key: kept when resp is a 2xx answer; otherwise the claim is
 * dropped and a waiting thread claims the key itself. */
void kdx_readcache_put(kdx_readcache *c, const char *key, const aws_response *resp);
/* Answers given from the cache so far (for tests and benchmarks). */
unsigned kdx_readcache_hits(kdx_readcache *c);

#endif
