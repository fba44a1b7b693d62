/* arc_live: the control panels' live safety rules against the declared ones (arc_live.h). */
#include "arc_live.h"
#include "../common/arena.h"
#include "../common/value.h"
#include "../executor/aws/call.h"
#include "../executor/aws/client.h"
#include "../executor/aws/model.h"

#include <string.h>

#define ARC_CONTROL_REGION "us-west-2" /* ARC's control plane lives only there */

/* A rule reduced to what the declaration holds and check_arc reads, keys in a fixed order:
 * { KIND = { Name, AssertedControls | GatingControls, TargetControls, RuleConfig = { Type,
 * Threshold, Inverted } } }, or NULL when it is neither an ASSERTION nor a GATING rule. */
static kdx_value *reduce(kdx_arena *a, const kdx_value *rule)
{
	const char *kind = "ASSERTION";
	const kdx_value *b = kdx_value_get(rule, kind);
	if (!b) {
		kind = "GATING";
		b = kdx_value_get(rule, kind);
	}
	if (!b || b->kind != KDX_V_MAP)
		return NULL;
	static const char *const assertion[] = { "Name", "AssertedControls", "RuleConfig" };
	static const char *const gating[] = { "Name", "GatingControls", "TargetControls",
					      "RuleConfig" };
	bool g = !strcmp(kind, "GATING");
	size_t n = g ? 4 : 3;
	kdx_value *body = kdx_value_map(a, n);
	for (size_t i = 0; i < n; i++) {
		const char *k = g ? gating[i] : assertion[i];
		const kdx_value *v = kdx_value_get(b, k);
		body->u.map.keys[i] = k;
		if (!strcmp(k, "RuleConfig")) {
			static const char *const rc[] = { "Type", "Threshold", "Inverted" };
			kdx_value *c = kdx_value_map(a, 3);
			for (size_t j = 0; j < 3; j++) {
				const kdx_value *x = kdx_value_get(v, rc[j]);
				c->u.map.keys[j] = rc[j];
				c->u.map.vals[j] = x ? (kdx_value *)x : kdx_value_null(a);
			}
			body->u.map.vals[i] = c;
		} else {
			body->u.map.vals[i] = v ? (kdx_value *)v : kdx_value_null(a);
		}
	}
	kdx_value *r = kdx_value_map(a, 1);
	r->u.map.keys[0] = kind;
	r->u.map.vals[0] = body;
	return r;
}

static const char *rule_name(const kdx_value *reduced)
{
	return kdx_value_str(kdx_value_get(reduced->u.map.vals[0], "Name"));
}

/* The panel's rules, every page, appended to *out (a list in a). */
static int list_rules(aws_client *c, const aws_model *m, const char *panel, kdx_arena *a,
		      kdx_value **out, strbuf *err)
{
	size_t n = 0, cap = 0;
	kdx_value **items = NULL;
	const char *token = NULL;
	int rc = 0;
	do {
		kdx_value *in = kdx_value_map(a, token ? 2 : 1);
		in->u.map.keys[0] = "ControlPanelArn";
		in->u.map.vals[0] = kdx_value_string(a, panel);
		if (token) {
			in->u.map.keys[1] = "NextToken";
			in->u.map.vals[1] = kdx_value_string(a, token);
		}
		aws_error e;
		aws_error_init(&e);
		aws_call call = { .model = m, .operation = "ListSafetyRules", .input = in,
				  .region = ARC_CONTROL_REGION };
		kdx_value *page = NULL;
		rc = aws_call_run(c, &call, a, &page, &e, err);
		aws_error_release(&e);
		if (rc < 0)
			break;
		const kdx_value *rules = kdx_value_get(page, "SafetyRules");
		for (size_t i = 0; rules && rules->kind == KDX_V_LIST && i < rules->u.list.n; i++) {
			if (n == cap) {
				cap = cap ? 2 * cap : 8;
				kdx_value **grown = KDX_NEWN(a, kdx_value *, cap);
				if (n)
					memcpy(grown, items, n * sizeof(*items));
				items = grown;
			}
			items[n++] = rules->u.list.items[i];
		}
		token = kdx_value_str(kdx_value_get(page, "NextToken"));
	} while (token && *token);
	kdx_value *l = kdx_value_list(a, n);
	for (size_t i = 0; i < n; i++)
		l->u.list.items[i] = items[i];
	*out = l;
	return rc;
}

