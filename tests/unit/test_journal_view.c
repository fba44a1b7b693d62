/* Unit tests for cli/journal_view (kdx show JOURNAL): exact text and JSON for a run that was
 * interrupted with a step in doubt, and for one that rolled back with a failed undo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/journal_view.h"
#include "common/strbuf.h"

static int seq;

/* one record with a fixed timestamp, so the output is stable */
static void rec(strbuf *sb, const char *kind, const char *step, const char *data)
{
	size_t start = sb->len;
	seq++;
	strbuf_addf(sb, "{\"seq\":%d,\"ts\":\"2026-11-26T10:00:0%d.000Z\",\"kind\":\"%s\"", seq,
		    seq % 10, kind);
	if (step)
		strbuf_addf(sb, ",\"step\":\"%s\"", step);
	if (data)
		strbuf_addf(sb, ",\"data\":%s", data);
	strbuf_addf(sb, ",\"crc\":\"%08x\"}\n", kdx_crc32c(sb->buf + start, sb->len - start));
}

static char *view(const strbuf *text, bool json)
{
	char path[] = "/tmp/kdx-view-XXXXXX.jsonl";
	int fd = mkstemps(path, 6);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text->buf, text->len), (ssize_t)text->len);
	close(fd);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(kdx_journal_read(path, &st, &warn, &err), 0);
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	if (json)
		kdx_journal_view_json(fp, "j.jsonl", &st);
	else
		kdx_journal_view_text(fp, "j.jsonl", &st);
	fclose(fp);
	unlink(path);
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	return out;
}

static void interrupted(strbuf *sb)
{
	seq = 0;
	rec(sb, "run_start", NULL, "{\"command\":\"apply\",\"run_id\":\"ab12\",\"runbook\":"
		"\"plans/failover.kdx\",\"name\":\"kaldrix-failover\",\"env\":\"staging\"}");
	rec(sb, "step_start", "scale", "{\"phase\":\"do\",\"attempt\":1}");
	rec(sb, "intent", "scale", "{\"phase\":\"do\",\"attempt\":1,\"token\":\"t\"}");
	rec(sb, "result", "scale", "{\"phase\":\"do\",\"attempt\":1,\"ok\":true}");
	rec(sb, "step_done", "scale", "{}");
	rec(sb, "step_start", "shift_traffic", "{\"phase\":\"do\",\"attempt\":1}");
	rec(sb, "intent", "shift_traffic", "{\"phase\":\"do\",\"attempt\":1,\"token\":\"u\"}");
}

static void test_interrupted(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	interrupted(&sb);
	char *out = view(&sb, false);
	assert_string_equal(out,
		"Journal j.jsonl\n"
		"  run ab12: kdx apply of plans/failover.kdx (kaldrix-failover), environment staging\n"
		"  started 2026-11-26T10:00:01.000Z, 7 records\n"
		"  status: interrupted\n"
		"\n"
		"  scale          done\n"
		"  shift_traffic  in doubt (a request went out, its answer was not recorded)\n"
		"\n"
		"Next: 'kdx resume' reconciles the in-doubt steps against live state first, or "
		"'kdx rollback'.\n");
	free(out);
	out = view(&sb, true);
	assert_string_equal(out,
		"{\"journal\":\"j.jsonl\",\"run_id\":\"ab12\",\"command\":\"apply\","
		"\"runbook\":\"plans/failover.kdx\",\"name\":\"kaldrix-failover\",\"env\":\"staging\","
		"\"started_at\":\"2026-11-26T10:00:01.000Z\",\"status\":\"interrupted\","
		"\"ended\":false,\"rollback\":false,\"torn_tail\":false,\"damaged\":false,\"records\":7,\"steps\":["
		"{\"name\":\"scale\",\"state\":\"done\",\"undo\":null,\"attempts\":1,\"error\":null},"
		"{\"name\":\"shift_traffic\",\"state\":\"in doubt\",\"undo\":null,\"attempts\":1,"
		"\"error\":null}]}\n");
	free(out);
	strbuf_release(&sb);
}

static void test_rollback_failed(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	interrupted(&sb);
	rec(&sb, "result", "shift_traffic", "{\"phase\":\"do\",\"attempt\":1,\"ok\":false}");
	rec(&sb, "step_failed", "shift_traffic", "{\"error\":\"Throttling\",\"on_failure\":\"rollback\"}");
	rec(&sb, "rollback_start", NULL, "{\"reason\":\"step 'shift_traffic' failed\"}");
	rec(&sb, "undo_start", "scale", "{\"phase\":\"undo\",\"attempt\":1}");
	rec(&sb, "undo_failed", "scale", "{\"error\":\"AccessDenied\"}");
	rec(&sb, "run_end", NULL, "{\"status\":\"rollback_failed\"}");
	/* and a record torn by a crash */
	strbuf_addstr(&sb, "{\"seq\":14,\"ts\":\"2026-");
	char *out = view(&sb, false);
	assert_string_equal(out,
		"Journal j.jsonl\n"
		"  run ab12: kdx apply of plans/failover.kdx (kaldrix-failover), environment staging\n"
		"  started 2026-11-26T10:00:01.000Z, 13 records\n"
		"  status: rollback_failed\n"
		"\n"
		"  scale          done, undo failed: AccessDenied\n"
		"  shift_traffic  failed: Throttling\n"
		"\n"
		"  note: the last record was torn by the crash and is ignored\n"
		"\n"
		"Next: fix what the failed undo reports, then 'kdx rollback' again.\n");
	free(out);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interrupted),
		cmocka_unit_test(test_rollback_failed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
