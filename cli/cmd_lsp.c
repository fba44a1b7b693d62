/* kdx lsp: a Language Server (LSP 3.17, JSON-RPC over stdio) for .kdx files: the
 * diagnostics of `kdx check` as you type, hover with stdlib action docs, go to definition
 * (steps, resources, params, outputs, actions and types, across imports), completion of
 * module, action and step names, and formatting with `kdx fmt`. Every request compiles the
 * open buffer afresh (milliseconds); nothing is cached but the buffers' text. */
#include "cli.h"
#include "../common/json.h"
#include "aws_check.h"
#include "moddoc.h"
#include "../common/strbuf.h"
#include "../common/xalloc.h"
#include "../compiler/compile.h"
#include "../compiler/fmt.h"
#include "../compiler/resolve.h"
#include "../compiler/safety.h"
#include "../grammar/ast.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct doc {
	char *uri, *path, *text;
} doc;

typedef struct lsp {
	doc *docs;
	size_t ndocs, adocs;
	bool shutdown;
} lsp;

/* ---- transport: Content-Length framed JSON ---- */

static json_object *read_message(void)
{
	char line[256];
	long len = -1;
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "\r\n") || !strcmp(line, "\n")) {
			if (len < 0 || len > (64L << 20))
				return NULL;
			char *buf = xmalloc((size_t)len + 1);
			size_t got = fread(buf, 1, (size_t)len, stdin);
			buf[got] = 0;
			json_object *o = got == (size_t)len ? kdx_json_parse_str(buf, NULL) : NULL;
			free(buf);
			return o;
		}
		if (!strncasecmp(line, "Content-Length:", 15))
			len = strtol(line + 15, NULL, 10);
	}
	return NULL;
}

static void send_message(json_object *o)
{
	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE);
	printf("Content-Length: %zu\r\n\r\n%s", strlen(s), s);
	fflush(stdout);
	json_object_put(o);
}

static void reply(json_object *id, json_object *result)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_get(id));
	json_object_object_add(o, "result", result ? result : NULL);
	send_message(o);
}

static void reply_error(json_object *id, int code, const char *msg)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();
	json_object_object_add(e, "code", json_object_new_int(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(o, "id", json_object_get(id));
	json_object_object_add(o, "error", e);
	send_message(o);
}

static json_object *get(json_object *o, const char *path)
{
	/* "a.b.c": nested members */
	char key[64];
	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = 0;
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (dot != NULL);
	}
	return o;
}

static const char *gets_(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* ---- documents, URIs, positions ---- */

static char *uri_to_path(const char *uri)
{
	if (strncmp(uri, "file://", 7))
		return xstrdup(uri);
	strbuf p = STRBUF_INIT;
	for (const char *s = uri + 7; *s; s++) {
		if (*s == '%' && s[1] && s[2]) {
			char hex[3] = { s[1], s[2], 0 };
			strbuf_addch(&p, (int)strtol(hex, NULL, 16));
			s += 2;
		} else {
			strbuf_addch(&p, *s);
		}
	}
	return strbuf_detach(&p, NULL);
}

static json_object *path_to_uri(const char *path)
{
	strbuf u = STRBUF_INIT;
	char *abs = realpath(path, NULL);
	strbuf_addstr(&u, "file://");
	for (const unsigned char *p = (const unsigned char *)(abs ? abs : path); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			strbuf_addch(&u, *p);
		else
			strbuf_addf(&u, "%%%02X", *p);
	}
	free(abs);
	json_object *o = json_object_new_string(u.buf);
	strbuf_release(&u);
	return o;
}

static doc *find_doc(lsp *L, const char *uri)
{
	for (size_t i = 0; uri && i < L->ndocs; i++)
		if (!strcmp(L->docs[i].uri, uri))
			return &L->docs[i];
	return NULL;
}

/* LSP characters are UTF-16 code units; kdx columns are bytes. */
static unsigned utf16_col(const char *line, unsigned bytes)
{
	unsigned n = 0;
	for (unsigned i = 0; i < bytes && line[i] && line[i] != '\n'; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c & 0xC0) != 0x80)
			n += c >= 0xF0 ? 2 : 1;
	}
	return n;
}

