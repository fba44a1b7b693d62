#!/usr/bin/env bash
# aws/docdb and aws/neptune. On moto_server (which serves both APIs from its RDS backend):
# fence_writes replaces the east clusters' security groups, the lag gates pass, and boto3
# reads every cluster and global cluster complete before, after the apply (only the two
# fenced clusters' VpcSecurityGroups differ) and after `kdx rollback` (nothing differs).
# moto has no SwitchoverGlobalCluster / FailoverGlobalCluster: `kdx apply -dry-run -mode
# graceful` must send exactly the two switchovers, `-mode ungraceful` the two fences and the
# two failovers, each compared with botocore's request; and a failover without its fence
# or lag gate is refused by `kdx check` (the fencing and rpo analyses).
# identical-world: stdlib-moto-globaldb.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-globaldb.kdx" .
python3 "$RB/stdlib_moto_globaldb.py" || fail "setup"
python3 "$KDX_REPO/tests/e2e/world.py" dump rds >before.json || fail "read before"
"$KDX" apply -auto-approve stdlib-moto-globaldb.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
python3 "$KDX_REPO/tests/e2e/world.py" dump rds >after.json || fail "read after"
python3 "$KDX_REPO/tests/e2e/world.py" diff before.json after.json >diff.out
assert_eq "$(cut -d: -f1 diff.out | sort -u | tr '\n' ' ')" \
	"rds/us-east-1 docs-east/VpcSecurityGroups rds/us-east-1 graph-east/VpcSecurityGroups " "what the apply changed"
assert_eq "$(python3 -c 'import json; d=json.load(open("after.json"))["rds"]; print([g["VpcSecurityGroupId"] for c in ("docs","graph") for g in d["us-east-1 %s-east" % c]["VpcSecurityGroups"]])')" \
	"['sg-fence-docs', 'sg-fence-graph']" "the fences"
"$KDX" rollback stdlib-moto-globaldb.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
python3 "$KDX_REPO/tests/e2e/world.py" dump rds >back.json || fail "read after rollback"
assert_eq "$(python3 "$KDX_REPO/tests/e2e/world.py" diff before.json back.json)" "" "the world after the rollback"
# a cluster that does not exist fails the plan (the fence's snapshot reads it), naming the call
sed 's/"us-east-1" = "docs-east"/"us-east-1" = "docs-eats"/' stdlib-moto-globaldb.kdx >typo.kdx
"$KDX" plan typo.kdx >typo.out 2>&1 && fail "a plan of a missing cluster succeeded"
assert_contains "$(cat typo.out)" "DescribeDBClusters"

# graceful: two switchovers, nothing else; ungraceful: fences, gates, failovers
MO="$RB/stdlib-model-only-globaldb.kdx"
W=arn:aws:rds:us-west-2:123456789012:cluster
for mode in graceful ungraceful; do
	"$KDX" apply -dry-run -auto-approve -mode $mode "$MO" >$mode.out 2>&1 || fail "dry run $mode: $(cat $mode.out)"
	assert_contains "$(head -1 $mode.out)" "$mode mode"
done
cat >graceful.json <<JSON
[["docdb", "SwitchoverGlobalCluster", {"GlobalClusterIdentifier": "kaldrix-docs", "TargetDbClusterIdentifier": "$W:docs-west"}],
 ["neptune", "SwitchoverGlobalCluster", {"GlobalClusterIdentifier": "kaldrix-graph", "TargetDbClusterIdentifier": "$W:graph-west"}]]
JSON
cat >ungraceful.json <<JSON
[["docdb", "ModifyDBCluster", {"DBClusterIdentifier": "docs-east", "VpcSecurityGroupIds": ["sg-fence-docs"], "ApplyImmediately": true}],
 ["neptune", "ModifyDBCluster", {"DBClusterIdentifier": "graph-east", "VpcSecurityGroupIds": ["sg-fence-graph"], "ApplyImmediately": true}],
 ["docdb", "FailoverGlobalCluster", {"GlobalClusterIdentifier": "kaldrix-docs", "TargetDbClusterIdentifier": "$W:docs-west", "AllowDataLoss": true}],
 ["neptune", "FailoverGlobalCluster", {"GlobalClusterIdentifier": "kaldrix-graph", "TargetDbClusterIdentifier": "$W:graph-west", "AllowDataLoss": true}]]
JSON
for mode in graceful ungraceful; do
	python3 "$KDX_REPO/tests/e2e/dryrun_compare.py" $mode.out $mode.json "$MOTO_URL" >cmp-$mode.out ||
		fail "$mode requests differ from botocore's: $(cat cmp-$mode.out)"
done
# the comparison can fail: the graceful run's requests are not the ungraceful run's
python3 "$KDX_REPO/tests/e2e/dryrun_compare.py" graceful.out ungraceful.json "$MOTO_URL" >/dev/null &&
	fail "the comparison accepted other requests"
"$KDX" apply -dry-run -auto-approve -mode sideways "$MO" >bad.out 2>&1 && fail "-mode sideways accepted"
assert_contains "$(cat bad.out)" "-mode takes graceful or ungraceful"
"$KDX" plan -mode ungraceful "$MO" >plan.out 2>&1 || fail "plan: $(cat plan.out)"
assert_contains "$(cat plan.out)" "mode ungraceful"
"$KDX" plan -json -mode graceful "$MO" >plan.json 2>/dev/null || fail "plan -json"
assert_eq "$(python3 -c 'import json,sys; print(json.load(open("plan.json"))["mode"])')" "graceful" "the plan document's mode"
"$KDX" simulate -mode ungraceful "$MO" >sim.out 2>&1 || fail "simulate: $(cat sim.out)"
assert_contains "$(head -1 sim.out)" "ungraceful mode"
assert_contains "$(cat sim.out)" "fail_docs"

# a failover without its fence and lag gate is unsafe; the runbook with them passes
"$KDX" check -var mode=ungraceful "$MO" >ok.out 2>&1 || fail "check ungraceful: $(cat ok.out)"
sed -e '/do docdb.fence_writes/d' -e '/require docdb.replication_lag/d' "$MO" >nofence.kdx
"$KDX" check -var mode=ungraceful nofence.kdx >nofence.out 2>&1 && fail "a failover without fence passed"
assert_contains "$(cat nofence.out)" "step 'fail_docs' promotes 'docs' in 'us-west-2' while 'us-east-1' may still take writes"
assert_contains "$(cat nofence.out)" "step 'fail_docs' promotes 'docs' in 'us-west-2' without a lag gate"
assert_contains "$(cat nofence.out)" "docdb.replication_lag(docs"
echo ok
