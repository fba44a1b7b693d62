"""Print, as one JSON document, the complete state boto3 reads of t0991's world: both
clusters (DescribeDBClusters) and west's instance (DescribeDBInstances), without
ResponseMetadata."""
import json

import boto3

out = {}
for region, cid in (("us-east-1", "kaldrix"), ("us-west-2", "kaldrix-west")):
    out[cid] = boto3.client("rds", region_name=region).describe_db_clusters(
        DBClusterIdentifier=cid)["DBClusters"][0]
out["kaldrix-west-1"] = boto3.client("rds", region_name="us-west-2").describe_db_instances(
    DBInstanceIdentifier="kaldrix-west-1")["DBInstances"][0]
print(json.dumps(out, sort_keys=True, default=str))
