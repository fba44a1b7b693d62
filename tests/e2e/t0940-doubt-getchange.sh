#!/usr/bin/env bash
# Issue #20.1/#20.2, the reported case: Route 53's GetChange fails after the weights moved.
# The step's attempt fails after its change was made, so it is in doubt; kdx reads the
# weights back (the action's verify), finds the change made, and when the validation then
# fails the rollback undoes the shift too. boto3 judges: the world is back where it started
# (before: us-west-2 scaled back, weights left at 0/90/10, and the run said rolled_back).
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
state() { python3 "$RB/state.py" kaldrix.test; }
start=$(state)
python3 "$RB/http500.py" >port.txt &
track_pid $!
python3 "$KDX_REPO/tests/e2e/faultproxy.py" --upstream "$MOTO_URL" --port-file proxy.port \
	--log proxy.log --rule '/change/=500' &
track_pid $!
for _ in $(seq 50); do [ -s port.txt ] && [ -s proxy.port ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat port.txt)/health"
out=$(AWS_ENDPOINT_URL="http://127.0.0.1:$(cat proxy.port)" timeout 120 "$KDX" apply \
	-auto-approve -var "health_url=$url" failover-lite.kdx 2>&1) && fail "apply succeeded: $out"
assert_contains "$out" "shift_traffic      reconciled: the attempt failed"
assert_contains "$out" "live state shows the change was made"
assert_contains "$out" "live state shows the undo was made" "the rollback did not undo the shift"
assert_contains "$out" "run rolled_back"
# #20.8: the timeout names what it saw last
assert_contains "$out" "timed out waiting until core.http_check(health_url) within 2s; last seen: GET $url answered 500"
assert_eq "$(state)" "$start" "the world after the rollback"
grep -q ' 500 GET /2013-04-01/change/' proxy.log || fail "GetChange was never failed: $(cat proxy.log)"
echo ok
