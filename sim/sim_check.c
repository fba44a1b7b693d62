/* sim_check: the predicates the simulator judges a world state by -- recovery (for the
 * achieved RTO) and the safety invariants (for -explore) -- and the seeded duration draw. */
#include "sim.h"

#include <math.h>
#include <stdarg.h>

static bool is_traffic(const kdx_model *m, size_t i)
{
	return m->plan->resources[i].cls == KDX_RES_TRAFFIC;
}

static bool is_db(const kdx_model *m, size_t i)
{
	kdx_res_class c = m->plan->resources[i].cls;
	return c == KDX_RES_DATABASE || c == KDX_RES_CACHE;
}

static const char *rname(const kdx_model *m, int32_t r)
{
	return r >= 0 && (size_t)r < m->nregions ? m->plan->regions[r].name : "(none)";
}

bool kdx_sim_recovered(const kdx_model *m, strbuf *why)
{
	size_t nr = m->nregions;
	for (size_t i = 0; i < m->nresources; i++) {
		const char *name = m->plan->resources[i].name;
		if (is_traffic(m, i)) {
			for (size_t r = 0; r < nr; r++) {
				double w = m->weights[i * nr + r];
				if (w <= KDX_PCT_EPS)
					continue;
				if (!m->healthy[r] || w > m->capacity[r] + KDX_PCT_EPS) {
					if (why)
						strbuf_addf(why, "'%s' sends %g%% to '%s', which %s", name, w,
							    rname(m, (int32_t)r),
							    m->healthy[r] ? "lacks the capacity" : "is down");
					return false;
				}
			}
		} else if (is_db(m, i)) {
			int32_t w = m->writer[i];
			if (w < 0 || !m->healthy[w] || m->fenced[i * nr + (size_t)w]) {
				if (why)
					strbuf_addf(why, "'%s' has no writer that takes writes", name);
				return false;
			}
		}
	}
	return true;
}

__attribute__((format(printf, 3, 4)))
static void add(strbuf *why, int *n, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		if (why->len)
			strbuf_addstr(why, "; ");
		va_start(ap, fmt);
		strbuf_vaddf(why, fmt, ap);
		va_end(ap);
	}
	(*n)++;
}

int kdx_sim_invariants(const kdx_model *m, strbuf *why)
{
	size_t nr = m->nregions;
	int n = 0;
	for (size_t i = 0; i < m->nresources; i++) {
		const char *name = m->plan->resources[i].name;
		if (is_traffic(m, i)) {
			double sum = 0;
			bool serves = false;
			for (size_t r = 0; r < nr; r++) {
				double w = m->weights[i * nr + r];
				sum += w;
				serves |= w > KDX_PCT_EPS && m->healthy[r];
				if (w > m->capacity[r] + KDX_PCT_EPS)
					add(why, &n, "'%s' gets %g%% of '%s' but has capacity %g%%",
					    rname(m, (int32_t)r), w, name, m->capacity[r]);
			}
			if (fabs(sum - 100) > KDX_PCT_EPS)
				add(why, &n, "weights of '%s' sum to %g%%", name, sum);
			if (!serves)
				add(why, &n, "no healthy region serves '%s'", name);
		} else if (is_db(m, i)) {
			int32_t w = m->writer[i];
			if (w < 0)
				add(why, &n, "'%s' has no writer", name);
			else if (m->fenced[i * nr + (size_t)w])
				add(why, &n, "the writer of '%s' in '%s' is fenced: nobody takes writes", name,
				    rname(m, w));
		}
	}
	return n;
}

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

int64_t kdx_sim_draw(uint64_t seed, size_t step, kdx_phase phase, int attempt, int64_t min,
		     int64_t max)
{
	if (max <= min)
		return min > 0 ? min : 0;
	uint64_t h = splitmix(seed);
	h = splitmix(h ^ (uint64_t)step);
	h = splitmix(h ^ ((uint64_t)phase << 32 | (uint32_t)attempt));
	return min + (int64_t)(h % (uint64_t)(max - min + 1));
}
