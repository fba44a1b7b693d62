/* Unit tests for executor/aws/proto*: response parsing and error decoding for each protocol
 * over real moto responses (tests/aws/fixtures, see capture_fixtures.py), serialisation
 * details, XML safety and timestamps. Serialisation is also compared with botocore for
 * many operations by tests/e2e/t0400-aws-serialize.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "common/value.h"
#include "executor/aws/client.h"
#include "executor/aws/model.h"
#include "executor/aws/proto.h"

/* A fixture: "HTTP <status>", header lines, a blank line, the body. */
static void load_fixture(const char *name, aws_response *r)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/aws/fixtures/%s.http", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (tests run from the repository root)", path);
	strbuf all = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&all, buf, n);
	fclose(f);
	aws_response_init(r);
	char *p = all.buf, *nl = strchr(p, '\n');
	r->status = strtol(p + 5, NULL, 10);
	for (p = nl + 1; (nl = strchr(p, '\n')) && nl != p; p = nl + 1) {
		char *colon = strchr(p, ':');
		assert_non_null(colon);
		char *name_ = strndup(p, (size_t)(colon - p)), *val = strndup(colon + 2, (size_t)(nl - colon - 2));
		r->headers = realloc(r->headers, sizeof(*r->headers) * (r->nheaders + 1));
		r->headers[r->nheaders].name = name_;
		r->headers[r->nheaders].value = val;
		r->nheaders++;
		r->aheaders = r->nheaders;
	}
	p = nl + 1;
	strbuf_add(&r->body, p, all.len - (size_t)(p - all.buf));
	strbuf_release(&all);
}

static aws_model *load(const char *service)
{
	aws_model *m = NULL;
	strbuf err = STRBUF_INIT;
	if (aws_model_load(service, &m, &err) < 0)
		fail_msg("%s", err.buf);
	strbuf_release(&err);
	return m;
}

/* Parse a fixture and return its JSON form; asserts success. */
static char *parse(const char *service, const char *op, const char *fixture)
{
	aws_model *m = load(service);
	aws_response r;
	kdx_arena a;
	kdx_value *v;
	strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	kdx_arena_init(&a);
	load_fixture(fixture, &r);
	if (aws_proto_parse(m, op, &r, &a, &v, &err) < 0)
		fail_msg("%s", err.buf);
	kdx_value_to_json(&out, v);
	kdx_arena_release(&a);
	aws_response_release(&r);
	strbuf_release(&err);
	aws_model_free(m);
	return strbuf_detach(&out, NULL);
}

#define assert_has(hay, needle)                                                    \
	do {                                                                       \
		if (!strstr((hay), (needle)))                                      \
			fail_msg("'%s' not in %s", (needle), (hay));               \
	} while (0)

static void test_parse_query(void **state)
{
	(void)state;
	char *j = parse("sns", "ListTopics", "query-sns-list-topics");
	assert_string_equal(j, "{\"Topics\":[{\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:alerts\"}]}");
	free(j);
	/* a map (Attributes: entry/key/value) */
	j = parse("sns", "GetTopicAttributes", "query-sns-get-topic-attributes");
	assert_has(j, "\"Attributes\":{");
	assert_has(j, "\"DisplayName\":\"\"");
	assert_has(j, "\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:alerts\"");
	free(j);
	/* numbers and booleans typed, nested lists */
	j = parse("rds", "DescribeDBClusters", "query-rds-describe-db-clusters");
	assert_has(j, "{\"DBClusters\":[{");
	assert_has(j, "\"DBClusterIdentifier\":\"kdx-db\"");
	assert_has(j, "\"Engine\":\"aurora-postgresql\"");
	assert_has(j, "\"Port\":5432");
	assert_has(j, "\"MultiAZ\":false");
	free(j);
	j = parse("sts", "GetCallerIdentity", "query-sts-get-caller-identity");
	assert_has(j, "\"Account\":\"123456789012\"");
	free(j);
}

static void test_parse_ec2(void **state)
{
	(void)state;
	char *j = parse("ec2", "DescribeRegions", "ec2-describe-regions");
	assert_has(j, "{\"Regions\":[{");
	assert_has(j, "\"RegionName\":\"us-east-1\"");
	assert_has(j, "\"RegionName\":\"us-west-2\"");
	free(j);
}

