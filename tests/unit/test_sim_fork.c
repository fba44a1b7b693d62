/* Unit tests for the forking -explore (sim/explore.c, sim/sim.c fork_run, executor
 * kdx_sched_fork): on runbooks with retries, backoff, timeouts in the fault-free run,
 * `on_failure continue` and `pause`, approvals, irreversible steps and parallel lanes, every
 * row of kdx_explore_run must equal the row of the same (step, fault) run alone from the
 * start (kdx_explore_run_each), for several seeds and parallelism bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "sim/explore.h"
#include "sim/sim.h"

static kdx_compilation *compile(const char *path)
{
	kdx_compilation *c = calloc(1, sizeof(*c));
	kdx_compile_opts o = { .path = path };
	if (kdx_compile(&o, c)) {
		strbuf sb = STRBUF_INIT;
		kdx_diags_render(&sb, &c->diags, &c->sources, false);
		fail_msg("%s does not compile:\n%s", path, sb.buf);
	}
	return c;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Compare the forked exploration with runs from the start; returns the rows compared. */
static size_t compare(const char *path, uint64_t seed, int par)
{
	kdx_compilation *c = compile(path);
	const kdx_plan *p = c->plan;
	kdx_explore fx, ex;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_explore_run(p, seed, par, &fx, &err), 0);
	assert_int_equal(kdx_explore_run_each(p, seed, par, &ex, &err), 0);
	assert_int_equal(fx.nrows, ex.nrows);
	assert_int_equal(fx.nrows, 2 * p->nsteps);
	assert_int_equal(fx.nunsafe, ex.nunsafe);
	for (size_t k = 0; k < fx.nrows; k++) {
		const kdx_explore_row *a = &fx.rows[k], *b = &ex.rows[k];
		if (a->step != b->step || a->fault != b->fault || a->status != b->status ||
		    a->paused != b->paused || a->unsafe != b->unsafe ||
		    !same_str(a->violations, b->violations) || !same_str(a->leftovers, b->leftovers) ||
		    !same_str(a->irreversible, b->irreversible))
			fail_msg("%s seed %llu parallelism %d: row %zu ('%s', %s) differs: forked %s%s "
				 "[%s] [%s] [%s], alone %s%s [%s] [%s] [%s]",
				 path, (unsigned long long)seed, par, k, p->steps[b->step].name,
				 b->fault == KDX_FAULT_FAIL_STEP ? "fail" : "timeout",
				 kdx_run_status_name(a->status), a->paused ? " (paused)" : "",
				 a->violations ? a->violations : "", a->leftovers ? a->leftovers : "",
				 a->irreversible ? a->irreversible : "",
				 kdx_run_status_name(b->status), b->paused ? " (paused)" : "",
				 b->violations ? b->violations : "", b->leftovers ? b->leftovers : "",
				 b->irreversible ? b->irreversible : "");
	}
	size_t n = fx.nrows;
	kdx_explore_release(&fx);
	kdx_explore_release(&ex);
	strbuf_release(&err);
	kdx_compilation_release(c);
	free(c);
	return n;
}

