#!/usr/bin/env bash
# kdx plan sends the live reads of independent steps together (issue #19.2): planning the
# KALDRIX failover (plans/failover.kdx on the lite world of t0703) through bench/timeproxy.py,
# which holds every answer 300 ms and logs when each request went out and came back. With
# the default -parallelism, requests are in flight at the same time; with -parallelism 1 never
# (the proxy sees one after the other); the two plans print the same text and JSON, and the
# parallel one sends each distinct read once (executor/readcache.h).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
cd "$E2E_TMP"
python3 "$KDX_REPO/tests/e2e/runbooks/setup_failover.py" staging.kaldrix.io staging >/dev/null || fail "setup"
hc=$(python3 "$KDX_REPO/tests/e2e/kaldrix_state.py" lite-world) || fail "lite world: $hc"
cat >local.kdxvars <<VARS
db_failover       = "detach"
workloads         = false
cache_failover    = false
fleet_size        = 2
health_check_ids  = $hc
VARS
python3 "$KDX_REPO/bench/timeproxy.py" "$MOTO_URL" proxy.port req.log 300 &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
[ -s proxy.port ] || fail "bench/timeproxy.py did not start"
proxy="http://127.0.0.1:$(cat proxy.port)"

plan() { # plan NAME [FLAGS...]: plan through the proxy; NAME.txt, NAME.json, NAME.log
	local name=$1
	shift
	: >req.log
	(cd "$KDX_REPO" && AWS_ENDPOINT_URL=$proxy "$KDX" plan "$@" plans/failover.kdx \
		-var-file plans/environments/staging.kdxvars -var-file "$E2E_TMP/local.kdxvars" \
		-var domain=staging.kaldrix.io -var target=us-west-2) >"$name.txt" 2>&1 ||
		fail "plan $*: $(cat "$name.txt")"
	cp req.log "$name.log"
	: >req.log
	(cd "$KDX_REPO" && AWS_ENDPOINT_URL=$proxy "$KDX" plan -json "$@" plans/failover.kdx \
		-var-file plans/environments/staging.kdxvars -var-file "$E2E_TMP/local.kdxvars" \
		-var domain=staging.kaldrix.io -var target=us-west-2) >"$name.json" 2>"$name.err" ||
		fail "plan -json $*: $(cat "$name.err")"
}
plan seq -parallelism 1
plan par
plan par4 -parallelism 4

seq_top=$(python3 "$KDX_REPO/bench/inflight.py" seq.log)
par_top=$(python3 "$KDX_REPO/bench/inflight.py" par.log)
par4_top=$(python3 "$KDX_REPO/bench/inflight.py" par4.log)
echo "requests in flight at once: -parallelism 1: $seq_top, default: $par_top, 4: $par4_top"
assert_eq "$seq_top" 1 "-parallelism 1 reads one request after the other"
[ "$par_top" -ge 2 ] || fail "the default plan sent its reads one after another (at most $par_top in flight)"
[ "$par4_top" -ge 2 ] || fail "-parallelism 4 sent its reads one after another (at most $par4_top in flight)"
[ "$par4_top" -le 4 ] || fail "-parallelism 4 had $par4_top requests in flight"

# the same plan, whichever way its reads went out
cmp -s seq.txt par.txt || fail "the parallel plan's text differs: $(diff seq.txt par.txt | head -20)"
cmp -s seq.json par.json || fail "the parallel plan's JSON differs"
cmp -s seq.txt par4.txt || fail "-parallelism 4 plan's text differs"
assert_contains "$(cat par.txt)" "3. step scale_target after notify_start"

# each distinct read once: no two requests alike in the parallel plan's log, fewer than the
# sequential plan's (which reads the zone, the record sets, ... again for each step)
nseq=$(wc -l <seq.log)
npar=$(wc -l <par.log)
[ "$npar" -lt "$nseq" ] || fail "the parallel plan sent $npar requests, the sequential one $nseq"
echo "requests: -parallelism 1: $nseq, default: $npar"

# bad input
rc=0
out=$("$KDX" plan -parallelism 0 "$KDX_REPO/plans/failover.kdx" 2>&1) || rc=$?
assert_eq "$rc" 1 "exit code of -parallelism 0 (a usage error)"
assert_contains "$out" "-parallelism must be between 1 and 1000"
echo ok
