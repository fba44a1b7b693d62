/* poll: the schedule of a `wait until` (poll.h says why it is shaped this way). */
#include "poll.h"

#include <math.h>
#include <stddef.h>

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int64_t every_of(const kdx_poll *p)
{
	return p->every_ms > 0 ? p->every_ms : 1000;
}

/* +-KDX_POLL_JITTER_PCT % from (seed, k): the same poll of the same wait moves alike */
static double jitter(const kdx_poll *p, unsigned k)
{
	uint64_t h = splitmix(p->seed ^ splitmix(k));
	double r = (double)(h % 2001) / 1000.0 - 1.0; /* -1 .. 1 */
	return 1.0 + r * KDX_POLL_JITTER_PCT / 100.0;
}

/* g jittered for poll k, between KDX_POLL_BASE_MS and `every`. At the cap, `every`
 * exactly: a long wait then makes no more requests than polling every `every` (an SDK
 * waiter), jitter or not. */
static int64_t clamp_gap(const kdx_poll *p, double g, unsigned k)
{
	int64_t every = every_of(p);
	if (g >= (double)every)
		return every;
	g *= jitter(p, k);
	if (g < KDX_POLL_BASE_MS)
		g = KDX_POLL_BASE_MS;
	if (g > (double)every)
		g = (double)every;
	return g < 1 ? 1 : (int64_t)g;
}

/* With no horizon: the gap before poll k is BASE x 1.5^j, jittered, capped by `every`. */
static int64_t grow_gap(const kdx_poll *p, unsigned j, unsigned k)
{
	double g = KDX_POLL_BASE_MS;
	for (unsigned i = 0; i < j && g < (double)every_of(p); i++)
		g *= 1.5;
	return clamp_gap(p, g, k);
}

/* When poll k comes after a poll at t, up to the horizon hi (poll.h says why this gap). */
static int64_t horizon_next(const kdx_poll *p, int64_t t, unsigned k)
{
	int64_t hi = p->last_ms;
	if (t >= hi)
		return t + every_of(p);
	double g = t > 0 ? sqrt(2.0 * KDX_POLL_COST_MS * (double)t * log((double)hi / (double)t))
			 : KDX_POLL_BASE_MS;
	int64_t next = t + clamp_gap(p, g, k);
	return next < hi ? next : hi;
}

/* A walk over the schedule, one poll at a time. */
typedef struct walk {
	unsigned n; /* the index of the current poll */
	unsigned j; /* gaps grown (no horizon) */
	int64_t at; /* its time */
} walk;

static void walk_next(const kdx_poll *p, walk *w)
{
	unsigned k = ++w->n;
	if (p->fixed)
		w->at = (int64_t)k * every_of(p);
	else if (k == 1 && p->typical_ms > 0)
		w->at = p->typical_ms;
	else if (p->last_ms > 0)
		w->at = horizon_next(p, w->at, k);
	else
		w->at += grow_gap(p, w->j++, k);
}

int64_t kdx_poll_at(const kdx_poll *p, unsigned k)
{
	walk w = { 0 };
	while (w.n < k)
		walk_next(p, &w);
	return w.at;
}

int64_t kdx_poll_after(const kdx_poll *p, int64_t t, unsigned *k)
{
	unsigned n = 0;
	int64_t at = 0;
	if (p->fixed) {
		int64_t e = every_of(p);
		n = t <= 0 ? 0 : (unsigned)((t + e - 1) / e);
		at = (int64_t)n * e;
	} else {
		/* the walk of kdx_poll_at, stopped at t: O(polls before t) */
		walk w = { 0 };
		while (w.at < t)
			walk_next(p, &w);
		n = w.n;
		at = w.at;
	}
	if (k)
		*k = n;
	return at;
}

uint64_t kdx_poll_seed(const char *a, const char *b)
{
	uint64_t h = 14695981039346656037ull;
	for (const char *s = a; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h = splitmix(h);
	for (const char *s = b; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return splitmix(h);
}
