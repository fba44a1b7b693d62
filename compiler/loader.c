/* loader: find and load the main file and its imports (each module once), diagnosing
 * missing modules and import cycles with the chain that closes them. */
#include "resolve.h"
#include "../grammar/parse.h"
#include "../common/stdlibdir.h"
#include "../common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct loader {
	kdx_compilation *c;
	const kdx_compile_opts *opts;
	const char **dirs;         /* search path, in order */
	size_t ndirs;
	kdx_module **stack;        /* modules being loaded, for cycle chains */
	size_t nstack;
	kdx_module **ustack;       /* runbooks being loaded through `use`, for cycle chains */
	size_t nustack;
	int rc;
} loader;

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void add_dir(loader *L, const char *d)
{
	if (!d || !*d)
		return;
	L->dirs = xrealloc(L->dirs, (L->ndirs + 1) * sizeof(*L->dirs));
	L->dirs[L->ndirs++] = d;
}

static void build_search_path(loader *L)
{
	kdx_arena *a = &L->c->arena;
	for (size_t i = 0; i < L->opts->ninclude_dirs; i++)
		add_dir(L, L->opts->include_dirs[i]);
	if (L->opts->kdx_path) {
		const char *p = L->opts->kdx_path;
		while (*p) {
			const char *colon = strchr(p, ':');
			size_t n = colon ? (size_t)(colon - p) : strlen(p);
			if (n)
				add_dir(L, kdx_arena_strndup(a, p, n));
			p += n + (colon ? 1 : 0);
		}
	}
	if (!L->opts->no_default_stdlib) {
		add_dir(L, kdx_stdlib_dir());
	}
}

static kdx_module *find_loaded(kdx_program *p, const char *path)
{
	for (size_t i = 0; i < p->nmodules; i++)
		if (!strcmp(p->modules[i]->path, path))
			return p->modules[i];
	return NULL;
}

static kdx_module *parse_module(loader *L, const char *name, const char *path, bool is_main)
{
	kdx_compilation *c = L->c;
	strbuf err = STRBUF_INIT;
	int fi = is_main && L->opts->text
			 ? (int)kdx_sources_add(&c->sources, path, L->opts->text, strlen(L->opts->text))
			 : kdx_sources_load(&c->sources, path, &err);
	if (fi < 0) {
		kdx_diag_add_unlocated(&c->diags, KDX_ERROR, "io", "%s", err.buf);
		strbuf_release(&err);
		return NULL;
	}
	strbuf_release(&err);
	kdx_module *m = KDX_NEW(&c->arena, kdx_module);
	m->name = kdx_arena_strdup(&c->arena, name);
	m->path = kdx_arena_strdup(&c->arena, path);
	m->is_main = is_main;
	if (kdx_parse_file(&c->ast_arena, &c->intern, &c->sources, (uint32_t)fi, &c->diags,
			   &m->ast))
		L->rc = -1;
	return m;
}

static void push_module(kdx_program *p, kdx_arena *a, kdx_module *m)
{
	kdx_module **n = KDX_NEWN(a, kdx_module *, p->nmodules + 1);
	if (p->nmodules)
		memcpy(n, p->modules, p->nmodules * sizeof(*n));
	n[p->nmodules++] = m;
	p->modules = n;
}

/* A module name is words joined by '/': "aws/route53". No "..", no leading '/', no '.'
 * at all, so `import` can only name a file below a search directory. */
static bool module_name_ok(const char *name)
{
	bool word = false;
	for (const char *c = name; *c; c++) {
		if (*c == '/') {
			if (!word)
				return false;
			word = false;
		} else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			   (*c >= '0' && *c <= '9') || *c == '_' || *c == '-') {
			word = true;
		} else {
			return false;
		}
	}
	return word;
}

/* path, resolved (symbolic links too), lies inside dir. */
static bool inside(const char *dir, const char *path)
{
	char *rd = realpath(dir, NULL), *rp = realpath(path, NULL);
	size_t n = rd ? strlen(rd) : 0;
	bool ok = rd && rp && !strncmp(rd, rp, n) && (rp[n] == '/' || (n == 1 && rd[0] == '/'));
	free(rd);
	free(rp);
	return ok;
}

/* Where `import "aws/route53"` is found: the first DIR/aws/route53.kdx on the search path
 * that really lies in DIR (a symbolic link out of it does not count). *escaped: such a
 * link was found. */
