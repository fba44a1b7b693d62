#!/usr/bin/env bash
# Memory of `kdx apply -dry-run PLANFILE` on a saved plan of a large runbook (issue #13 item
# 3, step 7: the compilation released once the plan is proven current). A world in moto for
# `bench/gen_runbook.py --plannable -n STEPS -l LANES` (bench/plan_world.py), one plan saved
# with NEW (`kdx plan -out`; the plan document is the same for both binaries), then
# `kdx apply -dry-run PLANFILE` with OLD and NEW in turns, ROUNDS times each, through
# bench/rss_run.py: wall, user CPU, max RSS (the kernel's), and the RSS sampled every 50 ms
# (the last sample and the median), since the check before the run may be the peak.
#   bench/planfile_rss.sh OLD_KDX NEW_KDX [ROUNDS] [STEPS] [LANES]   (default 2, 10000, 100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
old=$(realpath "$1") new=$(realpath "$2")
rounds=${3:-2} steps=${4:-10000} lanes=${5:-100}
. "$KDX_REPO/tests/e2e/lib.sh"
. "$here/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
cd "$E2E_TMP"
plannable_world "$steps" "$lanes"
"$new" plan -out big.plan big.kdx >plan.out 2>&1 || { tail -5 plan.out; fail "kdx plan -out"; }
echo "plan file: $(wc -c <big.plan) bytes"
echo "binary wall_s user_s maxrss_kb rss_last_kb rss_median_kb samples rc"
for r in $(seq "$rounds"); do
	for b in old new; do
		bin=$old
		[ $b = new ] && bin=$new
		printf '%s ' "$b"
		python3 "$here/rss_run.py" "$b.$r.out" "$b.$r.err" "$bin" apply -dry-run big.plan
		tail -1 "$b.$r.out" | grep -q '^dry run:' || { tail -3 "$b.$r.err"; fail "$b: apply"; }
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
