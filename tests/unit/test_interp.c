/* Unit tests for executor/interp, the one interpreter of action bodies and step clauses, on
 * a small runbook (tests/unit/data/interp) and the examples: nested action calls with
 * let/return, reads vs mutations, verify, snapshots, waits (plain, until with a time limit,
 * the default poll interval, cancelled) on a virtual clock through the hooks table, a whole
 * step and its undo through recording hooks, that what runs is the plan (not the AST), and
 * the real hooks' dry run (a mutating AWS call printed, not sent, its wait reported as
 * "would wait"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "compiler/compile.h"
#include "compiler/plan_io.h"
#include "executor/backend_real.h"
#include "executor/interp.h"
#include "grammar/ast.h"

typedef struct fx {
	kdx_compilation c;
	kdx_runtime rt;
	aws_credentials creds;
	kdx_interp in;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	const char *inc[] = { "tests/unit/data/interp" };
	kdx_compile_opts o = { .path = "tests/unit/data/interp/rb.kdx", .include_dirs = inc,
			       .ninclude_dirs = 1 };
	if (kdx_compile(&o, &f->c) != 0) {
		strbuf sb = STRBUF_INIT;
		kdx_diags_render(&sb, &f->c.diags, &f->c.sources, false);
		print_error("%s", sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	aws_credentials_init(&f->creds);
	f->creds.access_key_id = strdup("AKIDEXAMPLE");
	f->creds.secret_access_key = strdup("canary-secret-interp");
	f->rt = (kdx_runtime){ .sources = &f->c.sources, .creds = &f->creds, .dry_run = true };
	kdx_runtime_use_plan(&f->rt, f->c.plan, &f->c.arena);
	kdx_interp_init(&f->in, &f->rt);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kdx_interp_release(&f->in);
	aws_credentials_release(&f->creds);
	kdx_compilation_release(&f->c);
	free(f);
	return 0;
}

static const kdx_step *plan_step(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, name))
			return &p->steps[i];
	fail_msg("no step '%s'", name);
	return NULL;
}

static const kdx_step *step(const fx *f, const char *name)
{
	return plan_step(f->c.plan, name);
}

static const kdx_plan_call *do_call(const fx *f, const char *name)
{
	return step(f, name)->do_call;
}

static void test_nested_calls(void **state)
{
	fx *f = *state;
	kdx_value *v;
	assert_int_equal(kdx_interp_call(&f->in, do_call(f, "s_sum"), NULL, &v), 0);
	assert_int_equal(v->kind, KDX_V_NUMBER);
	assert_true(v->u.num == 6); /* twice(2 + 1) */
	assert_true(kdx_interp_action(&f->in, do_call(f, "s_sum"))->reads_only);
	assert_false(kdx_interp_action(&f->in, do_call(f, "s_put"))->reads_only);
	assert_false(kdx_interp_action(&f->in, do_call(f, "s_nap"))->reads_only); /* effect {} */
	assert_int_equal(f->in.requests, 0);
}

static void test_verify_and_snapshot(void **state)
{
	fx *f = *state;
	const kdx_plan_call *put = do_call(f, "s_put");
	assert_int_equal(kdx_interp_verify(&f->in, put, NULL), 1); /* twice(3) == 6 */
	assert_int_equal(kdx_interp_verify(&f->in, do_call(f, "s_sum"), NULL), 2); /* none */
	kdx_value *snap;
	assert_int_equal(kdx_interp_snapshot(&f->in, put, &snap), 0);
	assert_int_equal(snap->u.map.n, 1);
	assert_string_equal(snap->u.map.keys[0], "before");
	assert_true(snap->u.map.vals[0]->u.num == 6);
}

static void test_dry_run_records_mutation(void **state)
{
	fx *f = *state;
	setenv("AWS_REGION", "us-east-1", 1);
	unsetenv("AWS_ENDPOINT_URL");
	kdx_interp_reset(&f->in);
	f->in.token = "kdx-0123456789abcdef-00000000-d";
	kdx_value *v;
	int rc = kdx_real_run_step(&f->in, step(f, "s_put"), KDX_PHASE_DO, NULL, &v);
	if (rc)
		print_error("%s\n", f->in.err.buf);
	assert_int_equal(rc, 0);
	assert_int_equal(v->kind, KDX_V_NULL);  /* r.MessageId of the empty answer */
	const char *log = f->in.log.buf;
	assert_non_null(strstr(log, "# aws sns Publish\n"));
	assert_non_null(strstr(log, "POST https://sns.eu-west-1.amazonaws.com/"));
	assert_non_null(strstr(log, "Action=Publish"));
	assert_non_null(strstr(log, "Message=v%3D3"));
	assert_non_null(strstr(log, "Authorization: <redacted>"));
	assert_non_null(strstr(log, "# would wait until r.MessageId == \"x\" within 10s"));
	/* with its schedule (compiler/poll.h): no duration model, so from the start; every 1s
	 * is below the 1 s base, so the gaps are every exactly */
	assert_non_null(strstr(log, "within 10s, polling at 0s, 1s, 2s, 3s, 4s, 5s, 6s, 7s, "
				    "... at most every 1s\n"));
	assert_null(strstr(log, "canary-secret-interp"));
	assert_int_equal(f->in.mutations, 1);
	f->in.token = NULL;
}

