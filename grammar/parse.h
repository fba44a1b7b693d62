/* parse: turn one loaded source file into a kdx_ast_file (grammar/ast.h).
 * The AST is allocated in `arena` and its names interned in `intern`; both must outlive it.
 * Syntax errors go to `diags` (code "syntax"), as many as the parser can find in one run. */
#ifndef KDX_PARSE_H
#define KDX_PARSE_H
#include <stdbool.h>
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

/* kdx_parse_file parses twice when a file has an error: first with a parser built without
 * LAC (bison's lookahead correction, ~5 % of a whole `kdx check`), which only counts
 * errors, then again with LAC, whose exact expected-token sets the messages are made of.
 * This runs one of the two: lac = false counts the parser's syntax errors (returns -1)
 * without reporting them (the lexer's and the node builders' still go to diags). For
 * tests. */
int kdx_parse_file_once(kdx_arena *arena, kdx_intern *intern, const kdx_sources *src,
			uint32_t file, kdx_diags *diags, bool lac, kdx_ast_file **out);

/* Convenience for tests and tools: add `text` to src as `path` and parse it. */
int kdx_parse_string(kdx_arena *arena, kdx_intern *intern, kdx_sources *src, const char *path,
		     const char *text, size_t len, kdx_diags *diags, kdx_ast_file **out);

/* For tests and debugging: the tokens of src->files[file], space-separated, appended to out
 * (names as name(x), literals with their values, strings as str< text("..") ${ .. }$ >str).
 * Returns 0, or -1 when the lexer reported errors (in diags). */
int kdx_lex_dump(strbuf *out, const kdx_sources *src, uint32_t file, kdx_arena *arena,
		 kdx_intern *intern, kdx_diags *diags);

#endif
