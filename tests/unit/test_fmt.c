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
#include "../../common/diag.h"
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
	/* literals keep their parentheses before '.', '[' and '(' */
	check_fmt("output o=(1).x+(5m)[0]+(true)(y)+(\"s\")[0]+([1])[0]+(f)(x)",
		  "output o = (1).x + (5m)[0] + (true)(y) + \"s\"[0] + [1][0] + f(x)\n");
}

static void test_strings_reescaped(void **state)
{
	(void)state;
	check_fmt("output o=\"a\\tb\\\"c\\\\d\\$e $${f} ${ g }\"",
		  "output o = \"a\\tb\\\"c\\\\d$e $${f} ${g}\"\n");
	check_fmt("output o=\"\\u0001\"", "output o = \"\\u0001\"\n");
	/* a literal '$' right before an interpolation stays escaped */
	check_fmt("output o=\"\\$${x} $$${y}\"", "output o = \"\\$${x} $$${y}\"\n");
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
	check_fmt("step a { approval; when c }", "step a {\n  approval\n  when c\n}\n");
	check_fmt("step a { approval; when = 1 }", "step a {\n  approval\n  when = 1\n}\n");
	/* an attribute named like a clause's optional tail keeps its ';' */
	check_fmt("step a { retry 3; backoff = 1 }", "step a { retry 3;  backoff = 1 }\n");
	check_fmt("step a {\nretry 3;\nbackoff = 1\n}", "step a {\n  retry 3;\n  backoff = 1\n}\n");
	check_fmt("action f() { call aws \"s\" \"O\" {}; as = 1 }",
		  "action f() { call aws \"s\" \"O\" {};  as = 1 }\n");
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


/* ---- random programs: every one must parse, format, parse again, and format the same ---- */

static unsigned rng_state = 2463534242u;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state % n;
}

/* Space between tokens: nothing, a space, or (where a newline is allowed) a newline. */
static void gap(strbuf *sb, bool nl)
{
	switch (rnd(6)) {
	case 0: break;
	case 1: if (nl) { strbuf_addch(sb, '\n'); break; } /* fall through */
	default: strbuf_addch(sb, ' ');
	}
}

static const char *const names[] = { "a", "target", "region", "objectives", "x_1", "each" };
static const char *const keys[] = { "k", "do", "timeout", "step", "Action", "when" };

static void gen_expr(strbuf *sb, int depth, bool nl);

static void gen_operand(strbuf *sb, int depth, bool nl)
{
	strbuf_addch(sb, '(');
	gen_expr(sb, depth, nl);
	strbuf_addch(sb, ')');
}

static void gen_string(strbuf *sb, int depth)
{
	static const char *const bits[] = { "txt", " ", "\\n", "\\\"", "\\\\", "\\$", "$$", "$",
					    "$${", "}", "\\u00e9", "-" };
	strbuf_addch(sb, '"');
	int n = (int)rnd(4);
	for (int i = 0; i < n; i++) {
		if (depth > 0 && rnd(3) == 0) {
			/* "$" + "${" would read as the literal "$${" */
			if (sb->buf[sb->len - 1] == '$')
				strbuf_addch(sb, '-');
			strbuf_addstr(sb, "${");
			gap(sb, false);
			gen_expr(sb, depth - 1, false);
			gap(sb, false);
			strbuf_addch(sb, '}');
		} else {
			strbuf_addstr(sb, bits[rnd(sizeof(bits) / sizeof(bits[0]))]);
		}
	}
	strbuf_addch(sb, '"');
}

