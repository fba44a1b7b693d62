/* Unit tests for executor/lock: one holder at a time, the holder's details in the refusal,
 * stale detection after the holder is killed, and breaking a stale lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "executor/lock.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kdx-lock-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_path(void **state)
{
	(void)state;
	char *p = kdx_lock_path(".kdx", "failover", "production");
	assert_string_equal(p, ".kdx/failover-production.lock");
	free(p);
	p = kdx_lock_path(".kdx", "failover", NULL);
	assert_string_equal(p, ".kdx/failover-default.lock");
	free(p);
}

static void test_second_taker_fails(void **state)
{
	(void)state;
	char *path = kdx_lock_path(dir, "rb", "staging");
	kdx_lock a, b;
	kdx_lock_init(&a);
	kdx_lock_init(&b);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_lock_acquire(&a, path, "kdx apply", &err), 0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	kdx_lock_info info;
	assert_int_equal(kdx_lock_read(path, &info, &err), 0);
	assert_int_equal(info.pid, (long)getpid());
	assert_string_equal(info.command, "kdx apply");
	assert_int_equal(strlen(info.since), 20); /* 2026-11-26T10:00:00Z */

	assert_int_equal(kdx_lock_acquire(&b, path, "kdx rollback", &err), -1);
	char want[128];
	snprintf(want, sizeof(want), "is held by pid %ld on host ", (long)getpid());
	assert_non_null(strstr(err.buf, want));
	assert_non_null(strstr(err.buf, "(kdx apply, by "));
	assert_non_null(strstr(err.buf, "wait for it to finish"));
	assert_int_equal(b.fd, -1);

	kdx_lock_release(&a);
	assert_int_not_equal(access(path, F_OK), 0);
	strbuf_reset(&err);
	assert_int_equal(kdx_lock_acquire(&b, path, "kdx rollback", &err), 0);
	kdx_lock_release(&b);
	strbuf_release(&err);
	free(path);
}

/* Another process holds it; once that process is killed the lock is reported stale. */
static void test_two_processes_and_stale(void **state)
{
	(void)state;
	char *path = kdx_lock_path(dir, "rb", "production");
	int up[2], hold[2];
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(hold), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(up[0]);
		close(hold[1]);
		kdx_lock l;
		kdx_lock_init(&l);
		strbuf err = STRBUF_INIT;
		char ok = kdx_lock_acquire(&l, path, "kdx apply", &err) == 0 ? 'y' : 'n';
		if (write(up[1], &ok, 1) != 1)
			_exit(2);
		char c;
		(void)!read(hold[0], &c, 1); /* wait to be killed */
		_exit(0);
	}
	close(up[1]);
	close(hold[0]);
	char ok;
	assert_int_equal(read(up[0], &ok, 1), 1);
	assert_int_equal(ok, 'y');

	kdx_lock l;
	kdx_lock_init(&l);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_lock_acquire(&l, path, "kdx apply", &err), -1);
	char want[64];
	snprintf(want, sizeof(want), "lock '%.20s", path);
	assert_non_null(strstr(err.buf, want));
	snprintf(want, sizeof(want), "' is held by pid %ld on host", (long)pid);
	assert_non_null(strstr(err.buf, want));
	kdx_lock_info info;
	assert_int_equal(kdx_lock_read(path, &info, &err), 0);
	assert_int_equal(kdx_lock_check(path, &info), KDX_LOCK_ALIVE);

	kill(pid, SIGKILL);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(up[0]);
	close(hold[1]);

	/* the holder is dead: nobody holds the flock; its lock is taken over */
	assert_int_equal(kdx_lock_check(path, &info), KDX_LOCK_STALE);
	strbuf_reset(&err);
	assert_int_equal(kdx_lock_acquire(&l, path, "kdx resume", &err), 0);
	assert_int_equal(l.stale_pid, (long)pid);
	assert_int_equal(kdx_lock_read(path, &info, &err), 0);
	assert_int_equal(info.pid, (long)getpid());
	assert_string_equal(info.command, "kdx resume");
	kdx_lock_release(&l);

	/* a lock from another host is never taken over: kdx cannot see that process */
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "{\"pid\":%ld,\"host\":\"elsewhere.example\",\"user\":\"ops\","
		    "\"command\":\"kdx apply\",\"since\":\"2026-11-26T10:00:00Z\"}\n", (long)pid);
	fclose(fp);
	strbuf_reset(&err);
	assert_int_equal(kdx_lock_acquire(&l, path, "kdx apply", &err), -1);
	assert_non_null(strstr(err.buf, "on host elsewhere.example"));
	assert_non_null(strstr(err.buf, "if that run is dead, run 'kdx unlock'"));
	assert_int_equal(kdx_lock_read(path, &info, &err), 0);
	assert_int_equal(kdx_lock_check(path, &info), KDX_LOCK_UNKNOWN);

	assert_int_equal(kdx_lock_break(path, &err), 0);
	strbuf_reset(&err);
	assert_int_equal(kdx_lock_acquire(&l, path, "kdx apply", &err), 0);
	assert_int_equal(l.stale_pid, 0);
	kdx_lock_release(&l);
	strbuf_release(&err);
	free(path);
}

static void test_read_missing_or_damaged(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/none.lock", dir);
	kdx_lock_info info;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_lock_read(path, &info, &err), -1);
	assert_non_null(strstr(err.buf, "cannot read lock"));
	FILE *fp = fopen(path, "w");
	fputs("garbage", fp);
	fclose(fp);
	strbuf_reset(&err);
	assert_int_equal(kdx_lock_read(path, &info, &err), -1);
	assert_non_null(strstr(err.buf, "has no holder details"));
	fp = fopen(path, "w");
	fputs("{\"pid\":1e300,\"host\":\"h\"}", fp);
	fclose(fp);
	strbuf_reset(&err);
	assert_int_equal(kdx_lock_read(path, &info, &err), -1);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_second_taker_fails),
		cmocka_unit_test(test_two_processes_and_stale),
		cmocka_unit_test(test_read_missing_or_damaged),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
