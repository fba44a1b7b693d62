/* main: dispatch argv[1] to its subcommand. The only place kdx exits, but for the signal
 * thread of a run (cli/interrupt.c), which must not wait for the threads it stops. */
#include "cli.h"
#include "interrupt.h"

#include <stdio.h>
#include <string.h>

void kdx_print_overview(FILE *fp);

int main(int argc, char **argv)
{
	if (argc < 2) {
		kdx_print_overview(stderr);
		return KDX_EXIT_ERROR;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "-help") || !strcmp(name, "--help")) {
		kdx_print_overview(stdout);
		return KDX_EXIT_OK;
	}
	if (!strcmp(name, "-v") || !strcmp(name, "-version") || !strcmp(name, "--version"))
		name = "version";
	const kdx_command *c = kdx_command_find(name);
	if (!c) {
		fprintf(stderr, "kdx: error: unknown command '%s'\n"
				"Run 'kdx help' for the list of commands.\n", name);
		return KDX_EXIT_ERROR;
	}
	if ((c->needs & KDX_NEED_SIGNALS) && kdx_interrupt_install() < 0)
		fprintf(stderr, "kdx: warning: cannot start the signal thread: a signal will stop "
				"kdx at once, without stopping Terraform first\n");
	return kdx_command_run(c, argc - 1, argv + 1);
}
