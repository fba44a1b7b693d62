/* Unit tests for executor/journal and executor/atomicfile: records, checksums, torn and
 * corrupt records, permissions, the secret guard and the crash hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "executor/atomicfile.h"
#include "executor/journal.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kdx-journal-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void spit(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

/* A small run: start, one step done with a snapshot, one step in doubt. */
static void write_run(kdx_journal *j)
{
	strbuf err = STRBUF_INIT;
	kdx_journal_init(j);
	assert_int_equal(kdx_journal_create(j, tmpdir, "failover", &err), 0);
	assert_int_equal(kdx_journal_append(j, KDX_J_RUN_START, NULL,
					    "{\"command\":\"apply\",\"runbook\":\"f.kdx\","
					    "\"run_id\":\"r1\",\"meta\":{\"vars\":{\"target\":\"us-west-2\"}}}",
					    &err), 0);
	assert_int_equal(kdx_journal_append(j, KDX_J_STEP_START, "a", "{\"attempt\":1}", &err), 0);
	assert_int_equal(kdx_journal_append(j, KDX_J_INTENT, "a",
					    "{\"phase\":\"do\",\"token\":\"t-a\",\"snapshot\":{\"w\":70}}",
					    &err), 0);
	assert_int_equal(kdx_journal_append(j, KDX_J_RESULT, "a", "{\"phase\":\"do\",\"ok\":true}",
					    &err), 0);
	assert_int_equal(kdx_journal_append(j, KDX_J_STEP_DONE, "a", "{}", &err), 0);
	assert_int_equal(kdx_journal_append(j, KDX_J_STEP_START, "b", "{\"attempt\":1}", &err), 0);
	assert_int_equal(kdx_journal_append(j, KDX_J_INTENT, "b",
					    "{\"phase\":\"do\",\"token\":\"t-b\"}", &err), 0);
	strbuf_release(&err);
}

static void test_crc32c(void **state)
{
	(void)state;
	assert_int_equal(kdx_crc32c("123456789", 9), 0xE3069283u);
	assert_int_equal(kdx_crc32c("", 0), 0);
}

static void test_append_and_read(void **state)
{
	(void)state;
	kdx_journal j;
	write_run(&j);
	struct stat sb;
	assert_int_equal(stat(j.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_non_null(strstr(j.path, "/failover-"));

	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(j.path, &st, &warn, &err), 0);
	assert_int_equal(warn.len, 0);
	assert_int_equal(st.nrecords, 7);
	assert_int_equal(st.last_seq, 7);
	assert_string_equal(st.command, "apply");
	assert_string_equal(st.runbook, "f.kdx");
	assert_string_equal(st.run_id, "r1");
	assert_int_equal(strlen(st.started_at), 24); /* 2026-11-26T10:21:37.412Z */
	assert_string_equal(st.meta, "{\"vars\":{\"target\":\"us-west-2\"}}");
	kdx_jstep *a = kdx_journal_state_step(&st, "a");
	kdx_jstep *b = kdx_journal_state_step(&st, "b");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->state, KDX_JS_DONE);
	assert_string_equal(a->snapshot, "{\"w\":70}");
	assert_int_equal(b->state, KDX_JS_IN_DOUBT);
	assert_string_equal(b->token, "t-b");
	assert_false(st.ended);

	/* every line carries seq, ts, kind and a checksum */
	const char *text = slurp(j.path, NULL);
	assert_non_null(strstr(text, "{\"seq\":1,\"ts\":\""));
	assert_non_null(strstr(text, "\"kind\":\"intent\",\"step\":\"b\""));
	assert_non_null(strstr(text, ",\"crc\":\""));
	kdx_journal_state_release(&st);
	kdx_journal_release(&j);
	strbuf_release(&warn);
	strbuf_release(&err);
}

