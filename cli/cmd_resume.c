/* kdx resume: continue an interrupted run from its journal (and, shared with kdx rollback,
 * the code that finds the journal and rebuilds the plan the run was made from). */
#include "cli.h"
#include "progress.h"
#include "report.h"
#include "runbook.h"

#include "../executor/approval_rec.h"
#include "../executor/approvals.h"
#include "../executor/store/store_open.h"
#include "../executor/journal.h"
#include "../executor/lock.h"
#include "../executor/run.h"
#include "../common/xalloc.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_resume(const kdx_command *cmd, void *opts, kdx_strlist *pos);

/* The store and run to continue: -journal FILE ("<dir>/<run_id>.jsonl"), else the newest
 * run of FILE's runbook in its state directory (never a run of another runbook). */
static kdx_store *find_run(const char *journal, const char *file, const char *state_url,
			   const kdx_rb_opts *o, strbuf *run_id)
{
	strbuf err = STRBUF_INIT;
	kdx_store *s = NULL;
	if (journal) {
		const char *slash = strrchr(journal, '/');
		const char *base = slash ? slash + 1 : journal;
		size_t n = strlen(base);
		if (n <= 6 || strcmp(base + n - 6, ".jsonl")) {
			fprintf(stderr, "kdx: error: '%s' is not a kdx journal (a '<run>.jsonl' file "
					"in a state directory)\n", journal);
			return NULL;
		}
		char *dir = slash ? xstrndup(journal, (size_t)(slash - journal + (slash == journal)))
				  : xstrdup(".");
		s = kdx_store_open_file(dir);
		free(dir);
		strbuf_add(run_id, base, n - 6);
		return s;
	}
	if (!file) {
		fprintf(stderr, "kdx: error: say which run: pass the runbook FILE or -journal FILE\n");
		return NULL;
	}
	s = kdx_rb_store(state_url, file, o);
	if (!s)
		return NULL;
	kdx_run_ident want;
	kdx_run_ident_init(&want);
	want.key = kdx_lock_key_for(file);
	kdx_exec_opts eo = { .store = s, .ident = &want };
	if (kdx_exec_latest_run(&eo, run_id, &err) < 0) {
		kdx_rb_error(err.buf);
		kdx_store_free(s);
		s = NULL;
	}
	kdx_run_ident_release(&want);
	strbuf_release(&err);
	return s;
}

/* A resume continues a run with the vars it started with: a -var or -var-file given now
 * must be one the run recorded, never a silent replacement of them. */
static int check_vars(const kdx_rb_opts *now, const kdx_rb_opts *then, const char *run_id)
{
	for (size_t i = 0; i < now->src.vars.n; i++) {
		const char *v = now->src.vars.items[i];
		size_t kl = strcspn(v, "=");
		const char *was = NULL;
		for (size_t k = 0; k < then->src.vars.n; k++)
			if (!strncmp(then->src.vars.items[k], v, kl) && then->src.vars.items[k][kl] == '=')
				was = then->src.vars.items[k];
		if (was && !strcmp(was, v))
			continue;
		fprintf(stderr, "kdx: error: -var %s differs from run '%s', which started with %s; "
				"a resume or rollback continues a run with its own vars (they decide "
				"its targets). Run it without -var\n", v, run_id,
			was ? was : "no such -var");
		return -1;
	}
	for (size_t i = 0; i < now->src.var_files.n; i++) {
		bool found = false;
		for (size_t k = 0; k < then->src.var_files.n && !found; k++)
			found = !strcmp(then->src.var_files.items[k], now->src.var_files.items[i]);
		if (!found) {
			fprintf(stderr, "kdx: error: -var-file %s was not used by run '%s'; a resume "
					"or rollback uses the run's own var files. Run it without "
					"-var-file\n", now->src.var_files.items[i], run_id);
			return -1;
		}
	}
	return 0;
}

static void print_warning(void *ctx, const char *msg)
{
	fprintf(stderr, "kdx: warning: %s\n", msg);
}

static void print_result(const kdx_run_result *res, bool json, bool rollback)
{
	if (json)
		return;
	printf("%s: %s (%zu done, %zu undone, %zu not undone, %zu failed, %zu still in place)\n",
	       rollback ? "rollback" : "resume", kdx_run_status_name(res->status), res->done,
	       res->undone, res->not_undone, res->failed + res->undo_failed, res->in_place);
}

/* No run of FILE to continue: if FILE itself does not compile or is unsafe, say so too,
 * with the diagnostics every other command gives for it. */
