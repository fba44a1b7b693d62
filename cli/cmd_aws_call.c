/* kdx aws call: send one model-checked AWS request and print the response as JSON, or with
 * -dry-run print the exact HTTP request (credentials redacted) without sending it. */
#include "cli.h"
#include "../common/arena.h"
#include "../common/strbuf.h"
#include "../common/value.h"
#include "../executor/aws/call.h"
#include "../executor/aws/client.h"
#include "../executor/aws/endpoints.h"
#include "../executor/aws/model.h"
#include "../executor/aws/sigv4.h"
#include "../executor/aws/xregion.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int cmd_aws_call(const kdx_command *self, void *opts, kdx_strlist *pos);

typedef struct call_args {
	const char *region, *input, *endpoint_url, *profile;
	bool dry_run;
} call_args;

/* Print each line of a multi-line message as its own "kdx: error:" line. */
static int fail(const char *service, const char *op, const strbuf *err)
{
	const char *p = err->buf;
	do {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (op)
			fprintf(stderr, "kdx: error: %s %s: %.*s\n", service, op, len, p);
		else
			fprintf(stderr, "kdx: error: %.*s\n", len, p);
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
	return KDX_EXIT_ERROR;
}

/* key=value arguments: the value is text for string-like members, JSON for the rest
 * ("TTL=60", "Enabled=true", "Tags=[...]"); text that is not JSON stays text. */
static kdx_value *input_from_pairs(kdx_arena *a, const aws_operation *op, const char **kv,
				   size_t n, strbuf *err)
{
	kdx_value *v = kdx_value_map(a, n);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		if (!eq || eq == kv[i]) {
			strbuf_addf(err, "argument '%s' is not NAME=VALUE; pass parameters as "
				    "Name=value or with -input JSON", kv[i]);
			return NULL;
		}
		aws_shape m;
		const char *key = kdx_arena_strndup(a, kv[i], (size_t)(eq - kv[i]));
		kdx_value *val = NULL;
		bool text = aws_shape_member(&op->input, key, &m) &&
			    (m.type == AWS_T_STRING || m.type == AWS_T_TIMESTAMP || m.type == AWS_T_BLOB);
		if (!text) {
			strbuf jerr = STRBUF_INIT;
			val = kdx_value_from_json(a, eq + 1, strlen(eq + 1), &jerr);
			strbuf_release(&jerr);
		}
		v->u.map.keys[i] = key;
		v->u.map.vals[i] = val ? val : kdx_value_string(a, eq + 1);
	}
	return v;
}

static void print_json(const kdx_value *v)
{
	strbuf sb = STRBUF_INIT;
	kdx_json *j = kdx_value_json(v);
	kdx_json_write_pretty(&sb, j);
	kdx_json_free(j);
	puts(sb.buf);
	strbuf_release(&sb);
}

static void print_request(const aws_request *r)
{
	printf("%s %s://%s%s%s%s\n", r->method, r->scheme, r->host, r->path, r->query ? "?" : "",
	       r->query ? r->query : "");
	for (size_t i = 0; i < r->nheaders; i++) {
		const char *name = r->headers[i].name;
		bool secret = !strcasecmp(name, "Authorization") ||
			      !strcasecmp(name, "X-Amz-Security-Token");
		printf("%s: %s\n", name, secret ? "<redacted>" : r->headers[i].value);
	}
	putchar('\n');
	strbuf body = STRBUF_INIT;
	strbuf_add(&body, r->body.buf, r->body.len);
	aws_xregion_redact(&body);
	fwrite(body.buf, 1, body.len, stdout);
	strbuf_release(&body);
	if (r->body.len && r->body.buf[r->body.len - 1] != '\n')
		putchar('\n');
}

/* A SourceRegion's PreSignedUrl (executor/aws/xregion.h), with the source Region's endpoint
 * resolved as the request's was. */
