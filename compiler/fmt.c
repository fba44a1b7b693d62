/* fmt: the canonical printer. Layout decisions that depend on the input (one-line or
 * multi-line maps, lists and blocks, blank lines) are read from the source spans in a
 * way that the output reproduces, which is what makes formatting idempotent.
 * Comments are emitted in source order at line boundaries: before the item they precede,
 * or after it on the same line when they trail it. */
#include "fmt.h"
#include "fmt_internal.h"
#include "../common/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- source facts ---- */

bool kdx_fmt_has_newline(const kdx_fmt_state *f, uint32_t start, uint32_t end)
{
	if (end > f->src->len)
		end = (uint32_t)f->src->len;
	return start < end && memchr(f->src->text + start, '\n', end - start) != NULL;
}

/* Is there an empty line between start and end? */
bool kdx_fmt_blank_between(const kdx_fmt_state *f, uint32_t start, uint32_t end)
{
	int newlines = 0;
	if (end > f->src->len)
		end = (uint32_t)f->src->len;
	for (uint32_t i = start; i < end; i++) {
		char c = f->src->text[i];
		if (c == '\n') {
			if (++newlines >= 2)
				return true;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			newlines = 0;
		}
	}
	return false;
}

/* Will this expression print on more than one line? Maps and lists follow their source;
 * everything else is multi-line only through a multi-line part. */
bool kdx_fmt_expr_ml(const kdx_fmt_state *f, const kdx_ast_expr *e)
{
	if (!e)
		return false;
	switch (e->kind) {
	case KDX_AST_E_MAP:
	case KDX_AST_E_LIST:
		return kdx_fmt_has_newline(f, e->span.start, e->span.end);
	case KDX_AST_E_STRING:
		for (size_t i = 0; i < e->u.str.n; i++)
			if (kdx_fmt_expr_ml(f, e->u.str.parts[i].expr))
				return true;
		return false;
	case KDX_AST_E_GETATTR:
		return kdx_fmt_expr_ml(f, e->u.get.obj);
	case KDX_AST_E_INDEX:
		return kdx_fmt_expr_ml(f, e->u.index.obj) || kdx_fmt_expr_ml(f, e->u.index.index);
	case KDX_AST_E_CALL:
		if (kdx_fmt_expr_ml(f, e->u.call.callee))
			return true;
		for (size_t i = 0; i < e->u.call.nargs; i++)
			if (kdx_fmt_expr_ml(f, e->u.call.args[i].value))
				return true;
		return false;
	case KDX_AST_E_FOR_LIST:
	case KDX_AST_E_FOR_MAP:
		return kdx_fmt_expr_ml(f, e->u.comp->coll) || kdx_fmt_expr_ml(f, e->u.comp->key) ||
		       kdx_fmt_expr_ml(f, e->u.comp->value) || kdx_fmt_expr_ml(f, e->u.comp->cond);
	case KDX_AST_E_COND:
		return kdx_fmt_expr_ml(f, e->u.cond.cond) || kdx_fmt_expr_ml(f, e->u.cond.then) ||
		       kdx_fmt_expr_ml(f, e->u.cond.otherwise);
	case KDX_AST_E_UNARY:
		return kdx_fmt_expr_ml(f, e->u.unary.operand);
	case KDX_AST_E_BINARY:
		return kdx_fmt_expr_ml(f, e->u.binary.lhs) || kdx_fmt_expr_ml(f, e->u.binary.rhs);
	default:
		return false;
	}
}

/* ---- output primitives ---- */

void kdx_fmt_newline(kdx_fmt_state *f)
{
	/* no trailing spaces */
	while (f->out->len && f->out->buf[f->out->len - 1] == ' ')
		f->out->buf[--f->out->len] = '\0';
	strbuf_addch(f->out, '\n');
}

void kdx_fmt_put_indent(kdx_fmt_state *f)
{
	for (int i = 0; i < f->indent; i++)
		strbuf_addstr(f->out, "  ");
}

