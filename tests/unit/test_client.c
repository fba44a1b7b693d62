/* Unit tests for executor/aws/client: the default error decoder (JSON, XML, headers, no
 * entity expansion), error formatting, endpoint resolution into a request, and the send
 * path's failures on the loopback interface (refused connections are retried, then named). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xalloc.h"
#include "executor/aws/client.h"
#include "aws_fixture.h"

static void decode(long status, const char *body, const char *hname, const char *hval,
		   aws_error *e)
{
	aws_response r;
	aws_response_init(&r);
	r.status = status;
	strbuf_addstr(&r.body, body);
	if (hname) {
		r.headers = xcalloc(1, sizeof(aws_header));
		r.aheaders = r.nheaders = 1;
		r.headers[0].name = xstrdup(hname);
		r.headers[0].value = xstrdup(hval);
	}
	aws_error_init(e);
	aws_error_decode_default(NULL, &r, e);
	aws_response_release(&r);
}

static void test_decode_json(void **state)
{
	(void)state;
	aws_error e;
	decode(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
		    "\"message\":\"Requested resource not found\"}",
	       "x-amzn-RequestId", "RID1", &e);
	assert_string_equal(e.code, "ResourceNotFoundException");
	assert_string_equal(e.message, "Requested resource not found");
	assert_string_equal(e.request_id, "RID1");
	aws_error_release(&e);

	decode(400, "{\"code\":\"ValidationException\",\"Message\":\"bad\"}", NULL, NULL, &e);
	assert_string_equal(e.code, "ValidationException");
	assert_string_equal(e.message, "bad");
	aws_error_release(&e);

	/* rest-json puts the code in a header. */
	decode(400, "{\"message\":\"m\"}", "x-amzn-ErrorType",
	       "ConflictException:http://internal.amazon.com/coral/", &e);
	assert_string_equal(e.code, "ConflictException");
	aws_error_release(&e);
}

static void test_decode_xml(void **state)
{
	(void)state;
	aws_error e;
	decode(400, "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
		    "<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
		    "<RequestId>abc-123</RequestId></ErrorResponse>",
	       NULL, NULL, &e);
	assert_string_equal(e.code, "Throttling");
	assert_string_equal(e.message, "Rate exceeded");
	assert_string_equal(e.request_id, "abc-123");
	aws_error_release(&e);

	decode(404, "<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code><Message>gone</Message>"
		    "<RequestId>R2</RequestId></Error>",
	       "x-amz-request-id", "R3", &e);
	assert_string_equal(e.code, "NoSuchKey");
	assert_string_equal(e.request_id, "R2");
	aws_error_release(&e);

	/* An external entity is neither fetched nor expanded into the message. */
	decode(400, "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		    "<Error><Code>Bad</Code><Message>&x;</Message></Error>",
	       NULL, NULL, &e);
	assert_string_equal(e.code, "Bad");
	assert_true(!e.message || !strstr(e.message, "root:"));
	aws_error_release(&e);

	decode(503, "", NULL, NULL, &e);
	assert_string_equal(e.code, "HTTP503");
	aws_error_release(&e);
	decode(502, "<html>bad gateway</html>", NULL, NULL, &e);
	assert_string_equal(e.code, "HTTP502");
	aws_error_release(&e);
}

static void test_format(void **state)
{
	(void)state;
	aws_error e = { .code = "Throttling", .message = "Rate exceeded", .request_id = "r1",
			.http_status = 400, .attempts = 3 };
	strbuf sb = STRBUF_INIT;
	aws_error_format(&sb, &e);
	assert_string_equal(sb.buf, "Throttling: Rate exceeded (HTTP 400, request id r1, 3 attempts)");
	strbuf_reset(&sb);
	aws_error f = { .code = "ConnectionError", .message = "refused", .attempts = 1 };
	aws_error_format(&sb, &f);
	assert_string_equal(sb.buf, "ConnectionError: refused");
	strbuf_release(&sb);
}