/* ---- recording hooks: every outside effect logged, AWS answered from a script, time
 * virtual ---- */

typedef struct recorder {
	strbuf log;
	int64_t now;
	int getchange;      /* GetChange answers PENDING this many times, then INSYNC */
} recorder;

static kdx_value *json(kdx_interp *in, const char *text)
{
	strbuf err = STRBUF_INIT;
	kdx_value *v = kdx_value_from_json(&in->arena, text, strlen(text), &err);
	strbuf_release(&err);
	assert_non_null(v);
	return v;
}

static int rec_aws(kdx_interp *in, const char *service, const char *op, const char *region,
		   kdx_value *input, bool mutating, kdx_value **out)
{
	recorder *rc = in->hooks_ctx;
	strbuf_addf(&rc->log, "aws %s %s %s%s ", service, op, region ? region : "-",
		    mutating ? " mutating" : "");
	kdx_value_to_json(&rc->log, input);
	strbuf_addch(&rc->log, '\n');
	*out = kdx_value_map(&in->arena, 0);
	if (!strcmp(op, "ListHostedZonesByName"))
		*out = json(in, "{\"HostedZones\":[{\"Id\":\"/hostedzone/Z1\",\"Name\":\"example.com.\"}]}");
	else if (!strcmp(op, "ListResourceRecordSets"))
		*out = json(in, "{\"ResourceRecordSets\":["
			    "{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"us-east-1\","
			    "\"Weight\":30,\"TTL\":42,\"HealthCheckId\":\"hc-1\",\"ResourceRecords\":[{\"Value\":\"lb-1.example.net\"}]},"
			    "{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"us-west-2\","
			    "\"Weight\":70,\"AliasTarget\":{\"HostedZoneId\":\"Z2\",\"DNSName\":\"lb-2.example.net\",\"EvaluateTargetHealth\":true}},"
			    "{\"Name\":\"other.example.com.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"x\",\"Weight\":1}]}");
	else if (!strcmp(op, "ChangeResourceRecordSets"))
		*out = json(in, "{\"ChangeInfo\":{\"Id\":\"/change/C1\",\"Status\":\"PENDING\"}}");
	else if (!strcmp(op, "Publish"))
		*out = json(in, "{\"MessageId\":\"x\"}");
	else if (!strcmp(op, "GetChange"))
		*out = json(in, rc->getchange-- > 0 ? "{\"ChangeInfo\":{\"Status\":\"PENDING\"}}"
						     : "{\"ChangeInfo\":{\"Status\":\"INSYNC\"}}");
	return 0;
}

static int rec_tf(kdx_interp *in, const char *cmd, kdx_value *input, bool mutating,
		  kdx_value **out)
{
	recorder *rc = in->hooks_ctx;
	strbuf_addf(&rc->log, "terraform %s\n", cmd);
	*out = kdx_value_map(&in->arena, 0);
	return 0;
}

static int rec_host(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out)
{
	recorder *rc = in->hooks_ctx;
	strbuf_addstr(&rc->log, "host\n");
	*out = kdx_value_null(&in->arena);
	return 0;
}

static int rec_ask(kdx_interp *in, const char *message, bool *yes)
{
	*yes = true;
	return 0;
}

static int rec_sleep(kdx_interp *in, int64_t ms)
{
	recorder *rc = in->hooks_ctx;
	strbuf_addf(&rc->log, "sleep %lld\n", (long long)ms);
	rc->now += ms;
	return 0;
}

static int64_t rec_now(kdx_interp *in)
{
	return ((recorder *)in->hooks_ctx)->now;
}

static const kdx_interp_hooks rec_hooks = {
	.aws_call = rec_aws, .tf_call = rec_tf, .http_get = rec_host, .run_command = rec_host,
	.ask_approval = rec_ask, .sleep = rec_sleep, .now_ms = rec_now,
};

static void use_recorder(kdx_interp *in, recorder *rc)
{
	kdx_interp_reset(in);
	strbuf_reset(&rc->log);
	rc->now = 0;
	in->hooks = &rec_hooks;
	in->hooks_ctx = rc;
}