static void put_comment_text(kdx_fmt_state *f, const kdx_ast_comment *c)
{
	uint32_t end = c->span.end;
	const char *t = f->src->text;
	while (!c->block && end > c->span.start && (t[end - 1] == ' ' || t[end - 1] == '\t' ||
						    t[end - 1] == '\r'))
		end--;
	strbuf_add(f->out, t + c->span.start, end - c->span.start);
}

/* Comments that start before `pos`, each on its own line at the current indent. */
void kdx_fmt_leading_comments(kdx_fmt_state *f, uint32_t pos)
{
	while (f->next < f->ncomments && f->comments[f->next].span.start < pos) {
		const kdx_ast_comment *c = &f->comments[f->next++];
		if (f->pending_blank || (f->last_end != f->no_blank_at &&
					 kdx_fmt_blank_between(f, f->last_end, c->span.start)))
			kdx_fmt_newline(f);
		f->pending_blank = false;
		kdx_fmt_put_indent(f);
		put_comment_text(f, c);
		kdx_fmt_newline(f);
		f->last_end = c->span.end;
	}
}

/* Is there only blank space, commas or semicolons between start and end? */
static bool only_separators(const kdx_fmt_state *f, uint32_t start, uint32_t end)
{
	for (uint32_t i = start; i < end && i < f->src->len; i++)
		if (!strchr(" \t\r,;", f->src->text[i]))
			return false;
	return true;
}

/* Comments right after `pos` on the same source line, appended to the current line. */
void kdx_fmt_trailing_comments(kdx_fmt_state *f, uint32_t pos)
{
	while (f->next < f->ncomments) {
		const kdx_ast_comment *c = &f->comments[f->next];
		if (c->span.start < pos || !only_separators(f, pos, c->span.start))
			break;
		strbuf_addch(f->out, ' ');
		put_comment_text(f, c);
		f->next++;
		pos = c->span.end;
		f->last_end = c->span.end;
	}
}

/* Literal string text, escaped. before_interp: an interpolation follows, so a final '$'
 * must not meet its '{' (that would read back as the literal "$${"). */
static void put_string_text(kdx_fmt_state *f, const char *s, size_t n, bool before_interp)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': strbuf_addstr(f->out, "\\\""); break;
		case '\\': strbuf_addstr(f->out, "\\\\"); break;
		case '\n': strbuf_addstr(f->out, "\\n"); break;
		case '\t': strbuf_addstr(f->out, "\\t"); break;
		case '\r': strbuf_addstr(f->out, "\\r"); break;
		case '$':
			if (i + 1 < n && s[i + 1] == '{') {
				strbuf_addstr(f->out, "$${");
				i++;
			} else if (i + 1 == n && before_interp) {
				strbuf_addstr(f->out, "\\$");
			} else {
				strbuf_addch(f->out, '$');
			}
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(f->out, "\\u%04x", c);
			else
				strbuf_addch(f->out, (char)c);
		}
	}
}

void kdx_fmt_put_label(kdx_fmt_state *f, const char *label)
{
	strbuf_addch(f->out, '"');
	put_string_text(f, label, strlen(label), false);
	strbuf_addch(f->out, '"');
}

/* ---- expressions ---- */

/* Binding strength, higher binds tighter (matches parser.y). */
static int prec(const kdx_ast_expr *e)
{
	switch (e->kind) {
	case KDX_AST_E_COND: return 1;
	case KDX_AST_E_BINARY:
		switch (e->u.binary.op) {
		case KDX_AST_OP_OR: return 2;
		case KDX_AST_OP_AND: return 3;
		case KDX_AST_OP_EQ: case KDX_AST_OP_NE: return 4;
		case KDX_AST_OP_LT: case KDX_AST_OP_LE: case KDX_AST_OP_GT: case KDX_AST_OP_GE: return 5;
		case KDX_AST_OP_ADD: case KDX_AST_OP_SUB: return 6;
		default: return 7;
		}
	case KDX_AST_E_UNARY: return 8;
	default: return 9;
	}
}

