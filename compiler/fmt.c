/* fmt: the canonical printer. Layout decisions that depend on the input (one-line or
 * multi-line maps, lists and blocks, blank lines) are read from the source spans in a
 * way that the output reproduces, which is what makes formatting idempotent.
 * Comments are emitted in source order at line boundaries: before the item they precede,
 * or after it on the same line when they trail it. */
#include "fmt.h"
#include "../common/arena.h"
#include "../common/intern.h"
#include "../common/xalloc.h"
#include "../grammar/parse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct fmt {
	strbuf *out;
	const kdx_source *src;
	const kdx_ast_comment *comments;
	size_t ncomments, next;   /* comments[next] is the first not yet printed */
	int indent;
	uint32_t last_end;        /* source offset of the last thing printed, for blank lines */
	uint32_t no_blank_at;     /* no blank line right after this offset (an opening brace) */
	bool pending_blank;       /* a blank line is due before the next line printed */
} fmt;

static void print_expr(fmt *f, const kdx_ast_expr *e);
static void print_type(fmt *f, const kdx_ast_type *t);

/* ---- source facts ---- */

static bool has_newline(const fmt *f, uint32_t start, uint32_t end)
{
	if (end > f->src->len)
		end = (uint32_t)f->src->len;
	return start < end && memchr(f->src->text + start, '\n', end - start) != NULL;
}

/* Is there an empty line between start and end? */
static bool blank_between(const fmt *f, uint32_t start, uint32_t end)
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
static bool expr_ml(const fmt *f, const kdx_ast_expr *e)
{
	if (!e)
		return false;
	switch (e->kind) {
	case KDX_AST_E_MAP:
	case KDX_AST_E_LIST:
		return has_newline(f, e->span.start, e->span.end);
	case KDX_AST_E_STRING:
		for (size_t i = 0; i < e->u.str.n; i++)
			if (expr_ml(f, e->u.str.parts[i].expr))
				return true;
		return false;
	case KDX_AST_E_GETATTR:
		return expr_ml(f, e->u.get.obj);
	case KDX_AST_E_INDEX:
		return expr_ml(f, e->u.index.obj) || expr_ml(f, e->u.index.index);
	case KDX_AST_E_CALL:
		if (expr_ml(f, e->u.call.callee))
			return true;
		for (size_t i = 0; i < e->u.call.nargs; i++)
			if (expr_ml(f, e->u.call.args[i].value))
				return true;
		return false;
	case KDX_AST_E_FOR_LIST:
	case KDX_AST_E_FOR_MAP:
		return expr_ml(f, e->u.comp.coll) || expr_ml(f, e->u.comp.key) ||
		       expr_ml(f, e->u.comp.value) || expr_ml(f, e->u.comp.cond);
	case KDX_AST_E_COND:
		return expr_ml(f, e->u.cond.cond) || expr_ml(f, e->u.cond.then) ||
		       expr_ml(f, e->u.cond.otherwise);
	case KDX_AST_E_UNARY:
		return expr_ml(f, e->u.unary.operand);
	case KDX_AST_E_BINARY:
		return expr_ml(f, e->u.binary.lhs) || expr_ml(f, e->u.binary.rhs);
	default:
		return false;
	}
}

/* ---- output primitives ---- */

static void newline(fmt *f)
{
	/* no trailing spaces */
	while (f->out->len && f->out->buf[f->out->len - 1] == ' ')
		f->out->buf[--f->out->len] = '\0';
	strbuf_addch(f->out, '\n');
}

static void put_indent(fmt *f)
{
	for (int i = 0; i < f->indent; i++)
		strbuf_addstr(f->out, "  ");
}

static void put_comment_text(fmt *f, const kdx_ast_comment *c)
{
	uint32_t end = c->span.end;
	const char *t = f->src->text;
	while (!c->block && end > c->span.start && (t[end - 1] == ' ' || t[end - 1] == '\t' ||
						    t[end - 1] == '\r'))
		end--;
	strbuf_add(f->out, t + c->span.start, end - c->span.start);
}

