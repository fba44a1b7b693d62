/* kdx aws SUBCOMMAND: direct access to the AWS client -- `sign` shows every step of SigV4
 * for a raw HTTP request; `send` (hidden, for tests and debugging) signs and sends one raw
 * request with retries. Secrets (secret key, session token) are never printed. */
#include "cli.h"
#include "../common/arena.h"
#include "../common/value.h"
#include "../common/xalloc.h"
#include "../executor/aws/client.h"
#include "../executor/aws/sigv4.h"
#include "../executor/aws/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REDACTED "<redacted>"

static int aws_sign(const kdx_command *self, void *opts, kdx_strlist *pos);
static int aws_send(const kdx_command *self, void *opts, kdx_strlist *pos);
/* cmd_aws_call.c */
int cmd_aws_call(const kdx_command *self, void *opts, kdx_strlist *pos);
extern const kdx_options cmd_aws_call_opts;
static const kdx_options sign_opts, send_opts;

/* run by kdx_command_run like a command of kdx_commands; send is left out of kdx help aws */
static const kdx_command subs[] = {
	{ .name = "aws call", .summary = "Send one model-checked AWS request, print the response as JSON",
	  .usage = "Usage: kdx aws call SERVICE OPERATION [-region R] [-input JSON | Name=value ...]\n"
		   "                    [-endpoint-url URL] [-profile P] [-dry-run]\n\n"
		   "Checks the parameters against the service's AWS model (unknown operations and\n"
		   "parameters are errors with suggestions, required ones are checked), serialises\n"
		   "them in the service's protocol, signs and sends the request, and prints the\n"
		   "response as JSON. Parameters come from -input (a JSON object) or Name=value\n"
		   "arguments (the value is JSON unless the parameter is a string).\n\n",
	  .opts = &cmd_aws_call_opts, .run = cmd_aws_call },
	{ .name = "aws send", .hidden = true,
	  .summary = "Sign and send one raw HTTP request (debugging, tests)",
	  .usage = "Usage: kdx aws send -service NAME [-url URL] [-method M] [-body TEXT | -body-file F]\n"
		   "                    [-header 'Name: value' ...] [-region R] [-profile P]\n"
		   "                    [-max-attempts N] [-timeout DURATION] [-seed N] [-verbose]\n"
		   "                    [-parallel N] [-endpoint-url URL]\n\n"
		   "Signs the request with the credential chain and sends it with the standard\n"
		   "retry mode; prints the HTTP status line and the body. Without -url the endpoint\n"
		   "is resolved from the service and region (-endpoint-url, AWS_ENDPOINT_URL_<SERVICE>,\n"
		   "AWS_ENDPOINT_URL honoured, in that order).\n\n",
	  .opts = &send_opts, .no_args = true, .run = aws_send },
	{ .name = "aws sign", .summary = "Show the SigV4 canonical request, string to sign and signature",
	  .usage = "Usage: kdx aws sign -request FILE [-context FILE] [-mode header|query]\n"
		   "                    [-region R] [-service S] [-date 2015-08-30T12:36:00Z] [-profile P]\n\n"
		   "Reads a raw HTTP request (the SigV4 test suite's request.txt layout) and prints\n"
		   "the canonical request, the string to sign, the signature and the signed request.\n"
		   "The context file (the suite's context.json) gives credentials, region, service,\n"
		   "timestamp and flags; without it credentials come from the chain, region and\n"
		   "service from the flags, and the date is now. Session tokens are shown as\n"
		   "<redacted>; secret keys never appear.\n\n",
	  .opts = &sign_opts, .no_args = true, .run = aws_sign },
	{ 0 },
};

/* kdx aws SUBCOMMAND ...: the dispatcher takes no flags of its own (-h prints its usage);
 * everything after SUBCOMMAND is the subcommand's, parsed by its own table. */
int cmd_aws(const kdx_command *aws, void *opts, kdx_strlist *pos)
{
	if (!pos->n)
		return kdx_usage_error(aws, "a subcommand is needed: call or sign");
	for (const kdx_command *s = subs; s->name; s++)
		if (!strcmp(s->name + 4, pos->items[0]))
			return kdx_command_run(s, (int)pos->n, (char **)pos->items);
	return kdx_usage_error(aws, "unknown subcommand 'aws %s'", pos->items[0]);
}

