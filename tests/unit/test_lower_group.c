/* Unit tests for compiler/lower_group and lower_exec: `parallel` groups and `use` nested
 * runbooks lower into ordinary steps and edges (names, implicit predecessors, `after NAME`,
 * `when` false inside them, params, shared and prefixed resources, nesting two deep,
 * cycles), and the runbook side of the core.exec gate. Runbooks are written to a
 * temporary directory, as a user would lay them out. */
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

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Compile DIR/name; want_ok: it must compile (else the diagnostics are shown). */
static int compile(kdx_compilation *c, const char *name, bool want_ok)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	kdx_compile_opts o = { .path = path };
	int rc = kdx_compile(&o, c);
	if (want_ok && rc) {
		strbuf sb = STRBUF_INIT;
		kdx_diags_render(&sb, &c->diags, &c->sources, false);
		print_error("%s", sb.buf);
		strbuf_release(&sb);
	}
	if (want_ok) {
		assert_int_equal(rc, 0);
		assert_non_null(c->plan);
	}
	return rc;
}

static bool has_error(const kdx_compilation *c, const char *text)
{
	for (size_t i = 0; i < c->diags.n; i++)
		if (strstr(c->diags.items[i].msg, text))
			return true;
	return false;
}

static const kdx_step *step(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (!strcmp(p->steps[i].name, name))
			return &p->steps[i];
	fail_msg("no step '%s'", name);
	return NULL;
}

/* The names of a step's direct predecessors, sorted and comma-joined. */
static char *preds(const kdx_plan *p, const char *name)
{
	const kdx_step *s = step(p, name);
	const char *v[32];
	size_t n = 0;
	for (size_t i = 0; i < s->npreds && n < 32; i++)
		v[n++] = p->steps[s->preds[i].from].name;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	static char buf[512];
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(buf, i ? "," : "");
		strcat(buf, v[i]);
	}
	return buf;
}

#define HEAD "import \"core\"\n" \
	     "region \"us-east-1\" { role = primary  weight = 100%  capacity = 100% }\n"

static void test_group_edges(void **state)
{
	(void)state;
	write_file("g.kdx", "runbook \"g\" {}\n" HEAD
		   "step a { do core.sleep(1s) }\n"
		   "step b { do core.sleep(1s) }\n"
		   "parallel warm after a, b {\n"
		   "  step x { do core.sleep(1s) }\n"
		   "  step y after x { do core.sleep(1s) }\n"
		   "  step z { do core.sleep(1s)  when 1 > 2 }\n"
		   "}\n"
		   "step done after warm { do core.sleep(1s) }\n");
	kdx_compilation c;
	compile(&c, "g.kdx", true);
	const kdx_plan *p = c.plan;
	assert_int_equal(p->nsteps, 5); /* z is left out: its `when` is false */
	assert_string_equal(preds(p, "x"), "a,b");
	assert_string_equal(preds(p, "y"), "a,b,x");
	/* z is gone; `after warm` keeps the order through it: done waits for a and b too */
	assert_string_equal(preds(p, "done"), "a,b,x,y");
	assert_string_equal(step(p, "x")->group, "warm");
	assert_null(step(p, "a")->group);
	kdx_compilation_release(&c);
}

static void test_group_errors(void **state)
{
	(void)state;
	write_file("ge.kdx", "runbook \"ge\" {}\n" HEAD
		   "parallel warm {\n"
		   "  step x after warm { do core.sleep(1s) }\n"
		   "}\n"
		   "parallel w2 { step s { do core.sleep(1s) } }\n"
		   "step s { do core.sleep(1s) }\n");
	kdx_compilation c;
	assert_int_equal(compile(&c, "ge.kdx", false), -1);
	assert_true(has_error(&c, "cannot run after its own group 'warm'"));
	assert_true(has_error(&c, "duplicate name 's'"));
	kdx_compilation_release(&c);
}

