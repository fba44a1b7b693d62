/* fuzz_aws_response: libFuzzer target for the response side of every protocol: the first
 * byte picks an operation (and so a protocol and output shape), the rest is the body;
 * it is parsed as a success and decoded as an error. Run with tests/aws/fuzz.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "executor/aws/client.h"
#include "executor/aws/model.h"
#include "executor/aws/proto.h"

static const struct { const char *svc, *op; } ops[] = {
	{ "sts", "GetCallerIdentity" },          { "rds", "DescribeDBClusters" },
	{ "sns", "GetTopicAttributes" },         { "ec2", "DescribeInstances" },
	{ "route53", "ListResourceRecordSets" }, { "s3", "ListObjectsV2" },
	{ "s3", "GetObject" },                   { "dynamodb", "GetItem" },
	{ "cloudwatch", "DescribeAlarms" },      { "eks", "DescribeCluster" },
	{ "lambda", "Invoke" },                  { "autoscaling", "DescribeAutoScalingGroups" },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static aws_model_cache cache;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	strbuf err = STRBUF_INIT;
	const aws_model *m = aws_model_cache_get(&cache, ops[data[0] % NOPS].svc, &err);
	if (!m)
		abort();
	aws_response r;
	aws_response_init(&r);
	r.status = data[0] & 0x80 ? 200 : 400;
	strbuf_add(&r.body, data + 1, size - 1);
	kdx_arena a;
	kdx_value *v;
	kdx_arena_init(&a);
	if (aws_proto_parse(m, ops[data[0] % NOPS].op, &r, &a, &v, &err) == 0) {
		strbuf out = STRBUF_INIT;
		kdx_value_to_json(&out, v);
		strbuf_release(&out);
	}
	aws_error e;
	aws_error_init(&e);
	aws_proto_decode_error((void *)m, &r, &e);
	if (!e.code)
		abort();
	aws_error_release(&e);
	kdx_arena_release(&a);
	aws_response_release(&r);
	strbuf_release(&err);
	return 0;
}
