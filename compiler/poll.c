/* poll: the schedule of a `wait until` (poll.h says why it is shaped this way). */
#include "poll.h"

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

/* The gap before poll k (k >= 2 for the adaptive schedule; k >= 1 when there is no
 * typical duration): BASE x 1.5^j jittered, at most `every`, at least 1 ms. */
static int64_t gap(const kdx_poll *p, unsigned j, unsigned k)
{
	int64_t every = every_of(p);
	double g = KDX_POLL_BASE_MS;
	for (unsigned i = 0; i < j && g < (double)every; i++)
		g *= 1.5;
	/* At the cap, exactly `every`: a long wait then makes no more requests than polling
	 * every `every` (an SDK waiter), jitter or not. */
	if (g >= (double)every)
		return every;
	/* jitter in [-J, +J] % from (seed, k): the same poll of the same wait moves alike */
	uint64_t h = splitmix(p->seed ^ splitmix(k));
	double r = (double)(h % 2001) / 1000.0 - 1.0; /* -1 .. 1 */
	g *= 1.0 + r * KDX_POLL_JITTER_PCT / 100.0;
	if (g > (double)every)
		g = (double)every;
	return g < 1 ? 1 : (int64_t)g;
}

/* A walk over the schedule: the base sequence (at once, typical, growing gaps), with one
 * more poll at last_ms merged in where it falls between two of them. */
typedef struct walk {
	unsigned n, j;     /* base polls done; gaps drawn */
	int64_t base;      /* time of base poll n */
	int64_t at;        /* the walk's current poll */
	bool last_pending; /* last_ms is still to come */
} walk;

static void walk_init(const kdx_poll *p, walk *w)
{
	*w = (walk){ .last_pending = !p->fixed && p->last_ms > 0 };
}

static int64_t base_next(const kdx_poll *p, const walk *w, unsigned *j)
{
	unsigned n = w->n + 1;
	*j = w->j;
	if (p->fixed)
		return (int64_t)n * every_of(p);
	if (n == 1 && p->typical_ms > 0)
		return p->typical_ms;
	return w->base + gap(p, (*j)++, n);
}

static void walk_next(const kdx_poll *p, walk *w)
{
	unsigned j;
	int64_t cand = base_next(p, w, &j);
	if (w->last_pending && p->last_ms < cand) {
		w->last_pending = false;
		if (p->last_ms > w->at) {
			w->at = p->last_ms;
			return;
		}
	}
	if (cand == p->last_ms)
		w->last_pending = false;
	w->n++;
	w->j = j;
	w->base = w->at = cand;
}

int64_t kdx_poll_at(const kdx_poll *p, unsigned k)
{
	walk w;
	walk_init(p, &w);
	for (unsigned i = 0; i < k; i++)
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
		walk w;
		walk_init(p, &w);
		while (w.at < t) {
			walk_next(p, &w);
			n++;
		}
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
