/* runbook: what kdx plan, apply, rollback and resume share -- compile a runbook with its
 * -var / -var-file / -I flags (diagnostics printed), run the safety analyses, load the AWS
 * credentials once (and remember the secrets that must never be written), and set up the
 * real backend. The caller owns the kdx_rb; kdx_rb_release() frees everything. */
#ifndef KDX_CLI_RUNBOOK_H
#define KDX_CLI_RUNBOOK_H
#include <stdbool.h>

#include "cli.h"
#include "frontend.h"
#include "../compiler/compile.h"
#include "../compiler/safety.h"
#include "../executor/aws/credentials.h"
#include "../executor/backend_real.h"
#include "../executor/store.h"

typedef struct kdx_rb_opts {
	kdx_fe_opts src;         /* -var, -var-file, -I */
	const char *endpoint_url;
	bool dry_run, no_waits;
	bool json;               /* diagnostics as JSON */
	bool allow_exec;         /* -allow-exec: core.exec may run local commands */
	const char *state_url;   /* -state URL: the run store (docs/cli.md, Run stores) */
	const char *state_dir;   /* -state-dir DIR, i.e. file://DIR (the command's flag) */
	const char *lease;       /* -lease D: the lease of a shared store's lock */
	const char *lock_timeout; /* -lock-timeout D: wait for a held lock of a shared store */
	bool arc_live;           /* read the ARC control panels' live safety rules (arc_live.h) */
} kdx_rb_opts;

typedef struct kdx_rb {
	kdx_fe fe;               /* the program, from the one front end */
	aws_credentials creds;
	bool have_creds;
	const char *secrets[4];
	size_t nsecrets;
	kdx_runtime rt;
	kdx_real_backend be;
	bool have_be;
	/* the source texts once the compilation is released (kdx_rb_release_compilation):
	 * what rt.sources points to then */
	kdx_sources sources;
} kdx_rb;

/* Compile and check through the front end at the level needs (the command's table entry)
 * asks for, load credentials, start the backend. Prints what went wrong; returns 0 or -1. */
int kdx_rb_load(kdx_rb *r, const char *path, const kdx_rb_opts *o, unsigned needs);
void kdx_rb_release(kdx_rb *r);
/* Release the compilation before a run that does not need it (kdx apply PLANFILE, once the
 * saved plan is proven and made the runtime's, kdx_planfile_plan): the AST, modules,
 * values and compiled plan, the analyses' report and the AWS models that checked the
 * calls go; the run keeps the plan it reads (r->rt: a plan in an arena of its own) and the
 * source texts its messages quote (moved into r->sources, kdx_sources_take). Afterwards
 * only r->fe.naws may be read of r->fe; r->rt and the backend point at what is kept. */
void kdx_rb_release_compilation(kdx_rb *r);
/* The flags every run command takes, over a kdx_rb_opts: -state, -lease, -lock-timeout,
 * -endpoint-url and kdx_fe_flag_group (-allow-exec, whose meaning differs between plan and
 * apply, and -state-dir are each command's own). */
extern const kdx_flag_group kdx_rb_flag_group;
void kdx_rb_opts_release(kdx_rb_opts *o);
/* The run_start meta / plan file header: {"runbook", "vars", "var_files", "includes",
 * "sources": {path: sha256}} -- what another process needs to rebuild the same plan. */
void kdx_rb_meta(const kdx_rb *r, const char *path, const kdx_rb_opts *o, strbuf *out);
/* The identity of a run of this runbook (store.h): key, name, path, environment, the
 * program digest (over the compiled sources) and the vars digest (over -var values and
 * var-file contents), stamped with this user, host and time. */
void kdx_rb_ident(const kdx_rb *r, const char *path, const kdx_rb_opts *o, kdx_run_ident *id);
/* The store of a runbook's runs: -state-dir, else ".kdx" next to the runbook. */
/* The run store of a command: url (-state, -state-dir as file://DIR, $KDX_STATE or the
 * runbook's state block, as kdx_state_choose settled it into plan->store.url), else .kdx
 * next to the runbook. A file store owned by another user or writable by group or others
 * is refused. NULL with the error printed. */
kdx_store *kdx_rb_store(const char *url, const char *runbook_path, const kdx_rb_opts *o);
/* Before the first change: can the store be read and written? Prints why not. Also
 * kdx_rb_store_identify. */
int kdx_rb_store_probe(const kdx_rb *r, kdx_store *s);
/* Before a run takes its locks: a file store learns the runner's AWS identity (STS, asked
 * only when the runbook calls AWS and has credentials; else "unknown") so that its locks
 * name it as the shared stores' do. */
void kdx_rb_store_identify(const kdx_rb *r, kdx_store *s);
/* -state / -state-dir / $KDX_STATE as one URL, or NULL (resume and rollback choose the store
 * before they compile the runbook). */
const char *kdx_rb_state_url(const kdx_rb_opts *o, strbuf *buf);
/* Fill o's lists (and *path) from such a meta object; the strings stay owned by *holder
 * (a json_object to put with kdx_rb_meta_free). -1 when meta cannot be read. */
int kdx_rb_meta_load(const char *meta, kdx_rb_opts *o, const char **path, void **holder);
void kdx_rb_meta_free(void *holder);
/* Hash every source file again; "" when all match, else which one changed (into why). */
int kdx_rb_sources_changed(const char *meta, strbuf *why);
/* kdx resume (rollback false) and kdx rollback (true): cmd_resume.c. */
int kdx_recover_main(const kdx_command *cmd, void *opts, kdx_strlist *pos, bool rollback);
/* The exit code of a run (`kdx help exit-codes`): 0 ok (or, for a rollback, rolled_back),
 * 4 when changes stay in place or in doubt, 1 otherwise. */
int kdx_exit_for_run(const kdx_run_result *res, bool rollback);
/* Lines of a multi-line message, each as "kdx: error: LINE". */
void kdx_rb_error(const char *msg);

#endif
