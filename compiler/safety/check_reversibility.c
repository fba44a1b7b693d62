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

/* The rollback plan: same regions and resources, one step per forward step carrying its
 * undo effects (none when it has no undo); its edges are the forward ones turned round,
 * which the analyses see through the reverse view of the forward graph (the steps' preds
 * stay empty).
 * An undo SET_WEIGHTS without weights, or SET_CAPACITY with pct < 0, restores a snapshot:
 * it gets the value the forward run had just before the step (in topological order). */
typedef struct rollback {
	kdx_arena arena;
	kdx_plan plan;
	kdx_model final;  /* forward end state = rollback start state */
} rollback;

static void build_steps(rollback *rb, kdx_sctx *c, kdx_model *m)
{
	const kdx_plan *p = c->plan;
	kdx_graph *g = c->g;
	size_t nr = p->nregions;
	kdx_step *steps = KDX_NEWN(&rb->arena, kdx_step, p->nsteps + 1);
	for (size_t i = 0; i < g->ntopo; i++) {
		uint32_t v = g->topo[i];
		const kdx_step *s = &p->steps[v];
		kdx_step *r = &steps[v];
		*r = *s;
		r->effects = NULL;
		r->neffects = 0;
		r->undo_effects = NULL;
		r->nundo_effects = 0;
		r->irreversible = false;
		if (s->has_undo && !s->irreversible && s->nundo_effects) {
			r->effects = KDX_NEWN(&rb->arena, kdx_effect, s->nundo_effects);
			r->neffects = s->nundo_effects;
			for (size_t k = 0; k < s->nundo_effects; k++) {
				kdx_effect *e = &r->effects[k];
				*e = s->undo_effects[k];
				if (e->kind == KDX_EFF_SET_WEIGHTS && !e->weights && e->resource >= 0 &&
				    (size_t)e->resource < p->nresources) {
					e->weights = KDX_NEWN(&rb->arena, double, nr + 1);
					memcpy(e->weights, &m->weights[(size_t)e->resource * nr],
					       nr * sizeof(double));
				}
				if (e->kind == KDX_EFF_SET_CAPACITY && e->pct < 0 && e->region >= 0 &&
				    (size_t)e->region < nr)
					e->pct = m->capacity[e->region];
			}
		}
		r->mutating = r->neffects > 0;
		if (!r->neffects) { /* nothing to undo: the rollback passes it at once */
			r->attempts = 1;
			r->timeout_ms = r->backoff_ms = r->wait_ms = 0;
			r->duration_min_ms = r->duration_max_ms = 0;
		}
		/* no edges: the analyses read the order from the reverse view of g */
		r->preds = NULL;
		r->npreds = 0;
		strbuf ignore = STRBUF_INIT;
		kdx_model_apply_all(m, s->effects, s->neffects, &ignore);
		strbuf_release(&ignore);
	}
	rb->plan.steps = steps;
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
	rb.plan = *c->plan;
	kdx_model_copy(&rb.final, c->init);
	build_steps(&rb, c, &rb.final);
	rb.final.plan = &rb.plan;
	kdx_graph g; /* the forward graph turned round: no second set of labels */
	kdx_graph_reverse(&g, c->g, &rb.plan);
	kdx_sctx rc;
	kdx_sx_init(&rc, &rb.plan, &g, &rb.final, c->d, true);
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
	kdx_arena_release(&rb.arena);
}

void kdx_check_reversibility(kdx_sctx *c)
{
	check_steps(c);
	check_rollback(c);
}
