"""Reads the KALDRIX staging world in moto with boto3, independently of kdx (tests/demo.sh,
t0710, t0711). Usage:
  kaldrix_state.py weights ZONE      -> "70/20/10" (us-east-1/us-west-2/eu-west-1) or "-"
  kaldrix_state.py deployed|failed-over TARGET|failed-back [SNAPSHOT]|destroyed
      (exit 1 with the problems; failed-back compares with a snapshot taken after the deploy)
  kaldrix_state.py snapshot          -> JSON of weights, desired capacities, writer, fence
  kaldrix_state.py lite-world        -> adds what the whole failover needs to the world of
      runbooks/setup_failover.py (no Terraform): the global cluster and its three clusters, the
      fence's parameter groups (fence off), the replication lag metric, the topic, three health
      checks; prints the health checks as a kdx map
"""
import json
import sys

import boto3

REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
ENV = "staging"
ZONE = "staging.kaldrix.io."


def c(svc, region="us-east-1"):
    return boto3.client(svc, region_name=region)


def weights(zone=ZONE):
    r53 = c("route53")
    zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == zone]
    if not zones:
        return None
    rrs = r53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
    w = {r["SetIdentifier"]: r["Weight"] for r in rrs
         if r["Name"] == "api." + zone and "Weight" in r}
    return w


def wtext(w):
    return "/".join(str(w.get(r, "-")) for r in REGIONS) if w else "-"


def members():
    g = c("rds").describe_global_clusters()["GlobalClusters"]
    g = [x for x in g if x["GlobalClusterIdentifier"] == "kaldrix-" + ENV]
    return g[0]["GlobalClusterMembers"] if g else []


def writer():
    for m in members():
        if m["IsWriter"]:
            return m["DBClusterArn"].split(":")[3]
    return None


def desired():
    out = {}
    for r in REGIONS:
        gs = c("autoscaling", r).describe_auto_scaling_groups(
            AutoScalingGroupNames=["kaldrix-%s-%s" % (ENV, r)])["AutoScalingGroups"]
        out[r] = gs[0]["DesiredCapacity"] if gs else None
    return out


def fence():
    out = {}
    for r in REGIONS:
        try:
            ps = c("rds", r).describe_db_cluster_parameters(
                DBClusterParameterGroupName="kaldrix-%s-%s" % (ENV, r))["Parameters"]
            out[r] = [p.get("ParameterValue") for p in ps
                      if p["ParameterName"] == "default_transaction_read_only"]
        except Exception:
            out[r] = None
    return out


def cluster_exists(arn):
    region, name = arn.split(":")[3], arn.split(":")[-1]
    f = [{"Name": "db-cluster-id", "Values": [name]}]
    return bool(c("rds", region).describe_db_clusters(Filters=f)["DBClusters"])


def leftovers():
    found = []
    r53 = c("route53")
    found += ["zone " + z["Name"] for z in r53.list_hosted_zones()["HostedZones"]]
    found += ["health check " + h["Id"] for h in r53.list_health_checks()["HealthChecks"]]
    for g in c("rds").describe_global_clusters()["GlobalClusters"]:
        live = [m["DBClusterArn"] for m in g["GlobalClusterMembers"] if cluster_exists(m["DBClusterArn"])]
        # moto 5.2.1 never drops a member outside us-east-1 (tests/demo.sh): a global cluster
        # whose members are all deleted is moto's, not the destroy's, leftover.
        if live or not g["GlobalClusterMembers"]:
            found.append("global cluster %s (members %s)" % (g["GlobalClusterIdentifier"], live))
    for r in REGIONS:
        found += ["%s cluster %s" % (r, x["DBClusterIdentifier"])
                  for x in c("rds", r).describe_db_clusters()["DBClusters"]]
        found += ["%s asg %s" % (r, x["AutoScalingGroupName"])
                  for x in c("autoscaling", r).describe_auto_scaling_groups()["AutoScalingGroups"]]
        found += ["%s vpc %s" % (r, x["VpcId"]) for x in c("ec2", r).describe_vpcs()["Vpcs"]
                  if not x.get("IsDefault")]
        found += ["%s alb %s" % (r, x["LoadBalancerName"])
                  for x in c("elbv2", r).describe_load_balancers()["LoadBalancers"]]
        found += ["%s alarm %s" % (r, x["AlarmName"])
                  for x in c("cloudwatch", r).describe_alarms()["MetricAlarms"]]
        found += ["%s topic %s" % (r, x["TopicArn"]) for x in c("sns", r).list_topics()["Topics"]]
        found += ["%s cluster parameter group %s" % (r, x["DBClusterParameterGroupName"])
                  for x in c("rds", r).describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
                  if x["DBClusterParameterGroupName"].startswith("kaldrix-")]
    return found


