/* state: which run store a command uses (docs/executor.md, Stores) -- -state URL, else
 * -state-dir DIR (file://DIR), else $KDX_STATE, else the runbook's `state { url = ... }`
 * block, else .kdx next to the runbook -- and where it lives, for the safety analysis
 * `state` (compiler/safety/check_state.c). */
#ifndef KDX_CLI_STATE_H
#define KDX_CLI_STATE_H
#include <stdbool.h>

#include "../common/arena.h"
#include "../common/strbuf.h"
#include "../common/diag.h"
#include "../compiler/plan.h"

/* Fill plan->store (url, origin, regions; strings allocated in a). A URL without
 * ?region= lives in the AWS region chain's region (AWS_REGION, AWS_DEFAULT_REGION, the
 * profile), or nowhere known (the analysis reports it). Returns -1 with an error in d (at
 * the state block's url when it came from there) when the URL is bad or both -state and
 * -state-dir are given. With ask_aws (the commands that run with credentials: check, plan,
 * apply, resume, rollback) a DynamoDB table's regions come from DescribeTable -- its region
 * and a global table's replica regions as AWS lists them -- and the URL's ?replicas= is the
 * fallback when AWS cannot be asked (plan->store.regions_from and regions_note say which). */
int kdx_state_choose(kdx_plan *plan, kdx_arena *a, kdx_diags *d, const char *flag_url,
		     const char *state_dir, bool ask_aws);

#endif
