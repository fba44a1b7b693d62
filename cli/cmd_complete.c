/* kdx __complete WORD...: the shell completions' one source of truth (completions/ holds
 * thin bash, zsh and fish scripts that call it). WORDs are the command line after `kdx`,
 * the last one being the word under the cursor (maybe empty). Prints one candidate a line,
 * or ":file" / ":dir" to let the shell complete paths. Flags come from the command table's
 * usage text (cli/usage.h); step, scenario and param names from the runbook on the line;
 * module names (kdx help MODULE) from the standard library. */
#include "cli.h"
#include "moddoc.h"
#include "templates.h"
#include "usage.h"
#include "../common/strbuf.h"
#include "../compiler/compile.h"
#include "../compiler/safety.h"
#include "../grammar/ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(strbuf *out, const char *cand, const char *prefix)
{
	if (!strncmp(cand, prefix, strlen(prefix)))
		strbuf_addf(out, "%s\n", cand);
}

typedef struct put_ctx {
	strbuf *out;
	const char *prefix;
} put_ctx;

static void put_module(void *ud, const char *name)
{
	const put_ctx *p = ud;
	put(p->out, name, p->prefix);
}

/* The runbook named on the line: the first positional word ending in .kdx. */
static const char *runbook_of(int n, char **w, const kdx_usage *u)
{
	for (int i = 1; i < n - 1; i++) {
		if (w[i][0] == '-') {
			const kdx_usage_flag *f = kdx_usage_flag_find(u, w[i] + 1 + (w[i][1] == '-'));
			i += f && f->arg[0] && !strchr(w[i], '=');
			continue;
		}
		size_t l = strlen(w[i]);
		if (l > 4 && !strcmp(w[i] + l - 4, ".kdx"))
			return w[i];
	}
	return NULL;
}

/* Steps, scenarios or params of the runbook, by what the flag's value is. */
static void names(strbuf *out, const char *path, kdx_ast_decl_kind kind, const char *prefix)
{
	kdx_compile_opts o = { .path = path, .kdx_path = getenv("KDX_PATH") };
	kdx_compilation c;
	kdx_compile(&o, &c);
	for (size_t i = 0; c.ast && i < c.ast->ndecls; i++) {
		const kdx_ast_decl *d = c.ast->decls[i];
		if (kind == KDX_AST_STEP && d->kind == KDX_AST_GROUP)
			for (size_t k = 0; k < d->ndecls; k++)
				put(out, d->decls[k]->name.name, prefix);
		if (d->kind != kind)
			continue;
		if (kind == KDX_AST_SCENARIO)
			put(out, d->label.name, prefix);
		else if (kind == KDX_AST_PARAM) {
			strbuf p = STRBUF_INIT;
			strbuf_addf(&p, "%s=", d->name.name);
			put(out, p.buf, prefix);
			strbuf_release(&p);
		} else if (d->name.name)
			put(out, d->name.name, prefix);
	}
	kdx_compilation_release(&c);
}

static void flag_value(strbuf *out, const kdx_usage *u, const kdx_usage_flag *f, int n,
		       char **w, const char *cur)
{
	strbuf choices = STRBUF_INIT;
	const char *rb = runbook_of(n, w, u);
	if (kdx_usage_choices(u, f->name, &choices) == 0) {
		for (char *s = choices.buf, *e; s; s = e ? e + 1 : NULL) {
			e = strchr(s, '|');
			if (e)
				*e = 0;
			put(out, s, cur);
		}
	} else if (!strcmp(f->name, "template")) {
		const char *last = NULL;
		for (const kdx_template_file *t = kdx_template_files; t->template; t++)
			if (!last || strcmp(last, t->template))
				put(out, last = t->template, cur);
	} else if (!strcmp(f->name, "explain")) {
		for (size_t i = 0; kdx_safety_analyses[i]; i++)
			put(out, kdx_safety_analyses[i], cur);
	} else if (!strcmp(f->arg, "STEP")) {
		if (rb)
			names(out, rb, KDX_AST_STEP, cur);
	} else if (!strcmp(f->name, "scenario")) {
		if (rb)
			names(out, rb, KDX_AST_SCENARIO, cur);
	} else if (!strcmp(f->name, "var")) {
		if (rb)
			names(out, rb, KDX_AST_PARAM, cur);
	} else if (strstr(f->arg, "DIR")) {
		strbuf_addstr(out, ":dir\n");
	} else if (strstr(f->arg, "FILE") || strstr(f->arg, "JOURNAL") || strchr(f->arg, '.')) {
		strbuf_addstr(out, ":file\n");
	}
	strbuf_release(&choices);
}

static void complete(strbuf *out, int n, char **w)
{
	const char *cur = n ? w[n - 1] : "";
	if (n <= 1) {
		for (const kdx_command *c = kdx_commands; c->name; c++)
			if (!c->hidden)
				put(out, c->name, cur);
		return;
	}
	const kdx_command *cmd = kdx_command_find(w[0]);
	if (!cmd || cmd->hidden)
		return;
	if (!strcmp(cmd->name, "help")) {
		if (n == 2) {
			put(out, "exit-codes", cur);
			put(out, "-man", cur);
		}
		if (n == 2 || (n == 3 && !strcmp(w[1], "-man")))
			for (const kdx_command *c = kdx_commands; c->name; c++)
				if (!c->hidden)
					put(out, c->name, cur);
		if (n == 2) {
			put_ctx p = { out, cur };
			kdx_stdlib_module_names(put_module, &p);
		}
		return;
	}
	kdx_usage u;
	kdx_usage_read(cmd, &u);
	const char *prev = w[n - 2];
	const kdx_usage_flag *pf = NULL;
	if (prev[0] == '-' && !strchr(prev, '='))
		pf = kdx_usage_flag_find(&u, prev + 1 + (prev[1] == '-'));
	if (pf && pf->arg[0]) {
		flag_value(out, &u, pf, n, w, cur);
	} else if (cur[0] == '-') {
		strbuf f = STRBUF_INIT;
		for (size_t i = 0; i < u.nflags; i++) {
			strbuf_reset(&f);
			strbuf_addf(&f, "-%s", u.flags[i].name);
			put(out, f.buf, cur);
		}
		strbuf_release(&f);
	} else {
		strbuf_addstr(out, ":file\n");
	}
	kdx_usage_release(&u);
}

int cmd_complete(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	strbuf out = STRBUF_INIT;
	complete(&out, (int)pos->n, (char **)pos->items);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	return KDX_EXIT_OK;
}
