/* client: what the protocol layer and the executor use to talk to AWS. It owns the
 * credentials (loaded once from the chain), the retry policy and quota, and the transport
 * (libcurl, executor/aws/transport.h: many calls in flight on one thread). A call is: resolve the
 * endpoint into the request, then send it (sign, transmit, classify, back off, retry).
 *
 * Ownership: the caller owns every aws_request, aws_response and aws_error it passes in;
 * the client borrows a submitted request until its callback has run. An aws_client is not
 * thread-safe: drive it from one thread. */
#ifndef AWS_CLIENT_H
#define AWS_CLIENT_H
#include <stdbool.h>
#include <stdint.h>

#include "../../common/strbuf.h"
#include "credentials.h"
#include "request.h"
#include "retry.h"

typedef struct aws_client aws_client;

typedef struct aws_client_opts {
	const char *region;       /* default region; NULL: AWS_REGION, AWS_DEFAULT_REGION, profile */
	const char *profile;      /* NULL: AWS_PROFILE, then "default" */
	const char *endpoint_url; /* per-run override for every service; NULL: none */
	int max_attempts;         /* <= 0: AWS_MAX_ATTEMPTS, else 3 */
	long timeout_ms;          /* per attempt; <= 0: 30000 */
	uint64_t seed;            /* backoff jitter seed; 0: from the clock */
	const aws_credentials *credentials; /* use these instead of the chain (copied) */
} aws_client_opts;

/* A decoded AWS error (or a transport failure). code is the AWS error code ("Throttling",
 * "InvalidClientTokenId", ...) or, without an HTTP response, "ConnectionError" /
 * "RequestTimeout". Never contains secrets. aws_error_release() frees the strings. */
typedef struct aws_error {
	char *code;
	char *message;
	char *request_id;
	char *fields;             /* the error's other members as a JSON object ({"Item": ...}:
				   * DynamoDB's ConditionalCheckFailed, CancellationReasons...),
				   * or NULL when it has none */
	long http_status;         /* 0 when no response arrived */
	aws_retry_class retry;    /* how the retry logic classified the last attempt */
	int attempts;             /* attempts made (1 = no retry) */
} aws_error;

void aws_error_init(aws_error *e);
void aws_error_release(aws_error *e);
/* "Throttling: Rate exceeded (HTTP 400, request id 1234, 3 attempts)" */
void aws_error_format(strbuf *sb, const aws_error *e);

/* Decode an error response (status >= 300) into e->code/message/request_id. The protocol
 * layer installs one per protocol; the default understands JSON bodies (`__type`, `code`,
 * `message`/`Message`), XML bodies (`<Code>`, `<Message>`, `<RequestId>`), the
 * x-amzn-ErrorType header, and request id headers. */
typedef void (*aws_error_decoder)(void *ud, const aws_response *resp, aws_error *e);
void aws_error_decode_default(void *ud, const aws_response *resp, aws_error *e);

/* Per-call options; NULL means all defaults. */
typedef struct aws_call_opts {
	aws_error_decoder decode; /* NULL: aws_error_decode_default */
	void *decode_ud;
	bool unsigned_payload;    /* sign with UNSIGNED-PAYLOAD */
	long timeout_ms;          /* per attempt; <= 0: the client's */
	/* A change (kdx's mutating calls): once an attempt's request may have reached the
	 * service (a lost answer, a timeout after sending), it is not sent again -- the caller
	 * reads the change back instead (docs/executor.md, rule 10). Refused connections and
	 * error answers are retried as usual. */
	bool no_resend;
} aws_call_opts;

/* Loads the credential chain (unless opts->credentials) and the region. On failure err says
 * what was tried. opts may be NULL. */
int aws_client_new(aws_client **out, const aws_client_opts *opts, strbuf *err);
void aws_client_free(aws_client *c);
const char *aws_client_region(const aws_client *c);    /* may be NULL */
const aws_credentials *aws_client_credentials(const aws_client *c);
/* Remaining tokens in the retry quota (for tests and -json progress). */
int aws_client_retry_quota(const aws_client *c);
/* Attempts made by the call that finished last (1 = it needed no retry). */
int aws_client_last_attempts(const aws_client *c);

/* Fill r->scheme, host (and prefix r->path with an override's base path), r->region (the
 * signing region: us-east-1 for global services such as Route 53 and IAM) and r->service
 * (signing_name) for the service whose model says endpoint_prefix / signing_name /
 * service_id (e.g. "route53", "route53", "Route 53"). region NULL: the client's region.
 * Honours the per-run override, AWS_ENDPOINT_URL_<SERVICE_ID>, AWS_ENDPOINT_URL. */
int aws_client_resolve(aws_client *c, aws_request *r, const char *endpoint_prefix,
		       const char *signing_name, const char *service_id, const char *region,
		       strbuf *err);

/* Sign, send and retry (standard mode) synchronously. Returns 0 when a 2xx response
 * arrived (resp filled); -1 otherwise, with e filled (code, message, status, attempts) and
 * err holding one line that says what failed. resp holds the last response either way. */
int aws_client_send(aws_client *c, aws_request *r, const aws_call_opts *o, aws_response *resp,
		    aws_error *e, strbuf *err);

/* Asynchronous form. done() (may be NULL) is called once, always from aws_client_run(),
 * never from inside aws_client_submit(), with the final response
 * (2xx) or the final error (e != NULL); the callback may take resp's contents by copying
 * the struct and re-initialising *resp. Returns 0, or -1 with err when the call could not
 * be started (done() is then not called). */
typedef void (*aws_client_done)(void *ud, aws_response *resp, const aws_error *e);
int aws_client_submit(aws_client *c, aws_request *r, const aws_call_opts *o, aws_client_done done,
		      void *ud, strbuf *err);
/* Drive transfers and backoff timers for at most max_wait_ms (0: poll once); returns the
 * number of calls still in flight (including those waiting to retry). */
int aws_client_run(aws_client *c, long max_wait_ms);

#endif
