/* Unit tests for recovery that never lies (issue #20.1, .2, .4): a failed attempt whose
 * request may have reached the service is in doubt, reconciled against live state before
 * the run moves on, retries or rolls back; the rollback undoes it when it took effect; the
 * run's status names every change left in place; nothing irreversible is sent twice. */
#include "tests/unit/sched_fake.h"

/* Route 53's GetChange fails after the weights moved: live state says the change was made,
 * so the step is done -- forward progress, not a retry and not a silent "nothing happened". */
static void test_lost_answer_change_made(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "scale", "");
	kdx_step *shift = add(t, "shift", "scale");
	shift->attempts = 3;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].lost_first = 1;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_true(pos(f, "reconcile shift") > pos(f, "lost shift#1"));
	assert_int_equal(pos(f, "do shift#2"), -1); /* read back: not sent again */
	assert_int_equal(w->do_sent[1], 1);
	assert_true(pos(f, "ev step_reconciled shift") >= 0);
	assert_int_equal(r.done, 2);
	fixture_free(f, t, w);
}

/* The reported case: the change was made, its answer lost, and a later step fails. The
 * rollback must undo it too (today: scaled back, weights left moved, "rolled_back"). */
static void test_lost_answer_then_rollback_undoes_it(void **state)
{
	(void)state;
	tplan *t = chain("scale", "shift", "validate", NULL);
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].lost_first = 1;
	f->c[2].fail_first = 1;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_true(pos(f, "undone shift#1") >= 0);
	assert_true(pos(f, "undo scale#1") > pos(f, "undone shift#1"));
	for (int i = 0; i < 3; i++)
		assert_int_equal(w->applied[i], 0);
	assert_int_equal(r.in_place, 0);
	fixture_free(f, t, w);
}

/* The live state cannot be read: the step stays in doubt and the rollback undoes it anyway
 * (the undo restores the state read before the change), so the world is put back. */
static void test_unreadable_doubt_is_undone(void **state)
{
	(void)state;
	tplan *t = chain("scale", "fence", NULL);
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].lost_first = 1;
	f->blind = true;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(r.failed, 1);
	assert_true(pos(f, "undone fence#1") >= 0);
	assert_true(pos(f, "undo scale#1") > pos(f, "undone fence#1"));
	assert_int_equal(w->applied[1], 0);
	assert_int_equal(w->applied[0], 0);
	fixture_free(f, t, w);
}

/* Read back as not made: an ordinary failure, retried; the change is sent once more. */
static void test_doubt_not_made_retries(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	kdx_step *a = add(t, "a", "");
	a->attempts = 2;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].lost_first = 1;
	w->applied[0] = 0;
	/* the lost attempt made the change; take it back behind kdx's back */
	f->c[0].dur = 10;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(pos(f, "do a#2"), -1);
	fake_free(f);
	/* now one whose request did not reach the world: it is tried again */
	memset(w, 0, sizeof(*w));
	f = fake_new(t, w);
	f->c[0].fail_first = 1;
	r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(pos(f, "reconcile a"), -1); /* nothing was sent: no read needed */
	assert_true(pos(f, "do a#2") >= 0);
	fixture_free(f, t, w);
}

/* A timed-out attempt whose change went out is reconciled like a lost answer. */
static void test_timeout_after_change(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	kdx_step *a = add(t, "a", "");
	a->timeout_ms = 500;
	a->attempts = 2;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].hang = true;
	f->c[0].hang_applied = true;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(f->cancels, 1);
	assert_true(pos(f, "reconcile a") > pos(f, "cancel a#1"));
	assert_int_equal(pos(f, "do a#2"), -1);
	fixture_free(f, t, w);
}

/* An undo whose answer is lost is read back, not taken for a failure. */
static void test_undo_lost_answer(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", NULL);
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].fail_first = 1;
	f->c[0].undo_lost = 1;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_true(pos(f, "reconcile a") > pos(f, "undolost a#1"));
	assert_int_equal(pos(f, "undo a#2"), -1);
	assert_int_equal(w->undo_sent[0], 1);
	assert_int_equal(r.undone, 1);
	fixture_free(f, t, w);
}

