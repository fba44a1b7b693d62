/* arc_live: the live safety rules of the runbook's ARC control panels, read before kdx plan
 * and kdx apply act, against the rules the runbook declares (arc.control_panel's
 * safety_rules), which are what `kdx check` proves the routing-control steps against
 * (compiler/safety/check_arc.c). A live rule the runbook does not declare, or declares
 * differently, or a declared rule the panel does not have, makes those proofs untrue: it is
 * an error that shows the live rule in kdx syntax (the fix). The rules are read with
 * ListSafetyRules from ARC's control plane (route53-recovery-control-config, us-west-2
 * only); when that Region cannot be reached (the disaster may be there), the declared rules
 * stand and a warning says so -- the run does not depend on it. */
#ifndef KDX_CLI_ARC_LIVE_H
#define KDX_CLI_ARC_LIVE_H
#include <stddef.h>

#include "../common/strbuf.h"
#include "../compiler/plan.h"
#include "../executor/aws/credentials.h"

/* 0: every panel's live rules are the declared ones, or no panel, or (warn filled, one line
 * a panel) the control plane could not be reached. -1: err holds one line per mismatch,
 * with the fix. endpoint_url: the run's -endpoint-url (NULL: the chain's). */
int kdx_arc_live_verify(const kdx_plan *p, const aws_credentials *creds,
			const char *endpoint_url, strbuf *warn, strbuf *err);

#endif
