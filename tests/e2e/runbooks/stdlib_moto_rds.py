"""Set up moto for t0654's RDS part: global cluster kaldrix-db with its writer kaldrix-west
(us-west-2) and reader kaldrix-east (us-east-1); cluster parameter groups for fencing; a
cross-region replica cluster kaldrix-rep-east of kaldrix-west; a DB instance kaldrix-reports
(us-east-1) with a read replica kaldrix-reports-west (us-west-2); replication lag datapoints
(AuroraGlobalDBReplicationLag, 800 ms at most) for kaldrix-east and kaldrix-rep-east. moto keeps a global cluster in the
region it was created in and detaches only members of that region (RemoveFromGlobalCluster),
so the detached member is the one in us-east-1."""
import datetime

import boto3

e = boto3.client("rds", region_name="us-east-1")
w = boto3.client("rds", region_name="us-west-2")
ACCT = "arn:aws:rds:%s:123456789012:cluster:%s"
common = dict(Engine="aurora-postgresql", EngineVersion="15.4")
e.create_global_cluster(GlobalClusterIdentifier="kaldrix-db", **common)
for c, region in ((w, "west"), (e, "east")):
    c.create_db_cluster_parameter_group(DBClusterParameterGroupName="kaldrix-%s-pg" % region,
                                        DBParameterGroupFamily="aurora-postgresql15",
                                        Description="kdx fencing")
w.create_db_cluster(DBClusterIdentifier="kaldrix-west", GlobalClusterIdentifier="kaldrix-db",
                    MasterUsername="kdx", MasterUserPassword="not-a-secret-1",
                    DBClusterParameterGroupName="kaldrix-west-pg", **common)
e.create_db_cluster(DBClusterIdentifier="kaldrix-east", GlobalClusterIdentifier="kaldrix-db",
                    DBClusterParameterGroupName="kaldrix-east-pg", **common)
e.create_db_cluster(DBClusterIdentifier="kaldrix-rep-east", MasterUsername="kdx",
                    MasterUserPassword="not-a-secret-1",
                    ReplicationSourceIdentifier=ACCT % ("us-west-2", "kaldrix-west"), **common)
e.create_db_instance(DBInstanceIdentifier="kaldrix-reports", DBInstanceClass="db.t3.medium",
                     Engine="postgres", MasterUsername="kdx", MasterUserPassword="not-a-secret-1",
                     AllocatedStorage=20)
w.create_db_instance_read_replica(DBInstanceIdentifier="kaldrix-reports-west",
                                  SourceDBInstanceIdentifier="arn:aws:rds:us-east-1:123456789012:db:kaldrix-reports",
                                  DBInstanceClass="db.t3.medium")
now = datetime.datetime.now(datetime.timezone.utc)
boto3.client("cloudwatch", region_name="us-east-1").put_metric_data(Namespace="AWS/RDS", MetricData=[
    {"MetricName": "AuroraGlobalDBReplicationLag", "Value": v, "Unit": "Milliseconds",
     "Timestamp": now - datetime.timedelta(seconds=s),
     "Dimensions": [{"Name": "DBClusterIdentifier", "Value": c}]}
    for v, s in ((500, 90), (800, 30)) for c in ("kaldrix-east", "kaldrix-rep-east")])
