/* The scheduler on real plans: every runbook under plans/ and examples/ is compiled by the
 * front end and run through the backend test double: each step starts only after all its
 * predecessors finished, all finish, and failing each step in turn rolls every reversible
 * change back in reverse dependency order (irreversible ones are reported). */
#include "tests/unit/sched_fake.h"

#include <glob.h>

#include "compiler/compile.h"

static bool compile_file(const char *path, kdx_compilation *c)
{
	kdx_compile_opts o = { .path = path };
	return kdx_compile(&o, c) == 0 && c->plan && c->plan->nsteps > 0 &&
	       c->plan->nsteps <= MAXS;
}

/* a tplan view of a compiled plan, so the fake can find step indexes */
static tplan *view(const kdx_plan *p)
{
	tplan *t = tplan_new();
	t->p = *p;
	memcpy(t->steps, p->steps, p->nsteps * sizeof(kdx_step));
	t->p.steps = t->steps;
	return t;
}

static void check_order(const fake *f, const tplan *t)
{
	for (size_t i = 0; i < t->p.nsteps; i++) {
		char what[64];
		snprintf(what, sizeof(what), "do %s#1", t->steps[i].name);
		int started = pos(f, what);
		if (started < 0)
			continue;
		for (size_t k = 0; k < t->steps[i].npreds; k++) {
			snprintf(what, sizeof(what), "done %s#1", t->steps[t->steps[i].preds[k].from].name);
			int done = pos(f, what);
			if (done < 0 || done > started)
				fail_msg("%s started before %s finished", t->steps[i].name, what + 5);
		}
	}
}

static void check_undo_order(const fake *f, const tplan *t)
{
	for (size_t i = 0; i < t->p.nsteps; i++) {
		char what[64];
		snprintf(what, sizeof(what), "undone %s#1", t->steps[i].name);
		int undone = pos(f, what);
		if (undone < 0)
			continue;
		for (size_t k = 0; k < t->steps[i].npreds; k++) {
			snprintf(what, sizeof(what), "undo %s#1", t->steps[t->steps[i].preds[k].from].name);
			int pred_undo = pos(f, what);
			if (pred_undo >= 0 && pred_undo < undone)
				fail_msg("%s was undone before its successor %s", what + 5,
					 t->steps[i].name);
		}
	}
}

static int run_plan(const char *path)
{
	kdx_compilation c;
	if (!compile_file(path, &c)) {
		kdx_compilation_release(&c);
		return 0; /* a module, a broken example, or too big for the double */
	}
	tplan *t = view(c.plan);
	world *w = world_new();
	fake *f = fake_new(t, w);
	for (size_t i = 0; i < t->p.nsteps; i++)
		f->c[i].dur = 10 + (int64_t)(i * 7 % 13);
	kdx_run_result r = apply(f);
	if (r.status != KDX_RUN_OK)
		fail_msg("%s: %s", path, kdx_run_status_name(r.status));
	assert_int_equal(r.done, t->p.nsteps);
	check_order(f, t);
	fake_free(f);
	for (size_t k = 0; k < t->p.nsteps; k++) {
		memset(w, 0, sizeof(*w));
		f = fake_new(t, w);
		f->c[k].fail_first = t->steps[k].attempts; /* every attempt fails */
		r = apply(f);
		if (t->steps[k].on_failure == KDX_ON_FAILURE_ROLLBACK) {
			/* an irreversible step done beside the failing one (plans/failover.kdx's
			 * cache promotion, in parallel with the database's) stays in place: the
			 * run says so (rollback_incomplete, #20.2), never rolled_back */
			bool kept_irreversible = false;
			for (size_t i = 0; i < t->p.nsteps; i++)
				kept_irreversible |= w->applied[i] && t->steps[i].irreversible;
			kdx_run_status want = kept_irreversible ? KDX_RUN_ROLLBACK_INCOMPLETE
								: KDX_RUN_ROLLED_BACK;
			if (r.status != want)
				fail_msg("%s: failing %s ended %s, not %s", path, t->steps[k].name,
					 kdx_run_status_name(r.status), kdx_run_status_name(want));
			for (size_t i = 0; i < t->p.nsteps; i++) {
				const kdx_step *st = &t->steps[i];
				bool kept = st->irreversible || !st->has_undo;
				if (w->applied[i] && !kept)
					fail_msg("%s: failing %s left %s applied", path,
						 t->steps[k].name, st->name);
			}
			check_undo_order(f, t);
		}
		fake_free(f);
	}
	munmap(w, sizeof(*w));
	free(t);
	kdx_compilation_release(&c);
	return 1;
}

static void test_plans(void **state)
{
	(void)state;
	glob_t g;
	int n = 0;
	const char *pats[] = { "plans/*.kdx", "examples/*.kdx" };
	for (size_t p = 0; p < 2; p++) {
		if (glob(pats[p], 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++)
			n += run_plan(g.gl_pathv[i]);
		globfree(&g);
	}
	print_message("# %d runbooks scheduled\n", n);
	/* plans/failover.kdx at least must have run */
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plans),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
