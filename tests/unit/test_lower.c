/* Unit tests for compiler/lower: the KALDRIX failover runbook lowers to the expected steps,
 * edges, effects, undo effects, gates and figures; `when` false removes a step and keeps
 * the order through it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"

static const kdx_step *step(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, name))
			return &p->steps[i];
	fail_msg("no step '%s'", name);
	return NULL;
}

static long step_index(const kdx_plan *p, const char *name)
{
	return step(p, name) - p->steps;
}

static int32_t res(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nresources; i++)
		if (!strcmp(p->resources[i].name, name))
			return (int32_t)i;
	fail_msg("no resource '%s'", name);
	return -1;
}

static void compile_failover(kdx_compilation *c, const char *env_file)
{
	const char *files[] = { env_file };
	kdx_compile_opts o = { .path = "plans/failover.kdx", .var_files = files,
			       .nvar_files = env_file ? 1 : 0 };
	int rc = kdx_compile(&o, c);
	if (rc) {
		strbuf sb = STRBUF_INIT;
		kdx_diags_render(&sb, &c->diags, &c->sources, false);
		print_error("%s", sb.buf);
		strbuf_release(&sb);
	}
	assert_int_equal(rc, 0);
	assert_non_null(c->plan);
}

static void test_failover_shape(void **state)
{
	(void)state;
	kdx_compilation c;
	compile_failover(&c, NULL);
	const kdx_plan *p = c.plan;
	assert_string_equal(p->name, "kaldrix-failover");
	assert_string_equal(p->environment, "staging");
	assert_true(p->has_rto && p->has_rpo);
	assert_int_equal(p->rto_ms, 15 * 60000);
	assert_int_equal(p->rpo_ms, 5 * 60000);
	assert_int_equal(p->nregions, 3);
	assert_string_equal(p->regions[0].role, "primary");
	assert_true(p->regions[1].weight == 20 && p->regions[1].capacity == 60);
	/* api, db, fleet x3, workload x3, cache, errors x3, ops */
	assert_int_equal(p->nresources, 13);
	int32_t db = res(p, "db");
	assert_int_equal(p->resources[db].cls, KDX_RES_DATABASE);
	assert_int_equal(p->resources[db].writer, 0);
	int32_t fw = res(p, "fleet[us-west-2]");
	assert_int_equal(p->resources[fw].cls, KDX_RES_FLEET);
	assert_int_equal(p->resources[fw].region, 1);
	assert_string_equal(p->resources[fw].type, "autoscaling.group");
	/* each step and the steps it comes after; validate also follows detach_db, pruned here
	 * (db_failover = "global"): its edge goes to fence_writer */
	static const struct {
		const char *name, *after[3];
	} want[] = {
		{ "detect", { NULL } },
		{ "notify_start", { "detect" } },
		{ "scale_target", { "notify_start" } },
		{ "scale_workload", { "notify_start" } },
		{ "shift_traffic", { "scale_target", "scale_workload" } },
		{ "validate_target", { "shift_traffic" } },
		{ "fence_writer", { "validate_target" } },
		{ "promote_db", { "fence_writer" } },
		{ "fence_cache", { "validate_target" } },
		{ "promote_cache", { "fence_cache" } },
		{ "validate", { "promote_db", "fence_writer", "promote_cache" } },
		{ "notify_done", { "validate" } },
	};
	size_t nwant = sizeof(want) / sizeof(want[0]);
	assert_int_equal(p->nsteps, nwant);
	for (size_t i = 0; i < nwant; i++) {
		const kdx_step *s = &p->steps[i];
		assert_string_equal(s->name, want[i].name);
		size_t n = 0;
		while (n < 3 && want[i].after[n])
			n++;
		assert_int_equal(s->npreds, n);
		for (size_t k = 0; k < n; k++) {
			bool found = false;
			for (size_t j = 0; j < s->npreds; j++)
				found |= !strcmp(p->steps[s->preds[j].from].name, want[i].after[k]) &&
					 s->preds[j].kind == KDX_EDGE_AFTER;
			if (!found)
				fail_msg("%s does not come after %s", s->name, want[i].after[k]);
		}
	}
	kdx_compilation_release(&c);
}

