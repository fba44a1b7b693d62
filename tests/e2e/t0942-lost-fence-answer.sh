#!/usr/bin/env bash
# Issue #20, the lost fence answer: ModifyDBClusterParameterGroup (rds.fence_writes) reaches
# moto and takes effect, but faultproxy drops the answer. The attempt is in doubt: kdx must
# not send the fence again (counted at the proxy) but read it back (the action's verify), and
# a rollback must lift the fence -- boto3 sees the cluster writable again -- never saying
# rolled_back while it is fenced. Three ways: the apply reads it back itself; the apply is
# killed right after journalling the in-doubt result and `kdx resume` reads it back; the same
# kill followed by `kdx rollback`.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/fence-lost.kdx" .
python3 "$RB/http500.py" >health.port &
track_pid $!
python3 "$KDX_REPO/tests/e2e/faultproxy.py" --upstream "$MOTO_URL" --port-file proxy.port \
	--log proxy.log --rule 'ModifyDBClusterParameterGroup=after-drop*1' &
proxy_pid=$!
track_pid $proxy_pid
for _ in $(seq 100); do [ -s health.port ] && [ -s proxy.port ] && break; sleep 0.1; done
health="http://127.0.0.1:$(cat health.port)/health"
PROXY="http://127.0.0.1:$(cat proxy.port)"
fenced() {
	python3 -c "import boto3; w = boto3.client('rds', region_name='us-west-2')
print([p['ParameterValue'] for p in w.describe_db_cluster_parameters(DBClusterParameterGroupName='kaldrix-west-pg')['Parameters'] if p['ParameterName'] == 'default_transaction_read_only'])"
}
# a fresh world and a fresh proxy rule for each case (the rule drops the first answer only)
fresh() {
	curl -sf -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/stdlib_moto_rds.py" || fail "setup"
	assert_eq "$(fenced)" "[]" "the parameter group before"
	kill "$proxy_pid"
	wait "$proxy_pid" 2>/dev/null || true
	rm -f proxy.port proxy.log .kdx -r
	python3 "$KDX_REPO/tests/e2e/faultproxy.py" --upstream "$MOTO_URL" --port-file proxy.port \
		--log proxy.log --rule 'ModifyDBClusterParameterGroup=after-drop*1' &
	proxy_pid=$!
	track_pid $proxy_pid
	for _ in $(seq 100); do [ -s proxy.port ] && break; sleep 0.1; done
	PROXY="http://127.0.0.1:$(cat proxy.port)"
}
# the fence requests the proxy saw: "after-drop" (the lost one), then "pass" (the undo)
modifies() { grep -c ' ModifyDBClusterParameterGroup$' proxy.log || true; }
kdxp() { AWS_ENDPOINT_URL="$PROXY" timeout 120 "$KDX" "$@" 2>&1; }

# 1. the apply itself: in doubt, read back, done; the failing validation rolls it back
fresh
out=$(kdxp apply -auto-approve -var "health_url=$health" fence-lost.kdx) && fail "apply succeeded: $out"
assert_contains "$out" "the request had been sent, so it is not sent again"
assert_contains "$out" "live state shows the change of 'rds.fence_writes' was made"
assert_contains "$out" "run rolled_back"
assert_eq "$(fenced)" "['off']" "the parameter group after the rollback (case 1)"
assert_eq "$(modifies)" 2 "fence requests + unfence requests (case 1): $(cat proxy.log)"
assert_eq "$(grep -c 'after-drop POST / ModifyDBClusterParameterGroup' proxy.log)" 1 "the lost fence"

# 2. killed after the in-doubt result (record 4: run_start, step_start, intent, result);
# resume reads it back without sending it, then the validation fails and it rolls back
fresh
rc=0
out=$(KDX_CRASH_AT=4 kdxp apply -auto-approve -var "health_url=$health" fence-lost.kdx) || rc=$?
assert_eq "$rc" 137 "the apply killed at its 4th record: $out"
j=$(ls .kdx/fence-lost-*.jsonl)
grep -q '"kind":"result".*"in_doubt":true' "$j" || fail "no in-doubt result journalled: $(cat "$j")"
assert_eq "$(fenced)" "['on']" "the fence took effect although its answer was lost"
assert_eq "$(modifies)" 1 "fence requests before the resume"
out=$(kdxp resume -journal "$j" fence-lost.kdx) && fail "resume succeeded: $out"
assert_contains "$out" "live state shows the change of 'rds.fence_writes' was made"
assert_contains "$out" "rolled_back"
assert_eq "$(fenced)" "['off']" "the parameter group after resume rolled back (case 2)"
assert_eq "$(modifies)" 2 "one fence and one unfence, no second fence (case 2): $(cat proxy.log)"

# 3. the same kill, then kdx rollback: read back (made), undone, verified
fresh
rc=0
out=$(KDX_CRASH_AT=4 kdxp apply -auto-approve -var "health_url=$health" fence-lost.kdx) || rc=$?
assert_eq "$rc" 137 "the apply killed at its 4th record: $out"
j=$(ls .kdx/fence-lost-*.jsonl)
out=$(kdxp rollback -journal "$j" fence-lost.kdx) || fail "rollback failed: $out"
assert_contains "$out" "rolled_back"
assert_eq "$(fenced)" "['off']" "the parameter group after kdx rollback (case 3)"
assert_eq "$(modifies)" 2 "one fence and one unfence (case 3): $(cat proxy.log)"
# rolled_back is never said while the fence stays: a rollback whose unfence answer is lost
# reads it back too -- and a second rollback finds nothing left to do
out=$(kdxp rollback -journal "$j" fence-lost.kdx) || true
assert_eq "$(fenced)" "['off']" "the parameter group after a second rollback"
assert_eq "$(modifies)" 2 "a second rollback sends nothing (case 3): $(cat proxy.log)"
echo ok
