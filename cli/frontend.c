/* frontend: the one way every command gets its program (see frontend.h). */
#include "frontend.h"

#include "../common/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const kdx_flag fe_flags[] = {
	KDX_FLAG(kdx_fe_opts, vars, "var", KDX_FLAG_MULTI, "NAME=VALUE",
		 "set a param (repeatable; VALUE in kdx syntax or a bare string)"),
	KDX_FLAG(kdx_fe_opts, var_files, "var-file", KDX_FLAG_MULTI, "FILE",
		 "read params from FILE (name = value lines)"),
	KDX_FLAG(kdx_fe_opts, incs, "I", KDX_FLAG_MULTI, "DIR",
		 "search DIR for imported modules first (then KDX_PATH, the stdlib)"),
	{ 0 },
};

const kdx_flag_group kdx_fe_flag_group = {
	.title = "What is compiled (every command that reads a runbook)", .col = 20,
	.flags = fe_flags,
};

static const kdx_flag mode_flags[] = {
	KDX_FLAG(kdx_fe_opts, mode, "mode", KDX_FLAG_STRING, "M",
		 "graceful or ungraceful: sets the runbook's param mode; the\n"
		 "program compiled, proved and run is that mode's steps"),
	{ 0 },
};

const kdx_flag_group kdx_fe_mode_group = { .flags = mode_flags };

int kdx_fe_mode(const kdx_command *cmd, kdx_fe_opts *o)
{
	const char *mode = o->mode;
	kdx_strlist *vars = &o->vars;
	if (!mode)
		return 0;
	/* literals: a kdx_strlist does not own its items */
	if (!strcmp(mode, "graceful"))
		kdx_strlist_push(vars, "mode=graceful");
	else if (!strcmp(mode, "ungraceful"))
		kdx_strlist_push(vars, "mode=ungraceful");
	else
		return kdx_usage_error(cmd, "-mode takes graceful or ungraceful");
	return 0;
}

void kdx_fe_opts_release(kdx_fe_opts *o)
{
	kdx_strlist_release(&o->vars);
	kdx_strlist_release(&o->var_files);
	kdx_strlist_release(&o->incs);
}

/* The compiler's `call aws` hook: checked against the models, and counted, so that a run
 * knows whether it needs AWS credentials at all. */
static int check_and_count(void *ctx, const char *service, const char *op,
			   const char *const *keys, size_t nkeys, long *bad, strbuf *msg,
			   strbuf *hint)
{
	kdx_fe *fe = ctx;
	fe->naws++;
	return kdx_aws_check_call(&fe->aws, service, op, keys, nkeys, bad, msg, hint);
}

int kdx_fe_load(kdx_fe *fe, const char *path, const kdx_fe_opts *o, unsigned needs)
{
	memset(fe, 0, sizeof(*fe));
	kdx_compile_opts co = {
		.path = path, .include_dirs = o->incs.items, .ninclude_dirs = o->incs.n,
		.kdx_path = getenv("KDX_PATH"), .vars = o->vars.items, .nvars = o->vars.n,
		.var_files = o->var_files.items, .nvar_files = o->var_files.n,
		.check_aws_call = check_and_count, .check_aws_ctx = fe,
	};
	int rc = kdx_compile(&co, &fe->comp);
	fe->compiled = true;
	if (rc < 0)
		return -1;
	if (!fe->comp.plan) {
		if (!(needs & (KDX_NEED_RUNBOOK | KDX_NEED_CHECK)))
			return 0;
		kdx_diag_add_unlocated(&fe->comp.diags, KDX_ERROR, "frontend",
				       "'%s' is a module (types and actions only), not a runbook; "
				       "run this command on a runbook that imports it", path);
		return -1;
	}
	if (needs & KDX_NEED_NO_AST)
		kdx_compilation_drop_ast(&fe->comp);
	if (!(needs & KDX_NEED_CHECK))
		return 0;
	if (kdx_state_choose(fe->comp.plan, &fe->comp.arena, &fe->comp.diags, o->state_url,
			     o->state_dir, needs & KDX_NEED_STORE_REGIONS) < 0)
		return -1;
	fe->checked = true;
	return kdx_safety_check(fe->comp.plan, &fe->comp.diags, &fe->rep) < 0 ? -1 : 0;
}

void kdx_fe_release(kdx_fe *fe)
{
	if (fe->checked)
		kdx_safety_report_release(&fe->rep);
	if (fe->compiled)
		kdx_compilation_release(&fe->comp);
	kdx_aws_checker_release(&fe->aws);
	memset(fe, 0, sizeof(*fe));
}

void kdx_fe_render(const kdx_fe *fe, bool json, strbuf *out)
{
	if (json)
		kdx_diags_render_json(out, &fe->comp.diags, &fe->comp.sources);
	else
		kdx_diags_render(out, &fe->comp.diags, &fe->comp.sources,
				 kdx_use_color(STDERR_FILENO));
}
