/* explore: every single-step failure and timeout, each rolled back, judged by the safety
 * invariants and by comparing the world with where it started. */
#include "explore.h"

#include "../common/xalloc.h"
#include "sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Put back, in m, the start's values of everything step st's do touches. */
static void excuse(kdx_model *m, const kdx_model *start, const kdx_step *st)
{
	size_t nr = m->nregions;
	for (size_t k = 0; k < st->neffects; k++) {
		const kdx_effect *e = &st->effects[k];
		bool res = e->resource >= 0 && (size_t)e->resource < m->nresources;
		bool reg = e->region >= 0 && (size_t)e->region < nr;
		size_t row = res ? (size_t)e->resource * nr : 0;
		switch (e->kind) {
		case KDX_EFF_SET_WEIGHTS:
			if (res)
				memcpy(&m->weights[row], &start->weights[row], nr * sizeof(double));
			break;
		case KDX_EFF_SET_CAPACITY:
			if (reg)
				m->capacity[e->region] = start->capacity[e->region];
			break;
		case KDX_EFF_PROMOTE:
		case KDX_EFF_FENCE:
		case KDX_EFF_UNFENCE:
			if (res) {
				m->writer[e->resource] = start->writer[e->resource];
				memcpy(&m->fenced[row], &start->fenced[row], nr * sizeof(bool));
			}
			break;
		case KDX_EFF_SET_HEALTH:
			if (reg)
				m->healthy[e->region] = start->healthy[e->region];
			break;
		case KDX_EFF_SET_ALARM:
			if (res)
				m->alarm[e->resource] = start->alarm[e->resource];
			break;
		default: break;
		}
	}
}

static char *detach_or_null(strbuf *sb)
{
	if (!sb->len) {
		strbuf_release(sb);
		return NULL;
	}
	return strbuf_detach(sb, NULL);
}

/* start: the world the run must come back to (for a lost region: as the loss left it). */
static void judge_from(const kdx_plan *p, const kdx_sim_result *r, const kdx_model *start,
		       kdx_explore_row *row)
{
	strbuf v = STRBUF_INIT, left = STRBUF_INIT, irr = STRBUF_INIT;
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *st = &p->steps[i];
		if (r->states[i] != KDX_SS_NOT_UNDONE || st->irreversible)
			continue;
		if (v.len)
			strbuf_addstr(&v, "; ");
		strbuf_addf(&v, "'%s' was not undone (%s)", st->name,
			    st->has_undo ? "its undo failed or was blocked" : "it has no undo");
	}
	for (size_t k = 0; k < r->nviolations; k++) {
		if (v.len)
			strbuf_addstr(&v, "; ");
		strbuf_addstr(&v, r->violations[k]);
	}
	strbuf inv = STRBUF_INIT;
	if (kdx_sim_invariants(&r->final, &inv) > 0) {
		if (v.len)
			strbuf_addstr(&v, "; ");
		strbuf_addf(&v, "after the run: %s", inv.buf);
	}
	strbuf_release(&inv);
	bool rolled = row->status == KDX_RUN_ROLLED_BACK || row->status == KDX_RUN_ROLLBACK_FAILED;
	if (rolled) {
		kdx_model masked;
		kdx_model_copy(&masked, &r->final);
		for (size_t i = 0; i < p->nsteps; i++)
			if (r->states[i] == KDX_SS_NOT_UNDONE && p->steps[i].irreversible)
				excuse(&masked, start, &p->steps[i]);
		kdx_model_render_diff(&left, start, &masked);
		kdx_model_render_diff(&irr, &masked, &r->final);
		kdx_model_release(&masked);
	}
	row->unsafe = v.len || left.len || row->status == KDX_RUN_ROLLBACK_FAILED;
	row->violations = detach_or_null(&v);
	row->leftovers = detach_or_null(&left);
	row->irreversible = detach_or_null(&irr);
}