static void test_parse_rest_xml(void **state)
{
	(void)state;
	char *j = parse("route53", "ListResourceRecordSets", "restxml-route53-list-rrsets");
	assert_has(j, "{\"Name\":\"api.example.com.\",\"Type\":\"A\",\"SetIdentifier\":"
		      "\"us-east-1\",\"Weight\":70,\"TTL\":60,\"ResourceRecords\":[{\"Value\":"
		      "\"10.0.0.1\"}]}");
	assert_has(j, "\"Weight\":30");
	assert_has(j, "\"IsTruncated\":false");
	free(j);
	/* flattened list (Contents) and header members are absent for this op */
	j = parse("s3", "ListObjectsV2", "restxml-s3-list-objects-v2");
	assert_has(j, "\"Contents\":[{\"Key\":\"a.txt\"");
	assert_has(j, "\"Size\":5");
	assert_has(j, "\"Name\":\"kdx-fixtures\"");
	assert_has(j, "\"KeyCount\":1");
	free(j);
}

static void test_parse_json(void **state)
{
	(void)state;
	char *j = parse("dynamodb", "DescribeTable", "json-dynamodb-describe-table");
	assert_has(j, "\"TableName\":\"kdx\"");
	assert_has(j, "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}]");
	/* epoch-second timestamps become ISO 8601 strings */
	assert_has(j, "\"CreationDateTime\":\"20");
	free(j);
	j = parse("cloudwatch", "DescribeAlarms", "json-cloudwatch-describe-alarms");
	assert_has(j, "\"AlarmName\":\"lag\"");
	assert_has(j, "\"Threshold\":300");
	assert_has(j, "\"EvaluationPeriods\":3");
	free(j);
}

static void test_parse_rest_json(void **state)
{
	(void)state;
	char *j = parse("eks", "DescribeCluster", "restjson-eks-describe-cluster");
	assert_has(j, "{\"cluster\":{\"name\":\"prod\"");
	assert_has(j, "\"tags\":{\"env\":\"prod\"}");
	free(j);
}

static void decode(const char *service, const char *fixture, const char *code, const char *msg,
		   const char *rid_prefix)
{
	aws_model *m = load(service);
	aws_response r;
	aws_error e;
	load_fixture(fixture, &r);
	memset(&e, 0, sizeof(e));
	aws_proto_decode_error(m, &r, &e);
	assert_string_equal(e.code, code);
	if (msg)
		assert_string_equal(e.message, msg);
	/* the body's request id, else the header's (moto sends both, the same) */
	const char *rid = rid_prefix ? rid_prefix : aws_response_get_header(&r, "x-amzn-RequestId");
	assert_non_null(e.request_id);
	assert_string_equal(e.request_id, rid);
	assert_int_equal(e.http_status, r.status);
	free(e.code);
	free(e.message);
	free(e.request_id);
	aws_response_release(&r);
	aws_model_free(m);
}

static void test_errors(void **state)
{
	(void)state;
	decode("sns", "query-sns-error", "NotFound", "Topic does not exist", NULL);
	decode("rds", "query-rds-error", "DBClusterNotFoundFault", "DBCluster missing not found.", NULL);
	decode("ec2", "ec2-error", "InvalidInstanceID.NotFound",
	       "The instance ID 'i-0123456789abcdef0' does not exist", "request-id");
	decode("route53", "restxml-route53-error", "InvalidInput", NULL, NULL);
	decode("s3", "restxml-s3-error", "NoSuchKey", "The specified key does not exist.", NULL);
	/* namespace prefix of __type / x-amzn-ErrorType stripped */
	decode("dynamodb", "json-dynamodb-error", "ResourceNotFoundException",
	       "Requested resource not found: Table: nope not found", NULL);
	/* awsQueryCompatible: the query error code from x-amzn-query-error */
	decode("cloudwatch", "json-cloudwatch-error", "ResourceNotFound", NULL, NULL);
	decode("eks", "restjson-eks-error", "ResourceNotFoundException",
	       "No cluster found for name: nope.", NULL);

	/* moto answers auth failures of a rest-json service in XML (captured with
	 * INITIAL_NO_AUTH_ACTION_COUNT on): decoded all the same */
	decode("eks", "restjson-eks-auth-error-xml", "SignatureDoesNotMatch", NULL, NULL);

	/* no body at all: the status names the error */
	aws_model *m = load("s3");
	aws_response r;
	aws_error e;
	aws_response_init(&r);
	memset(&e, 0, sizeof(e));
	r.status = 503;
	aws_proto_decode_error(m, &r, &e);
	assert_string_equal(e.code, "ServiceUnavailable");
	assert_null(e.request_id);
	free(e.code);
	aws_model_free(m);
}

