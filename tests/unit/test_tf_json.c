/* Unit tests for executor/terraform/tf_json: real Terraform 1.11 output captured into
 * tests/terraform/fixtures/ by tests/terraform/capture-fixtures.sh, read back here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "executor/terraform/tf_json.h"

#define FIX "tests/terraform/fixtures/"

static void read_file(const char *path, strbuf *sb)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open fixture '%s' (run the tests from the repository root)", path);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(sb, buf, n);
	fclose(fp);
}

/* Parse every line of a .jsonl fixture; returns the number of events. */
static size_t parse_fixture(kdx_arena *a, const char *name, tf_event *evs, size_t max)
{
	strbuf sb = STRBUF_INIT;
	read_file(name, &sb);
	size_t n = 0;
	char *line = sb.buf;
	while (*line && n < max) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		tf_json_parse_event(a, line, len, &evs[n++]);
		line += len + (nl ? 1 : 0);
	}
	strbuf_release(&sb);
	return n;
}

static const tf_event *find_kind(const tf_event *evs, size_t n, tf_event_kind k, size_t nth)
{
	for (size_t i = 0; i < n; i++)
		if (evs[i].kind == k && nth-- == 0)
			return &evs[i];
	return NULL;
}

static void test_plan_stream(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev[32];
	size_t n = parse_fixture(&a, FIX "plan.jsonl", ev, 32);
	assert_int_equal(n, 5);
	assert_int_equal(ev[0].kind, TF_EV_VERSION);
	assert_string_equal(ev[0].terraform_version, "1.11.4");
	assert_string_equal(ev[0].ui_version, "1.2");
	/* independent resources come in any order */
	assert_int_equal(ev[1].kind, TF_EV_PLANNED_CHANGE);
	assert_int_equal(ev[2].kind, TF_EV_PLANNED_CHANGE);
	const tf_event *pa = !strcmp(ev[1].address, "terraform_data.a") ? &ev[1] : &ev[2];
	const tf_event *pb = pa == &ev[1] ? &ev[2] : &ev[1];
	assert_string_equal(pa->address, "terraform_data.a");
	assert_string_equal(pa->action, "create");
	assert_string_equal(pa->message, "terraform_data.a: Plan to create");
	assert_string_equal(pb->address, "terraform_data.b");
	assert_int_equal(ev[3].kind, TF_EV_CHANGE_SUMMARY);
	assert_int_equal(ev[3].changes.add, 2);
	assert_int_equal(ev[3].changes.change, 0);
	assert_int_equal(ev[3].changes.remove, 0);
	assert_string_equal(ev[3].changes.operation, "plan");
	assert_int_equal(ev[4].kind, TF_EV_OUTPUTS);
	assert_string_equal(tf_event_kind_name(ev[4].kind), "outputs");

	n = parse_fixture(&a, FIX "plan-update.jsonl", ev, 32);
	const tf_event *rs = find_kind(ev, n, TF_EV_REFRESH_START, 0);
	assert_non_null(rs);
	assert_non_null(rs->id_value);
	for (size_t i = 0; i < 2; i++) {
		const tf_event *pc = find_kind(ev, n, TF_EV_PLANNED_CHANGE, i);
		assert_non_null(pc);
		assert_string_equal(pc->action, !strcmp(pc->address, "terraform_data.b") ?
							"replace" : "update");
	}
	const tf_event *cs = find_kind(ev, n, TF_EV_CHANGE_SUMMARY, 0);
	assert_int_equal(cs->changes.add, 1);
	assert_int_equal(cs->changes.change, 1);
	assert_int_equal(cs->changes.remove, 1);
	kdx_arena_release(&a);
}

static void test_apply_and_destroy_streams(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev[32];
	size_t n = parse_fixture(&a, FIX "apply.jsonl", ev, 32);
	const tf_event *st = find_kind(ev, n, TF_EV_APPLY_START, 0);
	assert_non_null(st);
	assert_string_equal(st->action, "create");
	assert_true(!strcmp(st->address, "terraform_data.a") ||
		    !strcmp(st->address, "terraform_data.b"));
	strbuf msg = STRBUF_INIT;
	strbuf_addf(&msg, "%s: Creating...", st->address);
	assert_string_equal(st->message, msg.buf);
	strbuf_release(&msg);
	const tf_event *done = find_kind(ev, n, TF_EV_APPLY_COMPLETE, 1);
	assert_non_null(done);
	assert_non_null(done->id_value);
	assert_int_equal(strlen(done->id_value), 36);
	assert_true(done->elapsed_seconds == 0);
	const tf_event *cs = find_kind(ev, n, TF_EV_CHANGE_SUMMARY, 0);
	assert_string_equal(cs->changes.operation, "apply");
	assert_int_equal(cs->changes.add, 2);

	n = parse_fixture(&a, FIX "destroy.jsonl", ev, 32);
	const tf_event *del = find_kind(ev, n, TF_EV_APPLY_START, 0);
	assert_string_equal(del->action, "delete");
	cs = find_kind(ev, n, TF_EV_CHANGE_SUMMARY, 1);
	assert_string_equal(cs->changes.operation, "destroy");
	assert_int_equal(cs->changes.remove, 2);

	n = parse_fixture(&a, FIX "init.jsonl", ev, 32);
	assert_non_null(find_kind(ev, n, TF_EV_INIT_OUTPUT, 0));
	kdx_arena_release(&a);
}