/* Comments that start before `pos`, each on its own line at the current indent. */
static void leading_comments(fmt *f, uint32_t pos)
{
	while (f->next < f->ncomments && f->comments[f->next].span.start < pos) {
		const kdx_ast_comment *c = &f->comments[f->next++];
		if (f->pending_blank || (f->last_end != f->no_blank_at &&
					 blank_between(f, f->last_end, c->span.start)))
			newline(f);
		f->pending_blank = false;
		put_indent(f);
		put_comment_text(f, c);
		newline(f);
		f->last_end = c->span.end;
	}
}

/* Comments on the same source line after `pos`, appended to the current line. */
static void trailing_comments(fmt *f, uint32_t pos)
{
	while (f->next < f->ncomments) {
		const kdx_ast_comment *c = &f->comments[f->next];
		if (c->span.start < pos || has_newline(f, pos, c->span.start))
			break;
		strbuf_addch(f->out, ' ');
		put_comment_text(f, c);
		f->next++;
		pos = c->span.end;
		f->last_end = c->span.end;
	}
}

static void put_string_text(fmt *f, const char *s, size_t n)
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

static void put_label(fmt *f, const char *label)
{
	strbuf_addch(f->out, '"');
	put_string_text(f, label, strlen(label));
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

static void print_sub(fmt *f, const kdx_ast_expr *e, int min_prec)
{
	if (prec(e) < min_prec) {
		strbuf_addch(f->out, '(');
		print_expr(f, e);
		strbuf_addch(f->out, ')');
	} else {
		print_expr(f, e);
	}
}

static void print_key(fmt *f, const kdx_ast_entry *en)
{
	switch (en->key_kind) {
	case KDX_AST_KEY_IDENT: strbuf_addstr(f->out, en->ident.name); break;
	case KDX_AST_KEY_STRING: print_expr(f, en->key); break;
	case KDX_AST_KEY_EXPR:
		strbuf_addch(f->out, '(');
		print_expr(f, en->key);
		strbuf_addch(f->out, ')');
		break;
	}
}

static size_t key_width(fmt *f, const kdx_ast_entry *en)
{
	size_t before = f->out->len;
	print_key(f, en);
	size_t w = f->out->len - before;
	f->out->len = before;
	f->out->buf[before] = '\0';
	return w;
}

/* Is there a comment between two source offsets? */
static bool comment_between(const fmt *f, uint32_t start, uint32_t end)
{
	for (size_t i = f->next; i < f->ncomments; i++) {
		if (f->comments[i].span.start >= end)
			break;
		if (f->comments[i].span.start >= start)
			return true;
	}
	return false;
}

static void print_map(fmt *f, const kdx_ast_expr *e)
{
	size_t n = e->u.map.n;
	const kdx_ast_entry *es = e->u.map.entries;
	if (!has_newline(f, e->span.start, e->span.end)) {
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
			print_expr(f, es[i].value);
		}
		strbuf_addstr(f->out, " }");
		return;
	}
	/* '=' is aligned over runs of one-line entries not parted by a blank line or comment */
	size_t *width = xcalloc(n ? n : 1, sizeof(*width));
	for (size_t i = 0; i < n;) {
		size_t j = i, w = 0;
		do {
			if (!expr_ml(f, es[j].value)) {
				size_t k = key_width(f, &es[j]);
				w = k > w ? k : w;
			}
			j++;
		} while (j < n && !expr_ml(f, es[j - 1].value) && !expr_ml(f, es[j].value) &&
			 !blank_between(f, es[j - 1].span.end, es[j].span.start) &&
			 !comment_between(f, es[j - 1].span.end, es[j].span.start));
		for (; i < j; i++)
			width[i] = w;
	}
	strbuf_addch(f->out, '{');
	trailing_comments(f, e->span.start + 1);
	newline(f);
	f->indent++;
	f->last_end = f->no_blank_at = e->span.start + 1;
	for (size_t i = 0; i < n; i++) {
		leading_comments(f, es[i].span.start);
		if (f->last_end != f->no_blank_at && blank_between(f, f->last_end, es[i].span.start))
			newline(f);
		put_indent(f);
		size_t before = f->out->len;
		print_key(f, &es[i]);
		for (size_t k = f->out->len - before; k < width[i]; k++)
			strbuf_addch(f->out, ' ');
		strbuf_addstr(f->out, " = ");
		print_expr(f, es[i].value);
		f->last_end = es[i].span.end;
		trailing_comments(f, es[i].span.end);
		newline(f);
	}
	free(width);
	leading_comments(f, e->span.end - 1);
	f->indent--;
	put_indent(f);
	strbuf_addch(f->out, '}');
	f->last_end = e->span.end;
}

