/* kdx version */
#include "cli.h"
#include "version.h"
#include "../common/json.h"

#include <stdio.h>

typedef struct version_args {
	bool json;
} version_args;

const kdx_flag cmd_version_flags[] = {
	KDX_FLAG(version_args, json, "json", KDX_FLAG_BOOL, NULL, "print as JSON"),
	{ 0 },
};

int cmd_version(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("version");
	version_args a = { 0 };
	int rc;
	if (kdx_parse_no_args(cmd, argc, argv, &a, &rc))
		return rc;
	if (!a.json) {
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