static int presign_source(const aws_endpoint_query *dq, const aws_credentials *creds,
			  const aws_model *m, const char *op, aws_request *req, strbuf *err)
{
	strbuf source = STRBUF_INIT;
	if (!aws_xregion_op(m, op) || !aws_xregion_source(req, &source)) {
		strbuf_release(&source);
		return 0;
	}
	aws_endpoint_query q = *dq;
	q.region = source.buf;
	aws_endpoint ep;
	aws_request src;
	aws_request_init(&src);
	int rc = aws_endpoint_resolve(&ep, &q, err);
	if (rc == 0) {
		aws_endpoint_apply(&ep, &src, aws_model_signing_name(m));
		aws_endpoint_release(&ep);
		rc = aws_xregion_presign_with(creds, &src, op, req, time(NULL), err);
	}
	aws_request_release(&src);
	strbuf_release(&source);
	return rc;
}

/* What the hooks of one call need. */
typedef struct call_ctx {
	const call_args *ca;
	const aws_model *m;
	const char *op;
	aws_client *client;
} call_ctx;

/* -dry-run (aws_call_hooks.before_send without a client): resolve and sign as a real call
 * would (when credentials are there), print, and send nothing. */
static int dry_run(void *ud, aws_request *req, aws_response *resp, strbuf *err)
{
	(void)resp;
	const call_ctx *cx = ud;
	const call_args *ca = cx->ca;
	aws_endpoint ep;
	char *region = ca->region ? strdup(ca->region) : aws_region_load(ca->profile);
	aws_endpoint_config cfg;
	aws_endpoint_config_load(&cfg, ca->profile);
	aws_endpoint_query q = { .endpoint_prefix = aws_model_meta(cx->m, "endpointPrefix"),
				 .service_id = aws_model_meta(cx->m, "serviceId"),
				 .region = region, .override_url = ca->endpoint_url, .config = &cfg };
	int rc = aws_endpoint_resolve(&ep, &q, err);
	if (rc < 0) {
		free(region);
		return -1;
	}
	aws_endpoint_apply(&ep, req, NULL);
	aws_endpoint_release(&ep);
	aws_credentials creds;
	aws_cred_opts co = { .profile = ca->profile };
	strbuf cerr = STRBUF_INIT;
	aws_credentials_init(&creds);
	if (aws_credentials_load(&creds, &co, &cerr) == 0) {
		aws_sigv4_params sp;
		aws_sigv4_params_init(&sp, &creds, req->service, time(NULL));
		rc = presign_source(&q, &creds, cx->m, cx->op, req, err);
		if (rc == 0)
			rc = aws_sigv4_sign(req, &sp, NULL, err);
	} else {
		aws_request_set_header(req, "Host", req->host);
		fprintf(stderr, "kdx: note: request not signed: no AWS credentials found "
			"(a real call would fail the same way)\n");
	}
	aws_credentials_release(&creds);
	strbuf_release(&cerr);
	free(region);
	if (rc < 0)
		return -1;
	print_request(req);
	return AWS_CALL_SKIP;
}

/* aws_call_hooks.client: made once the input is known good. */
static aws_client *make_client(void *ud, strbuf *err)
{
	call_ctx *cx = ud;
	aws_client_opts o = { .region = cx->ca->region, .profile = cx->ca->profile,
			      .endpoint_url = cx->ca->endpoint_url };
	return aws_client_new(&cx->client, &o, err) < 0 ? NULL : cx->client;
}

/* An error the service sent back, as CODE: message (request id ...), its fields below. */
static void fail_service(const char *service, const char *op, const aws_error *e)
{
	strbuf msg = STRBUF_INIT;
	strbuf_addf(&msg, "%s", e->code);
	if (e->message && *e->message)
		strbuf_addf(&msg, ": %s", e->message);
	if (e->request_id && *e->request_id)
		strbuf_addf(&msg, " (request id %s)", e->request_id);
	else
		strbuf_addf(&msg, " (HTTP %ld)", e->http_status);
	if (e->fields)
		strbuf_addf(&msg, "\n  error fields: %s", e->fields);
	fail(service, op, &msg);
	strbuf_release(&msg);
}

