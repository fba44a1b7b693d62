/* sched_overhead: kdx's own cost per step -- scheduler + journal -- with a backend that
 * answers at once, on the real clock. Prints per-step CPU and wall time and fsyncs per step.
 * Build and run with bench/sched_overhead.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xalloc.h"
#include "executor/scheduler.h"

static int instant(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err)
{
	(void)ctx;
	(void)err;
	kdx_sched_complete(s, op, true, "{\"ChangeInfo\":{\"Status\":\"PENDING\"}}", NULL, NULL);
	return 0;
}

static double secs(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* width 1: a chain of n steps; width w: n/w layers of w independent steps each */
static void run(const char *dir, int n, int width)
{
	kdx_step *steps = xcalloc((size_t)n, sizeof(*steps));
	kdx_edge *edges = xcalloc((size_t)n * (size_t)width, sizeof(*edges));
	char (*names)[16] = xcalloc((size_t)n, 16);
	for (int i = 0; i < n; i++) {
		snprintf(names[i], 16, "s%d", i);
		steps[i] = (kdx_step){ .name = names[i], .attempts = 1, .mutating = true,
				       .has_undo = true, .preds = edges + (size_t)i * width };
		int layer = i / width;
		if (layer > 0)
			for (int k = 0; k < width; k++)
				steps[i].preds[steps[i].npreds++] =
					(kdx_edge){ .from = (uint32_t)((layer - 1) * width + k) };
	}
	kdx_plan plan = { .name = "bench", .path = "bench.kdx", .steps = steps,
			  .nsteps = (size_t)n };
	kdx_real_clock clk;
	kdx_real_clock_init(&clk);
	kdx_backend be = { .start = instant };
	kdx_journal j;
	kdx_journal_init(&j);
	strbuf err = STRBUF_INIT;
	if (kdx_journal_create(&j, dir, "bench", &err) < 0) {
		fprintf(stderr, "%s\n", err.buf);
		exit(1);
	}
	kdx_sched_opts o = { .command = "apply", .parallelism = width };
	kdx_run_result res;
	double w0 = secs(CLOCK_MONOTONIC), c0 = secs(CLOCK_PROCESS_CPUTIME_ID);
	if (kdx_sched_apply(&plan, &be, &clk.base, &j, &o, &res, &err) < 0 ||
	    res.status != KDX_RUN_OK) {
		fprintf(stderr, "run failed: %s\n", err.buf);
		exit(1);
	}
	double w = secs(CLOCK_MONOTONIC) - w0, c = secs(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("%4d steps, width %2d: wall %7.2f ms (%.3f ms/step), cpu %.3f ms/step, "
	       "%ld records, %ld fsyncs\n", n, width, w * 1e3, w * 1e3 / n, c * 1e3 / n,
	       j.records, j.fsyncs);
	kdx_journal_release(&j);
	strbuf_release(&err);
	free(steps);
	free(edges);
	free(names);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp/kdx-bench";
	run(dir, 26, 1);
	run(dir, 26, 2);
	run(dir, 200, 1);
	run(dir, 200, 10);
	run(dir, 2000, 50);
	return 0;
}
