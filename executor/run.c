/* run: lock + journal + scheduler for one apply, resume or rollback. */
#include "run.h"
#include "reslock.h"

#include "../common/xalloc.h"
#include "../common/json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The real clock's allowance on implicit timeouts (scheduler.h, implicit_grace_ms). */
#define KDX_REAL_GRACE_MS 1000

typedef struct held {
	kdx_lease lease;
	bool taken;
	kdx_reslocks res;  /* one per resource the plan writes (reslock.h) */
} held;

static const char *key_of(const kdx_exec_opts *o)
{
	return o->ident && o->ident->key ? o->ident->key : "runbook";
}

/* The runbook's lock, then its resources'. Every holder names the run that holds it, so a
 * second run can say whose it is: "kdx apply of fo-eu (env prod), run fo-eu-2026...-412"
 * (with the holder's pid, host, user, AWS identity and since, kept by the store). */
static int take(held *h, const kdx_plan *plan, const kdx_exec_opts *o, const char *command,
		const char *run_id, strbuf *err)
{
	kdx_lease_init(&h->lease);
	kdx_reslocks_init(&h->res);
	strbuf who = STRBUF_INIT;
	strbuf_addf(&who, "%s of %s (env %s), run %s", command, key_of(o),
		    o->ident && o->ident->env ? o->ident->env : "default", run_id);
	char *name = kdx_store_lock_name(key_of(o), o->ident ? o->ident->env : NULL);
	int rc = kdx_store_lock_take(o->store, name, who.buf, 0, &h->lease, err);
	free(name);
	h->taken = rc == 0;
	if (rc == 0)
		rc = kdx_reslocks_take(&h->res, o->store, plan, who.buf, err);
	strbuf_release(&who);
	return rc;
}

static void drop(held *h, const kdx_exec_opts *o)
{
	kdx_reslocks_release(&h->res, o->store);
	if (h->taken)
		kdx_store_lock_release(o->store, &h->lease);
	kdx_lease_release(&h->lease);
}

/* The caller's scheduler options for one command, with the real clock's grace. */
static kdx_sched_opts sched_opts(const kdx_exec_opts *o, const char *command)
{
	kdx_sched_opts so = o->sched;
	so.command = command;
	if (!so.implicit_grace_ms)
		so.implicit_grace_ms = KDX_REAL_GRACE_MS;
	return so;
}

static void add_secrets(kdx_journal *j, const kdx_exec_opts *o)
{
	for (size_t i = 0; i < o->nsecrets; i++)
		kdx_journal_add_secret(j, o->secrets[i]);
}

bool kdx_exec_run_finished(const kdx_journal_state *st)
{
	static const char *const settled[] = { "ok", "degraded", "rolled_back" };
	if (!st->ended || !st->end_status)
		return false;
	for (size_t i = 0; i < sizeof(settled) / sizeof(settled[0]); i++)
		if (!strcmp(st->end_status, settled[i]))
			return true;
	return false;
}

/* Under the lock: no other run of this runbook and environment may be unfinished. */
static int refuse_unfinished(const kdx_exec_opts *o, strbuf *err)
{
	kdx_run_list runs;
	kdx_run_list_init(&runs);
	if (kdx_store_list_runs(o->store, o->ident, &runs, err) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < runs.n && rc == 0; i++) {
		kdx_journal_state st;
		kdx_journal_state_init(&st);
		strbuf w = STRBUF_INIT, e = STRBUF_INIT, where = STRBUF_INIT;
		int r = kdx_journal_read_run(o->store, runs.v[i].run_id, &st, &w, &e);
		kdx_store_describe(o->store, runs.v[i].run_id, &where);
		if (r < 0) {
			strbuf_addf(err, "cannot tell whether run '%s' of runbook '%s' finished: %s. "
				    "Inspect it with 'kdx show -journal %s'; if that run is settled, "
				    "move its journal out of the state directory",
				    runs.v[i].run_id, key_of(o), e.buf, where.buf);
			rc = -1;
		} else if (!kdx_exec_run_finished(&st)) {
			strbuf_addf(err, "runbook '%s' has an unfinished run '%s' (%s, started %s by "
				    "%s on %s): finish it before starting another -- 'kdx resume "
				    "-journal %s' continues it, 'kdx rollback -journal %s' undoes it",
				    key_of(o), runs.v[i].run_id,
				    st.ended ? st.end_status : "interrupted",
				    st.started_at ? st.started_at : "?",
				    runs.v[i].created_by ? runs.v[i].created_by : "?",
				    runs.v[i].created_on ? runs.v[i].created_on : "?", where.buf,
				    where.buf);
			rc = -1;
		}
		kdx_journal_state_release(&st);
		strbuf_release(&w);
		strbuf_release(&e);
		strbuf_release(&where);
	}
	kdx_run_list_release(&runs);
	return rc;
}