static json_object *position(const kdx_source *f, uint32_t off)
{
	unsigned line, col;
	kdx_source_position(f, off, &line, &col);
	const char *ls = f->text + (line - 1 < f->nlines ? f->lines[line - 1] : 0);
	json_object *p = json_object_new_object();
	json_object_object_add(p, "line", json_object_new_int((int)line - 1));
	json_object_object_add(p, "character", json_object_new_int((int)utf16_col(ls, col - 1)));
	return p;
}

static json_object *range(const kdx_source *f, kdx_span span)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "start", position(f, span.start));
	json_object_object_add(r, "end", position(f, span.end > span.start ? span.end : span.start));
	return r;
}

static json_object *zero_range(void)
{
	json_object *r = json_object_new_object(), *p = json_object_new_object();
	json_object_object_add(p, "line", json_object_new_int(0));
	json_object_object_add(p, "character", json_object_new_int(0));
	json_object_object_add(r, "start", p);
	json_object_object_add(r, "end", json_object_get(p));
	return r;
}

/* The byte offset of an LSP position in text. */
static size_t offset_of(const char *text, int line, int character)
{
	const char *p = text;
	for (int l = 0; l < line && *p; p++)
		if (*p == '\n')
			l++;
	for (int u = 0; u < character && *p && *p != '\n'; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			u += (unsigned char)*p >= 0xF0 ? 2 : 1;
	while (((unsigned char)*p & 0xC0) == 0x80)
		p++;
	return (size_t)(p - text);
}

/* The dotted word around off ("route53.set_weights", "scale_target"). */
static void word_at(const char *text, size_t off, strbuf *w, size_t *start)
{
#define WORDCH(c) ((c) == '_' || (c) == '.' || ((c) >= 'a' && (c) <= 'z') || \
		   ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9'))
	size_t s = off, e = off;
	while (s > 0 && WORDCH(text[s - 1]))
		s--;
	while (text[e] && WORDCH(text[e]))
		e++;
#undef WORDCH
	strbuf_add(w, text + s, e - s);
	*start = s;
}

/* ---- the compiler ---- */

static void compile_doc(const doc *d, kdx_compilation *c, kdx_aws_checker *checker)
{
	kdx_compile_opts o = { .path = d->path, .text = d->text, .kdx_path = getenv("KDX_PATH"),
			       .check_aws_call = kdx_aws_check_call, .check_aws_ctx = checker };
	kdx_compile(&o, c);
}

/* The diagnostics of `kdx check`: the compiler's, then the safety analyses'. Those in
 * other files (an import) or without a place are shown at the top of the document. */
static void publish(lsp *L, const doc *d)
{
	kdx_aws_checker checker = { 0 };
	kdx_compilation c;
	compile_doc(d, &c, &checker);
	if (c.plan) {
		kdx_safety_report rep = { 0 };
		kdx_safety_check(c.plan, &c.diags, &rep);
		kdx_safety_report_release(&rep);
	}
	uint32_t main_file = c.ast ? c.ast->file : UINT32_MAX;
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < c.diags.n; i++) {
		const kdx_diag *g = &c.diags.items[i];
		json_object *o = json_object_new_object();
		bool here = g->located && g->span.file == main_file;
		strbuf msg = STRBUF_INIT;
		if (g->located && !here && g->span.file < c.sources.n) {
			unsigned line, col;
			kdx_source_position(&c.sources.files[g->span.file], g->span.start, &line, &col);
			strbuf_addf(&msg, "%s:%u:%u: ", c.sources.files[g->span.file].path, line, col);
		}
		strbuf_addstr(&msg, g->msg);
		for (size_t k = 0; k < g->nnotes; k++)
			strbuf_addf(&msg, "\nnote: %s", g->notes[k].msg);
		if (g->hint)
			strbuf_addf(&msg, "\nhint: %s", g->hint);
		json_object_object_add(o, "range", here ? range(&c.sources.files[main_file], g->span)
							: zero_range());
		json_object_object_add(o, "severity",
				       json_object_new_int(g->sev == KDX_ERROR ? 1 : g->sev == KDX_WARNING ? 2 : 3));
		if (g->code)
			json_object_object_add(o, "code", json_object_new_string(g->code));
		json_object_object_add(o, "source", json_object_new_string("kdx"));
		json_object_object_add(o, "message", json_object_new_string(msg.buf));
		strbuf_release(&msg);
		json_object_array_add(arr, o);
	}
	json_object *n = json_object_new_object(), *params = json_object_new_object();
	json_object_object_add(params, "uri", json_object_new_string(d->uri));
	json_object_object_add(params, "diagnostics", arr);
	json_object_object_add(n, "method", json_object_new_string("textDocument/publishDiagnostics"));
	json_object_object_add(n, "params", params);
	send_message(n);
	kdx_compilation_release(&c);
	kdx_aws_checker_release(&checker);
	(void)L;
}

