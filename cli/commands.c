/* commands: the table of every kdx subcommand. Keep it sorted by name; each handler lives
 * in its own cli/cmd_<name>.c. .needs says what the command needs (enum kdx_need): the
 * front end compiles and checks at that level for every command alike (cli/frontend.h),
 * and the run commands load credentials, lock and store by it (cli/runbook.h). */
#include "cli.h"

#include <string.h>

int cmd_apply(int argc, char **argv);
int cmd_aws(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_terraform(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_version(int argc, char **argv);

const kdx_command kdx_commands[] = {
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
		   "  -state-dir DIR     journals and locks (default: .kdx next to the runbook)\n"
		   "  -endpoint-url URL send every AWS request to URL (an emulator)\n"
		   "  -allow-exec       let core.exec run the local commands the runbook's\n"
		   "                    allow_exec lists (off by default)\n",
	  .run = cmd_apply,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE },
	{ .name = "aws", .summary = "Talk to AWS directly: send one model-checked call, or show how a request is signed",
	  .usage = "Usage: kdx aws SUBCOMMAND [FLAGS]\n\n  sign   show SigV4 signing of a raw HTTP request\n"
		   "  call   send one model-checked request (kdx aws call SERVICE OPERATION ...)\n", .run = cmd_aws },
	{ .name = "check", .summary = "Prove a runbook safe: graph, traffic, capacity, RTO, RPO, fencing, undo, races",
	  .usage = "Usage: kdx check [-json | -format text|json|sarif|junit] [-strict] [-var NAME=VALUE]...\n"
		   "                 [-var-file FILE]... [-I DIR]... FILE\n"
		   "       kdx check -explain ANALYSIS\n\n"
		   "  Compile FILE, then run the eight safety analyses on its plan and print the\n"
		   "  critical path against the RTO. Exit 0 when safe, 1 when not.\n\n"
		   "  -json             diagnostics and the critical path as JSON, one object per line\n"
		   "  -format F         text (default), json (= -json), sarif (SARIF 2.1.0 for code\n"
		   "                    scanning) or junit (one test case per analysis)\n"
		   "  -strict           warnings (e.g. RTO slack under 10%) fail the check too\n"
		   "  -explain NAME     what an analysis proves and why it matters: graph, traffic,\n"
		   "                    capacity, rto, rpo, fencing, reversibility, races\n",
	  .run = cmd_check,
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
	  .usage = "Usage: kdx graph FILE [-var NAME=VALUE]... [-var-file FILE]... [-I DIR]...\n\n"
		   "  Steps are nodes labelled with their name and action; `after` edges are\n"
		   "  solid, data references (steps.NAME) dashed. Try: kdx graph F | dot -Tsvg\n",
	  .run = cmd_graph,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK },
	{ .name = "help", .summary = "Show help for kdx or one of its commands",
	  .usage = "Usage: kdx help [COMMAND | exit-codes]\n", .run = cmd_help },
	{ .name = "plan", .summary = "Show what a runbook would do, from the live state",
	  .usage = "Usage: kdx plan FILE [-out PLANFILE] [-json] [-detailed-exitcode] [flags]\n\n"
		   "  Compiles and checks the runbook, reads the live state (read-only calls only)\n"
		   "  and prints every step in execution order: the state before and after it, the\n"
		   "  requests it would send, its undo, its worst case, and the RTO budget.\n\n"
		   "  -out PLANFILE       save the plan for 'kdx apply PLANFILE'\n"
		   "  -json               print the plan document as JSON\n"
		   "  -detailed-exitcode  exit 2 when the plan changes something\n"
		   "  -state-dir DIR      accepted for symmetry with apply (unused)\n"
		   "  -endpoint-url URL send every AWS request to URL (an emulator)\n"
		   "  -allow-exec       accept a runbook with core.exec (shown, never run)\n",
	  .run = cmd_plan,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_CREDS },
	{ .name = "resume", .summary = "Continue an interrupted apply or rollback from its journal",
	  .usage = "Usage: kdx resume [-journal FILE] [FILE] [-json] [-parallelism N] [-state-dir DIR]\n\n"
		   "  Steps the journal shows done are not run again; a change whose result was not\n"
		   "  journalled is checked against the live state first. Without -journal: the\n"
		   "  newest journal of FILE in the state directory.\n\n"
		   "  -journal FILE   the run's journal\n"
		   "  -json           progress as JSON lines\n"
		   "  -approve STEP   approve a gate (repeatable)\n"
		   "  -state-dir DIR  where journals and locks are (default: .kdx next to FILE)\n"
		   "  -allow-exec     let core.exec run local commands (see kdx apply)\n",
	  .run = cmd_resume,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE },
	{ .name = "rollback", .summary = "Undo what a run's journal shows done, in reverse order",
	  .usage = "Usage: kdx rollback [-journal FILE] [FILE] [-json] [-parallelism N] [-state-dir DIR]\n\n"
		   "  Undoes exactly the steps the journal shows done (in-doubt ones are checked\n"
		   "  against the live state first), journalled like an apply. Irreversible steps\n"
		   "  are reported, not skipped silently.\n\n"
		   "  -journal FILE   the run's journal\n"
		   "  -json           progress as JSON lines\n"
		   "  -state-dir DIR  where journals and locks are (default: .kdx next to FILE)\n"
		   "  -allow-exec     let core.exec run local commands (see kdx apply)\n",
	  .run = cmd_rollback,
	  .needs = KDX_NEED_COMPILE | KDX_NEED_RUNBOOK | KDX_NEED_CHECK | KDX_NEED_CREDS | KDX_NEED_LOCK | KDX_NEED_STORE },
	{ .name = "show", .summary = "Show a saved plan or a run's journal",
	  .usage = "Usage: kdx show [-json] FILE.kdx | PLANFILE | JOURNAL\n\n"
		   "  A runbook: its steps as the front end lowers them (checked like kdx check).\n\n"
		   "  -json   print the plan IR, the plan document, or the journal's state, as JSON\n",
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
	  .usage = "Usage: kdx validate [-json | -format text|json|sarif] [-var NAME=VALUE]... [-var-file FILE]...\n"
		   "                    [-I DIR]... FILE...\n\n"
		   "  Parse, resolve names, check types and units, evaluate params and lower\n"
		   "  each runbook to its plan. Modules (types and actions only) are checked too.\n\n"
		   "  -json             diagnostics as JSON, one object per line\n"
		   "  -format F         text (default), json (= -json) or sarif (SARIF 2.1.0)\n",
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
