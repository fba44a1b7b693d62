/* http_parse: HTTP/1.1 response framing (RFC 9112) and request serialisation, no I/O. */
#include "http_parse.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { S_STATUS, S_HEADERS, S_BODY_CL, S_BODY_CLOSE, S_CHUNK_SIZE, S_CHUNK_DATA, S_CHUNK_CRLF,
       S_TRAILERS, S_DONE };
enum { F_NONE, F_LENGTH, F_CHUNKED, F_CLOSE };

#define MAX_CHUNK_LINE 4096
#define MAX_STATUS_BLANKS 4

void kdx_http_parser_init(kdx_http_parser *p)
{
	memset(p, 0, sizeof(*p));
	strbuf_init(&p->body);
	strbuf_init(&p->err);
	strbuf_init(&p->line);
}

static void clear_headers(kdx_http_parser *p)
{
	for (size_t i = 0; i < p->nheaders; i++) {
		free(p->headers[i].name);
		free(p->headers[i].value);
	}
	p->nheaders = 0;
}

void kdx_http_parser_release(kdx_http_parser *p)
{
	clear_headers(p);
	free(p->headers);
	p->headers = NULL;
	p->aheaders = 0;
	strbuf_release(&p->body);
	strbuf_release(&p->err);
	strbuf_release(&p->line);
}

const char *kdx_http_parser_header(const kdx_http_parser *p, const char *name)
{
	for (size_t i = 0; i < p->nheaders; i++)
		if (!strcasecmp(p->headers[i].name, name))
			return p->headers[i].value;
	return NULL;
}

