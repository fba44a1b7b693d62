#!/usr/bin/env bash
# The cost of the run store (issue 15.8): failover-lite (tests/e2e/runbooks) applied against
# moto_server with the journal in a local directory (file://) and in S3 (s3://, moto), each
# on a fresh world; medians of RUNS wall times, the journal syncs of a run (S3: one segment
# object per sync) and the store's requests, so that one sync's cost is
# (S3 wall - file wall) / syncs.   bench/state_store.sh [RUNS]   (default 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
runs=${1:-5}
(cd "$KDX_REPO" && make -s >/dev/null)
. "$KDX_REPO/tests/e2e/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
U='s3://kdx-bench-runs/b?region=us-east-2'
world() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
	"$KDX" state init -state "$U" >/dev/null
	rm -rf .kdx
}
ms() { python3 -c 'import time; print(int(time.monotonic()*1000))'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >file.ms
: >s3.ms
for _ in $(seq "$runs"); do
	for store in file s3; do
		world
		flag=(-state-dir .kdx)
		[ "$store" = s3 ] && flag=(-state "$U")
		t0=$(ms)
		"$KDX" apply -auto-approve "${flag[@]}" failover-lite.kdx >/dev/null 2>&1
		t1=$(ms)
		echo $((t1 - t0)) >>"$store.ms"
	done
done
segs=$(python3 -c 'import boto3,os
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-2")
print(sum(1 for o in s3.list_objects_v2(Bucket="kdx-bench-runs", Prefix="b/runs/")["Contents"] if o["Key"].endswith(".jsonl")))')
f=$(median <file.ms)
s=$(median <s3.ms)
echo "failover-lite apply, median of $runs: file:// ${f} ms, s3:// (moto) ${s} ms"
echo "journal syncs of the S3 run (segments): $segs; per sync: $(( (s - f) / (segs > 0 ? segs : 1) )) ms over file://"
