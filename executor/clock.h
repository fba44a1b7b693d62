/* clock: the scheduler's only view of time, so kdx apply runs on the real monotonic clock
 * and kdx simulate (and the tests) on a virtual one, under exactly the same rules.
 * Times are milliseconds on the clock's own scale (monotonic, not wall time).
 * The caller owns the clock structs; kdx_vclock_release() frees pending timers. */
#ifndef KDX_CLOCK_H
#define KDX_CLOCK_H
#include <stddef.h>
#include <stdint.h>

#define KDX_TIME_NEVER INT64_MAX

/* The backend's I/O hook: wait at most timeout_ms (0 = do not block) for I/O, deliver any
 * completions, return how many it delivered (or -1 on error). The AWS backend drives its
 * HTTP client's poll() here. */
typedef int (*kdx_poll_fn)(void *ctx, int64_t timeout_ms);

typedef struct kdx_clock kdx_clock;
typedef struct kdx_clock_ops {
	int64_t (*now)(kdx_clock *c);
	/* Return when something may have happened: the poll hook delivered a completion, or
	 * time reached until (KDX_TIME_NEVER: no deadline). poll may be NULL. */
	void (*wait)(kdx_clock *c, int64_t until, kdx_poll_fn poll, void *poll_ctx);
} kdx_clock_ops;

struct kdx_clock {
	const kdx_clock_ops *ops;
};

static inline int64_t kdx_clock_now(kdx_clock *c) { return c->ops->now(c); }
static inline void kdx_clock_wait(kdx_clock *c, int64_t until, kdx_poll_fn poll, void *ctx)
{
	c->ops->wait(c, until, poll, ctx);
}

/* The real one: CLOCK_MONOTONIC; waits in the poll hook, or nanosleep without one. */
typedef struct kdx_real_clock {
	kdx_clock base;
} kdx_real_clock;
void kdx_real_clock_init(kdx_real_clock *c);

/* A virtual clock: time only moves when wait() jumps to the next timer (or to until).
 * Timers are how a simulated backend completes its operations "later". */
typedef void (*kdx_timer_fn)(void *arg);
typedef struct kdx_vtimer {
	int64_t at;
	uint64_t seq;        /* keeps timers at the same time in the order they were set */
	kdx_timer_fn fn;
	void *arg;
} kdx_vtimer;

typedef struct kdx_vclock {
	kdx_clock base;
	int64_t now;
	kdx_vtimer *timers;  /* unsorted; few at a time */
	size_t ntimers, atimers;
	uint64_t seq;
} kdx_vclock;

void kdx_vclock_init(kdx_vclock *c, int64_t start);
void kdx_vclock_release(kdx_vclock *c);
/* Call fn(arg) when virtual time reaches at. */
void kdx_vclock_at(kdx_vclock *c, int64_t at, kdx_timer_fn fn, void *arg);
/* Drop every timer with this arg (a cancelled operation). */
void kdx_vclock_cancel(kdx_vclock *c, void *arg);

#endif
