/* Unit tests for compiler/graph: order, cycles as paths, unreachable steps, happens-before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "compiler/graph.h"
#include "plan_builder.h"

/* a -> b -> d, a -> c -> d, e alone */
static void test_diamond_order_and_hb(void **state)
{
	(void)state;
	pb b;
	pb_init(&b, "diamond");
	uint32_t a = pb_step(&b, "a"), bb = pb_step(&b, "b"), c = pb_step(&b, "c");
	uint32_t d = pb_step(&b, "d"), e = pb_step(&b, "e");
	pb_after(&b, bb, a);
	pb_after(&b, c, a);
	pb_after(&b, d, bb);
	pb_after(&b, d, c);
	kdx_graph g;
	kdx_graph_build(&g, &b.plan);
	assert_true(g.acyclic);
	assert_int_equal(g.ntopo, 5);
	assert_int_equal(g.nedges, 4);
	assert_true(g.rank[a] < g.rank[bb] && g.rank[bb] < g.rank[d] && g.rank[c] < g.rank[d]);
	assert_true(kdx_graph_hb(&g, a, d));
	assert_true(kdx_graph_hb(&g, c, d));
	assert_false(kdx_graph_hb(&g, d, a));
	assert_false(kdx_graph_hb(&g, bb, c));
	assert_true(kdx_graph_unordered(&g, bb, c));
	assert_true(kdx_graph_unordered(&g, e, d));
	assert_false(kdx_graph_hb(&g, a, a));
	assert_non_null(kdx_graph_edge(&g, a, bb));
	assert_null(kdx_graph_edge(&g, a, d));
	kdx_graph_release(&g);
	pb_release(&b);
}

/* Compare kdx_graph_hb with a plain DFS on random DAGs (edges only go from lower to
 * higher index, in shuffled source order so the filters see non-trivial ranks). */
static bool slow_reach(const kdx_graph *g, uint32_t a, uint32_t b, uint8_t *seen)
{
	if (a == b)
		return true;
	seen[a] = 1;
	for (uint32_t e = g->succ_off[a]; e < g->succ_off[a + 1]; e++)
		if (!seen[g->succ[e]] && slow_reach(g, g->succ[e], b, seen))
			return true;
	return false;
}

/* perm := a pseudo-random permutation of 0..n-1 (Fisher-Yates, an LCG from *seed) */
static void shuffle(uint32_t *perm, size_t n, unsigned *seed)
{
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		*seed = *seed * 1103515245u + 12345u;
		size_t j = (*seed >> 8) % (i + 1);
		uint32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
	}
}

static void test_hb_matches_dfs(void **state)
{
	(void)state;
	unsigned seed = 12345;
	for (int round = 0; round < 20; round++) {
		pb b;
		pb_init(&b, "random");
		size_t n = 60;
		uint32_t perm[60];
		shuffle(perm, n, &seed);
		for (size_t i = 0; i < n; i++)
			pb_step(&b, "s");
		for (size_t k = 0; k < 90; k++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t x = (seed >> 8) % n;
			seed = seed * 1103515245u + 12345u;
			uint32_t y = (seed >> 8) % n;
			if (x == y)
				continue;
			if (x > y) { uint32_t t = x; x = y; y = t; }
			pb_after(&b, perm[y], perm[x]);
		}
		kdx_graph g;
		kdx_graph_build(&g, &b.plan);
		assert_true(g.acyclic);
		for (uint32_t x = 0; x < n; x++)
			for (uint32_t y = 0; y < n; y++) {
				uint8_t seen[60] = { 0 };
				bool want = x != y && slow_reach(&g, x, y, seen);
				if (kdx_graph_hb(&g, x, y) != want)
					fail_msg("round %d: hb(%u,%u) should be %d", round, x, y, want);
			}
		kdx_graph_release(&g);
		pb_release(&b);
	}
}

/* A DAG larger than the landmark count (KDX_GRAPH_LMWORDS * 64), so that the landmark
 * filters are partial and searches still happen: every pair against a full closure. */
static void test_hb_landmarks_large(void **state)
{
	(void)state;
	enum { N = 1500, E = 4000 };
	unsigned seed = 777;
	pb b;
	pb_init(&b, "large");
	for (size_t i = 0; i < N; i++)
		pb_step(&b, "s");
	for (size_t k = 0; k < E; k++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t y = 1 + (seed >> 8) % (N - 1);
		seed = seed * 1103515245u + 12345u;
		uint32_t back = 1 + (seed >> 8) % (y < 60 ? y : 60);
		pb_after(&b, y, y - back);
	}
	kdx_graph g;
	kdx_graph_build(&g, &b.plan);
	assert_true(g.acyclic);
	uint8_t *reach = calloc((size_t)N * N, 1); /* reach[x * N + y]: x reaches y */
	for (size_t x = N; x-- > 0;)
		for (uint32_t e = g.succ_off[x]; e < g.succ_off[x + 1]; e++) {
			uint32_t w = g.succ[e];
			reach[x * N + w] = 1;
			for (size_t y = 0; y < N; y++)
				reach[x * N + y] |= reach[(size_t)w * N + y];
		}
	for (uint32_t x = 0; x < N; x++)
		for (uint32_t y = 0; y < N; y++)
			if (kdx_graph_hb(&g, x, y) != (bool)reach[(size_t)x * N + y])
				fail_msg("hb(%u,%u) should be %d", x, y, reach[(size_t)x * N + y]);
	assert_true(g.nsearches > 0); /* the search path was exercised too */
	free(reach);
	kdx_graph_release(&g);
	pb_release(&b);
}

