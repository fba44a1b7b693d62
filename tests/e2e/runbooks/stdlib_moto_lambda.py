"""Set up moto for t0990: per region (us-east-1 the primary, us-west-2) an SQS queue
orders, a Lambda function consumer and an event source mapping from the queue to the
function with settings the runbook never declares (batch size 7, a batching window of 3 s,
a filter); east's mapping enabled, west's disabled. Prints "REGION UUID" per mapping."""
import io
import json
import zipfile

import boto3

role = boto3.client("iam", region_name="us-east-1").create_role(
    RoleName="consumer", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(e, c):\n    return e\n")
for region, enabled in (("us-east-1", True), ("us-west-2", False)):
    q = boto3.client("sqs", region_name=region).create_queue(QueueName="orders")["QueueUrl"]
    arn = boto3.client("sqs", region_name=region).get_queue_attributes(
        QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam = boto3.client("lambda", region_name=region)
    lam.create_function(FunctionName="consumer", Runtime="python3.11", Role=role,
                        Handler="index.handler", Code={"ZipFile": buf.getvalue()})
    m = lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="consumer", Enabled=enabled, BatchSize=7,
        MaximumBatchingWindowInSeconds=3,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["order"]}})}]})
    print(region, m["UUID"])
