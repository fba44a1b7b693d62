/* fuzz_aws_headers: libFuzzer target for the members of rest-xml and rest-json responses
 * bound to headers and the status code (proto.c: lists split, jsonvalue base64-decoded,
 * timestamps, prefix maps). Byte 0 picks the operation and the status; then header lines
 * "Name: value" up to an empty line, then the body. */
#include "fuzz_aws.h"

static const fuzz_op ops[] = {
	{ "s3", "HeadObject" },        { "s3", "GetObject" },    { "s3", "PutObject" },
	{ "lambda", "Invoke" },        { "s3", "HeadBucket" },   { "s3", "GetObjectAttributes" },
	{ "lambda", "GetFunction" },   { "route53", "GetChange" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	aws_response r;
	aws_response_init(&r);
	r.status = data[0] & 0x80 ? 200 : data[0] & 0x40 ? 206 : 404;
	fuzz_aws_read(&r, (const char *)data + 1, size - 1);
	fuzz_aws_response(&ops[(data[0] & 0x3f) % (sizeof(ops) / sizeof(ops[0]))], &r);
	aws_response_release(&r);
	return 0;
}
