/* Unit tests for executor/aws/retry: classification, attempt budget, backoff bounds and
 * the retry quota, with a fixed seed so every run is the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "executor/aws/retry.h"

static void test_classify(void **state)
{
	(void)state;
	static const char *const throttling[] = {
		"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
		"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException",
	};
	for (size_t i = 0; i < sizeof(throttling) / sizeof(throttling[0]); i++)
		assert_int_equal(aws_retry_classify(400, throttling[i], false, false), AWS_RETRY_THROTTLING);
	assert_int_equal(aws_retry_classify(400, "RequestTimeout", false, false), AWS_RETRY_TRANSIENT);
	assert_int_equal(aws_retry_classify(400, "RequestTimeoutException", false, false), AWS_RETRY_TRANSIENT);
	assert_true(aws_retry_is_transient_code("PriorRequestNotComplete"));
	assert_int_equal(aws_retry_classify(429, NULL, false, false), AWS_RETRY_THROTTLING);
	long transient[] = { 500, 502, 503, 504 };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(aws_retry_classify(transient[i], "InternalError", false, false),
				 AWS_RETRY_TRANSIENT);
	assert_int_equal(aws_retry_classify(501, NULL, false, false), AWS_RETRY_NONE);
	assert_int_equal(aws_retry_classify(400, "ValidationError", false, false), AWS_RETRY_NONE);
	assert_int_equal(aws_retry_classify(403, "InvalidClientTokenId", false, false), AWS_RETRY_NONE);
	assert_int_equal(aws_retry_classify(200, "Throttling", false, false), AWS_RETRY_NONE);
	assert_int_equal(aws_retry_classify(0, NULL, true, false), AWS_RETRY_TRANSIENT);
	assert_int_equal(aws_retry_classify(0, NULL, false, true), AWS_RETRY_TIMEOUT);
	assert_false(aws_retry_is_throttling_code(NULL));
	assert_false(aws_retry_is_throttling_code("throttling")); /* codes are case-sensitive */
}

static void test_attempts_and_env(void **state)
{
	(void)state;
	aws_retry_policy p;
	unsetenv("AWS_MAX_ATTEMPTS");
	aws_retry_policy_init(&p, 0, 42);
	assert_int_equal(p.max_attempts, 3);
	setenv("AWS_MAX_ATTEMPTS", "5", 1);
	aws_retry_policy_init(&p, 0, 42);
	assert_int_equal(p.max_attempts, 5);
	aws_retry_policy_init(&p, 2, 42); /* an explicit option wins */
	assert_int_equal(p.max_attempts, 2);
	setenv("AWS_MAX_ATTEMPTS", "lots", 1);
	aws_retry_policy_init(&p, 0, 42);
	assert_int_equal(p.max_attempts, 3);
	unsetenv("AWS_MAX_ATTEMPTS");

	long d;
	int cost;
	const char *why;
	aws_retry_policy_init(&p, 3, 42);
	assert_true(aws_retry_next(&p, 1, AWS_RETRY_THROTTLING, &d, &cost, &why));
	assert_true(aws_retry_next(&p, 2, AWS_RETRY_TRANSIENT, &d, &cost, &why));
	assert_false(aws_retry_next(&p, 3, AWS_RETRY_TRANSIENT, &d, &cost, &why));
	assert_string_equal(why, "max attempts");
	assert_false(aws_retry_next(&p, 1, AWS_RETRY_NONE, &d, &cost, &why));
	assert_string_equal(why, "not retryable");
}

static void test_backoff_bounds(void **state)
{
	(void)state;
	aws_retry_policy p;
	aws_retry_policy_init(&p, 100, 7);
	/* Each attempt's delay is below min(2^(attempt-1) s, 20 s); over many draws the jitter
	 * should come close to the cap, and never be negative. */
	for (int attempt = 1; attempt <= 8; attempt++) {
		long cap = attempt <= 5 ? 1000L << (attempt - 1) : 20000;
		long max = 0;
		for (int i = 0; i < 400; i++) {
			long d;
			int cost;
			const char *why;
			p.quota = AWS_RETRY_QUOTA_INITIAL;
			assert_true(aws_retry_next(&p, attempt, AWS_RETRY_THROTTLING, &d, &cost, &why));
			assert_true(d >= 0 && d < cap);
			if (d > max)
				max = d;
		}
		assert_true(max > cap * 9 / 10);
	}
	/* Same seed, same delays. */
	aws_retry_policy a, b;
	aws_retry_policy_init(&a, 3, 99);
	aws_retry_policy_init(&b, 3, 99);
	for (int i = 0; i < 10; i++) {
		double x = aws_retry_random(&a), y = aws_retry_random(&b);
		assert_true(x == y && x >= 0 && x < 1);
	}
}

static void test_quota(void **state)
{
	(void)state;
	aws_retry_policy p;
	aws_retry_policy_init(&p, 3, 1);
	long d;
	int cost;
	const char *why;
	assert_int_equal(p.quota, 500);
	assert_true(aws_retry_next(&p, 1, AWS_RETRY_TRANSIENT, &d, &cost, &why));
	assert_int_equal(cost, 5);
	assert_int_equal(p.quota, 495);
	assert_true(aws_retry_next(&p, 1, AWS_RETRY_TIMEOUT, &d, &cost, &why));
	assert_int_equal(cost, 10);
	assert_int_equal(p.quota, 485);
	/* Success after a retry gives that retry's cost back; without retry, 1 token. */
	aws_retry_success(&p, 10);
	assert_int_equal(p.quota, 495);
	aws_retry_success(&p, 0);
	assert_int_equal(p.quota, 496);
	for (int i = 0; i < 10; i++)
		aws_retry_success(&p, 5);
	assert_int_equal(p.quota, 500);
	/* Drain it: 100 retries of 5 tokens, then none. */
	for (int i = 0; i < 100; i++)
		assert_true(aws_retry_next(&p, 1, AWS_RETRY_THROTTLING, &d, &cost, &why));
	assert_int_equal(p.quota, 0);
	assert_false(aws_retry_next(&p, 1, AWS_RETRY_THROTTLING, &d, &cost, &why));
	assert_string_equal(why, "retry quota exhausted");
	assert_int_equal(cost, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_attempts_and_env),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_quota),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