static void test_precondition_diagnostic(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev[8];
	size_t n = parse_fixture(&a, FIX "precondition.jsonl", ev, 8);
	const tf_event *d = find_kind(ev, n, TF_EV_DIAGNOSTIC, 0);
	assert_non_null(d);
	assert_string_equal(d->level, "error");
	assert_string_equal(d->diag->severity, "error");
	assert_string_equal(d->diag->summary, "Resource precondition failed");
	assert_string_equal(d->diag->detail, "The weight must be at most 100.");
	assert_string_equal(d->diag->filename, "main.tf");
	assert_int_equal(d->diag->line, 12);
	assert_int_equal(d->diag->col, 23);
	assert_int_equal(d->diag->end_col, 40);
	assert_string_equal(d->diag->snippet_context, "resource \"terraform_data\" \"weight\"");
	strbuf sb = STRBUF_INIT;
	tf_diag_format(&sb, d->diag, "cfg/fail");
	assert_string_equal(sb.buf,
			    "cfg/fail/main.tf:12:23: error: Resource precondition failed\n"
			    "  12 |       condition     = var.weight <= 100\n"
			    "     |                       ^^^^^^^^^^^^^^^^^\n"
			    "The weight must be at most 100.\n");
	strbuf_reset(&sb);
	tf_diag_format(&sb, d->diag, ".");
	assert_true(!strncmp(sb.buf, "main.tf:12:23: error: ", 22));
	strbuf_release(&sb);
	kdx_arena_release(&a);
}

static void test_undeclared_reference(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev[8];
	size_t n = parse_fixture(&a, FIX "undeclared.jsonl", ev, 8);
	const tf_event *d = find_kind(ev, n, TF_EV_DIAGNOSTIC, 0);
	assert_non_null(d);
	assert_string_equal(d->diag->summary, "Reference to undeclared input variable");
	assert_int_equal(d->diag->line, 3);
	assert_int_equal(d->diag->col, 11);
	assert_non_null(strstr(d->diag->detail, "\"nope\" has not been declared"));
	kdx_arena_release(&a);
}

static void test_state_lock(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev[8];
	size_t n = parse_fixture(&a, FIX "lock.jsonl", ev, 8);
	const tf_event *d = find_kind(ev, n, TF_EV_DIAGNOSTIC, 0);
	assert_non_null(d);
	tf_lock_info li;
	assert_true(tf_lock_parse(&a, d->diag, &li));
	assert_non_null(li.id);
	assert_int_equal(strlen(li.id), 36);
	assert_string_equal(li.path, "terraform.tfstate");
	assert_string_equal(li.operation, "OperationTypeApply");
	assert_non_null(li.who);
	assert_non_null(strchr(li.who, '@'));
	assert_string_equal(li.version, "1.11.4");
	assert_non_null(li.created);
	/* the "Info:" line is empty and must not swallow the next one */
	const tf_event *other = find_kind(ev, n, TF_EV_OTHER, 0);
	assert_non_null(other);
	assert_string_equal(other->type, "state_lock_acquire");

	n = parse_fixture(&a, FIX "precondition.jsonl", ev, 8);
	d = find_kind(ev, n, TF_EV_DIAGNOSTIC, 0);
	assert_false(tf_lock_parse(&a, d->diag, &li));
	kdx_arena_release(&a);
}

