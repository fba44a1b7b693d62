/* Unit tests for executor/store (the run-store seam) over the file and discard stores:
 * conditional appends, identities, lists that keep "fo" and "fo-eu" apart, lease locks with
 * fencing tokens, approvals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/xalloc.h"
#include "executor/journal.h"
#include "executor/store.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kdx-store-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A run of key (a run_start carrying its identity, then one step record). */
static char *make_run(kdx_store *s, const char *key, const char *env, const kdx_lease *lease)
{
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	id.key = xstrdup(key);
	kdx_journal j;
	kdx_journal_init(&j);
	strbuf err = STRBUF_INIT, d = STRBUF_INIT;
	assert_int_equal(kdx_journal_create_in(&j, s, &id, lease, &err), 0);
	strbuf_addf(&d, "{\"command\":\"apply\",\"run_id\":\"%s\",\"runbook\":\"%s.kdx\","
		    "\"name\":\"%s\",\"env\":\"%s\",\"ident\":{\"key\":\"%s\"}}",
		    id.run_id, key, key, env, key);
	assert_int_equal(kdx_journal_append(&j, KDX_J_RUN_START, NULL, d.buf, &err), 0);
	assert_int_equal(kdx_journal_append(&j, KDX_J_STEP_START, "a", "{\"attempt\":1}", &err),
			 0);
	kdx_journal_release(&j);
	char *rid = id.run_id;
	id.run_id = NULL;
	kdx_run_ident_release(&id);
	strbuf_release(&err);
	strbuf_release(&d);
	return rid;
}

static void test_list_keeps_prefixes_apart(void **state)
{
	(void)state;
	kdx_store *s = kdx_store_open_file(tmpdir);
	char *a = make_run(s, "fo", "default", NULL);
	char *b = make_run(s, "fo-eu", "default", NULL);
	char *c = make_run(s, "fo", "staging", NULL);
	kdx_run_ident want;
	kdx_run_ident_init(&want);
	want.key = xstrdup("fo");
	kdx_run_list l;
	kdx_run_list_init(&l);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_store_list_runs(s, &want, &l, &err), 0);
	assert_int_equal(l.n, 2); /* fo-eu's run is not fo's */
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.v[i].key, "fo");
	kdx_run_list_release(&l);
	want.env = xstrdup("staging");
	kdx_run_list_init(&l);
	assert_int_equal(kdx_store_list_runs(s, &want, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].run_id, c);
	kdx_run_list_release(&l);

	/* an identity check names both runs */
	kdx_run_ident got;
	kdx_run_ident_init(&got);
	assert_int_equal(kdx_store_run_ident(s, b, &got, &err), 0);
	assert_int_equal(kdx_run_ident_check(&want, &got, &err), -1);
	assert_non_null(strstr(err.buf, "runbook 'fo-eu'"));
	assert_non_null(strstr(err.buf, "not of runbook 'fo'"));
	kdx_run_ident_release(&got);
	kdx_run_ident_release(&want);
	free(a);
	free(b);
	free(c);
	strbuf_release(&err);
	kdx_store_free(s);
}

/* Record N is written once: a second writer of N (or a gap) is a conflict. */
static void test_conditional_append(void **state)
{
	(void)state;
	kdx_store *s = kdx_store_open_file(tmpdir);
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	id.key = xstrdup("cond");
	kdx_store_run *r;
	strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	assert_int_equal(kdx_store_create(s, &id, &r, &err), 0);
	assert_int_equal(kdx_store_append(r, NULL, 1, "one\n", 4, true, &err), 0);
	assert_int_equal(kdx_store_append(r, NULL, 1, "uno\n", 4, true, &err),
			 KDX_STORE_CONFLICT);
	assert_int_equal(kdx_store_append(r, NULL, 3, "three\n", 6, true, &err),
			 KDX_STORE_CONFLICT);
	assert_int_equal(kdx_store_append(r, NULL, 2, "two\n", 4, false, &err), 0);
	assert_int_equal(kdx_store_sync(r, &err), 0);
	/* a lease that is not held cannot write */
	kdx_lease gone;
	kdx_lease_init(&gone);
	assert_int_equal(kdx_store_append(r, &gone, 3, "three\n", 6, true, &err),
			 KDX_STORE_CONFLICT);
	kdx_store_run_close(r);
	assert_int_equal(kdx_store_read(s, id.run_id, 0, &text, &err), 0);
	assert_string_equal(text.buf, "one\ntwo\n");
	strbuf_reset(&text);
	assert_int_equal(kdx_store_read(s, id.run_id, 1, &text, &err), 0);
	assert_non_null(strstr(text.buf, "one\n"));
	/* exclusive create: the same id twice is refused */
	assert_int_equal(kdx_store_create(s, &id, &r, &err), -1);
	kdx_run_ident_release(&id);
	strbuf_release(&err);
	strbuf_release(&text);
	kdx_store_free(s);
}

