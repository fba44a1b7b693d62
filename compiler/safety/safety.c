/* safety: run the nine analyses in order and explain what each one proves. */
#include "internal.h"
#include "../../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

const char *const kdx_safety_analyses[] = {
	"graph", "traffic", "capacity", "rto", "rpo", "fencing", "reversibility", "races", "state", NULL,
};

static const char *const explain[] = {
	/* graph */
	"graph: the steps form a dependency graph kdx can run.\n\n"
	"Proves: step names are unique; no step waits for itself or for a step that does not\n"
	"exist; there is no cycle (a cycle is printed as a -> b -> c -> a with the place each\n"
	"dependency is written); no step is unreachable, i.e. waits, directly or not, for a step\n"
	"on a cycle and so could never start.\n\n"
	"Why: a runbook that cannot be ordered stalls in the middle of an incident. Every other\n"
	"analysis reasons over this graph, so they only run when it is sound.\n",
	/* traffic */
	"traffic: traffic is always fully and healthily routed.\n\n"
	"Proves: every weight assignment (e.g. route53.set_weights) gives the regions weights in\n"
	"0%..100% that sum to exactly 100%; and in every order the graph allows, each traffic\n"
	"resource sends weight to at least one region that is not down: a weight change never\n"
	"sends all traffic to regions that may be down, and a step that takes a region down never\n"
	"runs while the weights in force may leave no other healthy region serving.\n\n"
	"Why: weights of 0/80/10 silently drop or skew traffic; traffic sent only to a failed\n"
	"region is an outage the runbook caused.\n",
	/* capacity */
	"capacity: no region receives more traffic than it can serve.\n\n"
	"Proves: when a step gives region r weight w, r's capacity is >= w in every order the\n"
	"graph allows: it was enough from the start or raised by a step that happens before, and\n"
	"no step that may run in between (or unordered) leaves it lower; and no step lowers a\n"
	"region's capacity under a weight it may still be getting.\n\n"
	"Why: shifting 90% of the load onto a fleet sized for 60% turns a failover into a\n"
	"second outage. Scale up first, make the traffic shift wait for it (after), then shift.\n",
	/* rto */
	"rto: the runbook finishes within the recovery time objective.\n\n"
	"Proves: the longest path through the graph, each step at its worst case, fits\n"
	"objectives.rto. A step's worst case is attempts x timeout (duration_max when it has no\n"
	"timeout) + the backoffs between attempts (base x (2^(attempts-1) - 1): each retry waits\n"
	"twice the previous) + its waits. Conditional steps count as present. `kdx check` prints\n"
	"the critical path with each step's figures and the slack; less than 10% slack is a\n"
	"warning (an error with -strict).\n\n"
	"Why: if the worst case does not fit the RTO on paper, it will not fit it in an incident.\n",
	/* rpo */
	"rpo: a promotion loses no more data than the recovery point objective allows.\n\n"
	"Proves: every ungraceful promotion or failover of a database (or cache) in region r is\n"
	"preceded by a lag gate on that database and region -- in the same step's `require` or in\n"
	"a step that happens before it -- whose bound is <= objectives.rpo. A graceful switchover\n"
	"loses nothing and needs no gate.\n\n"
	"Why: promoting a replica that is 20 minutes behind loses 20 minutes of writes, whatever\n"
	"the RPO promised.\n",
	/* fencing */
	"fencing: there is never more than one writer (no split brain).\n\n"
	"Proves: before a database is promoted ungracefully in region r, the region that may\n"
	"still be its writer (its initial writer or the last earlier promotion) takes no writes\n"
	"in any order the graph allows: a step that happens before fenced it (and nothing may\n"
	"unfence it in between), or every traffic resource gives that region weight 0.\n"
	"A graceful switchover demotes the old writer itself and is exempt.\n\n"
	"Why: two writers accepting writes at once diverge, and one side's writes are lost or\n"
	"must be reconciled by hand.\n",
	/* reversibility */
	"reversibility: every change can be taken back, or a person approves it.\n\n"
	"Proves: every mutating step has an undo (its own `undo` or its action's) or is marked\n"
	"`irreversible`; in production every irreversible step has an approval gate. The\n"
	"rollback graph -- each step's undo effects, with every edge reversed, starting from the\n"
	"state after the runbook -- passes traffic, capacity, rto, rpo and fencing too (its\n"
	"diagnostics start with \"on rollback:\").\n\n"
	"Why: a failed failover must be able to go back without making things worse, and what\n"
	"cannot go back must not happen by accident.\n",
	/* races */
	"races: no two steps write the same thing unordered.\n\n"
	"Proves: any two steps that change the same resource, region capacity or region health\n"
	"are ordered by the graph (one happens before the other), so the final state does not\n"
	"depend on which one the scheduler runs first.\n\n"
	"Why: kdx apply runs independent steps in parallel; two unordered writes to one Route 53\n"
	"record leave whichever finished last.\n",
	/* state */
	"state: the run store survives what the runbook handles.\n\n"
	"Proves: the store that keeps the run's journal, lease and approvals (-state, KDX_STATE\n"
	"or the runbook's state { url = ... } block) is not in a region the runbook leaves: one\n"
	"that a step drains (weight 0), moves a database's writer away from or takes down, or\n"
	"that a scenario loses (fail region). The store's region is the bucket's or table's\n"
	"(?region= in the URL, else the AWS region chain); a DynamoDB global table\n"
	"(?replicas=R2,R3) survives while a majority of its replica regions does. A local store\n"
	"(file://) has no region: check says so, and another runner cannot continue its runs.\n\n"
	"Why: a runbook that fails away from us-east-1 with its state in us-east-1 cannot be\n"
	"resumed, rolled back or approved from anywhere once us-east-1 is gone.\n",
};

const char *kdx_safety_explain(const char *analysis)
{
	for (size_t i = 0; kdx_safety_analyses[i]; i++)
		if (!strcmp(kdx_safety_analyses[i], analysis))
			return explain[i];
	return NULL;
}

void kdx_safety_report_release(kdx_safety_report *rep)
{
	free(rep->path);
	free(rep->state);
	memset(rep, 0, sizeof(*rep));
}

int kdx_safety_check(const kdx_plan *plan, kdx_diags *d, kdx_safety_report *rep)
{
	size_t errors = d->nerrors;
	kdx_safety_report local;
	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	rep->plan = plan;
	rep->nsteps = plan->nsteps;
	kdx_graph g;
	kdx_graph_build(&g, plan);
	rep->nedges = g.nedges;
	rep->acyclic = g.acyclic;
	kdx_check_graph(plan, &g, d);
	if (g.acyclic) {
		kdx_model init;
		kdx_model_init_from_plan(&init, plan);
		kdx_sctx c;
		kdx_sx_init(&c, plan, &g, &init, d, NULL);
		c.rep = rep;
		kdx_check_traffic(&c);
		kdx_check_capacity(&c);
		kdx_check_rto(&c);
		kdx_check_rpo(&c);
		kdx_check_fencing(&c);
		kdx_check_reversibility(&c);
		kdx_check_races(&c);
		kdx_check_state(&c);
		kdx_sx_release(&c);
		kdx_model_release(&init);
	}
	rep->hb_searches += g.nsearches;
	rep->hb_visits += g.nvisits;
	kdx_graph_release(&g);
	kdx_diags_sort(d);
	if (rep == &local)
		kdx_safety_report_release(&local);
	return d->nerrors > errors ? -1 : 0;
}
