/* Unit tests for compiler/eval: constant evaluation with units, comprehensions,
 * interpolation, built-ins, and the errors of each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/eval.h"
#include "grammar/parse.h"

typedef struct fixture {
	kdx_arena arena;
	kdx_intern intern;
	kdx_sources src;
	kdx_diags diags;
	kdx_module mod;
	kdx_eval ev;
	strbuf out;
} fixture;

static int setup(void **state)
{
	fixture *f = test_calloc(1, sizeof(*f));
	kdx_arena_init(&f->arena);
	kdx_intern_init(&f->intern, &f->arena);
	kdx_sources_init(&f->src);
	kdx_diags_init(&f->diags);
	f->mod.is_main = true;
	f->ev.arena = &f->arena;
	f->ev.diags = &f->diags;
	f->ev.module = &f->mod;
	strbuf_init(&f->out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	strbuf_release(&f->out);
	kdx_diags_release(&f->diags);
	kdx_sources_release(&f->src);
	kdx_intern_release(&f->intern);
	kdx_arena_release(&f->arena);
	test_free(f);
	return 0;
}

/* Evaluate one expression; returns eval's status and leaves the value's source form
 * (or the first error message) in f->out. */
static int ev(fixture *f, const kdx_env *env, const char *expr)
{
	strbuf text = STRBUF_INIT;
	strbuf_addf(&text, "output v = %s\n", expr);
	kdx_ast_file *file;
	strbuf_reset(&f->out);
	int prc = kdx_parse_string(&f->arena, &f->intern, &f->src, "t.kdx", text.buf, text.len,
				   &f->diags, &file);
	strbuf_release(&text);
	assert_int_equal(prc, 0);
	size_t before = f->diags.n;
	kdx_value *v = NULL;
	int r = kdx_eval_expr(&f->ev, env, file->decls[0]->value, &v);
	if (r == 0)
		kdx_value_format(&f->out, v);
	else if (r < 0 && f->diags.n > before)
		strbuf_addstr(&f->out, f->diags.items[f->diags.n - 1].msg);
	return r;
}

static void test_units(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "5m + 30s"), 0);
	assert_string_equal(f->out.buf, "5m30s");
	assert_int_equal(ev(f, NULL, "2 * 90s"), 0);
	assert_string_equal(f->out.buf, "3m");
	assert_int_equal(ev(f, NULL, "70% + 20%"), 0);
	assert_string_equal(f->out.buf, "90%");
	assert_int_equal(ev(f, NULL, "10 / 10 * 100%"), 0);
	assert_string_equal(f->out.buf, "100%");
	assert_int_equal(ev(f, NULL, "45% / 15%"), 0);
	assert_string_equal(f->out.buf, "3");
	assert_int_equal(ev(f, NULL, "5m / 1m"), 0);
	assert_string_equal(f->out.buf, "5");
	assert_int_equal(ev(f, NULL, "30s <= 5m"), 0);
	assert_string_equal(f->out.buf, "true");
}

static void test_unit_errors(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "5m + 10%"), -1);
	assert_string_equal(f->out.buf, "cannot apply '+' to a duration and a percent");
	assert_int_equal(ev(f, NULL, "5m < 50%"), -1);
	assert_string_equal(f->out.buf, "cannot apply '<' to a duration and a percent");
	assert_int_equal(ev(f, NULL, "5m * 2m"), -1);
	assert_int_equal(ev(f, NULL, "1 / 0"), -1);
	assert_string_equal(f->out.buf, "division by zero");
	assert_int_equal(ev(f, NULL, "\"a\" + 1"), -1);
	assert_int_equal(ev(f, NULL, "true ? 1 : 2"), 0);
	assert_int_equal(ev(f, NULL, "1 ? 1 : 2"), -1);
	assert_string_equal(f->out.buf, "expected a bool, got a number");
}

static void test_collections(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "[for x in [1, 2, 3] : x * 2 if x != 2]"), 0);
	assert_string_equal(f->out.buf, "[2, 6]");
	assert_int_equal(ev(f, NULL, "{ for k, v in { a = 1, b = 2 } : \"${k}x\" => v }"), 0);
	assert_string_equal(f->out.buf, "{ \"ax\" = 1, \"bx\" = 2 }");
	assert_int_equal(ev(f, NULL, "[{ a = 1, b = 2 }][0][\"b\"]"), 0);
	assert_string_equal(f->out.buf, "2");
	assert_int_equal(ev(f, NULL, "{ a = 1, bb = 2 }.bc"), -1);
	assert_string_equal(f->out.buf, "attribute 'bc' not found");
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'bb'?");
	assert_int_equal(ev(f, NULL, "[1, 2][2]"), -1);
	assert_string_equal(f->out.buf, "index 2 out of range (the list has 2 elements)");
	assert_int_equal(ev(f, NULL, "{ a = 1, a = 2 }"), -1);
	assert_string_equal(f->out.buf, "duplicate key 'a' in map");
}

