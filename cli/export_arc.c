/* export_arc: a runbook's plan as an ARC Region switch plan (see export_arc.h).
 *
 * ARC runs one workflow as a sequence of steps; kdx's steps form a graph. The workflow
 * takes the steps level by level (a step's level is the longest chain of predecessors
 * before it), a level of several mapped steps becoming one Parallel block: every kdx edge
 * still points forward, and ARC orders no less than kdx does. An approval becomes a
 * ManualApproval step just before the step it gates. */
#include "export_arc.h"

#include "../compiler/eval.h"
#include "../compiler/plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ctx {
	const kdx_compilation *c;
	const kdx_plan *p;
	const kdx_arc_opts *o;
	const char *primary, *target, *account;
	strbuf *unmapped;
} ctx;

static const kdx_value *global(const kdx_compilation *c, const char *name)
{
	for (const kdx_env *e = c->genv; e; e = e->parent)
		if (e->name && !strcmp(e->name, name))
			return e->value;
	return NULL;
}

static const kdx_value *arg(const ctx *x, const kdx_plan_call *bc, const char *name)
{
	return kdx_plan_call_arg(x->p, bc, name);
}

static const char *attr(const kdx_value *res, const char *name)
{
	const char *s = kdx_value_str(kdx_value_get(res, name));
	return s && *s ? s : NULL;
}

/* The plan resource a resource argument is (by identity, else by value). */
static const kdx_plan_resource *resource_of(const ctx *x, const kdx_value *v)
{
	if (!v)
		return NULL;
	for (size_t i = 0; i < x->c->nres; i++)
		if (x->c->res[i].value == v)
			return &x->p->resources[x->c->res[i].index];
	for (size_t i = 0; i < x->c->nres; i++)
		if (kdx_value_equal(x->c->res[i].value, v))
			return &x->p->resources[x->c->res[i].index];
	return NULL;
}

/* The instance of the same `for_each` resource in region: "fleet[us-west-2]" -> "fleet[R]". */
static const kdx_plan_resource *sibling(const ctx *x, const kdx_plan_resource *r,
					const char *region)
{
	const char *br = r ? strchr(r->name, '[') : NULL;
	if (!br)
		return NULL;
	strbuf want = STRBUF_INIT;
	strbuf_add(&want, r->name, (size_t)(br - r->name));
	strbuf_addf(&want, "[%s]", region);
	const kdx_plan_resource *found = NULL;
	for (size_t i = 0; i < x->p->nresources && !found; i++)
		if (!strcmp(x->p->resources[i].name, want.buf))
			found = &x->p->resources[i];
	strbuf_release(&want);
	return found;
}

/* A region's value of a `for_each` resource's attribute, primary first then target:
 * both or neither (ARC's regional blocks name one resource per region of the plan). */
static bool pair(const ctx *x, const kdx_value *v, const char *field, const char *out[2],
		 const kdx_value *vals[2])
{
	const kdx_plan_resource *r = resource_of(x, v);
	const char *regions[2] = { x->primary, x->target };
	for (int k = 0; k < 2; k++) {
		const kdx_plan_resource *s = sibling(x, r, regions[k]);
		vals[k] = s ? s->attrs : NULL;
		out[k] = s && field ? attr(s->attrs, field) : NULL;
		if (!s || (field && !out[k]))
			return false;
	}
	return true;
}

static int64_t minutes(const kdx_step *s)
{
	int64_t ms = s->timeout_ms > 0 ? s->timeout_ms : s->duration_max_ms;
	int64_t m = (ms + 59999) / 60000;
	return m < 1 ? 1 : m;
}