static void test_waits(void **state)
{
	fx *f = *state;
	recorder rc = { .log = STRBUF_INIT };
	kdx_value *v;
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_run_step(&f->in, step(f, "s_nap"), KDX_PHASE_DO, NULL, &v), 0);
	assert_string_equal(rc.log.buf, "sleep 30\n");
	/* within 60ms every 10ms: polled at 0, 10, ... 60ms, then it gives up */
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_run_step(&f->in, step(f, "s_never"), KDX_PHASE_DO, NULL, &v), -1);
	assert_int_equal(rc.now, 60);
	assert_non_null(strstr(f->in.err.buf, "timed out waiting until 1 == 2 within 60ms"));
	/* without `every`, a wait until polls every second (docs/language.md) */
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_run_step(&f->in, step(f, "s_patient"), KDX_PHASE_DO, NULL, &v), -1);
	assert_string_equal(rc.log.buf, "sleep 1000\nsleep 1000\nsleep 1000\nsleep 1000\nsleep 1000\n");
	strbuf_release(&rc.log);
	/* a cancelled attempt stops at its next wait (the real clock) */
	atomic_int cancel;
	atomic_init(&cancel, 1);
	kdx_interp_reset(&f->in);
	f->in.hooks = &kdx_interp_real_hooks;
	f->in.cancel = &cancel;
	assert_int_equal(kdx_interp_run_step(&f->in, step(f, "s_nap"), KDX_PHASE_DO, NULL, &v), -1);
	assert_non_null(strstr(f->in.err.buf, "cancelled"));
	f->in.cancel = NULL;
}

/* What runs is the plan (kdx_plan.actions, kdx_step.run, whens, requires), never the AST it
 * was lowered from: change the plan's data after compiling and the interpreter follows the
 * change, while the AST still says otherwise. Each assertion fails for an interpreter that
 * walks the step's or the action's declaration. */
static kdx_expr *literal(kdx_arena *a, kdx_expr_kind k, kdx_value *v)
{
	kdx_expr *e = KDX_NEW(a, kdx_expr);
	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->u.lit = v;
	return e;
}

static void test_runs_the_plan(void **state)
{
	fx *f = *state;
	kdx_plan *p = f->c.plan;
	kdx_arena *a = &f->c.arena;
	recorder rc = { .log = STRBUF_INIT };
	kdx_value *v;
	/* the action the evaluator reaches by name (sum2 -> twice): its plan body */
	int32_t at = kdx_plan_action(p, "calc.twice");
	assert_true(at >= 0);
	kdx_action *tw = &p->actions[at];
	assert_int_equal(tw->nbody, 2); /* let y = x * 2; return y */
	kdx_stmt saved = tw->body[1];
	tw->body[1].expr = literal(a, KDX_E_NUMBER, kdx_value_number(a, 41));
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_call(&f->in, do_call(f, "s_sum"), NULL, &v), 0);
	assert_true(v->kind == KDX_V_NUMBER && v->u.num == 41); /* the AST returns 6 */
	tw->body[1] = saved;
	/* a step's own clauses: kdx_step.run (a `wait 7ms` instead of the do) */
	kdx_step *nap = (kdx_step *)step(f, "s_nap");
	kdx_stmt *run = nap->run;
	size_t nrun = nap->nrun;
	kdx_stmt w = { .kind = KDX_S_WAIT,
		       .expr = literal(a, KDX_E_DURATION, kdx_value_duration(a, 7)) };
	nap->run = &w;
	nap->nrun = 1;
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_run_step(&f->in, nap, KDX_PHASE_DO, NULL, &v), 0);
	assert_string_equal(rc.log.buf, "sleep 7\n"); /* the AST sleeps 30 */
	nap->run = run;
	nap->nrun = nrun;
	/* `when` and `require`: kdx_step.whens, requires (the step declares neither) */
	kdx_expr *no = literal(a, KDX_E_BOOL, kdx_value_bool(a, false));
	strbuf why = STRBUF_INIT;
	nap->whens = &no;
	nap->nwhens = 1;
	assert_int_equal(kdx_interp_precheck(&f->in, nap, &why), KDX_PRE_SKIP);
	nap->whens = NULL;
	nap->nwhens = 0;
	strbuf_reset(&why);
	nap->requires = &no;
	nap->nrequires = 1;
	assert_int_equal(kdx_interp_precheck(&f->in, nap, &why), KDX_PRE_FAIL);
	assert_non_null(strstr(why.buf, "does not hold; nothing was changed"));
	nap->requires = NULL;
	nap->nrequires = 0;
	/* verify and snapshots: kdx_action.verify, snapshots */
	kdx_action *put = &p->actions[do_call(f, "s_put")->action];
	kdx_expr *vf = put->verify;
	put->verify = no;
	assert_int_equal(kdx_interp_verify(&f->in, do_call(f, "s_put"), NULL), 0); /* AST: 1 */
	put->verify = vf;
	size_t nsnap = put->nsnapshots;
	put->nsnapshots = 0;
	kdx_value *snap;
	assert_int_equal(kdx_interp_snapshot(&f->in, do_call(f, "s_put"), &snap), 0);
	assert_int_equal(snap->u.map.n, 0); /* the AST has `snapshot before` */
	put->nsnapshots = nsnap;
	strbuf_release(&why);
	strbuf_release(&rc.log);
}

