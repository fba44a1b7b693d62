/* Unit tests for executor/scheduler: a test double of kdx's own backend interface (it records
 * calls and "changes" a shared world) on the virtual clock, plans built by hand. Covers order,
 * parallelism, retries, timeouts, preconditions, approvals, on_failure, stop conditions, the
 * RTO deadline, rollback order, and resume/rollback after a crash at every journal write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/xalloc.h"
#include "executor/clock.h"
#include "executor/scheduler.h"

#define MAXS 12

/* ---- plans by hand ---- */

typedef struct tplan {
	kdx_plan p;
	kdx_step steps[MAXS];
	kdx_edge edges[MAXS][4];
} tplan;

static tplan *tplan_new(void)
{
	tplan *t = xcalloc(1, sizeof(*t));
	t->p.name = "t";
	t->p.path = "t.kdx";
	t->p.steps = t->steps;
	return t;
}

static size_t idx_of(const tplan *t, const char *name)
{
	for (size_t i = 0; i < t->p.nsteps; i++)
		if (!strcmp(t->steps[i].name, name))
			return i;
	fail_msg("no step %s", name);
	return 0;
}

/* add a step after the listed ones ("" for none, else "a,b") */
static kdx_step *add(tplan *t, const char *name, const char *after)
{
	kdx_step *s = &t->steps[t->p.nsteps];
	s->name = name;
	s->action = "test.act";
	s->attempts = 1;
	s->mutating = true;
	s->has_undo = true;
	s->preds = t->edges[t->p.nsteps];
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", after);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
		s->preds[s->npreds++] = (kdx_edge){ .from = (uint32_t)idx_of(t, tok) };
	t->p.nsteps++;
	return s;
}

/* ---- the world the fake backend changes (shared with a forked child) ---- */

typedef struct world {
	int applied[MAXS];  /* the change of step i is in effect */
	int do_sent[MAXS];  /* mutating requests that changed something */
	int undo_sent[MAXS];
} world;

typedef struct cfg {
	int64_t dur;          /* how long an attempt takes */
	int fail_first;       /* attempts that fail before one succeeds */
	bool hang;            /* never completes (timeouts) */
	kdx_precheck pre;
	int undo_fail;        /* undo attempts that fail */
} cfg;

typedef struct ev {
	int64_t t;
	char what[48];
} ev;

typedef struct fake {
	kdx_vclock clk;
	const tplan *tp;
	world *w;
	cfg c[MAXS];
	ev log[256];
	int nlog;
	int running, max_running, cancels;
	int64_t stop_at;      /* stop_check says stop from this time on; 0 = never */
	int approve;          /* what the approval callback answers */
	kdx_sched *s;
} fake;

typedef struct pending {
	fake *f;
	kdx_sched *s;
	kdx_op *op;
} pending;

