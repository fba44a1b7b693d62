/* tf: Terraform (or OpenTofu) operations on one working directory — init, workspace select-or-
 * create, plan to a file, show a plan summarised, apply, destroy, output — each one a child
 * process (tf_proc) whose `-json` output is read line by line into events and diagnostics.
 * Knows nothing of runbooks: it takes options and returns values.
 * The caller owns tf_result; tf_result_release() frees everything in it (diagnostics, the plan
 * summary and outputs live in its arena). Errors fill the caller's strbuf with Terraform's own
 * diagnostics (file:line:col) and never with secrets (environment values are never echoed). */
#ifndef TF_TF_H
#define TF_TF_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../common/arena.h"
#include "../../common/strbuf.h"
#include "tf_json.h"

/* Called for every line Terraform prints, in order, as it arrives. stream is 1 for stdout
 * and 2 for stderr (stderr lines are TF_EV_TEXT). The event lives in the result's arena. */
typedef void (*tf_event_fn)(void *ctx, int stream, const tf_event *ev);

typedef struct tf_opts {
	const char *binary;     /* NULL: $KDX_TERRAFORM if set, else "terraform" ("tofu" works) */
	const char *dir;        /* the configuration directory (required) */
	const char *workspace;  /* NULL: the selected one; else run in it (TF_WORKSPACE) */
	const char *plugin_dir; /* init -plugin-dir */
	const char *const *backend_config; size_t nbackend_config; /* init -backend-config=X */
	const char *const *vars; size_t nvars;           /* "name=value" → -var */
	const char *const *var_files; size_t nvar_files; /* → -var-file */
	const char *const *targets; size_t ntargets;     /* plan, apply, destroy: → -target */
	/* Extra environment for the child, "NAME=value"; only names tf_env_wanted() accepts
	 * (anything else is an error), on top of the minimal environment of proc.h. */
	const char *const *env; size_t nenv;
	const char *lock_timeout; /* e.g. "30s" → -lock-timeout; NULL: Terraform's default */
	long timeout_ms;        /* 0: none; then SIGINT, SIGTERM, SIGKILL (see proc.h) */
	long grace_ms;          /* 0: 30 s between those signals */
	tf_event_fn on_event;
	void *ctx;
	volatile sig_atomic_t *cancel; /* set to non-zero to cancel as on timeout */
} tf_opts;

typedef struct tf_result {
	kdx_arena arena;          /* owns everything below that points to memory */
	const tf_diag **diags;    /* errors and warnings, in Terraform's order */
	size_t ndiags, adiags;
	int nerrors, nwarnings;
	bool have_changes;
	tf_change_counts changes; /* the last change_summary message */
	bool changes_pending;     /* plan: there is something to apply */
	bool locked;              /* the state lock was held by someone else */
	tf_lock_info lock;
	bool have_summary;
	tf_plan_summary summary;  /* tf_show_plan */
	bool have_outputs;
	tf_outputs outputs;       /* tf_output */
	const char *terraform_version;
	const char *ui_version;
	/* How the process ended. */
	int exit_code;            /* -1 when killed by a signal */
	bool timed_out, cancelled;
	int signals_sent;         /* TF_PROC_SENT_* */
	long elapsed_ms;
	strbuf out;               /* stdout of show/output (not streamed) */
	strbuf err_text;          /* the last lines Terraform wrote to stderr */
} tf_result;

void tf_result_init(tf_result *r);
void tf_result_release(tf_result *r);

/* The program that will be run for these options. */
const char *tf_binary(const tf_opts *o);
/* Whether "NAME=value" (or a bare NAME) may go to Terraform: only what Terraform and its
 * AWS provider read -- credentials and their sources, region, endpoints, CA bundle, the
 * provider's retry and FIPS/dual-stack settings; TF_VAR_*, TF_TOKEN_*, TF_DATA_DIR,
 * TF_PLUGIN_CACHE_DIR, TF_CLI_CONFIG_FILE, TF_LOG*; and the proxy variables. Never
 * TF_CLI_ARGS* (they would add arguments kdx did not choose, e.g. -auto-approve or
 * -replace), never kdx's own driving variables (TF_WORKSPACE, TF_INPUT, TF_IN_AUTOMATION),
 * never other AWS_* or unrelated variables. */
bool tf_env_wanted(const char *name_eq_value);

/* Each returns 0 on success, -1 with err filled. A result is filled either way; use one
 * tf_result per call (or release and init it again). */
int tf_init(const tf_opts *o, tf_result *r, strbuf *err);
/* workspace select -or-create: selects name, creating it first if it does not exist. */
int tf_workspace_select(const tf_opts *o, const char *name, tf_result *r, strbuf *err);
/* plan -out=planfile (relative paths are the caller's, not dir's); r->changes_pending. */
int tf_plan(const tf_opts *o, const char *planfile, bool destroy, tf_result *r, strbuf *err);
/* show -json planfile into r->summary. */
int tf_show_plan(const tf_opts *o, const char *planfile, tf_result *r, strbuf *err);
/* apply planfile, or with planfile NULL apply the current configuration (-auto-approve). */
int tf_apply(const tf_opts *o, const char *planfile, tf_result *r, strbuf *err);
int tf_destroy(const tf_opts *o, tf_result *r, strbuf *err);
/* output -json into r->outputs (sensitive outputs marked). */
int tf_read_outputs(const tf_opts *o, tf_result *r, strbuf *err);

#endif
