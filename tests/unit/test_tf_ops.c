/* Unit tests for executor/terraform/tf: the C API the executor calls, on a copy of
 * tests/terraform/data with the real terraform (skipped when terraform is not installed). */
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
#include "executor/terraform/proc.h"
#include "executor/terraform/tf.h"
#include "executor/terraform/tf_value.h"

static char tmpdir[] = "/tmp/kdx-test-tf-XXXXXX";
static char cfg[256], vcfg[256];

typedef struct seen {
	int events, planned, applied, text, diags;
	bool version;
} seen;

static void on_event(void *ctx, int stream, const tf_event *ev)
{
	seen *s = ctx;
	s->events++;
	s->planned += ev->kind == TF_EV_PLANNED_CHANGE;
	s->applied += ev->kind == TF_EV_APPLY_COMPLETE;
	s->text += ev->kind == TF_EV_TEXT;
	s->diags += ev->kind == TF_EV_DIAGNOSTIC;
	s->version |= ev->kind == TF_EV_VERSION;
	assert_true(stream == 1 || stream == 2);
}

static int have_terraform(void)
{
	struct tf_proc p;
	strbuf err = STRBUF_INIT;
	tf_proc_init(&p);
	tf_proc_arg(&p, "terraform");
	tf_proc_arg(&p, "version");
	tf_proc_env_minimal(&p);
	int ok = tf_proc_run(&p, &err) == 0 && p.exited && p.exit_code == 0;
	tf_proc_release(&p);
	strbuf_release(&err);
	return ok;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(cfg, sizeof(cfg), "%s/data", tmpdir);
	snprintf(vcfg, sizeof(vcfg), "%s/vars", tmpdir);
	struct tf_proc p;
	strbuf err = STRBUF_INIT;
	tf_proc_init(&p);
	tf_proc_arg(&p, "sh");
	tf_proc_arg(&p, "-c");
	tf_proc_argf(&p, "cp -R tests/terraform/data '%s' && cp -R tests/terraform/vars '%s'", cfg,
		     vcfg);
	tf_proc_env_minimal(&p);
	int rc = tf_proc_run(&p, &err) == 0 && p.exit_code == 0 ? 0 : -1;
	tf_proc_release(&p);
	strbuf_release(&err);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	struct tf_proc p;
	strbuf err = STRBUF_INIT;
	tf_proc_init(&p);
	tf_proc_arg(&p, "rm");
	tf_proc_arg(&p, "-rf");
	tf_proc_arg(&p, tmpdir);
	tf_proc_env_minimal(&p);
	tf_proc_run(&p, &err);
	tf_proc_release(&p);
	strbuf_release(&err);
	return 0;
}

static void test_round_trip(void **state)
{
	(void)state;
	if (!have_terraform())
		skip();
	seen s = { 0 };
	const char *vars[] = { "name=unit", "replicas=7" };
	tf_opts o = { .dir = cfg, .vars = vars, .nvars = 2, .on_event = on_event, .ctx = &s };
	tf_result r;
	strbuf err = STRBUF_INIT, plan = STRBUF_INIT;
	strbuf_addf(&plan, "%s/unit.tfplan", tmpdir);

	tf_result_init(&r);
	assert_int_equal(tf_init(&o, &r, &err), 0);
	assert_true(s.events > 0);
	tf_result_release(&r);

	tf_result_init(&r);
	assert_int_equal(tf_workspace_select(&o, "unit", &r, &err), 0);
	tf_result_release(&r);
	o.workspace = "unit";

	tf_result_init(&r);
	assert_int_equal(tf_plan(&o, plan.buf, false, &r, &err), 0);
	assert_true(r.changes_pending);
	assert_true(r.have_changes);
	assert_int_equal(r.changes.add, 2);
	assert_string_equal(r.ui_version, "1.2");
	assert_int_equal(r.exit_code, 2);
	assert_int_equal(s.planned, 2);
	assert_true(s.version);
	tf_result_release(&r);

	tf_result_init(&r);
	assert_int_equal(tf_show_plan(&o, plan.buf, &r, &err), 0);
	assert_true(r.have_summary);
	assert_int_equal(r.summary.add, 2);
	assert_int_equal(r.summary.n, 2);
	tf_result_release(&r);

	tf_result_init(&r);
	assert_int_equal(tf_apply(&o, plan.buf, &r, &err), 0);
	assert_int_equal(s.applied, 2);
	assert_string_equal(r.changes.operation, "apply");
	tf_result_release(&r);

	tf_result_init(&r);
	assert_int_equal(tf_read_outputs(&o, &r, &err), 0);
	assert_true(r.have_outputs);
	kdx_value *m = tf_outputs_value(&r.arena, &r.outputs, false);
	assert_true(kdx_value_get(m, "replicas")->u.num == 7);
	assert_string_equal(kdx_value_get(m, "name")->u.str.ptr, "unit-b");
	assert_null(kdx_value_get(m, "admin_password"));
	tf_result_release(&r);

	tf_result_init(&r);
	assert_int_equal(tf_destroy(&o, &r, &err), 0);
	assert_int_equal(r.changes.remove, 2);
	tf_result_release(&r);

	/* a plan with nothing to do: success, nothing pending */
	o.nvars = 0;
	tf_result_init(&r);
	assert_int_equal(tf_plan(&o, plan.buf, true, &r, &err), 0);
	assert_false(r.changes_pending);
	tf_result_release(&r);
	assert_string_equal(err.buf, "");
	strbuf_release(&err);
	strbuf_release(&plan);
}

