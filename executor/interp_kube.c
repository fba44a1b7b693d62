/* interp_kube: the host function kube_request(), through which stdlib's aws/eks talks to an
 * EKS cluster's Kubernetes API: TLS checked against the cluster's own CA (DescribeCluster's
 * certificateAuthority), an EKS token made with kdx's SigV4 signer, kdx's libcurl transport.
 * The token is a credential: it is never logged, journalled or put in a message, and a
 * server that echoes it has it masked. */
#include "interp_int.h"

#include "aws/client.h"
#include "aws/eks_token.h"
#include "aws/transport.h"

#include <string.h>
#include <time.h>

#define KUBE_TIMEOUT_MS 30000
#define KUBE_MSG_LIMIT 300

typedef struct kube_args {
	const char *endpoint, *ca, *cluster, *region, *method, *path;
	const kdx_value *body;
} kube_args;

static int get_args(kdx_interp *in, kdx_value **args, size_t nargs, kube_args *k)
{
	static const char *const names[] = { "endpoint", "ca_data", "cluster", "region",
					     "method", "path" };
	const char *v[6];
	if (nargs < 6 || nargs > 7) {
		strbuf_addstr(&in->err, "kube_request(endpoint, ca_data, cluster, region, method, "
			      "path[, body]) takes 6 or 7 arguments");
		return -1;
	}
	for (size_t i = 0; i < 6; i++) {
		v[i] = kdx_value_text(args[i]);
		if (!v[i] || !*v[i]) {
			strbuf_addf(&in->err, "kube_request: %s must be a non-empty string", names[i]);
			return -1;
		}
	}
	*k = (kube_args){ v[0], v[1], v[2], v[3], v[4], v[5], nargs > 6 ? args[6] : NULL };
	if (strncmp(k->endpoint, "https://", 8)) {
		strbuf_addf(&in->err, "kube_request: the cluster endpoint '%s' is not https",
			    k->endpoint);
		return -1;
	}
	if (k->path[0] != '/') {
		strbuf_addf(&in->err, "kube_request: the path '%s' does not begin with '/'", k->path);
		return -1;
	}
	return 0;
}

/* The request without its token (added last, so nothing before it can leak it). */
static void build(const kube_args *k, aws_request *r, strbuf *payload)
{
	const char *host = k->endpoint + 8;
	size_t hl = strcspn(host, "/");
	r->method = strdup(k->method);
	r->scheme = strdup("https");
	r->host = strndup(host, hl);
	r->path = strdup(k->path);
	aws_request_set_header(r, "Accept", "application/json");
	if (k->body && k->body->kind != KDX_V_NULL) {
		const char *s = kdx_value_text(k->body);
		if (s)
			strbuf_addstr(payload, s);
		else
			kdx_value_to_json(payload, k->body);
		/* PATCH: a JSON merge patch (RFC 7386) -- fields not named stay as they are */
		aws_request_set_header(r, "Content-Type", strcmp(k->method, "PATCH") ?
				       "application/json" : "application/merge-patch+json");
		strbuf_add(&r->body, payload->buf, payload->len);
	}
}

static void log_request(strbuf *log, const kube_args *k, const strbuf *payload)
{
	strbuf_addf(log, "# kubernetes %s (cluster %s in %s)\n%s %s%s\n", k->method, k->cluster,
		    k->region, k->method, k->endpoint, k->path);
	strbuf_addstr(log, "Authorization: <redacted>\n");
	if (payload->len)
		strbuf_addf(log, "\n%s\n", payload->buf);
	strbuf_addch(log, '\n');
}

/* Append text to sb with every copy of secret masked. */
static void add_masked(strbuf *sb, const char *text, size_t n, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0;
	for (size_t i = 0; i < n;) {
		if (sl && n - i >= sl && !memcmp(text + i, secret, sl)) {
			strbuf_addstr(sb, "<redacted>");
			i += sl;
		} else {
			strbuf_addch(sb, text[i++]);
		}
	}
}

