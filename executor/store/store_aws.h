/* store_aws: what the S3 and DynamoDB run stores share -- one AWS client (kdx's own:
 * signed, retried in standard mode, AWS_ENDPOINT_URL honoured) and the models of s3,
 * dynamodb and sts, with one call that takes the input as a JSON document (common/json)
 * and returns the parsed output. Private to executor/store/.
 * The caller owns kdx_store_aws (kdx_store_aws_release); outputs live in the arena passed. */
#ifndef KDX_STORE_AWS_H
#define KDX_STORE_AWS_H
#include <stdbool.h>

#include "../../common/arena.h"
#include "../../common/json.h"
#include "../../common/strbuf.h"
#include "../../common/value.h"
#include "../aws/client.h"
#include "../aws/model.h"

typedef struct kdx_store_aws {
	aws_client *client;
	aws_model_cache models;
	char *region;              /* the store's region: ?region=, else the client's */
	char *identity;            /* STS caller ARN, fetched once (kdx_store_aws_identity) */
	long requests;             /* requests sent (for benchmarks and tests) */
} kdx_store_aws;

/* region NULL: the AWS region chain's. -1 with err when credentials or region are missing. */
int kdx_store_aws_init(kdx_store_aws *sa, const char *region, strbuf *err);
void kdx_store_aws_release(kdx_store_aws *sa);

/* Call SERVICE OPERATION with input (a JSON object the call frees, or NULL) in the store's
 * region. *e is released first. Returns 0 with *out set (allocated in a; a and out may both
 * be NULL when the output does not matter), or -1 with e filled (code, http_status) and err
 * holding one line "s3 PutObject: PreconditionFailed: ... (HTTP 412 ...)". Through the one
 * AWS call path (aws/call.h): e->code is set only when the service answered (http_status
 * > 0) or the connection failed (http_status 0), never for a request that was not sent. */
int kdx_store_aws_call(kdx_store_aws *sa, const char *service, const char *op, kdx_json *input,
		       kdx_arena *a, kdx_value **out, aws_error *e, strbuf *err);
/* The caller's identity (STS GetCallerIdentity's Arn), or "unknown" when STS does not say;
 * fetched once. */
const char *kdx_store_aws_identity(kdx_store_aws *sa);

/* A string member of a parsed output, or NULL. */
const char *kdx_store_aws_str(const kdx_value *v, const char *key);

#endif
