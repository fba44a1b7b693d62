/* interp_tf: `call terraform "COMMAND" { input } [as name]` at run time, through
 * executor/terraform/tf.h. COMMAND is init, workspace, plan, apply, destroy or output; the input
 * keys are dir (required), workspace, vars (map), var_files (list), targets (list), out (plan:
 * the plan file), plan (apply: a saved plan), destroy (plan: a destroy plan), plugin_dir.
 * Terraform gets the minimal environment of proc.h plus the variables tf_env_wanted() lets
 * through (never TF_CLI_ARGS*); KDX_TF_PLUGIN_DIR is the default plugin_dir of init. Gated
 * like core.exec: the runbook's allow_exec lists "terraform" and the command line passed
 * -allow-exec (checked again here, for calls from any action). In a dry run nothing is
 * started: the command is written to the log and answered with {}. */
#include "interp_int.h"

#include "../common/xalloc.h"
#include "../grammar/ast.h"
#include "terraform/tf.h"
#include "terraform/tf_value.h"

#include <stdlib.h>
#include <string.h>

extern char **environ;

typedef struct tf_call {
	tf_opts o;
	const char *cmd;
	const char *out, *plan;
	bool destroy;
	kdx_value *input;
} tf_call;

static const char *opt_text(kdx_interp *in, const kdx_value *input, const char *key, bool *bad)
{
	kdx_value *v = kdx_value_get(input, key);
	if (!v || v->kind == KDX_V_NULL)
		return NULL;
	if (v->kind != KDX_V_STRING && v->kind != KDX_V_REGION) {
		strbuf_addf(&in->err, "terraform %s: '%s' must be a string", "input", key);
		*bad = true;
		return NULL;
	}
	return v->u.str.ptr;
}

/* A list of strings from input[key] into the arena; values of a map become "k=v" -var
 * arguments when as_vars. */
static const char *const *opt_list(kdx_interp *in, const kdx_value *input, const char *key,
				   bool as_vars, size_t *n, bool *bad)
{
	*n = 0;
	kdx_value *v = kdx_value_get(input, key);
	if (!v || v->kind == KDX_V_NULL)
		return NULL;
	if (as_vars ? v->kind != KDX_V_MAP : v->kind != KDX_V_LIST) {
		strbuf_addf(&in->err, "terraform: '%s' must be a %s", key, as_vars ? "map" : "list");
		*bad = true;
		return NULL;
	}
	size_t cnt = as_vars ? v->u.map.n : v->u.list.n;
	const char **out = KDX_NEWN(&in->arena, const char *, cnt ? cnt : 1);
	strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < cnt; i++) {
		strbuf_reset(&sb);
		if (as_vars) {
			tf_var_arg(&sb, v->u.map.keys[i], v->u.map.vals[i]);
		} else {
			const kdx_value *e = v->u.list.items[i];
			if (e->kind != KDX_V_STRING && e->kind != KDX_V_REGION) {
				strbuf_addf(&in->err, "terraform: '%s' must be a list of strings", key);
				*bad = true;
				break;
			}
			strbuf_addstr(&sb, e->u.str.ptr);
		}
		out[(*n)++] = kdx_arena_strdup(&in->arena, sb.buf);
	}
	strbuf_release(&sb);
	return out;
}

/* The caller's variables Terraform needs (values only ever go to the child). */
static const char *const *pass_env(kdx_interp *in, size_t *n)
{
	size_t cnt = 0;
	for (char **e = environ; e && *e; e++)
		cnt++;
	const char **out = KDX_NEWN(&in->arena, const char *, cnt + 1);
	*n = 0;
	for (char **e = environ; e && *e; e++)
		if (strchr(*e, '=') && tf_env_wanted(*e))
			out[(*n)++] = *e;
	return out;
}

static int parse_call(kdx_interp *in, const char *cmd, kdx_value *input, tf_call *c)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->input = input;
	bool bad = false;
	tf_opts *o = &c->o;
	o->dir = opt_text(in, c->input, "dir", &bad);
	o->workspace = opt_text(in, c->input, "workspace", &bad);
	o->plugin_dir = opt_text(in, c->input, "plugin_dir", &bad);
	if (!o->plugin_dir && getenv("KDX_TF_PLUGIN_DIR") && *getenv("KDX_TF_PLUGIN_DIR"))
		o->plugin_dir = getenv("KDX_TF_PLUGIN_DIR");
	o->vars = opt_list(in, c->input, "vars", true, &o->nvars, &bad);
	o->var_files = opt_list(in, c->input, "var_files", false, &o->nvar_files, &bad);
	o->targets = opt_list(in, c->input, "targets", false, &o->ntargets, &bad);
	c->out = opt_text(in, c->input, "out", &bad);
	c->plan = opt_text(in, c->input, "plan", &bad);
	kdx_value *d = kdx_value_get(c->input, "destroy");
	c->destroy = d && d->kind == KDX_V_BOOL && d->u.b;
	o->env = pass_env(in, &o->nenv);
	o->lock_timeout = "5m"; /* parallel steps on one state wait for each other */
	if (bad)
		return -1;
	if (!o->dir) {
		strbuf_addf(&in->err, "terraform %s: 'dir' is required", c->cmd);
		return -1;
	}
	return 0;
}