/* ---- shared helpers ---- */

static char *read_file(const char *path, size_t *len, strbuf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		strbuf_addf(err, "cannot read '%s': %m", path);
		return NULL;
	}
	strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

/* Replace every occurrence of a secret (raw and URI-encoded) in sb. */
static void redact(strbuf *sb, const char *secret)
{
	if (!secret || strlen(secret) < 4)
		return;
	strbuf enc = STRBUF_INIT;
	aws_uri_encode(&enc, secret, strlen(secret), false);
	const char *forms[] = { secret, enc.buf };
	for (int f = 0; f < 2; f++) {
		size_t sl = strlen(forms[f]);
		strbuf out = STRBUF_INIT;
		const char *p = sb->buf, *hit;
		while ((hit = strstr(p, forms[f]))) {
			strbuf_add(&out, p, (size_t)(hit - p));
			strbuf_addstr(&out, REDACTED);
			p = hit + sl;
		}
		strbuf_addstr(&out, p);
		strbuf_release(sb);
		*sb = out;
	}
	strbuf_release(&enc);
}

static int parse_date(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
	}
	if (!end || *end)
		return -1;
	*out = timegm(&tm);
	return 0;
}


static bool jbool(kdx_value *v, const char *key)
{
	kdx_value *x = kdx_value_get(v, key);
	return x && x->kind == KDX_V_BOOL && x->u.b;
}

/* ---- kdx aws sign ---- */

typedef struct sign_ctx {
	aws_credentials creds;
	const char *region, *service, *date;
	bool normalize_off, sign_body, omit_token;
	long expires;
} sign_ctx;

static int load_context(sign_ctx *sc, kdx_arena *a, const char *path, strbuf *err)
{
	size_t len;
	char *text = read_file(path, &len, err);
	if (!text)
		return -1;
	kdx_value *v = kdx_value_from_json(a, text, len, err);
	free(text);
	if (!v || v->kind != KDX_V_MAP) {
		strbuf_addf(err, "%s'%s' is not a JSON object like the suite's context.json",
			    err->len ? "; " : "", path);
		return -1;
	}
	kdx_value *cr = kdx_value_get(v, "credentials");
	const char *ak = kdx_value_str(kdx_value_get(cr, "access_key_id")), *sk = kdx_value_str(kdx_value_get(cr, "secret_access_key"));
	if (!ak || !sk) {
		strbuf_addf(err, "'%s' has no credentials.access_key_id / secret_access_key", path);
		return -1;
	}
	sc->creds.access_key_id = xstrdup(ak);
	sc->creds.secret_access_key = xstrdup(sk);
	const char *tok = kdx_value_str(kdx_value_get(cr, "token"));
	sc->creds.session_token = tok ? xstrdup(tok) : NULL;
	sc->region = sc->region ? sc->region : kdx_value_str(kdx_value_get(v, "region"));
	sc->service = sc->service ? sc->service : kdx_value_str(kdx_value_get(v, "service"));
	sc->date = sc->date ? sc->date : kdx_value_str(kdx_value_get(v, "timestamp"));
	kdx_value *norm = kdx_value_get(v, "normalize");
	sc->normalize_off = norm && norm->kind == KDX_V_BOOL && !norm->u.b;
	sc->sign_body = jbool(v, "sign_body");
	sc->omit_token = jbool(v, "omit_session_token");
	kdx_value *exp = kdx_value_get(v, "expiration_in_seconds");
	if (exp && exp->kind == KDX_V_NUMBER)
		sc->expires = (long)exp->u.num;
	return 0;
}

static void print_section(const char *title, strbuf *sb, const char *token)
{
	redact(sb, token);
	printf("# %s\n%s\n", title, sb->buf);
}