static char *find_module(loader *L, const char *name, bool *escaped)
{
	kdx_arena *a = &L->c->arena;
	*escaped = false;
	for (size_t i = 0; i < L->ndirs; i++) {
		char *p = kdx_arena_printf(a, "%s/%s.kdx", L->dirs[i], name);
		if (!is_file(p))
			continue;
		if (inside(L->dirs[i], p))
			return p;
		*escaped = true;
	}
	return NULL;
}

static void load_imports(loader *L, kdx_module *m);

static void import_one(loader *L, kdx_module *m, const kdx_ast_decl *d, kdx_import *im)
{
	kdx_compilation *c = L->c;
	const char *name = d->label.name;
	im->decl = d;
	im->alias = d->name.name ? d->name.name : kdx_import_alias(&c->intern, name);
	if (!module_name_ok(name)) {
		kdx_diag *g = kdx_diag_add(&c->diags, KDX_ERROR, "import", d->span,
					   "module name '%s' is not a name: an import names a module "
					   "below the -I directories, KDX_PATH or the standard library",
					   name);
		kdx_diag_hint(g, "write it as words joined by '/' (\"aws/route53\"), without "
			      "'..', '.' or a leading '/'; add its directory with -I DIR");
		L->rc = -1;
		return;
	}
	bool escaped;
	char *path = find_module(L, name, &escaped);
	if (!path && escaped) {
		kdx_diag *g = kdx_diag_add(&c->diags, KDX_ERROR, "import", d->span,
					   "module '%s' is a link to a file outside its search "
					   "directory: refused", name);
		kdx_diag_hint(g, "add the directory that really holds it with -I DIR");
		L->rc = -1;
		return;
	}
	if (!path) {
		kdx_diag *g = kdx_diag_add(&c->diags, KDX_ERROR, "import", d->span,
					   "module '%s' not found", name);
		kdx_diag_note_unlocated(g, "looked for '%s.kdx' in the -I directories, KDX_PATH and "
					"the standard library ($KDX_STDLIB, else the installed one)", name);
		kdx_diag_hint(g, "add a directory with -I DIR or KDX_PATH");
		L->rc = -1;
		return;
	}
	kdx_module *dep = find_loaded(c->prog, path);
	if (dep && dep->state == 1) {
		kdx_diag *g = kdx_diag_add(&c->diags, KDX_ERROR, "import", d->span,
					   "import cycle: module '%s' imports itself", name);
		strbuf chain = STRBUF_INIT;
		size_t start = 0;
		for (size_t i = 0; i < L->nstack; i++)
			if (L->stack[i] == dep)
				start = i;
		for (size_t i = start; i < L->nstack; i++)
			strbuf_addf(&chain, "%s -> ", L->stack[i]->name);
		strbuf_addstr(&chain, dep->name);
		kdx_diag_note_unlocated(g, "the cycle: %s", chain.buf);
		strbuf_release(&chain);
		L->rc = -1;
		return;
	}
	if (!dep) {
		dep = parse_module(L, name, path, false);
		if (!dep) {
			L->rc = -1;
			return;
		}
		push_module(c->prog, &c->arena, dep);
		load_imports(L, dep);
	}
	im->mod = dep;
}

static void load_imports(loader *L, kdx_module *m)
{
	kdx_arena *a = &L->c->arena;
	m->state = 1;
	L->stack = xrealloc(L->stack, (L->nstack + 1) * sizeof(*L->stack));
	L->stack[L->nstack++] = m;
	size_t n = 0;
	for (size_t i = 0; i < m->ast->ndecls; i++)
		n += m->ast->decls[i]->kind == KDX_AST_IMPORT;
	m->imports = KDX_NEWN(a, kdx_import, n + 1);
	for (size_t i = 0; i < m->ast->ndecls; i++) {
		const kdx_ast_decl *d = m->ast->decls[i];
		if (d->kind == KDX_AST_IMPORT && d->label.name)
			import_one(L, m, d, &m->imports[m->nimports++]);
	}
	L->nstack--;
	m->state = 2;
}

/* A module already loaded from the same file (compared by real path, so that "a.kdx" and
 * "./x/../a.kdx" are one file), or NULL. */
static kdx_module *find_loaded_real(kdx_program *p, const char *real)
{
	for (size_t i = 0; i < p->nmodules; i++) {
		char *r = realpath(p->modules[i]->path, NULL);
		bool same = r && !strcmp(r, real);
		free(r);
		if (same)
			return p->modules[i];
	}
	return NULL;
}

