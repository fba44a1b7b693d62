/* interp_aws: `call aws "service" "Operation" { input } [as name]` at run time, through the
 * one AWS call path (aws/call.h: serialise, resolve -- the reserved `region` key of the input
 * picks the region --, sign, send, retry, parse), with the run's hooks: the idempotency token,
 * the request count and capture, the request log, the read cache of kdx plan, cancellation.
 * In a dry run a mutating request is printed (secrets redacted) and answered with {}. */
#include "interp_int.h"
#include "fielddiff.h"
#include "readcache.h"

#include "aws/call.h"
#include "aws/client.h"
#include "aws/model.h"
#include "aws/xregion.h"
#include "reqlog.h"
#include "../common/monotime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void kdx_shared_models_init(kdx_shared_models *sm)
{
	pthread_mutex_init(&sm->mu, NULL);
	aws_model_cache_init(&sm->cache);
}

void kdx_shared_models_release(kdx_shared_models *sm)
{
	aws_model_cache_release(&sm->cache);
	pthread_mutex_destroy(&sm->mu);
}

static const aws_model *shared_model(kdx_interp *in, const char *service)
{
	strbuf err = STRBUF_INIT;
	pthread_mutex_lock(&in->shared->mu);
	const aws_model *m = aws_model_cache_get(&in->shared->cache, service, &err);
	pthread_mutex_unlock(&in->shared->mu);
	if (!m)
		strbuf_addf(&in->err, "%s", err.buf);
	strbuf_release(&err);
	return m;
}

static const aws_model *model_for(kdx_interp *in, const char *service)
{
	if (in->shared)
		return shared_model(in, service);
	for (size_t i = 0; i < in->nmodels; i++)
		if (!strcmp(in->models[i].name, service))
			return in->models[i].m;
	aws_model *m;
	strbuf err = STRBUF_INIT;
	if (aws_model_load(service, &m, &err) < 0) {
		strbuf_addf(&in->err, "%s", err.buf);
		strbuf_release(&err);
		return NULL;
	}
	strbuf_release(&err);
	if (in->nmodels == sizeof(in->models) / sizeof(in->models[0])) {
		aws_model_free(m);
		strbuf_addf(&in->err, "too many AWS services in one run (at most %zu)",
			    in->nmodels);
		return NULL;
	}
	in->models[in->nmodels].name = aws_model_service(m);
	in->models[in->nmodels++].m = m;
	return m;
}

int kdx_interp_client(kdx_interp *in)
{
	if (in->client)
		return 0;
	aws_client_opts o = { .profile = in->rt->profile, .endpoint_url = in->rt->endpoint_url,
			      .credentials = in->rt->creds };
	strbuf err = STRBUF_INIT;
	int rc = aws_client_new(&in->client, &o, &err);
	if (rc < 0)
		strbuf_addf(&in->err, "%s", err.buf);
	strbuf_release(&err);
	return rc;
}

/* Put the run's idempotency token in every token member the input leaves empty. */
static kdx_value *with_token(kdx_interp *in, const aws_model *m, const char *opname,
			     kdx_value *input)
{
	aws_operation op;
	strbuf err = STRBUF_INIT;
	int rc = aws_model_operation(m, opname, &op, &err);
	strbuf_release(&err);
	if (rc < 0 || op.input.type == AWS_T_NONE)
		return input;
	aws_member_iter it = aws_shape_members(&op.input);
	aws_shape mem;
	const char *name;
	while (aws_member_next(&it, &name, &mem)) {
		if (!aws_shape_flag(&mem, "idempotencyToken"))
			continue;
		const kdx_value *have = kdx_value_get(input, name);
		if (have && have->kind != KDX_V_NULL)
			continue;
		/* A copy, with the token in place of an explicit null or after the rest (two
		 * keys of one name would put the member on the wire twice). */
		size_t n = input ? input->u.map.n : 0;
		kdx_value *x = kdx_value_map(&in->arena, have ? n : n + 1);
		for (size_t i = 0; i < n; i++) {
			x->u.map.keys[i] = input->u.map.keys[i];
			x->u.map.vals[i] = input->u.map.vals[i];
		}
		size_t at = n;
		for (size_t i = 0; have && i < n; i++)
			if (!strcmp(input->u.map.keys[i], name))
				at = i;
		x->u.map.keys[at] = name;
		x->u.map.vals[at] = kdx_value_string(&in->arena, in->token);
		input = x;
	}
	return input;
}

static void print_request(strbuf *sb, const aws_request *r, const char *service, const char *op)
{
	strbuf_addf(sb, "# aws %s %s\n", service, op);
	strbuf_addf(sb, "%s %s://%s%s%s%s\n", r->method, r->scheme ? r->scheme : "https",
		    r->host ? r->host : "", r->path, r->query ? "?" : "", r->query ? r->query : "");
	for (size_t i = 0; i < r->nheaders; i++) {
		const char *name = r->headers[i].name;
		bool secret = !strcasecmp(name, "Authorization") ||
			      !strcasecmp(name, "X-Amz-Security-Token");
		strbuf_addf(sb, "%s: %s\n", name, secret ? "<redacted>" : r->headers[i].value);
	}
	strbuf_addstr(sb, "Authorization: <redacted>\n");
	if (r->body.len) {
		strbuf body = STRBUF_INIT;
		strbuf_add(&body, r->body.buf, r->body.len);
		aws_xregion_redact(&body);
		strbuf_addch(sb, '\n');
		strbuf_add(sb, body.buf, body.len);
		if (body.buf[body.len - 1] != '\n')
			strbuf_addch(sb, '\n');
		strbuf_release(&body);
	}
	strbuf_addch(sb, '\n');
}

