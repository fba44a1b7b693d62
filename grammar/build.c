/* build: the parser's node constructors, and the checks that are easier on a built block
 * than in the grammar (which clauses a block allows, duplicates, fixed words). */
#include "internal.h"

#include <string.h>

void kdx_pvec_push(kdx_arena *a, kdx_pvec *vec, void *item)
{
	size_t n = vec->n;
	/* Capacity is implicit: the next power of two >= max(n, 4). In place when nothing
	 * came after the array. */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		size_t bytes = n * sizeof(void *);
		if (!n || !kdx_arena_extend(a, vec->v, bytes, bytes)) {
			void **nv = KDX_NEWN(a, void *, n ? n * 2 : 4);
			if (n)
				memcpy(nv, vec->v, bytes);
			vec->v = nv;
		}
	}
	vec->v[vec->n++] = item;
}

/* first: the capacity of the first block, a power of two. */
static void svec_push_from(kdx_arena *a, kdx_pvec *vec, const void *item, size_t size,
			   size_t first)
{
	size_t n = vec->n;
	if (n == 0 || (n >= first && (n & (n - 1)) == 0)) {
		size_t cap = n ? n * 2 : first;
		/* in place when nothing came after the array: a step's `after` names (the
		 * steps they name are interned already) */
		if (!n || !kdx_arena_extend(a, vec->v, n * size, n * size)) {
			unsigned char *nv = kdx_arena_alloc(a, cap * size);
			if (n)
				memcpy(nv, vec->v, n * size);
			vec->v = (void **)nv;
		}
	}
	memcpy((unsigned char *)vec->v + n * size, item, size);
	vec->n++;
}

void kdx_svec_push(kdx_arena *a, kdx_pvec *vec, const void *item, size_t size)
{
	svec_push_from(a, vec, item, size, 2);
}

kdx_loc kdx_b_loc(kdx_loc a, kdx_loc b)
{
	return (kdx_loc){ a.start, b.end };
}

kdx_ast_ident kdx_b_ident(kdx_pctx *ctx, const char *name, kdx_loc loc)
{
	return (kdx_ast_ident){ name, kdx_pspan(ctx, loc) };
}

kdx_ast_ident *kdx_b_idents(kdx_pctx *ctx, kdx_pvec v, size_t *n)
{
	*n = v.n;
	return v.n ? (kdx_ast_ident *)v.v : NULL; /* built by kdx_b_push_dotted */
}

kdx_ast_expr **kdx_b_exprs(kdx_pvec v, size_t *n)
{
	*n = v.n;
	return (kdx_ast_expr **)v.v;
}

void kdx_b_push_dotted(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_ident id)
{
	kdx_svec_push(ctx->arena, v, &id, sizeof(id));
}

kdx_ast_ident kdx_b_dotted(kdx_pctx *ctx, kdx_ast_ident a, const char *b, kdx_loc loc)
{
	char *joined = kdx_arena_printf(ctx->arena, "%s.%s", a.name, b);
	return (kdx_ast_ident){ kdx_intern_str(ctx->intern, joined), kdx_pspan(ctx, loc) };
}

kdx_ast_decl *kdx_b_decl(kdx_pctx *ctx, kdx_ast_decl_kind kind, kdx_loc loc, kdx_loc kw)
{
	kdx_ast_decl *d = KDX_NEW(ctx->arena, kdx_ast_decl);
	d->kind = kind;
	d->span = kdx_pspan(ctx, loc);
	d->kw_span = kdx_pspan(ctx, kw);
	return d;
}

void kdx_b_label(kdx_pctx *ctx, kdx_ast_decl *d, kdx_ast_expr *str)
{
	const char *lit = kdx_ast_string_literal(str);
	d->label.span = str->span;
	if (!lit) {
		kdx_diag *g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", str->span,
					   "the name of a '%s' must be a plain string",
					   kdx_ast_decl_kind_name(d->kind));
		kdx_diag_hint(g, "remove the ${...} interpolation");
		ctx->nsyntax++;
		lit = "";
	}
	d->label.name = kdx_intern_str(ctx->intern, lit);
}

