#!/usr/bin/env bash
# kdx unlock: nothing to unlock, a stale lock (asks; -force removes it), a live holder (kept),
# several environments (needs -env).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP" || exit 1
: >failover.kdx
mkdir -m 700 .kdx

out=$("$KDX" unlock failover.kdx 2>&1) && fail "unlock without a lock succeeded"
grep -q "no lock for runbook 'failover' in '.kdx'; nothing to unlock" <<<"$out" || fail "$out"

# A lock whose holder died: no process holds its flock, its pid is gone.
sh -c 'exit 0' &
dead=$!
wait "$dead"
write_lock() {
	printf '{"pid":%d,"host":"%s","user":"ops","command":"kdx apply","since":"2026-11-26T10:00:00Z"}\n' \
		"$1" "$(hostname)" >".kdx/failover-$2.lock"
}
write_lock "$dead" staging
out=$("$KDX" unlock failover.kdx </dev/null 2>&1) && fail "unlock without confirmation succeeded"
grep -q "held by pid $dead on host $(hostname) (kdx apply, by ops, since 2026-11-26T10:00:00Z)" <<<"$out" || fail "$out"
grep -q "That run is dead" <<<"$out" || fail "$out"
grep -q "refusing to remove '.kdx/failover-staging.lock' without confirmation" <<<"$out" || fail "$out"
[ -f .kdx/failover-staging.lock ] || fail "lock removed without confirmation"
"$KDX" unlock -force failover.kdx >out.txt 2>&1 || fail "unlock -force: $(cat out.txt)"
grep -q "Lock removed" out.txt || fail "$(cat out.txt)"
[ ! -e .kdx/failover-staging.lock ] || fail "lock still there"

# A live holder keeps its lock (flock(1) holds the flock as kdx apply would).
write_lock "$$" production
flock .kdx/failover-production.lock sleep 60 &
holder=$!
_e2e_pids+=("$holder")
for _ in $(seq 50); do
	flock -n .kdx/failover-production.lock true || break
	sleep 0.05
done
out=$("$KDX" unlock -env production -state-dir .kdx failover.kdx </dev/null 2>&1) && fail "live lock removed"
grep -q "is still alive" <<<"$out" || fail "$out"
[ -f .kdx/failover-production.lock ] || fail "live lock removed"
kill "$holder"
wait "$holder" 2>/dev/null || true

# Two environments locked: say which.
write_lock "$dead" staging
out=$("$KDX" unlock failover.kdx 2>&1) && fail "ambiguous unlock succeeded"
grep -q "has 2 locks in '.kdx'; say which with -env NAME" <<<"$out" || fail "$out"
"$KDX" unlock -force .kdx/failover-staging.lock >/dev/null || fail "unlock by lock path"
[ ! -e .kdx/failover-staging.lock ] || fail "lock still there"
echo "ok"
