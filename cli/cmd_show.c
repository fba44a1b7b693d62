/* kdx show: a saved plan (its steps, changes and requests) or a run's journal (what each
 * step did, what was undone, how the run ended), for people or as JSON. */
#include "cli.h"
#include "frontend.h"
#include "../compiler/plan_io.h"
#include "journal_view.h"
#include "planfile.h"

#include "../common/strbuf.h"
#include "../executor/journal.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

int cmd_show(int argc, char **argv);

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && !json_object_is_type(v, json_type_null)
		       ? json_object_get_string(v)
		       : NULL;
}

static int show_plan(const char *path, bool json)
{
	json_object *root = json_object_from_file(path), *steps;
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
	printf("Plan of %s (%s)", jstr(root, "name"), jstr(root, "runbook"));
	if (jstr(root, "environment"))
		printf(", environment %s", jstr(root, "environment"));
	printf("\n");
	for (size_t i = 0; i < json_object_array_length(steps); i++) {
		json_object *s = json_object_array_get_idx(steps, i);
		const char *act = jstr(s, "action"), *chg = jstr(s, "change"), *undo = jstr(s, "undo");
		const char *req = jstr(s, "requests");
		printf("\n%zu. step %s  (%s)\n", i + 1, jstr(s, "name"), act ? act : "no action");
		printf("     before: %s\n", jstr(s, "before") ? jstr(s, "before") : "");
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

int cmd_show(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("show");
	bool json = false;
	kdx_strlist pos = { 0 };
	kdx_fe_opts src = { 0 };
	kdx_flag flags[5] = { { "json", KDX_FLAG_BOOL, &json } };
	size_t n = 1;
	kdx_fe_flags(flags, &n, &src);
	int rc = kdx_parse_flags(cmd, argc, argv, flags, &pos);
	if (rc)
		rc = rc < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	else if (pos.n != 1)
		rc = kdx_usage_error(cmd, "show needs one FILE.kdx, PLANFILE or JOURNAL");
	else if (has_suffix(pos.items[0], ".kdx"))
		rc = show_runbook(cmd, pos.items[0], &src, json);
	else if (has_suffix(pos.items[0], ".jsonl"))
		rc = show_journal(pos.items[0], json);
	else if (kdx_planfile_is(pos.items[0]))
		rc = show_plan(pos.items[0], json);
	else
		rc = show_journal(pos.items[0], json);
	kdx_strlist_release(&pos);
	kdx_fe_opts_release(&src);
	return rc;
}