static void explain_broken(const char *file, const kdx_rb_opts *o, unsigned needs)
{
	kdx_fe fe;
	kdx_fe_opts src = o->src;
	src.state_url = o->state_url;
	src.state_dir = o->state_dir;
	if (kdx_fe_load(&fe, file, &src, needs) < 0) {
		strbuf out = STRBUF_INIT;
		kdx_fe_render(&fe, o->json, &out);
		fputs(out.buf ? out.buf : "", stderr);
		strbuf_release(&out);
	}
	kdx_fe_release(&fe);
}

typedef struct recover_args {
	kdx_rb_opts o;
	const char *journal, *state_dir, *force, *approval_timeout;
	bool json;
	long parallelism;
	kdx_strlist approve;
} recover_args;

#define F(field, name, kind, arg, help) KDX_FLAG(recover_args, field, name, kind, arg, help)
/* the run they continue */
static const kdx_flag journal_flags[] = {
	F(journal, "journal", KDX_FLAG_STRING, "FILE", "the run's journal"),
	F(json, "json", KDX_FLAG_BOOL, NULL, "progress as JSON lines"),
	F(parallelism, "parallelism", KDX_FLAG_INT, "N", "at most N steps at once (default 10)"),
	{ 0 },
};
static const kdx_flag_group journal_group = { .flags = journal_flags };

/* where the run is, and what it may do */
static const kdx_flag store_flags[] = {
	F(state_dir, "state-dir", KDX_FLAG_STRING, "DIR",
	  "where journals and locks are (default: .kdx next to FILE)"),
	KDX_FLAG_INCLUDE(recover_args, o, kdx_rb_flag_group),
	F(o.allow_exec, "allow-exec", KDX_FLAG_BOOL, NULL,
	  "let core.exec and Terraform run local commands (see kdx apply)"),
	{ 0 },
};
static const kdx_flag_group store_group = { .flags = store_flags };

static const kdx_flag resume_flags[] = {
	{ NULL, KDX_FLAG_GROUP, 0, NULL, NULL, &journal_group },
	F(approve, "approve", KDX_FLAG_MULTI, "STEP", "approve a gate (repeatable)"),
	F(approval_timeout, "approval-timeout", KDX_FLAG_STRING, "D",
	  "wait up to D for kdx approve records (as for apply)"),
	F(force, "force", KDX_FLAG_STRING, "REASON",
	  "continue although the runbook text changed (journalled;\n"
	  "never overrides different vars)"),
	{ NULL, KDX_FLAG_GROUP, 0, NULL, NULL, &store_group },
	{ 0 },
};

static const kdx_flag rollback_flags[] = {
	{ NULL, KDX_FLAG_GROUP, 0, NULL, NULL, &journal_group },
	F(force, "force", KDX_FLAG_STRING, "REASON", "undo although the runbook text changed (journalled)"),
	{ NULL, KDX_FLAG_GROUP, 0, NULL, NULL, &store_group },
	{ 0 },
};
#undef F
static const recover_args defaults = { .parallelism = 10 };
const kdx_options cmd_resume_opts = { resume_flags, sizeof(recover_args), &defaults };
const kdx_options cmd_rollback_opts = { rollback_flags, sizeof(recover_args), &defaults };