static void test_names_and_unknowns(void **state)
{
	fixture *f = *state;
	kdx_value *env_v = kdx_value_string(&f->arena, "staging");
	kdx_env e1 = { NULL, kdx_intern_n(&f->intern, "environment", 11), env_v };
	kdx_env e2 = { &e1, kdx_intern_n(&f->intern, "snap", 4), NULL };
	assert_int_equal(ev(f, &e2, "\"${environment}.kaldrix.io\""), 0);
	assert_string_equal(f->out.buf, "\"staging.kaldrix.io\"");
	assert_int_equal(ev(f, &e2, "environment == \"production\""), 0);
	assert_string_equal(f->out.buf, "false");
	/* a value known only at run time makes the whole expression unknown, not an error */
	assert_int_equal(ev(f, &e2, "snap + 1"), 1);
	assert_int_equal(ev(f, &e2, "false && snap"), 0);
	assert_int_equal(ev(f, &e2, "enviroment"), -1);
	assert_string_equal(f->out.buf, "unknown name 'enviroment'");
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'environment'?");
}

/* The index over a scope (kdx_env_index) finds what the walk finds: the innermost binding,
 * names compared by text (a binding's name need not be interned), bindings above the
 * indexed root first, and unknown names stay errors with their suggestion. */
static void test_env_index(void **state)
{
	fixture *f = *state;
	enum { N = 300 };
	kdx_env *chain = test_calloc(N + 2, sizeof(*chain));
	char name[32];
	const kdx_env *parent = NULL;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "res_%d", i % 200); /* 100 names bound twice */
		chain[i] = (kdx_env){ parent, kdx_arena_strdup(&f->arena, name),
				      kdx_value_number(&f->arena, i) };
		parent = &chain[i];
	}
	kdx_env_index ix;
	kdx_env_index_build(&ix, &f->arena, parent);
	f->ev.index = &ix;
	assert_int_equal(ev(f, parent, "res_7"), 0);
	assert_string_equal(f->out.buf, "207"); /* the later (inner) binding */
	assert_int_equal(ev(f, parent, "res_150 + res_199"), 0);
	assert_string_equal(f->out.buf, "349");
	/* a binding above the root shadows the index */
	chain[N] = (kdx_env){ parent, kdx_intern_n(&f->intern, "res_7", 5), kdx_value_number(&f->arena, -1) };
	assert_int_equal(ev(f, &chain[N], "res_7"), 0);
	assert_string_equal(f->out.buf, "-1");
	assert_int_equal(ev(f, parent, "res_200"), -1);
	assert_string_equal(f->out.buf, "unknown name 'res_200'");
	assert_int_equal(ev(f, &chain[N], "res_19x"), -1);
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'res_19'?");
	assert_null(kdx_env_index_find(&ix, "nope"));
	assert_ptr_equal(kdx_env_index_find(&ix, "res_0"), &chain[200]);
	f->ev.index = NULL;
	test_free(chain);
}

static void test_builtins(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "length([1, 2, 3])"), 0);
	assert_string_equal(f->out.buf, "3");
	assert_int_equal(ev(f, NULL, "lookup({ a = 1 }, \"b\", 7)"), 0);
	assert_string_equal(f->out.buf, "7");
	assert_int_equal(ev(f, NULL, "max([1s, 3s, 2s])"), 0);
	assert_string_equal(f->out.buf, "3s");
	assert_int_equal(ev(f, NULL, "ceil(2.1)"), 0);
	assert_string_equal(f->out.buf, "3");
	assert_int_equal(ev(f, NULL, "contains([\"a\"], \"a\")"), 0);
	assert_string_equal(f->out.buf, "true");
	assert_int_equal(ev(f, NULL, "startswith(\"Success: ok\", \"Success\")"), 0);
	assert_string_equal(f->out.buf, "true");
	/* the clock is known only at run time */
	assert_int_equal(ev(f, NULL, "now(-5m)"), 1);
	assert_int_equal(ev(f, NULL, "lenght([1])"), -1);
	assert_string_equal(f->out.buf, "unknown function 'lenght'");
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'length'?");
}

/* fail/assert carry the stdlib's "no such resource" messages; merge is how a
 * read-modify-write keeps every field it does not change; join and distinct list what exists */