/* What a dotted word names: alias.action or alias.type through the main module's imports,
 * else a declaration of the main file (step, group member, resource, param, output, action,
 * type). *file gets the index of the source it is in. */
static const kdx_ast_decl *lookup(const kdx_compilation *c, const char *word, const kdx_module **owner)
{
	const kdx_module *m = c->prog ? c->prog->main : NULL;
	if (!m)
		return NULL;
	*owner = m;
	const char *dot = strchr(word, '.');
	if (dot) {
		char alias[128];
		size_t n = (size_t)(dot - word);
		if (n >= sizeof(alias))
			return NULL;
		memcpy(alias, word, n);
		alias[n] = 0;
		const kdx_import *im = kdx_module_import(m, alias);
		if (!im || !im->mod)
			return NULL;
		const char *name = dot + 1;
		const char *d2 = strchr(name, '.');
		char base[128];
		if (d2) { /* alias.action.something: the action */
			n = (size_t)(d2 - name);
			if (n >= sizeof(base))
				return NULL;
			memcpy(base, name, n);
			base[n] = 0;
			name = base;
		}
		*owner = im->mod;
		const kdx_ast_decl *a = kdx_module_action(im->mod, name);
		return a ? a : kdx_module_type(im->mod, name);
	}
	for (size_t i = 0; m->ast && i < m->ast->ndecls; i++) {
		const kdx_ast_decl *d = m->ast->decls[i];
		for (size_t k = 0; d->kind == KDX_AST_GROUP && k < d->ndecls; k++)
			if (d->decls[k]->name.name && !strcmp(d->decls[k]->name.name, word))
				return d->decls[k];
		if (d->name.name && !strcmp(d->name.name, word) && d->kind != KDX_AST_IMPORT)
			return d;
	}
	return NULL;
}

static const kdx_source *source_of(const kdx_compilation *c, const kdx_ast_decl *d)
{
	return d->span.file < c->sources.n ? &c->sources.files[d->span.file] : NULL;
}

/* Compile the buffer and find what the word at the request's position declares; the
 * caller releases c and checker. */
static const kdx_ast_decl *decl_at(doc *d, json_object *params, kdx_compilation *c,
				   kdx_aws_checker *checker, const kdx_module **owner)
{
	strbuf w = STRBUF_INIT;
	size_t start;
	word_at(d->text,
		offset_of(d->text, json_object_get_int(get(params, "position.line")),
			  json_object_get_int(get(params, "position.character"))),
		&w, &start);
	compile_doc(d, c, checker);
	const kdx_ast_decl *decl = w.len ? lookup(c, w.buf, owner) : NULL;
	strbuf_release(&w);
	return decl;
}