/* ---- a plan read back from its document (what `kdx apply PLANFILE` runs) ---- */

/* The member of the document's list `list` ("steps", "actions") named name. */
static json_object *doc_named(json_object *doc, const char *list, const char *name)
{
	json_object *a = json_object_object_get(doc, list);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *x = json_object_array_get_idx(a, i);
		if (!strcmp(json_object_get_string(json_object_object_get(x, "name")), name))
			return x;
	}
	fail_msg("no '%s' in the document's %s", name, list);
	return NULL;
}

static json_object *doc_step(json_object *doc, const char *name)
{
	return doc_named(doc, "steps", name);
}

/* c's plan written (plan_io), edited as a document by edit (NULL: as is), read back into
 * a, and made what rt runs (kdx_runtime_use_plan). */
static const kdx_plan *read_back(const kdx_compilation *c, kdx_runtime *rt, kdx_arena *a,
				 void (*edit)(json_object *doc))
{
	strbuf doc = STRBUF_INIT, err = STRBUF_INIT;
	kdx_plan_write(&doc, c->plan);
	json_object *o = kdx_json_parse(doc.buf, doc.len, &err);
	assert_non_null(o);
	if (edit)
		edit(o);
	strbuf_reset(&doc);
	kdx_json_write(&doc, o);
	json_object_put(o);
	kdx_plan *p = NULL;
	if (kdx_plan_read(doc.buf, doc.len, a, &p, &err) < 0)
		fail_msg("%s", err.buf);
	kdx_runtime_use_plan(rt, p, a);
	strbuf_release(&doc);
	strbuf_release(&err);
	return p;
}

static json_object *expr_doc(const char *text)
{
	json_object *o = json_tokener_parse(text);
	assert_non_null(o);
	return o;
}

/* The document's action of this qualified name. */
static json_object *doc_action(json_object *doc, const char *name)
{
	return doc_named(doc, "actions", name);
}

/* what the file says, not what the runbook says: s_nap naps 7ms (the runbook: 30ms), is
 * skipped by a `when` the runbook does not have, calc.twice returns 41, and calc.scaled's
 * `by` defaults to 4 (the runbook: 2) */
static void edit_nap_and_twice(json_object *doc)
{
	json_object *nap = doc_step(doc, "s_nap");
	json_object *args = json_object_object_get(json_object_object_get(nap, "do_call"), "args");
	json_object_array_put_idx(args, 0, expr_doc("{\"ms\":7}"));
	json_object *whens = json_object_new_array();
	json_object_array_add(whens, expr_doc("{\"e\":\"bool\",\"span\":[0,0,0],\"value\":false}"));
	json_object_object_add(nap, "whens", whens);
	json_object *twice = doc_action(doc, "calc.twice");
	json_object *ret = json_object_array_get_idx(json_object_object_get(twice, "body"), 1);
	json_object_object_add(ret, "expr",
			       expr_doc("{\"e\":\"number\",\"span\":[0,0,0],\"value\":41}"));
	json_object *by = json_object_array_get_idx(
		json_object_object_get(doc_action(doc, "calc.scaled"), "params"), 1);
	json_object_object_add(by, "default",
			       expr_doc("{\"e\":\"number\",\"span\":[0,0,0],\"value\":4}"));
}

/* calc.scaled's `x` declared a duration in the document: the run-time check follows it */
static void edit_scaled_type(json_object *doc)
{
	json_object *x = json_object_array_get_idx(
		json_object_object_get(doc_action(doc, "calc.scaled"), "params"), 0);
	json_object_object_add(x, "type", json_object_new_string("duration"));
}

/* The plan written, read back and run (issue #13 item 3, step 5): the read plan's calls,
 * their arguments known at compile time and at run time (the action's own undo, from the
 * journalled snapshot), a resource argument (type-checked at run time against the
 * action's parameter: the read plan keeps which values are resources), `when`, the bodies
 * of the actions an expression calls, and a type error at run time -- what the document
 * says runs, not what the compilation holds. */
