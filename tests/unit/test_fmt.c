/* Unit tests for the formatter (compiler/fmt.c): canonical output, idempotency on every
 * .kdx file in the repository, comments kept, files with syntax errors refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/arena.h"
#include "common/intern.h"
#include "common/strbuf.h"
#include "compiler/diag.h"
#include "compiler/fmt.h"
#include "grammar/parse.h"

/* Format text; returns the rc and leaves the output in out. */
static int fmt_text(const char *text, size_t len, strbuf *out)
{
	kdx_sources src;
	kdx_diags diags;
	kdx_sources_init(&src);
	kdx_diags_init(&diags);
	uint32_t f = kdx_sources_add(&src, "t.kdx", text, len);
	int rc = kdx_fmt_source(out, &src, f, &diags);
	kdx_diags_release(&diags);
	kdx_sources_release(&src);
	return rc;
}

static void check_fmt(const char *in, const char *want)
{
	strbuf out = STRBUF_INIT;
	assert_int_equal(fmt_text(in, strlen(in), &out), 0);
	assert_string_equal(out.buf, want);
	/* and the canonical form is a fixed point */
	strbuf again = STRBUF_INIT;
	assert_int_equal(fmt_text(out.buf, out.len, &again), 0);
	assert_string_equal(again.buf, want);
	strbuf_release(&out);
	strbuf_release(&again);
}

static void test_spacing(void **state)
{
	(void)state;
	check_fmt("output   o=a+b*c", "output o = a + b * c\n");
	check_fmt("output o=f( x,y=1 ,)", "output o = f(x, y = 1)\n");
	check_fmt("output o=[1,2,]", "output o = [1, 2]\n");
	check_fmt("output o={a=1,\"b\"=2 (k)=3}", "output o = { a = 1, \"b\" = 2, (k) = 3 }\n");
	check_fmt("output o={}", "output o = {}\n");
	check_fmt("output o=!a&&-b", "output o = !a && -b\n");
	check_fmt("output o=[for x in xs:x if x!=1]", "output o = [for x in xs : x if x != 1]\n");
	check_fmt("output o={for k,v in m:k=>v}", "output o = { for k, v in m : k => v }\n");
	check_fmt("output o=c?a:b", "output o = c ? a : b\n");
	check_fmt("output o=a.b[c].d(e)", "output o = a.b[c].d(e)\n");
}

static void test_parentheses(void **state)
{
	(void)state;
	check_fmt("output o=(a+b)*c", "output o = (a + b) * c\n");
	check_fmt("output o=a+(b*c)", "output o = a + b * c\n");
	check_fmt("output o=a-(b-c)", "output o = a - (b - c)\n");
	check_fmt("output o=(a-b)-c", "output o = a - b - c\n");
	check_fmt("output o=(a<b)==c", "output o = a < b == c\n");
	check_fmt("output o=(a==b)==c", "output o = (a == b) == c\n");
	check_fmt("output o=-(a+b)", "output o = -(a + b)\n");
	check_fmt("output o=(c?a:b).x", "output o = (c ? a : b).x\n");
	check_fmt("output o=(a?b:c)?d:e", "output o = (a ? b : c) ? d : e\n");
}

static void test_strings_reescaped(void **state)
{
	(void)state;
	check_fmt("output o=\"a\\tb\\\"c\\\\d\\$e $${f} ${ g }\"",
		  "output o = \"a\\tb\\\"c\\\\d$e $${f} ${g}\"\n");
	check_fmt("output o=\"\\u0001\"", "output o = \"\\u0001\"\n");
}

static void test_blocks_and_alignment(void **state)
{
	(void)state;
	check_fmt("runbook \"r\"{a=1\nlonger=2\n\nb=3}\n",
		  "runbook \"r\" {\n  a      = 1\n  longer = 2\n\n  b = 3\n}\n");
	/* one-line blocks stay on one line */
	check_fmt("region \"r\"{role=primary weight=70%}",
		  "region \"r\" { role = primary  weight = 70% }\n");
	check_fmt("objectives{}", "objectives {}\n");
	/* runs of one-line params align their ':' */
	check_fmt("param a:string\nparam long:number=1\n\nparam c:bool\n",
		  "param a    : string\nparam long : number = 1\n\nparam c : bool\n");
	/* a blank line between different kinds of declaration */
	check_fmt("import \"a\"\nimport \"b\"\noutput o=1\n",
		  "import \"a\"\nimport \"b\"\n\noutput o = 1\n");
	check_fmt("step a after b,c{do x()\n\n\n\ntimeout 5m}",
		  "step a after b, c {\n  do x()\n\n  timeout 5m\n}\n");
}

