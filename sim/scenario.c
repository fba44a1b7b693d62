/* scenario: names and look-ups over the scenarios of the plan IR (compiler/lower_scenario.c
 * lowers them). */
#include "scenario.h"

#include <string.h>

const char *kdx_sim_state_name(kdx_sim_state s)
{
	static const char *const names[] = { "pending", "done", "failed", "skipped", "rolled_back",
					      "not_undone" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const kdx_scenario *kdx_scenario_find(const kdx_scenario *sc, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(sc[i].name, name))
			return &sc[i];
	return NULL;
}
