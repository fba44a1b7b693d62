/* fuzz_aws_json: libFuzzer target for the JSON responses of the json and rest-json
 * protocols (json-c, proto_json.c: documents, unions, timestamps, NaN/Infinity strings) and
 * their error decoding. Byte 0 picks the operation and, with its top bit, a success (200)
 * or an error (400); the rest is the body. */
#include "fuzz_aws.h"

static const fuzz_op ops[] = {
	{ "dynamodb", "GetItem" },            { "dynamodb", "DescribeTable" },
	{ "cloudwatch", "DescribeAlarms" },   { "cloudwatch", "GetMetricData" },
	{ "eks", "DescribeCluster" },         { "ecs", "DescribeServices" },
	{ "lambda", "GetFunctionConfiguration" }, { "ssm", "GetParameter" },
	{ "fis", "GetExperiment" },           { "arc-region-switch", "GetPlan" },
	{ "route53-recovery-cluster", "GetRoutingControlState" },
	{ "globalaccelerator", "DescribeAccelerator" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_aws_body(ops, sizeof(ops) / sizeof(ops[0]), data, size);
}
