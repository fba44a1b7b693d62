/* flags: one parser for every subcommand's flags, so they all behave alike. */
#include "cli.h"
#include "../common/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void kdx_command_usage(const kdx_command *cmd, FILE *fp)
{
	fputs(cmd->usage, fp);
	if (cmd->needs & KDX_NEED_COMPILE)
		fputs("\nWhat is compiled (every command that reads a runbook):\n"
		      "  -var NAME=VALUE   set a param (repeatable; VALUE in kdx syntax or a bare string)\n"
		      "  -var-file FILE    read params from FILE (name = value lines)\n"
		      "  -I DIR            search DIR for imported modules first (then KDX_PATH, the stdlib)\n",
		      fp);
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

static const kdx_flag *find_flag(const kdx_flag *flags, const char *name, size_t len)
{
	for (const kdx_flag *f = flags; f && f->name; f++)
		if (strlen(f->name) == len && !strncmp(f->name, name, len))
			return f;
	return NULL;
}

static int set_value(const kdx_command *cmd, const kdx_flag *f, const char *val)
{
	switch (f->kind) {
	case KDX_FLAG_STRING:
		*(const char **)f->dest = val;
		return 0;
	case KDX_FLAG_MULTI:
		kdx_strlist_push(f->dest, val);
		return 0;
	case KDX_FLAG_INT: {
		char *end;
		errno = 0;
		long n = strtol(val, &end, 10);
		if (errno || end == val || *end) {
			kdx_usage_error(cmd, "flag -%s wants a whole number, not '%s'", f->name, val);
			return -1;
		}
		*(long *)f->dest = n;
		return 0;
	}
	case KDX_FLAG_BOOL:
		if (!strcmp(val, "true") || !strcmp(val, "1")) {
			*(bool *)f->dest = true;
		} else if (!strcmp(val, "false") || !strcmp(val, "0")) {
			*(bool *)f->dest = false;
		} else {
			kdx_usage_error(cmd, "flag -%s wants true or false, not '%s'", f->name, val);
			return -1;
		}
		return 0;
	}
	return -1;
}

int kdx_parse_flags(const kdx_command *cmd, int argc, char **argv, const kdx_flag *flags,
		    kdx_strlist *pos)
{
	bool only_pos = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || !a[1]) {
			kdx_strlist_push(pos, a);
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
		const kdx_flag *f = find_flag(flags, name, len);
		if (!f) {
			kdx_usage_error(cmd, "unknown flag '-%.*s' for 'kdx %s'", (int)len, name,
					cmd->name);
			return -1;
		}
		if (eq) {
			if (set_value(cmd, f, eq + 1) < 0)
				return -1;
		} else if (f->kind == KDX_FLAG_BOOL) {
			*(bool *)f->dest = true;
		} else {
			if (i + 1 >= argc) {
				kdx_usage_error(cmd, "flag -%s needs a value", f->name);
				return -1;
			}
			if (set_value(cmd, f, argv[++i]) < 0)
				return -1;
		}
	}
	return 0;
}

bool kdx_parse_args(const kdx_command *cmd, int argc, char **argv, const kdx_flag *flags,
		    kdx_strlist *pos, int *exit_code)
{
	int r = kdx_parse_flags(cmd, argc, argv, flags, pos);
	*exit_code = r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	return r != 0;
}
