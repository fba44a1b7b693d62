/* retry: the AWS SDKs' "standard" retry mode: which failures are retried (throttling and
 * transient error codes, HTTP 500/502/503/504, connection errors and timeouts), full-jitter
 * exponential backoff (random(0,1) * min(2^(attempt-1) s, 20 s)) and the retry quota token
 * bucket (500 tokens, 5 per retry, 10 per timeout retry, refilled by successes).
 * Randomness comes from a seeded generator so tests are reproducible. No allocation. */
#ifndef AWS_RETRY_H
#define AWS_RETRY_H
#include <stdbool.h>
#include <stdint.h>

typedef enum aws_retry_class {
	AWS_RETRY_NONE = 0,   /* success, or an error not worth retrying */
	AWS_RETRY_THROTTLING, /* throttling error code, or HTTP 429 */
	AWS_RETRY_TRANSIENT,  /* transient code, 5xx, connection dropped/refused */
	AWS_RETRY_TIMEOUT,    /* the attempt timed out (costs more quota) */
} aws_retry_class;

#define AWS_RETRY_DEFAULT_ATTEMPTS 3
#define AWS_RETRY_QUOTA_INITIAL 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10
#define AWS_RETRY_NO_RETRY_INCREMENT 1

typedef struct aws_retry_policy {
	int max_attempts;     /* >= 1; default 3 */
	long base_ms;         /* 1000 */
	long max_backoff_ms;  /* 20000 */
	int quota;            /* tokens left in the bucket (shared by a client) */
	uint64_t rng;         /* xorshift state; never 0 */
} aws_retry_policy;

/* Defaults; max_attempts from AWS_MAX_ATTEMPTS when attempts <= 0. seed 0: time-based. */
void aws_retry_policy_init(aws_retry_policy *p, int attempts, uint64_t seed);

bool aws_retry_is_throttling_code(const char *code);
bool aws_retry_is_transient_code(const char *code);
/* Classify one attempt's outcome. status 0 = no HTTP response (conn_error / timed_out
 * tell why); code may be NULL. */
aws_retry_class aws_retry_classify(long status, const char *code, bool conn_error,
				   bool timed_out);

/* After attempt number `attempt` (1-based) failed with class cls: decide whether to try
 * again. Returns true and sets *delay_ms and *cost (quota taken) when it should; false when
 * the class is not retryable, the attempts are used up, or the quota is exhausted
 * (*why then says which: "not retryable", "max attempts", "retry quota exhausted"). */
bool aws_retry_next(aws_retry_policy *p, int attempt, aws_retry_class cls, long *delay_ms,
		    int *cost, const char **why);
/* A call succeeded; last_cost is the quota taken by its last retry (0 if it never retried). */
void aws_retry_success(aws_retry_policy *p, int last_cost);
/* Uniform in [0, 1). */
double aws_retry_random(aws_retry_policy *p);

#endif
