/* plan_md: a plan as a pull-request comment (GitHub-flavoured Markdown): one summary line,
 * the RTO budget, the approval gates, and per step a collapsible section with its change,
 * state before and after, undo, worst case and requests. It renders the plan document
 * (the JSON of `kdx plan -json` / a plan file), so `kdx plan -format md` and `kdx show
 * -format md PLANFILE` say the same, and what the plan contains is decided elsewhere. */
#ifndef KDX_PLAN_MD_H
#define KDX_PLAN_MD_H
#include <json-c/json.h>

#include "../common/strbuf.h"

/* GitHub refuses a comment over 65,536 characters: requests are cut to fit under this. */
#define KDX_PLAN_MD_MAX 60000

void kdx_plan_md(strbuf *out, json_object *doc);

#endif