static void print_sub(kdx_fmt_state *f, const kdx_ast_expr *e, int min_prec)
{
	if (prec(e) < min_prec) {
		strbuf_addch(f->out, '(');
		kdx_fmt_print_expr(f, e);
		strbuf_addch(f->out, ')');
	} else {
		kdx_fmt_print_expr(f, e);
	}
}

/* The object of `.x`, `[i]` or `(args)`. A literal keeps parentheses there: `1.x` would lex
 * as a bad number, and `1[0]`, `true(x)` as two expressions. */
static void print_postfix_obj(kdx_fmt_state *f, const kdx_ast_expr *e)
{
	switch (e->kind) {
	case KDX_AST_E_NUMBER:
	case KDX_AST_E_PERCENT:
	case KDX_AST_E_DURATION:
	case KDX_AST_E_BOOL:
	case KDX_AST_E_NULL:
		strbuf_addch(f->out, '(');
		kdx_fmt_print_expr(f, e);
		strbuf_addch(f->out, ')');
		break;
	default:
		print_sub(f, e, 9);
	}
}

static void print_key(kdx_fmt_state *f, const kdx_ast_entry *en)
{
	switch (en->key_kind) {
	case KDX_AST_KEY_IDENT: strbuf_addstr(f->out, en->ident.name); break;
	case KDX_AST_KEY_STRING: kdx_fmt_print_expr(f, en->key); break;
	case KDX_AST_KEY_EXPR:
		strbuf_addch(f->out, '(');
		kdx_fmt_print_expr(f, en->key);
		strbuf_addch(f->out, ')');
		break;
	}
}

static size_t key_width(kdx_fmt_state *f, const kdx_ast_entry *en)
{
	size_t before = f->out->len;
	print_key(f, en);
	size_t w = f->out->len - before;
	f->out->len = before;
	f->out->buf[before] = '\0';
	return w;
}

/* Is there a comment between two source offsets? */
bool kdx_fmt_comment_between(const kdx_fmt_state *f, uint32_t start, uint32_t end)
{
	for (size_t i = f->next; i < f->ncomments; i++) {
		if (f->comments[i].span.start >= end)
			break;
		if (f->comments[i].span.start >= start)
			return true;
	}
	return false;
}

static void print_map(kdx_fmt_state *f, const kdx_ast_expr *e)
{
	size_t n = e->u.map.n;
	const kdx_ast_entry *es = e->u.map.entries;
	if (!kdx_fmt_has_newline(f, e->span.start, e->span.end)) {
		if (!n) {
			strbuf_addstr(f->out, "{}");
			return;
		}
		strbuf_addstr(f->out, "{ ");
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addstr(f->out, ", ");
			print_key(f, &es[i]);
			strbuf_addstr(f->out, " = ");
			kdx_fmt_print_expr(f, es[i].value);
		}
		strbuf_addstr(f->out, " }");
		return;
	}
	/* '=' is aligned over runs of one-line entries not parted by a blank line or comment */
	size_t *width = xcalloc(n ? n : 1, sizeof(*width));
	for (size_t i = 0; i < n;) {
		size_t j = i, w = 0;
		do {
			if (!kdx_fmt_expr_ml(f, es[j].value)) {
				size_t k = key_width(f, &es[j]);
				w = k > w ? k : w;
			}
			j++;
		} while (j < n && !kdx_fmt_expr_ml(f, es[j - 1].value) && !kdx_fmt_expr_ml(f, es[j].value) &&
			 !kdx_fmt_blank_between(f, es[j - 1].span.end, es[j].span.start) &&
			 !kdx_fmt_comment_between(f, es[j - 1].span.end, es[j].span.start));
		for (; i < j; i++)
			width[i] = w;
	}
	strbuf_addch(f->out, '{');
	kdx_fmt_trailing_comments(f, e->span.start + 1);
	kdx_fmt_newline(f);
	f->indent++;
	f->last_end = f->no_blank_at = e->span.start + 1;
	for (size_t i = 0; i < n; i++) {
		kdx_fmt_leading_comments(f, es[i].span.start);
		if (f->last_end != f->no_blank_at && kdx_fmt_blank_between(f, f->last_end, es[i].span.start))
			kdx_fmt_newline(f);
		kdx_fmt_put_indent(f);
		size_t before = f->out->len;
		print_key(f, &es[i]);
		for (size_t k = f->out->len - before; k < width[i]; k++)
			strbuf_addch(f->out, ' ');
		strbuf_addstr(f->out, " = ");
		kdx_fmt_print_expr(f, es[i].value);
		f->last_end = es[i].span.end;
		kdx_fmt_trailing_comments(f, es[i].span.end);
		kdx_fmt_newline(f);
	}
	free(width);
	kdx_fmt_leading_comments(f, e->span.end - 1);
	f->indent--;
	kdx_fmt_put_indent(f);
	strbuf_addch(f->out, '}');
	f->last_end = e->span.end;
}

