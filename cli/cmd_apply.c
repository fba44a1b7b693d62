/* kdx apply: run a runbook (or a saved plan) against AWS -- lock, journal, scheduler, real
 * backend -- or, with -dry-run, walk it with a recorder that sends nothing mutating. */
#include "cli.h"
#include "planfile.h"
#include "progress.h"
#include "report.h"
#include "runbook.h"

#include "../common/json.h"
#include "../common/strbuf.h"
#include "../executor/approval_rec.h"
#include "../executor/approvals.h"
#include "../executor/store/store_open.h"
#include "../executor/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_apply(const kdx_command *cmd, void *opts, kdx_strlist *pos);

typedef struct apply_args {
	kdx_rb_opts rb;
	bool auto_approve, json;
	long parallelism;
	kdx_strlist approve;
	const char *approvals, *state_dir, *approval_timeout;
} apply_args;

#define F(field, name, kind, arg, help) KDX_FLAG(apply_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(auto_approve, "auto-approve", KDX_FLAG_BOOL, NULL,
	  "do not ask to confirm the plan (gates still need -approve)"),
	F(parallelism, "parallelism", KDX_FLAG_INT, "N", "at most N steps at once (default 10)"),
	F(json, "json", KDX_FLAG_BOOL, NULL, "progress as one JSON event per line"),
	F(rb.dry_run, "dry-run", KDX_FLAG_BOOL, NULL, "send nothing mutating: print the requests instead"),
	F(approve, "approve", KDX_FLAG_MULTI, "STEP", "approve the gate of STEP (repeatable)"),
	F(approvals, "approvals", KDX_FLAG_STRING, "FILE", "approve the steps named in FILE (one a line)"),
	F(approval_timeout, "approval-timeout", KDX_FLAG_STRING, "D",
	  "wait up to D at a gate nobody approved here for others'\n"
	  "kdx approve records in the run's store (default: fail at once)"),
	F(state_dir, "state-dir", KDX_FLAG_STRING, "DIR",
	  "journals and locks (default: .kdx next to the runbook)"),
	KDX_FLAG_INCLUDE(apply_args, rb, kdx_rb_flag_group),
	KDX_FLAG_INCLUDE(apply_args, rb.src, kdx_fe_mode_group),
	F(rb.allow_exec, "allow-exec", KDX_FLAG_BOOL, NULL,
	  "let core.exec and Terraform run the local commands the\n"
	  "runbook's allow_exec lists (off by default)"),
	{ 0 },
};
#undef F
static const apply_args defaults = { .parallelism = 10, .rb.arc_live = true };
const kdx_options cmd_apply_opts = { flags, sizeof(apply_args), &defaults };

static void print_log(void *ud, const kdx_step *st, kdx_phase phase, const char *text)
{
	FILE *out = stdout;
	if (*(const bool *)ud) { /* -json: keep one JSON object per line */
		kdx_json *d = kdx_json_object();
		kdx_json_set_str(d, "type", "dry_run_requests");
		kdx_json_set_str(d, "step", st->name);
		kdx_json_set_str(d, "phase", phase == KDX_PHASE_UNDO ? "undo" : "do");
		kdx_json_set_str(d, "requests", text);
		strbuf sb = STRBUF_INIT;
		kdx_json_emit(&sb, d);
		fputs(sb.buf, out);
		strbuf_release(&sb);
	} else {
		fprintf(out, "# step %s%s: requests it would send\n", st->name,
			phase == KDX_PHASE_UNDO ? " (undo)" : "");
		fputs(text, out);
	}
	fflush(out);
}

/* On a terminal: show the plan, ask for "yes". Elsewhere: -auto-approve is required. */
static int confirm(kdx_rb *r, const char *path, apply_args *a)
{
	if (a->auto_approve || a->rb.dry_run)
		return 0;
	if (!isatty(0)) {
		fprintf(stderr, "kdx: error: no terminal to confirm on; review 'kdx plan %s' and "
				"pass -auto-approve to apply without asking\n", path);
		return -1;
	}
	kdx_planfile_print(r, stdout, false);
	printf("\nDo you want to apply this runbook? Only 'yes' will be accepted.\n  Enter a value: ");
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin) || strcmp(line, "yes\n")) {
		fprintf(stderr, "kdx: apply cancelled\n");
		return -1;
	}
	return 0;
}