static void test_failover_effects(void **state)
{
	(void)state;
	kdx_compilation c;
	compile_failover(&c, NULL);
	const kdx_plan *p = c.plan;
	int32_t db = res(p, "db"), api = res(p, "api");

	const kdx_step *s = step(p, "detect");
	assert_int_equal(s->effects[0].kind, KDX_EFF_HEALTH_GATE);
	assert_int_equal(s->effects[0].region, 1);
	assert_false(s->mutating);
	assert_int_equal(s->timeout_ms, 20000);

	s = step(p, "notify_start");
	assert_string_equal(s->action, "sns.publish");
	assert_int_equal(s->neffects, 0);
	/* a notification is a journalled change, repeatable: re-sent when in doubt, no undo */
	assert_true(s->mutating);
	assert_true(s->repeatable);
	assert_true(s->unverifiable);
	/* the reason is plan data: a resume's reconciliation reads it from the plan */
	assert_string_equal(s->unverifiable_why,
			    "SNS keeps no record of a published message to read back");
	assert_false(s->undo_unverifiable);
	assert_int_equal(s->on_failure, KDX_ON_FAILURE_CONTINUE);
	/* stop_on = [errors[target]]: the alarm resource, by index */
	assert_int_equal(p->nstop_on, 1);
	assert_string_equal(p->resources[p->stop_on[0]].name, "errors[us-west-2]");

	s = step(p, "scale_target");
	assert_string_equal(s->action, "autoscaling.set_capacity");
	assert_int_equal(s->neffects, 1);
	assert_int_equal(s->effects[0].kind, KDX_EFF_SET_CAPACITY);
	assert_int_equal(s->effects[0].region, 1);
	assert_true(s->effects[0].pct == 100);
	assert_true(s->mutating && s->has_undo);
	assert_int_equal(s->nundo_effects, 1);
	assert_true(s->undo_effects[0].pct < 0); /* restores the snapshot */
	assert_int_equal(s->wait_ms, 3 * 60000);
	assert_int_equal(s->duration_max_ms, 30000);

	s = step(p, "shift_traffic");
	assert_int_equal(s->effects[0].kind, KDX_EFF_SET_WEIGHTS);
	assert_int_equal(s->effects[0].resource, api);
	assert_true(s->effects[0].weights[0] == 0 && s->effects[0].weights[1] == 90 &&
		    s->effects[0].weights[2] == 10);
	assert_true(s->undo_effects[0].weights[0] == 70 && s->undo_effects[0].weights[1] == 20);
	assert_int_equal(s->attempts, 2);
	assert_int_equal(s->backoff_ms, 5000);
	assert_int_equal(s->timeout_ms, 60000);

	s = step(p, "fence_writer");
	assert_int_equal(s->effects[0].kind, KDX_EFF_FENCE);
	assert_int_equal(s->effects[0].resource, db);
	assert_int_equal(s->effects[0].region, 0);
	assert_int_equal(s->undo_effects[0].kind, KDX_EFF_UNFENCE);
	assert_string_equal(s->undo_action, "rds.unfence_writes");

	s = step(p, "promote_db");
	assert_int_equal(s->neffects, 2);
	assert_int_equal(s->effects[0].kind, KDX_EFF_LAG_GATE);
	assert_int_equal(s->effects[0].resource, db);
	assert_int_equal(s->effects[0].region, 1);
	assert_int_equal(s->effects[0].ms, 300000);
	assert_int_equal(s->effects[1].kind, KDX_EFF_PROMOTE);
	assert_false(s->effects[1].graceful);
	assert_true(s->irreversible && s->mutating);
	assert_false(s->has_undo);
	assert_false(s->approval); /* staging */

	s = step(p, "validate");
	assert_int_equal(s->effects[0].kind, KDX_EFF_HEALTH_GATE);
	assert_int_equal(s->on_failure, KDX_ON_FAILURE_PAUSE);
	assert_int_equal(s->wait_ms, 90000);
	kdx_compilation_release(&c);
}

static void test_failover_production(void **state)
{
	(void)state;
	kdx_compilation c;
	compile_failover(&c, "plans/environments/production.kdxvars");
	assert_string_equal(c.plan->environment, "production");
	assert_true(step(c.plan, "promote_db")->approval);
	kdx_compilation_release(&c);
	compile_failover(&c, "plans/environments/development.kdxvars");
	const kdx_step *s = step(c.plan, "shift_traffic");
	/* development fails over to eu-west-1 */
	assert_true(s->effects[0].weights[2] == 90 && s->effects[0].weights[1] == 10);
	assert_int_equal(step(c.plan, "scale_target")->effects[0].region, 2);
	kdx_compilation_release(&c);
}

