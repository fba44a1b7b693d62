/* Unit tests for executor/http: the response parser fed every response whole, split at
 * every byte boundary and byte by byte; every malformed case names what is wrong; the
 * request writer; URL parsing and the proxy environment (no_proxy matching). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "executor/http/http_conn.h"
#include "executor/http/http_parse.h"
#include "executor/http/http_url.h"

typedef struct expect {
	int status;
	const char *body;
	bool keep_alive;
	bool eof;        /* the response ends only when the connection closes */
	size_t trailing; /* bytes after the response that must be left unconsumed */
	bool head;
} expect;

/* Feed data in pieces [0,cut1) [cut1,cut2) [cut2,len) (cuts may be equal). Returns the
 * bytes consumed or -1; p is left as the parser ended. */
static ssize_t feed3(kdx_http_parser *p, const char *d, size_t len, size_t c1, size_t c2)
{
	size_t cuts[4] = { 0, c1, c2, len }, used = 0;
	for (int i = 0; i < 3; i++) {
		if (p->done)
			break;
		size_t from = cuts[i] > used ? cuts[i] : used;
		if (cuts[i + 1] <= from)
			continue;
		ssize_t n = kdx_http_parser_feed(p, d + from, cuts[i + 1] - from);
		if (n < 0)
			return -1;
		used = from + (size_t)n;
		if ((size_t)n < cuts[i + 1] - from)
			break; /* done: the rest is not the parser's */
	}
	return (ssize_t)used;
}

static void check_one(const char *d, size_t len, const expect *e, size_t c1, size_t c2)
{
	kdx_http_parser p;
	kdx_http_parser_init(&p);
	p.head = e->head;
	ssize_t n = feed3(&p, d, len, c1, c2);
	if (n < 0)
		fail_msg("split %zu/%zu: unexpected error: %s", c1, c2, p.err.buf);
	if (e->eof) {
		assert_false(p.done);
		assert_int_equal(kdx_http_parser_eof(&p), 0);
	}
	if (!p.done)
		fail_msg("split %zu/%zu: response not complete", c1, c2);
	assert_int_equal((size_t)n, len - e->trailing);
	assert_int_equal(p.status, e->status);
	assert_int_equal(p.body.len, strlen(e->body));
	assert_memory_equal(p.body.buf, e->body, p.body.len);
	assert_int_equal(p.keep_alive, e->keep_alive);
	kdx_http_parser_release(&p);
}

/* Whole, every two-piece split, every three-piece split near the edges, byte by byte. */
static void check_response(const char *d, const expect *e)
{
	size_t len = strlen(d);
	for (size_t c1 = 0; c1 <= len; c1++)
		check_one(d, len, e, c1, c1);
	for (size_t c1 = 0; c1 <= len; c1 += 3)
		for (size_t c2 = c1; c2 <= len; c2 += 7)
			check_one(d, len, e, c1, c2);
	kdx_http_parser p;
	kdx_http_parser_init(&p);
	p.head = e->head;
	size_t i = 0;
	for (; i < len && !p.done; i++)
		assert_int_equal(kdx_http_parser_feed(&p, d + i, 1), 1);
	if (e->eof)
		assert_int_equal(kdx_http_parser_eof(&p), 0);
	assert_true(p.done);
	assert_int_equal(p.body.len, strlen(e->body));
	kdx_http_parser_release(&p);
}

/* Every split must fail (at feed, or at eof when eof is set) naming what is wrong. */
static void check_error(const char *d, size_t len, bool at_eof, const char *want)
{
	for (size_t c1 = 0; c1 <= len; c1 += (len > 2000 ? 997 : 1)) {
		kdx_http_parser p;
		kdx_http_parser_init(&p);
		ssize_t n = feed3(&p, d, len, c1, c1);
		if (n >= 0 && at_eof)
			n = kdx_http_parser_eof(&p);
		if (n >= 0)
			fail_msg("split %zu: no error, wanted '%s'", c1, want);
		if (!strstr(p.err.buf, want))
			fail_msg("split %zu: error '%s' does not say '%s'", c1, p.err.buf, want);
		kdx_http_parser_release(&p);
	}
}