static void test_torn_last_record(void **state)
{
	(void)state;
	kdx_journal j;
	write_run(&j);
	char *path = strdup(j.path);
	kdx_journal_release(&j);
	size_t len;
	char *text = slurp(path, &len);
	/* cut the last record in half: a crash during write() */
	spit(path, text, len - 20);

	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_true(st.torn_tail);
	assert_int_equal(st.nrecords, 6);
	assert_non_null(strstr(warn.buf, "the last record (line 7, "));
	assert_non_null(strstr(warn.buf, "is torn"));
	/* b started but its intent is lost: nothing was sent */
	assert_int_equal(kdx_journal_state_step(&st, "b")->state, KDX_JS_STARTED);

	/* appending after a torn tail cuts it first, so the file reads clean again */
	kdx_journal_init(&j);
	assert_int_equal(kdx_journal_reopen(&j, path, st.last_seq, st.valid_bytes, &err), 0);
	assert_int_equal(kdx_journal_append(&j, KDX_J_RESUME, NULL, "{}", &err), 0);
	kdx_journal_release(&j);
	kdx_journal_state_release(&st);
	strbuf_reset(&warn);
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_false(st.torn_tail);
	assert_int_equal(st.nrecords, 7);
	assert_int_equal(warn.len, 0);

	/* a complete last line with a bad checksum is damage, not a torn write: a write
	 * that reached its end of line was whole */
	kdx_journal_state_release(&st);
	text = slurp(path, &len);
	text[len - 5] = text[len - 5] == '0' ? '1' : '0';
	spit(path, text, len);
	strbuf_reset(&warn);
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), -1);
	assert_true(st.damaged);
	assert_int_equal(st.nrecords, 6);
	assert_non_null(strstr(err.buf, "checksum mismatch"));
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	free(path);
}

static void test_corrupt_middle(void **state)
{
	(void)state;
	kdx_journal j;
	write_run(&j);
	char *path = strdup(j.path);
	kdx_journal_release(&j);
	size_t len;
	char *text = slurp(path, &len);
	char *p = strstr(text, "\"t-a\"");
	assert_non_null(p);
	p[1] = 'X'; /* one flipped byte in record 3 */
	spit(path, text, len);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), -1);
	assert_non_null(strstr(err.buf, "is damaged at line 3 (byte "));
	assert_non_null(strstr(err.buf, "checksum mismatch"));
	assert_non_null(strstr(err.buf, "kdx show -journal"));
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	free(path);
}

/* Found by tests/fuzz/fuzz_journal.c: a huge "seq" (checksum valid) was converted to an
 * integer out of range. It is simply out of sequence. */
static void test_absurd_sequence(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/absurd.jsonl", tmpdir);
	strbuf sb = STRBUF_INIT;
	const char *lines[] = { "{\"seq\":1,\"kind\":\"run_start\"",
				"{\"seq\":1e300,\"kind\":\"step_start\",\"step\":\"a\"",
				"{\"seq\":2,\"kind\":\"step_start\",\"step\":\"a\"" };
	for (int i = 0; i < 3; i++) {
		size_t start = sb.len;
		strbuf_addstr(&sb, lines[i]);
		strbuf_addf(&sb, ",\"crc\":\"%08x\"}\n", kdx_crc32c(sb.buf + start, sb.len - start));
	}
	spit(path, sb.buf, sb.len);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), -1);
	assert_non_null(strstr(err.buf, "damaged at line 2 ("));
	assert_non_null(strstr(err.buf, "out of sequence"));
	kdx_journal_state_release(&st);
	strbuf_release(&sb);
	strbuf_release(&warn);
	strbuf_release(&err);
}

static void test_secret_canary(void **state)
{
	(void)state;
	static const char canary[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARY";
	kdx_journal j;
	kdx_journal_init(&j);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_journal_create(&j, tmpdir, "canary", &err), 0);
	kdx_journal_add_secret(&j, canary);
	kdx_journal_add_secret(&j, "quote\"d-secret");
	/* too short to watch: a record may contain it by chance */
	kdx_journal_add_secret(&j, "step");
	assert_int_equal(kdx_journal_append(&j, KDX_J_RUN_START, NULL, "{}", &err), 0);
	assert_int_equal(kdx_journal_append(&j, KDX_J_STEP_START, "a", "{}", &err), 0);
	strbuf data = STRBUF_INIT;
	strbuf_addf(&data, "{\"header\":\"Authorization: %s\"}", canary);
	assert_int_equal(kdx_journal_append(&j, KDX_J_INTENT, "a", data.buf, &err), -1);
	assert_non_null(strstr(err.buf, "refusing to write a secret"));
	assert_null(strstr(err.buf, canary));
	/* the JSON-escaped form is caught too */
	strbuf_reset(&err);
	assert_int_equal(kdx_journal_append(&j, KDX_J_INTENT, "a", "{\"x\":\"quote\\\"d-secret\"}", &err),
			 -1);
	/* data that is not JSON would poison every later record: refused too */
	strbuf_reset(&err);
	assert_int_equal(kdx_journal_append(&j, KDX_J_RESULT, "a", "{\"ok\":tru", &err), -1);
	assert_non_null(strstr(err.buf, "is not valid JSON"));
	const char *text = slurp(j.path, NULL);
	assert_null(strstr(text, canary));
	assert_null(strstr(text, "quote"));
	assert_int_equal(j.seq, 2);
	kdx_journal_release(&j);
	strbuf_release(&err);
	strbuf_release(&data);
}

