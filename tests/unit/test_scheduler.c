/* Unit tests for executor/scheduler on the virtual clock: order, parallelism, retries,
 * timeouts, preconditions, approvals, on_failure, stop conditions, the RTO deadline and the
 * rollback order. Resume and crash tests are in test_resume.c. */
#include "tests/unit/sched_fake.h"

static void test_order_and_concurrency(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", NULL);
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
	fixture_free(f, t, w);
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
	fixture_free(f, t, w);
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
	assert_int_equal(w->token_changed, 0); /* every attempt carries the same token */
	assert_non_null(strstr(w->token[0][KDX_PHASE_DO], "kdx-r-"));
	fixture_free(f, t, w);
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
	fixture_free(f, t, w);
}

static void test_precondition_stops_before_change(void **state)
{
	(void)state;
	tplan *t = chain("a", "promote", NULL);
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].pre = KDX_PRE_FAIL;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(pos(f, "do promote#1"), -1);
	assert_int_equal(w->do_sent[1], 0);
	assert_true(pos(f, "undo a#1") > pos(f, "ev step_failed promote"));
	assert_int_equal(w->applied[0], 0);
	fixture_free(f, t, w);
}

/* a -> b -> d, a -> c; c fails after b and d are done: undo d, then b, then a. */
static void test_rollback_order(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", NULL);
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
	/* an undo must never reuse the do's idempotency token */
	assert_string_equal(w->token[0][KDX_PHASE_DO] + strlen(w->token[0][KDX_PHASE_DO]) - 2, "-d");
	assert_string_not_equal(w->token[0][KDX_PHASE_DO], w->token[0][KDX_PHASE_UNDO]);
	for (int i = 0; i < 4; i++)
		assert_int_equal(w->applied[i], 0);
	fixture_free(f, t, w);
}

/* A step still running when another fails finishes, and is then undone; an irreversible
 * step is reported, and its predecessors still wait for their other successors. */
static void test_rollback_running_and_irreversible(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", NULL);
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
	/* e's change stays: the run says so, never rolled_back (#20.2) */
	assert_int_equal(r.status, KDX_RUN_ROLLBACK_INCOMPLETE);
	assert_int_equal(r.in_place, 1);
	assert_true(pos(f, "ev change_in_place e") > pos(f, "ev undo_skipped e"));
	assert_int_equal(when(f, "done b#1"), 30); /* let it finish */
	assert_int_equal(pos(f, "do d#1"), -1);     /* but start nothing new */
	assert_true(pos(f, "undone b#1") >= 0);
	assert_int_equal(pos(f, "undo e#1"), -1);
	assert_true(pos(f, "ev undo_skipped e") >= 0);
	assert_int_equal(r.not_undone, 1);
	assert_true(pos(f, "undo a#1") > pos(f, "undone b#1"));
	assert_true(pos(f, "undo a#1") > pos(f, "ev undo_skipped e"));
	fixture_free(f, t, w);
}

static void test_undo_failure_blocks(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", "c", NULL);
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[2].fail_first = 1;
	f->c[1].undo_fail = 1;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLBACK_INCOMPLETE);
	assert_int_equal(pos(f, "undo a#1"), -1);
	assert_true(pos(f, "ev undo_skipped a") >= 0);
	assert_int_equal(w->applied[0], 1);
	fixture_free(f, t, w);
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
	fixture_free(f, t, w);
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
	tplan *t = chain("a", "b", "c", NULL);
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
	fixture_free(f, t, w);
}

/* While a long step runs, stop conditions are still read every stop_interval_ms: read before
 * "next" starts at 1 s, the alarm (in ALARM from 3 s) is seen at 1 + 5 = 6 s; nothing new
 * starts after that, and the running step is preempted (#14.6): cancelled at once, read
 * back (its change went out) and undone -- not waited for until it ends at 20 s. */
static void test_stop_condition_while_running(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "long", "");
	add(t, "short", "");
	add(t, "next", "short");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].dur = 20000;
	f->c[1].dur = 1000;
	f->c[2].dur = 10;
	f->stop_at = 3000;
	kdx_sched_opts o = opts_for(f);
	o.stop_interval_ms = 5000;
	o.parallelism = 2; /* so "next" waits for a slot... */
	kdx_run_result r = apply_with(f, o, NULL);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	/* ...which frees at 1 s, when the alarm is not in ALARM yet: next runs */
	assert_int_equal(when(f, "do next#1"), 1000);
	assert_int_equal(when(f, "ev stop_condition"), 6000);
	assert_int_equal(when(f, "cancel long#1"), 6000);
	assert_int_equal(pos(f, "done long#1"), -1);
	assert_true(pos(f, "reconcile long") > pos(f, "cancel long#1"));
	assert_int_equal(when(f, "undo long#1"), 6000);
	assert_int_equal(w->applied[0] + w->applied[1] + w->applied[2], 0);
	fixture_free(f, t, w);
}