static void logf_(fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(fake *f, const char *fmt, ...)
{
	assert_true(f->nlog < 256);
	ev *e = &f->log[f->nlog++];
	e->t = f->clk.now;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
}

/* time of the first log entry equal to what, or -1 */
static int64_t when(const fake *f, const char *what)
{
	for (int i = 0; i < f->nlog; i++)
		if (!strcmp(f->log[i].what, what))
			return f->log[i].t;
	return -1;
}

static int pos(const fake *f, const char *what)
{
	for (int i = 0; i < f->nlog; i++)
		if (!strcmp(f->log[i].what, what))
			return i;
	return -1;
}

static void fire(void *arg)
{
	pending *p = arg;
	fake *f = p->f;
	kdx_op *op = p->op;
	size_t i = op->index;
	f->running--;
	bool ok;
	if (op->phase == KDX_PHASE_DO) {
		ok = op->attempt > f->c[i].fail_first;
		logf_(f, "%s %s#%d", ok ? "done" : "fail", op->step->name, op->attempt);
	} else {
		ok = op->attempt > f->c[i].undo_fail;
		if (ok) {
			f->w->applied[i] = 0;
			f->w->undo_sent[i]++;
		}
		logf_(f, "%s %s#%d", ok ? "undone" : "undofail", op->step->name, op->attempt);
	}
	op->be_data = NULL;
	kdx_sched *s = p->s;
	free(p);
	kdx_sched_complete(s, op, ok, ok ? "{\"x\":1}" : NULL, NULL, ok ? NULL : "boom");
}

static int fk_start(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err)
{
	fake *f = ctx;
	size_t i = op->index;
	logf_(f, "%s %s#%d", op->phase == KDX_PHASE_DO ? "do" : "undo", op->step->name,
	      op->attempt);
	/* the request reaches the world at once; its answer comes after dur */
	if (op->phase == KDX_PHASE_DO && op->attempt > f->c[i].fail_first && !f->c[i].hang &&
	    op->step->mutating) {
		f->w->applied[i] = 1;
		f->w->do_sent[i]++;
	}
	if (++f->running > f->max_running)
		f->max_running = f->running;
	if (f->c[i].hang && op->phase == KDX_PHASE_DO)
		return 0;
	pending *p = xmalloc(sizeof(*p));
	*p = (pending){ f, s, op };
	op->be_data = p;
	kdx_vclock_at(&f->clk, f->clk.now + f->c[i].dur, fire, p);
	return 0;
}

static void fk_cancel(void *ctx, kdx_op *op)
{
	fake *f = ctx;
	f->cancels++;
	f->running--;
	logf_(f, "cancel %s#%d", op->step->name, op->attempt);
	if (op->be_data) {
		kdx_vclock_cancel(&f->clk, op->be_data);
		free(op->be_data);
		op->be_data = NULL;
	}
}

static kdx_precheck fk_pre(void *ctx, const kdx_step *st, strbuf *why)
{
	fake *f = ctx;
	size_t i = (size_t)(st - f->tp->steps);
	if (f->c[i].pre == KDX_PRE_FAIL)
		strbuf_addstr(why, "lag 20s > rpo 5s");
	if (f->c[i].pre == KDX_PRE_SKIP)
		strbuf_addstr(why, "when is false");
	return f->c[i].pre;
}

static kdx_recon fk_recon(void *ctx, const kdx_step *st, kdx_phase ph, const char *token,
			  const char *snap, strbuf *why)
{
	fake *f = ctx;
	size_t i = (size_t)(st - f->tp->steps);
	logf_(f, "reconcile %s", st->name);
	strbuf_addf(why, "applied=%d", f->w->applied[i]);
	if (ph == KDX_PHASE_DO)
		return f->w->applied[i] ? KDX_RECON_DONE : KDX_RECON_NOT_DONE;
	return f->w->applied[i] ? KDX_RECON_NOT_DONE : KDX_RECON_DONE;
}

static int fk_stop(void *ctx, strbuf *reason)
{
	fake *f = ctx;
	if (f->stop_at && f->clk.now >= f->stop_at) {
		strbuf_addstr(reason, "alarm 'api-5xx' is in ALARM");
		return 1;
	}
	return 0;
}

static int fk_approve(void *ctx, const kdx_step *st, strbuf *by)
{
	fake *f = ctx;
	strbuf_addstr(by, "test");
	logf_(f, "approve %s", st->name);
	return f->approve;
}

static void fk_event(void *ctx, const kdx_event *e)
{
	fake *f = ctx;
	logf_(f, "ev %s%s%s", kdx_event_kind_name(e->kind), e->step ? " " : "",
	      e->step ? e->step : "");
}

static kdx_backend fk_backend(fake *f)
{
	return (kdx_backend){ .ctx = f, .precheck = fk_pre, .start = fk_start,
			      .cancel = fk_cancel, .reconcile = fk_recon, .stop_check = fk_stop };
}

static world *world_new(void)
{
	world *w = mmap(NULL, sizeof(world), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			-1, 0);
	assert_true(w != MAP_FAILED);
	memset(w, 0, sizeof(*w));
	return w;
}

static fake *fake_new(const tplan *tp, world *w)
{
	fake *f = xcalloc(1, sizeof(*f));
	kdx_vclock_init(&f->clk, 0);
	f->tp = tp;
	f->w = w;
	f->approve = 1;
	for (int i = 0; i < MAXS; i++)
		f->c[i].dur = 10;
	return f;
}

static void fake_free(fake *f)
{
	for (size_t i = 0; i < f->clk.ntimers; i++)
		free(f->clk.timers[i].arg);
	kdx_vclock_release(&f->clk);
	free(f);
}

/* ---- running ---- */

static char statedir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(statedir, "/tmp/kdx-sched-XXXXXX");
	return mkdtemp(statedir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", statedir);
	return system(cmd) == 0 ? 0 : -1;
}

static kdx_sched_opts opts_for(fake *f)
{
	return (kdx_sched_opts){ .parallelism = 10, .approve = fk_approve, .approve_ctx = f,
				 .sink = { fk_event, f }, .command = "apply", .run_id = "r" };
}

static kdx_run_result apply_with(fake *f, kdx_sched_opts o, char **journal_path)
{
	kdx_journal j;
	kdx_journal_init(&j);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_journal_create(&j, statedir, "t", &err), 0);
	kdx_backend be = fk_backend(f);
	kdx_run_result res;
	int rc = kdx_sched_apply(&f->tp->p, &be, &f->clk.base, &j, &o, &res, &err);
	if (rc != 0)
		fail_msg("apply: %s", err.buf);
	if (journal_path)
		*journal_path = xstrdup(j.path);
	kdx_journal_release(&j);
	strbuf_release(&err);
	return res;
}

