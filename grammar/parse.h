/* parse: turn one loaded source file into a kdx_ast_file (grammar/ast.h).
 * The AST is allocated in `arena` and its names interned in `intern`; both must outlive it.
 * Syntax errors go to `diags` (code "syntax"), as many as the parser can find in one run. */
#ifndef KDX_PARSE_H
#define KDX_PARSE_H
#include <stdint.h>

#include "../common/arena.h"
#include "../common/intern.h"
#include "../common/diag.h"
#include "../common/source.h"
#include "ast.h"

/* Brackets nested deeper than this are refused with an error (no recursion limit surprises
 * later in the formatter or the resolver). */
#define KDX_PARSE_MAX_NESTING 100

/* Parse src->files[file]. *out is always set (to a possibly partial tree, never NULL).
 * Returns 0 when the file has no syntax errors, -1 when it has (they are in diags). */
int kdx_parse_file(kdx_arena *arena, kdx_intern *intern, const kdx_sources *src, uint32_t file,
		   kdx_diags *diags, kdx_ast_file **out);

/* Convenience for tests and tools: add `text` to src as `path` and parse it. */
int kdx_parse_string(kdx_arena *arena, kdx_intern *intern, kdx_sources *src, const char *path,
		     const char *text, size_t len, kdx_diags *diags, kdx_ast_file **out);

/* For tests and debugging: the tokens of src->files[file], space-separated, appended to out
 * (names as name(x), literals with their values, strings as str< text("..") ${ .. }$ >str).
 * Returns 0, or -1 when the lexer reported errors (in diags). */
int kdx_lex_dump(strbuf *out, const kdx_sources *src, uint32_t file, kdx_arena *arena,
		 kdx_intern *intern, kdx_diags *diags);

#endif
