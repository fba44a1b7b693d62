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
	};
	/* a due retry that waited for a free slot made the event loop spin forever: fail,
	 * do not hang */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
