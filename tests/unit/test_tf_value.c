/* Unit tests for executor/terraform/tf_value: kdx values as -var arguments, the plan summary as a
 * value. (test_tf_ops.c sends such values through the real terraform and back.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "common/value.h"
#include "executor/terraform/tf_value.h"

static kdx_value *json(kdx_arena *a, const char *text)
{
	strbuf err = STRBUF_INIT;
	kdx_value *v = kdx_value_from_json(a, text, strlen(text), &err);
	assert_non_null(v);
	strbuf_release(&err);
	return v;
}

static void test_var_args(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf sb = STRBUF_INIT;
	/* a top-level string is literal: Terraform does not interpolate -var strings */
	tf_var_arg(&sb, "s", kdx_value_string(&a, "a \"b\" ${c}"));
	assert_string_equal(sb.buf, "s=a \"b\" ${c}");
	strbuf_reset(&sb);
	tf_var_arg(&sb, "n", kdx_value_number(&a, 2.5));
	assert_string_equal(sb.buf, "n=2.5");
	strbuf_reset(&sb);
	tf_var_arg(&sb, "n", kdx_value_number(&a, 70));
	assert_string_equal(sb.buf, "n=70");
	strbuf_reset(&sb);
	tf_var_arg(&sb, "w", kdx_value_percent(&a, 20));
	assert_string_equal(sb.buf, "w=20");
	strbuf_reset(&sb);
	tf_var_arg(&sb, "d", kdx_value_duration(&a, 90000));
	assert_string_equal(sb.buf, "d=\"1m30s\"");
	strbuf_reset(&sb);
	tf_var_arg(&sb, "r", kdx_value_region(&a, "us-west-2"));
	assert_string_equal(sb.buf, "r=us-west-2");
	strbuf_reset(&sb);
	tf_var_arg(&sb, "m", json(&a, "{\"us-east-1\":70,\"x\":[true,null]}"));
	assert_string_equal(sb.buf, "m={\"us-east-1\" = 70, \"x\" = [true, null]}");
	strbuf_reset(&sb);
	/* nested strings are HCL templates: ${ and %{ are doubled, escapes are HCL's */
	tf_var_arg(&sb, "l", json(&a, "[\"${a} %{b} $${c} $x %y\",\"q\\\"\\\\\\n\\t\\u0001\"]"));
	assert_string_equal(sb.buf, "l=[\"$${a} %%{b} $$${c} $x %y\", \"q\\\"\\\\\\n\\t\\u0001\"]");
	strbuf_release(&sb);
	kdx_arena_release(&a);
}

static void test_plan_summary_value(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_resource_change ch[2] = { { "terraform_data.a", TF_ACT_UPDATE },
				     { "terraform_data.b", TF_ACT_REPLACE } };
	tf_plan_summary s = { .changes = ch, .n = 2, .add = 1, .change = 1, .destroy = 1,
			      .replace = 1, .outputs_changed = 2 };
	kdx_value *v = tf_plan_summary_value(&a, &s);
	strbuf sb = STRBUF_INIT;
	kdx_value_to_json(&sb, v);
	assert_string_equal(sb.buf, "{\"add\":1,\"change\":1,\"destroy\":1,\"replace\":1,\"read\":0,"
				    "\"outputs_changed\":2,\"changes\":["
				    "{\"address\":\"terraform_data.a\",\"action\":\"update\"},"
				    "{\"address\":\"terraform_data.b\",\"action\":\"replace\"}]}");
	strbuf_release(&sb);
	kdx_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_var_args),
		cmocka_unit_test(test_plan_summary_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