/* Sign req as the context says and print each step, session token redacted. */
static int sign_and_print(aws_request *req, const sign_ctx *sc, bool have_context, bool query,
			  time_t when, strbuf *err)
{
	aws_sigv4_params p;
	aws_sigv4_params_init(&p, &sc->creds, sc->service, when);
	p.region = sc->region;
	if (have_context) {
		p.no_normalize = sc->normalize_off;
		p.sign_body = sc->sign_body;
	}
	p.omit_session_token = sc->omit_token;
	p.expires = sc->expires;
	aws_sigv4_debug dbg;
	aws_sigv4_debug_init(&dbg);
	int s = query ? aws_sigv4_presign(req, &p, &dbg, err) : aws_sigv4_sign(req, &p, &dbg, err);
	if (s == 0) {
		strbuf signed_req = STRBUF_INIT;
		aws_http_format(&signed_req, req);
		print_section("canonical request", &dbg.canonical_request, sc->creds.session_token);
		print_section("string to sign", &dbg.string_to_sign, sc->creds.session_token);
		print_section("signature", &dbg.signature, sc->creds.session_token);
		print_section("signed request", &signed_req, sc->creds.session_token);
		strbuf_release(&signed_req);
	}
	aws_sigv4_debug_release(&dbg);
	return s;
}

typedef struct sign_args {
	sign_ctx sc;
	const char *request, *context, *mode, *profile;
} sign_args;

#define F(field, name, kind, arg, help) KDX_FLAG(sign_args, field, name, kind, arg, help)
static const kdx_flag sign_flags[] = {
	F(request, "request", KDX_FLAG_STRING, "FILE", "the raw HTTP request (required)"),
	F(context, "context", KDX_FLAG_STRING, "FILE",
	  "the suite's context.json: credentials, region, service, time"),
	F(mode, "mode", KDX_FLAG_STRING, "M", "header (default: an Authorization header) or query (presign)"),
	F(sc.region, "region", KDX_FLAG_STRING, "R", "the signing region (default: the profile's)"),
	F(sc.service, "service", KDX_FLAG_STRING, "S", "the signing service (e.g. sts)"),
	F(sc.date, "date", KDX_FLAG_STRING, "T", "the signing time, 2015-08-30T12:36:00Z (default: now)"),
	F(profile, "profile", KDX_FLAG_STRING, "P", "the credentials of profile P"),
	{ 0 },
};
#undef F

static const sign_args sign_defaults = { .sc = { .expires = 3600 }, .mode = "header" };
static const kdx_options sign_opts = { sign_flags, sizeof(sign_args), &sign_defaults };

static int aws_sign(const kdx_command *self, void *opts, kdx_strlist *pos)
{
	sign_args *sa = opts;
	sign_ctx sc = sa->sc;
	const char *request = sa->request, *context = sa->context, *mode = sa->mode;
	const char *profile = sa->profile;
	if (!request)
		return kdx_usage_error(self, "missing -request FILE");
	bool query = !strcmp(mode, "query");
	if (!query && strcmp(mode, "header"))
		return kdx_usage_error(self, "-mode is 'header' or 'query', not '%s'", mode);

	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	aws_request req;
	aws_request_init(&req);
	int rc = KDX_EXIT_ERROR;
	size_t len;
	char *text = NULL;
	aws_credentials_init(&sc.creds);
	if (context && load_context(&sc, &a, context, &err) < 0)
		goto out;
	if (!context) {
		aws_cred_opts co = { .profile = profile };
		if (aws_credentials_load(&sc.creds, &co, &err) < 0)
			goto out;
	}
	if (!sc.service) {
		strbuf_addstr(&err, "no signing service: pass -service (e.g. -service sts) or a -context file");
		goto out;
	}
	char *region_owned = NULL;
	if (!sc.region)
		sc.region = region_owned = aws_region_load(profile);
	time_t when = time(NULL);
	if (sc.date && parse_date(sc.date, &when) < 0) {
		strbuf_addf(&err, "bad -date '%s': want 2015-08-30T12:36:00Z or 20150830T123600Z", sc.date);
		free(region_owned);
		goto out;
	}
	if (!(text = read_file(request, &len, &err)) || aws_http_parse(&req, text, len, &err) < 0) {
		free(region_owned);
		goto out;
	}
	if (sign_and_print(&req, &sc, context != NULL, query, when, &err) == 0)
		rc = KDX_EXIT_OK;
	free(region_owned);
out:
	if (rc != KDX_EXIT_OK)
		fprintf(stderr, "kdx: error: %s\n", err.buf);
	free(text);
	aws_request_release(&req);
	aws_credentials_release(&sc.creds);
	strbuf_release(&err);
	kdx_arena_release(&a);
	return rc;
}

/* ---- kdx aws send ---- */

