/* parse: drive the flex scanner and the bison parser over one source file. */
#include "internal.h"
#include "../common/strbuf.h"
#include "grammar/parser.h"
#define YYSTYPE KDX_YYSTYPE
#define YYLTYPE KDX_YYLTYPE
#include "grammar/lexer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

kdx_diag *kdx_perror(kdx_pctx *ctx, kdx_loc loc, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	kdx_diag *g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", kdx_pspan(ctx, loc), "%s", sb.buf);
	strbuf_release(&sb);
	ctx->nsyntax++;
	return g;
}

void kdx_lex_comment(kdx_pctx *ctx, uint32_t start, uint32_t end, bool block)
{
	kdx_ast_comment *c = KDX_NEW(ctx->arena, kdx_ast_comment);
	c->span = (kdx_span){ ctx->file, start, end };
	c->block = block;
	kdx_pvec_push(ctx->arena, &ctx->comments, c);
}

bool kdx_lex_push(kdx_pctx *ctx, char kind, uint32_t off)
{
	if (ctx->nopen >= KDX_PARSE_MAX_NESTING) {
		kdx_loc l = { off, off + 1 };
		kdx_diag *g = kdx_perror(ctx, l, "nesting is too deep (more than %d open brackets, "
					 "strings or interpolations)", KDX_PARSE_MAX_NESTING);
		kdx_diag_hint(g, "split the expression with 'let' or smaller values");
		ctx->aborted = true;
		return false;
	}
	ctx->open[ctx->nopen++] = (kdx_open){ kind, off, NULL, 0 };
	return true;
}

int kdx_yylex(KDX_YYSTYPE *lval, KDX_YYLTYPE *lloc, kdx_pctx *ctx)
{
	int tok = 0;
	if (!ctx->aborted)
		tok = ctx->npending ? KDX_LEX_PENDING : kdx_flex_lex(lval, lloc, ctx->scanner);
	if (__builtin_expect(ctx->aborted, 0)) { /* before the scan or by it */
		lloc->start = lloc->end = ctx->off;
		tok = 0;
	} else if (tok == KDX_LEX_PENDING) {
		tok = ctx->pending[0];
		*lloc = ctx->pending_loc[0];
		ctx->npending--;
		memmove(ctx->pending, ctx->pending + 1, ctx->npending * sizeof(int));
		memmove(ctx->pending_loc, ctx->pending_loc + 1, ctx->npending * sizeof(kdx_loc));
	}
	ctx->prev_tok = ctx->cur_tok;
	ctx->prev_loc = ctx->cur_loc;
	ctx->cur_tok = tok;
	ctx->cur_loc = *lloc;
	ctx->ntok++;
	return tok;
}

/* Scan the file's bytes, after a UTF-8 byte order mark if there is one (offsets still count
 * from the start of the file). Flex reads them through YY_INPUT (lexer.l) into a buffer of
 * its own, not a copy of the whole file. */
static YY_BUFFER_STATE start_scan(kdx_pctx *ctx, yyscan_t scanner)
{
	const char *t = ctx->src->text;
	size_t len = ctx->src->len;
	if (len >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3))
		ctx->off = 3;
	ctx->read = ctx->off;
	kdx_lex_keywords(ctx->intern);
	YY_BUFFER_STATE b = kdx_flex__create_buffer(NULL, YY_BUF_SIZE, scanner);
	kdx_flex__switch_to_buffer(b, scanner);
	return b;
}

static kdx_pctx *pctx_new(kdx_arena *arena, kdx_intern *intern, const kdx_sources *src,
			  uint32_t file, kdx_diags *diags)
{
	kdx_pctx *ctx = xcalloc(1, sizeof(*ctx));
	ctx->arena = arena;
	ctx->intern = intern;
	ctx->src = &src->files[file];
	ctx->file = file;
	ctx->diags = diags;
	ctx->cur_tok = -1;
	return ctx;
}

