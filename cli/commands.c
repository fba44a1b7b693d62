/* commands: the table of every kdx subcommand. Keep it sorted by name; each handler lives
 * in its own cli/cmd_<name>.c. .needs says what the command needs (enum kdx_need): the
 * front end compiles and checks at that level for every command alike (cli/frontend.h),
 * and the run commands load credentials, lock and store by it (cli/runbook.h). */
#include "cli.h"

#include <string.h>

int cmd_apply(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_approve(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_aws(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_check(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_complete(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_export(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_fmt(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_graph(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_help(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_init(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_lsp(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_plan(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_report(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_resume(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_rollback(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_show(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_simulate(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_state(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_terraform(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_unlock(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_validate(const kdx_command *cmd, void *opts, kdx_strlist *pos);
int cmd_version(const kdx_command *cmd, void *opts, kdx_strlist *pos);

/* Each command's flags and the options struct they fill, in its cli/cmd_<name>.c. */
extern const kdx_options cmd_apply_opts;
extern const kdx_options cmd_approve_opts;
extern const kdx_options cmd_check_opts;
extern const kdx_options cmd_export_opts;
extern const kdx_options cmd_fmt_opts;
extern const kdx_options cmd_graph_opts;
extern const kdx_options cmd_help_opts;
extern const kdx_options cmd_init_opts;
extern const kdx_options cmd_lsp_opts;
extern const kdx_options cmd_plan_opts;
extern const kdx_options cmd_report_opts;
extern const kdx_options cmd_resume_opts;
extern const kdx_options cmd_rollback_opts;
extern const kdx_options cmd_show_opts;
extern const kdx_options cmd_simulate_opts;
extern const kdx_options cmd_state_opts;
extern const kdx_options cmd_terraform_opts;
extern const kdx_options cmd_unlock_opts;
extern const kdx_options cmd_validate_opts;
extern const kdx_options cmd_version_opts;

const kdx_command kdx_commands[] = {
	{ .name = "__complete", .summary = "Completion candidates for the shell scripts in completions/",
	  .usage = "Usage: kdx __complete WORD...\n\n"
		   "  The words after 'kdx' on the command line, the last one the word being\n"
		   "  completed; prints one candidate a line, or :file / :dir.\n",
	  .run = cmd_complete, .no_flags = true, .hidden = true },
	{ .name = "apply", .summary = "Run a runbook or a saved plan against AWS",
	  .usage = "Usage: kdx apply [FILE | PLANFILE] [-auto-approve] [-parallelism N] [-json] [-dry-run]\n"
		   "                 [-approve STEP]... [-approvals FILE] [-state-dir DIR] [flags]\n\n"
		   "  Takes the runbook's lock, journals every step and runs independent steps in\n"
		   "  parallel. Without -auto-approve it shows the plan and asks for 'yes' (on a\n"
		   "  terminal only). A saved plan whose sources or live state changed is refused.\n\n",
	  .opts = &cmd_apply_opts, .flag_col = 21,
	  .run = cmd_apply,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS |
		   KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE | KDX_NEED_SIGNALS },
	{ .name = "approve", .summary = "Approve (or deny) a gated step of a run, from anywhere that reaches its store",
	  .usage = "Usage: kdx approve [-deny] [-comment TEXT] [-state URL | -state-dir DIR] RUN STEP\n\n"
		   "  Records who approves (the AWS caller identity from STS, the OS user and\n"
		   "  host), when and why in the run's store; the apply waiting at STEP's gate\n"
		   "  continues once its gate has enough distinct approvers (the runner's own\n"
		   "  identity never counts), and stops and rolls back on a denial.\n\n",
	  .opts = &cmd_approve_opts, .flag_col = 20,
	  .run = cmd_approve },
	{ .name = "aws", .summary = "Talk to AWS directly: send one model-checked call, or show how a request is signed",
	  .usage = "Usage: kdx aws SUBCOMMAND [FLAGS]\n\n  sign   show SigV4 signing of a raw HTTP request\n"
		   "  call   send one model-checked request (kdx aws call SERVICE OPERATION ...)\n", .run = cmd_aws,
	  .stop_at_arg = true },
	{ .name = "check", .summary = "Prove a runbook safe: graph, traffic, capacity, RTO, RPO, fencing, undo, races, state",
	  .usage = "Usage: kdx check [-json | -format text|json|sarif|junit] [-strict] [-state URL]\n"
		   "                 [-mode M] [-var NAME=VALUE]... [-var-file FILE]... [-I DIR]... FILE\n"
		   "       kdx check -explain ANALYSIS\n\n"
		   "  Compile FILE, then run the nine safety analyses on its plan and print the\n"
		   "  critical path against the RTO. Exit 0 when safe, 1 when not.\n\n",
	  .opts = &cmd_check_opts, .flag_col = 20,
	  .run = cmd_check,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS |
		   KDX_NEED_NO_AST },
	{ .name = "export", .summary = "Compile a proven runbook to an AWS ARC Region switch plan",
	  .usage = "Usage: kdx export arc FILE -execution-role ARN [-format json|cloudformation]\n"
		   "                  [-target REGION] [-account ID] [-approval-role ARN] [-name NAME]\n"
		   "                  [-state URL] [-mode M] [-var NAME=VALUE]... [-var-file FILE]...\n"
		   "                  [-I DIR]...\n\n"
		   "  Only a runbook whose proofs pass (kdx check) is exported. Prints ARC Region\n"
		   "  switch's CreatePlan input (checked against the API model) or a CloudFormation\n"
		   "  AWS::ARCRegionSwitch::Plan template; on stderr, every step and feature that does\n"
		   "  not map onto an ARC execution block, and why.\n\n",
	  .opts = &cmd_export_opts, .flag_col = 23,
	  .run = cmd_export,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK },
	{ .name = "fmt", .summary = "Rewrite .kdx files in the canonical layout",
	  .usage = "Usage: kdx fmt [-check] [-diff] [-recursive] [FILE | DIR | -]...\n\n"
		   "Formats the named files (default: the .kdx files in the current directory)\n"
		   "and prints the names of the files it changed. '-' formats stdin to stdout.\n\n",
	  .opts = &cmd_fmt_opts, .flag_col = 15,
	  .run = cmd_fmt,
	  .needs = KDX_NEED_PARSE },
	{ .name = "graph", .summary = "Draw the step dependency graph in Graphviz DOT",
	  .usage = "Usage: kdx graph FILE [-mode M] [-var NAME=VALUE]... [-var-file FILE]... [-I DIR]...\n\n"
		   "  Steps are nodes labelled with their name and action; `after` edges are\n"
		   "  solid, data references (steps.NAME) dashed. Try: kdx graph F | dot -Tsvg\n\n",
	  .opts = &cmd_graph_opts, .flag_col = 12,
	  .run = cmd_graph,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK },
	{ .name = "help", .summary = "Show help for kdx or one of its commands",
	  .usage = "Usage: kdx help [COMMAND | MODULE | exit-codes]\n"
		   "       kdx help -man [COMMAND]\n\n"
		   "  MODULE is a standard library module (kdx help aws/route53): its header,\n"
		   "  types and actions with their descriptions.\n",
	  .opts = &cmd_help_opts, .flag_col = 9,
	  .run = cmd_help },
	{ .name = "init", .summary = "Scaffold a new runbook, var file and scenarios from a template",
	  .usage = "Usage: kdx init [-template NAME] DIR\n\n"
		   "  Writes DIR/runbook.kdx (params, regions, resources, steps with their undo,\n"
		   "  scenarios) and DIR/staging.kdxvars; both pass validate, check and simulate as\n"
		   "  written. Creates DIR if needed; never overwrites a file.\n\n",
	  .opts = &cmd_init_opts, .flag_col = 19,
	  .run = cmd_init },
	{ .name = "lsp", .summary = "Language server for editors (LSP over stdin/stdout)",
	  .usage = "Usage: kdx lsp [-stdio]\n\n"
		   "  Speaks the Language Server Protocol on stdin and stdout: the diagnostics of\n"
		   "  'kdx check' as you type, hover with the stdlib's action docs, go to definition\n"
		   "  (steps, resources, params, actions and types, across imports), completion of\n"
		   "  module, action and step names, and formatting as 'kdx fmt' does.\n\n",
	  .opts = &cmd_lsp_opts, .flag_col = 11, .no_args = true,
	  .run = cmd_lsp },
	{ .name = "plan", .summary = "Show what a runbook would do, from the live state",
	  .usage = "Usage: kdx plan FILE [-out PLANFILE] [-json | -format text|json|md] [-detailed-exitcode] [flags]\n\n"
		   "  Compiles and checks the runbook, reads the live state (read-only calls only)\n"
		   "  and prints every step in execution order: the state before and after it, the\n"
		   "  requests it would send, its undo, its worst case, and the RTO budget.\n\n",
	  .opts = &cmd_plan_opts, .flag_col = 22,
	  .run = cmd_plan,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS | KDX_NEED_CREDS },
	{ .name = "report", .summary = "The evidence of a run: predicted and actual step times, RTO, approvals, rollback",
	  .usage = "Usage: kdx report [RUNBOOK.kdx | JOURNAL | RUN] [-format md|json|svg|junit] [-state-dir DIR | -state URL] [-o FILE]\n\n"
		   "  Reads a run's journal (default: the newest run in the state directory) and\n"
		   "  shows per step the time kdx simulate predicts beside the actual one, the\n"
		   "  achieved RTO and RPO against the objectives, approvals and who gave them, the\n"
		   "  alarms that fired, what was rolled back and what was not, and every AWS\n"
		   "  request (method, service, operation, region, status, duration; never a\n"
		   "  credential, token or signature).\n\n",
	  .opts = &cmd_report_opts, .flag_col = 18,
	  .run = cmd_report },
	{ .name = "resume", .summary = "Continue an interrupted apply or rollback from its journal",
	  .usage = "Usage: kdx resume [-journal FILE] [FILE] [-json] [-parallelism N] [-state-dir DIR]\n\n"
		   "  Steps the journal shows done are not run again; a change whose result was not\n"
		   "  journalled is checked against the live state first. Without -journal: the\n"
		   "  newest run of FILE's runbook in the state directory. The run must be FILE's,\n"
		   "  with the vars it started with; a changed runbook is refused unless -force.\n"
		   "  A finished run is never run again.\n\n",
	  .opts = &cmd_resume_opts, .flag_col = 18,
	  .run = cmd_resume,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS |
		   KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE | KDX_NEED_SIGNALS },
	{ .name = "rollback", .summary = "Undo what a run's journal shows done, in reverse order",
	  .usage = "Usage: kdx rollback [-journal FILE] [FILE] [-json] [-parallelism N] [-state-dir DIR]\n\n"
		   "  Undoes exactly the steps the journal shows done (in-doubt ones are checked\n"
		   "  against the live state first), journalled like an apply. Irreversible steps\n"
		   "  are reported, not skipped silently. The run must be FILE's, with the vars it\n"
		   "  started with; a changed runbook is refused unless -force.\n\n",
	  .opts = &cmd_rollback_opts, .flag_col = 18,
	  .run = cmd_rollback,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS |
		   KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE | KDX_NEED_SIGNALS },
	{ .name = "show", .summary = "Show a saved plan or a run's journal",
	  .usage = "Usage: kdx show [-json | -format text|json|md] FILE.kdx | PLANFILE | JOURNAL | -journal JOURNAL\n\n"
		   "  A runbook: its steps as the front end lowers them (checked like kdx check).\n"
		   "  A damaged journal is shown up to the damage, then the damage (exit 1).\n\n",
	  .opts = &cmd_show_opts, .flag_col = 18,
	  .run = cmd_show,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE },
	{ .name = "simulate", .summary = "Rehearse a runbook on the world model: scenarios, RTO/RPO, every single-step failure",
	  .usage = "Usage: kdx simulate FILE [-var NAME=VALUE ...] [-var-file FILE ...] [-scenario NAME | -all-scenarios]\n"
		   "                    [-seed N] [-json | -format text|json|junit] [-explore [-depth 2]]\n"
		   "                    [-timeline FILE.svg] [-parallelism N] [-mode M]\n\n",
	  .notes = "\nExit status 1 when an expectation fails or -explore finds an unsafe state.\n",
	  .opts = &cmd_simulate_opts, .flag_col = 19,
	  .run = cmd_simulate,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK },
	{ .name = "terraform", .summary = "Drive Terraform on one directory (init, plan, apply, destroy, output)",
	  .usage = "Usage: kdx terraform init|plan|apply|destroy|output DIR [NAME] [options]\n\n",
	  .notes = "\nThe program is 'terraform', or $KDX_TERRAFORM (e.g. tofu). output prints every\n"
		   "output as JSON, or one by NAME; sensitive values are never printed.\n",
	  .opts = &cmd_terraform_opts, .flag_col = 22,
	  .run = cmd_terraform },
	{ .name = "state", .summary = "The run store: init, list, show, unlock, rm, migrate",
	  .usage = "Usage: kdx state init|list|show RUN|unlock NAME|rm RUN [-state URL] [-json]\n"
		   "       kdx state migrate FROM_URL TO_URL [RUN]...\n\n"
		   "  The store where runs (journals, lease locks, approvals) are kept: -state URL,\n"
		   "  else $KDX_STATE, else file://.kdx. URLs: file://DIR, s3://BUCKET/PREFIX?region=R,\n"
		   "  dynamodb://TABLE?region=R.\n\n"
		   "  init          create the store when missing: the directory (0700), or the bucket\n"
		   "                (versioned, encrypted with SSE-S3)\n"
		   "  list          every run with its status and lease holder (-json: an array)\n"
		   "  show RUN      a run's story, as kdx show prints it, and its approvals\n"
		   "  unlock NAME   break lock NAME (\"<runbook>-<env>\"), saying whose it was; the old\n"
		   "                holder's fencing token is superseded, so it cannot write again\n"
		   "  rm RUN        remove a run that has ended\n"
		   "  migrate FROM TO [RUN]...  copy runs (default: all) record by record, then read\n"
		   "                both back and compare every byte\n"
		   "  lock NAME [-lease D] [-hold D] [-write RUN]  take a lock by hand and hold it\n"
		   "                (maintenance; tests), appending to RUN as its holder\n",
	  .opts = &cmd_state_opts, .flag_col = 16,
	  .run = cmd_state },
	{ .name = "unlock", .summary = "Remove the lock of a run that died",
	  .usage = "Usage: kdx unlock [-env NAME] [-state-dir DIR] [-force] RUNBOOK.kdx | LOCKFILE\n\n"
		   "  Shows who holds the lock of the runbook and asks for 'yes' before removing it.\n"
		   "  A lock whose holder is still running is kept unless -force is given.\n\n",
	  .opts = &cmd_unlock_opts, .flag_col = 19,
	  .run = cmd_unlock,
	  .needs = KDX_NEED_LOCK | KDX_NEED_STORE },
	{ .name = "validate", .summary = "Check runbooks and modules for errors",
	  .usage = "Usage: kdx validate [-json | -format text|json|sarif] [-mode M] [-var NAME=VALUE]...\n"
		   "                    [-var-file FILE]... [-I DIR]... FILE...\n\n"
		   "  Parse, resolve names, check types and units, evaluate params and lower\n"
		   "  each runbook to its plan. Modules (types and actions only) are checked too.\n\n",
	  .opts = &cmd_validate_opts, .flag_col = 20,
	  .run = cmd_validate,
	  .needs = KDX_NEED_COMPILE },
	{ .name = "version", .summary = "Print the kdx version",
	  .usage = "Usage: kdx version [-json]\n\n", .opts = &cmd_version_opts, .flag_col = 10,
	  .no_args = true,
	  .run = cmd_version },
	{ 0 },
};

const kdx_command *kdx_command_find(const char *name)
{
	for (const kdx_command *c = kdx_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
