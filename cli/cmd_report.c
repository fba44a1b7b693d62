/* kdx report: the evidence of a run (cli/report.h) as Markdown, JSON, an SVG timeline or
 * JUnit; by default of the newest run in the state directory. */
#include "cli.h"
#include "format.h"
#include "report.h"
#include "runbook.h"
#include "../executor/atomicfile.h"
#include "../executor/lock.h"
#include "../executor/run.h"
#include "../common/xalloc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The newest *.jsonl in dir (journal names sort by time after the runbook's name, so by
 * modification time here). */
static int newest(const char *dir, strbuf *path, strbuf *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t best = 0;
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 7 || strcmp(e->d_name + l - 6, ".jsonl"))
			continue;
		strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(p.buf, &st) == 0 && st.st_mtime >= best) {
			best = st.st_mtime;
			strbuf_reset(path);
			strbuf_addstr(path, p.buf);
		}
		strbuf_release(&p);
	}
	if (d)
		closedir(d);
	if (!path->len)
		strbuf_addf(err, "no run in '%s': name a JOURNAL or a runbook, or use -state-dir DIR", dir);
	return path->len ? 0 : -1;
}

/* The newest run of every runbook in a store that is not a directory (by its identity's
 * created_at: run ids sort by runbook first). */
static int newest_in_store(kdx_store *s, strbuf *run_id, strbuf *err)
{
	kdx_names ids = { 0 };
	char *best_at = NULL;
	int rc = s->ops->list(s, "", &ids, err);
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		kdx_run_ident id;
		kdx_run_ident_init(&id);
		strbuf ierr = STRBUF_INIT;
		if (kdx_store_run_ident(s, ids.v[i], &id, &ierr) == 0 && id.created_at &&
		    (!best_at || strcmp(id.created_at, best_at) > 0)) {
			free(best_at);
			best_at = xstrdup(id.created_at);
			strbuf_reset(run_id);
			strbuf_addstr(run_id, ids.v[i]);
		}
		strbuf_release(&ierr);
		kdx_run_ident_release(&id);
	}
	if (rc == 0 && !run_id->len) {
		strbuf_addstr(err, "no run in the store: name a RUNBOOK.kdx or a RUN id");
		rc = -1;
	}
	free(best_at);
	kdx_names_release(&ids);
	return rc;
}

/* The run the arguments name in store s (-state URL): a runbook's newest run, a run id, or
 * the newest run of all; its name for messages in where. In text: the report document doc
 * the run's last apply, resume or rollback left in the store (*stored true), or else (doc
 * NULL, or none kept) the run's records, to make the report from. */
static int read_from_store(kdx_store *s, const char *arg, const char *doc, strbuf *text,
			   bool *stored, strbuf *where, strbuf *err)
{
	strbuf run_id = STRBUF_INIT;
	size_t al = arg ? strlen(arg) : 0;
	int rc;
	if (arg && al > 4 && !strcmp(arg + al - 4, ".kdx")) {
		kdx_run_ident want;
		kdx_run_ident_init(&want);
		want.key = kdx_lock_key_for(arg);
		kdx_exec_opts eo = { .store = s, .ident = &want };
		rc = kdx_exec_latest_run(&eo, &run_id, err);
		kdx_run_ident_release(&want);
	} else if (arg) {
		strbuf_addstr(&run_id, arg);
		rc = 0;
	} else {
		rc = newest_in_store(s, &run_id, err);
	}
	*stored = false;
	if (rc == 0) {
		kdx_store_describe(s, run_id.buf, where);
		int got = doc ? kdx_store_doc_get(s, run_id.buf, doc, text, err) : 1;
		if (got == 0)
			*stored = true;
		else if (got < 0)
			rc = -1;
		else
			rc = kdx_store_read(s, run_id.buf, 0, text, err);
	}
	strbuf_release(&run_id);
	return rc;
}

typedef struct report_args {
	const char *format, *state_dir, *state_url, *outfile;
} report_args;

#define F(field, name, kind, arg, help) KDX_FLAG(report_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(format, "format", KDX_FLAG_STRING, "F",
	  "md (default), json, svg (a timeline: predicted and actual bars)\n"
	  "or junit (one test case per step)"),
	F(state_dir, "state-dir", KDX_FLAG_STRING, "DIR", "where the journals are (default: .kdx)"),
	F(state_url, "state", KDX_FLAG_STRING, "URL",
	  "the run store to read (file://, s3://): the newest run of\n"
	  "RUNBOOK.kdx, the run RUN, or the newest run of all"),
	F(outfile, "o", KDX_FLAG_STRING, "FILE", "write the report to FILE instead of stdout"),
	{ 0 },
};
#undef F
const kdx_options cmd_report_opts = { flags, sizeof(report_args), NULL };

