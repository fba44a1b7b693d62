/* scenario: the simulator's view of a runbook's `scenario` blocks, which compiler/lower
 * lowers once into the plan IR (kdx_plan.scenarios: faults to inject, expectations to
 * check; the types are in compiler/plan.h). A caller (kdx simulate -explore, tests) may
 * also build a kdx_scenario by hand. */
#ifndef KDX_SCENARIO_H
#define KDX_SCENARIO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../compiler/plan.h"

/* "done", "rolled_back", ... */
const char *kdx_sim_state_name(kdx_sim_state s);
/* The scenario called name, or NULL. */
const kdx_scenario *kdx_scenario_find(const kdx_scenario *sc, size_t n, const char *name);

#endif
