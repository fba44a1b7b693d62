/* Unit tests for executor/aws/endpoints: default URLs per partition, global services and
 * their signing region, FIPS and dual-stack from the environment and the profile, and the
 * override order (per run > per service env > global env). The expected URLs are the ones
 * botocore resolves for the same inputs (the rule sets themselves: test_aws_rules.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor/aws/endpoints.h"

static int clean_env(void **state)
{
	(void)state;
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_ROUTE_53");
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
	unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
	unsetenv("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT");
	unsetenv("AWS_PROFILE");
	setenv("AWS_CONFIG_FILE", "/nonexistent/kdx-test-config", 1);
	return 0;
}

static void expect(const char *prefix, const char *id, const char *region, const char *override,
		   const char *url, const char *sign_region)
{
	aws_endpoint e;
	strbuf err = STRBUF_INIT, got = STRBUF_INIT;
	aws_endpoint_query q = { prefix, id, region, override, NULL };
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
	aws_endpoint_query q = { prefix, NULL, region, override, NULL };
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
}

static void test_fips_dualstack(void **state)
{
	(void)state;
	setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
	expect("sts", "STS", "us-west-2", NULL, "https://sts-fips.us-west-2.amazonaws.com", "us-west-2");
	expect("rds", "RDS", "us-east-1", NULL, "https://rds-fips.us-east-1.amazonaws.com", "us-east-1");
	/* GovCloud's regular RDS endpoint is its FIPS one: the rule set says so */
	expect("rds", "RDS", "us-gov-west-1", NULL, "https://rds.us-gov-west-1.amazonaws.com",
	       "us-gov-west-1");
	expect("route53", "Route 53", "eu-west-1", NULL, "https://route53-fips.amazonaws.com",
	       "us-east-1");
	/* FIPS with a configured endpoint is the rule set's error, as in every SDK */
	expect_error("sts", "us-east-1", "http://127.0.0.1:5000",
		     "Invalid Configuration: FIPS and custom endpoint are not supported "
		     "(endpoint of 'sts' in 'us-east-1', FIPS, configured endpoint)");
	unsetenv("AWS_USE_FIPS_ENDPOINT");
	setenv("AWS_USE_DUALSTACK_ENDPOINT", "true", 1);
	expect("ec2", "EC2", "eu-west-1", NULL, "https://ec2.eu-west-1.api.aws", "eu-west-1");
	expect("s3", "S3", "eu-west-1", NULL, "https://s3.dualstack.eu-west-1.amazonaws.com",
	       "eu-west-1");
	unsetenv("AWS_USE_DUALSTACK_ENDPOINT");
	/* the same from the profile's config section */
	char path[] = "/tmp/kdx-endpoints-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char cfg[] = "[profile fips]\nuse_fips_endpoint = true\n"
			   "[default]\nuse_dualstack_endpoint = true\nsts_regional_endpoints = legacy\n";
	assert_int_equal(write(fd, cfg, sizeof(cfg) - 1), (ssize_t)(sizeof(cfg) - 1));
	close(fd);
	setenv("AWS_CONFIG_FILE", path, 1);
	aws_endpoint_config c;
	aws_endpoint_config_load(&c, "fips");
	assert_true(c.use_fips && !c.use_dualstack && !c.sts_global && c.s3_global);
	aws_endpoint_config_load(&c, NULL);
	assert_true(!c.use_fips && c.use_dualstack && c.sts_global);
	/* the environment wins over the profile */
	setenv("AWS_USE_DUALSTACK_ENDPOINT", "false", 1);
	aws_endpoint_config_load(&c, NULL);
	assert_false(c.use_dualstack);
	unlink(path);
	clean_env(NULL);
}

static void test_sts_s3_global(void **state)
{
	(void)state;
	setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy", 1);
	expect("sts", "STS", "us-east-1", NULL, "https://sts.amazonaws.com", "us-east-1");
	expect("sts", "STS", "eu-west-1", NULL, "https://sts.amazonaws.com", "us-east-1");
	setenv("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional", 1);
	expect("s3", "S3", "us-east-1", NULL, "https://s3.us-east-1.amazonaws.com", "us-east-1");
	clean_env(NULL);
}

/* A model kdx has no rule set for ($KDX_AWS_MODELS) gets the rule sets' common default. */
static void test_no_ruleset(void **state)
{
	(void)state;
	expect("kafka", "Kafka", "eu-west-1", NULL, "https://kafka.eu-west-1.amazonaws.com", "eu-west-1");
	expect("kafka", "Kafka", "cn-north-1", NULL, "https://kafka.cn-north-1.amazonaws.com.cn",
	       "cn-north-1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, clean_env),
		cmocka_unit_test_setup(test_global_services, clean_env),
		cmocka_unit_test_setup(test_overrides, clean_env),
		cmocka_unit_test_setup(test_errors, clean_env),
		cmocka_unit_test(test_env_name),
		cmocka_unit_test_setup(test_fips_dualstack, clean_env),
		cmocka_unit_test_setup(test_sts_s3_global, clean_env),
		cmocka_unit_test_setup(test_no_ruleset, clean_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
