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

/* kdx help -man [COMMAND]: the roff page (what `make install` puts under man1/). */
static int man(int argc, char **argv)
{
	const kdx_command *c = NULL;
	if (argc > 3 || (argc == 3 && !(c = kdx_command_find(argv[2])))) {
		return kdx_usage_error(kdx_command_find("help"), "no man page for '%s': not a command",
				       argv[argc - 1]);
	}
	strbuf out = STRBUF_INIT;
	kdx_man_page(&out, c);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	return KDX_EXIT_OK;
}

int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-man") || !strcmp(argv[1], "--man")))
		return man(argc, argv);
	if (argc < 2) {
		kdx_print_overview(stdout);
		return KDX_EXIT_OK;
	}
	if (argc > 2) {
		/* kdx help aws call == kdx aws call -h */
		const kdx_command *c = kdx_command_find(argv[1]);
		if (!c)
			return kdx_usage_error(kdx_command_find("help"), "no help for '%s': not a command",
					       argv[1]);
		char *sub[16];
		int n = 0;
		for (int i = 1; i < argc && n < 14; i++)
			sub[n++] = argv[i];
		sub[n++] = "-h";
		sub[n] = NULL;
		return c->run(n, sub);
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "-help") || !strcmp(argv[1], "--help")) {
		fputs(kdx_command_find("help")->usage, stdout);
		return KDX_EXIT_OK;
	}
	if (!strcmp(argv[1], "exit-codes")) {
		fputs(exit_codes, stdout);
		return KDX_EXIT_OK;
	}
	const kdx_command *c = kdx_command_find(argv[1]);
	if (c) {
		kdx_command_usage(c, stdout);
		return KDX_EXIT_OK;
	}
	/* kdx help aws/route53: what a standard library module offers */
	strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int rc = kdx_module_help(argv[1], &out, &err);
	if (rc == 0)
		fputs(out.buf, stdout);
	else
		kdx_usage_error(kdx_command_find("help"), "no help for '%s': not a command, and %s",
				argv[1], err.buf);
	strbuf_release(&out);
	strbuf_release(&err);
	return rc == 0 ? KDX_EXIT_OK : KDX_EXIT_ERROR;
}
