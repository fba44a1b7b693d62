/* Unit tests for executor/interp and the real backend's step runner, on a small runbook
 * (tests/unit/data/interp): nested action calls with let/return, reads vs mutations,
 * verify, snapshots, waits (plain, until with a time limit, cancelled), the dry-run
 * recorder (a mutating AWS call printed, not sent, its wait reported as "would wait"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler/compile.h"
#include "executor/backend_real.h"
#include "executor/interp.h"
#include "grammar/ast.h"

typedef struct fx {
	kdx_compilation c;
	kdx_runtime rt;
	aws_credentials creds;
	kdx_interp in;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	const char *inc[] = { "tests/unit/data/interp" };
	kdx_compile_opts o = { .path = "tests/unit/data/interp/rb.kdx", .include_dirs = inc,
			       .ninclude_dirs = 1 };
	if (kdx_compile(&o, &f->c) != 0) {
		strbuf sb = STRBUF_INIT;
		kdx_diags_render(&sb, &f->c.diags, &f->c.sources, false);
		print_error("%s", sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	aws_credentials_init(&f->creds);
	f->creds.access_key_id = strdup("AKIDEXAMPLE");
	f->creds.secret_access_key = strdup("canary-secret-interp");
	f->rt = (kdx_runtime){ .comp = &f->c, .creds = &f->creds, .dry_run = true };
	kdx_interp_init(&f->in, &f->rt);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kdx_interp_release(&f->in);
	aws_credentials_release(&f->creds);
	kdx_compilation_release(&f->c);
	free(f);
	return 0;
}

static const kdx_step *step(const fx *f, const char *name)
{
	for (size_t i = 0; i < f->c.plan->nsteps; i++)
		if (!strcmp(f->c.plan->steps[i].name, name))
			return &f->c.plan->steps[i];
	fail_msg("no step '%s'", name);
	return NULL;
}

static const kdx_bound_call *do_call(const fx *f, const char *name)
{
	return ((const kdx_step_body *)step(f, name)->body)->do_call;
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_nested_calls(void **state)
{
	fx *f = *state;
	kdx_value *v;
	assert_int_equal(kdx_interp_call(&f->in, do_call(f, "s_sum"), NULL, &v), 0);
	assert_int_equal(v->kind, KDX_V_NUMBER);
	assert_true(v->u.num == 6); /* twice(2 + 1) */
	assert_true(kdx_interp_action_reads_only(do_call(f, "s_sum")->decl));
	assert_false(kdx_interp_action_reads_only(do_call(f, "s_put")->decl));
	assert_false(kdx_interp_action_reads_only(do_call(f, "s_nap")->decl)); /* effect {} */
	assert_int_equal(f->in.requests, 0);
}

static void test_verify_and_snapshot(void **state)
{
	fx *f = *state;
	const kdx_bound_call *put = do_call(f, "s_put");
	assert_int_equal(kdx_interp_verify(&f->in, put, NULL), 1); /* twice(3) == 6 */
	assert_int_equal(kdx_interp_verify(&f->in, do_call(f, "s_sum"), NULL), 2); /* none */
	kdx_value *snap;
	assert_int_equal(kdx_interp_snapshot(&f->in, put, &snap), 0);
	assert_int_equal(snap->u.map.n, 1);
	assert_string_equal(snap->u.map.keys[0], "before");
	assert_true(snap->u.map.vals[0]->u.num == 6);
}

static void test_dry_run_records_mutation(void **state)
{
	fx *f = *state;
	setenv("AWS_REGION", "us-east-1", 1);
	unsetenv("AWS_ENDPOINT_URL");
	kdx_interp_reset(&f->in);
	f->in.token = "kdx-0123456789abcdef-00000000-d";
	kdx_value *v;
	int64_t t0 = ms_now();
	int rc = kdx_real_run_step(&f->in, step(f, "s_put"), KDX_PHASE_DO, NULL, &v);
	if (rc)
		print_error("%s\n", f->in.err.buf);
	assert_int_equal(rc, 0);
	assert_true(ms_now() - t0 < 5000); /* the 10 s wait on the answer was not run */
	assert_int_equal(v->kind, KDX_V_NULL);  /* r.MessageId of the empty answer */
	const char *log = f->in.log.buf;
	assert_non_null(strstr(log, "# aws sns Publish\n"));
	assert_non_null(strstr(log, "POST https://sns.eu-west-1.amazonaws.com/"));
	assert_non_null(strstr(log, "Action=Publish"));
	assert_non_null(strstr(log, "Message=v%3D3"));
	assert_non_null(strstr(log, "Authorization: <redacted>"));
	assert_non_null(strstr(log, "# would wait until r.MessageId == \"x\" within 10s"));
	assert_null(strstr(log, "canary-secret-interp"));
	assert_int_equal(f->in.mutations, 1);
	f->in.token = NULL;
}

static void test_waits(void **state)
{
	fx *f = *state;
	kdx_value *v;
	kdx_interp_reset(&f->in);
	int64_t t0 = ms_now();
	assert_int_equal(kdx_real_run_step(&f->in, step(f, "s_nap"), KDX_PHASE_DO, NULL, &v), 0);
	assert_true(ms_now() - t0 >= 30);
	t0 = ms_now();
	assert_int_equal(kdx_real_run_step(&f->in, step(f, "s_never"), KDX_PHASE_DO, NULL, &v), -1);
	assert_true(ms_now() - t0 >= 60);
	assert_non_null(strstr(f->in.err.buf, "timed out waiting until 1 == 2 within 60ms"));
	/* a cancelled attempt stops at its next wait */
	atomic_int cancel;
	atomic_init(&cancel, 1);
	kdx_interp_reset(&f->in);
	f->in.cancel = &cancel;
	t0 = ms_now();
	assert_int_equal(kdx_real_run_step(&f->in, step(f, "s_nap"), KDX_PHASE_DO, NULL, &v), -1);
	assert_true(ms_now() - t0 < 30);
	assert_non_null(strstr(f->in.err.buf, "cancelled"));
	f->in.cancel = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_calls),
		cmocka_unit_test(test_verify_and_snapshot),
		cmocka_unit_test(test_dry_run_records_mutation),
		cmocka_unit_test(test_waits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
