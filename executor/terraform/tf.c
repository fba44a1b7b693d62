/* tf: run one Terraform command in a working directory and read what it says. */
#include "tf.h"
#include "proc.h"
#include "../../common/value.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_GRACE_MS 30000
#define ERR_TAIL_LINES 20

enum run_mode {
	MODE_UI,      /* -json UI: one message per stdout line */
	MODE_COLLECT, /* show/output -json: one document on stdout */
	MODE_TEXT,    /* no -json (workspace): lines are text */
};

struct run {
	const tf_opts *o;
	tf_result *r;
	enum run_mode mode;
	const char *what; /* "plan", "apply", ... for messages */
	int err_lines;
};

void tf_result_init(tf_result *r)
{
	memset(r, 0, sizeof(*r));
	kdx_arena_init(&r->arena);
	strbuf_init(&r->out);
	strbuf_init(&r->err_text);
}

void tf_result_release(tf_result *r)
{
	free(r->diags);
	kdx_arena_release(&r->arena);
	strbuf_release(&r->out);
	strbuf_release(&r->err_text);
	memset(r, 0, sizeof(*r));
}

const char *tf_binary(const tf_opts *o)
{
	if (o->binary && *o->binary)
		return o->binary;
	const char *env = getenv("KDX_TERRAFORM");
	return env && *env ? env : "terraform";
}

static bool name_is(const char *kv, size_t n, const char *const *list, bool prefix)
{
	for (size_t i = 0; list[i]; i++) {
		size_t l = strlen(list[i]);
		if (prefix ? n >= l && !strncmp(kv, list[i], l) : n == l && !strncmp(kv, list[i], l))
			return true;
	}
	return false;
}

bool tf_env_wanted(const char *kv)
{
	static const char *const exact[] = {
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
		"AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE",
		"AWS_SHARED_CREDENTIALS_FILE", "AWS_CA_BUNDLE", "AWS_ROLE_ARN",
		"AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_USE_FIPS_ENDPOINT",
		"AWS_USE_DUALSTACK_ENDPOINT", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_MAX_ATTEMPTS",
		"AWS_RETRY_MODE", "AWS_SDK_LOAD_CONFIG", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"TF_DATA_DIR", "TF_PLUGIN_CACHE_DIR", "TF_CLI_CONFIG_FILE", "TF_LOG", "TF_LOG_CORE",
		"TF_LOG_PROVIDER", "TF_LOG_PATH", "http_proxy", "https_proxy", "HTTPS_PROXY",
		"no_proxy", "NO_PROXY", NULL
	};
	static const char *const prefixes[] = { "AWS_ENDPOINT_URL", "TF_VAR_", "TF_TOKEN_", NULL };
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : strlen(kv);
	return name_is(kv, n, exact, false) || name_is(kv, n, prefixes, true);
}

static void truncate_err(strbuf *sb, size_t len)
{
	sb->len = len;
	sb->buf[len] = '\0';
}

/* Paths the caller gives are relative to the caller's directory; the child runs in dir. */
static char *abs_path(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s", cwd ? cwd : ".", path);
	free(cwd);
	return strbuf_detach(&sb, NULL);
}

/* Keep the last lines of stderr for messages when Terraform gives no diagnostic. */
static void keep_err_line(struct run *run, const char *line, size_t len)
{
	strbuf *sb = &run->r->err_text;
	if (!len)
		return;
	if (++run->err_lines > ERR_TAIL_LINES) {
		char *nl = memchr(sb->buf, '\n', sb->len);
		if (nl) {
			size_t cut = (size_t)(nl - sb->buf) + 1;
			memmove(sb->buf, sb->buf + cut, sb->len - cut);
			sb->len -= cut;
			sb->buf[sb->len] = '\0';
		}
	}
	strbuf_add(sb, line, len);
	strbuf_addch(sb, '\n');
}

/* Terraform colours some text even with -json (errors before its UI starts); drop the
 * escape sequences (ESC [ ... letter) in place. Returns the new length. */
