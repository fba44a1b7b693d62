#!/usr/bin/env bash
# RTO added by polling, against moto (issue #19.1b): kdx, boto3's waiters and the aws CLI's
# `wait` each make a change and wait for it, behind bench/holdproxy.py, which holds the
# change's completion for a set time (a Route 53 change INSYNC, an Auto Scaling group's
# instances InService, an Aurora cluster available again) and logs every request. For each
# hold and service every contestant gets its own resource and those of one hold run at
# once (interleaved, the same proxy, the same moto). bench/poll_stats.py reports the time
# each wait added after the completion and the requests it made.
#   bench/poll_moto.sh [ROUNDS] [HOLDS]   (default 2 rounds; holds "2.5 5 20 45" seconds)
#   KDX=path: that binary (no make); KDX_BENCH_KEEP=DIR: keep the proxy's logs there
# kdx: bench/runbooks/poll_waits.kdx (the stdlib actions and the step-level wait of
# plans/failover.kdx); boto3 and CLI: bench/peers/poll_peers.py, bench/peers/poll-awscli.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
rounds=${1:-2}
holds=${2:-2.5 5 20 45}
[ -n "${KDX:-}" ] || (cd "$KDX_REPO" && make -s >/dev/null) # KDX=path: that binary as it is
. "$KDX_REPO/tests/e2e/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
command -v aws >/dev/null || skip "aws CLI not installed"
start_moto ""
cd "$E2E_TMP"
: >holds.json
python3 "$here/holdproxy.py" "$MOTO_URL" proxy.port hold.log holds.json &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
[ -s proxy.port ] || fail "bench/holdproxy.py did not start"
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat proxy.port)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
logs=()
# one batch per hold: its contestants start together, in turn kdx, boto3, CLI per service
# (interleaved), on resources of their own; the batches of a round run one after the other
# so that the machine runs 8 contestants at a time, not 32
for round in $(seq 1 "$rounds"); do
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	: >hold.log
	specs=()
	for h in $holds; do
		for svc in route53 asg rds; do
			for tool in kdx boto3 cli; do
				[ "$tool/$svc" = cli/asg ] && continue # the aws CLI has no Auto Scaling wait
				specs+=("$tool-$svc-${h/./p}=$h")
			done
		done
	done
	python3 "$here/peers/poll_peers.py" setup holds.json "${specs[@]}" || fail "setup"
	for h in $holds; do
		pids=()
		for spec in "${specs[@]}"; do
			l=${spec%=*}
			[ "${spec#*=}" = "$h" ] || continue
			IFS=- read -r tool svc _ <<<"$l"
			case $tool in
			kdx) (cd "$KDX_REPO" && "$KDX" apply -auto-approve -state-dir "$E2E_TMP/state-$round-$l" \
				bench/runbooks/poll_waits.kdx -var which="$svc" -var zone="$l.bench" \
				-var group="$l" -var cluster="$l") >"out-$l.txt" 2>&1 & ;;
			boto3) python3 "$here/peers/poll_peers.py" boto3 "$svc" "$l" >"out-$l.txt" 2>&1 & ;;
			cli) bash "$here/peers/poll-awscli.sh" "$svc" "$l" >"out-$l.txt" 2>&1 & ;;
			esac
			pids+=("$!:$l")
		done
		for p in "${pids[@]}"; do
			wait "${p%%:*}" || fail "${p#*:}: $(tail -5 "out-${p#*:}.txt")"
		done
	done
	cp hold.log "round-$round.log"
	[ -z "${KDX_BENCH_KEEP:-}" ] || cp hold.log "$KDX_BENCH_KEEP/round-$round.log"
	logs+=("round-$round.log")
	echo "round $round done, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 "$here/poll_stats.py" "${logs[@]}"
