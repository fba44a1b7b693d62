/* moddoc: the standard library's modules for people: their names (shell completion, the
 * language server's `import "` completion) and what an action or type declares (its
 * header and description: `kdx help MODULE`, the language server's hover). */
#ifndef KDX_CLI_MODDOC_H
#define KDX_CLI_MODDOC_H
#include "../common/source.h"
#include "../common/strbuf.h"
#include "../grammar/ast.h"

/* Calls fn with each module name of the standard library ("aws/route53", "core"), in
 * directory order; the AWS models' directory is no module. */
void kdx_stdlib_module_names(void (*fn)(void *ud, const char *name), void *ud);

/* The header of a declaration as written: an action's or type's from its keyword to its
 * '{', a step's, resource's or param's first line. */
void kdx_decl_header(strbuf *out, const kdx_source *f, const kdx_ast_decl *d);
/* Its `description = "..."` when that is one plain string, else NULL. */
const char *kdx_decl_description(const kdx_ast_decl *d);

/* `kdx help MODULE`: the module's types and actions, each header with its description.
 * -1 with err when NAME is no module the loader finds (or it does not compile). */
int kdx_module_help(const char *name, strbuf *out, strbuf *err);

#endif
