#!/usr/bin/env bash
# kdx apply -dry-run: reads are sent, nothing mutating is (a logging proxy counts requests);
# the live state is unchanged (boto3); the requests it would send are printed with the
# Authorization redacted; no journal and no lock are left behind.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
python3 "$RB/reqlog.py" "$MOTO_URL" proxy.port requests.log &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
start=$(python3 "$RB/state.py" kaldrix.test)
out=$(AWS_ENDPOINT_URL="http://127.0.0.1:$(cat proxy.port)" "$KDX" apply -dry-run failover-lite.kdx 2>&1) ||
	fail "dry run: $out"
assert_contains "$out" "# aws autoscaling UpdateAutoScalingGroup"
assert_contains "$out" "Action=UpdateAutoScalingGroup&Version=2011-01-01&AutoScalingGroupName=kaldrix-test-us-west-2&DesiredCapacity=2"
assert_contains "$out" "# aws route53 ChangeResourceRecordSets"
assert_contains "$out" "<SetIdentifier>us-east-1</SetIdentifier><Weight>0</Weight>"
assert_contains "$out" "Authorization: <redacted>"
assert_contains "$out" "would wait until change_status(change.ChangeInfo.Id) == \"INSYNC\" within 5m"
assert_contains "$out" "run ok"
assert_contains "$out" "dry run: "
assert_eq "$(python3 "$RB/state.py" kaldrix.test)" "$start" "the dry run changed the live state"
grep -q "DescribeAutoScalingGroups" requests.log || fail "the dry run sent no reads"
if grep -E ' (UpdateAutoScalingGroup|SetAlarmState)$|^POST .*/rrset' requests.log; then
	fail "the dry run sent a mutating request"
fi
[ ! -e .kdx ] || fail "the dry run left a state directory: $(ls -la .kdx)"
echo ok
