/* usage: a command's help read back as data (see usage.h): prose from its usage text,
 * flags from its flag table. */
#include "usage.h"
#include "../common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t indent(const char *l)
{
	size_t n = 0;
	while (l[n] == ' ')
		n++;
	return n;
}

/* The prose of a usage text: the Usage: lines up to the first blank line, then paragraphs. */
static void read_text(kdx_usage *u, const char *text, bool *in_synopsis)
{
	bool blank = false;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (len == 0) {
			*in_synopsis = false;
			blank = true;
		} else if (*in_synopsis) {
			size_t skip = !strncmp(l, "Usage: ", 7) ? 7 : indent(l);
			strbuf_add(&u->synopsis, l + skip, len - skip);
			strbuf_addch(&u->synopsis, '\n');
		} else {
			if (blank && u->description.len)
				strbuf_addch(&u->description, '\n');
			strbuf_add(&u->description, l + indent(l), len - indent(l));
			strbuf_addch(&u->description, '\n');
		}
		if (len)
			blank = false;
		l += len + (nl != NULL);
	}
}

typedef struct read_ctx {
	kdx_usage *u;
	size_t alloc;
} read_ctx;

/* A flag from the table; its help's lines joined with spaces. */
static int add_flag(void *ctx, const kdx_flag *f, const char *section, int col)
{
	read_ctx *rc = ctx;
	kdx_usage *u = rc->u;
	XGROW(u->flags, u->nflags + 1, rc->alloc);
	kdx_usage_flag *nf = &u->flags[u->nflags++];
	memset(nf, 0, sizeof(*nf));
	snprintf(nf->name, sizeof(nf->name), "%s", f->name);
	snprintf(nf->arg, sizeof(nf->arg), "%s", f->arg ? f->arg : "");
	strbuf_init(&nf->help);
	for (const char *h = f->help; *h; h++)
		strbuf_addch(&nf->help, *h == '\n' ? ' ' : *h);
	return 0;
}

void kdx_usage_read(const kdx_command *cmd, kdx_usage *u)
{
	memset(u, 0, sizeof(*u));
	strbuf_init(&u->synopsis);
	strbuf_init(&u->description);
	bool in_synopsis = true;
	read_text(u, cmd->usage, &in_synopsis);
	read_text(u, cmd->notes, &in_synopsis);
	read_ctx rc = { u, 0 };
	kdx_command_each_flag(cmd, add_flag, &rc);
}

void kdx_usage_release(kdx_usage *u)
{
	for (size_t i = 0; i < u->nflags; i++)
		strbuf_release(&u->flags[i].help);
	free(u->flags);
	strbuf_release(&u->synopsis);
	strbuf_release(&u->description);
	memset(u, 0, sizeof(*u));
}

const kdx_usage_flag *kdx_usage_flag_find(const kdx_usage *u, const char *name)
{
	for (size_t i = 0; i < u->nflags; i++)
		if (!strcmp(u->flags[i].name, name))
			return &u->flags[i];
	return NULL;
}

int kdx_usage_choices(const kdx_usage *u, const char *flag, strbuf *out)
{
	strbuf pat = STRBUF_INIT;
	strbuf_addf(&pat, "-%s ", flag);
	const char *p = u->synopsis.buf;
	int rc = -1;
	while ((p = strstr(p, pat.buf))) {
		const char *v = p + pat.len, *e = v;
		while (*e && !strchr(" ]\n", *e))
			e++;
		if (memchr(v, '|', (size_t)(e - v))) {
			strbuf_add(out, v, (size_t)(e - v));
			rc = 0;
			break;
		}
		p = e;
	}
	strbuf_release(&pat);
	return rc;
}
