/* Unit tests for executor/run: apply / resume / rollback with the lock and the journal --
 * two concurrent applies (one fails fast, naming the other), a crash through the
 * KDX_CRASH_AT hook then resume or rollback (the dead run's lock is taken over), and a
 * secret canary kept out of the journal. */
#include "tests/unit/sched_fake.h"

#include <glob.h>
#include <time.h>

#include "executor/lock.h"
#include "executor/run.h"

static char rb[128];

static tplan *small_plan(void)
{
	snprintf(rb, sizeof(rb), "%s/failover.kdx", statedir);
	tplan *t = tplan_new();
	t->p.path = rb;
	t->p.environment = "staging";
	add(t, "scale", "");
	add(t, "shift", "scale");
	add(t, "promote", "shift");
	return t;
}

static kdx_store *store;
static kdx_run_ident ident = { .key = "failover", .env = "staging" };

/* The file store of the runbook's state directory (freed at exit). */
static kdx_store *the_store(void)
{
	if (!store) {
		char dir[192];
		snprintf(dir, sizeof(dir), "%s/.kdx", statedir);
		store = kdx_store_open_file(dir);
	}
	return store;
}

static kdx_exec_opts exec_opts(fake *f)
{
	kdx_exec_opts o = { .store = the_store(), .ident = &ident };
	o.sched = opts_for(f);
	o.sched.sink.emit = NULL;
	o.sched.run_id = NULL;
	return o;
}

static size_t journals(void)
{
	char pat[192];
	snprintf(pat, sizeof(pat), "%s/.kdx/failover-*.jsonl", statedir);
	glob_t g;
	size_t n = glob(pat, 0, NULL, &g) == 0 ? g.gl_pathc : 0;
	if (n)
		globfree(&g);
	return n;
}

static void test_apply_lock_and_journal(void **state)
{
	(void)state;
	tplan *t = small_plan();
	world *w = world_new();
	fake *f = fake_new(t, w);
	kdx_exec_opts o = exec_opts(f);
	kdx_backend be = fk_backend(f);
	kdx_run_result r;
	strbuf jp = STRBUF_INIT, err = STRBUF_INIT, latest = STRBUF_INIT;
	if (kdx_exec_apply(&t->p, &be, &f->clk.base, &o, &r, &jp, &err))
		fail_msg("%s", err.buf);
	assert_int_equal(r.status, KDX_RUN_OK);
	char want[192];
	assert_true(!strncmp(jp.buf, "failover-", 9));
	snprintf(want, sizeof(want), "%s/.kdx/failover-staging.lock", statedir);
	assert_int_not_equal(access(want, F_OK), 0); /* released */
	assert_int_equal(kdx_exec_latest_run(&o, &latest, &err), 0);
	assert_string_equal(latest.buf, jp.buf);
	fake_free(f);
	strbuf_release(&jp);
	strbuf_release(&err);
	strbuf_release(&latest);
	free(t);
	munmap(w, sizeof(*w));
}

/* A backend that takes real time: the first apply holds the lock for a while. */
static int slow_start(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err)
{
	struct timespec ts = { 0, 150 * 1000000L };
	nanosleep(&ts, NULL);
	kdx_sched_complete(s, op, true, NULL, NULL, NULL);
	return 0;
}

