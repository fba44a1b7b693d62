/* Unit tests for the scheduler's queues (executor/sched_fwd.c, sched_undo.c, sched_heap.c),
 * which replaced scans of every step: the order in which steps start must be the scans'
 * (a step made ready by a skip joins the current pass only if its index is higher; a
 * predecessor later in source order), rollback sweeps from the last step back with the
 * parallelism bound, and a due retry waiting for a free slot no longer spins forever. */
#include "tests/unit/sched_fake.h"

/* s1 comes after s3, which is later in source order; s3 is skipped: s1 becomes ready
 * during the pass, behind it, so it starts in the next pass, after s4. */
static void test_skip_readies_lower_index_next_pass(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "s0", "");
	kdx_step *s1 = add(t, "s1", "");
	add(t, "s2", "");
	add(t, "s3", "");
	add(t, "s4", "");
	s1->preds[s1->npreds++] = (kdx_edge){ .from = 3 };
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[3].pre = KDX_PRE_SKIP;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(r.skipped, 1);
	assert_true(pos(f, "do s0#1") < pos(f, "do s2#1"));
	assert_true(pos(f, "do s2#1") < pos(f, "do s4#1"));
	assert_true(pos(f, "do s4#1") < pos(f, "do s1#1"));
	assert_int_equal(when(f, "do s1#1"), 0);
	fixture_free(f, t, w);
}

/* s2 comes after s1, which is skipped: s2 is ahead of the pass and starts in it, before s3. */
static void test_skip_readies_higher_index_same_pass(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "s0", "");
	add(t, "s1", "");
	add(t, "s2", "s1");
	add(t, "s3", "");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[1].pre = KDX_PRE_SKIP;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_true(pos(f, "do s0#1") < pos(f, "do s2#1"));
	assert_true(pos(f, "do s2#1") < pos(f, "do s3#1"));
	fixture_free(f, t, w);
}

/* Parallelism 2: ready steps start in index order as slots free up. */
static void test_ready_in_index_order(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "a", "");
	add(t, "b", "");
	add(t, "c", "a");
	add(t, "d", "");
	add(t, "e", "b");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].dur = 10;
	f->c[1].dur = 20;
	f->c[2].dur = 5;
	f->c[3].dur = 5;
	f->c[4].dur = 5;
	kdx_sched_opts o = opts_for(f);
	o.parallelism = 2;
	kdx_run_result r = apply_with(f, o, NULL);
	assert_int_equal(r.status, KDX_RUN_OK);
	/* a and b at 0; a done at 10: c (index 2) before d (index 3) */
	assert_int_equal(when(f, "do c#1"), 10);
	assert_int_equal(when(f, "do d#1"), 15);
	assert_int_equal(when(f, "do e#1"), 20);
	assert_int_equal(f->max_running, 2);
	fixture_free(f, t, w);
}

/* Rollback of a diamond with parallelism 1: from the last step back, one undo at a time,
 * a only after both b and c. */
static void test_undo_sweep_order(void **state)
{
	(void)state;
	tplan *t = chain("a", "b", NULL);
	add(t, "c", "a");
	add(t, "d", "b,c");
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[3].fail_first = 5;
	kdx_sched_opts o = opts_for(f);
	o.parallelism = 1;
	kdx_run_result r = apply_with(f, o, NULL);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(r.undone, 3);
	assert_true(pos(f, "undo c#1") < pos(f, "undo b#1"));
	assert_true(pos(f, "undo b#1") < pos(f, "undo a#1"));
	fixture_free(f, t, w);
}

/* s1 comes after s2 (later in source order): s2's undo waits for s1's, s0's does not. */
static void test_undo_backward_edge(void **state)
{
	(void)state;
	tplan *t = tplan_new();
	add(t, "s0", "");
	kdx_step *s1 = add(t, "s1", "");
	add(t, "s2", "");
	add(t, "s3", "s1");
	s1->preds[s1->npreds++] = (kdx_edge){ .from = 2 };
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[3].fail_first = 5;
	f->c[1].dur = 10;
	kdx_run_result r = apply(f);
	assert_int_equal(r.status, KDX_RUN_ROLLED_BACK);
	assert_int_equal(r.undone, 3);
	assert_true(pos(f, "undo s0#1") < pos(f, "undo s1#1"));
	assert_true(pos(f, "undone s1#1") < pos(f, "undo s2#1"));
	fixture_free(f, t, w);
}

/* Parallelism 1: a's retry is due at 15 while b holds the only slot until 25. It starts
 * when b is done; before, the event loop spun forever on the virtual clock. */
static void test_due_retry_waits_for_a_slot(void **state)
{
	(void)state;
	alarm(20);
	tplan *t = tplan_new();
	kdx_step *a = add(t, "a", "");
	add(t, "b", "");
	a->attempts = 2;
	a->backoff_ms = 10;
	world *w = world_new();
	fake *f = fake_new(t, w);
	f->c[0].fail_first = 1;
	f->c[0].dur = 5;
	f->c[1].dur = 20;
	kdx_sched_opts o = opts_for(f);
	o.parallelism = 1;
	kdx_run_result r = apply_with(f, o, NULL);
	alarm(0);
	assert_int_equal(r.status, KDX_RUN_OK);
	assert_int_equal(when(f, "do b#1"), 5);
	assert_int_equal(when(f, "do a#2"), 25);
	assert_int_equal(r.elapsed_ms, 30);
	fixture_free(f, t, w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip_readies_lower_index_next_pass),
		cmocka_unit_test(test_skip_readies_higher_index_same_pass),
		cmocka_unit_test(test_ready_in_index_order),
		cmocka_unit_test(test_undo_sweep_order),
		cmocka_unit_test(test_undo_backward_edge),
		cmocka_unit_test(test_due_retry_waits_for_a_slot),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