static void check_err(const char *d, const char *want)
{
	check_error(d, strlen(d), false, want);
}

static void test_content_length(void **state)
{
	(void)state;
	check_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Amzn-RequestId: r1\r\n\r\nhello",
		       &(expect){ .status = 200, .body = "hello", .keep_alive = true });
	check_response("HTTP/1.1 200 OK\r\ncontent-length:0\r\n\r\n", &(expect){ .status = 200, .body = "", .keep_alive = true });
	/* odd whitespace and a repeated, equal value */
	check_response("HTTP/1.1 404   Not Found  \r\nContent-Length: \t 3 , 3\t\r\n\r\nabc",
		       &(expect){ .status = 404, .body = "abc", .keep_alive = true });
	/* a status line without a reason; bare LF line ends */
	check_response("HTTP/1.1 503\nContent-Length: 2\n\nno", &(expect){ .status = 503, .body = "no", .keep_alive = true });
	/* bytes after the response stay unconsumed */
	check_response("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1",
		       &(expect){ .status = 200, .body = "ok", .keep_alive = true, .trailing = 8 });
	kdx_http_parser p;
	kdx_http_parser_init(&p);
	const char *r = "HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\n\tc\r\nContent-Type:  text/xml \r\n"
			"Content-Length: 0\r\n\r\n";
	assert_int_equal(kdx_http_parser_feed(&p, r, strlen(r)), (ssize_t)strlen(r));
	assert_string_equal(kdx_http_parser_header(&p, "x-folded"), "a b c");
	assert_string_equal(kdx_http_parser_header(&p, "CONTENT-TYPE"), "text/xml");
	assert_null(kdx_http_parser_header(&p, "absent"));
	kdx_http_parser_release(&p);
}

static void test_chunked(void **state)
{
	(void)state;
	check_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		       "5;name=value\r\nhello\r\n6 \r\n world\r\nA\r\n0123456789\r\n0\r\n\r\n",
		       &(expect){ .status = 200, .body = "hello world0123456789", .keep_alive = true });
	/* trailers, upper-case hex, a chunk extension on the last chunk */
	check_response("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n"
		       "1F\r\n0123456789abcdef0123456789abcde\r\n0;x=y\r\nX-Trailer: 1\r\n"
		       "X-Other: 2\r\n\r\n",
		       &(expect){ .status = 200, .body = "0123456789abcdef0123456789abcde", .keep_alive = true });
	/* Transfer-Encoding wins over Content-Length, and the connection is not reused */
	check_response("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
		       "2\r\nok\r\n0\r\n\r\n",
		       &(expect){ .status = 200, .body = "ok", .keep_alive = false });
}

static void test_close_delimited_and_keepalive(void **state)
{
	(void)state;
	check_response("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nuntil the end",
		       &(expect){ .status = 200, .body = "until the end", .keep_alive = false, .eof = true });
	check_response("HTTP/1.0 200 OK\r\n\r\nold", &(expect){ .status = 200, .body = "old", .keep_alive = false, .eof = true });
	check_response("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx",
		       &(expect){ .status = 200, .body = "x", .keep_alive = false });
	check_response("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 1\r\n\r\nx",
		       &(expect){ .status = 200, .body = "x", .keep_alive = false });
	check_response("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", &(expect){ .status = 200, .body = "x", .keep_alive = false });
	check_response("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
		       &(expect){ .status = 200, .body = "x", .keep_alive = true });
}

