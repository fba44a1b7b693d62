/* kdx terraform: drive Terraform on one directory through executor/terraform, so people and
 * tests can use the driver alone: progress as it happens, the plan summary, outputs as JSON. */
#include "cli.h"
#include "../common/strbuf.h"
#include "../common/value.h"
#include "../executor/terraform/tf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct tf_cli {
	bool json;
	bool plan; /* the summary follows: skip Terraform's own per-resource plan lines */
};

static void print_event_json(const tf_event *ev, int stream)
{
	strbuf sb = STRBUF_INIT;
	kdx_json_emit(&sb, tf_event_json(ev, stream));
	fputs(sb.buf, stdout);
	fflush(stdout);
	strbuf_release(&sb);
}

static void on_event(void *ctx, int stream, const tf_event *ev)
{
	struct tf_cli *c = ctx;
	if (c->json) {
		print_event_json(ev, stream);
		return;
	}
	if (ev->kind == TF_EV_TEXT) {
		fprintf(stream == 2 ? stderr : stdout, "%s\n", ev->message);
		return;
	}
	/* diagnostics come at the end, with the result; the version line is noise */
	if (ev->kind == TF_EV_DIAGNOSTIC || ev->kind == TF_EV_VERSION || ev->kind == TF_EV_OUTPUTS)
		return;
	if (c->plan && (ev->kind == TF_EV_PLANNED_CHANGE || ev->kind == TF_EV_CHANGE_SUMMARY))
		return;
	const char *m = ev->message;
	size_t len = strlen(m);
	while (len && (*m == '\n' || *m == ' ')) {
		m++;
		len--;
	}
	while (len && m[len - 1] == '\n')
		len--;
	if (len)
		printf("%.*s\n", (int)len, m);
	fflush(stdout);
}

/* What Terraform needs from our environment (tf_env_wanted), nothing else. */
static void collect_env(kdx_strlist *env)
{
	for (char **e = environ; *e; e++)
		if (strchr(*e, '=') && tf_env_wanted(*e))
			kdx_strlist_push(env, *e);
}

static int parse_duration_flag(const kdx_command *cmd, const char *name, const char *s,
			       long *ms)
{
	if (!s)
		return 0;
	int64_t v = kdx_duration_parse(s);
	if (v <= 0) {
		kdx_usage_error(cmd, "flag -%s wants a duration such as 30s or 5m, not '%s'", name, s);
		return -1;
	}
	*ms = (long)v;
	return 0;
}

static void print_warnings(const tf_result *r, const char *dir, bool json)
{
	if (json)
		return; /* already in the event stream */
	for (size_t i = 0; i < r->ndiags; i++) {
		if (!strcmp(r->diags[i]->severity, "error"))
			continue;
		strbuf sb = STRBUF_INIT;
		tf_diag_format(&sb, r->diags[i], dir);
		fprintf(stderr, "%s", sb.buf);
		strbuf_release(&sb);
	}
}

static int report_error(const strbuf *err, bool json)
{
	if (json) {
		strbuf sb = STRBUF_INIT;
		kdx_json *o = kdx_json_object();
		kdx_json_set_str(o, "type", "kdx_error");
		kdx_json_set_str_or_null(o, "message", err->buf);
		kdx_json_emit(&sb, o);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
	}
	fprintf(stderr, "kdx: error: %s%s", err->buf,
		err->len && err->buf[err->len - 1] == '\n' ? "" : "\n");
	return KDX_EXIT_ERROR;
}

/* The outputs, or one of them by name; sensitive values are never printed. */
static int print_outputs(const tf_result *r, const char *name, bool json, strbuf *err)
{
	strbuf sb = STRBUF_INIT;
	if (!name) {
		kdx_json *o = tf_outputs_json(&r->outputs);
		if (json) {
			kdx_json *ev = kdx_json_object();
			kdx_json_set_str(ev, "type", "outputs");
			kdx_json_set(ev, "outputs", o);
			o = ev;
		}
		kdx_json_emit(&sb, o);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		return 0;
	}
	for (size_t i = 0; i < r->outputs.n; i++) {
		const tf_output *o = &r->outputs.items[i];
		if (strcmp(o->name, name))
			continue;
		if (o->sensitive) {
			strbuf_addf(err, "output '%s' is sensitive; kdx does not print sensitive "
					 "values (read it with terraform output -raw %s)",
				    name, name);
			return -1;
		}
		kdx_value_to_json(&sb, o->value);
		puts(sb.buf);
		strbuf_release(&sb);
		return 0;
	}
	strbuf_addf(err, "no output named '%s'; the outputs are: ", name);
	for (size_t i = 0; i < r->outputs.n; i++)
		strbuf_addf(err, "%s'%s'", i ? ", " : "", r->outputs.items[i].name);
	if (!r->outputs.n)
		strbuf_addstr(err, "none (has it been applied?)");
	return -1;
}