/* A record another person put into the store while this run waits at a gate. */
static void approval_seen(void *ctx, const char *step, const char *what)
{
	(void)ctx;
	fprintf(stderr, "kdx: approval record for step '%s': %s\n", step, what);
	fflush(stderr);
}

/* runner: the AWS identity running this apply (strbuf, filled here): an -approve flag is
 * recorded as given by it, and its own records in the store never open a gate. */
static int setup_approvals(kdx_approvals *ap, const apply_args *a, const kdx_plan *plan,
			   kdx_prompt *prompt, strbuf *runner)
{
	strbuf err = STRBUF_INIT;
	bool gated = false;
	for (size_t i = 0; i < plan->nsteps; i++)
		gated |= plan->steps[i].approval;
	/* only a real run with a gate asks STS; without credentials the runner is unknown,
	 * which leaves the gates to -approve and to other people's records */
	if (gated && !a->rb.dry_run && (a->approve.n || a->approval_timeout) &&
	    kdx_store_caller_arn(NULL, runner, &err) < 0)
		strbuf_reset(runner);
	strbuf_reset(&err);
	strbuf src = STRBUF_INIT;
	strbuf_addf(&src, "-approve flag by %s", runner->len ? runner->buf : "the runner");
	for (size_t i = 0; i < a->approve.n; i++)
		kdx_approvals_add(ap, a->approve.items[i], src.buf);
	strbuf_release(&src);
	int rc = 0;
	if (a->approvals && kdx_approvals_load(ap, a->approvals, &err) < 0)
		rc = -1;
	if (rc == 0 && kdx_approvals_check(ap, plan, &err) < 0)
		rc = -1;
	if (rc < 0)
		kdx_rb_error(err.buf);
	strbuf_release(&err);
	if (isatty(0)) {
		*prompt = (kdx_prompt){ stdin, stdout, getenv("USER") };
		ap->ask = kdx_prompt_approval;
		ap->ask_ctx = prompt;
	}
	if (a->rb.dry_run)
		ap->all = true;
	return rc;
}