/* Which items each kind of block may hold, as bit sets over kdx_ast_item_kind. */
#define BIT(k) (1ull << (k))
static const unsigned long long allowed[] = {
	[KDX_AST_RUNBOOK] = BIT(KDX_AST_ATTR),
	[KDX_AST_IMPORT] = 0,
	[KDX_AST_PARAM] = BIT(KDX_AST_ATTR),
	[KDX_AST_OBJECTIVES] = BIT(KDX_AST_ATTR),
	[KDX_AST_REGION] = BIT(KDX_AST_ATTR),
	[KDX_AST_RESOURCE] = BIT(KDX_AST_ATTR),
	[KDX_AST_STEP] = BIT(KDX_AST_ATTR) | BIT(KDX_AST_AFTER) | BIT(KDX_AST_DO) |
			 BIT(KDX_AST_UNDO) | BIT(KDX_AST_REQUIRE) | BIT(KDX_AST_WAIT) |
			 BIT(KDX_AST_WAIT_UNTIL) | BIT(KDX_AST_TIMEOUT) | BIT(KDX_AST_RETRY) |
			 BIT(KDX_AST_APPROVAL) | BIT(KDX_AST_IRREVERSIBLE) | BIT(KDX_AST_WHEN) |
			 BIT(KDX_AST_ON_FAILURE),
	[KDX_AST_SCENARIO] = BIT(KDX_AST_ATTR) | BIT(KDX_AST_FAIL_REGION) | BIT(KDX_AST_FAIL_STEP) |
			     BIT(KDX_AST_TIMEOUT_STEP) | BIT(KDX_AST_THROTTLE) | BIT(KDX_AST_LAG) |
			     BIT(KDX_AST_ALARM) | BIT(KDX_AST_DENY_APPROVAL) | BIT(KDX_AST_EXPECT) |
			     BIT(KDX_AST_EXPECT_STEP),
	[KDX_AST_OUTPUT] = 0,
	[KDX_AST_TYPE] = BIT(KDX_AST_ATTR) | BIT(KDX_AST_FIELD),
	[KDX_AST_ACTION] = BIT(KDX_AST_ATTR) | BIT(KDX_AST_DURATION) | BIT(KDX_AST_EFFECT) |
			   BIT(KDX_AST_READS) | BIT(KDX_AST_WRITES) | BIT(KDX_AST_SNAPSHOT) |
			   BIT(KDX_AST_UNDO) | BIT(KDX_AST_CALL) | BIT(KDX_AST_DO) | BIT(KDX_AST_LET) |
			   BIT(KDX_AST_WAIT) | BIT(KDX_AST_WAIT_UNTIL) | BIT(KDX_AST_RETURN) |
			   BIT(KDX_AST_REQUIRE),
	[KDX_AST_GROUP] = 0,
	[KDX_AST_USE] = BIT(KDX_AST_ATTR),
	[KDX_AST_STATE] = BIT(KDX_AST_ATTR),
};

/* Clauses a block may have at most once. */
static const unsigned long long single[] = {
	[KDX_AST_STEP] = BIT(KDX_AST_DO) | BIT(KDX_AST_UNDO) | BIT(KDX_AST_TIMEOUT) |
			 BIT(KDX_AST_RETRY) | BIT(KDX_AST_APPROVAL) | BIT(KDX_AST_IRREVERSIBLE) |
			 BIT(KDX_AST_WHEN) | BIT(KDX_AST_ON_FAILURE),
	[KDX_AST_ACTION] = BIT(KDX_AST_DURATION) | BIT(KDX_AST_EFFECT) | BIT(KDX_AST_UNDO) |
			   BIT(KDX_AST_READS) | BIT(KDX_AST_WRITES),
	[KDX_AST_OUTPUT] = 0,
	[KDX_AST_USE] = 0,
	[KDX_AST_STATE] = 0,
};

