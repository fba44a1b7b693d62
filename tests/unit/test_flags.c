/* Unit tests for cli/flags.c: flags parsed into an options struct by offset (groups
 * included at theirs), the help printed from the same table, and, for every command in
 * kdx_commands, that what it parses and what its help says are the same flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int run_nothing(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	(void)cmd;
	(void)opts;
	(void)pos;
	return 0;
}

typedef struct inner_opts {
	kdx_strlist vars;
	const char *url;
} inner_opts;

typedef struct demo_opts {
	bool json, dry;
	const char *format;
	long n;
	inner_opts in;
} demo_opts;

static const kdx_flag inner_flags[] = {
	KDX_FLAG(inner_opts, vars, "var", KDX_FLAG_MULTI, "NAME=VALUE", "set a param (repeatable)"),
	KDX_FLAG(inner_opts, url, "url", KDX_FLAG_STRING, "URL", "where"),
	{ 0 },
};
static const kdx_flag_group inner_group = { .title = "Shared", .col = 18, .flags = inner_flags };

static const kdx_flag dry_flags[] = {
	KDX_FLAG(demo_opts, dry, "dry-run", KDX_FLAG_BOOL, NULL, "send nothing"),
	{ 0 },
};
static const kdx_flag_group dry_group = { .flags = dry_flags };

static const kdx_flag demo_flags[] = {
	KDX_FLAG(demo_opts, json, "json", KDX_FLAG_BOOL, NULL, "as JSON"),
	KDX_FLAG(demo_opts, format, "format", KDX_FLAG_STRING, "F", "text (default) or\njson"),
	KDX_FLAG_INCLUDE(demo_opts, in, inner_group),
	{ NULL, KDX_FLAG_GROUP, 0, NULL, NULL, &dry_group },
	KDX_FLAG(demo_opts, n, "a-very-long-flag", KDX_FLAG_INT, "N", "too long for the column"),
	{ 0 },
};

static const demo_opts demo_defaults = { .n = 7 };
static const kdx_options demo_options = { demo_flags, sizeof(demo_opts), &demo_defaults };

static const kdx_command demo = {
	.name = "demo", .summary = "A demo",
	.usage = "Usage: kdx demo [-json] FILE\n\n  Prose.\n\n",
	.opts = &demo_options, .flag_col = 14,
	.notes = "\nNotes after the flags.\n",
	.run = run_nothing,
};

static int parse(const kdx_command *cmd, demo_opts *o, kdx_strlist *pos, int argc, ...)
{
	char *argv[32] = { "demo" };
	va_list ap;
	va_start(ap, argc);
	for (int i = 1; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return kdx_parse_flags(cmd, argc, argv, o, pos);
}

static void test_parse_into_opts(void **state)
{
	(void)state;
	demo_opts o = { 0 };
	kdx_strlist pos = { 0 };
	assert_int_equal(parse(&demo, &o, &pos, 13, "-json", "a", "-format=md", "-var", "x=1",
			       "--var", "y=2", "-dry-run", "-url", "http://h", "--", "-b"),
			 0);
	assert_true(o.json);
	assert_true(o.dry);
	assert_string_equal(o.format, "md");
	assert_int_equal(o.in.vars.n, 2);
	assert_string_equal(o.in.vars.items[0], "x=1");
	assert_string_equal(o.in.vars.items[1], "y=2");
	assert_string_equal(o.in.url, "http://h");
	assert_int_equal(pos.n, 2);
	assert_string_equal(pos.items[0], "a");
	assert_string_equal(pos.items[1], "-b");
	kdx_strlist_release(&pos);
	kdx_strlist_release(&o.in.vars);

	memset(&o, 0, sizeof(o));
	assert_int_equal(parse(&demo, &o, &pos, 3, "-a-very-long-flag", "12"), 0);
	assert_int_equal(o.n, 12);
	assert_int_equal(parse(&demo, &o, &pos, 2, "-json=false"), 0);
	assert_false(o.json);
	kdx_strlist_release(&pos);
}

static void test_parse_errors(void **state)
{
	(void)state;
	demo_opts o = { 0 };
	kdx_strlist pos = { 0 };
	assert_int_equal(parse(&demo, &o, &pos, 2, "-nope"), -1);
	assert_int_equal(parse(&demo, &o, &pos, 2, "-format"), -1);  /* needs a value */
	assert_int_equal(parse(&demo, &o, &pos, 2, "-a-very-long-flag=x"), -1);
	assert_int_equal(parse(&demo, &o, &pos, 2, "-json=maybe"), -1);
	kdx_strlist_release(&pos);
}

static void test_stop_at_arg(void **state)
{
	(void)state;
	kdx_command d = demo;
	d.stop_at_arg = true;
	demo_opts o = { 0 };
	kdx_strlist pos = { 0 };
	/* after the first argument everything is the subcommand's, flags included */
	assert_int_equal(parse(&d, &o, &pos, 5, "-json", "sub", "-nope", "x"), 0);
	assert_true(o.json);
	assert_int_equal(pos.n, 3);
	assert_string_equal(pos.items[1], "-nope");
	kdx_strlist_release(&pos);
}

/* kdx_command_run: the options start at the defaults, .run sees them parsed */
static int runs;

static int run_check(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	const demo_opts *o = opts;
	runs++;
	assert_int_equal(o->n, 7); /* the default */
	assert_true(o->json);
	assert_int_equal(o->in.vars.n, 1);
	assert_int_equal(pos->n, 1);
	assert_string_equal(pos->items[0], "f");
	return 5;
}

