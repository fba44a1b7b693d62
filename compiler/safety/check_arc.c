/* safety/traffic, routing controls: ARC refuses a routing-control change that would break
 * one of its control panel's safety rules, in the middle of a failover. So the checker
 * refuses the runbook first: every arc.set_state / arc.set_states step is checked against
 * the rules its panel declares (arc.control_panel's safety_rules, in ListSafetyRules'
 * shape) -- an ASSERTION rule must hold once the step's changes are made, and a target of
 * a GATING rule may only change while the gating controls satisfy the rule -- in every
 * order the graph allows: a control's value before a step is any value its last possible
 * writers (or, before them, its declared `initial`) can leave, so a rule passes only when
 * it holds for all of them. Part of the traffic analysis: routing controls are traffic.
 *
 * The two actions are named here because the world model has no on/off state for a
 * routing control (their effect is write(rc)); their arguments say which control goes On
 * or Off. */
#include "internal.h"
#include "../../common/xalloc.h"
#include "../compile.h"

#include <stdlib.h>
#include <string.h>

enum { MAY_OFF = 1, MAY_ON = 2 };

typedef struct change {
	const char *arn;
	bool on;
} change;

typedef struct rcstep {
	uint32_t step;
	change ch[2];
	size_t n;
} rcstep;

static const char *arn_of(const kdx_value *rc)
{
	return kdx_value_str(kdx_value_get(rc, "arn"));
}

/* The routing-control changes of step s (0 when it makes none, or they are not known
 * at compile time). */
static size_t changes(const kdx_plan *p, uint32_t s, change ch[2])
{
	const kdx_plan_call *bc = p->steps[s].do_call;
	if (!bc)
		return 0;
	const char *action = p->actions[bc->action].name;
	if (!strcmp(action, "arc.set_state")) {
		const kdx_value *on = kdx_plan_call_arg(p, bc, "on");
		ch[0].arn = arn_of(kdx_plan_call_arg(p, bc, "rc"));
		if (!ch[0].arn || !on || on->kind != KDX_V_BOOL)
			return 0;
		ch[0].on = on->u.b;
		return 1;
	}
	if (!strcmp(action, "arc.set_states")) {
		ch[0] = (change){ arn_of(kdx_plan_call_arg(p, bc, "on")), true };
		ch[1] = (change){ arn_of(kdx_plan_call_arg(p, bc, "off")), false };
		return ch[0].arn && ch[1].arn ? 2 : 0;
	}
	return 0;
}

/* The declared value of a control before the run: from the routing_control resource with
 * that arn and its `initial`. */
static int initial(const kdx_plan *p, const char *arn)
{
	for (size_t i = 0; i < p->nresources; i++) {
		const kdx_value *a = p->resources[i].attrs;
		const char *x = arn_of(a);
		if (!x || strcmp(x, arn) || strcmp(p->resources[i].type, "arc.routing_control"))
			continue;
		const char *v = kdx_value_str(kdx_value_get(a, "initial"));
		if (v && !strcmp(v, "On"))
			return MAY_ON;
		if (v && !strcmp(v, "Off"))
			return MAY_OFF;
	}
	return MAY_ON | MAY_OFF;
}

/* "'east'" for the routing_control resource with that arn, else the arn quoted. */
static void control_name(strbuf *sb, const kdx_plan *p, const char *arn)
{
	for (size_t i = 0; i < p->nresources; i++) {
		const char *x = arn_of(p->resources[i].attrs);
		if (x && !strcmp(x, arn) && !strcmp(p->resources[i].type, "arc.routing_control")) {
			strbuf_addf(sb, "'%s'", p->resources[i].name);
			return;
		}
	}
	strbuf_addf(sb, "'%s'", arn);
}

/* What control arn may be when step s starts. */
static int before(kdx_sctx *c, const rcstep *rs, size_t n, uint32_t s, const char *arn)
{
	int may = 0;
	bool hb_writer = false, skippable = false;
	for (size_t i = 0; i < n; i++) {
		uint32_t t = rs[i].step;
		if (t == s)
			continue;
		for (size_t k = 0; k < rs[i].n; k++) {
			if (strcmp(rs[i].ch[k].arn, arn))
				continue;
			int v = rs[i].ch[k].on ? MAY_ON : MAY_OFF;
			if (kdx_graph_unordered(c->g, t, s)) {
				may |= v;        /* may run before s */
				continue;
			}
			if (!kdx_graph_hb(c->g, t, s))
				continue;
			/* the last of the writers before s, unless a later one overwrites it */
			bool later = false;
			for (size_t j = 0; j < n && !later; j++)
				for (size_t m = 0; m < rs[j].n && !later; m++)
					later = rs[j].step != s && rs[j].step != t &&
						!strcmp(rs[j].ch[m].arn, arn) &&
						kdx_graph_hb(c->g, t, rs[j].step) &&
						kdx_graph_hb(c->g, rs[j].step, s) &&
						!c->plan->steps[rs[j].step].conditional;
			if (!later) {
				may |= v;
				hb_writer |= !c->plan->steps[t].conditional;
				skippable |= c->plan->steps[t].conditional;
			}
		}
	}
	if (!hb_writer || skippable)
		may |= initial(c->plan, arn);
	return may;
}