/* scheme://host[:port][/path][?query] into r, through the one URL parser (url.h). Plain
 * http to a host that is not loopback is let through here: the transport refuses it with
 * the same rule for every request. */
static int parse_url(aws_request *r, const char *url, strbuf *err)
{
	aws_url u;
	if (aws_url_parse(&u, url, AWS_URL_ANY_HTTP, "-url", NULL, err) < 0)
		return -1;
	r->scheme = xstrdup(u.scheme);
	r->host = aws_url_authority(&u);
	r->path = xstrdup(u.path);
	if (u.query)
		r->query = xstrdup(u.query);
	aws_url_release(&u);
	return 0;
}

static int add_headers(aws_request *r, const kdx_strlist *hs, strbuf *err)
{
	for (size_t i = 0; i < hs->n; i++) {
		const char *colon = strchr(hs->items[i], ':');
		if (!colon || colon == hs->items[i]) {
			strbuf_addf(err, "bad -header '%s': want 'Name: value'", hs->items[i]);
			return -1;
		}
		char *name = xstrndup(hs->items[i], (size_t)(colon - hs->items[i]));
		const char *v = colon + 1;
		while (*v == ' ')
			v++;
		aws_request_set_header(r, name, v);
		free(name);
	}
	return 0;
}

typedef struct send_flags {
	const char *service, *url, *method, *body, *body_file, *region, *profile, *timeout;
	const char *endpoint_url;
	long max_attempts, seed, parallel;
	bool verbose;
	kdx_strlist headers;
} send_flags;

#define F(field, name, kind, arg, help) KDX_FLAG(send_flags, field, name, kind, arg, help)
static const kdx_flag send_flags_table[] = {
	F(service, "service", KDX_FLAG_STRING, "NAME", "the service to sign for and send to (required)"),
	F(url, "url", KDX_FLAG_STRING, "URL", "the request's URL (default: the service's endpoint)"),
	F(method, "method", KDX_FLAG_STRING, "M", "the HTTP method (default GET)"),
	F(body, "body", KDX_FLAG_STRING, "TEXT", "the request body"),
	F(body_file, "body-file", KDX_FLAG_STRING, "F", "read the request body from F"),
	F(headers, "header", KDX_FLAG_MULTI, "'Name: value'", "add a header (repeatable)"),
	F(region, "region", KDX_FLAG_STRING, "R", "the region (default: the profile's)"),
	F(profile, "profile", KDX_FLAG_STRING, "P", "the credentials and region of profile P"),
	F(max_attempts, "max-attempts", KDX_FLAG_INT, "N", "attempts of the standard retry mode"),
	F(timeout, "timeout", KDX_FLAG_STRING, "DURATION", "give up on an attempt after DURATION"),
	F(seed, "seed", KDX_FLAG_INT, "N", "seed of the retry jitter"),
	F(verbose, "verbose", KDX_FLAG_BOOL, NULL, "print the number of attempts"),
	F(parallel, "parallel", KDX_FLAG_INT, "N",
	  "send N copies at once on one thread and print a summary"),
	F(endpoint_url, "endpoint-url", KDX_FLAG_STRING, "URL", "send the request to URL (an emulator)"),
	{ 0 },
};
#undef F

