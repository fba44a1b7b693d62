/* sigv4: canonical request, string to sign and signature (AWS4-HMAC-SHA256), applied to
 * an aws_request as an Authorization header or as presigned query parameters. */
#include "sigv4.h"
#include "../../common/digest.h"
#include "../../common/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ALGORITHM "AWS4-HMAC-SHA256"

void aws_sigv4_debug_init(aws_sigv4_debug *d)
{
	strbuf_init(&d->canonical_request);
	strbuf_init(&d->string_to_sign);
	strbuf_init(&d->signature);
	strbuf_init(&d->signed_headers);
}

void aws_sigv4_debug_release(aws_sigv4_debug *d)
{
	strbuf_release(&d->canonical_request);
	strbuf_release(&d->string_to_sign);
	strbuf_release(&d->signature);
	strbuf_release(&d->signed_headers);
}

void aws_sigv4_params_init(aws_sigv4_params *p, const aws_credentials *creds,
			   const char *service, time_t when)
{
	memset(p, 0, sizeof(*p));
	p->creds = creds;
	p->service = service;
	p->when = when;
	p->expires = 3600;
	/* S3 signs the path exactly as sent and wants the payload hash header. */
	if (service && !strcmp(service, "s3")) {
		p->no_normalize = true;
		p->no_double_encode = true;
		p->sign_body = true;
	}
}

void aws_sigv4_hex_sha256(const void *data, size_t len, char out[65])
{
	kdx_sha256_hex(data, len, out);
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

void aws_uri_encode(strbuf *sb, const char *s, size_t n, bool keep_slash)
{
	static const char hx[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c) || (keep_slash && c == '/')) {
			strbuf_addch(sb, c);
		} else {
			strbuf_addch(sb, '%');
			strbuf_addch(sb, hx[c >> 4]);
			strbuf_addch(sb, hx[c & 15]);
		}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void aws_uri_decode(strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			strbuf_addch(sb, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			strbuf_addch(sb, s[i]);
		}
	}
}

void aws_sigv4_normalize_path(strbuf *sb, const char *path)
{
	size_t n = strlen(path);
	if (!n) {
		strbuf_addch(sb, '/');
		return;
	}
	/* Segments kept so far, as (offset, length) into path. */
	size_t *off = xmalloc(sizeof(*off) * (n + 1)), *len = xmalloc(sizeof(*len) * (n + 1));
	size_t nseg = 0;
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && path[j] != '/')
			j++;
		size_t l = j - i;
		if (l == 2 && !strncmp(path + i, "..", 2)) {
			if (nseg)
				nseg--;
		} else if (l && !(l == 1 && path[i] == '.')) {
			off[nseg] = i;
			len[nseg++] = l;
		}
		i = j + 1;
	}
	strbuf_addch(sb, '/');
	for (size_t k = 0; k < nseg; k++) {
		if (k)
			strbuf_addch(sb, '/');
		strbuf_add(sb, path + off[k], len[k]);
	}
	if (nseg && path[n - 1] == '/')
		strbuf_addch(sb, '/');
	free(off);
	free(len);
}

static void canonical_uri(strbuf *sb, const char *path, const aws_sigv4_params *p)
{
	strbuf norm = STRBUF_INIT;
	if (!path || !*path)
		path = "/";
	if (p->no_normalize)
		strbuf_addstr(&norm, path);
	else
		aws_sigv4_normalize_path(&norm, path);
	if (p->no_double_encode)
		strbuf_add(sb, norm.buf, norm.len);
	else
		aws_uri_encode(sb, norm.buf, norm.len, true);
	strbuf_release(&norm);
}

typedef struct kv {
	char *k, *v;
	size_t order;
} kv;

static int kv_cmp(const void *a, const void *b)
{
	const kv *x = a, *y = b;
	int c = strcmp(x->k, y->k);
	if (c)
		return c;
	c = strcmp(x->v, y->v);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void kv_push(kv **arr, size_t *n, size_t *alloc, char *k, char *v)
{
	XGROW(*arr, *n + 1, *alloc);
	(*arr)[*n].k = k;
	(*arr)[*n].v = v;
	(*arr)[*n].order = *n;
	(*n)++;
}

static void kv_free(kv *arr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(arr[i].k);
		free(arr[i].v);
	}
	free(arr);
}