static int print_summary(const tf_result *r, bool json)
{
	strbuf sb = STRBUF_INIT;
	if (json) {
		kdx_json *ev = kdx_json_object();
		kdx_json_set_str(ev, "type", "plan_summary");
		kdx_json_set(ev, "summary", tf_plan_summary_json(&r->summary));
		kdx_json_emit(&sb, ev);
	} else {
		tf_plan_summary_format(&sb, &r->summary);
	}
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
	return 0;
}

struct tf_args {
	const char *sub, *dir, *name, *out, *plan;
	bool json, detailed, destroy;
};

static int run_sub(tf_opts *o, const struct tf_args *a, strbuf *err)
{
	tf_result r;
	int rc = KDX_EXIT_OK;
	tf_result_init(&r);
	if (!strcmp(a->sub, "init")) {
		if (tf_init(o, &r, err) < 0)
			goto fail;
		if (o->workspace) {
			print_warnings(&r, o->dir, a->json);
			tf_result_release(&r);
			tf_result_init(&r);
			if (tf_workspace_select(o, o->workspace, &r, err) < 0)
				goto fail;
		}
	} else if (!strcmp(a->sub, "plan")) {
		strbuf def = STRBUF_INIT;
		strbuf_addf(&def, "%s/kdx.tfplan", o->dir);
		const char *out = a->out ? a->out : def.buf;
		int pr = tf_plan(o, out, a->destroy, &r, err);
		bool pending = r.changes_pending;
		print_warnings(&r, o->dir, a->json);
		tf_result_release(&r);
		tf_result_init(&r);
		if (pr == 0 && tf_show_plan(o, out, &r, err) == 0) {
			print_summary(&r, a->json);
			if (!a->json)
				printf("Saved the plan to '%s'.\n", out);
		} else {
			pr = -1;
		}
		strbuf_release(&def);
		if (pr < 0)
			goto fail;
		if (a->detailed && pending)
			rc = KDX_EXIT_CHANGES;
	} else if (!strcmp(a->sub, "apply")) {
		if (tf_apply(o, a->plan, &r, err) < 0)
			goto fail;
	} else if (!strcmp(a->sub, "destroy")) {
		if (tf_destroy(o, &r, err) < 0)
			goto fail;
	} else if (!strcmp(a->sub, "output")) {
		if (tf_read_outputs(o, &r, err) < 0 || print_outputs(&r, a->name, a->json, err) < 0)
			goto fail;
	}
	print_warnings(&r, o->dir, a->json);
	tf_result_release(&r);
	return rc;
fail:
	print_warnings(&r, o->dir, a->json);
	tf_result_release(&r);
	return -1;
}

/* SUB DIR [NAME]: NAME only for output. */
static int check_args(const kdx_command *cmd, const kdx_strlist *pos, struct tf_args *a)
{
	static const char *const subs[] = { "init", "plan", "apply", "destroy", "output", NULL };
	if (pos->n < 2) {
		kdx_usage_error(cmd, "'kdx terraform' needs a command and a directory");
		return -1;
	}
	a->sub = pos->items[0];
	a->dir = pos->items[1];
	bool known = false;
	for (size_t i = 0; subs[i]; i++)
		known |= !strcmp(subs[i], a->sub);
	if (!known) {
		kdx_usage_error(cmd, "unknown terraform command '%s' (want init, plan, apply, "
				     "destroy or output)", a->sub);
		return -1;
	}
	if (pos->n > 3 || (pos->n == 3 && strcmp(a->sub, "output"))) {
		kdx_usage_error(cmd, "too many arguments for 'kdx terraform %s'", a->sub);
		return -1;
	}
	a->name = pos->n == 3 ? pos->items[2] : NULL;
	return 0;
}

/* a.tf: what check_args and run_sub read; the rest goes to tf_opts */
typedef struct tf_cli_args {
	struct tf_args tf;
	const char *workspace, *plugin_dir, *lock_timeout, *timeout, *grace;
	kdx_strlist vars, var_files, backend;
} tf_cli_args;

