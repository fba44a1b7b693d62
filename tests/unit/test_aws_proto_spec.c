/* Unit tests for the protocol behaviours the Smithy AWS protocol specifications and the SDKs
 * define, each on a small synthetic model written for the rule it tests (not one service's
 * model): NaN and infinities, the endpoint hostPrefix trait, query-string map precedence,
 * list and jsonvalue response headers, shapes kdx cannot read refused at load, operations
 * without output, event streams refused, timestamps, shortest decimals, error fields,
 * smithy-rpc-v2-cbor refused in favour of the next protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "common/value.h"
#include "executor/aws/client.h"
#include "executor/aws/endpoints.h"
#include "executor/aws/model.h"
#include "executor/aws/proto.h"

/* Write a model with METADATA (JSON members), OPERATIONS and SHAPES (JSON objects' insides)
 * and load it; NULL with err filled when loading fails. */
static aws_model *synth(const char *metadata, const char *ops, const char *shapes, strbuf *err)
{
	char path[] = "/tmp/kdx-synth-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	strbuf doc = STRBUF_INIT;
	strbuf_addf(&doc, "{\"version\":\"2.0\",\"metadata\":{\"apiVersion\":\"2020-01-01\","
		    "\"endpointPrefix\":\"synth\",\"serviceId\":\"Synth\",\"targetPrefix\":\"Synth\","
		    "\"jsonVersion\":\"1.1\",%s},\"operations\":{%s},\"shapes\":{%s}}",
		    metadata, ops, shapes);
	assert_int_equal(write(fd, doc.buf, doc.len), (ssize_t)doc.len);
	close(fd);
	aws_model *m = NULL;
	if (aws_model_load_file(path, "synth", &m, err) < 0)
		m = NULL;
	unlink(path);
	strbuf_release(&doc);
	return m;
}

static aws_model *synth_ok(const char *metadata, const char *ops, const char *shapes)
{
	strbuf err = STRBUF_INIT;
	aws_model *m = synth(metadata, ops, shapes, &err);
	if (!m)
		fail_msg("%s", err.buf);
	strbuf_release(&err);
	return m;
}

/* Parse BODY (with HEADERS "Name: value\n"...) as the 200 response of Op; JSON text. */
static char *parse(const aws_model *m, const char *headers, const char *body)
{
	aws_response r;
	aws_response_init(&r);
	r.status = 200;
	for (const char *p = headers; p && *p;) {
		const char *nl = strchr(p, '\n'), *colon = strchr(p, ':');
		r.headers = realloc(r.headers, sizeof(*r.headers) * (r.nheaders + 1));
		r.headers[r.nheaders].name = strndup(p, (size_t)(colon - p));
		r.headers[r.nheaders].value = strndup(colon + 2, (size_t)(nl - colon - 2));
		r.aheaders = ++r.nheaders;
		p = nl + 1;
	}
	strbuf_addstr(&r.body, body);
	kdx_arena a;
	kdx_value *v;
	strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	kdx_arena_init(&a);
	if (aws_proto_parse(m, "Op", &r, &a, &v, &err) < 0)
		fail_msg("%s", err.buf);
	kdx_value_to_json(&out, v);
	kdx_arena_release(&a);
	aws_response_release(&r);
	strbuf_release(&err);
	return strbuf_detach(&out, NULL);
}

static void expect_parse(const aws_model *m, const char *headers, const char *body,
			 const char *want)
{
	char *got = parse(m, headers, body);
	if (strcmp(got, want))
		fail_msg("got %s, want %s", got, want);
	free(got);
}

static int serialize(const aws_model *m, const kdx_value *in, aws_request *r, strbuf *err)
{
	aws_request_init(r);
	return aws_proto_serialize(m, "Op", in, "us-east-1", r, err);
}

static kdx_value *one(kdx_arena *a, const char *key, kdx_value *v)
{
	kdx_value *m = kdx_value_map(a, 1);
	m->u.map.keys[0] = key;
	m->u.map.vals[0] = v;
	return m;
}