/* The same for every pair of faults (-depth 2): forked twice over, or run alone. */
static size_t compare_pairs(const char *path, uint64_t seed, int par)
{
	kdx_compilation *c = compile(path);
	const kdx_plan *p = c->plan;
	kdx_explore_pairs fx, ex;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_explore_pairs_run(p, seed, par, &fx, &err), 0);
	assert_int_equal(kdx_explore_pairs_run_each(p, seed, par, &ex, &err), 0);
	size_t n = p->nsteps;
	assert_int_equal(fx.npairs, ex.npairs);
	assert_int_equal(fx.npairs, 2 * n * n - 2 * n + 2 * n * p->nregions);
	assert_int_equal(fx.nunsafe, ex.nunsafe);
	assert_int_equal(fx.nbreaks_rto, ex.nbreaks_rto);
	for (size_t k = 0; k < fx.npairs; k++) {
		const kdx_explore_pair *a = &fx.pairs[k], *b = &ex.pairs[k];
		const kdx_explore_row *ra = &a->row, *rb = &b->row;
		if (ra->step != rb->step || ra->fault != rb->fault ||
		    a->region_lost != b->region_lost || a->step2 != b->step2 ||
		    a->fault2 != b->fault2 || a->region != b->region || ra->status != rb->status ||
		    ra->paused != rb->paused || ra->unsafe != rb->unsafe ||
		    a->end_ms != b->end_ms || a->recovered != b->recovered ||
		    (a->recovered && a->rto_ms != b->rto_ms) || a->breaks_rto != b->breaks_rto ||
		    !same_str(ra->violations, rb->violations) ||
		    !same_str(ra->leftovers, rb->leftovers) ||
		    !same_str(ra->irreversible, rb->irreversible))
			fail_msg("%s seed %llu parallelism %d: pair %zu ('%s' %d + %s %d) differs: "
				 "forked %s end %lld [%s] [%s], alone %s end %lld [%s] [%s]",
				 path, (unsigned long long)seed, par, k, p->steps[rb->step].name,
				 (int)rb->fault,
				 b->region_lost ? p->regions[b->region].name : p->steps[b->step2].name,
				 (int)b->fault2, kdx_run_status_name(ra->status), (long long)a->end_ms,
				 ra->violations ? ra->violations : "", ra->leftovers ? ra->leftovers : "",
				 kdx_run_status_name(rb->status), (long long)b->end_ms,
				 rb->violations ? rb->violations : "", rb->leftovers ? rb->leftovers : "");
	}
	size_t rows = fx.npairs;
	kdx_explore_pairs_release(&fx);
	kdx_explore_pairs_release(&ex);
	strbuf_release(&err);
	kdx_compilation_release(c);
	free(c);
	return rows;
}

static void test_pairs_parity(void **state)
{
	(void)state;
	const char *paths[] = { "tests/unit/data/sim/fork_parity.kdx", "plans/failover.kdx",
				"tests/golden/simulate/failover.kdx", "examples/parallel-branches.kdx",
				"examples/approvals.kdx" };
	for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++)
		for (uint64_t seed = 1; seed <= 3; seed++)
			for (int par = 0; par <= (k == 0 ? 2 : 0); par++)
				assert_true(compare_pairs(paths[k], seed, par) > 0);
	compare_pairs("tests/unit/data/sim/gen60.kdx", 2, 0);
}

static void test_parity_features(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++)
		for (int par = 0; par <= 2; par++)
			assert_int_equal(compare("tests/unit/data/sim/fork_parity.kdx", seed, par), 16);
}

static void test_parity_generated(void **state)
{
	(void)state;
	/* the generator's 1-5s timeouts: many steps time out, runs stop early; and with the
	 * timeouts raised (bench/simulate.sh), runs go as far as their fault */
	for (uint64_t seed = 1; seed <= 3; seed++) {
		compare("tests/unit/data/sim/gen60.kdx", seed, seed == 3 ? 2 : 0);
		compare("tests/unit/data/sim/gen60_long.kdx", seed, seed == 3 ? 3 : 0);
	}
}

static void test_parity_runbooks(void **state)
{
	(void)state;
	const char *paths[] = { "plans/failover.kdx", "plans/failback.kdx", "plans/deploy.kdx",
				"tests/golden/simulate/failover.kdx",
				"tests/golden/simulate/broken_undo_order.kdx",
				"tests/golden/simulate/broken_undo_missing.kdx",
				"examples/parallel-branches.kdx", "examples/approvals.kdx" };
	for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++)
		for (uint64_t seed = 1; seed <= 4; seed++)
			compare(paths[k], seed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parity_features),
		cmocka_unit_test(test_parity_generated),
		cmocka_unit_test(test_parity_runbooks),
		cmocka_unit_test(test_pairs_parity),
	};
	/* a due retry that waited for a free slot made the event loop spin forever: fail,
	 * do not hang */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
