/* kdx graph: the step dependency graph in Graphviz DOT -- steps as nodes labelled with
 * their name and action, `after` edges solid, data references (steps.NAME) dashed; the
 * steps of a `parallel` group or of a nested runbook drawn in a box (a cluster) named after
 * it. */
#include "cli.h"
#include "../compiler/compile.h"
#include "aws_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A DOT string: quotes and backslashes escaped; newlines as \n line breaks. */
static void dot_str(strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(sb, '\\');
		if (*s == '\n')
			strbuf_addstr(sb, "\\n");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void node(strbuf *out, const kdx_step *s)
{
	strbuf label = STRBUF_INIT;
	strbuf_addstr(&label, s->name);
	if (s->action)
		strbuf_addf(&label, "\n%s", s->action);
	if (s->approval)
		strbuf_addstr(&label, "\n[approval]");
	if (s->irreversible)
		strbuf_addstr(&label, "\n[irreversible]");
	strbuf_addstr(out, "  ");
	dot_str(out, s->name);
	strbuf_addstr(out, " [label=");
	dot_str(out, label.buf);
	if (s->irreversible)
		strbuf_addstr(out, ", color=red");
	if (s->conditional)
		strbuf_addstr(out, ", style=\"rounded,dashed\"");
	strbuf_addstr(out, "];\n");
	strbuf_release(&label);
}

/* One cluster per group, at its first member, holding every member. */
static void clusters(strbuf *out, const kdx_plan *p)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		const char *g = p->steps[i].group;
		bool first = g != NULL;
		for (size_t k = 0; first && k < i; k++)
			first = !p->steps[k].group || strcmp(p->steps[k].group, g);
		if (!first)
			continue;
		strbuf name = STRBUF_INIT;
		strbuf_addf(&name, "cluster_%s", g);
		strbuf_addstr(out, "  subgraph ");
		dot_str(out, name.buf);
		strbuf_addstr(out, " {\n    label=");
		dot_str(out, g);
		strbuf_addstr(out, ";\n    style=dashed;\n");
		for (size_t k = i; k < p->nsteps; k++)
			if (p->steps[k].group && !strcmp(p->steps[k].group, g)) {
				strbuf_addstr(out, "  ");
				node(out, &p->steps[k]);
			}
		strbuf_addstr(out, "  }\n");
		strbuf_release(&name);
	}
}

static void graph_dot(strbuf *out, const kdx_plan *p)
{
	strbuf_addstr(out, "digraph ");
	dot_str(out, p->name);
	strbuf_addstr(out, " {\n  rankdir=TB;\n"
			   "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
			   "  edge [fontname=\"Helvetica\"];\n");
	for (size_t i = 0; i < p->nsteps; i++)
		if (!p->steps[i].group)
			node(out, &p->steps[i]);
	clusters(out, p);
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *s = &p->steps[i];
		for (size_t j = 0; j < s->npreds; j++) {
			strbuf_addstr(out, "  ");
			dot_str(out, p->steps[s->preds[j].from].name);
			strbuf_addstr(out, " -> ");
			dot_str(out, s->name);
			if (s->preds[j].kind == KDX_EDGE_DATA)
				strbuf_addstr(out, " [style=dashed]");
			strbuf_addstr(out, ";\n");
		}
	}
	strbuf_addstr(out, "}\n");
}

int cmd_graph(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("graph");
	kdx_strlist vars = { 0 }, var_files = { 0 }, incs = { 0 }, pos = { 0 };
	kdx_flag flags[] = {
		{ "var", KDX_FLAG_MULTI, &vars }, { "var-file", KDX_FLAG_MULTI, &var_files },
		{ "I", KDX_FLAG_MULTI, &incs }, { 0 },
	};
	int rc = KDX_EXIT_OK;
	int r = kdx_parse_flags(cmd, argc, argv, flags, &pos);
	if (r) {
		rc = r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
		goto out;
	}
	if (pos.n != 1) {
		rc = kdx_usage_error(cmd, "'graph' takes exactly one FILE");
		goto out;
	}
	kdx_compile_opts o = {
		.path = pos.items[0], .include_dirs = incs.items, .ninclude_dirs = incs.n,
		.kdx_path = getenv("KDX_PATH"), .vars = vars.items, .nvars = vars.n,
		.var_files = var_files.items, .nvar_files = var_files.n,
		.check_aws_call = kdx_aws_check_call,
	};
	kdx_aws_checker checker = { 0 };
	o.check_aws_ctx = &checker;
	kdx_compilation c;
	int cr = kdx_compile(&o, &c);
	kdx_aws_checker_release(&checker);
	strbuf out = STRBUF_INIT;
	if (cr || !c.plan) {
		kdx_diags_render(&out, &c.diags, &c.sources, kdx_use_color(STDERR_FILENO));
		fputs(out.buf, stderr);
		if (!cr && c.is_module)
			fprintf(stderr, "kdx: error: '%s' is a module; graph draws a runbook's steps\n",
				o.path);
		rc = KDX_EXIT_ERROR;
	} else {
		kdx_diags_render(&out, &c.diags, &c.sources, kdx_use_color(STDERR_FILENO));
		fputs(out.buf, stderr); /* warnings */
		strbuf_reset(&out);
		graph_dot(&out, c.plan);
		fputs(out.buf, stdout);
	}
	strbuf_release(&out);
	kdx_compilation_release(&c);
out:
	kdx_strlist_release(&vars);
	kdx_strlist_release(&var_files);
	kdx_strlist_release(&incs);
	kdx_strlist_release(&pos);
	return rc;
}
