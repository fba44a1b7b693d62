/* bench_safety: build a plan of N steps and ~3N edges in memory (the shape bench/gen_runbook.py
 * writes as .kdx) and time the graph build and all safety analyses. Used by bench/check.sh
 * until `kdx check` can read the generated runbook; the timing excludes parsing.
 *   usage: bench_safety [N] [LANES]        prints one line of figures */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "compiler/safety.h"
#include "tests/unit/plan_builder.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* Lane 0 is the spine: it keeps us-west-2's capacity at 95..100%. Lane k >= 1 owns traffic
 * resource api_k and database db_k and cycles through: shift to 0/90/10, fence the writer,
 * lag gate, promote (irreversible, approved), unfence the old writer, shift back to 70/20/10,
 * an opaque write, a read. Each step waits for the previous step of its lane and for two
 * random earlier steps of other lanes; every lane starts after the spine's first step. */
static void build(pb *b, size_t n, size_t lanes, uint64_t seed)
{
	pb_init(b, "bench");
	pb_objectives(b, 1000LL * 3600 * 1000, 5 * 60000);
	b->plan.environment = "production";
	int32_t reg[3] = { pb_region(b, "us-east-1", "primary", 70, 100),
			   pb_region(b, "us-west-2", "secondary", 20, 60),
			   pb_region(b, "eu-west-1", "secondary", 10, 40) };
	int32_t *api = calloc(lanes, sizeof(*api)), *db = calloc(lanes, sizeof(*db));
	int32_t *ops = calloc(lanes, sizeof(*ops));
	int *writer = calloc(lanes, sizeof(*writer));
	for (size_t k = 1; k < lanes; k++) {
		api[k] = pb_resource(b, kdx_arena_printf(&b->arena, "api_%zu", k), KDX_RES_TRAFFIC, -1);
		db[k] = pb_resource(b, kdx_arena_printf(&b->arena, "db_%zu", k), KDX_RES_DATABASE, reg[0]);
		ops[k] = pb_resource(b, kdx_arena_printf(&b->arena, "ops_%zu", k), KDX_RES_OPAQUE, -1);
	}
	for (size_t i = 0; i < n; i++) {
		size_t lane = i % lanes, phase = (i / lanes) % 8;
		uint32_t s = pb_step(b, kdx_arena_printf(&b->arena, "s%zu", i));
		if (i >= lanes)
			pb_after(b, s, (uint32_t)(i - lanes));
		else if (lane)
			pb_after(b, s, 0);
		size_t prev = SIZE_MAX;
		for (int e = 0; e < 2 && i > lanes; e++) {
			size_t back = 1 + rnd(&seed) % (5 * lanes < i ? 5 * lanes : i);
			if ((i - back) % lanes != lane && back != prev)
				pb_after(b, s, (uint32_t)(i - back));
			prev = back;
		}
		kdx_step *st = &b->plan.steps[s];
		st->timeout_ms = 1000 + rnd(&seed) % 5000;
		if (lane == 0) {
			pb_capacity(b, s, reg[1], phase % 2 ? 95 : 100);
			b->undo = true;
			pb_capacity(b, s, reg[1], i == 0 ? 60 : phase % 2 ? 100 : 95);
			b->undo = false;
			continue;
		}
		int w = writer[lane], o = 1 - w;
		switch (phase) {
		case 0:
		case 5:
			pb_weights(b, s, api[lane], phase ? 70.0 : 0.0, phase ? 20.0 : 90.0, 10.0);
			b->undo = true;
			pb_eff(b, s, KDX_EFF_SET_WEIGHTS, api[lane], -1);
			break;
		case 1:
			pb_eff(b, s, KDX_EFF_FENCE, db[lane], reg[w]);
			b->undo = true;
			pb_eff(b, s, KDX_EFF_UNFENCE, db[lane], reg[w]);
			break;
		case 2:
			pb_lag_gate(b, s, db[lane], reg[o], 60000);
			break;
		case 3:
			pb_promote(b, s, db[lane], reg[o], false);
			st->irreversible = st->approval = true;
			st->has_undo = false;
			writer[lane] = o;
			break;
		case 4:
			pb_eff(b, s, KDX_EFF_UNFENCE, db[lane], reg[w]);
			b->undo = true;
			pb_eff(b, s, KDX_EFF_FENCE, db[lane], reg[w]);
			break;
		case 6:
			pb_eff(b, s, KDX_EFF_WRITE, ops[lane], -1);
			b->undo = true;
			pb_eff(b, s, KDX_EFF_WRITE, ops[lane], -1);
			break;
		default:
			pb_eff(b, s, KDX_EFF_READ, ops[lane], -1);
			break;
		}
		b->undo = false;
	}
	free(api);
	free(db);
	free(ops);
	free(writer);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t lanes = argc > 2 ? strtoul(argv[2], NULL, 10) : 100;
	pb b;
	double t0 = now();
	build(&b, n, lanes, 42);
	double t1 = now();
	size_t edges = 0;
	for (size_t i = 0; i < b.plan.nsteps; i++)
		edges += b.plan.steps[i].npreds;
	kdx_diags d;
	kdx_diags_init(&d);
	kdx_safety_report rep;
	int rc = kdx_safety_check(&b.plan, &d, &rep);
	double t2 = now();
	printf("steps=%zu edges=%zu build_s=%.3f check_s=%.3f errors=%zu warnings=%zu "
	       "critical_path=%zu hb_searches=%llu hb_visits=%llu result=%s\n",
	       b.plan.nsteps, edges, t1 - t0, t2 - t1, d.nerrors, d.nwarnings, rep.npath,
	       (unsigned long long)rep.hb_searches, (unsigned long long)rep.hb_visits, rc ? "unsafe" : "safe");
	for (size_t i = 0; i < d.n && i < 5; i++)
		fprintf(stderr, "  [%s] %s\n", d.items[i].code, d.items[i].msg);
	kdx_safety_report_release(&rep);
	kdx_diags_release(&d);
	pb_release(&b);
	return rc ? 1 : 0;
}
