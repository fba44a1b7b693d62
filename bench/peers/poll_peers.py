"""bench/poll_moto.sh's world and its boto3 contestant.
  poll_peers.py setup HOLDS_FILE LABEL=HOLD...  create, for each LABEL (TOOL-SERVICE-HOLD),
      the resource its change goes to (a zone "LABEL.bench" with weighted record sets
      us-east-1 50 / us-west-2 50, an Auto Scaling group "LABEL" in us-west-2 at 1 of 2
      instances, an Aurora cluster "LABEL" in us-west-2 at 0.5-4 ACUs) and write HOLDS_FILE
      for bench/holdproxy.py.
  poll_peers.py boto3 SERVICE LABEL   the change, then boto3's waiter for it:
      route53 -- change_resource_record_sets, waiter resource_record_sets_changed (30 s);
      rds -- modify_db_cluster, waiter db_cluster_available (30 s);
      asg -- update_auto_scaling_group, then a waiter made with boto3's own
      create_waiter_with_client from the model botocore shipped as GroupInService (15 s,
      40 attempts; botocore dropped its Auto Scaling waiters, so this is the one boto3
      user would write), checking InService >= DesiredCapacity as kdx does.
  poll_peers.py zone-id LABEL   the hosted zone id of LABEL.bench (for the aws CLI peer)."""
import json
import sys

import boto3
from botocore.waiter import WaiterModel, create_waiter_with_client

ASG_WAITER = WaiterModel({"version": 2, "waiters": {"GroupInService": {
    "delay": 15, "maxAttempts": 40, "operation": "DescribeAutoScalingGroups",
    "acceptors": [
        {"argument": "contains(AutoScalingGroups[].[length(Instances[?LifecycleState=='InService'])"
                     " >= DesiredCapacity][], `false`)",
         "expected": False, "matcher": "path", "state": "success"},
        {"argument": "contains(AutoScalingGroups[].[length(Instances[?LifecycleState=='InService'])"
                     " >= DesiredCapacity][], `false`)",
         "expected": True, "matcher": "path", "state": "retry"}]}}})


def zone_id(r53, label):
    return r53.list_hosted_zones_by_name(DNSName=label + ".bench.")["HostedZones"][0]["Id"].split("/")[-1]


def setup(holds_file, specs):
    r53 = boto3.client("route53")
    asg = boto3.client("autoscaling", region_name="us-west-2")
    rds = boto3.client("rds", region_name="us-west-2")
    holds = {}
    if any("-asg-" in s for s in specs):
        asg.create_launch_configuration(LaunchConfigurationName="poll-lc", ImageId="ami-12c6146b",
                                        InstanceType="t3.micro")
    for spec in specs:
        label, hold = spec.split("=")
        if "-route53-" in label:
            zid = r53.create_hosted_zone(Name=label + ".bench.", CallerReference=label)["HostedZone"]["Id"]
            zid = zid.split("/")[-1]
            r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "api.%s.bench." % label, "Type": "CNAME", "SetIdentifier": r, "Weight": 50,
                    "TTL": 60, "ResourceRecords": [{"Value": "api-%s.%s.bench" % (r, label)}]}}
                for r in ("us-east-1", "us-west-2")]})
            holds["zone:" + zid] = {"hold": float(hold), "label": label}
        elif "-asg-" in label:
            asg.create_auto_scaling_group(AutoScalingGroupName=label, LaunchConfigurationName="poll-lc",
                                          MinSize=0, MaxSize=4, DesiredCapacity=1,
                                          AvailabilityZones=["us-west-2a"])
            holds["asg:" + label] = {"hold": float(hold), "label": label}
        else:
            rds.create_db_cluster(DBClusterIdentifier=label, Engine="aurora-postgresql",
                                  MasterUsername="kdx", MasterUserPassword="not-a-secret-1",
                                  ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 4})
            holds["rds:" + label] = {"hold": float(hold), "label": label}
    with open(holds_file, "w") as f:
        json.dump(holds, f)


def contestant(service, label):
    if service == "route53":
        r53 = boto3.client("route53")
        zid = zone_id(r53, label)
        cid = r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
            {"Action": "UPSERT", "ResourceRecordSet": {
                "Name": "api.%s.bench." % label, "Type": "CNAME", "SetIdentifier": r, "Weight": w,
                "TTL": 60, "ResourceRecords": [{"Value": "api-%s.%s.bench" % (r, label)}]}}
            for r, w in (("us-east-1", 100), ("us-west-2", 0))]})["ChangeInfo"]["Id"]
        r53.get_waiter("resource_record_sets_changed").wait(Id=cid)
    elif service == "rds":
        rds = boto3.client("rds", region_name="us-west-2")
        rds.modify_db_cluster(DBClusterIdentifier=label, ApplyImmediately=True,
                              ServerlessV2ScalingConfiguration={"MinCapacity": 4, "MaxCapacity": 16})
        rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier=label)
    else:
        asg = boto3.client("autoscaling", region_name="us-west-2")
        asg.update_auto_scaling_group(AutoScalingGroupName=label, DesiredCapacity=2)
        create_waiter_with_client("GroupInService", ASG_WAITER, asg).wait(AutoScalingGroupNames=[label])


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "zone-id":
        print(zone_id(boto3.client("route53"), sys.argv[2]))
    else:
        contestant(sys.argv[2], sys.argv[3])
