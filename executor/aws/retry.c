/* retry: the SDKs' standard retry mode -- classification, full-jitter backoff, quota. */
#include "retry.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const throttling_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException", NULL,
};

static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", NULL,
};

static bool in(const char *const *list, const char *code)
{
	if (!code)
		return false;
	for (; *list; list++)
		if (!strcmp(*list, code))
			return true;
	return false;
}

bool aws_retry_is_throttling_code(const char *code)
{
	return in(throttling_codes, code);
}

bool aws_retry_is_transient_code(const char *code)
{
	return in(transient_codes, code);
}

void aws_retry_policy_init(aws_retry_policy *p, int attempts, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	if (attempts <= 0) {
		const char *env = getenv("AWS_MAX_ATTEMPTS");
		char *end;
		long n = env ? strtol(env, &end, 10) : 0;
		attempts = env && *env && !*end && n > 0 && n <= 100 ? (int)n : AWS_RETRY_DEFAULT_ATTEMPTS;
	}
	p->max_attempts = attempts;
	p->base_ms = 1000;
	p->max_backoff_ms = 20000;
	p->quota = AWS_RETRY_QUOTA_INITIAL;
	if (!seed) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)ts.tv_sec;
	}
	p->rng = seed ? seed : 0x2545F4914F6CDD1Dull;
}

double aws_retry_random(aws_retry_policy *p)
{
	/* xorshift64*: small, seedable, good enough for jitter. */
	uint64_t x = p->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	p->rng = x;
	return (double)((x * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

aws_retry_class aws_retry_classify(long status, const char *code, bool conn_error, bool timed_out)
{
	if (timed_out)
		return AWS_RETRY_TIMEOUT;
	if (conn_error)
		return AWS_RETRY_TRANSIENT;
	if (status >= 200 && status < 300)
		return AWS_RETRY_NONE;
	if (aws_retry_is_throttling_code(code) || status == 429)
		return AWS_RETRY_THROTTLING;
	if (aws_retry_is_transient_code(code) || status == 500 || status == 502 || status == 503 ||
	    status == 504)
		return AWS_RETRY_TRANSIENT;
	return AWS_RETRY_NONE;
}

bool aws_retry_next(aws_retry_policy *p, int attempt, aws_retry_class cls, long *delay_ms,
		    int *cost, const char **why)
{
	*delay_ms = 0;
	*cost = 0;
	if (cls == AWS_RETRY_NONE) {
		*why = "not retryable";
		return false;
	}
	if (attempt >= p->max_attempts) {
		*why = "max attempts";
		return false;
	}
	int c = cls == AWS_RETRY_TIMEOUT ? AWS_RETRY_TIMEOUT_COST : AWS_RETRY_COST;
	if (c > p->quota) {
		*why = "retry quota exhausted";
		return false;
	}
	p->quota -= c;
	*cost = c;
	/* t = random(0,1) * min(base * 2^(attempt-1), max): the first retry waits up to 1 s. */
	double cap = (double)p->base_ms;
	for (int i = 1; i < attempt && cap < (double)p->max_backoff_ms; i++)
		cap *= 2;
	if (cap > (double)p->max_backoff_ms)
		cap = (double)p->max_backoff_ms;
	*delay_ms = (long)(aws_retry_random(p) * cap);
	*why = NULL;
	return true;
}

void aws_retry_success(aws_retry_policy *p, int last_cost)
{
	p->quota += last_cost ? last_cost : AWS_RETRY_NO_RETRY_INCREMENT;
	if (p->quota > AWS_RETRY_QUOTA_INITIAL)
		p->quota = AWS_RETRY_QUOTA_INITIAL;
}
