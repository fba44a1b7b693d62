/* commands: the table of every kdx subcommand. Keep it sorted by name;
 * each handler lives in its own cli/cmd_<name>.c. */
#include "cli.h"

#include <string.h>

int cmd_help(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_version(int argc, char **argv);

const kdx_command kdx_commands[] = {
	{ .name = "help", .summary = "Show help for kdx or one of its commands",
	  .usage = "Usage: kdx help [COMMAND | exit-codes]\n", .run = cmd_help },
	{ .name = "unlock", .summary = "Remove the lock of a run that died",
	  .usage = "Usage: kdx unlock [-env NAME] [-state-dir DIR] [-force] RUNBOOK.kdx | LOCKFILE\n\n"
		   "  Shows who holds the lock of the runbook and asks for 'yes' before removing it.\n"
		   "  A lock whose holder is still running is kept unless -force is given.\n\n"
		   "  -env=NAME        the environment of the locked run (needed if it has several)\n"
		   "  -state-dir=DIR   where the lock lives (default: .kdx next to the runbook)\n"
		   "  -force           do not ask, and remove even a lock whose holder looks alive\n",
	  .run = cmd_unlock },
	{ .name = "version", .summary = "Print the kdx version",
	  .usage = "Usage: kdx version [-json]\n\n  -json   print as JSON\n", .run = cmd_version },
	{ 0 },
};

const kdx_command *kdx_command_find(const char *name)
{
	for (const kdx_command *c = kdx_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
