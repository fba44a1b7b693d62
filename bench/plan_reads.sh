#!/usr/bin/env bash
# kdx plan's live reads, one step after the other (-parallelism 1) against together (the
# default, 10) (issue #19.2): the KALDRIX failover (plans/failover.kdx, staging, to
# us-west-2) on t0703's lite world in moto, through bench/timeproxy.py with LATENCY_MS
# (default 50) added to every answer. Interleaved rounds; per plan: wall time, requests,
# the read span (first request out to last answer in, at the proxy); and, from the
# sequential plan's log, the slowest chain of dependent reads: route53.health's
# ListHostedZonesByName -> ListResourceRecordSets (that zone) -> GetHealthCheckStatus
# (the record's check), each needing the answer before it -- every other read of the plan
# needs no other read's answer. Also `kdx validate` (compile + check, no reads): the part
# of a plan's time that is not reading.
#   bench/plan_reads.sh [ROUNDS] [LATENCY_MS]   (default 5, 50); KDX=path: that binary
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
rounds=${1:-5}
latency=${2:-50}
[ -n "${KDX:-}" ] || (cd "$KDX_REPO" && make -s >/dev/null)
. "$KDX_REPO/tests/e2e/lib.sh"
. "$here/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
cd "$E2E_TMP"
python3 "$KDX_REPO/tests/e2e/runbooks/setup_failover.py" staging.kaldrix.io staging >/dev/null || fail "setup"
hc=$(python3 "$KDX_REPO/tests/e2e/kaldrix_state.py" lite-world) || fail "lite world"
cat >local.kdxvars <<VARS
db_failover       = "detach"
workloads         = false
cache_failover    = false
fleet_size        = 2
health_check_ids  = $hc
VARS
start_proxy "$latency"
args=(plans/failover.kdx -var-file plans/environments/staging.kdxvars -var-file "$E2E_TMP/local.kdxvars"
	-var domain=staging.kaldrix.io -var target=us-west-2)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg); latency $latency ms per answer"
# run NAME CMD...: wall time of CMD in $KDX_REPO through the proxy -> NAME.txt (s), NAME.log
run() {
	local name=$1
	shift
	: >req.log
	local t0 t1
	t0=$(now)
	(cd "$KDX_REPO" && AWS_ENDPOINT_URL=$PROXY "$@") >"$name.out" 2>&1 || fail "$name: $(tail -5 "$name.out")"
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }' >>"$name.wall"
	cp req.log "$name.log"
	python3 - "$name.log" >>"$name.stats" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])] or [["0", "0"]]
sent = [float(r[0]) for r in rows]
done = [float(r[1]) for r in rows]
print("%d %.3f" % (len(rows), max(done) - min(sent)))
PY
}
for i in $(seq 1 "$rounds"); do
	run validate "$KDX" validate "${args[@]}"
	run seq "$KDX" plan -parallelism 1 "${args[@]}"
	# the chain, timed in the sequential plan: the first zone lookup, record sets, check status
	python3 - seq.log >>chain.txt <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
def first(pred, after):
    return next(r for r in rows if pred(r[3]) and float(r[0]) >= after)
a = first(lambda p: p.endswith("/hostedzonesbyname"), 0)
b = first(lambda p: p.endswith("/rrset"), float(a[1]))
c = first(lambda p: p.endswith("/status"), float(b[1]))
print("%.3f" % (float(c[1]) - float(a[0])))
PY
	run par "$KDX" plan "${args[@]}"
	cmp -s seq.out par.out || fail "the two plans differ: $(diff seq.out par.out | head)"
done
med() { median <"$1"; }
col() { awk -v c="$2" '{ print $c }' "$1" | median; }
chain=$(med chain.txt)
printf '| %s | %s | %s | %s | %s |\n' "kdx plan, median of $rounds" "wall" "requests" "read span" "read span / chain"
printf '|---|---|---|---|---|\n'
for n in seq par; do
	span=$(col "$n.stats" 2)
	printf '| %s | %s s | %s | %s s | %s |\n' "$([ $n = seq ] && echo "-parallelism 1" || echo "default (10)")" \
		"$(med "$n.wall")" "$(col "$n.stats" 1)" "$span" "$(awk -v a="$span" -v b="$chain" 'BEGIN { printf "%.2f", a / b }')"
done
echo "slowest chain of dependent reads (3 reads): $chain s; kdx validate (no reads): $(med validate.wall) s"
par_wall=$(med par.wall)
echo "plan (default) minus validate: $(awk -v a="$par_wall" -v b="$(med validate.wall)" -v c="$chain" 'BEGIN { printf "%.3f s = %.2f x the chain", a - b, (a - b) / c }')"