static void test_runs_the_read_plan(void **state)
{
	fx *f = *state;
	recorder rc = { .log = STRBUF_INIT };
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *v;
	strbuf why = STRBUF_INIT;
	/* as written: the same requests as the compiled plan, from the read plan's data */
	const kdx_plan *p = read_back(&f->c, &f->rt, &a, NULL);
	assert_ptr_not_equal(p, f->c.plan);
	const kdx_step *put = plan_step(p, "s_put");
	assert_ptr_equal(kdx_interp_action(&f->in, put->do_call), &p->actions[put->do_call->action]);
	assert_ptr_equal(put->do_call->args[0], p->resources[0].attrs); /* `thing` */
	use_recorder(&f->in, &rc);
	int r = kdx_interp_run_step(&f->in, put, KDX_PHASE_UNDO, "{\"before\":6}", &v);
	if (r)
		print_error("%s\n", f->in.err.buf);
	assert_int_equal(r, 0);
	assert_string_equal(rc.log.buf,
		"aws sns Publish eu-west-1 mutating {\"TopicArn\":\"arn:aws:sns:eu-west-1:"
		"123456789012:t1\",\"Message\":\"v=6\"}\n");
	/* a resource passed on in a body (relay -> tag(b : box)) is still one in the read plan */
	use_recorder(&f->in, &rc);
	r = kdx_interp_call(&f->in, plan_step(p, "s_relay")->do_call, NULL, &v);
	if (r)
		print_error("%s\n", f->in.err.buf);
	assert_int_equal(r, 0);
	assert_string_equal(kdx_value_text(v), "t-t1");
	/* a run-time argument of the wrong type is refused at run time, before any request */
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_run_step(&f->in, put, KDX_PHASE_UNDO, "{\"before\":\"six\"}",
					     &v), -1);
	assert_string_equal(f->in.err.buf,
			    "argument 'v' of 'calc.put': expected number, got a string");
	assert_string_equal(rc.log.buf, "");
	/* edited: the read plan runs what the document says */
	kdx_arena_release(&a);
	kdx_arena_init(&a);
	p = read_back(&f->c, &f->rt, &a, edit_nap_and_twice);
	const kdx_step *nap = plan_step(p, "s_nap");
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_run_step(&f->in, nap, KDX_PHASE_DO, NULL, &v), 0);
	assert_string_equal(rc.log.buf, "sleep 7\n"); /* the compiled plan sleeps 30 */
	assert_int_equal(kdx_interp_precheck(&f->in, nap, &why), KDX_PRE_SKIP);
	assert_int_equal(kdx_interp_precheck(&f->in, step(f, "s_nap"), &why), KDX_PRE_OK);
	use_recorder(&f->in, &rc);
	assert_int_equal(kdx_interp_call(&f->in, plan_step(p, "s_sum")->do_call, NULL, &v), 0);
	assert_true(v->kind == KDX_V_NUMBER && v->u.num == 41); /* compiled: twice(3) = 6 */
	/* a call met in an expression is bound against the plan's action: its default */
	assert_int_equal(kdx_interp_call(&f->in, plan_step(p, "s_scale")->do_call, NULL, &v), 0);
	assert_true(v->kind == KDX_V_NUMBER && v->u.num == 20); /* compiled: scaled(5, 2) */
	/* ... and its declared types */
	p = read_back(&f->c, &f->rt, &a, edit_scaled_type);
	assert_int_equal(kdx_interp_call(&f->in, plan_step(p, "s_scale")->do_call, NULL, &v), -1);
	assert_non_null(strstr(f->in.err.buf,
			       "argument 'x' of 'calc.scaled': expected duration, got a number"));
	kdx_runtime_use_plan(&f->rt, f->c.plan, &f->c.arena); /* the compiled plan again */
	kdx_interp_reset(&f->in);
	assert_int_equal(kdx_interp_call(&f->in, do_call(f, "s_sum"), NULL, &v), 0);
	assert_true(v->kind == KDX_V_NUMBER && v->u.num == 6);
	assert_int_equal(kdx_interp_call(&f->in, do_call(f, "s_scale"), NULL, &v), 0);
	assert_true(v->kind == KDX_V_NUMBER && v->u.num == 10);
	kdx_arena_release(&a);
	strbuf_release(&why);
	strbuf_release(&rc.log);
}

/* A nested runbook's step reads its own runbook's bindings (kdx_step.scope): `pause` is
 * 20ms there and 5s in the outer runbook, so the wrong scope fails the require (and would
 * sleep 5000). So does the plan read back: its scopes and their values come from the
 * document (plan IR version 4) -- edited to the main runbook's scope, the require fails;
 * with the nested scope's `pause` edited to 30ms, it sleeps 30. */
static void edit_scope_main(json_object *doc)
{
	json_object_object_add(doc_step(doc, "kid.nap"), "scope", json_object_new_int(-1));
}

static void edit_pause(json_object *doc)
{
	int k = json_object_get_int(json_object_object_get(doc_step(doc, "kid.nap"), "scope"));
	json_object *sc = json_object_array_get_idx(json_object_object_get(doc, "scopes"), k);
	for (size_t i = 0; i < json_object_array_length(sc); i++) {
		json_object *b = json_object_array_get_idx(sc, i);
		if (!strcmp(json_object_get_string(json_object_object_get(b, "name")), "pause"))
			json_object_object_add(b, "value", expr_doc("{\"ms\":30}"));
	}
}