static const char JSON_META[] = "\"protocol\":\"json\",\"protocols\":[\"json\"]";
static const char QUERY_META[] = "\"protocol\":\"query\",\"protocols\":[\"query\"]";
static const char RESTXML_META[] = "\"protocol\":\"rest-xml\",\"protocols\":[\"rest-xml\"]";
static const char RESTJSON_META[] = "\"protocol\":\"rest-json\",\"protocols\":[\"rest-json\"]";

/* JSON has no NaN or Infinity: the protocols write the strings "NaN", "Infinity",
 * "-Infinity" in JSON and the bare words in query, XML and headers; kdx prints them as
 * those strings (valid JSON), never "nan" or "inf". */
static void test_nan_infinity(void **state)
{
	(void)state;
	const char *shapes = "\"In\":{\"type\":\"structure\",\"members\":{\"F\":{\"shape\":\"D\"}}},"
			     "\"Out\":{\"type\":\"structure\",\"members\":{\"F\":{\"shape\":\"D\"},"
			     "\"G\":{\"shape\":\"D\"},\"H\":{\"shape\":\"D\"},\"I\":{\"shape\":\"D\"}}},"
			     "\"D\":{\"type\":\"double\"}";
	const char *ops = "\"Op\":{\"name\":\"Op\",\"input\":{\"shape\":\"In\"},"
			  "\"output\":{\"shape\":\"Out\",\"resultWrapper\":\"OpResult\"}}";
	aws_model *mj = synth_ok(JSON_META, ops, shapes), *mq = synth_ok(QUERY_META, ops, shapes);
	kdx_arena a;
	kdx_arena_init(&a);
	aws_request r;
	strbuf err = STRBUF_INIT;
	const double vals[] = { NAN, INFINITY, -INFINITY };
	const char *json[] = { "{\"F\":\"NaN\"}", "{\"F\":\"Infinity\"}", "{\"F\":\"-Infinity\"}" };
	const char *query[] = { "F=NaN", "F=Infinity", "F=-Infinity" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(serialize(mj, one(&a, "F", kdx_value_number(&a, vals[i])), &r, &err), 0);
		assert_string_equal(r.body.buf, json[i]);
		aws_request_release(&r);
		assert_int_equal(serialize(mq, one(&a, "F", kdx_value_number(&a, vals[i])), &r, &err), 0);
		assert_non_null(strstr(r.body.buf, query[i]));
		aws_request_release(&r);
	}
	expect_parse(mj, NULL, "{\"F\":\"NaN\",\"G\":\"Infinity\",\"H\":\"-Infinity\",\"I\":0.1}",
		     "{\"F\":\"NaN\",\"G\":\"Infinity\",\"H\":\"-Infinity\",\"I\":0.1}");
	/* only the three words: "nan", "inf", hex and padded numbers stay text */
	expect_parse(mq, NULL,
		     "<OpResponse><OpResult><F>NaN</F><G>-Infinity</G><H>inf</H><I>0x10</I>"
		     "</OpResult></OpResponse>",
		     "{\"F\":\"NaN\",\"G\":\"-Infinity\",\"H\":\"inf\",\"I\":\"0x10\"}");
	kdx_arena_release(&a);
	strbuf_release(&err);
	aws_model_free(mj);
	aws_model_free(mq);
}

/* The endpoint trait's hostPrefix: labels from hostLabel members, validated as host name
 * labels, prepended to the endpoint's host (not to an IP address or localhost). */
