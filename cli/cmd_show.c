/* kdx show: a saved plan (its steps, changes and requests) or a run's journal (what each
 * step did, what was undone, how the run ended), for people or as JSON. */
#include "cli.h"
#include "format.h"
#include "frontend.h"
#include "plan_md.h"
#include "../common/json.h"
#include "../compiler/plan_io.h"
#include "journal_view.h"
#include "planfile.h"

#include "../common/strbuf.h"
#include "../executor/journal.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

int cmd_show(const kdx_command *cmd, void *opts, kdx_strlist *pos);

static int show_plan(const char *path, kdx_format fmt)
{
	bool json = fmt == KDX_FORMAT_JSON;
	/* kdx_json_parse: a plan's program nests deeper than json-c's default allows */
	strbuf text = STRBUF_INIT, perr = STRBUF_INIT;
	json_object *root = strbuf_read_file(&text, path) == 0
				    ? kdx_json_parse(text.buf, text.len, &perr) : NULL, *steps;
	strbuf_release(&text);
	strbuf_release(&perr);
	if (!root || !json_object_object_get_ex(root, "steps", &steps)) {
		fprintf(stderr, "kdx: error: '%s' is not a kdx plan file\n", path);
		json_object_put(root);
		return KDX_EXIT_ERROR;
	}
	if (json) {
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
		json_object_put(root);
		return KDX_EXIT_OK;
	}
	if (fmt == KDX_FORMAT_MD) {
		strbuf md = STRBUF_INIT;
		kdx_plan_md(&md, root);
		fputs(md.buf, stdout);
		strbuf_release(&md);
		json_object_put(root);
		return KDX_EXIT_OK;
	}
	printf("Plan of %s (%s)", kdx_json_str(root, "name"), kdx_json_str(root, "runbook"));
	if (kdx_json_str(root, "environment"))
		printf(", environment %s", kdx_json_str(root, "environment"));
	printf("\n");
	for (size_t i = 0; i < json_object_array_length(steps); i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		const char *act = kdx_json_str(s, "action"), *chg = kdx_json_str(s, "change"), *undo = kdx_json_str(s, "undo");
		const char *req = kdx_json_str(s, "requests");
		printf("\n%zu. step %s  (%s)\n", i + 1, kdx_json_str(s, "name"), act ? act : "no action");
		printf("     before: %s\n", kdx_json_str(s, "before") ? kdx_json_str(s, "before") : "");
		printf("     change: %s\n", chg && *chg ? chg : "(none to the world model)");
		if (undo)
			printf("     undo: %s\n", undo);
		if (req && *req) {
			printf("     requests:\n");
			for (const char *p = req; *p;) {
				const char *nl = strchr(p, '\n');
				int len = nl ? (int)(nl - p) : (int)strlen(p);
				printf("       %.*s\n", len, p);
				p = nl ? nl + 1 : p + len;
			}
		}
		strbuf d = STRBUF_INIT;
		kdx_plan_diff_text(&d, s, "     ");
		fputs(d.buf, stdout);
		strbuf_release(&d);
	}
	json_object_put(root);
	return KDX_EXIT_OK;
}

/* Journals are rendered by journal_view.c (shared with its unit tests). */
static int show_journal(const char *path, bool json)
{
	kdx_journal_state st;
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	int rc = KDX_EXIT_ERROR;
	kdx_journal_state_init(&st);
	if (kdx_journal_read(path, &st, &warn, &err) < 0) {
		/* damage: show what can be trusted, then what is damaged (exit 1) */
		if (st.damaged && st.nrecords) {
			if (json)
				kdx_journal_view_json(stdout, path, &st);
			else
				kdx_journal_view_text(stdout, path, &st);
			fflush(stdout);
		}
		fprintf(stderr, "kdx: error: %s\n", err.buf);
	} else {
		if (warn.len)
			fprintf(stderr, "kdx: warning: %s\n", warn.buf);
		if (json)
			kdx_journal_view_json(stdout, path, &st);
		else
			kdx_journal_view_text(stdout, path, &st);
		rc = KDX_EXIT_OK;
	}
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	return rc;
}