static void hover(json_object *id, doc *d, json_object *params)
{
	kdx_aws_checker checker = { 0 };
	kdx_compilation c;
	const kdx_module *owner = NULL;
	const kdx_ast_decl *decl = decl_at(d, params, &c, &checker, &owner);
	const kdx_source *f = decl ? source_of(&c, decl) : NULL;
	json_object *res = NULL;
	if (f) {
		strbuf md = STRBUF_INIT;
		strbuf_addstr(&md, "```kdx\n");
		kdx_decl_header(&md, f, decl);
		strbuf_addstr(&md, "\n```\n");
		const char *desc = kdx_decl_description(decl);
		if (desc)
			strbuf_addf(&md, "\n%s\n", desc);
		if (owner && !owner->is_main)
			strbuf_addf(&md, "\n*%s* (`%s`)\n", owner->name, owner->path);
		res = json_object_new_object();
		json_object *contents = json_object_new_object();
		json_object_object_add(contents, "kind", json_object_new_string("markdown"));
		json_object_object_add(contents, "value", json_object_new_string(md.buf));
		json_object_object_add(res, "contents", contents);
		strbuf_release(&md);
	}
	reply(id, res);
	kdx_compilation_release(&c);
	kdx_aws_checker_release(&checker);
}

static void definition(json_object *id, doc *d, json_object *params)
{
	kdx_aws_checker checker = { 0 };
	kdx_compilation c;
	const kdx_module *owner = NULL;
	const kdx_ast_decl *decl = decl_at(d, params, &c, &checker, &owner);
	const kdx_source *f = decl ? source_of(&c, decl) : NULL;
	json_object *res = NULL;
	if (f) {
		res = json_object_new_object();
		kdx_span sp = decl->name.name ? decl->name.span : decl->span;
		json_object_object_add(res, "uri", owner->is_main ? json_object_new_string(d->uri)
								  : path_to_uri(f->path));
		json_object_object_add(res, "range", range(f, sp));
	}
	reply(id, res);
	kdx_compilation_release(&c);
	kdx_aws_checker_release(&checker);
}

static void item(json_object *items, const char *label, int kind, const char *detail)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "label", json_object_new_string(label));
	json_object_object_add(o, "kind", json_object_new_int(kind));
	if (detail)
		json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_array_add(items, o);
}

static void module_item(void *items, const char *name)
{
	item(items, name, 9 /* Module */, "stdlib module");
}