static bool one_of(const char *w, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(w, *words))
			return true;
	return false;
}

static void syntax_error_at(kdx_pctx *ctx, kdx_span span, const char *msg, const char *what,
			    const char *hint)
{
	kdx_diag *g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", span, msg, what);
	if (hint)
		kdx_diag_hint(g, "%s", hint);
	ctx->nsyntax++;
}

/* Fixed words: on_failure values, expect step states, call providers. */
static void check_words(kdx_pctx *ctx, const kdx_ast_item *it)
{
	static const char *const on_failure[] = { "rollback", "continue", "pause", NULL };
	static const char *const states[] = { "done", "failed", "skipped", "rolled_back", NULL };
	static const char *const providers[] = { "aws", "terraform", NULL };
	if (it->kind == KDX_AST_ON_FAILURE && !one_of(it->name.name, on_failure))
		syntax_error_at(ctx, it->name.span, "unknown on_failure policy '%s'", it->name.name,
				"use rollback, continue or pause");
	else if (it->kind == KDX_AST_EXPECT_STEP && !one_of(it->word.name, states))
		syntax_error_at(ctx, it->word.span, "unknown step state '%s'", it->word.name,
				"use done, failed, skipped or rolled_back");
	else if (it->kind == KDX_AST_CALL && !one_of(it->word.name, providers))
		syntax_error_at(ctx, it->word.span, "unknown call provider '%s'", it->word.name,
				"use 'call aws \"SERVICE\" \"Operation\" { ... }' or "
				"'call terraform \"COMMAND\" { ... }'");
}

static void check_duplicate(kdx_pctx *ctx, kdx_ast_decl *d, size_t i)
{
	const kdx_ast_item *it = d->items[i];
	bool attr = it->kind == KDX_AST_ATTR || it->kind == KDX_AST_FIELD;
	if (!attr && !(single[d->kind] & BIT(it->kind)))
		return;
	for (size_t j = 0; j < i; j++) {
		const kdx_ast_item *p = d->items[j];
		if (p->kind != it->kind || (attr && p->name.name != it->name.name))
			continue;
		kdx_diag *g;
		if (attr)
			g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", it->name.span,
					 "duplicate %s '%s'",
					 it->kind == KDX_AST_FIELD ? "field" : "attribute",
					 it->name.name);
		else
			g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", it->span,
					 "a %s may have only one '%s' clause",
					 kdx_ast_decl_kind_name(d->kind), kdx_ast_item_kind_name(it->kind));
		kdx_diag_note(g, attr ? p->name.span : p->span, "the first one is here");
		ctx->nsyntax++;
		return;
	}
}

void kdx_b_body(kdx_pctx *ctx, kdx_ast_decl *d, kdx_pvec items, kdx_loc loc)
{
	d->items = (kdx_ast_item **)items.v;
	d->nitems = items.n;
	d->has_body = true;
	d->body_span = kdx_pspan(ctx, loc);
	for (size_t i = 0; i < d->nitems; i++) {
		kdx_ast_item *it = d->items[i];
		if (d->kind == KDX_AST_RESOURCE && it->kind == KDX_AST_ATTR &&
		    !strcmp(it->name.name, "for_each"))
			d->for_each = it->expr;
		/* After a recovered error the items may belong to another block: checking
		 * them would only add noise. */
		if (items.bad)
			continue;
		if (!(allowed[d->kind] & BIT(it->kind))) {
			kdx_diag *g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", it->span,
						   "'%s' is not allowed in a '%s' block",
						   kdx_ast_item_kind_name(it->kind),
						   kdx_ast_decl_kind_name(d->kind));
			if (d->kind != KDX_AST_STEP && (allowed[KDX_AST_STEP] & BIT(it->kind)))
				kdx_diag_hint(g, "'%s' is a step clause",
					      kdx_ast_item_kind_name(it->kind));
			else if (d->kind != KDX_AST_SCENARIO &&
				 (allowed[KDX_AST_SCENARIO] & BIT(it->kind)))
				kdx_diag_hint(g, "'%s' belongs in a scenario",
					      kdx_ast_item_kind_name(it->kind));
			else if (d->kind != KDX_AST_ACTION && (allowed[KDX_AST_ACTION] & BIT(it->kind)))
				kdx_diag_hint(g, "'%s' belongs in an action",
					      kdx_ast_item_kind_name(it->kind));
			else if (d->kind != KDX_AST_TYPE && (allowed[KDX_AST_TYPE] & BIT(it->kind)))
				kdx_diag_hint(g, "'%s' belongs in a type",
					      kdx_ast_item_kind_name(it->kind));
			ctx->nsyntax++;
			continue;
		}
		check_words(ctx, it);
		check_duplicate(ctx, d, i);
	}
}

