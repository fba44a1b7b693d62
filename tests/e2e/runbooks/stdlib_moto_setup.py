"""Set up moto for t0651: an ECS service (desired 1) in us-west-2, a replicated S3 bucket
and an SNS topic with an SQS subscriber in us-east-1. Prints the topic ARN and queue URL."""
import json
import boto3

ecs = boto3.client("ecs", region_name="us-west-2")
ecs.create_cluster(clusterName="kaldrix")
ecs.register_task_definition(family="web", containerDefinitions=[
    {"name": "web", "image": "nginx", "memory": 128}])
ecs.create_service(cluster="kaldrix", serviceName="web", taskDefinition="web", desiredCount=1)
s3 = boto3.client("s3", region_name="us-east-1")
for b in ("kaldrix-assets", "kaldrix-assets-replica"):
    s3.create_bucket(Bucket=b)
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
s3.put_bucket_replication(Bucket="kaldrix-assets", ReplicationConfiguration={
    "Role": "arn:aws:iam::123456789012:role/replication",
    "Rules": [{"ID": "all", "Status": "Enabled", "Priority": 1, "Filter": {},
               "DeleteMarkerReplication": {"Status": "Disabled"},
               "Destination": {"Bucket": "arn:aws:s3:::kaldrix-assets-replica"}}]})
sns = boto3.client("sns", region_name="us-east-1")
sqs = boto3.client("sqs", region_name="us-east-1")
arn = sns.create_topic(Name="ops")["TopicArn"]
q = sqs.create_queue(QueueName="ops")["QueueUrl"]
qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn)
rds = boto3.client("rds", region_name="us-east-1")
rds.create_db_instance(DBInstanceIdentifier="kaldrix-reports", DBInstanceClass="db.t3.medium",
                       Engine="postgres", MasterUsername="kdx", MasterUserPassword="not-a-secret-1",
                       AllocatedStorage=20)
print(arn, q)
