/* fmt_block: the formatter's items, blocks and declarations, and its entry points
 * (compiler/fmt.h); expressions and comments are in fmt.c. */
#include "fmt.h"
#include "fmt_internal.h"
#include "../common/arena.h"
#include "../common/intern.h"
#include "../common/xalloc.h"
#include "../grammar/parse.h"

#include <stdlib.h>
#include <string.h>

/* ---- items (attributes and clauses) ---- */

static void put_names(kdx_fmt_state *f, const kdx_ast_ident *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addf(f->out, "%s%s", i ? ", " : "", ids[i].name);
}

static void put_exprs(kdx_fmt_state *f, kdx_ast_expr *const *es, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(f->out, sep);
		kdx_fmt_print_expr(f, es[i]);
	}
}

static void put_kw_expr(kdx_fmt_state *f, const char *kw, const kdx_ast_expr *e)
{
	strbuf_addf(f->out, "%s ", kw);
	kdx_fmt_print_expr(f, e);
}

static void print_effect(kdx_fmt_state *f, const kdx_ast_item *it)
{
	if (it->nlist == 0) {
		strbuf_addstr(f->out, "effect {}");
		return;
	}
	if (it->nlist == 1) {
		strbuf_addstr(f->out, "effect { ");
		kdx_fmt_print_expr(f, it->list[0]);
		strbuf_addstr(f->out, " }");
		return;
	}
	strbuf_addstr(f->out, "effect {");
	kdx_fmt_newline(f);
	f->indent++;
	for (size_t i = 0; i < it->nlist; i++) {
		kdx_fmt_leading_comments(f, it->list[i]->span.start);
		kdx_fmt_put_indent(f);
		kdx_fmt_print_expr(f, it->list[i]);
		f->last_end = it->list[i]->span.end;
		kdx_fmt_trailing_comments(f, it->list[i]->span.end);
		kdx_fmt_newline(f);
	}
	kdx_fmt_leading_comments(f, it->span.end - 1);
	f->indent--;
	kdx_fmt_put_indent(f);
	strbuf_addch(f->out, '}');
}

/* The item's name column (attribute or field name), which runs of items align. */
static bool aligned_kind(const kdx_ast_item *it)
{
	return it->kind == KDX_AST_ATTR || it->kind == KDX_AST_FIELD;
}

static bool item_ml(const kdx_fmt_state *f, const kdx_ast_item *it)
{
	if (it->kind == KDX_AST_EFFECT)
		return it->nlist > 1;
	if (kdx_fmt_expr_ml(f, it->expr))
		return true;
	/* the union's first word (ast.h) is an expression for every kind but these two */
	if (it->kind == KDX_AST_FIELD || it->kind == KDX_AST_UNDO)
		return false;
	return kdx_fmt_expr_ml(f, it->input) || kdx_fmt_expr_ml(f, it->value);
}

/* Action items and scenario statements. */
static void print_other_item(kdx_fmt_state *f, const kdx_ast_item *it)
{
	strbuf *o = f->out;
	switch (it->kind) {
	case KDX_AST_DURATION:
		put_kw_expr(f, "duration", it->expr);
		strbuf_addstr(o, "..");
		kdx_fmt_print_expr(f, it->max);
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
		kdx_fmt_print_expr(f, it->expr);
		break;
	case KDX_AST_CALL:
		strbuf_addf(o, "call %s ", it->word.name);
		put_exprs(f, it->list, it->nlist, " ");
		strbuf_addch(o, ' ');
		kdx_fmt_print_expr(f, it->input);
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
		kdx_fmt_print_expr(f, it->expr);
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
	default:
		break;
	}
}

