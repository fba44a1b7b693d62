#!/usr/bin/env bash
# Every runbook in plans/ passes `kdx check` for every environment's var file; the broken
# copy of the failover runbook fails with the traffic, rpo and fencing errors; -json ends
# with a report object that Python's json module reads; -explain knows every analysis.
source "$(dirname "$0")/lib.sh"
cd "$KDX_REPO"
mapfile -t plans < <(ls plans/*.kdx)
[ ${#plans[@]} -ge 1 ] || fail "no runbooks in plans/"
mapfile -t envs < <(ls plans/environments/*.kdxvars)
[ ${#envs[@]} -ge 3 ] || fail "expected the three environments, found ${#envs[@]}"
for p in "${plans[@]}"; do
	for e in "${envs[@]}"; do
		out=$("$KDX" check -strict -var-file "$e" "$p" 2>&1) || fail "$p is not safe with $e: $out"
		assert_contains "$out" "9 analyses passed"
		assert_contains "$out" "state: 's3://kaldrix-kdx-state/"
		assert_contains "$out" "critical path:"
	done
done
# the broken copy: three errors, one per analysis, in one run
out=$(cd tests/golden/safety && "$KDX" check -json -var-file ../../../plans/environments/production.kdxvars failover-broken.kdx) &&
	fail "the broken failover runbook passed"
printf '%s\n' "$out" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
codes = sorted(d["code"] for d in lines if d.get("severity") == "error")
assert codes == ["fencing", "rpo", "traffic"], codes
report = lines[-1]
assert report["type"] == "check" and report["safe"] is False, report
assert [s["step"] for s in report["critical_path"]][:2] == ["detect", "notify_start"], report
' || fail "unexpected JSON from kdx check: $out"
for a in graph traffic capacity rto rpo fencing reversibility races state; do
	"$KDX" check -explain "$a" | head -1 | grep -q "^$a: " || fail "-explain $a"
done
if "$KDX" check -explain nope 2>"$E2E_TMP/err"; then fail "-explain nope succeeded"; fi
assert_contains "$(cat "$E2E_TMP/err")" "the analyses are: graph, traffic, capacity, rto, rpo, fencing, reversibility, races, state"
echo "checked ${#plans[@]} runbook(s) x ${#envs[@]} environments"