int cmd_report(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	report_args *a = opts;
	kdx_format fmt;
	strbuf path = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT;
	kdx_report r;
	memset(&r, 0, sizeof(r));
	char *url_dir = NULL;
	int got = -1;
	bool stored_out = false;
	int rc = KDX_EXIT_ERROR;
	if (kdx_format_parse(cmd, a->format ? a->format : "md", false,
			     KDX_FORMAT_MD | KDX_FORMAT_JSON | KDX_FORMAT_SVG | KDX_FORMAT_JUNIT, &fmt) < 0)
		goto done;
	if (pos->n > 1) {
		rc = kdx_usage_error(cmd, "'report' takes at most one RUNBOOK or JOURNAL");
		goto done;
	}
	const char *arg = pos->n ? pos->items[0] : NULL;
	size_t al = arg ? strlen(arg) : 0;
	if (a->state_url && a->state_dir) {
		rc = kdx_usage_error(cmd, "-state and -state-dir both name the store: give one");
		goto done;
	}
	if (a->state_url) {
		kdx_store *s = kdx_rb_store(a->state_url, arg && al > 4 && !strcmp(arg + al - 4, ".kdx")
							   ? arg : "report.kdx", NULL);
		if (!s)
			goto done;
		if (kdx_store_file_dir(s)) {
			/* a directory: the journal files themselves, as -state-dir */
			url_dir = xstrdup(kdx_store_file_dir(s));
			a->state_dir = url_dir;
		} else {
			/* any other store behind the seam (s3://...): the run's records */
			strbuf text = STRBUF_INIT;
			const char *doc = fmt == KDX_FORMAT_MD ? "report.md"
					  : fmt == KDX_FORMAT_JSON ? "report.json" : NULL;
			bool stored = false;
			if (read_from_store(s, arg, doc, &text, &stored, &path, &err) == 0 && stored) {
				/* as the run wrote it, whichever machine ran it */
				strbuf_add(&out, text.buf, text.len);
				got = 0;
				stored_out = true;
			} else if (!err.len) {
				got = kdx_report_collect_text(&r, path.buf, text.buf, text.len, ".", &err);
			}
			strbuf_release(&text);
		}
		kdx_store_free(s);
		if (!url_dir)
			goto render;
	}
	if (arg && al > 4 && !strcmp(arg + al - 4, ".kdx")) {
		/* the runbook's newest run in its store */
		strbuf url = STRBUF_INIT;
		if (a->state_dir)
			strbuf_addf(&url, "file://%s", a->state_dir);
		kdx_store *s = kdx_rb_store(a->state_dir ? url.buf : NULL, arg, NULL);
		strbuf_release(&url);
		if (!s)
			goto done;
		kdx_run_ident want;
		kdx_run_ident_init(&want);
		want.key = kdx_lock_key_for(arg);
		kdx_exec_opts eo = { .store = s, .ident = &want };
		strbuf run_id = STRBUF_INIT;
		int found = kdx_exec_latest_run(&eo, &run_id, &err);
		if (found == 0)
			kdx_store_describe(s, run_id.buf, &path);
		strbuf_release(&run_id);
		kdx_run_ident_release(&want);
		kdx_store_free(s);
		if (found < 0)
			goto done;
	} else if (arg && url_dir && access(arg, F_OK) != 0) {
		strbuf_addf(&path, "%s/%s.jsonl", url_dir, arg); /* a run id in -state file://DIR */
	} else if (arg) {
		strbuf_addstr(&path, arg);
	} else if (newest(a->state_dir ? a->state_dir : ".kdx", &path, &err) < 0) {
		goto done;
	}
	got = kdx_report_collect(&r, path.buf, &err);
render:
	if (got == 0) {
		if (stored_out) /* out holds the stored report */
			;
		else if (fmt == KDX_FORMAT_JSON)
			kdx_report_json(&out, &r);
		else if (fmt == KDX_FORMAT_SVG)
			kdx_report_svg(&out, &r);
		else if (fmt == KDX_FORMAT_JUNIT)
			kdx_report_junit(&out, &r);
		else
			kdx_report_md(&out, &r);
		if (a->outfile) {
			if (kdx_atomic_write(a->outfile, out.buf, out.len, 0644, &err) == 0)
				rc = KDX_EXIT_OK;
		} else {
			fputs(out.buf, stdout);
			rc = KDX_EXIT_OK;
		}
	}
done:
	kdx_report_release(&r);
	free(url_dir);
	if (err.len)
		fprintf(stderr, "kdx: error: %s\n", err.buf);
	strbuf_release(&path);
	strbuf_release(&err);
	strbuf_release(&out);
	return rc;
}
