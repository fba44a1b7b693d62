/* aws_fixture: what the unit tests of executor/aws/ share -- a client with fixed test
 * credentials (never from the environment) and a model loaded or the test failed. Include
 * after <cmocka.h>. */
#ifndef KDX_TEST_AWS_FIXTURE_H
#define KDX_TEST_AWS_FIXTURE_H
#pragma GCC diagnostic ignored "-Wunused-function"
#include "executor/aws/client.h"
#include "executor/aws/model.h"

/* A client for eu-west-1 with the secret "secret", max ATTEMPTS attempts, a fixed jitter seed
 * and ENDPOINT_URL (NULL: none). */
static aws_client *fixture_client(const char *endpoint_url, int attempts)
{
	aws_credentials creds = { .access_key_id = "AKIDEXAMPLE", .secret_access_key = "secret" };
	aws_client_opts o = { .region = "eu-west-1", .credentials = &creds, .max_attempts = attempts,
			      .seed = 3, .timeout_ms = 5000, .endpoint_url = endpoint_url };
	aws_client *c = NULL;
	strbuf err = STRBUF_INIT;
	if (aws_client_new(&c, &o, &err) < 0)
		fail_msg("aws_client_new: %s", err.buf);
	strbuf_release(&err);
	return c;
}

static aws_model *fixture_model(const char *service)
{
	aws_model *m = NULL;
	strbuf err = STRBUF_INIT;
	if (aws_model_load(service, &m, &err) < 0)
		fail_msg("loading %s: %s", service, err.buf);
	strbuf_release(&err);
	return m;
}

#endif