static void test_comments_kept(void **state)
{
	(void)state;
	check_fmt("# top\n\nstep a { # after brace\n  # before do\n  do x() // trailing\n  /* before close */\n}\n# end\n",
		  "# top\n\nstep a { # after brace\n  # before do\n  do x() // trailing\n  /* before close */\n}\n# end\n");
	/* a comment inside a one-line expression moves to its own line, and stays there */
	check_fmt("output o = f(a /* why */, b)\noutput p = 1\n",
		  "output o = f(a, b)\n/* why */\noutput p = 1\n");
	check_fmt("output o = {\n  a = 1 # one\n  # two\n  bb = 2\n}\n",
		  "output o = {\n  a = 1 # one\n  # two\n  bb = 2\n}\n");
}

static void test_refuses_syntax_errors(void **state)
{
	(void)state;
	strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, "untouched");
	assert_int_equal(fmt_text("step a { do x( }", 16, &out), -1);
	assert_string_equal(out.buf, "untouched");
	strbuf_release(&out);
}

/* Every comment of the input appears, verbatim, in the output. */
static void check_comments(const char *text, size_t len, const char *out)
{
	kdx_arena arena;
	kdx_intern intern;
	kdx_sources src;
	kdx_diags diags;
	kdx_arena_init(&arena);
	kdx_intern_init(&intern, &arena);
	kdx_sources_init(&src);
	kdx_diags_init(&diags);
	kdx_ast_file *ast;
	kdx_parse_string(&arena, &intern, &src, "c.kdx", text, len, &diags, &ast);
	for (size_t i = 0; i < ast->ncomments; i++) {
		kdx_span s = ast->comments[i].span;
		char *c = strndup(text + s.start, s.end - s.start);
		while (*c && strlen(c) && (c[strlen(c) - 1] == ' ' || c[strlen(c) - 1] == '\r'))
			c[strlen(c) - 1] = '\0';
		if (!strstr(out, c))
			fail_msg("comment '%s' lost", c);
		free(c);
	}
	kdx_diags_release(&diags);
	kdx_sources_release(&src);
	kdx_intern_release(&intern);
	kdx_arena_release(&arena);
}

static int nfiles;

static void check_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return;
	strbuf in = STRBUF_INIT, once = STRBUF_INIT, twice = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&in, buf, n);
	fclose(fp);
	if (fmt_text(in.buf, in.len, &once) == 0) {
		nfiles++;
		assert_int_equal(fmt_text(once.buf, once.len, &twice), 0);
		if (strcmp(once.buf, twice.buf))
			fail_msg("fmt is not idempotent on %s", path);
		check_comments(in.buf, in.len, once.buf);
	}
	strbuf_release(&in);
	strbuf_release(&once);
	strbuf_release(&twice);
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		size_t len = strlen(de->d_name);
		if (S_ISDIR(st.st_mode))
			walk(path);
		else if (len > 4 && !strcmp(de->d_name + len - 4, ".kdx"))
			check_file(path);
	}
	closedir(d);
}

static void test_idempotent_on_repository(void **state)
{
	(void)state;
	walk("tests");
	walk("plans");
	walk("examples");
	walk("stdlib");
	walk("docs");
	/* the golden and fuzz seed files alone are more than this */
	assert_true(nfiles >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spacing),
		cmocka_unit_test(test_parentheses),
		cmocka_unit_test(test_strings_reescaped),
		cmocka_unit_test(test_blocks_and_alignment),
		cmocka_unit_test(test_comments_kept),
		cmocka_unit_test(test_refuses_syntax_errors),
		cmocka_unit_test(test_idempotent_on_repository),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