/* Attributes, fields and step clauses; the rest in print_other_item. */
static void print_item(kdx_fmt_state *f, const kdx_ast_item *it, size_t width)
{
	strbuf *o = f->out;
	switch (it->kind) {
	case KDX_AST_ATTR:
		strbuf_addstr(o, it->name.name);
		for (size_t k = strlen(it->name.name); k < width; k++)
			strbuf_addch(o, ' ');
		strbuf_addstr(o, " = ");
		kdx_fmt_print_expr(f, it->expr);
		break;
	case KDX_AST_FIELD:
		strbuf_addf(o, "field %s", it->name.name);
		for (size_t k = strlen(it->name.name); k < width; k++)
			strbuf_addch(o, ' ');
		strbuf_addstr(o, " : ");
		kdx_fmt_print_type(f, it->type);
		if (it->expr) {
			strbuf_addstr(o, " = ");
			kdx_fmt_print_expr(f, it->expr);
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
		if (it->value) {
			strbuf_addf(o, " { %s = ", it->word.name);
			kdx_fmt_print_expr(f, it->value);
			strbuf_addstr(o, " }");
		}
		if (it->expr)
			put_kw_expr(f, " when", it->expr);
		break;
	case KDX_AST_IRREVERSIBLE: strbuf_addstr(o, "irreversible"); break;
	case KDX_AST_WHEN: put_kw_expr(f, "when", it->expr); break;
	case KDX_AST_ON_FAILURE: strbuf_addf(o, "on_failure %s", it->name.name); break;
	default:
		print_other_item(f, it);
	}
}

/* A clause with an optional tail (`retry N backoff D`) followed by an attribute named like
 * that tail would read back as the tail: keep the ';' that separates them. */
static bool needs_semicolon(const kdx_ast_item *it, const kdx_ast_item *next)
{
	if (!next || next->kind != KDX_AST_ATTR)
		return false;
	const char *n = next->name.name;
	switch (it->kind) {
	case KDX_AST_RETRY: return !it->backoff && !strcmp(n, "backoff");
	case KDX_AST_WAIT_UNTIL: return !it->every && !strcmp(n, "every");
	case KDX_AST_FAIL_REGION:
	case KDX_AST_ALARM: return !it->at && !strcmp(n, "at");
	case KDX_AST_THROTTLE: return !it->at && !it->for_ && !strcmp(n, "at");
	case KDX_AST_CALL: return !it->name.name && !strcmp(n, "as");
	default: return false;
	}
}

/* ---- declarations ---- */

static bool body_one_line(const kdx_fmt_state *f, const kdx_ast_decl *d)
{
	if (kdx_fmt_has_newline(f, d->body_span.start, d->body_span.end))
		return false;
	if (kdx_fmt_comment_between(f, d->body_span.start, d->body_span.end))
		return false;
	for (size_t i = 0; i < d->nitems; i++) {
		if (item_ml(f, d->items[i]))
			return false;
		/* `approval; when c` on one line would read back as `approval when c` (and
		 * `approval; when = 1` would not read back at all) */
		if (d->items[i]->kind == KDX_AST_APPROVAL && !d->items[i]->expr && i + 1 < d->nitems &&
		    (d->items[i + 1]->kind == KDX_AST_WHEN ||
		     (d->items[i + 1]->kind == KDX_AST_ATTR && !strcmp(d->items[i + 1]->name.name, "when"))))
			return false;
	}
	return true;
}

static void print_body(kdx_fmt_state *f, const kdx_ast_decl *d)
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
			if (i + 1 < n && needs_semicolon(d->items[i], d->items[i + 1]))
				strbuf_addch(f->out, ';');
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
		       (j == i || (!kdx_fmt_blank_between(f, d->items[j - 1]->span.end, d->items[j]->span.start) &&
				   !kdx_fmt_comment_between(f, d->items[j - 1]->span.end,
						    d->items[j]->span.start)))) {
			size_t k = strlen(d->items[j]->name.name);
			w = k > w ? k : w;
			j++;
		}
		for (; i < j; i++)
			width[i] = w;
	}
	strbuf_addstr(f->out, " {");
	kdx_fmt_trailing_comments(f, d->body_span.start + 1);
	kdx_fmt_newline(f);
	f->indent++;
	f->last_end = f->no_blank_at = d->body_span.start + 1;
	for (size_t i = 0; i < n; i++) {
		const kdx_ast_item *it = d->items[i];
		kdx_fmt_leading_comments(f, it->span.start);
		if (f->last_end != f->no_blank_at && kdx_fmt_blank_between(f, f->last_end, it->span.start))
			kdx_fmt_newline(f);
		kdx_fmt_put_indent(f);
		print_item(f, it, width[i]);
		if (i + 1 < n && needs_semicolon(it, d->items[i + 1]))
			strbuf_addch(f->out, ';');
		f->last_end = it->span.end;
		kdx_fmt_trailing_comments(f, it->span.end);
		kdx_fmt_newline(f);
	}
	free(width);
	kdx_fmt_leading_comments(f, d->body_span.end - 1);
	f->indent--;
	kdx_fmt_put_indent(f);
	strbuf_addch(f->out, '}');
	f->last_end = d->body_span.end;
}

