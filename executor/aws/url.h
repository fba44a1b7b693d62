/* url: the one URL parser of kdx's network paths -- endpoints (-endpoint-url,
 * AWS_ENDPOINT_URL*), AWS requests and the runbooks' HTTP checks -- on libcurl's URL API,
 * so what kdx checks is exactly what libcurl connects to (the parsed handle itself is given
 * to the transfer). Proxies are parsed by libcurl with the same code. Only http and https;
 * userinfo ("user:pw@host") is refused everywhere: no credential belongs in a URL, and a
 * URL such as http://[::1]:80@192.0.2.1/ must not pass for a loopback one. An aws_url owns
 * its strings and the handle until aws_url_release(). */
#ifndef AWS_URL_H
#define AWS_URL_H
#include <stdbool.h>

#include "../../common/strbuf.h"

typedef struct aws_url {
	void *h;          /* the CURLU handle */
	char *scheme;     /* "http" or "https", lower case */
	char *host;       /* as libcurl normalises it: IPv6 in brackets, IPv4 dotted quad */
	char *port;       /* NULL when the URL has none */
	char *path;       /* at least "/" */
	char *query;      /* without '?'; NULL when none */
	bool loopback;    /* localhost, [::1] or 127.0.0.0/8 */
} aws_url;

enum {
	AWS_URL_ANY_HTTP = 1, /* plain http to any host (HTTP checks); else loopback only */
};

/* 0, or -1 with err saying what is wrong: "<what> '<url>' (from <from>) ..." (what names
 * the URL's role, e.g. "endpoint"; from may be NULL); a URL with '@' is never repeated. */
int aws_url_parse(aws_url *u, const char *url, unsigned flags, const char *what,
		  const char *from, strbuf *err);
void aws_url_release(aws_url *u);
/* "host:port" (the scheme's port when the URL has none): for messages. */
void aws_url_where(strbuf *sb, const aws_url *u);
/* Take the CURLU handle (the caller frees it with curl_url_cleanup). */
void *aws_url_take_handle(aws_url *u);

#endif
