/* kdx version */
#include "cli.h"
#include "version.h"
#include "../common/json.h"

#include <stdio.h>

int cmd_version(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("version");
	bool json = false;
	kdx_flag flags[] = { { "json", KDX_FLAG_BOOL, &json }, { 0 } };
	kdx_strlist pos = { 0 };
	int rc;
	bool stop = kdx_parse_args(cmd, argc, argv, flags, &pos, &rc);
	size_t npos = pos.n;
	kdx_strlist_release(&pos);
	if (stop)
		return rc;
	if (npos)
		return kdx_usage_error(cmd, "'version' takes no arguments");
	if (!json) {
		printf("kdx %s\n", KDX_VERSION);
		return KDX_EXIT_OK;
	}
	strbuf out = STRBUF_INIT;
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "version", KDX_VERSION);
	kdx_json_write(&out, o);
	kdx_json_free(o);
	printf("%s\n", out.buf);
	strbuf_release(&out);
	return KDX_EXIT_OK;
}
