/* fmt: print a parsed .kdx file in the one canonical layout (two-space indent, aligned '='
 * in runs of attributes, one blank line between blocks, canonical spacing), keeping every
 * comment. Formatting formatted text changes nothing. The caller owns `out`. */
#ifndef KDX_FMT_H
#define KDX_FMT_H
#include <stdint.h>

#include "../common/strbuf.h"
#include "../grammar/ast.h"
#include "../common/diag.h"
#include "../common/source.h"

/* Append the canonical text of `file` (which must have parsed without errors) to out.
 * src is the source it was parsed from; its text supplies the comments and blank lines. */
void kdx_fmt_file(strbuf *out, const kdx_ast_file *file, const kdx_source *src);

/* Parse src->files[file] and format it into out. Returns 0, or -1 when the file has
 * syntax errors (they are in diags and out is left untouched). */
int kdx_fmt_source(strbuf *out, kdx_sources *src, uint32_t file, kdx_diags *diags);

#endif