/* A graph of parallel lanes (the shape of bench/gen_runbook.py): step i waits for i - L
 * and for two random earlier steps of other lanes. With many more steps than landmarks the
 * lanes are the path cover's chains, so every pair within a lane is settled without a
 * search, and every pair agrees with a full closure. */
static void test_hb_lanes(void **state)
{
	(void)state;
	enum { N = 6000, L = 300 };
	unsigned seed = 99;
	pb b;
	pb_init(&b, "lanes");
	for (size_t i = 0; i < N; i++)
		pb_step(&b, "s");
	for (uint32_t i = L; i < N; i++) {
		pb_after(&b, i, i - L);
		for (int k = 0; k < 2; k++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t p = i - 1 - (seed >> 8) % (5 * L);
			if (p % L != i % L && p != i - L)
				pb_after(&b, i, p);
		}
	}
	kdx_graph g;
	kdx_graph_build(&g, &b.plan);
	assert_true(g.acyclic);
	for (uint32_t i = 0; i < N; i++) { /* the lanes are the chains */
		assert_int_equal(g.lab[i].chain, g.lab[i % L].chain);
		assert_int_equal(g.lab[i].cpos, i / L);
	}
	for (uint32_t x = 0; x < N; x += 7)
		for (uint32_t y = x % L; y < N; y += L)
			assert_int_equal(kdx_graph_hb(&g, x, y), x != y && x % L == y % L && x < y);
	assert_int_equal(g.nsearches, 0);
	/* all pairs against a closure, one bitset row per step */
	size_t words = (N + 63) / 64;
	uint64_t *reach = calloc((size_t)N * words, sizeof(*reach));
	for (size_t i = g.ntopo; i-- > 0;) {
		uint32_t x = g.topo[i];
		for (uint32_t e = g.succ_off[x]; e < g.succ_off[x + 1]; e++) {
			uint32_t w = g.succ[e];
			reach[x * words + w / 64] |= 1ull << (w % 64);
			for (size_t k = 0; k < words; k++)
				reach[x * words + k] |= reach[(size_t)w * words + k];
		}
	}
	for (uint32_t x = 0; x < N; x += 3)
		for (uint32_t y = 0; y < N; y++) {
			bool want = reach[(size_t)x * words + y / 64] >> (y % 64) & 1;
			if (kdx_graph_hb(&g, x, y) != want)
				fail_msg("hb(%u,%u) should be %d", x, y, want);
		}
	assert_true(g.nsearches > 0); /* cross-lane pairs still search */
	free(reach);
	kdx_graph_release(&g);
	pb_release(&b);
}

/* The reverse view against a graph built from the reversed plan (every edge u -> v written
 * as v -> u): the same successor lists, the same topological order and ranks (the rollback
 * analysis reports in that order), and hb(a, b) in the view == hb(b, a) forward, for every
 * pair, on random DAGs large enough for partial landmarks. */