static void print_list(fmt *f, const kdx_ast_expr *e)
{
	size_t n = e->u.list.n;
	if (!has_newline(f, e->span.start, e->span.end)) {
		strbuf_addch(f->out, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addstr(f->out, ", ");
			print_expr(f, e->u.list.items[i]);
		}
		strbuf_addch(f->out, ']');
		return;
	}
	strbuf_addch(f->out, '[');
	trailing_comments(f, e->span.start + 1);
	newline(f);
	f->indent++;
	f->last_end = f->no_blank_at = e->span.start + 1;
	for (size_t i = 0; i < n; i++) {
		const kdx_ast_expr *it = e->u.list.items[i];
		leading_comments(f, it->span.start);
		if (f->last_end != f->no_blank_at && blank_between(f, f->last_end, it->span.start))
			newline(f);
		put_indent(f);
		print_expr(f, it);
		strbuf_addch(f->out, ',');
		f->last_end = it->span.end;
		/* a comment after the comma still trails this item */
		uint32_t after = it->span.end;
		while (after < e->span.end && (f->src->text[after] == ' ' || f->src->text[after] == ','))
			after++;
		trailing_comments(f, after);
		newline(f);
	}
	leading_comments(f, e->span.end - 1);
	f->indent--;
	put_indent(f);
	strbuf_addch(f->out, ']');
	f->last_end = e->span.end;
}

static void print_string(fmt *f, const kdx_ast_expr *e)
{
	strbuf_addch(f->out, '"');
	for (size_t i = 0; i < e->u.str.n; i++) {
		const kdx_ast_strpart *p = &e->u.str.parts[i];
		if (p->expr) {
			strbuf_addstr(f->out, "${");
			print_expr(f, p->expr);
			strbuf_addch(f->out, '}');
		} else {
			put_string_text(f, p->text, p->len);
		}
	}
	strbuf_addch(f->out, '"');
}

static void print_comp(fmt *f, const kdx_ast_expr *e)
{
	bool map = e->kind == KDX_AST_E_FOR_MAP;
	strbuf_addstr(f->out, map ? "{ for " : "[for ");
	strbuf_addstr(f->out, e->u.comp.var1.name);
	if (e->u.comp.var2.name)
		strbuf_addf(f->out, ", %s", e->u.comp.var2.name);
	strbuf_addstr(f->out, " in ");
	print_expr(f, e->u.comp.coll);
	strbuf_addstr(f->out, " : ");
	if (map) {
		print_expr(f, e->u.comp.key);
		strbuf_addstr(f->out, " => ");
	}
	print_expr(f, e->u.comp.value);
	if (e->u.comp.cond) {
		strbuf_addstr(f->out, " if ");
		print_expr(f, e->u.comp.cond);
	}
	strbuf_addstr(f->out, map ? " }" : "]");
}