/* use "other.kdx" as NAME: the path is relative to the directory of the using file. */
static char *use_path(kdx_arena *a, const char *from, const char *path)
{
	const char *slash = strrchr(from, '/');
	if (path[0] == '/' || !slash)
		return kdx_arena_strdup(a, path);
	return kdx_arena_printf(a, "%.*s/%s", (int)(slash - from), from, path);
}

static void load_uses(loader *L, kdx_module *m);

static void use_cycle(loader *L, const kdx_ast_decl *d, kdx_module *dep)
{
	kdx_diag *g = kdx_diag_add(&L->c->diags, KDX_ERROR, "import", d->label.span,
				   "runbook '%s' uses itself", dep->path);
	strbuf chain = STRBUF_INIT;
	size_t start = 0;
	for (size_t i = 0; i < L->nustack; i++)
		if (L->ustack[i] == dep)
			start = i;
	for (size_t i = start; i < L->nustack; i++)
		strbuf_addf(&chain, "%s -> ", L->ustack[i]->path);
	strbuf_addstr(&chain, dep->path);
	kdx_diag_note_unlocated(g, "the chain: %s", chain.buf);
	kdx_diag_hint(g, "a nested runbook may not use, directly or not, the runbook that uses it");
	strbuf_release(&chain);
	L->rc = -1;
}

static void use_one(loader *L, kdx_module *m, const kdx_ast_decl *d, kdx_use *u)
{
	kdx_compilation *c = L->c;
	u->decl = d;
	char *path = use_path(&c->arena, m->path, d->label.name);
	char *real = is_file(path) ? realpath(path, NULL) : NULL;
	if (!real) {
		kdx_diag *g = kdx_diag_add(&c->diags, KDX_ERROR, "import", d->label.span,
					   "runbook '%s' not found", d->label.name);
		kdx_diag_note_unlocated(g, "looked for '%s' (paths are relative to the file "
					"that uses them)", path);
		L->rc = -1;
		return;
	}
	kdx_module *dep = find_loaded_real(c->prog, real);
	free(real);
	if (dep && dep->use_state == 1) {
		use_cycle(L, d, dep);
		return;
	}
	if (!dep) {
		dep = parse_module(L, path, path, false);
		if (!dep) {
			L->rc = -1;
			return;
		}
		push_module(c->prog, &c->arena, dep);
		load_imports(L, dep);
	}
	dep->is_runbook = !dep->is_main;
	if (dep->use_state == 0)
		load_uses(L, dep);
	u->mod = dep;
}

static void load_uses(loader *L, kdx_module *m)
{
	if (!m->ast)
		return;
	m->use_state = 1;
	L->ustack = xrealloc(L->ustack, (L->nustack + 1) * sizeof(*L->ustack));
	L->ustack[L->nustack++] = m;
	size_t n = 0;
	for (size_t i = 0; i < m->ast->ndecls; i++)
		n += m->ast->decls[i]->kind == KDX_AST_USE;
	m->uses = KDX_NEWN(&L->c->arena, kdx_use, n + 1);
	for (size_t i = 0; i < m->ast->ndecls; i++) {
		const kdx_ast_decl *d = m->ast->decls[i];
		if (d->kind == KDX_AST_USE && d->label.name && *d->label.name)
			use_one(L, m, d, &m->uses[m->nuses++]);
	}
	L->nustack--;
	m->use_state = 2;
}

const char *kdx_stdlib_import_for(kdx_arena *a, const char *alias)
{
	const char *forms[] = { "%s/%s.kdx", "%s/aws/%s.kdx" };
	for (size_t f = 0; f < 2; f++)
		if (is_file(kdx_arena_printf(a, forms[f], kdx_stdlib_dir(), alias)))
			return kdx_arena_printf(a, f ? "aws/%s" : "%s", alias);
	return NULL;
}

int kdx_load_program(kdx_compilation *c, const kdx_compile_opts *opts)
{
	loader L = { .c = c, .opts = opts };
	c->prog = KDX_NEW(&c->arena, kdx_program);
	build_search_path(&L);
	kdx_module *m = parse_module(&L, opts->path, opts->path, true);
	if (m) {
		c->prog->main = m;
		c->ast = m->ast;
		push_module(c->prog, &c->arena, m);
		load_imports(&L, m);
		load_uses(&L, m);
	} else {
		L.rc = -1;
	}
	free(L.dirs);
	free(L.stack);
	free(L.ustack);
	return L.rc;
}