/* Decode then re-encode one query component, so raw and pre-encoded input agree. */
static char *reencode(const char *s, size_t n)
{
	strbuf dec = STRBUF_INIT, enc = STRBUF_INIT;
	aws_uri_decode(&dec, s, n);
	aws_uri_encode(&enc, dec.buf, dec.len, false);
	strbuf_release(&dec);
	return strbuf_detach(&enc, NULL);
}

static void split_query(const char *q, kv **arr, size_t *n, size_t *alloc)
{
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t l = amp ? (size_t)(amp - q) : strlen(q);
		if (l) {
			const char *eq = memchr(q, '=', l);
			size_t kl = eq ? (size_t)(eq - q) : l;
			char *k = reencode(q, kl);
			char *v = eq ? reencode(eq + 1, l - kl - 1) : xstrdup("");
			kv_push(arr, n, alloc, k, v);
		}
		q = amp ? amp + 1 : NULL;
	}
}

static void canonical_query(strbuf *sb, const char *query, kv *extra, size_t nextra)
{
	kv *arr = NULL;
	size_t n = 0, alloc = 0;
	split_query(query, &arr, &n, &alloc);
	for (size_t i = 0; i < nextra; i++)
		kv_push(&arr, &n, &alloc, xstrdup(extra[i].k), xstrdup(extra[i].v));
	if (n)
		qsort(arr, n, sizeof(*arr), kv_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(sb, '&');
		strbuf_addf(sb, "%s=%s", arr[i].k, arr[i].v);
	}
	kv_free(arr, n);
}

/* Headers an SDK never signs: they are changed by proxies or added after signing. */
static bool unsigned_header(const char *name)
{
	static const char *const skip[] = { "authorization", "user-agent", "expect",
					     "x-amzn-trace-id", "connection", NULL };
	for (const char *const *s = skip; *s; s++)
		if (!strcasecmp(name, *s))
			return true;
	return false;
}

/* Trim, and collapse runs of blanks (folded lines included) to one space. */
static void canonical_value(strbuf *sb, const char *v)
{
	bool space = false, started = false;
	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			space = started;
			continue;
		}
		if (space)
			strbuf_addch(sb, ' ');
		space = false;
		started = true;
		strbuf_addch(sb, *v);
	}
}

