/* client: credentials + endpoints + signer + transport + standard-mode retries, with many
 * calls in flight on one thread; backoff waits are timers, never sleeps. */
#include "client.h"
#include "../../common/xalloc.h"
#include "../../common/monotime.h"
#include "endpoints.h"
#include "sigv4.h"
#include "transport.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct call call;

struct aws_client {
	aws_credentials creds;
	char *region;
	char *endpoint_url;
	aws_endpoint_config endpoints; /* FIPS, dual-stack...: read once per client */
	long timeout_ms;
	aws_retry_policy retry;
	aws_transport *tx;
	call *waiting; /* calls backing off before their next attempt */
	call *all;     /* every unfinished call, so free() can release them */
	char *profile; /* to reload expiring credentials from the chain; */
	bool from_chain;
	int ncalls;    /* calls not finished yet */
	int last_attempts;
};

struct call {
	aws_client *c;
	aws_request *r;
	aws_call_opts o;
	int attempt;
	int last_cost;
	long wake_at;
	aws_response resp;
	aws_error err;
	aws_client_done done;
	void *ud;
	call *next;
	call *all_prev, *all_next;
	bool failed; /* could not start an attempt: report it from the next aws_client_run() */
};

void aws_error_init(aws_error *e)
{
	memset(e, 0, sizeof(*e));
}

void aws_error_release(aws_error *e)
{
	free(e->code);
	free(e->message);
	free(e->request_id);
	free(e->fields);
	aws_error_init(e);
}

void aws_error_format(strbuf *sb, const aws_error *e)
{
	strbuf_addstr(sb, e->code ? e->code : "UnknownError");
	if (e->message && *e->message)
		strbuf_addf(sb, ": %s", e->message);
	bool paren = e->http_status || e->request_id || e->attempts > 1;
	if (!paren)
		return;
	const char *sep = " (";
	if (e->http_status) {
		strbuf_addf(sb, "%sHTTP %ld", sep, e->http_status);
		sep = ", ";
	}
	if (e->request_id) {
		strbuf_addf(sb, "%srequest id %s", sep, e->request_id);
		sep = ", ";
	}
	if (e->attempts > 1)
		strbuf_addf(sb, "%s%d attempts", sep, e->attempts);
	strbuf_addch(sb, ')');
}

