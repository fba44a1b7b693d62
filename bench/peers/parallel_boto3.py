"""Peer of bench/runbooks/parallel.kdx: one boto3 process doing the same AWS operations as
kdx, step after step as a sequential script would: per region, the snapshot of the group's
desired capacity, the scale-up, then the wait (instances InService, desired capacity)
until the instances are all InService.
Uses AWS_ENDPOINT_URL and the AWS_* credentials from the environment. Usage: parallel_boto3.py"""
import time

import boto3

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "us-east-2", "us-west-1", "eu-central-1",
           "ap-southeast-1", "ap-northeast-1")

for region in REGIONS:
    asg = boto3.client("autoscaling", region_name=region)
    name = "bench-fleet-" + region

    def group():
        return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]

    group()["DesiredCapacity"]
    asg.update_auto_scaling_group(AutoScalingGroupName=name, MaxSize=100, DesiredCapacity=2)
    while True:
        in_service = sum(1 for i in group()["Instances"] if i["LifecycleState"] == "InService")
        if in_service >= group()["DesiredCapacity"]:
            break
        time.sleep(10)