static void completion(json_object *id, doc *d, json_object *params)
{
	size_t off = offset_of(d->text, json_object_get_int(get(params, "position.line")),
			       json_object_get_int(get(params, "position.character")));
	size_t ls = off;
	while (ls > 0 && d->text[ls - 1] != '\n')
		ls--;
	strbuf before = STRBUF_INIT, w = STRBUF_INIT;
	strbuf_add(&before, d->text + ls, off - ls);
	json_object *items = json_object_new_array();
	if (!strncmp(before.buf, "import \"", 8)) {
		kdx_stdlib_module_names(module_item, items);
		goto done;
	}
	size_t start;
	word_at(d->text, off, &w, &start);
	w.buf[w.len = off - start] = 0; /* only what is before the cursor */
	kdx_aws_checker checker = { 0 };
	kdx_compilation c;
	compile_doc(d, &c, &checker);
	const kdx_module *m = c.prog ? c.prog->main : NULL;
	const char *dot = strchr(w.buf, '.');
	for (size_t i = 0; m && i < m->nimports; i++) {
		const kdx_import *im = &m->imports[i];
		if (!im->mod || !im->alias)
			continue;
		size_t al = strlen(im->alias);
		if (dot && ((size_t)(dot - w.buf) != al || strncmp(w.buf, im->alias, al)))
			continue;
		strbuf label = STRBUF_INIT;
		for (size_t k = 0; k < im->mod->nactions; k++) {
			const kdx_ast_decl *a = im->mod->actions[k];
			strbuf_reset(&label);
			if (dot)
				strbuf_addstr(&label, a->name.name);
			else
				strbuf_addf(&label, "%s.%s", im->alias, a->name.name);
			item(items, label.buf, 3 /* Function */, kdx_decl_description(a));
		}
		for (size_t k = 0; dot && k < im->mod->ntypes; k++)
			item(items, im->mod->types[k]->name.name, 7 /* Class */, "type");
		strbuf_release(&label);
	}
	for (size_t i = 0; !dot && m && m->ast && i < m->ast->ndecls; i++) {
		const kdx_ast_decl *dd = m->ast->decls[i];
		if (dd->kind == KDX_AST_STEP && dd->name.name)
			item(items, dd->name.name, 18 /* Reference */, "step");
		for (size_t k = 0; dd->kind == KDX_AST_GROUP && k < dd->ndecls; k++)
			item(items, dd->decls[k]->name.name, 18, "step");
		if ((dd->kind == KDX_AST_RESOURCE || dd->kind == KDX_AST_PARAM) && dd->name.name)
			item(items, dd->name.name, 6 /* Variable */,
			     dd->kind == KDX_AST_RESOURCE ? "resource" : "param");
	}
	kdx_compilation_release(&c);
	kdx_aws_checker_release(&checker);
done:;
	json_object *res = json_object_new_object();
	json_object_object_add(res, "isIncomplete", json_object_new_boolean(0));
	json_object_object_add(res, "items", items);
	reply(id, res);
	strbuf_release(&before);
	strbuf_release(&w);
}

/* The whole document replaced by `kdx fmt`'s text; no edit when it does not parse. */
static void formatting(json_object *id, doc *d)
{
	kdx_sources src;
	kdx_diags diags;
	strbuf out = STRBUF_INIT;
	kdx_sources_init(&src);
	kdx_diags_init(&diags);
	uint32_t fi = kdx_sources_add(&src, d->path, d->text, strlen(d->text));
	if (kdx_fmt_source(&out, &src, fi, &diags) < 0) {
		reply_error(id, -32803 /* RequestFailed */,
			    "the document has syntax errors: fix them before formatting");
	} else {
		json_object *edits = json_object_new_array();
		if (strcmp(out.buf, d->text)) {
			int lines = 0;
			for (const char *p = d->text; *p; p++)
				lines += *p == '\n';
			json_object *e = json_object_new_object(), *r = json_object_new_object(),
				    *s = json_object_new_object(), *en = json_object_new_object();
			json_object_object_add(s, "line", json_object_new_int(0));
			json_object_object_add(s, "character", json_object_new_int(0));
			json_object_object_add(en, "line", json_object_new_int(lines + 1));
			json_object_object_add(en, "character", json_object_new_int(0));
			json_object_object_add(r, "start", s);
			json_object_object_add(r, "end", en);
			json_object_object_add(e, "range", r);
			json_object_object_add(e, "newText", json_object_new_string(out.buf));
			json_object_array_add(edits, e);
		}
		reply(id, edits);
	}
	strbuf_release(&out);
	kdx_diags_release(&diags);
	kdx_sources_release(&src);
}

static json_object *capabilities(void)
{
	json_object *r = json_object_new_object(), *cap = json_object_new_object(),
		    *comp = json_object_new_object(), *trig = json_object_new_array(),
		    *info = json_object_new_object();
	json_object_object_add(cap, "textDocumentSync", json_object_new_int(1 /* Full */));
	json_object_object_add(cap, "hoverProvider", json_object_new_boolean(1));
	json_object_object_add(cap, "definitionProvider", json_object_new_boolean(1));
	json_object_object_add(cap, "documentFormattingProvider", json_object_new_boolean(1));
	json_object_array_add(trig, json_object_new_string("."));
	json_object_array_add(trig, json_object_new_string("\""));
	json_object_object_add(comp, "triggerCharacters", trig);
	json_object_object_add(cap, "completionProvider", comp);
	json_object_object_add(r, "capabilities", cap);
	json_object_object_add(info, "name", json_object_new_string("kdx"));
	json_object_object_add(r, "serverInfo", info);
	return r;
}

