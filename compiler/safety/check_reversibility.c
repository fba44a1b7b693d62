/* safety/reversibility: every mutating step has an undo or is `irreversible`; irreversible
 * steps have an approval gate in production; and the rollback graph (undo effects, edges
 * reversed, starting from the state after the runbook) passes traffic, capacity, rto, rpo
 * and fencing too. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void check_steps(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	bool prod = p->environment && !strcmp(p->environment, "production");
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *s = &p->steps[i];
		/* a repeatable change (a notification) leaves nothing to take back */
		if (s->mutating && !s->has_undo && !s->irreversible && !s->repeatable) {
			kdx_diag *g = kdx_diag_add(c->d, KDX_ERROR, "reversibility", s->span,
						   "step '%s' changes %s but cannot be undone",
						   s->name, s->action ? s->action : "the world");
			kdx_diag_hint(g, "add an `undo` clause, or mark the step `irreversible` "
					 "(it then needs an approval in production)");
		}
		if (s->irreversible && !s->approval && prod) {
			kdx_diag *g = kdx_diag_add(c->d, KDX_ERROR, "reversibility", s->span,
						   "irreversible step '%s' has no approval gate in production",
						   s->name);
			kdx_diag_hint(g, "add `approval` (or `approval when environment == \"production\"`) "
					 "so a person confirms before it runs");
		}
	}
}

/* The rollback: the forward plan's steps, each running its undo effects (none when it has
 * no undo: the rollback then passes it at once), with every edge turned round -- the
 * analyses see the order through the reverse view of the forward graph and a step's
 * effects through the kdx_sx_undo override, so no step is copied.
 * An undo SET_WEIGHTS without weights, or SET_CAPACITY with pct < 0, restores a snapshot:
 * it gets the value the forward run had just before the step (in topological order); only
 * the undo lists holding such an effect are copied (into the arena) to fill it in. */
typedef struct rollback {
	kdx_arena arena;
	kdx_sx_undo *undo;
	kdx_model final;  /* forward end state = rollback start state */
} rollback;

static bool restores(const kdx_effect *e, const kdx_plan *p)
{
	if (e->kind == KDX_EFF_SET_WEIGHTS)
		return !e->weights && e->resource >= 0 && (size_t)e->resource < p->nresources;
	return e->kind == KDX_EFF_SET_CAPACITY && e->pct < 0 && e->region >= 0 &&
	       (size_t)e->region < p->nregions;
}

/* s's undo effects with each snapshot restore given the value state m holds. */
static const kdx_effect *undo_effects(rollback *rb, const kdx_plan *p, const kdx_step *s,
				      const kdx_model *m)
{
	size_t k = 0, nr = p->nregions;
	while (k < s->nundo_effects && !restores(&s->undo_effects[k], p))
		k++;
	if (k == s->nundo_effects)
		return s->undo_effects;
	kdx_effect *v = KDX_NEWN(&rb->arena, kdx_effect, s->nundo_effects);
	memcpy(v, s->undo_effects, s->nundo_effects * sizeof(*v));
	for (; k < s->nundo_effects; k++) {
		kdx_effect *e = &v[k];
		if (!restores(e, p))
			continue;
		if (e->kind == KDX_EFF_SET_WEIGHTS) {
			e->weights = KDX_NEWN(&rb->arena, double, nr + 1);
			memcpy(e->weights, &m->weights[(size_t)e->resource * nr], nr * sizeof(double));
		} else {
			e->pct = m->capacity[e->region];
		}
	}
	return v;
}

static void build_undo(rollback *rb, kdx_sctx *c, kdx_model *m)
{
	const kdx_plan *p = c->plan;
	kdx_graph *g = c->g;
	rb->undo = xcalloc(p->nsteps + 1, sizeof(*rb->undo));
	for (size_t i = 0; i < g->ntopo; i++) {
		uint32_t v = g->topo[i];
		const kdx_step *s = &p->steps[v];
		kdx_sx_undo *u = &rb->undo[v];
		if (s->has_undo && !s->irreversible && s->nundo_effects) {
			u->effects = undo_effects(rb, p, s, m);
			u->neffects = (uint32_t)s->nundo_effects;
		}
		u->passes = u->neffects == 0;
		strbuf ignore = STRBUF_INIT;
		kdx_model_apply_all(m, s->effects, s->neffects, &ignore);
		strbuf_release(&ignore);
	}
}

static bool any_undo(const kdx_plan *p)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (p->steps[i].has_undo && !p->steps[i].irreversible && p->steps[i].nundo_effects)
			return true;
	return false;
}

static void check_rollback(kdx_sctx *c)
{
	if (!any_undo(c->plan))
		return;
	rollback rb;
	kdx_arena_init(&rb.arena);
	kdx_model_copy(&rb.final, c->init);
	build_undo(&rb, c, &rb.final);
	kdx_graph g; /* the forward graph turned round: no second set of labels */
	kdx_graph_reverse(&g, c->g, c->plan);
	kdx_sctx rc;
	kdx_sx_init(&rc, c->plan, &g, &rb.final, c->d, rb.undo);
	kdx_check_traffic(&rc);
	kdx_check_capacity(&rc);
	/* the same over-long steps would be reported twice */
	if (!c->rep || !c->plan->has_rto || c->rep->total_ms <= c->plan->rto_ms)
		kdx_check_rto(&rc);
	kdx_check_rpo(&rc);
	kdx_check_fencing(&rc);
	/* the view's searches are counted in the forward graph */
	kdx_sx_release(&rc);
	kdx_graph_release(&g);
	kdx_model_release(&rb.final);
	free(rb.undo);
	kdx_arena_release(&rb.arena);
}

void kdx_check_reversibility(kdx_sctx *c)
{
	check_steps(c);
	check_rollback(c);
}
