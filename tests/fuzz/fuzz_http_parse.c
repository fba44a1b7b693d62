/* fuzz_http_parse: libFuzzer target for the HTTP/1.1 response parser and URL parsing. Any
 * bytes must parse or fail with a message, never crash; and the parser must give the same
 * answer whatever the split: the input fed whole, in pieces of a size the input chooses,
 * and byte by byte must agree (consumed bytes, status, body, keep-alive, error). The first
 * byte chooses HEAD, CONNECT, the end of the connection and a 3-byte keep_body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "executor/http/http_parse.h"
#include "executor/http/http_url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct outcome {
	ssize_t used;
	int eof_rc;
	kdx_http_parser p;
} outcome;

static void run(outcome *o, const char *d, size_t n, unsigned flags, size_t step)
{
	kdx_http_parser_init(&o->p);
	o->p.head = flags & 1;
	o->p.connect = flags & 2;
	o->p.keep_body = flags & 8 ? 3 : 0;
	o->used = 0;
	o->eof_rc = 1;
	size_t off = 0;
	while (off < n && !o->p.done) {
		size_t len = step && step < n - off ? step : n - off;
		ssize_t r = kdx_http_parser_feed(&o->p, d + off, len);
		if (r < 0) {
			o->used = -1;
			return;
		}
		off += (size_t)r;
		if ((size_t)r < len)
			break;
	}
	o->used = (ssize_t)off;
	if (!o->p.done && flags & 4)
		o->eof_rc = kdx_http_parser_eof(&o->p);
}

static void same(const outcome *a, const outcome *b)
{
	if (a->used != b->used || a->eof_rc != b->eof_rc || a->p.done != b->p.done)
		abort();
	if (a->used < 0 || a->eof_rc < 0) {
		if (strcmp(a->p.err.buf, b->p.err.buf))
			abort();
		return;
	}
	if (a->p.status != b->p.status || a->p.keep_alive != b->p.keep_alive ||
	    a->p.body.len != b->p.body.len || memcmp(a->p.body.buf, b->p.body.buf, a->p.body.len) ||
	    a->p.nheaders != b->p.nheaders)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned flags = data[0];
	size_t split = data[1] % (size - 1) + 1;
	const char *d = (const char *)data + 2;
	size_t n = size - 2;
	outcome whole, two, bytes; /* two: pieces of `split` bytes */
	run(&whole, d, n, flags, 0);
	run(&two, d, n, flags, split);
	run(&bytes, d, n, flags, 1);
	same(&whole, &two);
	same(&whole, &bytes);
	kdx_http_parser_release(&whole.p);
	kdx_http_parser_release(&two.p);
	kdx_http_parser_release(&bytes.p);

	/* the same bytes as a URL and as a no_proxy list */
	char *s = malloc(n + 1);
	memcpy(s, d, n);
	s[n] = '\0';
	kdx_http_url u;
	strbuf err = STRBUF_INIT;
	if (kdx_http_url_parse(&u, s, &err) == 0) {
		strbuf w = STRBUF_INIT;
		kdx_http_url_where(&w, &u);
		kdx_http_no_proxy_match(s, u.host);
		strbuf_release(&w);
		kdx_http_url_release(&u);
	}
	strbuf_release(&err);
	free(s);
	return 0;
}
