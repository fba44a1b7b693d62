/* flags: one parser for every subcommand's flags, so they all behave alike, and the help
 * of those flags printed from the same tables. */
#include "cli.h"
#include "../common/strbuf.h"
#include "../common/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const kdx_flag *flags_of(const kdx_command *cmd)
{
	return cmd->opts ? cmd->opts->flags : NULL;
}

void kdx_strlist_push(kdx_strlist *l, const char *s)
{
	XGROW(l->items, l->n + 1, l->alloc);
	l->items[l->n++] = s;
}

void kdx_strlist_release(kdx_strlist *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

bool kdx_use_color(int fd)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	return isatty(fd) == 1;
}

/* Walk a flag table: in the first pass the flags outside titled groups, in the second
 * those inside them (a titled group is its own section, after the command's flags). */
typedef struct walk {
	int (*fn)(void *ctx, const kdx_flag *f, const char *section, int col);
	void *ctx;
} walk;

static int walk_flags(const walk *w, const kdx_flag *flags, bool titled, const char *section,
		      int col)
{
	for (const kdx_flag *f = flags; f && (f->name || f->group); f++) {
		int r = 0;
		if (f->kind != KDX_FLAG_GROUP) {
			if (titled == (section != NULL))
				r = w->fn(w->ctx, f, section, col);
		} else if (f->group->title && !section) {
			r = walk_flags(w, f->group->flags, titled, f->group->title, f->group->col);
		} else {
			r = walk_flags(w, f->group->flags, titled, section, col);
		}
		if (r)
			return r;
	}
	return 0;
}

static int flag_col(const kdx_command *cmd)
{
	return cmd->flag_col ? cmd->flag_col : 20;
}

int kdx_command_each_flag(const kdx_command *cmd,
			  int (*fn)(void *ctx, const kdx_flag *f, const char *section, int col),
			  void *ctx)
{
	walk w = { fn, ctx };
	int r = walk_flags(&w, flags_of(cmd), false, NULL, flag_col(cmd));
	return r ? r : walk_flags(&w, flags_of(cmd), true, NULL, flag_col(cmd));
}

typedef struct print_ctx {
	FILE *fp;
	const char *section;
} print_ctx;

/* "  -name ARG" padded to col (at least two spaces), then the help, its continuation
 * lines indented to col. */
static int print_flag(void *ctx, const kdx_flag *f, const char *section, int col)
{
	print_ctx *p = ctx;
	if (section && section != p->section)
		fprintf(p->fp, "\n%s:\n", section);
	p->section = section;
	int n = fprintf(p->fp, "  -%s%s%s", f->name, f->arg ? " " : "", f->arg ? f->arg : "");
	fprintf(p->fp, "%*s", n + 2 > col ? 2 : col - n, "");
	for (const char *h = f->help;;) {
		const char *nl = strchr(h, '\n');
		fprintf(p->fp, "%.*s\n", nl ? (int)(nl - h) : (int)strlen(h), h);
		if (!nl)
			break;
		h = nl + 1;
		fprintf(p->fp, "%*s", col, "");
	}
	return 0;
}

void kdx_command_usage(const kdx_command *cmd, FILE *fp)
{
	print_ctx p = { fp, NULL };
	walk w = { print_flag, &p };
	fputs(cmd->usage, fp);
	walk_flags(&w, flags_of(cmd), false, NULL, flag_col(cmd));
	if (cmd->notes)
		fputs(cmd->notes, fp);
	walk_flags(&w, flags_of(cmd), true, NULL, flag_col(cmd));
}

int kdx_usage_error(const kdx_command *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("kdx: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd) {
		const char *u = cmd->usage;
		const char *nl = strchr(u, '\n');
		fprintf(stderr, "%.*s\n", nl ? (int)(nl - u) : (int)strlen(u), u);
		fprintf(stderr, "Run 'kdx help %s' for details.\n", cmd->name);
	}
	return KDX_EXIT_ERROR;
}

/* The flag named name[0..len) in flags or a group they include; *base (the offset of the
 * options of flags) becomes the offset of the found flag's group's options. */
static const kdx_flag *find_flag(const kdx_flag *flags, const char *name, size_t len,
				 size_t *base)
{
	for (const kdx_flag *f = flags; f && (f->name || f->group); f++) {
		if (f->kind == KDX_FLAG_GROUP) {
			size_t b = *base + f->off;
			const kdx_flag *g = find_flag(f->group->flags, name, len, &b);
			if (g) {
				*base = b;
				return g;
			}
		} else if (strlen(f->name) == len && !strncmp(f->name, name, len)) {
			return f;
		}
	}
	return NULL;
}

const kdx_flag *kdx_command_flag(const kdx_command *cmd, const char *name)
{
	size_t base = 0;
	return find_flag(flags_of(cmd), name, strlen(name), &base);
}

