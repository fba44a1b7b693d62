/* commands: the table of every kdx subcommand. Keep it sorted by name; each handler lives
 * in its own cli/cmd_<name>.c. .needs says what the command needs (enum kdx_need): the
 * front end compiles and checks at that level for every command alike (cli/frontend.h),
 * and the run commands load credentials, lock and store by it (cli/runbook.h). */
#include "cli.h"

#include <string.h>

/* Help lines of flags several commands share, written once (their parsers: cli/flags.c). */
#define HELP_SOURCE                                                                        \
	"  -var NAME=VALUE   set a param (repeatable)\n"                                       \
	"  -var-file FILE    read params from FILE (name = value lines)\n"                     \
	"  -I DIR            search DIR for imported modules first\n"                          \
	"  -endpoint-url URL send every AWS request to URL (an emulator)\n"
/* resume and rollback: the run they continue */
#define HELP_JOURNAL                                                                       \
	"  -journal FILE   the run's journal\n"                                                \
	"  -json           progress as JSON lines\n"
#define HELP_RUN_STORE                                                                     \
	"  -state-dir DIR  where journals and locks are (default: .kdx next to FILE)\n"       \
	"  -state URL      the run store the run is in (file://, s3://, dynamodb://; default\n" \
	"                  $KDX_STATE)\n"                                                      \
	"  -lease D, -lock-timeout D  as for apply\n"                                          \
	"  -allow-exec     let core.exec and Terraform run local commands (see kdx apply)\n"

