/* kdx init: scaffold a runbook from one of the templates packed into the binary
 * (cli/templates.h): a runbook with params, regions, resources, steps, undo and scenarios,
 * and a var file, that passes validate, check and simulate as written. Never overwrites. */
#include "cli.h"
#include "templates.h"
#include "../common/strbuf.h"
#include "../executor/atomicfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p: every missing directory of path, mode 0755. */
static int make_dirs(const char *path, strbuf *err)
{
	strbuf p = STRBUF_INIT;
	strbuf_addstr(&p, path);
	int rc = 0;
	for (char *s = p.buf + 1; rc == 0; s++) {
		bool end = !*s;
		if (*s != '/' && !end)
			continue;
		*s = 0;
		if (mkdir(p.buf, 0755) < 0 && errno != EEXIST) {
			strbuf_addf(err, "cannot create directory '%s': %s", p.buf, strerror(errno));
			rc = -1;
		}
		if (end)
			break;
		*s = '/';
	}
	struct stat st;
	if (rc == 0 && (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))) {
		strbuf_addf(err, "'%s' exists and is not a directory", path);
		rc = -1;
	}
	strbuf_release(&p);
	return rc;
}

static void list_templates(strbuf *sb)
{
	const char *last = NULL;
	for (const kdx_template_file *f = kdx_template_files; f->template; f++)
		if (!last || strcmp(last, f->template)) {
			strbuf_addf(sb, "%s%s", last ? ", " : "", f->template);
			last = f->template;
		}
}

typedef struct init_args {
	const char *tmpl;
} init_args;

static const kdx_flag flags[] = {
	KDX_FLAG(init_args, tmpl, "template", KDX_FLAG_STRING, "NAME",
		 "weighted-shift (default): scale, then shift Route 53 weights\n"
		 "aurora-global: fence, lag-gated Aurora global failover\n"
		 "cache-global: Redis Global Datastore failover\n"
		 "game-day: shift a share of the traffic, hold, restore"),
	{ 0 },
};
static const init_args defaults = { .tmpl = "weighted-shift" };
const kdx_options cmd_init_opts = { flags, sizeof(init_args), &defaults };

int cmd_init(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	init_args *a = opts;
	strbuf err = STRBUF_INIT, path = STRBUF_INIT, names = STRBUF_INIT;
	int rc = KDX_EXIT_ERROR;
	const char *tmpl = a->tmpl;
	if (pos->n != 1) {
		rc = kdx_usage_error(cmd, "'init' needs exactly one DIR");
		goto out;
	}
	const kdx_template_file *first = NULL;
	for (const kdx_template_file *f = kdx_template_files; f->template && !first; f++)
		if (!strcmp(f->template, tmpl))
			first = f;
	if (!first) {
		list_templates(&names);
		rc = kdx_usage_error(cmd, "no template '%s'; the templates are: %s", tmpl, names.buf);
		goto out;
	}
	const char *dir = pos->items[0];
	/* refuse before writing anything, so a refused init leaves no half-made directory */
	for (const kdx_template_file *f = first; f->template && !strcmp(f->template, tmpl); f++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, f->name);
		if (access(path.buf, F_OK) == 0) {
			strbuf_addf(&err, "'%s' already exists; kdx init never overwrites a file: "
					  "choose a new DIR or move it away",
				    path.buf);
			goto out;
		}
	}
	if (make_dirs(dir, &err) < 0)
		goto out;
	for (const kdx_template_file *f = first; f->template && !strcmp(f->template, tmpl); f++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, f->name);
		if (kdx_atomic_write(path.buf, f->text, f->len, 0644, &err) < 0)
			goto out;
		printf("created %s\n", path.buf);
	}
	printf("\nNext: cd %s && kdx check -var-file staging.kdxvars runbook.kdx\n"
	       "      kdx simulate -all-scenarios runbook.kdx   (docs/tutorial.md walks on from here)\n",
	       dir);
	rc = KDX_EXIT_OK;
out:
	if (err.len)
		fprintf(stderr, "kdx: error: %s\n", err.buf);
	strbuf_release(&err);
	strbuf_release(&path);
	strbuf_release(&names);
	return rc;
}
