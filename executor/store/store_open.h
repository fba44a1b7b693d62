/* store_open: a run store from its URL (common/store_url.h): file://DIR, s3://BUCKET/PREFIX,
 * dynamodb://TABLE -- the one place that knows every kind. The caller frees the store with
 * kdx_store_free(). */
#ifndef KDX_STORE_OPEN_H
#define KDX_STORE_OPEN_H
#include <stdint.h>

#include "../../common/strbuf.h"
#include "../store.h"

int kdx_store_open_url(const char *url, kdx_store **out, strbuf *err);
/* Before a run changes anything: can the store be read and written? (The file store
 * checks the directory's owner and mode; S3 and DynamoDB send a probe.) */
int kdx_store_probe(kdx_store *s, strbuf *err);
/* A file store's directory, when it exists, must be the caller's and not writable by group
 * or others (issue 15: a forged journal would make rollback act with the operator's
 * credentials). -1 with err saying how to fix it; 0 for other stores. */
int kdx_store_check_owner(kdx_store *s, strbuf *err);
/* The lease of the shared stores' locks (-lease D; default 30 s); the file store's lock is a
 * flock that lives as long as its process and ignores it. */
void kdx_store_set_lease(kdx_store *s, int64_t ms);
/* -lock-timeout D: a shared store's lock_take waits up to D for a held lock, looking again
 * every second; the file store fails at once. */
void kdx_store_set_lock_timeout(kdx_store *s, int64_t ms);
/* kdx state init for the shared stores: create the bucket or table when it is missing (out
 * says what was found or made). The file store is made by cli/ (a directory). */
int kdx_store_prepare(kdx_store *s, strbuf *out, strbuf *err);
/* kdx state rm for the shared stores: every object or item of a run. */
int kdx_store_delete_run(kdx_store *s, const char *run_id, strbuf *err);
/* The regions the store lives in as AWS reports them, for the store-region safety analysis
 * (compiler/safety/check_state.c): a DynamoDB table's region and its global table's replica
 * regions from DescribeTable. 1 when the store's kind has nothing to ask (file, S3: the URL
 * or the region chain names the bucket's region); -1 with err when AWS could not be asked
 * (no credentials, no permission, no table): the caller falls back to the URL. */
int kdx_store_regions(kdx_store *s, kdx_names *out, strbuf *err);
/* The caller's AWS identity (STS GetCallerIdentity, through kdx's own AWS client, in
 * region or the region chain's; us-east-1 when neither names one): the ARN into arn. -1
 * with err when there are no credentials or STS refuses; err never holds a credential.
 * Approval records (approval_rec.h) and lock holders are known by it. */
int kdx_store_caller_arn(const char *region, strbuf *arn, strbuf *err);

#endif
