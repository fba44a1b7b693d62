/* Unit tests for executor/terraform/proc: spawning, line reading, the controlled environment,
 * timeouts that send SIGINT first, and nothing left running afterwards. Uses real programs
 * (sh, env, pwd, sleep) as the children. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/xalloc.h"
#include "executor/terraform/proc.h"

/* Collected output: one "1:line" or "2:line" per delivered line. */
typedef struct capture {
	strbuf all;
	strbuf out, err; /* each stream alone: their relative order is not defined */
	int nlines;
} capture;

static void on_line(void *ctx, enum tf_proc_stream s, const char *line, size_t len)
{
	capture *c = ctx;
	assert_int_equal(strlen(line), len);
	strbuf_addf(&c->all, "%d:%s\n", (int)s, line);
	strbuf_addf(s == TF_PROC_STDOUT ? &c->out : &c->err, "%s\n", line);
	c->nlines++;
}

static void capture_release(capture *c)
{
	strbuf_release(&c->all);
	strbuf_release(&c->out);
	strbuf_release(&c->err);
}

static void setup_sh(struct tf_proc *p, capture *c, const char *script)
{
	tf_proc_init(p);
	strbuf_init(&c->all);
	strbuf_init(&c->out);
	strbuf_init(&c->err);
	c->nlines = 0;
	tf_proc_arg(p, "sh");
	tf_proc_arg(p, "-c");
	tf_proc_arg(p, script);
	tf_proc_env_minimal(p);
	p->on_line = on_line;
	p->ctx = c;
}