static void test_duration_from_arguments(void **state)
{
	(void)state;
	const char *vars[] = { "environment=production" };
	kdx_compile_opts o = { .path = "examples/approvals.kdx", .vars = vars, .nvars = 1 };
	kdx_compilation c;
	assert_int_equal(kdx_compile(&o, &c), 0);
	const kdx_step *s = step(c.plan, "grace"); /* core.sleep(5m) declares duration d..d */
	assert_int_equal(s->duration_min_ms, 5 * 60000);
	assert_int_equal(s->duration_max_ms, 5 * 60000);
	assert_true(step(c.plan, "detach")->approval);
	kdx_compilation_release(&c);
	vars[0] = "environment=staging";
	assert_int_equal(kdx_compile(&o, &c), 0);
	assert_int_equal(c.plan->nsteps, 2); /* warn and grace only run in production */
	assert_false(step(c.plan, "detach")->approval);
	kdx_compilation_release(&c);
}

/* Compile text as the main file r.kdx of a fresh directory; dir and path are filled for
 * drop_text(). */
static void compile_text(const char *text, char *dir, char *path, size_t n, kdx_compilation *c)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, n, "%s/r.kdx", dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	kdx_compile_opts o = { .path = path };
	assert_int_equal(kdx_compile(&o, c), 0);
}

static void drop_text(const char *dir, const char *path, kdx_compilation *c)
{
	kdx_compilation_release(c);
	unlink(path);
	rmdir(dir);
}

/* The start of the small runbooks below: two modules, one region, a record and a topic. */
#define HEAD "runbook \"t\" {}\nimport \"aws/route53\"\nimport \"aws/sns\"\n"
#define WORLD                                                                          \
	"region \"us-east-1\" { role = primary weight = 100% capacity = 100% }\n"        \
	"resource api : route53.weighted_record { zone = \"x.\" name = \"a.x.\" }\n"    \
	"resource ops : sns.topic { name = \"o\" arn = \"arn:o\" }\n"

static void test_when_and_data_edges(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	kdx_compilation c;
	compile_text(HEAD "param environment : string = \"staging\"\n" WORLD
	      "step a { do route53.get_weights(api) }\n"
	      "step b after a { when environment == \"production\" do sns.publish(ops, \"b\") }\n"
	      "step c after b { do sns.publish(ops, \"weights: ${steps.a}\") }\n",
	      dir, path, sizeof(path), &c);
	const kdx_plan *p = c.plan;
	assert_int_equal(p->nsteps, 2); /* b is skipped in staging */
	const kdx_step *s = step(p, "c");
	assert_int_equal(s->npreds, 1); /* a, through b (after) and directly (data): one edge */
	assert_int_equal(s->preds[0].from, step_index(p, "a"));
	drop_text(dir, path, &c);
}

/* An explicit undo's action says what it says about reading back, like the do's. */
static void test_undo_read_back(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	kdx_compilation c;
	compile_text(HEAD WORLD
	      "step a {\n"
	      "  do route53.set_weights(api, { \"us-east-1\" = 100% })\n"
	      "  undo sns.publish(ops, \"put the weights back by hand\")\n"
	      "}\n",
	      dir, path, sizeof(path), &c);
	const kdx_step *s = step(c.plan, "a");
	assert_false(s->unverifiable);
	assert_null(s->unverifiable_why);
	assert_true(s->undo_unverifiable);
	assert_true(s->undo_repeatable);
	assert_string_equal(s->undo_unverifiable_why,
			    "SNS keeps no record of a published message to read back");
	assert_int_equal(c.plan->nstop_on, 0);
	drop_text(dir, path, &c);
}

/* What a step takes from its action's declaration (read back, mutating, Terraform) is
 * worked out once per declaration (kdx_lower_facts): with 40 actions of the file, each
 * with its own reason, called in an order that comes back to each, and the stdlib's,
 * every step gets its own action's facts, past the table's first growth. */