int cmd_apply(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_aws(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_complete(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_lsp(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_state(int argc, char **argv);
int cmd_terraform(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_version(int argc, char **argv);

const kdx_command kdx_commands[] = {
	{ .name = "__complete", .summary = "Completion candidates for the shell scripts in completions/",
	  .usage = "Usage: kdx __complete WORD...\n\n"
		   "  The words after 'kdx' on the command line, the last one the word being\n"
		   "  completed; prints one candidate a line, or :file / :dir.\n",
	  .run = cmd_complete, .hidden = true },
	{ .name = "apply", .summary = "Run a runbook or a saved plan against AWS",
	  .usage = "Usage: kdx apply [FILE | PLANFILE] [-auto-approve] [-parallelism N] [-json] [-dry-run]\n"
		   "                 [-approve STEP]... [-approvals FILE] [-state-dir DIR] [flags]\n\n"
		   "  Takes the runbook's lock, journals every step and runs independent steps in\n"
		   "  parallel. Without -auto-approve it shows the plan and asks for 'yes' (on a\n"
		   "  terminal only). A saved plan whose sources or live state changed is refused.\n\n"
		   "  -auto-approve      do not ask to confirm the plan (gates still need -approve)\n"
		   "  -parallelism N     at most N steps at once (default 10)\n"
		   "  -json              progress as one JSON event per line\n"
		   "  -dry-run           send nothing mutating: print the requests instead\n"
		   "  -approve STEP      approve the gate of STEP (repeatable)\n"
		   "  -approvals FILE    approve the steps named in FILE (one a line)\n"
		   "  -approval-timeout D  wait up to D at a gate nobody approved here for others'\n"
		   "                     kdx approve records in the run's store (default: fail at once)\n"
		   "  -state-dir DIR     journals and locks (default: .kdx next to the runbook)\n"
		   "  -state URL         the run store: file://DIR, s3://BUCKET/PREFIX?region=R,\n"
		   "                     dynamodb://TABLE?region=R (default: $KDX_STATE, then the\n"
		   "                     runbook's state block, then .kdx)\n"
		   "  -lease D           a shared store's lock lease (default 30s), renewed by a heartbeat\n"
		   "  -lock-timeout D    wait up to D for a lock another run holds (the runbook's or\n"
		   "                     a resource's; any store) instead of failing at once\n"
		   "  -mode M            graceful or ungraceful: sets the runbook's param mode\n"
		   HELP_SOURCE
		   "  -allow-exec       let core.exec and Terraform run the local commands the\n"
		   "                    runbook's allow_exec lists (off by default)\n",
	  .run = cmd_apply,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS |
		   KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE | KDX_NEED_SIGNALS },
	{ .name = "approve", .summary = "Approve (or deny) a gated step of a run, from anywhere that reaches its store",
	  .usage = "Usage: kdx approve [-deny] [-comment TEXT] [-state URL | -state-dir DIR] RUN STEP\n\n"
		   "  Records who approves (the AWS caller identity from STS, the OS user and\n"
		   "  host), when and why in the run's store; the apply waiting at STEP's gate\n"
		   "  continues once its gate has enough distinct approvers (the runner's own\n"
		   "  identity never counts), and stops and rolls back on a denial.\n\n"
		   "  -deny             deny instead: the run stops at STEP and rolls back\n"
		   "  -comment TEXT     why (kept with the record, shown by kdx show)\n"
		   "  -state URL        the run store (default: $KDX_STATE, then file://.kdx)\n"
		   "  -state-dir DIR    a file store's directory\n",
	  .run = cmd_approve },
	{ .name = "aws", .summary = "Talk to AWS directly: send one model-checked call, or show how a request is signed",
	  .usage = "Usage: kdx aws SUBCOMMAND [FLAGS]\n\n  sign   show SigV4 signing of a raw HTTP request\n"
		   "  call   send one model-checked request (kdx aws call SERVICE OPERATION ...)\n", .run = cmd_aws },
	{ .name = "check", .summary = "Prove a runbook safe: graph, traffic, capacity, RTO, RPO, fencing, undo, races, state",
	  .usage = "Usage: kdx check [-json | -format text|json|sarif|junit] [-strict] [-state URL]\n"
		   "                 [-mode M] [-var NAME=VALUE]... [-var-file FILE]... [-I DIR]... FILE\n"
		   "       kdx check -explain ANALYSIS\n\n"
		   "  Compile FILE, then run the nine safety analyses on its plan and print the\n"
		   "  critical path against the RTO. Exit 0 when safe, 1 when not.\n\n"
		   "  -json             diagnostics and the critical path as JSON, one object per line\n"
		   "  -format F         text (default), json (= -json), sarif (SARIF 2.1.0 for code\n"
		   "                    scanning) or junit (one test case per analysis)\n"
		   "  -strict           warnings (e.g. RTO slack under 10%) fail the check too\n"
		   "  -state URL        the run store to check (file://DIR, s3://BUCKET/PREFIX?region=R,\n"
		   "                    dynamodb://TABLE?region=R&replicas=R2,R3); default: $KDX_STATE,\n"
		   "                    then the runbook's state { url = ... } block, then .kdx\n"
		   "  -mode M           graceful or ungraceful: sets the runbook's param mode, so the\n"
		   "                    analyses prove that mode's steps\n"
		   "  -explain NAME     what an analysis proves and why it matters: graph, traffic,\n"
		   "                    capacity, rto, rpo, fencing, reversibility, races, state\n",
	  .run = cmd_check,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS },
	{ .name = "export", .summary = "Compile a proven runbook to an AWS ARC Region switch plan",
	  .usage = "Usage: kdx export arc FILE -execution-role ARN [-format json|cloudformation]\n"
		   "                  [-target REGION] [-account ID] [-approval-role ARN] [-name NAME]\n"
		   "                  [-state URL] [-mode M] [-var NAME=VALUE]... [-var-file FILE]...\n"
		   "                  [-I DIR]...\n\n"
		   "  Only a runbook whose proofs pass (kdx check) is exported. Prints ARC Region\n"
		   "  switch's CreatePlan input (checked against the API model) or a CloudFormation\n"
		   "  AWS::ARCRegionSwitch::Plan template; on stderr, every step and feature that does\n"
		   "  not map onto an ARC execution block, and why.\n\n"
		   "  -format F            json (CreatePlan input, the default) or cloudformation\n"
		   "  -execution-role ARN  the IAM role the plan runs as (required)\n"
		   "  -approval-role ARN   the role that approves ManualApproval steps (default: the\n"
		   "                       execution role)\n"
		   "  -target REGION       the region the plan activates (default: param target, else\n"
		   "                       the first secondary region)\n"
		   "  -account ID          the account in the ARNs kdx builds (EKS, ECS, Lambda;\n"
		   "                       default: param account_id)\n"
		   "  -name NAME           the plan's name (default: the runbook's)\n"
		   "  -state URL           the run store the state analysis checks\n"
		   "  -mode M              graceful or ungraceful: sets the runbook's param mode\n",
	  .run = cmd_export,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK },
	{ .name = "fmt", .summary = "Rewrite .kdx files in the canonical layout",
	  .usage = "Usage: kdx fmt [-check] [-diff] [-recursive] [FILE | DIR | -]...\n\n"
		   "Formats the named files (default: the .kdx files in the current directory)\n"
		   "and prints the names of the files it changed. '-' formats stdin to stdout.\n\n"
		   "  -check       change nothing; exit 3 when a file is not formatted\n"
		   "  -diff        show the changes as a unified diff\n"
		   "  -recursive   also format the .kdx files in subdirectories\n",
	  .run = cmd_fmt,
	  .needs = KDX_NEED_PARSE },
	{ .name = "graph", .summary = "Draw the step dependency graph in Graphviz DOT",
	  .usage = "Usage: kdx graph FILE [-mode M] [-var NAME=VALUE]... [-var-file FILE]... [-I DIR]...\n\n"
		   "  Steps are nodes labelled with their name and action; `after` edges are\n"
		   "  solid, data references (steps.NAME) dashed. Try: kdx graph F | dot -Tsvg\n\n"
		   "  -mode M   graceful or ungraceful: sets the runbook's param mode; the graph is\n"
		   "            that mode's steps, labelled with it\n",
	  .run = cmd_graph,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK },
	{ .name = "help", .summary = "Show help for kdx or one of its commands",
	  .usage = "Usage: kdx help [COMMAND | MODULE | exit-codes]\n"
		   "       kdx help -man [COMMAND]\n\n"
		   "  MODULE is a standard library module (kdx help aws/route53): its header,\n"
		   "  types and actions with their descriptions.\n"
		   "  -man   print the man page (roff) of kdx, or of COMMAND\n", .run = cmd_help },
	{ .name = "init", .summary = "Scaffold a new runbook, var file and scenarios from a template",
	  .usage = "Usage: kdx init [-template NAME] DIR\n\n"
		   "  Writes DIR/runbook.kdx (params, regions, resources, steps with their undo,\n"
		   "  scenarios) and DIR/staging.kdxvars; both pass validate, check and simulate as\n"
		   "  written. Creates DIR if needed; never overwrites a file.\n\n"
		   "  -template NAME   weighted-shift (default): scale, then shift Route 53 weights\n"
		   "                   aurora-global: fence, lag-gated Aurora global failover\n"
		   "                   cache-global: Redis Global Datastore failover\n"
		   "                   game-day: shift a share of the traffic, hold, restore\n",
	  .run = cmd_init },
	{ .name = "lsp", .summary = "Language server for editors (LSP over stdin/stdout)",
	  .usage = "Usage: kdx lsp [-stdio]\n\n"
		   "  Speaks the Language Server Protocol on stdin and stdout: the diagnostics of\n"
		   "  'kdx check' as you type, hover with the stdlib's action docs, go to definition\n"
		   "  (steps, resources, params, actions and types, across imports), completion of\n"
		   "  module, action and step names, and formatting as 'kdx fmt' does.\n\n"
		   "  -stdio   accepted for editors that pass it (stdio is the only transport)\n",
	  .run = cmd_lsp },
	{ .name = "plan", .summary = "Show what a runbook would do, from the live state",
	  .usage = "Usage: kdx plan FILE [-out PLANFILE] [-json | -format text|json|md] [-detailed-exitcode] [flags]\n\n"
		   "  Compiles and checks the runbook, reads the live state (read-only calls only)\n"
		   "  and prints every step in execution order: the state before and after it, the\n"
		   "  requests it would send, its undo, its worst case, and the RTO budget.\n\n"
		   "  -out PLANFILE       save the plan for 'kdx apply PLANFILE'\n"
		   "  -json               print the plan document as JSON\n"
		   "  -format F           text (default), json (= -json) or md (a pull-request\n"
		   "                      comment: summary, RTO budget, gates, a section per step)\n"
		   "  -detailed-exitcode  exit 2 when the plan changes something\n"
		   "  -state-dir DIR      accepted for symmetry with apply (unused)\n"
		   "  -mode M             graceful or ungraceful: sets the runbook's param mode\n"
		   "  -parallelism N      the live reads of at most N steps at once (default 10;\n"
		   "                      1: one step's reads after the other's)\n"
		   "  -var NAME=VALUE   set a param (repeatable)\n"
		   "  -var-file FILE    read params from FILE (name = value lines)\n"
		   "  -I DIR            search DIR for imported modules first\n"
		   "  -endpoint-url URL send every AWS request to URL (an emulator)\n"
		   HELP_SOURCE
		   "  -allow-exec       accept a runbook with core.exec or Terraform (shown, never run)\n",
	  .run = cmd_plan,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS | KDX_NEED_CREDS },
	{ .name = "report", .summary = "The evidence of a run: predicted and actual step times, RTO, approvals, rollback",
	  .usage = "Usage: kdx report [RUNBOOK.kdx | JOURNAL | RUN] [-format md|json|svg|junit] [-state-dir DIR | -state URL] [-o FILE]\n\n"
		   "  Reads a run's journal (default: the newest run in the state directory) and\n"
		   "  shows per step the time kdx simulate predicts beside the actual one, the\n"
		   "  achieved RTO and RPO against the objectives, approvals and who gave them, the\n"
		   "  alarms that fired, what was rolled back and what was not, and every AWS\n"
		   "  request (method, service, operation, region, status, duration; never a\n"
		   "  credential, token or signature).\n\n"
		   "  -format F       md (default), json, svg (a timeline: predicted and actual bars)\n"
		   "                  or junit (one test case per step)\n"
		   "  -state-dir DIR  where the journals are (default: .kdx)\n"
		   "  -state URL      the run store to read (file://, s3://): the newest run of\n"
		   "                  RUNBOOK.kdx, the run RUN, or the newest run of all\n"
		   "  -o FILE         write the report to FILE instead of stdout\n",
	  .run = cmd_report },
	{ .name = "resume", .summary = "Continue an interrupted apply or rollback from its journal",
	  .usage = "Usage: kdx resume [-journal FILE] [FILE] [-json] [-parallelism N] [-state-dir DIR]\n\n"
		   "  Steps the journal shows done are not run again; a change whose result was not\n"
		   "  journalled is checked against the live state first. Without -journal: the\n"
		   "  newest run of FILE's runbook in the state directory. The run must be FILE's,\n"
		   "  with the vars it started with; a changed runbook is refused unless -force.\n"
		   "  A finished run is never run again.\n\n"
		   HELP_JOURNAL
		   "  -approve STEP   approve a gate (repeatable)\n"
		   "  -approval-timeout D  wait up to D for kdx approve records (as for apply)\n"
		   "  -force REASON   continue although the runbook text changed (journalled;\n"
		   "                  never overrides different vars)\n"
		   HELP_RUN_STORE,
	  .run = cmd_resume,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS |
		   KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE | KDX_NEED_SIGNALS },
	{ .name = "rollback", .summary = "Undo what a run's journal shows done, in reverse order",
	  .usage = "Usage: kdx rollback [-journal FILE] [FILE] [-json] [-parallelism N] [-state-dir DIR]\n\n"
		   "  Undoes exactly the steps the journal shows done (in-doubt ones are checked\n"
		   "  against the live state first), journalled like an apply. Irreversible steps\n"
		   "  are reported, not skipped silently. The run must be FILE's, with the vars it\n"
		   "  started with; a changed runbook is refused unless -force.\n\n"
		   HELP_JOURNAL
		   "  -force REASON   undo although the runbook text changed (journalled)\n"
		   HELP_RUN_STORE,
	  .run = cmd_rollback,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE_REGIONS |
		   KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE | KDX_NEED_SIGNALS },
	{ .name = "show", .summary = "Show a saved plan or a run's journal",
	  .usage = "Usage: kdx show [-json | -format text|json|md] FILE.kdx | PLANFILE | JOURNAL | -journal JOURNAL\n\n"
		   "  A runbook: its steps as the front end lowers them (checked like kdx check).\n"
		   "  A damaged journal is shown up to the damage, then the damage (exit 1).\n\n"
		   "  -json           print the plan IR, the plan document, or the journal's state, as JSON\n"
		   "  -format F       text (default), json (= -json), or md (a plan file as a\n"
		   "                  pull-request comment, as kdx plan -format md)\n"
		   "  -journal FILE   the journal to show (any file name)\n",
	  .run = cmd_show,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_STORE },
	{ .name = "simulate", .summary = "Rehearse a runbook on the world model: scenarios, RTO/RPO, every single-step failure",
	  .usage = "Usage: kdx simulate FILE [-var NAME=VALUE ...] [-var-file FILE ...] [-scenario NAME | -all-scenarios]\n"
		   "                    [-seed N] [-json] [-explore [-depth 2]] [-timeline FILE.svg] [-parallelism N]\n\n"
		   "                    [-seed N] [-json | -format text|json|junit] [-explore] [-timeline FILE.svg]\n"
		   "                    [-parallelism N]\n\n"
		   "  -scenario NAME   run one scenario block (default: a fault-free run)\n"
		   "  -all-scenarios   a fault-free run, then every scenario\n"
		   "  -seed N          seed of the duration draws (default 1): same seed, same timeline\n"
		   "  -explore         fail and time out each step in turn, roll back, check the world is safe\n"
		   "  -depth 2         with -explore: every pair of faults (two steps; a step and a lost region)\n"
		   "  -timeline FILE   write an SVG Gantt chart of the run\n"
		   "  -parallelism N   steps at once, as in apply (default 10)\n"
		   "  -mode M          graceful or ungraceful: sets the runbook's param mode\n"
		   "  -json            one JSON object per line\n"
		   "  -format F        text (default), json (= -json) or junit (a test suite per run:\n"
		   "                   a case per expectation; -explore: a case per step and fault)\n\n"
		   "Exit status 1 when an expectation fails or -explore finds an unsafe state.\n",
	  .run = cmd_simulate,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK },
	{ .name = "terraform", .summary = "Drive Terraform on one directory (init, plan, apply, destroy, output)",
	  .usage = "Usage: kdx terraform init|plan|apply|destroy|output DIR [NAME] [options]\n\n"
		   "  -workspace W        run in workspace W (init selects it, creating it if needed)\n"
		   "  -var k=v            set a variable (repeatable); -var-file F likewise\n"
		   "  -plugin-dir D       init: install providers from D only\n"
		   "  -backend-config X   init: backend setting (repeatable)\n"
		   "  -out FILE           plan: where to save the plan (default DIR/kdx.tfplan)\n"
		   "  -destroy            plan: plan to destroy everything\n"
		   "  -detailed-exitcode  plan: exit 2 when there are changes\n"
		   "  -plan FILE          apply: apply this saved plan\n"
		   "  -lock-timeout D     wait up to D for the state lock\n"
		   "  -timeout D          cancel after D: SIGINT, then SIGTERM and SIGKILL after -grace\n"
		   "  -grace D            time between those signals (default 30s)\n"
		   "  -json               one JSON event per line\n\n"
		   "The program is 'terraform', or $KDX_TERRAFORM (e.g. tofu). output prints every\n"
		   "output as JSON, or one by NAME; sensitive values are never printed.\n",
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
	  .run = cmd_state },
	{ .name = "unlock", .summary = "Remove the lock of a run that died",
	  .usage = "Usage: kdx unlock [-env NAME] [-state-dir DIR] [-force] RUNBOOK.kdx | LOCKFILE\n\n"
		   "  Shows who holds the lock of the runbook and asks for 'yes' before removing it.\n"
		   "  A lock whose holder is still running is kept unless -force is given.\n\n"
		   "  -env=NAME        the environment of the locked run (needed if it has several)\n"
		   "  -state-dir=DIR   where the lock lives (default: .kdx next to the runbook)\n"
		   "  -force           do not ask, and remove even a lock whose holder looks alive\n",
	  .run = cmd_unlock,
	  .needs = KDX_NEED_LOCK | KDX_NEED_STORE },
	{ .name = "validate", .summary = "Check runbooks and modules for errors",
	  .usage = "Usage: kdx validate [-json | -format text|json|sarif] [-mode M] [-var NAME=VALUE]...\n"
		   "                    [-var-file FILE]... [-I DIR]... FILE...\n\n"
		   "  Parse, resolve names, check types and units, evaluate params and lower\n"
		   "  each runbook to its plan. Modules (types and actions only) are checked too.\n\n"
		   "  -json             diagnostics as JSON, one object per line\n"
		   "  -format F         text (default), json (= -json) or sarif (SARIF 2.1.0)\n"
		   "  -mode M           graceful or ungraceful: sets the runbook's param mode\n",
	  .run = cmd_validate,
	  .needs = KDX_NEED_COMPILE },
	{ .name = "version", .summary = "Print the kdx version",
	  .usage = "Usage: kdx version [-json]\n\n  -json   print as JSON\n", .run = cmd_version },
	{ 0 },
};

const kdx_command *kdx_command_find(const char *name)
{
	for (const kdx_command *c = kdx_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
