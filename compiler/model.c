/* model: the abstract world state and the effect interpreter. */
#include "model.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t cells(const kdx_model *m)
{
	return m->nresources * m->nregions;
}

static void alloc_arrays(kdx_model *m)
{
	size_t nr = m->nregions + 1, nc = cells(m) + 1, nres = m->nresources + 1;
	m->capacity = xcalloc(nr, sizeof(*m->capacity));
	m->healthy = xcalloc(nr, sizeof(*m->healthy));
	m->weights = xcalloc(nc, sizeof(*m->weights));
	m->fenced = xcalloc(nc, sizeof(*m->fenced));
	m->lag_ms = xcalloc(nc, sizeof(*m->lag_ms));
	m->writer = xcalloc(nres, sizeof(*m->writer));
	m->alarm = xcalloc(nres, sizeof(*m->alarm));
}

static int region_index(const kdx_plan *p, const char *name)
{
	for (size_t r = 0; r < p->nregions; r++)
		if (!strcmp(p->regions[r].name, name))
			return (int)r;
	return -1;
}

void kdx_model_init_from_plan(kdx_model *m, const kdx_plan *p)
{
	memset(m, 0, sizeof(*m));
	m->plan = p;
	m->nregions = p->nregions;
	m->nresources = p->nresources;
	alloc_arrays(m);
	for (size_t r = 0; r < p->nregions; r++) {
		m->capacity[r] = p->regions[r].capacity;
		m->healthy[r] = true;
	}
	for (size_t i = 0; i < p->nresources; i++) {
		const kdx_plan_resource *res = &p->resources[i];
		m->writer[i] = res->writer;
		if (res->cls != KDX_RES_TRAFFIC)
			continue;
		double *row = &m->weights[i * m->nregions];
		for (size_t r = 0; r < p->nregions; r++)
			row[r] = p->regions[r].weight;
		const kdx_value *w = res->attrs ? kdx_value_get(res->attrs, "weights") : NULL;
		if (w && w->kind == KDX_V_MAP) {
			for (size_t r = 0; r < p->nregions; r++)
				row[r] = 0;
			for (size_t k = 0; k < w->u.map.n; k++) {
				int r = region_index(p, w->u.map.keys[k]);
				const kdx_value *v = w->u.map.vals[k];
				if (r >= 0 && (v->kind == KDX_V_PERCENT || v->kind == KDX_V_NUMBER))
					row[r] = v->u.num;
			}
		}
	}
}

void kdx_model_release(kdx_model *m)
{
	free(m->capacity);
	free(m->healthy);
	free(m->weights);
	free(m->fenced);
	free(m->lag_ms);
	free(m->writer);
	free(m->alarm);
	memset(m, 0, sizeof(*m));
}

void kdx_model_copy(kdx_model *dst, const kdx_model *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->plan = src->plan;
	dst->nregions = src->nregions;
	dst->nresources = src->nresources;
	alloc_arrays(dst);
	size_t nr = src->nregions, nc = cells(src), nres = src->nresources;
	memcpy(dst->capacity, src->capacity, nr * sizeof(*dst->capacity));
	memcpy(dst->healthy, src->healthy, nr * sizeof(*dst->healthy));
	memcpy(dst->weights, src->weights, nc * sizeof(*dst->weights));
	memcpy(dst->fenced, src->fenced, nc * sizeof(*dst->fenced));
	memcpy(dst->lag_ms, src->lag_ms, nc * sizeof(*dst->lag_ms));
	memcpy(dst->writer, src->writer, nres * sizeof(*dst->writer));
	memcpy(dst->alarm, src->alarm, nres * sizeof(*dst->alarm));
}

static bool pct_eq(double a, double b)
{
	return fabs(a - b) <= KDX_PCT_EPS;
}