static void print_expr(fmt *f, const kdx_ast_expr *e)
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
		print_sub(f, e->u.get.obj, 9);
		strbuf_addf(f->out, ".%s", e->u.get.attr.name);
		break;
	case KDX_AST_E_INDEX:
		print_sub(f, e->u.index.obj, 9);
		strbuf_addch(f->out, '[');
		print_expr(f, e->u.index.index);
		strbuf_addch(f->out, ']');
		break;
	case KDX_AST_E_CALL:
		print_sub(f, e->u.call.callee, 9);
		strbuf_addch(f->out, '(');
		for (size_t i = 0; i < e->u.call.nargs; i++) {
			const kdx_ast_arg *a = &e->u.call.args[i];
			if (i)
				strbuf_addstr(f->out, ", ");
			if (a->name.name)
				strbuf_addf(f->out, "%s = ", a->name.name);
			print_expr(f, a->value);
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

static void print_type(fmt *f, const kdx_ast_type *t)
{
	switch (t->kind) {
	case KDX_AST_T_NAME: strbuf_addstr(f->out, t->name); break;
	case KDX_AST_T_QUALIFIED: strbuf_addf(f->out, "%s.%s", t->module, t->name); break;
	case KDX_AST_T_LIST:
	case KDX_AST_T_MAP:
		strbuf_addf(f->out, "%s(", t->name);
		print_type(f, t->elem);
		strbuf_addch(f->out, ')');
		break;
	}
}


/* ---- items (attributes and clauses) ---- */

static void put_names(fmt *f, const kdx_ast_ident *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addf(f->out, "%s%s", i ? ", " : "", ids[i].name);
}

static void put_exprs(fmt *f, kdx_ast_expr *const *es, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(f->out, sep);
		print_expr(f, es[i]);
	}
}

static void put_kw_expr(fmt *f, const char *kw, const kdx_ast_expr *e)
{
	strbuf_addf(f->out, "%s ", kw);
	print_expr(f, e);
}

static void print_effect(fmt *f, const kdx_ast_item *it)
{
	if (it->nlist == 0) {
		strbuf_addstr(f->out, "effect {}");
		return;
	}
	if (it->nlist == 1) {
		strbuf_addstr(f->out, "effect { ");
		print_expr(f, it->list[0]);
		strbuf_addstr(f->out, " }");
		return;
	}
	strbuf_addstr(f->out, "effect {");
	newline(f);
	f->indent++;
	for (size_t i = 0; i < it->nlist; i++) {
		leading_comments(f, it->list[i]->span.start);
		put_indent(f);
		print_expr(f, it->list[i]);
		f->last_end = it->list[i]->span.end;
		trailing_comments(f, it->list[i]->span.end);
		newline(f);
	}
	leading_comments(f, it->span.end - 1);
	f->indent--;
	put_indent(f);
	strbuf_addch(f->out, '}');
}

/* The item's name column (attribute or field name), which runs of items align. */
static bool aligned_kind(const kdx_ast_item *it)
{
	return it->kind == KDX_AST_ATTR || it->kind == KDX_AST_FIELD;
}

static bool item_ml(const fmt *f, const kdx_ast_item *it)
{
	if (it->kind == KDX_AST_EFFECT)
		return it->nlist > 1;
	return expr_ml(f, it->expr) || expr_ml(f, it->input) || expr_ml(f, it->value);
}

