/* Unit tests for executor/aws/rules: every endpoint test case AWS publishes next to the rule
 * sets of the services kdx ships (tests/unit/data/endpoint-tests/SERVICE.json, botocore's
 * tests/functional/endpoint-rules at the installed version's tag), and the engine's own
 * functions on small synthetic rule sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "executor/aws/rules.h"

#define CASES_DIR "tests/unit/data/endpoint-tests"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

/* Run one service's cases; returns how many ran, fails on the first mismatch. */
static size_t run_cases(const char *service)
{
	aws_mpack rs;
	if (!aws_rules_find(service, &rs))
		fail_msg("no built-in rule set for '%s'", service);
	strbuf path = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s.json", CASES_DIR, service);
	size_t len;
	char *text = slurp(path.buf, &len);
	if (!text)
		fail_msg("cannot read %s", path.buf);
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *doc = kdx_value_from_json(&a, text, len, &err);
	if (!doc)
		fail_msg("%s: %s", path.buf, err.buf);
	const kdx_value *cases = kdx_value_get(doc, "testCases");
	assert_non_null(cases);
	size_t ran = 0;
	for (size_t i = 0; i < cases->u.list.n; i++) {
		const kdx_value *c = cases->u.list.items[i];
		const kdx_value *want = kdx_value_get(c, "expect");
		const kdx_value *doc_s = kdx_value_get(c, "documentation");
		const char *what = doc_s ? doc_s->u.str.ptr : "?";
		const kdx_value *want_err = kdx_value_get(want, "error");
		const kdx_value *want_ep = kdx_value_get(want, "endpoint");
		aws_rules_endpoint ep;
		strbuf_reset(&err);
		int rc = aws_rules_eval(&rs, kdx_value_get(c, "params"), &a, &ep, &err);
		if (want_err) {
			if (rc == 0 || strcmp(err.buf, want_err->u.str.ptr))
				fail_msg("%s: case %zu (%s): got %s '%s', want error '%s'", service, i,
					 what, rc ? "error" : "endpoint", rc ? err.buf : ep.url,
					 want_err->u.str.ptr);
		} else {
			if (rc < 0)
				fail_msg("%s: case %zu (%s): %s", service, i, what, err.buf);
			const kdx_value *url = kdx_value_get(want_ep, "url");
			const kdx_value *props = kdx_value_get(want_ep, "properties");
			const kdx_value *hdrs = kdx_value_get(want_ep, "headers");
			if (props && props->kind == KDX_V_MAP && !props->u.map.n)
				props = NULL;
			if (hdrs && hdrs->kind == KDX_V_MAP && !hdrs->u.map.n)
				hdrs = NULL;
			if (strcmp(ep.url, url->u.str.ptr))
				fail_msg("%s: case %zu (%s): url %s, want %s", service, i, what, ep.url,
					 url->u.str.ptr);
			if (!kdx_value_equal(ep.properties, props) || !kdx_value_equal(ep.headers, hdrs)) {
				strbuf g = STRBUF_INIT, w = STRBUF_INIT;
				kdx_value_to_json(&g, ep.properties);
				kdx_value_to_json(&w, props);
				fail_msg("%s: case %zu (%s): properties %s, want %s", service, i, what,
					 g.buf, w.buf);
			}
		}
		ran++;
	}
	kdx_arena_release(&a);
	free(text);
	strbuf_release(&path);
	strbuf_release(&err);
	return ran;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void test_published_cases(void **state)
{
	(void)state;
	DIR *d = opendir(CASES_DIR);
	assert_non_null(d);
	char *names[64];
	size_t n = 0, total = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".json"))
			names[n++] = strndup(e->d_name, len - 5);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	/* every rule set kdx ships has its cases (the rule sets table also has "partitions") */
	assert_int_equal(n + 1, aws_mpack_nrulesets);
	for (size_t i = 0; i < n; i++) {
		total += run_cases(names[i]);
		free(names[i]);
	}
	print_message("endpoint test cases: %zu, of %zu services\n", total, n);
	assert_true(total > 1000);
}

