/* Unit tests for executor/aws/call (aws_call_run): the order of the one AWS call path
 * (input errors before the client is asked for, the hooks seeing a resolved request) and the
 * failure classes callers branch on -- a refused conditional write (S3 PreconditionFailed,
 * DynamoDB ConditionalCheckFailedException) is a service answer with its code, never mixed up
 * with a request that was not sent, a connection that got no answer, or an unparsable body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "executor/aws/call.h"
#include "aws_fixture.h"

typedef struct probe {
	int clients, before, after;   /* how often each hook ran */
	int after_rc;
	long answer_status;           /* before_send answers with this... */
	const char *answer_body;      /* ...and this body; NULL: it returns `next` */
	int next;
	char *host;                   /* the request's host as before_send saw it */
	aws_client *client;           /* what the client hook hands out */
} probe;

static aws_client *hook_client(void *ud, strbuf *err)
{
	probe *p = ud;
	p->clients++;
	if (!p->client)
		strbuf_addstr(err, "no credentials here");
	return p->client;
}

static int hook_before(void *ud, aws_request *req, aws_response *resp, strbuf *err)
{
	(void)err;
	probe *p = ud;
	p->before++;
	free(p->host);
	p->host = req->host ? xstrdup(req->host) : NULL;
	if (!p->answer_body)
		return p->next;
	resp->status = p->answer_status;
	strbuf_addstr(&resp->body, p->answer_body);
	return AWS_CALL_ANSWERED;
}

static void hook_after(void *ud, const aws_request *req, int rc, const aws_response *resp,
		       const aws_error *e)
{
	(void)req, (void)resp, (void)e;
	probe *p = ud;
	p->after++;
	p->after_rc = rc;
}

static const aws_call_hooks hooks = { hook_client, hook_before, hook_after };

/* What every test uses, set up fresh and released after it. */
typedef struct fx {
	kdx_arena a;
	aws_error e;
	strbuf err;
	kdx_value *out;
	probe p;
} fx;

static int fx_setup(void **state)
{
	fx *f = xcalloc(1, sizeof(*f));
	kdx_arena_init(&f->a);
	aws_error_init(&f->e);
	strbuf_init(&f->err);
	f->p.next = AWS_CALL_SEND;
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	fx *f = *state;
	free(f->p.host);
	strbuf_release(&f->err);
	aws_error_release(&f->e);
	kdx_arena_release(&f->a);
	free(f);
	return 0;
}

/* Run op of m with input (JSON, or NULL) through the hooks; err is reset first. */
static int run(fx *f, aws_client *c, const aws_model *m, const char *op, const char *input)
{
	kdx_value *in = NULL;
	strbuf_reset(&f->err);
	if (input && !(in = kdx_value_from_json(&f->a, input, strlen(input), &f->err)))
		fail_msg("bad test input: %s", f->err.buf);
	aws_call call = { .model = m, .operation = op, .input = in, .region = "eu-west-1",
			  .hooks = &hooks, .ud = &f->p };
	return aws_call_run(c, &call, &f->a, &f->out, &f->e, &f->err);
}

static void test_request_errors_first(void **state)
{
	fx *f = *state;
	aws_model *s3 = fixture_model("s3");
	f->out = (kdx_value *)&f->a; /* must be reset */

	/* A missing Bucket is reported before the client is asked for (no credentials needed
	 * to learn the input is wrong) and nothing is sent. */
	assert_int_equal(run(f, NULL, s3, "PutObject", "{\"Key\":\"k\"}"), AWS_CALL_REQUEST);
	assert_non_null(strstr(f->err.buf, "missing required parameter 'Bucket'"));
	assert_null(f->out);
	assert_null(f->e.code);
	assert_int_equal(f->p.clients + f->p.before + f->p.after, 0);

	/* No client to be had: a request error, with the hook's reason. */
	assert_int_equal(run(f, NULL, s3, "HeadBucket", "{\"Bucket\":\"b\"}"), AWS_CALL_REQUEST);
	assert_string_equal(f->err.buf, "no credentials here");
	assert_int_equal(f->p.clients, 1);
	assert_int_equal(f->p.before, 0);

	/* Without a client, before_send sees the serialised request unresolved; SKIP is a dry
	 * run: success, no output, nothing sent. SEND there has nothing to send with. */
	static const aws_call_hooks dry = { .before_send = hook_before };
	kdx_value *in = kdx_value_from_json(&f->a, "{\"Bucket\":\"b\"}", 14, &f->err);
	aws_call skip = { .model = s3, .operation = "HeadBucket", .input = in, .hooks = &dry,
			  .ud = &f->p };
	f->p.next = AWS_CALL_SKIP;
	strbuf_reset(&f->err);
	assert_int_equal(aws_call_run(NULL, &skip, &f->a, &f->out, &f->e, &f->err), AWS_CALL_OK);
	assert_null(f->out);
	assert_null(f->p.host);
	assert_int_equal(f->p.after, 0);
	f->p.next = AWS_CALL_SEND;
	assert_int_equal(aws_call_run(NULL, &skip, &f->a, &f->out, &f->e, &f->err),
			 AWS_CALL_REQUEST);
	assert_string_equal(f->err.buf, "no AWS client to send the request with");
	aws_model_free(s3);
}