static void canonical_headers(strbuf *sb, strbuf *signed_hdrs, const aws_request *r)
{
	kv *arr = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; i < r->nheaders; i++) {
		if (unsigned_header(r->headers[i].name))
			continue;
		char *k = xstrdup(r->headers[i].name);
		for (char *c = k; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		strbuf v = STRBUF_INIT;
		canonical_value(&v, r->headers[i].value);
		kv_push(&arr, &n, &alloc, k, strbuf_detach(&v, NULL));
	}
	/* Same name: keep the original order, so sort by name then insertion order. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			int c = strcmp(arr[j - 1].k, arr[j].k);
			if (c < 0 || (c == 0 && arr[j - 1].order < arr[j].order))
				break;
			kv t = arr[j - 1];
			arr[j - 1] = arr[j];
			arr[j] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(arr[i - 1].k, arr[i].k)) {
			strbuf_addf(sb, ",%s", arr[i].v);
			continue;
		}
		if (i)
			strbuf_addch(sb, '\n');
		strbuf_addf(sb, "%s:%s", arr[i].k, arr[i].v);
		if (signed_hdrs->len)
			strbuf_addch(signed_hdrs, ';');
		strbuf_addstr(signed_hdrs, arr[i].k);
	}
	strbuf_addch(sb, '\n');
	kv_free(arr, n);
}

static int format_time(time_t when, char amzdate[17], char date[9], strbuf *err)
{
	struct tm tm;
	if (!gmtime_r(&when, &tm) || !strftime(amzdate, 17, "%Y%m%dT%H%M%SZ", &tm)) {
		strbuf_addstr(err, "cannot format the signing time; check the system clock");
		return -1;
	}
	memcpy(date, amzdate, 8);
	date[8] = '\0';
	return 0;
}

static void ensure_host(aws_request *r)
{
	if (!aws_request_get_header(r, "host") && r->host)
		aws_request_set_header(r, "Host", r->host);
}

typedef struct signing {
	char amzdate[17], date[9];
	const char *region, *service;
	strbuf scope;
	char payload[65];
	char sig[65];
} signing;

static void signing_release(signing *s)
{
	strbuf_release(&s->scope);
}

static int signing_start(signing *s, const aws_request *r, const aws_sigv4_params *p,
			 bool presign, strbuf *err)
{
	memset(s, 0, sizeof(*s));
	strbuf_init(&s->scope);
	s->region = p->region ? p->region : r->region;
	s->service = p->service ? p->service : r->service;
	if (!p->creds || !p->creds->access_key_id || !p->creds->secret_access_key) {
		strbuf_addstr(err, "cannot sign the request: no credentials");
		return -1;
	}
	if (!s->region || !s->service) {
		strbuf_addstr(err, "cannot sign the request: no signing region or service");
		return -1;
	}
	if (!r->method || (!r->host && !aws_request_get_header(r, "host"))) {
		strbuf_addstr(err, "cannot sign the request: it has no method or host");
		return -1;
	}
	if (format_time(p->when, s->amzdate, s->date, err) < 0)
		return -1;
	strbuf_addf(&s->scope, "%s/%s/%s/aws4_request", s->date, s->region, s->service);
	/* A presigned S3 URL is made before its body exists: S3 wants UNSIGNED-PAYLOAD. */
	if (p->unsigned_payload || (presign && !strcmp(s->service, "s3")))
		strcpy(s->payload, AWS_SIGV4_UNSIGNED_PAYLOAD);
	else
		aws_sigv4_hex_sha256(r->body.buf, r->body.len, s->payload);
	return 0;
}

/* Canonical request -> string to sign -> signature, into s->sig and dbg. */
static void signing_finish(signing *s, const aws_sigv4_params *p, const strbuf *creq,
			   aws_sigv4_debug *dbg)
{
	char creq_hash[65];
	aws_sigv4_hex_sha256(creq->buf, creq->len, creq_hash);
	strbuf sts = STRBUF_INIT;
	strbuf_addf(&sts, ALGORITHM "\n%s\n%s\n%s", s->amzdate, s->scope.buf, creq_hash);

	const char *secret = p->creds->secret_access_key;
	size_t klen = strlen(secret) + 4;
	unsigned char *k0 = xmalloc(klen + 1);
	memcpy(k0, "AWS4", 4);
	memcpy(k0 + 4, secret, klen - 4);
	unsigned char k1[32], k2[32], k3[32], k4[32], out[32];
	kdx_hmac_sha256(k0, klen, s->date, strlen(s->date), k1);
	kdx_hmac_sha256(k1, 32, s->region, strlen(s->region), k2);
	kdx_hmac_sha256(k2, 32, s->service, strlen(s->service), k3);
	kdx_hmac_sha256(k3, 32, "aws4_request", 12, k4);
	kdx_hmac_sha256(k4, 32, sts.buf, sts.len, out);
	kdx_hex(out, 32, s->sig);
	/* Derived keys are as good as the secret for a day: do not leave them around. */
	kdx_wipe(k0, klen);
	kdx_wipe(k1, 32);
	kdx_wipe(k2, 32);
	kdx_wipe(k3, 32);
	kdx_wipe(k4, 32);
	free(k0);
	if (dbg) {
		strbuf_reset(&dbg->canonical_request);
		strbuf_add(&dbg->canonical_request, creq->buf, creq->len);
		strbuf_reset(&dbg->string_to_sign);
		strbuf_add(&dbg->string_to_sign, sts.buf, sts.len);
		strbuf_reset(&dbg->signature);
		strbuf_addstr(&dbg->signature, s->sig);
	}
	strbuf_release(&sts);
}