static void test_xml_no_external_entities(void **state)
{
	(void)state;
	aws_model *m = load("sts");
	aws_response r;
	kdx_arena a;
	kdx_value *v;
	strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	aws_response_init(&r);
	kdx_arena_init(&a);
	r.status = 200;
	strbuf_addstr(&r.body,
		"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
		"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>&x;</Account>"
		"<Arn>arn</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>");
	assert_int_equal(aws_proto_parse(m, "GetCallerIdentity", &r, &a, &v, &err), -1);
	assert_has(err.buf, "sts GetCallerIdentity: response XML declares a DTD; refused");
	/* the same with an internal entity ("billion laughs" starts like this) */
	strbuf_reset(&r.body);
	strbuf_reset(&err);
	strbuf_addstr(&r.body,
		"<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
		"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>&b;</Account>"
		"</GetCallerIdentityResult></GetCallerIdentityResponse>");
	assert_int_equal(aws_proto_parse(m, "GetCallerIdentity", &r, &a, &v, &err), -1);
	assert_has(err.buf, "DTD");
	/* without a DTD, parsing works */
	strbuf_reset(&r.body);
	strbuf_addstr(&r.body, "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1"
		"</Account><Arn>arn</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>");
	assert_int_equal(aws_proto_parse(m, "GetCallerIdentity", &r, &a, &v, &err), 0);
	kdx_value_to_json(&out, v);
	assert_string_equal(out.buf, "{\"Account\":\"1\",\"Arn\":\"arn\"}");
	strbuf_reset(&r.body);
	strbuf_addstr(&r.body, "<not xml");
	assert_int_equal(aws_proto_parse(m, "GetCallerIdentity", &r, &a, &v, &err), -1);
	assert_has(err.buf, "sts GetCallerIdentity: response is not valid XML");
	strbuf_release(&err);
	strbuf_release(&out);
	kdx_arena_release(&a);
	aws_response_release(&r);
	aws_model_free(m);
}

static void serialize(const char *service, const char *op, const char *json, aws_request *req)
{
	aws_model *m = load(service);
	kdx_arena a;
	strbuf err = STRBUF_INIT;
	kdx_arena_init(&a);
	kdx_value *v = kdx_value_from_json(&a, json, strlen(json), &err);
	assert_non_null(v);
	aws_request_init(req);
	if (aws_proto_serialize(m, op, v, "us-west-2", req, &err) < 0)
		fail_msg("%s", err.buf);
	strbuf_release(&err);
	kdx_arena_release(&a);
	aws_model_free(m);
}

static void test_serialize(void **state)
{
	(void)state;
	aws_request r;
	serialize("rds", "DescribeDBClusters",
		  "{\"Filters\":[{\"Name\":\"engine\",\"Values\":[\"a b\",\"c\"]}]}", &r);
	assert_string_equal(r.method, "POST");
	assert_string_equal(r.body.buf, "Action=DescribeDBClusters&Version=2014-10-31"
		"&Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=a+b"
		"&Filters.Filter.1.Values.Value.2=c");
	assert_string_equal(r.service, "rds");
	assert_string_equal(r.region, "us-west-2");
	aws_request_release(&r);

	serialize("ec2", "DescribeInstances",
		  "{\"Filters\":[{\"Name\":\"tag:env\",\"Values\":[\"prod\"]}],\"DryRun\":true}", &r);
	assert_string_equal(r.body.buf, "Action=DescribeInstances&Version=2016-11-15"
		"&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=prod&DryRun=true");
	aws_request_release(&r);

	serialize("dynamodb", "GetItem", "{\"TableName\":\"t\",\"Key\":{\"pk\":{\"S\":\"a\"}}}", &r);
	assert_string_equal(aws_request_get_header(&r, "X-Amz-Target"), "DynamoDB_20120810.GetItem");
	assert_string_equal(aws_request_get_header(&r, "Content-Type"), "application/x-amz-json-1.0");
	assert_string_equal(r.body.buf, "{\"TableName\":\"t\",\"Key\":{\"pk\":{\"S\":\"a\"}}}");
	aws_request_release(&r);

	/* Route 53 ids lose their "/hostedzone/" prefix; labels are encoded */
	serialize("route53", "ListResourceRecordSets",
		  "{\"HostedZoneId\":\"/hostedzone/Z1\",\"StartRecordName\":\"a b.\"}", &r);
	assert_string_equal(r.path, "/2013-04-01/hostedzone/Z1/rrset");
	assert_string_equal(r.query, "name=a%20b.");
	assert_int_equal(r.body.len, 0);
	aws_request_release(&r);

	/* greedy label keeps '/', query template first */
	serialize("s3", "GetObject", "{\"Bucket\":\"b\",\"Key\":\"d/e f\",\"PartNumber\":2}", &r);
	assert_string_equal(r.path, "/b/d/e%20f");
	assert_string_equal(r.query, "partNumber=2");
	aws_request_release(&r);

	/* idempotency token filled with a UUID v4 */
	serialize("fis", "StartExperiment", "{\"experimentTemplateId\":\"E\"}", &r);
	const char *tok = strstr(r.body.buf, "\"clientToken\":\"");
	assert_non_null(tok);
	tok += 15;
	assert_int_equal(strspn(tok, "0123456789abcdef-"), 36);
	assert_int_equal(tok[14], '4');
	assert_string_equal(aws_request_get_header(&r, "Content-Type"), "application/json");
	aws_request_release(&r);
}