static int fail(kdx_http_parser *p, const char *fmt, const char *a)
{
	strbuf_reset(&p->err);
	strbuf_addf(&p->err, fmt, a);
	return -1;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim spaces/tabs in place; returns the start. */
static char *trim(char *s, size_t *len)
{
	size_t n = *len;
	while (n && is_ws(*s))
		s++, n--;
	while (n && is_ws(s[n - 1]))
		n--;
	*len = n;
	return s;
}

/* status-line = HTTP-version SP status-code [ SP reason-phrase ] */
static int parse_status(kdx_http_parser *p, char *s, size_t n)
{
	if (n < 12 || strncmp(s, "HTTP/1.", 7) || s[7] < '0' || s[7] > '9' || !is_ws(s[8]))
		return fail(p, "bad status line '%.60s' (not an HTTP/1.x response)", s);
	p->minor = s[7] - '0';
	size_t i = 8;
	while (i < n && is_ws(s[i]))
		i++;
	if (i + 3 > n || s[i] < '1' || s[i] > '5' || s[i + 1] < '0' || s[i + 1] > '9' ||
	    s[i + 2] < '0' || s[i + 2] > '9' || (i + 3 < n && !is_ws(s[i + 3])))
		return fail(p, "bad status code in '%.60s'", s);
	p->status = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	return 0;
}

static int parse_header_line(kdx_http_parser *p, char *s, size_t n)
{
	if (is_ws(*s)) { /* obs-fold: continues the previous header's value */
		if (!p->nheaders)
			return fail(p, "folded header line '%.60s' without a header before it", s);
		s = trim(s, &n);
		kdx_http_header *h = &p->headers[p->nheaders - 1];
		size_t old = strlen(h->value);
		h->value = xrealloc(h->value, old + n + 2);
		if (old && n)
			h->value[old++] = ' ';
		memcpy(h->value + old, s, n);
		h->value[old + n] = '\0';
		return 0;
	}
	char *colon = memchr(s, ':', n);
	if (!colon)
		return fail(p, "header line '%.60s' has no ':'", s);
	size_t nl = (size_t)(colon - s);
	char *name = trim(s, &nl);
	if (!nl)
		return fail(p, "header line '%.60s' has an empty name", s);
	for (size_t i = 0; i < nl; i++)
		if ((unsigned char)name[i] <= ' ' || name[i] == 0x7f)
			return fail(p, "header name '%.60s' has a space or control character", s);
	size_t vl = n - (size_t)(colon + 1 - s);
	char *v = trim(colon + 1, &vl);
	XGROW(p->headers, p->nheaders + 1, p->aheaders);
	p->headers[p->nheaders].name = xstrndup(name, nl);
	p->headers[p->nheaders].value = xstrndup(v, vl);
	p->nheaders++;
	return 0;
}

/* Calls f(p, token, len) for each comma-separated, trimmed, non-empty token. */
static int each_token(kdx_http_parser *p, const char *v,
		      int (*f)(kdx_http_parser *, const char *, size_t))
{
	while (*v) {
		const char *c = strchr(v, ',');
		size_t n = c ? (size_t)(c - v) : strlen(v);
		char *tok = trim((char *)v, &n);
		if (n && f(p, tok, n) < 0)
			return -1;
		v = c ? c + 1 : v + strlen(v);
	}
	return 0;
}

static int on_connection(kdx_http_parser *p, const char *t, size_t n)
{
	if (n == 5 && !strncasecmp(t, "close", 5))
		p->close_token = true;
	if (n == 10 && !strncasecmp(t, "keep-alive", 10))
		p->keepalive_token = true;
	return 0;
}

static int on_te(kdx_http_parser *p, const char *t, size_t n)
{
	if (n == 7 && !strncasecmp(t, "chunked", 7))
		p->te_seen = true;
	else if (!(n == 8 && !strncasecmp(t, "identity", 8))) {
		strbuf_reset(&p->err);
		strbuf_addf(&p->err, "unsupported Transfer-Encoding '%.*s'", (int)n, t);
		return -1;
	}
	return 0;
}

static int on_length(kdx_http_parser *p, const char *t, size_t n)
{
	unsigned long long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9') {
			strbuf_reset(&p->err);
			strbuf_addf(&p->err, "invalid Content-Length '%.*s'", (int)(n > 40 ? 40 : n), t);
			return -1;
		}
		if (v > (KDX_HTTP_MAX_BODY_BYTES - (unsigned)(t[i] - '0')) / 10) {
			strbuf_reset(&p->err);
			strbuf_addf(&p->err, "Content-Length '%.*s' exceeds the body limit of 256 MiB",
				    (int)(n > 40 ? 40 : n), t);
			return -1;
		}
		v = v * 10 + (unsigned)(t[i] - '0');
	}
	if (p->have_cl && v != p->cl) {
		strbuf_reset(&p->err);
		strbuf_addf(&p->err, "conflicting Content-Length values %llu and %llu", p->cl, v);
		return -1;
	}
	p->have_cl = true;
	p->cl = v;
	return 0;
}

static void finish(kdx_http_parser *p)
{
	p->state = S_DONE;
	p->done = true;
}

/* The header block is complete: decide how the body is delimited. */
static int end_of_headers(kdx_http_parser *p)
{
	if (p->status / 100 == 1) {
		if (p->status == 101)
			return fail(p, "unexpected '%s' (101 Switching Protocols)", "upgrade");
		clear_headers(p); /* 100 Continue and friends: the real answer follows */
		p->state = S_STATUS;
		p->header_bytes = 0;
		return 0;
	}
	p->close_token = p->keepalive_token = p->have_cl = p->te_seen = false;
	bool has_te = false;
	for (size_t i = 0; i < p->nheaders; i++) {
		const kdx_http_header *h = &p->headers[i];
		int r = 0;
		if (!strcasecmp(h->name, "connection"))
			r = each_token(p, h->value, on_connection);
		else if (!strcasecmp(h->name, "transfer-encoding"))
			has_te = true, r = each_token(p, h->value, on_te);
		else if (!strcasecmp(h->name, "content-length")) {
			if (!*h->value)
				return fail(p, "invalid Content-Length '%s'", "");
			r = each_token(p, h->value, on_length);
		}
		if (r < 0)
			return -1;
	}
	p->keep_alive = p->minor >= 1 ? !p->close_token : p->keepalive_token;
	bool nobody = p->head || p->status == 204 || p->status == 304 ||
		      (p->connect && p->status / 100 == 2);
	if (nobody) {
		finish(p);
		return 0;
	}
	if (has_te && p->te_seen) {
		p->framing = F_CHUNKED;
		if (p->have_cl) /* both: Transfer-Encoding wins, but do not trust the peer further */
			p->keep_alive = false;
		p->state = S_CHUNK_SIZE;
	} else if (has_te || !p->have_cl) {
		p->framing = F_CLOSE;
		p->keep_alive = false;
		p->state = S_BODY_CLOSE;
	} else {
		p->framing = F_LENGTH;
		p->remaining = p->cl;
		p->state = S_BODY_CL;
		if (!p->cl)
			finish(p);
	}
	return 0;
}

/* chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG */
static int chunk_size(kdx_http_parser *p, char *s, size_t n)
{
	s = trim(s, &n);
	unsigned long long v = 0;
	size_t i = 0;
	for (; i < n; i++) {
		int d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (v > (KDX_HTTP_MAX_BODY_BYTES >> 4))
			return fail(p, "chunk size '%.40s' exceeds the body limit of 256 MiB", s);
		v = v * 16 + (unsigned)d;
	}
	size_t j = i;
	while (j < n && is_ws(s[j]))
		j++;
	if (!i || (j < n && s[j] != ';'))
		return fail(p, "bad chunk size '%.40s'", s);
	if (p->body_seen + v > KDX_HTTP_MAX_BODY_BYTES)
		return fail(p, "chunked body exceeds the limit of %s", "256 MiB");
	p->remaining = v;
	p->state = v ? S_CHUNK_DATA : S_TRAILERS;
	return 0;
}

/* One complete line (CR/LF stripped) in a line-oriented state. */
static int on_line(kdx_http_parser *p, char *s, size_t n)
{
	switch (p->state) {
	case S_STATUS:
		if (!n) { /* tolerate a few stray blank lines before the status line */
			if (++p->header_bytes > MAX_STATUS_BLANKS)
				return fail(p, "bad status line '%s' (blank lines)", "");
			return 0;
		}
		if (parse_status(p, s, n) < 0)
			return -1;
		p->state = S_HEADERS;
		return 0;
	case S_HEADERS:
		return n ? parse_header_line(p, s, n) : end_of_headers(p);
	case S_CHUNK_SIZE:
		return chunk_size(p, s, n);
	case S_CHUNK_CRLF:
		if (n)
			return fail(p, "missing CRLF after chunk data (found '%.40s')", s);
		p->state = S_CHUNK_SIZE;
		return 0;
	case S_TRAILERS:
		if (!n)
			finish(p);
		return 0; /* trailer fields are read and dropped */
	}
	return 0;
}

static size_t line_limit(const kdx_http_parser *p)
{
	return p->state == S_CHUNK_SIZE || p->state == S_CHUNK_CRLF ? MAX_CHUNK_LINE
								    : KDX_HTTP_MAX_HEADER_BYTES;
}

/* Line states: gather up to '\n'. Returns bytes used or -1. */
static ssize_t feed_line(kdx_http_parser *p, const char *d, size_t len)
{
	const char *nl = memchr(d, '\n', len);
	size_t take = nl ? (size_t)(nl - d) + 1 : len;
	bool hdr = p->state == S_STATUS || p->state == S_HEADERS || p->state == S_TRAILERS;
	if (hdr) {
		p->header_bytes += take;
		if (p->header_bytes > KDX_HTTP_MAX_HEADER_BYTES)
			return fail(p, "response header block exceeds the %s limit", "64 KiB");
	} else if (p->line.len + take > line_limit(p)) {
		return fail(p, "chunk size line longer than %s", "4096 bytes");
	}
	strbuf_add(&p->line, d, take);
	if (!nl)
		return (ssize_t)take;
	size_t n = p->line.len - 1;
	if (n && p->line.buf[n - 1] == '\r')
		n--;
	p->line.buf[n] = '\0';
	if (memchr(p->line.buf, '\0', n))
		return fail(p, "NUL byte in the line '%.60s'", p->line.buf);
	int r = on_line(p, p->line.buf, n);
	strbuf_reset(&p->line);
	return r < 0 ? -1 : (ssize_t)take;
}

