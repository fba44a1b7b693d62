/* format: the -format flag of the commands that write for other tools (code scanning,
 * CI test views, pull requests). One parser so every command names formats alike. */
#ifndef KDX_FORMAT_H
#define KDX_FORMAT_H
#include <stdbool.h>

#include "cli.h"

typedef enum kdx_format {
	KDX_FORMAT_TEXT = 1 << 0,
	KDX_FORMAT_JSON = 1 << 1,
	KDX_FORMAT_SARIF = 1 << 2,
	KDX_FORMAT_JUNIT = 1 << 3,
	KDX_FORMAT_MD = 1 << 4,
	KDX_FORMAT_SVG = 1 << 5,
} kdx_format;

/* The format named by -format NAME (NULL: text, or json when -json was given), which must
 * be one of the allowed mask. On a bad name or a clash with -json: a usage error is
 * printed and -1 returned. */
int kdx_format_parse(const kdx_command *cmd, const char *name, bool json, unsigned allowed,
		     kdx_format *out);
/* The same for a handler, as kdx_parse_args: true when the command must stop (the usage
 * error printed, *exit_code KDX_EXIT_ERROR), false to go on (*exit_code untouched). */
bool kdx_format_args(const kdx_command *cmd, const char *name, bool json, unsigned allowed,
		     kdx_format *out, int *exit_code);

#endif
