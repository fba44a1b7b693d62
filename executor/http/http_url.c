/* http_url: parsing absolute http(s) URLs and choosing a proxy from the environment. */
#include "http_url.h"
#include "../../common/xalloc.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void kdx_http_url_release(kdx_http_url *u)
{
	free(u->host);
	free(u->authority);
	free(u->target);
	free(u->user);
	if (u->pass)
		kdx_wipe(u->pass, strlen(u->pass));
	free(u->pass);
	memset(u, 0, sizeof(*u));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static char *pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* authority = [ userinfo "@" ] host [ ":" port ]; host may be "[v6]". */
static int parse_authority(kdx_http_url *u, const char *a, size_t n, strbuf *err)
{
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	if (at) {
		const char *colon = memchr(a, ':', (size_t)(at - a));
		size_t ul = colon ? (size_t)(colon - a) : (size_t)(at - a);
		u->user = pct_decode(a, ul);
		if (colon)
			u->pass = pct_decode(colon + 1, (size_t)(at - colon - 1));
		n -= (size_t)(at + 1 - a);
		a = at + 1;
	}
	u->authority = xstrndup(a, n);
	const char *hend, *p = NULL;
	if (n && a[0] == '[') {
		const char *rb = memchr(a, ']', n);
		if (!rb) {
			strbuf_addstr(err, "bad URL: an IPv6 host without its closing ']'");
			return -1;
		}
		u->host = xstrndup(a + 1, (size_t)(rb - a - 1));
		hend = rb + 1;
		if (hend < a + n && *hend != ':') {
			strbuf_addstr(err, "bad URL: text after the IPv6 host");
			return -1;
		}
		p = hend < a + n ? hend + 1 : NULL;
	} else {
		const char *colon = memchr(a, ':', n);
		hend = colon ? colon : a + n;
		u->host = xstrndup(a, (size_t)(hend - a));
		p = colon ? colon + 1 : NULL;
	}
	if (!*u->host) {
		strbuf_addstr(err, "bad URL: no host");
		return -1;
	}
	u->port = u->https ? 443 : 80;
	if (p) {
		long v = 0;
		const char *e = a + n;
		if (p == e) {
			strbuf_addf(err, "bad URL: empty port after '%s'", u->host);
			return -1;
		}
		for (; p < e; p++) {
			if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 65535) {
				strbuf_addf(err, "bad URL: invalid port for '%s'", u->host);
				return -1;
			}
		}
		if (v == 0) {
			strbuf_addf(err, "bad URL: invalid port for '%s'", u->host);
			return -1;
		}
		u->port = (int)v;
	}
	return 0;
}

int kdx_http_url_parse(kdx_http_url *u, const char *url, strbuf *err)
{
	memset(u, 0, sizeof(*u));
	const char *rest;
	if (!strncasecmp(url, "https://", 8))
		u->https = true, rest = url + 8;
	else if (!strncasecmp(url, "http://", 7))
		rest = url + 7;
	else {
		strbuf_addstr(err, "bad URL: only http:// and https:// URLs are supported");
		return -1;
	}
	size_t an = strcspn(rest, "/?#");
	for (size_t i = 0; i < an; i++) {
		if ((unsigned char)rest[i] <= ' ' || rest[i] == 0x7f) {
			strbuf_addstr(err, "bad URL: a space or control character in the host");
			return -1;
		}
	}
	if (parse_authority(u, rest, an, err) < 0) {
		kdx_http_url_release(u);
		return -1;
	}
	const char *path = rest + an;
	size_t pn = strcspn(path, "#");
	for (size_t i = 0; i < pn; i++) {
		if ((unsigned char)path[i] <= ' ' || path[i] == 0x7f) {
			strbuf_addstr(err, "bad URL: a space or control character in the path (encode it)");
			kdx_http_url_release(u);
			return -1;
		}
	}
	if (!pn)
		u->target = xstrdup("/");
	else if (*path == '?') {
		u->target = xmalloc(pn + 2);
		u->target[0] = '/';
		memcpy(u->target + 1, path, pn);
		u->target[pn + 1] = '\0';
	} else
		u->target = xstrndup(path, pn);
	return 0;
}

void kdx_http_url_where(strbuf *sb, const kdx_http_url *u)
{
	if (strchr(u->host, ':'))
		strbuf_addf(sb, "[%s]:%d", u->host, u->port);
	else
		strbuf_addf(sb, "%s:%d", u->host, u->port);
}

bool kdx_http_is_ip_literal(const char *host)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

bool kdx_http_no_proxy_match(const char *list, const char *host)
{
	if (!list || !host)
		return false;
	size_t hl = strlen(host);
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ",");
		const char *e = p;
		p += n;
		while (n && (e[n - 1] == ' ' || e[n - 1] == '\t'))
			n--;
		if (n == 1 && *e == '*')
			return true;
		/* an entry's port (host:port, not an IPv6 address) is ignored */
		const char *colon = memchr(e, ':', n);
		if (colon && !memchr(colon + 1, ':', n - (size_t)(colon + 1 - e)) && *e != '[')
			n = (size_t)(colon - e);
		if (n && *e == '[' && e[n - 1] == ']')
			e++, n -= 2;
		while (n && *e == '.')
			e++, n--;
		if (!n)
			continue;
		if (hl == n && !strncasecmp(host, e, n))
			return true;
		if (hl > n && host[hl - n - 1] == '.' && !strncasecmp(host + hl - n, e, n))
			return true;
	}
	return false;
}

static const char *env2(const char *a, const char *b)
{
	const char *v = getenv(a);
	if (!v || !*v)
		v = b ? getenv(b) : NULL;
	return v && *v ? v : NULL;
}

int kdx_http_proxy_for(const kdx_http_url *u, kdx_http_url *proxy, strbuf *err)
{
	if (kdx_http_no_proxy_match(env2("no_proxy", "NO_PROXY"), u->host))
		return 0;
	/* like curl: HTTP_PROXY (upper case) is ignored, it can come from a CGI request header */
	const char *v = u->https ? env2("https_proxy", "HTTPS_PROXY") : env2("http_proxy", NULL);
	if (!v)
		return 0;
	const char *name = u->https ? "https_proxy" : "http_proxy";
	strbuf url = STRBUF_INIT;
	if (!strstr(v, "://"))
		strbuf_addstr(&url, "http://");
	strbuf_addstr(&url, v);
	strbuf perr = STRBUF_INIT;
	int r = kdx_http_url_parse(proxy, url.buf, &perr);
	strbuf_release(&url);
	if (r < 0 || proxy->https) {
		/* perr never shows the userinfo, but keep even that out */
		strbuf_addf(err, "the proxy in %s is not usable: %s", name,
			    r < 0 ? perr.buf : "only http:// proxies are supported");
		strbuf_release(&perr);
		if (r == 0)
			kdx_http_url_release(proxy);
		return -1;
	}
	strbuf_release(&perr);
	return 1;
}
