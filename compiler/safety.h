/* safety: the nine analyses of `kdx check` (DESIGN.md section 4, issues 3 and 15) over a
 * plan's dependency graph and the world model: graph, traffic, capacity, rto, rpo, fencing,
 * reversibility, races, state. Each reports kdx_diags with code = the analysis name. Properties
 * are proved for every order the graph allows, by reasoning with happens-before.
 * The report is owned by the caller (kdx_safety_report_release); it points into the plan. */
#ifndef KDX_SAFETY_H
#define KDX_SAFETY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/diag.h"
#include "plan.h"

/* One step of the critical path: it may start at start_ms (worst case) and take worst_ms. */
typedef struct kdx_critical_step {
	uint32_t step;
	int64_t start_ms;
	int64_t worst_ms;
	int64_t run_ms;      /* attempts x (timeout or duration_max) */
	int64_t backoff_ms;  /* sum of the backoffs between attempts */
	int64_t wait_ms;
} kdx_critical_step;

typedef struct kdx_safety_report {
	const kdx_plan *plan;
	size_t nsteps, nedges;
	bool acyclic;              /* false: the order-based analyses did not run */
	kdx_critical_step *path;   /* the critical path, first step first */
	size_t npath;
	int64_t total_ms;          /* worst case of the whole runbook (length of the path) */
	bool has_rto;
	int64_t rto_ms, slack_ms;  /* slack = rto - total (negative when over) */
	uint64_t hb_searches;      /* happens-before queries that needed a search */
	uint64_t hb_visits;        /* steps those searches visited */
	char *state;               /* one line on the run store and the regions it survives */
} kdx_safety_report;

/* The analyses, in the order they run. */
extern const char *const kdx_safety_analyses[];
#define KDX_SAFETY_NANALYSES 9

/* Run every analysis; diagnostics go to d (sorted by location at the end). Returns 0 when
 * no analysis found an error (warnings allowed), -1 otherwise. rep may be NULL. */
int kdx_safety_check(const kdx_plan *plan, kdx_diags *d, kdx_safety_report *rep);
void kdx_safety_report_release(kdx_safety_report *rep);

/* Worst case of one step: attempts x (timeout, or duration_max when there is no timeout)
 * + backoff_ms x (2^(attempts-1) - 1) + wait_ms; saturating. Parts go to *c if not NULL. */
int64_t kdx_safety_step_worst(const kdx_step *s, kdx_critical_step *c);

/* What an analysis proves and why it matters (several lines), or NULL if the name is not
 * one of kdx_safety_analyses. */
const char *kdx_safety_explain(const char *analysis);

#endif