static void keep(kdx_http_parser *p, const char *d, size_t n)
{
	p->body_seen += n;
	if (p->keep_body && p->body.len + n > p->keep_body)
		n = p->body.len < p->keep_body ? p->keep_body - p->body.len : 0;
	strbuf_add(&p->body, d, n);
}

static ssize_t feed_body(kdx_http_parser *p, const char *d, size_t len)
{
	if (p->state == S_BODY_CLOSE) {
		if (p->body_seen + len > KDX_HTTP_MAX_BODY_BYTES)
			return fail(p, "response body exceeds the limit of %s", "256 MiB");
		keep(p, d, len);
		return (ssize_t)len;
	}
	size_t take = p->remaining < len ? (size_t)p->remaining : len;
	keep(p, d, take);
	p->remaining -= take;
	if (!p->remaining) {
		if (p->state == S_BODY_CL)
			finish(p);
		else
			p->state = S_CHUNK_CRLF;
	}
	return (ssize_t)take;
}

ssize_t kdx_http_parser_feed(kdx_http_parser *p, const char *data, size_t len)
{
	size_t used = 0;
	if (len)
		p->started = true;
	while (used < len && p->state != S_DONE) {
		ssize_t r;
		if (p->state == S_BODY_CL || p->state == S_BODY_CLOSE || p->state == S_CHUNK_DATA)
			r = feed_body(p, data + used, len - used);
		else
			r = feed_line(p, data + used, len - used);
		if (r < 0)
			return -1;
		used += (size_t)r;
	}
	return (ssize_t)used;
}

int kdx_http_parser_eof(kdx_http_parser *p)
{
	switch (p->state) {
	case S_DONE:
		return 0;
	case S_BODY_CLOSE:
		finish(p);
		p->keep_alive = false;
		return 0;
	case S_STATUS:
		return fail(p, "the connection closed %s", p->started ? "inside the status line"
								     : "before any response");
	case S_HEADERS:
		return fail(p, "the connection closed %s", "inside the response headers");
	case S_BODY_CL:
		strbuf_reset(&p->err);
		strbuf_addf(&p->err, "the connection closed after %llu of %llu body bytes",
			    p->body_seen, p->cl);
		return -1;
	default:
		return fail(p, "the connection closed %s", "inside the chunked body");
	}
}

void kdx_http_write_request(strbuf *out, const char *method, const char *target,
			    const char *host, const kdx_http_header *hdrs, size_t nhdrs,
			    const char *extra, const char *body, size_t body_len)
{
	bool have_host = false, have_ua = false, have_cl = false;
	for (size_t i = 0; i < nhdrs; i++) {
		have_host |= !strcasecmp(hdrs[i].name, "host");
		have_ua |= !strcasecmp(hdrs[i].name, "user-agent");
		have_cl |= !strcasecmp(hdrs[i].name, "content-length");
	}
	strbuf_addf(out, "%s %s HTTP/1.1\r\n", method, target);
	if (!have_host)
		strbuf_addf(out, "Host: %s\r\n", host);
	for (size_t i = 0; i < nhdrs; i++) /* signed: exactly as given */
		strbuf_addf(out, "%s: %s\r\n", hdrs[i].name, hdrs[i].value);
	/* A caller's (signed) Content-Length frames the body by itself. */
	if (!have_cl && (body_len || !strcmp(method, "POST") || !strcmp(method, "PUT") ||
			 !strcmp(method, "PATCH")))
		strbuf_addf(out, "Content-Length: %zu\r\n", body_len);
	if (!have_ua)
		strbuf_addstr(out, "User-Agent: kdx\r\n");
	if (extra)
		strbuf_addstr(out, extra);
	strbuf_addstr(out, "\r\n");
	if (body_len)
		strbuf_add(out, body, body_len);
}
