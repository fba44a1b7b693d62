/* aws_check: the compiler's `call aws` check (kdx_compile_opts.check_aws_call) served by
 * executor/aws's API models, so compiler/ needs no AWS code. A kdx_aws_checker caches the
 * models it loads; kdx_aws_checker_release() frees them. */
#ifndef KDX_CLI_AWS_CHECK_H
#define KDX_CLI_AWS_CHECK_H
#include <stddef.h>

#include "../common/strbuf.h"

struct aws_model;

typedef struct kdx_aws_checker {
	const char **services;        /* owned copies */
	struct aws_model **models;    /* NULL where the model could not be loaded */
	size_t n, alloc;
} kdx_aws_checker;

/* The kdx_compile_opts.check_aws_call hook; ctx is a kdx_aws_checker. */
int kdx_aws_check_call(void *ctx, const char *service, const char *op, const char *const *keys,
		       size_t nkeys, long *bad, strbuf *msg, strbuf *hint);
void kdx_aws_checker_release(kdx_aws_checker *c);

#endif
