/* kdx resume: continue an interrupted run from its journal (and, shared with kdx rollback,
 * the code that finds the journal and rebuilds the plan the run was made from). */
#include "cli.h"
#include "progress.h"
#include "runbook.h"

#include "../executor/approvals.h"
#include "../executor/journal.h"
#include "../executor/run.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_resume(int argc, char **argv);

/* The journal to continue: -journal, else the newest of FILE's in the state directory. */
static int find_journal(const char *journal, const char *file, const char *state_dir,
			strbuf *path)
{
	if (journal) {
		strbuf_addstr(path, journal);
		return 0;
	}
	if (!file) {
		fprintf(stderr, "kdx: error: say which run: pass the runbook FILE or -journal FILE\n");
		return -1;
	}
	kdx_plan p = { .path = file };
	strbuf err = STRBUF_INIT;
	int rc = kdx_exec_latest_journal(&p, state_dir, path, &err);
	if (rc < 0)
		kdx_rb_error(err.buf);
	strbuf_release(&err);
	return rc;
}

static void print_result(const kdx_run_result *res, bool json, bool rollback)
{
	if (json)
		return;
	printf("%s: %s (%zu done, %zu undone, %zu not undone, %zu failed)\n",
	       rollback ? "rollback" : "resume", kdx_run_status_name(res->status), res->done,
	       res->undone, res->not_undone, res->failed + res->undo_failed);
}

/* No run of FILE to continue: if FILE itself does not compile or is unsafe, say so too,
 * with the diagnostics every other command gives for it. */
static void explain_broken(const char *file, const kdx_rb_opts *o, unsigned needs)
{
	kdx_fe fe;
	if (kdx_fe_load(&fe, file, &o->src, needs) < 0) {
		strbuf out = STRBUF_INIT;
		kdx_fe_render(&fe, o->json, &out);
		fputs(out.buf ? out.buf : "", stderr);
		strbuf_release(&out);
	}
	kdx_fe_release(&fe);
}

int kdx_recover_main(int argc, char **argv, bool rollback)
{
	const kdx_command *cmd = kdx_command_find(rollback ? "rollback" : "resume");
	kdx_rb_opts o = { 0 };
	const char *journal = NULL, *state_dir = NULL;
	bool json = false;
	long parallelism = 10;
	kdx_strlist pos = { 0 }, approve = { 0 };
	kdx_flag flags[16];
	size_t n = 0;
	kdx_rb_flags(flags, &n, &o);
	flags[n++] = (kdx_flag){ "journal", KDX_FLAG_STRING, &journal };
	flags[n++] = (kdx_flag){ "json", KDX_FLAG_BOOL, &json };
	flags[n++] = (kdx_flag){ "parallelism", KDX_FLAG_INT, &parallelism };
	flags[n++] = (kdx_flag){ "state-dir", KDX_FLAG_STRING, &state_dir };
	flags[n++] = (kdx_flag){ "approve", KDX_FLAG_MULTI, &approve };
	flags[n] = (kdx_flag){ 0 };
	int rc = kdx_parse_flags(cmd, argc, argv, flags, &pos);
	void *holder = NULL;
	strbuf jpath = STRBUF_INIT, warn = STRBUF_INIT, err = STRBUF_INIT;
	if (rc) {
		rc = rc < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
		goto out;
	}
	rc = KDX_EXIT_ERROR;
	if (pos.n > 1) {
		rc = kdx_usage_error(cmd, "at most one runbook FILE");
		goto out;
	}
	const char *file = pos.n ? pos.items[0] : NULL;
	if (find_journal(journal, file, state_dir, &jpath) < 0) {
		if (file)
			explain_broken(file, &o, cmd->needs);
		goto out;
	}
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	if (kdx_journal_read(jpath.buf, &st, &warn, &err) < 0) {
		kdx_rb_error(err.buf);
		kdx_journal_state_release(&st);
		goto out;
	}
	/* rebuild the plan the run was made from: same runbook, same vars */
	kdx_rb_opts from = { 0 };
	const char *rb_path = NULL;
	if (kdx_rb_meta_load(st.meta, &from, &rb_path, &holder) == 0 && !o.src.vars.n &&
	    !o.src.var_files.n) {
		o.src.vars = from.src.vars;
		o.src.var_files = from.src.var_files;
		if (!o.src.incs.n)
			o.src.incs = from.src.incs;
		else
			kdx_strlist_release(&from.src.incs);
	} else {
		kdx_rb_opts_release(&from);
	}
	if (!file)
		file = rb_path ? rb_path : st.runbook;
	kdx_journal_state_release(&st);
	if (!file) {
		fprintf(stderr, "kdx: error: journal '%s' does not name its runbook; pass FILE\n",
			jpath.buf);
		goto out;
	}
	kdx_rb r;
	if (kdx_rb_load(&r, file, &o, cmd->needs) == 0) {
		kdx_progress prog;
		kdx_progress_init(&prog, stdout, json, kdx_use_color(1));
		kdx_approvals ap;
		kdx_approvals_init(&ap);
		for (size_t i = 0; i < approve.n; i++)
			kdx_approvals_add(&ap, approve.items[i], "-approve flag");
		kdx_prompt prompt = { stdin, stdout, NULL };
		if (isatty(0)) {
			ap.ask = kdx_prompt_approval;
			ap.ask_ctx = &prompt;
		}
		kdx_exec_opts eo = {
			.state_dir = state_dir, .secrets = r.secrets, .nsecrets = r.nsecrets,
			.sched = { .parallelism = (int)parallelism, .approve = kdx_approvals_decide,
				   .approve_ctx = &ap, .sink = kdx_progress_sink(&prog) },
		};
		kdx_real_clock clk;
		kdx_real_clock_init(&clk);
		kdx_run_result res;
		strbuf_reset(&warn);
		int x = kdx_exec_recover(r.fe.comp.plan, jpath.buf, rollback, &r.be.be, &clk.base, &eo,
					 &res, &warn, &err);
		if (warn.len)
			fprintf(stderr, "kdx: warning: %s\n", warn.buf);
		if (x < 0) {
			kdx_rb_error(err.buf);
		} else {
			print_result(&res, json, rollback);
			rc = res.status == KDX_RUN_OK ||
					     (rollback && res.status == KDX_RUN_ROLLED_BACK)
				     ? KDX_EXIT_OK
				     : KDX_EXIT_ERROR;
		}
		kdx_approvals_release(&ap);
	}
	kdx_rb_release(&r);
out:
	kdx_rb_meta_free(holder);
	kdx_rb_opts_release(&o);
	kdx_strlist_release(&pos);
	kdx_strlist_release(&approve);
	strbuf_release(&jpath);
	strbuf_release(&warn);
	strbuf_release(&err);
	return rc;
}

int cmd_resume(int argc, char **argv)
{
	return kdx_recover_main(argc, argv, false);
}
