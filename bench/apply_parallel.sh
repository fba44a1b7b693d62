#!/usr/bin/env bash
# Benchmark of independent steps run in parallel: `kdx apply` of bench/runbooks/parallel.kdx
# (eight scale-ups, one per region, each followed by a wait until the instances are
# InService: 32 AWS calls) against moto_server, beside kdx itself with -parallelism 1 and
# the two sequential peers doing the same operations in the same order (bench/peers/
# parallel-awscli.sh, parallel_boto3.py).   bench/apply_parallel.sh [RUNS]   (default 5)
# Every contestant starts from the same state: POST /moto-api/reset, then
# bench/runbooks/setup_parallel.py. Measured per run:
#  - wall time of each contestant talking to moto directly; kdx's CPU (perf task-clock,
#    else user+sys from /usr/bin/time);
#  - the sequential floor: the emulator's service times (bench/timeproxy.py, one request
#    at a time, from a traced run of the boto3 peer) added up -- what any client that
#    sends these requests one after the other must wait for at least;
#  - for kdx's own traced run: its calls and the time at least one of its requests was at
#    the emulator (the service time on its critical path).
# The goal: kdx's wall time below the sequential floor.
# KDX_BENCH_LATENCY_MS (default 20) is added to every answer by the proxy, inside the timed
# interval, and every contestant goes through that proxy: moto on loopback answers from one
# Python process (one request at a time, in effect), so with 0 there is next to nothing
# for parallel steps to overlap; a real AWS endpoint has tens of milliseconds of network and
# service latency per call, which is what parallel steps hide.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
runs=${1:-5}
latency=${KDX_BENCH_LATENCY_MS:-20}
(cd "$KDX_REPO" && make -s >/dev/null)
. "$KDX_REPO/tests/e2e/lib.sh"
. "$here/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
command -v aws >/dev/null || skip "aws CLI not installed"
start_moto
cd "$E2E_TMP"
cp "$here/runbooks/parallel.kdx" .
start_proxy "$latency"
ENDPOINT=$MOTO_URL
[ "$latency" = 0 ] || ENDPOINT=$PROXY