static kdx_run_result apply(fake *f)
{
	return apply_with(f, opts_for(f), NULL);
}

static void test_order_and_concurrency(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	add(t, "b", "a");
	add(t, "c", "a");
	add(t, "d", "b,c");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].dur = 20;
	f->c[2].dur = 30;
	f->c[3].dur = 5;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(when(f, "do a#1"), 0);
	assert_int_equal(when(f, "do b#1"), 10);
	assert_int_equal(when(f, "do c#1"), 10); /* independent: together */
	assert_int_equal(when(f, "do d#1"), 40); /* after the slower of b and c */
	assert_int_equal(r.elapsed_ms, 45);
	assert_int_equal(f->max_running, 2);
	assert_int_equal(r.done, 4);
	assert_true(pos(f, "ev run_end") > pos(f, "ev step_done d"));
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_parallelism_bound(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	const char *names[] = { "s1", "s2", "s3", "s4", "s5" };
	for (int i = 0; i < 5; i++)
		add(t, names[i], "");
	world *w = world_new();
	fake *f = fake_new(t, w);
	for (int i = 0; i < 5; i++)
		f->c[i].dur = 100;
	kdx_sched_opts o = opts_for(f);
	o.parallelism = 2;
	kdx_run_result r = apply_with(f, o, NULL);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(f->max_running, 2);
	assert_int_equal(r.elapsed_ms, 300);
	fake_free(f);
	/* and with the default bound all five run at once */
	f = fake_new(t, w);
	for (int i = 0; i < 5; i++)
		f->c[i].dur = 100;
	r = apply(f);
	assert_int_equal(f->max_running, 5);
	assert_int_equal(r.elapsed_ms, 100);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_retry_backoff(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	kdx_step *a = add(t, "a", "");
	a->attempts = 3;
	a->backoff_ms = 1000;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].fail_first = 2;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(when(f, "do a#1"), 0);
	assert_int_equal(when(f, "fail a#1"), 10);
	assert_int_equal(when(f, "do a#2"), 1010);   /* backoff 1s */
	assert_int_equal(when(f, "do a#3"), 3020);   /* then 2s: exponential */
	assert_int_equal(when(f, "done a#3"), 3030);
	assert_true(pos(f, "ev step_retry a") >= 0);
	assert_int_equal(w->do_sent[0], 1);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_timeout(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	kdx_step *a = add(t, "a", "");
	a->attempts = 2;
	a->backoff_ms = 100;
	a->timeout_ms = 500;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].hang = true;
	kdx_run_result r = apply(f);
	assert_int_equal(f->cancels, 2);
	assert_int_equal(when(f, "cancel a#1"), 500);
	assert_int_equal(when(f, "do a#2"), 600);
	assert_int_equal(when(f, "cancel a#2"), 1100);
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(r.undone, 0); /* nothing completed, nothing to undo */
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_precondition_stops_before_change(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	add(t, "promote", "a");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].pre = KDX_PRE_FAIL;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(pos(f, "do promote#1"), -1);
	assert_int_equal(w->do_sent[1], 0);
	assert_true(pos(f, "undo a#1") > pos(f, "ev step_failed promote"));
	assert_int_equal(w->applied[0], 0);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

/* a -> b -> d, a -> c; c fails after b and d are done: undo d, then b, then a. */
static void test_rollback_order(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	add(t, "b", "a");
	add(t, "c", "a");
	add(t, "d", "b");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[2].dur = 50;
	f->c[2].fail_first = 1;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(r.undone, 3);
	int ud = pos(f, "undone d#1"), ub = pos(f, "undo b#1"), ubd = pos(f, "undone b#1"),
	    ua = pos(f, "undo a#1");
	assert_true(ud >= 0 && ub > ud && ua > ubd);
	assert_int_equal(pos(f, "undo c#1"), -1); /* failed, so nothing to undo */
	for (int i = 0; i < 4; i++)
		assert_int_equal(w->applied[i], 0);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

/* A step still running when another fails finishes, and is then undone; an irreversible
 * step is reported, and its predecessors still wait for their other successors. */
static void test_rollback_running_and_irreversible(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	add(t, "b", "a");
	add(t, "c", "a");
	add(t, "d", "b");
	kdx_step *e = add(t, "e", "a");
	e->irreversible = true;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].dur = 20; /* b: 10..30 */
	f->c[2].dur = 5;  /* c: 10..15, fails */
	f->c[2].fail_first = 1;
	f->c[4].dur = 1;  /* e: 10..11 */
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(when(f, "done b#1"), 30); /* let it finish */
	assert_int_equal(pos(f, "do d#1"), -1);     /* but start nothing new */
	assert_true(pos(f, "undone b#1") >= 0);
	assert_int_equal(pos(f, "undo e#1"), -1);
	assert_true(pos(f, "ev undo_skipped e") >= 0);
	assert_int_equal(r.not_undone, 1);
	assert_true(pos(f, "undo a#1") > pos(f, "undone b#1"));
	assert_true(pos(f, "undo a#1") > pos(f, "ev undo_skipped e"));
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_undo_failure_blocks(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	add(t, "b", "a");
	add(t, "c", "b");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[2].fail_first = 1;
	f->c[1].undo_fail = 1;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLBACK_FAILED);
	assert_int_equal(pos(f, "undo a#1"), -1);
	assert_true(pos(f, "ev undo_skipped a") >= 0);
	assert_int_equal(w->applied[0], 1);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_continue_and_skip(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	kdx_step *a = add(t, "announce", "");
	a->on_failure = KDX_ON_FAILURE_CONTINUE;
	add(t, "gated", "");
	add(t, "shift", "announce,gated");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].fail_first = 1;
	f->c[1].pre = KDX_PRE_SKIP;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_DEGRADED);
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.done, 1);
	assert_true(pos(f, "do shift#1") >= 0);
	assert_int_equal(pos(f, "do gated#1"), -1);
	assert_true(pos(f, "ev step_skipped gated") >= 0);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_approval(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	kdx_step *p = add(t, "promote", "");
	p->approval = true;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->approve = 0;
	kdx_run_result r = apply(f);
	assert_int_equal(r.failed, 1);
	assert_int_equal(pos(f, "do promote#1"), -1);
	assert_true(pos(f, "ev approval_needed promote") < pos(f, "approve promote"));
	fake_free(f);
	/* no way to ask: fails and says how to approve */
	f = fake_new(t, w);
	kdx_sched_opts o = opts_for(f);
	o.approve = NULL;
	char *path;
	r = apply_with(f, o, &path);
	assert_int_equal(r.failed, 1);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_non_null(strstr(kdx_journal_state_step(&st, "promote")->error, "-approve promote"));
	kdx_journal_state_release(&st);
	free(path);
	fake_free(f);
	f = fake_new(t, w);
	r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_true(pos(f, "ev approved promote") < pos(f, "do promote#1"));
	fake_free(f);
	strbuf_release(&warn);
	strbuf_release(&err);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_stop_condition(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	add(t, "b", "a");
	add(t, "c", "b");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->stop_at = 15; /* the alarm fires while b runs (10..20) */
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_true(r.stopped);
	assert_int_equal(pos(f, "do c#1"), -1);
	assert_true(pos(f, "ev stop_condition") >= 0);
	assert_true(pos(f, "undo b#1") > pos(f, "done b#1"));
	assert_int_equal(w->applied[0] + w->applied[1], 0);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static void test_deadline(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	t->p.has_rto = true;
	t->p.rto_ms = 100;
	add(t, "a", "");
	add(t, "b", "a");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].dur = 80;
	f->c[1].dur = 80;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK); /* default policy: say so and go on */
	assert_true(r.deadline_exceeded);
	assert_int_equal(when(f, "ev deadline_exceeded"), 100); /* on time, mid-step */
	fake_free(f);
	f = fake_new(t, w);
	f->c[0].dur = 80;
	f->c[1].dur = 80;
	kdx_sched_opts o = opts_for(f);
	o.deadline_policy = KDX_DEADLINE_ROLLBACK;
	r = apply_with(f, o, NULL);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(r.undone, 2);
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
}

