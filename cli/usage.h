/* usage: a command's help as data -- the synopsis and description of its usage text, and
 * its flags from its flag table (cli/cli.h) -- so the man pages and the shell completions
 * are made from the same table as `kdx help` and the parser, and cannot drift from them. */
#ifndef KDX_USAGE_H
#define KDX_USAGE_H
#include <stddef.h>

#include "cli.h"
#include "../common/strbuf.h"

typedef struct kdx_usage_flag {
	char name[32];     /* without the dash: "var-file" */
	char arg[32];      /* the value's placeholder ("FILE", "NAME=VALUE", "F"), "" for a switch */
	strbuf help;       /* its description, continuation lines joined with spaces */
} kdx_usage_flag;

typedef struct kdx_usage {
	strbuf synopsis;   /* the Usage: lines, "Usage: " removed, one per line */
	strbuf description;/* the other prose, paragraphs separated by blank lines */
	kdx_usage_flag *flags;
	size_t nflags;
} kdx_usage;

/* Read cmd: the synopsis (the Usage: lines) and the prose of cmd->usage and cmd->notes,
 * and every flag of cmd->flags in help order. */
void kdx_usage_read(const kdx_command *cmd, kdx_usage *u);
void kdx_usage_release(kdx_usage *u);
/* The flag named name, or NULL. */
const kdx_usage_flag *kdx_usage_flag_find(const kdx_usage *u, const char *name);
/* The choices the synopsis gives a flag ("-format text|json|sarif" -> "text|json|sarif"),
 * appended to out; returns 0, or -1 when the synopsis lists none. */
int kdx_usage_choices(const kdx_usage *u, const char *flag, strbuf *out);

#endif
