#!/usr/bin/env bash
# Locks per resource, not per runbook: failover-lite and a copy under another name (another
# runbook: its own runbook lock) both write the Route 53 record api.kaldrix.test. and the
# us-west-2 Auto Scaling group. With a DynamoDB store and with a shared file store: A is
# SIGKILLed in the middle of its run, so it holds its resource locks until its lease runs
# out; B, started then, fails at once naming the resource and A as its holder (runbook, pid,
# host, user, AWS identity), and changes nothing; with -lock-timeout B waits for A's lease
# and runs. kdx plan (read only) takes no lock. The same runbook with two environments is
# two runs of one resource as well. Without resource locks B would run beside A's unfinished
# change.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" a.kdx
sed 's/^runbook "failover-lite"/runbook "failover-other"/' "$RB/failover-lite.kdx" >b.kdx
python3 "$RB/reqlog.py" "$MOTO_URL" proxy.port requests.log &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
PROXY="http://127.0.0.1:$(cat proxy.port)"
kdx_p() { AWS_ENDPOINT_URL=$PROXY "$KDX" "$@"; }
muts() {
	echo "asg=$(grep -c ' UpdateAutoScalingGroup$' requests.log || true)" \
		"rrset=$(grep -c '^POST .*/rrset/* ' requests.log || true)"
}

for U in 'dynamodb://kdx-e2e-runs?region=us-east-2' "file://$E2E_TMP/shared"; do
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
	"$KDX" state init -state "$U" >/dev/null || fail "state init $U"
	# A dies after its first change, holding its locks (lease 4s on DynamoDB; on the file
	# store a dead holder's flock is gone, and its lock file names a dead pid)
	KDX_CRASH_AT=6 kdx_p apply -auto-approve -state "$U" -lease 4s a.kdx >a.out 2>&1 && rc=0 || rc=$?
	[ "$rc" = 137 ] || fail "$U: A was not killed (exit $rc): $(cat a.out)"
	: >requests.log
	case $U in
	dynamodb*)
		out=$(kdx_p apply -auto-approve -state "$U" b.kdx 2>&1) && fail "B ran beside A: $out"
		assert_contains "$out" "resource 'route53 global name=api.kaldrix.test. zone=kaldrix.test.' is being changed by another run"
		assert_contains "$out" "is held by kdx apply of a (env default), run a-"
		assert_contains "$out" "AWS identity arn:aws:sts::123456789012:user/moto"
		assert_eq "$(muts)" "asg=0 rrset=0" "$U: B changed something under A's locks"
		# read only: plan takes no lock
		kdx_p plan -state "$U" b.kdx >plan.out 2>&1 || fail "plan under A's locks: $(cat plan.out)"
		# B waits for A's lease to run out, then runs
		kdx_p apply -auto-approve -state "$U" -lock-timeout 30s b.kdx >b.out 2>&1 ||
			fail "B with -lock-timeout: $(cat b.out)"
		assert_eq "$(muts)" "asg=1 rrset=1" "$U: B after waiting"
		;;
	*)
		# a dead holder on this host: the file store takes its locks over and says whose
		kdx_p apply -auto-approve -state "$U" b.kdx >b.out 2>&1 || fail "B after A died: $(cat b.out)"
		;;
	esac
done

# the file store, both alive: a holder of the record's lock (kdx state lock, under the name
# kdx derives from the record's identity: "res-" + 16 hex digits of its SHA-256) while A
# starts -> A names the holder and changes nothing
id='route53 global name=api.kaldrix.test. zone=kaldrix.test.'
name=res-$(printf '%s' "$id" | sha256sum | cut -c1-16)
"$KDX" state lock "$name" -state "file://$E2E_TMP/shared" -hold 20s >h.out 2>&1 &
h=$!
track_pid "$h"
for _ in $(seq 100); do grep -q "took lock" h.out 2>/dev/null && break; sleep 0.05; done
: >requests.log
out=$(kdx_p apply -auto-approve -state "file://$E2E_TMP/shared" a.kdx 2>&1) && fail "A ran beside a holder: $out"
assert_contains "$out" "resource '$id' is being changed by another run"
assert_contains "$out" "resource '$id' is being changed by another run: lock '$name' in file://$E2E_TMP/shared is held by pid $h on host"
assert_eq "$(muts)" "asg=0 rrset=0" "file store: A changed something under a held resource lock"
kill "$h" 2>/dev/null || true
echo "resource locks: another runbook on the same record is refused naming the holder, or waits"