static kdx_run_result take_over(fake *f, const char *path, bool rollback, strbuf *err)
{
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT;
	if (kdx_journal_read(path, &st, &warn, err) < 0)
		fail_msg("read: %s", err->buf);
	kdx_journal j;
	kdx_journal_init(&j);
	assert_int_equal(kdx_journal_reopen(&j, path, st.last_seq, st.valid_bytes, err), 0);
	kdx_backend be = fk_backend(f);
	kdx_sched_opts o = opts_for(f);
	kdx_run_result res;
	int rc = rollback ? kdx_sched_rollback(&f->tp->p, &st, &be, &f->clk.base, &j, &o, &res, err)
			  : kdx_sched_resume(&f->tp->p, &st, &be, &f->clk.base, &j, &o, &res, err);
	if (rc != 0)
		fail_msg("take over: %s", err->buf);
	kdx_journal_release(&j);
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	return res;
}

static void test_pause_then_resume(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	kdx_step *b = add(t, "b", "a");
	b->on_failure = KDX_ON_FAILURE_PAUSE;
	add(t, "c", "b");
	add(t, "e", "a");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].fail_first = 1;
	f->c[3].dur = 30;
	char *path;
	kdx_run_result r = apply_with(f, opts_for(f), &path);
	assert_int_equal(r.status, KDX_RUN_PAUSED);
	assert_int_equal(pos(f, "do c#1"), -1);
	assert_true(pos(f, "done e#1") >= 0); /* running ones finish */
	assert_true(pos(f, "ev paused") >= 0);
	fake_free(f);
	/* fixed: resume runs b and c, and nothing that was done */
	f = fake_new(t, w);
	strbuf err = STRBUF_INIT;
	r = take_over(f, path, false, &err);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(pos(f, "do a#1"), -1);
	assert_int_equal(pos(f, "do e#1"), -1);
	assert_true(pos(f, "do b#1") < pos(f, "do c#1"));
	for (int i = 0; i < 4; i++)
		assert_int_equal(w->do_sent[i], 1);
	fake_free(f);
	/* a finished run cannot be resumed */
	f = fake_new(t, w);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	kdx_journal j;
	kdx_journal_init(&j);
	j.path = xstrdup(path);
	kdx_backend be = fk_backend(f);
	kdx_sched_opts o = opts_for(f);
	assert_int_equal(kdx_sched_resume(&t->p, &st, &be, &f->clk.base, &j, &o, &r, &err), -1);
	assert_non_null(strstr(err.buf, "already finished (ok)"));
	kdx_journal_release(&j);
	kdx_journal_state_release(&st);
	fake_free(f);
	free(path);
	strbuf_release(&err);
	strbuf_release(&warn);
	free(t);
	munmap(w, sizeof(*w));
}

