#!/usr/bin/env bash
# kdx simulate is deterministic: the same seed gives the same timeline (text and -json) and
# the same SVG byte for byte, in separate processes; another seed gives another timeline.
# The SVG is well-formed XML (xmllint and Python's parser) with a bar per attempt. Also runs
# every scenario of plans/failover.kdx for every environment (it must not crash or leak an
# error), and -explore on the golden failover copy finds nothing unsafe.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$KDX_REPO" || exit 1
tmp=$(mktemp -d /tmp/kdx-t0800.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
f=tests/golden/simulate/failover.kdx
for k in 1 2; do
	"$KDX" simulate -seed 42 -scenario primary-region-lost -timeline "$tmp/run$k.svg" "$f" >"$tmp/run$k.txt" ||
		fail "simulate failed: $(cat "$tmp/run$k.txt")"
	"$KDX" simulate -seed 42 -all-scenarios -json "$f" >"$tmp/all$k.json" || fail "simulate -all-scenarios failed"
done
cmp "$tmp/run1.txt" "$tmp/run2.txt" || fail "same seed, different timelines"
cmp "$tmp/run1.svg" "$tmp/run2.svg" || fail "same seed, different SVG"
cmp "$tmp/all1.json" "$tmp/all2.json" || fail "same seed, different -json output"
"$KDX" simulate -seed 43 -scenario primary-region-lost "$f" >"$tmp/other.txt" || fail "seed 43 failed"
cmp -s "$tmp/run1.txt" "$tmp/other.txt" && fail "seeds 42 and 43 gave the same timeline"
assert_contains "$(cat "$tmp/run1.txt")" "expect rto <= 15m: passed"
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/run1.svg" || fail "the SVG is not well-formed"
fi
python3 - "$tmp/run1.svg" "$tmp/all1.json" <<'PY' || fail "SVG or JSON check failed"
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
rects = root.findall("{http://www.w3.org/2000/svg}rect")
assert len(rects) >= 8, len(rects)
lines = [json.loads(l) for l in open(sys.argv[2])]
results = [l for l in lines if l["type"] == "result"]
assert len(results) == 6, len(results)
assert all(isinstance(l["at_ms"], int) for l in lines if l["type"] == "event")
PY
for e in plans/environments/*.kdxvars; do
	rc=0
	"$KDX" simulate -seed 1 -all-scenarios -var-file "$e" plans/failover.kdx >"$tmp/plan.txt" 2>&1 || rc=$?
	[ $rc -le 1 ] || fail "simulate plans/failover.kdx with $e: exit $rc"
	! grep -q "kdx: error" "$tmp/plan.txt" || fail "simulate plans/failover.kdx with $e: $(grep 'kdx: error' "$tmp/plan.txt")"
	assert_contains "$(cat "$tmp/plan.txt")" 'scenario "lag-over-rpo"'
done
out=$("$KDX" simulate -seed 1 -explore "$f") || fail "-explore found an unsafe state: $out"
assert_contains "$out" "16 runs, 0 unsafe"
exit 0