static void test_no_body(void **state)
{
	(void)state;
	check_response("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n",
		       &(expect){ .status = 200, .body = "", .keep_alive = true, .head = true });
	check_response("HTTP/1.1 204 No Content\r\nContent-Length: 42\r\n\r\n",
		       &(expect){ .status = 204, .body = "", .keep_alive = true });
	check_response("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
		       &(expect){ .status = 304, .body = "", .keep_alive = true });
	/* 100 Continue (and other 1xx) are skipped with their headers */
	check_response("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX-A: 1\r\n\r\n"
		       "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nnew",
		       &(expect){ .status = 201, .body = "new", .keep_alive = true });
	kdx_http_parser p;
	kdx_http_parser_init(&p);
	const char *r = "HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	kdx_http_parser_feed(&p, r, strlen(r));
	assert_true(p.done);
	assert_null(kdx_http_parser_header(&p, "x-a"));
	kdx_http_parser_release(&p);
	/* a CONNECT answer ends after its headers */
	kdx_http_parser_init(&p);
	p.connect = true;
	r = "HTTP/1.1 200 Connection established\r\n\r\n";
	assert_int_equal(kdx_http_parser_feed(&p, r, strlen(r)), (ssize_t)strlen(r));
	assert_true(p.done);
	kdx_http_parser_release(&p);
}

static void test_malformed(void **state)
{
	(void)state;
	check_err("HTTX/1.1 200 OK\r\n\r\n", "bad status line");
	check_err("HTTP/2 200\r\n\r\n", "bad status line");
	check_err("HTTP/1.1 2x0 OK\r\n\r\n", "bad status code");
	check_err("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "has no ':'");
	check_err("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", "empty name");
	check_err("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "space or control");
	check_err("HTTP/1.1 200 OK\r\n folded first\r\n\r\n", "without a header before it");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
		  "conflicting Content-Length values 5 and 6");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 5, 7\r\n\r\nhello", "conflicting Content-Length");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n", "invalid Content-Length '-5'");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "invalid Content-Length");
	check_err("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "invalid Content-Length");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		  "exceeds the body limit");
	check_err("HTTP/1.1 200 OK\r\nContent-Length: 268435457\r\n\r\n", "exceeds the body limit");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size 'zz'");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "bad chunk size");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "bad chunk size");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
		  "exceeds the body limit");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000001\r\n",
		  "exceeds the limit");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n",
		  "missing CRLF after chunk data");
	check_err("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		  "unsupported Transfer-Encoding 'gzip'");
	check_err("HTTP/1.1 101 Switching Protocols\r\n\r\n", "101");
	/* cut short: only the end of the connection tells */
	const char *cut = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe";
	check_error(cut, strlen(cut), true, "closed after 2 of 5 body bytes");
	cut = "HTTP/1.1 200 OK\r\nContent-Le";
	check_error(cut, strlen(cut), true, "inside the response headers");
	cut = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel";
	check_error(cut, strlen(cut), true, "inside the chunked body");
	kdx_http_parser p;
	kdx_http_parser_init(&p);
	assert_int_equal(kdx_http_parser_eof(&p), -1);
	assert_non_null(strstr(p.err.buf, "before any response"));
	kdx_http_parser_release(&p);
}

static void test_limits(void **state)
{
	(void)state;
	/* a header block over 64 KiB */
	strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "HTTP/1.1 200 OK\r\n");
	while (sb.len <= KDX_HTTP_MAX_HEADER_BYTES)
		strbuf_addstr(&sb, "X-Padding: 0123456789012345678901234567890123456789\r\n");
	strbuf_addstr(&sb, "\r\n");
	check_error(sb.buf, sb.len, false, "header block exceeds the 64 KiB limit");
	/* one huge line, no newline at all */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "HTTP/1.1 200 OK\r\nX-Long: ");
	while (sb.len <= KDX_HTTP_MAX_HEADER_BYTES)
		strbuf_addstr(&sb, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	check_error(sb.buf, sb.len, false, "64 KiB");
	/* just under the limit is fine */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Long: ");
	while (sb.len < KDX_HTTP_MAX_HEADER_BYTES - 100)
		strbuf_addch(&sb, 'b');
	strbuf_addstr(&sb, "\r\n\r\n");
	kdx_http_parser p;
	kdx_http_parser_init(&p);
	assert_int_equal(kdx_http_parser_feed(&p, sb.buf, sb.len), (ssize_t)sb.len);
	assert_true(p.done);
	kdx_http_parser_release(&p);
	/* keep_body: the first bytes are kept, the rest read and dropped, framing intact */
	const char *kb[] = { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
			     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n012\r\n"
			     "7\r\n3456789\r\n0\r\n\r\n" };
	for (size_t k = 0; k < 2; k++) {
		for (size_t cut = 0; cut <= strlen(kb[k]); cut++) {
			kdx_http_parser_init(&p);
			p.keep_body = 4;
			assert_int_equal(feed3(&p, kb[k], strlen(kb[k]), cut, cut), (ssize_t)strlen(kb[k]));
			assert_true(p.done);
			assert_int_equal(p.body.len, 4);
			assert_memory_equal(p.body.buf, "0123", 4);
			kdx_http_parser_release(&p);
		}
	}
	/* a close-delimited body that keeps going past 256 MiB */
	kdx_http_parser_init(&p);
	const char *h = "HTTP/1.1 200 OK\r\n\r\n";
	kdx_http_parser_feed(&p, h, strlen(h));
	size_t big = 1 << 24;
	char *chunk = xcalloc(1, big);
	ssize_t r = 0;
	for (int i = 0; i < 17 && r >= 0; i++)
		r = kdx_http_parser_feed(&p, chunk, big);
	assert_int_equal(r, -1);
	assert_non_null(strstr(p.err.buf, "exceeds the limit of 256 MiB"));
	free(chunk);
	kdx_http_parser_release(&p);
	strbuf_release(&sb);
}

