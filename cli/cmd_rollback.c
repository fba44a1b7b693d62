/* kdx rollback: undo exactly what a run's journal shows done, in reverse dependency order
 * (the work is shared with kdx resume, in cmd_resume.c). */
#include "cli.h"
#include "runbook.h"

int cmd_rollback(const kdx_command *cmd, void *opts, kdx_strlist *pos);

int cmd_rollback(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	return kdx_recover_main(cmd, opts, pos, true);
}
