/* kdx graph: the step dependency graph in Graphviz DOT -- steps as nodes labelled with
 * their name and action, `after` edges solid, data references (steps.NAME) dashed; the
 * steps of a `parallel` group or of a nested runbook drawn in a box (a cluster) named after
 * it. */
#include "cli.h"
#include "frontend.h"

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
	strbuf_addstr(out, " {\n");
	/* the steps drawn are this mode's (a `when mode == ...` step of the other is not) */
	if (p->mode) {
		strbuf mode = STRBUF_INIT;
		strbuf_addf(&mode, "%s mode", p->mode);
		strbuf_addstr(out, "  label=");
		dot_str(out, mode.buf);
		strbuf_addstr(out, ";\n  labelloc=t;\n");
		strbuf_release(&mode);
	}
	strbuf_addstr(out, "  rankdir=TB;\n"
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

typedef struct graph_args {
	kdx_fe_opts src;
} graph_args;

static const kdx_flag flags[] = {
	KDX_FLAG_INCLUDE(graph_args, src, kdx_fe_mode_group),
	KDX_FLAG_INCLUDE(graph_args, src, kdx_fe_flag_group),
	{ 0 },
};
const kdx_options cmd_graph_opts = { flags, sizeof(graph_args), NULL };

int cmd_graph(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	graph_args *a = opts;
	int rc = KDX_EXIT_OK;
	if ((rc = kdx_fe_mode(cmd, &a->src)) != 0)
		goto out;
	if (pos->n != 1) {
		rc = kdx_usage_error(cmd, "'graph' takes exactly one FILE");
		goto out;
	}
	kdx_fe fe;
	int cr = kdx_fe_load(&fe, pos->items[0], &a->src, cmd->needs);
	strbuf out = STRBUF_INIT;
	kdx_fe_render(&fe, false, &out);
	fputs(out.buf, stderr); /* errors, or warnings */
	/* An unsafe runbook is still drawn (the drawing helps to see why), with the analyses'
	 * diagnostics every command gives and exit 1. */
	if (cr < 0)
		rc = KDX_EXIT_ERROR;
	if (cr == 0 || (fe.checked && fe.comp.plan)) {
		strbuf_reset(&out);
		graph_dot(&out, fe.comp.plan);
		fputs(out.buf, stdout);
	}
	strbuf_release(&out);
	kdx_fe_release(&fe);
out:
	kdx_fe_opts_release(&a->src);
	return rc;
}