static void print_list(kdx_fmt_state *f, const kdx_ast_expr *e)
{
	size_t n = e->u.list.n;
	if (!kdx_fmt_has_newline(f, e->span.start, e->span.end)) {
		strbuf_addch(f->out, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addstr(f->out, ", ");
			kdx_fmt_print_expr(f, e->u.list.items[i]);
		}
		strbuf_addch(f->out, ']');
		return;
	}
	strbuf_addch(f->out, '[');
	kdx_fmt_trailing_comments(f, e->span.start + 1);
	kdx_fmt_newline(f);
	f->indent++;
	f->last_end = f->no_blank_at = e->span.start + 1;
	for (size_t i = 0; i < n; i++) {
		const kdx_ast_expr *it = e->u.list.items[i];
		kdx_fmt_leading_comments(f, it->span.start);
		if (f->last_end != f->no_blank_at && kdx_fmt_blank_between(f, f->last_end, it->span.start))
			kdx_fmt_newline(f);
		kdx_fmt_put_indent(f);
		kdx_fmt_print_expr(f, it);
		strbuf_addch(f->out, ',');
		f->last_end = it->span.end;
		kdx_fmt_trailing_comments(f, it->span.end);
		kdx_fmt_newline(f);
	}
	kdx_fmt_leading_comments(f, e->span.end - 1);
	f->indent--;
	kdx_fmt_put_indent(f);
	strbuf_addch(f->out, ']');
	f->last_end = e->span.end;
}

static void print_string(kdx_fmt_state *f, const kdx_ast_expr *e)
{
	strbuf_addch(f->out, '"');
	for (size_t i = 0; i < e->u.str.n; i++) {
		const kdx_ast_strpart *p = &e->u.str.parts[i];
		if (p->expr) {
			strbuf_addstr(f->out, "${");
			kdx_fmt_print_expr(f, p->expr);
			strbuf_addch(f->out, '}');
		} else {
			bool interp_next = i + 1 < e->u.str.n && e->u.str.parts[i + 1].expr;
			put_string_text(f, p->text, p->len, interp_next);
		}
	}
	strbuf_addch(f->out, '"');
}

static void print_comp(kdx_fmt_state *f, const kdx_ast_expr *e)
{
	bool map = e->kind == KDX_AST_E_FOR_MAP;
	strbuf_addstr(f->out, map ? "{ for " : "[for ");
	strbuf_addstr(f->out, e->u.comp->var1.name);
	if (e->u.comp->var2.name)
		strbuf_addf(f->out, ", %s", e->u.comp->var2.name);
	strbuf_addstr(f->out, " in ");
	kdx_fmt_print_expr(f, e->u.comp->coll);
	strbuf_addstr(f->out, " : ");
	if (map) {
		kdx_fmt_print_expr(f, e->u.comp->key);
		strbuf_addstr(f->out, " => ");
	}
	kdx_fmt_print_expr(f, e->u.comp->value);
	if (e->u.comp->cond) {
		strbuf_addstr(f->out, " if ");
		kdx_fmt_print_expr(f, e->u.comp->cond);
	}
	strbuf_addstr(f->out, map ? " }" : "]");
}

