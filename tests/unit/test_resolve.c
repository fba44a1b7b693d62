/* Unit tests for compiler/loader + resolve: imports (search path, once-only, cycles),
 * duplicate declarations, unknown names with suggestions, module-only files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "compiler/resolve.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kdx-test-resolve-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *put(const char *name, const char *text)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Compile `main` with -I dir; returns the number of errors, messages joined in *msgs. */
static size_t compile(const char *main, strbuf *msgs, kdx_compilation *c)
{
	const char *inc[] = { dir };
	kdx_compile_opts o = { .path = main, .include_dirs = inc, .ninclude_dirs = 1 };
	kdx_compile(&o, c);
	strbuf_reset(msgs);
	for (size_t i = 0; i < c->diags.n; i++) {
		strbuf_addf(msgs, "%s", c->diags.items[i].msg);
		if (c->diags.items[i].hint)
			strbuf_addf(msgs, " [%s]", c->diags.items[i].hint);
		for (size_t j = 0; j < c->diags.items[i].nnotes; j++)
			strbuf_addf(msgs, " {%s}", c->diags.items[i].notes[j].msg);
		strbuf_addch(msgs, '\n');
	}
	return c->diags.nerrors;
}

static void test_import_once_and_alias(void **state)
{
	(void)state;
	put("m1.kdx", "import \"m2\"\naction a() { effect { read() } }\n");
	put("m2.kdx", "action b() { effect { read() } }\n");
	const char *main = put("main.kdx", "import \"m1\"\nimport \"m2\" as other\n"
					   "region \"us-east-1\" { role = primary weight = 100% capacity = 100% }\n"
					   "step s { do other.b() }\nstep t { do m1.a() }\n");
	strbuf msgs = STRBUF_INIT;
	kdx_compilation c;
	assert_int_equal(compile(main, &msgs, &c), 0);
	assert_int_equal(c.prog->nmodules, 3); /* m2 loaded once, used by two names */
	assert_string_equal(c.plan->steps[0].action, "m2.b");
	kdx_compilation_release(&c);
	strbuf_release(&msgs);
}

/* Every step calling an imported action gets the one qualified name made when the module was
 * resolved (lowering asked for a new one per call: issue #19), and the names stay right. */
static void test_qualified_names_shared(void **state)
{
	(void)state;
	char lib[96];
	snprintf(lib, sizeof(lib), "%s/lib", dir);
	assert_int_equal(mkdir(lib, 0700), 0);
	put("lib/m2.kdx", "type t { class = opaque }\naction b() { effect { read() } }\naction c() { effect { read() } }\n");
	const char *main = put("main.kdx", "import \"lib/m2\"\n"
					   "region \"us-east-1\" { role = primary weight = 100% capacity = 100% }\n"
					   "step s { do m2.b() }\nstep t { do m2.c() }\nstep u { do m2.b() }\n");
	strbuf msgs = STRBUF_INIT;
	kdx_compilation c;
	assert_int_equal(compile(main, &msgs, &c), 0);
	assert_string_equal(c.plan->steps[0].action, "m2.b");
	assert_string_equal(c.plan->steps[1].action, "m2.c");
	assert_ptr_equal(c.plan->steps[0].action, c.plan->steps[2].action);
	const kdx_module *m = c.prog->modules[1];
	assert_ptr_equal(kdx_qualified(&c.arena, m, m->actions[0]->name.name), c.plan->steps[0].action);
	assert_string_equal(kdx_qualified(&c.arena, m, m->types[0]->name.name), "m2.t");
	/* a name that is no declaration of m (same text, another pointer) still qualifies */
	char other[] = "b";
	assert_string_equal(kdx_qualified(&c.arena, m, other), "m2.b");
	assert_ptr_equal(kdx_qualified(&c.arena, c.prog->main, "x"), kdx_qualified(&c.arena, c.prog->main, "x"));
	kdx_compilation_release(&c);
	strbuf_release(&msgs);
}