def lite_world():
    rds = c("rds")
    rds.create_global_cluster(GlobalClusterIdentifier="kaldrix-" + ENV, Engine="aurora-postgresql",
                              EngineVersion="15.4")
    hcs = {}
    for r in REGIONS:
        name = "kaldrix-%s-%s" % (ENV, r)
        kw = {"MasterUsername": "kaldrix", "MasterUserPassword": "not-a-secret-1"} if r == REGIONS[0] else {}
        c("rds", r).create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql",
                                      EngineVersion="15.4", GlobalClusterIdentifier="kaldrix-" + ENV, **kw)
        c("rds", r).create_db_cluster_parameter_group(
            DBClusterParameterGroupName=name, DBParameterGroupFamily="aurora-postgresql15",
            Description="kdx fence")
        c("rds", r).modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=[{
            "ParameterName": "default_transaction_read_only", "ParameterValue": "off",
            "ApplyMethod": "immediate"}])
        c("cloudwatch", r).put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "AuroraGlobalDBReplicationLag", "Value": 120.0, "Unit": "Milliseconds",
            "Dimensions": [{"Name": "DBClusterIdentifier", "Value": name}]}])
        hcs[r] = c("route53").create_health_check(CallerReference="kdx-lite-" + r, HealthCheckConfig={
            "Type": "HTTPS", "FullyQualifiedDomainName": "api-%s.staging.kaldrix.io" % r,
            "ResourcePath": "/health", "Port": 443})["HealthCheck"]["Id"]
    c("sns").create_topic(Name="kaldrix-alerts-" + ENV)
    print("{" + ", ".join('"%s" = "%s"' % kv for kv in hcs.items()) + "}")


def main():
    what = sys.argv[1]
    if what == "lite-world":
        lite_world()
        return 0
    if what == "weights":
        print(wtext(weights(sys.argv[2] + "." if len(sys.argv) > 2 else ZONE)))
        return 0
    if what == "snapshot":
        print(json.dumps({"weights": weights(), "desired": desired(), "writer": writer(),
                          "fence": fence()}, sort_keys=True))
        return 0
    problems = []
    w = weights()
    if what == "deployed":
        if w != {"us-east-1": 70, "us-west-2": 20, "eu-west-1": 10}:
            problems.append("weights after deploy: %s" % w)
        if writer() != "us-east-1":
            problems.append("writer after deploy: %s" % writer())
        if len(members()) != 3:
            problems.append("global cluster members: %s" % members())
    elif what == "failed-over":
        t = sys.argv[2]
        want = {r: 0 if r == "us-east-1" else 90 if r == t else 10 for r in REGIONS}
        if w != want:
            problems.append("weights after failover: %s, want %s" % (w, want))
        if desired()[t] is None or desired()[t] < 1:
            problems.append("target fleet: %s" % desired())
        if fence().get("us-east-1") != ["on"]:
            problems.append("us-east-1 not fenced: %s" % fence())
        # moto 5.2.1 accepts RemoveFromGlobalCluster for the target and changes nothing (it
        # detaches only clusters of us-east-1, docs/kaldrix.md): the writer stays, with three
        # members. On AWS the target's cluster leaves the global cluster as a writer.
        m = members()
        moved = writer() == t  # FailoverGlobalCluster (db_failover = "global")
        # RemoveFromGlobalCluster (db_failover = "detach"): the target left, a standalone writer
        detached = all(":%s:" % t not in x["DBClusterArn"] for x in m)
        if writer() == "us-east-1" and len(m) == 3:
            print("note: the writer is still us-east-1 (moto ignores RemoveFromGlobalCluster outside us-east-1)")
        elif not (moved or detached):
            problems.append("global cluster after the failover: writer %s, members %s" % (writer(), m))
    elif what == "failed-back":
        if w != {"us-east-1": 70, "us-west-2": 20, "eu-west-1": 10}:
            problems.append("weights after failback: %s" % w)
        if fence().get("us-east-1") != ["off"]:
            problems.append("us-east-1 still fenced: %s" % fence())
        if writer() != "us-east-1":
            problems.append("writer after failback: %s" % writer())
        if len(sys.argv) > 2:
            want = json.load(open(sys.argv[2]))
            now = {"weights": w, "desired": desired(), "writer": writer(), "fence": fence()}
            for k in sorted(want):
                if json.dumps(now[k], sort_keys=True) != json.dumps(want[k], sort_keys=True):
                    problems.append("%s after failback: %s, before the failover: %s" % (k, now[k], want[k]))
    elif what == "destroyed":
        problems += leftovers()
    else:
        print("unknown check " + what, file=sys.stderr)
        return 2
    for p in problems:
        print("problem: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
