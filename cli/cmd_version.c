/* kdx version */
#include "cli.h"
#include "version.h"

#include <stdio.h>

int cmd_version(int argc, char **argv)
{
	bool json = false;
	kdx_flag flags[] = { { "json", KDX_FLAG_BOOL, &json }, { 0 } };
	kdx_strlist pos = { 0 };
	int r = kdx_parse_flags(kdx_command_find("version"), argc, argv, flags, &pos);
	size_t npos = pos.n;
	kdx_strlist_release(&pos);
	if (r)
		return r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	if (npos)
		return kdx_usage_error(kdx_command_find("version"), "'version' takes no arguments");
	if (json)
		printf("{\"version\":\"%s\"}\n", KDX_VERSION);
	else
		printf("kdx %s\n", KDX_VERSION);
	return KDX_EXIT_OK;
}
