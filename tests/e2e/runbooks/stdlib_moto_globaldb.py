"""Set up moto for t0992: a DocumentDB global cluster kaldrix-docs (docs-east in us-east-1
the writer, docs-west in us-west-2) and a Neptune global database kaldrix-graph (graph-east,
graph-west). moto serves the docdb and neptune APIs from its RDS backend (they are the RDS
query API, signing name rds), so they are made here with the rds client; each east cluster
has two security groups for fence_writes to replace. Replication lag datapoints: docs-west
800 ms (AWS/DocDB GlobalClusterReplicationLag), graph-west 1200 ms (AWS/Neptune
GlobalDbProgressLag)."""
import datetime

import boto3

e = boto3.client("rds", region_name="us-east-1")
w = boto3.client("rds", region_name="us-west-2")
common = dict(Engine="aurora-postgresql", EngineVersion="15.4")
for g in ("docs", "graph"):
    e.create_global_cluster(GlobalClusterIdentifier="kaldrix-" + g, **common)
    e.create_db_cluster(DBClusterIdentifier=g + "-east", GlobalClusterIdentifier="kaldrix-" + g,
                        MasterUsername="kdx", MasterUserPassword="not-a-secret-1",
                        VpcSecurityGroupIds=["sg-%s-app" % g, "sg-%s-admin" % g], **common)
    w.create_db_cluster(DBClusterIdentifier=g + "-west", GlobalClusterIdentifier="kaldrix-" + g,
                        VpcSecurityGroupIds=["sg-%s-app-west" % g], **common)
now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
cw = boto3.client("cloudwatch", region_name="us-west-2")
for ns, metric, cid, val in (("AWS/DocDB", "GlobalClusterReplicationLag", "docs-west", 800),
                             ("AWS/Neptune", "GlobalDbProgressLag", "graph-west", 1200)):
    cw.put_metric_data(Namespace=ns, MetricData=[{
        "MetricName": metric, "Value": val, "Unit": "Milliseconds", "Timestamp": now,
        "Dimensions": [{"Name": "DBClusterIdentifier", "Value": cid}]}])