static void test_nested(void **state)
{
	(void)state;
	write_file("inner.kdx", "runbook \"inner\" {}\n" HEAD
		   "param d : duration = 1s\n"
		   "step deep { do core.sleep(d) }\n");
	write_file("child.kdx", "runbook \"child\" {}\n" HEAD
		   "import \"aws/sns\"\n"
		   "param pause : duration = 1s\n"
		   "param topic : string = \"ops\"\n"
		   "resource ops : sns.topic { name = topic  arn = \"arn:aws:sns:us-east-1:1:${topic}\" }\n"
		   "step one { do core.sleep(pause) }\n"
		   "step two { do sns.publish(ops, \"x\") }\n"
		   "use \"inner.kdx\" as sub after one, two { d = pause * 2 }\n"
		   "step skipped after sub { do core.sleep(pause)  when pause > 1h }\n");
	write_file("main.kdx", "runbook \"main\" {}\n" HEAD
		   "import \"aws/sns\"\n"
		   "resource ops : sns.topic { name = \"ops\"  arn = \"arn:aws:sns:us-east-1:1:ops\" }\n"
		   "step first { do core.sleep(1s) }\n"
		   "use \"child.kdx\" as kid after first { pause = 3s }\n"
		   "use \"child.kdx\" as other { topic = \"other\" }\n"
		   "step last after kid { do core.sleep(1s) }\n");
	kdx_compilation c;
	compile(&c, "main.kdx", true);
	const kdx_plan *p = c.plan;
	/* first, kid.{one,two,sub.deep}, other.{one,two,sub.deep}, last */
	assert_int_equal(p->nsteps, 8);
	assert_string_equal(preds(p, "kid.one"), "first");
	assert_string_equal(preds(p, "kid.two"), "first");
	assert_string_equal(preds(p, "kid.sub.deep"), "kid.one,kid.two");
	assert_string_equal(preds(p, "other.one"), "");
	/* after kid: after its last step (kid.skipped is gone, so its predecessor) */
	assert_string_equal(preds(p, "last"), "kid.sub.deep");
	assert_string_equal(step(p, "kid.sub.deep")->group, "kid.sub");
	assert_string_equal(step(p, "kid.one")->group, "kid");
	/* params flow down: kid's pause is 3s, its inner d = 6s; other keeps the default */
	assert_int_equal(step(p, "kid.sub.deep")->duration_max_ms, 6000);
	assert_int_equal(step(p, "other.sub.deep")->duration_max_ms, 2000);
	/* kid's topic is the caller's (same type and attributes): one resource; other's is its
	 * own, prefixed */
	size_t nops = 0, nother = 0;
	for (size_t i = 0; i < p->nresources; i++) {
		nops += !strcmp(p->resources[i].name, "ops");
		nother += !strcmp(p->resources[i].name, "other.ops");
	}
	assert_int_equal(p->nresources, 2);
	assert_int_equal(nops, 1);
	assert_int_equal(nother, 1);
	kdx_compilation_release(&c);
}

static void test_nested_cycle(void **state)
{
	(void)state;
	write_file("ca.kdx", "runbook \"ca\" {}\n" HEAD "use \"cb.kdx\" as b {}\n");
	write_file("cb.kdx", "runbook \"cb\" {}\n" HEAD "use \"./ca.kdx\" as a {}\n");
	kdx_compilation c;
	assert_int_equal(compile(&c, "ca.kdx", false), -1);
	assert_true(has_error(&c, "uses itself"));
	kdx_compilation_release(&c);
}

static void test_nested_steps_ref(void **state)
{
	(void)state;
	write_file("sr.kdx", "runbook \"sr\" {}\n" HEAD
		   "step a { do core.http_status(\"http://127.0.0.1:1/\") }\n"
		   "step b { do core.sleep(steps.a > 0 ? 1s : 2s) }\n");
	write_file("srmain.kdx", "runbook \"srmain\" {}\n" HEAD "use \"sr.kdx\" as n {}\n");
	kdx_compilation c;
	assert_int_equal(compile(&c, "srmain.kdx", false), -1);
	assert_true(has_error(&c, "steps.a cannot be used in a runbook that another one uses"));
	kdx_compilation_release(&c);
}

static void test_exec_gate(void **state)
{
	(void)state;
	write_file("ex.kdx", "runbook \"ex\" { allow_exec = [\"/bin/echo\"] }\n" HEAD
		   "step s {\n  do core.exec([\"/bin/echo\", \"hi\"])\n  irreversible\n}\n");
	kdx_compilation c;
	compile(&c, "ex.kdx", true);
	assert_true(c.plan->has_allow_exec);
	assert_int_equal(c.plan->nallow_exec, 1);
	assert_string_equal(c.plan->allow_exec[0], "/bin/echo");
	assert_true(step(c.plan, "s")->mutating);
	assert_string_equal(step(c.plan, "s")->action, "core.exec");
	kdx_compilation_release(&c);

	write_file("ex2.kdx", "runbook \"ex2\" { allow_exec = [\"/bin/echo\"] }\n" HEAD
		   "param cmd : string = \"/bin/ech\"\n"
		   "step s { do core.exec([cmd]) }\n");
	assert_int_equal(compile(&c, "ex2.kdx", false), -1);
	assert_true(has_error(&c, "command '/bin/ech' is not in the runbook's allow_exec"));
	kdx_compilation_release(&c);

	write_file("ex3.kdx", "runbook \"ex3\" {}\n" HEAD
		   "step s { do core.exec([\"/bin/echo\"]) }\n");
	assert_int_equal(compile(&c, "ex3.kdx", false), -1);
	assert_true(has_error(&c, "which this runbook does not allow"));
	kdx_compilation_release(&c);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kdx-lower-group-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_edges),
		cmocka_unit_test(test_group_errors),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_nested_cycle),
		cmocka_unit_test(test_nested_steps_ref),
		cmocka_unit_test(test_exec_gate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
