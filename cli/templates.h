/* templates: the runbooks `kdx init` scaffolds, packed into the binary at build time from
 * templates/NAME/ (templates/embed.c), so a newcomer needs nothing but kdx. */
#ifndef KDX_TEMPLATES_H
#define KDX_TEMPLATES_H
#include <stddef.h>

typedef struct kdx_template_file {
	const char *template; /* e.g. "weighted-shift" */
	const char *name;     /* file name inside the new directory, e.g. "runbook.kdx" */
	const char *text;
	size_t len;
} kdx_template_file;

/* Every file of every template, grouped by template; ends with { 0 }. */
extern const kdx_template_file kdx_template_files[];

#endif