static void test_partition(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	static const char *const cases[][3] = {
		{ "us-east-1", "aws", "amazonaws.com" },
		{ "eu-central-2", "aws", "amazonaws.com" },
		{ "cn-north-1", "aws-cn", "amazonaws.com.cn" },
		{ "us-gov-west-1", "aws-us-gov", "amazonaws.com" },
		{ "us-iso-east-1", "aws-iso", "c2s.ic.gov" },
		{ "us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov" },
		/* not listed: by regionRegex, else aws */
		{ "cn-south-9", "aws-cn", "amazonaws.com.cn" },
		{ "mars-east-1", "aws", "amazonaws.com" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kdx_value *p = aws_rules_partition(&a, cases[i][0]);
		assert_non_null(p);
		assert_string_equal(kdx_value_get(p, "name")->u.str.ptr, cases[i][1]);
		assert_string_equal(kdx_value_get(p, "dnsSuffix")->u.str.ptr, cases[i][2]);
	}
	kdx_arena_release(&a);
}

/* Evaluate a rule set given as JSON with Region us-east-1; the error text, or the URL. */
static void eval_json(const char *json, const char *want)
{
	json_tokener *tok = json_tokener_new_ex(400);
	json_object *root = json_tokener_parse_ex(tok, json, (int)strlen(json));
	json_tokener_free(tok);
	assert_non_null(root);
	uint32_t *w;
	char *s;
	size_t nw, ns;
	aws_mpack_build(root, &w, &nw, &s, &ns);
	json_object_put(root);
	aws_mpack rs = { w, s };
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *params = kdx_value_map(&a, 1);
	params->u.map.keys[0] = "Region";
	params->u.map.vals[0] = kdx_value_string(&a, "us-east-1");
	aws_rules_endpoint ep;
	strbuf err = STRBUF_INIT;
	const char *got = aws_rules_eval(&rs, params, &a, &ep, &err) == 0 ? ep.url : err.buf;
	if (strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'", json, got, want);
	strbuf_release(&err);
	kdx_arena_release(&a);
	free(w);
	free(s);
}

/* A malformed rule set is refused with a reason, never followed into a crash (the first
 * case is what fuzz_aws_rules found: "rules" an object, not an array). */
static void test_malformed(void **state)
{
	(void)state;
	const char *p = "\"parameters\":{\"Region\":{\"type\":\"string\"}}";
	char buf[1024];
	snprintf(buf, sizeof(buf), "{%s,\"rules\":{\"url\":\"https://x\"}}", p);
	eval_json(buf, "no rule of the endpoint rule set matched");
	snprintf(buf, sizeof(buf), "{%s,\"rules\":[{\"type\":\"endpoint\",\"conditions\":"
		 "{\"fn\":\"isSet\"},\"endpoint\":{\"url\":\"https://{Region}\"}}]}", p);
	eval_json(buf, "https://us-east-1");
	snprintf(buf, sizeof(buf), "{%s,\"rules\":[{\"type\":\"endpoint\",\"conditions\":"
		 "[{\"fn\":\"isSet\",\"argv\":{}}],\"endpoint\":{\"url\":\"https://x\"}}]}", p);
	eval_json(buf, "the endpoint rule set cannot be read: a function call without 'fn' and 'argv'");
	snprintf(buf, sizeof(buf), "{%s,\"rules\":[{\"type\":\"endpoint\",\"conditions\":"
		 "[{\"fn\":\"rm\",\"argv\":[]}],\"endpoint\":{\"url\":\"https://x\"}}]}", p);
	eval_json(buf, "the endpoint rule set cannot be read: unknown function 'rm'");
	snprintf(buf, sizeof(buf), "{%s,\"rules\":[{\"type\":\"endpoint\",\"conditions\":[],"
		 "\"endpoint\":{\"url\":\"https://{Region\"}}]}", p);
	eval_json(buf, "the endpoint rule set cannot be read: an unclosed '{' in a template");
	snprintf(buf, sizeof(buf), "{%s,\"rules\":[{\"type\":\"endpoint\",\"conditions\":[],"
		 "\"endpoint\":{}}]}", p);
	eval_json(buf, "the endpoint rule set cannot be read: an endpoint without a URL");
	eval_json("{\"rules\":[]}", "the endpoint rule set cannot be read: no parameters");
	eval_json("{\"parameters\":{\"Region\":{\"type\":\"boolean\"}},\"rules\":[]}",
		  "endpoint parameter 'Region' must be a boolean, not a string");
	/* nesting past the limit is refused, not followed */
	strbuf deep = STRBUF_INIT;
	strbuf_addf(&deep, "{%s,\"rules\":[", p);
	for (int i = 0; i < 80; i++)
		strbuf_addstr(&deep, "{\"type\":\"tree\",\"conditions\":[],\"rules\":[");
	for (int i = 0; i < 80; i++)
		strbuf_addstr(&deep, "]}");
	strbuf_addstr(&deep, "]}");
	eval_json(deep.buf, "the endpoint rule set cannot be read: nested too deeply");
	strbuf_release(&deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_cases),
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