static void test_nested_scope(void **state)
{
	(void)state;
	kdx_compile_opts o = { .path = "tests/unit/data/interp_nested/rb.kdx" };
	kdx_compilation c;
	assert_int_equal(kdx_compile(&o, &c), 0);
	assert_int_equal(c.plan->nsteps, 1);
	const kdx_step *st = &c.plan->steps[0];
	assert_true(st->scope >= 0 && c.scopes[st->scope].env != c.genv);
	kdx_runtime rt = { .sources = &c.sources };
	kdx_runtime_use_plan(&rt, c.plan, &c.arena);
	kdx_interp in;
	kdx_interp_init(&in, &rt);
	recorder rc = { .log = STRBUF_INIT };
	strbuf why = STRBUF_INIT;
	kdx_arena a;
	kdx_arena_init(&a);
	/* 0: compiled; read back: 1 as written, 2 its scope edited, 3 its scope's value edited */
	void (*edits[])(json_object *) = { NULL, NULL, edit_scope_main, edit_pause };
	const char *slept[] = { "sleep 20\n", "sleep 20\n", NULL, "sleep 30\n" };
	for (int pass = 0; pass < 4; pass++) {
		if (pass)
			st = &read_back(&c, &rt, &a, edits[pass])->steps[0];
		use_recorder(&in, &rc);
		kdx_precheck want = slept[pass] ? KDX_PRE_OK : KDX_PRE_FAIL;
		assert_int_equal(kdx_interp_precheck(&in, st, &why), want);
		assert_int_equal(st->scope, pass == 2 ? -1 : c.plan->steps[0].scope);
		if (want != KDX_PRE_OK)
			continue;
		kdx_value *ret;
		use_recorder(&in, &rc);
		assert_int_equal(kdx_interp_run_step(&in, st, KDX_PHASE_DO, NULL, &ret), 0);
		assert_string_equal(rc.log.buf, slept[pass]);
	}
	kdx_arena_release(&a);
	strbuf_release(&why);
	strbuf_release(&rc.log);
	kdx_interp_release(&in);
	kdx_compilation_release(&c);
}

/* A run needs the plan, never the compilation (issue #13 item 3): the runbook compiled, its
 * plan written, the compilation released (its arena, AST, modules and declarations gone;
 * only the source texts kept, kdx_sources_take), the plan read back and its steps run with
 * recording hooks -- a resource argument type-checked inside a body by the plan's type
 * names, a run-time type error (a map where a calc.box is declared), a `require` and a
 * `wait until` whose text the message quotes, a nested runbook's step in its own scope.
 * The parameters' type texts are blanked first: the checks go by the kdx_types made when
 * the plan was read. Under make asan, a read of the released compilation is a use after
 * free. */
/* tests/unit/data/interp_released/rb.kdx compiled, its plan written, the compilation
 * released (the source texts kept in *src), the plan read back into a. */
static kdx_plan *released_plan(kdx_sources *src, kdx_arena *a)
{
	const char *inc[] = { "tests/unit/data/interp" };
	kdx_compile_opts o = { .path = "tests/unit/data/interp_released/rb.kdx",
			       .include_dirs = inc, .ninclude_dirs = 1 };
	kdx_compilation c;
	assert_int_equal(kdx_compile(&o, &c), 0);
	strbuf doc = STRBUF_INIT, err = STRBUF_INIT;
	kdx_plan_write(&doc, c.plan);
	kdx_sources_init(src);
	kdx_sources_take(src, &c.sources);
	kdx_compilation_release(&c);
	kdx_arena_init(a);
	kdx_plan *p = NULL;
	if (kdx_plan_read(doc.buf, doc.len, a, &p, &err) < 0)
		fail_msg("%s", err.buf);
	strbuf_release(&err);
	strbuf_release(&doc);
	return p;
}