/* parallel NAME [after ...] { step ... }: a group holds steps only, and at least one. */
void kdx_b_group(kdx_pctx *ctx, kdx_ast_decl *d, kdx_pvec decls, kdx_loc loc)
{
	d->has_body = true;
	d->body_span = kdx_pspan(ctx, loc);
	d->decls = KDX_NEWN(ctx->arena, kdx_ast_decl *, decls.n + 1);
	for (size_t i = 0; i < decls.n; i++) {
		kdx_ast_decl *m = decls.v[i];
		if (m->kind == KDX_AST_STEP) {
			d->decls[d->ndecls++] = m;
			continue;
		}
		if (decls.bad)
			continue;
		kdx_diag *g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", m->kw_span,
					   "a 'parallel' block holds only steps, not '%s'",
					   kdx_ast_decl_kind_name(m->kind));
		kdx_diag_hint(g, "move the '%s' out of the block", kdx_ast_decl_kind_name(m->kind));
		ctx->nsyntax++;
	}
	if (!decls.n && !decls.bad) {
		kdx_diag *g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", d->name.span,
					   "parallel group '%s' is empty", d->name.name);
		kdx_diag_hint(g, "put the steps that run together inside its braces, or remove it");
		ctx->nsyntax++;
	}
}

void kdx_b_push_param(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_ident name, kdx_ast_type *type,
		      kdx_ast_expr *def, kdx_loc loc)
{
	kdx_ast_param *p = KDX_NEW(ctx->arena, kdx_ast_param);
	p->name = name;
	p->type = type;
	p->def = def;
	p->span = kdx_pspan(ctx, loc);
	kdx_pvec_push(ctx->arena, v, p);
}

void kdx_b_params(kdx_pctx *ctx, kdx_ast_decl *d, kdx_pvec v)
{
	d->nparams = v.n;
	if (!v.n)
		return;
	d->params = KDX_NEWN(ctx->arena, kdx_ast_param, v.n);
	for (size_t i = 0; i < v.n; i++)
		d->params[i] = *(kdx_ast_param *)v.v[i];
}

kdx_ast_type *kdx_b_type(kdx_pctx *ctx, kdx_ast_type_kind kind, const char *module,
			 const char *name, kdx_ast_type *elem, kdx_loc loc)
{
	kdx_ast_type *t = KDX_NEW(ctx->arena, kdx_ast_type);
	t->kind = kind;
	t->module = module;
	t->name = name;
	t->elem = elem;
	t->span = kdx_pspan(ctx, loc);
	return t;
}

kdx_ast_type *kdx_b_type_ctor(kdx_pctx *ctx, const char *name, kdx_loc nameloc,
			      kdx_ast_type *elem, kdx_loc loc)
{
	kdx_ast_type_kind kind = KDX_AST_T_LIST;
	if (!strcmp(name, "map")) {
		kind = KDX_AST_T_MAP;
	} else if (strcmp(name, "list")) {
		kdx_diag *g = kdx_diag_add(ctx->diags, KDX_ERROR, "syntax", kdx_pspan(ctx, nameloc),
					   "'%s' does not take a type argument", name);
		kdx_diag_hint(g, "the type constructors are list(T) and map(T)");
		ctx->nsyntax++;
	}
	return kdx_b_type(ctx, kind, NULL, name, elem, loc);
}