/* The KALDRIX-like shape: two independent branches joining, with a mutating undo each. */
static tplan *crash_plan(void)
{
	tplan *t = tplan_new();
	add(t, "announce", "");
	add(t, "scale", "announce");
	add(t, "cache", "announce");
	add(t, "shift", "scale,cache");
	add(t, "promote", "shift");
	t->steps[0].mutating = false; /* a notification: nothing to undo */
	t->steps[0].has_undo = false;
	return t;
}

static char *run_child_until_crash(tplan *t, world *w, long crash_at, bool *crashed)
{
	kdx_journal j;
	kdx_journal_init(&j);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_journal_create(&j, statedir, "crash", &err), 0);
	char *path = xstrdup(j.path);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fake *f = fake_new(t, w);
		f->c[2].dur = 25; /* cache runs beside scale */
		j.crash_at = crash_at;
		kdx_backend be = fk_backend(f);
		kdx_sched_opts o = opts_for(f);
		o.sink.emit = NULL;
		kdx_run_result res;
		_exit(kdx_sched_apply(&t->p, &be, &f->clk.base, &j, &o, &res, &err) == 0 ? 0 : 3);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	*crashed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	if (!*crashed)
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	kdx_journal_release(&j);
	strbuf_release(&err);
	return path;
}

static bool journal_ended(const char *path)
{
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	bool ended = st.ended;
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	return ended;
}