/* A module's actions are found by their interned name through a hash (action_slots), and
 * by a copy of the text too; every action of a module of 40, past the table's first size. */
static void test_action_index(void **state)
{
	(void)state;
	char lib[96];
	snprintf(lib, sizeof(lib), "%s/lib", dir);
	assert_int_equal(mkdir(lib, 0700), 0);
	strbuf text = STRBUF_INIT;
	for (int k = 0; k < 40; k++)
		strbuf_addf(&text, "action act%d() { effect { read() } }\n", k);
	put("lib/big.kdx", text.buf);
	strbuf_release(&text);
	const char *main = put("main.kdx", "import \"lib/big\"\n"
					   "region \"us-east-1\" { role = primary weight = 100% capacity = 100% }\n"
					   "step s { do big.act37() }\n");
	strbuf msgs = STRBUF_INIT;
	kdx_compilation c;
	assert_int_equal(compile(main, &msgs, &c), 0);
	assert_string_equal(c.plan->steps[0].action, "big.act37");
	const kdx_module *m = c.prog->modules[1];
	assert_int_equal(m->nactions, 40);
	assert_non_null(m->action_slots);
	for (size_t k = 0; k < m->nactions; k++) {
		const char *name = m->actions[k]->name.name;
		char copy[16];
		snprintf(copy, sizeof(copy), "%s", name);
		assert_ptr_equal(kdx_module_action(m, name), m->actions[k]);
		assert_ptr_equal(kdx_module_action(m, copy), m->actions[k]);
		assert_ptr_equal(kdx_qualified(&c.arena, m, name), m->qactions[k]);
		char want[48];
		snprintf(want, sizeof(want), "big.act%zu", k);
		assert_string_equal(kdx_qualified(&c.arena, m, copy), want);
	}
	assert_null(kdx_module_action(m, "act40"));
	kdx_compilation_release(&c);
	strbuf_release(&msgs);
}

static void test_import_cycle(void **state)
{
	(void)state;
	put("ca.kdx", "import \"cb\"\n");
	put("cb.kdx", "import \"ca\"\n");
	const char *main = put("main.kdx", "import \"ca\"\n");
	strbuf msgs = STRBUF_INIT;
	kdx_compilation c;
	assert_int_equal(compile(main, &msgs, &c), 1);
	assert_string_equal(msgs.buf, "import cycle: module 'ca' imports itself "
				      "{the cycle: ca -> cb -> ca}\n");
	kdx_compilation_release(&c);
	strbuf_release(&msgs);
}

static void test_missing_module(void **state)
{
	(void)state;
	const char *main = put("main.kdx", "import \"nope/x\"\n");
	strbuf msgs = STRBUF_INIT;
	kdx_compilation c;
	assert_int_equal(compile(main, &msgs, &c), 1);
	assert_non_null(strstr(msgs.buf, "module 'nope/x' not found [add a directory with -I DIR or KDX_PATH]"));
	kdx_compilation_release(&c);
	strbuf_release(&msgs);
}

static void test_duplicates_and_unknowns(void **state)
{
	(void)state;
	const char *main = put("main.kdx",
		"import \"aws/route53\"\n"
		"region \"us-east-1\" { role = primary weight = 100% capacity = 100% }\n"
		"resource api : route53.weighted_recrod { zone = \"x.\" name = \"a.x.\" }\n"
		"step one {}\n"
		"step one {}\n"
		"step two after on {}\n");
	strbuf msgs = STRBUF_INIT;
	kdx_compilation c;
	assert_int_equal(compile(main, &msgs, &c), 3);
	assert_non_null(strstr(msgs.buf, "unknown type 'route53.weighted_recrod' "
					 "[did you mean 'route53.weighted_record'?]"));
	assert_non_null(strstr(msgs.buf, "duplicate step 'one' {first declared here}"));
	assert_non_null(strstr(msgs.buf, "unknown step 'on' [did you mean 'one'?]"));
	kdx_compilation_release(&c);
	strbuf_release(&msgs);
}

