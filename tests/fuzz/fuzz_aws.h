/* fuzz_aws: what the AWS response fuzz targets share: the first input byte picks an
 * operation of a table (and so a protocol and an output shape), the response is parsed as
 * a success and decoded as an error; neither may crash, leak or take another member's
 * value, and an error always gets a code. */
#ifndef KDX_FUZZ_AWS_H
#define KDX_FUZZ_AWS_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/xalloc.h"
#include "executor/aws/client.h"
#include "executor/aws/model.h"
#include "executor/aws/proto.h"

typedef struct fuzz_op {
	const char *svc, *op;
} fuzz_op;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Header lines "Name: value" up to an empty line (or one without ':'), then the body. */
static inline void fuzz_aws_read(aws_response *r, const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon = memchr(p, ':', len);
		if (!len || !colon)
			break;
		XGROW(r->headers, r->nheaders + 1, r->aheaders);
		r->headers[r->nheaders].name = xstrndup(p, (size_t)(colon - p));
		r->headers[r->nheaders++].value = xstrndup(colon + 1, len - (size_t)(colon - p) - 1);
		p += len + (nl != NULL);
	}
	if (p < end && *p == '\n')
		p++;
	strbuf_add(&r->body, p, (size_t)(end - p));
}

/* Parse R as a response of OP (success when 2xx), then decode it as an error. */
static inline void fuzz_aws_response(const fuzz_op *op, aws_response *r)
{
	static aws_model_cache cache;
	strbuf err = STRBUF_INIT;
	const aws_model *m = aws_model_cache_get(&cache, op->svc, &err);
	if (!m)
		abort();
	kdx_arena a;
	kdx_value *v;
	kdx_arena_init(&a);
	if (aws_proto_parse(m, op->op, r, &a, &v, &err) == 0) {
		strbuf out = STRBUF_INIT;
		kdx_value_to_json(&out, v);
		strbuf_release(&out);
	}
	aws_error e;
	aws_error_init(&e);
	aws_proto_decode_error((void *)m, r, &e);
	if (!e.code)
		abort();
	aws_error_release(&e);
	kdx_arena_release(&a);
	strbuf_release(&err);
}

/* Byte 0 picks one of NOPS operations and, with its top bit, a success (200) or an error
 * (400); the rest is the body. */
static inline int fuzz_aws_body(const fuzz_op *ops, size_t nops, const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	aws_response r;
	aws_response_init(&r);
	r.status = data[0] & 0x80 ? 200 : 400;
	strbuf_add(&r.body, data + 1, size - 1);
	fuzz_aws_response(&ops[(data[0] & 0x7f) % nops], &r);
	aws_response_release(&r);
	return 0;
}

#endif
