#!/usr/bin/env bash
# Crash safety against moto: for every journal write N of the failover-lite run,
# KDX_CRASH_AT=N kills kdx right after record N; 'kdx resume' then finishes the run. The
# final state (boto3) equals an uninterrupted run's and no mutating request reached the
# emulator twice (counted by a logging proxy). For some N 'kdx rollback' instead restores
# the starting state; a torn last record is detected and ignored.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
python3 "$RB/reqlog.py" "$MOTO_URL" proxy.port requests.log &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
PROXY="http://127.0.0.1:$(cat proxy.port)"
state() { python3 "$RB/state.py" kaldrix.test; }
reset() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
	rm -rf .kdx
	: >requests.log
}
kdx_p() { AWS_ENDPOINT_URL=$PROXY "$KDX" "$@"; }
# mutating requests seen: "asg=A rrset=R alarm=S"
muts() {
	echo "asg=$(grep -c ' UpdateAutoScalingGroup$' requests.log || true)" \
		"rrset=$(grep -c '^POST .*/rrset/* ' requests.log || true)" \
		"alarm=$(grep -c ' SetAlarmState$' requests.log || true)"
}

reset
start=$(state)
kdx_p apply -auto-approve failover-lite.kdx >run.out 2>&1 || fail "uninterrupted apply: $(cat run.out)"
final=$(state)
assert_eq "$(muts)" "asg=1 rrset=1 alarm=0" "requests of an uninterrupted run"
n=$(wc -l <.kdx/failover-lite-*.jsonl)
[ "$n" -ge 10 ] || fail "only $n journal records"

for N in $(seq 1 "$n"); do
	reset
	KDX_CRASH_AT=$N kdx_p apply -auto-approve failover-lite.kdx >crash.out 2>&1 && rc=0 || rc=$?
	[ "$rc" = 137 ] || fail "N=$N: apply was not killed (exit $rc): $(cat crash.out)"
	kdx_p resume failover-lite.kdx >resume.out 2>&1 || {
		grep -q "already ended\|has ended\|finished" resume.out ||
			fail "N=$N: resume failed: $(cat resume.out)"
	}
	assert_eq "$(state)" "$final" "N=$N: state after resume"
	assert_eq "$(muts)" "asg=1 rrset=1 alarm=0" "N=$N: mutating requests over crash + resume"
done

# rollback after a crash in the middle of the run restores the starting state
for N in 4 $((n / 2)) $((n - 2)); do
	reset
	KDX_CRASH_AT=$N kdx_p apply -auto-approve failover-lite.kdx >crash.out 2>&1 && rc=0 || rc=$?
	[ "$rc" = 137 ] || fail "N=$N: apply was not killed (exit $rc)"
	kdx_p rollback failover-lite.kdx >rb.out 2>&1 || fail "N=$N: rollback: $(cat rb.out)"
	assert_eq "$(state)" "$start" "N=$N: state after rollback"
done

# a torn last record: detected, ignored with a warning, and the run is resumed
reset
KDX_CRASH_AT=5 kdx_p apply -auto-approve failover-lite.kdx >crash.out 2>&1 || true
j=$(ls .kdx/failover-lite-*.jsonl)
# a killed run leaves the journal's preallocated zeros: the torn record goes where they start
python3 - "$j" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
end = data.find(b"\0")
end = len(data) if end < 0 else end
open(sys.argv[1], "wb").write(data[:end] + b'{"seq":6,"ts":"2026-11-26T10:00:00.000Z","kind":"inte')
PY
kdx_p resume failover-lite.kdx >resume.out 2>&1 || fail "resume after a torn record: $(cat resume.out)"
grep -qi "torn\|ignored\|corrupt" resume.out || fail "no warning about the torn record: $(cat resume.out)"
assert_eq "$(state)" "$final" "state after resuming a torn journal"
assert_eq "$(muts)" "asg=1 rrset=1 alarm=0" "mutating requests after a torn journal"
# the killed apply wrote no report; the resume that finished the run did (issue #18.1)
python3 - .kdx/failover-lite-*.report.json <<'PY' || fail "the report the resume left"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["commands"] == "apply, resume" and r["status"] == "ok", (r["commands"], r["status"])
assert all(s["result"] == "done" for s in r["steps"]), r["steps"]
PY
echo ok