static void print_item(fmt *f, const kdx_ast_item *it, size_t width)
{
	strbuf *o = f->out;
	switch (it->kind) {
	case KDX_AST_ATTR:
		strbuf_addstr(o, it->name.name);
		for (size_t k = strlen(it->name.name); k < width; k++)
			strbuf_addch(o, ' ');
		strbuf_addstr(o, " = ");
		print_expr(f, it->expr);
		break;
	case KDX_AST_FIELD:
		strbuf_addf(o, "field %s", it->name.name);
		for (size_t k = strlen(it->name.name); k < width; k++)
			strbuf_addch(o, ' ');
		strbuf_addstr(o, " : ");
		print_type(f, it->type);
		if (it->expr) {
			strbuf_addstr(o, " = ");
			print_expr(f, it->expr);
		}
		break;
	case KDX_AST_AFTER:
		strbuf_addstr(o, "after ");
		put_names(f, it->names, it->nnames);
		break;
	case KDX_AST_DO: put_kw_expr(f, "do", it->expr); break;
	case KDX_AST_UNDO:
		if (it->none)
			strbuf_addstr(o, "undo none");
		else
			put_kw_expr(f, "undo", it->expr);
		break;
	case KDX_AST_REQUIRE: put_kw_expr(f, "require", it->expr); break;
	case KDX_AST_WAIT: put_kw_expr(f, "wait", it->expr); break;
	case KDX_AST_WAIT_UNTIL:
		put_kw_expr(f, "wait until", it->expr);
		put_kw_expr(f, " within", it->within);
		if (it->every)
			put_kw_expr(f, " every", it->every);
		break;
	case KDX_AST_TIMEOUT: put_kw_expr(f, "timeout", it->expr); break;
	case KDX_AST_RETRY:
		put_kw_expr(f, "retry", it->expr);
		if (it->backoff)
			put_kw_expr(f, " backoff", it->backoff);
		break;
	case KDX_AST_APPROVAL:
		strbuf_addstr(o, "approval");
		if (it->expr)
			put_kw_expr(f, " when", it->expr);
		break;
	case KDX_AST_IRREVERSIBLE: strbuf_addstr(o, "irreversible"); break;
	case KDX_AST_WHEN: put_kw_expr(f, "when", it->expr); break;
	case KDX_AST_ON_FAILURE: strbuf_addf(o, "on_failure %s", it->name.name); break;
	case KDX_AST_DURATION:
		put_kw_expr(f, "duration", it->expr);
		strbuf_addstr(o, "..");
		print_expr(f, it->max);
		break;
	case KDX_AST_EFFECT: print_effect(f, it); break;
	case KDX_AST_READS:
	case KDX_AST_WRITES:
		strbuf_addstr(o, it->kind == KDX_AST_READS ? "reads " : "writes ");
		put_exprs(f, it->list, it->nlist, ", ");
		break;
	case KDX_AST_SNAPSHOT:
	case KDX_AST_LET:
		strbuf_addf(o, "%s %s = ", it->kind == KDX_AST_LET ? "let" : "snapshot", it->name.name);
		print_expr(f, it->expr);
		break;
	case KDX_AST_CALL:
		strbuf_addf(o, "call %s ", it->word.name);
		put_exprs(f, it->list, it->nlist, " ");
		strbuf_addch(o, ' ');
		print_expr(f, it->input);
		if (it->name.name)
			strbuf_addf(o, " as %s", it->name.name);
		break;
	case KDX_AST_RETURN: put_kw_expr(f, "return", it->expr); break;
	case KDX_AST_FAIL_REGION:
		put_kw_expr(f, "fail region", it->expr);
		if (it->at)
			put_kw_expr(f, " at", it->at);
		break;
	case KDX_AST_FAIL_STEP: strbuf_addf(o, "fail step %s", it->name.name); break;
	case KDX_AST_TIMEOUT_STEP: strbuf_addf(o, "timeout step %s", it->name.name); break;
	case KDX_AST_THROTTLE:
		put_kw_expr(f, "throttle", it->expr);
		if (it->at)
			put_kw_expr(f, " at", it->at);
		if (it->for_)
			put_kw_expr(f, " for", it->for_);
		break;
	case KDX_AST_LAG:
		strbuf_addf(o, "lag %s ", it->name.name);
		print_expr(f, it->expr);
		put_kw_expr(f, " =", it->value);
		break;
	case KDX_AST_ALARM:
		strbuf_addf(o, "alarm %s", it->name.name);
		if (it->at)
			put_kw_expr(f, " at", it->at);
		break;
	case KDX_AST_DENY_APPROVAL: strbuf_addf(o, "deny approval %s", it->name.name); break;
	case KDX_AST_EXPECT: put_kw_expr(f, "expect", it->expr); break;
	case KDX_AST_EXPECT_STEP:
		strbuf_addf(o, "expect step %s %s", it->name.name, it->word.name);
		break;
	}
}

/* ---- declarations ---- */

