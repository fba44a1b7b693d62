/* kdx rollback: undo exactly what a run's journal shows done, in reverse dependency order
 * (the work is shared with kdx resume, in cmd_resume.c). */
#include "cli.h"
#include "runbook.h"

int cmd_rollback(int argc, char **argv);

int cmd_rollback(int argc, char **argv)
{
	return kdx_recover_main(argc, argv, true);
}