static void set_doc(lsp *L, const char *uri, const char *text)
{
	doc *d = find_doc(L, uri);
	if (!d) {
		XGROW(L->docs, L->ndocs + 1, L->adocs);
		d = &L->docs[L->ndocs++];
		d->uri = xstrdup(uri);
		d->path = uri_to_path(uri);
		d->text = NULL;
	}
	free(d->text);
	d->text = xstrdup(text);
	publish(L, d);
}

static void close_doc(lsp *L, const char *uri)
{
	doc *d = find_doc(L, uri);
	if (!d)
		return;
	free(d->uri);
	free(d->path);
	free(d->text);
	*d = L->docs[--L->ndocs];
}

/* One message; returns 1 on `exit`. */
static int handle(lsp *L, json_object *msg)
{
	const char *method = gets_(msg, "method");
	json_object *id = get(msg, "id"), *params = get(msg, "params");
	if (!method)
		return 0; /* a response to something we never ask */
	doc *d = find_doc(L, gets_(params, "textDocument.uri"));
	if (!strcmp(method, "initialize"))
		reply(id, capabilities());
	else if (!strcmp(method, "shutdown")) {
		L->shutdown = true;
		reply(id, NULL);
	} else if (!strcmp(method, "exit"))
		return 1;
	else if (!strcmp(method, "textDocument/didOpen") && gets_(params, "textDocument.text"))
		set_doc(L, gets_(params, "textDocument.uri"), gets_(params, "textDocument.text"));
	else if (!strcmp(method, "textDocument/didChange")) {
		json_object *ch = get(params, "contentChanges");
		size_t n = ch ? json_object_array_length(ch) : 0;
		const char *text = n ? gets_(json_object_array_get_idx(ch, n - 1), "text") : NULL;
		if (text && gets_(params, "textDocument.uri"))
			set_doc(L, gets_(params, "textDocument.uri"), text);
	} else if (!strcmp(method, "textDocument/didClose"))
		close_doc(L, gets_(params, "textDocument.uri"));
	else if (!id)
		; /* other notifications (initialized, didSave, $/...) need nothing */
	else if (!d && !strncmp(method, "textDocument/", 13))
		reply_error(id, -32602, "that document is not open");
	else if (!strcmp(method, "textDocument/hover"))
		hover(id, d, params);
	else if (!strcmp(method, "textDocument/definition"))
		definition(id, d, params);
	else if (!strcmp(method, "textDocument/completion"))
		completion(id, d, params);
	else if (!strcmp(method, "textDocument/formatting"))
		formatting(id, d);
	else
		reply_error(id, -32601, "method not found");
	return 0;
}

typedef struct lsp_args {
	bool stdio;
} lsp_args;

static const kdx_flag flags[] = {
	KDX_FLAG(lsp_args, stdio, "stdio", KDX_FLAG_BOOL, NULL,
		 "accepted for editors that pass it (stdio is the only transport)"),
	{ 0 },
};
const kdx_options cmd_lsp_opts = { flags, sizeof(lsp_args), NULL };

int cmd_lsp(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	(void)opts; /* -stdio: the only transport */
	lsp L = { 0 };
	int rc = KDX_EXIT_ERROR; /* stdin closed without shutdown + exit */
	json_object *msg;
	while ((msg = read_message())) {
		int done = handle(&L, msg);
		json_object_put(msg);
		if (done) {
			rc = L.shutdown ? KDX_EXIT_OK : KDX_EXIT_ERROR;
			break;
		}
	}
	while (L.ndocs)
		close_doc(&L, L.docs[0].uri);
	free(L.docs);
	return rc;
}
