#!/usr/bin/env bash
# stdlib actions moto implements run through `kdx apply` on moto_server and are checked with
# boto3: S3 GetBucketReplication (as a require), ECS UpdateService (percent of full capacity),
# RDS CreateDBInstanceReadReplica (cross-region with SourceRegion: kdx sends the PreSignedUrl, moto accepts it; waits until available), SNS Publish (received by an SQS subscriber), CloudWatch PutMetricData; then
# `kdx rollback` restores the ECS service's desired count.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/stdlib-moto.kdx" .
read -r topic queue < <(python3 "$RB/stdlib_moto_setup.py") || fail "setup"
desired() { python3 -c 'import boto3; print(boto3.client("ecs", region_name="us-west-2").describe_services(cluster="kaldrix", services=["web"])["services"][0]["desiredCount"])'; }
assert_eq "$(desired)" 1 "starting desired count"
# the dry run shows the replica's PreSignedUrl (for the source Region) without its signature
"$KDX" apply -dry-run -var "topic_arn=$topic" stdlib-moto.kdx >dry.out 2>&1 || fail "dry run: $(cat dry.out)"
assert_contains "$(cat dry.out)" "&PreSignedUrl=http%3A%2F%2F127.0.0.1%3A$MOTO_PORT%2F%3FAction%3DCreateDBInstanceReadReplica"
assert_contains "$(cat dry.out)" "DestinationRegion%3Dus-west-2"
assert_contains "$(cat dry.out)" "X-Amz-Signature%3D<redacted>"
grep -q 'SourceRegion=' dry.out && fail "SourceRegion was left in the body: $(cat dry.out)"
"$KDX" apply -auto-approve -approve replica -var "topic_arn=$topic" stdlib-moto.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
assert_eq "$(desired)" 4 "desired count after apply (100% of full_capacity 4)"
src=$(python3 -c 'import boto3; print(boto3.client("rds", region_name="us-west-2").describe_db_instances(DBInstanceIdentifier="kaldrix-reports-west")["DBInstances"][0].get("ReadReplicaSourceDBInstanceIdentifier", ""))')
assert_contains "$src" "kaldrix-reports" "the cross-region replica's source"
msg=$(python3 -c 'import boto3,json,sys; m=boto3.client("sqs", region_name="us-east-1").receive_message(QueueUrl=sys.argv[1], WaitTimeSeconds=1).get("Messages",[]); b=json.loads(m[0]["Body"]) if m else {}; a=b.get("MessageAttributes",{}); print(b.get("Message",""), a.get("kdx.step",{}).get("Value"), a.get("kdx.run",{}).get("Value"))' "$queue")
# the message carries its step and run (issue #20.9), so a receiver can drop a repeat
run=$(sed -n 's/.*"token":"kdx-\([0-9a-f]*\)-.*/\1/p' .kdx/*.jsonl | head -1)
[ -n "$run" ] || fail "no run id in the journal"
assert_eq "$msg" "scaled web in us-west-2 notify $run" "the SNS message the subscriber got"
# a notification is a journalled change: an intent before, its result after
grep -q '"step":"notify"' .kdx/*.jsonl || fail "the notify step is not in the journal"
n=$(python3 -c 'import boto3; print(len(boto3.client("cloudwatch", region_name="us-east-1").list_metrics(Namespace="kdx/test", MetricName="failover_steps")["Metrics"]))')
assert_eq "$n" 1 "metrics in kdx/test"
rc=0
"$KDX" rollback stdlib-moto.kdx >rb.out 2>&1 || rc=$?
# its irreversible steps stay done: the rollback is incomplete (exit 4) and says what
# is still in place, never rolled_back
assert_eq "$rc" 4 "rollback exit status: $(cat rb.out)"
assert_contains "$(cat rb.out)" "STILL IN PLACE"
assert_eq "$(desired)" 1 "desired count after rollback"
echo ok
