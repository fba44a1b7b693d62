#!/usr/bin/env python3
"""Create in moto what a `bench/gen_runbook.py --plannable -l LANES` runbook reads, so that
`kdx plan -out` can save a plan of it (bench/planfile_rss.sh): the zone example.com. with
api1..api{LANES-1} as weighted records 70/20/10 (SetIdentifier = region), the Auto Scaling
groups web-REGION, the topic ops, and per lane k a global cluster dbk with one cluster per
region (dbk-REGION), its parameter group of the same name and a replication lag metric of
120 ms every minute for the next two hours, so every lag gate holds.
Usage: plan_world.py LANES [--lag-only] (AWS_ENDPOINT_URL set)."""
import datetime
import sys

import boto3
from botocore.config import Config

PLAIN = Config(disable_request_compression=True)

REGIONS = (("us-east-1", 70), ("us-west-2", 20), ("eu-west-1", 10))
lanes = int(sys.argv[1])
c = boto3.client


def lag(region, name):
    """A lag of 120 ms every minute from now for two hours: rds.replication_lag reads the
    last 5 minutes, and a plan of 10,000 steps, then its check and its run, take longer."""
    now = datetime.datetime.now(datetime.timezone.utc)
    for start in (0, 60):
        # uncompressed: moto 5 cannot read botocore's gzip-compressed large bodies
        c("cloudwatch", region_name=region, config=PLAIN).put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "AuroraGlobalDBReplicationLag", "Value": 120.0, "Unit": "Milliseconds",
            "Timestamp": now + datetime.timedelta(minutes=start + m),
            "Dimensions": [{"Name": "DBClusterIdentifier", "Value": name}]} for m in range(60)])


if len(sys.argv) > 2 and sys.argv[2] == "--lag-only":  # the lag metrics again, later
    for k in range(1, lanes):
        for r, _ in REGIONS:
            lag(r, "db%d-%s" % (k, r))
    sys.exit(0)
r53 = c("route53")
zid = r53.create_hosted_zone(Name="example.com.", CallerReference="kdx-bench")["HostedZone"]["Id"]
for k in range(1, lanes):
    r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "api%d.example.com." % k, "Type": "CNAME", "SetIdentifier": r, "Weight": w,
            "TTL": 60, "ResourceRecords": [{"Value": "api-%s.example.com" % r}]}}
        for r, w in REGIONS]})
for r, _ in REGIONS:
    asg = c("autoscaling", region_name=r)
    asg.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName="web-" + r, LaunchConfigurationName="lc",
                                  MinSize=0, MaxSize=20, DesiredCapacity=0,
                                  AvailabilityZones=[r + "a"])
c("sns").create_topic(Name="ops")
for k in range(1, lanes):
    c("rds").create_global_cluster(GlobalClusterIdentifier="db%d" % k, Engine="aurora-postgresql",
                                   EngineVersion="15.4")
    for i, (r, _) in enumerate(REGIONS):
        name = "db%d-%s" % (k, r)
        kw = {"MasterUsername": "bench", "MasterUserPassword": "not-a-secret-1"} if i == 0 else {}
        rds = c("rds", region_name=r)
        rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql",
                              EngineVersion="15.4", GlobalClusterIdentifier="db%d" % k, **kw)
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=name,
                                              DBParameterGroupFamily="aurora-postgresql15",
                                              Description="kdx fence")
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=[{
            "ParameterName": "default_transaction_read_only", "ParameterValue": "off",
            "ApplyMethod": "immediate"}])
        lag(r, name)