static void test_write_request(void **state)
{
	(void)state;
	kdx_http_header h[] = { { "X-Amz-Date", "20260101T000000Z" },
				{ "Authorization", "AWS4-HMAC-SHA256 Credential=..." },
				{ "Content-Type", "application/x-www-form-urlencoded" } };
	strbuf sb = STRBUF_INIT;
	kdx_http_write_request(&sb, "POST", "/", "sts.amazonaws.com", h, 3, NULL, "a=b", 3);
	assert_string_equal(sb.buf, "POST / HTTP/1.1\r\nHost: sts.amazonaws.com\r\n"
			    "X-Amz-Date: 20260101T000000Z\r\n"
			    "Authorization: AWS4-HMAC-SHA256 Credential=...\r\n"
			    "Content-Type: application/x-www-form-urlencoded\r\n"
			    "Content-Length: 3\r\nUser-Agent: kdx\r\n\r\na=b");
	/* the caller's Host, User-Agent and Content-Length are used as given (they are signed) */
	strbuf_reset(&sb);
	kdx_http_header own[] = { { "host", "h:1" }, { "User-Agent", "me" }, { "Content-Length", "0" } };
	kdx_http_write_request(&sb, "DELETE", "/x?y=1", "ignored", own, 3,
			       "Proxy-Authorization: Basic eA==\r\n", NULL, 0);
	assert_string_equal(sb.buf, "DELETE /x?y=1 HTTP/1.1\r\nhost: h:1\r\nUser-Agent: me\r\n"
			    "Content-Length: 0\r\nProxy-Authorization: Basic eA==\r\n\r\n");
	/* GET without a body: no Content-Length, no Accept, no Expect, no Content-Type */
	strbuf_reset(&sb);
	kdx_http_write_request(&sb, "GET", "/", "a", NULL, 0, NULL, NULL, 0);
	assert_string_equal(sb.buf, "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: kdx\r\n\r\n");
	strbuf_reset(&sb);
	kdx_http_write_request(&sb, "PUT", "/", "a", NULL, 0, NULL, NULL, 0);
	assert_non_null(strstr(sb.buf, "Content-Length: 0\r\n"));
	strbuf_release(&sb);
}

