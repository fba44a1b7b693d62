/* manpage: write man(7) roff from the command table. Text is escaped so that no line of a
 * usage text can become a roff request: backslashes, leading dots and quotes, dashes. */
#include "manpage.h"
#include "usage.h"
#include "version.h"

#include <ctype.h>
#include <string.h>

/* Escape text for roff; at the start of a line '.' and '\'' would be requests. */
static void esc(strbuf *out, const char *s, size_t n)
{
	bool bol = out->len == 0 || out->buf[out->len - 1] == '\n';
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (bol && (c == '.' || c == '\''))
			strbuf_addstr(out, "\\&");
		if (c == '\\')
			strbuf_addstr(out, "\\e");
		else if (c == '-')
			strbuf_addstr(out, "\\-");
		else
			strbuf_addch(out, c);
		bol = c == '\n';
	}
}

static void escs(strbuf *out, const char *s)
{
	esc(out, s, strlen(s));
}

static void header(strbuf *out, const char *name, const char *summary)
{
	strbuf_addstr(out, ".TH ");
	for (const char *p = name; *p; p++)
		strbuf_addch(out, toupper((unsigned char)*p));
	strbuf_addf(out, " 1 \"\" \"kdx %s\" \"kdx manual\"\n.SH NAME\n", KDX_VERSION);
	escs(out, name);
	strbuf_addstr(out, " \\- ");
	escs(out, summary);
	strbuf_addch(out, '\n');
}

/* Prose paragraphs: a blank line starts a new .PP; indented example lines stay as they are. */
static void prose(strbuf *out, const char *text)
{
	strbuf_addstr(out, ".PP\n");
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (!len)
			strbuf_addstr(out, ".PP\n");
		else {
			esc(out, l, len);
			strbuf_addch(out, '\n');
		}
		l += len + (nl != NULL);
	}
}

static void command_page(strbuf *out, const kdx_command *cmd)
{
	kdx_usage u;
	kdx_usage_read(cmd, &u);
	strbuf name = STRBUF_INIT;
	strbuf_addf(&name, "kdx-%s", cmd->name);
	header(out, name.buf, cmd->summary);
	strbuf_addstr(out, ".SH SYNOPSIS\n.nf\n");
	escs(out, u.synopsis.buf);
	strbuf_addstr(out, ".fi\n");
	if (u.description.len) {
		strbuf_addstr(out, ".SH DESCRIPTION\n");
		prose(out, u.description.buf);
	}
	if (u.nflags) {
		strbuf_addstr(out, ".SH OPTIONS\n");
		for (size_t i = 0; i < u.nflags; i++) {
			const kdx_usage_flag *f = &u.flags[i];
			strbuf_addstr(out, ".TP\n.B \\-");
			escs(out, f->name);
			if (f->arg[0]) {
				strbuf_addstr(out, " \\fI");
				escs(out, f->arg);
				strbuf_addstr(out, "\\fR");
			}
			strbuf_addch(out, '\n');
			escs(out, f->help.len ? f->help.buf : "");
			strbuf_addch(out, '\n');
		}
	}
	strbuf_addstr(out, ".SH SEE ALSO\n.BR kdx (1)\n");
	strbuf_release(&name);
	kdx_usage_release(&u);
}

static void kdx_page(strbuf *out)
{
	header(out, "kdx", "compile, prove safe and run failover runbooks");
	strbuf_addstr(out, ".SH SYNOPSIS\n.B kdx\n\\fICOMMAND\\fR [\\fIFLAGS\\fR] [\\fIARGS\\fR]\n"
			   ".SH DESCRIPTION\n");
	prose(out, "kdx compiles failover runbooks written in its language (.kdx) into a step\n"
		   "dependency graph, proves them safe (traffic, capacity, RTO, RPO, fencing, undo,\n"
		   "races), rehearses them on a world model, and runs them against the AWS APIs and\n"
		   "Terraform with a dry run, a crash-safe journal, resume and rollback.\n\n"
		   "Flags are Terraform style: -flag, -flag=value or -flag value (--flag works too).\n"
		   "'kdx help COMMAND' or 'kdx COMMAND -h' prints a command's usage; each command\n"
		   "has its own page, kdx-COMMAND(1).\n");
	strbuf_addstr(out, ".SH COMMANDS\n");
	for (const kdx_command *c = kdx_commands; c->name; c++) {
		if (c->hidden)
			continue;
		strbuf_addf(out, ".TP\n.BR kdx\\-%s (1)\n", c->name);
		escs(out, c->summary);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, ".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\nany error: bad usage, a "
			   "runbook that does not compile or is not safe, a run that failed\n.TP\n2\n"
			   "\\fBplan \\-detailed\\-exitcode\\fR: the plan changes something\n.TP\n3\n"
			   "\\fBfmt \\-check\\fR: a file is not formatted\n"
			   ".SH ENVIRONMENT\n.TP\n.B KDX_PATH\ndirectories searched for imported "
			   "modules (after \\-I, before the standard library)\n.TP\n.B NO_COLOR\n"
			   "no colour, even on a terminal\n.TP\n.B AWS_ENDPOINT_URL\\fR, "
			   "\\fBAWS_ENDPOINT_URL_\\fISERVICE\n"
			   "send AWS requests there (an emulator); the standard AWS credential chain "
			   "applies\n.TP\n.B KDX_TERRAFORM\nthe Terraform program (e.g. tofu)\n"
			   ".SH FILES\n.TP\n.I .kdx/\njournals and locks of runs, next to the runbook "
			   "(\\-state\\-dir)\n.SH SEE ALSO\n");
	bool first = true;
	for (const kdx_command *c = kdx_commands; c->name; c++)
		if (!c->hidden) {
			strbuf_addf(out, "%s.BR kdx\\-%s (1)", first ? "" : ",\n", c->name);
			first = false;
		}
	strbuf_addch(out, '\n');
}

void kdx_man_page(strbuf *out, const kdx_command *cmd)
{
	if (cmd)
		command_page(out, cmd);
	else
		kdx_page(out);
}