static void test_module_bodies(void **state)
{
	(void)state;
	const char *main = put("mod.kdx",
		"type t { class = databse  field id : strng }\n"
		"action a(x : t) {\n"
		"  effect { promte(x, \"r\") }\n"
		"  let y = lenght([x])\n"
		"  return z\n"
		"}\n");
	strbuf msgs = STRBUF_INIT;
	kdx_compilation c;
	/* the sixth: an action whose effect is not a read changes the world, and has no verify */
	assert_int_equal(compile(main, &msgs, &c), 6);
	assert_true(c.is_module);
	assert_non_null(strstr(msgs.buf, "action 'a' changes the world but has no `verify`"));
	assert_null(c.plan);
	assert_non_null(strstr(msgs.buf, "unknown class 'databse' [did you mean 'database'?]"));
	assert_non_null(strstr(msgs.buf, "unknown type 'strng' [did you mean 'string'?]"));
	assert_non_null(strstr(msgs.buf, "unknown effect 'promte' [did you mean 'promote'?]"));
	assert_non_null(strstr(msgs.buf, "unknown function 'lenght' [did you mean 'length'?]"));
	assert_non_null(strstr(msgs.buf, "unknown name 'z' [did you mean 'y'?]"));
	kdx_compilation_release(&c);
	strbuf_release(&msgs);
}

static void test_search_path_order(void **state)
{
	(void)state;
	char p1[128], p2[128], kp[300];
	snprintf(p1, sizeof(p1), "%s/p1", dir);
	snprintf(p2, sizeof(p2), "%s/p2", dir);
	assert_int_equal(mkdir(p1, 0700), 0);
	assert_int_equal(mkdir(p2, 0700), 0);
	put("p1/mx.kdx", "action from_p1() { effect { read() } }\n");
	put("p2/mx.kdx", "action from_p2() { effect { read() } }\n");
	const char *main = put("main.kdx", "import \"mx\"\nstep s { do mx.from_p1() }\n");
	snprintf(kp, sizeof(kp), "%s::%s", p1, p2);
	kdx_compile_opts o = { .path = main, .kdx_path = kp };
	kdx_compilation c;
	/* KDX_PATH in order (empty entries ignored): p1 wins */
	assert_int_equal(kdx_compile(&o, &c), 0);
	kdx_compilation_release(&c);
	/* -I comes before KDX_PATH: p2's module has no from_p1 */
	const char *inc[] = { p2 };
	o.include_dirs = inc;
	o.ninclude_dirs = 1;
	assert_int_equal(kdx_compile(&o, &c), -1);
	assert_string_equal(c.diags.items[0].msg, "unknown action 'mx.from_p1'");
	assert_string_equal(c.diags.items[0].hint, "did you mean 'mx.from_p2'?");
	kdx_compilation_release(&c);
}

static void test_stdlib_modules_compile(void **state)
{
	(void)state;
	const char *mods[] = { "stdlib/core.kdx", "stdlib/terraform.kdx", "stdlib/aws/route53.kdx",
			       "stdlib/aws/rds.kdx", "stdlib/aws/autoscaling.kdx", "stdlib/aws/sns.kdx",
			       "stdlib/aws/cloudwatch.kdx", "stdlib/aws/elasticache.kdx",
			       "stdlib/aws/eks.kdx", "stdlib/aws/globalaccelerator.kdx" };
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		kdx_compile_opts o = { .path = mods[i] };
		kdx_compilation c;
		int rc = kdx_compile(&o, &c);
		if (rc) {
			strbuf sb = STRBUF_INIT;
			kdx_diags_render(&sb, &c.diags, &c.sources, false);
			print_error("%s", sb.buf);
			strbuf_release(&sb);
		}
		assert_int_equal(rc, 0);
		assert_true(c.is_module);
		kdx_compilation_release(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_once_and_alias, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_action_index, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_import_cycle, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_missing_module, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_duplicates_and_unknowns, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_module_bodies, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_search_path_order, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_qualified_names_shared, make_dir, remove_dir),
		cmocka_unit_test(test_stdlib_modules_compile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