static void judge(const kdx_plan *p, const kdx_sim_result *r, kdx_explore_row *row)
{
	judge_from(p, r, &r->start, row);
}

typedef struct forks {
	const kdx_plan *p;
	kdx_explore *x;
	bool *filled;      /* per row */
	int rc;
	strbuf *err;
} forks;

static size_t row_of(size_t step, kdx_fault_kind fault)
{
	return 2 * step + (fault == KDX_FAULT_TIMEOUT_STEP);
}

static void fill_row(forks *F, size_t step, kdx_fault_kind fault, int rc,
		     const kdx_sim_result *r, const char *err)
{
	size_t k = row_of(step, fault);
	kdx_explore_row *row = &F->x->rows[k];
	row->step = (uint32_t)step;
	row->fault = fault;
	row->status = r->run.status;
	row->paused = r->paused;
	F->filled[k] = true;
	if (rc < 0) {
		if (F->rc == 0 && err)
			strbuf_addstr(F->err, err);
		F->rc = -1;
		return;
	}
	judge(F->p, r, row);
}

static void fork_done(void *ctx, const kdx_fork_fault *ff, size_t nff, int rc,
		      const kdx_sim_result *r, const char *err)
{
	(void)nff; /* depth 1: one fault */
	fill_row(ctx, ff[0].step, ff[0].kind, rc, r, err);
}

/* One run without faults forks, at each step's first start, a run per fault (sim.h); a
 * step that never starts cannot fail, so its runs are the fault-free one. Rows come out as
 * if each (step, fault) had been run alone from the start, which is what they are. */
int kdx_explore_run(const kdx_plan *p, uint64_t seed, int parallelism, kdx_explore *out,
		    strbuf *err)
{
	memset(out, 0, sizeof(*out));
	out->rows = xcalloc(2 * p->nsteps + 1, sizeof(*out->rows));
	forks F = { .p = p, .x = out, .filled = xcalloc(2 * p->nsteps + 1, sizeof(bool)),
		    .err = err };
	kdx_scenario sc = { .name = "explore" };
	kdx_sim_opts o = { .seed = seed, .parallelism = parallelism, .scenario = &sc,
			   .rollback_paused = true, .fork_done = fork_done, .fork_ctx = &F };
	kdx_sim_result base;
	strbuf berr = STRBUF_INIT;
	int brc = kdx_sim_run(p, &o, &base, &berr);
	for (size_t i = 0; i < p->nsteps; i++)
		for (int t = 0; t < 2; t++) {
			kdx_fault_kind f = t ? KDX_FAULT_TIMEOUT_STEP : KDX_FAULT_FAIL_STEP;
			if (!F.filled[row_of(i, f)])
				fill_row(&F, i, f, brc, &base, berr.buf);
		}
	kdx_sim_result_release(&base);
	strbuf_release(&berr);
	free(F.filled);
	out->nrows = 2 * p->nsteps;
	for (size_t k = 0; k < out->nrows; k++)
		out->nunsafe += out->rows[k].unsafe;
	return F.rc;
}

int kdx_explore_run_each(const kdx_plan *p, uint64_t seed, int parallelism, kdx_explore *out,
			 strbuf *err)
{
	memset(out, 0, sizeof(*out));
	out->rows = xcalloc(2 * p->nsteps + 1, sizeof(*out->rows));
	bool *filled = xcalloc(2 * p->nsteps + 1, sizeof(bool));
	forks F = { .p = p, .x = out, .filled = filled, .err = err };
	for (size_t i = 0; i < p->nsteps && F.rc == 0; i++)
		for (int t = 0; t < 2 && F.rc == 0; t++) {
			kdx_fault f = { .kind = t ? KDX_FAULT_TIMEOUT_STEP : KDX_FAULT_FAIL_STEP,
					.region = -1, .step = (int32_t)i, .resource = -1 };
			kdx_scenario sc = { .name = "explore", .faults = &f, .nfaults = 1 };
			kdx_sim_opts o = { .seed = seed, .parallelism = parallelism, .scenario = &sc,
					   .rollback_paused = true };
			kdx_sim_result r;
			strbuf rerr = STRBUF_INIT;
			int rc = kdx_sim_run(p, &o, &r, &rerr);
			fill_row(&F, i, f.kind, rc, &r, rerr.buf);
			kdx_sim_result_release(&r);
			strbuf_release(&rerr);
		}
	free(filled);
	out->nrows = 2 * p->nsteps;
	for (size_t k = 0; k < out->nrows; k++)
		out->nunsafe += out->rows[k].unsafe;
	return F.rc;
}

