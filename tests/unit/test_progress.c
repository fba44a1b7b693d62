/* Unit tests for cli/progress: the exact human lines (with and without colour) and the
 * -json lines for executor events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/progress.h"
#include "common/strbuf.h"

static char *render(bool json, bool color, const kdx_event *evs, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	kdx_progress p;
	kdx_progress_init(&p, fp, json, color);
	kdx_event_sink sink = kdx_progress_sink(&p);
	for (size_t i = 0; i < n; i++)
		sink.emit(sink.ctx, &evs[i]);
	fclose(fp);
	return buf;
}

static const kdx_event run[] = {
	{ .kind = KDX_EV_RUN_START, .message = "apply", .total = 3, .rto_ms = 900000 },
	{ .kind = KDX_EV_STEP_START, .elapsed_ms = 0, .step = "announce", .attempt = 1,
	  .attempts = 1, .rto_ms = 900000 },
	{ .kind = KDX_EV_STEP_DONE, .elapsed_ms = 210, .step = "announce", .attempt = 1,
	  .attempts = 1, .duration_ms = 210, .rto_ms = 900000 },
	{ .kind = KDX_EV_STEP_RETRY, .elapsed_ms = 1300, .step = "shift_traffic", .attempt = 1,
	  .attempts = 3, .delay_ms = 2000, .message = "Throttling", .status = "do",
	  .rto_ms = 900000 },
	{ .kind = KDX_EV_APPROVAL_NEEDED, .elapsed_ms = 61000, .step = "promote_db", .attempt = 0,
	  .rto_ms = 900000 },
	{ .kind = KDX_EV_STEP_FAILED, .elapsed_ms = 62500, .step = "promote_db",
	  .message = "precondition failed: lag 20s > 5s", .status = "rollback", .rto_ms = 900000 },
	{ .kind = KDX_EV_ROLLBACK_START, .elapsed_ms = 62500,
	  .message = "step 'promote_db' failed", .rto_ms = 900000 },
	{ .kind = KDX_EV_UNDO_DONE, .elapsed_ms = 63000, .step = "shift_traffic", .attempt = 1,
	  .attempts = 3, .duration_ms = 500, .rto_ms = 900000 },
	{ .kind = KDX_EV_UNDO_SKIPPED, .elapsed_ms = 63000, .step = "announce",
	  .message = "has no undo: not undone, check it by hand", .rto_ms = 900000 },
	{ .kind = KDX_EV_DEADLINE, .elapsed_ms = 900000, .message = "the RTO of 15m is exhausted",
	  .status = "continue", .rto_ms = 900000 },
	{ .kind = KDX_EV_RUN_END, .elapsed_ms = 63100, .status = "rolled_back", .rto_ms = 900000 },
};

static void test_human(void **state)
{
	(void)state;
	char *out = render(false, false, run, sizeof(run) / sizeof(run[0]));
	const char *want =
		"kdx apply: 3 steps, RTO 15m00s\n"
		"[   0.0s] announce           started\n"
		"[   0.2s] announce           done in 0.2s  (RTO: 14m59s left)\n"
		"[   1.3s] shift_traffic      retry: attempt 1/3 failed (Throttling); next in 2.0s\n"
		"[  1m01s] promote_db         needs approval\n"
		"[  1m02s] promote_db         FAILED: precondition failed: lag 20s > 5s "
		"(on_failure rollback)\n"
		"[  1m02s] ROLLBACK: step 'promote_db' failed\n"
		"[  1m03s] shift_traffic      undone in 0.5s\n"
		"[  1m03s] announce           not undone: has no undo: not undone, check it by hand\n"
		"[ 15m00s] DEADLINE: the RTO of 15m is exhausted (policy: continue)\n"
		"[  1m03s] run rolled_back in 1m03s (RTO 15m00s: 13m56s to spare)\n";
	assert_string_equal(out, want);
	free(out);
}

static void test_human_color_and_overrun(void **state)
{
	(void)state;
	kdx_event evs[] = {
		{ .kind = KDX_EV_STEP_DONE, .elapsed_ms = 5000, .step = "a", .duration_ms = 5000 },
		{ .kind = KDX_EV_RUN_END, .elapsed_ms = 960000, .status = "ok", .rto_ms = 900000 },
	};
	char *out = render(false, true, evs, 2);
	assert_string_equal(out, "[   5.0s] a                  \033[32mdone\033[0m in 5.0s\n"
				 "[ 16m00s] run \033[32mok\033[0m in 16m00s (RTO 15m00s "
				 "\033[31mexceeded\033[0m by 1m00s)\n");
	free(out);
}

static void test_json(void **state)
{
	(void)state;
	char *out = render(true, true, run + 2, 2);
	assert_string_equal(out,
			    "{\"type\":\"step_done\",\"elapsed_ms\":210,\"step\":\"announce\","
			    "\"attempt\":1,\"attempts\":1,\"duration_ms\":210,\"rto_ms\":900000}\n"
			    "{\"type\":\"step_retry\",\"elapsed_ms\":1300,\"step\":\"shift_traffic\","
			    "\"attempt\":1,\"attempts\":3,\"delay_ms\":2000,\"status\":\"do\","
			    "\"message\":\"Throttling\",\"rto_ms\":900000}\n");
	free(out);
}

static void test_time_format(void **state)
{
	(void)state;
	strbuf sb = STRBUF_INIT;
	kdx_progress_time(&sb, 59999);
	assert_string_equal(sb.buf, "59.9s");
	strbuf_reset(&sb);
	kdx_progress_time(&sb, 187000);
	assert_string_equal(sb.buf, "3m07s");
	strbuf_reset(&sb);
	kdx_progress_time(&sb, 3720000);
	assert_string_equal(sb.buf, "1h02m");
	strbuf_release(&sb);
}

static void test_prompt(void **state)
{
	(void)state;
	kdx_step st = { .name = "promote_db", .action = "rds.failover_global_cluster",
			.irreversible = true };
	char *out = NULL;
	size_t len = 0;
	char yes[] = "yes\n", no[] = "y\n";
	FILE *in = fmemopen(yes, strlen(yes), "r");
	FILE *o = open_memstream(&out, &len);
	kdx_prompt p = { in, o, "alice" };
	strbuf by = STRBUF_INIT;
	assert_int_equal(kdx_prompt_approval(&p, &st, &by), 1);
	assert_string_equal(by.buf, "alice at the terminal");
	fclose(in);
	in = fmemopen(no, strlen(no), "r");
	p.in = in;
	strbuf_reset(&by);
	assert_int_equal(kdx_prompt_approval(&p, &st, &by), 0); /* only "yes" */
	fclose(in);
	fclose(o);
	assert_non_null(strstr(out, "Step 'promote_db' needs an approval (it is irreversible).\n"
				    "  It runs rds.failover_global_cluster.\n"
				    "  Only 'yes' will be accepted to approve.\n  Enter a value: "));
	free(out);
	strbuf_release(&by);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_human_color_and_overrun),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_prompt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