static void test_errors(void **state)
{
	(void)state;
	if (!have_terraform())
		skip();
	tf_result r;
	strbuf err = STRBUF_INIT;

	/* only what Terraform needs passes, and a refused value is never echoed */
	const char *const refused[] = { "SECRET_THING=s3cr3t-value", "TF_CLI_ARGS=s3cr3t-value",
					"TF_CLI_ARGS_apply=s3cr3t-value", "AWS_OTHER=s3cr3t-value" };
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		const char *env[] = { "TF_VAR_ok=1", refused[i] };
		tf_opts o = { .dir = cfg, .env = env, .nenv = 2 };
		tf_result_init(&r);
		strbuf_reset(&err);
		assert_int_equal(tf_read_outputs(&o, &r, &err), -1);
		assert_non_null(strstr(err.buf, "cannot pass '"));
		assert_non_null(strstr(err.buf, "' to terraform: only the variables Terraform and its "
					       "AWS provider read, as NAME=value, are passed"));
		assert_null(strstr(err.buf, "s3cr3t"));
		tf_result_release(&r);
	}
	assert_true(tf_env_wanted("AWS_SESSION_TOKEN=x"));
	assert_true(tf_env_wanted("AWS_ENDPOINT_URL_STS=x"));
	assert_true(tf_env_wanted("TF_VAR_x=1"));
	assert_false(tf_env_wanted("AWS_SESSION_TOKENX=x"));
	assert_false(tf_env_wanted("TF_WORKSPACE=x"));

	/* a missing program, with the hint to set KDX_TERRAFORM */
	strbuf_reset(&err);
	tf_opts o2 = { .dir = cfg };
	setenv("KDX_TERRAFORM", "kdx-no-such-terraform", 1);
	assert_string_equal(tf_binary(&o2), "kdx-no-such-terraform");
	tf_result_init(&r);
	assert_int_equal(tf_read_outputs(&o2, &r, &err), -1);
	assert_non_null(strstr(err.buf, "cannot run 'kdx-no-such-terraform': not found in PATH"));
	assert_non_null(strstr(err.buf, "set KDX_TERRAFORM"));
	tf_result_release(&r);
	unsetenv("KDX_TERRAFORM");
	o2.binary = "tofu-or-whatever";
	assert_string_equal(tf_binary(&o2), "tofu-or-whatever");

	/* a missing directory */
	strbuf_reset(&err);
	tf_opts o3 = { .dir = "/nonexistent/kdx-cfg" };
	tf_result_init(&r);
	assert_int_equal(tf_init(&o3, &r, &err), -1);
	assert_non_null(strstr(err.buf, "cannot use '/nonexistent/kdx-cfg' as working directory"));
	tf_result_release(&r);

	/* Terraform's own error, from stderr text when there is no -json diagnostic */
	strbuf_reset(&err);
	tf_result_init(&r);
	tf_opts o4 = { .dir = cfg };
	assert_int_equal(tf_show_plan(&o4, "/nonexistent/plan.tfplan", &r, &err), -1);
	assert_non_null(strstr(err.buf, "terraform show failed in '"));
	assert_true(r.err_text.len > 0);
	tf_result_release(&r);
	strbuf_release(&err);
}

/* kdx values → -var → terraform → output -json → kdx values: unchanged, however odd the
 * strings (quotes, escapes, template sequences, non-ASCII). */
static void test_var_round_trip(void **state)
{
	(void)state;
	if (!have_terraform())
		skip();
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	const char *in_json =
		"{\"s\":\"he said \\\"hi\\\" ${x} %{y} $${z} back\\\\slash \u00fc\","
		"\"n\":2.5,\"b\":true,"
		"\"l\":[\"${a}\",\"%{if b}\",\"line\\nbreak\\ttab\",\"$$\"],"
		"\"m\":{\"us-east-1\":70,\"eu-west-1\":10,\"${k}\":1},"
		"\"o\":{\"name\":\"q\\\"uote\",\"regions\":[\"us-west-2\"],\"weight\":20}}";
	kdx_value *in = kdx_value_from_json(&a, in_json, strlen(in_json), &err);
	assert_non_null(in);
	strbuf args[6];
	const char *vars[6];
	for (size_t i = 0; i < in->u.map.n; i++) {
		strbuf_init(&args[i]);
		tf_var_arg(&args[i], in->u.map.keys[i], in->u.map.vals[i]);
		vars[i] = args[i].buf;
	}
	tf_opts o = { .dir = vcfg, .vars = vars, .nvars = in->u.map.n };
	tf_result r;
	tf_result_init(&r);
	assert_int_equal(tf_init(&o, &r, &err), 0);
	tf_result_release(&r);
	tf_result_init(&r);
	if (tf_apply(&o, NULL, &r, &err) < 0)
		fail_msg("%s", err.buf);
	tf_result_release(&r);
	tf_result_init(&r);
	assert_int_equal(tf_read_outputs(&o, &r, &err), 0);
	kdx_value *out = tf_outputs_value(&r.arena, &r.outputs, true);
	strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	kdx_value_to_json(&x, in);
	kdx_value_to_json(&y, out);
	if (!kdx_value_equal(in, out))
		fail_msg("sent %s, got back %s", x.buf, y.buf);
	strbuf_release(&x);
	strbuf_release(&y);
	tf_result_release(&r);
	for (size_t i = 0; i < in->u.map.n; i++)
		strbuf_release(&args[i]);
	strbuf_release(&err);
	kdx_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_var_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
