/* manpage: roff man pages made from the command table (cli/usage.h reads its usage text):
 * kdx(1) for the whole tool and kdx-COMMAND(1) for each command. */
#ifndef KDX_MANPAGE_H
#define KDX_MANPAGE_H
#include "cli.h"
#include "../common/strbuf.h"

/* The page of cmd, or of kdx itself when cmd is NULL, appended to out. */
void kdx_man_page(strbuf *out, const kdx_command *cmd);

#endif