/* An answer other than 2xx: the Status object's message when there is one. */
static void add_failure(kdx_interp *in, const kube_args *k, const aws_response *resp,
			const char *token)
{
	strbuf_addf(&in->err, "kubernetes %s %s: HTTP %ld", k->method, k->path, resp->status);
	strbuf e = STRBUF_INIT;
	kdx_value *st = kdx_value_from_json(&in->arena, resp->body.buf ? resp->body.buf : "",
					    resp->body.len, &e);
	strbuf_release(&e);
	const char *msg = kdx_value_str(kdx_value_get(st, "message"));
	if (!msg && resp->body.len)
		msg = resp->body.buf;
	if (msg && *msg) {
		size_t n = strlen(msg);
		strbuf_addstr(&in->err, ": ");
		add_masked(&in->err, msg, n < KUBE_MSG_LIMIT ? n : KUBE_MSG_LIMIT, token);
	}
}

int kdx_interp_kube_request(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out)
{
	kube_args k;
	if (get_args(in, args, nargs, &k) < 0)
		return -1;
	bool mutating = strcmp(k.method, "GET") != 0;
	aws_request req;
	aws_request_init(&req);
	strbuf payload = STRBUF_INIT, ca = STRBUF_INIT, token = STRBUF_INIT, err = STRBUF_INIT;
	aws_response resp;
	aws_response_init(&resp);
	int rc = -1;
	build(&k, &req, &payload);
	in->requests++;
	if (mutating) {
		in->mutations++;
		in->mutated = true;
	}
	if (mutating && in->rt->dry_run) {
		log_request(&in->log, &k, &payload);
		*out = kdx_value_map(&in->arena, 0);
		rc = 0;
		goto out;
	}
	if (aws_eks_ca_pem(&ca, k.ca, strlen(k.ca), &err) < 0 || kdx_interp_client(in) < 0 ||
	    aws_eks_token(&token, aws_client_credentials(in->client), k.region, k.cluster,
			  time(NULL), &err) < 0) {
		strbuf_addf(&in->err, "kubernetes %s %s: %s", k.method, k.path,
			    err.len ? err.buf : "no AWS client");
		goto out;
	}
	strbuf bearer = STRBUF_INIT;
	strbuf_addf(&bearer, "Bearer %s", token.buf);
	aws_request_set_header(&req, "Authorization", bearer.buf);
	memset(bearer.buf, 0, bearer.len);
	strbuf_release(&bearer);
	if (mutating && kdx_interp_mark_sent(in) < 0)
		goto out;
	if (aws_transport_exchange(&req, ca.buf, ca.len, KUBE_TIMEOUT_MS, &resp, &err) < 0) {
		strbuf_addf(&in->err, "kubernetes %s %s%s: %s", k.method, k.endpoint, k.path,
			    err.buf);
		goto out;
	}
	strbuf_reset(&in->observed);
	strbuf_addf(&in->observed, "%s %s answered %ld", k.method, k.path, resp.status);
	if (resp.status < 200 || resp.status > 299) {
		add_failure(in, &k, &resp, token.buf);
		goto out;
	}
	*out = kdx_value_from_json(&in->arena, resp.body.buf ? resp.body.buf : "", resp.body.len,
				   &err);
	if (!*out) {
		strbuf_addf(&in->err, "kubernetes %s %s: the answer is not JSON: %s", k.method,
			    k.path, err.buf);
		goto out;
	}
	rc = 0;
out:
	/* the Authorization header and the token are credentials */
	for (size_t i = 0; i < req.nheaders; i++)
		if (!strcmp(req.headers[i].name, "Authorization"))
			memset(req.headers[i].value, 0, strlen(req.headers[i].value));
	if (token.buf)
		memset(token.buf, 0, token.len);
	aws_request_release(&req);
	aws_response_release(&resp);
	strbuf_release(&payload);
	strbuf_release(&ca);
	strbuf_release(&token);
	strbuf_release(&err);
	return rc;
}
