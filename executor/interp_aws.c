/* interp_aws: `call aws "service" "Operation" { input } [as name]` at run time -- the model
 * checks and serialises the input, the client resolves the endpoint (the reserved `region`
 * key of the input picks the region), signs, sends and retries, the model parses the answer.
 * In a dry run a mutating request is printed (secrets redacted) and answered with {}. */
#include "interp_int.h"
#include "fielddiff.h"
#include "readcache.h"

#include "aws/client.h"
#include "aws/model.h"
#include "aws/proto.h"
#include "aws/xregion.h"
#include "reqlog.h"
#include "../common/monotime.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

/* Send req and parse the answer; le gets what the request log keeps of it (reqlog.h).
 * A read of a dry run with a read cache (kdx plan) is answered from it when it holds the
 * same request, and kept there otherwise. */
static int send(kdx_interp *in, const aws_model *m, const char *op, aws_request *req,
		kdx_value **out, kdx_reqlog_entry *le)
{
	aws_call_opts co = { .decode = aws_proto_decode_error, .decode_ud = (void *)m,
			     .no_resend = le->mutating };
	aws_response resp;
	aws_error e;
	strbuf err = STRBUF_INIT;
	aws_response_init(&resp);
	aws_error_init(&e);
	kdx_readcache *cache = in->poll_reads ? in->poll_reads : in->rt->reads;
	char *key = cache && !le->mutating ? kdx_readcache_key(req) : NULL;
	if (key && kdx_readcache_claim(cache, key, &resp)) {
		free(key);
		int rc = aws_proto_parse(m, op, &resp, &in->arena, out, &err);
		if (rc < 0)
			strbuf_addf(&in->err, "%s %s: %s", aws_model_service(m), op, err.buf);
		aws_response_release(&resp);
		aws_error_release(&e);
		strbuf_release(&err);
		return rc;
	}
	int64_t t0 = kdx_mono_ms();
	int rc = aws_client_send(in->client, req, &co, &resp, &e, &err);
	if (key)
		kdx_readcache_put(cache, key, rc == 0 ? &resp : NULL);
	free(key);
	le->ms = kdx_mono_ms() - t0;
	le->status = rc < 0 ? e.http_status : resp.status;
	le->attempts = aws_client_last_attempts(in->client);
	if (rc < 0) {
		strbuf_addf(&in->err, "%s %s: ", aws_model_service(m), op);
		if (e.code && e.http_status)
			aws_error_format(&in->err, &e);
		else
			strbuf_addstr(&in->err, err.buf);
		if (e.code && e.fields)
			strbuf_addf(&in->err, "; error fields: %s", e.fields);
	} else {
		strbuf_reset(&err);
		rc = aws_proto_parse(m, op, &resp, &in->arena, out, &err);
		if (rc < 0)
			strbuf_addf(&in->err, "%s %s: %s", aws_model_service(m), op, err.buf);
	}
	le->error = e.code;
	kdx_reqlog_add(in->rt->requests, le);
	aws_response_release(&resp);
	aws_error_release(&e);
	strbuf_release(&err);
	return rc;
}

int kdx_interp_aws_call(kdx_interp *in, const char *service, const char *op, const char *region,
			kdx_value *input, bool mutating, kdx_value **out)
{
	const aws_model *m = model_for(in, service);
	if (!m)
		return -1;
	kdx_value *sent_input = input;
	if (mutating && in->token)
		input = with_token(in, m, op, input);
	aws_request req;
	aws_request_init(&req);
	strbuf err = STRBUF_INIT;
	int rc = -1;
	if (aws_proto_serialize(m, op, input, region, &req, &err) < 0) {
		strbuf_addf(&in->err, "%s %s: %s", service, op, err.buf);
		goto out;
	}
	if (kdx_interp_client(in) < 0)
		goto out;
	if (aws_client_resolve(in->client, &req, aws_model_meta(m, "endpointPrefix"),
			       aws_model_signing_name(m), aws_model_meta(m, "serviceId"), region,
			       &err) < 0 ||
	    aws_xregion_presign(in->client, m, op, &req, time(NULL), &err) < 0) {
		strbuf_addf(&in->err, "%s %s: %s", service, op, err.buf);
		goto out;
	}
	in->requests++;
	if (mutating) {
		in->mutations++;
		in->mutated = true;
	}
	if (mutating && in->capture) /* the request as sent: without the token, which is no state */
		kdx_capture_add(in->capture, true, service, op, region, sent_input);
	if (mutating && in->rt->dry_run) {
		print_request(&in->log, &req, service, op);
		*out = kdx_value_map(&in->arena, 0);
		rc = 0;
		goto out;
	}
	if (mutating && kdx_interp_mark_sent(in) < 0)
		goto out;
	kdx_reqlog_entry le = { .step = in->step, .method = req.method, .service = service,
				.operation = op, .region = region ? region : req.region,
				.mutating = mutating };
	rc = send(in, m, op, &req, out, &le);
	if (rc == 0 && !mutating && in->capture)
		kdx_capture_add(in->capture, false, service, op, region, *out);
out:
	aws_request_release(&req);
	strbuf_release(&err);
	return rc;
}
