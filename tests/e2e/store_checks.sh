# shellcheck shell=bash
# Sourced by t0900 (S3) and t0902 (DynamoDB) after lib.sh, in a directory where "$KDX" state
# commands reach the shared store, after runs mig-run1, run-a (never ended) and run-b exist.
# store_unlock_and_list TAKEN: unlock voids a live holder's lease, so its next write is
# refused with TAKEN in its error; list shows every run; rm refuses a run that never ended.
store_unlock_and_list() {
	local taken=$1 out C
	"$KDX" state lock L2 -lease 30s -hold 6s -write run-c >c.out 2>c.err &
	C=$!
	track_pid "$C"
	for _ in $(seq 100); do grep -q "took lock" c.out 2>/dev/null && break; sleep 0.05; done
	out=$("$KDX" state unlock L2) || fail "unlock: $out"
	assert_contains "$out" "unlocked 'L2': it was held by kdx state lock (pid $C"
	wait "$C" && fail "C kept writing after its lock was broken"
	assert_contains "$(cat c.err)" "$taken"

	out=$("$KDX" state list -json) || fail "list: $out"
	python3 -c 'import json,sys; runs = {r["run"] for r in json.loads(sys.argv[1])}
assert {"mig-run1", "run-a", "run-b", "run-c"} <= runs, runs' "$out" || fail "list: $out"
	out=$("$KDX" state rm run-a 2>&1) && fail "rm removed a run that has not ended"
	assert_contains "$out" "has not ended"
}
