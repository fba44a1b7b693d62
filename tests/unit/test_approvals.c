/* Unit tests for executor/approvals: -approve flags, approvals files, typos, the prompt hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor/approval_rec.h"
#include "executor/approvals.h"

static int asked;

static int ask_no(void *ctx, const kdx_step *st, strbuf *by)
{
	(void)ctx;
	asked++;
	strbuf_addf(by, "operator at the terminal (%s)", st->name);
	return 0;
}

static void test_decide(void **state)
{
	(void)state;
	kdx_step promote = { .name = "promote_db" }, shift = { .name = "shift" };
	kdx_approvals a;
	kdx_approvals_init(&a);
	strbuf by = STRBUF_INIT;
	assert_int_equal(kdx_approvals_decide(&a, &promote, &by), -1); /* cannot ask */
	kdx_approvals_add(&a, "promote_db", "-approve flag");
	assert_int_equal(kdx_approvals_decide(&a, &promote, &by), 1);
	assert_string_equal(by.buf, "-approve flag");
	a.ask = ask_no;
	strbuf_reset(&by);
	assert_int_equal(kdx_approvals_decide(&a, &shift, &by), 0);
	assert_int_equal(asked, 1);
	assert_string_equal(by.buf, "operator at the terminal (shift)");
	a.all = true;
	assert_int_equal(kdx_approvals_decide(&a, &shift, &by), 1);
	kdx_approvals_release(&a);
	strbuf_release(&by);
}

static void test_file_and_typos(void **state)
{
	(void)state;
	char path[] = "/tmp/kdx-approvals-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "# approved in change CHG-42\n\npromote_db\n  shift   # traffic\nshfit\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	kdx_approvals a;
	kdx_approvals_init(&a);
	strbuf err = STRBUF_INIT, by = STRBUF_INIT;
	assert_int_equal(kdx_approvals_load(&a, path, &err), 0);
	assert_int_equal(a.n, 3);
	kdx_step steps[] = { { .name = "promote_db" }, { .name = "shift" } };
	assert_int_equal(kdx_approvals_decide(&a, &steps[1], &by), 1);
	char want[96];
	snprintf(want, sizeof(want), "approvals file '%s' line 4", path);
	assert_string_equal(by.buf, want);
	kdx_plan plan = { .name = "failover", .steps = steps, .nsteps = 2 };
	assert_int_equal(kdx_approvals_check(&a, &plan, &err), -1);
	assert_non_null(strstr(err.buf, "'shfit' ("));
	assert_non_null(strstr(err.buf, "line 5) is not a step of runbook 'failover'"));
	unlink(path);
	strbuf_reset(&err);
	assert_int_equal(kdx_approvals_load(&a, path, &err), -1);
	assert_non_null(strstr(err.buf, "cannot read approvals file"));
	kdx_approvals_release(&a);
	strbuf_release(&err);
	strbuf_release(&by);
}

static void put(kdx_store *s, const char *step, const char *who, bool deny, const char *comment)
{
	kdx_approval_rec r;
	kdx_approval_rec_init(&r);
	r.step = strdup(step);
	r.identity = strdup(who);
	r.deny = deny;
	r.comment = comment ? strdup(comment) : NULL;
	kdx_approval_rec_stamp(&r);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_approval_rec_put(s, "run-1", &r, &err), 0);
	strbuf_release(&err);
	kdx_approval_rec_release(&r);
}

/* min distinct identities from the store; the runner and "unknown" never count; a denial
 * from anyone stops the gate; records of other steps do not matter. */
static void test_store_quorum(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-test-approvals.XXXXXX";
	assert_non_null(mkdtemp(dir));
	kdx_store *s = kdx_store_open_file(dir);
	strbuf run = STRBUF_INIT, by = STRBUF_INIT, err = STRBUF_INIT;
	strbuf_addstr(&run, "run-1");
	kdx_approvals a;
	kdx_approvals_init(&a);
	a.store = s;
	a.run_id = &run;
	a.runner = "arn:runner";
	kdx_step gate = { .name = "promote", .approval = true, .approval_min = 2 };
	assert_int_equal(kdx_approvals_poll(&a, &gate, &by, &err), 2);
	put(s, "promote", "arn:alice", false, "ok");
	put(s, "promote", "arn:alice", false, "still ok");
	put(s, "promote", "arn:runner", false, NULL);
	put(s, "promote", "unknown", false, NULL);
	put(s, "other", "arn:bob", false, NULL);
	assert_int_equal(kdx_approvals_poll(&a, &gate, &by, &err), 2);
	assert_int_equal(by.len, 0);
	put(s, "promote", "arn:bob", false, NULL);
	assert_int_equal(kdx_approvals_poll(&a, &gate, &by, &err), 1);
	assert_non_null(strstr(by.buf, "arn:alice ("));
	assert_non_null(strstr(by.buf, "arn:bob ("));
	assert_null(strstr(by.buf, "arn:runner"));
	strbuf_reset(&by);
	put(s, "promote", "arn:carol", true, "not now");
	assert_int_equal(kdx_approvals_poll(&a, &gate, &by, &err), 0);
	assert_non_null(strstr(by.buf, "arn:carol ("));
	assert_non_null(strstr(by.buf, "\"not now\""));
	/* an older record: a plain name, read as an approval */
	kdx_approval_rec r;
	kdx_approval_rec_init(&r);
	assert_int_equal(kdx_approval_rec_decode("promote\tops", &r), 0);
	assert_string_equal(r.step, "promote");
	assert_string_equal(r.identity, "ops");
	assert_false(r.deny);
	kdx_approval_rec_release(&r);
	kdx_approvals_release(&a);
	kdx_store_free(s);
	strbuf_release(&run);
	strbuf_release(&by);
	strbuf_release(&err);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_file_and_typos),
		cmocka_unit_test(test_store_quorum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
