/* export_arc: a checked runbook's plan as an AWS ARC Region switch plan -- the CreatePlan
 * input (arc-region-switch, 2022-07-26) for the steps that map onto ARC's execution blocks,
 * and, for every step or feature that does not, why (docs/cli.md, kdx export). The plan is
 * read, never changed; everything returned is owned by the caller. */
#ifndef KDX_CLI_EXPORT_ARC_H
#define KDX_CLI_EXPORT_ARC_H
#include "../common/json.h"
#include "../common/strbuf.h"
#include "../compiler/compile.h"

typedef struct kdx_arc_opts {
	const char *execution_role;  /* the plan's executionRole (an IAM role ARN) */
	const char *approval_role;   /* ManualApproval steps' approvalRole; NULL: execution_role */
	const char *target;          /* the region the plan activates; NULL: the runbook's
					param target, else its first secondary region */
	const char *account;         /* for ARNs kdx builds (EKS, ECS, Lambda); NULL: the
					runbook's param account_id, else those steps do not map */
	const char *name;            /* the plan's name; NULL: the runbook's */
} kdx_arc_opts;

/* Build the CreatePlan input of c's plan into *out (a new object) and one line per thing
 * that does not map ("step 'x' (route53.set_weights): why") into unmapped. -1 with err when
 * no plan can be made (fewer than two regions, no target). */
int kdx_arc_export(const kdx_compilation *c, const kdx_arc_opts *o, kdx_json **out,
		   strbuf *unmapped, strbuf *err);

#endif