static void test_checksums(void **state)
{
	(void)state;
	aws_request r;
	/* check values of the CRC-32 and CRC-32C standards for "123456789" */
	serialize("s3", "PutObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"Body\":\"123456789\","
		  "\"ChecksumAlgorithm\":\"CRC32\"}", &r);
	assert_string_equal(aws_request_get_header(&r, "x-amz-checksum-crc32"), "y/Q5Jg==");
	assert_string_equal(aws_request_get_header(&r, "x-amz-sdk-checksum-algorithm"), "CRC32");
	aws_request_release(&r);
	serialize("s3", "PutObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"Body\":\"123456789\","
		  "\"ChecksumAlgorithm\":\"CRC32C\"}", &r);
	assert_string_equal(aws_request_get_header(&r, "x-amz-checksum-crc32c"), "4waSgw==");
	aws_request_release(&r);
	serialize("s3", "PutObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"Body\":\"123456789\","
		  "\"ChecksumAlgorithm\":\"SHA256\"}", &r);
	assert_string_equal(aws_request_get_header(&r, "x-amz-checksum-sha256"),
			    "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=");
	aws_request_release(&r);
	/* not required and not asked for: none */
	serialize("s3", "PutObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"Body\":\"x\"}", &r);
	assert_null(aws_request_get_header(&r, "Content-MD5"));
	aws_request_release(&r);
	/* required (DeleteObjects): Content-MD5 of the body */
	serialize("s3", "DeleteObjects", "{\"Bucket\":\"b\",\"Delete\":{\"Objects\":[{\"Key\":\"a\"}]}}", &r);
	assert_string_equal(aws_request_get_header(&r, "Content-MD5"), "JuqpggSF4mbwhmPoLCy7DQ==");
	aws_request_release(&r);
}

static void test_timestamps(void **state)
{
	(void)state;
	int64_t s;
	int us;
	assert_int_equal(aws_timestamp_parse("2026-11-26T10:00:00Z", &s, &us), 0);
	assert_int_equal(s, 1795687200);
	assert_int_equal(aws_timestamp_parse("2026-11-26T12:00:00.5+02:00", &s, &us), 0);
	assert_int_equal(s, 1795687200);
	assert_int_equal(us, 500000);
	assert_int_equal(aws_timestamp_parse("1795687200", &s, &us), 0);
	assert_int_equal(s, 1795687200);
	assert_int_equal(aws_timestamp_parse("2026-13-01T00:00:00Z", &s, &us), -1);
	assert_int_equal(aws_timestamp_parse("soon", &s, &us), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_query),
		cmocka_unit_test(test_parse_ec2),
		cmocka_unit_test(test_parse_rest_xml),
		cmocka_unit_test(test_parse_json),
		cmocka_unit_test(test_parse_rest_json),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_xml_no_external_entities),
		cmocka_unit_test(test_serialize),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_timestamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