static void unmapped(const ctx *x, const kdx_step *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void unmapped(const ctx *x, const kdx_step *s, const char *fmt, ...)
{
	strbuf_addf(x->unmapped, "step '%s'", s->name);
	if (s->action)
		strbuf_addf(x->unmapped, " (%s)", s->action);
	strbuf_addstr(x->unmapped, ": ");
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(x->unmapped, fmt, ap);
	va_end(ap);
	strbuf_addch(x->unmapped, '\n');
}

static kdx_json *push_object(kdx_json *a)
{
	kdx_json *o = kdx_json_object();
	kdx_json_push(a, o);
	return o;
}

static kdx_json *block(const kdx_step *s, const char *type, const char *cfg_key,
		       kdx_json **cfg)
{
	kdx_json *j = kdx_json_object();
	kdx_json_set_str(j, "name", s->name);
	kdx_json_set_str(j, "executionBlockType", type);
	kdx_json *c = kdx_json_set_object(j, "executionBlockConfiguration");
	*cfg = kdx_json_set_object(c, cfg_key);
	kdx_json_set_int(*cfg, "timeoutMinutes", minutes(s));
	return j;
}

static int64_t percent_of(const ctx *x, const kdx_plan_call *bc)
{
	const kdx_value *pc = arg(x, bc, "percent");
	return pc && pc->kind == KDX_V_PERCENT ? (int64_t)llround(pc->u.num) : 100;
}

static kdx_json *map_asg(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const char *arns[2];
	const kdx_value *v[2];
	const kdx_value *cnt = arg(x, bc, "count");
	if (cnt && cnt->kind == KDX_V_NUMBER && cnt->u.num >= 0) {
		unmapped(x, s, "an absolute count: ARC's EC2 Auto Scaling block scales to a "
			 "percentage of the other region's capacity");
		return NULL;
	}
	if (!pair(x, arg(x, bc, "group"), "arn", arns, v)) {
		unmapped(x, s, "ARC names Auto Scaling groups by ARN, which holds an id only AWS "
			 "knows: give the group resource an `arn` in %s and %s", x->primary,
			 x->target);
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "EC2AutoScaling", "ec2AsgCapacityIncreaseConfig", &cfg);
	kdx_json *asgs = kdx_json_set_array(cfg, "asgs");
	for (int k = 0; k < 2; k++)
		kdx_json_set_str(push_object(asgs), "arn", arns[k]);
	kdx_json_set_int(cfg, "targetPercent", percent_of(x, bc));
	return j;
}

static kdx_json *map_ecs(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const char *clusters[2], *names[2];
	const kdx_value *v[2];
	const kdx_value *cnt = arg(x, bc, "count");
	if (cnt && cnt->kind == KDX_V_NUMBER && cnt->u.num >= 0) {
		unmapped(x, s, "an absolute count: ARC's ECS block scales to a percentage of the "
			 "other region's tasks");
		return NULL;
	}
	if (!x->account) {
		unmapped(x, s, "ARC names ECS services by ARN: pass -account ID (or give the "
			 "runbook a param account_id)");
		return NULL;
	}
	if (!pair(x, arg(x, bc, "s"), "cluster", clusters, v) || !pair(x, arg(x, bc, "s"), "name", names, v)) {
		unmapped(x, s, "the service needs an instance in %s and in %s", x->primary, x->target);
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "ECSServiceScaling", "ecsCapacityIncreaseConfig", &cfg);
	kdx_json *svcs = kdx_json_set_array(cfg, "services");
	const char *regions[2] = { x->primary, x->target };
	for (int k = 0; k < 2; k++) {
		kdx_json *e = push_object(svcs);
		strbuf a = STRBUF_INIT;
		strbuf_addf(&a, "arn:aws:ecs:%s:%s:cluster/%s", regions[k], x->account, clusters[k]);
		kdx_json_set_str(e, "clusterArn", a.buf);
		strbuf_reset(&a);
		strbuf_addf(&a, "arn:aws:ecs:%s:%s:service/%s/%s", regions[k], x->account,
			    clusters[k], names[k]);
		kdx_json_set_str(e, "serviceArn", a.buf);
		strbuf_release(&a);
	}
	kdx_json_set_int(cfg, "targetPercent", percent_of(x, bc));
	return j;
}

static kdx_json *map_eks(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const char *clusters[2], *names[2], *ns[2];
	const kdx_value *v[2];
	const kdx_value *cnt = arg(x, bc, "count");
	if (cnt && cnt->kind == KDX_V_NUMBER && cnt->u.num >= 0) {
		unmapped(x, s, "an absolute count: ARC's EKS block scales to a percentage of the "
			 "other region's replicas");
		return NULL;
	}
	if (!x->account) {
		unmapped(x, s, "ARC names EKS clusters by ARN: pass -account ID (or give the "
			 "runbook a param account_id)");
		return NULL;
	}
	const kdx_value *d = arg(x, bc, "d");
	if (!pair(x, d, "cluster", clusters, v) || !pair(x, d, "name", names, v) ||
	    !pair(x, d, "namespace", ns, v)) {
		unmapped(x, s, "the deployment needs an instance in %s and in %s", x->primary,
			 x->target);
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "EKSResourceScaling", "eksResourceScalingConfig", &cfg);
	kdx_json *kt = kdx_json_set_object(cfg, "kubernetesResourceType");
	kdx_json_set_str(kt, "apiVersion", "apps/v1");
	kdx_json_set_str(kt, "kind", "Deployment");
	kdx_json *cl = kdx_json_set_array(cfg, "eksClusters");
	kdx_json *app = push_object(kdx_json_set_array(cfg, "scalingResources"));
	kdx_json *per = kdx_json_set_object(app, names[1]);
	const char *regions[2] = { x->primary, x->target };
	for (int k = 0; k < 2; k++) {
		strbuf a = STRBUF_INIT;
		strbuf_addf(&a, "arn:aws:eks:%s:%s:cluster/%s", regions[k], x->account, clusters[k]);
		kdx_json_set_str(push_object(cl), "clusterArn", a.buf);
		strbuf_release(&a);
		kdx_json *r = kdx_json_set_object(per, regions[k]);
		kdx_json_set_str(r, "namespace", ns[k]);
		kdx_json_set_str(r, "name", names[k]);
	}
	kdx_json_set_int(cfg, "targetPercent", percent_of(x, bc));
	return j;
}

/* Aurora's and DocumentDB's global-database blocks: the same fields under their own names. */
static kdx_json *map_globaldb(const ctx *x, const kdx_step *s, const kdx_plan_call *bc,
			      const char *type, const char *key, const char *behavior)
{
	const kdx_value *db = arg(x, bc, "db");
	const kdx_value *to = arg(x, bc, "to");
	const kdx_value *arns = kdx_value_get(db, "arns");
	const char *a0 = kdx_value_str(kdx_value_get(arns, x->primary));
	const char *a1 = kdx_value_str(kdx_value_get(arns, x->target));
	const char *id = attr(db, "id");
	const char *dest = to ? kdx_value_text(to) : NULL;
	if (dest && strcmp(dest, x->target)) {
		unmapped(x, s, "it promotes %s, not the region the plan activates (%s)", dest,
			 x->target);
		return NULL;
	}
	if (!id || !a0 || !*a0 || !a1 || !*a1) {
		unmapped(x, s, "ARC names the global database's clusters by ARN: give the resource "
			 "`arns` for %s and %s", x->primary, x->target);
		return NULL;
	}
	kdx_json *cfg, *j = block(s, type, key, &cfg);
	kdx_json_set_str(cfg, "behavior", behavior);
	if (!strcmp(behavior, "failover"))
		kdx_json_set_str(kdx_json_set_object(cfg, "ungraceful"), "ungraceful", "failover");
	kdx_json_set_str(cfg, "globalClusterIdentifier", id);
	kdx_json *l = kdx_json_set_array(cfg, "databaseClusterArns");
	kdx_json_push_str(l, a0);
	kdx_json_push_str(l, a1);
	return j;
}

static kdx_json *map_routing(const ctx *x, const kdx_step *s, const kdx_plan_call *bc,
			     bool pair_states)
{
	const char *on = pair_states ? attr(arg(x, bc, "on"), "arn") : attr(arg(x, bc, "rc"), "arn");
	const char *off = pair_states ? attr(arg(x, bc, "off"), "arn") : NULL;
	const kdx_value *flag = pair_states ? NULL : arg(x, bc, "on");
	if (!on || (pair_states && !off) || (!pair_states && (!flag || flag->kind != KDX_V_BOOL))) {
		unmapped(x, s, "its routing controls or states are known only at run time");
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "ARCRoutingControl", "arcRoutingControlConfig", &cfg);
	/* the changes belong to the activation of the target region */
	kdx_json *l = kdx_json_set_array(kdx_json_set_object(cfg, "regionAndRoutingControls"),
					 x->target);
	kdx_json *e = push_object(l);
	kdx_json_set_str(e, "routingControlArn", on);
	kdx_json_set_str(e, "state", pair_states || flag->u.b ? "On" : "Off");
	if (pair_states) {
		e = push_object(l);
		kdx_json_set_str(e, "routingControlArn", off);
		kdx_json_set_str(e, "state", "Off");
	}
	return j;
}

static kdx_json *map_lambda(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const kdx_value *fn = arg(x, bc, "fn");
	const char *name = attr(fn, "name");
	const char *region = kdx_value_text(kdx_value_get(fn, "region"));
	if (!name || (!x->account && strncmp(name, "arn:", 4))) {
		unmapped(x, s, "ARC names the function by ARN: give its name as an ARN or pass "
			 "-account ID");
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "CustomActionLambda", "customActionLambdaConfig", &cfg);
	strbuf a = STRBUF_INIT;
	if (strncmp(name, "arn:", 4))
		strbuf_addf(&a, "arn:aws:lambda:%s:%s:function:%s", region ? region : x->target,
			    x->account, name);
	else
		strbuf_addstr(&a, name);
	kdx_json_set_str(push_object(kdx_json_set_array(cfg, "lambdas")), "arn", a.buf);
	strbuf_release(&a);
	kdx_json_set_double(cfg, "retryIntervalMinutes", 1);
	kdx_json_set_str(cfg, "regionToRun", "activatingRegion");
	return j;
}

/* A DB instance's ARN for ARC's RDS blocks, from its id and region and -account (or the
 * runbook's account_id); NULL when one is missing. *region: the instance's region. */
static char *rds_instance_arn(const ctx *x, const kdx_value *inst, const char **region)
{
	const char *id = attr(inst, "id");
	*region = kdx_value_text(kdx_value_get(inst, "region"));
	if (!id || !*region || !x->account)
		return NULL;
	strbuf a = STRBUF_INIT;
	strbuf_addf(&a, "arn:aws:rds:%s:%s:db:%s", *region, x->account, id);
	return strbuf_detach(&a, NULL);
}

/* RdsPromoteReadReplica: the replica in the region the plan activates becomes the writer. */
static kdx_json *map_rds_promote(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const char *region;
	char *arn = rds_instance_arn(x, arg(x, bc, "replica"), &region);
	if (!arn) {
		unmapped(x, s, "ARC names the replica by ARN: give the instance its region and "
			 "pass -account ID (or give the runbook a param account_id)");
		return NULL;
	}
	if (strcmp(region, x->target)) {
		unmapped(x, s, "it promotes a replica in %s, not in the region the plan activates "
			 "(%s)", region, x->target);
		free(arn);
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "RdsPromoteReadReplica", "rdsPromoteReadReplicaConfig", &cfg);
	kdx_json_set_str(kdx_json_set_object(cfg, "dbInstanceArnMap"), region, arn);
	free(arn);
	return j;
}

/* RdsCreateCrossRegionReplica: the source instance and the replica, by region. The source is
 * given by ARN (as CreateDBInstanceReadReplica takes it); the replica's ARN is built. */
static kdx_json *map_rds_replica(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const char *src = kdx_value_str(arg(x, bc, "source_arn"));
	const kdx_value *sr = arg(x, bc, "source_region");
	const char *src_region = sr ? kdx_value_text(sr) : NULL;
	const char *region;
	char *arn = rds_instance_arn(x, arg(x, bc, "replica"), &region);
	if (!arn || !src || strncmp(src, "arn:", 4) || !src_region) {
		unmapped(x, s, "ARC names both instances by ARN and region: give the source's ARN "
			 "and source_region, the replica its region, and pass -account ID");
		free(arn);
		return NULL;
	}
	if (!strcmp(src_region, region)) {
		unmapped(x, s, "the replica is in the source's region (%s): ARC's block creates a "
			 "cross-Region replica", region);
		free(arn);
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "RdsCreateCrossRegionReplica",
				  "rdsCreateCrossRegionReadReplicaConfig", &cfg);
	kdx_json *m = kdx_json_set_object(cfg, "dbInstanceArnMap");
	kdx_json_set_str(m, src_region, src);
	kdx_json_set_str(m, region, arn);
	free(arn);
	return j;
}

/* LambdaEventSourceMapping: enable or disable one mapping, named by ARN. */
static kdx_json *map_esm(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const kdx_value *m = arg(x, bc, "m"), *on = arg(x, bc, "enabled");
	const char *uuid = attr(m, "uuid");
	const char *region = kdx_value_text(kdx_value_get(m, "region"));
	if (!on || on->kind != KDX_V_BOOL) {
		unmapped(x, s, "whether it enables or disables is known only at run time");
		return NULL;
	}
	if (!uuid || !region || !x->account) {
		unmapped(x, s, "ARC names the mapping by ARN: give the mapping its region and pass "
			 "-account ID (or give the runbook a param account_id)");
		return NULL;
	}
	kdx_json *cfg, *j = block(s, "LambdaEventSourceMapping", "lambdaEventSourceMappingConfig",
				  &cfg);
	kdx_json_set_str(cfg, "action", on->u.b ? "enable" : "disable");
	strbuf a = STRBUF_INIT;
	strbuf_addf(&a, "arn:aws:lambda:%s:%s:event-source-mapping:%s", region, x->account, uuid);
	kdx_json_set_str(kdx_json_set_object(kdx_json_set_object(cfg, "regionEventSourceMappings"),
					     region), "arn", a.buf);
	strbuf_release(&a);
	return j;
}

/* ARCRegionSwitchPlan: a child plan activating the same region as this one (the block has
 * no timeout of its own: the child plan's apply). */
static kdx_json *map_child_plan(const ctx *x, const kdx_step *s, const kdx_plan_call *bc)
{
	const char *arn = attr(arg(x, bc, "p"), "arn");
	const kdx_value *to = arg(x, bc, "to"), *act = arg(x, bc, "action");
	const char *dest = to ? kdx_value_text(to) : NULL;
	const char *what = act ? kdx_value_str(act) : "activate";
	if (!arn || !dest || !what) {
		unmapped(x, s, "the child plan or its region is known only at run time");
		return NULL;
	}
	if (strcmp(what, "activate") || strcmp(dest, x->target)) {
		unmapped(x, s, "ARC runs a child plan in the parent's own direction (activate %s); "
			 "this step runs '%s' of %s", x->target, what, dest);
		return NULL;
	}
	kdx_json *j = kdx_json_object();
	kdx_json_set_str(j, "name", s->name);
	kdx_json_set_str(j, "executionBlockType", "ARCRegionSwitchPlan");
	kdx_json *cfg = kdx_json_set_object(kdx_json_set_object(j, "executionBlockConfiguration"),
					    "regionSwitchPlanConfig");
	kdx_json_set_str(cfg, "arn", arn);
	return j;
}

/* Why a step whose action has no ARC block does not map, by the action's module. */
static const char *no_block(const char *action)
{
	static const struct { const char *prefix, *why; } table[] = {
		{ "route53.set_weights", "weights: ARC Region switch moves traffic with routing "
		  "controls or Route 53 health checks, never by weighted records' weights" },
		{ "globalaccelerator.", "weights: ARC has no Global Accelerator traffic dial block" },
		{ "rds.fence_writes", "fencing: no ARC block stops writes in the old writer (its "
		  "Aurora block only fails over or switches over)" },
		{ "rds.unfence_writes", "fencing: no ARC block stops or allows writes" },
		{ "elasticache.", "ElastiCache: ARC Region switch has no ElastiCache Global "
		  "Datastore block" },
		{ "rds.remove_from_global_cluster", "detach-and-promote: ARC's Aurora block fails "
		  "over or switches over the global cluster; it does not detach a member" },
		{ "sns.", "notifications: ARC reports a plan's events through EventBridge, not "
		  "steps that publish" },
		{ "cloudwatch.", "alarm reads: ARC watches alarms associated with the plan, not "
		  "steps that read them" },
		{ "core.", "local commands, pauses and HTTP checks have no ARC block (a custom "
		  "Lambda could run one)" },
		{ "terraform.", "Terraform runs have no ARC block" },
		{ "eks.set_hpa_limits", "ARC scales a Deployment together with its HPA by the "
		  "Deployment's name; an eks.hpa resource names only the HPA" },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (!strncmp(action, table[i].prefix, strlen(table[i].prefix)))
			return table[i].why;
	return NULL;
}

static kdx_json *map_step(const ctx *x, const kdx_step *s)
{
	const kdx_plan_call *bc = s->do_call;
	if (!bc) {
		unmapped(x, s, "gates only: `require` and `wait until` checks have no ARC block");
		return NULL;
	}
	const char *a = x->p->actions[bc->action].name;
	if (!strcmp(a, "autoscaling.set_capacity") || !strcmp(a, "autoscaling.match_capacity"))
		return map_asg(x, s, bc);
	if (!strcmp(a, "ecs.set_count") || !strcmp(a, "ecs.match_count"))
		return map_ecs(x, s, bc);
	if (!strcmp(a, "eks.scale_deployment"))
		return map_eks(x, s, bc);
	if (!strcmp(a, "rds.failover_global_cluster") || !strcmp(a, "rds.switchover_global_cluster"))
		return map_globaldb(x, s, bc, "AuroraGlobalDatabase", "globalAuroraConfig",
				    strstr(a, "failover") ? "failover" : "switchoverOnly");
	if (!strcmp(a, "docdb.failover_global_cluster") ||
	    !strcmp(a, "docdb.switchover_global_cluster"))
		return map_globaldb(x, s, bc, "DocumentDb", "documentDbConfig",
				    strstr(a, "failover") ? "failover" : "switchoverOnly");
	if (!strcmp(a, "arc.set_state") || !strcmp(a, "arc.set_states"))
		return map_routing(x, s, bc, !strcmp(a, "arc.set_states"));
	if (!strcmp(a, "lambda.invoke"))
		return map_lambda(x, s, bc);
	if (!strcmp(a, "rds.promote_read_replica"))
		return map_rds_promote(x, s, bc);
	if (!strcmp(a, "rds.create_read_replica"))
		return map_rds_replica(x, s, bc);
	if (!strcmp(a, "lambda.set_mapping_enabled"))
		return map_esm(x, s, bc);
	if (!strcmp(a, "regionswitch.start"))
		return map_child_plan(x, s, bc);
	const char *why = no_block(a);
	if (why)
		unmapped(x, s, "%s", why);
	else
		unmapped(x, s, "no ARC execution block does what %s does", a);
	return NULL;
}

static kdx_json *approval_step(const ctx *x, const kdx_step *s)
{
	kdx_json *j = kdx_json_object();
	strbuf n = STRBUF_INIT;
	strbuf_addf(&n, "approve_%s", s->name);
	kdx_json_set_str(j, "name", n.buf);
	strbuf_release(&n);
	kdx_json_set_str(j, "executionBlockType", "ManualApproval");
	kdx_json *cfg = kdx_json_set_object(kdx_json_set_object(j, "executionBlockConfiguration"),
					    "executionApprovalConfig");
	kdx_json_set_str(cfg, "approvalRole", x->o->approval_role ? x->o->approval_role
								 : x->o->execution_role);
	kdx_json_set_int(cfg, "timeoutMinutes", 60);
	return j;
}

/* Longest chain of predecessors before each step (the plan is acyclic once checked). */
static void levels(const kdx_plan *p, size_t *lv)
{
	for (size_t i = 0; i < p->nsteps; i++)
		lv[i] = 0;
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < p->nsteps; i++)
			for (size_t k = 0; k < p->steps[i].npreds; k++) {
				size_t f = p->steps[i].preds[k].from;
				if (f < p->nsteps && lv[f] + 1 > lv[i] && lv[f] + 1 <= p->nsteps) {
					lv[i] = lv[f] + 1;
					changed = true;
				}
			}
	}
}

