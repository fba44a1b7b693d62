/* fmt_internal: what the two halves of the formatter share -- fmt.c (layout state,
 * comments, expressions) and fmt_block.c (items, blocks, declarations, the entry points).
 * Not for use outside compiler/fmt*.c. */
#ifndef KDX_FMT_INTERNAL_H
#define KDX_FMT_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "../grammar/ast.h"
#include "../common/source.h"

typedef struct kdx_fmt_state {
	strbuf *out;
	const kdx_source *src;
	const kdx_ast_comment *comments;
	size_t ncomments, next;   /* comments[next] is the first not yet printed */
	int indent;
	uint32_t last_end;        /* source offset of the last thing printed, for blank lines */
	uint32_t no_blank_at;     /* no blank line right after this offset (an opening brace) */
	bool pending_blank;       /* a blank line is due before the next line printed */
} kdx_fmt_state;

/* Source facts; layout decisions read from spans so that formatted text keeps them. */
bool kdx_fmt_has_newline(const kdx_fmt_state *f, uint32_t start, uint32_t end);
bool kdx_fmt_blank_between(const kdx_fmt_state *f, uint32_t start, uint32_t end);
bool kdx_fmt_comment_between(const kdx_fmt_state *f, uint32_t start, uint32_t end);
bool kdx_fmt_expr_ml(const kdx_fmt_state *f, const kdx_ast_expr *e);

/* Output: a newline (trailing spaces dropped), the indent, comments before `pos` on lines
 * of their own, comments right after `pos` on the current line. */
void kdx_fmt_newline(kdx_fmt_state *f);
void kdx_fmt_put_indent(kdx_fmt_state *f);
void kdx_fmt_leading_comments(kdx_fmt_state *f, uint32_t pos);
void kdx_fmt_trailing_comments(kdx_fmt_state *f, uint32_t pos);
void kdx_fmt_put_label(kdx_fmt_state *f, const char *label);
void kdx_fmt_print_expr(kdx_fmt_state *f, const kdx_ast_expr *e);
void kdx_fmt_print_type(kdx_fmt_state *f, const kdx_ast_type *t);

#endif
