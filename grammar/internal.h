/* internal: what the lexer (lexer.l), the parser (parser.y) and parse.c share and no one
 * else may use: the parser context, the location type and arena vectors. */
#ifndef KDX_GRAMMAR_INTERNAL_H
#define KDX_GRAMMAR_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/intern.h"
#include "../common/diag.h"
#include "../common/source.h"
#include "../common/xalloc.h"
#include "ast.h"
#include "parse.h"

/* What the lexer returns when it queued tokens in kdx_pctx.pending instead. */
#define KDX_LEX_PENDING (-2)

/* Bison's location: a byte range in the file being parsed. */
typedef struct kdx_loc {
	uint32_t start, end;
} kdx_loc;

/* A growable array of pointers in the arena (growth copies; the old block is waste). */
typedef struct kdx_pvec {
	void **v;
	size_t n;
	bool bad;  /* a syntax error was recovered from inside this list */
} kdx_pvec;

void kdx_pvec_push(kdx_arena *a, kdx_pvec *vec, void *item);
/* The same list holding structs of `size` bytes by value in vec->v (call arguments,
 * `after` names): the array the AST keeps, so no element is allocated on its own and
 * nothing is copied when the list is done. Implicit capacity: the next power of two
 * >= max(n, 2) (most such lists have one to three elements). */
void kdx_svec_push(kdx_arena *a, kdx_pvec *vec, const void *item, size_t size);

/* An open bracket, string or interpolation the lexer has not yet seen closed.
 * kind: '{' '(' '[' for brackets, '"' for a string, '$' for an interpolation. */
typedef struct kdx_open {
	char kind;
	uint32_t off;        /* where it opened */
	const char *label;   /* '{': the block keyword ("step") or NULL for a map */
	uint32_t label_off;  /* where that keyword is */
} kdx_open;

typedef struct kdx_pctx {
	kdx_arena *arena;
	kdx_intern *intern;
	const kdx_source *src;
	uint32_t file;
	kdx_diags *diags;
	void *scanner;       /* the flex scanner */

	/* lexer state */
	uint32_t off;                         /* bytes consumed so far */
	size_t read;                          /* bytes handed to flex so far (YY_INPUT) */
	kdx_open open[KDX_PARSE_MAX_NESTING + 4];
	int nopen;
	int prev_tok, cur_tok;                /* the last two tokens handed to the parser */
	kdx_loc prev_loc, cur_loc;
	const char *block_kw;                 /* the last block keyword seen, for '}' messages */
	uint32_t block_kw_off;
	int pending[KDX_PARSE_MAX_NESTING + 4]; /* tokens to hand out before lexing more */
	kdx_loc pending_loc[KDX_PARSE_MAX_NESTING + 4];
	int npending;
	kdx_open dropped;                     /* a '(' or '[' a '}' closed implicitly */
	unsigned dropped_tok;                 /* ntok of that '}' */
	unsigned ntok;                        /* tokens handed out */
	unsigned lex_error_tok;               /* ntok at the last lexer error, 0 = none */
	bool aborted;                         /* give up: nesting too deep */

	/* results */
	kdx_ast_file *ast;
	kdx_pvec decls;
	kdx_pvec comments;                    /* kdx_ast_comment* */
	unsigned nsyntax;
	struct kdx_ast_strpart *grow_part;     /* the literal piece being appended to */
	size_t grow_cap;
} kdx_pctx;