static void test_fail_and_rmw_builtins(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "fail(\"no zone 'x.'\")"), -1);
	assert_string_equal(f->out.buf, "no zone 'x.'");
	assert_int_equal(ev(f, NULL, "assert(1 > 2, \"not bigger\")"), -1);
	assert_string_equal(f->out.buf, "not bigger");
	assert_int_equal(ev(f, NULL, "assert(2 > 1, \"not bigger\")"), 0);
	assert_string_equal(f->out.buf, "true");
	/* `? :` evaluates only the branch it takes */
	assert_int_equal(ev(f, NULL, "length([1]) > 0 ? 7 : fail(\"empty\")"), 0);
	assert_string_equal(f->out.buf, "7");
	assert_int_equal(ev(f, NULL, "fail(3)"), -1);
	assert_string_equal(f->out.buf, "'fail' takes one string (the message)");
	assert_int_equal(ev(f, NULL, "merge({ a = 1, b = 2, c = 3 }, { b = 9, d = 4 })"), 0);
	assert_string_equal(f->out.buf, "{ \"a\" = 1, \"b\" = 9, \"c\" = 3, \"d\" = 4 }");
	assert_int_equal(ev(f, NULL, "join(distinct([\"a\", \"b\", \"a\"]), \", \")"), 0);
	assert_string_equal(f->out.buf, "\"a, b\"");
	assert_int_equal(ev(f, NULL, "join([], \", \")"), 0);
	assert_string_equal(f->out.buf, "\"\"");
	assert_int_equal(ev(f, NULL, "join([1], \", \")"), -1);
}

/* ---- running an action through recording hooks ---- */

typedef struct recorder {
	kdx_arena *arena;
	strbuf log;        /* one line per call: provider names region input-json */
	int64_t now;
	int getchange;     /* GetChange answers PENDING this many times first */
} recorder;

static kdx_value *json(kdx_arena *a, const char *text)
{
	strbuf err = STRBUF_INIT;
	kdx_value *v = kdx_value_from_json(a, text, strlen(text), &err);
	strbuf_release(&err);
	assert_non_null(v);
	return v;
}

static int rec_call(void *ctx, const char *provider, const char *const *names, size_t n,
		    const char *region, kdx_value *input, kdx_value **out, strbuf *err)
{
	recorder *rc = ctx;
	(void)err;
	strbuf_addf(&rc->log, "%s", provider);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&rc->log, " %s", names[i]);
	strbuf_addf(&rc->log, " %s ", region ? region : "-");
	kdx_value_to_json(&rc->log, input);
	strbuf_addch(&rc->log, '\n');
	const char *op = names[1];
	if (!strcmp(op, "ListHostedZonesByName"))
		*out = json(rc->arena, "{\"HostedZones\":[{\"Id\":\"/hostedzone/Z1\",\"Name\":\"example.com.\"}]}");
	else if (!strcmp(op, "ListResourceRecordSets"))
		*out = json(rc->arena, "{\"ResourceRecordSets\":["
			    "{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"us-east-1\","
			    "\"Weight\":30,\"TTL\":42,\"HealthCheckId\":\"hc-1\",\"ResourceRecords\":[{\"Value\":\"lb-1.example.net\"}]},"
			    "{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"us-west-2\","
			    "\"Weight\":70,\"AliasTarget\":{\"HostedZoneId\":\"Z2\",\"DNSName\":\"lb-2.example.net\",\"EvaluateTargetHealth\":true}},"
			    "{\"Name\":\"other.example.com.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"x\",\"Weight\":1}]}");
	else if (!strcmp(op, "ChangeResourceRecordSets"))
		*out = json(rc->arena, "{\"ChangeInfo\":{\"Id\":\"/change/C1\",\"Status\":\"PENDING\"}}");
	else if (!strcmp(op, "DescribeAutoScalingGroups"))
		*out = json(rc->arena, "{\"AutoScalingGroups\":[{\"DesiredCapacity\":2,\"Instances\":["
			    "{\"LifecycleState\":\"InService\"},{\"LifecycleState\":\"Pending\"}]}]}");
	else if (!strcmp(op, "GetChange"))
		*out = json(rc->arena, rc->getchange-- > 0 ? "{\"ChangeInfo\":{\"Status\":\"PENDING\"}}"
							    : "{\"ChangeInfo\":{\"Status\":\"INSYNC\"}}");
	return 0;
}

static int rec_sleep(void *ctx, int64_t ms, strbuf *err)
{
	recorder *rc = ctx;
	(void)err;
	strbuf_addf(&rc->log, "sleep %lld\n", (long long)ms);
	rc->now += ms;
	return 0;
}

static int64_t rec_now(void *ctx)
{
	return ((recorder *)ctx)->now;
}

