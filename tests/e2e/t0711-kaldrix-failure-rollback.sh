#!/usr/bin/env bash
# A failure in the middle of the KALDRIX failover makes kdx roll back: the target's health
# endpoint (a local server that always answers 500) fails validate_target after the fleet was
# scaled and the traffic shifted, before anything irreversible; kdx undoes both, and boto3 sees
# the world exactly as before the failover (weights 70/20/10, the fleets' desired capacities,
# no fence). The world is built with boto3 (no Terraform), so the test takes under a minute.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
RB="$KDX_REPO/tests/e2e/runbooks"
state() { python3 "$KDX_REPO/tests/e2e/kaldrix_state.py" "$@"; }
python3 "$RB/setup_failover.py" staging.kaldrix.io staging >/dev/null || fail "setup"
python3 "$RB/http500.py" >"$E2E_TMP/port" &
track_pid "$!"
for _ in $(seq 1 50); do [ -s "$E2E_TMP/port" ] && break; sleep 0.1; done
hport=$(cat "$E2E_TMP/port")
[ -n "$hport" ] || fail "the failing endpoint did not start"

# Route 53 health checks (moto reports them all healthy), by id as Terraform outputs them.
hc=$(python3 - <<'PY'
import boto3
r53 = boto3.client("route53")
ids = {}
for r in ("us-east-1", "us-west-2", "eu-west-1"):
    ids[r] = r53.create_health_check(CallerReference="kdx-t0711-" + r, HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "api-%s.staging.kaldrix.io" % r,
        "ResourcePath": "/health", "Port": 443})["HealthCheck"]["Id"]
print("{" + ", ".join('"%s" = "%s"' % kv for kv in ids.items()) + "}")
PY
)
before=$(state snapshot)
assert_eq "$(state weights staging.kaldrix.io)" "70/20/10" "starting weights"

cd "$KDX_REPO"
out=$("$KDX" apply plans/failover.kdx -var-file plans/environments/staging.kdxvars -var fleet_size=2 -var "health_check_ids=$hc" \
	-var workloads=false -var cache_failover=false \
	-var "target_health_url=http://127.0.0.1:$hport/health" -state-dir "$E2E_TMP/kdx" \
	-auto-approve 2>&1) && fail "the failover succeeded against a failing health endpoint: $out"
assert_contains "$out" "validate_target"
assert_contains "$out" "ROLLBACK"
grep -q "fence_writer *started\|promote_db *started" <<<"$out" && fail "a step after the failure ran: $out"

after=$(state snapshot)
assert_eq "$after" "$before" "the world after the rollback"
assert_eq "$(state weights staging.kaldrix.io)" "70/20/10" "weights after the rollback"
printf '%s\n' "$out" | tail -8
echo ok
