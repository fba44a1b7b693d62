/* lower_step: one step's clauses into a kdx_step -- edges (after and steps.NAME data
 * references), the effects of its action evaluated with the call's arguments, gates from
 * `require`, the undo's effects, and its timing figures. */
#include "lower.h"
#include "../common/hash.h"
#include "../common/suggest.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The step scratch (kdx_lower_scratch.step) is released between steps once it holds more
 * than this: most of its first 64 KiB block. */
#define STEP_SCRATCH_MAX (48 * 1024)

static kdx_diag *error(kdx_lowerer *L, kdx_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static kdx_diag *error(kdx_lowerer *L, kdx_span span, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	kdx_diag *g = kdx_diag_add(&L->c->diags, KDX_ERROR, "step", span, "%s", sb.buf);
	strbuf_release(&sb);
	return g;
}

/* ---- step names: an open-addressing table over interned pointers ---- */

void kdx_lower_build_table(kdx_lowerer *L)
{
	if (L->slots)
		return;
	/* at most 4/5 full: at half full the table was 3 MiB of lowering's high point at
	 * 100,000 steps (issue #19); a lookup probes ~3 slots (~13 for a name that is not a
	 * step's) at 0.8 */
	size_t n = 16;
	while (n * 4 < (L->nsteps + 1) * 5)
		n *= 2;
	L->nslots = n;
	L->slots = xcalloc(n, sizeof(*L->slots));
	L->slot_idx = xcalloc(n, sizeof(*L->slot_idx));
	for (size_t i = 0; i < L->nsteps; i++) {
		/* a nested runbook's steps by their NAME.STEP names (interned) */
		const char *name = L->prelowered && L->prelowered[i] ? L->all[i].name
								     : L->steps[i]->name.name;
		size_t h = kdx_hash_ptr(name) & (n - 1);
		while (L->slots[h] && L->slots[h] != name)
			h = (h + 1) & (n - 1);
		if (!L->slots[h]) { /* the first of duplicates wins (resolve reports the rest) */
			L->slots[h] = name;
			L->slot_idx[h] = (uint32_t)i;
		}
	}
}

long kdx_lower_find_step(const kdx_lowerer *L, const char *name)
{
	if (!L->nslots)
		return -1;
	/* Names from the AST are interned already: look the pointer up as it is, and intern
	 * (hash the text) only when that misses -- a name built elsewhere, or no such step. */
	size_t h = kdx_hash_ptr(name) & (L->nslots - 1);
	while (L->slots[h]) {
		if (L->slots[h] == name)
			return (long)L->slot_idx[h];
		h = (h + 1) & (L->nslots - 1);
	}
	const char *in = kdx_intern_n((kdx_intern *)&L->c->intern, name, strlen(name));
	if (in == name)
		return -1;
	h = kdx_hash_ptr(in) & (L->nslots - 1);
	while (L->slots[h]) {
		if (L->slots[h] == in)
			return (long)L->slot_idx[h];
		h = (h + 1) & (L->nslots - 1);
	}
	return -1;
}

void kdx_lower_unknown_step(kdx_lowerer *L, const char *name, kdx_span span)
{
	kdx_diag *g = error(L, span, "unknown step '%s'", name);
	kdx_suggest s;
	kdx_suggest_init(&s, name);
	for (size_t i = 0; i < L->nsteps; i++)
		kdx_suggest_add(&s, L->prelowered && L->prelowered[i] ? L->all[i].name
								    : L->steps[i]->name.name);
	for (size_t i = 0; i < L->ngroups; i++)
		kdx_suggest_add(&s, L->groups[i].decl->name.name);
	const char *best = kdx_suggest_result(&s);
	if (best)
		kdx_diag_hint(g, "did you mean '%s'?", best);
}

static void add_edge(kdx_lowerer *L, size_t to, size_t from, kdx_edge_kind kind, kdx_span span)
{
	kdx_edge_list *el = &L->edges[to];
	for (size_t i = 0; i < el->n; i++)
		if (el->items[i].from == from)
			return; /* one edge per pair; `after` is written first, so it wins */
	if (el->n == el->alloc) {
		/* in the compilation's arena, not malloc: most steps have 1-4 edges, and a
		 * malloc'd list of XGROW's first 8 with its header was 176 bytes a step, 26 MB
		 * at 100,000 steps. The list becomes the step's preds as it is (finish_steps),
		 * not a copy made while the lists still lived: 6 MiB of lowering's high point
		 * (issue #19). A list outgrown leaves its array behind, in place when it can. */
		size_t cap = el->alloc ? 2 * el->alloc : 4;
		kdx_arena *a = &L->c->arena;
		if (el->n && kdx_arena_extend(a, el->items, el->alloc * sizeof(kdx_edge),
					      (cap - el->alloc) * sizeof(kdx_edge))) {
			el->alloc = cap;
		} else {
			kdx_edge *items = KDX_NEWN(a, kdx_edge, cap);
			if (el->n)
				memcpy(items, el->items, el->n * sizeof(*items));
			el->items = items;
			el->alloc = cap;
		}
	}
	el->items[el->n++] = (kdx_edge){ (uint32_t)from, kind, span };
}

static void after_edge(kdx_lowerer *L, const kdx_ast_ident *id)
{
	long f = kdx_lower_find_step(L, id->name);
	long g = f < 0 ? kdx_lower_find_group(L, id->name) : -1;
	if (g >= 0) {
		/* after a group or a nested runbook: after every step in it */
		const kdx_lower_group *gr = &L->groups[g];
		if (L->cur >= gr->first && L->cur < gr->first + gr->n) {
			kdx_diag *e = error(L, id->span, "step '%s' cannot run after its own %s '%s'",
					    L->steps[L->cur]->name.name,
					    gr->decl->kind == KDX_AST_GROUP ? "group" : "runbook",
					    id->name);
			kdx_diag_note(e, gr->decl->name.span, "'%s' is declared here", id->name);
			return;
		}
		for (size_t k = 0; k < gr->n; k++)
			if (!gr->sink || gr->sink[k])
				add_edge(L, L->cur, gr->first + k, KDX_EDGE_AFTER, id->span);
		return;
	}
	if (f < 0)
		kdx_lower_unknown_step(L, id->name, id->span);
	else if ((size_t)f == L->cur)
		error(L, id->span, "step '%s' cannot run after itself", id->name);
	else
		add_edge(L, L->cur, (size_t)f, KDX_EDGE_AFTER, id->span);
}

void kdx_lower_after(kdx_lowerer *L, size_t cur, const kdx_ast_ident *id)
{
	L->cur = cur;
	after_edge(L, id);
}

/* steps.NAME: the result of step NAME, known at run time; adds a data edge. */
static int step_ref(kdx_eval *ev, const char *name, kdx_span span, kdx_value **out)
{
	kdx_lowerer *L = ev->ctx;
	(void)out;
	if (L->prefix)
		return kdx_eval_error(ev, span, "use the step's clauses or an action result instead",
				      "steps.%s cannot be used in a runbook that another one uses "
				      "(nested runbook '%s')", name, L->prefix);
	long f = kdx_lower_find_step(L, name);
	if (f < 0) {
		kdx_lower_unknown_step(L, name, span);
		return -1;
	}
	if ((size_t)f == L->cur)
		return kdx_eval_error(ev, span, NULL, "step '%s' cannot use its own result", name);
	add_edge(L, L->cur, (size_t)f, KDX_EDGE_DATA, span);
	return 1;
}

/* ---- effects ---- */

/* A step's effect lists while it is lowered: the first EFFECTS_HERE in the struct (on
 * the stack), more in a malloc'd array. Nearly every step has one or two effects; a
 * malloc and free for each list of each step were 1.5 % of `kdx check` (issue #19,
 * round 8). Not to be copied (items may point into it). */
#define EFFECTS_HERE 4
typedef struct effects {
	kdx_effect *items;
	size_t n, alloc;
	kdx_effect here[EFFECTS_HERE];
} effects;

static void effects_release(effects *E)
{
	if (E->items != E->here)
		free(E->items);
}

static kdx_effect *push(effects *E, kdx_effect_kind k, kdx_span span)
{
	if (!E->items) {
		E->items = E->here;
		E->alloc = EFFECTS_HERE;
	} else if (E->n == E->alloc && E->items == E->here) {
		E->alloc = 2 * EFFECTS_HERE;
		E->items = xmalloc(E->alloc * sizeof(*E->items));
		memcpy(E->items, E->here, sizeof(E->here));
	}
	XGROW(E->items, E->n + 1, E->alloc);
	kdx_effect *e = &E->items[E->n++];
	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->resource = -1;
	e->region = -1;
	e->span = span;
	return e;
}

static int32_t res_index(kdx_lowerer *L, const kdx_value *v)
{
	const kdx_res_ref *r = v ? kdx_eval_resource(&L->ev, v) : NULL;
	return r ? r->index : -1;
}

static int32_t region_arg(kdx_lowerer *L, const kdx_value *v, kdx_span span, const char *prim)
{
	if (!v)
		return -1;
	const char *name = kdx_value_text(v);
	int32_t r = kdx_lower_region(L, name);
	if (r < 0) {
		if (v->kind == KDX_V_NULL)
			error(L, span, "'%s' needs a region, but the value is null (does the resource set 'region'?)",
			      prim);
		else if (!name)
			error(L, span, "'%s' needs a region, got %s", prim, kdx_type_of_value(&L->ev, v));
		else {
			kdx_diag *g = error(L, span, "unknown region '%s'", name);
			const char *s = kdx_suggest_best(name, L->region_names, L->plan->nregions);
			if (s)
				kdx_diag_hint(g, "did you mean '%s'?", s);
		}
	}
	return r;
}

/* weights: a map naming every declared region once, with percents. NULL = run time. */
static double *weights_arg(kdx_lowerer *L, const kdx_value *m, kdx_span span)
{
	if (!m)
		return NULL;
	size_t nr = L->plan->nregions;
	double *w = KDX_NEWN(&L->c->arena, double, nr + 1);
	bool *set = KDX_NEWN(&L->scratch->step, bool, nr + 1);
	if (m->kind != KDX_V_MAP) {
		error(L, span, "weights must be a map of region to percent, got %s",
		      kdx_type_of_value(&L->ev, m));
		return NULL;
	}
	bool ok = true;
	for (size_t i = 0; i < m->u.map.n; i++) {
		int32_t r = region_arg(L, kdx_value_string(&L->c->arena, m->u.map.keys[i]), span,
				       "set_weights");
		if (r < 0) {
			ok = false;
			continue;
		}
		const kdx_value *v = m->u.map.vals[i];
		if (v->kind != KDX_V_PERCENT) {
			error(L, span, "the weight of '%s' must be a percent, got %s", m->u.map.keys[i],
			      kdx_type_of_value(&L->ev, v));
			ok = false;
			continue;
		}
		w[r] = v->u.num;
		set[r] = true;
	}
	for (size_t i = 0; ok && i < nr; i++) {
		if (!set[i]) {
			kdx_diag *g = error(L, span, "the weights do not say what region '%s' gets",
					    L->plan->regions[i].name);
			kdx_diag_hint(g, "give every region a weight, e.g. \"%s\" = 0%%",
				      L->plan->regions[i].name);
			ok = false;
		}
	}
	return ok ? w : NULL;
}

/* e evaluated for a figure or a decision the step keeps as plain data (a duration, a
 * count, a condition decided now): the value and whatever its evaluation allocates go
 * with the step's scratch -- 9 MiB of durations at 100,000 steps (issue #19). Not for an
 * action call that is bound (kdx_bind_ast memoises expressions in ev.arena). */
static int eval_now(kdx_lowerer *L, const kdx_env *env, const kdx_ast_expr *e, kdx_value **out)
{
	kdx_arena *kept = L->ev.arena;
	L->ev.arena = &L->scratch->step;
	int r = kdx_eval_ast(&L->ev, env, e, out);
	L->ev.arena = kept;
	return r;
}

/* a's effects then b's (b may be NULL) into the plan, at their exact size: every step has
 * two effect lists, and a spare element each was 10.7 MB at 100,000 steps (issue #19).
 * Without any, the list is one empty array every such list shares. */
static kdx_effect *effects_keep(kdx_lowerer *L, const effects *a, const effects *b)
{
	size_t nb = b ? b->n : 0;
	if (!a->n && !nb) {
		if (!L->scratch->no_effects)
			L->scratch->no_effects = KDX_NEW(&L->c->arena, kdx_effect);
		return L->scratch->no_effects;
	}
	kdx_effect *k = KDX_NEWN(&L->c->arena, kdx_effect, a->n + nb);
	if (a->n)
		memcpy(k, a->items, a->n * sizeof(*k));
	if (nb)
		memcpy(k + a->n, b->items, nb * sizeof(*k));
	return k;
}

/* The first letter before the strcmp: an effect's primitive is tested against up to 13
 * names, for every effect of every step (issue #19). */
static bool prim_is(const char *prim, const char *name)
{
	return prim[0] == name[0] && !strcmp(prim, name);
}

/* The effects an action declares, with its parameters bound to a call's arguments. */
static void action_effects(kdx_lowerer *L, const kdx_bound_call *bc, kdx_span span, effects *E)
{
	const kdx_env *env = NULL;
	kdx_env *b = KDX_NEWN(&L->scratch->step, kdx_env, bc->nargs + 1);
	for (size_t i = 0; i < bc->nargs; i++) {
		b[i] = (kdx_env){ env, bc->params[i], bc->args[i] };
		env = &b[i];
	}
	const kdx_module *saved = L->ev.module;
	L->ev.module = bc->module;
	for (size_t i = 0; i < bc->decl->nitems; i++) {
		const kdx_ast_item *it = bc->decl->items[i];
		if (it->kind != KDX_AST_EFFECT)
			continue;
		for (size_t j = 0; j < it->nlist; j++) {
			const kdx_ast_expr *pe = it->list[j];
			if (pe->kind != KDX_AST_E_CALL || pe->u.call.callee->kind != KDX_AST_E_NAME)
				continue;
			const char *prim = pe->u.call.callee->u.name;
			kdx_value *a[2] = { NULL, NULL };
			for (size_t k = 0; k < pe->u.call.nargs && k < 2; k++)
				if (eval_now(L, env, pe->u.call.args[k].value, &a[k]))
					a[k] = NULL;
			kdx_effect *e;
			if (prim_is(prim, "set_weights")) {
				e = push(E, KDX_EFF_SET_WEIGHTS, span);
				e->resource = res_index(L, a[0]);
				e->weights = weights_arg(L, a[1], span);
			} else if (prim_is(prim, "set_capacity")) {
				e = push(E, KDX_EFF_SET_CAPACITY, span);
				e->region = region_arg(L, a[0], span, prim);
				/* -1: restore what a snapshot saw (known only at run time) */
				e->pct = a[1] && a[1]->kind == KDX_V_PERCENT ? a[1]->u.num : -1;
			} else if (prim_is(prim, "promote") || prim_is(prim, "switchover")) {
				e = push(E, KDX_EFF_PROMOTE, span);
				e->resource = res_index(L, a[0]);
				e->region = region_arg(L, a[1], span, prim);
				e->graceful = prim[0] == 's';
			} else if (prim_is(prim, "fence") || prim_is(prim, "unfence")) {
				e = push(E, prim[0] == 'f' ? KDX_EFF_FENCE : KDX_EFF_UNFENCE, span);
				e->resource = res_index(L, a[0]);
				e->region = region_arg(L, a[1], span, prim);
			} else if (prim_is(prim, "observe_lag")) {
				e = push(E, KDX_EFF_READ, span);
				e->resource = res_index(L, a[0]);
				e->region = region_arg(L, a[1], span, prim);
			} else if (prim_is(prim, "observe_health")) {
				e = push(E, KDX_EFF_READ, span);
				e->region = region_arg(L, a[0], span, prim);
			} else if (prim_is(prim, "set_health")) {
				e = push(E, KDX_EFF_SET_HEALTH, span);
				e->region = region_arg(L, a[0], span, prim);
				e->flag = a[1] && a[1]->kind == KDX_V_BOOL && a[1]->u.b;
			} else if (prim_is(prim, "set_alarm")) {
				e = push(E, KDX_EFF_SET_ALARM, span);
				e->resource = res_index(L, a[0]);
				e->flag = a[1] && a[1]->kind == KDX_V_BOOL && a[1]->u.b;
			} else if (prim_is(prim, "write") || prim_is(prim, "read")) {
				e = push(E, prim[0] == 'w' ? KDX_EFF_WRITE : KDX_EFF_READ, span);
				e->resource = res_index(L, a[0]);
			}
		}
	}
	L->ev.module = saved;
}

/* Which primitive a called action observes: "observe_lag", "observe_health" or NULL. */
static const kdx_ast_expr *observed(const kdx_ast_decl *act, const char *prim)
{
	for (size_t i = 0; i < act->nitems; i++) {
		const kdx_ast_item *it = act->items[i];
		for (size_t j = 0; it->kind == KDX_AST_EFFECT && j < it->nlist; j++) {
			const kdx_ast_expr *pe = it->list[j];
			if (pe->kind == KDX_AST_E_CALL && pe->u.call.callee->kind == KDX_AST_E_NAME &&
			    !strcmp(pe->u.call.callee->u.name, prim))
				return pe;
		}
	}
	return NULL;
}

/* Bind a call in a step (errors reported unless quiet); NULL when it is not an action. */
static kdx_bound_call *bind_step_call(kdx_lowerer *L, const kdx_ast_expr *e, bool quiet)
{
	if (!e || e->kind != KDX_AST_E_CALL)
		return NULL;
	const kdx_module *owner;
	const kdx_ast_decl *act = kdx_resolve_action(L->ev.module, e->u.call.callee, &owner);
	if (!act)
		return NULL;
	kdx_bound_call *bc = KDX_NEW(&L->scratch->step, kdx_bound_call);
	kdx_diags *saved = L->ev.diags;
	if (quiet)
		L->ev.diags = NULL;
	L->ev.scratch = &L->scratch->step; /* the call dies with the step */
	int r = kdx_bind_ast(&L->ev, L->genv, e, act, owner, bc);
	L->ev.scratch = NULL;
	L->ev.diags = saved;
	return r && !quiet ? NULL : bc;
}

static bool is_cmp(kdx_ast_op op)
{
	return op >= KDX_AST_OP_LT && op <= KDX_AST_OP_NE;
}

/* Every action call inside e adds the effects it declares (reads and observations). */
static void call_reads(kdx_lowerer *L, const kdx_ast_expr *e, effects *E)
{
	if (!e)
		return;
	switch (e->kind) {
	case KDX_AST_E_CALL: {
		kdx_bound_call *bc = bind_step_call(L, e, true);
		if (bc)
			action_effects(L, bc, e->span, E);
		for (size_t i = 0; i < e->u.call.nargs; i++)
			call_reads(L, e->u.call.args[i].value, E);
		break;
	}
	case KDX_AST_E_BINARY:
		call_reads(L, e->u.binary.lhs, E);
		call_reads(L, e->u.binary.rhs, E);
		break;
	case KDX_AST_E_UNARY: call_reads(L, e->u.unary.operand, E); break;
	case KDX_AST_E_COND:
		call_reads(L, e->u.cond.cond, E);
		call_reads(L, e->u.cond.then, E);
		call_reads(L, e->u.cond.otherwise, E);
		break;
	default: break;
	}
}

/* `require X <= B` where X observes lag is a lag gate with bound B; `require H == V` or a
 * bare call where H observes health is a health gate. Conjunctions are split; anything
 * else only reads. */
static void gates(kdx_lowerer *L, const kdx_ast_expr *e, effects *E)
{
	if (e->kind == KDX_AST_E_BINARY && e->u.binary.op == KDX_AST_OP_AND) {
		gates(L, e->u.binary.lhs, E);
		gates(L, e->u.binary.rhs, E);
		return;
	}
	const kdx_ast_expr *call = NULL, *bound = NULL;
	kdx_ast_op op = KDX_AST_OP_EQ;
	if (e->kind == KDX_AST_E_CALL) {
		call = e;
	} else if (e->kind == KDX_AST_E_BINARY && is_cmp(e->u.binary.op)) {
		op = e->u.binary.op;
		bool lcall = e->u.binary.lhs->kind == KDX_AST_E_CALL;
		call = lcall ? e->u.binary.lhs : e->u.binary.rhs;
		bound = lcall ? e->u.binary.rhs : e->u.binary.lhs;
		if (!lcall) /* B >= X is X <= B */
			op = op == KDX_AST_OP_GE ? KDX_AST_OP_LE : op == KDX_AST_OP_GT ? KDX_AST_OP_LT : op;
	}
	kdx_bound_call *bc = call && call->kind == KDX_AST_E_CALL ? bind_step_call(L, call, true) : NULL;
	if (!bc) {
		call_reads(L, e, E);
		return;
	}
	size_t n0 = E->n;
	action_effects(L, bc, call->span, E);
	bool lag = observed(bc->decl, "observe_lag") && (op == KDX_AST_OP_LE || op == KDX_AST_OP_LT);
	bool health = observed(bc->decl, "observe_health") && op == KDX_AST_OP_EQ;
	kdx_value *b = NULL;
	if (lag && bound && eval_now(L, L->genv, bound, &b) == 0 && b->kind != KDX_V_DURATION) {
		error(L, bound->span, "a lag gate compares the lag with a duration, got %s",
		      kdx_type_of_value(&L->ev, b));
		b = NULL;
	}
	for (size_t i = n0; i < E->n; i++) {
		kdx_effect *x = &E->items[i];
		if (x->kind != KDX_EFF_READ || x->region < 0)
			continue;
		if (lag && b && x->resource >= 0) {
			x->kind = KDX_EFF_LAG_GATE;
			x->ms = b->u.ms;
			x->span = e->span;
		} else if (health && x->resource < 0) {
			x->kind = KDX_EFF_HEALTH_GATE;
			x->span = e->span;
		}
	}
	for (size_t i = 0; i < call->u.call.nargs; i++)
		call_reads(L, call->u.call.args[i].value, E);
}


static int64_t eval_ms(kdx_lowerer *L, const kdx_ast_expr *e, const char *what, const kdx_env *env)
{
	kdx_value *v;
	if (!e || eval_now(L, env, e, &v))
		return 0;
	if (v->kind != KDX_V_DURATION) {
		error(L, e->span, "%s must be a duration, got %s", what, kdx_type_of_value(&L->ev, v));
		return 0;
	}
	if (v->u.ms < 0) {
		error(L, e->span, "%s must not be negative", what);
		return 0;
	}
	return v->u.ms;
}

/* The action's own undo, bound in the action's scope (snapshots are known at run time). */
static kdx_bound_call *own_undo(kdx_lowerer *L, const kdx_bound_call *bc)
{
	const kdx_ast_item *u = NULL;
	for (size_t i = 0; i < bc->decl->nitems; i++)
		if (bc->decl->items[i]->kind == KDX_AST_UNDO)
			u = bc->decl->items[i];
	if (!u || u->none || !u->expr || u->expr->kind != KDX_AST_E_CALL)
		return NULL;
	const kdx_env *env = NULL;
	size_t nsnap = 0; /* room for the snapshots only: an action has many other items */
	for (size_t i = 0; i < bc->decl->nitems; i++)
		nsnap += bc->decl->items[i]->kind == KDX_AST_SNAPSHOT;
	kdx_env *b = KDX_NEWN(&L->scratch->step, kdx_env, bc->nargs + nsnap + 1);
	size_t k = 0;
	for (size_t i = 0; i < bc->nargs; i++, k++) {
		b[k] = (kdx_env){ env, bc->params[i], bc->args[i] };
		env = &b[k];
	}
	for (size_t i = 0; i < bc->decl->nitems; i++)
		if (bc->decl->items[i]->kind == KDX_AST_SNAPSHOT) {
			b[k] = (kdx_env){ env, bc->decl->items[i]->name.name, NULL };
			env = &b[k++];
		}
	const kdx_module *saved = L->ev.module;
	L->ev.module = bc->module;
	const kdx_module *owner;
	const kdx_ast_decl *act = kdx_resolve_action(bc->module, u->expr->u.call.callee, &owner);
	kdx_bound_call *ub = NULL;
	if (act) {
		ub = KDX_NEW(&L->scratch->step, kdx_bound_call);
		L->ev.scratch = &L->scratch->step; /* the call dies with the step */
		if (kdx_bind_ast(&L->ev, env, u->expr, act, owner, ub))
			ub = NULL;
		L->ev.scratch = NULL;
	}
	L->ev.module = saved;
	return ub;
}

static void action_duration(kdx_lowerer *L, const kdx_bound_call *bc, kdx_step *s)
{
	const kdx_ast_item *d = NULL;
	for (size_t i = 0; i < bc->decl->nitems; i++)
		if (bc->decl->items[i]->kind == KDX_AST_DURATION)
			d = bc->decl->items[i];
	if (!d)
		return;
	/* the parameters are in scope: core.sleep(d) declares `duration d..d` */
	const kdx_env *env = NULL;
	kdx_env *b = KDX_NEWN(&L->scratch->step, kdx_env, bc->nargs + 1);
	for (size_t i = 0; i < bc->nargs; i++) {
		b[i] = (kdx_env){ env, bc->params[i], bc->args[i] };
		env = &b[i];
	}
	const kdx_module *saved = L->ev.module;
	L->ev.module = bc->module;
	s->duration_min_ms = eval_ms(L, d->expr, "duration", env);
	s->duration_max_ms = eval_ms(L, d->max, "duration", env);
	/* the first `wait until` of the body: its `every` caps the polling schedule. Quietly:
	 * `every` may name a `let` known only at run time (then the default 1s stands), and
	 * the interpreter reports a bad one when it runs. */
	for (size_t i = 0; i < bc->decl->nitems && !s->poll_every_ms; i++) {
		const kdx_ast_item *w = bc->decl->items[i];
		if (w->kind != KDX_AST_WAIT_UNTIL)
			continue;
		kdx_value *v;
		kdx_diags *quiet = L->ev.diags;
		L->ev.diags = NULL;
		s->poll_every_ms = w->every && !eval_now(L, env, w->every, &v) &&
						   v->kind == KDX_V_DURATION && v->u.ms > 0
					   ? v->u.ms
					   : 1000;
		L->ev.diags = quiet;
	}
	L->ev.module = saved;
}

static const kdx_ast_expr *req_list_push(kdx_lowerer *L, kdx_step_body *b, const kdx_ast_expr *e)
{
	const kdx_ast_expr **n = KDX_NEWN(&L->scratch->step, const kdx_ast_expr *, b->nrequires + 1);
	if (b->nrequires)
		memcpy(n, b->requires, b->nrequires * sizeof(*n));
	n[b->nrequires++] = e;
	b->requires = n;
	return e;
}

static void wait_list_push(kdx_lowerer *L, kdx_step_body *b, const kdx_ast_item *it)
{
	const kdx_ast_item **n = KDX_NEWN(&L->scratch->step, const kdx_ast_item *, b->nwaits + 1);
	if (b->nwaits)
		memcpy(n, b->waits, b->nwaits * sizeof(*n));
	n[b->nwaits++] = it;
	b->waits = n;
}

/* A condition is a bool; one that is false already at compile time is worth a warning. */
static void check_cond(kdx_lowerer *L, const kdx_ast_expr *e, const char *what)
{
	kdx_value *v;
	if (eval_now(L, L->genv, e, &v) != 0)
		return;
	if (v->kind != KDX_V_BOOL)
		error(L, e->span, "a condition must be a bool, got %s", kdx_type_of_value(&L->ev, v));
	else if (!v->u.b)
		kdx_diag_add(&L->c->diags, KDX_WARNING, "step", e->span,
			     "this %s is false whatever happens at run time", what);
}

static void lower_do(kdx_lowerer *L, const kdx_ast_item *it, kdx_step *s, kdx_step_body *body,
		     effects *E)
{
	if (it->expr->kind != KDX_AST_E_CALL) {
		error(L, it->expr->span, "'do' needs an action call, e.g. do route53.set_weights(api, w)");
		return;
	}
	kdx_value *ignored;
	const kdx_module *owner;
	if (!kdx_resolve_action(L->ev.module, it->expr->u.call.callee, &owner)) {
		(void)kdx_eval_ast(&L->ev, L->genv, it->expr, &ignored); /* reports it */
		return;
	}
	kdx_bound_call *bc = bind_step_call(L, it->expr, false);
	if (!bc)
		return;
	body->do_call = bc;
	s->action = bc->action;
	s->action_span = it->expr->span;
	action_effects(L, bc, it->expr->span, E);
	action_duration(L, bc, s);
}

static void lower_clause(kdx_lowerer *L, const kdx_ast_item *it, kdx_step *s, kdx_step_body *body,
			 effects *gate, effects *E, const kdx_ast_item **undo)
{
	kdx_value *v;
	switch (it->kind) {
	case KDX_AST_ATTR:
		if (strcmp(it->name.name, "description")) {
			kdx_diag *g = error(L, it->name.span, "unknown attribute '%s' in step", it->name.name);
			if (kdx_suggest_distance(it->name.name, "description") <= 3)
				kdx_diag_hint(g, "did you mean 'description'?");
		} else {
			(void)eval_now(L, L->genv, it->expr, &v);
		}
		break;
	case KDX_AST_AFTER:
		for (size_t i = 0; i < it->nnames; i++)
			after_edge(L, &it->names[i]);
		break;
	case KDX_AST_DO:
		if (body->do_call || s->action)
			error(L, it->span, "a step has at most one 'do'");
		else
			lower_do(L, it, s, body, E);
		break;
	case KDX_AST_UNDO: *undo = it; break;
	case KDX_AST_REQUIRE:
		check_cond(L, req_list_push(L, body, it->expr), "require");
		gates(L, it->expr, gate);
		break;
	case KDX_AST_WAIT:
		wait_list_push(L, body, it);
		s->wait_ms += eval_ms(L, it->expr, "wait", L->genv);
		break;
	case KDX_AST_WAIT_UNTIL:
		wait_list_push(L, body, it);
		check_cond(L, it->expr, "wait until");
		s->wait_ms += eval_ms(L, it->within, "within", L->genv);
		(void)eval_ms(L, it->every, "every", L->genv);
		break;
	case KDX_AST_TIMEOUT: s->timeout_ms = eval_ms(L, it->expr, "timeout", L->genv); break;
	case KDX_AST_RETRY:
		if (eval_now(L, L->genv, it->expr, &v) == 0) {
			if (v->kind != KDX_V_NUMBER || v->u.num < 0 || v->u.num != floor(v->u.num) ||
			    v->u.num > 100)
				error(L, it->expr->span, "retry takes a whole number from 0 to 100, got %s",
				      kdx_type_of_value(&L->ev, v));
			else
				s->attempts = 1 + (int)v->u.num;
		}
		s->backoff_ms = eval_ms(L, it->backoff, "backoff", L->genv);
		break;
	case KDX_AST_APPROVAL:
		s->approval = true;
		if (it->expr && eval_now(L, L->genv, it->expr, &v) == 0) {
			if (v->kind != KDX_V_BOOL)
				error(L, it->expr->span, "a condition must be a bool, got %s",
				      kdx_type_of_value(&L->ev, v));
			else
				s->approval = v->u.b;
		}
		if (it->word.name && strcmp(it->word.name, "min")) {
			error(L, it->word.span, "an approval gate takes `min = N`, not `%s`",
			      it->word.name);
		} else if (it->value && eval_now(L, L->genv, it->value, &v) == 0) {
			if (v->kind != KDX_V_NUMBER || v->u.num < 1 || v->u.num > 20 ||
			    v->u.num != floor(v->u.num))
				error(L, it->value->span, "approval min takes a whole number from 1 to "
				      "20 (distinct approvers), got %s", kdx_type_of_value(&L->ev, v));
			else
				s->approval_min = (int)v->u.num;
		}
		break;
	case KDX_AST_IRREVERSIBLE: s->irreversible = true; break;
	case KDX_AST_WHEN: {
		int r = eval_now(L, L->genv, it->expr, &v);
		if (r == 1)
			s->conditional = true;
		else if (r == 0 && v->kind != KDX_V_BOOL)
			error(L, it->expr->span, "a condition must be a bool, got %s",
			      kdx_type_of_value(&L->ev, v));
		else if (r == 0 && !v->u.b)
			L->removed[L->cur] = true;
		break;
	}
	case KDX_AST_ON_FAILURE: {
		const char *w = it->word.name ? it->word.name : it->name.name;
		if (w && !strcmp(w, "continue"))
			s->on_failure = KDX_ON_FAILURE_CONTINUE;
		else if (w && !strcmp(w, "pause"))
			s->on_failure = KDX_ON_FAILURE_PAUSE;
		else if (!w || strcmp(w, "rollback"))
			error(L, it->span, "on_failure is rollback, continue or pause");
		break;
	}
	default:
		error(L, it->span, "'%s' is not a step clause", kdx_ast_item_kind_name(it->kind));
		break;
	}
}

static void lower_undo(kdx_lowerer *L, const kdx_ast_item *undo, kdx_step *s, kdx_step_body *body)
{
	effects U = { 0 };
	kdx_bound_call *ub = NULL;
	if (undo && !undo->none) {
		ub = bind_step_call(L, undo->expr, false);
		if (!ub && undo->expr)
			error(L, undo->expr->span, "'undo' needs an action call or 'none'");
	} else if (!undo && body->do_call) {
		ub = own_undo(L, body->do_call);
		body->undo_is_actions_own = ub != NULL;
	}
	if (ub) {
		body->undo_call = ub;
		s->undo_action = ub->action;
		s->has_undo = true;
		action_effects(L, ub, undo && undo->expr ? undo->expr->span : s->action_span, &U);
	}
	s->undo_effects = effects_keep(L, &U, NULL);
	s->nundo_effects = U.n;
	effects_release(&U);
}

/* What the do action says about telling whether it took effect (issue #20.3, #20.9): an
 * action that mutates with an empty effect (a notification) is journalled like any change;
 * one that cannot be verified and is not repeatable may not be retried blindly. */
void kdx_lower_read_back(const kdx_ast_decl *act, bool *unverifiable, bool *repeatable,
			 const char **why)
{
	const kdx_ast_item *u = act ? kdx_ast_find_attr(act, "unverifiable") : NULL;
	const kdx_ast_item *rp = act ? kdx_ast_find_attr(act, "repeatable") : NULL;
	const kdx_ast_expr *e = u ? u->expr : NULL;
	*unverifiable = u != NULL;
	*repeatable = rp && rp->expr->kind == KDX_AST_E_BOOL && rp->expr->u.b;
	*why = e && e->kind == KDX_AST_E_STRING && e->u.str.n == 1 ? e->u.str.parts[0].text : NULL;
}

static void check_verifiable(kdx_lowerer *L, const kdx_ast_decl *d, kdx_step *s,
			     const kdx_step_body *body)
{
	const kdx_action_facts *uf = kdx_lower_facts(L, body->undo_call);
	s->undo_unverifiable = uf && uf->unverifiable;
	s->undo_repeatable = uf && uf->repeatable;
	s->undo_unverifiable_why = uf ? uf->unverifiable_why : NULL;
	const kdx_action_facts *f = kdx_lower_facts(L, body->do_call);
	if (!f)
		return;
	if (f->mutates)
		s->mutating = true;
	s->unverifiable = f->unverifiable;
	s->repeatable = f->repeatable;
	s->unverifiable_why = f->unverifiable_why;
	if (s->unverifiable && !s->repeatable && s->attempts > 1 && !s->approval) {
		const kdx_ast_item *r = NULL;
		for (size_t k = 0; k < d->nitems && !r; k++)
			if (d->items[k]->kind == KDX_AST_RETRY)
				r = d->items[k];
		kdx_diag *g = error(L, r ? r->span : s->span,
				    "step '%s' retries '%s', which cannot be verified: a retry after a "
				    "lost answer could do it twice", s->name, s->action);
		kdx_diag_hint(g, "remove `retry`, or add `approval` so a person decides before it "
				 "runs (and before it is sent again)");
	}
}

/* The scope this lowerer's steps are read in (kdx_step.scope): its bindings and module, in
 * the compilation's table (one entry per runbook, main or nested). */
static int32_t step_scope(kdx_lowerer *L)
{
	kdx_compilation *c = L->c;
	for (size_t k = c->nscopes; k-- > 0;)
		if (c->scopes[k].env == L->genv && c->scopes[k].module == L->mod)
			return (int32_t)k;
	if (c->nscopes == c->cap_scopes) {
		size_t cap = c->cap_scopes ? 2 * c->cap_scopes : 4;
		kdx_step_scope *t = KDX_NEWN(&c->arena, kdx_step_scope, cap);
		if (c->nscopes)
			memcpy(t, c->scopes, c->nscopes * sizeof(*t));
		c->scopes = t;
		c->cap_scopes = cap;
	}
	c->scopes[c->nscopes] = (kdx_step_scope){ L->genv, L->mod };
	return (int32_t)c->nscopes++;
}

int kdx_lower_step(kdx_lowerer *L, size_t i, kdx_step *s)
{
	kdx_lower_build_table(L);
	/* the previous steps' temporaries, once they fill the scratch's first block: releasing
	 * it for every step cost a malloc and a free each (0.5 % of kdx check's instructions) */
	if (L->scratch->step.total > STEP_SCRATCH_MAX)
		kdx_arena_release(&L->scratch->step);
	const kdx_ast_decl *d = L->steps[i];
	L->cur = i;
	L->ev.step_ref = step_ref;
	memset(s, 0, sizeof(*s));
	s->name = d->name.name;
	s->span = d->name.span;
	s->attempts = 1;
	kdx_step_body *body = KDX_NEW(&L->scratch->step, kdx_step_body);
	body->decl = d;
	body->env = L->genv;
	body->module = L->mod;
	s->body = body;
	s->scope = step_scope(L);
	for (size_t k = 0; k < d->nafter; k++)
		after_edge(L, &d->after[k]);
	/* a group member runs after the group's own predecessors */
	const kdx_ast_decl *g = L->step_group[i] >= 0 ? L->groups[L->step_group[i]].decl : NULL;
	for (size_t k = 0; g && k < g->nafter; k++)
		after_edge(L, &g->after[k]);
	s->group = g ? g->name.name : NULL;
	effects G = { 0 }, E = { 0 };
	const kdx_ast_item *undo = NULL;
	for (size_t k = 0; k < d->nitems; k++)
		lower_clause(L, d->items[k], s, body, &G, &E, &undo);
	lower_undo(L, undo, s, body);
	kdx_lower_check_exec(L, body->do_call);
	if (!body->undo_is_actions_own)
		kdx_lower_check_exec(L, body->undo_call);
	for (size_t k = 0; k < E.n; k++)
		if (E.items[k].kind != KDX_EFF_READ)
			s->mutating = true;
	/* a local command may change anything, though nothing the world model tracks: it
	 * needs an undo or `irreversible`, and its result (argv, status) is journalled */
	const kdx_action_facts *df = kdx_lower_facts(L, body->do_call);
	const kdx_action_facts *uf = kdx_lower_facts(L, body->undo_call);
	if (df && df->is_exec)
		s->mutating = true;
	check_verifiable(L, d, s, body);
	s->runs_terraform = (df && df->runs_terraform) || (uf && uf->runs_terraform);
	s->neffects = G.n + E.n;
	s->effects = effects_keep(L, &G, &E);
	effects_release(&G);
	effects_release(&E);
	kdx_lower_step_code(L, s, body);
	L->ev.step_ref = NULL;
	return 0;
}