#define F(field, name, kind, arg, help) KDX_FLAG(tf_cli_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(workspace, "workspace", KDX_FLAG_STRING, "W",
	  "run in workspace W (init selects it, creating it if needed)"),
	F(vars, "var", KDX_FLAG_MULTI, "k=v", "set a variable (repeatable)"),
	F(var_files, "var-file", KDX_FLAG_MULTI, "F", "read variables from F (repeatable)"),
	F(plugin_dir, "plugin-dir", KDX_FLAG_STRING, "D", "init: install providers from D only"),
	F(backend, "backend-config", KDX_FLAG_MULTI, "X", "init: backend setting (repeatable)"),
	F(tf.out, "out", KDX_FLAG_STRING, "FILE", "plan: where to save the plan (default DIR/kdx.tfplan)"),
	F(tf.destroy, "destroy", KDX_FLAG_BOOL, NULL, "plan: plan to destroy everything"),
	F(tf.detailed, "detailed-exitcode", KDX_FLAG_BOOL, NULL, "plan: exit 2 when there are changes"),
	F(tf.plan, "plan", KDX_FLAG_STRING, "FILE", "apply: apply this saved plan"),
	F(lock_timeout, "lock-timeout", KDX_FLAG_STRING, "D", "wait up to D for the state lock"),
	F(timeout, "timeout", KDX_FLAG_STRING, "D",
	  "cancel after D: SIGINT, then SIGTERM and SIGKILL after -grace"),
	F(grace, "grace", KDX_FLAG_STRING, "D", "time between those signals (default 30s)"),
	F(tf.json, "json", KDX_FLAG_BOOL, NULL, "one JSON event per line"),
	{ 0 },
};
#undef F
const kdx_options cmd_terraform_opts = { flags, sizeof(tf_cli_args), NULL };

int cmd_terraform(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	tf_cli_args *a = opts;
	kdx_strlist env = { 0 };
	int rc = KDX_EXIT_ERROR; /* every usage error below is exit 1 */
	if (check_args(cmd, pos, &a->tf) < 0)
		goto out;
	/* the flags one subcommand takes (their help says "init: ...", "plan: ...") */
	const kdx_sub_flag only[] = {
		{ "-plugin-dir", "init", a->plugin_dir != NULL },
		{ "-backend-config", "init", a->backend.n > 0 },
		{ "-out", "plan", a->tf.out != NULL },
		{ "-destroy", "plan", a->tf.destroy },
		{ "-detailed-exitcode", "plan", a->tf.detailed },
		{ "-plan", "apply", a->tf.plan != NULL },
	};
	if (kdx_sub_flags_check(cmd, a->tf.sub, only, sizeof(only) / sizeof(only[0])))
		goto out;
	if (a->tf.plan && (a->vars.n || a->var_files.n)) {
		kdx_usage_error(cmd, "-var and -var-file cannot be used with -plan: a saved plan "
				     "carries its own variables");
		goto out;
	}

	struct tf_cli cli = { .json = a->tf.json, .plan = !strcmp(a->tf.sub, "plan") };
	tf_opts o = {
		.dir = a->tf.dir, .workspace = a->workspace, .plugin_dir = a->plugin_dir,
		.backend_config = a->backend.items, .nbackend_config = a->backend.n,
		.vars = a->vars.items, .nvars = a->vars.n,
		.var_files = a->var_files.items, .nvar_files = a->var_files.n,
		.lock_timeout = a->lock_timeout, .on_event = on_event, .ctx = &cli,
		.cancel = &interrupted,
	};
	if (parse_duration_flag(cmd, "timeout", a->timeout, &o.timeout_ms) < 0 ||
	    parse_duration_flag(cmd, "grace", a->grace, &o.grace_ms) < 0)
		goto out;
	collect_env(&env);
	o.env = env.items;
	o.nenv = env.n;

	/* Terraform runs in its own process group: Ctrl-C reaches only us, and we pass it on
	 * (SIGINT first) through the cancel flag; so do SIGTERM and SIGHUP. A closed stdout
	 * (kdx terraform plan | head) must not kill kdx with SIGPIPE and leave Terraform running
	 * unwatched in its own group: we ignore it (Terraform gets the default back). */
	struct sigaction sa = { 0 }, ign = { 0 }, old_int, old_term, old_hup, old_pipe;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGPIPE, &ign, &old_pipe);
	strbuf err = STRBUF_INIT;
	rc = run_sub(&o, &a->tf, &err);
	if (rc < 0)
		rc = report_error(&err, a->tf.json);
	fflush(stdout); /* while SIGPIPE is still ignored */
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	strbuf_release(&err);
out:
	kdx_strlist_release(&a->vars);
	kdx_strlist_release(&a->var_files);
	kdx_strlist_release(&a->backend);
	kdx_strlist_release(&env);
	return rc;
}
