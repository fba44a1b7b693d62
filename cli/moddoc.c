/* moddoc: module names and declaration docs for kdx help and kdx lsp (see moddoc.h). */
#include "moddoc.h"
#include "../common/stdlibdir.h"
#include "../compiler/compile.h"
#include "../compiler/resolve.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void names_in(const char *dir, const char *prefix, int depth,
		     void (*fn)(void *ud, const char *name), void *ud)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	while (dp && depth < 4 && (e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		strbuf p = STRBUF_INIT, name = STRBUF_INIT;
		strbuf_addf(&p, "%s/%s", dir, e->d_name);
		strbuf_addf(&name, "%s%s", prefix, e->d_name);
		struct stat st;
		size_t l = strlen(e->d_name);
		if (stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* models/ and endpoints/ hold AWS data, not modules */
			if (strcmp(e->d_name, "models") && strcmp(e->d_name, "endpoints")) {
				strbuf_addch(&name, '/');
				names_in(p.buf, name.buf, depth + 1, fn, ud);
			}
		} else if (l > 4 && !strcmp(e->d_name + l - 4, ".kdx")) {
			name.buf[name.len -= 4] = 0;
			fn(ud, name.buf);
		}
		strbuf_release(&p);
		strbuf_release(&name);
	}
	if (dp)
		closedir(dp);
}

void kdx_stdlib_module_names(void (*fn)(void *ud, const char *name), void *ud)
{
	names_in(kdx_stdlib_dir(), "", 0, fn, ud);
}

void kdx_decl_header(strbuf *out, const kdx_source *f, const kdx_ast_decl *d)
{
	bool body = d->body_span.start > d->span.start;
	const char *s = f->text + d->span.start;
	const char *e = f->text + (body ? d->body_span.start : d->span.end);
	/* up to the body's '{' (not to a parameter's default value, {} for a map) */
	const char *brace = body ? NULL : memchr(s, '{', (size_t)(e - s));
	if (brace && d->kind != KDX_AST_STEP && d->kind != KDX_AST_RESOURCE)
		e = brace;
	const char *nl = memchr(s, '\n', (size_t)(e - s));
	if (nl && (d->kind == KDX_AST_STEP || d->kind == KDX_AST_RESOURCE || d->kind == KDX_AST_PARAM))
		e = nl;
	while (e > s && (e[-1] == ' ' || e[-1] == '{' || e[-1] == '\n'))
		e--;
	strbuf_add(out, s, (size_t)(e - s));
}

const char *kdx_decl_description(const kdx_ast_decl *d)
{
	for (size_t i = 0; i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind == KDX_AST_ATTR && it->name.name && !strcmp(it->name.name, "description") &&
		    it->expr && it->expr->kind == KDX_AST_E_STRING && it->expr->u.str.n == 1 &&
		    !it->expr->u.str.parts[0].expr)
			return it->expr->u.str.parts[0].text;
	}
	return NULL;
}

/* The module's leading comment, without its "# " marks. */
static void header_comment(strbuf *out, const char *text)
{
	for (const char *p = text; *p == '#';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		size_t skip = n > 1 && p[1] == ' ' ? 2 : 1;
		strbuf_add(out, p + skip, n - skip);
		strbuf_addch(out, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void decls(strbuf *out, const kdx_compilation *c, const kdx_ast_decl *const *ds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const kdx_ast_decl *d = ds[i];
		if (d->span.file >= c->sources.n)
			continue;
		strbuf_addstr(out, "\n  ");
		kdx_decl_header(out, &c->sources.files[d->span.file], d);
		strbuf_addch(out, '\n');
		const char *desc = kdx_decl_description(d);
		if (desc)
			strbuf_addf(out, "      %s\n", desc);
	}
}

int kdx_module_help(const char *name, strbuf *out, strbuf *err)
{
	/* the module loaded as an import is, so the loader's rules (search path, names
	 * that stay inside it) decide what NAME may be */
	strbuf text = STRBUF_INIT;
	strbuf_addstr(&text, "import \"");
	for (const char *p = name; *p; p++)
		if (*p != '"' && *p != '\\' && *p != '\n')
			strbuf_addch(&text, *p);
	strbuf_addstr(&text, "\"\n");
	kdx_compile_opts o = { .path = "kdx-help.kdx", .text = text.buf, .kdx_path = getenv("KDX_PATH") };
	kdx_compilation c;
	kdx_compile(&o, &c);
	const kdx_module *main = c.prog ? c.prog->main : NULL;
	const kdx_module *m = main && main->nimports == 1 ? main->imports[0].mod : NULL;
	int rc = 0;
	if (!m || !m->ast || m->ast->decls == NULL || m->ast->ndecls == 0) {
		strbuf_addf(err, "no module '%s' in the standard library (%s) or KDX_PATH", name,
			    kdx_stdlib_dir());
		rc = -1;
	} else {
		strbuf_addf(out, "Module %s (%s)\n\n", m->name, m->path);
		const kdx_source *f = m->ast->decls[0]->span.file < c.sources.n
					      ? &c.sources.files[m->ast->decls[0]->span.file] : NULL;
		if (f)
			header_comment(out, f->text);
		if (m->ntypes) {
			strbuf_addstr(out, "\nTypes:\n");
			decls(out, &c, m->types, m->ntypes);
		}
		if (m->nactions) {
			strbuf_addf(out, "\nActions (import \"%s\" as ALIAS; call ALIAS.NAME(...)):\n", m->name);
			decls(out, &c, m->actions, m->nactions);
		}
	}
	kdx_compilation_release(&c);
	strbuf_release(&text);
	return rc;
}
