/* poll: when a `wait until` looks again -- the one schedule `kdx apply` polls by, `kdx plan`
 * shows and `kdx simulate` charges (issue #19). Pure: no clock, no I/O.
 *
 * Adaptive (the default): poll 0 at once (a change that is already done, or that AWS makes
 * at once, costs one request, as boto3's waiters' first try); poll 1 at the action's typical
 * duration (its duration model's lower bound: nothing is expected to finish earlier); then
 * intervals that start at KDX_POLL_BASE_MS and grow by half each time, jittered by up to
 * +-KDX_POLL_JITTER_PCT % so that many runners do not poll in step, until they reach
 * `every`, from where they are `every` exactly.
 * A change that ends near its typical duration is noticed within a second or two; one
 * that runs long costs no more requests than polling every `every`.
 * Fixed (for comparison, the schedule before issue #19): 0, every, 2 x every, ... */
#ifndef KDX_POLL_H
#define KDX_POLL_H
#include <stdbool.h>
#include <stdint.h>

#define KDX_POLL_BASE_MS 1000
#define KDX_POLL_JITTER_PCT 10

typedef struct kdx_poll {
	int64_t typical_ms;  /* first poll after the immediate one; <= 0: none (grow from 0) */
	int64_t every_ms;    /* the cap on intervals (`every`); <= 0 means 1s */
	int64_t last_ms;     /* one more poll here (the duration model's upper bound, often the
				step's timeout too: a change that ends just before it is seen before
				the attempt gives up); <= 0: none. Not in the fixed schedule. */
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
