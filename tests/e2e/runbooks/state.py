"""Print everything failover-lite.kdx touches, one line, read with boto3: the weights of
api.ZONE., each region's desired capacity and each alarm's state. Usage: state.py ZONE."""
import sys

import boto3

zone = sys.argv[1] if len(sys.argv) > 1 else "kaldrix.test"
r53 = boto3.client("route53")
zid = r53.list_hosted_zones_by_name(DNSName=zone + ".")["HostedZones"][0]["Id"]
rrs = r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
out = sorted("w:%s=%d" % (r["SetIdentifier"], r["Weight"]) for r in rrs
             if r["Name"] == "api.%s." % zone and "SetIdentifier" in r)
for region in ("us-east-1", "us-west-2", "eu-west-1"):
    g = boto3.client("autoscaling", region_name=region).describe_auto_scaling_groups(
        AutoScalingGroupNames=["kaldrix-test-" + region])["AutoScalingGroups"][0]
    out.append("asg:%s=%d" % (region, g["DesiredCapacity"]))
    a = boto3.client("cloudwatch", region_name=region).describe_alarms(
        AlarmNames=["kaldrix-test-%s-5xx" % region])["MetricAlarms"][0]
    out.append("alarm:%s=%s" % (region, a["StateValue"]))
print(" ".join(out))
