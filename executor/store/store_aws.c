/* store_aws: one AWS client and the models the shared run stores need. */
#include "store_aws.h"
#include "store_open.h"
#include "../../common/xalloc.h"
#include "../aws/credentials.h"
#include "../aws/call.h"

#include <stdlib.h>
#include <string.h>

int kdx_store_aws_init(kdx_store_aws *sa, const char *region, strbuf *err)
{
	memset(sa, 0, sizeof(*sa));
	aws_model_cache_init(&sa->models);
	aws_client_opts o = { .region = region };
	if (aws_client_new(&sa->client, &o, err) < 0) {
		aws_model_cache_release(&sa->models);
		return -1;
	}
	const char *r = aws_client_region(sa->client);
	if (!r || !*r) {
		strbuf_addstr(err, "the run store's region is not known: add ?region=R to the state "
				   "URL or set AWS_REGION");
		kdx_store_aws_release(sa);
		return -1;
	}
	sa->region = xstrdup(r);
	return 0;
}

void kdx_store_aws_release(kdx_store_aws *sa)
{
	aws_client_free(sa->client);
	aws_model_cache_release(&sa->models);
	free(sa->region);
	free(sa->identity);
	memset(sa, 0, sizeof(*sa));
}

static int call(kdx_store_aws *sa, const char *service, const char *op, const kdx_json *in,
		kdx_arena *a, kdx_value **out, aws_error *e, strbuf *err)
{
	strbuf why = STRBUF_INIT;
	const aws_model *m = aws_model_cache_get(&sa->models, service, &why);
	kdx_value *input = NULL;
	int rc = -1;
	if (m && in) {
		strbuf text = STRBUF_INIT;
		kdx_json_write(&text, in);
		input = kdx_value_from_json(a, text.buf, text.len, &why);
		strbuf_release(&text);
	}
	if (m && (!in || input)) {
		aws_call call = { .model = m, .operation = op, .input = input,
				  .region = sa->region };
		rc = aws_call_run(sa->client, &call, a, out, e, &why);
		if (rc != AWS_CALL_REQUEST)
			sa->requests++;
	}
	if (rc < 0)
		strbuf_addf(err, "%s %s: %s", service, op, why.buf);
	strbuf_release(&why);
	return rc < 0 ? -1 : 0;
}

int kdx_store_aws_call(kdx_store_aws *sa, const char *service, const char *op, kdx_json *in,
		       kdx_arena *a, kdx_value **out, aws_error *e, strbuf *err)
{
	kdx_arena local;
	kdx_value *ignored;
	kdx_arena_init(&local);
	aws_error_release(e);
	int rc = call(sa, service, op, in, a ? a : &local, out ? out : &ignored, e, err);
	kdx_arena_release(&local);
	kdx_json_free(in);
	return rc;
}

const char *kdx_store_aws_identity(kdx_store_aws *sa)
{
	if (sa->identity)
		return sa->identity;
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *out = NULL;
	aws_error e;
	aws_error_init(&e);
	strbuf err = STRBUF_INIT;
	const char *arn = NULL;
	if (kdx_store_aws_call(sa, "sts", "GetCallerIdentity", NULL, &a, &out, &e, &err) == 0)
		arn = kdx_store_aws_str(out, "Arn");
	sa->identity = xstrdup(arn ? arn : "unknown");
	aws_error_release(&e);
	strbuf_release(&err);
	kdx_arena_release(&a);
	return sa->identity;
}

const char *kdx_store_aws_str(const kdx_value *v, const char *key)
{
	const kdx_value *x = kdx_value_get(v, key);
	return x && x->kind == KDX_V_STRING ? x->u.str.ptr : NULL;
}

int kdx_store_caller_arn(const char *region, strbuf *arn, strbuf *err)
{
	/* STS answers in every region: without one from the caller or the region chain, its
	 * global endpoint's region is as good as any */
	kdx_store_aws sa;
	memset(&sa, 0, sizeof(sa));
	aws_model_cache_init(&sa.models);
	aws_client_opts o = { .region = region };
	if (aws_client_new(&sa.client, &o, err) < 0) {
		aws_model_cache_release(&sa.models);
		return -1;
	}
	const char *r = aws_client_region(sa.client);
	if (!r || !*r) {
		aws_client_free(sa.client);
		o.region = "us-east-1";
		if (aws_client_new(&sa.client, &o, err) < 0) {
			aws_model_cache_release(&sa.models);
			return -1;
		}
		r = o.region;
	}
	sa.region = xstrdup(r);
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *out = NULL;
	aws_error e;
	aws_error_init(&e);
	int rc = -1;
	if (kdx_store_aws_call(&sa, "sts", "GetCallerIdentity", NULL, &a, &out, &e, err) == 0) {
		const char *s = kdx_store_aws_str(out, "Arn");
		if (s) {
			strbuf_addstr(arn, s);
			rc = 0;
		} else {
			strbuf_addstr(err, "sts GetCallerIdentity: the answer has no Arn");
		}
	}
	aws_error_release(&e);
	kdx_arena_release(&a);
	kdx_store_aws_release(&sa);
	return rc;
}