static void log_call(kdx_interp *in, const tf_call *c)
{
	strbuf_addf(&in->log, "# would run: terraform %s in '%s'", c->cmd, c->o.dir);
	if (c->o.workspace)
		strbuf_addf(&in->log, " (workspace '%s')", c->o.workspace);
	for (size_t i = 0; i < c->o.ntargets; i++)
		strbuf_addf(&in->log, " -target=%s", c->o.targets[i]);
	strbuf_addch(&in->log, '\n');
}

/* Outputs are copied out of the result's arena through JSON (the result is released). */
static kdx_value *outputs_value(kdx_interp *in, const tf_result *r)
{
	kdx_arena tmp;
	kdx_arena_init(&tmp);
	strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	kdx_value_to_json(&sb, tf_outputs_value(&tmp, &r->outputs, false));
	kdx_value *v = kdx_value_from_json(&in->arena, sb.buf, sb.len, &err);
	strbuf_release(&sb);
	strbuf_release(&err);
	kdx_arena_release(&tmp);
	return v ? v : kdx_value_map(&in->arena, 0);
}

static int run_cmd(kdx_interp *in, tf_call *c, tf_result *r, strbuf *err, kdx_value **out)
{
	const tf_opts *o = &c->o;
	const char *cmd = c->cmd;
	if (!strcmp(cmd, "init"))
		return tf_init(o, r, err);
	if (!strcmp(cmd, "workspace")) {
		tf_opts w = *o;
		w.workspace = NULL; /* TF_WORKSPACE would select it before it exists */
		return tf_workspace_select(&w, o->workspace ? o->workspace : "default", r, err);
	}
	if (!strcmp(cmd, "plan")) {
		const char *pf = c->out ? c->out : "kdx.tfplan";
		char *path = kdx_arena_printf(&in->arena, "%s/%s", o->dir, pf);
		if (pf[0] == '/')
			path = (char *)pf;
		if (tf_plan(o, path, c->destroy, r, err) < 0)
			return -1;
		tf_result s;
		tf_result_init(&s);
		int rc = tf_show_plan(o, path, &s, err);
		if (rc == 0)
			*out = tf_plan_summary_value(&in->arena, &s.summary);
		tf_result_release(&s);
		return rc;
	}
	if (!strcmp(cmd, "apply")) {
		const char *path = c->plan;
		if (path && path[0] != '/')
			path = kdx_arena_printf(&in->arena, "%s/%s", o->dir, path);
		return tf_apply(o, path, r, err);
	}
	if (!strcmp(cmd, "destroy"))
		return tf_destroy(o, r, err);
	if (!strcmp(cmd, "output")) {
		if (tf_read_outputs(o, r, err) < 0)
			return -1;
		*out = outputs_value(in, r);
		return 0;
	}
	strbuf_addf(err, "unknown terraform command '%s' (want init, workspace, plan, apply, "
			 "destroy or output)", cmd);
	return -1;
}

int kdx_interp_tf_call(kdx_interp *in, const char *cmd, kdx_value *input, bool mutating,
		       kdx_value **out)
{
	tf_call c;
	if (parse_call(in, cmd, input, &c) < 0)
		return -1;
	*out = kdx_value_map(&in->arena, 0);
	bool changes = !strcmp(c.cmd, "apply") || !strcmp(c.cmd, "destroy");
	in->requests++;
	if (mutating && changes) {
		in->mutations++;
		in->mutated = true;
	}
	if (in->rt->dry_run || in->rt->no_waits) {
		log_call(in, &c);
		return 0;
	}
	if (kdx_interp_exec_gate(in, "terraform") < 0)
		return -1;
	if (mutating && changes && kdx_interp_mark_sent(in) < 0)
		return -1;
	tf_result r;
	tf_result_init(&r);
	strbuf err = STRBUF_INIT;
	int rc = run_cmd(in, &c, &r, &err, out);
	if (rc < 0)
		strbuf_addf(&in->err, "terraform %s in '%s': %s", c.cmd, c.o.dir, err.buf);
	strbuf_release(&err);
	tf_result_release(&r);
	return rc;
}
