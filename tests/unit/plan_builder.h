/* plan_builder: build kdx_plan values in C for the graph/model/safety tests and the
 * safety benchmark, without the front end. Everything lives in the builder's arena;
 * pb_release() frees it all. Step spans are fake (file 0, offset = 16 * step index). */
#ifndef KDX_PLAN_BUILDER_H
#define KDX_PLAN_BUILDER_H
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "compiler/plan.h"

typedef struct pb {
	kdx_arena arena;
	kdx_plan plan;
	size_t asteps, aregions, aresources;
	size_t *apreds, *aeff, *aundo; /* capacity of each step's arrays */
	bool undo;                     /* pb_* effect helpers add to undo_effects */
} pb;

/* Grow an arena array to hold n+1 elements (copying; the old block stays in the arena). */
static inline void *pb_grow(kdx_arena *a, void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	size_t nc = *cap ? *cap * 2 : 4;
	void *q = kdx_arena_alloc(a, nc * size);
	if (p)
		memcpy(q, p, n * size);
	*cap = nc;
	return q;
}

static inline void pb_init(pb *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	kdx_arena_init(&b->arena);
	b->plan.name = name;
	b->plan.path = "test.kdx";
}

static inline void pb_release(pb *b)
{
	free(b->apreds);
	free(b->aeff);
	free(b->aundo);
	kdx_arena_release(&b->arena);
}

static inline void pb_objectives(pb *b, int64_t rto_ms, int64_t rpo_ms)
{
	b->plan.has_rto = rto_ms > 0;
	b->plan.rto_ms = rto_ms;
	b->plan.has_rpo = rpo_ms > 0;
	b->plan.rpo_ms = rpo_ms;
}

static inline int32_t pb_region(pb *b, const char *name, const char *role, double weight,
				double capacity)
{
	kdx_plan *p = &b->plan;
	p->regions = pb_grow(&b->arena, p->regions, p->nregions, &b->aregions, sizeof(*p->regions));
	kdx_plan_region *r = &p->regions[p->nregions];
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->role = role;
	r->weight = weight;
	r->capacity = capacity;
	return (int32_t)p->nregions++;
}

static inline int32_t pb_resource(pb *b, const char *name, kdx_res_class cls, int32_t writer)
{
	kdx_plan *p = &b->plan;
	p->resources = pb_grow(&b->arena, p->resources, p->nresources, &b->aresources,
			       sizeof(*p->resources));
	kdx_plan_resource *r = &p->resources[p->nresources];
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->type = "test.type";
	r->cls = cls;
	r->region = -1;
	r->writer = writer;
	return (int32_t)p->nresources++;
}

static inline uint32_t pb_step(pb *b, const char *name)
{
	kdx_plan *p = &b->plan;
	size_t old = b->asteps;
	p->steps = pb_grow(&b->arena, p->steps, p->nsteps, &b->asteps, sizeof(*p->steps));
	if (b->asteps != old) {
		b->apreds = realloc(b->apreds, b->asteps * sizeof(size_t));
		b->aeff = realloc(b->aeff, b->asteps * sizeof(size_t));
		b->aundo = realloc(b->aundo, b->asteps * sizeof(size_t));
	}
	size_t i = p->nsteps++;
	kdx_step *s = &p->steps[i];
	memset(s, 0, sizeof(*s));
	b->apreds[i] = b->aeff[i] = b->aundo[i] = 0;
	s->name = name;
	s->span = (kdx_span){ 0, (uint32_t)(16 * i), (uint32_t)(16 * i + strlen(name)) };
	s->action_span = s->span;
	s->attempts = 1;
	s->duration_min_ms = 100;
	s->duration_max_ms = 1000;
	return (uint32_t)i;
}

/* step `to` waits for step `from` */
static inline void pb_after(pb *b, uint32_t to, uint32_t from)
{
	kdx_step *s = &b->plan.steps[to];
	s->preds = pb_grow(&b->arena, s->preds, s->npreds, &b->apreds[to], sizeof(*s->preds));
	s->preds[s->npreds++] = (kdx_edge){ from, KDX_EDGE_AFTER, s->span };
}

static inline kdx_effect *pb_eff(pb *b, uint32_t step, kdx_effect_kind k, int32_t res,
				 int32_t region)
{
	kdx_step *s = &b->plan.steps[step];
	kdx_effect *e;
	if (b->undo) {
		s->undo_effects = pb_grow(&b->arena, s->undo_effects, s->nundo_effects,
					  &b->aundo[step], sizeof(kdx_effect));
		e = &s->undo_effects[s->nundo_effects++];
	} else {
		s->effects = pb_grow(&b->arena, s->effects, s->neffects, &b->aeff[step],
				     sizeof(kdx_effect));
		e = &s->effects[s->neffects++];
	}
	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->resource = res;
	e->region = region;
	e->span = s->action_span;
	if (k != KDX_EFF_READ && k != KDX_EFF_LAG_GATE && k != KDX_EFF_HEALTH_GATE) {
		s->mutating = true;
		if (!b->undo && !s->irreversible && !s->has_undo)
			s->has_undo = true; /* tests clear it to test reversibility */
	}
	return e;
}

/* weights for every region, in region order */
static inline kdx_effect *pb_weights(pb *b, uint32_t step, int32_t res, ...)
{
	kdx_effect *e = pb_eff(b, step, KDX_EFF_SET_WEIGHTS, res, -1);
	e->weights = kdx_arena_alloc(&b->arena, (b->plan.nregions + 1) * sizeof(double));
	va_list ap;
	va_start(ap, res);
	for (size_t r = 0; r < b->plan.nregions; r++)
		e->weights[r] = va_arg(ap, double);
	va_end(ap);
	return e;
}

static inline kdx_effect *pb_capacity(pb *b, uint32_t step, int32_t region, double pct)
{
	kdx_effect *e = pb_eff(b, step, KDX_EFF_SET_CAPACITY, -1, region);
	e->pct = pct;
	return e;
}

static inline kdx_effect *pb_promote(pb *b, uint32_t step, int32_t db, int32_t region,
				     bool graceful)
{
	kdx_effect *e = pb_eff(b, step, KDX_EFF_PROMOTE, db, region);
	e->graceful = graceful;
	return e;
}

static inline kdx_effect *pb_lag_gate(pb *b, uint32_t step, int32_t db, int32_t region,
				      int64_t ms)
{
	kdx_effect *e = pb_eff(b, step, KDX_EFF_LAG_GATE, db, region);
	e->ms = ms;
	return e;
}

#endif
