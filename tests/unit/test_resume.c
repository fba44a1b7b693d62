/* Unit tests for resuming and rolling back from a journal: pause then resume, and a child
 * killed (KDX_CRASH_AT-style hook) right after every journal fsync, then resumed or rolled
 * back in the parent: nothing is done or undone twice. Also the real clock with a poll hook. */
#include "tests/unit/sched_fake.h"

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
	tplan *t = chain("announce", "scale", NULL);
	add(t, "cache", "announce");
	add(t, "shift", "scale,cache");
	add(t, "promote", "shift");
	t->steps[0].mutating = false; /* a notification: nothing to undo */
	t->steps[0].has_undo = false;
	return t;
}

/* The parent's copy of a journal the child wrote: close it without touching the file
 * (releasing it would cut the file at the parent's stale write offset). */
static void forget(kdx_journal *j)
{
	kdx_journal_forget(j);
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
	forget(&j);
	strbuf_release(&err);
	return path;
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
		assert_int_equal(w->token_changed, 0); /* same token after resume */
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
		forget(&j);
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

/* Crash right after promote's intent, with promote behind an approval: resume does not ask
 * again (the approval is journalled); and if the live state cannot be read, it pauses and
 * says why instead of guessing. */
static void test_resume_approval_and_unknown(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "shift", "");
	kdx_step *p = add(t, "promote", "shift");
	p->approval = true;
	world *w = world_new();
	bool crashed;
	long at = 0;
	char *path = NULL;
	/* find the record number of promote's intent: run once without crashing */
	{
		fake *f = fake_new(t, w);
		char *jp;
		apply_with(f, opts_for(f), &jp);
		kdx_journal_state st;
		kdx_journal_state_init(&st);
		strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
		assert_int_equal(kdx_journal_read(jp, &st, &warn, &err), 0);
		FILE *fp = fopen(jp, "r");
		char line[1024];
		for (long n = 1; fgets(line, sizeof(line), fp); n++)
			if (strstr(line, "\"kind\":\"intent\",\"step\":\"promote\""))
				at = n;
		fclose(fp);
		kdx_journal_state_release(&st);
		strbuf_release(&warn);
		strbuf_release(&err);
		free(jp);
		fake_free(f);
	}
	assert_true(at > 0);
	memset(w, 0, sizeof(*w));
	path = run_child_until_crash(t, w, at, &crashed);
	assert_true(crashed);
	/* blind: cannot tell whether promote happened -> pause, nothing sent */
	fake *f = fake_new(t, w);
	f->blind = true;
	strbuf err = STRBUF_INIT;
	kdx_run_result r = take_over(f, path, false, &err);
	assert_int_equal(r.status, KDX_RUN_PAUSED);
	assert_int_equal(pos(f, "do promote#1"), -1);
	assert_true(pos(f, "ev step_failed promote") >= 0);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_non_null(strstr(kdx_journal_state_step(&st, "promote")->error,
			       "cannot tell whether the change of step 'promote' happened "
			       "(DescribeGlobalClusters is not allowed)"));
	kdx_journal_state_release(&st);
	fake_free(f);
	/* with the live state readable again: resumed, reconciled, not approved twice */
	f = fake_new(t, w);
	r = take_over(f, path, false, &err);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(pos(f, "approve promote"), -1);
	assert_int_equal(w->do_sent[1], 1);
	fake_free(f);
	strbuf_release(&err);
	strbuf_release(&warn);
	free(path);
	free(t);
	munmap(w, sizeof(*w));
}

/* A journal of a different runbook (a step it does not have) is refused before anything. */
static void test_resume_other_runbook(void **state)
{
	(void)state;
	tplan *t = crash_plan();
	world *w = world_new();
	bool crashed;
	char *path = run_child_until_crash(t, w, 8, &crashed);
	tplan *other = tplan_new();
	add(other, "announce", "");
	add(other, "scale", "announce");
	fake *f = fake_new(other, w);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	kdx_journal j;
	kdx_journal_init(&j);
	assert_int_equal(kdx_journal_reopen(&j, path, st.last_seq, st.valid_bytes, &err), 0);
	kdx_backend be = fk_backend(f);
	kdx_sched_opts o = opts_for(f);
	kdx_run_result r;
	assert_int_equal(kdx_sched_resume(&other->p, &st, &be, &f->clk.base, &j, &o, &r, &err), -1);
	assert_non_null(strstr(err.buf, "step 'cache' of the journal is not in the runbook"));
	assert_int_equal(pos(f, "do scale#1"), -1);
	kdx_journal_release(&j);
	kdx_journal_state_release(&st);
	fake_free(f);
	strbuf_release(&warn);
	strbuf_release(&err);
	free(path);
	free(other);
	free(t);
	munmap(w, sizeof(*w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pause_then_resume),
		cmocka_unit_test(test_crash_everywhere_then_resume),
		cmocka_unit_test(test_crash_everywhere_then_rollback),
		cmocka_unit_test(test_crash_during_rollback),
		cmocka_unit_test(test_resume_approval_and_unknown),
		cmocka_unit_test(test_resume_other_runbook),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
