"""Create what bench/runbooks/parallel.kdx scales in moto: one Auto Scaling group
"bench-fleet-REGION" per region, one instance each (moto launches it).
Usage: setup_parallel.py"""
import boto3

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "us-east-2", "us-west-1", "eu-central-1",
           "ap-southeast-1", "ap-northeast-1")
for region in REGIONS:
    asg = boto3.client("autoscaling", region_name=region)
    asg.create_launch_configuration(LaunchConfigurationName="kdx-bench-lc",
                                    ImageId="ami-12c6146b", InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName="bench-fleet-" + region,
                                  LaunchConfigurationName="kdx-bench-lc", MinSize=0, MaxSize=20,
                                  DesiredCapacity=1, AvailabilityZones=[region + "a"])
