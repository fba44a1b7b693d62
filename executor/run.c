/* run: lock + journal + scheduler for one apply, resume or rollback. */
#include "run.h"

#include "../common/xalloc.h"
#include "lock.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The real clock's allowance on implicit timeouts (scheduler.h, implicit_grace_ms). */
#define KDX_REAL_GRACE_MS 1000

typedef struct held {
	char *dir, *key;
	kdx_lock lock;
} held;

static int take(held *h, const kdx_plan *plan, const kdx_exec_opts *o, const char *command,
		strbuf *err)
{
	const char *path = plan->path ? plan->path : "runbook.kdx";
	h->dir = o->state_dir ? xstrdup(o->state_dir) : kdx_state_dir_for(path);
	h->key = kdx_lock_key_for(path);
	kdx_lock_init(&h->lock);
	char *lp = kdx_lock_path(h->dir, h->key, plan->environment);
	int rc = kdx_lock_acquire(&h->lock, lp, command, err);
	free(lp);
	return rc;
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

static void drop(held *h)
{
	kdx_lock_release(&h->lock);
	free(h->dir);
	free(h->key);
}

static void add_secrets(kdx_journal *j, const kdx_exec_opts *o)
{
	for (size_t i = 0; i < o->nsecrets; i++)
		kdx_journal_add_secret(j, o->secrets[i]);
}

int kdx_exec_apply(const kdx_plan *plan, const kdx_backend *be, kdx_clock *clk,
		   const kdx_exec_opts *o, kdx_run_result *res, strbuf *journal_path, strbuf *err)
{
	memset(res, 0, sizeof(*res));
	held h;
	if (take(&h, plan, o, "kdx apply", err) < 0) {
		drop(&h);
		return -1;
	}
	kdx_journal j;
	kdx_journal_init(&j);
	int rc = kdx_journal_create(&j, h.dir, h.key, err);
	if (rc == 0) {
		add_secrets(&j, o);
		if (journal_path)
			strbuf_addstr(journal_path, j.path);
		kdx_sched_opts so = sched_opts(o, "apply");
		rc = kdx_sched_apply(plan, be, clk, &j, &so, res, err);
	}
	kdx_journal_release(&j);
	drop(&h);
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

int kdx_exec_recover(const kdx_plan *plan, const char *journal_path, bool rollback,
		     const kdx_backend *be, kdx_clock *clk, const kdx_exec_opts *o,
		     kdx_run_result *res, strbuf *warn, strbuf *err)
{
	memset(res, 0, sizeof(*res));
	held h;
	if (take(&h, plan, o, rollback ? "kdx rollback" : "kdx resume", err) < 0) {
		drop(&h);
		return -1;
	}
	/* read under the lock: nobody else appends while we decide */
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	kdx_journal j;
	kdx_journal_init(&j);
	int rc = kdx_journal_read(journal_path, &st, warn, err);
	if (rc == 0)
		rc = kdx_journal_reopen(&j, journal_path, st.last_seq, st.valid_bytes, err);
	if (rc == 0) {
		add_secrets(&j, o);
		kdx_sched_opts so = sched_opts(o, rollback ? "rollback" : "resume");
		if (!rollback && !so.elapsed_before_ms)
			so.elapsed_before_ms = ms_since(st.started_at);
		rc = rollback ? kdx_sched_rollback(plan, &st, be, clk, &j, &so, res, err)
			      : kdx_sched_resume(plan, &st, be, clk, &j, &so, res, err);
	}
	kdx_journal_release(&j);
	kdx_journal_state_release(&st);
	drop(&h);
	return rc;
}

int kdx_exec_latest_journal(const kdx_plan *plan, const char *state_dir, strbuf *path,
			    strbuf *err)
{
	const char *rb = plan->path ? plan->path : "runbook.kdx";
	char *dir = state_dir ? xstrdup(state_dir) : kdx_state_dir_for(rb);
	char *key = kdx_lock_key_for(rb);
	strbuf pat = STRBUF_INIT;
	strbuf_addf(&pat, "%s/%s-*.jsonl", dir, key);
	glob_t g;
	int rc = -1;
	if (glob(pat.buf, 0, NULL, &g) == 0) {
		const char *best = NULL;
		struct timespec bt = { 0, 0 };
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct stat sb;
			if (stat(g.gl_pathv[i], &sb) < 0)
				continue;
			if (!best || sb.st_mtim.tv_sec > bt.tv_sec ||
			    (sb.st_mtim.tv_sec == bt.tv_sec && sb.st_mtim.tv_nsec > bt.tv_nsec)) {
				best = g.gl_pathv[i];
				bt = sb.st_mtim;
			}
		}
		if (best) {
			strbuf_addstr(path, best);
			rc = 0;
		}
		globfree(&g);
	}
	if (rc < 0)
		strbuf_addf(err, "no journal of runbook '%s' in '%s'; pass -journal FILE", key, dir);
	strbuf_release(&pat);
	free(dir);
	free(key);
	return rc;
}