static void test_lease_fencing(void **state)
{
	(void)state;
	kdx_store *s = kdx_store_open_file(tmpdir);
	kdx_lease a, b;
	kdx_lease_init(&a);
	kdx_lease_init(&b);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_store_lock_take(s, "rb-default", "kdx apply", 0, &a, &err), 0);
	uint64_t t1 = a.token;
	assert_true(t1 >= 1);
	/* held: a second taker is told who holds it */
	assert_int_equal(kdx_store_lock_take(s, "rb-default", "kdx apply", 0, &b, &err), -1);
	/* worded as the S3 and DynamoDB stores word it: which lock, where, who */
	strbuf want = STRBUF_INIT;
	strbuf_addf(&want, "lock 'rb-default' in file://%s is held by pid %ld on host ", tmpdir,
		    (long)getpid());
	assert_non_null(strstr(err.buf, want.buf));
	strbuf_release(&want);
	assert_int_equal(kdx_store_lock_check(s, "rb-default", &a), KDX_LEASE_ALIVE);
	assert_int_equal(kdx_store_lock_renew(s, &a, 0, &err), 0);
	kdx_lease seen;
	kdx_lease_init(&seen);
	assert_int_equal(kdx_store_lock_read(s, "rb-default", &seen, &err), 0);
	assert_int_equal(seen.token, t1);
	assert_string_equal(seen.command, "kdx apply");
	kdx_lease_release(&seen);
	kdx_store_lock_release(s, &a);
	/* the next holder gets a larger token */
	strbuf_reset(&err);
	assert_int_equal(kdx_store_lock_take(s, "rb-default", "kdx resume", 0, &b, &err), 0);
	assert_true(b.token > t1);
	kdx_store_lock_release(s, &b);
	kdx_lease_release(&a);
	kdx_lease_release(&b);
	strbuf_release(&err);
	kdx_store_free(s);
}

static void test_approvals(void **state)
{
	(void)state;
	kdx_store *s = kdx_store_open_file(tmpdir);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_store_approval_put(s, "run-1", "promote", "alice", &err), 0);
	assert_int_equal(kdx_store_approval_put(s, "run-1", "promote", "alice", &err), 0);
	assert_int_equal(kdx_store_approval_put(s, "run-1", "../x", "eve", &err), -1);
	kdx_names l = { 0 };
	assert_int_equal(kdx_store_approval_list(s, "run-1", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "promote\talice");
	kdx_names_release(&l);
	assert_int_equal(kdx_store_approval_list(s, "run-2", &l, &err), 0);
	assert_int_equal(l.n, 0);
	strbuf_release(&err);
	kdx_store_free(s);
}

/* The discard store keeps nothing but still enforces record order. */
static void test_discard(void **state)
{
	(void)state;
	kdx_store *s = kdx_store_open_discard();
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	kdx_store_run *r;
	strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	assert_int_equal(kdx_store_create(s, &id, &r, &err), 0);
	assert_int_equal(kdx_store_append(r, NULL, 1, "x\n", 2, true, &err), 0);
	assert_int_equal(kdx_store_append(r, NULL, 1, "x\n", 2, true, &err), KDX_STORE_CONFLICT);
	kdx_store_run_close(r);
	assert_int_equal(kdx_store_read(s, id.run_id, 0, &text, &err), -1);
	kdx_lease l;
	kdx_lease_init(&l);
	assert_int_equal(kdx_store_lock_take(s, "x-default", "kdx simulate", 0, &l, &err), 0);
	kdx_store_lock_release(s, &l);
	kdx_lease_release(&l);
	kdx_run_ident_release(&id);
	strbuf_release(&err);
	strbuf_release(&text);
	kdx_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_keeps_prefixes_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditional_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_fencing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approvals, setup, teardown),
		cmocka_unit_test(test_discard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