static void test_lines_both_streams(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	setup_sh(&p, &c, "echo one; echo two >&2; printf 'three\\nfo'; printf 'ur'; exit 3");
	assert_int_equal(tf_proc_run(&p, &err), 0);
	assert_true(p.exited);
	assert_int_equal(p.exit_code, 3);
	assert_false(p.timed_out);
	/* no waiting around once the child is gone and its pipes are closed */
	assert_true(p.elapsed_ms < 500);
	assert_int_equal(p.signals_sent, 0);
	/* stdout lines keep their order; the unterminated last line arrives at EOF */
	assert_string_equal(c.out.buf, "one\nthree\nfour\n");
	assert_string_equal(c.err.buf, "two\n");
	assert_int_equal(c.nlines, 4);
	strbuf sb = STRBUF_INIT;
	tf_proc_describe(&p, &sb);
	assert_string_equal(sb.buf, "exit status 3");
	strbuf_release(&sb);
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

static void test_long_line(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	/* 300000 bytes on one line: more than one read() and more than a pipe buffer */
	setup_sh(&p, &c, "head -c 300000 /dev/zero | tr '\\0' x; echo; echo end");
	assert_int_equal(tf_proc_run(&p, &err), 0);
	assert_int_equal(c.nlines, 2);
	assert_int_equal(c.all.len, 2 + 300000 + 1 + 6);
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

static void test_env_allow_list(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	setenv("KDX_TEST_LEAK", "leaked", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "not-for-the-child", 1);
	setenv("TF_LOG", "TRACE", 1);
	tf_proc_init(&p);
	strbuf_init(&c.all);
	strbuf_init(&c.out);
	strbuf_init(&c.err);
	c.nlines = 0;
	tf_proc_arg(&p, "env");
	tf_proc_env_minimal(&p);
	tf_proc_setenv(&p, "AWS_REGION", "us-west-2");
	tf_proc_putenv(&p, "TF_VAR_x=1");
	tf_proc_putenv(&p, "TF_VAR_x=2"); /* replaces */
	tf_proc_putenv(&p, "garbage");    /* ignored */
	p.on_line = on_line;
	p.ctx = &c;
	assert_int_equal(tf_proc_run(&p, &err), 0);
	assert_int_equal(p.exit_code, 0);
	assert_null(strstr(c.all.buf, "KDX_TEST_LEAK"));
	assert_null(strstr(c.all.buf, "not-for-the-child"));
	assert_null(strstr(c.all.buf, "TF_LOG"));
	assert_non_null(strstr(c.all.buf, "1:TF_IN_AUTOMATION=1\n"));
	assert_non_null(strstr(c.all.buf, "1:TF_INPUT=0\n"));
	assert_non_null(strstr(c.all.buf, "1:CHECKPOINT_DISABLE=1\n"));
	assert_non_null(strstr(c.all.buf, "1:AWS_REGION=us-west-2\n"));
	assert_non_null(strstr(c.all.buf, "1:TF_VAR_x=2\n"));
	assert_null(strstr(c.all.buf, "TF_VAR_x=1"));
	assert_non_null(strstr(c.all.buf, "1:PATH="));
	assert_string_equal(tf_proc_getenv(&p, "TF_VAR_x"), "2");
	assert_null(tf_proc_getenv(&p, "garbage"));
	unsetenv("KDX_TEST_LEAK");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("TF_LOG");
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

static void test_working_dir_and_stdin(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	setup_sh(&p, &c, "pwd; cat; echo done");
	p.dir = xstrdup("/tmp");
	assert_int_equal(tf_proc_run(&p, &err), 0);
	/* stdin is /dev/null, so cat ends at once */
	assert_string_equal(c.all.buf, "1:/tmp\n1:done\n");
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

static void test_start_errors(void **state)
{
	(void)state;
	struct tf_proc p;
	strbuf err = STRBUF_INIT;
	tf_proc_init(&p);
	tf_proc_arg(&p, "kdx-no-such-program-anywhere");
	tf_proc_env_minimal(&p);
	assert_int_equal(tf_proc_run(&p, &err), -1);
	assert_non_null(strstr(err.buf, "cannot run 'kdx-no-such-program-anywhere'"));
	tf_proc_release(&p);

	strbuf_reset(&err);
	tf_proc_init(&p);
	tf_proc_arg(&p, "true");
	p.dir = xstrdup("/nonexistent/kdx-dir");
	assert_int_equal(tf_proc_run(&p, &err), -1);
	assert_non_null(strstr(err.buf, "cannot use '/nonexistent/kdx-dir' as working directory"));
	tf_proc_release(&p);

	strbuf_reset(&err);
	tf_proc_init(&p);
	tf_proc_arg(&p, "true");
	p.dir = xstrdup("tests/unit/test_tf_proc.c");
	assert_int_equal(tf_proc_run(&p, &err), -1);
	assert_string_equal(err.buf, "cannot use 'tests/unit/test_tf_proc.c' as working directory: "
				     "not a directory");
	tf_proc_release(&p);

	strbuf_reset(&err);
	tf_proc_init(&p);
	assert_int_equal(tf_proc_run(&p, &err), -1);
	assert_string_equal(err.buf, "no program given to run");
	tf_proc_release(&p);
	strbuf_release(&err);
}

/* The child traps SIGINT and exits cleanly: the timeout must send SIGINT, and only it. */
static void test_timeout_sends_sigint_first(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	setup_sh(&p, &c, "trap 'echo got INT; exit 7' INT; trap 'echo got TERM; exit 8' TERM; "
			 "echo ready; while :; do sleep 0.05; done");
	p.timeout_ms = 300;
	p.grace_ms = 5000;
	assert_int_equal(tf_proc_run(&p, &err), 0);
	assert_true(p.timed_out);
	assert_int_equal(p.signals_sent, TF_PROC_SENT_INT);
	assert_true(p.exited);
	assert_int_equal(p.exit_code, 7);
	assert_non_null(strstr(c.all.buf, "1:ready\n"));
	assert_non_null(strstr(c.all.buf, "1:got INT\n"));
	assert_null(strstr(c.all.buf, "got TERM"));
	assert_true(p.elapsed_ms >= 300 && p.elapsed_ms < 4000);
	strbuf sb = STRBUF_INIT;
	tf_proc_describe(&p, &sb);
	assert_string_equal(sb.buf, "exit status 7 after a timeout of 300ms (sent SIGINT)");
	strbuf_release(&sb);
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

/* A child that ignores SIGINT and SIGTERM is killed after the grace periods. */
static void test_timeout_escalates_to_sigkill(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	setup_sh(&p, &c, "trap '' INT TERM; echo stubborn; while :; do sleep 0.05; done");
	p.timeout_ms = 200;
	p.grace_ms = 200;
	assert_int_equal(tf_proc_run(&p, &err), 0);
	assert_true(p.timed_out);
	assert_int_equal(p.signals_sent,
			 TF_PROC_SENT_INT | TF_PROC_SENT_TERM | TF_PROC_SENT_KILL);
	assert_false(p.exited);
	assert_int_equal(p.term_signal, SIGKILL);
	assert_true(p.elapsed_ms >= 600 && p.elapsed_ms < 5000);
	strbuf sb = STRBUF_INIT;
	tf_proc_describe(&p, &sb);
	assert_string_equal(sb.buf, "killed by SIGKILL after a timeout of 200ms "
				    "(sent SIGINT, SIGTERM, SIGKILL)");
	strbuf_release(&sb);
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

/* A grandchild left running (and holding the output pipe) is killed with the group, and
 * finish does not wait for it. */
static void test_nothing_left_behind(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	setup_sh(&p, &c, "sleep 30 & echo $!; exit 0");
	assert_int_equal(tf_proc_run(&p, &err), 0);
	assert_int_equal(p.exit_code, 0);
	assert_true(p.elapsed_ms < 5000);
	pid_t orphan = (pid_t)atoi(c.all.buf + 2);
	assert_true(orphan > 0);
	/* killed and, once init reaps it, gone; allow a moment for that */
	int alive = 1;
	for (int i = 0; i < 100 && alive; i++) {
		alive = kill(orphan, 0) == 0;
		if (alive)
			usleep(20000);
	}
	assert_false(alive);
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

static volatile sig_atomic_t cancel_flag;

static void cancel_from_output(void *ctx, enum tf_proc_stream s, const char *line, size_t len)
{
	on_line(ctx, s, line, len);
	if (!strcmp(line, "ready"))
		cancel_flag = 1;
}

static void test_cancel_flag(void **state)
{
	(void)state;
	struct tf_proc p;
	capture c;
	strbuf err = STRBUF_INIT;
	setup_sh(&p, &c, "trap 'echo cancelled; exit 130' INT; echo ready; "
			 "while :; do sleep 0.05; done");
	cancel_flag = 0;
	p.cancel = &cancel_flag;
	p.on_line = cancel_from_output;
	assert_int_equal(tf_proc_run(&p, &err), 0);
	assert_true(p.cancelled);
	assert_false(p.timed_out);
	assert_int_equal(p.signals_sent, TF_PROC_SENT_INT);
	assert_int_equal(p.exit_code, 130);
	assert_non_null(strstr(c.all.buf, "1:cancelled\n"));
	capture_release(&c);
	strbuf_release(&err);
	tf_proc_release(&p);
}

int main(void)
{
	/* The parent ignoring SIGINT must not make the child ignore it. */
	signal(SIGINT, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_both_streams),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_env_allow_list),
		cmocka_unit_test(test_working_dir_and_stdin),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_timeout_sends_sigint_first),
		cmocka_unit_test(test_timeout_escalates_to_sigkill),
		cmocka_unit_test(test_nothing_left_behind),
		cmocka_unit_test(test_cancel_flag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
