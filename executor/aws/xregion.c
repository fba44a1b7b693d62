/* xregion: SourceRegion -> PreSignedUrl for the RDS family's cross-Region copies (xregion.h). */
#include "xregion.h"
#include "sigv4.h"
#include "transport.h"

#include <stdlib.h>
#include <string.h>

/* The operations botocore's handlers give inject_presigned_url_rds, per service. */
static const char *const rds_ops[] = { "CreateDBInstanceReadReplica", "CreateDBCluster",
				       "CopyDBSnapshot", "CopyDBClusterSnapshot",
				       "StartDBInstanceAutomatedBackupsReplication", NULL };
static const char *const cluster_ops[] = { "CreateDBCluster", "CopyDBClusterSnapshot", NULL };

bool aws_xregion_op(const aws_model *m, const char *op)
{
	const char *svc = aws_model_service(m);
	const char *const *ops = !strcmp(svc, "rds") ? rds_ops :
				 !strcmp(svc, "docdb") || !strcmp(svc, "neptune") ? cluster_ops :
											    NULL;
	for (size_t i = 0; ops && ops[i]; i++)
		if (!strcmp(ops[i], op))
			return true;
	return false;
}

/* application/x-www-form-urlencoded -> text ('+' is a space). */
static void form_decode(strbuf *out, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '+')
			continue;
		aws_uri_decode(out, s + start, i - start);
		if (i < n)
			strbuf_addch(out, ' ');
		start = i + 1;
	}
}

/* One "key=value" of a form body: the raw (encoded) key and value spans. */
typedef struct field {
	const char *key, *val;
	size_t klen, vlen, len; /* len: the whole field */
} field;

/* The field starting at s (a body's start or just past an '&'). */
static field field_at(const char *s, const char *end)
{
	field f = { .key = s };
	const char *amp = memchr(s, '&', (size_t)(end - s));
	f.len = (size_t)((amp ? amp : end) - s);
	const char *eq = memchr(s, '=', f.len);
	f.klen = eq ? (size_t)(eq - s) : f.len;
	f.val = eq ? eq + 1 : s + f.len;
	f.vlen = eq ? f.len - f.klen - 1 : 0;
	return f;
}

static bool key_is(const field *f, const char *name)
{
	return f->klen == strlen(name) && !memcmp(f->key, name, f->klen);
}

/* The field named name in the body, or false. */
static bool find(const strbuf *body, const char *name, field *out)
{
	const char *s = body->buf, *end = body->buf + body->len;
	while (s && s < end) {
		field f = field_at(s, end);
		if (key_is(&f, name)) {
			*out = f;
			return true;
		}
		s = f.key + f.len < end ? f.key + f.len + 1 : NULL;
	}
	return false;
}

bool aws_xregion_source(const aws_request *r, strbuf *out)
{
	field f;
	if (!find(&r->body, "SourceRegion", &f))
		return false;
	form_decode(out, f.val, f.vlen);
	return true;
}

static void add_query(strbuf *q, const char *k, size_t klen, const char *v, size_t vlen)
{
	if (q->len)
		strbuf_addch(q, '&');
	aws_uri_encode(q, k, klen, false);
	strbuf_addch(q, '=');
	aws_uri_encode(q, v, vlen, false);
}

/* The GET request presigned for the source Region: the body's fields (without SourceRegion)
 * and DestinationRegion as its query, RFC 3986-encoded as a query string is. */
static int presigned_url(const aws_credentials *creds, const aws_request *src, const strbuf *body,
			 const char *source, const char *dest, time_t when, strbuf *url,
			 strbuf *err)
{
	aws_request p;
	aws_request_init(&p);
	strbuf q = STRBUF_INIT, k = STRBUF_INIT, v = STRBUF_INIT;
	const char *s = body->buf, *end = body->buf + body->len;
	while (s && s < end) {
		field f = field_at(s, end);
		strbuf_reset(&k);
		strbuf_reset(&v);
		form_decode(&k, f.key, f.klen);
		form_decode(&v, f.val, f.vlen);
		add_query(&q, k.buf, k.len, v.buf, v.len);
		s = f.key + f.len < end ? f.key + f.len + 1 : NULL;
	}
	add_query(&q, "DestinationRegion", strlen("DestinationRegion"), dest, strlen(dest));
	p.method = strdup("GET");
	p.scheme = strdup(src->scheme ? src->scheme : "https");
	p.host = src->host ? strdup(src->host) : NULL;
	p.path = strdup(src->path && *src->path ? src->path : "/");
	p.query = strbuf_detach(&q, NULL);
	p.service = src->service ? strdup(src->service) : NULL;
	p.region = strdup(source);
	aws_sigv4_params sp;
	aws_sigv4_params_init(&sp, creds, p.service, when);
	sp.region = source;
	sp.expires = AWS_XREGION_EXPIRES;
	int rc = aws_sigv4_presign(&p, &sp, NULL, err);
	if (rc == 0)
		aws_request_url(url, &p);
	/* p.query now holds the signature and any session token */
	if (p.query)
		memset(p.query, 0, strlen(p.query));
	aws_request_release(&p);
	strbuf_release(&k);
	strbuf_release(&v);
	return rc;
}