kdx_ast_item *kdx_b_item(kdx_pctx *ctx, kdx_ast_item_kind kind, kdx_loc loc)
{
	kdx_ast_item *it = KDX_NEW(ctx->arena, kdx_ast_item);
	it->kind = kind;
	it->span = kdx_pspan(ctx, loc);
	return it;
}

kdx_ast_expr *kdx_b_expr(kdx_pctx *ctx, kdx_ast_expr_kind kind, kdx_loc loc)
{
	kdx_ast_expr *e = KDX_NEW(ctx->arena, kdx_ast_expr);
	e->kind = kind;
	e->span = kdx_pspan(ctx, loc);
	return e;
}

kdx_ast_expr *kdx_b_name(kdx_pctx *ctx, const char *name, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_NAME, loc);
	e->u.name = name;
	return e;
}

kdx_ast_expr *kdx_b_number(kdx_pctx *ctx, kdx_ast_expr_kind kind, double v, const char *text,
			   kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, kind, loc);
	e->u.num.value = v;
	e->u.num.text = text;
	return e;
}

kdx_ast_expr *kdx_b_duration(kdx_pctx *ctx, int64_t ms, const char *text, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_DURATION, loc);
	e->u.dur.ms = ms;
	e->u.dur.text = text;
	return e;
}

kdx_ast_expr *kdx_b_bool(kdx_pctx *ctx, bool b, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_BOOL, loc);
	e->u.b = b;
	return e;
}

kdx_ast_expr *kdx_b_call(kdx_pctx *ctx, kdx_ast_expr *callee, kdx_pvec args, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_CALL, loc);
	e->u.call.callee = callee;
	e->u.call.nargs = args.n;
	if (args.n)
		e->u.call.args = (kdx_ast_arg *)args.v; /* built by kdx_b_push_arg */
	return e;
}

void kdx_b_push_arg(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_ident name, kdx_ast_expr *value,
		    kdx_loc loc)
{
	kdx_ast_arg a = { name.name, value, kdx_pspan(ctx, loc) }; /* loc starts with the name */
	kdx_svec_push(ctx->arena, v, &a, sizeof(a));
}

kdx_ast_expr *kdx_b_cond(kdx_pctx *ctx, kdx_ast_expr *c, kdx_ast_expr *a, kdx_ast_expr *b,
			 kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_COND, loc);
	e->u.cond.cond = c;
	e->u.cond.then = a;
	e->u.cond.otherwise = b;
	return e;
}

kdx_ast_expr *kdx_b_binary(kdx_pctx *ctx, kdx_ast_op op, kdx_ast_expr *l, kdx_ast_expr *r,
			   kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_BINARY, loc);
	e->u.binary.op = op;
	e->u.binary.lhs = l;
	e->u.binary.rhs = r;
	return e;
}

kdx_ast_expr *kdx_b_unary(kdx_pctx *ctx, kdx_ast_op op, kdx_ast_expr *x, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_UNARY, loc);
	e->u.unary.op = op;
	e->u.unary.operand = x;
	return e;
}

kdx_ast_expr *kdx_b_getattr(kdx_pctx *ctx, kdx_ast_expr *obj, kdx_ast_ident attr, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_GETATTR, loc);
	e->u.get.obj = obj;
	e->u.get.attr = attr.name;
	e->u.get.attr_start = attr.span.start;
	e->u.get.attr_end = attr.span.end;
	return e;
}

kdx_ast_expr *kdx_b_index(kdx_pctx *ctx, kdx_ast_expr *obj, kdx_ast_expr *idx, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_INDEX, loc);
	e->u.index.obj = obj;
	e->u.index.index = idx;
	return e;
}

kdx_ast_expr *kdx_b_list(kdx_pctx *ctx, kdx_pvec items, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_LIST, loc);
	e->u.list.items = (kdx_ast_expr **)items.v;
	e->u.list.n = items.n;
	return e;
}

