/* bench/poll_rto: what polling adds to the RTO in simulation (issue #19).
 *   build/bench/poll_rto [RUNBOOK] [SEEDS]    (default plans/failover.kdx, 1000 seeds)
 * For each seed the runbook is simulated three times: polls noticed the moment the change
 * ends (NONE: the inherent critical path of the drawn durations), the fixed schedule (every
 * `every` from the start, kdx before #19 and the SDK waiters), and the adaptive one
 * (compiler/poll.h, kdx now). Prints, over the seeds where all three recover, the RTO each
 * schedule adds to NONE (mean, median, p95, max) and, per polled step, the requests its
 * first attempt's wait makes under each schedule (drawn duration, same seed). */
#include "compiler/compile.h"
#include "compiler/poll.h"
#include "sim/sim.h"

#include <stdio.h>
#include <stdlib.h>

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void stats(const char *name, int64_t *v, size_t n)
{
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp64);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	printf("%-9s added RTO: mean %6.2f s  median %6.2f s  p95 %6.2f s  max %6.2f s\n", name,
	       sum / (double)n / 1000, (double)v[n / 2] / 1000, (double)v[n * 95 / 100] / 1000,
	       (double)v[n - 1] / 1000);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "plans/failover.kdx";
	unsigned seeds = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
	kdx_compilation c;
	kdx_compile_opts o = { .path = path };
	if (kdx_compile(&o, &c)) {
		strbuf sb = STRBUF_INIT;
		kdx_diags_render(&sb, &c.diags, &c.sources, false);
		fprintf(stderr, "%s", sb.buf);
		return 1;
	}
	const kdx_plan *p = c.plan;
	int64_t *fixed = calloc(seeds + 1, sizeof(int64_t)), *adapt = calloc(seeds + 1, sizeof(int64_t));
	size_t n = 0, lost = 0;
	for (unsigned s = 1; s <= seeds; s++) {
		int64_t rto[3];
		bool ok = true;
		for (int m = 0; m < 3; m++) {
			kdx_sim_opts so = { .seed = s, .poll = m };
			kdx_sim_result r;
			strbuf err = STRBUF_INIT;
			int rc = kdx_sim_run(p, &so, &r, &err);
			ok = ok && rc >= 0 && r.recovered;
			rto[m] = r.rto_ms;
			kdx_sim_result_release(&r);
			strbuf_release(&err);
		}
		if (!ok) {
			lost++;
			continue;
		}
		adapt[n] = rto[KDX_SIM_POLL_ADAPTIVE] - rto[KDX_SIM_POLL_NONE];
		fixed[n] = rto[KDX_SIM_POLL_FIXED] - rto[KDX_SIM_POLL_NONE];
		n++;
	}
	printf("%s: %u seeds, %zu recovered under all three schedules (%zu not)\n", path, seeds, n, lost);
	stats("fixed", fixed, n);
	stats("adaptive", adapt, n);
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *st = &p->steps[i];
		if (!st->poll_every_ms)
			continue;
		double kf = 0, ka = 0, lf = 0, la = 0;
		for (unsigned s = 1; s <= seeds; s++) {
			int64_t d = kdx_sim_draw(s, i, KDX_PHASE_DO, 1, st->duration_min_ms,
						 st->duration_max_ms);
			kdx_poll pf = { .typical_ms = st->duration_min_ms, .every_ms = st->poll_every_ms,
					.seed = s, .fixed = true };
			kdx_poll pa = { .typical_ms = st->duration_min_ms, .every_ms = st->poll_every_ms,
					.last_ms = st->duration_max_ms, .seed = s };
			unsigned k;
			lf += (double)(kdx_poll_after(&pf, d, &k) - d);
			kf += k + 1;
			la += (double)(kdx_poll_after(&pa, d, &k) - d);
			ka += k + 1;
		}
		printf("step %-16s %s %lld..%lld ms every %lld ms: requests per wait fixed %.2f, adaptive %.2f;"
		       " seen after the end fixed %.2f s, adaptive %.2f s (means)\n",
		       st->name, st->action, (long long)st->duration_min_ms, (long long)st->duration_max_ms,
		       (long long)st->poll_every_ms, kf / seeds, ka / seeds, lf / seeds / 1000,
		       la / seeds / 1000);
	}
	free(fixed);
	free(adapt);
	kdx_compilation_release(&c);
	return 0;
}