static void test_runs_without_the_compilation(void **state)
{
	(void)state;
	kdx_sources src;
	kdx_arena a;
	kdx_plan *p = released_plan(&src, &a);
	/* the declared types' texts gone: what the run checks is each parameter's kdx_type,
	 * made once when the plan was read (test_types_made_once), never the text parsed
	 * again at each bind */
	for (size_t i = 0; i < p->nactions; i++)
		for (size_t k = 0; k < p->actions[i].nparams; k++) {
			p->actions[i].params[k].type = "garbage(";
			p->actions[i].params[k].res_type = NULL;
		}
	strbuf why = STRBUF_INIT;
	kdx_runtime rt = { .sources = &src };
	kdx_runtime_use_plan(&rt, p, &a);
	kdx_interp in;
	kdx_interp_init(&in, &rt);
	recorder rc = { .log = STRBUF_INIT };
	kdx_value *v;
	/* relay(thing) -> tag(b : box): the resource's type by its qualified name */
	use_recorder(&in, &rc);
	int r = kdx_interp_call(&in, plan_step(p, "s_relay")->do_call, NULL, &v);
	if (r)
		print_error("%s\n", in.err.buf);
	assert_int_equal(r, 0);
	assert_string_equal(kdx_value_text(v), "t-t1");
	/* a map is not a calc.box */
	use_recorder(&in, &rc);
	assert_int_equal(kdx_interp_call(&in, plan_step(p, "s_mistag")->do_call, NULL, &v), -1);
	assert_string_equal(in.err.buf,
			    "argument 'b' of 'calc.tag': expected box, got a map (in mistag)");
	/* the undo with its run-time argument, and its type error */
	use_recorder(&in, &rc);
	const kdx_step *put = plan_step(p, "s_put");
	assert_int_equal(kdx_interp_run_step(&in, put, KDX_PHASE_UNDO, "{\"before\":6}", &v), 0);
	assert_string_equal(rc.log.buf,
		"aws sns Publish eu-west-1 mutating {\"TopicArn\":\"arn:aws:sns:eu-west-1:"
		"123456789012:t1\",\"Message\":\"v=6\"}\n");
	use_recorder(&in, &rc);
	assert_int_equal(kdx_interp_run_step(&in, put, KDX_PHASE_UNDO, "{\"before\":\"six\"}",
					     &v), -1);
	assert_string_equal(in.err.buf, "argument 'v' of 'calc.put': expected number, got a string");
	/* the texts of a require and a wait until, from the sources kept */
	use_recorder(&in, &rc);
	assert_int_equal(kdx_interp_precheck(&in, plan_step(p, "s_gate"), &why), KDX_PRE_FAIL);
	assert_string_equal(why.buf, "require limit > 5 does not hold; nothing was changed");
	use_recorder(&in, &rc);
	assert_int_equal(kdx_interp_run_step(&in, plan_step(p, "s_poll"), KDX_PHASE_DO, NULL, &v),
			 -1);
	assert_string_equal(in.err.buf,
			    "timed out waiting until limit > 5 within 40ms; last seen: limit = 3");
	/* a nested runbook's step, in its own runbook's scope (pause = 20ms) */
	const kdx_step *nap = plan_step(p, "kid.nap");
	strbuf_reset(&why);
	assert_int_equal(kdx_interp_precheck(&in, nap, &why), KDX_PRE_OK);
	use_recorder(&in, &rc);
	assert_int_equal(kdx_interp_run_step(&in, nap, KDX_PHASE_DO, NULL, &v), 0);
	assert_string_equal(rc.log.buf, "sleep 20\n");
	kdx_interp_release(&in);
	kdx_arena_release(&a);
	kdx_sources_release(&src);
	strbuf_release(&rc.log);
	strbuf_release(&why);
}

static const kdx_action_param *plan_param(const kdx_plan *p, const char *action, size_t i)
{
	int32_t at = kdx_plan_action(p, action);
	assert_true(at >= 0);
	assert_true(i < p->actions[at].nparams);
	return &p->actions[at].params[i];
}

/* Each parameter's declared type as the run checks it, made once when the plan is read
 * (kdx_action_param.rtype, kdx_type_make), not parsed again at every bind (issue #13);
 * test_runs_without_the_compilation runs a read plan whose type texts are gone. */
static void test_types_made_once(void **state)
{
	(void)state;
	kdx_sources src;
	kdx_arena a;
	kdx_plan *p = released_plan(&src, &a);
	const kdx_type *box = plan_param(p, "calc.tag", 0)->rtype;
	assert_non_null(box);
	assert_int_equal(box->kind, KDX_TYPE_OTHER);
	assert_string_equal(box->text, "box");
	assert_string_equal(box->res, "calc.box");
	const kdx_type *num = plan_param(p, "calc.put", 1)->rtype;
	assert_int_equal(num->kind, KDX_TYPE_NUMBER);
	assert_null(num->res);
	const kdx_type *l = kdx_type_make(&a, "list(map(route53.weighted_record))",
					  "route53.weighted_record");
	assert_int_equal(l->kind, KDX_TYPE_LIST);
	assert_int_equal(l->elem->kind, KDX_TYPE_MAP);
	assert_string_equal(l->elem->text, "map(route53.weighted_record)");
	assert_int_equal(l->elem->elem->kind, KDX_TYPE_OTHER);
	assert_string_equal(l->elem->elem->res, "route53.weighted_record");
	assert_int_equal(kdx_type_make(&a, "duration", NULL)->kind, KDX_TYPE_DURATION);
	assert_int_equal(kdx_type_make(&a, "x.duration", "x.duration")->kind, KDX_TYPE_OTHER);
	assert_null(kdx_type_make(&a, NULL, NULL));
	kdx_arena_release(&a);
	kdx_sources_release(&src);
}

/* A whole step of examples/weighted-shift.kdx, then its undo, through recording hooks: the
 * requests apply sends, the poll of the change on the virtual clock, and an undo that puts
 * back what the snapshot saw. */
