/* fuzz_aws_xml: libFuzzer target for the XML responses of the query, ec2 and rest-xml
 * protocols (expat, xmldoc.c, proto_xml.c) and their error decoding. Byte 0 picks the
 * operation and, with its top bit, a success (200) or an error (400); the rest is the body. */
#include "fuzz_aws.h"

static const fuzz_op ops[] = {
	{ "sts", "GetCallerIdentity" },          { "rds", "DescribeDBClusters" },
	{ "sns", "GetTopicAttributes" },         { "ec2", "DescribeInstances" },
	{ "route53", "ListResourceRecordSets" }, { "s3", "ListObjectsV2" },
	{ "s3", "GetBucketTagging" },            { "autoscaling", "DescribeAutoScalingGroups" },
	{ "elasticache", "DescribeGlobalReplicationGroups" }, { "iam", "GetUser" },
	{ "route53", "GetHealthCheckStatus" },   { "ec2", "DescribeRegions" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_aws_body(ops, sizeof(ops) / sizeof(ops[0]), data, size);
}