static void test_service_errors(void **state)
{
	fx *f = *state;
	unsetenv("AWS_ENDPOINT_URL");
	aws_client *c = fixture_client(NULL, 1);
	aws_model *s3 = fixture_model("s3"), *ddb = fixture_model("dynamodb");
	probe *p = &f->p;

	/* S3 refuses a conditional write: the service's code and status, for the store to tell
	 * "someone else wrote first" from any other failure. */
	p->answer_status = 412;
	p->answer_body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
			 "PreconditionFailed</Code><Message>At least one of the pre-conditions you "
			 "specified did not hold</Message><RequestId>R412</RequestId></Error>";
	assert_int_equal(run(f, c, s3, "PutObject",
			     "{\"Bucket\":\"state\",\"Key\":\"runs/r1/journal\",\"IfNoneMatch\":\"*\","
			     "\"Body\":\"x\"}"), AWS_CALL_SERVICE);
	assert_string_equal(f->e.code, "PreconditionFailed");
	assert_int_equal(f->e.http_status, 412);
	assert_string_equal(f->e.request_id, "R412");
	assert_non_null(strstr(f->err.buf, "PreconditionFailed: At least one of the pre-conditions"));
	assert_null(f->out);
	/* the hooks saw the request resolved for the call's region */
	assert_string_equal(p->host, "s3.eu-west-1.amazonaws.com");
	assert_int_equal(p->after, 0); /* answered, not sent */

	/* DynamoDB's refused condition, from its JSON error. */
	p->answer_status = 400;
	p->answer_body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
			 "ConditionalCheckFailedException\",\"message\":\"The conditional request failed\"}";
	assert_int_equal(run(f, c, ddb, "PutItem",
			     "{\"TableName\":\"t\",\"Item\":{\"pk\":{\"S\":\"a\"}},"
			     "\"ConditionExpression\":\"attribute_not_exists(pk)\"}"), AWS_CALL_SERVICE);
	assert_string_equal(f->e.code, "ConditionalCheckFailedException");
	assert_int_equal(f->e.http_status, 400);
	assert_string_equal(p->host, "dynamodb.eu-west-1.amazonaws.com");

	/* A 2xx is parsed per the model; one whose body does not parse is its own class, and
	 * e stays empty (the service did not refuse anything). */
	aws_model *sts = fixture_model("sts");
	p->answer_status = 200;
	p->answer_body = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
			 "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/kdx</Arn>"
			 "<UserId>U</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
			 "</GetCallerIdentityResponse>";
	assert_int_equal(run(f, c, sts, "GetCallerIdentity", NULL), AWS_CALL_OK);
	assert_null(f->e.code);
	assert_string_equal(kdx_value_str(kdx_value_get(f->out, "Arn")),
			    "arn:aws:iam::123456789012:user/kdx");
	p->answer_body = "<GetCallerIdentityResponse><unclosed";
	assert_int_equal(run(f, c, sts, "GetCallerIdentity", NULL), AWS_CALL_RESPONSE);
	assert_null(f->e.code);
	assert_true(f->err.len > 0);

	aws_model_free(sts);
	aws_model_free(ddb);
	aws_model_free(s3);
	aws_client_free(c);
}

static void test_transport_error(void **state)
{
	fx *f = *state;
	/* Port 1 on loopback refuses: no answer, so no service code to mistake for a refused
	 * condition; after_send still hears of the attempt; the secret is nowhere. */
	f->p.client = fixture_client("http://127.0.0.1:1", 1);
	aws_model *ddb = fixture_model("dynamodb");
	assert_int_equal(run(f, NULL, ddb, "DescribeTable", "{\"TableName\":\"t\"}"),
			 AWS_CALL_TRANSPORT);
	assert_int_equal(f->p.clients, 1);
	assert_int_equal(f->p.before, 1);
	assert_int_equal(f->p.after, 1);
	assert_int_equal(f->p.after_rc, -1);
	assert_string_equal(f->p.host, "127.0.0.1:1");
	assert_int_equal(f->e.http_status, 0);
	assert_string_equal(f->e.code, "ConnectionError");
	assert_non_null(strstr(f->err.buf, "ConnectionError"));
	assert_null(strstr(f->err.buf, "secret"));
	aws_model_free(ddb);
	aws_client_free(f->p.client);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_errors_first, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_service_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_transport_error, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