static void test_action_facts_per_declaration(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, HEAD WORLD);
	enum { NACT = 40, NSTEP = 120 };
	for (int k = 0; k < NACT; k++)
		strbuf_addf(&sb,
			    "action n%d(topic : sns.topic) {\n"
			    "  unverifiable = \"reason %d\"\n%s"
			    "  effect {}\n"
			    "  call aws \"sns\" \"Publish\" { region = topic.region TopicArn = topic.arn "
			    "Message = \"m\" }\n"
			    "}\n",
			    k, k, k % 3 == 0 ? "  repeatable = true\n" : "");
	for (int i = 0; i < NSTEP; i++) {
		int k = (i * 7) % NACT;
		if (i % 5 == 4)
			strbuf_addf(&sb, "step s%d { do route53.set_weights(api, { \"us-east-1\" = 100%% }) }\n", i);
		else if (i % 5 == 2)
			strbuf_addf(&sb, "step s%d { do route53.get_weights(api) }\n", i);
		else
			strbuf_addf(&sb, "step s%d { do n%d(ops) undo sns.publish(ops, \"u\") }\n", i, k);
	}
	kdx_compilation c;
	compile_text(sb.buf, dir, path, sizeof(path), &c);
	strbuf_release(&sb);
	for (int i = 0; i < NSTEP; i++) {
		char name[16], why[32];
		snprintf(name, sizeof(name), "s%d", i);
		const kdx_step *s = step(c.plan, name);
		int k = (i * 7) % NACT;
		assert_false(s->runs_terraform);
		if (i % 5 == 4 || i % 5 == 2) {
			assert_false(s->unverifiable);
			assert_false(s->repeatable);
			assert_null(s->unverifiable_why);
			assert_false(s->undo_unverifiable);
			assert_int_equal(s->mutating, i % 5 == 4); /* get_weights only reads */
			continue;
		}
		snprintf(why, sizeof(why), "reason %d", k);
		assert_true(s->unverifiable);
		assert_string_equal(s->unverifiable_why, why);
		assert_int_equal(s->repeatable, k % 3 == 0);
		assert_true(s->mutating);
		assert_true(s->undo_unverifiable);
		assert_true(s->undo_repeatable);
		assert_string_equal(s->undo_unverifiable_why,
				    "SNS keeps no record of a published message to read back");
	}
	drop_text(dir, path, &c);
}

/* A step's effect lists are lowered in a buffer of four and a malloc'd array past it
 * (effects in lower_step.c): six effects, in order, whatever the buffer's size. */
static void test_effects_past_the_buffer(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	kdx_compilation c;
	compile_text(HEAD WORLD
	      "action six(topic : sns.topic) {\n"
	      "  unverifiable = \"test\"\n"
	      "  effect { write(topic) read(topic) write(topic) write(topic) read(topic) write(topic) }\n"
	      "  call aws \"sns\" \"Publish\" { region = topic.region TopicArn = topic.arn Message = \"m\" }\n"
	      "}\n"
	      "step a { do six(ops) undo six(ops) }\n",
	      dir, path, sizeof(path), &c);
	const kdx_step *s = step(c.plan, "a");
	static const kdx_effect_kind want[] = { KDX_EFF_WRITE, KDX_EFF_READ, KDX_EFF_WRITE,
						KDX_EFF_WRITE, KDX_EFF_READ, KDX_EFF_WRITE };
	assert_int_equal(s->neffects, 6);
	assert_int_equal(s->nundo_effects, 6);
	for (size_t k = 0; k < 6; k++) {
		assert_int_equal(s->effects[k].kind, want[k]);
		assert_int_equal(s->effects[k].resource, res(c.plan, "ops"));
		assert_int_equal(s->undo_effects[k].kind, want[k]);
	}
	drop_text(dir, path, &c);
}

/* A scenario naming a step this environment leaves out compiles (every command lowers the
 * scenarios; the runbook is valid here) and says why it cannot run; the others run. */
static void test_scenario_of_absent_step(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	kdx_compilation c;
	compile_text(HEAD "param environment : string = \"staging\"\n" WORLD
	      "step a { do route53.get_weights(api) }\n"
	      "step b after a { when environment == \"production\" do sns.publish(ops, \"b\") }\n"
	      "scenario \"b-fails\" { fail step b\n expect step a done }\n"
	      "scenario \"a-fails\" { fail step a }\n",
	      dir, path, sizeof(path), &c);
	const kdx_plan *p = c.plan;
	assert_int_equal(p->nscenarios, 2);
	assert_string_equal(p->scenarios[0].inapplicable,
			    "step 'b' is not in the plan (its `when` is false here)");
	assert_int_equal(p->scenarios[0].nfaults, 0);  /* the fault on b is dropped */
	assert_int_equal(p->scenarios[0].nexpects, 1); /* the rest is lowered as usual */
	assert_null(p->scenarios[1].inapplicable);
	assert_int_equal(p->scenarios[1].nfaults, 1);
	drop_text(dir, path, &c);
}

