/* Unit tests for cli/'s output for other tools: a command's help read back as data (man
 * pages, completions), the JUnit writer's escaping and counts, and the Markdown plan's
 * code spans and fences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli/junit.h"
#include "cli/manpage.h"
#include "cli/plan_md.h"
#include "cli/usage.h"

static int run_nothing(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	(void)cmd;
	(void)opts;
	(void)pos;
	return 0;
}

typedef struct demo_opts {
	bool json;
	const char *format, *env;
	kdx_strlist vars;
} demo_opts;

static const kdx_flag demo_shared[] = {
	KDX_FLAG(demo_opts, vars, "var", KDX_FLAG_MULTI, "NAME=VALUE", "set a param"),
	{ 0 },
};
static const kdx_flag_group demo_group = { .title = "Shared", .col = 20, .flags = demo_shared };

static const kdx_flag demo_flags[] = {
	KDX_FLAG(demo_opts, json, "json", KDX_FLAG_BOOL, NULL, "as JSON"),
	KDX_FLAG(demo_opts, format, "format", KDX_FLAG_STRING, "F", "text (default) or\njson"),
	KDX_FLAG_INCLUDE(demo_opts, vars, demo_group),
	KDX_FLAG(demo_opts, env, "env", KDX_FLAG_STRING, "NAME", "the environment"),
	{ 0 },
};

static const kdx_command cmd = {
	.name = "demo", .summary = "A demo",
	.usage = "Usage: kdx demo [-json | -format text|json|sarif] FILE\n"
		 "                [-var NAME=VALUE]...\n\n"
		 "  Does a demo. It has two lines\n"
		 "  of prose.\n\n",
	.opts = &(const kdx_options){ demo_flags, sizeof(demo_opts), NULL },
	.flag_col = 20,
	.notes = "\n  .dot at the start of a prose line\n",
	.run = run_nothing,
};

static void test_usage_read(void **state)
{
	(void)state;
	kdx_usage u;
	kdx_usage_read(&cmd, &u);
	assert_string_equal(u.synopsis.buf, "kdx demo [-json | -format text|json|sarif] FILE\n"
					    "[-var NAME=VALUE]...\n");
	/* the table's flags, the titled group's last */
	assert_int_equal(u.nflags, 4);
	assert_string_equal(u.flags[0].name, "json");
	assert_string_equal(u.flags[0].arg, "");
	assert_string_equal(u.flags[1].name, "format");
	assert_string_equal(u.flags[1].arg, "F");
	assert_string_equal(u.flags[1].help.buf, "text (default) or json");
	assert_string_equal(u.flags[2].name, "env");
	assert_string_equal(u.flags[2].arg, "NAME");
	assert_string_equal(u.flags[3].name, "var");
	assert_string_equal(u.flags[3].arg, "NAME=VALUE");
	assert_non_null(strstr(u.description.buf, "Does a demo."));
	assert_non_null(strstr(u.description.buf, ".dot at the start"));
	strbuf ch = STRBUF_INIT;
	assert_int_equal(kdx_usage_choices(&u, "format", &ch), 0);
	assert_string_equal(ch.buf, "text|json|sarif");
	strbuf_reset(&ch);
	assert_int_equal(kdx_usage_choices(&u, "var", &ch), -1);
	assert_non_null(kdx_usage_flag_find(&u, "var"));
	assert_null(kdx_usage_flag_find(&u, "nope"));
	strbuf_release(&ch);
	kdx_usage_release(&u);
}

static void test_man_escapes(void **state)
{
	(void)state;
	strbuf out = STRBUF_INIT;
	kdx_man_page(&out, &cmd);
	assert_non_null(strstr(out.buf, ".TH KDX-DEMO 1"));
	assert_non_null(strstr(out.buf, "\\&.dot at the start")); /* not a roff request */
	assert_non_null(strstr(out.buf, ".B \\-format \\fIF\\fR"));
	assert_null(strstr(out.buf, "\n.dot"));
	strbuf_release(&out);
}

static void test_junit(void **state)
{
	(void)state;
	kdx_junit j;
	strbuf out = STRBUF_INIT;
	kdx_junit_init(&j);
	kdx_junit_suite(&j, "a <suite> & \"more\"");
	kdx_junit_property(&j, "k", "v'1");
	kdx_junit_case(&j, "c", "ok", 1.5, NULL, NULL);
	kdx_junit_case(&j, "c", "bad", 0, "it failed: x < y", "detail\x01with a control byte");
	kdx_junit_skip(&j, "c", "later", "not now");
	kdx_junit_finish(&j, &out);
	assert_non_null(strstr(out.buf, "name=\"a &lt;suite&gt; &amp; &quot;more&quot;\""));
	assert_non_null(strstr(out.buf, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.500\""));
	assert_non_null(strstr(out.buf, "value=\"v&apos;1\""));
	assert_non_null(strstr(out.buf, "message=\"it failed: x &lt; y\">detail?with a control byte</failure>"));
	assert_null(strchr(out.buf, '\x01'));
	strbuf_release(&out);
	kdx_junit_release(&j);
}

static void test_plan_md_fences(void **state)
{
	(void)state;
	json_object *doc = json_tokener_parse(
		"{\"name\":\"n`x\",\"rto_ms\":60000,\"critical_path_ms\":1000,"
		"\"steps\":[{\"name\":\"a\",\"action\":\"m.b\",\"reads_only\":false,\"approval\":true,"
		"\"change\":\"<b>x</b>\",\"before\":\"p | q\",\"worst_ms\":1000,"
		"\"requests\":\"GET /\\n```\\n````\\n\"}]}");
	assert_non_null(doc);
	strbuf out = STRBUF_INIT;
	kdx_plan_md(&out, doc);
	assert_non_null(strstr(out.buf, "`` n`x ``"));            /* a longer code span */
	assert_non_null(strstr(out.buf, "&lt;b&gt;x&lt;/b&gt;")); /* HTML in the summary */
	assert_non_null(strstr(out.buf, "`p   q`"));             /* no pipe in a cell */
	assert_non_null(strstr(out.buf, "`````http\nGET /\n```\n````\n`````\n"));
	assert_non_null(strstr(out.buf, "1 approval gate."));
	json_object_put(doc);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_read),
		cmocka_unit_test(test_man_escapes),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_plan_md_fences),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