static bool body_one_line(const fmt *f, const kdx_ast_decl *d)
{
	if (has_newline(f, d->body_span.start, d->body_span.end))
		return false;
	if (comment_between(f, d->body_span.start, d->body_span.end))
		return false;
	for (size_t i = 0; i < d->nitems; i++)
		if (item_ml(f, d->items[i]))
			return false;
	return true;
}

static void print_body(fmt *f, const kdx_ast_decl *d)
{
	size_t n = d->nitems;
	if (body_one_line(f, d)) {
		if (!n) {
			strbuf_addstr(f->out, " {}");
			return;
		}
		strbuf_addstr(f->out, " { ");
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addstr(f->out, "  ");
			print_item(f, d->items[i], 0);
		}
		strbuf_addstr(f->out, " }");
		f->last_end = d->body_span.end;
		return;
	}
	size_t *width = xcalloc(n ? n : 1, sizeof(*width));
	for (size_t i = 0; i < n;) {
		const kdx_ast_item *it = d->items[i];
		size_t j = i, w = 0;
		if (!aligned_kind(it) || item_ml(f, it)) {
			i++;
			continue;
		}
		while (j < n && d->items[j]->kind == it->kind && !item_ml(f, d->items[j]) &&
		       (j == i || (!blank_between(f, d->items[j - 1]->span.end, d->items[j]->span.start) &&
				   !comment_between(f, d->items[j - 1]->span.end,
						    d->items[j]->span.start)))) {
			size_t k = strlen(d->items[j]->name.name);
			w = k > w ? k : w;
			j++;
		}
		for (; i < j; i++)
			width[i] = w;
	}
	strbuf_addstr(f->out, " {");
	trailing_comments(f, d->body_span.start + 1);
	newline(f);
	f->indent++;
	f->last_end = f->no_blank_at = d->body_span.start + 1;
	for (size_t i = 0; i < n; i++) {
		const kdx_ast_item *it = d->items[i];
		leading_comments(f, it->span.start);
		if (f->last_end != f->no_blank_at && blank_between(f, f->last_end, it->span.start))
			newline(f);
		put_indent(f);
		print_item(f, it, width[i]);
		f->last_end = it->span.end;
		trailing_comments(f, it->span.end);
		newline(f);
	}
	free(width);
	leading_comments(f, d->body_span.end - 1);
	f->indent--;
	put_indent(f);
	strbuf_addch(f->out, '}');
	f->last_end = d->body_span.end;
}

static void print_params(fmt *f, const kdx_ast_decl *d)
{
	strbuf_addch(f->out, '(');
	for (size_t i = 0; i < d->nparams; i++) {
		const kdx_ast_param *p = &d->params[i];
		strbuf_addf(f->out, "%s%s : ", i ? ", " : "", p->name.name);
		print_type(f, p->type);
		if (p->def) {
			strbuf_addstr(f->out, " = ");
			print_expr(f, p->def);
		}
	}
	strbuf_addch(f->out, ')');
}

static void print_decl(fmt *f, const kdx_ast_decl *d, size_t name_width)
{
	strbuf *o = f->out;
	strbuf_addstr(o, kdx_ast_decl_kind_name(d->kind));
	switch (d->kind) {
	case KDX_AST_RUNBOOK:
	case KDX_AST_REGION:
	case KDX_AST_SCENARIO:
	case KDX_AST_IMPORT:
		strbuf_addch(o, ' ');
		put_label(f, d->label.name);
		if (d->kind == KDX_AST_IMPORT && d->name.name)
			strbuf_addf(o, " as %s", d->name.name);
		break;
	case KDX_AST_OBJECTIVES:
		break;
	case KDX_AST_PARAM:
	case KDX_AST_RESOURCE:
		strbuf_addf(o, " %s", d->name.name);
		for (size_t k = strlen(d->name.name); k < name_width; k++)
			strbuf_addch(o, ' ');
		strbuf_addstr(o, " : ");
		print_type(f, d->type);
		if (d->value) {
			strbuf_addstr(o, " = ");
			print_expr(f, d->value);
		}
		break;
	case KDX_AST_STEP:
		strbuf_addf(o, " %s", d->name.name);
		if (d->nafter) {
			strbuf_addstr(o, " after ");
			put_names(f, d->after, d->nafter);
		}
		break;
	case KDX_AST_OUTPUT:
		strbuf_addf(o, " %s = ", d->name.name);
		print_expr(f, d->value);
		break;
	case KDX_AST_TYPE:
		strbuf_addf(o, " %s", d->name.name);
		break;
	case KDX_AST_ACTION:
		strbuf_addf(o, " %s", d->name.name);
		print_params(f, d);
		if (d->type) {
			strbuf_addstr(o, " : ");
			print_type(f, d->type);
		}
		break;
	}
	if (d->has_body)
		print_body(f, d);
}