int aws_client_new(aws_client **out, const aws_client_opts *opts, strbuf *err)
{
	aws_client_opts none = { 0 };
	const aws_client_opts *o = opts ? opts : &none;
	aws_client *c = xcalloc(1, sizeof(*c));
	if (o->credentials) {
		aws_credentials_copy(&c->creds, o->credentials);
	} else {
		aws_cred_opts co = { .profile = o->profile };
		if (aws_credentials_load(&c->creds, &co, err) < 0) {
			free(c);
			return -1;
		}
		c->from_chain = true;
		c->profile = o->profile ? xstrdup(o->profile) : NULL;
	}
	c->region = o->region && *o->region ? xstrdup(o->region) : aws_region_load(o->profile);
	c->endpoint_url = o->endpoint_url && *o->endpoint_url ? xstrdup(o->endpoint_url) : NULL;
	aws_endpoint_config_load(&c->endpoints, o->profile);
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
	aws_retry_policy_init(&c->retry, o->max_attempts, o->seed);
	if (aws_transport_new(&c->tx, err) < 0) {
		aws_client_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void aws_client_free(aws_client *c)
{
	if (!c)
		return;
	aws_transport_free(c->tx);
	/* Transfers are gone without callbacks; release the calls they belonged to. */
	while (c->all) {
		call *k = c->all;
		c->all = k->all_next;
		aws_response_release(&k->resp);
		aws_error_release(&k->err);
		free(k);
	}
	free(c->profile);
	aws_credentials_release(&c->creds);
	free(c->region);
	free(c->endpoint_url);
	free(c);
}

const char *aws_client_region(const aws_client *c)
{
	return c->region;
}

const aws_credentials *aws_client_credentials(const aws_client *c)
{
	return &c->creds;
}

int aws_client_retry_quota(const aws_client *c)
{
	return c->retry.quota;
}

int aws_client_last_attempts(const aws_client *c)
{
	return c->last_attempts;
}

/* A model's endpointPrefix becomes part of a host name ("PREFIX.REGION.amazonaws.com"):
 * only DNS labels joined by dots, so a model cannot turn it into another host ("evil.com/",
 * "x@evil.com", "a#"). The signing name goes into the credential scope: labels too. */
static bool dns_labels(const char *s)
{
	size_t label = 0;
	for (; s && *s; s++) {
		if (*s == '.') {
			if (!label || s[-1] == '-')
				return false;
			label = 0;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			   (*s == '-' && label)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && s[-1] != '-';
}

int aws_client_resolve(aws_client *c, aws_request *r, const char *endpoint_prefix,
		       const char *signing_name, const char *service_id, const char *region,
		       strbuf *err)
{
	if (!dns_labels(endpoint_prefix) || (signing_name && !dns_labels(signing_name))) {
		strbuf_addf(err, "the model's %s '%s' is not a DNS name (lower-case labels joined by "
			    "dots): refused", dns_labels(endpoint_prefix) ? "signingName" :
			    "endpointPrefix", dns_labels(endpoint_prefix) ? signing_name :
			    endpoint_prefix ? endpoint_prefix : "");
		return -1;
	}
	aws_endpoint e;
	aws_endpoint_query q = { endpoint_prefix, service_id, region ? region : c->region,
				 c->endpoint_url, &c->endpoints };
	if (aws_endpoint_resolve(&e, &q, err) < 0)
		return -1;
	aws_endpoint_apply(&e, r, signing_name ? signing_name : endpoint_prefix);
	aws_endpoint_release(&e);
	return 0;
}

/* Replace every occurrence of the client's secret key and session token in sb: a server
 * (an emulator, a proxy, a hostile endpoint) may echo the token back in an error, and what
 * comes back is printed and journalled. */
static void redact_buf(const aws_client *c, strbuf *sb)
{
	const char *sec[2] = { c->creds.secret_access_key, c->creds.session_token };
	for (int i = 0; i < 2; i++) {
		size_t n = sec[i] ? strlen(sec[i]) : 0;
		if (n < 8 || !sb->len) /* too short to be a real secret, and to search for */
			continue;
		strbuf out = STRBUF_INIT;
		const char *p = sb->buf, *hit;
		while ((hit = strstr(p, sec[i]))) {
			strbuf_add(&out, p, (size_t)(hit - p));
			strbuf_addstr(&out, "<redacted>");
			p = hit + n;
		}
		if (p == sb->buf) {
			strbuf_release(&out);
			continue;
		}
		strbuf_addstr(&out, p);
		kdx_wipe(sb->buf, sb->len);
		strbuf_release(sb);
		*sb = out;
	}
}

static void redact(const aws_client *c, char **s)
{
	if (!*s)
		return;
	strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, *s);
	redact_buf(c, &sb);
	free(*s);
	*s = strbuf_detach(&sb, NULL);
}

/* What a failed call hands back has no credential in it, whatever the server sent. */
static void redact_failure(const aws_client *c, call *k)
{
	redact(c, &k->err.code);
	redact(c, &k->err.message);
	redact(c, &k->err.request_id);
	redact_buf(c, &k->resp.body);
	for (size_t i = 0; i < k->resp.nheaders; i++)
		redact(c, &k->resp.headers[i].value);
}

static void finish(call *k, bool ok)
{
	aws_client *c = k->c;
	if (!ok)
		redact_failure(c, k);
	c->ncalls--;
	if (k->all_prev)
		k->all_prev->all_next = k->all_next;
	else
		c->all = k->all_next;
	if (k->all_next)
		k->all_next->all_prev = k->all_prev;
	c->last_attempts = k->attempt;
	k->err.attempts = k->attempt;
	if (k->done)
		k->done(k->ud, &k->resp, ok ? NULL : &k->err);
	aws_response_release(&k->resp);
	aws_error_release(&k->err);
	free(k);
}

static void on_transfer(void *ud, aws_tx_status st, const char *msg);

/* Callbacks only ever run from aws_client_run(), never inside aws_client_submit(). */
static void defer_failure(call *k)
{
	k->failed = true;
	k->wake_at = 0;
	k->next = k->c->waiting;
	k->c->waiting = k;
}

/* Temporary credentials (credential_process) are reloaded 5 minutes before they expire,
 * as the SDKs refresh theirs. */
static int refresh_credentials(aws_client *c, strbuf *err)
{
	if (!c->from_chain || !c->creds.expiration || time(NULL) < c->creds.expiration - 300)
		return 0;
	aws_credentials fresh;
	aws_cred_opts co = { .profile = c->profile };
	if (aws_credentials_load(&fresh, &co, err) < 0)
		return -1;
	aws_credentials_release(&c->creds);
	c->creds = fresh;
	return 0;
}

/* A header that held CR, LF or NUL was not kept (aws_request_set_header): the request
 * is not what its builder meant, so it is never signed or sent. */
static int refuse_bad_header(const aws_request *r, strbuf *err)
{
	if (!r->bad_header)
		return 0;
	/* the name may be a map key from the runbook: shown only when printable */
	strbuf_addf(err, "refusing to send a request whose header '%s' holds CR, LF or NUL in "
		    "its name or value; nothing was sent",
		    aws_header_ok(r->bad_header, "", 0) ? r->bad_header : "(unprintable name)");
	return -1;
}

static void start_attempt(call *k)
{
	aws_client *c = k->c;
	k->attempt++;
	aws_response_release(&k->resp);
	aws_error_release(&k->err);
	strbuf cerr = STRBUF_INIT;
	if (refresh_credentials(c, &cerr) < 0) {
		k->err.code = xstrdup("ExpiredToken");
		strbuf m = STRBUF_INIT;
		strbuf_addf(&m, "the credentials expired and could not be reloaded: %s", cerr.buf);
		k->err.message = strbuf_detach(&m, NULL);
		strbuf_release(&cerr);
		defer_failure(k);
		return;
	}
	strbuf_release(&cerr);
	aws_sigv4_params p;
	aws_sigv4_params_init(&p, &c->creds, k->r->service, time(NULL));
	p.unsigned_payload = k->o.unsigned_payload;
	k->r->fresh_connection = k->o.no_resend;
	strbuf err = STRBUF_INIT;
	long timeout = k->o.timeout_ms > 0 ? k->o.timeout_ms : c->timeout_ms;
	if (aws_sigv4_sign(k->r, &p, NULL, &err) < 0 || refuse_bad_header(k->r, &err) < 0 ||
	    aws_transport_start(c->tx, k->r, &k->resp, timeout, on_transfer, k, &err) < 0) {
		k->err.code = xstrdup("ClientError");
		k->err.message = strbuf_detach(&err, NULL);
		defer_failure(k);
		return;
	}
	strbuf_release(&err);
}

/* Decide after one attempt: done, or back off and go again. */
static void on_transfer(void *ud, aws_tx_status st, const char *msg)
{
	call *k = ud;
	aws_client *c = k->c;
	aws_retry_class cls;
	if (st == AWS_TX_OK && k->resp.status >= 200 && k->resp.status < 300) {
		aws_retry_success(&c->retry, k->last_cost);
		finish(k, true);
		return;
	}
	if (st == AWS_TX_OK) {
		k->err.http_status = k->resp.status;
		aws_error_decoder dec = k->o.decode ? k->o.decode : aws_error_decode_default;
		dec(k->o.decode_ud, &k->resp, &k->err);
		cls = aws_retry_classify(k->resp.status, k->err.code, false, false);
	} else {
		k->err.code = xstrdup(st == AWS_TX_TIMEOUT ? "RequestTimeout" :
				      st == AWS_TX_CONNECTION ? "ConnectionError" : "TransportError");
		k->err.message = xstrdup(msg ? msg : "transfer failed");
		cls = st == AWS_TX_FATAL ? AWS_RETRY_NONE :
		      aws_retry_classify(0, NULL, st == AWS_TX_CONNECTION, st == AWS_TX_TIMEOUT);
		if (cls != AWS_RETRY_NONE && k->o.no_resend && k->resp.sent) {
			cls = AWS_RETRY_NONE;
			strbuf m = STRBUF_INIT;
			strbuf_addf(&m, "%s; the request had been sent, so it is not sent again",
				    k->err.message);
			free(k->err.message);
			k->err.message = strbuf_detach(&m, NULL);
		}
	}
	k->err.retry = cls;
	long delay;
	int cost;
	const char *why;
	if (!aws_retry_next(&c->retry, k->attempt, cls, &delay, &cost, &why)) {
		if (cls != AWS_RETRY_NONE && !strcmp(why, "retry quota exhausted")) {
			strbuf m = STRBUF_INIT;
			strbuf_addf(&m, "%s; not retried: the client's retry quota is exhausted",
				    k->err.message ? k->err.message : "");
			free(k->err.message);
			k->err.message = strbuf_detach(&m, NULL);
		}
		finish(k, false);
		return;
	}
	k->last_cost = cost;
	k->wake_at = (long)kdx_mono_ms() + delay;
	k->next = c->waiting;
	c->waiting = k;
}

int aws_client_submit(aws_client *c, aws_request *r, const aws_call_opts *o, aws_client_done done,
		      void *ud, strbuf *err)
{
	if (!r->host || !r->service || !r->region) {
		strbuf_addstr(err, "cannot send a request that has no endpoint: resolve it first");
		return -1;
	}
	if (refuse_bad_header(r, err) < 0)
		return -1;
	call *k = xcalloc(1, sizeof(*k));
	k->c = c;
	k->r = r;
	if (o)
		k->o = *o;
	k->done = done;
	k->ud = ud;
	aws_response_init(&k->resp);
	aws_error_init(&k->err);
	k->all_next = c->all;
	if (c->all)
		c->all->all_prev = k;
	c->all = k;
	c->ncalls++;
	start_attempt(k);
	return 0;
}

int aws_client_run(aws_client *c, long max_wait_ms)
{
	long now = (long)kdx_mono_ms(), next = -1;
	call **pp = &c->waiting;
	call *due = NULL;
	while (*pp) {
		call *k = *pp;
		if (k->wake_at <= now) {
			*pp = k->next;
			k->next = due;
			due = k;
		} else {
			if (next < 0 || k->wake_at < next)
				next = k->wake_at;
			pp = &k->next;
		}
	}
	while (due) {
		call *k = due;
		due = k->next;
		k->next = NULL;
		if (k->failed)
			finish(k, false);
		else
			start_attempt(k);
	}
	long wait = max_wait_ms;
	if (next >= 0 && next - now < wait)
		wait = next - now;
	if (wait < 0)
		wait = 0;
	if (aws_transport_inflight(c->tx))
		aws_transport_run(c->tx, wait);
	else if (c->waiting && wait > 0) {
		struct timespec ts = { wait / 1000, (wait % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	return c->ncalls;
}

typedef struct sync_result {
	bool done, ok;
	aws_response *resp;
	aws_error *e;
} sync_result;

static void sync_done(void *ud, aws_response *resp, const aws_error *e)
{
	sync_result *s = ud;
	s->done = true;
	s->ok = !e;
	aws_response_release(s->resp);
	*s->resp = *resp;
	aws_response_init(resp);
	if (e) {
		/* The call frees its error after this returns: take the strings instead. */
		*s->e = *e;
		aws_error_init((aws_error *)e);
	}
}

/* Codes that mean "these credentials are not accepted": worth a hint. */
static bool auth_error(const char *code)
{
	static const char *const codes[] = {
		"InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException",
		"InvalidSignatureException", "AuthFailure", "IncompleteSignature",
		"InvalidAccessKeyId", "ExpiredToken", "ExpiredTokenException", NULL,
	};
	for (const char *const *p = codes; code && *p; p++)
		if (!strcmp(*p, code))
			return true;
	return false;
}

int aws_client_send(aws_client *c, aws_request *r, const aws_call_opts *o, aws_response *resp,
		    aws_error *e, strbuf *err)
{
	aws_error_release(e);
	sync_result s = { false, false, resp, e };
	if (aws_client_submit(c, r, o, sync_done, &s, err) < 0)
		return -1;
	while (!s.done)
		aws_client_run(c, 1000);
	if (s.ok)
		return 0;
	strbuf_addf(err, "'%s' request to '%s' failed: ", r->service, r->host);
	aws_error_format(err, e);
	if (auth_error(e->code))
		strbuf_addf(err, "; check the AWS credentials (from %s)",
			    c->creds.source ? c->creds.source : "the caller");
	return -1;
}
