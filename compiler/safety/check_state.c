/* safety/state: the run store survives what the runbook handles. A runbook that drains a
 * region (weight 0), moves a database's writer away from it, takes it down, or loses it in
 * a scenario must not keep its journal, lease and approvals there: the run could not be
 * continued, rolled back or approved once that region is gone (DESIGN.md: "the tool
 * survives the disaster it handles"). A DynamoDB global table survives while a majority
 * of its replica regions does (a multi-Region strongly consistent table stays writable
 * when one of its three regions is lost). */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

typedef enum left_how { LEFT_NONE, LEFT_DRAIN, LEFT_WRITER, LEFT_DOWN, LEFT_SCENARIO } left_how;

/* Why the runbook leaves one region: the first step (in topological order) or scenario. */
typedef struct left {
	left_how how;
	uint32_t step;
	const char *what;  /* the database (LEFT_WRITER) or scenario (LEFT_SCENARIO) */
	kdx_span span;
} left;

static void mark(left *l, left_how how, uint32_t step, const char *what, kdx_span span)
{
	if (l->how == LEFT_NONE)
		*l = (left){ how, step, what, span };
}

static void collect(kdx_sctx *c, left *why)
{
	const kdx_plan *p = c->plan;
	for (size_t i = 0; i < c->g->ntopo; i++) {
		uint32_t s = c->g->topo[i];
		const kdx_step *st = &p->steps[s];
		for (size_t k = 0; k < st->neffects; k++) {
			const kdx_effect *e = &st->effects[k];
			if (e->kind == KDX_EFF_SET_WEIGHTS && e->weights) {
				for (size_t r = 0; r < c->nreg; r++)
					if (e->weights[r] <= 0 && p->regions[r].weight > 0)
						mark(&why[r], LEFT_DRAIN, s, NULL, e->span);
			} else if (e->kind == KDX_EFF_PROMOTE && e->resource >= 0 &&
				   (size_t)e->resource < c->nres) {
				int32_t w = p->resources[e->resource].writer;
				if (w >= 0 && (size_t)w < c->nreg && w != e->region)
					mark(&why[w], LEFT_WRITER, s, p->resources[e->resource].name,
					     e->span);
			} else if (e->kind == KDX_EFF_SET_HEALTH && !e->flag && e->region >= 0 &&
				   (size_t)e->region < c->nreg) {
				mark(&why[e->region], LEFT_DOWN, s, NULL, e->span);
			}
		}
	}
	for (size_t i = 0; i < p->nlosses; i++)
		if (p->losses[i].region >= 0 && (size_t)p->losses[i].region < c->nreg)
			mark(&why[p->losses[i].region], LEFT_SCENARIO, 0, p->losses[i].scenario,
			     p->losses[i].span);
}

static void describe(strbuf *sb, const kdx_sctx *c, const left *l)
{
	switch (l->how) {
	case LEFT_DRAIN:
		strbuf_addf(sb, "step '%s' drains it (weight 0)", kdx_sx_step(c, l->step));
		break;
	case LEFT_WRITER:
		strbuf_addf(sb, "step '%s' moves the writer of '%s' away from it",
			    kdx_sx_step(c, l->step), l->what);
		break;
	case LEFT_DOWN:
		strbuf_addf(sb, "step '%s' takes it down", kdx_sx_step(c, l->step));
		break;
	case LEFT_SCENARIO:
		strbuf_addf(sb, "scenario '%s' loses it", l->what);
		break;
	case LEFT_NONE:
		break;
	}
}

static int32_t region_index(const kdx_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nregions; i++)
		if (!strcmp(p->regions[i].name, name))
			return (int32_t)i;
	return -1;
}

/* Is replica region r lost in the world of scenario sc (NULL: the run without one)? The
 * steps leave their regions in every world; each scenario adds only its own losses. */
static bool lost_in(const kdx_sctx *c, const left *why, int32_t r, const char *sc)
{
	if (r < 0)
		return false;
	if (why[r].how != LEFT_NONE && why[r].how != LEFT_SCENARIO)
		return true;
	for (size_t i = 0; sc && i < c->plan->nlosses; i++)
		if (c->plan->losses[i].region == r && !strcmp(c->plan->losses[i].scenario, sc))
			return true;
	return false;
}

/* A global table's replicas lost in the worst world: the run itself, or the run under one
 * scenario (scenarios are separate worlds: two that each lose one region never lose both). */
static size_t worst_world(const kdx_sctx *c, const left *why, const char **which)
{
	const kdx_plan *p = c->plan;
	const kdx_plan_store *st = &p->store;
	size_t worst = 0;
	for (size_t k = 0; k <= p->nlosses; k++) {
		const char *sc = k < p->nlosses ? p->losses[k].scenario : NULL;
		size_t n = 0;
		for (size_t i = 0; i < st->nregions; i++)
			n += lost_in(c, why, region_index(p, st->regions[i]), sc);
		if (n > worst) {
			worst = n;
			*which = sc;
		}
	}
	return worst;
}

/* A region of the runbook it keeps, for the hint; NULL when it leaves all of them. */
static const char *kept_region(const kdx_sctx *c, const left *why)
{
	for (size_t r = 0; r < c->nreg; r++)
		if (why[r].how == LEFT_NONE)
			return c->plan->regions[r].name;
	return NULL;
}