void kdx_explore_release(kdx_explore *x)
{
	for (size_t i = 0; i < x->nrows; i++) {
		free(x->rows[i].violations);
		free(x->rows[i].leftovers);
		free(x->rows[i].irreversible);
	}
	free(x->rows);
	memset(x, 0, sizeof(*x));
}

/* ---- pairs (-depth 2) ---- */

/* A step fault as a number: 2 * step, + 1 for a timeout. */
static size_t fid(uint32_t step, kdx_fault_kind k)
{
	return 2 * (size_t)step + (k == KDX_FAULT_TIMEOUT_STEP);
}

static kdx_fault_kind fkind(size_t f)
{
	return f & 1 ? KDX_FAULT_TIMEOUT_STEP : KDX_FAULT_FAIL_STEP;
}

/* Slots: the step pair f1 < f2 at tri(f2) + f1; region r with fault f after all of them. */
static size_t tri(size_t f)
{
	return f * (f - 1) / 2; /* f = 0: 0 * SIZE_MAX / 2 = 0 */
}

typedef struct pairs {
	const kdx_plan *p;
	size_t nf, nslots, ntri;
	kdx_explore_pair *slot;
	bool *filled;
	kdx_explore_pair *single;  /* by fault: its run alone (the fallbacks of the pairs) */
	size_t *order;             /* by fault: when its single run was forked; SIZE_MAX: never */
	size_t norder;
	kdx_explore_pair base;     /* the run both faults of a never-forked pair left alone */
	int32_t region;            /* the lost region of the run being explored, or -1 */
	int rc;
	strbuf *err;
} pairs;