int aws_xregion_presign_with(const aws_credentials *creds, const aws_request *src,
			     const char *op, aws_request *r, time_t when, strbuf *err)
{
	strbuf source = STRBUF_INIT, body = STRBUF_INIT;
	int rc = 0;
	if (!aws_xregion_source(r, &source))
		goto out;
	rc = -1;
	if (!source.len || !r->region || !*r->region) {
		strbuf_addf(err, "%s: SourceRegion is empty, or the destination Region is unknown",
			    op);
		goto out;
	}
	/* the body without SourceRegion: no service reads it */
	const char *s = r->body.buf, *end = r->body.buf + r->body.len;
	while (s && s < end) {
		field f = field_at(s, end);
		if (!key_is(&f, "SourceRegion")) {
			if (body.len)
				strbuf_addch(&body, '&');
			strbuf_add(&body, f.key, f.len);
		}
		s = f.key + f.len < end ? f.key + f.len + 1 : NULL;
	}
	field given;
	if (!find(&body, "PreSignedUrl", &given)) {
		strbuf url = STRBUF_INIT, why = STRBUF_INIT;
		if (presigned_url(creds, src, &body, source.buf, r->region, when, &url, &why) < 0) {
			strbuf_addf(err, "%s: cannot presign it for SourceRegion %s: %s", op,
				    source.buf, why.buf);
			strbuf_release(&url);
			strbuf_release(&why);
			goto out;
		}
		strbuf_release(&why);
		strbuf_addstr(&body, "&PreSignedUrl=");
		aws_uri_encode(&body, url.buf, url.len, false);
		memset(url.buf, 0, url.len);
		strbuf_release(&url);
	}
	strbuf old = r->body;
	r->body = body;
	body = old;
	rc = 0;
out:
	if (body.buf)
		memset(body.buf, 0, body.len);
	strbuf_release(&body);
	strbuf_release(&source);
	return rc;
}

int aws_xregion_presign(aws_client *c, const aws_model *m, const char *op, aws_request *r,
			time_t when, strbuf *err)
{
	if (!aws_xregion_op(m, op))
		return 0;
	strbuf source = STRBUF_INIT;
	if (!aws_xregion_source(r, &source)) {
		strbuf_release(&source);
		return 0;
	}
	aws_request src;
	aws_request_init(&src);
	int rc = -1;
	if (!source.len) {
		strbuf_addf(err, "%s: SourceRegion is empty; give the source's Region, or leave it "
			    "out for a copy within one Region", op);
	} else {
		strbuf why = STRBUF_INIT;
		if (aws_client_resolve(c, &src, aws_model_meta(m, "endpointPrefix"),
				       aws_model_signing_name(m), aws_model_meta(m, "serviceId"),
				       source.buf, &why) < 0)
			strbuf_addf(err, "%s: SourceRegion %s: %s", op, source.buf, why.buf);
		else
			rc = aws_xregion_presign_with(aws_client_credentials(c), &src, op, r,
						      when, err);
		strbuf_release(&why);
	}
	aws_request_release(&src);
	strbuf_release(&source);
	return rc;
}

/* Hide the query parameter name (encoded once, inside the body's PreSignedUrl value) up to
 * its end ("%26", the next parameter, or the value's end). */
static void hide(strbuf *body, size_t from, size_t to, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = from; i + n <= to; i++) {
		if (memcmp(body->buf + i, name, n))
			continue;
		size_t v = i + n, e = v;
		while (e < to && !(e + 3 <= to && !memcmp(body->buf + e, "%26", 3)))
			e++;
		strbuf out = STRBUF_INIT;
		strbuf_add(&out, body->buf, v);
		strbuf_addstr(&out, "<redacted>");
		strbuf_add(&out, body->buf + e, body->len - e);
		strbuf_release(body);
		*body = out;
		return;
	}
}

void aws_xregion_redact(strbuf *body)
{
	field f;
	if (!find(body, "PreSignedUrl", &f))
		return;
	size_t from = (size_t)(f.val - body->buf);
	hide(body, from, from + f.vlen, "X-Amz-Security-Token%3D");
	/* the first splice moved the field's end */
	if (find(body, "PreSignedUrl", &f))
		hide(body, from, from + f.vlen, "X-Amz-Signature%3D");
}
