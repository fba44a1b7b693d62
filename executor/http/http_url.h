/* http_url: absolute http(s) URLs and the proxy settings of the environment (https_proxy,
 * HTTPS_PROXY, http_proxy, no_proxy, NO_PROXY, as libcurl read them). A kdx_http_url owns
 * its strings until kdx_http_url_release(). Proxy credentials are kept decoded and must
 * never be put in a message: use kdx_http_url_where() to name a URL's host. */
#ifndef KDX_HTTP_URL_H
#define KDX_HTTP_URL_H
#include <stdbool.h>

#include "../../common/strbuf.h"

typedef struct kdx_http_url {
	bool https;
	char *host;      /* without IPv6 brackets */
	int port;
	char *authority; /* host[:port] as written (brackets kept): the Host header */
	char *target;    /* path[?query], "/" when empty; never a fragment */
	char *user, *pass; /* percent-decoded userinfo, or NULL */
} kdx_http_url;

int kdx_http_url_parse(kdx_http_url *u, const char *url, strbuf *err);
void kdx_http_url_release(kdx_http_url *u);
/* "host:port" into sb (for messages: no credentials, no path). */
void kdx_http_url_where(strbuf *sb, const kdx_http_url *u);
/* The proxy the environment sets for a request to u: 1 and *proxy filled, 0 none, -1 err
 * (a malformed or non-http proxy URL; the message never shows its credentials). */
int kdx_http_proxy_for(const kdx_http_url *u, kdx_http_url *proxy, strbuf *err);
/* no_proxy semantics: comma list, '*' matches all, "example.com" and ".example.com"
 * match the host and its subdomains, case-insensitively; an entry's port is ignored. */
bool kdx_http_no_proxy_match(const char *list, const char *host);
bool kdx_http_is_ip_literal(const char *host);

#endif
