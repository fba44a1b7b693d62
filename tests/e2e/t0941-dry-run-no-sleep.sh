#!/usr/bin/env bash
# Issue #14.7: a dry run never sleeps. plans/failover.kdx against the KALDRIX world in moto
# (built with boto3, no Terraform) waits minutes when it runs for real (scale_target's 3m
# wait, validate's 90s); its dry run reports every wait ("would wait ...") and skips it, and
# takes well under a second of its own (the "run ok in" figure; the wall-clock bound here is
# loose: the waits it skips add up to minutes, and the test machine is shared).
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
RB="$KDX_REPO/tests/e2e/runbooks"
python3 "$RB/setup_failover.py" staging.kaldrix.io staging >/dev/null || fail "setup"
hc=$(python3 "$KDX_REPO/tests/e2e/kaldrix_state.py" lite-world) || fail "lite world"
cat >"$E2E_TMP/hold.kdx" <<'KDX'
runbook "hold" {
  description = "a hold and a wait that a dry run must report, not sleep through"
}
import "core"
step hold {
  do core.sleep(1m)
  wait 60s
  timeout 3m
}
step check after hold {
  wait until core.http_check("http://127.0.0.1:9/never") within 30s every 5s
  timeout 40s
}
KDX
t0=$(date +%s%N)
out=$(timeout 60 "$KDX" apply -dry-run "$E2E_TMP/hold.kdx" 2>&1) || fail "dry run of hold: $out"
ms=$((($(date +%s%N) - t0) / 1000000))
assert_contains "$out" "would wait 1m"
assert_contains "$out" "would wait until core.http_check(\"http://127.0.0.1:9/never\") within 30s"
[ "$ms" -lt 10000 ] || fail "the dry run of a 2m30s hold took ${ms}ms"
assert_contains "$out" "run ok in 0."
cd "$KDX_REPO"
t0=$(date +%s%N)
out=$(timeout 60 "$KDX" apply -dry-run plans/failover.kdx -var-file plans/environments/staging.kdxvars \
	-var workloads=false -var cache_failover=false \
	-var fleet_size=2 -var "health_check_ids=$hc" -state-dir "$E2E_TMP/kdx" 2>&1) ||
	fail "dry run of the failover: $out"
ms=$((($(date +%s%N) - t0) / 1000000))
assert_contains "$out" "would wait until autoscaling.in_service(fleet[target]) >= autoscaling.desired(fleet[target]) within 3m"
assert_contains "$out" "run ok"
echo "dry run of plans/failover.kdx: ${ms}ms wall, $(grep -o 'run ok in [0-9.]*s' <<<"$out")"
[ "$ms" -lt 20000 ] || fail "the dry run of plans/failover.kdx took ${ms}ms"
grep -qE 'run ok in [0-4]\.' <<<"$out" || fail "the dry run's own time: $(grep 'run ok' <<<"$out")"
echo ok
