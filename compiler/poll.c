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

int64_t kdx_poll_at(const kdx_poll *p, unsigned k)
{
	if (k == 0)
		return 0;
	if (p->fixed)
		return (int64_t)k * every_of(p);
	int64_t t = 0;
	unsigned j = 0, i = 1;
	if (p->typical_ms > 0) {
		t = p->typical_ms;
		i = 2;
	}
	for (; i <= k; i++)
		t += gap(p, j++, i);
	return t;
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
		unsigned j = 0;
		while (at < t) {
			n++;
			if (n == 1 && p->typical_ms > 0)
				at = p->typical_ms;
			else
				at += gap(p, j++, n);
		}
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