static void test_host_prefix(void **state)
{
	(void)state;
	aws_model *m = synth_ok(RESTJSON_META,
		"\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/op\"},"
		"\"input\":{\"shape\":\"In\"},\"endpoint\":{\"hostPrefix\":\"{AccountId}.data-\"}}",
		"\"In\":{\"type\":\"structure\",\"required\":[\"AccountId\"],\"members\":{"
		"\"AccountId\":{\"shape\":\"S\",\"hostLabel\":true}}},\"S\":{\"type\":\"string\"}");
	kdx_arena a;
	kdx_arena_init(&a);
	aws_request r;
	strbuf err = STRBUF_INIT;
	assert_int_equal(serialize(m, one(&a, "AccountId", kdx_value_string(&a, "123456789012")),
				   &r, &err), 0);
	assert_string_equal(r.host_prefix, "123456789012.data-");
	aws_endpoint e = { .scheme = "https", .host = "synth.us-east-1.amazonaws.com",
			   .base_path = "", .signing_region = "us-east-1" };
	aws_endpoint_apply(&e, &r, NULL);
	assert_string_equal(r.host, "123456789012.data-synth.us-east-1.amazonaws.com");
	e.scheme = "http";
	e.host = "127.0.0.1:5000";
	aws_endpoint_apply(&e, &r, NULL);
	assert_string_equal(r.host, "127.0.0.1:5000");
	aws_request_release(&r);
	/* a value that would move the request to another host is refused */
	static const char *const bad[] = { "evil.com/x", "a.b", "-abc", "", "x y" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&err);
		assert_int_equal(serialize(m, one(&a, "AccountId", kdx_value_string(&a, bad[i])),
					   &r, &err), -1);
		assert_non_null(strstr(err.buf, "must be a host name label"));
		aws_request_release(&r);
	}
	kdx_arena_release(&a);
	strbuf_release(&err);
	aws_model_free(m);
}

/* A query-string map never repeats a key a named query member sets. */
static void test_query_map_precedence(void **state)
{
	(void)state;
	aws_model *m = synth_ok(RESTJSON_META,
		"\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/op\"},"
		"\"input\":{\"shape\":\"In\"}}",
		"\"In\":{\"type\":\"structure\",\"members\":{"
		"\"Foo\":{\"shape\":\"S\",\"location\":\"querystring\",\"locationName\":\"foo\"},"
		"\"Params\":{\"shape\":\"M\",\"location\":\"querystring\"}}},"
		"\"S\":{\"type\":\"string\"},"
		"\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":\"S\"}}");
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	aws_request r;
	kdx_value *params = kdx_value_map(&a, 2);
	params->u.map.keys[0] = "foo";
	params->u.map.vals[0] = kdx_value_string(&a, "from-map");
	params->u.map.keys[1] = "bar";
	params->u.map.vals[1] = kdx_value_string(&a, "b");
	kdx_value *in = kdx_value_map(&a, 2);
	in->u.map.keys[0] = "Params";
	in->u.map.vals[0] = params;
	in->u.map.keys[1] = "Foo";
	in->u.map.vals[1] = kdx_value_string(&a, "named");
	assert_int_equal(serialize(m, in, &r, &err), 0);
	assert_string_equal(r.query, "bar=b&foo=named");
	aws_request_release(&r);
	kdx_arena_release(&a);
	strbuf_release(&err);
	aws_model_free(m);
}

/* Response headers: lists split at commas outside quotes (HTTP dates at every second
 * comma), jsonvalue headers base64-decoded into values, timestamps as ISO 8601. */
static void test_response_headers(void **state)
{
	(void)state;
	aws_model *m = synth_ok(RESTXML_META,
		"\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"GET\",\"requestUri\":\"/\"},"
		"\"output\":{\"shape\":\"Out\"}}",
		"\"Out\":{\"type\":\"structure\",\"members\":{"
		"\"Strs\":{\"shape\":\"SL\",\"location\":\"header\",\"locationName\":\"X-Strs\"},"
		"\"Ints\":{\"shape\":\"IL\",\"location\":\"header\",\"locationName\":\"X-Ints\"},"
		"\"Dates\":{\"shape\":\"TL\",\"location\":\"header\",\"locationName\":\"X-Dates\"},"
		"\"Doc\":{\"shape\":\"S\",\"location\":\"header\",\"locationName\":\"X-Doc\",\"jsonvalue\":true},"
		"\"Bad\":{\"shape\":\"S\",\"location\":\"header\",\"locationName\":\"X-Bad\",\"jsonvalue\":true},"
		"\"When\":{\"shape\":\"T\",\"location\":\"header\",\"locationName\":\"X-When\"},"
		"\"Code\":{\"shape\":\"I\",\"location\":\"statusCode\"}}},"
		"\"S\":{\"type\":\"string\"},\"I\":{\"type\":\"integer\"},\"T\":{\"type\":\"timestamp\"},"
		"\"SL\":{\"type\":\"list\",\"member\":{\"shape\":\"S\"}},"
		"\"IL\":{\"type\":\"list\",\"member\":{\"shape\":\"I\"}},"
		"\"TL\":{\"type\":\"list\",\"member\":{\"shape\":\"T\"}}");
	expect_parse(m,
		     "X-Strs: a, \"b,c\" , \"d\\\"e\",f\n"
		     "X-Ints: 1, 2,3\n"
		     "X-Dates: Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 00:00:01 GMT\n"
		     "X-Doc: eyJhIjpbMSwyXX0=\n" /* {"a":[1,2]} */
		     "X-Bad: not base64!\n"
		     "X-When: Sun, 06 Nov 1994 08:49:37 GMT\n",
		     "",
		     "{\"Strs\":[\"a\",\"b,c\",\"d\\\"e\",\"f\"],\"Ints\":[1,2,3],"
		     "\"Dates\":[\"2019-12-16T23:48:18Z\",\"2019-12-17T00:00:01Z\"],"
		     "\"Doc\":{\"a\":[1,2]},\"When\":\"1994-11-06T08:49:37Z\",\"Code\":200}");
	aws_model_free(m);
}