static void pair_release(kdx_explore_pair *x)
{
	free(x->row.violations);
	free(x->row.leftovers);
	free(x->row.irreversible);
	memset(x, 0, sizeof(*x));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void pair_copy(kdx_explore_pair *d, const kdx_explore_pair *src)
{
	*d = *src;
	d->row.violations = dup_or_null(src->row.violations);
	d->row.leftovers = dup_or_null(src->row.leftovers);
	d->row.irreversible = dup_or_null(src->row.irreversible);
}

static void pair_judge(pairs *P, kdx_explore_pair *x, int rc, const kdx_sim_result *r,
		       const char *err)
{
	x->row.status = r->run.status;
	x->row.paused = r->paused;
	x->end_ms = r->end_ms;
	x->recovered = r->recovered;
	x->rto_ms = r->rto_ms;
	x->breaks_rto = P->p->has_rto && (!r->recovered || r->rto_ms > P->p->rto_ms);
	if (rc < 0) {
		if (P->rc == 0 && err)
			strbuf_addstr(P->err, err);
		P->rc = -1;
		return;
	}
	judge_from(P->p, r, P->region >= 0 ? &r->initial : &r->start, &x->row);
}

/* Name slot k's faults in x (what a fallback copied from another run does not say). */
static void pair_name(const pairs *P, size_t k, kdx_explore_pair *x)
{
	if (k >= P->ntri) {
		size_t f = (k - P->ntri) % P->nf;
		x->region_lost = true;
		x->region = (int32_t)((k - P->ntri) / P->nf);
		x->row.step = (uint32_t)(f / 2);
		x->row.fault = fkind(f);
		return;
	}
	/* the f2 with tri(f2) <= k < tri(f2 + 1), from the root of f2^2 - f2 - 2k = 0 */
	size_t f2 = (size_t)((1.0 + sqrt(1.0 + 8.0 * (double)k)) / 2.0);
	while (f2 > 1 && tri(f2) > k)
		f2--;
	while (tri(f2 + 1) <= k)
		f2++;
	size_t f1 = k - tri(f2);
	x->region_lost = false;
	x->region = -1;
	x->row.step = (uint32_t)(f1 / 2);
	x->row.fault = fkind(f1);
	x->step2 = (uint32_t)(f2 / 2);
	x->fault2 = fkind(f2);
}

static void fill_slot(pairs *P, size_t k, int rc, const kdx_sim_result *r, const char *err)
{
	kdx_explore_pair *x = &P->slot[k];
	pair_release(x);
	pair_judge(P, x, rc, r, err);
	pair_name(P, k, x);
	P->filled[k] = true;
}

static void pairs_fork_done(void *ctx, const kdx_fork_fault *ff, size_t nff, int rc,
			    const kdx_sim_result *r, const char *err)
{
	pairs *P = ctx;
	size_t a = fid(ff[0].step, ff[0].kind);
	if (P->region >= 0) {
		fill_slot(P, P->ntri + (size_t)P->region * P->nf + a, rc, r, err);
		return;
	}
	if (nff == 1) {
		pair_release(&P->single[a]);
		pair_judge(P, &P->single[a], rc, r, err);
		P->order[a] = P->norder++;
		return;
	}
	size_t b = fid(ff[1].step, ff[1].kind);
	size_t lo = a < b ? a : b, hi = a < b ? b : a;
	fill_slot(P, tri(hi) + lo, rc, r, err);
}

/* A pair never forked ran as the one of its faults that came first, alone: the other's
 * step never started after it (or neither ever started: the fault-free run). */
static void fill_fallbacks(pairs *P, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		if (P->filled[k])
			continue;
		const kdx_explore_pair *src = &P->base;
		if (k < P->ntri) {
			kdx_explore_pair id;
			pair_name(P, k, &id);
			if (id.row.step == id.step2)
				continue;
			size_t a = fid(id.row.step, id.row.fault), b = fid(id.step2, id.fault2);
			size_t first = P->order[a] <= P->order[b] ? a : b;
			if (P->order[first] != SIZE_MAX)
				src = &P->single[first];
		}
		pair_copy(&P->slot[k], src);
		pair_name(P, k, &P->slot[k]);
		P->filled[k] = true;
	}
}

/* One exploring run: fault-free (region < 0, forking pairs) or with region lost from 0s
 * (forking single faults), its forks filling the slots. */
static void explore_base(pairs *P, int32_t region, uint64_t seed, int parallelism)
{
	kdx_fault lost = { .kind = KDX_FAULT_FAIL_REGION, .region = region, .step = -1,
			   .resource = -1 };
	kdx_scenario sc = { .name = "explore", .faults = &lost, .nfaults = region >= 0 };
	kdx_sim_opts o = { .seed = seed, .parallelism = parallelism, .scenario = &sc,
			   .rollback_paused = true, .fork_done = pairs_fork_done, .fork_ctx = P,
			   .fork_depth = region >= 0 ? 1 : 2 };
	kdx_sim_result r;
	strbuf err = STRBUF_INIT;
	P->region = region;
	int rc = kdx_sim_run(P->p, &o, &r, &err);
	pair_release(&P->base);
	pair_judge(P, &P->base, rc, &r, err.buf);
	kdx_sim_result_release(&r);
	strbuf_release(&err);
}