static void test_reverse_view(void **state)
{
	(void)state;
	unsigned seed = 4242;
	for (int round = 0; round < 4; round++) {
		size_t n = round < 3 ? 80 : 1200, m = n * 3;
		pb b, r;
		pb_init(&b, "fwd");
		pb_init(&r, "rev");
		for (size_t i = 0; i < n; i++) {
			pb_step(&b, "s");
			pb_step(&r, "s");
		}
		/* edges from lower to higher rank of a shuffled order, in random source order,
		 * with duplicates (dropped by both) */
		uint32_t *perm = malloc(n * sizeof(*perm));
		shuffle(perm, n, &seed);
		for (size_t k = 0; k < m; k++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t y = 1 + (seed >> 8) % (uint32_t)(n - 1);
			seed = seed * 1103515245u + 12345u;
			uint32_t back = 1 + (seed >> 8) % (y < 40 ? y : 40);
			uint32_t from = perm[y - back], to = perm[y];
			pb_after(&b, to, from);
		}
		kdx_graph g, want, view;
		kdx_graph_build(&g, &b.plan);
		assert_true(g.acyclic);
		/* the reversed plan, each step's preds in the order of its forward successors */
		for (uint32_t u = 0; u < n; u++)
			for (uint32_t e = g.succ_off[u]; e < g.succ_off[u + 1]; e++)
				pb_after(&r, u, g.succ[e]);
		kdx_graph_build(&want, &r.plan);
		kdx_graph_reverse(&view, &g, &r.plan);
		assert_true(view.acyclic);
		assert_int_equal(view.n, want.n);
		assert_int_equal(view.nedges, want.nedges);
		assert_int_equal(view.ntopo, want.ntopo);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(view.topo[i], want.topo[i]);
			assert_int_equal(view.rank[i], want.rank[i]);
		}
		/* the same successor sets (want's are sorted by rank, the view's by index) */
		uint8_t *in = calloc(n, 1);
		for (uint32_t v = 0; v < n; v++) {
			assert_int_equal(view.succ_off[v + 1] - view.succ_off[v],
					 want.succ_off[v + 1] - want.succ_off[v]);
			for (uint32_t e = view.succ_off[v]; e < view.succ_off[v + 1]; e++)
				in[view.succ[e]] = 1;
			for (uint32_t e = want.succ_off[v]; e < want.succ_off[v + 1]; e++) {
				assert_true(in[want.succ[e]]);
				in[want.succ[e]] = 0;
			}
		}
		free(in);
		uint64_t before = g.nsearches + want.nsearches;
		for (uint32_t x = 0; x < n; x++)
			for (uint32_t y = 0; y < n; y++) {
				bool w = kdx_graph_hb(&want, x, y);
				if (kdx_graph_hb(&view, x, y) != w)
					fail_msg("round %d: view hb(%u,%u) should be %d", round, x, y, w);
				if (kdx_graph_hb(&g, y, x) != w)
					fail_msg("round %d: forward hb(%u,%u) should be %d", round, y, x, w);
				assert_int_equal(kdx_graph_unordered(&view, x, y),
						 kdx_graph_unordered(&want, x, y));
			}
		assert_int_equal(view.nsearches, 0); /* counted in the forward graph */
		assert_true(round < 3 || g.nsearches + want.nsearches > before);
		free(perm);
		kdx_graph_release(&view);
		kdx_graph_release(&want);
		kdx_graph_release(&g);
		pb_release(&r);
		pb_release(&b);
	}
}

/* a -> b -> c -> a is a cycle; d waits for c (unreachable); e -> f -> e a second cycle;
 * g has a self edge; h is fine. */
static void test_cycles_and_unreachable(void **state)
{
	(void)state;
	pb b;
	pb_init(&b, "cycles");
	uint32_t a = pb_step(&b, "a"), bb = pb_step(&b, "b"), c = pb_step(&b, "c");
	uint32_t d = pb_step(&b, "d"), e = pb_step(&b, "e"), f = pb_step(&b, "f");
	uint32_t gg = pb_step(&b, "g"), h = pb_step(&b, "h");
	pb_after(&b, bb, a);
	pb_after(&b, c, bb);
	pb_after(&b, a, c);
	pb_after(&b, d, c);
	pb_after(&b, d, h);
	pb_after(&b, f, e);
	pb_after(&b, e, f);
	pb_after(&b, gg, gg);
	pb_after(&b, h, gg);
	pb_after(&b, h, gg); /* duplicate */
	kdx_graph g;
	kdx_graph_build(&g, &b.plan);
	assert_false(g.acyclic);
	assert_int_equal(g.ncycles, 2);
	assert_int_equal(g.cycle_len[0], 3);
	assert_int_equal(g.cycles[0][0], a);
	assert_int_equal(g.cycles[0][1], bb);
	assert_int_equal(g.cycles[0][2], c);
	assert_int_equal(g.cycle_len[1], 2);
	assert_int_equal(g.cycles[1][0], e);
	assert_int_equal(g.cycles[1][1], f);
	assert_int_equal(g.nunreachable, 1);
	assert_int_equal(g.unreachable[0], d);
	assert_int_equal(g.blocked_by[d], c);
	assert_int_equal(g.nissues, 2);
	assert_int_equal(g.issues[0].kind, KDX_GRAPH_SELF_EDGE);
	assert_int_equal(g.issues[0].step, gg);
	assert_int_equal(g.issues[1].kind, KDX_GRAPH_DUP_EDGE);
	assert_int_equal(g.issues[1].step, h);
	assert_int_not_equal(g.rank[h], UINT32_MAX);
	kdx_graph_release(&g);
	pb_release(&b);
}

static void test_bad_index(void **state)
{
	(void)state;
	pb b;
	pb_init(&b, "bad");
	uint32_t a = pb_step(&b, "a");
	pb_after(&b, a, 7);
	kdx_graph g;
	kdx_graph_build(&g, &b.plan);
	assert_true(g.acyclic);
	assert_int_equal(g.nissues, 1);
	assert_int_equal(g.issues[0].kind, KDX_GRAPH_BAD_INDEX);
	kdx_graph_release(&g);
	pb_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diamond_order_and_hb),
		cmocka_unit_test(test_hb_matches_dfs),
		cmocka_unit_test(test_hb_landmarks_large),
		cmocka_unit_test(test_hb_lanes),
		cmocka_unit_test(test_reverse_view),
		cmocka_unit_test(test_cycles_and_unreachable),
		cmocka_unit_test(test_bad_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
