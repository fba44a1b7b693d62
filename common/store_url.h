/* store_url: the text that names a run store (docs/executor.md, Stores) --
 * `file://DIR` (or a plain path), `s3://BUCKET[/PREFIX][?region=R]`,
 * `dynamodb://TABLE[?region=R][&replicas=R2,R3]` -- parsed and checked once, for the
 * stores (executor/store/) and for the safety analysis that proves the store survives the
 * regions a runbook fails away from (compiler/safety/check_state.c).
 * The caller owns kdx_store_url; kdx_store_url_release() frees every string it holds. */
#ifndef KDX_STORE_URL_H
#define KDX_STORE_URL_H
#include <stddef.h>

#include "strbuf.h"

typedef enum kdx_store_kind {
	KDX_STORE_FILE,
	KDX_STORE_S3,
	KDX_STORE_DYNAMODB,
} kdx_store_kind;

typedef struct kdx_store_url {
	kdx_store_kind kind;
	char *path;       /* FILE: the directory */
	char *bucket;     /* S3 */
	char *prefix;     /* S3: "" or "PREFIX/" (always ends with '/') */
	char *table;      /* DYNAMODB */
	char *region;     /* ?region=; NULL: the AWS region chain decides */
	char **replicas;  /* DYNAMODB ?replicas=: a global table's other replica regions */
	size_t nreplicas;
} kdx_store_url;

void kdx_store_url_init(kdx_store_url *u);
void kdx_store_url_release(kdx_store_url *u);
/* Parse TEXT. Returns 0, or -1 with err saying what is wrong and how a good URL looks. */
int kdx_store_url_parse(kdx_store_url *u, const char *text, strbuf *err);
/* The canonical text, e.g. "s3://b/runs/?region=us-east-2". */
void kdx_store_url_format(strbuf *sb, const kdx_store_url *u);
/* Is S a region name as AWS writes them ("us-east-1", "eu-central-2", "us-gov-west-1")? */
int kdx_store_region_valid(const char *s);

#endif