static void print_params(kdx_fmt_state *f, const kdx_ast_decl *d)
{
	strbuf_addch(f->out, '(');
	for (size_t i = 0; i < d->nparams; i++) {
		const kdx_ast_param *p = &d->params[i];
		strbuf_addf(f->out, "%s%s : ", i ? ", " : "", p->name.name);
		kdx_fmt_print_type(f, p->type);
		if (p->def) {
			strbuf_addstr(f->out, " = ");
			kdx_fmt_print_expr(f, p->def);
		}
	}
	strbuf_addch(f->out, ')');
}

static void print_decl(kdx_fmt_state *f, const kdx_ast_decl *d, size_t name_width);
static bool decl_ml(const kdx_fmt_state *f, const kdx_ast_decl *d);

/* parallel NAME { step ... }: the members as declarations, one level in, one blank line
 * between multi-line ones as at the top level. */
static void print_group(kdx_fmt_state *f, const kdx_ast_decl *d)
{
	strbuf_addstr(f->out, " {");
	kdx_fmt_trailing_comments(f, d->body_span.start + 1);
	kdx_fmt_newline(f);
	f->indent++;
	f->last_end = f->no_blank_at = d->body_span.start + 1;
	for (size_t i = 0; i < d->ndecls; i++) {
		const kdx_ast_decl *m = d->decls[i];
		bool blank = i > 0 && (decl_ml(f, d->decls[i - 1]) || decl_ml(f, m));
		kdx_fmt_leading_comments(f, m->span.start);
		if (blank || (f->last_end != f->no_blank_at &&
			      kdx_fmt_blank_between(f, f->last_end, m->span.start)))
			kdx_fmt_newline(f);
		kdx_fmt_put_indent(f);
		print_decl(f, m, 0);
		f->last_end = m->span.end;
		kdx_fmt_trailing_comments(f, m->span.end);
		kdx_fmt_newline(f);
	}
	kdx_fmt_leading_comments(f, d->body_span.end - 1);
	f->indent--;
	kdx_fmt_put_indent(f);
	strbuf_addch(f->out, '}');
	f->last_end = d->body_span.end;
}