bool kdx_model_equal(const kdx_model *a, const kdx_model *b)
{
	if (a->nregions != b->nregions || a->nresources != b->nresources)
		return false;
	for (size_t r = 0; r < a->nregions; r++)
		if (!pct_eq(a->capacity[r], b->capacity[r]) || a->healthy[r] != b->healthy[r])
			return false;
	for (size_t c = 0; c < cells(a); c++)
		if (!pct_eq(a->weights[c], b->weights[c]) || a->fenced[c] != b->fenced[c] ||
		    a->lag_ms[c] != b->lag_ms[c])
			return false;
	for (size_t i = 0; i < a->nresources; i++)
		if (a->writer[i] != b->writer[i] || a->alarm[i] != b->alarm[i])
			return false;
	return true;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Percents are hashed in millionths so that values equal within KDX_PCT_EPS mostly hash
 * alike; equal states always do, since equal here means equal after this rounding. */
static uint64_t fnv_pct(uint64_t h, double v)
{
	int64_t q = llround(v * 1e6);
	return fnv(h, &q, sizeof(q));
}

uint64_t kdx_model_hash(const kdx_model *m)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t r = 0; r < m->nregions; r++) {
		h = fnv_pct(h, m->capacity[r]);
		h = fnv(h, &m->healthy[r], 1);
	}
	for (size_t c = 0; c < cells(m); c++) {
		h = fnv_pct(h, m->weights[c]);
		h = fnv(h, &m->fenced[c], 1);
		h = fnv(h, &m->lag_ms[c], sizeof(m->lag_ms[c]));
	}
	for (size_t i = 0; i < m->nresources; i++) {
		h = fnv(h, &m->writer[i], sizeof(m->writer[i]));
		h = fnv(h, &m->alarm[i], 1);
	}
	return h;
}

static const char *rname(const kdx_model *m, int32_t r)
{
	return r >= 0 && (size_t)r < m->nregions ? m->plan->regions[r].name : "(none)";
}

static const char *resname(const kdx_model *m, int32_t i)
{
	return i >= 0 && (size_t)i < m->nresources ? m->plan->resources[i].name : "(none)";
}

static bool bad_res(const kdx_model *m, const kdx_effect *e, strbuf *why)
{
	if (e->resource < 0 || (size_t)e->resource >= m->nresources) {
		strbuf_addstr(why, "effect names no resource");
		return true;
	}
	return false;
}

static bool bad_region(const kdx_model *m, const kdx_effect *e, strbuf *why)
{
	if (e->region < 0 || (size_t)e->region >= m->nregions) {
		strbuf_addstr(why, "effect names no region");
		return true;
	}
	return false;
}

/* Does some traffic resource still send weight to region r? Returns its index or -1. */
static int32_t traffic_to(const kdx_model *m, int32_t r)
{
	for (size_t i = 0; i < m->nresources; i++)
		if (m->plan->resources[i].cls == KDX_RES_TRAFFIC && m->weights[i * m->nregions + r] > 0)
			return (int32_t)i;
	return -1;
}

static int apply_weights(kdx_model *m, const kdx_effect *e, strbuf *why)
{
	if (bad_res(m, e, why))
		return -1;
	if (!e->weights)
		return 0; /* a snapshot to restore: the caller fills it in */
	double *row = &m->weights[(size_t)e->resource * m->nregions];
	double sum = 0;
	int rc = 0;
	for (size_t r = 0; r < m->nregions; r++) {
		row[r] = e->weights[r];
		sum += row[r];
	}
	if (!pct_eq(sum, 100)) {
		strbuf_addf(why, "weights of '%s' sum to %g%%, not 100%%", resname(m, e->resource), sum);
		return -1;
	}
	bool serves = false;
	for (size_t r = 0; r < m->nregions; r++) {
		if (row[r] > 0 && m->healthy[r])
			serves = true;
		if (rc == 0 && row[r] > m->capacity[r] + KDX_PCT_EPS) {
			strbuf_addf(why, "'%s' gets %g%% of '%s' but has capacity %g%%", rname(m, (int32_t)r),
				    row[r], resname(m, e->resource), m->capacity[r]);
			rc = -1;
		}
	}
	if (rc == 0 && !serves) {
		strbuf_addf(why, "no healthy region serves '%s'", resname(m, e->resource));
		rc = -1;
	}
	return rc;
}

