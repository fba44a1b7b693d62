/* store_s3: the run store in an S3 bucket (s3://BUCKET/PREFIX): journal segments written
 * with If-None-Match, lease locks with fencing tokens, approval records. See store_s3.c for
 * the layout and docs/executor.md (Stores) for the guarantees. */
#ifndef KDX_STORE_S3_H
#define KDX_STORE_S3_H
#include <stdint.h>

#include "../../common/store_url.h"
#include "../../common/strbuf.h"
#include "../store.h"

/* Open (no request is sent: the first call says whether the bucket can be reached).
 * -1 with err when credentials or the region are missing. */
int kdx_store_open_s3(const kdx_store_url *u, kdx_store **out, strbuf *err);
/* Every object of a run (segments, approvals): kdx state rm. */
int kdx_store_s3_delete_run(kdx_store *s, const char *run_id, strbuf *err);
/* Check the bucket can be read and written before a run changes anything (HeadBucket, then
 * a put and delete of a probe object). err says which permission is missing. */
int kdx_store_s3_probe(kdx_store *s, strbuf *err);
/* Create the bucket (versioned, encrypted with SSE-S3) when it is missing: kdx state init. */
int kdx_store_s3_init(kdx_store *s, strbuf *out, strbuf *err);
/* Requests sent so far (tests, benchmarks). */
long kdx_store_s3_requests(const kdx_store *s);

#endif
