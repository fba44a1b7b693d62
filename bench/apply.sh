#!/usr/bin/env bash
# Benchmark of `kdx apply` against moto_server, beside two peers doing the same AWS operations
# in the same order (bench/peers/): a bash script calling the aws CLI per step and one boto3
# process.   bench/apply.sh [RUNS]   (default 5; medians are reported)
# Every run starts from the same state: POST /moto-api/reset, then the resources are created
# again (tests/e2e/runbooks/setup_failover.py). The runbook is bench/runbooks/failover.kdx.
# Measured:
#  - wall time of each of the three (kdx, aws CLI, boto3), talking to moto directly;
#  - kdx's CPU (perf task-clock, else user+sys from /usr/bin/time) divided by the number of
#    AWS calls it made;
#  - the emulator's service time for kdx's requests, taken by a timing pass-through proxy
#    (bench/timeproxy.py) in a separate traced run: the sum over all requests (the
#    sequential floor) and the time at least one request was in flight (the critical path's
#    service time, since kdx overlaps independent steps).
# Prints one line per run and the medians; KDX_BENCH_CSV=file also writes the raw figures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
runs=${1:-5}
(cd "$KDX_REPO" && make -s >/dev/null)
. "$KDX_REPO/tests/e2e/lib.sh"
. "$here/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
command -v aws >/dev/null || skip "aws CLI not installed"
start_moto
cd "$E2E_TMP"
cp "$here/runbooks/failover.kdx" .
start_proxy

reset() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$KDX_REPO/tests/e2e/runbooks/setup_failover.py" kaldrix.test >/dev/null
	rm -rf .kdx
	: >req.log
}
# timed LABEL CMD...: runs CMD with the moto endpoint, sets WALL (s) and CPU (user+sys s)
timed() {
	local t0 t1
	shift
	t0=$(now)
	cpu_of "$@" >out.txt 2>&1 || fail "$* failed: $(tail -5 out.txt)"
	t1=$(now)
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
	CPU=$(cpu_s)
}
check_state() { # the end state every contestant must reach
	local s
	s=$(python3 "$KDX_REPO/tests/e2e/runbooks/weights.py" kaldrix.test)
	[ "$s" = "eu-west-1=40,us-east-1=0,us-west-2=60" ] || fail "$1: end state $s"
}
# traced CMD...: one run through the timing proxy; prints reqstats' line
traced() {
	reset
	AWS_ENDPOINT_URL=$PROXY "$@" >out.txt 2>&1 || fail "traced $* failed: $(tail -5 out.txt)"
	python3 "$here/reqstats.py" req.log
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "moto $(python3 -c 'import moto; print(moto.__version__)'), $(aws --version 2>&1 | cut -d' ' -f1), boto3 $(python3 -c 'import boto3; print(boto3.__version__)')"
# the operations each one sends, in order (the two scale-ups of kdx overlap: order may vary)
kdx_ops=$(traced "$KDX" apply -auto-approve failover.kdx)
cli_ops=$(traced bash "$here/peers/failover-awscli.sh")
b3_ops=$(traced python3 "$here/peers/failover_boto3.py")
echo "kdx ops:   ${kdx_ops##* }"
echo "awscli ops: ${cli_ops##* }"
echo "boto3 ops: ${b3_ops##* }"
sorted() { tr , '\n' <<<"${1##* }" | sort | tr '\n' ,; }
[ "$(sorted "$kdx_ops")" = "$(sorted "$cli_ops")" ] || fail "the aws CLI peer sends other operations"
[ "$(sorted "$kdx_ops")" = "$(sorted "$b3_ops")" ] || fail "the boto3 peer sends other operations"

csv=${KDX_BENCH_CSV:-/dev/null}
echo "run,kdx_wall,kdx_cpu,calls,svc_sum,svc_busy,awscli_wall,boto3_wall" >"$csv"
printf '%-4s %9s %9s %6s %9s %9s %10s %9s\n' run kdx_wall kdx_cpu calls svc_sum svc_crit awscli boto3
for i in $(seq 1 "$runs"); do
	read -r calls sum busy _ < <(traced "$KDX" apply -auto-approve failover.kdx)
	reset
	timed kdx "$KDX" apply -auto-approve failover.kdx
	check_state kdx
	kw=$WALL kc=$CPU
	reset
	timed awscli bash "$here/peers/failover-awscli.sh"
	check_state awscli
	cw=$WALL
	reset
	timed boto3 python3 "$here/peers/failover_boto3.py"
	check_state boto3
	bw=$WALL
	printf '%-4s %9s %9s %6s %9s %9s %10s %9s\n' "$i" "$kw" "$kc" "$calls" "$sum" "$busy" "$cw" "$bw"
	echo "$i,$kw,$kc,$calls,$sum,$busy,$cw,$bw" >>"$csv"
	echo "$kw $kc $calls $sum $busy $cw $bw" >>runs.txt
done
col() { awk -v c="$1" '{ print $c }' runs.txt | median; }
kw=$(col 1) kc=$(col 2) calls=$(col 3) sum=$(col 4) busy=$(col 5) cw=$(col 6) bw=$(col 7)
echo "median of $runs runs (load now $(cut -d' ' -f1-3 /proc/loadavg)):"
awk -v kw="$kw" -v kc="$kc" -v n="$calls" -v s="$sum" -v b="$busy" -v cw="$cw" -v bw="$bw" 'BEGIN {
	printf "  kdx apply       %8.3f s wall, CPU %.4f s = %.2f ms per call (%d calls)\n", kw, kc, kc * 1000 / n, n
	printf "  aws CLI script  %8.3f s wall  (kdx is %.1fx faster; goal >= 50x)\n", cw, cw / kw
	printf "  boto3 script    %8.3f s wall  (kdx is %.1fx faster; goal >= 3x)\n", bw, bw / kw
	printf "  emulator service time: %.3f s on the critical path, %.3f s summed (sequential floor)\n", b, s
	printf "  kdx wall / critical-path service time = %.2f (goal <= 1.5)\n", kw / b
	printf "  kdx wall below the sequential floor: %s\n", (kw < s ? "yes" : "no")
}'
