#!/usr/bin/env bash
# Every aws/rds action moto implements runs through `kdx apply` on moto_server
# (tests/e2e/runbooks/stdlib-moto-rds.kdx): status and writer reads, a lag gate on
# AuroraGlobalDBReplicationLag from CloudWatch, fencing through the cluster parameter group,
# RemoveFromGlobalCluster, PromoteReadReplicaDBCluster and PromoteReadReplica (instance); boto3
# checks each, and `kdx rollback` lifts the fence. (create_read_replica: t0651.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-rds.kdx" .
python3 "$RB/stdlib_moto_rds.py" || fail "setup"
py() { python3 -c "import boto3; e = boto3.client('rds', region_name='us-east-1'); w = boto3.client('rds', region_name='us-west-2')
$1"; }
fenced() { py "print([p['ParameterValue'] for p in w.describe_db_cluster_parameters(DBClusterParameterGroupName='kaldrix-west-pg')['Parameters'] if p['ParameterName'] == 'default_transaction_read_only'])"; }
members() { py "print(' '.join(m['DBClusterArn'].split(':')[-1] for m in e.describe_global_clusters(GlobalClusterIdentifier='kaldrix-db')['GlobalClusters'][0]['GlobalClusterMembers']))"; }
# moto keeps ReadReplicaSourceDBInstanceIdentifier after a promotion, but refuses to stop a
# replica: whether StopDBInstance works tells a promoted instance from a replica
stops() { py "
try:
    w.stop_db_instance(DBInstanceIdentifier='kaldrix-reports-west'); print('stopped')
except w.exceptions.ClientError as x:
    print(x.response['Error']['Code'])"; }
assert_eq "$(members)" "kaldrix-west kaldrix-east" "members before"
[ "$(stops)" != stopped ] || fail "moto stopped a read replica: the promotion check below proves nothing"
assert_eq "$(py "print(e.describe_db_clusters(DBClusterIdentifier='kaldrix-rep-east')['DBClusters'][0].get('ReplicationSourceIdentifier'))")" \
	"arn:aws:rds:us-west-2:123456789012:cluster:kaldrix-west" "replica cluster's source before"
# the gate can fail: with a lag above the bound the step fails before sending anything
sed -n '1,/^step look/p' stdlib-moto-rds.kdx | sed '$d' >tight.kdx
cat >>tight.kdx <<'KDX'
step gate {
  require rds.replication_lag(db, "us-east-1") <= 100ms
  do rds.fence_writes(db, "us-west-2")
}
KDX
"$KDX" apply -auto-approve tight.kdx >tight.out 2>&1 && fail "a lag of 800ms passed a 100ms gate: $(cat tight.out)"
assert_contains "$(cat tight.out)" "precondition failed: require rds.replication_lag(db, \"us-east-1\") <= 100ms"
assert_eq "$(fenced)" "[]" "the parameter group after the failed gate"
"$KDX" apply -auto-approve -approve detach -approve promote_rep -approve promote_reports stdlib-moto-rds.kdx >apply.out 2>&1 ||
	fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
assert_eq "$(fenced)" "['on']" "the old writer's parameter group after the fence"
assert_eq "$(members)" "kaldrix-west" "members after the detach"
assert_eq "$(py "print(e.describe_db_clusters(DBClusterIdentifier='kaldrix-rep-east')['DBClusters'][0].get('ReplicationSourceIdentifier'))")" \
	"None" "replica cluster's source after the promotion"
assert_eq "$(stops)" "stopped" "the promoted instance can be stopped"
rc=0
"$KDX" rollback stdlib-moto-rds.kdx >rb.out 2>&1 || rc=$?
# its irreversible steps stay done: the rollback is incomplete (exit 4) and says what
# is still in place, never rolled_back
assert_eq "$rc" 4 "rollback exit status: $(cat rb.out)"
assert_contains "$(cat rb.out)" "STILL IN PLACE"
assert_eq "$(fenced)" "['off']" "the parameter group after rollback"
echo ok
