/* call: serialise, resolve, presign, send, parse -- one AWS operation end to end (call.h). */
#include "call.h"
#include "proto.h"
#include "xregion.h"

#include <time.h>

/* The request up to sending: serialised, and with a client resolved and presigned. */
static int prepare(aws_client **c, const aws_call *call, aws_request *req, strbuf *err)
{
	const aws_call_hooks *h = call->hooks;
	const aws_model *m = call->model;
	if (aws_proto_serialize(m, call->operation, call->input, call->region, req, err) < 0)
		return -1;
	if (!*c && h && h->client && !(*c = h->client(call->ud, err)))
		return -1;
	if (!*c)
		return 0;
	if (aws_client_resolve(*c, req, aws_model_meta(m, "endpointPrefix"),
			       aws_model_signing_name(m), aws_model_meta(m, "serviceId"),
			       call->region, err) < 0)
		return -1;
	return aws_xregion_presign(*c, m, call->operation, req, time(NULL), err);
}

/* The answer in resp (sent, or from before_send) into *out or e. */
static int answer(const aws_call *call, const aws_response *resp, kdx_arena *a,
		  kdx_value **out, aws_error *e, strbuf *err)
{
	if (resp->status >= 300) {
		aws_proto_decode_error((void *)call->model, resp, e);
		aws_error_format(err, e);
		return AWS_CALL_SERVICE;
	}
	if (aws_proto_parse(call->model, call->operation, resp, a, out, err) < 0)
		return AWS_CALL_RESPONSE;
	return AWS_CALL_OK;
}

int aws_call_run(aws_client *c, const aws_call *call, kdx_arena *a, kdx_value **out,
		 aws_error *e, strbuf *err)
{
	const aws_call_hooks *h = call->hooks;
	aws_request req;
	aws_response resp;
	aws_request_init(&req);
	aws_response_init(&resp);
	aws_error_release(e);
	*out = NULL;
	int rc = AWS_CALL_REQUEST;
	if (prepare(&c, call, &req, err) < 0)
		goto out;
	int next = h && h->before_send ? h->before_send(call->ud, &req, &resp, err) : AWS_CALL_SEND;
	if (next == AWS_CALL_SKIP) {
		rc = AWS_CALL_OK;
		goto out;
	}
	if (next == AWS_CALL_ANSWERED) {
		rc = answer(call, &resp, a, out, e, err);
		goto out;
	}
	if (next != AWS_CALL_SEND)
		goto out;
	if (!c) {
		strbuf_addstr(err, "no AWS client to send the request with");
		goto out;
	}
	aws_call_opts co = { .decode = aws_proto_decode_error, .decode_ud = (void *)call->model,
			     .no_resend = call->no_resend };
	strbuf why = STRBUF_INIT;
	int sent = aws_client_send(c, &req, &co, &resp, e, &why);
	if (h && h->after_send)
		h->after_send(call->ud, &req, sent, &resp, e);
	if (sent == 0) {
		rc = answer(call, &resp, a, out, e, err);
	} else if (e->code && e->http_status) {
		aws_error_format(err, e);
		rc = AWS_CALL_SERVICE;
	} else {
		strbuf_addstr(err, why.buf);
		rc = AWS_CALL_TRANSPORT;
	}
	strbuf_release(&why);
out:
	aws_request_release(&req);
	aws_response_release(&resp);
	return rc;
}