/* One `call aws` in flight: what the hooks of aws_call_run need. */
typedef struct interp_call {
	kdx_interp *in;
	const char *service, *op, *region;
	const kdx_value *sent_input; /* the input as written: without the run's token */
	bool mutating;
	bool err_set;                /* the hook's error is in in->err already */
	kdx_readcache *cache;        /* reads of a dry run (kdx plan), or NULL */
	char *key;                   /* the read's cache key, until after_send puts it */
	int64_t t0;
} interp_call;

static aws_client *call_client(void *ud, strbuf *err)
{
	(void)err;
	interp_call *ic = ud;
	if (kdx_interp_client(ic->in) == 0)
		return ic->in->client;
	ic->err_set = true;
	return NULL;
}

/* Count and capture the request; a change of a dry run is printed (secrets redacted) and not
 * sent; a read of a dry run with a read cache is answered from it when it holds the same
 * request, and kept there otherwise. */
static int call_before_send(void *ud, aws_request *req, aws_response *resp, strbuf *err)
{
	(void)err;
	interp_call *ic = ud;
	kdx_interp *in = ic->in;
	in->requests++;
	if (ic->mutating) {
		in->mutations++;
		in->mutated = true;
		if (in->capture) /* the request as sent: without the token, which is no state */
			kdx_capture_add(in->capture, true, ic->service, ic->op, ic->region,
					ic->sent_input);
		if (in->rt->dry_run) {
			print_request(&in->log, req, ic->service, ic->op);
			return AWS_CALL_SKIP;
		}
		if (kdx_interp_mark_sent(in) < 0) {
			ic->err_set = true;
			return -1;
		}
	}
	ic->cache = in->poll_reads ? in->poll_reads : in->rt->reads;
	ic->key = ic->cache && !ic->mutating ? kdx_readcache_key(req) : NULL;
	if (ic->key && kdx_readcache_claim(ic->cache, ic->key, resp)) {
		free(ic->key);
		ic->key = NULL;
		return AWS_CALL_ANSWERED;
	}
	ic->t0 = kdx_mono_ms();
	return AWS_CALL_SEND;
}

/* Keep the read in the cache and what the request log keeps of the call (reqlog.h). */
static void call_after_send(void *ud, const aws_request *req, int rc, const aws_response *resp,
			    const aws_error *e)
{
	interp_call *ic = ud;
	kdx_interp *in = ic->in;
	if (ic->key)
		kdx_readcache_put(ic->cache, ic->key, rc == 0 ? resp : NULL);
	free(ic->key);
	ic->key = NULL;
	kdx_reqlog_entry le = { .step = in->step, .method = req->method, .service = ic->service,
				.operation = ic->op, .region = ic->region ? ic->region : req->region,
				.mutating = ic->mutating, .ms = kdx_mono_ms() - ic->t0,
				.status = rc < 0 ? e->http_status : resp->status,
				.attempts = aws_client_last_attempts(in->client), .error = e->code };
	kdx_reqlog_add(in->rt->requests, &le);
}

int kdx_interp_aws_call(kdx_interp *in, const char *service, const char *op, const char *region,
			kdx_value *input, bool mutating, kdx_value **out)
{
	static const aws_call_hooks hooks = { .client = call_client,
					      .before_send = call_before_send,
					      .after_send = call_after_send };
	const aws_model *m = model_for(in, service);
	if (!m)
		return -1;
	interp_call ic = { .in = in, .service = service, .op = op, .region = region,
			   .sent_input = input, .mutating = mutating };
	if (mutating && in->token)
		input = with_token(in, m, op, input);
	aws_call call = { .model = m, .operation = op, .input = input, .region = region,
			  .no_resend = mutating, .hooks = &hooks, .ud = &ic };
	aws_error e;
	strbuf err = STRBUF_INIT;
	aws_error_init(&e);
	int rc = aws_call_run(in->client, &call, &in->arena, out, &e, &err);
	if (rc == AWS_CALL_OK && !*out) /* a change of a dry run: answered with {} */
		*out = kdx_value_map(&in->arena, 0);
	else if (rc == AWS_CALL_OK && !mutating && in->capture)
		kdx_capture_add(in->capture, false, service, op, region, *out);
	if (rc < 0 && !ic.err_set) {
		strbuf_addf(&in->err, "%s %s: %s", service, op, err.buf);
		if (rc == AWS_CALL_SERVICE && e.fields)
			strbuf_addf(&in->err, "; error fields: %s", e.fields);
	}
	free(ic.key);
	aws_error_release(&e);
	strbuf_release(&err);
	return rc < 0 ? -1 : 0;
}
