/* format: parse -format (see format.h). */
#include "format.h"
#include "../common/strbuf.h"

#include <string.h>

static const struct { const char *name; kdx_format f; } formats[] = {
	{ "text", KDX_FORMAT_TEXT }, { "json", KDX_FORMAT_JSON }, { "sarif", KDX_FORMAT_SARIF },
	{ "junit", KDX_FORMAT_JUNIT }, { "md", KDX_FORMAT_MD }, { "svg", KDX_FORMAT_SVG },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

int kdx_format_parse(const kdx_command *cmd, const char *name, bool json, unsigned allowed,
		     kdx_format *out)
{
	if (!name) {
		*out = json ? KDX_FORMAT_JSON : (allowed & KDX_FORMAT_TEXT ? KDX_FORMAT_TEXT
									  : KDX_FORMAT_MD);
		return 0;
	}
	for (size_t i = 0; i < NFORMATS; i++)
		if (!strcmp(formats[i].name, name) && (allowed & formats[i].f)) {
			if (json && formats[i].f != KDX_FORMAT_JSON) {
				kdx_usage_error(cmd, "-json and -format %s exclude each other", name);
				return -1;
			}
			*out = formats[i].f;
			return 0;
		}
	strbuf list = STRBUF_INIT;
	for (size_t i = 0; i < NFORMATS; i++)
		if (allowed & formats[i].f)
			strbuf_addf(&list, "%s%s", list.len ? ", " : "", formats[i].name);
	kdx_usage_error(cmd, "no format '%s' for 'kdx %s'; choose one of: %s", name, cmd->name,
			list.buf);
	strbuf_release(&list);
	return -1;
}

bool kdx_format_args(const kdx_command *cmd, const char *name, bool json, unsigned allowed,
		     kdx_format *out, int *exit_code)
{
	if (kdx_format_parse(cmd, name, json, allowed, out) == 0)
		return false;
	*exit_code = KDX_EXIT_ERROR;
	return true;
}
