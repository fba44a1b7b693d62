/* commands: the table of every kdx subcommand. Keep it sorted by name;
 * each handler lives in its own cli/cmd_<name>.c. */
#include "cli.h"

#include <string.h>

int cmd_aws(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);

const kdx_command kdx_commands[] = {
	{ .name = "aws", .summary = "Talk to AWS directly: sign a request (kdx aws sign)",
	  .usage = "Usage: kdx aws SUBCOMMAND [FLAGS]\n\n  sign   show SigV4 signing of a raw HTTP request\n"
		   "  call   send one model-checked request (kdx aws call SERVICE OPERATION ...)\n", .run = cmd_aws },
	{ .name = "help", .summary = "Show help for kdx or one of its commands",
	  .usage = "Usage: kdx help [COMMAND | exit-codes]\n", .run = cmd_help },
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
