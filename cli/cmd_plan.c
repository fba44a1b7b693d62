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

typedef struct plan_args {
	kdx_rb_opts rb;
	const char *out, *state_dir, *format;
	bool json, detailed;
	long parallelism;
} plan_args;

#define F(field, name, kind, arg, help) KDX_FLAG(plan_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(out, "out", KDX_FLAG_STRING, "PLANFILE", "save the plan for 'kdx apply PLANFILE'"),
	F(json, "json", KDX_FLAG_BOOL, NULL, "print the plan document as JSON"),
	F(format, "format", KDX_FLAG_STRING, "F",
	  "text (default), json (= -json) or md (a pull-request\n"
	  "comment: summary, RTO budget, gates, a section per step)"),
	F(detailed, "detailed-exitcode", KDX_FLAG_BOOL, NULL, "exit 2 when the plan changes something"),
	F(state_dir, "state-dir", KDX_FLAG_STRING, "DIR", "accepted for symmetry with apply (unused)"),
	KDX_FLAG_INCLUDE(plan_args, rb.src, kdx_fe_mode_group),
	F(parallelism, "parallelism", KDX_FLAG_INT, "N",
	  "the live reads of at most N steps at once (default 10;\n"
	  "1: one step's reads after the other's)"),
	KDX_FLAG_INCLUDE(plan_args, rb, kdx_rb_flag_group),
	F(rb.allow_exec, "allow-exec", KDX_FLAG_BOOL, NULL,
	  "accept a runbook with core.exec or Terraform (shown, never run)"),
	{ 0 },
};
#undef F
static const plan_args defaults = { .rb = { .no_waits = true, .dry_run = true, .arc_live = true }, .parallelism = 10 };
const kdx_options cmd_plan_opts = { flags, sizeof(plan_args), &defaults };

int cmd_plan(const kdx_command *cmd, void *opts, kdx_strlist *pos);

int cmd_plan(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	plan_args *a = opts;
	kdx_rb_opts *o = &a->rb;
	kdx_format fmt;
	int rc;
	if (kdx_format_args(cmd, a->format, a->json, KDX_FORMAT_TEXT | KDX_FORMAT_JSON | KDX_FORMAT_MD,
			    &fmt, &rc))
		goto out;
	if ((rc = kdx_fe_mode(cmd, &o->src)) != 0)
		goto out;
	if (pos->n != 1) {
		rc = kdx_usage_error(cmd, "plan needs one runbook FILE");
		goto out;
	}
	if (a->parallelism < 1 || a->parallelism > 1000) {
		rc = kdx_usage_error(cmd, "-parallelism must be between 1 and 1000");
		goto out;
	}
	a->json = fmt == KDX_FORMAT_JSON;
	o->json = a->json;
	o->state_dir = a->state_dir;
	kdx_rb r;
	rc = KDX_EXIT_ERROR;
	if (kdx_rb_load(&r, pos->items[0], o, cmd->needs) == 0) {
		kdx_planview v;
		strbuf meta = STRBUF_INIT, err = STRBUF_INIT;
		kdx_planview_init(&v);
		v.parallelism = (int)a->parallelism;
		kdx_rb_meta(&r, pos->items[0], o, &meta);
		int b = kdx_planview_build(&v, &r, meta.buf, kdx_use_color(1), &err);
		if (a->json) {
			fputs(v.json.buf, stdout);
			fputc('\n', stdout);
		} else if (fmt == KDX_FORMAT_MD) {
			strbuf perr = STRBUF_INIT; /* the program nests past a->json-c's default */
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
		} else if (a->out) {
			strbuf sealed = STRBUF_INIT;
			if (kdx_planfile_seal(v.json.buf, &r, o, &sealed, &err) < 0 ||
			    kdx_atomic_write(a->out, sealed.buf, sealed.len, 0600, &err) < 0) {
				kdx_rb_error(err.buf);
			} else {
				if (fmt == KDX_FORMAT_TEXT)
					printf("\nSaved the plan to %s; apply it with: kdx apply %s\n", a->out, a->out);
				rc = KDX_EXIT_OK;
			}
			strbuf_release(&sealed);
		} else {
			rc = KDX_EXIT_OK;
		}
		if (rc == KDX_EXIT_OK && a->detailed && v.changes)
			rc = KDX_EXIT_CHANGES;
		kdx_planview_release(&v);
		strbuf_release(&meta);
		strbuf_release(&err);
	}
	kdx_rb_release(&r);
out:
	kdx_rb_opts_release(o);
	return rc;
}