/* Between attempts too (#14.6): a step waiting a minute to retry does not keep an alarm
 * waiting; it is seen at the next stop interval and the retry never starts. */
static void test_stop_condition_in_backoff(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	kdx_step *b = add(t, "b", "a");
	b->attempts = 3;
	b->backoff_ms = 60000;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].fail_first = 3;
	f->stop_at = 1000;
	kdx_sched_opts o = opts_for(f);
	o.stop_interval_ms = 5000;
	kdx_run_result r = apply_with(f, o, NULL);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_true(r.stopped);
	assert_true(when(f, "ev stop_condition") <= 1000 + 5000);
	assert_int_equal(pos(f, "do b#2"), -1);
	assert_int_equal(w->applied[0], 0);
	fixture_free(f, t, w);
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
	fixture_free(f, t, w);
}

/* kdx simulate: the same scheduling with a journal that checks records and keeps none. */
static void test_discard_journal(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", NULL);
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].fail_first = 1;
	kdx_journal j;
	kdx_journal_open_discard(&j);
	kdx_journal_add_secret(&j, "SECRETCANARY");
	kdx_backend be = fk_backend(f);
	kdx_sched_opts o = opts_for(f);
	kdx_run_result r;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_sched_apply(&t->p, &be, &f->clk.base, &j, &o, &r, &err), 0);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_true(j.records > 8);
	assert_int_equal(j.fsyncs, 0);
	/* still checked: a secret aborts the run even with nothing written */
	assert_int_equal(kdx_journal_append(&j, KDX_J_RESULT, "a", "{\"x\":\"SECRETCANARY\"}", &err),
			 -1);
	kdx_journal_release(&j);
	fake_free(f);
	strbuf_release(&err);
	free(t);
	munmap(w, sizeof(*w));
}

/* ---- the real clock: waits happen in the backend's poll hook (timerfds stand in for the
 * sockets the HTTP client would watch) ---- */

#include <poll.h>
#include <sys/timerfd.h>

typedef struct rt {
	int fd[MAXS];
	kdx_op *op[MAXS];
	kdx_sched *s;
	int64_t dur[MAXS];
} rt;

static int rt_start(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err)
{
	rt *b = ctx;
	size_t i = op->index;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	assert_true(fd >= 0);
	struct itimerspec its = { .it_value = { (time_t)(b->dur[i] / 1000),
						(long)(b->dur[i] % 1000) * 1000000L } };
	assert_int_equal(timerfd_settime(fd, 0, &its, NULL), 0);
	b->fd[i] = fd;
	b->op[i] = op;
	b->s = s;
	return 0;
}

static int rt_poll(void *ctx, int64_t timeout_ms)
{
	rt *b = ctx;
	struct pollfd pfd[MAXS];
	size_t idx[MAXS], n = 0;
	for (size_t i = 0; i < MAXS; i++)
		if (b->op[i]) {
			pfd[n] = (struct pollfd){ .fd = b->fd[i], .events = POLLIN };
			idx[n++] = i;
		}
	int r = poll(pfd, n, timeout_ms > 60000 ? 60000 : (int)timeout_ms);
	int done = 0;
	for (size_t k = 0; r > 0 && k < n; k++) {
		if (!(pfd[k].revents & POLLIN))
			continue;
		size_t i = idx[k];
		kdx_op *op = b->op[i];
		close(b->fd[i]);
		b->op[i] = NULL;
		kdx_sched_complete(b->s, op, true, NULL, NULL, NULL);
		done++;
	}
	return done;
}

static void test_real_clock(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "wait_a", "");
	add(t, "wait_b", "");
	add(t, "after", "wait_a,wait_b");
	rt b = { .dur = { 200, 200, 100 } };
	kdx_backend be = { .ctx = &b, .start = rt_start, .poll = rt_poll };
	kdx_real_clock clk;
	kdx_real_clock_init(&clk);
	kdx_journal j;
	kdx_journal_init(&j);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_journal_create(&j, statedir, "rt", &err), 0);
	kdx_sched_opts o = { .command = "apply" };
	kdx_run_result res;
	int64_t t0 = kdx_clock_now(&clk.base);
	assert_int_equal(kdx_sched_apply(&t->p, &be, &clk.base, &j, &o, &res, &err), 0);
	int64_t took = kdx_clock_now(&clk.base) - t0;
	assert_int_equal(res.status, KDX_RUN_OK);
	/* the real clock really waited (200 + 100 ms at least); that the two 200 ms steps
	 * overlap is test_order_and_concurrency's, on the virtual clock: an upper bound on
	 * wall time here would fail on a loaded machine (no timed assertions in unit tests) */
	if (took < 295)
		fail_msg("took %lld ms", (long long)took);
	assert_true(res.elapsed_ms >= 295 && res.elapsed_ms <= took);
	kdx_journal_release(&j);
	strbuf_release(&err);
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
		cmocka_unit_test(test_stop_condition_while_running),
		cmocka_unit_test(test_stop_condition_in_backoff),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_discard_journal),
		cmocka_unit_test(test_real_clock),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