int aws_sigv4_sign(aws_request *r, const aws_sigv4_params *p, aws_sigv4_debug *dbg,
		   strbuf *err)
{
	signing s;
	if (signing_start(&s, r, p, false, err) < 0) {
		signing_release(&s);
		return -1;
	}
	ensure_host(r);
	aws_request_set_header(r, "X-Amz-Date", s.amzdate);
	const char *token = p->creds->session_token;
	if (token && *token && !p->omit_session_token)
		aws_request_set_header(r, "X-Amz-Security-Token", token);
	if (p->sign_body)
		aws_request_set_header(r, "x-amz-content-sha256", s.payload);

	strbuf creq = STRBUF_INIT, sh = STRBUF_INIT;
	strbuf_addf(&creq, "%s\n", r->method);
	canonical_uri(&creq, r->path, p);
	strbuf_addch(&creq, '\n');
	canonical_query(&creq, r->query, NULL, 0);
	strbuf_addch(&creq, '\n');
	canonical_headers(&creq, &sh, r);
	strbuf_addf(&creq, "\n%s\n%s", sh.buf, s.payload);
	signing_finish(&s, p, &creq, dbg);

	strbuf auth = STRBUF_INIT;
	strbuf_addf(&auth, ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		    p->creds->access_key_id, s.scope.buf, sh.buf, s.sig);
	aws_request_set_header(r, "Authorization", auth.buf);
	if (token && *token && p->omit_session_token)
		aws_request_set_header(r, "X-Amz-Security-Token", token);
	if (dbg) {
		strbuf_reset(&dbg->signed_headers);
		strbuf_add(&dbg->signed_headers, sh.buf, sh.len);
	}
	strbuf_release(&auth);
	strbuf_release(&creq);
	strbuf_release(&sh);
	signing_release(&s);
	return 0;
}

static void add_param(strbuf *q, const char *k, const char *v)
{
	if (q->len)
		strbuf_addch(q, '&');
	strbuf_addf(q, "%s=", k);
	aws_uri_encode(q, v, strlen(v), false);
}

int aws_sigv4_presign(aws_request *r, const aws_sigv4_params *p, aws_sigv4_debug *dbg,
		      strbuf *err)
{
	signing s;
	if (signing_start(&s, r, p, true, err) < 0) {
		signing_release(&s);
		return -1;
	}
	if (p->expires < 1 || p->expires > 604800) {
		strbuf_addf(err, "cannot presign: expiry %ld s is outside 1..604800", p->expires);
		signing_release(&s);
		return -1;
	}
	ensure_host(r);
	strbuf creq = STRBUF_INIT, sh = STRBUF_INIT, hdrs = STRBUF_INIT;
	canonical_headers(&hdrs, &sh, r);

	char expires[24];
	snprintf(expires, sizeof(expires), "%ld", p->expires);
	strbuf cred = STRBUF_INIT;
	strbuf_addf(&cred, "%s/%s", p->creds->access_key_id, s.scope.buf);
	const char *token = p->creds->session_token;
	bool sign_token = token && *token && !p->omit_session_token;
	const char *names[] = { "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
				"X-Amz-SignedHeaders", "X-Amz-Expires", "X-Amz-Security-Token" };
	const char *vals[] = { ALGORITHM, cred.buf, s.amzdate, sh.buf, expires, token };
	size_t nparams = sign_token ? 6 : 5;
	kv extra[6];
	for (size_t i = 0; i < nparams; i++) {
		extra[i].k = (char *)names[i];
		extra[i].v = reencode(vals[i], strlen(vals[i]));
	}

	strbuf_addf(&creq, "%s\n", r->method);
	canonical_uri(&creq, r->path, p);
	strbuf_addch(&creq, '\n');
	canonical_query(&creq, r->query, extra, nparams);
	strbuf_addf(&creq, "\n%s\n%s\n%s", hdrs.buf, sh.buf, s.payload);
	signing_finish(&s, p, &creq, dbg);
	for (size_t i = 0; i < nparams; i++)
		free(extra[i].v);

	strbuf q = STRBUF_INIT;
	if (r->query)
		strbuf_addstr(&q, r->query);
	for (size_t i = 0; i < 5; i++)
		add_param(&q, names[i], vals[i]);
	if (token && *token)
		add_param(&q, "X-Amz-Security-Token", token);
	add_param(&q, "X-Amz-Signature", s.sig);
	free(r->query);
	r->query = strbuf_detach(&q, NULL);
	if (dbg) {
		strbuf_reset(&dbg->signed_headers);
		strbuf_add(&dbg->signed_headers, sh.buf, sh.len);
	}
	strbuf_release(&cred);
	strbuf_release(&creq);
	strbuf_release(&sh);
	strbuf_release(&hdrs);
	signing_release(&s);
	return 0;
}

