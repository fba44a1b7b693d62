/* diag: collect and render located diagnostics. */
#include "diag.h"
#include "json.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kdx_diags_init(kdx_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void kdx_diags_release(kdx_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		kdx_diag *g = &d->items[i];
		free(g->code);
		free(g->msg);
		free(g->hint);
		for (size_t j = 0; j < g->nnotes; j++)
			free(g->notes[j].msg);
		free(g->notes);
	}
	free(d->items);
	kdx_diags_init(d);
}

static char *vfmt(const char *fmt, va_list ap)
{
	strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	return strbuf_detach(&sb, NULL);
}

static kdx_diag *add(kdx_diags *d, kdx_severity sev, const char *code, kdx_span span,
		     bool located, const char *fmt, va_list ap)
{
	XGROW(d->items, d->n + 1, d->alloc);
	kdx_diag *g = &d->items[d->n++];
	memset(g, 0, sizeof(*g));
	g->sev = sev;
	g->span = span;
	g->located = located;
	g->code = code ? xstrdup(code) : NULL;
	g->msg = vfmt(fmt, ap);
	if (sev == KDX_ERROR)
		d->nerrors++;
	else if (sev == KDX_WARNING)
		d->nwarnings++;
	return g;
}

kdx_diag *kdx_diag_add(kdx_diags *d, kdx_severity sev, const char *code, kdx_span span,
		       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kdx_diag *g = add(d, sev, code, span, true, fmt, ap);
	va_end(ap);
	return g;
}

kdx_diag *kdx_diag_add_unlocated(kdx_diags *d, kdx_severity sev, const char *code,
				 const char *fmt, ...)
{
	va_list ap;
	kdx_span none = { 0, 0, 0 };
	va_start(ap, fmt);
	kdx_diag *g = add(d, sev, code, none, false, fmt, ap);
	va_end(ap);
	return g;
}

static void note(kdx_diag *g, kdx_span span, bool located, const char *fmt, va_list ap)
{
	XGROW(g->notes, g->nnotes + 1, g->anotes);
	kdx_note *n = &g->notes[g->nnotes++];
	n->span = span;
	n->located = located;
	n->msg = vfmt(fmt, ap);
}

void kdx_diag_note(kdx_diag *g, kdx_span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note(g, span, true, fmt, ap);
	va_end(ap);
}

void kdx_diag_note_unlocated(kdx_diag *g, const char *fmt, ...)
{
	va_list ap;
	kdx_span none = { 0, 0, 0 };
	va_start(ap, fmt);
	note(g, none, false, fmt, ap);
	va_end(ap);
}

void kdx_diag_hint(kdx_diag *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(g->hint);
	g->hint = vfmt(fmt, ap);
	va_end(ap);
}

static int cmp_diag(const void *pa, const void *pb)
{
	const kdx_diag *a = pa, *b = pb;
	if (a->located != b->located)
		return a->located ? 1 : -1;
	if (a->span.file != b->span.file)
		return a->span.file < b->span.file ? -1 : 1;
	if (a->span.start != b->span.start)
		return a->span.start < b->span.start ? -1 : 1;
	return 0;
}

void kdx_diags_sort(kdx_diags *d)
{
	/* qsort is not stable; make it so by a simple insertion sort, which is
	 * also fast on the nearly sorted lists passes produce. */
	for (size_t i = 1; i < d->n; i++) {
		kdx_diag tmp = d->items[i];
		size_t j = i;
		while (j > 0 && cmp_diag(&d->items[j - 1], &tmp) > 0) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = tmp;
	}
}

static const char *sev_name(kdx_severity s)
{
	return s == KDX_ERROR ? "error" : s == KDX_WARNING ? "warning" : "note";
}