typedef struct state {
	const char **arn;
	int *may;
	size_t n;
} state;

static int lookup(const state *st, const char *arn)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->arn[i], arn))
			return st->may[i];
	return MAY_ON | MAY_OFF;
}

/* Does the rule's condition over controls surely hold (1), surely fail (-1), or
 * depend on the order (0)? */
static int holds(const kdx_value *cfg, const kdx_value *controls, const state *st)
{
	const char *type = kdx_value_str(kdx_value_get(cfg, "Type"));
	const kdx_value *th = kdx_value_get(cfg, "Threshold");
	const kdx_value *inv = kdx_value_get(cfg, "Inverted");
	size_t n = controls && controls->kind == KDX_V_LIST ? controls->u.list.n : 0;
	size_t lo = 0, hi = 0; /* controls surely On, possibly On */
	for (size_t i = 0; i < n; i++) {
		const char *arn = kdx_value_str(controls->u.list.items[i]);
		int m = arn ? lookup(st, arn) : (MAY_ON | MAY_OFF);
		lo += m == MAY_ON;
		hi += (m & MAY_ON) != 0;
	}
	size_t need = n;
	if (type && !strcmp(type, "OR"))
		need = 1;
	else if (type && !strcmp(type, "ATLEAST"))
		need = th && th->kind == KDX_V_NUMBER && th->u.num > 0 ? (size_t)th->u.num : 1;
	int r = lo >= need ? 1 : hi < need ? -1 : 0;
	return inv && inv->kind == KDX_V_BOOL && inv->u.b ? -r : r;
}

static void rule_text(strbuf *sb, const kdx_value *cfg)
{
	const char *type = kdx_value_str(kdx_value_get(cfg, "Type"));
	const kdx_value *th = kdx_value_get(cfg, "Threshold");
	const kdx_value *inv = kdx_value_get(cfg, "Inverted");
	strbuf_addstr(sb, type ? type : "AND");
	if (type && !strcmp(type, "ATLEAST") && th && th->kind == KDX_V_NUMBER)
		strbuf_addf(sb, " %g", th->u.num);
	if (inv && inv->kind == KDX_V_BOOL && inv->u.b)
		strbuf_addstr(sb, ", inverted");
}

static bool names(const kdx_value *list, const char *arn)
{
	for (size_t i = 0; list && list->kind == KDX_V_LIST && i < list->u.list.n; i++) {
		const char *x = kdx_value_str(list->u.list.items[i]);
		if (x && !strcmp(x, arn))
			return true;
	}
	return false;
}

static void check_rule(kdx_sctx *c, uint32_t s, const rcstep *r, const kdx_value *rule,
		       const state *pre, const state *post)
{
	const kdx_value *as = kdx_value_get(rule, "ASSERTION");
	const kdx_value *gt = kdx_value_get(rule, "GATING");
	const kdx_value *body = as ? as : gt;
	const char *name = kdx_value_str(kdx_value_get(body, "Name"));
	const kdx_value *cfg = kdx_value_get(body, "RuleConfig");
	if (!body)
		return;
	strbuf t = STRBUF_INIT, ctl = STRBUF_INIT;
	rule_text(&t, cfg);
	for (size_t k = 0; k < r->n; k++) {
		strbuf_reset(&ctl);
		control_name(&ctl, c->plan, r->ch[k].arn);
		if (as && names(kdx_value_get(as, "AssertedControls"), r->ch[k].arn) &&
		    holds(cfg, kdx_value_get(as, "AssertedControls"), post) != 1) {
			kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "traffic", c->plan->steps[s].span,
				"step '%s' turns routing control %s %s, which %s break safety rule "
				"'%s' (assertion %s)", kdx_sx_step(c, s), ctl.buf,
				r->ch[k].on ? "On" : "Off",
				holds(cfg, kdx_value_get(as, "AssertedControls"), post) < 0 ?
				"would" : "may", name ? name : "(unnamed)", t.buf);
			kdx_diag_hint(g, "ARC refuses the change: turn another asserted control On "
				      "first, in the same step (arc.set_states) or one ordered before it");
			break;
		}
		if (gt && names(kdx_value_get(gt, "TargetControls"), r->ch[k].arn) &&
		    holds(cfg, kdx_value_get(gt, "GatingControls"), pre) != 1) {
			kdx_diag *g = kdx_sx_diag(c, KDX_ERROR, "traffic", c->plan->steps[s].span,
				"step '%s' changes routing control %s, a target of gating rule '%s' "
				"(%s over its gating controls), which %s hold when the step starts",
				kdx_sx_step(c, s), ctl.buf, name ? name : "(unnamed)", t.buf,
				holds(cfg, kdx_value_get(gt, "GatingControls"), pre) < 0 ?
				"does not" : "may not");
			kdx_diag_hint(g, "set the gating controls in a step ordered before this one");
			break;
		}
	}
	strbuf_release(&t);
	strbuf_release(&ctl);
}

