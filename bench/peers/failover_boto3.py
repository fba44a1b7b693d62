"""Peer of bench/runbooks/failover.kdx: one boto3 process doing the same AWS operations in
the same order as kdx sends them (stop condition read, snapshots, the two scale-ups, stop
condition read, weights snapshot, the change, its status), sequentially.
Uses AWS_ENDPOINT_URL and the AWS_* credentials from the environment. Usage: failover_boto3.py [ZONE [ENV]]"""
import sys
import time

import boto3

zone = sys.argv[1] if len(sys.argv) > 1 else "kaldrix.test"
env = sys.argv[2] if len(sys.argv) > 2 else "test"
SCALE = ("us-west-2", "eu-west-1")
WEIGHTS = (("us-east-1", 0), ("us-west-2", 60), ("eu-west-1", 40))
cw = boto3.client("cloudwatch", region_name="us-west-2")
asg = {r: boto3.client("autoscaling", region_name=r) for r in SCALE}
r53 = boto3.client("route53")


def stop_condition():
    name = "kaldrix-%s-us-west-2-5xx" % env
    if cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"] == "ALARM":
        sys.exit("stop condition %s is ALARM" % name)


stop_condition()
for r in SCALE:
    asg[r].describe_auto_scaling_groups(AutoScalingGroupNames=["kaldrix-%s-%s" % (env, r)])
for r in SCALE:
    asg[r].update_auto_scaling_group(AutoScalingGroupName="kaldrix-%s-%s" % (env, r),
                                     MaxSize=100, DesiredCapacity=2)
stop_condition()
zid = r53.list_hosted_zones_by_name(DNSName=zone + ".")["HostedZones"][0]["Id"]
r53.list_resource_record_sets(HostedZoneId=zid)
zid = r53.list_hosted_zones_by_name(DNSName=zone + ".")["HostedZones"][0]["Id"]
changes = [{"Action": "UPSERT", "ResourceRecordSet": {
    "Name": "api.%s." % zone, "Type": "CNAME", "SetIdentifier": r, "Weight": w, "TTL": 60,
    "ResourceRecords": [{"Value": "api-%s.%s" % (r, zone)}]}} for r, w in WEIGHTS]
cid = r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={
    "Comment": "kdx: set weights of api.%s." % zone, "Changes": changes})["ChangeInfo"]["Id"]
while r53.get_change(Id=cid)["ChangeInfo"]["Status"] != "INSYNC":
    time.sleep(2)