static void test_crash_everywhere_then_resume(void **state)
{
	(void)state;
	tplan *t = crash_plan();
	int points = 0;
	for (long n = 1;; n++) {
		world *w = world_new();
		bool crashed;
		char *path = run_child_until_crash(t, w, n, &crashed);
		if (!crashed) {
			free(path);
			munmap(w, sizeof(*w));
			break;
		}
		points++;
		fake *f = fake_new(t, w);
		strbuf err = STRBUF_INIT;
		if (!journal_ended(path)) { /* killed after run_end: nothing left to resume */
			kdx_run_result r = take_over(f, path, false, &err);
			if (r.status != KDX_RUN_OK)
				fail_msg("crash at %ld: resume ended %s", n,
					 kdx_run_status_name(r.status));
		}
		for (size_t i = 1; i < t->p.nsteps; i++) {
			if (w->applied[i] != 1 || w->do_sent[i] != 1)
				fail_msg("crash at %ld: step %s applied %d, sent %d times", n,
					 t->steps[i].name, w->applied[i], w->do_sent[i]);
		}
		fake_free(f);
		strbuf_release(&err);
		free(path);
		munmap(w, sizeof(*w));
	}
	assert_true(points >= 20); /* every record of the run was a crash point */
	free(t);
}

static void test_crash_everywhere_then_rollback(void **state)
{
	(void)state;
	tplan *t = crash_plan();
	for (long n = 1;; n++) {
		world *w = world_new();
		bool crashed;
		char *path = run_child_until_crash(t, w, n, &crashed);
		fake *f = fake_new(t, w);
		strbuf err = STRBUF_INIT;
		kdx_run_result r = take_over(f, path, true, &err);
		if (r.status != KDX_RUN_ROLLED_BACK)
			fail_msg("crash at %ld: rollback ended %s", n, kdx_run_status_name(r.status));
		for (size_t i = 0; i < t->p.nsteps; i++)
			if (w->applied[i] != 0 || w->undo_sent[i] > 1 || w->do_sent[i] > 1)
				fail_msg("crash at %ld: step %s applied %d, undone %d times", n,
					 t->steps[i].name, w->applied[i], w->undo_sent[i]);
		/* undo order: promote before shift before scale and cache */
		int up = pos(f, "undone promote#1"), us = pos(f, "undo shift#1"),
		    usc = pos(f, "undo scale#1");
		if (up >= 0 && us >= 0)
			assert_true(up < us);
		if (us >= 0 && usc >= 0)
			assert_true(pos(f, "undone shift#1") < usc);
		fake_free(f);
		strbuf_release(&err);
		free(path);
		munmap(w, sizeof(*w));
		if (!crashed)
			break;
	}
	free(t);
}

