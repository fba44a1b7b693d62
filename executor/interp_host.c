/* interp_host: the host functions kdx serves to runbooks at run time. http_get(url,
 * time_limit) does one GET with libcurl, TLS verification on, and answers
 * { status, body } -- status 0 when the URL cannot be reached (not an error: a health check
 * that cannot connect is a failed check). */
#include "interp_int.h"

#include <curl/curl.h>
#include <string.h>

#define BODY_LIMIT (1 << 20)

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	strbuf *sb = ud;
	size_t len = size * n;
	if (sb->len + len <= BODY_LIMIT)
		strbuf_add(sb, p, len);
	return len;
}

int kdx_interp_http_get(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out)
{
	const char *url = nargs > 0 ? kdx_value_text(args[0]) : NULL;
	if (!url) {
		strbuf_addstr(&in->err, "http_get() needs a URL string");
		return -1;
	}
	long limit = 10000;
	if (nargs > 1 && args[1]->kind == KDX_V_DURATION && args[1]->u.ms > 0)
		limit = (long)args[1]->u.ms;
	CURL *h = curl_easy_init();
	if (!h) {
		strbuf_addstr(&in->err, "http_get(): cannot start libcurl");
		return -1;
	}
	strbuf body = STRBUF_INIT;
	long status = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, limit);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	kdx_value *m = kdx_value_map(&in->arena, 2);
	m->u.map.keys[0] = "status";
	m->u.map.vals[0] = kdx_value_number(&in->arena, (double)status);
	m->u.map.keys[1] = "body";
	m->u.map.vals[1] = kdx_value_stringn(&in->arena, body.buf ? body.buf : "", body.len);
	strbuf_release(&body);
	*out = m;
	return 0;
}

int kdx_interp_eval_step(kdx_interp *in, const kdx_step_body *b, const kdx_ast_expr *e,
			 kdx_value **out)
{
	kdx_eval ev;
	kdx_interp_evaluator(in, &ev, b ? b->module : NULL);
	int r = kdx_eval_expr(&ev, b && b->env ? b->env : in->rt->comp->genv, e, out);
	if (r > 0) {
		strbuf_reset(&in->err);
		strbuf_addstr(&in->err, "a value is not known at run time: ");
		kdx_interp_expr_text(in, e, &in->err);
		return -1;
	}
	if (r < 0 && !in->err.len)
		strbuf_addstr(&in->err, "evaluation failed");
	return r;
}
