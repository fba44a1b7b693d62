#!/usr/bin/env python3
"""The whole world a stdlib action may touch, as boto3 describes it, for apply -> rollback ->
identical-world tests (issue #14.2). Usage:
  world.py dump KIND... > FILE      every field of every resource of the kinds, one JSON document
  world.py diff BEFORE AFTER        the paths that differ, one "path: before -> after" a line
KINDs: route53 (zones, every record set, every health check with its config),
autoscaling (every group in us-east-1 and us-west-2), ecs, eks, cloudwatch (alarms),
rds (global clusters, DB clusters, DB cluster parameter groups with every parameter they
set), rdsinstances (DB instances), elasticache (replication groups), elbv2 (load balancers,
their listeners and rules, target groups).

Only what the emulator changes on its own is left out, each named here with why:
  autoscaling Instances: moto launches and terminates instances as the desired capacity moves,
    with new ids (kept: how many are InService);
  ecs deployments, events, runningCount, pendingCount: moto's record of each update;
  route53 CallerReference of zones: never written by kdx (kept anyway), ChangeInfo: per call;
  rds LatestRestorableTime of clusters and instances: moto, as AWS, moves it forward with the
    clock on every read;
  cloudwatch StateUpdatedTimestamp, StateReason(Data), StateTransitionedTimestamp: every
    state change rewrites them (the state itself is kept)."""
import datetime
import json
import sys

import boto3

REGIONS = ("us-east-1", "us-west-2")


def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items() if k != "ResponseMetadata"}
    if isinstance(v, list):
        return [clean(x) for x in v]
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    return v


def route53():
    r53 = boto3.client("route53")
    out = {"zones": {}, "checks": {}}
    for z in r53.list_hosted_zones()["HostedZones"]:
        sets = r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
        out["zones"][z["Name"]] = {
            "zone": z,
            "sets": {"%s %s %s" % (s["Name"], s["Type"], s.get("SetIdentifier", "")): s for s in sets}}
    for c in r53.list_health_checks()["HealthChecks"]:
        out["checks"][c["Id"]] = c
    return out


def autoscaling():
    out = {}
    for reg in REGIONS:
        for g in boto3.client("autoscaling", region_name=reg).describe_auto_scaling_groups()["AutoScalingGroups"]:
            g["InService"] = len([i for i in g.pop("Instances", []) if i["LifecycleState"] == "InService"])
            out["%s %s" % (reg, g["AutoScalingGroupName"])] = g
    return out


def ecs():
    out = {}
    for reg in REGIONS:
        c = boto3.client("ecs", region_name=reg)
        for cl in c.list_clusters()["clusterArns"]:
            arns = c.list_services(cluster=cl)["serviceArns"]
            for s in c.describe_services(cluster=cl, services=arns)["services"] if arns else []:
                for k in ("deployments", "events", "runningCount", "pendingCount"):
                    s.pop(k, None)
                out["%s %s" % (reg, s["serviceArn"])] = s
    return out


def eks():
    out = {}
    for reg in REGIONS:
        c = boto3.client("eks", region_name=reg)
        for cl in c.list_clusters()["clusters"]:
            for ng in c.list_nodegroups(clusterName=cl)["nodegroups"]:
                n = c.describe_nodegroup(clusterName=cl, nodegroupName=ng)["nodegroup"]
                n.pop("modifiedAt", None)
                out["%s %s %s" % (reg, cl, ng)] = n
    return out


def cloudwatch():
    out = {}
    for reg in REGIONS:
        for a in boto3.client("cloudwatch", region_name=reg).describe_alarms()["MetricAlarms"]:
            for k in ("StateUpdatedTimestamp", "StateReason", "StateReasonData",
                      "StateTransitionedTimestamp", "AlarmConfigurationUpdatedTimestamp"):
                a.pop(k, None)
            out["%s %s" % (reg, a["AlarmName"])] = a
    return out


def rds():
    out = {}
    c = boto3.client("rds")
    for g in c.describe_global_clusters()["GlobalClusters"]:
        out["global " + g["GlobalClusterIdentifier"]] = g
    for reg in REGIONS:
        c = boto3.client("rds", region_name=reg)
        for d in c.describe_db_clusters()["DBClusters"]:
            d.pop("LatestRestorableTime", None)
            out["%s %s" % (reg, d["DBClusterIdentifier"])] = d
        # the fence is a parameter of the cluster's parameter group (rds.fence_writes)
        for g in c.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]:
            name = g["DBClusterParameterGroupName"]
            g["Parameters"] = {p["ParameterName"]: p for p in c.describe_db_cluster_parameters(
                DBClusterParameterGroupName=name)["Parameters"]}
            out["%s parameter-group %s" % (reg, name)] = g
    return out


def rdsinstances():
    out = {}
    for reg in REGIONS:
        for d in boto3.client("rds", region_name=reg).describe_db_instances()["DBInstances"]:
            d.pop("LatestRestorableTime", None)
            out["%s %s" % (reg, d["DBInstanceIdentifier"])] = d
    return out


def elbv2():
    out = {}
    for reg in REGIONS:
        c = boto3.client("elbv2", region_name=reg)
        for lb in c.describe_load_balancers()["LoadBalancers"]:
            out["%s lb %s" % (reg, lb["LoadBalancerArn"])] = lb
            for ls in c.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
                out["%s listener %s" % (reg, ls["ListenerArn"])] = ls
                for r in c.describe_rules(ListenerArn=ls["ListenerArn"])["Rules"]:
                    out["%s rule %s" % (reg, r["RuleArn"])] = r
        for tg in c.describe_target_groups()["TargetGroups"]:
            out["%s tg %s" % (reg, tg["TargetGroupArn"])] = tg
    return out


def elasticache():
    out = {}
    for reg in REGIONS:
        for g in boto3.client("elasticache", region_name=reg).describe_replication_groups()["ReplicationGroups"]:
            out["%s %s" % (reg, g["ReplicationGroupId"])] = g
    return out


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            diff(a.get(k, "<absent>"), b.get(k, "<absent>"), path + [str(k)], out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, path + [str(i)], out)
    elif a != b:
        out.append("%s: %s -> %s" % ("/".join(path), json.dumps(a), json.dumps(b)))


def main():
    if sys.argv[1] == "dump":
        kinds = {"route53": route53, "autoscaling": autoscaling, "ecs": ecs, "eks": eks,
                 "cloudwatch": cloudwatch, "rds": rds, "rdsinstances": rdsinstances,
                 "elasticache": elasticache, "elbv2": elbv2}
        world = {k: clean(kinds[k]()) for k in sys.argv[2:]}
        json.dump(world, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    out = []
    diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), [], out)
    for line in out:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