static int set_value(const kdx_command *cmd, const kdx_flag *f, void *dest, const char *val)
{
	switch (f->kind) {
	case KDX_FLAG_STRING:
		*(const char **)dest = val;
		return 0;
	case KDX_FLAG_MULTI:
		kdx_strlist_push(dest, val);
		return 0;
	case KDX_FLAG_INT: {
		char *end;
		errno = 0;
		long n = strtol(val, &end, 10);
		if (errno || end == val || *end) {
			kdx_usage_error(cmd, "flag -%s wants a whole number, not '%s'", f->name, val);
			return -1;
		}
		*(long *)dest = n;
		return 0;
	}
	case KDX_FLAG_BOOL:
		if (!strcmp(val, "true") || !strcmp(val, "1")) {
			*(bool *)dest = true;
		} else if (!strcmp(val, "false") || !strcmp(val, "0")) {
			*(bool *)dest = false;
		} else {
			kdx_usage_error(cmd, "flag -%s wants true or false, not '%s'", f->name, val);
			return -1;
		}
		return 0;
	case KDX_FLAG_GROUP:
		break;
	}
	return -1;
}

int kdx_parse_flags(const kdx_command *cmd, int argc, char **argv, void *opts, kdx_strlist *pos)
{
	bool only_pos = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || !a[1]) {
			kdx_strlist_push(pos, a);
			only_pos = only_pos || cmd->stop_at_arg;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		const char *name = a + 1 + (a[1] == '-');
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		if ((len == 1 && name[0] == 'h') || (len == 4 && !strncmp(name, "help", 4))) {
			kdx_command_usage(cmd, stdout);
			return 1;
		}
		size_t base = 0;
		const kdx_flag *f = find_flag(flags_of(cmd), name, len, &base);
		if (!f) {
			kdx_usage_error(cmd, "unknown flag '-%.*s' for 'kdx %s'", (int)len, name,
					cmd->name);
			return -1;
		}
		void *dest = (char *)opts + base + f->off;
		if (eq) {
			if (set_value(cmd, f, dest, eq + 1) < 0)
				return -1;
		} else if (f->kind == KDX_FLAG_BOOL) {
			*(bool *)dest = true;
		} else {
			if (i + 1 >= argc) {
				kdx_usage_error(cmd, "flag -%s needs a value", f->name);
				return -1;
			}
			if (set_value(cmd, f, dest, argv[++i]) < 0)
				return -1;
		}
	}
	return 0;
}

/* Release every repeatable flag's list in flags (groups at their offsets) of opts at base. */
static void release_lists(const kdx_flag *flags, char *base)
{
	for (const kdx_flag *f = flags; f && (f->name || f->group); f++) {
		if (f->kind == KDX_FLAG_GROUP)
			release_lists(f->group->flags, base + f->off);
		else if (f->kind == KDX_FLAG_MULTI)
			kdx_strlist_release((kdx_strlist *)(base + f->off));
	}
}

int kdx_command_run(const kdx_command *cmd, int argc, char **argv)
{
	size_t size = cmd->opts && cmd->opts->size ? cmd->opts->size : 1;
	char *opts = xcalloc(1, size);
	if (cmd->opts && cmd->opts->init)
		memcpy(opts, cmd->opts->init, size);
	kdx_strlist pos = { 0 };
	int r = 0;
	if (cmd->no_flags)
		for (int i = 1; i < argc; i++)
			kdx_strlist_push(&pos, argv[i]);
	else
		r = kdx_parse_flags(cmd, argc, argv, opts, &pos);
	int rc = r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	if (r == 0 && cmd->no_args && pos.n)
		rc = kdx_usage_error(cmd, "'%s' takes no arguments", cmd->name);
	else if (r == 0)
		rc = cmd->run(cmd, opts, &pos);
	release_lists(flags_of(cmd), opts);
	free(opts);
	kdx_strlist_release(&pos);
	return rc;
}

int kdx_sub_flags_check(const kdx_command *cmd, const char *sub, const kdx_sub_flag *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!f[i].given)
			continue;
		size_t len = strlen(sub);
		bool takes = false;
		strbuf which = STRBUF_INIT; /* 'kdx state list' or 'kdx state show' */
		for (const char *p = f[i].subs; *p; p += strspn(p, " ")) {
			size_t w = strcspn(p, " ");
			takes |= w == len && !strncmp(p, sub, len);
			strbuf_addf(&which, "%s'kdx %s %.*s'", which.len ? " or " : "", cmd->name,
				    (int)w, p);
			p += w;
		}
		int rc = takes ? 0 : kdx_usage_error(cmd, "%s is for %s, not 'kdx %s %s'", f[i].flag,
						      which.buf, cmd->name, sub);
		strbuf_release(&which);
		if (rc)
			return rc;
	}
	return 0;
}
