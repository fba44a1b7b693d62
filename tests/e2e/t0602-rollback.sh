#!/usr/bin/env bash
# A failing step rolls back: every resource the run touched (Route 53 weights, the target's
# Auto Scaling group, its alarm) is back to its starting state, read with boto3. Two ways
# to fail: a validation against a local endpoint that always answers 500, and a stop
# condition (runbook stop_on) tripped by a CloudWatch alarm going to ALARM mid-run.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
state() { python3 "$RB/state.py" kaldrix.test; }
start=$(state)
assert_contains "$start" "w:us-east-1=70"
assert_contains "$start" "asg:us-west-2=1"

# 1. validation fails (HTTP 500 for 2 s): rollback
python3 "$RB/http500.py" >port.txt &
track_pid $!
for _ in $(seq 50); do [ -s port.txt ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat port.txt)/health"
out=$("$KDX" apply -auto-approve -var "health_url=$url" failover-lite.kdx 2>&1) && fail "apply with a failing validation succeeded: $out"
assert_contains "$out" "validate"
assert_contains "$out" "timed out waiting until core.http_check(health_url) within 2s"
assert_contains "$out" "run rolled_back"
assert_eq "$(state)" "$start" "state after the rollback of a failed validation"
grep -q '"kind":"undo_done","step":"shift_traffic"' .kdx/failover-lite-*.jsonl || fail "no undo of shift_traffic journalled"
assert_contains "$(cat .kdx/failover-lite-*.report.md)" "| Alarms seen | none fired |"

# 2. a stop condition: the target's alarm goes to ALARM mid-run
rm -rf .kdx
out=$("$KDX" apply -auto-approve -var trip_alarm=true failover-lite.kdx 2>&1) && fail "apply with a tripped alarm succeeded: $out"
assert_contains "$out" "STOP: stop condition: alarm 'kaldrix-test-us-west-2-5xx' is in ALARM; rolling back"
assert_contains "$out" "run rolled_back"
assert_eq "$(state)" "$start" "state after the rollback of a stop condition"
# the run's report (issue #18.1) names the alarm it saw and why it rolled back
stop="stop condition: alarm 'kaldrix-test-us-west-2-5xx' is in ALARM"
# shellcheck disable=SC2012
rep=$(ls .kdx/failover-lite-*.report.json | head -1)
[ -s "$rep" ] || fail "the stopped run left no report beside its journal"
python3 - "$rep" "$stop" <<'PY' || fail "the report's alarms and rollback"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["alarms"] == [sys.argv[2]], r["alarms"]
assert any(sys.argv[2] in why for why in r["rollbacks"]), r["rollbacks"]
PY
assert_contains "$(cat "${rep%.json}.md")" "| Alarms seen | $stop |"

# 3. the same runbook without failures moves everything
rm -rf .kdx
"$KDX" apply -auto-approve failover-lite.kdx >ok.out 2>&1 || fail "apply: $(cat ok.out)"
assert_eq "$(state)" "w:eu-west-1=10 w:us-east-1=0 w:us-west-2=90 asg:us-east-1=2 alarm:us-east-1=OK asg:us-west-2=2 alarm:us-west-2=OK asg:eu-west-1=1 alarm:eu-west-1=OK" "after a successful apply"
echo ok
