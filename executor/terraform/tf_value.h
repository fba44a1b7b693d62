/* tf_value: kdx values to and from Terraform — a value as a -var argument (HCL literal syntax,
 * with template sequences escaped so a string is never interpolated), and the plan summary as a
 * kdx value for runbooks. Results go to the caller's strbuf or arena (which owns them). */
#ifndef TF_VALUE_H
#define TF_VALUE_H
#include "../../common/arena.h"
#include "../../common/strbuf.h"
#include "../../common/value.h"
#include "tf_json.h"

/* "name=VALUE" for -var: a top-level string is given as is (Terraform takes -var strings
 * literally); anything else as an HCL literal (tf_hcl_literal). */
void tf_var_arg(strbuf *sb, const char *name, const kdx_value *v);
/* An HCL expression that evaluates to v: strings quoted with "${" and "%{" escaped, lists as
 * [..], maps as {"k" = v}; durations as their source text ("5m"), percents as numbers,
 * regions as strings. */
void tf_hcl_literal(strbuf *sb, const kdx_value *v);
/* { add, change, destroy, replace, read, outputs_changed, changes = [{ address, action }] } */
kdx_value *tf_plan_summary_value(kdx_arena *a, const tf_plan_summary *s);

#endif