static void add_header(aws_request *r, const char *name, size_t nlen, const char *value,
		       size_t vlen)
{
	XGROW(r->headers, r->nheaders + 1, r->aheaders);
	r->headers[r->nheaders].name = xstrndup(name, nlen);
	r->headers[r->nheaders].value = xstrndup(value, vlen);
	r->nheaders++;
}

static int parse_request_line(aws_request *r, const char *line, size_t n, strbuf *err)
{
	const char *sp = memchr(line, ' ', n);
	/* The target may hold spaces, so cut the version off the end instead of splitting. */
	size_t end = n;
	for (size_t i = n; i > 0; i--) {
		if (line[i - 1] == ' ') {
			if (n - i >= 5 && !strncmp(line + i, "HTTP/", 5))
				end = i - 1;
			break;
		}
	}
	if (!sp || (size_t)(sp - line) >= end) {
		strbuf_addstr(err, "bad request line: want 'METHOD /path HTTP/1.1'");
		return -1;
	}
	r->method = xstrndup(line, (size_t)(sp - line));
	const char *t = sp + 1;
	size_t tl = end - (size_t)(t - line);
	const char *q = memchr(t, '?', tl);
	if (q) {
		r->path = xstrndup(t, (size_t)(q - t));
		r->query = xstrndup(q + 1, tl - (size_t)(q - t) - 1);
	} else {
		r->path = xstrndup(t, tl);
	}
	return 0;
}

int aws_http_parse(aws_request *r, const char *text, size_t len, strbuf *err)
{
	const char *p = text, *end = text + len;
	const char *nl = memchr(p, '\n', len);
	size_t l = nl ? (size_t)(nl - p) : len;
	if (parse_request_line(r, p, l, err) < 0)
		return -1;
	p = nl ? nl + 1 : end;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l && p[l - 1] == '\r')
			l--;
		if (!l) {
			p = nl ? nl + 1 : end;
			strbuf_add(&r->body, p, (size_t)(end - p));
			break;
		}
		if ((*p == ' ' || *p == '\t') && r->nheaders) {
			/* obs-fold: the line continues the previous header's value */
			aws_header *h = &r->headers[r->nheaders - 1];
			strbuf v = STRBUF_INIT;
			strbuf_addstr(&v, h->value);
			strbuf_add(&v, p, l);
			free(h->value);
			h->value = strbuf_detach(&v, NULL);
		} else {
			const char *colon = memchr(p, ':', l);
			if (!colon || colon == p) {
				strbuf_addf(err, "bad header line '%.*s': want 'Name:value'", (int)l, p);
				return -1;
			}
			add_header(r, p, (size_t)(colon - p), colon + 1, l - (size_t)(colon - p) - 1);
		}
		p = nl ? nl + 1 : end;
	}
	const char *host = aws_request_get_header(r, "host");
	if (host) {
		strbuf h = STRBUF_INIT;
		canonical_value(&h, host);
		r->host = strbuf_detach(&h, NULL);
	}
	r->scheme = xstrdup("https");
	return 0;
}

void aws_http_format(strbuf *sb, const aws_request *r)
{
	strbuf_addf(sb, "%s %s", r->method ? r->method : "GET", r->path ? r->path : "/");
	if (r->query && *r->query)
		strbuf_addf(sb, "?%s", r->query);
	strbuf_addstr(sb, " HTTP/1.1\n");
	for (size_t i = 0; i < r->nheaders; i++)
		strbuf_addf(sb, "%s:%s\n", r->headers[i].name, r->headers[i].value);
	strbuf_addch(sb, '\n');
	strbuf_add(sb, r->body.buf, r->body.len);
}