static int apply_capacity(kdx_model *m, const kdx_effect *e, strbuf *why)
{
	if (bad_region(m, e, why))
		return -1;
	if (e->pct < 0)
		return 0; /* a snapshot to restore: the caller fills it in */
	m->capacity[e->region] = e->pct;
	for (size_t i = 0; i < m->nresources; i++) {
		if (m->plan->resources[i].cls != KDX_RES_TRAFFIC)
			continue;
		double w = m->weights[i * m->nregions + e->region];
		if (w > e->pct + KDX_PCT_EPS) {
			strbuf_addf(why, "capacity of '%s' drops to %g%% while it gets %g%% of '%s'",
				    rname(m, e->region), e->pct, w, resname(m, (int32_t)i));
			return -1;
		}
	}
	return 0;
}

static int apply_promote(kdx_model *m, const kdx_effect *e, strbuf *why)
{
	if (bad_res(m, e, why) || bad_region(m, e, why))
		return -1;
	size_t base = (size_t)e->resource * m->nregions;
	int32_t old = m->writer[e->resource];
	int rc = 0;
	if (!e->graceful && old >= 0 && old != e->region && !m->fenced[base + old]) {
		int32_t t = traffic_to(m, old);
		if (t >= 0) {
			strbuf_addf(why, "'%s' promoted in '%s' while '%s' still takes writes ('%s' sends it %g%%)",
				    resname(m, e->resource), rname(m, e->region), rname(m, old),
				    resname(m, t), m->weights[(size_t)t * m->nregions + old]);
			rc = -1;
		}
	}
	m->writer[e->resource] = e->region;
	m->fenced[base + e->region] = false;
	return rc;
}

static int apply_gate(kdx_model *m, const kdx_effect *e, strbuf *why)
{
	if (e->kind == KDX_EFF_HEALTH_GATE) {
		if (bad_region(m, e, why))
			return -1;
		if (!m->healthy[e->region]) {
			strbuf_addf(why, "'%s' is not healthy", rname(m, e->region));
			return -1;
		}
		return 0;
	}
	if (bad_res(m, e, why) || bad_region(m, e, why))
		return -1;
	int64_t lag = m->lag_ms[(size_t)e->resource * m->nregions + e->region];
	if (lag > e->ms) {
		strbuf_addf(why, "replication lag of '%s' in '%s' is %lldms, above the bound %lldms",
			    resname(m, e->resource), rname(m, e->region), (long long)lag, (long long)e->ms);
		return -1;
	}
	return 0;
}

static int apply_health(kdx_model *m, const kdx_effect *e, strbuf *why)
{
	if (bad_region(m, e, why))
		return -1;
	m->healthy[e->region] = e->flag;
	for (size_t i = 0; i < m->nresources && !e->flag; i++) {
		if (m->plan->resources[i].cls != KDX_RES_TRAFFIC)
			continue;
		bool serves = false;
		for (size_t r = 0; r < m->nregions; r++)
			if (m->weights[i * m->nregions + r] > 0 && m->healthy[r])
				serves = true;
		if (!serves) {
			strbuf_addf(why, "no healthy region serves '%s' once '%s' is down",
				    resname(m, (int32_t)i), rname(m, e->region));
			return -1;
		}
	}
	return 0;
}

int kdx_model_apply(kdx_model *m, const kdx_effect *e, strbuf *why)
{
	switch (e->kind) {
	case KDX_EFF_SET_WEIGHTS:
		return apply_weights(m, e, why);
	case KDX_EFF_SET_CAPACITY:
		return apply_capacity(m, e, why);
	case KDX_EFF_PROMOTE:
		return apply_promote(m, e, why);
	case KDX_EFF_FENCE:
	case KDX_EFF_UNFENCE:
		if (bad_res(m, e, why) || bad_region(m, e, why))
			return -1;
		m->fenced[(size_t)e->resource * m->nregions + e->region] = e->kind == KDX_EFF_FENCE;
		return 0;
	case KDX_EFF_LAG_GATE:
	case KDX_EFF_HEALTH_GATE:
		return apply_gate(m, e, why);
	case KDX_EFF_SET_HEALTH:
		return apply_health(m, e, why);
	case KDX_EFF_SET_ALARM:
		if (bad_res(m, e, why))
			return -1;
		m->alarm[e->resource] = e->flag;
		return 0;
	case KDX_EFF_WRITE:
	case KDX_EFF_READ:
		return 0;
	}
	strbuf_addstr(why, "unknown effect");
	return -1;
}