/* The caller's meta with the run's identity added as "ident". */
static void meta_with_ident(const kdx_exec_opts *o, strbuf *out)
{
	strbuf perr = STRBUF_INIT;
	kdx_json *m = o->sched.meta_json ? kdx_json_parse_str(o->sched.meta_json, &perr) : NULL;
	if (!kdx_json_is_object(m)) {
		kdx_json_free(m);
		m = kdx_json_object();
	}
	const kdx_run_ident *id = o->ident;
	if (id) {
		kdx_json *j = kdx_json_set_object(m, "ident");
		kdx_json_set_str(j, "run_id", id->run_id);
		kdx_json_set_str(j, "key", id->key);
		kdx_json_set_str(j, "runbook", id->runbook);
		kdx_json_set_str(j, "path", id->path);
		kdx_json_set_str(j, "env", id->env);
		kdx_json_set_str(j, "program_digest", id->program_digest);
		kdx_json_set_str(j, "vars_digest", id->vars_digest);
		kdx_json_set_str(j, "created_by", id->created_by);
		kdx_json_set_str(j, "created_on", id->created_on);
		kdx_json_set_str(j, "created_at", id->created_at);
	}
	kdx_json_write(out, m);
	kdx_json_free(m);
	strbuf_release(&perr);
}

int kdx_exec_apply(const kdx_plan *plan, const kdx_backend *be, kdx_clock *clk,
		   const kdx_exec_opts *o, kdx_run_result *res, strbuf *run_id, strbuf *err)
{
	memset(res, 0, sizeof(*res));
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	id.key = xstrdup(key_of(o));
	id.run_id = kdx_run_id_new(id.key); /* before the locks, which name it */
	held h;
	if (take(&h, plan, o, "kdx apply", id.run_id, err) < 0 || refuse_unfinished(o, err) < 0) {
		drop(&h, o);
		kdx_run_ident_release(&id);
		return -1;
	}
	kdx_journal j;
	kdx_journal_init(&j);
	int rc = kdx_journal_create_in(&j, o->store, &id, &h.lease, err);
	if (rc == 0) {
		add_secrets(&j, o);
		j.requests = o->requests;
		if (run_id)
			strbuf_addstr(run_id, id.run_id);
		kdx_run_ident full = o->ident ? *o->ident : id;
		full.run_id = id.run_id;
		kdx_exec_opts wo = *o;
		wo.ident = &full;
		strbuf meta = STRBUF_INIT;
		meta_with_ident(&wo, &meta);
		kdx_sched_opts so = sched_opts(o, "apply");
		so.meta_json = meta.buf;
		rc = kdx_sched_apply(plan, be, clk, &j, &so, res, err);
		strbuf_release(&meta);
	}
	kdx_journal_release(&j);
	kdx_run_ident_release(&id);
	drop(&h, o);
	return rc;
}

/* Milliseconds since an ISO time "2026-11-26T10:21:37.412Z", or 0 if it cannot be read. */
static int64_t ms_since(const char *iso)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *rest = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!rest)
		return 0;
	int64_t ms = (int64_t)timegm(&tm) * 1000;
	if (*rest == '.')
		ms += strtol(rest + 1, NULL, 10);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t d = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - ms;
	return d > 0 ? d : 0;
}