static void test_two_applies(void **state)
{
	(void)state;
	tplan *t = small_plan();
	size_t before = journals();
	int up[2];
	assert_int_equal(pipe(up), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(up[0]);
		kdx_real_clock clk;
		kdx_real_clock_init(&clk);
		kdx_backend be = { .start = slow_start };
		kdx_exec_opts o = { .store = the_store(), .ident = &ident,
				    .sched = { .command = "apply" } };
		kdx_run_result r;
		strbuf err = STRBUF_INIT;
		/* the parent waits until the lock file names this process */
		(void)!write(up[1], "x", 1);
		_exit(kdx_exec_apply(&t->p, &be, &clk.base, &o, &r, NULL, &err) == 0 ? 0 : 3);
	}
	close(up[1]);
	char c;
	assert_int_equal(read(up[0], &c, 1), 1);
	close(up[0]);
	char lock[192];
	snprintf(lock, sizeof(lock), "%s/.kdx/failover-staging.lock", statedir);
	kdx_lock_info info;
	strbuf err = STRBUF_INIT;
	for (int i = 0; i < 200 && (kdx_lock_read(lock, &info, &err) < 0 || info.pid != pid); i++) {
		strbuf_reset(&err);
		usleep(1000);
	}
	assert_int_equal(info.pid, (long)pid);
	world *w = world_new();
	fake *f = fake_new(t, w);
	kdx_exec_opts o = exec_opts(f);
	kdx_backend be = fk_backend(f);
	kdx_run_result r;
	strbuf_reset(&err);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(kdx_exec_apply(&t->p, &be, &f->clk.base, &o, &r, NULL, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	char want[96];
	snprintf(want, sizeof(want), "is held by pid %ld on host ", (long)pid);
	assert_non_null(strstr(err.buf, want));
	/* the holder names its run: the run id is made before the locks are taken */
	assert_non_null(strstr(err.buf, "(kdx apply of failover (env staging), run failover-"));
	/* at once, without sending anything or starting a journal */
	assert_true((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < 100);
	assert_int_equal(f->nlog, 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(journals(), before + 1);
	fake_free(f);
	strbuf_release(&err);
	free(t);
	munmap(w, sizeof(*w));
}

/* Killed (KDX_CRASH_AT, set in the environment as a user would) at record n. */
static void crash_child(tplan *t, world *w, const char *n)
{
	pid_t pid = fork();
	if (pid == 0) {
		setenv("KDX_CRASH_AT", n, 1);
		fake *f = fake_new(t, w);
		kdx_exec_opts o = exec_opts(f);
		kdx_backend be = fk_backend(f);
		kdx_run_result r;
		strbuf err = STRBUF_INIT;
		_exit(kdx_exec_apply(&t->p, &be, &f->clk.base, &o, &r, NULL, &err) == 0 ? 0 : 3);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void recover(tplan *t, world *w, bool rollback, kdx_run_status want)
{
	fake *f = fake_new(t, w);
	kdx_exec_opts o = exec_opts(f);
	kdx_backend be = fk_backend(f);
	kdx_run_result r;
	strbuf jp = STRBUF_INIT, warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_exec_latest_run(&o, &jp, &err), 0);
	if (kdx_exec_recover(&t->p, jp.buf, rollback, &be, &f->clk.base, &o, &r, &err))
		fail_msg("%s", err.buf);
	assert_int_equal(r.status, want);
	fake_free(f);
	strbuf_release(&jp);
	strbuf_release(&warn);
	strbuf_release(&err);
}

static void test_crash_then_resume_or_rollback(void **state)
{
	(void)state;
	tplan *t = small_plan();
	world *w = world_new();
	crash_child(t, w, "6"); /* after shift's intent: in doubt */
	recover(t, w, false, KDX_RUN_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(w->applied[i], 1);
		assert_int_equal(w->do_sent[i], 1);
	}
	memset(w, 0, sizeof(*w));
	sleep(1); /* a newer run id (they sort by time), whatever the clock granularity */
	crash_child(t, w, "4");
	recover(t, w, true, KDX_RUN_ROLLED_BACK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(w->applied[i], 0);
	free(t);
	munmap(w, sizeof(*w));
}

static int leaky_start(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err)
{
	kdx_sched_complete(s, op, true, "{\"echo\":\"AKIACANARYSECRET/xyz\"}", NULL, NULL);
	return 0;
}

static void test_secret_canary(void **state)
{
	(void)state;
	tplan *t = small_plan();
	world *w = world_new();
	fake *f = fake_new(t, w);
	kdx_exec_opts o = exec_opts(f);
	const char *secrets[] = { "AKIACANARYSECRET/xyz" };
	o.secrets = secrets;
	o.nsecrets = 1;
	kdx_backend be = { .start = leaky_start };
	kdx_run_result r;
	strbuf jp = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_exec_apply(&t->p, &be, &f->clk.base, &o, &r, &jp, &err), -1);
	assert_int_equal(r.status, KDX_RUN_ABORTED);
	assert_non_null(strstr(err.buf, "refusing to write a secret"));
	assert_null(strstr(err.buf, "CANARY"));
	strbuf path = STRBUF_INIT;
	kdx_store_describe(o.store, jp.buf, &path);
	FILE *fp = fopen(path.buf, "r");
	strbuf_release(&path);
	assert_non_null(fp);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_null(strstr(buf, "CANARY"));
	assert_non_null(strstr(buf, "\"kind\":\"intent\""));
	fake_free(f);
	strbuf_release(&jp);
	strbuf_release(&err);
	free(t);
	munmap(w, sizeof(*w));
}

/* #20.7: while a run is unfinished, a new apply is refused, naming it and the commands
 * that finish it; nothing is sent and no journal is started. Recovering it with another
 * runbook's identity is refused before anything is appended (#13.4). */
static void test_one_unfinished_run(void **state)
{
	(void)state;
	tplan *t = small_plan();
	world *w = world_new();
	crash_child(t, w, "4");
	size_t before = journals();
	fake *f = fake_new(t, w);
	kdx_exec_opts o = exec_opts(f);
	kdx_backend be = fk_backend(f);
	kdx_run_result r;
	strbuf err = STRBUF_INIT, rid = STRBUF_INIT;
	assert_int_equal(kdx_exec_apply(&t->p, &be, &f->clk.base, &o, &r, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "runbook 'failover' has an unfinished run 'failover-"));
	assert_non_null(strstr(err.buf, "'kdx resume -journal "));
	assert_non_null(strstr(err.buf, "'kdx rollback -journal "));
	assert_int_equal(f->nlog, 0);
	assert_int_equal(journals(), before);

	kdx_run_ident other = { .key = "failover-eu", .env = "staging" };
	assert_int_equal(kdx_exec_latest_run(&o, &rid, &err), 0);
	kdx_exec_opts oo = o;
	oo.ident = &other;
	strbuf_reset(&err);
	assert_int_equal(kdx_exec_recover(&t->p, rid.buf, true, &be, &f->clk.base, &oo, &r, &err),
			 -1);
	assert_non_null(strstr(err.buf, "is a run of runbook 'failover'"));
	assert_non_null(strstr(err.buf, "not of runbook 'failover-eu'"));
	fake_free(f);
	recover(t, w, true, KDX_RUN_ROLLED_BACK);
	/* settled: a new apply may start */
	f = fake_new(t, w);
	o = exec_opts(f);
	be = fk_backend(f);
	strbuf_reset(&err);
	if (kdx_exec_apply(&t->p, &be, &f->clk.base, &o, &r, NULL, &err))
		fail_msg("%s", err.buf);
	assert_int_equal(r.status, KDX_RUN_OK);
	fake_free(f);
	strbuf_release(&err);
	strbuf_release(&rid);
	free(t);
	munmap(w, sizeof(*w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_lock_and_journal),
		cmocka_unit_test(test_two_applies),
		cmocka_unit_test(test_crash_then_resume_or_rollback),
		cmocka_unit_test(test_one_unfinished_run),
		cmocka_unit_test(test_secret_canary),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	kdx_store_free(store);
	return rc;
}