static void test_step_and_undo_recorded(void **state)
{
	(void)state;
	kdx_compile_opts o = { .path = "examples/weighted-shift.kdx" };
	kdx_compilation c;
	assert_int_equal(kdx_compile(&o, &c), 0);
	kdx_runtime rt = { .sources = &c.sources };
	kdx_runtime_use_plan(&rt, c.plan, &c.arena);
	kdx_interp in;
	kdx_interp_init(&in, &rt);
	recorder rc = { .log = STRBUF_INIT, .getchange = 1 };
	use_recorder(&in, &rc);
	const kdx_step *st = &c.plan->steps[0];
	kdx_value *snap, *ret;
	assert_int_equal(kdx_interp_snapshot(&in, st->do_call, &snap), 0);
	strbuf sb = STRBUF_INIT;
	kdx_value_to_json(&sb, snap);
	assert_string_equal(sb.buf, "{\"before\":{\"us-east-1\":30,\"us-west-2\":70}}");
	char *snapshot = strbuf_detach(&sb, NULL);
	strbuf_reset(&rc.log);
	assert_int_equal(kdx_interp_run_step(&in, st, KDX_PHASE_DO, NULL, &ret), 0);
	/* read-modify-write: each record set goes back as read (TTL, health check, targets or
	 * alias) with only its Weight changed; nothing is invented from the declaration */
	assert_string_equal(rc.log.buf,
		"aws route53 ListHostedZonesByName - {\"DNSName\":\"example.com.\",\"MaxItems\":\"1\"}\n"
		"aws route53 ListResourceRecordSets - {\"HostedZoneId\":\"/hostedzone/Z1\",\"StartRecordName\":"
		"\"www.example.com.\",\"StartRecordType\":\"CNAME\"}\n"
		"aws route53 ListHostedZonesByName - {\"DNSName\":\"example.com.\",\"MaxItems\":\"1\"}\n"
		"aws route53 ChangeResourceRecordSets - mutating {\"HostedZoneId\":\"/hostedzone/Z1\",\"ChangeBatch\":"
		"{\"Comment\":\"kdx: set weights of www.example.com.\",\"Changes\":["
		"{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\","
		"\"SetIdentifier\":\"us-east-1\",\"Weight\":0,\"TTL\":42,\"HealthCheckId\":\"hc-1\","
		"\"ResourceRecords\":[{\"Value\":\"lb-1.example.net\"}]}},"
		"{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"www.example.com.\",\"Type\":\"CNAME\","
		"\"SetIdentifier\":\"us-west-2\",\"Weight\":100,\"AliasTarget\":{\"HostedZoneId\":\"Z2\","
		"\"DNSName\":\"lb-2.example.net\",\"EvaluateTargetHealth\":true}}}]}}\n"
		/* one request per poll: the unmet poll's "last seen" is the value that poll
		 * read (interp.c, observation()), not a second read */
		"aws route53 GetChange - {\"Id\":\"/change/C1\"}\n"
		"sleep 2000\n"
		"aws route53 GetChange - {\"Id\":\"/change/C1\"}\n");
	/* the undo: the same action with the snapshot's weights */
	use_recorder(&in, &rc);
	assert_int_equal(kdx_interp_run_step(&in, st, KDX_PHASE_UNDO, snapshot, &ret), 0);
	assert_non_null(strstr(rc.log.buf, "\"SetIdentifier\":\"us-east-1\",\"Weight\":30,"));
	assert_non_null(strstr(rc.log.buf, "\"SetIdentifier\":\"us-west-2\",\"Weight\":70,"));
	/* an undo without its snapshot cannot be computed */
	use_recorder(&in, &rc);
	assert_int_equal(kdx_interp_run_step(&in, st, KDX_PHASE_UNDO, NULL, &ret), -1);
	assert_non_null(strstr(in.err.buf, "no snapshot 'before'"));
	/* a change that never syncs times out after its `within` */
	use_recorder(&in, &rc);
	rc.getchange = 1000;
	assert_int_equal(kdx_interp_run_step(&in, st, KDX_PHASE_DO, NULL, &ret), -1);
	assert_non_null(strstr(in.err.buf, "timed out waiting until"));
	/* "last seen" is the comparison's left side as the last poll read it */
	assert_non_null(strstr(in.err.buf, "; last seen: change_status(change.ChangeInfo.Id) = \"PENDING\""));
	assert_int_equal(rc.now, 5 * 60000);
	free(snapshot);
	strbuf_release(&rc.log);
	kdx_interp_release(&in);
	kdx_compilation_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_calls),
		cmocka_unit_test(test_verify_and_snapshot),
		cmocka_unit_test(test_dry_run_records_mutation),
		cmocka_unit_test(test_waits),
		cmocka_unit_test(test_runs_the_plan),
		cmocka_unit_test(test_runs_the_read_plan),
		cmocka_unit_test(test_nested_scope),
		cmocka_unit_test(test_runs_without_the_compilation),
		cmocka_unit_test(test_types_made_once),
		cmocka_unit_test(test_step_and_undo_recorded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