static kdx_diag *store_diag(kdx_sctx *c, const char *fmt, const char *a, const char *b,
			    const char *d)
{
	const kdx_plan_store *st = &c->plan->store;
	if (st->located)
		return kdx_sx_diag(c, KDX_ERROR, "state", st->span, fmt, a, b, d);
	kdx_diag *g = kdx_diag_add_unlocated(c->d, KDX_ERROR, "state", fmt, a, b, d);
	kdx_diag_note_unlocated(g, "the store was chosen with %s", st->origin ? st->origin : "-state");
	return g;
}

static void hint(kdx_diag *g, const kdx_sctx *c, const left *why)
{
	const char *keep = kept_region(c, why);
	if (keep)
		kdx_diag_hint(g, "keep runs in a region the runbook does not leave, e.g. state { url = "
				 "\"s3://BUCKET/PREFIX?region=%s\" }, or in a DynamoDB multi-Region "
				 "strongly consistent global table with most replicas elsewhere "
				 "(dynamodb://TABLE?region=R&replicas=R2,R3)", keep);
	else
		kdx_diag_hint(g, "the runbook leaves every one of its regions: keep runs in a region "
				 "outside them, e.g. state { url = \"s3://BUCKET/PREFIX?region=R\" }, or "
				 "in a DynamoDB multi-Region global table (dynamodb://TABLE?region=R&"
				 "replicas=R2,R3) with most replicas elsewhere");
}

/* Where a global table's replica regions came from: AWS's DescribeTable, or the URL. */
static void where_from(kdx_diag *g, const kdx_plan_store *st)
{
	if (!st->global || !st->regions_from)
		return;
	if (st->regions_note)
		kdx_diag_note_unlocated(g, "the replica regions are the URL's (?replicas=): %s",
					st->regions_note);
	else
		kdx_diag_note_unlocated(g, "the replica regions are the table's, from DescribeTable");
}

static void note_left(kdx_diag *g, const kdx_sctx *c, const left *l, const char *region)
{
	strbuf sb = STRBUF_INIT;
	describe(&sb, c, l);
	kdx_diag_note(g, l->span, "'%s' is left here: %s", region, sb.buf);
	strbuf_release(&sb);
}

void kdx_check_state(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	const kdx_plan_store *st = &p->store;
	left *why = xcalloc(c->nreg + 1, sizeof(*why));
	collect(c, why);
	size_t nleft = 0;
	strbuf leaves = STRBUF_INIT;
	for (size_t r = 0; r < c->nreg; r++)
		if (why[r].how != LEFT_NONE)
			strbuf_addf(&leaves, "%s%s", nleft++ ? ", " : "", p->regions[r].name);
	strbuf sum = STRBUF_INIT;
	const char *url = st->url ? st->url : "file://.kdx";
	bool local = !st->url || !strncmp(st->url, "file://", 7) || !strstr(st->url, "://");
	if (local) {
		strbuf_addf(&sum, "'%s' is on this machine: no region to check; another runner "
			    "cannot continue a run (use -state s3://... or dynamodb://...)", url);
	} else if (!st->nregions) {
		kdx_diag *g = store_diag(c, "cannot tell which region the run store '%s' is in%s%s",
					 url, "", "");
		kdx_diag_hint(g, "add ?region=R to the URL or set AWS_REGION");
		strbuf_addf(&sum, "'%s': region unknown", url);
	} else {
		size_t lost = 0;
		const char *scenario = NULL;
		strbuf names = STRBUF_INIT;
		for (size_t i = 0; i < st->nregions; i++) {
			int32_t r = region_index(p, st->regions[i]);
			if (r >= 0 && why[r].how != LEFT_NONE)
				strbuf_addf(&names, "%s'%s'", lost++ ? ", " : "", st->regions[i]);
		}
		if (st->global)
			lost = worst_world(c, why, &scenario);
		bool dead = st->global ? lost * 2 >= st->nregions : lost > 0;
		if (dead) {
			kdx_diag *g = store_diag(c, st->global
				? "the run store '%s' is a global table most of whose replicas are in "
				  "regions the runbook leaves (%s)%s"
				: "the run store '%s' is in %s, a region the runbook leaves%s",
				url, names.buf, ": a run could not be continued, rolled back or "
				"approved once it is gone");
			for (size_t i = 0; i < st->nregions; i++) {
				int32_t r = region_index(p, st->regions[i]);
				if (r >= 0 && why[r].how != LEFT_NONE &&
				    (!st->global || lost_in(c, why, r, scenario)))
					note_left(g, c, &why[r], st->regions[i]);
			}
			where_from(g, st);
			hint(g, c, why);
		}
		strbuf_addf(&sum, "'%s' in ", url);
		for (size_t i = 0; i < st->nregions; i++)
			strbuf_addf(&sum, "%s%s", i ? (i + 1 == st->nregions ? " and " : ", ") : "",
				    st->regions[i]);
		/* a global table's regions, and any table's that AWS described: say from where */
		if (st->regions_from && (st->global || !strcmp(st->regions_from, "DescribeTable")))
			strbuf_addf(&sum, " (regions from %s%s%s)", st->regions_from,
				    st->regions_note ? "; " : "",
				    st->regions_note ? st->regions_note : "");
		if (dead)
			strbuf_addf(&sum, " does not survive the regions the runbook leaves (%s)",
				    leaves.buf);
		else if (nleft)
			strbuf_addf(&sum, " survives the regions the runbook leaves (%s)", leaves.buf);
		else
			strbuf_addstr(&sum, ": the runbook leaves no region");
		strbuf_release(&names);
	}
	if (c->rep)
		c->rep->state = strbuf_detach(&sum, NULL);
	strbuf_release(&sum);
	strbuf_release(&leaves);
	free(why);
}