static void test_run_action_and_undo(void **state)
{
	(void)state;
	kdx_compile_opts o = { .path = "examples/weighted-shift.kdx" };
	kdx_compilation c;
	assert_int_equal(kdx_compile(&o, &c), 0);
	const kdx_step_body *b = c.plan->steps[0].body;
	recorder rc = { .arena = &c.arena, .getchange = 1 };
	strbuf_init(&rc.log);
	strbuf err = STRBUF_INIT;
	kdx_run_hooks hooks = { .call = rec_call, .sleep = rec_sleep, .now_ms = rec_now, .ctx = &rc };
	kdx_run r = { .arena = &c.arena, .hooks = &hooks, .err = &err };
	kdx_bound_call call, undo;
	kdx_value *snap, *result;
	assert_int_equal(kdx_run_bind(&r, b, b->do_call, &call), 0);
	assert_int_equal(kdx_run_snapshots(&r, &call, &snap), 0);
	strbuf sb = STRBUF_INIT;
	kdx_value_format(&sb, snap);
	assert_string_equal(sb.buf, "{ \"before\" = { \"us-east-1\" = 30%, \"us-west-2\" = 70% } }");
	strbuf_reset(&rc.log);
	assert_int_equal(kdx_run_action(&r, &call, &result), 0);
	/* read-modify-write: each record set goes back as read (TTL, health check, targets or
	 * alias) with only its Weight changed; nothing is invented from the declaration */
	assert_string_equal(rc.log.buf,
		"aws route53 ListHostedZonesByName - {\"DNSName\":\"example.com.\",\"MaxItems\":\"1\"}\n"
		"aws route53 ListResourceRecordSets - {\"HostedZoneId\":\"/hostedzone/Z1\",\"StartRecordName\":"
		"\"www.example.com.\",\"StartRecordType\":\"CNAME\"}\n"
		"aws route53 ListHostedZonesByName - {\"DNSName\":\"example.com.\",\"MaxItems\":\"1\"}\n"
		"aws route53 ChangeResourceRecordSets - {\"HostedZoneId\":\"/hostedzone/Z1\",\"ChangeBatch\":"
		"{\"Comment\":\"kdx: set weights of www.example.com.\",\"Changes\":["
		"{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\","
		"\"SetIdentifier\":\"us-east-1\",\"Weight\":0,\"TTL\":42,\"HealthCheckId\":\"hc-1\","
		"\"ResourceRecords\":[{\"Value\":\"lb-1.example.net\"}]}},"
		"{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\","
		"\"SetIdentifier\":\"us-west-2\",\"Weight\":100,\"AliasTarget\":{\"HostedZoneId\":\"Z2\","
		"\"DNSName\":\"lb-2.example.net\",\"EvaluateTargetHealth\":true}}}]}}\n"
		"aws route53 GetChange - {\"Id\":\"/change/C1\"}\n"
		"sleep 2000\n"
		"aws route53 GetChange - {\"Id\":\"/change/C1\"}\n");
	/* the undo puts back what the snapshot saw */
	assert_int_equal(kdx_run_undo_call(&r, b, &call, snap, &undo), 0);
	assert_string_equal(undo.action, "route53.set_weights");
	strbuf_reset(&sb);
	kdx_value_format(&sb, undo.args[1]);
	assert_string_equal(sb.buf, "{ \"us-east-1\" = 30%, \"us-west-2\" = 70% }");
	/* a step-level wait until, with its condition run through the same hooks */
	kdx_compile_opts fo = { .path = "plans/failover.kdx" };
	kdx_compilation fc;
	assert_int_equal(kdx_compile(&fo, &fc), 0);
	const kdx_step_body *vb = NULL;
	for (size_t i = 0; i < fc.plan->nsteps; i++)
		if (!strcmp(fc.plan->steps[i].name, "scale_target"))
			vb = fc.plan->steps[i].body;
	assert_non_null(vb);
	assert_int_equal(vb->nwaits, 1);
	kdx_run fr = { .arena = &fc.arena, .hooks = &hooks, .err = &err };
	rc.now = 0;
	strbuf_reset(&rc.log);
	assert_int_equal(kdx_run_wait(&fr, vb, vb->waits[0]), -1); /* 1 of 2 in service, ever */
	assert_string_equal(err.buf, "'wait until' still false after 3m");
	/* polled every 15s for 3m: at 0s, 15s, ... 3m -- 13 polls, 12 sleeps */
	assert_int_equal(rc.now, 12 * 15000);
	assert_non_null(strstr(rc.log.buf, "aws autoscaling DescribeAutoScalingGroups us-west-2 "
					   "{\"AutoScalingGroupNames\":[\"kaldrix-staging-us-west-2\"]}"));
	strbuf_reset(&err);
	kdx_compilation_release(&fc);
	/* a change that never syncs times out after `within` */
	rc.getchange = 1000;
	assert_int_equal(kdx_run_action(&r, &call, &result), -1);
	assert_string_equal(err.buf, "route53.set_weights: 'wait until' still false after 5m");
	strbuf_release(&sb);
	strbuf_release(&err);
	strbuf_release(&rc.log);
	kdx_compilation_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_unknowns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_and_rmw_builtins, setup, teardown),
		cmocka_unit_test(test_run_action_and_undo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
