/* safety/rto: the longest path through the graph, each step at its worst case, must fit
 * objectives.rto; the path is kept in the report for `kdx check` to print. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>

#define CAP_MS (INT64_MAX / 4)

static int64_t sat_add(int64_t a, int64_t b)
{
	return a > CAP_MS - b ? CAP_MS : a + b;
}

static int64_t sat_mul(int64_t a, int64_t b)
{
	if (a <= 0 || b <= 0)
		return 0;
	return a > CAP_MS / b ? CAP_MS : a * b;
}

/* One rule for the executor, the simulator and this analysis (#20.8): an attempt runs the
 * action and then the step's own waits, and its timeout, when it has one, bounds all of it
 * -- so the waits are inside the timeout, never added to it. Without a timeout an attempt
 * may take the action's worst case plus the waits (the scheduler's implicit timeout). */
int64_t kdx_safety_step_worst(const kdx_step *s, kdx_critical_step *c)
{
	int64_t attempts = s->attempts > 0 ? s->attempts : 1;
	int64_t wait = s->wait_ms > 0 ? s->wait_ms : 0;
	int64_t per = s->timeout_ms > 0 ? s->timeout_ms
					: sat_add(s->duration_max_ms > 0 ? s->duration_max_ms : 0, wait);
	int64_t run = sat_mul(attempts, per);
	/* backoff before retry i (i = 1 .. attempts-1) is base x 2^(i-1): the sum is
	 * base x (2^(attempts-1) - 1) */
	int64_t factor = attempts - 1 >= 62 ? CAP_MS : ((int64_t)1 << (attempts - 1)) - 1;
	int64_t backoff = sat_mul(s->backoff_ms, factor);
	if (c) {
		c->run_ms = run;
		c->backoff_ms = backoff;
		c->wait_ms = wait; /* for display: already inside run */
		c->worst_ms = sat_add(run, backoff);
	}
	return sat_add(run, backoff);
}

/* A timeout shorter than the step's own waits would cut a wait the runbook asked for
 * before its limit -- a target that turns healthy at 15 s of a 30 s wait would be rolled
 * back at 10 s. Rejected, with the number that would work. */
static void check_timeouts(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *s = &p->steps[i];
		if (s->timeout_ms <= 0 || s->wait_ms <= 0 || s->timeout_ms >= s->wait_ms)
			continue;
		strbuf a = STRBUF_INIT, b = STRBUF_INIT, h = STRBUF_INIT;
		kdx_duration_format(&a, s->timeout_ms);
		kdx_duration_format(&b, s->wait_ms);
		kdx_duration_format(&h, s->wait_ms + (s->duration_max_ms > 0 ? s->duration_max_ms : 0));
		kdx_diag *dg = kdx_sx_diag(c, KDX_ERROR, "timeout", s->span,
					   "step '%s' times out after %s but its own waits may take "
					   "up to %s: the timeout would cut them short",
					   s->name, a.buf, b.buf);
		kdx_diag_hint(dg, "a step's timeout covers its waits: give it at least %s (the "
				  "action's worst case and the waits), or shorten the wait's 'within'",
			      h.buf);
		strbuf_release(&a);
		strbuf_release(&b);
		strbuf_release(&h);
	}
}

static void fmt_ms(strbuf *sb, int64_t ms)
{
	if (ms < 0) {
		strbuf_addch(sb, '-');
		ms = -ms;
	}
	kdx_duration_format(sb, ms);
}

/* The longest path by worst case: finish(v) = worst(v) + max finish(pred). Returns the
 * path, first step first, in *np entries (the caller frees it); *total is its length. */
