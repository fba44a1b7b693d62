/* kdx help: the command list, one command's usage, or a topic. */
#include "cli.h"
#include "manpage.h"
#include "moddoc.h"

#include <stdio.h>
#include <string.h>

static const char exit_codes[] =
	"kdx exit codes (0 to 2 as Terraform's):\n"
	"  0  success; for 'plan -detailed-exitcode': no changes pending; for 'rollback':\n"
	"     every change the run made, or may have made, is verified undone (rolled_back)\n"
	"  1  error: bad usage, an invalid or unsafe runbook, a failed apply (rolled_back:\n"
	"     nothing of it stays in place), a paused run\n"
	"  2  'plan -detailed-exitcode' only: the plan has changes to apply\n"
	"  3  'fmt -check' only: at least one file is not in canonical format\n"
	"  4  apply, resume, rollback: changes stay in place or in doubt (rollback_incomplete,\n"
	"     or a degraded run with a step in doubt); each is named with the command that\n"
	"     finishes it ('kdx rollback -journal FILE') or why only a person can\n"
	"  130, 143  apply, resume, rollback stopped by SIGINT (Ctrl-C) or SIGTERM (a cancelled\n"
	"     CI job): Terraform and other child processes were stopped first, the journal\n"
	"     holds what was done or started; 'kdx resume' or 'kdx rollback' goes on from it\n";

void kdx_print_overview(FILE *fp)
{
	fputs("Usage: kdx COMMAND [FLAGS] [ARGS]\n\n"
	      "kdx compiles failover runbooks (.kdx), proves them safe and runs them.\n\n"
	      "Commands:\n", fp);
	for (const kdx_command *c = kdx_commands; c->name; c++)
		if (!c->hidden)
			fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fputs("\nRun 'kdx help COMMAND' or 'kdx COMMAND -h' for a command's flags;\n"
	      "'kdx help exit-codes' for what the exit status means.\n", fp);
}

typedef struct help_args {
	bool man;
} help_args;

static const kdx_flag flags[] = {
	KDX_FLAG(help_args, man, "man", KDX_FLAG_BOOL, NULL, "print the man page (roff) of kdx, or of COMMAND"),
	{ 0 },
};
const kdx_options cmd_help_opts = { flags, sizeof(help_args), NULL };

/* kdx help -man [COMMAND]: the roff page (what `make install` puts under man1/). */
static int man(const kdx_command *help, const kdx_strlist *pos)
{
	const kdx_command *c = NULL;
	if (pos->n > 1 || (pos->n == 1 && !(c = kdx_command_find(pos->items[0]))))
		return kdx_usage_error(help, "no man page for '%s': not a command",
				       pos->items[pos->n - 1]);
	strbuf out = STRBUF_INIT;
	kdx_man_page(&out, c);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	return KDX_EXIT_OK;
}

/* kdx help aws call == kdx aws call -h */
static int sub_help(const kdx_command *help, const kdx_strlist *pos)
{
	const kdx_command *c = kdx_command_find(pos->items[0]);
	if (!c)
		return kdx_usage_error(help, "no help for '%s': not a command", pos->items[0]);
	char *sub[16];
	int n = 0;
	for (size_t i = 0; i < pos->n && n < 14; i++)
		sub[n++] = (char *)pos->items[i];
	sub[n++] = "-h";
	sub[n] = NULL;
	return kdx_command_run(c, n, sub);
}

static int topic_help(const kdx_command *help, const char *topic);

int cmd_help(const kdx_command *help, void *opts, kdx_strlist *pos)
{
	const help_args *a = opts;
	if (a->man)
		return man(help, pos);
	if (pos->n > 1)
		return sub_help(help, pos);
	if (pos->n)
		return topic_help(help, pos->items[0]);
	kdx_print_overview(stdout);
	return KDX_EXIT_OK;
}

/* COMMAND, exit-codes, or a standard library module */
static int topic_help(const kdx_command *help, const char *topic)
{
	if (!strcmp(topic, "exit-codes")) {
		fputs(exit_codes, stdout);
		return KDX_EXIT_OK;
	}
	const kdx_command *c = kdx_command_find(topic);
	if (c) {
		kdx_command_usage(c, stdout);
		return KDX_EXIT_OK;
	}
	/* kdx help aws/route53: what a standard library module offers */
	strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int rc = kdx_module_help(topic, &out, &err);
	if (rc == 0)
		fputs(out.buf, stdout);
	else
		kdx_usage_error(help, "no help for '%s': not a command, and %s", topic, err.buf);
	strbuf_release(&out);
	strbuf_release(&err);
	return rc == 0 ? KDX_EXIT_OK : KDX_EXIT_ERROR;
}
