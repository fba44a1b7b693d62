"""Set up moto for t0993: the Aurora cluster kaldrix-west (us-west-2) with its writer
kaldrix-west-1; ECS clusters kaldrix in both regions with services web (east 4 tasks, west 1)
and api (east 2, west 1); RunningTaskCount datapoints (ECS/ContainerInsights) for east's
web only: 6 and 9 in the last hour, so its peak is 9 and api's is its desired count."""
import datetime

import boto3

w = boto3.client("rds", region_name="us-west-2")
w.create_db_cluster(DBClusterIdentifier="kaldrix-west", Engine="aurora-postgresql", EngineVersion="15.4",
                    MasterUsername="kdx", MasterUserPassword="not-a-secret-1")
w.create_db_instance(DBInstanceIdentifier="kaldrix-west-1", DBInstanceClass="db.r6g.large",
                     Engine="aurora-postgresql", DBClusterIdentifier="kaldrix-west")
for region, web, api in (("us-east-1", 4, 2), ("us-west-2", 1, 1)):
    ecs = boto3.client("ecs", region_name=region)
    ecs.create_cluster(clusterName="kaldrix")
    ecs.register_task_definition(family="app", containerDefinitions=[
        {"name": "app", "image": "nginx", "memory": 128}])
    for name, n in (("web", web), ("api", api)):
        ecs.create_service(cluster="kaldrix", serviceName=name, taskDefinition="app", desiredCount=n)
now = datetime.datetime.now(datetime.timezone.utc)
boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(
    Namespace="ECS/ContainerInsights", MetricData=[
        {"MetricName": "RunningTaskCount", "Value": v, "Unit": "Count",
         "Timestamp": now - datetime.timedelta(minutes=m),
         "Dimensions": [{"Name": "ClusterName", "Value": "kaldrix"}, {"Name": "ServiceName", "Value": "web"}]}
        for v, m in ((6, 20), (9, 10))])