static void print_decl(kdx_fmt_state *f, const kdx_ast_decl *d, size_t name_width)
{
	strbuf *o = f->out;
	strbuf_addstr(o, kdx_ast_decl_kind_name(d->kind));
	switch (d->kind) {
	case KDX_AST_RUNBOOK:
	case KDX_AST_REGION:
	case KDX_AST_SCENARIO:
	case KDX_AST_IMPORT:
		strbuf_addch(o, ' ');
		kdx_fmt_put_label(f, d->label.name);
		if (d->kind == KDX_AST_IMPORT && d->name.name)
			strbuf_addf(o, " as %s", d->name.name);
		break;
	case KDX_AST_OBJECTIVES:
	case KDX_AST_STATE:
		break;
	case KDX_AST_PARAM:
	case KDX_AST_RESOURCE:
		strbuf_addf(o, " %s", d->name.name);
		for (size_t k = strlen(d->name.name); k < name_width; k++)
			strbuf_addch(o, ' ');
		strbuf_addstr(o, " : ");
		kdx_fmt_print_type(f, d->type);
		if (d->value) {
			strbuf_addstr(o, " = ");
			kdx_fmt_print_expr(f, d->value);
		}
		break;
	case KDX_AST_USE:
		strbuf_addch(o, ' ');
		kdx_fmt_put_label(f, d->label.name);
		strbuf_addstr(o, " as");
		/* fall through */
	case KDX_AST_STEP:
	case KDX_AST_GROUP:
		strbuf_addf(o, " %s", d->name.name);
		if (d->nafter) {
			strbuf_addstr(o, " after ");
			put_names(f, d->after, d->nafter);
		}
		if (d->kind == KDX_AST_GROUP) {
			print_group(f, d);
			return;
		}
		break;
	case KDX_AST_OUTPUT:
		strbuf_addf(o, " %s = ", d->name.name);
		kdx_fmt_print_expr(f, d->value);
		break;
	case KDX_AST_TYPE:
		strbuf_addf(o, " %s", d->name.name);
		break;
	case KDX_AST_ACTION:
		strbuf_addf(o, " %s", d->name.name);
		print_params(f, d);
		if (d->type) {
			strbuf_addstr(o, " : ");
			kdx_fmt_print_type(f, d->type);
		}
		break;
	}
	if (d->has_body)
		print_body(f, d);
}

static bool decl_ml(const kdx_fmt_state *f, const kdx_ast_decl *d)
{
	if (d->kind == KDX_AST_GROUP)
		return true;
	if (d->has_body && !body_one_line(f, d))
		return true;
	return kdx_fmt_expr_ml(f, d->value);
}

/* Runs of one-line params or resources, not parted by a blank line or a comment, align
 * their ':'. One pass over the file, before anything is printed. */
static size_t *decl_name_widths(kdx_fmt_state *f, const kdx_ast_file *file)
{
	size_t n = file->ndecls;
	size_t *w = xcalloc(n ? n : 1, sizeof(*w));
	for (size_t i = 0; i < n;) {
		const kdx_ast_decl *d = file->decls[i];
		if ((d->kind != KDX_AST_PARAM && d->kind != KDX_AST_RESOURCE) || decl_ml(f, d)) {
			i++;
			continue;
		}
		size_t j = i + 1, width = strlen(d->name.name);
		while (j < n) {
			const kdx_ast_decl *p = file->decls[j - 1], *q = file->decls[j];
			if (q->kind != d->kind || decl_ml(f, q) ||
			    kdx_fmt_blank_between(f, p->span.end, q->span.start) ||
			    kdx_fmt_comment_between(f, p->span.end, q->span.start))
				break;
			size_t k = strlen(q->name.name);
			width = k > width ? k : width;
			j++;
		}
		for (; i < j; i++)
			w[i] = width;
	}
	return w;
}

void kdx_fmt_file(strbuf *out, const kdx_ast_file *file, const kdx_source *src)
{
	kdx_fmt_state f = { .out = out, .src = src, .comments = file->comments,
		  .ncomments = file->ncomments, .last_end = 0, .no_blank_at = 0 };
	size_t *widths = decl_name_widths(&f, file);
	for (size_t i = 0; i < file->ndecls; i++) {
		const kdx_ast_decl *d = file->decls[i];
		size_t w = widths[i];
		if (i > 0) {
			const kdx_ast_decl *p = file->decls[i - 1];
			f.pending_blank = p->kind != d->kind || decl_ml(&f, p) || decl_ml(&f, d);
		}
		kdx_fmt_leading_comments(&f, d->span.start);
		if (f.pending_blank ||
		    (f.last_end != f.no_blank_at && kdx_fmt_blank_between(&f, f.last_end, d->span.start)))
			kdx_fmt_newline(&f);
		f.pending_blank = false;
		print_decl(&f, d, w);
		f.last_end = d->span.end;
		kdx_fmt_trailing_comments(&f, d->span.end);
		kdx_fmt_newline(&f);
	}
	kdx_fmt_leading_comments(&f, UINT32_MAX);
	free(widths);
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
