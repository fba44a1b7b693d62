"""Set up moto for t0655: per region (us-east-1 the primary, us-west-2) an Auto Scaling
group kaldrix-REGION (east 4 instances, west 1), an EKS cluster kaldrix with node group ng
(east 4, west 1; the west node group's Auto Scaling group made with 4 instances, since moto
names one but does not create it), an ECS service web (east 4, west 1), a CloudWatch
alarm kaldrix-errors in us-west-2, ECR replication us-east-1 -> us-west-2, and an ElastiCache
replication group kaldrix-west in us-west-2 with a GlobalDatastoreReplicationLag of 2s."""
import datetime

import boto3

for region, n in (("us-east-1", 4), ("us-west-2", 1)):
    ec2 = boto3.client("ec2", region_name=region)
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    asg = boto3.client("autoscaling", region_name=region)
    asg.create_launch_configuration(LaunchConfigurationName="kaldrix", ImageId=ami,
                                    InstanceType="t3.micro")
    zones = [region + "a"]
    asg.create_auto_scaling_group(AutoScalingGroupName="kaldrix-" + region,
                                  LaunchConfigurationName="kaldrix", MinSize=0, MaxSize=10,
                                  DesiredCapacity=n, AvailabilityZones=zones)
    eks = boto3.client("eks", region_name=region)
    eks.create_cluster(name="kaldrix", roleArn="arn:aws:iam::123456789012:role/eks",
                       resourcesVpcConfig={"subnetIds": ["subnet-1"]})
    ng = eks.create_nodegroup(clusterName="kaldrix", nodegroupName="ng", subnets=["subnet-1"],
                              scalingConfig={"minSize": 0, "maxSize": 10, "desiredSize": n},
                              nodeRole="arn:aws:iam::123456789012:role/node")["nodegroup"]
    if region == "us-west-2":
        asg.create_auto_scaling_group(
            AutoScalingGroupName=ng["resources"]["autoScalingGroups"][0]["name"],
            LaunchConfigurationName="kaldrix", MinSize=0, MaxSize=10, DesiredCapacity=4,
            AvailabilityZones=zones)
for region, n in (("us-east-1", 4), ("us-west-2", 1)):
    ecs = boto3.client("ecs", region_name=region)
    ecs.create_cluster(clusterName="kaldrix")
    ecs.register_task_definition(family="web", containerDefinitions=[
        {"name": "web", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster="kaldrix", serviceName="web", taskDefinition="web", desiredCount=n)
boto3.client("cloudwatch", region_name="us-west-2").put_metric_alarm(
    AlarmName="kaldrix-errors", MetricName="5xx", Namespace="kaldrix", Statistic="Sum",
    Period=60, EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanThreshold")
boto3.client("ecr", region_name="us-east-1").put_replication_configuration(
    replicationConfiguration={"rules": [{"destinations": [
        {"region": "us-west-2", "registryId": "123456789012"}],
        "repositoryFilters": [{"filter": "kaldrix", "filterType": "PREFIX_MATCH"}]}]})
boto3.client("elasticache", region_name="us-west-2").create_replication_group(
    ReplicationGroupId="kaldrix-west", ReplicationGroupDescription="kdx",
    Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1)
boto3.client("cloudwatch", region_name="us-west-2").put_metric_data(
    Namespace="AWS/ElastiCache", MetricData=[{
        "MetricName": "GlobalDatastoreReplicationLag", "Value": 2, "Unit": "Seconds",
        "Timestamp": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30),
        "Dimensions": [{"Name": "CacheClusterId", "Value": "kaldrix-west-001"}]}])
