/* Unit tests for executor/aws/sigv4: every case of both copies of the official SigV4 test
 * suite (tests/testdata/sigv4, or $KDX_SIGV4_SUITE), in header and query mode, plus the
 * helpers (URI encoding, path normalisation, S3 defaults). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/arena.h"
#include "common/value.h"
#include "common/xalloc.h"
#include "executor/aws/sigv4.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN                                                                                  \
	"AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmx" \
	"fpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0" \
	"KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lI" \
	"ZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
#define WHEN 1440938160 /* 2015-08-30T12:36:00Z */

static const char *suite_dir(void)
{
	const char *d = getenv("KDX_SIGV4_SUITE");
	return d && *d ? d : "tests/testdata/sigv4";
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

static char *slurp_at(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *s = slurp(path, len);
	if (!s)
		fail_msg("cannot read %s", path);
	return s;
}

static void parse_file(aws_request *r, const char *dir, const char *name)
{
	size_t len;
	char *text = slurp_at(dir, name, &len);
	strbuf err = STRBUF_INIT;
	aws_request_init(r);
	if (aws_http_parse(r, text, len, &err) < 0)
		fail_msg("%s/%s: %s", dir, name, err.buf);
	strbuf_release(&err);
	free(text);
}

static void expect_file(const char *dir, const char *name, const strbuf *actual)
{
	size_t len;
	char *want = slurp_at(dir, name, &len);
	if (len != actual->len || memcmp(want, actual->buf, len))
		fail_msg("%s/%s differs:\n--- want\n%s\n--- got\n%s", dir, name, want, actual->buf);
	free(want);
}

static void trimmed(strbuf *sb, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	strbuf_addstr(sb, s);
	while (sb->len && (sb->buf[sb->len - 1] == ' ' || sb->buf[sb->len - 1] == '\t'))
		sb->buf[--sb->len] = '\0';
}

/* Headers as a multiset: names case-insensitive, values exact (or trimmed). */
static void expect_headers(const char *what, const aws_request *want, const aws_request *got,
			   bool trim)
{
	if (want->nheaders != got->nheaders)
		fail_msg("%s: %zu headers, want %zu", what, got->nheaders, want->nheaders);
	bool *used = xcalloc(got->nheaders + 1, sizeof(bool));
	for (size_t i = 0; i < want->nheaders; i++) {
		strbuf wv = STRBUF_INIT;
		trim ? trimmed(&wv, want->headers[i].value) : strbuf_addstr(&wv, want->headers[i].value);
		bool found = false;
		for (size_t j = 0; j < got->nheaders && !found; j++) {
			strbuf gv = STRBUF_INIT;
			trim ? trimmed(&gv, got->headers[j].value) : strbuf_addstr(&gv, got->headers[j].value);
			if (!used[j] && !strcasecmp(want->headers[i].name, got->headers[j].name) &&
			    !strcmp(wv.buf, gv.buf))
				found = used[j] = true;
			strbuf_release(&gv);
		}
		if (!found)
			fail_msg("%s: header %s:%s missing", what, want->headers[i].name, wv.buf);
		strbuf_release(&wv);
	}
	free(used);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Query parameters as a set after percent-decoding, one decoded "k=v" per entry. */
static size_t decoded_params(const char *q, char ***out)
{
	size_t n = 0, alloc = 0;
	*out = NULL;
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t l = amp ? (size_t)(amp - q) : strlen(q);
		strbuf sb = STRBUF_INIT;
		aws_uri_decode(&sb, q, l);
		XGROW(*out, n + 1, alloc);
		(*out)[n++] = strbuf_detach(&sb, NULL);
		q = amp ? amp + 1 : NULL;
	}
	if (n)
		qsort(*out, n, sizeof(char *), cmp_str);
	return n;
}

static void expect_signed(const char *what, const aws_request *want, const aws_request *got,
			  bool trim)
{
	assert_string_equal(want->method, got->method);
	if (strcmp(want->path, got->path))
		fail_msg("%s: path '%s', want '%s'", what, got->path, want->path);
	char **wq, **gq;
	size_t wn = decoded_params(want->query, &wq), gn = decoded_params(got->query, &gq);
	if (wn != gn)
		fail_msg("%s: %zu query parameters, want %zu", what, gn, wn);
	for (size_t i = 0; i < wn; i++) {
		if (strcmp(wq[i], gq[i]))
			fail_msg("%s: query parameter '%s', want '%s'", what, gq[i], wq[i]);
	}
	for (size_t i = 0; i < wn; i++)
		free(wq[i]);
	for (size_t i = 0; i < gn; i++)
		free(gq[i]);
	free(wq);
	free(gq);
	expect_headers(what, want, got, trim);
	assert_int_equal(want->body.len, got->body.len);
	assert_memory_equal(want->body.buf, got->body.buf, want->body.len);
}

/* ---- aws-c-auth-v4: context.json per case ---- */

typedef struct ccase {
	char *dir;
	char *name;
	bool query;
} ccase;

static bool json_flag(kdx_value *ctx, const char *key)
{
	kdx_value *v = kdx_value_get(ctx, key);
	return v && v->kind == KDX_V_BOOL && v->u.b;
}

static void test_crt_case(void **state)
{
	const ccase *c = *state;
	kdx_arena a;
	kdx_arena_init(&a);
	size_t len;
	char *text = slurp_at(c->dir, "context.json", &len);
	strbuf err = STRBUF_INIT;
	kdx_value *ctx = kdx_value_from_json(&a, text, len, &err);
	assert_non_null(ctx);
	free(text);
	kdx_value *cr = kdx_value_get(ctx, "credentials");
	kdx_value *tok = kdx_value_get(cr, "token");
	aws_credentials creds = {
		.access_key_id = (char *)kdx_value_get(cr, "access_key_id")->u.str.ptr,
		.secret_access_key = (char *)kdx_value_get(cr, "secret_access_key")->u.str.ptr,
		.session_token = tok ? (char *)tok->u.str.ptr : NULL,
	};
	aws_sigv4_params p;
	aws_sigv4_params_init(&p, &creds, kdx_value_get(ctx, "service")->u.str.ptr, WHEN);
	p.region = kdx_value_get(ctx, "region")->u.str.ptr;
	assert_string_equal(kdx_value_get(ctx, "timestamp")->u.str.ptr, "2015-08-30T12:36:00Z");
	p.no_normalize = !json_flag(ctx, "normalize");
	p.sign_body = json_flag(ctx, "sign_body");
	p.omit_session_token = json_flag(ctx, "omit_session_token");
	p.expires = (long)kdx_value_get(ctx, "expiration_in_seconds")->u.num;

	aws_request r, want;
	parse_file(&r, c->dir, "request.txt");
	aws_sigv4_debug dbg;
	aws_sigv4_debug_init(&dbg);
	const char *mode = c->query ? "query" : "header";
	int rc = c->query ? aws_sigv4_presign(&r, &p, &dbg, &err) : aws_sigv4_sign(&r, &p, &dbg, &err);
	if (rc < 0)
		fail_msg("%s: %s", c->name, err.buf);
	char f[64];
	snprintf(f, sizeof(f), "%s-canonical-request.txt", mode);
	expect_file(c->dir, f, &dbg.canonical_request);
	snprintf(f, sizeof(f), "%s-string-to-sign.txt", mode);
	expect_file(c->dir, f, &dbg.string_to_sign);
	snprintf(f, sizeof(f), "%s-signature.txt", mode);
	expect_file(c->dir, f, &dbg.signature);
	snprintf(f, sizeof(f), "%s-signed-request.txt", mode);
	parse_file(&want, c->dir, f);
	expect_signed(c->name, &want, &r, false);

	aws_request_release(&want);
	aws_request_release(&r);
	aws_sigv4_debug_release(&dbg);
	strbuf_release(&err);
	kdx_arena_release(&a);
}

/* ---- botocore-aws4_testsuite: <case>/<case>.{req,creq,sts,authz,sreq}, fixed inputs ---- */

static void test_botocore_case(void **state)
{
	const ccase *c = *state;
	aws_credentials creds = { .access_key_id = "AKIDEXAMPLE", .secret_access_key = SECRET };
	if (!strcmp(c->name, "post-sts-header-before") || !strcmp(c->name, "post-sts-header-after"))
		creds.session_token = TOKEN;
	aws_sigv4_params p;
	aws_sigv4_params_init(&p, &creds, "service", WHEN);
	p.region = "us-east-1";
	p.omit_session_token = !strcmp(c->name, "post-sts-header-after");

	char f[512];
	aws_request r, want;
	snprintf(f, sizeof(f), "%s.req", c->name);
	parse_file(&r, c->dir, f);
	aws_sigv4_debug dbg;
	aws_sigv4_debug_init(&dbg);
	strbuf err = STRBUF_INIT;
	if (aws_sigv4_sign(&r, &p, &dbg, &err) < 0)
		fail_msg("%s: %s", c->name, err.buf);
	snprintf(f, sizeof(f), "%s.creq", c->name);
	expect_file(c->dir, f, &dbg.canonical_request);
	snprintf(f, sizeof(f), "%s.sts", c->name);
	expect_file(c->dir, f, &dbg.string_to_sign);
	strbuf authz = STRBUF_INIT;
	strbuf_addstr(&authz, aws_request_get_header(&r, "authorization"));
	snprintf(f, sizeof(f), "%s.authz", c->name);
	expect_file(c->dir, f, &authz);
	snprintf(f, sizeof(f), "%s.sreq", c->name);
	parse_file(&want, c->dir, f);
	expect_signed(c->name, &want, &r, true);
	strbuf_release(&authz);
	aws_request_release(&want);
	aws_request_release(&r);
	aws_sigv4_debug_release(&dbg);
	strbuf_release(&err);
}

/* ---- walking the suite ---- */

typedef struct caselist {
	struct CMUnitTest *t;
	ccase *c;
	size_t n, alloc, calloc_;
} caselist;

static void add_case(caselist *l, const char *dir, const char *name, bool query,
		     CMUnitTestFunction fn, const char *prefix)
{
	XGROW(l->c, l->n + 1, l->calloc_);
	XGROW(l->t, l->n + 1, l->alloc);
	ccase *c = &l->c[l->n];
	c->dir = xstrdup(dir);
	c->name = xstrdup(name);
	c->query = query;
	char *tname = xmalloc(strlen(prefix) + strlen(name) + 16);
	sprintf(tname, "%s/%s%s", prefix, name, query ? " (query)" : "");
	l->t[l->n] = (struct CMUnitTest){ .name = tname, .test_func = fn };
	l->n++;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted subdirectory names of dir (caller frees). */
static size_t subdirs(const char *dir, char ***out)
{
	size_t n = 0, alloc = 0;
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			XGROW(*out, n + 1, alloc);
			(*out)[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(*out, n, sizeof(char *), cmp_names);
	return n;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static size_t walk_botocore(caselist *l, const char *dir)
{
	char **names;
	size_t n = subdirs(dir, &names), found = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096], req[4200];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(req, sizeof(req), "%s/%s.req", path, names[i]);
		struct stat st;
		if (stat(req, &st) == 0) {
			add_case(l, path, names[i], false, test_botocore_case, "botocore");
			found++;
		} else {
			found += walk_botocore(l, path); /* normalize-path/, post-sts-token/ */
		}
	}
	free_names(names, n);
	return found;
}

/* ---- helpers ---- */

static void test_uri_encode(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	aws_uri_encode(&sb, "a b/c~d+e=\xe1\x88\xb4", 13, true);
	assert_string_equal(sb.buf, "a%20b/c~d%2Be%3D%E1%88%B4");
	strbuf_reset(&sb);
	aws_uri_encode(&sb, "a/b", 3, false);
	assert_string_equal(sb.buf, "a%2Fb");
	strbuf_reset(&sb);
	aws_uri_decode(&sb, "%41%zz%4", 8);
	assert_string_equal(sb.buf, "A%zz%4");
	strbuf_release(&sb);
}

static void test_normalize(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "", "/" },		{ "/", "/" },	      { "//", "/" },
		{ "/a/b/../c", "/a/c" }, { "/a/./b/", "/a/b/" }, { "/../..", "/" },
		{ "/a//b//", "/a/b/" }, { "/a/b/..", "/a" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf sb = STRBUF_INIT;
		aws_sigv4_normalize_path(&sb, cases[i][0]);
		assert_string_equal(sb.buf, cases[i][1]);
		strbuf_release(&sb);
	}
}

/* S3 keeps its path as sent and signs x-amz-content-sha256; re-signing replaces, not adds. */
static void test_s3_and_resign(void **state)
{
	(void)state;
	aws_credentials creds = { .access_key_id = "AKIDEXAMPLE", .secret_access_key = SECRET };
	aws_sigv4_params p;
	aws_sigv4_params_init(&p, &creds, "s3", WHEN);
	p.region = "us-east-1";
	p.unsigned_payload = true;
	aws_request r;
	aws_request_init(&r);
	r.method = xstrdup("GET");
	r.host = xstrdup("bucket.s3.amazonaws.com");
	r.path = xstrdup("/my-object//example//photo.user%20x");
	aws_sigv4_debug dbg;
	aws_sigv4_debug_init(&dbg);
	strbuf err = STRBUF_INIT;
	assert_int_equal(aws_sigv4_sign(&r, &p, &dbg, &err), 0);
	assert_non_null(strstr(dbg.canonical_request.buf, "\n/my-object//example//photo.user%20x\n"));
	assert_string_equal(aws_request_get_header(&r, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
	size_t n = r.nheaders;
	assert_int_equal(aws_sigv4_sign(&r, &p, &dbg, &err), 0);
	assert_int_equal(r.nheaders, n);
	assert_string_equal(dbg.signed_headers.buf, "host;x-amz-content-sha256;x-amz-date");
	/* The secret never shows in anything the signer hands back. */
	assert_null(strstr(dbg.canonical_request.buf, SECRET));
	assert_null(strstr(dbg.string_to_sign.buf, SECRET));
	assert_null(strstr(aws_request_get_header(&r, "authorization"), SECRET));
	aws_request_release(&r);
	aws_sigv4_debug_release(&dbg);
	strbuf_release(&err);
}

static void test_no_credentials(void **state)
{
	(void)state;
	aws_credentials creds = { 0 };
	aws_sigv4_params p;
	aws_sigv4_params_init(&p, &creds, "sts", WHEN);
	p.region = "us-east-1";
	aws_request r;
	aws_request_init(&r);
	r.method = xstrdup("GET");
	r.host = xstrdup("sts.amazonaws.com");
	strbuf err = STRBUF_INIT;
	assert_int_equal(aws_sigv4_sign(&r, &p, NULL, &err), -1);
	assert_string_equal(err.buf, "cannot sign the request: no credentials");
	aws_request_release(&r);
	strbuf_release(&err);
}

int main(void)
{
	caselist l = { 0 };
	char root[4096];
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_uri_encode),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_s3_and_resign),
		cmocka_unit_test(test_no_credentials),
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		XGROW(l.t, l.n + 1, l.alloc);
		XGROW(l.c, l.n + 1, l.calloc_);
		memset(&l.c[l.n], 0, sizeof(l.c[l.n]));
		l.t[l.n++] = fixed[i];
	}
	size_t nfixed = l.n;

	snprintf(root, sizeof(root), "%s/aws-c-auth-v4", suite_dir());
	char **names;
	size_t ncrt = subdirs(root, &names);
	for (size_t i = 0; i < ncrt; i++) {
		char dir[8192];
		snprintf(dir, sizeof(dir), "%s/%s", root, names[i]);
		add_case(&l, dir, names[i], false, test_crt_case, "aws-c-auth");
		add_case(&l, dir, names[i], true, test_crt_case, "aws-c-auth");
	}
	free_names(names, ncrt);
	snprintf(root, sizeof(root), "%s/botocore-aws4_testsuite", suite_dir());
	size_t nboto = walk_botocore(&l, root);
	for (size_t i = nfixed; i < l.n; i++)
		l.t[i].initial_state = &l.c[i];

	/* The suite has 30 + 27 cases; finding fewer means the walk (or the copy) is broken. */
	if (ncrt != 30 || nboto != 27) {
		fprintf(stderr, "sigv4 suite under %s: found %zu aws-c-auth and %zu botocore cases, want 30 and 27\n",
			suite_dir(), ncrt, nboto);
		printf("not ok 1 - sigv4 suite incomplete\n");
		return 1;
	}
	int rc = _cmocka_run_group_tests("sigv4", l.t, l.n, NULL, NULL);
	for (size_t i = nfixed; i < l.n; i++) {
		free((char *)l.t[i].name);
		free(l.c[i].dir);
		free(l.c[i].name);
	}
	free(l.t);
	free(l.c);
	return rc;
}
