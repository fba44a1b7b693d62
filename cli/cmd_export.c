/* kdx export arc: compile a runbook, prove it safe, and print it as an ARC Region switch
 * plan -- CreatePlan's input (checked against the arc-region-switch API model before it is
 * printed) or a CloudFormation AWS::ARCRegionSwitch::Plan template -- with what does not
 * map, and why, on stderr. A runbook whose proofs fail is not exported. */
#include "cli.h"
#include "export_arc.h"
#include "frontend.h"
#include "../common/json.h"
#include "../common/value.h"
#include "../compiler/compile.h"
#include "../compiler/safety.h"
#include "../executor/aws/model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CloudFormation spells the API's members with a capital letter (workflows -> Workflows);
 * keys that are data, not members (region names, application names: they hold '-'), stay. */
static kdx_value *cfn_keys(kdx_arena *a, kdx_value *v, bool data_keys)
{
	if (v->kind == KDX_V_LIST) {
		for (size_t i = 0; i < v->u.list.n; i++)
			v->u.list.items[i] = cfn_keys(a, v->u.list.items[i], data_keys);
	} else if (v->kind == KDX_V_MAP) {
		for (size_t i = 0; i < v->u.map.n; i++) {
			const char *k = v->u.map.keys[i];
			/* regionAndRoutingControls and scalingResources are maps keyed by data */
			bool inner = !strcmp(k, "regionAndRoutingControls") ||
				     !strcmp(k, "scalingResources");
			if (!data_keys) {
				char *c = kdx_arena_strdup(a, k);
				c[0] = (char)toupper((unsigned char)c[0]);
				v->u.map.keys[i] = c;
			}
			v->u.map.vals[i] = cfn_keys(a, v->u.map.vals[i], inner && !data_keys);
			/* below a data key, members again (a region's routing control states) */
			if (data_keys)
				v->u.map.vals[i] = cfn_keys(a, v->u.map.vals[i], false);
		}
	}
	return v;
}

static int validate(kdx_arena *a, const strbuf *json, kdx_value **input)
{
	strbuf err = STRBUF_INIT;
	aws_model *m = NULL;
	int rc = -1;
	*input = kdx_value_from_json(a, json->buf, json->len, &err);
	if (!*input || aws_model_load("arc-region-switch", &m, &err) < 0)
		goto out;
	rc = aws_model_validate(m, "CreatePlan", *input, &err);
out:
	if (rc < 0)
		fprintf(stderr, "kdx: error: the exported plan does not fit ARC Region switch's "
			"CreatePlan input (a bug in kdx export):\n%s\n", err.buf);
	aws_model_free(m);
	strbuf_release(&err);
	return rc;
}

