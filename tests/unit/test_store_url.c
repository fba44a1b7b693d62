/* Unit tests for common/store_url: the URLs of the run stores and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/store_url.h"

static void roundtrip(const char *text, kdx_store_kind kind, const char *canon)
{
	kdx_store_url u;
	strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	assert_int_equal(kdx_store_url_parse(&u, text, &err), 0);
	assert_int_equal(u.kind, kind);
	kdx_store_url_format(&out, &u);
	assert_string_equal(out.buf, canon);
	kdx_store_url_release(&u);
	strbuf_release(&err);
	strbuf_release(&out);
}

static void bad(const char *text, const char *want)
{
	kdx_store_url u;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_store_url_parse(&u, text, &err), -1);
	if (!strstr(err.buf, want))
		fail_msg("'%s': '%s' not in '%s'", text, want, err.buf);
	assert_null(u.bucket);
	assert_null(u.region);
	strbuf_release(&err);
}

static void test_kinds(void **state)
{
	(void)state;
	roundtrip("file:///var/lib/kdx", KDX_STORE_FILE, "file:///var/lib/kdx");
	roundtrip(".kdx", KDX_STORE_FILE, "file://.kdx");
	roundtrip("s3://kdx-state", KDX_STORE_S3, "s3://kdx-state/");
	roundtrip("s3://kdx-state/runs/prod?region=us-east-2", KDX_STORE_S3,
		  "s3://kdx-state/runs/prod/?region=us-east-2");
	roundtrip("dynamodb://kdx_runs?region=us-east-2&replicas=us-west-2,eu-central-1",
		  KDX_STORE_DYNAMODB, "dynamodb://kdx_runs?region=us-east-2&replicas=us-west-2,eu-central-1");
}

static void test_parts(void **state)
{
	(void)state;
	kdx_store_url u;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_store_url_parse(&u, "s3://b.example-1//a/b/?region=us-gov-west-1", &err), 0);
	assert_string_equal(u.bucket, "b.example-1");
	assert_string_equal(u.prefix, "a/b/");
	assert_string_equal(u.region, "us-gov-west-1");
	kdx_store_url_release(&u);
	assert_int_equal(kdx_store_url_parse(&u, "dynamodb://t12?replicas=eu-west-1", &err), 0);
	assert_null(u.region);
	assert_int_equal(u.nreplicas, 1);
	assert_string_equal(u.replicas[0], "eu-west-1");
	kdx_store_url_release(&u);
	strbuf_release(&err);
}

static void test_errors(void **state)
{
	(void)state;
	bad("", "is empty");
	bad("gs://b/p", "unknown kind of store 'gs'");
	bad("s3://Bad_Bucket/p", "is not an S3 bucket name");
	bad("s3://ab", "is not an S3 bucket name");
	bad("s3://bucket/a b", "the prefix 'a b'");
	bad("s3://bucket/p?region=mars", "'mars' is not a region");
	bad("s3://bucket/p?replicas=us-east-1", "unknown parameter 'replicas'");
	bad("dynamodb://t", "is not a DynamoDB table name");
	bad("dynamodb://table?replicas=us-east-1,nope", "replica 'nope' is not a region");
	bad("file://", "names no directory");
}

static void test_regions(void **state)
{
	(void)state;
	assert_true(kdx_store_region_valid("us-east-1"));
	assert_true(kdx_store_region_valid("ap-southeast-5"));
	assert_true(kdx_store_region_valid("us-gov-west-1"));
	assert_false(kdx_store_region_valid("us-east"));
	assert_false(kdx_store_region_valid("US-EAST-1"));
	assert_false(kdx_store_region_valid("us--1"));
	assert_false(kdx_store_region_valid(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_regions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