static const char *pick_target(const ctx *x)
{
	if (x->o->target)
		return x->o->target;
	const char *t = kdx_value_text(global(x->c, "target"));
	if (t)
		return t;
	for (size_t i = 0; i < x->p->nregions; i++)
		if (strcmp(x->p->regions[i].name, x->primary))
			return x->p->regions[i].name;
	return NULL;
}

int kdx_arc_export(const kdx_compilation *c, const kdx_arc_opts *o, kdx_json **out,
		   strbuf *um, strbuf *err)
{
	const kdx_plan *p = c->plan;
	ctx x = { .c = c, .p = p, .o = o, .unmapped = um };
	for (size_t i = 0; i < p->nregions && !x.primary; i++)
		if (p->regions[i].role && !strcmp(p->regions[i].role, "primary"))
			x.primary = p->regions[i].name;
	if (!x.primary && p->nregions)
		x.primary = p->regions[0].name;
	x.target = x.primary ? pick_target(&x) : NULL;
	if (!x.primary || !x.target || !strcmp(x.primary, x.target)) {
		strbuf_addstr(err, "an ARC Region switch plan has two regions: the runbook needs a "
			      "primary and a target region (-target REGION)");
		return -1;
	}
	bool known = false;
	for (size_t i = 0; i < p->nregions; i++)
		known |= !strcmp(p->regions[i].name, x.target);
	if (!known) {
		strbuf_addf(err, "the target '%s' is not one of the runbook's regions", x.target);
		return -1;
	}
	x.account = o->account ? o->account : kdx_value_text(global(c, "account_id"));
	for (size_t i = 0; i < p->nregions; i++)
		if (strcmp(p->regions[i].name, x.primary) && strcmp(p->regions[i].name, x.target))
			strbuf_addf(um, "region '%s': an ARC plan has exactly two regions (%s, %s)\n",
				    p->regions[i].name, x.primary, x.target);

	kdx_json *in = kdx_json_object();
	const char *name = o->name ? o->name : p->name;
	kdx_json_set_str(in, "name", name);
	kdx_json_set_str(in, "executionRole", o->execution_role);
	kdx_json *regions = kdx_json_set_array(in, "regions");
	kdx_json_push_str(regions, x.primary);
	kdx_json_push_str(regions, x.target);
	kdx_json_set_str(in, "recoveryApproach", "activePassive");
	kdx_json_set_str(in, "primaryRegion", x.primary);
	if (p->has_rto)
		kdx_json_set_int(in, "recoveryTimeObjectiveMinutes",
				 (p->rto_ms + 59999) / 60000 < 1 ? 1 : (p->rto_ms + 59999) / 60000);
	strbuf d = STRBUF_INIT;
	strbuf_addf(&d, "exported by kdx from %s", p->path ? p->path : p->name);
	kdx_json_set_str(in, "description", d.buf);
	strbuf_release(&d);
	kdx_json *wf = kdx_json_object();
	kdx_json_push(kdx_json_set_array(in, "workflows"), wf);
	kdx_json_set_str(wf, "workflowTargetAction", "activate");
	kdx_json_set_str(wf, "workflowTargetRegion", x.target);
	kdx_json *steps = kdx_json_set_array(wf, "steps");

	size_t *lv = calloc(p->nsteps ? p->nsteps : 1, sizeof(*lv));
	if (!lv)
		abort();
	levels(p, lv);
	size_t top = 0;
	for (size_t i = 0; i < p->nsteps; i++)
		top = lv[i] > top ? lv[i] : top;
	for (size_t l = 0; l <= top && p->nsteps; l++) {
		kdx_json *group = kdx_json_array();
		size_t n = 0;
		for (size_t i = 0; i < p->nsteps; i++) {
			if (lv[i] != l)
				continue;
			const kdx_step *s = &p->steps[i];
			kdx_json *j = map_step(&x, s);
			if (!j)
				continue;
			if (s->approval)
				kdx_json_push(steps, approval_step(&x, s));
			if (s->undo_action || s->has_undo)
				strbuf_addf(um, "step '%s': its undo (ARC runs no per-step undo; "
					    "going back is another plan execution)\n", s->name);
			size_t nwaits = 0;
			for (size_t k = 0; k < s->nrun; k++)
				nwaits += s->run[k].kind != KDX_S_DO;
			if (s->nrequires || nwaits)
				strbuf_addf(um, "step '%s': its `require`/`wait until` gates (ARC "
					    "blocks have no preconditions)\n", s->name);
			kdx_json_push(group, j);
			n++;
		}
		if (n == 1) {
			kdx_json_push(steps, kdx_json_copy(kdx_json_at(group, 0)));
		} else if (n > 1) {
			kdx_json *par = kdx_json_object();
			strbuf pn = STRBUF_INIT;
			strbuf_addf(&pn, "parallel_%zu", l + 1);
			kdx_json_set_str(par, "name", pn.buf);
			strbuf_release(&pn);
			kdx_json_set_str(par, "executionBlockType", "Parallel");
			kdx_json *pc = kdx_json_set_object(kdx_json_set_object(par,
							   "executionBlockConfiguration"), "parallelConfig");
			kdx_json_set(pc, "steps", kdx_json_copy(group));
			kdx_json_push(steps, par);
		}
		kdx_json_free(group);
	}
	free(lv);
	*out = in;
	return 0;
}
