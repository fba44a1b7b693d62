/* call: one AWS operation from input value to output value -- the single path every kdx
 * caller takes (`call aws` in action bodies, the S3/DynamoDB run stores, `kdx aws call`, the
 * ARC safety-rule check): serialise and validate the input against the model (proto.h),
 * resolve the endpoint (aws_client_resolve), presign a cross-Region source (xregion.h), sign,
 * send and retry (aws_client_send), then parse the answer or decode the error. What differs
 * per caller (a dry run that prints instead of sending, a read cache, the request log, a
 * cancelled run) plugs in through aws_call_hooks, so the order of these steps is written once.
 *
 * Ownership: the caller owns the model, the input, *e (released on entry) and the arena the
 * output is parsed into; nothing is kept after aws_call_run returns. */
#ifndef AWS_CALL_H
#define AWS_CALL_H
#include <stdbool.h>

#include "client.h"
#include "model.h"
#include "request.h"
#include "../../common/arena.h"
#include "../../common/strbuf.h"
#include "../../common/value.h"

/* What aws_call_run returns: 0, or which part failed, so callers tell a refused
 * conditional write (a service answer) from a call that never reached AWS. */
typedef enum aws_call_status {
	AWS_CALL_OK = 0,
	AWS_CALL_REQUEST = -1,   /* nothing sent: the input does not fit the model, the endpoint
				  * does not resolve, no client, or before_send refused;
				  * e->code is NULL */
	AWS_CALL_SERVICE = -2,   /* the service answered with an error: e->code ("PreconditionFailed",
				  * "ConditionalCheckFailedException", ...), e->http_status > 0,
				  * e->message, e->request_id, e->fields */
	AWS_CALL_TRANSPORT = -3, /* no answer (connection refused, timeout, plain http refused):
				  * e->http_status == 0, e->code "ConnectionError" / "RequestTimeout"
				  * or NULL. With no_resend the change may have arrived: read back */
	AWS_CALL_RESPONSE = -4,  /* a 2xx answer whose body does not parse as the model says */
} aws_call_status;

/* What before_send decides. */
enum {
	AWS_CALL_SEND = 0,       /* send the request */
	AWS_CALL_ANSWERED = 1,   /* resp holds the answer (a read cache): parse it (a status >= 300
				  * is decoded as the service's error) without sending */
	AWS_CALL_SKIP = 2,       /* do not send (a dry run): aws_call_run returns AWS_CALL_OK with
				  * *out NULL */
};

/* Every hook may be NULL; ud is aws_call.ud. */
typedef struct aws_call_hooks {
	/* The client, when aws_call_run is given none: asked once the input has serialised, so
	 * input errors come before missing credentials. NULL return: AWS_CALL_REQUEST with err.
	 * Without this hook and a client, the request is neither resolved nor sent: before_send
	 * must return AWS_CALL_SKIP (kdx aws call -dry-run, which may have no credentials). */
	aws_client *(*client)(void *ud, strbuf *err);
	/* The request is serialised, resolved and presigned but not signed. Returns AWS_CALL_SEND,
	 * AWS_CALL_ANSWERED, AWS_CALL_SKIP, or -1 (AWS_CALL_REQUEST) with err filled. */
	int (*before_send)(void *ud, aws_request *req, aws_response *resp, strbuf *err);
	/* After an attempt to send (not after ANSWERED or SKIP): rc 0 with the 2xx resp, or -1
	 * with e filled (http_status 0 when nothing answered). For logs and caches. */
	void (*after_send)(void *ud, const aws_request *req, int rc, const aws_response *resp,
			   const aws_error *e);
} aws_call_hooks;

typedef struct aws_call {
	const aws_model *model;
	const char *operation;        /* e.g. "PutObject" */
	const kdx_value *input;       /* a map, or NULL for no parameters */
	const char *region;           /* NULL: the client's (AWS_REGION, profile) */
	bool no_resend;               /* a change: never resent once it may have arrived
				       * (aws_call_opts.no_resend) */
	const aws_call_hooks *hooks;  /* NULL: none */
	void *ud;
} aws_call;

/* Run CALL through client c (NULL: hooks->client's). Returns AWS_CALL_OK with *out the parsed
 * output in a (or NULL after AWS_CALL_SKIP), or a negative aws_call_status with err holding
 * what failed, without the service and operation in front: the validation problems one a
 * line (AWS_CALL_REQUEST), aws_error_format() of e (AWS_CALL_SERVICE: "PreconditionFailed:
 * ... (HTTP 412, request id R, 1 attempt)"), the client's line (AWS_CALL_TRANSPORT), or the
 * parser's (AWS_CALL_RESPONSE). Never a secret. */
int aws_call_run(aws_client *c, const aws_call *call, kdx_arena *a, kdx_value **out,
		 aws_error *e, strbuf *err);

#endif