int kdx_recover_main(const kdx_command *cmd, void *opts, kdx_strlist *pos, bool rollback)
{
	recover_args *a = opts;
	kdx_store *store = NULL;
	void *holder = NULL;
	strbuf run_id = STRBUF_INIT, warn = STRBUF_INIT, err = STRBUF_INIT;
	int rc = KDX_EXIT_ERROR;
	if (pos->n > 1) {
		rc = kdx_usage_error(cmd, "at most one runbook FILE");
		goto out;
	}
	if (a->approval_timeout && kdx_duration_parse(a->approval_timeout) <= 0) {
		rc = kdx_usage_error(cmd, "-approval-timeout takes a duration above zero, e.g. 30m");
		goto out;
	}
	const char *file = pos->n ? pos->items[0] : NULL;
	a->o.state_dir = a->state_dir;
	strbuf url = STRBUF_INIT;
	store = find_run(a->journal, file, kdx_rb_state_url(&a->o, &url), &a->o, &run_id);
	strbuf_release(&url);
	if (!store) {
		if (file)
			explain_broken(file, &a->o, cmd->needs);
		goto out;
	}
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	kdx_run_ident got;
	kdx_run_ident_init(&got);
	/* nothing acts before the journal reads clean and is this runbook's */
	if (kdx_journal_read_run(store, run_id.buf, &st, &warn, &err) < 0 ||
	    kdx_store_run_ident(store, run_id.buf, &got, &err) < 0) {
		kdx_rb_error(err.buf);
		kdx_run_ident_release(&got);
		kdx_journal_state_release(&st);
		goto out;
	}
	if (file) {
		kdx_run_ident want;
		kdx_run_ident_init(&want);
		want.key = kdx_lock_key_for(file);
		int bad = kdx_run_ident_check(&want, &got, &err);
		kdx_run_ident_release(&want);
		if (bad < 0) {
			kdx_rb_error(err.buf);
			kdx_run_ident_release(&got);
			kdx_journal_state_release(&st);
			goto out;
		}
	}
	/* rebuild the plan the run was made from: same runbook, same vars */
	kdx_rb_opts from = { 0 };
	const char *rb_path = NULL;
	int vars_ok = kdx_rb_meta_load(st.meta, &from, &rb_path, &holder) == 0
			      ? check_vars(&a->o, &from, run_id.buf)
			      : 0;
	kdx_strlist_release(&a->o.src.vars);
	kdx_strlist_release(&a->o.src.var_files);
	a->o.src.vars = from.src.vars;
	a->o.src.var_files = from.src.var_files;
	if (!a->o.src.incs.n)
		a->o.src.incs = from.src.incs;
	else
		kdx_strlist_release(&from.src.incs);
	if (!file)
		file = rb_path ? rb_path : got.path ? got.path : st.runbook;
	kdx_journal_state_release(&st);
	if (vars_ok < 0) {
		kdx_run_ident_release(&got);
		goto out;
	}
	if (!file) {
		fprintf(stderr, "kdx: error: run '%s' does not name its runbook; pass FILE\n",
			run_id.buf);
		kdx_run_ident_release(&got);
		goto out;
	}
	char *rb_file = xstrdup(file);
	kdx_run_ident_release(&got);
	kdx_rb r;
	if (kdx_rb_load(&r, rb_file, &a->o, cmd->needs) == 0) {
		kdx_progress prog;
		kdx_progress_init(&prog, stdout, a->json, kdx_use_color(1));
		kdx_approvals ap;
		kdx_approvals_init(&ap);
		for (size_t i = 0; i < a->approve.n; i++)
			kdx_approvals_add(&ap, a->approve.items[i], "-approve flag");
		kdx_prompt prompt = { stdin, stdout, NULL };
		if (isatty(0)) {
			ap.ask = kdx_prompt_approval;
			ap.ask_ctx = &prompt;
		}
		/* a gate reached after a resume waits for kdx approve records as apply does; the
		 * runner's own identity never counts (unknown without credentials: then no
		 * record is taken for its own) */
		strbuf runner = STRBUF_INIT, ierr = STRBUF_INIT;
		bool gated = false;
		for (size_t i = 0; i < r.fe.comp.plan->nsteps; i++)
			gated |= r.fe.comp.plan->steps[i].approval;
		if (gated && (a->approve.n || a->approval_timeout) &&
		    kdx_store_caller_arn(NULL, &runner, &ierr) < 0)
			strbuf_reset(&runner);
		strbuf_release(&ierr);
		ap.store = store;
		ap.run_id = &run_id;
		ap.runner = runner.len ? runner.buf : NULL;
		ap.poll_ms = 2000;
		ap.wait_ms = a->approval_timeout ? kdx_duration_parse(a->approval_timeout) : 0;
		kdx_run_ident id;
		kdx_run_ident_init(&id);
		kdx_rb_ident(&r, rb_file, &a->o, &id);
		kdx_exec_opts eo = {
			.store = store, .ident = &id, .force = a->force, .secrets = r.secrets,
			.nsecrets = r.nsecrets, .warn = print_warning, .requests = &r.be.reqlog,
			.sched = { .parallelism = (int)a->parallelism, .approve = kdx_approvals_decide,
				   .approve_ctx = &ap, .sink = kdx_progress_sink(&prog) },
		};
		kdx_real_clock clk;
		kdx_real_clock_init(&clk);
		kdx_run_result res;
		kdx_rb_store_identify(&r, store);
		int x = kdx_exec_recover(r.fe.comp.plan, run_id.buf, rollback, &r.be.be, &clk.base,
					 &eo, &res, &err);
		strbuf where = STRBUF_INIT;
		kdx_store_describe(store, run_id.buf, &where);
		if (run_id.len)
			kdx_report_after_run(store, run_id.buf); /* into the run's store */
		strbuf_release(&where);
		if (x < 0) {
			kdx_rb_error(err.buf);
		} else {
			print_result(&res, a->json, rollback);
			rc = kdx_exit_for_run(&res, rollback);
		}
		kdx_approvals_release(&ap);
		strbuf_release(&runner);
		kdx_run_ident_release(&id);
	}
	kdx_rb_release(&r);
	free(rb_file);
out:
	kdx_rb_meta_free(holder);
	kdx_rb_opts_release(&a->o);
	strbuf_release(&run_id);
	kdx_store_free(store);
	strbuf_release(&warn);
	strbuf_release(&err);
	return rc;
}

int cmd_resume(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	return kdx_recover_main(cmd, opts, pos, false);
}
