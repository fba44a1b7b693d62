/* sched_fake: the test double of kdx's own backend interface shared by the scheduler tests:
 * it records calls on a virtual clock and "changes" a world in shared memory, so a forked,
 * killed child and the parent that resumes see the same world. Plans are built by hand. */
#ifndef KDX_TEST_SCHED_FAKE_H
#define KDX_TEST_SCHED_FAKE_H
#pragma GCC diagnostic ignored "-Wunused-function"
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

/* A plan of steps run one after another: chain("a", "b", "c", NULL) is a, b after a, c after
 * b (names are kept, not copied: pass literals). More steps may be added after. */
static tplan *chain(const char *first, ...)
{
	tplan *t = tplan_new();
	va_list ap;
	va_start(ap, first);
	const char *prev = "";
	for (const char *n = first; n; n = va_arg(ap, const char *)) {
		add(t, n, prev);
		prev = n;
	}
	va_end(ap);
	return t;
}

/* ---- the world the fake backend changes (shared with a forked child) ---- */

typedef struct world {
	int applied[MAXS];  /* the change of step i is in effect */
	int do_sent[MAXS];  /* mutating requests that changed something */
	int undo_sent[MAXS];
	char token[MAXS][2][48]; /* the idempotency token each phase was sent with */
	int token_changed;       /* a phase of a step was sent with a different token */
} world;

typedef struct cfg {
	int64_t dur;          /* how long an attempt takes */
	int fail_first;       /* attempts that fail before one succeeds */
	bool hang;            /* never completes (timeouts) */
	kdx_precheck pre;
	int undo_fail;        /* undo attempts that fail */
	int lost_first;       /* do attempts whose change is made but whose answer is lost */
	int undo_lost;        /* undo attempts likewise */
	bool hang_applied;    /* with hang: the change is made, the answer never comes */
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
	bool blind;           /* reconcile cannot read the live state */
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
		ok = op->attempt > f->c[i].fail_first && op->attempt > f->c[i].lost_first;
		op->sent = op->attempt <= f->c[i].lost_first;
		logf_(f, "%s %s#%d", ok ? "done" : op->sent ? "lost" : "fail", op->step->name,
		      op->attempt);
	} else {
		bool lost = op->attempt <= f->c[i].undo_lost;
		ok = op->attempt > f->c[i].undo_fail && !lost;
		if (ok || lost) {
			f->w->applied[i] = 0;
			f->w->undo_sent[i]++;
		}
		op->sent = lost;
		logf_(f, "%s %s#%d", ok ? "undone" : lost ? "undolost" : "undofail",
		      op->step->name, op->attempt);
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
	char *tok = f->w->token[i][op->phase];
	if (*tok && strcmp(tok, op->token))
		f->w->token_changed++;
	snprintf(tok, sizeof(f->w->token[i][op->phase]), "%s", op->token);
	/* the request reaches the world at once; its answer comes after dur */
	bool reaches = op->attempt > f->c[i].fail_first || op->attempt <= f->c[i].lost_first;
	if (op->phase == KDX_PHASE_DO && reaches && (!f->c[i].hang || f->c[i].hang_applied) &&
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
	/* the change went out at the start (see fk_start): the cancel leaves it in doubt */
	op->sent = op->phase == KDX_PHASE_UNDO || f->w->applied[op->index];
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
	if (f->blind) {
		strbuf_addstr(why, "DescribeGlobalClusters is not allowed");
		return KDX_RECON_UNKNOWN;
	}
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

/* The end of a test: its fake, plan and world released. */
static void fixture_free(fake *f, tplan *t, world *w)
{
	fake_free(f);
	free(t);
	munmap(w, sizeof(*w));
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
	o.run_id = "not-this-one"; /* a resumed run keeps the journal's run id (and tokens) */
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

#endif