static void test_interrupt_stream(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev[32];
	size_t n = parse_fixture(&a, FIX "interrupt.jsonl", ev, 32);
	const tf_event *log = find_kind(ev, n, TF_EV_LOG, 0);
	assert_non_null(log);
	assert_non_null(strstr(log->message, "Interrupt received"));
	const tf_event *pp = find_kind(ev, n, TF_EV_PROVISION_PROGRESS, 0);
	assert_non_null(pp);
	assert_string_equal(pp->provisioner, "local-exec");
	assert_non_null(strstr(pp->output, "Executing:"));
	assert_non_null(find_kind(ev, n, TF_EV_PROVISION_ERRORED, 0));
	const tf_event *ae = find_kind(ev, n, TF_EV_APPLY_ERRORED, 0);
	assert_non_null(ae);
	assert_string_equal(ae->address, "terraform_data.slow");
	assert_true(ae->elapsed_seconds >= 0);
	const tf_event *d1 = find_kind(ev, n, TF_EV_DIAGNOSTIC, 0);
	assert_string_equal(d1->diag->address, "terraform_data.slow");
	const tf_event *d2 = find_kind(ev, n, TF_EV_DIAGNOSTIC, 1);
	assert_string_equal(d2->diag->summary, "execution halted");
	assert_null(d2->diag->filename);
	strbuf sb = STRBUF_INIT;
	tf_diag_format(&sb, d2->diag, "x");
	assert_string_equal(sb.buf, "error: execution halted\n");
	strbuf_release(&sb);
	kdx_arena_release(&a);
}

/* Captured with the aws provider against moto, after a change made outside Terraform. */
static void test_drift_and_warning(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev[16];
	size_t n = parse_fixture(&a, FIX "drift.jsonl", ev, 16);
	const tf_event *d = find_kind(ev, n, TF_EV_RESOURCE_DRIFT, 0);
	assert_non_null(d);
	assert_string_equal(d->address, "aws_sns_topic.alerts");
	assert_string_equal(d->action, "update");
	assert_string_equal(d->message, "aws_sns_topic.alerts: Drift detected (update)");
	const tf_event *w = find_kind(ev, n, TF_EV_DIAGNOSTIC, 0);
	assert_non_null(w);
	assert_string_equal(w->level, "warn");
	assert_string_equal(w->diag->severity, "warning");
	assert_string_equal(w->diag->summary, "Resource targeting is in effect");
	assert_null(w->diag->filename);
	strbuf sb = STRBUF_INIT;
	tf_diag_format(&sb, w->diag, "x");
	assert_true(!strncmp(sb.buf, "warning: Resource targeting is in effect\n", 41));
	strbuf_release(&sb);
	kdx_arena_release(&a);
}

static void test_odd_lines(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	tf_event ev;
	const char *text = "Error: Failed to select workspace";
	tf_json_parse_event(&a, text, strlen(text), &ev);
	assert_int_equal(ev.kind, TF_EV_TEXT);
	assert_string_equal(ev.message, text);
	tf_json_parse_event(&a, "{\"oops\":", 8, &ev);
	assert_int_equal(ev.kind, TF_EV_TEXT);
	tf_json_parse_event(&a, "", 0, &ev);
	assert_int_equal(ev.kind, TF_EV_TEXT);
	const char *future = "{\"@level\":\"info\",\"@message\":\"m\",\"type\":\"some_new_thing\"}";
	tf_json_parse_event(&a, future, strlen(future), &ev);
	assert_int_equal(ev.kind, TF_EV_OTHER);
	assert_string_equal(ev.type, "some_new_thing");
	/* apply_progress, in the shape Terraform 1.11 prints it every 10 s */
	const char *prog = "{\"@level\":\"info\",\"@message\":\"terraform_data.slow: Still creating... "
			   "[10s elapsed]\",\"@module\":\"terraform.ui\",\"hook\":{\"resource\":"
			   "{\"addr\":\"terraform_data.slow\",\"module\":\"\"},\"action\":\"create\","
			   "\"elapsed_seconds\":10},\"type\":\"apply_progress\"}";
	tf_json_parse_event(&a, prog, strlen(prog), &ev);
	assert_int_equal(ev.kind, TF_EV_APPLY_PROGRESS);
	assert_string_equal(ev.address, "terraform_data.slow");
	assert_true(ev.elapsed_seconds == 10);
	/* a diagnostic in a -var value is not in a file of the configuration */
	tf_diag vd = { .severity = "error", .summary = "Variables not allowed",
		       .detail = "Variables may not be used here.",
		       .filename = "<value for var.m>", .line = 1, .col = 41 };
	strbuf sb = STRBUF_INIT;
	tf_diag_format(&sb, &vd, "cfg");
	assert_string_equal(sb.buf, "<value for var.m>:1:41: error: Variables not allowed\n"
				    "Variables may not be used here.\n");
	strbuf_release(&sb);
	kdx_arena_release(&a);
}