void kdx_check_arc_rules(kdx_sctx *c)
{
	const kdx_plan *p = c->plan;
	if (c->rollback)
		return;
	rcstep *rs = xcalloc(p->nsteps + 1, sizeof(*rs));
	size_t n = 0;
	for (uint32_t s = 0; s < p->nsteps; s++) {
		rs[n].step = s;
		rs[n].n = changes(p, s, rs[n].ch);
		n += rs[n].n > 0;
	}
	for (size_t i = 0; i < n && n; i++) {
		uint32_t s = rs[i].step;
		/* the controls any rule names, before and after s */
		state pre = { 0 }, post = { 0 };
		size_t cap = 0;
		for (size_t r = 0; r < p->nresources; r++) {
			const kdx_value *rules = strcmp(p->resources[r].type, "arc.control_panel") ? NULL
				: kdx_value_get(p->resources[r].attrs, "safety_rules");
			for (size_t k = 0; rules && rules->kind == KDX_V_LIST && k < rules->u.list.n; k++) {
				const kdx_value *rule = rules->u.list.items[k];
				const kdx_value *b = kdx_value_get(rule, "ASSERTION");
				const char *lists[2] = { "AssertedControls", NULL };
				if (!b) {
					b = kdx_value_get(rule, "GATING");
					lists[0] = "GatingControls";
					lists[1] = "TargetControls";
				}
				for (int l = 0; l < 2 && b && lists[l]; l++) {
					const kdx_value *ctl = kdx_value_get(b, lists[l]);
					for (size_t m = 0; ctl && ctl->kind == KDX_V_LIST && m < ctl->u.list.n; m++) {
						const char *arn = kdx_value_str(ctl->u.list.items[m]);
						if (!arn)
							continue;
						bool seen = false;
						for (size_t q = 0; q < pre.n && !seen; q++)
							seen = !strcmp(pre.arn[q], arn);
						if (seen)
							continue;
						if (pre.n == cap) {
							cap = cap ? 2 * cap : 8;
							pre.arn = xrealloc(pre.arn, cap * sizeof(*pre.arn));
							pre.may = xrealloc(pre.may, cap * sizeof(*pre.may));
						}
						pre.arn[pre.n] = arn;
						pre.may[pre.n++] = before(c, rs, n, s, arn);
					}
				}
			}
		}
		post.arn = pre.arn;
		post.n = pre.n;
		post.may = xcalloc(pre.n + 1, sizeof(*post.may));
		for (size_t q = 0; q < pre.n; q++) {
			post.may[q] = pre.may[q];
			for (size_t k = 0; k < rs[i].n; k++)
				if (!strcmp(rs[i].ch[k].arn, pre.arn[q]))
					post.may[q] = rs[i].ch[k].on ? MAY_ON : MAY_OFF;
		}
		for (size_t r = 0; r < p->nresources; r++) {
			const kdx_value *rules = strcmp(p->resources[r].type, "arc.control_panel") ? NULL
				: kdx_value_get(p->resources[r].attrs, "safety_rules");
			for (size_t k = 0; rules && rules->kind == KDX_V_LIST && k < rules->u.list.n; k++)
				check_rule(c, s, &rs[i], rules->u.list.items[k], &pre, &post);
		}
		free(pre.arn);
		free(pre.may);
		free(post.may);
	}
	free(rs);
}
