/* usage: parse a command's usage text (see usage.h). The text is written for people, so
 * the reader is lenient: a line it does not recognise is prose. */
#include "usage.h"
#include "../common/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static size_t indent(const char *l)
{
	size_t n = 0;
	while (l[n] == ' ')
		n++;
	return n;
}

/* "  -name ARG   help" -> name, arg, the column where help starts (0 if none). */
static bool flag_line(const char *l, size_t len, kdx_usage_flag *f, size_t *help_col)
{
	size_t i = indent(l);
	if (i < 1 || i > 4 || l[i] != '-' || !isalpha((unsigned char)l[i + 1]))
		return false;
	size_t s = ++i;
	while (i < len && (isalnum((unsigned char)l[i]) || l[i] == '-'))
		i++;
	if (i - s >= sizeof(f->name))
		return false;
	memcpy(f->name, l + s, i - s);
	f->name[i - s] = 0;
	f->arg[0] = 0;
	if (i < len && (l[i] == '=' || (l[i] == ' ' && i + 1 < len && l[i + 1] != ' '))) {
		size_t a = ++i;
		while (i < len && l[i] != ' ')
			i++;
		if (i - a < sizeof(f->arg)) {
			memcpy(f->arg, l + a, i - a);
			f->arg[i - a] = 0;
		}
	}
	while (i < len && l[i] == ' ')
		i++;
	*help_col = i < len ? i : 0;
	return true;
}

void kdx_usage_read(const kdx_command *cmd, kdx_usage *u)
{
	memset(u, 0, sizeof(*u));
	strbuf_init(&u->synopsis);
	strbuf_init(&u->description);
	size_t alloc = 0, help_col = 0;
	bool in_synopsis = true, blank = false;
	for (const char *l = cmd->usage; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		kdx_usage_flag f;
		size_t col;
		if (len == 0) {
			in_synopsis = false;
			blank = true;
			help_col = 0;
		} else if (in_synopsis) {
			size_t skip = !strncmp(l, "Usage: ", 7) ? 7 : indent(l);
			strbuf_add(&u->synopsis, l + skip, len - skip);
			strbuf_addch(&u->synopsis, '\n');
		} else if (flag_line(l, len, &f, &col)) {
			XGROW(u->flags, u->nflags + 1, alloc);
			kdx_usage_flag *nf = &u->flags[u->nflags++];
			*nf = f;
			strbuf_init(&nf->help);
			if (col)
				strbuf_add(&nf->help, l + col, len - col);
			help_col = col ? col : 8;
		} else if (help_col && u->nflags && indent(l) >= help_col - 2) {
			kdx_usage_flag *lf = &u->flags[u->nflags - 1];
			if (lf->help.len)
				strbuf_addch(&lf->help, ' ');
			strbuf_add(&lf->help, l + indent(l), len - indent(l));
		} else {
			help_col = 0;
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