/* Compare one panel; mismatches go to err, one line each. */
static void compare(const kdx_plan_resource *res, const kdx_value *declared,
		    const kdx_value *live, kdx_arena *a, strbuf *err)
{
	size_t nd = declared && declared->kind == KDX_V_LIST ? declared->u.list.n : 0;
	kdx_value **d = KDX_NEWN(a, kdx_value *, nd + 1);
	for (size_t i = 0; i < nd; i++)
		d[i] = reduce(a, declared->u.list.items[i]);
	bool *matched = KDX_NEWN(a, bool, nd + 1);
	strbuf text = STRBUF_INIT;
	for (size_t i = 0; i < live->u.list.n; i++) {
		kdx_value *l = reduce(a, live->u.list.items[i]);
		if (!l)
			continue;
		const char *name = rule_name(l);
		size_t k = 0;
		while (k < nd && !(d[k] && name && rule_name(d[k]) && !strcmp(rule_name(d[k]), name)))
			k++;
		strbuf_reset(&text);
		kdx_value_format(&text, l);
		if (k == nd) {
			strbuf_addf(err, "control panel '%s' has the safety rule '%s', which the runbook "
				    "does not declare, so kdx check did not prove its steps against it: "
				    "add it to safety_rules: %s\n", res->name, name ? name : "", text.buf);
			continue;
		}
		matched[k] = true;
		if (!kdx_value_equal(d[k], l))
			strbuf_addf(err, "control panel '%s': the declared safety rule '%s' differs from "
				    "the live one, so kdx check proved its steps against the wrong rule: "
				    "declare it as it is: %s\n", res->name, name, text.buf);
	}
	for (size_t k = 0; k < nd; k++)
		if (d[k] && !matched[k])
			strbuf_addf(err, "control panel '%s' has no safety rule '%s', which the runbook "
				    "declares: remove it from safety_rules, or create it in ARC\n",
				    res->name, rule_name(d[k]) ? rule_name(d[k]) : "");
	strbuf_release(&text);
}

int kdx_arc_live_verify(const kdx_plan *p, const aws_credentials *creds,
			const char *endpoint_url, strbuf *warn, strbuf *err)
{
	aws_client *c = NULL;
	aws_model *m = NULL;
	kdx_arena a;
	kdx_arena_init(&a);
	size_t at = err->len;
	for (size_t r = 0; r < p->nresources; r++) {
		const kdx_plan_resource *res = &p->resources[r];
		if (strcmp(res->type, "arc.control_panel"))
			continue;
		const char *arn = kdx_value_str(kdx_value_get(res->attrs, "arn"));
		strbuf why = STRBUF_INIT;
		aws_client_opts o = { .region = ARC_CONTROL_REGION, .endpoint_url = endpoint_url,
				      .credentials = creds };
		kdx_value *live = NULL;
		if ((!m && aws_model_load("route53-recovery-control-config", &m, &why) < 0) ||
		    (!c && aws_client_new(&c, &o, &why) < 0) ||
		    list_rules(c, m, arn ? arn : "", &a, &live, &why) < 0)
			strbuf_addf(warn, "cannot read the live safety rules of control panel '%s' "
				    "(%s): its declared safety_rules stand unverified\n", res->name,
				    why.buf);
		else
			compare(res, kdx_value_get(res->attrs, "safety_rules"), live, &a, err);
		strbuf_release(&why);
	}
	aws_client_free(c);
	aws_model_free(m);
	kdx_arena_release(&a);
	return err->len > at ? -1 : 0;
}