/* Text of a runbook whose 20 steps each call an action of np parameters, with or without
 * a `duration` clause. */
static void wide_runbook(strbuf *sb, size_t np, bool duration)
{
	strbuf_addstr(sb, "runbook \"t\" {}\n"
			  "region \"us-east-1\" { role = primary weight = 100% capacity = 100% }\n"
			  "action wide(");
	for (size_t i = 0; i < np; i++)
		strbuf_addf(sb, "%sp%zu : number", i ? ", " : "", i);
	strbuf_addf(sb, ") {\n%s  effect {}\n  wait 1s\n}\n", duration ? "  duration 1s..2s\n" : "");
	for (size_t k = 0; k < 20; k++) {
		strbuf_addf(sb, "step s%zu { do wide(", k);
		for (size_t i = 0; i < np; i++)
			strbuf_addf(sb, "%s%zu", i ? ", " : "", i);
		strbuf_addstr(sb, ") }\n");
	}
}

/* The compilation's arena bytes for sb's text (released), after check(plan, flag). */
static size_t arena_of(strbuf *sb, void (*check)(const kdx_plan *p, bool flag), bool flag)
{
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	kdx_compilation c;
	compile_text(sb->buf, dir, path, sizeof(path), &c);
	assert_int_equal(c.plan->nsteps, 20);
	check(c.plan, flag);
	size_t total = c.arena.total;
	drop_text(dir, path, &c);
	strbuf_release(sb);
	return total;
}

static void wide_check(const kdx_plan *p, bool duration)
{
	assert_int_equal(p->steps[19].duration_max_ms, duration ? 2000 : 0);
}

static size_t wide_arena(size_t np, bool duration)
{
	strbuf sb = STRBUF_INIT;
	wide_runbook(&sb, np, duration);
	return arena_of(&sb, wide_check, duration);
}

/* The scope an action's duration (and effects, and own undo) is evaluated in -- a binding
 * per parameter -- is a lowering temporary (kdx_lower_scratch.step): it was kept in the
 * compilation's arena for every step, 22 MB at 100,000 steps (issue #19). A declared
 * duration now costs each step its two values, nothing per parameter. */
static void test_step_scopes_not_kept(void **state)
{
	(void)state;
	size_t np = 200;
	size_t with = wide_arena(np, true), without = wide_arena(np, false);
	assert_true(with > without);
	size_t per_step = (with - without) / 20;
	if (per_step >= np * sizeof(void *))
		fail_msg("a duration costs %zu bytes a step with %zu parameters", per_step, np);
}

/* A bound call's working arrays -- its parameters' names, which were given, the argument
 * expressions when every argument is known -- are the step's temporaries
 * (kdx_eval.scratch); the plan keeps the argument values and one pointer each to them, and
 * every call whose arguments are all known shares one array of NULL expressions (issue
 * #19: 10 MiB at 100,000 steps). A parameter costs a step its value and the pointer to it,
 * plus ~5 bytes of the plan's action table (lowered once, spread over the 20 steps): 45
 * bytes; 62 before. */
static void test_bound_call_arrays_not_kept(void **state)
{
	(void)state;
	size_t wide = wide_arena(200, false), narrow = wide_arena(100, false);
	assert_true(wide > narrow);
	size_t per_param = (wide - narrow) / 20 / 100;
	if (per_param > sizeof(kdx_value *) + sizeof(kdx_value) + 8)
		fail_msg("a call keeps %zu bytes a parameter", per_param);
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	strbuf sb = STRBUF_INIT;
	wide_runbook(&sb, 3, false);
	kdx_compilation c;
	compile_text(sb.buf, dir, path, sizeof(path), &c);
	const kdx_plan *p = c.plan;
	assert_int_equal(p->steps[0].do_call->nargs, 3);
	assert_ptr_equal(p->steps[0].do_call->arg_exprs, p->steps[19].do_call->arg_exprs);
	for (size_t i = 0; i < 3; i++) {
		assert_null(p->steps[0].do_call->arg_exprs[i]);
		assert_true(p->steps[19].do_call->args[i]->u.num == (double)i);
	}
	drop_text(dir, path, &c);
	strbuf_release(&sb);
}

/* A step is 280 bytes with its fields in an order without padding (312 with 37 bytes of
 * it before; 100,000 steps are one array, issue #19). */
