/* url: http(s) URLs through libcurl's URL API (see url.h for why one parser). */
#include "url.h"
#include "endpoints.h"
#include "../../common/xalloc.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *part(CURLU *h, CURLUPart p)
{
	char *s = NULL;
	if (curl_url_get(h, p, &s, 0) != CURLUE_OK || !s)
		return NULL;
	char *out = xstrdup(s);
	curl_free(s);
	return out;
}

/* "what 'url' (from source)": a URL that does not parse may still hold a credential, so
 * one with '@' is not repeated. */
static void name_url(strbuf *err, const char *what, const char *url, const char *from)
{
	if (strchr(url, '@'))
		strbuf_addf(err, "%s (a URL with '@', not shown)", what);
	else
		strbuf_addf(err, "%s '%s'", what, url);
	if (from)
		strbuf_addf(err, " (from %s)", from);
}

int aws_url_parse(aws_url *u, const char *url, unsigned flags, const char *what,
		  const char *from, strbuf *err)
{
	memset(u, 0, sizeof(*u));
	CURLU *h = curl_url();
	if (!h)
		kdx_alloc_failed(sizeof(void *));
	CURLUcode rc = curl_url_set(h, CURLUPART_URL, url, 0);
	if (rc != CURLUE_OK) {
		name_url(err, what, url, from);
		strbuf_addstr(err, " is not a URL: want https://host[:port]");
		curl_url_cleanup(h);
		return -1;
	}
	u->h = h;
	u->scheme = part(h, CURLUPART_SCHEME);
	u->host = part(h, CURLUPART_HOST);
	u->port = part(h, CURLUPART_PORT);
	u->path = part(h, CURLUPART_PATH);
	u->query = part(h, CURLUPART_QUERY);
	char *user = part(h, CURLUPART_USER), *pw = part(h, CURLUPART_PASSWORD);
	bool userinfo = user || pw;
	if (pw)
		kdx_wipe(pw, strlen(pw));
	free(user);
	free(pw);
	if (!u->path)
		u->path = xstrdup("/");
	for (char *s = u->scheme; s && *s; s++)
		*s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	bool https = u->scheme && !strcmp(u->scheme, "https");
	bool http = u->scheme && !strcmp(u->scheme, "http");
	u->loopback = u->host && aws_loopback_host(u->host, strlen(u->host));
	if (userinfo) {
		name_url(err, what, url, from);
		strbuf_addstr(err, " has user information before its host ('user@host'): "
			      "refused; kdx takes no credentials in URLs");
	} else if ((!http && !https) || !u->host || !*u->host) {
		name_url(err, what, url, from);
		strbuf_addstr(err, " is not an http(s) URL with a host");
	} else if (http && !u->loopback && !(flags & AWS_URL_ANY_HTTP)) {
		name_url(err, what, url, from);
		strbuf_addstr(err, " uses plain http; kdx allows http only for loopback hosts "
			      "(127.0.0.1, localhost, [::1]); use https");
	} else {
		return 0;
	}
	aws_url_release(u);
	return -1;
}

void aws_url_release(aws_url *u)
{
	if (u->h)
		curl_url_cleanup(u->h);
	free(u->scheme);
	free(u->host);
	free(u->port);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof(*u));
}

void aws_url_where(strbuf *sb, const aws_url *u)
{
	const char *port = u->port ? u->port : u->scheme && !strcmp(u->scheme, "http") ? "80" : "443";
	strbuf_addf(sb, "%s:%s", u->host ? u->host : "", port);
}

void *aws_url_take_handle(aws_url *u)
{
	void *h = u->h;
	u->h = NULL;
	return h;
}