static const char *sev_color(kdx_severity s)
{
	return s == KDX_ERROR ? "\033[1;31m" : s == KDX_WARNING ? "\033[1;35m" : "\033[1;36m";
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
		     : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

/* Print the cells [from, to) of the line ls..le (a cell is one character); returns nothing. */
static void put_cells(strbuf *out, const kdx_source *f, uint32_t ls, uint32_t le, size_t from,
		      size_t to)
{
	size_t cell = 0;
	for (uint32_t i = ls; i < le && cell < to; cell++) {
		const unsigned char *p = (const unsigned char *)f->text + i;
		size_t n = utf8_len(p, le - i);
		if (cell >= from) {
			if (n == 0)
				strbuf_addch(out, '?');
			else if (n == 1)
				strbuf_addch(out, (p[0] < 0x20 || p[0] == 0x7f) ? ' ' : (char)p[0]);
			else
				strbuf_add(out, p, n);
		}
		i += n ? (uint32_t)n : 1;
	}
}

#define EXCERPT_WIDTH 120

/* The source line holding span.start, then carets under the part of the span on that line.
 * Every character takes one column: tabs and control bytes show as spaces, bytes that are
 * not UTF-8 as '?', so the carets line up in any terminal. A long line is cut to a window
 * around the span, marked with "...". */
static void render_excerpt(strbuf *out, const kdx_source *f, kdx_span span, bool color)
{
	unsigned line, col;
	kdx_source_position(f, span.start, &line, &col);
	uint32_t ls = f->lines[line - 1];
	uint32_t le = ls;
	while (le < f->len && f->text[le] != '\n')
		le++;
	if (le > ls && f->text[le - 1] == '\r')
		le--;
	uint32_t end = span.end > span.start ? span.end : span.start + 1;
	if (end > le)
		end = le > span.start ? le : span.start + 1;
	size_t pre = 0, width = 0, total = 0;
	for (uint32_t i = ls; i < le; total++) {
		size_t n = utf8_len((const unsigned char *)f->text + i, le - i);
		if (i < span.start)
			pre++;
		else if (i < end)
			width++;
		i += n ? (uint32_t)n : 1;
	}
	if (width == 0)
		width = 1;
	size_t from = 0, to = total;
	if (total > EXCERPT_WIDTH) {
		from = pre > EXCERPT_WIDTH / 3 ? pre - EXCERPT_WIDTH / 3 : 0;
		to = from + EXCERPT_WIDTH < total ? from + EXCERPT_WIDTH : total;
		if (to - from < EXCERPT_WIDTH)
			from = to > EXCERPT_WIDTH ? to - EXCERPT_WIDTH : 0;
	}
	strbuf_addf(out, "%5u | %s", line, from ? "..." : "");
	put_cells(out, f, ls, le, from, to);
	strbuf_addf(out, "%s\n      | ", to < total ? "..." : "");
	size_t lead = pre - from + (from ? 3 : 0);
	if (pre + width > to)
		width = to > pre ? to - pre : 1;
	for (size_t i = 0; i < lead; i++)
		strbuf_addch(out, ' ');
	if (color)
		strbuf_addstr(out, "\033[1;32m");
	for (size_t i = 0; i < width; i++)
		strbuf_addch(out, i == 0 ? '^' : '~');
	if (color)
		strbuf_addstr(out, "\033[0m");
	strbuf_addch(out, '\n');
}

static void render_loc(strbuf *out, const kdx_sources *src, kdx_span span)
{
	const kdx_source *f = &src->files[span.file];
	unsigned line, col;
	kdx_source_position(f, span.start, &line, &col);
	strbuf_addf(out, "%s:%u:%u: ", f->path, line, col);
}

void kdx_diags_render(strbuf *out, const kdx_diags *d, const kdx_sources *src, bool color)
{
	for (size_t i = 0; i < d->n; i++) {
		const kdx_diag *g = &d->items[i];
		bool loc = g->located && g->span.file < src->n;
		if (color)
			strbuf_addstr(out, "\033[1m");
		if (loc)
			render_loc(out, src, g->span);
		else
			strbuf_addstr(out, "kdx: ");
		if (color)
			strbuf_addf(out, "%s%s:\033[0m\033[1m %s\033[0m\n", sev_color(g->sev),
				    sev_name(g->sev), g->msg);
		else
			strbuf_addf(out, "%s: %s\n", sev_name(g->sev), g->msg);
		if (loc)
			render_excerpt(out, &src->files[g->span.file], g->span, color);
		for (size_t j = 0; j < g->nnotes; j++) {
			const kdx_note *n = &g->notes[j];
			if (n->located && n->span.file < src->n) {
				render_loc(out, src, n->span);
				strbuf_addf(out, "note: %s\n", n->msg);
				render_excerpt(out, &src->files[n->span.file], n->span, color);
			} else {
				strbuf_addf(out, "      = note: %s\n", n->msg);
			}
		}
		if (g->hint)
			strbuf_addf(out, "      = hint: %s\n", g->hint);
	}
}

static void json_loc(kdx_json *o, const kdx_sources *src, kdx_span span)
{
	const kdx_source *f = &src->files[span.file];
	unsigned line, col, eline, ecol;
	kdx_source_position(f, span.start, &line, &col);
	kdx_source_position(f, span.end > span.start ? span.end : span.start, &eline, &ecol);
	kdx_json_set_str_or_null(o, "file", f->path);
	kdx_json_set_int(o, "line", line);
	kdx_json_set_int(o, "column", col);
	kdx_json_set_int(o, "end_line", eline);
	kdx_json_set_int(o, "end_column", ecol);
	kdx_json_set_int(o, "start", span.start);
	kdx_json_set_int(o, "end", span.end);
}

/* One object a line: severity, code (when there is one), message, the location (when
 * located), hint, notes (each with its message and location). */
void kdx_diags_render_json(strbuf *out, const kdx_diags *d, const kdx_sources *src)
{
	for (size_t i = 0; i < d->n; i++) {
		const kdx_diag *g = &d->items[i];
		kdx_json *o = kdx_json_object();
		kdx_json_set_str(o, "severity", sev_name(g->sev));
		kdx_json_set_str(o, "code", g->code);
		kdx_json_set_str_or_null(o, "message", g->msg);
		if (g->located && g->span.file < src->n)
			json_loc(o, src, g->span);
		kdx_json_set_str(o, "hint", g->hint);
		kdx_json *notes = kdx_json_set_array(o, "notes");
		for (size_t j = 0; j < g->nnotes; j++) {
			kdx_json *n = kdx_json_object();
			kdx_json_set_str_or_null(n, "message", g->notes[j].msg);
			if (g->notes[j].located && g->notes[j].span.file < src->n)
				json_loc(n, src, g->notes[j].span);
			kdx_json_push(notes, n);
		}
		kdx_json_emit(out, o);
	}
}