static void test_resolve(void **state)
{
	(void)state;
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_ROUTE_53");
	aws_client *c = fixture_client(NULL, 3);
	assert_string_equal(aws_client_region(c), "eu-west-1");
	assert_string_equal(aws_client_credentials(c)->access_key_id, "AKIDEXAMPLE");
	aws_request r;
	aws_request_init(&r);
	r.path = xstrdup("/2013-04-01/hostedzone");
	strbuf err = STRBUF_INIT;
	assert_int_equal(aws_client_resolve(c, &r, "route53", "route53", "Route 53", NULL, &err), 0);
	assert_string_equal(r.host, "route53.amazonaws.com");
	assert_string_equal(r.region, "us-east-1");
	assert_string_equal(r.service, "route53");
	assert_string_equal(r.path, "/2013-04-01/hostedzone");
	aws_request_release(&r);
	aws_client_free(c);

	c = fixture_client("http://127.0.0.1:4566/base/", 3);
	aws_request_init(&r);
	r.path = xstrdup("/x");
	assert_int_equal(aws_client_resolve(c, &r, "sts", "sts", "STS", "us-west-2", &err), 0);
	assert_string_equal(r.scheme, "http");
	assert_string_equal(r.host, "127.0.0.1:4566");
	assert_string_equal(r.path, "/base/x");
	assert_string_equal(r.region, "us-west-2");
	aws_request_release(&r);

	/* A model's endpointPrefix must be DNS labels: it becomes part of a host name. */
	const char *bad[] = { "evil.com/", "x@evil.com", "a#b", "", ".sts", "sts.", "a..b", "-a",
			      "a-", "STS", "s ts" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		aws_request_init(&r);
		strbuf_reset(&err);
		assert_int_equal(aws_client_resolve(c, &r, bad[i], "sts", "STS", NULL, &err), -1);
		assert_non_null(strstr(err.buf, "is not a DNS name"));
		assert_null(r.host);
		aws_request_release(&r);
	}
	aws_request_init(&r);
	strbuf_reset(&err);
	assert_int_equal(aws_client_resolve(c, &r, "runtime.lambda", "lambda", "Lambda", NULL, &err), 0);
	aws_request_release(&r);

	/* Submitting a request that was never resolved is a caller error, not a crash. */
	aws_request_init(&r);
	strbuf_reset(&err);
	assert_int_equal(aws_client_submit(c, &r, NULL, NULL, NULL, &err), -1);
	assert_string_equal(err.buf, "cannot send a request that has no endpoint: resolve it first");
	aws_request_release(&r);
	aws_client_free(c);
	strbuf_release(&err);
}

static void make_sts(aws_request *r, const char *scheme, const char *host)
{
	aws_request_init(r);
	r->method = xstrdup("POST");
	r->scheme = xstrdup(scheme);
	r->host = xstrdup(host);
	r->path = xstrdup("/");
	r->service = xstrdup("sts");
	r->region = xstrdup("us-east-1");
	strbuf_addstr(&r->body, "Action=GetCallerIdentity&Version=2011-06-15");
}

static void test_send_failures(void **state)
{
	(void)state;
	aws_client *c = fixture_client(NULL, 2);
	aws_request r;
	aws_response resp;
	aws_error e;
	aws_response_init(&resp);
	aws_error_init(&e);
	strbuf err = STRBUF_INIT;

	/* Plain http to a non-loopback host is refused before anything is sent. */
	make_sts(&r, "http", "sts.amazonaws.com");
	assert_int_equal(aws_client_send(c, &r, NULL, &resp, &e, &err), -1);
	assert_non_null(strstr(err.buf, "request URL 'http://sts.amazonaws.com/' uses plain http"));
	assert_int_equal(e.attempts, 1);
	aws_request_release(&r);

	/* Names that only look like loopback are not: anyone can point them anywhere. */
	const char *lookalike[] = { "localhost.example.com", "127.example.com", "127.0.0.1.nip.io",
				    "localhostx:5000", "[::1]x", "128.0.0.1:5000" };
	for (size_t i = 0; i < sizeof(lookalike) / sizeof(*lookalike); i++) {
		make_sts(&r, "http", lookalike[i]);
		strbuf_reset(&err);
		assert_int_equal(aws_client_send(c, &r, NULL, &resp, &e, &err), -1);
		if (!strstr(err.buf, "uses plain http") && !strstr(err.buf, "is not a URL"))
			fail_msg("%s: %s", lookalike[i], err.buf);
		aws_request_release(&r);
	}

	/* Port 1 on loopback refuses: a connection error, retried, then reported. */
	make_sts(&r, "http", "127.0.0.1:1");
	strbuf_reset(&err);
	int quota = aws_client_retry_quota(c);
	assert_int_equal(aws_client_send(c, &r, NULL, &resp, &e, &err), -1);
	assert_string_equal(e.code, "ConnectionError");
	assert_int_equal(e.attempts, 2);
	assert_int_equal(aws_client_last_attempts(c), 2);
	assert_int_equal(e.http_status, 0);
	assert_int_equal(aws_client_retry_quota(c), quota - 5);
	assert_non_null(strstr(err.buf, "'sts' request to '127.0.0.1:1' failed: ConnectionError: "));
	assert_non_null(strstr(err.buf, "2 attempts)"));
	assert_null(strstr(err.buf, "secret"));
	/* The request was signed: the signature never carries the secret. */
	assert_non_null(aws_request_get_header(&r, "authorization"));
	aws_request_release(&r);
	aws_error_release(&e);
	aws_response_release(&resp);

	/* Freeing a client with calls in flight releases them (ASan/valgrind check). */
	make_sts(&r, "http", "127.0.0.1:1");
	assert_int_equal(aws_client_submit(c, &r, NULL, NULL, NULL, &err), 0);
	aws_client_free(c);
	aws_request_release(&r);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_json),
		cmocka_unit_test(test_decode_xml),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_send_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