int kdx_model_apply_all(kdx_model *m, const kdx_effect *e, size_t n, strbuf *why)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		strbuf tmp = STRBUF_INIT;
		if (kdx_model_apply(m, &e[i], &tmp) < 0 && rc == 0) {
			strbuf_addstr(why, tmp.buf);
			rc = -1;
		}
		strbuf_release(&tmp);
	}
	return rc;
}

static void sep(strbuf *out)
{
	if (out->len)
		strbuf_addstr(out, "; ");
}

static void add_row(strbuf *out, const double *row, size_t n)
{
	for (size_t r = 0; r < n; r++)
		strbuf_addf(out, r ? "/%g" : "%g", row[r]);
}

static void diff_regions(strbuf *out, const kdx_model *a, const kdx_model *b)
{
	for (size_t r = 0; r < a->nregions; r++) {
		if (!pct_eq(a->capacity[r], b->capacity[r])) {
			sep(out);
			strbuf_addf(out, "%s capacity %g%% -> %g%%", rname(a, (int32_t)r), a->capacity[r],
				    b->capacity[r]);
		}
		if (a->healthy[r] != b->healthy[r]) {
			sep(out);
			strbuf_addf(out, "%s %s", rname(a, (int32_t)r), b->healthy[r] ? "healthy" : "down");
		}
	}
}

void kdx_model_render_diff(strbuf *out, const kdx_model *a, const kdx_model *b)
{
	size_t nr = a->nregions;
	strbuf tmp = STRBUF_INIT;
	for (size_t i = 0; i < a->nresources; i++) {
		const double *wa = &a->weights[i * nr], *wb = &b->weights[i * nr];
		bool changed = false;
		for (size_t r = 0; r < nr; r++)
			changed |= !pct_eq(wa[r], wb[r]);
		if (changed) {
			sep(&tmp);
			strbuf_addf(&tmp, "%s weights ", resname(a, (int32_t)i));
			add_row(&tmp, wa, nr);
			strbuf_addstr(&tmp, " -> ");
			add_row(&tmp, wb, nr);
		}
	}
	diff_regions(&tmp, a, b);
	for (size_t i = 0; i < a->nresources; i++) {
		if (a->writer[i] != b->writer[i]) {
			sep(&tmp);
			strbuf_addf(&tmp, "%s writer %s -> %s", resname(a, (int32_t)i),
				    rname(a, a->writer[i]), rname(a, b->writer[i]));
		}
		for (size_t r = 0; r < nr; r++) {
			if (a->fenced[i * nr + r] != b->fenced[i * nr + r]) {
				sep(&tmp);
				strbuf_addf(&tmp, "%s %s in %s", resname(a, (int32_t)i),
					    b->fenced[i * nr + r] ? "fenced" : "unfenced", rname(a, (int32_t)r));
			}
		}
		if (a->alarm[i] != b->alarm[i]) {
			sep(&tmp);
			strbuf_addf(&tmp, "%s %s", resname(a, (int32_t)i), b->alarm[i] ? "ALARM" : "OK");
		}
	}
	strbuf_addstr(out, tmp.buf);
	strbuf_release(&tmp);
}

void kdx_model_render(strbuf *out, const kdx_model *m)
{
	strbuf tmp = STRBUF_INIT;
	size_t nr = m->nregions;
	for (size_t i = 0; i < m->nresources; i++) {
		kdx_res_class c = m->plan->resources[i].cls;
		if (c == KDX_RES_TRAFFIC) {
			sep(&tmp);
			strbuf_addf(&tmp, "%s ", resname(m, (int32_t)i));
			add_row(&tmp, &m->weights[i * nr], nr);
		} else if ((c == KDX_RES_DATABASE || c == KDX_RES_CACHE) && m->writer[i] >= 0) {
			sep(&tmp);
			strbuf_addf(&tmp, "%s writer %s", resname(m, (int32_t)i), rname(m, m->writer[i]));
		}
	}
	if (nr) {
		sep(&tmp);
		strbuf_addstr(&tmp, "capacity ");
		add_row(&tmp, m->capacity, nr);
	}
	strbuf_addstr(out, tmp.buf);
	strbuf_release(&tmp);
}