static void gen_expr(strbuf *sb, int depth, bool nl)
{
	static const char *const ops[] = { "+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==",
					   "!=", "&&", "||" };
	unsigned pick = depth <= 0 ? rnd(6) : rnd(17);
	switch (pick) {
	case 0: strbuf_addstr(sb, (const char *[]){ "1", "2.5", "1e3", "0" }[rnd(4)]); break;
	case 1: strbuf_addstr(sb, (const char *[]){ "5m", "1h30m", "250ms", "0s" }[rnd(4)]); break;
	case 2: strbuf_addstr(sb, (const char *[]){ "70%", "99.99%", "0%" }[rnd(3)]); break;
	case 3: strbuf_addstr(sb, (const char *[]){ "true", "false", "null" }[rnd(3)]); break;
	case 4: strbuf_addstr(sb, names[rnd(6)]); break;
	case 5: gen_string(sb, depth); break;
	case 6: /* a.b */
		gen_operand(sb, 0, nl);
		strbuf_addf(sb, ".%s", keys[rnd(6)]);
		break;
	case 7: /* name[index] */
		strbuf_addstr(sb, names[rnd(6)]);
		strbuf_addch(sb, '[');
		gen_expr(sb, depth - 1, nl);
		strbuf_addch(sb, ']');
		break;
	case 8: { /* call */
		strbuf_addf(sb, "%s.%s(", names[rnd(6)], keys[rnd(6)]);
		int n = (int)rnd(4);
		for (int i = 0; i < n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			gap(sb, nl);
			if (rnd(3) == 0)
				strbuf_addf(sb, "%s = ", keys[rnd(6)]);
			gen_expr(sb, depth - 1, nl);
		}
		strbuf_addch(sb, ')');
		break;
	}
	case 9: { /* list */
		strbuf_addch(sb, '[');
		int n = (int)rnd(4);
		for (int i = 0; i < n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			gap(sb, nl);
			gen_expr(sb, depth - 1, nl);
		}
		gap(sb, nl);
		strbuf_addch(sb, ']');
		break;
	}
	case 10: { /* map with every kind of key, entries juxtaposed or comma-separated */
		strbuf_addch(sb, '{');
		int n = (int)rnd(4);
		for (int i = 0; i < n; i++) {
			gap(sb, nl);
			switch (rnd(3)) {
			case 0: strbuf_addstr(sb, keys[rnd(6)]); break;
			case 1: gen_string(sb, 0); break;
			default: strbuf_addch(sb, '('); gen_expr(sb, depth - 1, nl); strbuf_addch(sb, ')');
			}
			strbuf_addstr(sb, " = ");
			gen_expr(sb, depth - 1, nl);
			strbuf_addstr(sb, rnd(2) ? "," : " ");
		}
		gap(sb, nl);
		strbuf_addch(sb, '}');
		break;
	}
	case 11:
		strbuf_addstr(sb, "[for x, y in ");
		gen_operand(sb, depth - 1, nl);
		strbuf_addstr(sb, " : ");
		gen_expr(sb, depth - 1, nl);
		if (rnd(2)) {
			strbuf_addstr(sb, " if ");
			gen_operand(sb, depth - 1, nl);
		}
		strbuf_addch(sb, ']');
		break;
	case 12:
		strbuf_addstr(sb, "{for k in ");
		gen_operand(sb, depth - 1, nl);
		strbuf_addstr(sb, " : ");
		gen_operand(sb, depth - 1, nl);
		strbuf_addstr(sb, " => ");
		gen_expr(sb, depth - 1, nl);
		strbuf_addch(sb, '}');
		break;
	case 13:
		gen_operand(sb, depth - 1, nl);
		strbuf_addstr(sb, " ? ");
		gen_operand(sb, depth - 1, nl);
		strbuf_addstr(sb, " : ");
		gen_operand(sb, depth - 1, nl);
		break;
	case 14:
		strbuf_addstr(sb, rnd(2) ? "!" : "-");
		gen_operand(sb, depth - 1, nl);
		break;
	case 15: /* literal as the object of a postfix */
		strbuf_addch(sb, '(');
		strbuf_addstr(sb, (const char *[]){ "1", "5m", "true", "null", "7%" }[rnd(5)]);
		strbuf_addstr(sb, (const char *[]){ ").x", ")[0]", ")(a)" }[rnd(3)]);
		break;
	default:
		gen_operand(sb, depth - 1, nl);
		strbuf_addf(sb, " %s ", ops[rnd(sizeof(ops) / sizeof(ops[0]))]);
		gen_operand(sb, depth - 1, nl);
	}
}

