/* kdx version */
#include "cli.h"
#include "version.h"
#include "../common/json.h"

#include <stdio.h>

typedef struct version_args {
	bool json;
} version_args;

static const kdx_flag flags[] = {
	KDX_FLAG(version_args, json, "json", KDX_FLAG_BOOL, NULL, "print as JSON"),
	{ 0 },
};
const kdx_options cmd_version_opts = { flags, sizeof(version_args), NULL };

int cmd_version(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	version_args *a = opts;
	if (!a->json) {
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
