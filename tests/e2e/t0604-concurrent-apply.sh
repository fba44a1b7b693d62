#!/usr/bin/env bash
# Two concurrent applies of one runbook: the first runs, the second fails at once (it
# returns while the first still runs, i.e. it did not wait for the lock), names the holder,
# and sends nothing.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/sched.kdx" .
python3 "$RB/setup_route53.py" kaldrix.test >/dev/null
"$KDX" apply -auto-approve sched.kdx >first.out 2>&1 &
first=$!
track_pid "$first"
for _ in $(seq 100); do ls .kdx/*.lock >/dev/null 2>&1 && break; sleep 0.02; done
t0=$(date +%s%N)
out=$("$KDX" apply -auto-approve sched.kdx 2>&1) && fail "the second apply ran: $out"
ms=$((($(date +%s%N) - t0) / 1000000))
# The first apply runs for seconds (sched.kdx's sleeps and retries): the second returning
# while it still runs shows it did not wait for the lock. Only on a machine so loaded that
# the first finished meanwhile does the time decide (a second is far above kdx's own).
kill -0 "$first" 2>/dev/null || [ "$ms" -lt 1000 ] ||
	fail "the second apply took ${ms} ms to fail and returned after the first had finished"
assert_contains "$out" "lock 'sched-default' in file://.kdx is held by pid $first on host $(hostname) (kdx apply"
assert_contains "$out" "wait for it to finish"
wait "$first" || true
assert_contains "$(cat first.out)" "run degraded"
[ "$(ls .kdx/sched-*.jsonl | wc -l)" = 1 ] || fail "the second apply wrote a journal"
echo ok