/* promote fails, so the run rolls back; killed at every write, before or during the rollback,
 * a resume finishes the rollback (the decision to roll back is in the journal) and nothing is
 * done or undone twice. */
static void test_crash_during_rollback(void **state)
{
	(void)state;
	tplan *t = crash_plan();
	int points = 0;
	for (long n = 1;; n++) {
		world *w = world_new();
		kdx_journal j;
		kdx_journal_init(&j);
		strbuf err = STRBUF_INIT;
		assert_int_equal(kdx_journal_create(&j, statedir, "rb", &err), 0);
		char *path = xstrdup(j.path);
		pid_t pid = fork();
		if (pid == 0) {
			fake *f = fake_new(t, w);
			f->c[4].fail_first = 1; /* promote fails: roll back */
			j.crash_at = n;
			kdx_backend be = fk_backend(f);
			kdx_sched_opts o = opts_for(f);
			o.sink.emit = NULL;
			kdx_run_result res;
			_exit(kdx_sched_apply(&t->p, &be, &f->clk.base, &j, &o, &res, &err) ? 3 : 0);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		kdx_journal_release(&j);
		bool crashed = WIFSIGNALED(status);
		if (crashed && !journal_ended(path)) {
			points++;
			fake *f = fake_new(t, w);
			f->c[4].fail_first = 1; /* still failing */
			kdx_run_result r = take_over(f, path, false, &err);
			if (r.status != KDX_RUN_ROLLED_BACK)
				fail_msg("crash at %ld: resume ended %s", n,
					 kdx_run_status_name(r.status));
			fake_free(f);
		}
		for (size_t i = 0; i < t->p.nsteps; i++)
			if (w->applied[i] != 0 || w->undo_sent[i] > 1 || w->do_sent[i] > 1)
				fail_msg("crash at %ld: %s applied %d, sent %d, undone %d", n,
					 t->steps[i].name, w->applied[i], w->do_sent[i],
					 w->undo_sent[i]);
		strbuf_release(&err);
		free(path);
		munmap(w, sizeof(*w));
		if (!crashed)
			break;
	}
	assert_true(points >= 20);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_concurrency),
		cmocka_unit_test(test_parallelism_bound),
		cmocka_unit_test(test_retry_backoff),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_precondition_stops_before_change),
		cmocka_unit_test(test_rollback_order),
		cmocka_unit_test(test_rollback_running_and_irreversible),
		cmocka_unit_test(test_undo_failure_blocks),
		cmocka_unit_test(test_continue_and_skip),
		cmocka_unit_test(test_approval),
		cmocka_unit_test(test_stop_condition),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_pause_then_resume),
		cmocka_unit_test(test_crash_everywhere_then_resume),
		cmocka_unit_test(test_crash_everywhere_then_rollback),
		cmocka_unit_test(test_crash_during_rollback),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