/* Inline: every node the parser builds takes one or two (issue #19). */
static inline kdx_span kdx_pspan(const kdx_pctx *ctx, kdx_loc loc)
{
	return (kdx_span){ ctx->file, loc.start, loc.end };
}
/* Report a syntax error at loc; returns the diagnostic for notes. */
kdx_diag *kdx_perror(kdx_pctx *ctx, kdx_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Called by the lexer for every comment. */
void kdx_lex_comment(kdx_pctx *ctx, uint32_t start, uint32_t end, bool block);
/* Tag the keywords in the intern table (their index in the lexer's table + 1), so the lexer
 * tells a keyword from a name by the tag the interning of every name gives anyway. Called
 * before each scan: cheap, and the table may be new. */
void kdx_lex_keywords(kdx_intern *intern);
/* The lexer's own bracket stack; returns false (after reporting) when nesting is too deep. */
bool kdx_lex_push(kdx_pctx *ctx, char kind, uint32_t off);

/* The parser's display name of a token, as bison spells it. */
const char *kdx_ptoken_name(int tok);
/* The grammar built without LAC (parser.y, Makefile): kdx_yyparse's twin, same actions,
 * reporting no syntax error but counting it in ctx->nsyntax. */
int kdx_yyparse_fast(kdx_pctx *ctx);

/* ---- node builders (build.c), one per grammar construct ---- */
kdx_loc kdx_b_loc(kdx_loc a, kdx_loc b);
kdx_ast_ident kdx_b_ident(kdx_pctx *ctx, const char *name, kdx_loc loc);
kdx_ast_ident *kdx_b_idents(kdx_pctx *ctx, kdx_pvec v, size_t *n);
kdx_ast_expr **kdx_b_exprs(kdx_pvec v, size_t *n);
void kdx_b_push_dotted(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_ident id);
/* a.b: one name, interned as written with its dot, spanning both parts */
kdx_ast_ident kdx_b_dotted(kdx_pctx *ctx, kdx_ast_ident a, const char *b, kdx_loc loc);
kdx_ast_decl *kdx_b_decl(kdx_pctx *ctx, kdx_ast_decl_kind kind, kdx_loc loc, kdx_loc kw);
void kdx_b_label(kdx_pctx *ctx, kdx_ast_decl *d, kdx_ast_expr *str);
void kdx_b_body(kdx_pctx *ctx, kdx_ast_decl *d, kdx_pvec items, kdx_loc loc);
/* A `parallel` block's members: only steps, at least one. */
void kdx_b_group(kdx_pctx *ctx, kdx_ast_decl *d, kdx_pvec decls, kdx_loc loc);
void kdx_b_push_param(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_ident name, kdx_ast_type *type,
		      kdx_ast_expr *def, kdx_loc loc);
void kdx_b_params(kdx_pctx *ctx, kdx_ast_decl *d, kdx_pvec v);
kdx_ast_type *kdx_b_type(kdx_pctx *ctx, kdx_ast_type_kind kind, const char *module,
			 const char *name, kdx_ast_type *elem, kdx_loc loc);
kdx_ast_type *kdx_b_type_ctor(kdx_pctx *ctx, const char *name, kdx_loc nameloc,
			      kdx_ast_type *elem, kdx_loc loc);
kdx_ast_item *kdx_b_item(kdx_pctx *ctx, kdx_ast_item_kind kind, kdx_loc loc);
kdx_ast_expr *kdx_b_expr(kdx_pctx *ctx, kdx_ast_expr_kind kind, kdx_loc loc);
kdx_ast_expr *kdx_b_name(kdx_pctx *ctx, const char *name, kdx_loc loc);
kdx_ast_expr *kdx_b_number(kdx_pctx *ctx, kdx_ast_expr_kind kind, double v, const char *text,
			   kdx_loc loc);
kdx_ast_expr *kdx_b_duration(kdx_pctx *ctx, int64_t ms, const char *text, kdx_loc loc);
kdx_ast_expr *kdx_b_bool(kdx_pctx *ctx, bool b, kdx_loc loc);
kdx_ast_expr *kdx_b_call(kdx_pctx *ctx, kdx_ast_expr *callee, kdx_pvec args, kdx_loc loc);
void kdx_b_push_arg(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_ident name, kdx_ast_expr *value,
		    kdx_loc loc);
kdx_ast_expr *kdx_b_cond(kdx_pctx *ctx, kdx_ast_expr *c, kdx_ast_expr *a, kdx_ast_expr *b,
			 kdx_loc loc);
kdx_ast_expr *kdx_b_binary(kdx_pctx *ctx, kdx_ast_op op, kdx_ast_expr *l, kdx_ast_expr *r,
			   kdx_loc loc);
kdx_ast_expr *kdx_b_unary(kdx_pctx *ctx, kdx_ast_op op, kdx_ast_expr *e, kdx_loc loc);
kdx_ast_expr *kdx_b_getattr(kdx_pctx *ctx, kdx_ast_expr *obj, kdx_ast_ident attr, kdx_loc loc);
kdx_ast_expr *kdx_b_index(kdx_pctx *ctx, kdx_ast_expr *obj, kdx_ast_expr *idx, kdx_loc loc);
kdx_ast_expr *kdx_b_list(kdx_pctx *ctx, kdx_pvec items, kdx_loc loc);
kdx_ast_expr *kdx_b_map(kdx_pctx *ctx, kdx_pvec entries, kdx_loc loc);
void kdx_b_push_entry(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_key_kind kind, kdx_ast_ident ident,
		      kdx_ast_expr *key, kdx_ast_expr *value, kdx_loc loc);
kdx_ast_expr *kdx_b_comp(kdx_pctx *ctx, kdx_ast_expr_kind kind, kdx_ast_ident v1,
			 kdx_ast_ident v2, kdx_ast_expr *coll, kdx_ast_expr *key,
			 kdx_ast_expr *value, kdx_ast_expr *cond, kdx_loc loc);
kdx_ast_expr *kdx_b_string(kdx_pctx *ctx, kdx_pvec parts, kdx_loc loc);
void kdx_b_push_text(kdx_pctx *ctx, kdx_pvec *v, const char *text, size_t len, kdx_loc loc);
void kdx_b_push_interp(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_expr *e, kdx_loc loc);

#endif