static void test_crash_hook(void **state)
{
	(void)state;
	char path[256];
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		setenv("KDX_CRASH_AT", "2", 1);
		kdx_journal j;
		kdx_journal_init(&j);
		strbuf err = STRBUF_INIT;
		if (kdx_journal_create(&j, tmpdir, "crash", &err) < 0)
			_exit(2);
		if (write(fds[1], j.path, strlen(j.path) + 1) < 0)
			_exit(2);
		for (int i = 0; i < 5; i++)
			kdx_journal_append(&j, KDX_J_STEP_START, "s", "{}", &err);
		_exit(0);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], path, sizeof(path));
	close(fds[0]);
	assert_true(n > 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_int_equal(st.nrecords, 2);
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
}

/* Zeros are written ahead so a sync need not grow the file; readers stop at them, closing
 * cuts them off, and a record torn inside them is a torn last record. */
static void test_write_ahead(void **state)
{
	(void)state;
	kdx_journal j;
	kdx_journal_init(&j);
	strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	assert_int_equal(kdx_journal_create(&j, tmpdir, "ahead", &err), 0);
	char *path = strdup(j.path);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 256 * 1024);
	/* past the first chunk: about 400 KiB of records */
	for (int i = 0; i < 4000; i++)
		assert_int_equal(kdx_journal_write(&j, KDX_J_STEP_START, "a-step-with-a-long-name",
						   "{\"attempt\":1}", false, &err), 0);
	assert_int_equal(kdx_journal_sync(&j, &err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > (off_t)j.off && j.off > 256 * 1024);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_int_equal(st.nrecords, 4000);
	assert_false(st.torn_tail);
	kdx_journal_state_release(&st);
	uint64_t end = j.off;
	kdx_journal_release(&j);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal((uint64_t)sb.st_size, end);

	/* a crash in the middle of a record: a prefix, then zeros */
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	static const char half[] = "{\"seq\":4001,\"ts\":\"2026-";
	static char zeros[4096];
	assert_int_equal(pwrite(fd, half, sizeof(half) - 1, (off_t)end), (ssize_t)sizeof(half) - 1);
	assert_int_equal(pwrite(fd, zeros, sizeof(zeros), (off_t)(end + sizeof(half) - 1)),
			 (ssize_t)sizeof(zeros));
	close(fd);
	kdx_journal_state_init(&st);
	strbuf_reset(&warn);
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_true(st.torn_tail);
	assert_int_equal(st.nrecords, 4000);
	assert_int_equal(st.valid_bytes, end);
	kdx_journal_init(&j);
	assert_int_equal(kdx_journal_reopen(&j, path, st.last_seq, st.valid_bytes, &err), 0);
	assert_int_equal(kdx_journal_append(&j, KDX_J_RESUME, NULL, "{}", &err), 0);
	kdx_journal_release(&j);
	kdx_journal_state_release(&st);
	kdx_journal_state_init(&st);
	strbuf_reset(&warn);
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	assert_false(st.torn_tail);
	assert_int_equal(st.nrecords, 4001);
	kdx_journal_state_release(&st);
	strbuf_release(&err);
	strbuf_release(&warn);
	free(path);
}

static void test_atomic_write(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/plan.json", tmpdir);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_atomic_write(path, "old", 3, 0600, &err), 0);
	assert_int_equal(kdx_atomic_write(path, "new contents", 12, 0600, &err), 0);
	assert_string_equal(slurp(path, NULL), "new contents");
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* no temp file is left behind */
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_int_not_equal(access(tmp, F_OK), 0);
	/* failure leaves the old file alone and says where */
	assert_int_equal(kdx_atomic_write("/nonexistent-dir/x", "y", 1, 0600, &err), -1);
	assert_non_null(strstr(err.buf, "cannot create '/nonexistent-dir/x.tmp."));
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_append_and_read),
		cmocka_unit_test(test_torn_last_record),
		cmocka_unit_test(test_corrupt_middle),
		cmocka_unit_test(test_absurd_sequence),
		cmocka_unit_test(test_secret_canary),
		cmocka_unit_test(test_crash_hook),
		cmocka_unit_test(test_write_ahead),
		cmocka_unit_test(test_atomic_write),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
