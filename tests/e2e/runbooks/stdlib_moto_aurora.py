"""Set up moto for t0991: an Aurora PostgreSQL cluster kaldrix in us-east-1 (Serverless v2,
2-16 ACUs) and kaldrix-west in us-west-2 (Serverless v2, 0.5-4 ACUs) with a provisioned
instance kaldrix-west-1 (db.r6g.large) and settings the runbooks never declare (backup
retention, deletion protection, tags); east's ServerlessDatabaseCapacity peaked at 5.7 ACUs
in the last hour."""
import datetime

import boto3

for region, cid, lo, hi in (("us-east-1", "kaldrix", 2, 16), ("us-west-2", "kaldrix-west", 0.5, 4)):
    rds = boto3.client("rds", region_name=region)
    rds.create_db_cluster(DBClusterIdentifier=cid, Engine="aurora-postgresql",
                          MasterUsername="kdx", MasterUserPassword="not-a-secret-1",
                          BackupRetentionPeriod=5, DeletionProtection=False,
                          Tags=[{"Key": "team", "Value": "sre"}],
                          ServerlessV2ScalingConfiguration={"MinCapacity": lo, "MaxCapacity": hi})
boto3.client("rds", region_name="us-west-2").create_db_instance(
    DBInstanceIdentifier="kaldrix-west-1", DBClusterIdentifier="kaldrix-west",
    Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
now = datetime.datetime.now(datetime.timezone.utc)
cw = boto3.client("cloudwatch", region_name="us-east-1")
for ago, val in ((50, 3.2), (20, 5.7), (5, 4.1)):
    cw.put_metric_data(Namespace="AWS/RDS", MetricData=[{
        "MetricName": "ServerlessDatabaseCapacity", "Value": val, "Unit": "Count",
        "Timestamp": now - datetime.timedelta(minutes=ago),
        "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "kaldrix"}]}])