static void pairs_init(pairs *P, const kdx_plan *p, strbuf *err)
{
	memset(P, 0, sizeof(*P));
	P->p = p;
	P->err = err;
	P->nf = 2 * p->nsteps;
	P->ntri = tri(P->nf);
	P->nslots = P->ntri + p->nregions * P->nf;
	P->slot = xcalloc(P->nslots + 1, sizeof(*P->slot));
	P->filled = xcalloc(P->nslots + 1, sizeof(bool));
	P->single = xcalloc(P->nf + 1, sizeof(*P->single));
	P->order = xmalloc((P->nf + 1) * sizeof(*P->order));
	for (size_t f = 0; f < P->nf; f++)
		P->order[f] = SIZE_MAX;
}

/* Move the slots into out, in its order (explore.h), and free the rest of P. */
static void pairs_finish(pairs *P, kdx_explore_pairs *out)
{
	memset(out, 0, sizeof(*out));
	out->pairs = xcalloc(P->nslots + 1, sizeof(*out->pairs));
	for (size_t f1 = 0; f1 < P->nf; f1++)
		for (size_t f2 = f1 + 1; f2 < P->nf; f2++)
			if (f1 / 2 != f2 / 2)
				out->pairs[out->npairs++] = P->slot[tri(f2) + f1];
	for (size_t k = P->ntri; k < P->nslots; k++)
		out->pairs[out->npairs++] = P->slot[k];
	for (size_t k = 0; k < out->npairs; k++) {
		out->nunsafe += out->pairs[k].row.unsafe;
		out->nbreaks_rto += out->pairs[k].breaks_rto;
	}
	for (size_t f = 0; f < P->nf; f++)
		pair_release(&P->single[f]);
	pair_release(&P->base);
	free(P->single);
	free(P->order);
	free(P->filled);
	free(P->slot);
}

int kdx_explore_pairs_run(const kdx_plan *p, uint64_t seed, int parallelism,
			  kdx_explore_pairs *out, strbuf *err)
{
	pairs P;
	pairs_init(&P, p, err);
	explore_base(&P, -1, seed, parallelism);
	fill_fallbacks(&P, 0, P.ntri);
	for (size_t r = 0; r < p->nregions; r++) {
		explore_base(&P, (int32_t)r, seed, parallelism);
		fill_fallbacks(&P, P.ntri + r * P.nf, P.ntri + (r + 1) * P.nf);
	}
	int rc = P.rc;
	pairs_finish(&P, out);
	return rc;
}

int kdx_explore_pairs_run_each(const kdx_plan *p, uint64_t seed, int parallelism,
			       kdx_explore_pairs *out, strbuf *err)
{
	pairs P;
	pairs_init(&P, p, err);
	for (size_t k = 0; k < P.nslots && P.rc == 0; k++) {
		kdx_explore_pair id;
		pair_name(&P, k, &id);
		if (!id.region_lost && id.row.step == id.step2)
			continue;
		kdx_fault f[2] = {
			{ .kind = id.row.fault, .region = -1, .step = (int32_t)id.row.step,
			  .resource = -1 },
			{ .kind = id.fault2, .region = -1, .step = (int32_t)id.step2, .resource = -1 },
		};
		if (id.region_lost)
			f[1] = (kdx_fault){ .kind = KDX_FAULT_FAIL_REGION, .region = id.region,
					    .step = -1, .resource = -1 };
		kdx_scenario sc = { .name = "explore", .faults = f, .nfaults = 2 };
		kdx_sim_opts o = { .seed = seed, .parallelism = parallelism, .scenario = &sc,
				   .rollback_paused = true };
		kdx_sim_result r;
		strbuf rerr = STRBUF_INIT;
		P.region = id.region_lost ? id.region : -1;
		int rc = kdx_sim_run(p, &o, &r, &rerr);
		fill_slot(&P, k, rc, &r, rerr.buf);
		kdx_sim_result_release(&r);
		strbuf_release(&rerr);
	}
	int rc = P.rc;
	pairs_finish(&P, out);
	return rc;
}

void kdx_explore_pairs_release(kdx_explore_pairs *x)
{
	for (size_t k = 0; k < x->npairs; k++)
		pair_release(&x->pairs[k]);
	free(x->pairs);
	memset(x, 0, sizeof(*x));
}