static int run_words(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	runs++;
	assert_int_equal(pos->n, 2);
	assert_string_equal(pos->items[0], "-json");
	assert_string_equal(pos->items[1], "-nope");
	return 0;
}

static void test_command_run(void **state)
{
	(void)state;
	kdx_command d = demo;
	d.run = run_check;
	runs = 0;
	char *ok[] = { "demo", "-json", "f", "-var", "a=1", NULL };
	assert_int_equal(kdx_command_run(&d, 5, ok), 5);
	assert_int_equal(runs, 1);
	char *bad[] = { "demo", "-nope", NULL };
	assert_int_equal(kdx_command_run(&d, 2, bad), KDX_EXIT_ERROR);
	char *help[] = { "demo", "-h", NULL };
	assert_int_equal(kdx_command_run(&d, 2, help), KDX_EXIT_OK);
	assert_int_equal(runs, 1); /* neither ran */
	d.no_args = true;
	assert_int_equal(kdx_command_run(&d, 5, ok), KDX_EXIT_ERROR);
	assert_int_equal(runs, 1);
	d.no_args = false;
	d.no_flags = true;
	d.run = run_words;
	char *words[] = { "demo", "-json", "-nope", NULL };
	assert_int_equal(kdx_command_run(&d, 3, words), 0);
	assert_int_equal(runs, 2);
}

/* noinline: gcc 12 takes the stream's pointer to buf for a dangling one once inlined */
__attribute__((noinline)) static char *usage_of(const kdx_command *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	kdx_command_usage(cmd, fp);
	fclose(fp);
	return buf;
}

static void test_usage_text(void **state)
{
	(void)state;
	char *u = usage_of(&demo);
	assert_string_equal(u, "Usage: kdx demo [-json] FILE\n\n  Prose.\n\n"
			       "  -json       as JSON\n"
			       "  -format F   text (default) or\n"
			       "              json\n"
			       "  -dry-run    send nothing\n"
			       "  -a-very-long-flag N  too long for the column\n"
			       "\nNotes after the flags.\n"
			       "\nShared:\n"
			       "  -var NAME=VALUE  set a param (repeatable)\n"
			       "  -url URL        where\n");
	free(u);
	assert_non_null(kdx_command_flag(&demo, "url"));
	assert_non_null(kdx_command_flag(&demo, "dry-run"));
	assert_null(kdx_command_flag(&demo, "nope"));
}

/* ---- every command: what it parses is what its help says ---- */

typedef struct collect {
	const char *names[64];
	size_t n;
	const char *cmd;
} collect;

static int collect_flag(void *ctx, const kdx_flag *f, const char *section, int col)
{
	(void)section;
	(void)col;
	collect *c = ctx;
	assert_non_null(f->name);
	if (!f->help || !*f->help || f->help[strlen(f->help) - 1] == '\n')
		fail_msg("kdx %s -%s: no help line", c->cmd, f->name);
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->names[i], f->name))
			fail_msg("kdx %s: flag -%s declared twice", c->cmd, f->name);
	assert_true(c->n < 64);
	c->names[c->n++] = f->name;
	return 0;
}

static bool has(const collect *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->names[i]) == len && !strncmp(c->names[i], name, len))
			return true;
	return false;
}

static size_t flag_name_len(const char *p)
{
	size_t n = 0;
	while (p[n] && (p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
			(p[n] >= '0' && p[n] <= '9')))
		n++;
	return n;
}

static void test_every_command(void **state)
{
	(void)state;
	for (const kdx_command *cmd = kdx_commands; cmd->name; cmd++) {
		collect c = { .cmd = cmd->name };
		kdx_command_each_flag(cmd, collect_flag, &c);
		char *u = usage_of(cmd);
		/* each flag line of the help is a flag the command parses, once ... */
		collect seen = { .cmd = cmd->name };
		for (const char *l = u; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			if (strncmp(l, "  -", 3) || !((l[3] >= 'a' && l[3] <= 'z') || (l[3] >= 'A' && l[3] <= 'Z')))
				continue;
			size_t len = flag_name_len(l + 3);
			if (!has(&c, l + 3, len))
				fail_msg("kdx help %s documents -%.*s, which it does not parse", cmd->name,
					 (int)len, l + 3);
			if (has(&seen, l + 3, len))
				fail_msg("kdx help %s documents -%.*s twice", cmd->name, (int)len, l + 3);
			seen.names[seen.n++] = l + 3;
		}
		/* ... and each flag it parses has its line */
		if (seen.n != c.n)
			fail_msg("kdx help %s documents %zu of its %zu flags", cmd->name, seen.n, c.n);
		/* the synopsis names only flags the command parses */
		size_t syn = strstr(u, "\n\n") ? (size_t)(strstr(u, "\n\n") - u) : 0;
		for (const char *p = u; p < u + syn; p++) {
			if (*p != '-' || p == u || !strchr(" [|", p[-1]) ||
			    !((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z')))
				continue;
			size_t len = flag_name_len(p + 1);
			if (!has(&c, p + 1, len))
				fail_msg("kdx %s: the synopsis names -%.*s, which it does not parse",
					 cmd->name, (int)len, p + 1);
		}
		free(u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_into_opts),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_stop_at_arg),
		cmocka_unit_test(test_command_run),
		cmocka_unit_test(test_usage_text),
		cmocka_unit_test(test_every_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
