# shellcheck shell=bash
# Sourced by t0901 (S3) and t0903 (DynamoDB) after lib.sh: any runner continues a run kept in a
# shared store. Runner A (directory a/) is SIGKILLed in the middle of failover-lite; runner B
# (directory b/, same URL) is refused at once, naming A as the holder, while A's lease lives;
# after it expires B resumes and finishes. The final state (boto3) equals an uninterrupted
# run's and no mutating request reached the emulator twice (a logging proxy counts them). An
# apply under another runner's lock is refused naming it, or waits with -lock-timeout.
# In: U (the store URL), STORE_LABEL (its name in messages), STORE_WRITE (a regex of a journal
# write in the proxy's request log), STORE_SHOWN (the store as kdx names it in a held-lock
# message). Leaves moto running, "$RB", reset, kdx_p and muts defined for the caller.
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
mkdir a b c
for d in a b c; do cp "$RB/failover-lite.kdx" "$d/"; done
python3 "$RB/reqlog.py" "$MOTO_URL" proxy.port requests.log &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
PROXY="http://127.0.0.1:$(cat proxy.port)"
state() { python3 "$RB/state.py" kaldrix.test; }
kdx_p() { AWS_ENDPOINT_URL=$PROXY "$KDX" "$@"; }
reset() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
	"$KDX" state init -state "$U" >/dev/null || fail "state init"
	: >requests.log
}
muts() {
	echo "asg=$(grep -c ' UpdateAutoScalingGroup$' requests.log || true)" \
		"rrset=$(grep -c '^POST .*/rrset/* ' requests.log || true)" \
		"alarm=$(grep -c ' SetAlarmState$' requests.log || true)"
}

reset
(cd c && kdx_p apply -auto-approve -state "$U" failover-lite.kdx >run.out 2>&1) ||
	fail "uninterrupted apply: $(cat c/run.out)"
final=$(state)
assert_eq "$(muts)" "asg=1 rrset=1 alarm=0" "requests of an uninterrupted run"
[ ! -e c/.kdx ] || fail "the $STORE_LABEL run wrote a local state directory"
grep -q "$STORE_WRITE" requests.log || fail "no journal write in $STORE_LABEL"

for N in 6 9; do
	reset
	(cd a && KDX_CRASH_AT=$N kdx_p apply -auto-approve -state "$U" -lease 3s failover-lite.kdx \
		>crash.out 2>&1) && rc=0 || rc=$?
	[ "$rc" = 137 ] || fail "N=$N: apply was not killed (exit $rc): $(cat a/crash.out)"
	# A is dead but its lease lives: B is refused at once and told who holds the lock
	out=$(cd b && kdx_p resume -state "$U" failover-lite.kdx 2>&1) && fail "N=$N: B resumed under A's lease"
	assert_contains "$out" "lock 'failover-lite-default' in $STORE_SHOWN is held by kdx apply of failover-lite (env default), run failover-lite-"
	assert_contains "$out" "AWS identity arn:aws:sts::123456789012:user/moto"
	# -lock-timeout: B waits for the lease to run out, takes the lock, finishes the run
	(cd b && kdx_p resume -state "$U" -lock-timeout 20s failover-lite.kdx >resume.out 2>&1) ||
		fail "N=$N: resume in b/: $(cat b/resume.out)"
	assert_contains "$(cat b/resume.out)" "resume: ok"
	assert_eq "$(state)" "$final" "N=$N: state after B's resume"
	assert_eq "$(muts)" "asg=1 rrset=1 alarm=0" "N=$N: mutating requests over A's crash + B's resume"
	[ ! -e b/.kdx ] || fail "N=$N: B wrote a local state directory"
done
out=$("$KDX" state list -state "$U" -json) || fail "state list: $out"
python3 -c 'import json,sys; runs = json.loads(sys.argv[1])
assert runs and all(r["status"] == "ok" for r in runs), runs' "$out" || fail "runs not ok: $out"

# another runner holds the runbook's lock: apply is refused at once, naming it, and changes
# nothing; with -lock-timeout it waits until the holder lets go, then runs
reset
"$KDX" state lock failover-lite-default -state "$U" -lease 5s -hold 3s >holder.out 2>&1 &
h=$!
track_pid "$h"
for _ in $(seq 100); do grep -q "took lock" holder.out 2>/dev/null && break; sleep 0.05; done
out=$(cd a && kdx_p apply -auto-approve -state "$U" failover-lite.kdx 2>&1) && fail "apply ran under another's lock"
assert_contains "$out" "is held by kdx state lock (pid $h on host"
assert_eq "$(muts)" "asg=0 rrset=0 alarm=0" "a refused apply changed something"
(cd a && kdx_p apply -auto-approve -state "$U" -lock-timeout 30s failover-lite.kdx >wait.out 2>&1) ||
	fail "apply -lock-timeout: $(cat a/wait.out)"
assert_eq "$(state)" "$final" "state after waiting for the lock"
assert_eq "$(muts)" "asg=1 rrset=1 alarm=0" "apply after waiting for the lock"
wait "$h" || fail "the holder failed: $(cat holder.out)"

