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
	strbuf_addstr(&sb, "{\"type\":");
	strbuf_add_json_str(&sb, ev->kind == TF_EV_TEXT ? "text" : ev->type);
	if (ev->kind == TF_EV_TEXT)
		strbuf_addstr(&sb, stream == 2 ? ",\"stream\":\"stderr\"" : ",\"stream\":\"stdout\"");
	else {
		strbuf_addstr(&sb, ",\"level\":");
		strbuf_add_json_str(&sb, ev->level);
	}
	strbuf_addstr(&sb, ",\"message\":");
	strbuf_add_json_str(&sb, ev->message);
	if (ev->address) {
		strbuf_addstr(&sb, ",\"address\":");
		strbuf_add_json_str(&sb, ev->address);
	}
	if (ev->action) {
		strbuf_addstr(&sb, ",\"action\":");
		strbuf_add_json_str(&sb, ev->action);
	}
	if (ev->elapsed_seconds >= 0)
		strbuf_addf(&sb, ",\"elapsed_seconds\":%g", ev->elapsed_seconds);
	if (ev->kind == TF_EV_CHANGE_SUMMARY)
		strbuf_addf(&sb, ",\"changes\":{\"add\":%d,\"change\":%d,\"remove\":%d}",
			    ev->changes.add, ev->changes.change, ev->changes.remove);
	if (ev->diag) {
		const tf_diag *d = ev->diag;
		strbuf_addstr(&sb, ",\"severity\":");
		strbuf_add_json_str(&sb, d->severity);
		strbuf_addstr(&sb, ",\"summary\":");
		strbuf_add_json_str(&sb, d->summary);
		strbuf_addstr(&sb, ",\"detail\":");
		strbuf_add_json_str(&sb, d->detail);
		if (d->filename) {
			strbuf_addstr(&sb, ",\"filename\":");
			strbuf_add_json_str(&sb, d->filename);
			strbuf_addf(&sb, ",\"line\":%d,\"column\":%d", d->line, d->col);
		}
	}
	strbuf_addch(&sb, '}');
	puts(sb.buf);
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
		strbuf_addstr(&sb, "{\"type\":\"kdx_error\",\"message\":");
		strbuf_add_json_str(&sb, err->buf);
		strbuf_addch(&sb, '}');
		puts(sb.buf);
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
		if (json)
			strbuf_addstr(&sb, "{\"type\":\"outputs\",\"outputs\":");
		tf_outputs_to_json(&sb, &r->outputs);
		if (json)
			strbuf_addch(&sb, '}');
		puts(sb.buf);
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
		strbuf_addstr(&sb, "{\"type\":\"plan_summary\",\"summary\":");
		tf_plan_summary_to_json(&sb, &r->summary);
		strbuf_addstr(&sb, "}\n");
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

int cmd_terraform(int argc, char **argv)
{
	const kdx_command *cmd = kdx_command_find("terraform");
	struct tf_args a = { 0 };
	const char *workspace = NULL, *plugin_dir = NULL, *lock_timeout = NULL;
	const char *timeout = NULL, *grace = NULL;
	kdx_strlist pos = { 0 }, vars = { 0 }, var_files = { 0 }, backend = { 0 }, env = { 0 };
	kdx_flag flags[] = {
		{ "workspace", KDX_FLAG_STRING, &workspace },
		{ "var", KDX_FLAG_MULTI, &vars },
		{ "var-file", KDX_FLAG_MULTI, &var_files },
		{ "plugin-dir", KDX_FLAG_STRING, &plugin_dir },
		{ "backend-config", KDX_FLAG_MULTI, &backend },
		{ "out", KDX_FLAG_STRING, &a.out },
		{ "plan", KDX_FLAG_STRING, &a.plan },
		{ "destroy", KDX_FLAG_BOOL, &a.destroy },
		{ "lock-timeout", KDX_FLAG_STRING, &lock_timeout },
		{ "timeout", KDX_FLAG_STRING, &timeout },
		{ "grace", KDX_FLAG_STRING, &grace },
		{ "detailed-exitcode", KDX_FLAG_BOOL, &a.detailed },
		{ "json", KDX_FLAG_BOOL, &a.json },
		{ 0 },
	};
	int rc = KDX_EXIT_ERROR;
	if (kdx_parse_args(cmd, argc, argv, flags, &pos, &rc))
		goto out;
	if (check_args(cmd, &pos, &a) < 0)
		goto out;
	if (a.plan && (vars.n || var_files.n)) {
		kdx_usage_error(cmd, "-var and -var-file cannot be used with -plan: a saved plan "
				     "carries its own variables");
		goto out;
	}

	struct tf_cli cli = { .json = a.json, .plan = !strcmp(a.sub, "plan") };
	tf_opts o = {
		.dir = a.dir, .workspace = workspace, .plugin_dir = plugin_dir,
		.backend_config = backend.items, .nbackend_config = backend.n,
		.vars = vars.items, .nvars = vars.n,
		.var_files = var_files.items, .nvar_files = var_files.n,
		.lock_timeout = lock_timeout, .on_event = on_event, .ctx = &cli,
		.cancel = &interrupted,
	};
	if (parse_duration_flag(cmd, "timeout", timeout, &o.timeout_ms) < 0 ||
	    parse_duration_flag(cmd, "grace", grace, &o.grace_ms) < 0)
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
	rc = run_sub(&o, &a, &err);
	if (rc < 0)
		rc = report_error(&err, a.json);
	fflush(stdout); /* while SIGPIPE is still ignored */
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	strbuf_release(&err);
out:
	kdx_strlist_release(&pos);
	kdx_strlist_release(&vars);
	kdx_strlist_release(&var_files);
	kdx_strlist_release(&backend);
	kdx_strlist_release(&env);
	return rc;
}