static void test_url(void **state)
{
	(void)state;
	kdx_http_url u;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_http_url_parse(&u, "https://sts.amazonaws.com", &err), 0);
	assert_true(u.https);
	assert_int_equal(u.port, 443);
	assert_string_equal(u.target, "/");
	assert_string_equal(u.authority, "sts.amazonaws.com");
	kdx_http_url_release(&u);
	assert_int_equal(kdx_http_url_parse(&u, "http://127.0.0.1:5000/a/b?c=d#frag", &err), 0);
	assert_int_equal(u.port, 5000);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.authority, "127.0.0.1:5000");
	assert_string_equal(u.target, "/a/b?c=d");
	kdx_http_url_release(&u);
	assert_int_equal(kdx_http_url_parse(&u, "http://[::1]:8080?q", &err), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.target, "/?q");
	strbuf w = STRBUF_INIT;
	kdx_http_url_where(&w, &u);
	assert_string_equal(w.buf, "[::1]:8080");
	strbuf_release(&w);
	kdx_http_url_release(&u);
	assert_int_equal(kdx_http_url_parse(&u, "http://us%40r:p%3Ass@proxy:3128", &err), 0);
	assert_string_equal(u.user, "us@r");
	assert_string_equal(u.pass, "p:ss");
	assert_string_equal(u.host, "proxy");
	kdx_http_url_release(&u);
	const char *bad[] = { "ftp://x/", "http://", "http://h:0/", "http://h:99999/", "http://h:/",
			      "http://[::1/", "https://h/a b", "http://secret:hunter2@h:x/" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		strbuf_reset(&err);
		assert_int_equal(kdx_http_url_parse(&u, bad[i], &err), -1);
		assert_true(err.len > 0);
		assert_null(strstr(err.buf, "hunter2"));
	}
	strbuf_release(&err);
}

static void test_proxy_env(void **state)
{
	(void)state;
	assert_true(kdx_http_no_proxy_match("*", "anything"));
	assert_true(kdx_http_no_proxy_match("localhost, .example.com", "api.example.com"));
	assert_true(kdx_http_no_proxy_match("example.com", "EXAMPLE.com"));
	assert_true(kdx_http_no_proxy_match("a,example.com:443", "x.example.com"));
	assert_false(kdx_http_no_proxy_match("example.com", "badexample.com"));
	assert_false(kdx_http_no_proxy_match("", "x"));
	assert_false(kdx_http_no_proxy_match(NULL, "x"));
	assert_true(kdx_http_no_proxy_match("10.0.0.1,127.0.0.1", "127.0.0.1"));
	assert_true(kdx_http_no_proxy_match("[::1]", "::1"));

	kdx_http_url u, p;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_http_url_parse(&u, "https://sts.amazonaws.com/", &err), 0);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	unsetenv("https_proxy");
	setenv("HTTPS_PROXY", "user:s3cret@proxy.local:3128", 1);
	assert_int_equal(kdx_http_proxy_for(&u, &p, &err), 1);
	assert_string_equal(p.host, "proxy.local");
	assert_int_equal(p.port, 3128);
	strbuf auth = STRBUF_INIT;
	kdx_http_proxy_auth(&auth, &p);
	assert_string_equal(auth.buf, "Proxy-Authorization: Basic dXNlcjpzM2NyZXQ=\r\n");
	kdx_http_url_release(&p);
	setenv("NO_PROXY", "amazonaws.com", 1);
	assert_int_equal(kdx_http_proxy_for(&u, &p, &err), 0);
	unsetenv("NO_PROXY");
	setenv("HTTPS_PROXY", "https://user:s3cret@proxy.local:3128", 1);
	assert_int_equal(kdx_http_proxy_for(&u, &p, &err), -1);
	assert_non_null(strstr(err.buf, "only http:// proxies"));
	assert_null(strstr(err.buf, "s3cret"));
	unsetenv("HTTPS_PROXY");
	kdx_http_url_release(&u);
	/* plain http: http_proxy only, HTTP_PROXY is ignored as curl does */
	assert_int_equal(kdx_http_url_parse(&u, "http://127.0.0.1:5000/", &err), 0);
	setenv("HTTP_PROXY", "http://proxy:1", 1);
	assert_int_equal(kdx_http_proxy_for(&u, &p, &err), 0);
	setenv("http_proxy", "http://proxy:2", 1);
	assert_int_equal(kdx_http_proxy_for(&u, &p, &err), 1);
	assert_int_equal(p.port, 2);
	kdx_http_url_release(&p);
	unsetenv("HTTP_PROXY");
	unsetenv("http_proxy");
	kdx_http_url_release(&u);
	strbuf_release(&err);
	strbuf_release(&auth);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_close_delimited_and_keepalive),
		cmocka_unit_test(test_no_body),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_write_request),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_proxy_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
