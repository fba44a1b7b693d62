#!/usr/bin/env bash
# The cost of the run store (issue 15.8): failover-lite (tests/e2e/runbooks) applied against
# moto_server with the journal in a local directory (file://), in S3 (s3://, moto) and in
# DynamoDB (dynamodb://, moto), each on a fresh world, the three interleaved within each round
# (file s3 dynamodb, then the next round) so that the machine's load hits them alike;
# medians of RUNS wall times and the journal syncs of a run (S3: one segment object per
# sync; DynamoDB: one TransactWriteItems per sync), so that one sync's cost is
# (store wall - file wall) / syncs.   bench/state_store.sh [RUNS]   (default 5)
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
D='dynamodb://kdx-bench-runs?region=us-east-2'
world() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
	"$KDX" state init -state "$U" >/dev/null
	"$KDX" state init -state "$D" >/dev/null
	rm -rf .kdx
}
ms() { python3 -c 'import time; print(int(time.monotonic()*1000))'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >file.ms
: >s3.ms
: >dynamodb.ms
for _ in $(seq "$runs"); do
	for store in file s3 dynamodb; do
		world
		flag=(-state-dir .kdx)
		[ "$store" = s3 ] && flag=(-state "$U")
		[ "$store" = dynamodb ] && flag=(-state "$D")
		t0=$(ms)
		"$KDX" apply -auto-approve "${flag[@]}" failover-lite.kdx >/dev/null 2>&1
		t1=$(ms)
		echo $((t1 - t0)) >>"$store.ms"
		# the S3 run's syncs, before the next world is made
		[ "$store" = s3 ] && segs=$(python3 -c 'import boto3,os
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-2")
print(sum(1 for o in s3.list_objects_v2(Bucket="kdx-bench-runs", Prefix="b/runs/")["Contents"] if o["Key"].endswith(".jsonl")))')
	done
done
f=$(median <file.ms)
s=$(median <s3.ms)
d=$(median <dynamodb.ms)
echo "failover-lite apply, median of $runs: file:// ${f} ms, s3:// (moto) ${s} ms, dynamodb:// (moto) ${d} ms"
echo "journal syncs of the run (S3 segments): $segs; per sync over file://: s3 $(( (s - f) / (segs > 0 ? segs : 1) )) ms, dynamodb $(( (d - f) / (segs > 0 ? segs : 1) )) ms"
echo "all rounds (ms): file $(tr '\n' ' ' <file.ms)| s3 $(tr '\n' ' ' <s3.ms)| dynamodb $(tr '\n' ' ' <dynamodb.ms)"