kdx_ast_expr *kdx_b_map(kdx_pctx *ctx, kdx_pvec entries, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_MAP, loc);
	e->u.map.n = entries.n;
	if (entries.n)
		e->u.map.entries = (kdx_ast_entry *)entries.v; /* built by kdx_b_push_entry */
	return e;
}

void kdx_b_push_entry(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_key_kind kind, kdx_ast_ident ident,
		      kdx_ast_expr *key, kdx_ast_expr *value, kdx_loc loc)
{
	kdx_ast_entry en = { .ident = ident, .key = key, .value = value, .span = kdx_pspan(ctx, loc),
			     .key_kind = kind };
	/* Room for four from the start: an entry's value is allocated between two pushes, so
	 * the array cannot grow in place, and growing from two left 2 entries behind in every
	 * map of three or four (a region-weight map: 384 bytes, now 224). */
	svec_push_from(ctx->arena, v, &en, sizeof(en), 4);
}

kdx_ast_expr *kdx_b_comp(kdx_pctx *ctx, kdx_ast_expr_kind kind, kdx_ast_ident v1,
			 kdx_ast_ident v2, kdx_ast_expr *coll, kdx_ast_expr *key,
			 kdx_ast_expr *value, kdx_ast_expr *cond, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, kind, loc);
	e->u.comp = KDX_NEW(ctx->arena, kdx_ast_comp);
	e->u.comp->var1 = v1;
	e->u.comp->var2 = v2;
	e->u.comp->coll = coll;
	e->u.comp->key = key;
	e->u.comp->value = value;
	e->u.comp->cond = cond;
	return e;
}

kdx_ast_expr *kdx_b_string(kdx_pctx *ctx, kdx_pvec parts, kdx_loc loc)
{
	kdx_ast_expr *e = kdx_b_expr(ctx, KDX_AST_E_STRING, loc);
	e->u.str.n = parts.n;
	if (parts.n)
		e->u.str.parts = (kdx_ast_strpart *)parts.v; /* built by push_part */
	return e;
}

/* A string's pieces are built in place from a one-element array: almost every string is
 * one literal piece (40 bytes, where a piece of its own, a 4-pointer list and the copy
 * the string kept were 112). */
static void push_part(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_strpart part)
{
	svec_push_from(ctx->arena, v, &part, sizeof(part), 1);
}

void kdx_b_push_text(kdx_pctx *ctx, kdx_pvec *v, const char *text, size_t len, kdx_loc loc)
{
	if (v->n) {
		kdx_ast_strpart *last = (kdx_ast_strpart *)v->v + (v->n - 1);
		if (!last->expr) {
			/* Grow geometrically so a string of many escapes stays linear. The part
			 * moves when its array grows, so grow_part only matches while it is
			 * where it was (the arena never hands an address out twice). */
			size_t need = last->len + len + 1;
			if (ctx->grow_part != last || need > ctx->grow_cap) {
				size_t cap = 16;
				while (cap < need)
					cap *= 2;
				/* with the names, as the lexer's text (it outlives the tree) */
				char *buf = kdx_arena_alloc(ctx->intern->arena, cap);
				memcpy(buf, last->text, last->len);
				last->text = buf;
				ctx->grow_part = last;
				ctx->grow_cap = cap;
			}
			char *buf = (char *)last->text;
			memcpy(buf + last->len, text, len);
			last->len += len;
			buf[last->len] = '\0';
			last->span.end = loc.end;
			return;
		}
	}
	push_part(ctx, v, (kdx_ast_strpart){ .text = text, .len = len, .span = kdx_pspan(ctx, loc) });
}

void kdx_b_push_interp(kdx_pctx *ctx, kdx_pvec *v, kdx_ast_expr *e, kdx_loc loc)
{
	push_part(ctx, v, (kdx_ast_strpart){ .expr = e, .span = kdx_pspan(ctx, loc) });
}