static int build_request(aws_client *c, aws_request *r, send_flags *f, strbuf *err)
{
	r->method = xstrdup(f->method);
	if (f->url) {
		if (parse_url(r, f->url, err) < 0)
			return -1;
		r->service = xstrdup(f->service);
		const char *region = f->region ? f->region : aws_client_region(c);
		if (!region) {
			strbuf_addstr(err, "no region: pass -region or set AWS_REGION");
			return -1;
		}
		r->region = xstrdup(region);
	} else {
		r->path = xstrdup("/");
		if (aws_client_resolve(c, r, f->service, f->service, NULL, f->region, err) < 0)
			return -1;
	}
	if (f->body_file) {
		size_t len;
		char *b = read_file(f->body_file, &len, err);
		if (!b)
			return -1;
		strbuf_add(&r->body, b, len);
		free(b);
	} else if (f->body) {
		strbuf_addstr(&r->body, f->body);
	}
	if (r->body.len)
		aws_request_set_header(r, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
	return add_headers(r, &f->headers, err);
}

typedef struct par_state {
	int ok, failed;
	strbuf first_error;
} par_state;

static void par_done(void *ud, aws_response *resp, const aws_error *e)
{
	par_state *ps = ud;
	if (!e) {
		ps->ok++;
		return;
	}
	ps->failed++;
	if (!ps->first_error.len)
		aws_error_format(&ps->first_error, e);
}

/* -parallel N: N copies of the request in flight at once on this one thread. */
static int send_parallel(aws_client *c, const aws_request *tmpl, send_flags *f, strbuf *err)
{
	size_t n = (size_t)f->parallel;
	aws_request *rs = xcalloc(n, sizeof(*rs));
	par_state ps = { 0, 0, STRBUF_INIT };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = KDX_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		aws_request *r = &rs[i];
		aws_request_init(r);
		r->method = xstrdup(tmpl->method);
		r->scheme = xstrdup(tmpl->scheme);
		r->host = xstrdup(tmpl->host);
		r->path = xstrdup(tmpl->path);
		r->query = tmpl->query ? xstrdup(tmpl->query) : NULL;
		r->service = xstrdup(tmpl->service);
		r->region = xstrdup(tmpl->region);
		for (size_t h = 0; h < tmpl->nheaders; h++)
			aws_request_set_header(r, tmpl->headers[h].name, tmpl->headers[h].value);
		strbuf_add(&r->body, tmpl->body.buf, tmpl->body.len);
		if (aws_client_submit(c, r, NULL, par_done, &ps, err) < 0) {
			rc = KDX_EXIT_ERROR;
			n = i;
			break;
		}
	}
	while (aws_client_run(c, 1000) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
	printf("%d ok, %d failed, %ld ms\n", ps.ok, ps.failed, ms);
	if (ps.failed) {
		strbuf_addf(err, "%d of %zu requests failed; first: %s", ps.failed, n, ps.first_error.buf);
		rc = KDX_EXIT_ERROR;
	}
	for (size_t i = 0; i < (size_t)f->parallel; i++)
		aws_request_release(&rs[i]);
	free(rs);
	strbuf_release(&ps.first_error);
	return rc;
}

static const send_flags send_defaults = { .method = "GET" };
static const kdx_options send_opts = { send_flags_table, sizeof(send_flags), &send_defaults };

static int aws_send(const kdx_command *self, void *opts, kdx_strlist *pos)
{
	send_flags f = *(send_flags *)opts; /* the headers are released by kdx_command_run */
	int rc = KDX_EXIT_ERROR;
	if (!f.service)
		return kdx_usage_error(self, "missing -service NAME");
	long timeout_ms = 0;
	if (f.timeout && (timeout_ms = (long)kdx_duration_parse(f.timeout)) <= 0) {
		return kdx_usage_error(self, "bad -timeout '%s': want a duration like 5s or 500ms", f.timeout);
	}
	strbuf err = STRBUF_INIT;
	aws_client *c = NULL;
	aws_request req;
	aws_response resp;
	aws_error e;
	aws_request_init(&req);
	aws_response_init(&resp);
	aws_error_init(&e);
	aws_client_opts o = { .region = f.region, .profile = f.profile,
			      .max_attempts = (int)f.max_attempts, .timeout_ms = timeout_ms,
			      .seed = (uint64_t)f.seed, .endpoint_url = f.endpoint_url };
	if (aws_client_new(&c, &o, &err) < 0 || build_request(c, &req, &f, &err) < 0)
		goto out;
	if (f.parallel > 1) {
		rc = send_parallel(c, &req, &f, &err);
		goto out;
	}
	int s = aws_client_send(c, &req, NULL, &resp, &e, &err);
	if (f.verbose)
		fprintf(stderr, "attempts: %d\n", aws_client_last_attempts(c));
	if (s == 0) {
		printf("HTTP %ld\n", resp.status);
		fwrite(resp.body.buf, 1, resp.body.len, stdout);
		if (resp.body.len && resp.body.buf[resp.body.len - 1] != '\n')
			putchar('\n');
		rc = KDX_EXIT_OK;
	}
out:
	if (rc != KDX_EXIT_OK)
		fprintf(stderr, "kdx: error: %s\n", err.buf);
	aws_error_release(&e);
	aws_response_release(&resp);
	aws_request_release(&req);
	aws_client_free(c);
	strbuf_release(&err);
	return rc;
}
