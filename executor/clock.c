/* clock: a real monotonic clock and a virtual, timer-driven one behind one interface. */
#include "clock.h"

#include "../common/xalloc.h"
#include "../common/monotime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t real_now(kdx_clock *c)
{
	(void)c;
	return kdx_mono_ms();
}

static void real_wait(kdx_clock *c, int64_t until, kdx_poll_fn poll, void *ctx)
{
	int64_t now = real_now(c);
	int64_t left = until == KDX_TIME_NEVER ? 1000 : until - now;
	if (left < 0)
		left = 0;
	if (poll) {
		poll(ctx, left);
		return;
	}
	if (until == KDX_TIME_NEVER)
		left = 10; /* nothing can wake us: the caller will look again */
	struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const kdx_clock_ops real_ops = { real_now, real_wait };

void kdx_real_clock_init(kdx_real_clock *c)
{
	c->base.ops = &real_ops;
}

static int64_t v_now(kdx_clock *c)
{
	return ((kdx_vclock *)c)->now;
}

static size_t v_earliest(const kdx_vclock *vc)
{
	size_t best = 0;
	for (size_t i = 1; i < vc->ntimers; i++)
		if (vc->timers[i].at < vc->timers[best].at ||
		    (vc->timers[i].at == vc->timers[best].at &&
		     vc->timers[i].seq < vc->timers[best].seq))
			best = i;
	return best;
}

static void v_wait(kdx_clock *c, int64_t until, kdx_poll_fn poll, void *ctx)
{
	kdx_vclock *vc = (kdx_vclock *)c;
	if (poll)
		poll(ctx, 0);
	if (!vc->ntimers || vc->timers[v_earliest(vc)].at > until) {
		if (until != KDX_TIME_NEVER && until > vc->now)
			vc->now = until;
		return;
	}
	/* Fire every timer due at the earliest time, one by one (a timer may add timers). */
	int64_t t = vc->timers[v_earliest(vc)].at;
	if (t > vc->now)
		vc->now = t;
	while (vc->ntimers) {
		size_t i = v_earliest(vc);
		if (vc->timers[i].at > t)
			break;
		kdx_vtimer tm = vc->timers[i];
		vc->timers[i] = vc->timers[--vc->ntimers];
		tm.fn(tm.arg);
	}
}

static const kdx_clock_ops v_ops = { v_now, v_wait };

void kdx_vclock_init(kdx_vclock *c, int64_t start)
{
	memset(c, 0, sizeof(*c));
	c->base.ops = &v_ops;
	c->now = start;
}

void kdx_vclock_release(kdx_vclock *c)
{
	free(c->timers);
	c->timers = NULL;
	c->ntimers = c->atimers = 0;
}

void kdx_vclock_at(kdx_vclock *c, int64_t at, kdx_timer_fn fn, void *arg)
{
	XGROW(c->timers, c->ntimers + 1, c->atimers);
	c->timers[c->ntimers++] = (kdx_vtimer){ at < c->now ? c->now : at, c->seq++, fn, arg };
}

void kdx_vclock_cancel(kdx_vclock *c, void *arg)
{
	for (size_t i = 0; i < c->ntimers;)
		if (c->timers[i].arg == arg)
			c->timers[i] = c->timers[--c->ntimers];
		else
			i++;
}