static int export_arc(const kdx_command *cmd, const char *path, const kdx_fe_opts *src,
		      const kdx_arc_opts *ao, bool cfn)
{
	kdx_fe fe;
	int rc = KDX_EXIT_ERROR;
	strbuf diags = STRBUF_INIT, um = STRBUF_INIT, err = STRBUF_INIT, text = STRBUF_INIT;
	kdx_json *in = NULL, *doc = NULL;
	if (kdx_fe_load(&fe, path, src, cmd->needs) < 0) {
		kdx_fe_render(&fe, false, &diags);
		fputs(diags.buf, stderr);
		fprintf(stderr, "kdx: error: '%s' is not exported: %s\n", path,
			fe.checked ? "its proofs fail (kdx check)" : "it does not compile");
		goto out;
	}
	const kdx_compilation *cp = &fe.comp;
	if (kdx_arc_export(cp, ao, &in, &um, &err) < 0) {
		fprintf(stderr, "kdx: error: %s\n", err.buf);
		goto out;
	}
	kdx_json_write(&text, in);
	kdx_value *v;
	if (validate(&fe.comp.arena, &text, &v) < 0)
		goto out;
	if (cfn) {
		/* AWS::ARCRegionSwitch::Plan: CreatePlan's input as the resource's properties */
		doc = kdx_json_object();
		kdx_json_set_str(doc, "AWSTemplateFormatVersion", "2010-09-09");
		kdx_json_set_str(doc, "Description", "ARC Region switch plan exported by kdx");
		kdx_json *plan = kdx_json_set_object(kdx_json_set_object(doc, "Resources"), "Plan");
		kdx_json_set_str(plan, "Type", "AWS::ARCRegionSwitch::Plan");
		kdx_json_set(plan, "Properties", kdx_value_json(cfn_keys(&fe.comp.arena, v, false)));
	} else if (!(doc = kdx_json_parse(text.buf, text.len, &err))) {
		fprintf(stderr, "kdx: error: %s\n", err.buf);
		goto out;
	}
	strbuf_reset(&text);
	kdx_json_write_pretty(&text, doc);
	fputs(text.buf, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	if (um.len)
		fprintf(stderr, "not exported (ARC Region switch has no block for it):\n%s", um.buf);
	rc = KDX_EXIT_OK;
out:
	kdx_json_free(in);
	kdx_json_free(doc);
	strbuf_release(&diags);
	strbuf_release(&um);
	strbuf_release(&err);
	strbuf_release(&text);
	kdx_fe_release(&fe);
	return rc;
}

typedef struct export_args {
	kdx_fe_opts src;
	kdx_arc_opts ao;
	const char *format, *state;
} export_args;

#define F(field, name, kind, arg, help) KDX_FLAG(export_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(format, "format", KDX_FLAG_STRING, "F", "json (CreatePlan input, the default) or cloudformation"),
	F(ao.execution_role, "execution-role", KDX_FLAG_STRING, "ARN", "the IAM role the plan runs as (required)"),
	F(ao.approval_role, "approval-role", KDX_FLAG_STRING, "ARN",
	  "the role that approves ManualApproval steps (default: the\n"
	  "execution role)"),
	F(ao.target, "target", KDX_FLAG_STRING, "REGION",
	  "the region the plan activates (default: param target, else\n"
	  "the first secondary region)"),
	F(ao.account, "account", KDX_FLAG_STRING, "ID",
	  "the account in the ARNs kdx builds (EKS, ECS, Lambda;\n"
	  "default: param account_id)"),
	F(ao.name, "name", KDX_FLAG_STRING, "NAME", "the plan's name (default: the runbook's)"),
	F(state, "state", KDX_FLAG_STRING, "URL", "the run store the state analysis checks"),
	KDX_FLAG_INCLUDE(export_args, src, kdx_fe_mode_group),
	KDX_FLAG_INCLUDE(export_args, src, kdx_fe_flag_group),
	{ 0 },
};
#undef F
const kdx_options cmd_export_opts = { flags, sizeof(export_args), NULL };

int cmd_export(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	export_args *a = opts;
	int rc;
	if ((rc = kdx_fe_mode(cmd, &a->src)) != 0)
		goto out;
	if (pos->n != 2 || strcmp(pos->items[0], "arc")) {
		rc = kdx_usage_error(cmd, "'export' needs a target and one FILE: kdx export arc FILE");
		goto out;
	}
	if (a->format && strcmp(a->format, "json") && strcmp(a->format, "cloudformation")) {
		rc = kdx_usage_error(cmd, "-format is json or cloudformation, not '%s'", a->format);
		goto out;
	}
	if (!a->ao.execution_role || !*a->ao.execution_role) {
		rc = kdx_usage_error(cmd, "an ARC plan runs as an IAM role: pass -execution-role ARN");
		goto out;
	}
	a->src.state_url = a->state;
	rc = export_arc(cmd, pos->items[1], &a->src, &a->ao, a->format && !strcmp(a->format, "cloudformation"));
out:
	kdx_fe_opts_release(&a->src);
	return rc;
}