static int run(apply_args *a, const char *arg)
{
	kdx_rb r;
	const char *path = arg;
	kdx_planfile pf;
	kdx_planfile_init(&pf);
	int code = KDX_EXIT_ERROR;
	bool is_plan = kdx_planfile_is(arg);
	/* a dry run reports waits and polls ("would wait 60s") and never sleeps (#14.7) */
	a->rb.no_waits = a->rb.dry_run;
	if (is_plan && (a->rb.src.vars.n || a->rb.src.var_files.n || a->rb.src.incs.n)) {
		/* as Terraform refuses them: the plan carries the vars it was reviewed with */
		fprintf(stderr, "kdx: error: -var, -var-file and -I cannot be used with a saved plan "
				"('%s' carries the vars and sources it was made from); make a new "
				"plan with them: kdx plan -out FILE ...\n", arg);
		goto out_pf;
	}
	if (is_plan && kdx_planfile_read(&pf, arg, &a->rb) < 0)
		goto out_pf;
	if (is_plan)
		path = pf.runbook;
	if (kdx_rb_load(&r, path, &a->rb, kdx_command_find("apply")->needs) < 0)
		goto out;
	/* a saved plan runs the program it carries (proven to be what its sources compile
	 * to), not the recompiled one */
	if (is_plan && (kdx_planfile_check(&pf, &r) < 0 || kdx_planfile_plan(&pf, &r) < 0))
		goto out;
	const kdx_plan *plan = is_plan ? pf.plan : r.fe.comp.plan;
	if (confirm(&r, path, a) < 0)
		goto out;
	kdx_approvals ap;
	kdx_prompt prompt;
	strbuf runner = STRBUF_INIT;
	kdx_approvals_init(&ap);
	if (setup_approvals(&ap, a, plan, &prompt, &runner) < 0) {
		kdx_approvals_release(&ap);
		strbuf_release(&runner);
		goto out;
	}
	kdx_progress prog;
	kdx_progress_init(&prog, stdout, a->json, kdx_use_color(1));
	strbuf meta = STRBUF_INIT, run_id = STRBUF_INIT, err = STRBUF_INIT;
	kdx_rb_meta(&r, path, &a->rb, &meta);
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	kdx_rb_ident(&r, path, &a->rb, &id);
	/* a saved plan's run reads the plan it read and the source texts, never the
	 * compilation, which was needed only to prove the plan current: released here, before
	 * the run (docs/architecture.md, 3.) */
	if (is_plan)
		kdx_rb_release_compilation(&r);
	/* a dry run journals into a store that keeps nothing and takes no real lock */
	kdx_store *store = a->rb.dry_run ? kdx_store_open_discard()
					 : kdx_rb_store(plan->store.url, path, &a->rb);
	/* the store is checked before anything changes (kdx_rb_store printed why not) */
	if (!store || kdx_rb_store_probe(&r, store) < 0)
		goto out_store;
	/* a gate nobody approved on the command line waits for records in the run's store
	 * (kdx approve), looking every 2 s */
	ap.store = store;
	ap.run_id = &run_id;
	ap.runner = runner.len ? runner.buf : NULL;
	ap.poll_ms = 2000;
	ap.wait_ms = a->approval_timeout ? kdx_duration_parse(a->approval_timeout) : 0;
	ap.seen = approval_seen;
	kdx_exec_opts eo = {
		.store = store, .ident = &id, .secrets = r.secrets, .nsecrets = r.nsecrets,
		.requests = &r.be.reqlog,
		.sched = { .parallelism = (int)a->parallelism, .approve = kdx_approvals_decide,
			   .approve_ctx = &ap, .sink = kdx_progress_sink(&prog),
			   .meta_json = meta.buf },
	};
	if (a->rb.dry_run) {
		r.be.on_log = print_log;
		r.be.log_ud = &a->json;
	}
	kdx_real_clock clk;
	kdx_real_clock_init(&clk);
	kdx_run_result res;
	int rc = kdx_exec_apply(plan, &r.be.be, &clk.base, &eo, &res, &run_id, &err);
	strbuf where = STRBUF_INIT;
	if (run_id.len && !a->rb.dry_run)
		kdx_store_describe(store, run_id.buf, &where);
	if (where.len)
		kdx_report_after_run(store, run_id.buf); /* into the run's store, beside it */
	if (rc < 0) {
		kdx_rb_error(err.buf);
		if (where.len)
			fprintf(stderr, "kdx: the journal is '%s'; 'kdx resume' or 'kdx rollback' "
					"continue from it\n", where.buf);
	} else {
		if (!a->json && where.len)
			printf("journal: %s\n", where.buf);
		if (a->rb.dry_run && !a->json)
			printf("dry run: %d requests, %d mutating (not sent)\n", r.be.requests,
			       r.be.mutations);
		code = kdx_exit_for_run(&res, false);
	}
	strbuf_release(&where);
out_store:
	kdx_store_free(store);
	kdx_run_ident_release(&id);
	kdx_approvals_release(&ap);
	strbuf_release(&runner);
	strbuf_release(&meta);
	strbuf_release(&run_id);
	strbuf_release(&err);
out:
	kdx_rb_release(&r);
out_pf:
	kdx_planfile_release(&pf);
	return code;
}

int cmd_apply(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	apply_args *a = opts;
	int rc;
	a->rb.state_dir = a->state_dir;
	if ((rc = kdx_fe_mode(cmd, &a->rb.src)) != 0)
		return rc;
	if (pos->n != 1)
		return kdx_usage_error(cmd, "apply needs one FILE (a runbook) or PLANFILE");
	if (a->parallelism < 1 || a->parallelism > 1000)
		return kdx_usage_error(cmd, "-parallelism must be between 1 and 1000");
	if (a->approval_timeout && kdx_duration_parse(a->approval_timeout) <= 0)
		return kdx_usage_error(cmd, "-approval-timeout takes a duration above zero, e.g. 30m");
	return run(a, pos->items[0]);
}
