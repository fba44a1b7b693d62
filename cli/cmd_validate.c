/* kdx validate: check runbooks and modules, report every diagnostic, exit 0 or 1. */
#include "cli.h"
#include "../common/arena.h"
#include "../common/intern.h"
#include "../common/strbuf.h"
#include "../compiler/diag.h"
#include "../compiler/source.h"
#include "../grammar/parse.h"

#include <stdio.h>
#include <unistd.h>

/* The compile pipeline for one file: today the parser; resolution and checks join here. */
static void validate_file(const char *path, kdx_arena *arena, kdx_intern *intern,
			  kdx_sources *src, kdx_diags *diags)
{
	strbuf err = STRBUF_INIT;
	int file = kdx_sources_load(src, path, &err);
	if (file < 0) {
		kdx_diag_add_unlocated(diags, KDX_ERROR, "io", "%s", err.buf);
		strbuf_release(&err);
		return;
	}
	kdx_ast_file *ast;
	kdx_parse_file(arena, intern, src, (uint32_t)file, diags, &ast);
}

int cmd_validate(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("validate");
	bool json = false;
	kdx_flag flags[] = { { "json", KDX_FLAG_BOOL, &json }, { 0 } };
	kdx_strlist pos = { 0 };
	int r = kdx_parse_flags(cmd, argc, argv, flags, &pos);
	if (r) {
		kdx_strlist_release(&pos);
		return r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	}
	if (!pos.n) {
		kdx_strlist_release(&pos);
		return kdx_usage_error(cmd, "'validate' needs at least one FILE");
	}
	kdx_arena arena;
	kdx_intern intern;
	kdx_sources src;
	kdx_diags diags;
	kdx_arena_init(&arena);
	kdx_intern_init(&intern, &arena);
	kdx_sources_init(&src);
	kdx_diags_init(&diags);
	for (size_t i = 0; i < pos.n; i++)
		validate_file(pos.items[i], &arena, &intern, &src, &diags);
	kdx_diags_sort(&diags);
	strbuf out = STRBUF_INIT;
	if (json)
		kdx_diags_render_json(&out, &diags, &src);
	else
		kdx_diags_render(&out, &diags, &src, kdx_use_color(2));
	fputs(out.buf, json ? stdout : stderr);
	if (!json && diags.nerrors)
		fprintf(stderr, "%zu error%s\n", diags.nerrors, diags.nerrors == 1 ? "" : "s");
	int rc = diags.nerrors ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	strbuf_release(&out);
	kdx_diags_release(&diags);
	kdx_sources_release(&src);
	kdx_intern_release(&intern);
	kdx_arena_release(&arena);
	kdx_strlist_release(&pos);
	return rc;
}
