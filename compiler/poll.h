/* poll: when a `wait until` looks again -- the one schedule `kdx apply` polls by, `kdx plan`
 * shows and `kdx simulate` charges (issue #19). Pure: no clock, no I/O.
 *
 * Adaptive (the default): poll 0 at once (a change that is already done, or that AWS makes
 * at once, costs one request, as boto3's waiters' first try); poll 1 at the action's typical
 * duration (its duration model's lower bound lo: nothing is expected to finish earlier);
 * then, up to the horizon hi (the model's upper bound, or the wait's `within` when the
 * action has none), the gap after a poll at t is
 *     sqrt(2 * KDX_POLL_COST_MS * t * ln(hi / t))
 * jittered by up to +-KDX_POLL_JITTER_PCT % (so that many runners do not poll in step),
 * at least KDX_POLL_BASE_MS, at most `every`, the last poll at hi exactly; past hi, every
 * `every` exactly. Why this shape: for a change that ends at T, a poll schedule costs the
 * time from T to the poll that sees it plus KDX_POLL_COST_MS per request; the gap that
 * nearly minimises the sum where the end is still to come is sqrt(2 * cost / hazard(t))
 * (Keller's inspection density, 1974), and with nothing known of T but lo..hi the scale-free
 * guess is a log-uniform T, whose hazard is 1 / (t ln(hi / t)). So the polls are dense
 * just after the typical duration, where a log-uniform change most likely ends, spread
 * out in the middle and dense again before hi, by when the model says it must have ended
 * (bench/poll_bound.py computes the optimum exactly and compares).
 * With no horizon (no model, no limit) the gaps grow by half from KDX_POLL_BASE_MS
 * instead, to `every`. Two polls are never more than `every` apart, and never less than
 * KDX_POLL_BASE_MS but for the one that lands on hi and an `every` below the base.
 * Fixed (for comparison, the schedule before issue #19): 0, every, 2 x every, ... */
#ifndef KDX_POLL_H
#define KDX_POLL_H
#include <stdbool.h>
#include <stdint.h>

#define KDX_POLL_BASE_MS 1000
#define KDX_POLL_JITTER_PCT 10
/* what a request is worth in RTO: the rate at which the schedule trades requests for
 * seconds noticed sooner (a choice, not fitted to a benchmark; docs/benchmarks.md gives
 * what it makes on the KALDRIX waits and bench/poll_bound.py the frontier it sits on) */
#define KDX_POLL_COST_MS 500

typedef struct kdx_poll {
	int64_t typical_ms;  /* first poll after the immediate one; <= 0: none */
	int64_t every_ms;    /* the cap on intervals (`every`); <= 0 means 1s */
	int64_t last_ms;     /* the horizon hi: the duration model's upper bound (often the
				step's timeout too: a change that ends just before it is seen before
				the attempt gives up), else the wait's limit; polled exactly;
				<= 0: none. Not in the fixed schedule. */
	uint64_t seed;       /* jitter; the same seed gives the same schedule */
	bool fixed;          /* the old schedule: every `every` from the start */
} kdx_poll;

/* When poll k happens, in ms from the start of the wait (poll 0 is at 0). Strictly
 * increasing in k. */
int64_t kdx_poll_at(const kdx_poll *p, unsigned k);

/* The first poll at or after t (t >= 0): when a change that ends at t is noticed.
 * *k (may be NULL) receives its index, i.e. the requests before it. */
int64_t kdx_poll_after(const kdx_poll *p, int64_t t, unsigned *k);

/* A seed for a wait from the text that tells it apart (run token, step, action). */
uint64_t kdx_poll_seed(const char *a, const char *b);

#endif
