#!/usr/bin/env python3
"""Capture real AWS response bodies from a moto_server for the unit tests' fixtures.

Usage: capture_fixtures.py ENDPOINT_URL OUTDIR

Each fixture is written as OUTDIR/<name>.http: "HTTP <status>", the response headers that
the parsers read, a blank line, the body exactly as received. Rerun only when a fixture
must change; review what it wrote.
"""
import os
import sys

import boto3
import botocore.exceptions

KEEP = {"content-type", "x-amzn-requestid", "x-amz-request-id", "x-amzn-errortype",
        "x-amzn-query-error", "etag", "x-amz-version-id", "content-length", "location"}


def client(svc, url):
    return boto3.client(svc, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def capture(outdir, name, c, fn):
    got = {}

    def grab(http_response, **kw):
        got["r"] = http_response

    c.meta.events.register("before-parse", lambda **kw: None)
    c.meta.events.register("after-call", lambda http_response, **kw: grab(http_response))
    c.meta.events.register("after-call-error", lambda **kw: None)
    c.meta.events.register("needs-retry", lambda response, **kw: got.__setitem__(
        "raw", response[0] if response else None))
    try:
        fn(c)
    except botocore.exceptions.ClientError:
        pass
    r = got.get("raw") or got.get("r")
    headers = "".join(f"{k}: {v}\n" for k, v in r.headers.items() if k.lower() in KEEP)
    with open(os.path.join(outdir, name + ".http"), "wb") as f:
        f.write(f"HTTP {r.status_code}\n{headers}\n".encode() + r.content)
    print(name, r.status_code, len(r.content))


def main():
    url, out = sys.argv[1], sys.argv[2]
    sns, rds, ec2 = client("sns", url), client("rds", url), client("ec2", url)
    r53, s3, ddb = client("route53", url), client("s3", url), client("dynamodb", url)
    cw, eks, sts = client("cloudwatch", url), client("eks", url), client("sts", url)
    sns.create_topic(Name="alerts")
    capture(out, "query-sns-list-topics", sns, lambda c: c.list_topics())
    capture(out, "query-sns-get-topic-attributes", sns, lambda c: c.get_topic_attributes(
        TopicArn="arn:aws:sns:us-east-1:123456789012:alerts"))
    capture(out, "query-sns-error", sns, lambda c: c.get_topic_attributes(
        TopicArn="arn:aws:sns:us-east-1:123456789012:nope"))
    rds.create_db_cluster(DBClusterIdentifier="kdx-db", Engine="aurora-postgresql",
                          MasterUsername="admin", MasterUserPassword="password123")
    capture(out, "query-rds-describe-db-clusters", rds, lambda c: c.describe_db_clusters())
    capture(out, "query-rds-error", rds, lambda c: c.describe_db_clusters(
        DBClusterIdentifier="missing"))
    capture(out, "ec2-describe-regions", ec2, lambda c: c.describe_regions(
        RegionNames=["us-east-1", "us-west-2"]))
    capture(out, "ec2-error", ec2, lambda c: c.describe_instances(InstanceIds=["i-0123456789abcdef0"]))
    zone = r53.create_hosted_zone(Name="example.com.", CallerReference="r1")["HostedZone"]["Id"]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {
            "Name": "api.example.com.", "Type": "A", "SetIdentifier": region, "Weight": w,
            "TTL": 60, "ResourceRecords": [{"Value": ip}]}}
        for region, w, ip in (("us-east-1", 70, "10.0.0.1"), ("us-west-2", 30, "10.1.0.1"))]})
    capture(out, "restxml-route53-list-rrsets", r53,
            lambda c: c.list_resource_record_sets(HostedZoneId=zone))
    capture(out, "restxml-route53-error", r53, lambda c: c.change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": {
            "Name": "nope.example.com.", "Type": "A", "TTL": 60,
            "ResourceRecords": [{"Value": "10.9.9.9"}]}}]}))
    s3.create_bucket(Bucket="kdx-fixtures")
    s3.put_object(Bucket="kdx-fixtures", Key="a.txt", Body=b"hello")
    capture(out, "restxml-s3-list-objects-v2", s3,
            lambda c: c.list_objects_v2(Bucket="kdx-fixtures"))
    capture(out, "restxml-s3-error", s3, lambda c: c.get_object(Bucket="kdx-fixtures", Key="nope"))
    ddb.create_table(TableName="kdx", BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    capture(out, "json-dynamodb-describe-table", ddb, lambda c: c.describe_table(TableName="kdx"))
    capture(out, "json-dynamodb-error", ddb, lambda c: c.describe_table(TableName="nope"))
    cw.put_metric_alarm(AlarmName="lag", MetricName="ReplicaLag", Namespace="AWS/RDS",
                        Statistic="Maximum", Period=60, EvaluationPeriods=3, Threshold=300.0,
                        ComparisonOperator="GreaterThanThreshold")
    capture(out, "json-cloudwatch-describe-alarms", cw, lambda c: c.describe_alarms())
    capture(out, "json-cloudwatch-error", cw, lambda c: c.set_alarm_state(
        AlarmName="nope", StateValue="ALARM", StateReason="test"))
    eks.create_cluster(name="prod", roleArn="arn:aws:iam::123456789012:role/eks",
                       resourcesVpcConfig={"subnetIds": ["subnet-1"]}, tags={"env": "prod"})
    capture(out, "restjson-eks-describe-cluster", eks, lambda c: c.describe_cluster(name="prod"))
    capture(out, "restjson-eks-error", eks, lambda c: c.describe_cluster(name="nope"))
    capture(out, "query-sts-get-caller-identity", sts, lambda c: c.get_caller_identity())


if __name__ == "__main__":
    main()