static void test_show_summary(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf js = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT;
	tf_plan_summary s;
	read_file(FIX "show-create.json", &js);
	assert_int_equal(tf_plan_summary_parse(&a, js.buf, js.len, &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.add, 2);
	assert_int_equal(s.change + s.destroy + s.replace, 0);
	assert_int_equal(s.outputs_changed, 5);
	tf_plan_summary_format(&out, &s);
	assert_string_equal(out.buf, "  + terraform_data.a (create)\n"
				     "  + terraform_data.b (create)\n"
				     "Plan: 2 to add, 0 to change, 0 to destroy.\n"
				     "Outputs: 5 to change.\n");

	strbuf_reset(&js);
	strbuf_reset(&out);
	read_file(FIX "show-update.json", &js);
	assert_int_equal(tf_plan_summary_parse(&a, js.buf, js.len, &s, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.changes[0].action, TF_ACT_UPDATE);
	assert_int_equal(s.changes[1].action, TF_ACT_REPLACE);
	assert_int_equal(s.add, 1);
	assert_int_equal(s.change, 1);
	assert_int_equal(s.destroy, 1);
	assert_int_equal(s.replace, 1);
	tf_plan_summary_to_json(&out, &s);
	assert_string_equal(out.buf,
			    "{\"add\":1,\"change\":1,\"destroy\":1,\"replace\":1,\"read\":0,"
			    "\"outputs_changed\":2,\"resource_changes\":["
			    "{\"address\":\"terraform_data.a\",\"action\":\"update\"},"
			    "{\"address\":\"terraform_data.b\",\"action\":\"replace\"}]}");
	/* the plan holds the sensitive output's value; the summary never does */
	assert_null(strstr(out.buf, "hunter2"));

	assert_int_equal(tf_plan_summary_parse(&a, "{}", 2, &s, &err), -1);
	assert_non_null(strstr(err.buf, "did not print a plan"));
	strbuf_reset(&err);
	assert_int_equal(tf_plan_summary_parse(&a, "{\"format_version\":", 18, &s, &err), -1);
	assert_non_null(strstr(err.buf, "invalid JSON from terraform"));
	strbuf_release(&js);
	strbuf_release(&err);
	strbuf_release(&out);
	kdx_arena_release(&a);
}

static void test_outputs(void **state)
{
	(void)state;
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf js = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT;
	tf_outputs o;
	read_file(FIX "output.json", &js);
	assert_int_equal(tf_outputs_parse(&a, js.buf, js.len, &o, &err), 0);
	assert_int_equal(o.n, 5);
	kdx_value *all = tf_outputs_value(&a, &o, true);
	kdx_value *pub = tf_outputs_value(&a, &o, false);
	assert_int_equal(all->u.map.n, 5);
	assert_int_equal(pub->u.map.n, 4);
	assert_null(kdx_value_get(pub, "admin_password"));
	kdx_value *pw = kdx_value_get(all, "admin_password");
	assert_non_null(pw);
	assert_string_equal(pw->u.str.ptr, "hunter2-kdx");
	kdx_value *rep = kdx_value_get(pub, "replicas");
	assert_int_equal(rep->kind, KDX_V_NUMBER);
	assert_true(rep->u.num == 3);
	kdx_value *w = kdx_value_get(pub, "weights");
	assert_int_equal(w->kind, KDX_V_MAP);
	assert_true(kdx_value_get(w, "us-east-1")->u.num == 70);
	assert_true(kdx_value_get(w, "eu-west-1")->u.num == 10);
	kdx_value *regions = kdx_value_get(pub, "regions");
	assert_int_equal(regions->kind, KDX_V_LIST);
	assert_int_equal(regions->u.list.n, 3);
	assert_string_equal(kdx_value_get(pub, "name")->u.str.ptr, "kdx-b");
	tf_outputs_to_json(&out, &o);
	assert_null(strstr(out.buf, "hunter2"));
	assert_non_null(strstr(out.buf, "\"admin_password\":{\"sensitive\":true}"));
	assert_non_null(strstr(out.buf, "\"replicas\":{\"sensitive\":false,\"value\":3}"));

	assert_int_equal(tf_outputs_parse(&a, "{}", 2, &o, &err), 0);
	assert_int_equal(o.n, 0);
	assert_int_equal(tf_outputs_parse(&a, "[]", 2, &o, &err), -1);
	assert_non_null(strstr(err.buf, "did not print an object"));
	strbuf_release(&js);
	strbuf_release(&err);
	strbuf_release(&out);
	kdx_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_stream),
		cmocka_unit_test(test_apply_and_destroy_streams),
		cmocka_unit_test(test_precondition_diagnostic),
		cmocka_unit_test(test_undeclared_reference),
		cmocka_unit_test(test_state_lock),
		cmocka_unit_test(test_interrupt_stream),
		cmocka_unit_test(test_drift_and_warning),
		cmocka_unit_test(test_odd_lines),
		cmocka_unit_test(test_show_summary),
		cmocka_unit_test(test_outputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
