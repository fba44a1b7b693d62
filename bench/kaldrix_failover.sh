#!/usr/bin/env bash
# kdx's own CPU per AWS call on the KALDRIX failover itself (plans/failover.kdx, staging, to
# us-west-2), not a reduced runbook: the world is t0703's (setup_failover.py plus
# kaldrix_state.py lite-world, built with boto3 on moto_server; no Terraform), the local
# settings are docs/kaldrix.md's (db_failover = detach, the health URLs on a local server,
# workloads and cache_failover off: moto has no Kubernetes API nor Global Datastore failover).
#   KDX_REPO=DIR bench/kaldrix_failover.sh benchmarks the tree in DIR (another worktree) with
#   this script.
#   bench/kaldrix_failover.sh [RUNS]   (default 5; medians reported)
#   KDX_BENCH_STATE=URL keeps the runs in that store (s3://..., dynamodb://... on the same moto)
#   bench/kaldrix_failover.sh -stores [RUNS]: the wall time of the failover with each run store
#   (issue 15.8): per round three plain applies, each on a fresh world, with the journal in a
#   local directory (file://), in S3 and in DynamoDB (both on the same moto), interleaved in
#   that order so that the machine's load hits them alike; medians and every round.
# Each run: three applies, each on a fresh world (moto reset, rebuilt): one through
# bench/timeproxy.py, which counts the AWS calls and times the emulator's answers (summed, and
# on the critical path); one straight to moto under perf stat for kdx's CPU (task-clock, else
# /usr/bin/time); one straight to moto, plain, for the wall time. After each, boto3 checks that the weights moved to 0/90/10.
# Also per run: the CPU of `kdx validate` with the same arguments (start-up + compiling the
# runbook and its modules: what every kdx process pays whatever it calls), so that the
# summary can split the CPU into that fixed part and what each call adds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
stores=false
if [ "${1:-}" = -stores ]; then
	stores=true
	shift
fi
runs=${1:-5}
(cd "$KDX_REPO" && make -s >/dev/null)
. "$KDX_REPO/tests/e2e/lib.sh"
. "$here/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
cd "$E2E_TMP"
start_proxy
mkdir -p www && echo ok >www/health
hport=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory www "$hport" >/dev/null 2>&1 &
track_pid $!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$hport/health" 2>/dev/null && break; sleep 0.1; done
state() { python3 "$KDX_REPO/tests/e2e/kaldrix_state.py" "$@"; }

world() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$KDX_REPO/tests/e2e/runbooks/setup_failover.py" staging.kaldrix.io staging >/dev/null
	local hc
	hc=$(state lite-world)
	# the EKS workload and Redis datastore steps are off on moto, as in t0703 and the demo
	cat >local.kdxvars <<VARS
db_failover       = "detach"
workloads         = false
cache_failover    = false
fleet_size        = 2
health_check_ids  = $hc
health_url        = "http://127.0.0.1:$hport/health"
target_health_url = "http://127.0.0.1:$hport/health"
VARS
	rm -rf state
	: >req.log
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %9s %9s %6s %11s %9s %9s %9s\n' run wall cpu calls ms_per_call svc_sum svc_crit fixed_cpu
: >runs.txt
# apply [PREFIX...]: one failover apply on a fresh world, PREFIX before kdx (perf, env);
# sets WALL to the apply's wall time
apply() {
	world
	# KDX_BENCH_STATE=URL: keep the run in that store (made afresh on the reset world)
	local store=(-state-dir "$E2E_TMP/state")
	if [ -n "${KDX_BENCH_STATE:-}" ]; then
		store=(-state "$KDX_BENCH_STATE")
		"$KDX" state init -state "$KDX_BENCH_STATE" >/dev/null || fail "state init"
	fi
	local t0 t1
	t0=$(now)
	(cd "$KDX_REPO" && "$@" "$KDX" apply -auto-approve "${store[@]}" \
		plans/failover.kdx -var-file plans/environments/staging.kdxvars -var-file "$E2E_TMP/local.kdxvars" \
		-var domain=staging.kaldrix.io -var target=us-west-2) >out.txt 2>&1 || fail "apply: $(grep -E "FAILED|error" out.txt | head -5)"
	t1=$(now)
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	[ "$(state weights staging.kaldrix.io)" = "0/90/10" ] || fail "weights after the failover: $(state weights staging.kaldrix.io)"
}
if $stores; then
	printf '%-4s %9s %9s %9s\n' run file s3 dynamodb
	for i in $(seq 1 "$runs"); do
		row=()
		for u in '' 's3://kdx-bench-runs/k?region=us-east-2' 'dynamodb://kdx-bench-runs?region=us-east-2'; do
			KDX_BENCH_STATE=$u apply env
			row+=("$WALL")
		done
		printf '%-4s %9s %9s %9s\n' "$i" "${row[@]}"
		echo "${row[*]}" >>runs.txt
	done
	col() { awk -v c="$1" '{ print $c }' runs.txt | median; }
	echo "median wall of $runs rounds (load now $(cut -d' ' -f1-3 /proc/loadavg)): file:// $(col 1) s, s3:// $(col 2) s, dynamodb:// $(col 3) s"
	exit 0
fi
for i in $(seq 1 "$runs"); do
	# the calls and the emulator's service time, from a run through the proxy; the wall and
	# CPU time from a run that talks to moto directly (the proxy costs time of its own)
	apply env AWS_ENDPOINT_URL="$PROXY"
	read -r calls sum busy _ < <(python3 "$here/reqstats.py" req.log)
	apply cpu_of
	apply env # perf's own start-up would count in the wall time: a plain run for it
	wall=$WALL
	cpu=$(cpu_s)
	per=$(awk -v c="$cpu" -v n="$calls" 'BEGIN { printf "%.3f", c * 1000 / n }')
	(cd "$KDX_REPO" && cpu_of "$KDX" validate plans/failover.kdx \
		-var-file plans/environments/staging.kdxvars -var-file "$E2E_TMP/local.kdxvars" \
		-var domain=staging.kaldrix.io -var target=us-west-2) >/dev/null 2>&1 || fail "kdx validate failed"
	fixed=$(cpu_s)
	printf '%-4s %9s %9s %6s %11s %9s %9s %9s\n' "$i" "$wall" "$cpu" "$calls" "$per" "$sum" "$busy" "$fixed"
	echo "$wall $cpu $calls $per $sum $busy $fixed" >>runs.txt
done
col() { awk -v c="$1" '{ print $c }' runs.txt | median; }
echo "median of $runs runs (load now $(cut -d' ' -f1-3 /proc/loadavg)): wall $(col 1) s, kdx CPU $(col 2) s, $(col 3) calls, $(col 4) ms CPU per call (goal < 1 ms); emulator service time $(col 6) s on the critical path, $(col 5) s summed"
awk -v c="$(col 2)" -v f="$(col 7)" -v n="$(col 3)" 'BEGIN { printf "of the CPU: %.1f ms fixed (kdx validate: start-up + compile), %.3f ms added per call\n", f * 1000, (c - f) * 1000 / n }'
