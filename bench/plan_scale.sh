#!/usr/bin/env bash
# `kdx plan -out` of a large runbook against moto, OLD and NEW binaries in turns (issue #19,
# plan time): a world in moto for `bench/gen_runbook.py --plannable -n STEPS -l LANES`
# (bench/plan_world.py), then each binary plans it ROUNDS times, interleaved, under
# /usr/bin/time: wall, user CPU, max RSS. The two binaries must say the same: the plan's text
# and the plan documents are compared (every member), and a difference fails the run.
#   bench/plan_scale.sh OLD_KDX NEW_KDX [ROUNDS] [STEPS] [LANES]   (default 3, 2000, 100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
[ $# -ge 2 ] || { echo "usage: $0 OLD_KDX NEW_KDX [ROUNDS] [STEPS] [LANES]" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
rounds=${3:-3} steps=${4:-2000} lanes=${5:-100}
. "$KDX_REPO/tests/e2e/lib.sh"
. "$here/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
cd "$E2E_TMP"
plannable_world "$steps" "$lanes"
echo "binary round wall_s user_s maxrss_kb"
for r in $(seq "$rounds"); do
	for b in old new; do
		bin=$old
		[ $b = new ] && bin=$new
		/usr/bin/time -f "%e %U %M" -o time.txt "$bin" plan -out "$b.plan" big.kdx >"$b.out" 2>"$b.err" ||
			{ tail -3 "$b.out" "$b.err"; fail "$b: kdx plan"; }
		echo "$b $r $(cat time.txt)"
	done
	sed -i 's/\(old\|new\)\.plan/PLAN/g' old.out new.out # the one line naming the file
	cmp -s old.out new.out || fail "the plans' texts differ (round $r): $(diff old.out new.out | head -5)"
	python3 - <<'PY' || fail "the plan documents differ (round $r)"
import json, sys
a, b = json.load(open("old.plan")), json.load(open("new.plan"))
bad = [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
if bad:
    sys.exit("members differ: " + ", ".join(sorted(bad)))
PY
done
echo "same text and plan document from both, every round; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
