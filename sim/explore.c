/* explore: every single-step failure and timeout, each rolled back, judged by the safety
 * invariants and by comparing the world with where it started. */
#include "explore.h"

#include "../common/xalloc.h"
#include "sim.h"

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

static void judge(const kdx_plan *p, const kdx_sim_result *r, kdx_explore_row *row)
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
	bool rolled = row->status == KDX_RUN_ROLLED_BACK || row->status == KDX_RUN_ROLLBACK_INCOMPLETE;
	size_t nirr = 0; /* irreversible changes left in place, as they must be */
	if (rolled) {
		kdx_model masked;
		kdx_model_copy(&masked, &r->final);
		for (size_t i = 0; i < p->nsteps; i++)
			if (r->states[i] == KDX_SS_NOT_UNDONE && p->steps[i].irreversible) {
				excuse(&masked, &r->start, &p->steps[i]);
				nirr++;
			}
		kdx_model_render_diff(&left, &r->start, &masked);
		kdx_model_render_diff(&irr, &masked, &r->final);
		kdx_model_release(&masked);
	}
	/* incomplete only by the irreversible steps it reports is what the runbook chose */
	row->unsafe = v.len || left.len ||
		      (row->status == KDX_RUN_ROLLBACK_INCOMPLETE &&
		       (r->run.undo_failed || r->run.in_place > nirr));
	row->violations = detach_or_null(&v);
	row->leftovers = detach_or_null(&left);
	row->irreversible = detach_or_null(&irr);
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

static void fork_done(void *ctx, size_t step, kdx_fault_kind fault, int rc,
		      const kdx_sim_result *r, const char *err)
{
	fill_row(ctx, step, fault, rc, r, err);
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