static bool decl_ml(const fmt *f, const kdx_ast_decl *d)
{
	if (d->has_body && !body_one_line(f, d))
		return true;
	return expr_ml(f, d->value);
}

/* Runs of one-line params or resources align their ':' */
static size_t decl_name_width(fmt *f, const kdx_ast_file *file, size_t i)
{
	const kdx_ast_decl *d = file->decls[i];
	if ((d->kind != KDX_AST_PARAM && d->kind != KDX_AST_RESOURCE) || decl_ml(f, d))
		return 0;
	size_t lo = i, hi = i;
	while (lo > 0) {
		const kdx_ast_decl *p = file->decls[lo - 1], *q = file->decls[lo];
		if (p->kind != d->kind || decl_ml(f, p) || blank_between(f, p->span.end, q->span.start) ||
		    comment_between(f, p->span.end, q->span.start))
			break;
		lo--;
	}
	while (hi + 1 < file->ndecls) {
		const kdx_ast_decl *p = file->decls[hi], *q = file->decls[hi + 1];
		if (q->kind != d->kind || decl_ml(f, q) || blank_between(f, p->span.end, q->span.start) ||
		    comment_between(f, p->span.end, q->span.start))
			break;
		hi++;
	}
	size_t w = 0;
	for (size_t j = lo; j <= hi; j++) {
		size_t k = strlen(file->decls[j]->name.name);
		w = k > w ? k : w;
	}
	return w;
}

void kdx_fmt_file(strbuf *out, const kdx_ast_file *file, const kdx_source *src)
{
	fmt f = { .out = out, .src = src, .comments = file->comments,
		  .ncomments = file->ncomments, .last_end = 0, .no_blank_at = 0 };
	for (size_t i = 0; i < file->ndecls; i++) {
		const kdx_ast_decl *d = file->decls[i];
		/* comment_between looks only at comments not yet printed, so widths are
		 * computed before this declaration's leading comments go out */
		size_t w = decl_name_width(&f, file, i);
		if (i > 0) {
			const kdx_ast_decl *p = file->decls[i - 1];
			f.pending_blank = p->kind != d->kind || decl_ml(&f, p) || decl_ml(&f, d);
		}
		leading_comments(&f, d->span.start);
		if (f.pending_blank ||
		    (f.last_end != f.no_blank_at && blank_between(&f, f.last_end, d->span.start)))
			newline(&f);
		f.pending_blank = false;
		print_decl(&f, d, w);
		f.last_end = d->span.end;
		trailing_comments(&f, d->span.end);
		newline(&f);
	}
	leading_comments(&f, UINT32_MAX);
}

int kdx_fmt_source(strbuf *out, kdx_sources *src, uint32_t file, kdx_diags *diags)
{
	kdx_arena arena;
	kdx_intern intern;
	kdx_arena_init(&arena);
	kdx_intern_init(&intern, &arena);
	kdx_ast_file *ast;
	int rc = kdx_parse_file(&arena, &intern, src, file, diags, &ast);
	if (rc == 0)
		kdx_fmt_file(out, ast, &src->files[file]);
	kdx_intern_release(&intern);
	kdx_arena_release(&arena);
	return rc;
}