static kdx_critical_step *longest_path(kdx_sctx *c, size_t *np, int64_t *total)
{
	const kdx_plan *p = c->plan;
	kdx_graph *g = c->g;
	size_t n = p->nsteps;
	int64_t *finish = xcalloc(n + 1, sizeof(*finish));
	uint32_t *from = xmalloc((n + 1) * sizeof(*from));
	int64_t best = 0;
	uint32_t last = UINT32_MAX;
	for (size_t i = 0; i < g->ntopo; i++) {
		uint32_t v = g->topo[i];
		const kdx_step *s = &p->steps[v];
		int64_t start = 0;
		from[v] = UINT32_MAX;
		/* the rollback plan's steps carry no edges: on the reverse view a step's
		 * predecessors are its forward successors (kdx_graph_reverse) */
		const kdx_graph *fwd = g->reverse_of;
		size_t np = fwd ? fwd->succ_off[v + 1] - fwd->succ_off[v] : s->npreds;
		for (size_t k = 0; k < np; k++) {
			uint32_t u = fwd ? fwd->succ[fwd->succ_off[v] + k] : s->preds[k].from;
			if (u < n && u != v && finish[u] > start) {
				start = finish[u];
				from[v] = u;
			}
		}
		finish[v] = sat_add(start, kdx_sx_worst(c, v, NULL));
		if (last == UINT32_MAX || finish[v] > best) {
			best = finish[v];
			last = v;
		}
	}
	size_t len = 0;
	for (uint32_t v = last; v != UINT32_MAX; v = from[v])
		len++;
	kdx_critical_step *path = xcalloc(len + 1, sizeof(*path));
	size_t k = len;
	for (uint32_t v = last; v != UINT32_MAX; v = from[v]) {
		kdx_critical_step *cs = &path[--k];
		cs->step = v;
		kdx_sx_worst(c, v, cs);
		cs->start_ms = finish[v] - cs->worst_ms;
	}
	free(finish);
	free(from);
	*np = len;
	*total = best;
	return path;
}

static void report(kdx_sctx *c, const kdx_critical_step *path, size_t np, int64_t best)
{
	const kdx_plan *p = c->plan;
	strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	if (p->has_rto && best > p->rto_ms) {
		fmt_ms(&a, best);
		fmt_ms(&b, p->rto_ms);
		kdx_diag *dg = kdx_sx_diag(c, KDX_ERROR, "rto", p->rto_span,
					   "the critical path may take %s, over objectives.rto = %s",
					   a.buf, b.buf);
		for (size_t i = 0; i < np; i++) {
			strbuf w = STRBUF_INIT;
			fmt_ms(&w, path[i].worst_ms);
			kdx_diag_note(dg, p->steps[path[i].step].span, "'%s' may take %s",
				      p->steps[path[i].step].name, w.buf);
			strbuf_release(&w);
		}
		kdx_diag_hint(dg, "shorten timeouts or retries on the critical path, run steps in "
				  "parallel, or revisit the RTO");
	} else if (p->has_rto && !c->rollback && (p->rto_ms - best) * 10 < p->rto_ms) {
		fmt_ms(&a, p->rto_ms - best);
		fmt_ms(&b, p->rto_ms);
		kdx_diag *dg = kdx_sx_diag(c, KDX_WARNING, "rto", p->rto_span,
					   "the critical path leaves only %s of slack in objectives.rto = %s "
					   "(under 10%%)", a.buf, b.buf);
		kdx_diag_hint(dg, "an incident rarely goes to plan; leave at least 10%% of the RTO");
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

void kdx_check_rto(kdx_sctx *c)
{
	size_t np;
	int64_t best;
	if (!c->rollback)
		check_timeouts(c);
	kdx_critical_step *path = longest_path(c, &np, &best);
	report(c, path, np, best);
	if (c->rep) {
		free(c->rep->path);
		c->rep->path = path;
		c->rep->npath = np;
		c->rep->total_ms = best;
		c->rep->has_rto = c->plan->has_rto;
		c->rep->rto_ms = c->plan->rto_ms;
		c->rep->slack_ms = c->plan->rto_ms - best;
	} else {
		free(path);
	}
}