/* A header-bound member (a header, or a prefix-headers map's key or value) whose text holds
 * CR, LF or NUL never becomes a header: the request is marked and the client refuses it
 * before anything is sent (issue #16.4: no header injection from runbook or response data). */
static void test_header_injection(void **state)
{
	(void)state;
	aws_model *m = synth_ok(RESTJSON_META,
		"\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/op\"},"
		"\"input\":{\"shape\":\"In\"}}",
		"\"In\":{\"type\":\"structure\",\"members\":{"
		"\"Note\":{\"shape\":\"S\",\"location\":\"header\",\"locationName\":\"X-Note\"},"
		"\"Meta\":{\"shape\":\"M\",\"location\":\"headers\",\"locationName\":\"x-meta-\"}}},"
		"\"S\":{\"type\":\"string\"},"
		"\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":\"S\"}}");
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	aws_request r;
	/* clean values go out as headers */
	assert_int_equal(serialize(m, one(&a, "Note", kdx_value_string(&a, "fine")), &r, &err), 0);
	assert_null(r.bad_header);
	assert_string_equal(aws_request_get_header(&r, "X-Note"), "fine");
	aws_request_release(&r);
	static const struct { const char *s; size_t n; } bad[] = {
		{ "a\r\nX-Injected: 1", 16 }, { "a\nb", 3 }, { "a\rb", 3 }, { "a\0X-Injected: 1", 16 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(serialize(m, one(&a, "Note", kdx_value_stringn(&a, bad[i].s, bad[i].n)),
					   &r, &err), 0);
		assert_non_null(r.bad_header);
		assert_string_equal(r.bad_header, "X-Note");
		assert_null(aws_request_get_header(&r, "X-Note"));
		aws_request_release(&r);
		/* the same text as a prefix-headers value, and as its key */
		kdx_value *meta = kdx_value_map(&a, 1);
		meta->u.map.keys[0] = "k";
		meta->u.map.vals[0] = kdx_value_stringn(&a, bad[i].s, bad[i].n);
		assert_int_equal(serialize(m, one(&a, "Meta", meta), &r, &err), 0);
		assert_non_null(r.bad_header);
		assert_null(aws_request_get_header(&r, "x-meta-k"));
		aws_request_release(&r);
	}
	kdx_value *meta = kdx_value_map(&a, 1);
	meta->u.map.keys[0] = "k\r\nX-Injected";
	meta->u.map.vals[0] = kdx_value_string(&a, "v");
	assert_int_equal(serialize(m, one(&a, "Meta", meta), &r, &err), 0);
	assert_non_null(r.bad_header);
	for (size_t i = 0; i < r.nheaders; i++)
		assert_null(strchr(r.headers[i].name, '\n'));
	aws_request_release(&r);
	kdx_arena_release(&a);
	strbuf_release(&err);
	aws_model_free(m);
}

/* A shape of a type kdx does not implement, or a reference to a shape the model lacks, is
 * refused when the model is loaded: nothing is sent, no member reads another's value. */
static void test_unknown_shapes_refused(void **state)
{
	(void)state;
	strbuf err = STRBUF_INIT;
	assert_null(synth(JSON_META, "\"Op\":{\"name\":\"Op\",\"input\":{\"shape\":\"In\"}}",
			  "\"In\":{\"type\":\"structure\",\"members\":{\"A\":{\"shape\":\"X\"}}},"
			  "\"X\":{\"type\":\"bigfloat\"}", &err));
	assert_non_null(strstr(err.buf, "shape 'X' has type 'bigfloat', which kdx does not implement"));
	strbuf_reset(&err);
	assert_null(synth(JSON_META, "\"Op\":{\"name\":\"Op\",\"input\":{\"shape\":\"In\"}}",
			  "\"In\":{\"type\":\"structure\",\"members\":{\"A\":{\"shape\":\"Gone\"}}}",
			  &err));
	assert_non_null(strstr(err.buf, "shape 'In' member 'A' refers to shape 'Gone', which the "
				      "model does not define"));
	strbuf_release(&err);
}

/* An operation without output takes any body: "{}", more, or none. */
static void test_no_output(void **state)
{
	(void)state;
	const char *ops = "\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/\"}}";
	aws_model *mj = synth_ok(JSON_META, ops, "");
	aws_model *mr = synth_ok(RESTJSON_META, ops, "");
	aws_model *mx = synth_ok(RESTXML_META, ops, "");
	expect_parse(mj, NULL, "{\"unexpected\":1}", "{}");
	expect_parse(mj, NULL, "not json at all", "{}");
	expect_parse(mr, NULL, "{}", "{}");
	expect_parse(mx, NULL, "<Whatever/>", "{}");
	aws_model_free(mj);
	aws_model_free(mr);
	aws_model_free(mx);
}

/* Event-stream operations are refused when the call is looked up, compiled or serialised. */
static void test_event_stream_refused(void **state)
{
	(void)state;
	aws_model *m = synth_ok(RESTJSON_META,
		"\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/\"},"
		"\"output\":{\"shape\":\"Out\"}},"
		"\"Plain\":{\"name\":\"Plain\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/p\"}}",
		"\"Out\":{\"type\":\"structure\",\"members\":{\"Events\":{\"shape\":\"Stream\"}},"
		"\"payload\":\"Events\"},"
		"\"Stream\":{\"type\":\"structure\",\"members\":{\"Chunk\":{\"shape\":\"Ev\"}},"
		"\"eventstream\":true},"
		"\"Ev\":{\"type\":\"structure\",\"members\":{},\"event\":true}");
	aws_operation op;
	strbuf err = STRBUF_INIT;
	assert_int_equal(aws_model_operation(m, "Op", &op, &err), -1);
	assert_string_equal(err.buf, "operation 'Op' of AWS service 'synth' streams its output as "
				     "events (member 'Events'); kdx does not implement event streams");
	strbuf_reset(&err);
	assert_int_equal(aws_model_check(m, "Op", NULL, true, &err), -1);
	assert_non_null(strstr(err.buf, "event streams"));
	strbuf_reset(&err);
	aws_request r;
	assert_int_equal(serialize(m, NULL, &r, &err), -1);
	aws_request_release(&r);
	assert_int_equal(aws_model_operation(m, "Plain", &op, &err), 0);
	strbuf_release(&err);
	aws_model_free(m);
}

/* Timestamps: printed as ISO 8601 in UTC whatever the wire had; written per protocol
 * (epoch seconds in JSON bodies, ISO 8601 in query and XML, HTTP dates in headers) unless
 * the member's timestampFormat says otherwise. */
static void test_timestamps(void **state)
{
	(void)state;
	const char *shapes = "\"In\":{\"type\":\"structure\",\"members\":{"
			     "\"T\":{\"shape\":\"T\"},\"E\":{\"shape\":\"T\",\"timestampFormat\":\"iso8601\"}}},"
			     "\"Out\":{\"type\":\"structure\",\"members\":{\"A\":{\"shape\":\"T\"},"
			     "\"B\":{\"shape\":\"T\"},\"C\":{\"shape\":\"T\"}}},"
			     "\"T\":{\"type\":\"timestamp\"}";
	const char *ops = "\"Op\":{\"name\":\"Op\",\"http\":{\"method\":\"POST\",\"requestUri\":\"/\"},"
			  "\"input\":{\"shape\":\"In\"},\"output\":{\"shape\":\"Out\",\"resultWrapper\":\"OpResult\"}}";
	aws_model *mj = synth_ok(JSON_META, ops, shapes), *mq = synth_ok(QUERY_META, ops, shapes);
	expect_parse(mj, NULL, "{\"A\":1795687200,\"B\":1795687200.125,\"C\":\"2026-11-26T12:00:00+02:00\"}",
		     "{\"A\":\"2026-11-26T10:00:00Z\",\"B\":\"2026-11-26T10:00:00.125Z\","
		     "\"C\":\"2026-11-26T10:00:00Z\"}");
	expect_parse(mq, NULL,
		     "<OpResponse><OpResult><A>2026-11-26T10:00:00.000Z</A>"
		     "<B>2026-11-26T10:00:00.500000Z</B><C>not a time</C></OpResult></OpResponse>",
		     "{\"A\":\"2026-11-26T10:00:00Z\",\"B\":\"2026-11-26T10:00:00.5Z\",\"C\":\"not a time\"}");
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *in = kdx_value_map(&a, 2);
	in->u.map.keys[0] = "T";
	in->u.map.vals[0] = kdx_value_string(&a, "2026-11-26T10:00:00Z");
	in->u.map.keys[1] = "E";
	in->u.map.vals[1] = kdx_value_string(&a, "2026-11-26T10:00:00Z");
	aws_request r;
	strbuf err = STRBUF_INIT;
	assert_int_equal(serialize(mj, in, &r, &err), 0);
	assert_string_equal(r.body.buf, "{\"T\":1795687200,\"E\":\"2026-11-26T10:00:00Z\"}");
	aws_request_release(&r);
	assert_int_equal(serialize(mq, in, &r, &err), 0);
	assert_non_null(strstr(r.body.buf, "T=2026-11-26T10%3A00%3A00Z"));
	aws_request_release(&r);
	/* epoch seconds outside years 1-9999 are no timestamp (found by fuzz_aws_json and
	 * fuzz_aws_headers: converting 44E44 to an integer was undefined behaviour) */
	int64_t secs;
	int us;
	assert_int_equal(aws_timestamp_parse("44E44", &secs, &us), -1);
	assert_int_equal(aws_timestamp_parse("-1e20", &secs, &us), -1);
	assert_int_equal(aws_timestamp_parse("253402300799", &secs, &us), 0);
	expect_parse(mj, NULL, "{\"A\":1e300,\"B\":-4.4e45}", "{\"A\":\"1e+300\",\"B\":\"-4.4e+45\"}");
	in->u.map.vals[0] = kdx_value_number(&a, 1e300);
	in->u.map.n = 1;
	assert_int_equal(serialize(mj, in, &r, &err), -1);
	aws_request_release(&r);
	kdx_arena_release(&a);
	strbuf_release(&err);
	aws_model_free(mj);
	aws_model_free(mq);
}

/* Decimals as the shortest text that reads back as the same double. */
static void test_shortest_numbers(void **state)
{
	(void)state;
	static const struct { double v; const char *s; } cases[] = {
		{ 0.1, "0.1" }, { 1.1, "1.1" }, { 0.30000000000000004, "0.30000000000000004" },
		{ 1e300, "1e+300" }, { 5e-324, "5e-324" }, { -2.5, "-2.5" }, { 42, "42" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf sb = STRBUF_INIT;
		kdx_value v = { .kind = KDX_V_NUMBER };
		v.u.num = cases[i].v;
		kdx_value_to_json(&sb, &v);
		assert_string_equal(sb.buf, cases[i].s);
		strbuf_release(&sb);
	}
}

static void decode(const aws_model *m, const char *body, aws_error *e)
{
	aws_response r;
	aws_response_init(&r);
	r.status = 400;
	strbuf_addstr(&r.body, body);
	aws_error_init(e);
	aws_proto_decode_error((void *)m, &r, e);
	aws_response_release(&r);
}

/* An error keeps every member its response carried, not only code and message (shaped
 * by the model's error shape; sensitive members left out). */
static void test_error_fields(void **state)
{
	(void)state;
	const char *shapes = "\"Failed\":{\"type\":\"structure\",\"members\":{"
			     "\"message\":{\"shape\":\"S\"},\"Item\":{\"shape\":\"M\"},"
			     "\"Count\":{\"shape\":\"I\"},\"Secret\":{\"shape\":\"P\"}},\"exception\":true,"
			     "\"error\":{\"code\":\"FailedCode\"}},"
			     "\"S\":{\"type\":\"string\"},\"I\":{\"type\":\"integer\"},"
			     "\"P\":{\"type\":\"string\",\"sensitive\":true},"
			     "\"M\":{\"type\":\"map\",\"key\":{\"shape\":\"S\"},\"value\":{\"shape\":\"S\"}}";
	const char *ops = "\"Op\":{\"name\":\"Op\",\"errors\":[{\"shape\":\"Failed\"}]}";
	aws_model *mj = synth_ok(JSON_META, ops, shapes), *mq = synth_ok(QUERY_META, ops, shapes);
	aws_error e;
	decode(mj, "{\"__type\":\"synth#Failed\",\"message\":\"no\",\"Item\":{\"k\":\"v\"},"
		   "\"Count\":3,\"Secret\":\"hunter2\"}", &e);
	assert_string_equal(e.code, "Failed");
	assert_string_equal(e.message, "no");
	assert_string_equal(e.fields, "{\"Item\":{\"k\":\"v\"},\"Count\":3}");
	aws_error_release(&e);
	/* query: the shape found by its error code; unknown errors keep their children */
	decode(mq, "<ErrorResponse><Error><Type>Sender</Type><Code>FailedCode</Code>"
		   "<Message>no</Message><Count>7</Count><Secret>hunter2</Secret></Error>"
		   "<RequestId>r1</RequestId></ErrorResponse>", &e);
	assert_string_equal(e.code, "FailedCode");
	assert_string_equal(e.fields, "{\"Count\":7}");
	aws_error_release(&e);
	decode(mq, "<ErrorResponse><Error><Code>Other</Code><Message>m</Message>"
		   "<Detail>d</Detail></Error></ErrorResponse>", &e);
	assert_string_equal(e.fields, "{\"Detail\":\"d\"}");
	aws_error_release(&e);
	decode(mq, "<ErrorResponse><Error><Code>Plain</Code><Message>m</Message></Error>"
		   "</ErrorResponse>", &e);
	assert_null(e.fields);
	aws_error_release(&e);
	aws_model_free(mj);
	aws_model_free(mq);
}

/* smithy-rpc-v2-cbor is not implemented: the next protocol the model lists is spoken, and
 * a model that lists nothing else is refused with a message that says so. */
static void test_cbor(void **state)
{
	(void)state;
	strbuf err = STRBUF_INIT;
	aws_model *m = synth_ok("\"protocol\":\"smithy-rpc-v2-cbor\","
				"\"protocols\":[\"smithy-rpc-v2-cbor\",\"json\",\"query\"]", "", "");
	assert_int_equal(aws_model_protocol(m), AWS_PROTO_JSON);
	aws_model_free(m);
	assert_null(synth("\"protocol\":\"smithy-rpc-v2-cbor\",\"protocols\":[\"smithy-rpc-v2-cbor\"]",
			  "", "", &err));
	assert_non_null(strstr(err.buf, "speaks smithy-rpc-v2-cbor, none of which kdx implements"));
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nan_infinity),
		cmocka_unit_test(test_host_prefix),
		cmocka_unit_test(test_query_map_precedence),
		cmocka_unit_test(test_response_headers),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_unknown_shapes_refused),
		cmocka_unit_test(test_no_output),
		cmocka_unit_test(test_event_stream_refused),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_shortest_numbers),
		cmocka_unit_test(test_error_fields),
		cmocka_unit_test(test_cbor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