int kdx_parse_file_once(kdx_arena *arena, kdx_intern *intern, const kdx_sources *src,
			uint32_t file, kdx_diags *diags, bool lac, kdx_ast_file **out)
{
	kdx_pctx *ctx = pctx_new(arena, intern, src, file, diags);
	yyscan_t scanner;
	kdx_flex_lex_init_extra(ctx, &scanner);
	ctx->scanner = scanner;
	YY_BUFFER_STATE buf = start_scan(ctx, scanner);
	if (lac)
		kdx_yyparse(ctx);
	else
		kdx_yyparse_fast(ctx);
	kdx_flex__delete_buffer(buf, scanner);
	kdx_flex_lex_destroy(scanner);

	kdx_ast_file *ast = KDX_NEW(arena, kdx_ast_file);
	ast->file = file;
	ast->decls = (kdx_ast_decl **)ctx->decls.v;
	ast->ndecls = ctx->decls.n;
	ast->ncomments = ctx->comments.n;
	if (ctx->comments.n) {
		ast->comments = KDX_NEWN(arena, kdx_ast_comment, ctx->comments.n);
		for (size_t i = 0; i < ctx->comments.n; i++)
			ast->comments[i] = *(kdx_ast_comment *)ctx->comments.v[i];
	}
	int rc = ctx->nsyntax ? -1 : 0;
	free(ctx);
	*out = ast;
	return rc;
}

/* First the parser without LAC, into an arena and a list of diagnostics of its own. Any
 * diagnostic there (a syntax error, or one of the lexer's or the node builders') means the
 * file is parsed again from the start with LAC, which reports exactly what a single parse
 * with LAC always did: nothing of the first try is kept but the names it interned (in the
 * intern table's arena; the same either way). Without one, its tree joins `arena`. */
int kdx_parse_file(kdx_arena *arena, kdx_intern *intern, const kdx_sources *src, uint32_t file,
		   kdx_diags *diags, kdx_ast_file **out)
{
	kdx_diags scratch;
	kdx_diags_init(&scratch);
	kdx_arena first;
	kdx_arena_init(&first);
	int rc = kdx_parse_file_once(&first, intern, src, file, &scratch, false, out);
	if (rc || scratch.n) {
		kdx_arena_release(&first);
		rc = kdx_parse_file_once(arena, intern, src, file, diags, true, out);
	} else {
		kdx_arena_absorb(arena, &first);
	}
	kdx_diags_release(&scratch);
	return rc;
}

int kdx_parse_string(kdx_arena *arena, kdx_intern *intern, kdx_sources *src, const char *path,
		     const char *text, size_t len, kdx_diags *diags, kdx_ast_file **out)
{
	uint32_t file = kdx_sources_add(src, path, text, len);
	return kdx_parse_file(arena, intern, src, file, diags, out);
}

int kdx_lex_dump(strbuf *out, const kdx_sources *src, uint32_t file, kdx_arena *arena,
		 kdx_intern *intern, kdx_diags *diags)
{
	kdx_pctx *ctx = pctx_new(arena, intern, src, file, diags);
	yyscan_t scanner;
	kdx_flex_lex_init_extra(ctx, &scanner);
	ctx->scanner = scanner;
	YY_BUFFER_STATE buf = start_scan(ctx, scanner);
	KDX_YYSTYPE lval;
	KDX_YYLTYPE lloc;
	int tok;
	while ((tok = kdx_yylex(&lval, &lloc, ctx)) > 0) {
		if (out->len)
			strbuf_addch(out, ' ');
		switch (tok) {
		case IDENT: strbuf_addf(out, "name(%s)", lval.id); break;
		case NUMBER: strbuf_addf(out, "number(%g)", lval.num.value); break;
		case PERCENT: strbuf_addf(out, "percent(%g)", lval.num.value); break;
		case DURATION: strbuf_addf(out, "duration(%lldms)", (long long)lval.dur.ms); break;
		case STR_TEXT:
			strbuf_addstr(out, "text(");
			strbuf_add_json_strn(out, lval.s.text, lval.s.len);
			strbuf_addch(out, ')');
			break;
		case STR_BEGIN: strbuf_addstr(out, "str<"); break;
		case STR_END: strbuf_addstr(out, ">str"); break;
		case INTERP_BEGIN: strbuf_addstr(out, "${"); break;
		case INTERP_END: strbuf_addstr(out, "}$"); break;
		case CALL_LPAREN: strbuf_addstr(out, "call("); break;
		case INDEX_LBRACKET: strbuf_addstr(out, "index["); break;
		default: {
			/* bison spells keywords "'step'" and characters '{': print step and { */
			const char *name = kdx_ptoken_name(tok);
			size_t n = strlen(name);
			if (n >= 4 && name[0] == '"' && name[1] == '\'')
				strbuf_add(out, name + 2, n - 4);
			else if (n >= 3 && name[0] == '\'')
				strbuf_add(out, name + 1, n - 2);
			else
				strbuf_addstr(out, name);
		}
		}
	}
	kdx_flex__delete_buffer(buf, scanner);
	kdx_flex_lex_destroy(scanner);
	int rc = ctx->nsyntax ? -1 : 0;
	free(ctx);
	return rc;
}