/* An undo that keeps failing leaves its change in place: rollback_incomplete, the change
 * named with the command that finishes it -- never rolled_back. */
static void test_failed_undo_is_incomplete(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", NULL);
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].fail_first = 1;
	f->c[0].undo_fail = 1;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLBACK_INCOMPLETE);
	assert_int_equal(r.in_place, 1);
	assert_true(pos(f, "ev change_in_place a") > pos(f, "ev undo_failed a"));
	assert_string_equal(kdx_run_status_name(r.status), "rollback_incomplete");
	fixture_free(f, t, w);
}

/* #20.4: an irreversible step whose answer was lost and whose live state cannot be read is
 * never sent again: the run pauses; a resume that still cannot read pauses again without
 * sending; once the read works, the change is found made and the run goes on. */
static void test_irreversible_never_sent_twice(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	kdx_step *d = add(t, "detach", "a");
	d->irreversible = true;
	d->attempts = 3;
	add(t, "c", "detach");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].lost_first = 1;
	f->blind = true;
	char *path;
	kdx_run_result r = apply_with(f, opts_for(f), &path);
	assert_int_equal(r.status, KDX_RUN_PAUSED);
	assert_int_equal(w->do_sent[1], 1);
	assert_int_equal(pos(f, "do detach#2"), -1);
	assert_int_equal(pos(f, "do c#1"), -1);
	fake_free(f);
	for (int k = 0; k < 2; k++) { /* resumed twice, still blind: nothing sent */
		f = fake_new(t, w);
		f->blind = true;
		strbuf err = STRBUF_INIT;
		r = take_over(f, path, false, &err);
		assert_int_equal(r.status, KDX_RUN_PAUSED);
		assert_int_equal(pos(f, "do detach#1"), -1);
		assert_int_equal(w->do_sent[1], 1);
		strbuf_release(&err);
		fake_free(f);
	}
	f = fake_new(t, w);
	strbuf err = STRBUF_INIT;
	r = take_over(f, path, false, &err);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(w->do_sent[1], 1);
	assert_int_equal(w->do_sent[2], 1);
	strbuf_release(&err);
	fake_free(f);
	free(path);
	free(t);
	munmap(w, sizeof(*w));
}

/* A run that failed with a step in doubt, then `kdx rollback` from the journal: the
 * rollback reads the step back and undoes it; a second rollback changes nothing and says
 * rolled_back only because everything is verified undone. */
static void test_rollback_from_journal_undoes_doubt(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "scale", "");
	kdx_step *fence = add(t, "fence", "scale");
	fence->on_failure = KDX_ON_FAILURE_PAUSE;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].lost_first = 1;
	f->blind = true;
	char *path;
	kdx_run_result r = apply_with(f, opts_for(f), &path);
	assert_int_equal(r.status, KDX_RUN_PAUSED);
	assert_int_equal(w->applied[1], 1); /* the fence is on */
	fake_free(f);
	f = fake_new(t, w);
	strbuf err = STRBUF_INIT;
	r = take_over(f, path, true, &err);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_true(pos(f, "undone fence#1") >= 0);
	assert_int_equal(w->applied[1], 0);
	assert_int_equal(w->applied[0], 0);
	fake_free(f);
	f = fake_new(t, w);
	r = take_over(f, path, true, &err);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(w->undo_sent[1], 1);
	assert_int_equal(w->undo_sent[0], 1);
	strbuf_release(&err);
	fake_free(f);
	free(path);
	free(t);
	munmap(w, sizeof(*w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_answer_change_made),
		cmocka_unit_test(test_lost_answer_then_rollback_undoes_it),
		cmocka_unit_test(test_unreadable_doubt_is_undone),
		cmocka_unit_test(test_doubt_not_made_retries),
		cmocka_unit_test(test_timeout_after_change),
		cmocka_unit_test(test_undo_lost_answer),
		cmocka_unit_test(test_failed_undo_is_incomplete),
		cmocka_unit_test(test_irreversible_never_sent_twice),
		cmocka_unit_test(test_rollback_from_journal_undoes_doubt),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
