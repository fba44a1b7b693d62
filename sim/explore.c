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
	bool rolled = row->status == KDX_RUN_ROLLED_BACK || row->status == KDX_RUN_ROLLBACK_FAILED;
	if (rolled) {
		kdx_model masked;
		kdx_model_copy(&masked, &r->final);
		for (size_t i = 0; i < p->nsteps; i++)
			if (r->states[i] == KDX_SS_NOT_UNDONE && p->steps[i].irreversible)
				excuse(&masked, &r->start, &p->steps[i]);
		kdx_model_render_diff(&left, &r->start, &masked);
		kdx_model_render_diff(&irr, &masked, &r->final);
		kdx_model_release(&masked);
	}
	row->unsafe = v.len || left.len || row->status == KDX_RUN_ROLLBACK_FAILED;
	row->violations = detach_or_null(&v);
	row->leftovers = detach_or_null(&left);
	row->irreversible = detach_or_null(&irr);
}

int kdx_explore_run(const kdx_plan *p, uint64_t seed, int parallelism, kdx_explore *out,
		    strbuf *err)
{
	memset(out, 0, sizeof(*out));
	out->rows = xcalloc(2 * p->nsteps + 1, sizeof(*out->rows));
	for (size_t i = 0; i < p->nsteps; i++) {
		for (int t = 0; t < 2; t++) {
			kdx_fault f = { .kind = t ? KDX_FAULT_TIMEOUT_STEP : KDX_FAULT_FAIL_STEP,
					.region = -1, .step = (int32_t)i, .resource = -1 };
			kdx_scenario sc = { .name = "explore", .faults = &f, .nfaults = 1 };
			kdx_sim_opts o = { .seed = seed, .parallelism = parallelism, .scenario = &sc,
					   .rollback_paused = true };
			kdx_sim_result r;
			int rc = kdx_sim_run(p, &o, &r, err);
			kdx_explore_row *row = &out->rows[out->nrows++];
			row->step = (uint32_t)i;
			row->fault = f.kind;
			row->status = r.run.status;
			row->paused = r.paused;
			if (rc == 0)
				judge(p, &r, row);
			kdx_sim_result_release(&r);
			if (rc < 0)
				return -1;
			out->nunsafe += row->unsafe;
		}
	}
	return 0;
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
