/* scenario: a runbook's `scenario` blocks lowered to what the simulator injects (faults) and
 * what it checks afterwards (expectations). kdx_scenarios_load() reads them from a
 * compilation; everything it returns is allocated in that compilation's arena and lives as
 * long as it. A caller (kdx simulate -explore, tests) may also build a kdx_scenario by hand. */
#ifndef KDX_SCENARIO_H
#define KDX_SCENARIO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "../compiler/compile.h"

typedef enum kdx_fault_kind {
	KDX_FAULT_FAIL_REGION,   /* region down from at_ms: health false, its weight serves nobody */
	KDX_FAULT_FAIL_STEP,     /* every attempt of step's `do` fails */
	KDX_FAULT_TIMEOUT_STEP,  /* step's `do` never completes: the scheduler's timeout ends it */
	KDX_FAULT_THROTTLE,      /* attempts of actions of service in [at, at+for) are throttled */
	KDX_FAULT_LAG,           /* replication lag of resource in region, from the start */
	KDX_FAULT_ALARM,         /* alarm resource goes to ALARM at at_ms: a stop condition */
	KDX_FAULT_DENY_APPROVAL, /* the approval of step is denied */
} kdx_fault_kind;

typedef struct kdx_fault {
	kdx_fault_kind kind;
	int32_t region;          /* FAIL_REGION, LAG: index into plan->regions */
	int32_t step;            /* FAIL_STEP, TIMEOUT_STEP, DENY_APPROVAL: into plan->steps */
	int32_t resource;        /* LAG, ALARM: into plan->resources */
	const char *service;     /* THROTTLE: the action's module, e.g. "route53" */
	int64_t at_ms;           /* FAIL_REGION, THROTTLE, ALARM */
	int64_t for_ms;          /* THROTTLE; KDX_TIME_NEVER-like INT64_MAX when open-ended */
	int64_t lag_ms;          /* LAG */
} kdx_fault;

typedef enum kdx_expect_kind { KDX_EXPECT_RTO, KDX_EXPECT_RPO, KDX_EXPECT_STEP } kdx_expect_kind;

/* What a step ended as, for `expect step S STATE` and the reports. */
typedef enum kdx_sim_state {
	KDX_SS_PENDING = 0,      /* never started */
	KDX_SS_DONE,
	KDX_SS_FAILED,
	KDX_SS_SKIPPED,
	KDX_SS_ROLLED_BACK,      /* done, then undone */
	KDX_SS_NOT_UNDONE,       /* done, and the rollback could not or would not undo it */
} kdx_sim_state;
const char *kdx_sim_state_name(kdx_sim_state s);

typedef struct kdx_expect {
	kdx_expect_kind kind;
	bool strict;             /* `<` rather than `<=` */
	int64_t bound_ms;        /* RTO, RPO */
	int32_t step;            /* STEP */
	kdx_sim_state state;     /* STEP */
	const char *text;        /* as written, for reports: "rto <= 15m" */
	kdx_span span;
} kdx_expect;

typedef struct kdx_scenario {
	const char *name;
	kdx_fault *faults;
	size_t nfaults;
	kdx_expect *expects;
	size_t nexpects;
} kdx_scenario;

/* Every scenario of the main file, in source order. Returns 0, or -1 with err filled
 * (a statement the simulator cannot interpret, e.g. a lag that is not a duration). */
int kdx_scenarios_load(kdx_compilation *c, kdx_scenario **out, size_t *n, strbuf *err);
/* The scenario called name, or NULL. */
const kdx_scenario *kdx_scenario_find(const kdx_scenario *sc, size_t n, const char *name);

#endif
