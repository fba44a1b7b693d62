/* kdx validate: compile runbooks and modules (parse, resolve, types, evaluation, lowering),
 * report every diagnostic, exit 0 or 1. */
#include "cli.h"
#include "format.h"
#include "sarif.h"
#include "../common/strbuf.h"
#include "../compiler/compile.h"
#include "aws_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* -json: the diagnostics, one a line, then a {"type":"validate"} record per file (as
 * check -json ends with its {"type":"check"}), so success prints something too. */
static void render_json(strbuf *out, const char *path, const kdx_diags *d, const kdx_sources *src)
{
	kdx_diags_render_json(out, d, src);
	strbuf_addstr(out, "{\"type\":\"validate\",\"file\":");
	strbuf_add_json_str(out, path);
	strbuf_addf(out, ",\"valid\":%s,\"errors\":%zu,\"warnings\":%zu}\n",
		    d->nerrors ? "false" : "true", d->nerrors, d->nwarnings);
}

/* The compile pipeline for one file; its diagnostics are rendered into out. */
static size_t validate_file(const kdx_compile_opts *base, const char *path, kdx_format fmt,
			    kdx_sarif *sarif, strbuf *out)
{
	kdx_compile_opts o = *base;
	o.path = path;
	kdx_compilation c;
	kdx_compile(&o, &c);
	if (sarif)
		kdx_sarif_add(sarif, &c.diags, &c.sources);
	else if (fmt == KDX_FORMAT_JSON)
		render_json(out, path, &c.diags, &c.sources);
	else
		kdx_diags_render(out, &c.diags, &c.sources, kdx_use_color(2));
	size_t n = c.diags.nerrors;
	kdx_compilation_release(&c);
	return n;
}

int cmd_validate(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("validate");
	bool json = false;
	const char *format = NULL;
	kdx_format fmt;
	kdx_strlist vars = { 0 }, var_files = { 0 }, incs = { 0 }, pos = { 0 };
	kdx_flag flags[] = {
		{ "json", KDX_FLAG_BOOL, &json }, { "format", KDX_FLAG_STRING, &format },
		{ "var", KDX_FLAG_MULTI, &vars },
		{ "var-file", KDX_FLAG_MULTI, &var_files }, { "I", KDX_FLAG_MULTI, &incs }, { 0 },
	};
	int rc = KDX_EXIT_OK;
	int r = kdx_parse_flags(cmd, argc, argv, flags, &pos);
	if (r) {
		rc = r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
		goto out;
	}
	if (kdx_format_parse(cmd, format, json, KDX_FORMAT_TEXT | KDX_FORMAT_JSON | KDX_FORMAT_SARIF,
			     &fmt) < 0) {
		rc = KDX_EXIT_ERROR;
		goto out;
	}
	json = fmt != KDX_FORMAT_TEXT;
	if (!pos.n) {
		rc = kdx_usage_error(cmd, "'validate' needs at least one FILE");
		goto out;
	}
	kdx_compile_opts o = {
		.include_dirs = incs.items, .ninclude_dirs = incs.n, .kdx_path = getenv("KDX_PATH"),
		.vars = vars.items, .nvars = vars.n, .var_files = var_files.items,
		.nvar_files = var_files.n, .check_aws_call = kdx_aws_check_call,
	};
	kdx_aws_checker checker = { 0 };
	o.check_aws_ctx = &checker;
	strbuf text = STRBUF_INIT;
	size_t nerrors = 0;
	kdx_sarif *sarif = fmt == KDX_FORMAT_SARIF ? kdx_sarif_new("validate") : NULL;
	for (size_t i = 0; i < pos.n; i++)
		nerrors += validate_file(&o, pos.items[i], fmt, sarif, &text);
	if (sarif)
		kdx_sarif_finish(sarif, &text);
	fputs(text.buf, json ? stdout : stderr);
	if (!json && nerrors)
		fprintf(stderr, "%zu error%s\n", nerrors, nerrors == 1 ? "" : "s");
	rc = nerrors ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	strbuf_release(&text);
	kdx_aws_checker_release(&checker);
out:
	kdx_strlist_release(&vars);
	kdx_strlist_release(&var_files);
	kdx_strlist_release(&incs);
	kdx_strlist_release(&pos);
	return rc;
}