static void test_step_size(void **state)
{
	(void)state;
	assert_true(sizeof(kdx_step) <= 256);
}

static void when_check(const kdx_plan *p, bool heavy)
{
	(void)heavy;
	assert_int_equal(step(p, "s19")->timeout_ms, 2000);
	assert_false(step(p, "s19")->conditional); /* decided now: true */
}

static size_t when_arena(bool heavy)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, HEAD WORLD "param big : list(number) = [");
	for (int i = 0; i < 200; i++)
		strbuf_addf(&sb, "%s%d", i ? ", " : "", i);
	strbuf_addstr(&sb, "]\n");
	for (int k = 0; k < 20; k++)
		strbuf_addf(&sb, "step s%d {\n  when %s\n  timeout 2s\n  do route53.get_weights(api)\n}\n",
			    k, heavy ? "length([for x in big : x + 1]) > 0" : "length(big)       > 0");
	return arena_of(&sb, when_check, heavy);
}

/* What a step's clauses evaluate to at compile time -- a `when` decided now, a timeout --
 * is kept as plain data; the values, and whatever their evaluation builds (here a list of
 * 200 numbers a step), go with the step's scratch (issue #19: 9 MiB of durations at
 * 100,000 steps). The two runbooks differ only in the `when`'s expression. */
static void test_clause_values_not_kept(void **state)
{
	(void)state;
	size_t heavy = when_arena(true), light = when_arena(false);
	size_t per_step = (heavy > light ? heavy - light : 0) / 20;
	if (per_step >= 200 * sizeof(void *))
		fail_msg("a `when` over a 200-element comprehension costs %zu bytes a step", per_step);
}

/* Edges past a list's first four (the lists grow in the lowering's scratch), in the order
 * written; steps without any share one empty array, as empty effect lists do. */
static void test_many_edges(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-test-lower-XXXXXX", path[256];
	strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, HEAD WORLD);
	for (int k = 0; k < 12; k++)
		strbuf_addf(&sb, "step a%d { do route53.get_weights(api) }\n", k);
	strbuf_addstr(&sb, "step z after a11, a3, a0, a7, a1, a10, a2, a9, a4, a8, a5, a6, a3 "
			   "{ do route53.get_weights(api) }\n");
	kdx_compilation c;
	compile_text(sb.buf, dir, path, sizeof(path), &c);
	const kdx_plan *p = c.plan;
	static const char *const order[] = { "a11", "a3", "a0", "a7", "a1", "a10",
					     "a2",  "a9", "a4", "a8", "a5", "a6" };
	const kdx_step *z = step(p, "z");
	assert_int_equal(z->npreds, 12); /* a3 twice: one edge */
	for (size_t i = 0; i < 12; i++) {
		assert_int_equal(z->preds[i].from, step_index(p, order[i]));
		assert_int_equal(z->preds[i].kind, KDX_EDGE_AFTER);
	}
	assert_int_equal(step(p, "a0")->npreds, 0);
	assert_non_null(step(p, "a0")->preds);
	assert_ptr_equal(step(p, "a0")->preds, step(p, "a5")->preds);
	/* so do steps without undo effects (get_weights has no undo) */
	assert_int_equal(step(p, "a0")->nundo_effects, 0);
	assert_non_null(step(p, "a0")->undo_effects);
	assert_ptr_equal(step(p, "a0")->undo_effects, step(p, "z")->undo_effects);
	assert_int_equal(z->neffects, 1); /* the read, its own array */
	assert_int_equal(z->effects[0].kind, KDX_EFF_READ);
	assert_ptr_not_equal(z->effects, step(p, "a0")->effects);
	drop_text(dir, path, &c);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failover_shape),
		cmocka_unit_test(test_failover_effects),
		cmocka_unit_test(test_failover_production),
		cmocka_unit_test(test_duration_from_arguments),
		cmocka_unit_test(test_when_and_data_edges),
		cmocka_unit_test(test_undo_read_back),
		cmocka_unit_test(test_action_facts_per_declaration),
		cmocka_unit_test(test_effects_past_the_buffer),
		cmocka_unit_test(test_scenario_of_absent_step),
		cmocka_unit_test(test_step_scopes_not_kept),
		cmocka_unit_test(test_many_edges),
		cmocka_unit_test(test_clause_values_not_kept),
		cmocka_unit_test(test_bound_call_arrays_not_kept),
		cmocka_unit_test(test_step_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
