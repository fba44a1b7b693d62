/* Unit tests for executor/aws/eks_token: the token's shape (prefix, unpadded base64url of a
 * presigned STS GetCallerIdentity URL) and its signature, which botocore's SigV4QueryAuth
 * computes the same for the same credentials, time, region and x-k8s-aws-id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "executor/aws/eks_token.h"
#include "executor/aws/proto_shared.h"

#define WHEN 1440938160 /* 2015-08-30T12:36:00Z */
/* botocore 1.43: SigV4QueryAuth(Credentials("AKIDEXAMPLE", SECRET), "sts", "us-west-2",
 * expires=60) of GET https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&
 * Version=2011-06-15 with x-k8s-aws-id: kaldrix-us-west-2 at WHEN */
#define BOTOCORE_SIG "f59b157d7c0b98b82af2ce2a8923616b92601a044802b21e686fcf01b2836931"

static aws_credentials creds(void)
{
	return (aws_credentials){ .access_key_id = "AKIDEXAMPLE",
				  .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
}

/* The URL inside a token. */
static void decode(const char *tok, strbuf *url)
{
	assert_int_equal(strncmp(tok, AWS_EKS_TOKEN_PREFIX, strlen(AWS_EKS_TOKEN_PREFIX)), 0);
	strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, tok + strlen(AWS_EKS_TOKEN_PREFIX));
	assert_null(strpbrk(b.buf, "=+/"));
	for (size_t i = 0; i < b.len; i++)
		b.buf[i] = b.buf[i] == '-' ? '+' : b.buf[i] == '_' ? '/' : b.buf[i];
	while (b.len % 4)
		strbuf_addch(&b, '=');
	assert_int_equal(aws_wire_base64_decode(url, b.buf, b.len), 0);
	strbuf_release(&b);
}

static void test_token_matches_botocore(void **state)
{
	(void)state;
	aws_credentials c = creds();
	strbuf tok = STRBUF_INIT, err = STRBUF_INIT, url = STRBUF_INIT;
	assert_int_equal(aws_eks_token(&tok, &c, "us-west-2", "kaldrix-us-west-2", WHEN, &err), 0);
	decode(tok.buf, &url);
	const char *head = "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity"
			   "&Version=2011-06-15&";
	assert_int_equal(strncmp(url.buf, head, strlen(head)), 0);
	assert_non_null(strstr(url.buf, "&X-Amz-Expires=60&"));
	assert_non_null(strstr(url.buf, "&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&"));
	assert_non_null(strstr(url.buf, "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Fsts%2Faws4_request"));
	assert_non_null(strstr(url.buf, "&X-Amz-Signature=" BOTOCORE_SIG));
	/* another cluster: another signature */
	strbuf other = STRBUF_INIT;
	assert_int_equal(aws_eks_token(&other, &c, "us-west-2", "kaldrix-us-east-1", WHEN, &err), 0);
	assert_string_not_equal(tok.buf, other.buf);
	strbuf_release(&other);
	strbuf_release(&tok);
	strbuf_release(&err);
	strbuf_release(&url);
}

static void test_token_refuses(void **state)
{
	(void)state;
	aws_credentials none = { 0 }, c = creds();
	strbuf tok = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(aws_eks_token(&tok, &none, "us-west-2", "x", WHEN, &err), -1);
	assert_non_null(strstr(err.buf, "credentials"));
	strbuf_reset(&err);
	assert_int_equal(aws_eks_token(&tok, &c, "us-west-2", "bad\nname", WHEN, &err), -1);
	assert_null(strstr(err.buf, c.secret_access_key));
	assert_int_equal(tok.len, 0);
	strbuf_release(&tok);
	strbuf_release(&err);
}

static void test_base64url_and_ca(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	aws_base64url(&sb, "\xfb\xff", 2); /* "+/8=" in base64 */
	assert_string_equal(sb.buf, "-_8");
	strbuf_reset(&sb);
	const char *pem = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="; /* -----BEGIN CERTIFICATE-----\n */
	assert_int_equal(aws_eks_ca_pem(&sb, pem, strlen(pem), &err), 0);
	assert_string_equal(sb.buf, "-----BEGIN CERTIFICATE-----\n");
	strbuf_reset(&sb);
	assert_int_equal(aws_eks_ca_pem(&sb, "aGVsbG8=", 8, &err), -1); /* "hello" */
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_matches_botocore),
		cmocka_unit_test(test_token_refuses),
		cmocka_unit_test(test_base64url_and_ca),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
