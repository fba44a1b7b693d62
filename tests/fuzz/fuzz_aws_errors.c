/* fuzz_aws_errors: libFuzzer target for error responses: the query and ec2 error
 * documents, query-compatible JSON errors (x-amzn-query-error), and the client's default
 * decoder (client_error.c, used before a model is known). Byte 0 picks the service and the
 * HTTP status; then header lines "Name: value" up to an empty line, then the body. */
#include "fuzz_aws.h"

static const char *const svcs[] = { "sns", "rds", "ec2", "cloudwatch", "sts", "route53",
				    "dynamodb", "s3" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const long statuses[] = { 400, 403, 404, 429, 500, 503, 301, 418 };
	aws_response r;
	aws_response_init(&r);
	r.status = statuses[(data[0] >> 3) & 7];
	fuzz_aws_read(&r, (const char *)data + 1, size - 1);
	fuzz_op op = { svcs[data[0] & 7], "ListTopics" };
	static const char *const any_op[] = { "ListTopics", "DescribeDBClusters", "DescribeRegions",
					      "DescribeAlarms", "GetCallerIdentity",
					      "ListHostedZones", "ListTables", "ListBuckets" };
	op.op = any_op[data[0] & 7];
	fuzz_aws_response(&op, &r);
	aws_error e;
	aws_error_init(&e);
	aws_error_decode_default(NULL, &r, &e);
	if (!e.code)
		abort();
	aws_error_release(&e);
	aws_response_release(&r);
	return 0;
}
