/* kdx plan: compile, check, read the live state (reads only) and show every step in
 * execution order with the state before and after it, the requests it would send, its
 * undo, its worst case and the RTO budget; -out saves a plan file for kdx apply. */
#include "cli.h"
#include "format.h"
#include "plan_md.h"
#include "planfile.h"
#include "runbook.h"

#include "../common/json.h"
#include "../executor/atomicfile.h"

#include <stdio.h>
#include <string.h>

int cmd_plan(int argc, char **argv);

int cmd_plan(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("plan");
	kdx_rb_opts o = { .no_waits = true, .dry_run = true, .arc_live = true };
	const char *out = NULL, *state_dir = NULL, *format = NULL, *mode = NULL;
	kdx_format fmt;
	bool json = false, detailed = false;
	long parallelism = 10;
	kdx_strlist pos = { 0 };
	kdx_flag flags[16];
	size_t n = 0;
	kdx_rb_flags(flags, &n, &o);
	flags[n++] = (kdx_flag){ "out", KDX_FLAG_STRING, &out };
	flags[n++] = (kdx_flag){ "json", KDX_FLAG_BOOL, &json };
	flags[n++] = (kdx_flag){ "format", KDX_FLAG_STRING, &format };
	flags[n++] = (kdx_flag){ "detailed-exitcode", KDX_FLAG_BOOL, &detailed };
	flags[n++] = (kdx_flag){ "state-dir", KDX_FLAG_STRING, &state_dir };
	flags[n++] = (kdx_flag){ "mode", KDX_FLAG_STRING, &mode };
	flags[n++] = (kdx_flag){ "parallelism", KDX_FLAG_INT, &parallelism };
	flags[n] = (kdx_flag){ 0 };
	int rc;
	if (kdx_parse_args(cmd, argc, argv, flags, &pos, &rc) ||
	    kdx_format_args(cmd, format, json, KDX_FORMAT_TEXT | KDX_FORMAT_JSON | KDX_FORMAT_MD,
			    &fmt, &rc))
		goto out;
	if ((rc = kdx_fe_mode(cmd, mode, &o.src.vars)) != 0)
		goto out;
	if (pos.n != 1) {
		rc = kdx_usage_error(cmd, "plan needs one runbook FILE");
		goto out;
	}
	if (parallelism < 1 || parallelism > 1000) {
		rc = kdx_usage_error(cmd, "-parallelism must be between 1 and 1000");
		goto out;
	}
	json = fmt == KDX_FORMAT_JSON;
	o.json = json;
	o.state_dir = state_dir;
	kdx_rb r;
	rc = KDX_EXIT_ERROR;
	if (kdx_rb_load(&r, pos.items[0], &o, cmd->needs) == 0) {
		kdx_planview v;
		strbuf meta = STRBUF_INIT, err = STRBUF_INIT;
		kdx_planview_init(&v);
		v.parallelism = (int)parallelism;
		kdx_rb_meta(&r, pos.items[0], &o, &meta);
		int b = kdx_planview_build(&v, &r, meta.buf, kdx_use_color(1), &err);
		if (json) {
			fputs(v.json.buf, stdout);
			fputc('\n', stdout);
		} else if (fmt == KDX_FORMAT_MD) {
			strbuf perr = STRBUF_INIT; /* the program nests past json-c's default */
			json_object *doc = kdx_json_parse(v.json.buf, v.json.len, &perr);
			strbuf_release(&perr);
			strbuf md = STRBUF_INIT;
			kdx_plan_md(&md, doc);
			fputs(md.buf, stdout);
			strbuf_release(&md);
			json_object_put(doc);
		} else {
			fputs(v.human.buf, stdout);
		}
		if (b < 0) {
			kdx_rb_error(err.buf);
		} else if (out) {
			strbuf sealed = STRBUF_INIT;
			if (kdx_planfile_seal(v.json.buf, &r, &o, &sealed, &err) < 0 ||
			    kdx_atomic_write(out, sealed.buf, sealed.len, 0600, &err) < 0) {
				kdx_rb_error(err.buf);
			} else {
				if (fmt == KDX_FORMAT_TEXT)
					printf("\nSaved the plan to %s; apply it with: kdx apply %s\n", out, out);
				rc = KDX_EXIT_OK;
			}
			strbuf_release(&sealed);
		} else {
			rc = KDX_EXIT_OK;
		}
		if (rc == KDX_EXIT_OK && detailed && v.changes)
			rc = KDX_EXIT_CHANGES;
		kdx_planview_release(&v);
		strbuf_release(&meta);
		strbuf_release(&err);
	}
	kdx_rb_release(&r);
out:
	kdx_rb_opts_release(&o);
	kdx_strlist_release(&pos);
	return rc;
}
