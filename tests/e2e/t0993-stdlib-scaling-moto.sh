#!/usr/bin/env bash
# aws/aurora add_reader / remove_reader and aws/ecs scale_to_peak / peak_tasks on moto_server
# (tests/e2e/runbooks/stdlib-moto-scaling.kdx), in an ungraceful run. boto3 reads the Aurora
# cluster, every DB instance and every ECS service complete before, after the apply (only
# the two new readers, the cluster's member list and two desired counts differ: web to
# ceil(50 % of east's peak 9) = 5, api to east's desired count 2, it having no datapoints)
# and after `kdx rollback` (nothing differs: exactly the added readers were deleted). The
# run's journal and report say which mode ran; add_reader refuses an instance that exists.
# identical-world: stdlib-moto-scaling.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
W="$KDX_REPO/tests/e2e/world.py"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-scaling.kdx" .
python3 "$RB/stdlib_moto_scaling.py" || fail "setup"
python3 "$W" dump rds rdsinstances ecs >before.json || fail "read before"
"$KDX" apply -auto-approve -mode ungraceful stdlib-moto-scaling.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
assert_contains "$(head -1 apply.out)" "ungraceful mode"
python3 "$W" dump rds rdsinstances ecs >after.json || fail "read after"
python3 "$W" diff before.json after.json >diff.out
assert_eq "$(sed 's/: .*//' diff.out | tr '\n' ' ')" \
	"ecs/us-west-2 arn:aws:ecs:us-west-2:123456789012:service/kaldrix/api/desiredCount ecs/us-west-2 arn:aws:ecs:us-west-2:123456789012:service/kaldrix/web/desiredCount rds/us-west-2 kaldrix-west/DBClusterMembers rdsinstances/us-west-2 kaldrix-west-2 rdsinstances/us-west-2 kaldrix-west-3 " \
	"what the apply changed"
assert_contains "$(cat diff.out)" "service/kaldrix/api/desiredCount: 1 -> 2"
assert_contains "$(cat diff.out)" "service/kaldrix/web/desiredCount: 1 -> 5"
assert_eq "$(python3 -c 'import json; d=json.load(open("after.json"))["rdsinstances"]; print(*[(d[k]["DBInstanceClass"], d[k]["DBClusterIdentifier"]) for k in ("us-west-2 kaldrix-west-2", "us-west-2 kaldrix-west-3")])')" \
	"('db.r6g.large', 'kaldrix-west') ('db.r6g.xlarge', 'kaldrix-west')" "the new readers"
"$KDX" rollback stdlib-moto-scaling.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
python3 "$W" dump rds rdsinstances ecs >back.json || fail "read after rollback"
assert_eq "$(python3 "$W" diff before.json back.json)" "" "the world after the rollback"
"$KDX" report -format json stdlib-moto-scaling.kdx >report.json 2>&1 || fail "report: $(cat report.json)"
assert_eq "$(python3 -c 'import json; print(json.load(open("report.json"))["mode"])')" "ungraceful" "the report's mode"
# an instance that exists is never adopted: the step fails before anything is sent
sed 's/add_reader(db, "kaldrix-west-2"/add_reader(db, "kaldrix-west-1"/' stdlib-moto-scaling.kdx >taken.kdx
"$KDX" apply -auto-approve -state-dir taken-state taken.kdx >taken.out 2>&1 && fail "add_reader adopted an existing instance"
assert_contains "$(cat taken.out)" "'kaldrix-west-1' is already an instance of cluster 'kaldrix-west'"
python3 "$W" dump rdsinstances >still.json || fail "read at the end"
assert_eq "$(python3 -c 'import json; print(sorted(json.load(open("still.json"))["rdsinstances"]))')" \
	"['us-west-2 kaldrix-west-1']" "the instances after the refused add"
echo ok