/* The run's recorded digests against the runbook and vars being used now. */
static int check_digests(const kdx_exec_opts *o, const kdx_run_ident *got, bool *forced,
			 strbuf *err)
{
	const kdx_run_ident *want = o->ident;
	*forced = false;
	if (!want)
		return 0;
	if (want->vars_digest && got->vars_digest && strcmp(want->vars_digest, got->vars_digest)) {
		strbuf_addf(err, "run '%s' was started with other variables (var values or "
			    "var-file contents) than this command would use; a resume or rollback "
			    "continues a run with the vars it started with, and -force cannot "
			    "change targets. Run it without -var/-var-file, or restore the var "
			    "files", got->run_id);
		return -1;
	}
	if (want->program_digest && got->program_digest &&
	    strcmp(want->program_digest, got->program_digest)) {
		if (!o->force) {
			strbuf_addf(err, "the runbook changed since run '%s' started (program "
				    "digest %.12s then, %.12s now); continuing with other steps or "
				    "values is refused. Restore the runbook, or pass -force REASON "
				    "to continue with the changed text (the reason is journalled)",
				    got->run_id, got->program_digest, want->program_digest);
			return -1;
		}
		*forced = true;
	}
	return 0;
}

int kdx_exec_recover(const kdx_plan *plan, const char *run_id, bool rollback,
		     const kdx_backend *be, kdx_clock *clk, const kdx_exec_opts *o,
		     kdx_run_result *res, strbuf *err)
{
	memset(res, 0, sizeof(*res));
	held h;
	if (take(&h, plan, o, rollback ? "kdx rollback" : "kdx resume", run_id, err) < 0) {
		drop(&h, o);
		return -1;
	}
	/* read and judge under the lock, before anything is appended */
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	kdx_journal j;
	kdx_journal_init(&j);
	kdx_run_ident got;
	kdx_run_ident_init(&got);
	strbuf warn = STRBUF_INIT;
	bool forced = false;
	int rc = kdx_journal_read_run(o->store, run_id, &st, &warn, err);
	if (rc == 0)
		rc = kdx_store_run_ident(o->store, run_id, &got, err);
	if (rc == 0 && o->ident)
		rc = kdx_run_ident_check(o->ident, &got, err);
	if (rc == 0 && !rollback && st.ended && kdx_exec_run_finished(&st)) {
		strbuf_addf(err, "run '%s' already finished (%s); nothing to resume", run_id,
			    st.end_status);
		rc = -1;
	}
	if (rc == 0)
		rc = check_digests(o, &got, &forced, err);
	if (rc == 0 && warn.len && o->warn)
		o->warn(o->warn_ctx, warn.buf);
	if (rc == 0) {
		kdx_store_tail tail = { st.last_seq, st.valid_bytes };
		rc = kdx_journal_open_in(&j, o->store, run_id, &tail, &h.lease, err);
	}
	if (rc == 0) {
		add_secrets(&j, o);
		j.requests = o->requests;
		kdx_sched_opts so = sched_opts(o, rollback ? "rollback" : "resume");
		if (!rollback && !so.elapsed_before_ms)
			so.elapsed_before_ms = ms_since(st.started_at);
		if (forced) {
			kdx_json *d = kdx_json_object();
			kdx_json_set_str(d, "reason", o->force);
			kdx_json_set_str(d, "program_digest_then", got.program_digest);
			kdx_json_set_str(d, "program_digest_now", o->ident->program_digest);
			strbuf ds = STRBUF_INIT;
			kdx_json_write(&ds, d);
			kdx_json_free(d);
			rc = kdx_journal_append(&j, KDX_J_FORCE, NULL, ds.buf, err);
			strbuf_release(&ds);
		}
		if (rc == 0)
			rc = rollback ? kdx_sched_rollback(plan, &st, be, clk, &j, &so, res, err)
				      : kdx_sched_resume(plan, &st, be, clk, &j, &so, res, err);
	}
	strbuf_release(&warn);
	kdx_run_ident_release(&got);
	kdx_journal_release(&j);
	kdx_journal_state_release(&st);
	drop(&h, o);
	return rc;
}

int kdx_exec_latest_run(const kdx_exec_opts *o, strbuf *run_id, strbuf *err)
{
	kdx_run_list runs;
	kdx_run_list_init(&runs);
	int rc = kdx_store_list_runs(o->store, o->ident, &runs, err);
	if (rc == 0 && runs.n == 0) {
		const char *dir = kdx_store_file_dir(o->store);
		strbuf_addf(err, "no run of runbook '%s' (environment '%s') in '%s'; pass "
			    "-journal FILE", key_of(o),
			    o->ident && o->ident->env ? o->ident->env : "default",
			    dir ? dir : o->store->ops->scheme);
		rc = -1;
	}
	if (rc == 0)
		strbuf_addstr(run_id, runs.v[0].run_id);
	kdx_run_list_release(&runs);
	return rc;
}