static size_t strip_ansi(char *s)
{
	char *w = s;
	for (const char *p = s; *p; p++) {
		if (p[0] == '\033' && p[1] == '[') {
			p += 2;
			while (*p && !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
				p++;
			if (!*p)
				break;
			continue;
		}
		*w++ = *p;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void record_event(tf_result *r, const tf_event *ev)
{
	switch (ev->kind) {
	case TF_EV_VERSION:
		r->terraform_version = ev->terraform_version;
		r->ui_version = ev->ui_version;
		break;
	case TF_EV_CHANGE_SUMMARY:
		r->have_changes = true;
		r->changes = ev->changes;
		break;
	case TF_EV_DIAGNOSTIC:
		XGROW(r->diags, r->ndiags + 1, r->adiags);
		r->diags[r->ndiags++] = ev->diag;
		if (!strcmp(ev->diag->severity, "error"))
			r->nerrors++;
		else
			r->nwarnings++;
		if (!r->locked && tf_lock_parse(&r->arena, ev->diag, &r->lock))
			r->locked = true;
		break;
	default:
		break;
	}
}

static void on_line(void *ctx, enum tf_proc_stream stream, const char *line, size_t len)
{
	struct run *run = ctx;
	tf_result *r = run->r;
	if (stream == TF_PROC_STDOUT && run->mode == MODE_COLLECT) {
		strbuf_add(&r->out, line, len);
		strbuf_addch(&r->out, '\n');
		return;
	}
	tf_event *ev = KDX_NEW(&r->arena, tf_event);
	if (stream == TF_PROC_STDOUT && run->mode == MODE_UI) {
		tf_json_parse_event(&r->arena, line, len, ev);
		record_event(r, ev);
	} else {
		memset(ev, 0, sizeof(*ev));
		ev->kind = TF_EV_TEXT;
		ev->type = "text";
		ev->level = stream == TF_PROC_STDERR ? "stderr" : "text";
		char *text = kdx_arena_strndup(&r->arena, line, len);
		len = strip_ansi(text);
		ev->message = text;
		ev->elapsed_seconds = -1;
		if (stream == TF_PROC_STDERR)
			keep_err_line(run, text, len);
	}
	if (run->o->on_event)
		run->o->on_event(run->o->ctx, (int)stream, ev);
}

static int setup_env(struct tf_proc *p, const tf_opts *o, strbuf *err)
{
	tf_proc_env_minimal(p);
	for (size_t i = 0; i < o->nenv; i++) {
		const char *kv = o->env[i];
		const char *eq = strchr(kv, '=');
		if (!eq || !tf_env_wanted(kv)) {
			/* the name only: the value may be a secret */
			strbuf_addf(err, "cannot pass '%.*s' to terraform: only the variables "
					 "Terraform and its AWS provider read, as NAME=value, are passed",
				    (int)(eq ? eq - kv : (ptrdiff_t)strlen(kv)), kv);
			return -1;
		}
		tf_proc_putenv(p, kv);
	}
	/* ours win over the caller's: they are what makes -json output reliable */
	tf_proc_setenv(p, "TF_IN_AUTOMATION", "1");
	tf_proc_setenv(p, "TF_INPUT", "0");
	if (o->workspace)
		tf_proc_setenv(p, "TF_WORKSPACE", o->workspace);
	return 0;
}

static void add_vars(struct tf_proc *p, const tf_opts *o)
{
	for (size_t i = 0; i < o->nvars; i++)
		tf_proc_argf(p, "-var=%s", o->vars[i]);
	for (size_t i = 0; i < o->nvar_files; i++) {
		char *f = abs_path(o->var_files[i]);
		tf_proc_argf(p, "-var-file=%s", f);
		free(f);
	}
	for (size_t i = 0; i < o->ntargets; i++)
		tf_proc_argf(p, "-target=%s", o->targets[i]);
}

static void add_lock_timeout(struct tf_proc *p, const tf_opts *o)
{
	if (o->lock_timeout)
		tf_proc_argf(p, "-lock-timeout=%s", o->lock_timeout);
}

static void describe_lock(strbuf *err, const tf_opts *o, const tf_lock_info *l)
{
	strbuf_addf(err, "the Terraform state of '%s' is locked by %s", o->dir,
		    l->who ? l->who : "another run");
	if (l->operation || l->created) {
		strbuf_addstr(err, " (");
		if (l->operation)
			strbuf_addf(err, "%s", l->operation);
		if (l->created)
			strbuf_addf(err, "%ssince %s", l->operation ? " " : "", l->created);
		strbuf_addch(err, ')');
	}
	strbuf_addf(err, "; wait for that run to finish and retry, give a -lock-timeout, "
			 "or if it is gone run '%s force-unlock %s' in '%s'\n",
		    tf_binary(o), l->id ? l->id : "LOCK_ID", o->dir);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Terraform repeats some diagnostics ("execution halted" once per graph walk). */
static bool seen_before(const tf_result *r, size_t i)
{
	const tf_diag *d = r->diags[i];
	for (size_t j = 0; j < i; j++) {
		const tf_diag *e = r->diags[j];
		if (same_str(d->severity, e->severity) && same_str(d->summary, e->summary) &&
		    same_str(d->detail, e->detail) && same_str(d->filename, e->filename) &&
		    d->line == e->line && d->col == e->col && same_str(d->address, e->address))
			return true;
	}
	return false;
}

/* The message for a failed command: how it ended, then Terraform's own errors. */
static void describe_failure(struct run *run, const struct tf_proc *p, strbuf *err)
{
	const tf_opts *o = run->o;
	tf_result *r = run->r;
	if (p->timed_out || p->cancelled) {
		strbuf_addf(err, "%s %s in '%s' ", tf_binary(o), run->what, o->dir);
		if (p->timed_out) {
			strbuf_addstr(err, "timed out after ");
			kdx_duration_format(err, p->timeout_ms);
		} else {
			strbuf_addstr(err, "was cancelled");
		}
		strbuf_addstr(err, " and was stopped (sent SIGINT");
		if (p->signals_sent & TF_PROC_SENT_TERM)
			strbuf_addstr(err, ", SIGTERM");
		if (p->signals_sent & TF_PROC_SENT_KILL)
			strbuf_addstr(err, ", SIGKILL");
		if (p->exited)
			strbuf_addf(err, "; it exited with status %d", p->exit_code);
		else
			strbuf_addstr(err, "; it was killed");
		strbuf_addf(err, "); what it finished is in its state: check with '%s plan'\n",
			    tf_binary(o));
	} else if (r->locked) {
		describe_lock(err, o, &r->lock);
		return;
	} else {
		strbuf_addf(err, "%s %s failed in '%s' (", tf_binary(o), run->what, o->dir);
		tf_proc_describe(p, err);
		strbuf_addstr(err, ")\n");
	}
	bool any = false;
	for (size_t i = 0; i < r->ndiags; i++) {
		if (strcmp(r->diags[i]->severity, "error") || seen_before(r, i))
			continue;
		tf_diag_format(err, r->diags[i], o->dir);
		any = true;
	}
	if (!any && r->err_text.len)
		strbuf_addstr(err, r->err_text.buf);
}

static int run_tf(struct run *run, struct tf_proc *p, strbuf *err)
{
	const tf_opts *o = run->o;
	tf_result *r = run->r;
	int ret = -1;
	if (!o->dir) {
		strbuf_addstr(err, "no Terraform working directory given");
		goto out;
	}
	p->dir = xstrdup(o->dir);
	p->timeout_ms = o->timeout_ms;
	p->grace_ms = o->grace_ms > 0 ? o->grace_ms : DEFAULT_GRACE_MS;
	p->cancel = o->cancel;
	p->on_line = on_line;
	p->ctx = run;
	if (setup_env(p, o, err) < 0)
		goto out;
	if (tf_proc_run(p, err) < 0) {
		if (!strncmp(err->buf, "cannot run", 10) && !o->binary)
			strbuf_addstr(err, "; install Terraform or set KDX_TERRAFORM to its path "
					   "(e.g. KDX_TERRAFORM=tofu)");
		goto out;
	}
	r->exit_code = p->exited ? p->exit_code : -1;
	r->timed_out = p->timed_out;
	r->cancelled = p->cancelled;
	r->signals_sent = p->signals_sent;
	r->elapsed_ms = p->elapsed_ms;
	bool ok = p->exited && !p->timed_out && !p->cancelled &&
		  (p->exit_code == 0 || (p->exit_code == 2 && !strcmp(run->what, "plan")));
	if (!ok) {
		describe_failure(run, p, err);
		goto out;
	}
	if (r->ui_version && strncmp(r->ui_version, "1.", 2)) {
		strbuf_addf(err, "%s speaks machine-readable UI version %s; kdx understands 1.x: "
				 "use a Terraform 1.x or set KDX_TERRAFORM",
			    tf_binary(o), r->ui_version);
		goto out;
	}
	ret = 0;
out:
	tf_proc_release(p);
	return ret;
}

static void start_cmd(struct tf_proc *p, const tf_opts *o, const char *cmd)
{
	tf_proc_init(p);
	const char *bin = tf_binary(o);
	if (strchr(bin, '/')) {
		char *abs = abs_path(bin); /* the child runs in dir */
		tf_proc_arg(p, abs);
		free(abs);
	} else {
		tf_proc_arg(p, bin);
	}
	tf_proc_arg(p, cmd);
}

static int run_init(const tf_opts *o, bool json, tf_result *r, strbuf *err)
{
	struct tf_proc p;
	/* init itself must not run in a workspace that may not exist yet */
	tf_opts io = *o;
	io.workspace = NULL;
	struct run run = { .o = &io, .r = r, .mode = json ? MODE_UI : MODE_TEXT, .what = "init" };
	start_cmd(&p, o, "init");
	tf_proc_arg(&p, "-input=false");
	tf_proc_arg(&p, json ? "-json" : "-no-color");
	if (o->plugin_dir) {
		char *d = abs_path(o->plugin_dir);
		tf_proc_argf(&p, "-plugin-dir=%s", d);
		free(d);
	}
	for (size_t i = 0; i < o->nbackend_config; i++)
		tf_proc_argf(&p, "-backend-config=%s", o->backend_config[i]);
	return run_tf(&run, &p, err);
}

int tf_init(const tf_opts *o, tf_result *r, strbuf *err)
{
	size_t errlen = err->len;
	if (run_init(o, true, r, err) == 0)
		return 0;
	/* `init -json` is recent (Terraform 1.9); older ones and OpenTofu < 1.9 refuse the
	 * flag before doing anything, so ask again in text. */
	if (r->exit_code != 1 || !strstr(r->err_text.buf, "flag provided but not defined: -json"))
		return -1;
	truncate_err(err, errlen);
	tf_result_release(r);
	tf_result_init(r);
	return run_init(o, false, r, err);
}

int tf_workspace_select(const tf_opts *o, const char *name, tf_result *r, strbuf *err)
{
	struct tf_proc p;
	tf_opts wo = *o;
	wo.workspace = NULL; /* TF_WORKSPACE would override what we select */
	struct run run = { .o = &wo, .r = r, .mode = MODE_TEXT, .what = "workspace select" };
	start_cmd(&p, &wo, "workspace");
	tf_proc_arg(&p, "select");
	tf_proc_arg(&p, "-or-create=true");
	tf_proc_arg(&p, "-no-color");
	tf_proc_arg(&p, name);
	return run_tf(&run, &p, err);
}

int tf_plan(const tf_opts *o, const char *planfile, bool destroy, tf_result *r, strbuf *err)
{
	struct tf_proc p;
	struct run run = { .o = o, .r = r, .mode = MODE_UI, .what = "plan" };
	start_cmd(&p, o, "plan");
	tf_proc_arg(&p, "-input=false");
	tf_proc_arg(&p, "-json");
	tf_proc_arg(&p, "-detailed-exitcode");
	if (destroy)
		tf_proc_arg(&p, "-destroy");
	if (planfile) {
		char *f = abs_path(planfile);
		tf_proc_argf(&p, "-out=%s", f);
		free(f);
	}
	add_lock_timeout(&p, o);
	add_vars(&p, o);
	if (run_tf(&run, &p, err) < 0)
		return -1;
	r->changes_pending = r->exit_code == 2;
	return 0;
}

int tf_show_plan(const tf_opts *o, const char *planfile, tf_result *r, strbuf *err)
{
	struct tf_proc p;
	struct run run = { .o = o, .r = r, .mode = MODE_COLLECT, .what = "show" };
	start_cmd(&p, o, "show");
	tf_proc_arg(&p, "-json");
	tf_proc_arg(&p, "-no-color");
	char *f = abs_path(planfile);
	tf_proc_arg(&p, f);
	free(f);
	if (run_tf(&run, &p, err) < 0)
		return -1;
	if (tf_plan_summary_parse(&r->arena, r->out.buf, r->out.len, &r->summary, err) < 0)
		return -1;
	r->have_summary = true;
	return 0;
}

int tf_apply(const tf_opts *o, const char *planfile, tf_result *r, strbuf *err)
{
	struct tf_proc p;
	struct run run = { .o = o, .r = r, .mode = MODE_UI, .what = "apply" };
	start_cmd(&p, o, "apply");
	tf_proc_arg(&p, "-input=false");
	tf_proc_arg(&p, "-json");
	add_lock_timeout(&p, o);
	if (planfile) {
		/* a saved plan carries its variables; Terraform refuses -var with one */
		char *f = abs_path(planfile);
		tf_proc_arg(&p, f);
		free(f);
	} else {
		tf_proc_arg(&p, "-auto-approve");
		add_vars(&p, o);
	}
	return run_tf(&run, &p, err);
}

int tf_destroy(const tf_opts *o, tf_result *r, strbuf *err)
{
	struct tf_proc p;
	struct run run = { .o = o, .r = r, .mode = MODE_UI, .what = "destroy" };
	start_cmd(&p, o, "destroy");
	tf_proc_arg(&p, "-auto-approve");
	tf_proc_arg(&p, "-input=false");
	tf_proc_arg(&p, "-json");
	add_lock_timeout(&p, o);
	add_vars(&p, o);
	return run_tf(&run, &p, err);
}

int tf_read_outputs(const tf_opts *o, tf_result *r, strbuf *err)
{
	struct tf_proc p;
	struct run run = { .o = o, .r = r, .mode = MODE_COLLECT, .what = "output" };
	start_cmd(&p, o, "output");
	tf_proc_arg(&p, "-json");
	tf_proc_arg(&p, "-no-color");
	if (run_tf(&run, &p, err) < 0)
		return -1;
	if (tf_outputs_parse(&r->arena, r->out.buf, r->out.len, &r->outputs, err) < 0)
		return -1;
	r->have_outputs = true;
	return 0;
}