void kdx_fmt_print_expr(kdx_fmt_state *f, const kdx_ast_expr *e)
{
	switch (e->kind) {
	case KDX_AST_E_STRING: print_string(f, e); break;
	case KDX_AST_E_NUMBER:
	case KDX_AST_E_PERCENT: strbuf_addstr(f->out, e->u.num.text); break;
	case KDX_AST_E_DURATION: strbuf_addstr(f->out, e->u.dur.text); break;
	case KDX_AST_E_BOOL: strbuf_addstr(f->out, e->u.b ? "true" : "false"); break;
	case KDX_AST_E_NULL: strbuf_addstr(f->out, "null"); break;
	case KDX_AST_E_NAME: strbuf_addstr(f->out, e->u.name); break;
	case KDX_AST_E_GETATTR:
		print_postfix_obj(f, e->u.get.obj);
		strbuf_addf(f->out, ".%s", e->u.get.attr);
		break;
	case KDX_AST_E_INDEX:
		print_postfix_obj(f, e->u.index.obj);
		strbuf_addch(f->out, '[');
		kdx_fmt_print_expr(f, e->u.index.index);
		strbuf_addch(f->out, ']');
		break;
	case KDX_AST_E_CALL:
		print_postfix_obj(f, e->u.call.callee);
		strbuf_addch(f->out, '(');
		for (size_t i = 0; i < e->u.call.nargs; i++) {
			const kdx_ast_arg *a = &e->u.call.args[i];
			if (i)
				strbuf_addstr(f->out, ", ");
			if (a->name)
				strbuf_addf(f->out, "%s = ", a->name);
			kdx_fmt_print_expr(f, a->value);
		}
		strbuf_addch(f->out, ')');
		break;
	case KDX_AST_E_LIST: print_list(f, e); break;
	case KDX_AST_E_MAP: print_map(f, e); break;
	case KDX_AST_E_FOR_LIST:
	case KDX_AST_E_FOR_MAP: print_comp(f, e); break;
	case KDX_AST_E_COND:
		print_sub(f, e->u.cond.cond, 2);
		strbuf_addstr(f->out, " ? ");
		print_sub(f, e->u.cond.then, 2);
		strbuf_addstr(f->out, " : ");
		print_sub(f, e->u.cond.otherwise, 1);
		break;
	case KDX_AST_E_UNARY:
		strbuf_addstr(f->out, kdx_ast_op_name(e->u.unary.op));
		print_sub(f, e->u.unary.operand, 8);
		break;
	case KDX_AST_E_BINARY: {
		int p = prec(e);
		/* comparisons do not chain, so both sides of one need parentheses around another */
		bool nonassoc = p == 4 || p == 5;
		print_sub(f, e->u.binary.lhs, nonassoc ? p + 1 : p);
		strbuf_addf(f->out, " %s ", kdx_ast_op_name(e->u.binary.op));
		print_sub(f, e->u.binary.rhs, p + 1);
		break;
	}
	}
}

void kdx_fmt_print_type(kdx_fmt_state *f, const kdx_ast_type *t)
{
	switch (t->kind) {
	case KDX_AST_T_NAME: strbuf_addstr(f->out, t->name); break;
	case KDX_AST_T_QUALIFIED: strbuf_addf(f->out, "%s.%s", t->module, t->name); break;
	case KDX_AST_T_LIST:
	case KDX_AST_T_MAP:
		strbuf_addf(f->out, "%s(", t->name);
		kdx_fmt_print_type(f, t->elem);
		strbuf_addch(f->out, ')');
		break;
	}
}
