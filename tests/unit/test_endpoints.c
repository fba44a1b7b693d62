/* Unit tests for executor/aws/endpoints: default URLs per partition, global services and
 * their signing region, and the override order (per run > per service env > global env).
 * The expected URLs are the ones botocore resolves for the same inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "executor/aws/endpoints.h"

static int clean_env(void **state)
{
	(void)state;
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_ROUTE_53");
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	return 0;
}

static void expect(const char *prefix, const char *id, const char *region, const char *override,
		   const char *url, const char *sign_region)
{
	aws_endpoint e;
	strbuf err = STRBUF_INIT, got = STRBUF_INIT;
	aws_endpoint_query q = { prefix, id, region, override };
	if (aws_endpoint_resolve(&e, &q, &err) < 0)
		fail_msg("%s in %s: %s", prefix, region, err.buf);
	strbuf_addf(&got, "%s://%s%s", e.scheme, e.host, e.base_path);
	if (strcmp(got.buf, url) || strcmp(e.signing_region, sign_region))
		fail_msg("%s in %s: got %s signed for %s, want %s signed for %s", prefix, region,
			 got.buf, e.signing_region, url, sign_region);
	aws_endpoint_release(&e);
	strbuf_release(&err);
	strbuf_release(&got);
}

static void expect_error(const char *prefix, const char *region, const char *override,
			 const char *msg)
{
	aws_endpoint e;
	strbuf err = STRBUF_INIT;
	aws_endpoint_query q = { prefix, NULL, region, override };
	assert_int_equal(aws_endpoint_resolve(&e, &q, &err), -1);
	if (strcmp(err.buf, msg))
		fail_msg("got error '%s', want '%s'", err.buf, msg);
	strbuf_release(&err);
}

static void test_defaults(void **state)
{
	(void)state;
	expect("sts", "STS", "eu-west-1", NULL, "https://sts.eu-west-1.amazonaws.com", "eu-west-1");
	expect("sts", "STS", "us-east-1", NULL, "https://sts.us-east-1.amazonaws.com", "us-east-1");
	expect("rds", "RDS", "us-west-2", NULL, "https://rds.us-west-2.amazonaws.com", "us-west-2");
	expect("elasticache", "ElastiCache", "cn-north-1", NULL,
	       "https://elasticache.cn-north-1.amazonaws.com.cn", "cn-north-1");
	expect("globalaccelerator", "Global Accelerator", "us-west-2", NULL,
	       "https://globalaccelerator.us-west-2.amazonaws.com", "us-west-2");
	expect("s3", "S3", "us-east-1", NULL, "https://s3.amazonaws.com", "us-east-1");
	expect("s3", "S3", "eu-west-1", NULL, "https://s3.eu-west-1.amazonaws.com", "eu-west-1");
	expect("ec2", "EC2", "us-iso-east-1", NULL, "https://ec2.us-iso-east-1.c2s.ic.gov", "us-iso-east-1");
	expect("ec2", "EC2", "us-isob-east-1", NULL, "https://ec2.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1");
}

static void test_global_services(void **state)
{
	(void)state;
	expect("route53", "Route 53", "eu-west-1", NULL, "https://route53.amazonaws.com", "us-east-1");
	expect("route53", "Route 53", "cn-north-1", NULL, "https://route53.amazonaws.com.cn", "cn-northwest-1");
	expect("route53", "Route 53", "us-gov-east-1", NULL, "https://route53.us-gov.amazonaws.com",
	       "us-gov-west-1");
	expect("iam", "IAM", "ap-southeast-2", NULL, "https://iam.amazonaws.com", "us-east-1");
	expect("iam", "IAM", "us-gov-east-1", NULL, "https://iam.us-gov.amazonaws.com", "us-gov-west-1");
	expect("cloudfront", "CloudFront", "eu-west-1", NULL, "https://cloudfront.amazonaws.com", "us-east-1");
}

static void test_overrides(void **state)
{
	(void)state;
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000", 1);
	expect("sts", "STS", "eu-west-1", NULL, "http://127.0.0.1:5000", "eu-west-1");
	/* A global service keeps its signing region behind an override. */
	expect("route53", "Route 53", "eu-west-1", NULL, "http://127.0.0.1:5000", "us-east-1");
	setenv("AWS_ENDPOINT_URL_ROUTE_53", "https://r53.example.com:8443/base/", 1);
	expect("route53", "Route 53", "eu-west-1", NULL, "https://r53.example.com:8443/base", "us-east-1");
	expect("sts", "STS", "eu-west-1", NULL, "http://127.0.0.1:5000", "eu-west-1");
	/* The per-run override wins over both. */
	expect("route53", "Route 53", "eu-west-1", "http://localhost:4566", "http://localhost:4566", "us-east-1");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	expect("route53", "Route 53", "eu-west-1", NULL, "https://route53.amazonaws.com", "us-east-1");
	expect("sts", "STS", "eu-west-1", "http://[::1]:9000", "http://[::1]:9000", "eu-west-1");
	clean_env(NULL);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("sts", NULL, NULL, "no region for 'sts': set AWS_REGION or pass -region");
	expect_error("sts", "US East", NULL, "invalid region 'US East': want a name like 'us-east-1'");
	expect_error("sts", "us-east-1", "http://moto.internal:5000",
		     "endpoint 'http://moto.internal:5000' (from the -endpoint-url override) uses plain "
		     "http; kdx allows http only for loopback hosts (127.0.0.1, localhost, [::1]); use https");
	/* names that merely start like loopback are not loopback */
	expect_error("sts", "us-east-1", "http://127.evil.io:5000",
		     "endpoint 'http://127.evil.io:5000' (from the -endpoint-url override) uses "
		     "plain http; kdx allows http only for loopback hosts (127.0.0.1, localhost, [::1]); "
		     "use https");
	expect_error("sts", "us-east-1", "http://localhost.evil.example",
		     "endpoint 'http://localhost.evil.example' (from the -endpoint-url override) uses "
		     "plain http; kdx allows http only for loopback hosts (127.0.0.1, localhost, [::1]); "
		     "use https");
	expect("sts", "STS", "eu-west-1", "http://127.8.9.10:9000", "http://127.8.9.10:9000",
	       "eu-west-1");
	expect_error("sts", "us-east-1", "ftp://x",
		     "endpoint 'ftp://x' (from the -endpoint-url override) is not an http(s) URL with a host");
	setenv("AWS_ENDPOINT_URL_STS", "127.0.0.1:5000", 1);
	expect_error("sts", "us-east-1", NULL,
		     "endpoint '127.0.0.1:5000' (from AWS_ENDPOINT_URL_STS) is not a URL: want https://host[:port]");
	clean_env(NULL);
}

static void test_env_name(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "Route 53", "ROUTE_53" },
		{ "Route53 Recovery Control Config", "ROUTE53_RECOVERY_CONTROL_CONFIG" },
		{ "ARC Region switch", "ARC_REGION_SWITCH" },
		{ "Global Accelerator", "GLOBAL_ACCELERATOR" },
		{ "elasticache", "ELASTICACHE" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = aws_endpoint_env_name(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
	assert_string_equal(aws_endpoint_dns_suffix("cn-northwest-1"), "amazonaws.com.cn");
	assert_string_equal(aws_endpoint_dns_suffix("us-gov-west-1"), "amazonaws.com");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, clean_env),
		cmocka_unit_test_setup(test_global_services, clean_env),
		cmocka_unit_test_setup(test_overrides, clean_env),
		cmocka_unit_test_setup(test_errors, clean_env),
		cmocka_unit_test(test_env_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