static void gen_step(strbuf *sb, int i)
{
	/* clauses that may appear once share a group number */
	static const struct { int group; const char *text; } clauses[] = {
		{ 0, "do f(E)" }, { 1, "undo none" }, { 1, "undo g(E)" }, { 2, "require E" },
		{ 3, "wait E" }, { 4, "wait until E within E" }, { 5, "wait until E within E every E" },
		{ 6, "timeout E" }, { 7, "retry E" }, { 7, "retry E backoff E" }, { 8, "approval" },
		{ 8, "approval when E" }, { 9, "irreversible" }, { 10, "when E" },
		{ 11, "on_failure pause" }, { 12, "after s0, s1" }, { 13, "description = E" },
		{ 14, "backoff = E" }, { 15, "every = E" }, { 16, "when = E" },
	};
	bool used[17] = { false };
	strbuf_addf(sb, "step s%d {", i);
	int n = (int)rnd(5);
	bool line_comment = false;
	for (int j = 0; j < n; j++) {
		unsigned k = rnd(sizeof(clauses) / sizeof(clauses[0]));
		if (used[clauses[k].group])
			continue;
		used[clauses[k].group] = true;
		strbuf_addstr(sb, rnd(3) || line_comment ? "\n  " : (rnd(2) ? "; " : " "));
		line_comment = false;
		const char *c = clauses[k].text;
		for (; *c; c++) {
			if (*c == 'E')
				gen_expr(sb, 2, true);
			else
				strbuf_addch(sb, *c);
		}
		/* `retry 3` then `backoff = 1` needs the ';' (the language says so) */
		c = clauses[k].text;
		if (!strcmp(c, "retry E") || !strcmp(c, "wait until E within E") || !strcmp(c, "approval"))
			strbuf_addch(sb, ';');
		if (rnd(5) == 0) {
			strbuf_addstr(sb, " # note");
			line_comment = true;
		}
	}
	strbuf_addstr(sb, rnd(2) || line_comment ? "\n}\n" : " }\n");
}

static void dump(const char *path, const strbuf *sb)
{
	FILE *fp = fopen(path, "w");
	if (fp) {
		fwrite(sb->buf, 1, sb->len, fp);
		fclose(fp);
	}
}

static void test_random_programs_round_trip(void **state)
{
	(void)state;
	/* KDX_FMT_ROUNDS raises the count for a longer hunt, KDX_FMT_SEED changes the programs */
	const char *env = getenv("KDX_FMT_ROUNDS");
	int rounds = env ? atoi(env) : 400;
	if ((env = getenv("KDX_FMT_SEED")) && atoi(env))
		rng_state = (unsigned)atoi(env);
	for (int round = 0; round < rounds; round++) {
		strbuf src = STRBUF_INIT, once = STRBUF_INIT, twice = STRBUF_INIT;
		int n = 1 + (int)rnd(4);
		for (int i = 0; i < n; i++) {
			if (rnd(2)) {
				strbuf_addf(&src, "output o%d = ", i);
				gen_expr(&src, 4, true);
				strbuf_addch(&src, '\n');
			} else {
				gen_step(&src, i);
			}
			if (rnd(4) == 0)
				strbuf_addstr(&src, "/* c */\n");
		}
		if (fmt_text(src.buf, src.len, &once) != 0) {
			dump("build/fmt-fail-src.kdx", &src);
			fail_msg("generated program does not parse: see build/fmt-fail-src.kdx");
		}
		if (fmt_text(once.buf, once.len, &twice) != 0) {
			dump("build/fmt-fail-src.kdx", &src);
			dump("build/fmt-fail-once.kdx", &once);
			fail_msg("formatted program does not parse: see build/fmt-fail-{src,once}.kdx");
		}
		if (strcmp(once.buf, twice.buf)) {
			dump("build/fmt-fail-src.kdx", &src);
			dump("build/fmt-fail-once.kdx", &once);
			dump("build/fmt-fail-twice.kdx", &twice);
			fail_msg("fmt not idempotent: see build/fmt-fail-{src,once,twice}.kdx");
		}
		strbuf_release(&src);
		strbuf_release(&once);
		strbuf_release(&twice);
	}
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
		cmocka_unit_test(test_random_programs_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
