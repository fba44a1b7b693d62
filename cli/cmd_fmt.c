/* kdx fmt: rewrite .kdx files in the canonical layout (compiler/fmt.h), Terraform style:
 * list the files changed; -check changes nothing and exits 3 when a file would change;
 * -diff shows the change as a unified diff; "-" formats stdin to stdout. */
#include "cli.h"
#include "../common/strbuf.h"
#include "../common/xalloc.h"
#include "../common/diag.h"
#include "../compiler/fmt.h"
#include "../common/source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

typedef struct fmt_opts {
	bool check, diff, recursive;
	bool changed;   /* some file is (or was) not formatted */
	bool failed;    /* some file could not be read, parsed or written */
} fmt_opts;

static void report(kdx_diags *diags, kdx_sources *src)
{
	strbuf out = STRBUF_INIT;
	kdx_diags_render(&out, diags, src, kdx_use_color(2));
	fputs(out.buf, stderr);
	strbuf_release(&out);
}

static int write_temp(const char *dir, const char *data, size_t len, char **path_out)
{
	char *path = xmalloc(strlen(dir) + 32);
	sprintf(path, "%s/.kdx-fmt-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(path);
			free(path);
			return -1;
		}
		off += (size_t)n;
	}
	*path_out = path;
	return fd;
}

/* `diff -u` between the file as it is and as it would be; diff runs without a shell. */
static void show_diff(const char *path, const char *old, size_t oldlen, const char *new,
		      size_t newlen)
{
	const char *tmp = getenv("TMPDIR");
	char *a = NULL, *b = NULL;
	int fa = write_temp(tmp && *tmp ? tmp : "/tmp", old, oldlen, &a);
	int fb = fa < 0 ? -1 : write_temp(tmp && *tmp ? tmp : "/tmp", new, newlen, &b);
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	if (fa >= 0 && fb >= 0) {
		strbuf la = STRBUF_INIT, lb = STRBUF_INIT;
		strbuf_addf(&la, "a/%s", path);
		strbuf_addf(&lb, "b/%s", path);
		char *argv[] = { "diff", "-u", "--label", la.buf, "--label", lb.buf, a, b, NULL };
		pid_t pid;
		fflush(stdout);
		if (posix_spawnp(&pid, "diff", NULL, NULL, argv, environ) == 0) {
			int st;
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
		} else {
			fprintf(stderr, "kdx: error: cannot run 'diff' to show the changes to '%s'\n", path);
		}
		strbuf_release(&la);
		strbuf_release(&lb);
	}
	if (a) {
		unlink(a);
		free(a);
	}
	if (b) {
		unlink(b);
		free(b);
	}
}

/* Replace path's contents: temp file in the same directory, fsync, rename. */
static int replace_file(const char *path, const char *data, size_t len)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	char *tmp = NULL;
	int fd = write_temp(slash ? (*dir ? dir : "/") : ".", data, len, &tmp);
	free(dir);
	if (fd < 0)
		return -1;
	struct stat st;
	if (stat(path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	int rc = fsync(fd);
	close(fd);
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

static const kdx_flag flags[] = {
	KDX_FLAG(fmt_opts, check, "check", KDX_FLAG_BOOL, NULL,
		 "change nothing; exit 3 when a file is not formatted"),
	KDX_FLAG(fmt_opts, diff, "diff", KDX_FLAG_BOOL, NULL, "show the changes as a unified diff"),
	KDX_FLAG(fmt_opts, recursive, "recursive", KDX_FLAG_BOOL, NULL,
		 "also format the .kdx files in subdirectories"),
	{ 0 },
};
const kdx_options cmd_fmt_opts = { flags, sizeof(fmt_opts), NULL };

static void fmt_one(fmt_opts *o, const char *path)
{
	kdx_sources src;
	kdx_diags diags;
	kdx_sources_init(&src);
	kdx_diags_init(&diags);
	strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	bool is_stdin = !strcmp(path, "-");
	int file;
	if (is_stdin) {
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
			strbuf_add(&err, buf, n);
		file = (int)kdx_sources_add(&src, "<stdin>", err.buf, err.len);
		strbuf_reset(&err);
	} else {
		file = kdx_sources_load(&src, path, &err);
	}
	if (file < 0) {
		fprintf(stderr, "kdx: error: %s\n", err.buf);
		o->failed = true;
	} else if (kdx_fmt_source(&out, &src, (uint32_t)file, &diags) < 0) {
		kdx_diags_sort(&diags);
		report(&diags, &src);
		fprintf(stderr, "kdx: error: '%s' has syntax errors; it was not formatted\n",
			is_stdin ? "<stdin>" : path);
		o->failed = true;
	} else if (is_stdin) {
		fwrite(out.buf, 1, out.len, stdout);
	} else {
		const kdx_source *s = &src.files[file];
		bool same = s->len == out.len && !memcmp(s->text, out.buf, out.len);
		if (!same) {
			o->changed = true;
			printf("%s\n", path);
			if (o->diff)
				show_diff(path, s->text, s->len, out.buf, out.len);
			if (!o->check && replace_file(path, out.buf, out.len) < 0) {
				fprintf(stderr, "kdx: error: cannot write '%s': %s\n", path,
					strerror(errno));
				o->failed = true;
			}
		}
	}
	strbuf_release(&err);
	strbuf_release(&out);
	kdx_diags_release(&diags);
	kdx_sources_release(&src);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .kdx files of a directory in name order, then its subdirectories when recursive. */
static void fmt_dir(fmt_opts *o, const char *dir, bool top)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "kdx: error: cannot read directory '%s': %s\n", dir, strerror(errno));
		o->failed = true;
		return;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		XGROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		strbuf p = STRBUF_INIT;
		if (top && !strcmp(dir, "."))
			strbuf_addstr(&p, names[i]);
		else
			strbuf_addf(&p, "%s/%s", dir, names[i]);
		struct stat st, lst;
		size_t len = strlen(names[i]);
		/* a symlinked directory is not entered: it could lead back up the tree */
		bool link = lstat(p.buf, &lst) == 0 && S_ISLNK(lst.st_mode);
		if (stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (o->recursive && !link)
				fmt_dir(o, p.buf, false);
		} else if (len > 4 && !strcmp(names[i] + len - 4, ".kdx")) {
			fmt_one(o, p.buf);
		}
		strbuf_release(&p);
		free(names[i]);
	}
	free(names);
}

int cmd_fmt(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	fmt_opts *o = opts;
	if (!pos->n)
		fmt_dir(o, ".", true);
	for (size_t i = 0; i < pos->n; i++) {
		struct stat st;
		if (strcmp(pos->items[i], "-") && stat(pos->items[i], &st) == 0 && S_ISDIR(st.st_mode))
			fmt_dir(o, pos->items[i], true);
		else
			fmt_one(o, pos->items[i]);
	}
	if (o->failed)
		return KDX_EXIT_ERROR;
	return o->check && o->changed ? KDX_EXIT_FMT_DIFF : KDX_EXIT_OK;
}
