"""Create what failover-lite.kdx touches in moto: the weighted records 70/20/10 (via
setup_route53.py's logic), one Auto Scaling group per region (few instances: moto
launches each one) and one 5xx alarm per region, all OK. Usage: setup_failover.py ZONE [ENV]."""
import sys

import boto3

zone = sys.argv[1] if len(sys.argv) > 1 else "kaldrix.test"
env = sys.argv[2] if len(sys.argv) > 2 else "test"
REGIONS = (("us-east-1", 70, 2), ("us-west-2", 20, 1), ("eu-west-1", 10, 1))
r53 = boto3.client("route53")
zid = r53.create_hosted_zone(Name=zone + ".", CallerReference="kdx-e2e-" + zone)["HostedZone"]["Id"]
changes = []
for region, weight, _ in REGIONS:
    changes.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": "api.%s." % zone, "Type": "CNAME", "SetIdentifier": region, "Weight": weight,
        "TTL": 60, "ResourceRecords": [{"Value": "api-%s.%s" % (region, zone)}]}})
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})
for region, _, desired in REGIONS:
    asg = boto3.client("autoscaling", region_name=region)
    asg.create_launch_configuration(LaunchConfigurationName="kdx-lc", ImageId="ami-12c6146b",
                                    InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName="kaldrix-%s-%s" % (env, region),
                                  LaunchConfigurationName="kdx-lc", MinSize=0, MaxSize=20,
                                  DesiredCapacity=desired, AvailabilityZones=[region + "a"])
    cw = boto3.client("cloudwatch", region_name=region)
    cw.put_metric_alarm(AlarmName="kaldrix-%s-%s-5xx" % (env, region), MetricName="5xx",
                        Namespace="kaldrix", Statistic="Sum", Period=60, EvaluationPeriods=1,
                        Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold")
    cw.set_alarm_state(AlarmName="kaldrix-%s-%s-5xx" % (env, region), StateValue="OK",
                       StateReason="e2e setup")
