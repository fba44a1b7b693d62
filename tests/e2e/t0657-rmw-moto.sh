#!/usr/bin/env bash
# Read-modify-write (issue #14.1-3), judged by boto3 on moto against resources with fields no
# runbook declares (tests/e2e/runbooks/rmw_setup.py):
# - route53.set_weights on a weighted record declared only by zone and name, whose record
#   sets have health checks, TTL 42 and CNAME values: apply changes exactly the two Weights
#   (today's main dropped HealthCheckId and invented CNAME values); rollback gives back the
#   world field for field. A misspelled record or zone is an error at plan time naming what
#   exists, and apply creates nothing.
# - autoscaling.set_capacity on a group with MinSize 1, MaxSize 10, desired 2, a grace period
#   and a tag: within the bounds only DesiredCapacity changes (today's main raised MaxSize
#   10 -> 100); beyond MaxSize it raises MaxSize to the count, below MinSize it lowers MinSize;
#   each rollback restores the whole group. A count above max_size and a missing group are
#   errors at plan time; nothing changes.
# identical-world: rmw-route53.kdx rmw-capacity.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
W="$KDX_REPO/tests/e2e/world.py"
cd "$E2E_TMP"
cp "$RB/rmw-route53.kdx" "$RB/rmw-capacity.kdx" .
python3 "$RB/rmw_setup.py" || fail "setup"

# ---- route53.set_weights
python3 "$W" dump route53 >before.json || fail "dump"
"$KDX" apply -auto-approve rmw-route53.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
python3 "$W" dump route53 >after.json
python3 "$W" diff before.json after.json >applied.diff
# only the two Weights of api changed (ChangeInfo-free listing; health checks untouched)
assert_eq "$(sed 's/^route53\/zones\/example.test.\/sets\///' applied.diff)" 'api.example.test. CNAME us-east-1/Weight: 60 -> 0
api.example.test. CNAME us-west-2/Weight: 40 -> 100' "what apply changed"
"$KDX" rollback rmw-route53.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
python3 "$W" dump route53 >restored.json
python3 "$W" diff before.json restored.json >restored.diff
[ -s restored.diff ] && fail "rollback did not restore the world: $(cat restored.diff)"

# a misspelled record: plan fails naming it and the records that exist; apply creates nothing
"$KDX" plan -var record=apii.example.test. rmw-route53.kdx >plan.out 2>&1 && fail "plan of a missing record passed: $(cat plan.out)"
assert_contains "$(cat plan.out)" "no weighted CNAME record named 'apii.example.test.' in zone 'example.test.'"
assert_contains "$(cat plan.out)" "api.example.test. CNAME, www.example.test. CNAME"
"$KDX" apply -auto-approve -var record=apii.example.test. rmw-route53.kdx >bad.out 2>&1 && fail "apply of a missing record passed"
python3 "$W" dump route53 >bad.json
python3 "$W" diff before.json bad.json >bad.diff
[ -s bad.diff ] && fail "a failed apply changed the world: $(cat bad.diff)"
# a misspelled zone: no sentinel id, the zones that exist
"$KDX" plan -var zone=exmaple.test. rmw-route53.kdx >zone.out 2>&1 && fail "plan of a missing zone passed"
assert_contains "$(cat zone.out)" "no hosted zone named 'exmaple.test.'; the account has: example.test., other.test."
grep -q "no-hosted-zone-named" zone.out && fail "a sentinel zone id: $(cat zone.out)"

# ---- autoscaling.set_capacity
python3 "$W" dump autoscaling >asg-before.json || fail "dump"
# scale to COUNT, expect exactly the changed fields EXPECTED, roll back, expect the world back
round() {
	local count=$1 expected=$2
	"$KDX" apply -auto-approve -var count="$count" rmw-capacity.kdx >apply.out 2>&1 || fail "apply $count: $(cat apply.out)"
	python3 "$W" dump autoscaling >after.json
	python3 "$W" diff asg-before.json after.json | sed 's/^autoscaling\/us-west-2 web\///' | sort >applied.diff
	assert_eq "$(cat applied.diff)" "$expected" "what scaling to $count changed"
	"$KDX" rollback rmw-capacity.kdx >rb.out 2>&1 || fail "rollback $count: $(cat rb.out)"
	assert_contains "$(cat rb.out)" "rolled_back"
	python3 "$W" dump autoscaling >restored.json
	python3 "$W" diff asg-before.json restored.json >restored.diff
	[ -s restored.diff ] && fail "rollback of $count did not restore the group: $(cat restored.diff)"
	return 0
}
round 4 'DesiredCapacity: 2 -> 4
InService: 2 -> 4'
round 12 'DesiredCapacity: 2 -> 12
InService: 2 -> 12
MaxSize: 10 -> 12'
round 0 'DesiredCapacity: 2 -> 0
InService: 2 -> 0
MinSize: 1 -> 0'
# beyond the declared max_size: refused before anything changes
"$KDX" plan -var count=30 rmw-capacity.kdx >big.out 2>&1 && fail "plan of 30 > max_size passed: $(cat big.out)"
assert_contains "$(cat big.out)" "web in us-west-2 would need 30 instances, more than its max_size 20"
# a misspelled group: the error names the groups that exist
"$KDX" plan -var group=wbe rmw-capacity.kdx >missing.out 2>&1 && fail "plan of a missing group passed"
assert_contains "$(cat missing.out)" "no Auto Scaling group named 'wbe' in us-west-2; the region has: web"
python3 "$W" dump autoscaling >end.json
python3 "$W" diff asg-before.json end.json >end.diff
[ -s end.diff ] && fail "a refused plan changed the world: $(cat end.diff)"
echo ok