/* A runbook: its plan IR as the front end builds it for every command, checked at the level
 * the table gives show; -json: the IR document (compiler/plan_io.h). */
static int show_runbook(const kdx_command *cmd, const char *path, const kdx_fe_opts *o, bool json)
{
	kdx_fe fe;
	strbuf out = STRBUF_INIT;
	int rc = kdx_fe_load(&fe, path, o, cmd->needs);
	kdx_fe_render(&fe, json, &out);
	fputs(out.buf, json ? stdout : stderr);
	strbuf_reset(&out);
	if (rc == 0) {
		const kdx_plan *p = fe.comp.plan;
		strbuf_addf(&out, "Runbook %s (%s): %zu steps\n", p->name, path, p->nsteps);
		for (size_t i = 0; i < p->nsteps; i++) {
			const kdx_step *s = &p->steps[i];
			strbuf_addf(&out, "  step %s  (%s)", s->name, s->action ? s->action : "no action");
			for (size_t k = 0; k < s->npreds; k++)
				strbuf_addf(&out, "%s%s", k ? ", " : "  after ", p->steps[s->preds[k].from].name);
			strbuf_addch(&out, '\n');
		}
		if (json) {
			strbuf_reset(&out);
			kdx_plan_write(&out, p);
			strbuf_addch(&out, '\n');
		}
		fputs(out.buf, stdout);
	}
	strbuf_release(&out);
	kdx_fe_release(&fe);
	return rc ? KDX_EXIT_ERROR : KDX_EXIT_OK;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

typedef struct show_args {
	kdx_fe_opts src;
	bool json;
	const char *format, *journal;
} show_args;

#define F(field, name, kind, arg, help) KDX_FLAG(show_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(json, "json", KDX_FLAG_BOOL, NULL, "print the plan IR, the plan document, or the journal's state, as JSON"),
	F(format, "format", KDX_FLAG_STRING, "F",
	  "text (default), json (= -json), or md (a plan file as a\n"
	  "pull-request comment, as kdx plan -format md)"),
	F(journal, "journal", KDX_FLAG_STRING, "FILE", "the journal to show (any file name)"),
	KDX_FLAG_INCLUDE(show_args, src, kdx_fe_flag_group),
	{ 0 },
};
#undef F
const kdx_options cmd_show_opts = { flags, sizeof(show_args), NULL };

int cmd_show(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	show_args *a = opts;
	kdx_format fmt = KDX_FORMAT_TEXT;
	int rc;
	if (kdx_format_args(cmd, a->format, a->json, KDX_FORMAT_TEXT | KDX_FORMAT_JSON | KDX_FORMAT_MD,
			    &fmt, &rc))
		goto out;
	if (a->journal && pos->n == 0)
		rc = fmt == KDX_FORMAT_MD ? kdx_usage_error(cmd, "-format md shows a plan file, not a journal")
					  : show_journal(a->journal, a->json);
	else if (pos->n != 1 || a->journal)
		rc = kdx_usage_error(cmd, "show needs one FILE.kdx, PLANFILE or JOURNAL");
	else if (has_suffix(pos->items[0], ".kdx"))
		rc = fmt == KDX_FORMAT_MD ? kdx_usage_error(cmd, "-format md shows a plan file, not a runbook")
					  : show_runbook(cmd, pos->items[0], &a->src, a->json);
	else if (has_suffix(pos->items[0], ".jsonl"))
		rc = fmt == KDX_FORMAT_MD ? kdx_usage_error(cmd, "-format md shows a plan file, not a journal")
					  : show_journal(pos->items[0], a->json);
	else if (kdx_planfile_is(pos->items[0]))
		rc = show_plan(pos->items[0], fmt);
	else if (fmt == KDX_FORMAT_MD)
		rc = kdx_usage_error(cmd, "-format md shows a plan file, not a journal");
	else
		rc = show_journal(pos->items[0], a->json);
out:
	kdx_fe_opts_release(&a->src);
	return rc;
}