static int run(const call_args *ca, const char *service, const char *opname,
	       const char **pairs, size_t npairs)
{
	aws_model *m = NULL;
	aws_operation op;
	aws_error e;
	strbuf err = STRBUF_INIT;
	kdx_arena a;
	kdx_value *input = NULL;
	int rc = KDX_EXIT_ERROR;
	kdx_arena_init(&a);
	aws_error_init(&e);
	call_ctx cx = { .ca = ca, .op = opname };
	if (aws_model_load(service, &m, &err) < 0 ||
	    aws_model_operation(m, opname, &op, &err) < 0) {
		fail(service, NULL, &err);
		goto out;
	}
	cx.m = m;
	if (ca->input) {
		strbuf jerr = STRBUF_INIT;
		input = kdx_value_from_json(&a, ca->input, strlen(ca->input), &jerr);
		if (!input) {
			strbuf_addf(&err, "-input is not JSON (%s); pass an object such as "
				    "-input '{\"Name\": \"value\"}'", jerr.buf);
			strbuf_release(&jerr);
			fail(service, opname, &err);
			goto out;
		}
		strbuf_release(&jerr);
	} else {
		input = input_from_pairs(&a, &op, pairs, npairs, &err);
		if (!input) {
			fail(service, opname, &err);
			goto out;
		}
	}
	static const aws_call_hooks dry = { .before_send = dry_run };
	static const aws_call_hooks live = { .client = make_client };
	aws_call call = { .model = m, .operation = opname, .input = input, .region = ca->region,
			  .hooks = ca->dry_run ? &dry : &live, .ud = &cx };
	kdx_value *out = NULL;
	switch (aws_call_run(NULL, &call, &a, &out, &e, &err)) {
	case AWS_CALL_OK:
		if (out)
			print_json(out);
		rc = KDX_EXIT_OK;
		break;
	case AWS_CALL_SERVICE:
		fail_service(aws_model_service(m), opname, &e);
		break;
	case AWS_CALL_RESPONSE:
		fail(aws_model_service(m), NULL, &err);
		break;
	default:
		fail(aws_model_service(m), opname, &err);
	}
out:
	aws_client_free(cx.client);
	aws_model_free(m);
	aws_error_release(&e);
	strbuf_release(&err);
	kdx_arena_release(&a);
	return rc;
}

#define F(field, name, kind, arg, help) KDX_FLAG(call_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(region, "region", KDX_FLAG_STRING, "R", "the region (default: the profile's, $AWS_REGION)"),
	F(input, "input", KDX_FLAG_STRING, "JSON", "the parameters as one JSON object"),
	F(endpoint_url, "endpoint-url", KDX_FLAG_STRING, "URL", "send the request to URL (an emulator)"),
	F(profile, "profile", KDX_FLAG_STRING, "P", "the credentials and region of profile P"),
	F(dry_run, "dry-run", KDX_FLAG_BOOL, NULL,
	  "print the exact HTTP request instead (Authorization and session\n"
	  "token shown as <redacted>)"),
	{ 0 },
};
#undef F
const kdx_options cmd_aws_call_opts = { flags, sizeof(call_args), NULL };

/* argv: "call" SERVICE OPERATION [Name=value ...]; the flags may come anywhere. */
int cmd_aws_call(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	const call_args *ca = opts;
	if (pos->n < 2)
		return kdx_usage_error(cmd, "'aws call' needs a SERVICE and an OPERATION");
	if (ca->input && pos->n > 2)
		return kdx_usage_error(cmd, "give parameters either with -input JSON or as "
				     "Name=value arguments, not both");
	return run(ca, pos->items[0], pos->items[1], pos->items + 2, pos->n - 2);
}
