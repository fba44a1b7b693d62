/* frontend: the one front-end entry of every command. kdx_fe_load() reads a runbook (or a
 * module), parses, resolves, type-checks, always checks every `call aws` against the AWS
 * models (executor/aws through cli/aws_check), lowers, and runs the safety analyses when
 * the level asks for them -- so "checked" means the same for validate, graph, check, plan,
 * apply, resume, rollback, show and simulate. The level comes from the command table
 * (kdx_command.needs), never from the handler. The kdx_fe owns the compilation and the
 * report; kdx_fe_release() frees them. Nothing here prints: kdx_fe_render() renders the
 * diagnostics for the caller to print. */
#ifndef KDX_CLI_FRONTEND_H
#define KDX_CLI_FRONTEND_H
#include <stdbool.h>
#include <stddef.h>

#include "aws_check.h"
#include "cli.h"
#include "../compiler/compile.h"
#include "../compiler/safety.h"
#include "state.h"

/* The flags that choose what is compiled: -var, -var-file, -I; and the run store the
 * analyses check (the command's -state / -state-dir, not flags of this group: NULL, else
 * $KDX_STATE or the runbook's `state` block, as cli/state.h says). */
typedef struct kdx_fe_opts {
	kdx_strlist vars, var_files, incs;
	const char *mode;           /* -mode (kdx_fe_mode_group), not yet in vars */
	const char *state_url, *state_dir;
} kdx_fe_opts;

typedef struct kdx_fe {
	kdx_compilation comp;
	bool compiled;
	kdx_safety_report rep;
	bool checked;               /* the analyses ran (rep is filled) */
	size_t naws;                /* `call aws` statements in the loaded modules */
	kdx_aws_checker aws;        /* the models loaded to check them */
} kdx_fe;

/* -var, -var-file and -I over a kdx_fe_opts (the same three flags, with the same help, for
 * every command that compiles: KDX_FLAG_INCLUDE(T, its kdx_fe_opts, kdx_fe_flag_group)). */
extern const kdx_flag_group kdx_fe_flag_group;
void kdx_fe_opts_release(kdx_fe_opts *o);
/* -mode graceful|ungraceful (check, validate, graph, export, plan, apply, simulate): the same
 * as -var mode=M, pushed onto vars, so the plan file, the journal's vars and resume carry it
 * like any param; the runbook reads it as its param `mode`, and a `when mode == ...` step of
 * the other mode is not in the program the analyses prove (docs/language.md, Graceful and
 * ungraceful runs). No -mode: nothing. Returns 0, or the usage error's exit code for any
 * other value. */
int kdx_fe_mode(const kdx_command *cmd, kdx_fe_opts *o);
/* That flag, declared once over a kdx_fe_opts (o->mode), printed among the command's own
 * flags: KDX_FLAG_INCLUDE(T, its kdx_fe_opts, kdx_fe_mode_group). */
extern const kdx_flag_group kdx_fe_mode_group;

/* Compile path at the level needs asks for (KDX_NEED_COMPILE: up to the plan;
 * KDX_NEED_CHECK: also the run store chosen (kdx_state_choose) and the safety analyses).
 * 0 when the file is fine at that level, -1 when it has errors (in fe->comp.diags), when
 * it is a module and the level wants a runbook (a diagnostic says so), when the run store
 * cannot be chosen, or when the analyses found it unsafe. fe->comp.plan is set after -1
 * only in the last two cases. Always fills *fe. */
int kdx_fe_load(kdx_fe *fe, const char *path, const kdx_fe_opts *o, unsigned needs);
void kdx_fe_release(kdx_fe *fe);
/* The diagnostics, human (colour when stderr is a terminal) or one JSON object a line. */
void kdx_fe_render(const kdx_fe *fe, bool json, strbuf *out);

#endif
