/* kdx validate: compile runbooks and modules (parse, resolve, types, evaluation, lowering),
 * report every diagnostic, exit 0 or 1. */
#include "cli.h"
#include "format.h"
#include "sarif.h"
#include "../common/json.h"
#include "../common/strbuf.h"
#include "frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* -json: the diagnostics, one a line, then a {"type":"validate"} record per file (as
 * check -json ends with its {"type":"check"}), so success prints something too. */
static void render_json(strbuf *out, const char *path, const kdx_diags *d, const kdx_sources *src)
{
	kdx_diags_render_json(out, d, src);
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "type", "validate");
	kdx_json_set_str_or_null(o, "file", path);
	kdx_json_set_bool(o, "valid", !d->nerrors);
	kdx_json_set_int(o, "errors", (int64_t)d->nerrors);
	kdx_json_set_int(o, "warnings", (int64_t)d->nwarnings);
	kdx_json_emit(out, o);
}

/* One file through the front end; its diagnostics are rendered into out. */
static size_t validate_file(const kdx_command *cmd, const kdx_fe_opts *o, const char *path,
			    kdx_format fmt, kdx_sarif *sarif, strbuf *out)
{
	kdx_fe fe;
	kdx_fe_load(&fe, path, o, cmd->needs);
	if (sarif)
		kdx_sarif_add(sarif, &fe.comp.diags, &fe.comp.sources);
	else if (fmt == KDX_FORMAT_JSON)
		render_json(out, path, &fe.comp.diags, &fe.comp.sources);
	else
		kdx_fe_render(&fe, fmt == KDX_FORMAT_JSON, out);
	size_t n = fe.comp.diags.nerrors;
	kdx_fe_release(&fe);
	return n;
}

typedef struct validate_args {
	kdx_fe_opts src;
	bool json;
	const char *format;
} validate_args;

#define F(field, name, kind, arg, help) KDX_FLAG(validate_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(json, "json", KDX_FLAG_BOOL, NULL, "diagnostics as JSON, one object per line"),
	F(format, "format", KDX_FLAG_STRING, "F", "text (default), json (= -json) or sarif (SARIF 2.1.0)"),
	KDX_FLAG_INCLUDE(validate_args, src, kdx_fe_mode_group),
	KDX_FLAG_INCLUDE(validate_args, src, kdx_fe_flag_group),
	{ 0 },
};
#undef F
const kdx_options cmd_validate_opts = { flags, sizeof(validate_args), NULL };

int cmd_validate(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	validate_args *a = opts;
	kdx_format fmt;
	int rc = KDX_EXIT_OK;
	if (kdx_format_args(cmd, a->format, a->json, KDX_FORMAT_TEXT | KDX_FORMAT_JSON | KDX_FORMAT_SARIF,
			    &fmt, &rc) ||
	    (rc = kdx_fe_mode(cmd, &a->src)) != 0)
		goto out;
	a->json = fmt != KDX_FORMAT_TEXT;
	if (!pos->n) {
		rc = kdx_usage_error(cmd, "'validate' needs at least one FILE");
		goto out;
	}
	strbuf text = STRBUF_INIT;
	size_t nerrors = 0;
	kdx_sarif *sarif = fmt == KDX_FORMAT_SARIF ? kdx_sarif_new("validate") : NULL;
	for (size_t i = 0; i < pos->n; i++)
		nerrors += validate_file(cmd, &a->src, pos->items[i], fmt, sarif, &text);
	if (sarif)
		kdx_sarif_finish(sarif, &text);
	fputs(text.buf, a->json ? stdout : stderr);
	if (!a->json && nerrors)
		fprintf(stderr, "%zu error%s\n", nerrors, nerrors == 1 ? "" : "s");
	rc = nerrors ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	strbuf_release(&text);
out:
	kdx_fe_opts_release(&a->src);
	return rc;
}