reset() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$here/runbooks/setup_parallel.py" >/dev/null
	rm -rf .kdx
	: >req.log
}
timed() { # timed CMD...: sets WALL and CPU (s)
	local t0 t1
	t0=$(now)
	AWS_ENDPOINT_URL=$ENDPOINT cpu_of "$@" >out.txt 2>&1 || fail "$* failed: $(tail -5 out.txt)"
	t1=$(now)
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
	CPU=$(cpu_s)
}
check_state() { # every group must desire 2 instances, all InService
	python3 - "$1" <<-'EOF'
		import sys, boto3
		for r in ("us-east-1", "us-west-2", "eu-west-1", "us-east-2", "us-west-1", "eu-central-1",
		          "ap-southeast-1", "ap-northeast-1"):
		    g = boto3.client("autoscaling", region_name=r).describe_auto_scaling_groups(
		        AutoScalingGroupNames=["bench-fleet-" + r])["AutoScalingGroups"][0]
		    up = sum(i["LifecycleState"] == "InService" for i in g["Instances"])
		    if g["DesiredCapacity"] != 2 or up != 2:
		        sys.exit("%s: %s left %s desired, %d in service" % (sys.argv[1], r, g["DesiredCapacity"], up))
	EOF
}
traced() { # traced CMD...: one run through the timing proxy; prints reqstats' line
	reset
	AWS_ENDPOINT_URL=$PROXY "$@" >out.txt 2>&1 || fail "traced $* failed: $(tail -5 out.txt)"
	python3 "$here/reqstats.py" req.log
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "moto $(python3 -c 'import moto; print(moto.__version__)'), $(aws --version 2>&1 | cut -d' ' -f1), boto3 $(python3 -c 'import boto3; print(boto3.__version__)')"
echo "added latency per request: $latency ms (KDX_BENCH_LATENCY_MS)"
sorted() { tr , '\n' <<<"${1##* }" | sort | tr '\n' ,; }
kdx_ops=$(traced "$KDX" apply -auto-approve parallel.kdx)
seq_ops=$(traced "$KDX" apply -auto-approve -parallelism 1 parallel.kdx)
cli_ops=$(traced bash "$here/peers/parallel-awscli.sh")
b3_ops=$(traced python3 "$here/peers/parallel_boto3.py")
echo "kdx ops (in order of sending): ${kdx_ops##* }"
echo "boto3 ops:                     ${b3_ops##* }"
[ "$(sorted "$kdx_ops")" = "$(sorted "$seq_ops")" ] || fail "kdx -parallelism 1 sends other operations"
[ "$(sorted "$kdx_ops")" = "$(sorted "$cli_ops")" ] || fail "the aws CLI peer sends other operations"
[ "$(sorted "$kdx_ops")" = "$(sorted "$b3_ops")" ] || fail "the boto3 peer sends other operations"
[ "${seq_ops##* }" = "${b3_ops##* }" ] || fail "kdx -parallelism 1 and the boto3 peer send them in another order"

csv=${KDX_BENCH_CSV:-/dev/null}
echo "run,kdx_wall,kdx_cpu,calls,kdx_busy,floor,kdx_seq_wall,awscli_wall,boto3_wall" >"$csv"
printf '%-4s %9s %8s %6s %9s %9s %9s %9s %9s\n' run kdx_wall kdx_cpu calls kdx_busy floor kdx_seq awscli boto3
for i in $(seq 1 "$runs"); do
	read -r calls _ busy _ < <(traced "$KDX" apply -auto-approve parallel.kdx)
	read -r _ floor _ _ < <(traced python3 "$here/peers/parallel_boto3.py")
	reset
	timed "$KDX" apply -auto-approve parallel.kdx
	check_state kdx
	kw=$WALL kc=$CPU
	reset
	timed "$KDX" apply -auto-approve -parallelism 1 parallel.kdx
	check_state "kdx -parallelism 1"
	sw=$WALL
	reset
	timed bash "$here/peers/parallel-awscli.sh"
	check_state awscli
	cw=$WALL
	reset
	timed python3 "$here/peers/parallel_boto3.py"
	check_state boto3
	bw=$WALL
	printf '%-4s %9s %8s %6s %9s %9s %9s %9s %9s\n' "$i" "$kw" "$kc" "$calls" "$busy" "$floor" "$sw" "$cw" "$bw"
	echo "$i,$kw,$kc,$calls,$busy,$floor,$sw,$cw,$bw" >>"$csv"
	echo "$kw $kc $calls $busy $floor $sw $cw $bw" >>runs.txt
done
col() { awk -v c="$1" '{ print $c }' runs.txt | median; }
kw=$(col 1) kc=$(col 2) calls=$(col 3) busy=$(col 4) floor=$(col 5) sw=$(col 6) cw=$(col 7) bw=$(col 8)
below=$(awk '$1 < $5' runs.txt | wc -l)
echo "median of $runs runs (load now $(cut -d' ' -f1-3 /proc/loadavg)):"
awk -v kw="$kw" -v kc="$kc" -v n="$calls" -v b="$busy" -v f="$floor" -v sw="$sw" -v cw="$cw" \
	-v bw="$bw" -v below="$below" -v runs="$runs" -v lat="$latency" 'BEGIN {
	printf "  kdx apply               %7.3f s wall, CPU %.4f s = %.2f ms per call (%d calls)\n", kw, kc, kc * 1000 / n, n
	printf "  kdx apply -parallelism 1 %6.3f s wall\n", sw
	printf "  aws CLI script          %7.3f s wall  (kdx is %.1fx faster)\n", cw, cw / kw
	printf "  boto3 script            %7.3f s wall  (kdx is %.1fx faster)\n", bw, bw / kw
	printf "  sequential floor (service time summed, one request at a time, %d ms latency each included): %.3f s\n", lat, f
	printf "  kdx wall / sequential floor = %.2f; below the floor in %d of %d runs\n", kw / f, below, runs
	printf "  emulator busy with kdx requests (critical path): %.3f s\n", b
}'
